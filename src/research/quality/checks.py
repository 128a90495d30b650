"""Data-quality rules over the whole store: what `research check` and the report's quality
section show.

Each rule is a pure function from the tables to the offending rows' ids, so a rule can be tested
on a handful of hand-made rows. Ids are pseudonyms or the partners' own record ids, never CPR
numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import pandas as pd

from research.domain.identifiers import CPR_FULL_MASK, mask_cpr_shaped
from research.domain.rules import FORM_GRACE_DAYS, UNEMPLOYED
from research.metrics.population import participant_facts
from research.store.tables import REFERENCES, TABLES

Severity = Literal["error", "warning"]
Tables = dict[str, pd.DataFrame]

DEFAULT_GRACE_DAYS = FORM_GRACE_DAYS  # the rule lives in domain.rules


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    description: str
    count: int
    examples: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # ids are pseudonyms or record ids; one that quotes a CPR number never shows it
        masked = tuple(mask_cpr_shaped(e, CPR_FULL_MASK) for e in self.examples)
        object.__setattr__(self, "examples", masked)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "description": self.description,
            "count": self.count,
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class CheckReport:
    as_of: date | None
    findings: tuple[Finding, ...]
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(f.count for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(f.count for f in self.findings if f.severity == "warning")

    @property
    def clean(self) -> bool:
        return self.errors == 0

    def as_dict(self) -> dict:
        return {
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.as_dict() for f in self.findings],
            "row_counts": self.row_counts,
        }


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    description: str
    find: Callable[[Tables, pd.Timestamp], pd.Series]  # the offending ids
    description_da: str | None = None  # for rules made from the schema, not named by hand


EXAMPLES_SHOWN = 5


def _ids(frame: pd.DataFrame, mask: pd.Series, column: str) -> pd.Series:
    return frame.loc[mask.fillna(False).astype(bool), column].astype(str)


def _dangling(child: str, column: str, parent: str, key: str, id_column: str):
    def find(t: Tables, _: pd.Timestamp) -> pd.Series:
        values = t[child][column]
        mask = values.notna() & ~values.isin(t[parent][key])
        return _ids(t[child], mask, id_column)

    return find


# The references that have a rule of their own above (with a name the report's quality section
# describes in Danish); every other reference gets a generic rule from ``REFERENCES``.
_NAMED_REFERENCES = {
    ("enrolments", "participant_id"),
    ("participants", "cvr"),
    ("company_contacts", "cvr"),
    ("survey_answers", "statement_id"),
}


def _record_ids(frame: pd.DataFrame, table: str) -> pd.Series:
    key = list(TABLES[table].key)
    return frame[key].astype(str).agg("/".join, axis=1) if len(key) > 1 else frame[key[0]]


def _dangling_reference(child: str, column: str, parent: str):
    key = TABLES[parent].key[0]

    def find(t: Tables, _: pd.Timestamp) -> pd.Series:
        frame = t[child]
        values = frame[column]
        mask = values.notna() & ~values.astype("string").isin(t[parent][key].astype("string"))
        ids = _record_ids(frame, child)
        return ids[mask.fillna(False).astype(bool)].astype(str)

    return find


def reference_rules() -> tuple[Rule, ...]:
    """One error rule per stored reference not covered by a named rule: the store keeps no
    FOREIGN KEY constraints (see store/schema.py), so this is where a dangling one shows."""
    return tuple(
        Rule(
            f"{child}_unknown_{column}",
            "error",
            f"{child} rows whose {column} is not in the {parent} table",
            _dangling_reference(child, column, parent),
            f"rækker i {child}, hvis {column} ikke findes i {parent}",
        )
        for child, columns in REFERENCES.items()
        for column, parent in columns.items()
        if (child, column) not in _NAMED_REFERENCES
    )


def _exit_before_start(t: Tables, _: pd.Timestamp) -> pd.Series:
    e = t["enrolments"]
    return _ids(e, e["exit_on"] < e["started_on"], "enrolment_id")


def _exit_without_reason(t: Tables, _: pd.Timestamp) -> pd.Series:
    e = t["enrolments"]
    return _ids(e, e["exit_on"].isna() != e["exit_reason"].isna(), "enrolment_id")


def _events_after_data_date(t: Tables, as_of: pd.Timestamp) -> pd.Series:
    e = t["enrolments"]
    return _ids(e, (e["started_on"] > as_of) | (e["exit_on"] > as_of), "enrolment_id")


def _start_before_first_entry(t: Tables, _: pd.Timestamp) -> pd.Series:
    e = t["enrolments"].merge(
        t["participants"][["participant_id", "first_entry_on"]], on="participant_id", how="left"
    )
    return _ids(e, e["started_on"] < e["first_entry_on"], "enrolment_id")


def _participant_without_enrolment(t: Tables, _: pd.Timestamp) -> pd.Series:
    p = t["participants"]
    return _ids(p, ~p["participant_id"].isin(t["enrolments"]["participant_id"]), "participant_id")


def _underage_euv(t: Tables, _: pd.Timestamp) -> pd.Series:
    e = t["enrolments"].merge(
        t["participants"][["participant_id", "birth_date"]], on="participant_id", how="left"
    )
    age_25 = e["birth_date"] + pd.DateOffset(years=25)
    return _ids(e, (e["programme_kind"] == "euv") & (e["started_on"] < age_25), "enrolment_id")


def _missing_stop_form(grace_days: int):
    def find(t: Tables, as_of: pd.Timestamp) -> pd.Series:
        e = t["enrolments"]
        overdue = e["expected_end"] + timedelta(days=grace_days) < as_of
        return _ids(e, e["exit_on"].isna() & overdue, "enrolment_id")

    return find


def _euv_without_rkv(t: Tables, _: pd.Timestamp) -> pd.Series:
    e = t["enrolments"]
    r = t["rkv_results"]
    assessed = r.loc[r["rkv_type"] == "euv", "person_id"]
    return _ids(
        e, (e["programme_kind"] == "euv") & ~e["participant_id"].isin(assessed), "enrolment_id"
    )


def _employed_without_company(t: Tables, _: pd.Timestamp) -> pd.Series:
    p = t["participants"]
    return _ids(p, (p["employment_status"] == "employed") & p["cvr"].isna(), "participant_id")


def _track_differs_from_rkv(t: Tables, _: pd.Timestamp) -> pd.Series:
    r = t["rkv_results"]
    decided = (
        r[(r["rkv_type"] == "euv") & r["track_decided"].notna()]
        .sort_values("ended_on")
        .groupby("person_id", observed=True)["track_decided"]
        .last()
        .astype(str)
    )
    e = t["enrolments"]
    euv = e[(e["programme_kind"] == "euv") & e["euv_track"].notna()]
    expected = euv["participant_id"].map(decided)
    return _ids(euv, expected.notna() & (euv["euv_track"].astype(str) != expected), "enrolment_id")


def _follow_up_due(t: Tables, as_of: pd.Timestamp) -> pd.Series:
    # ESF: results belong to the participant's final exit, so only people who have left count.
    stamp = None if as_of == pd.Timestamp.max else as_of
    facts = participant_facts(t["participants"], t["enrolments"], stamp)
    unemployed = facts["employment_status"].astype(str).isin(UNEMPLOYED)
    due = facts["left"] & (facts["exit_on"] + pd.DateOffset(months=6) <= as_of)
    return _ids(facts, unemployed & due & facts["status_6_months"].isna(), "participant_id")


def rules(grace_days: int = DEFAULT_GRACE_DAYS) -> tuple[Rule, ...]:
    return (
        Rule(
            "enrolment_unknown_participant",
            "error",
            "enrolments whose participant is not in the participants table",
            _dangling(
                "enrolments", "participant_id", "participants", "participant_id", "enrolment_id"
            ),
        ),
        Rule(
            "participant_unknown_company",
            "error",
            "participants whose employer (CVR) is not in the companies table",
            _dangling("participants", "cvr", "companies", "cvr", "participant_id"),
        ),
        Rule(
            "contact_unknown_company",
            "error",
            "company contacts for a CVR number not in the companies table",
            _dangling("company_contacts", "cvr", "companies", "cvr", "contact_id"),
        ),
        Rule(
            "answer_unknown_statement",
            "error",
            "survey answers to a statement that does not exist",
            _dangling(
                "survey_answers", "statement_id", "survey_statements", "statement_id", "response_id"
            ),
        ),
        *reference_rules(),
        Rule(
            "exit_before_start",
            "error",
            "enrolments that end before they start",
            _exit_before_start,
        ),
        Rule(
            "exit_without_reason",
            "error",
            "enrolments with an exit date but no reason, or a reason but no exit date",
            _exit_without_reason,
        ),
        Rule(
            "event_after_data_date",
            "error",
            "enrolments that start or end after the data date",
            _events_after_data_date,
        ),
        Rule(
            "start_before_first_entry",
            "error",
            "enrolments that start before the participant's recorded first entry",
            _start_before_first_entry,
        ),
        Rule(
            "participant_without_enrolment",
            "error",
            "participants with no enrolment (a start form without its education)",
            _participant_without_enrolment,
        ),
        Rule(
            "underage_euv", "error", "EUV enrolments of people under 25 at the start", _underage_euv
        ),
        Rule(
            "missing_stop_form",
            "error",
            f"enrolments still open more than {grace_days} days after their expected end",
            _missing_stop_form(grace_days),
        ),
        Rule(
            "euv_without_rkv",
            "error",
            "EUV enrolments whose participant has no EUV-RKV",
            _euv_without_rkv,
        ),
        Rule(
            "employed_without_company",
            "warning",
            "employed participants without an employer CVR number",
            _employed_without_company,
        ),
        Rule(
            "track_differs_from_rkv",
            "warning",
            "EUV enrolments on another track than the RKV decided",
            _track_differs_from_rkv,
        ),
        Rule(
            "follow_up_missing",
            "warning",
            "unemployed participants who left over six months ago with no status six months after",
            _follow_up_due,
        ),
    )


def run_checks(
    tables: Tables, as_of: date | None, grace_days: int = DEFAULT_GRACE_DAYS
) -> CheckReport:
    """Apply every rule; ``as_of`` is the data date (latest event in the store by default)."""
    stamp = pd.Timestamp(as_of) if as_of else pd.Timestamp.max
    findings = []
    for rule in rules(grace_days):
        ids = rule.find(tables, stamp)
        if len(ids):
            examples = tuple(sorted(ids.unique())[:EXAMPLES_SHOWN])
            findings.append(Finding(rule.name, rule.severity, rule.description, len(ids), examples))
    counts = {name: len(frame) for name, frame in tables.items()}
    return CheckReport(as_of, tuple(findings), counts)
