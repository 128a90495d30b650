"""Which subject areas of a competence supply plan an education or an offer works on.

Why a rule file (``subject_areas.toml``) and not code: the plans' subject areas and the
colleges' course names are the programme's words, not the software's; a project manager can
correct a rule without a programmer. Matching is by the start of words, so it survives
inflection ("digital" matches "Digitale") and never matches inside a word ("it" does not
match "kvalitet").
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

RULES_FILE = Path(__file__).with_name("subject_areas.toml")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class AreaRule:
    area: str
    words: tuple[str, ...]
    kinds: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def area_rules() -> tuple[AreaRule, ...]:
    """The rules of ``subject_areas.toml``, in the file's order."""
    raw = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    return tuple(
        AreaRule(
            str(r["area"]),
            tuple(str(w).casefold() for w in r.get("words", ())),
            tuple(str(k) for k in r.get("kinds", ())),
        )
        for r in raw.get("rule", [])
    )


def areas_for(name: str, programme_kind: str | None = None) -> list[str]:
    """The subject areas ``name`` (an education, a course, an offer) works on, in rule order."""
    tokens = [t.casefold() for t in _WORD.findall(str(name or ""))]
    found = []
    for rule in area_rules():
        by_kind = programme_kind is not None and programme_kind in rule.kinds
        by_word = any(t.startswith(w) for t in tokens for w in rule.words)
        if by_kind or by_word:
            found.append(rule.area)
    return found
