"""The counting rules live once, in research.domain.rules, and pseudonyms beside mask_cpr."""

from __future__ import annotations

import ast
from pathlib import Path

from research.domain import identifiers, rules
from research.domain.codes import EmploymentStatus, Purpose
from tests.source_trees import trees_mentioning

SRC = Path(__file__).parents[2] / "src" / "research"


def test_the_rules_say_who_counts_and_who_is_unemployed():
    assert rules.UNEMPLOYED == ("unemployed", "long_term_unemployed")
    assert rules.EMPLOYED == ("employed", "self_employed")
    assert rules.LIFT_PURPOSES == ("skilled_lift", "academy_lift")
    assert set(rules.COUNTED_PURPOSES) == {p.value for p in Purpose} - {"side_effect"}
    assert rules.is_counted_participant(["side_effect", "preparatory"])
    assert not rules.is_counted_participant({"side_effect"})
    assert not rules.is_counted_participant([])
    statuses = set(rules.UNEMPLOYED) | set(rules.EMPLOYED) | set(rules.INACTIVE)
    assert statuses == {s.value for s in EmploymentStatus}


def literal_tuples(tree: ast.AST) -> list[tuple[int, frozenset[str]]]:
    """Every tuple, list or set of string literals in a module, with its line."""
    out = []
    for node in ast.walk(tree):
        strings = isinstance(node, ast.Tuple | ast.List | ast.Set) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
        )
        if strings and node.elts:
            out.append((node.lineno, frozenset(e.value for e in node.elts)))
    return out


def test_no_module_writes_a_rule_out_again():
    rule_sets = {
        frozenset(rules.UNEMPLOYED): "UNEMPLOYED",
        frozenset(rules.COUNTED_PURPOSES): "COUNTED_PURPOSES",
        frozenset(rules.LIFT_PURPOSES): "LIFT_PURPOSES",
        frozenset(rules.EMPLOYED): "EMPLOYED",
        frozenset(rules.INACTIVE): "INACTIVE",
    }
    copies = []
    words = {value for values in rule_sets for value in values}
    for path, tree in trees_mentioning(*words):
        if path.parent.name == "domain":
            continue
        for line, values in literal_tuples(tree):
            if values in rule_sets:
                copies.append(f"{path.relative_to(SRC.parent)}:{line} ({rule_sets[values]})")
    assert not copies, f"use research.domain.rules instead of a copy: {copies}"


def test_pseudonymisation_is_a_pure_function_of_number_and_key():
    one = identifiers.pseudonymise("0101901234", identifiers.DEMO_KEY)
    assert one == "P92d108cd25f909b4ac6f968f6dc6ebc6"  # the demo's pseudonyms depend on it
    assert one == identifiers.pseudonymise("0101901234", identifiers.DEMO_KEY)
    assert identifiers.pseudonymise("0101901234", b"another key, sixteen+") != one
    assert identifiers.pseudonymise("0101901235", identifiers.DEMO_KEY) != one
