"""ESF common indicators for participants (2014-20 and ESF+ 2021-27), split by gender.

Why: the funder reads these numbers, and several codes and wordings are unverified
(domain-facts.md §3, [M]). So the codes and labels live in ``esf_indicators.toml`` and each
names a *definition key*; what a key counts is code here, in :data:`DEFINITIONS`. A key we
have no data for is reported as "not collected" with no number, never estimated.

Counting rules (domain-facts.md §3.3), through ``population.participant_facts``:

* unit: a person with at least one counted enrolment (skilled lift, academy lift or
  preparatory course) started by the as-of date; side-effect-only people are not participants;
* once-only: a person with several enrolments counts once; output indicators describe the
  person at the *first* counted start (entry date, age at entry, employment status at entry),
  result indicators the *final* exit;
* exactly one employment status per participant (the start form's), so
  unemployed + inactive + employed = total;
* immediate results rest on ``status_on_leaving`` (the stop form, i.e. the 4 weeks after exit)
  of participants who have left; longer-term results on ``status_6_months`` of participants
  whose final exit is at least 6 months before the as-of date.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from research.domain.education import EducationGroup
from research.domain.period import Quarter, quarters_between
from research.domain.rules import EMPLOYED, INACTIVE, UNEMPLOYED
from research.errors import ConfigError
from research.metrics.population import participant_facts

__all__ = [
    "DEFINITIONS",
    "GENDERS",
    "INDICATOR_SETS",
    "Definition",
    "EsfIndicator",
    "esf_by_quarter",
    "esf_indicators",
    "indicator_facts",
    "load_indicator_set",
    "parse_indicator_set",
]

INDICATOR_SETS: tuple[str, ...] = ("esf2014", "esfplus")
GENDERS: tuple[str, ...] = ("female", "male", "total")
OK = "ok"
NOT_COLLECTED = "not collected"
TOML_FILE = "esf_indicators.toml"


AsOf = pd.Timestamp | date | str | None
Mask = Callable[[pd.DataFrame], pd.Series]


# --------------------------------------------------------------------------------------------
# Definitions: what each key counts, among whom
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    """How one definition key is computed on :func:`indicator_facts`.

    ``count`` marks the persons counted, ``reference`` the population the figure is read
    against, ``known`` those for whom the characteristic is recorded (default: everyone in the
    reference). ``count`` None means the data are not collected.
    """

    kind: str
    description: str
    count: Mask | None = None
    reference: Mask | None = None
    known: Mask | None = None

    @property
    def collected(self) -> bool:
        return self.count is not None

    @property
    def at_entry(self) -> bool:
        """Read at the first counted start (outputs and their memo rows), not on leaving."""
        return self.kind == "output" or (self.kind == "memo" and self.reference is _everyone)


def _everyone(f: pd.DataFrame) -> pd.Series:
    return pd.Series(True, index=f.index)


def _status_in(*codes: str) -> Mask:
    return lambda f: f["status"].isin(codes)


def _band(column: str, band: str) -> Mask:
    return lambda f: f[column] == band


def _isced_known(f: pd.DataFrame) -> pd.Series:
    return f["isced"].notna()


def _flag(column: str) -> Mask:
    return lambda f: f[column].fillna(False).astype(bool)


def _recorded(column: str) -> Mask:
    return lambda f: f[column].notna()


def _left(f: pd.DataFrame) -> pd.Series:
    return f["left"]


def _due(f: pd.DataFrame) -> pd.Series:
    return f["due_6_months"]


def _leaving(status: str) -> Mask:
    return lambda f: f["leaving"] == status


def _six_months(status: str) -> Mask:
    return lambda f: f["six_months"] == status


def _output(description: str, count: Mask, known: Mask | None = None) -> Definition:
    return Definition("output", description, count, _everyone, known)


def _not_collected(kind: str, description: str) -> Definition:
    return Definition(kind, description)


_AGE = "age at the first counted start (whole years, birthday counted on the day)"
_STATUS = "employment status at the first counted start (start form; exactly one per person)"
_LEAVERS = "participants whose every counted enrolment has ended (final exit) by the as-of date"
_DUE = "participants whose final exit is at least 6 months before the as-of date"

DEFINITIONS: dict[str, Definition] = {
    # -- outputs: characteristics at the first counted start; reference = all participants --
    "total": _output("All counted participants, once each (ESF once-only rule).", _everyone),
    "unemployed_incl_ltu": _output(
        f"Unemployed or long-term unemployed by {_STATUS}.", _status_in(*UNEMPLOYED)
    ),
    "long_term_unemployed": _output(
        f"Long-term unemployed by {_STATUS}.", _status_in("long_term_unemployed")
    ),
    "inactive": _output(f"Inactive (in or not in education) by {_STATUS}.", _status_in(*INACTIVE)),
    "inactive_not_in_education": _output(
        f"Inactive and not in education or training by {_STATUS}.",
        _status_in("inactive_not_in_education"),
    ),
    "employed_incl_self": _output(
        f"Employed or self-employed by {_STATUS}.", _status_in(*EMPLOYED)
    ),
    "age_below_25": _output(f"Below 25: {_AGE} is at most 24.", lambda f: f["age"] < 25),
    "age_above_54": _output(f"Above 54: {_AGE} is at least 55.", lambda f: f["age"] > 54),
    "age_above_54_unemployed_or_inactive_not_in_education": _output(
        f"Above 54 ({_AGE} at least 55) and unemployed, long-term unemployed or inactive not "
        f"in education by {_STATUS}.",
        lambda f: (f["age"] > 54) & f["status"].isin((*UNEMPLOYED, "inactive_not_in_education")),
    ),
    "age_below_18": _output(f"Below 18: {_AGE} is at most 17.", lambda f: f["age"] < 18),
    "age_18_29": _output(
        f"18 to 29: {_AGE} is 18 to 29, both included.", lambda f: f["age"].between(18, 29)
    ),
    "age_55_plus": _output(f"55 and above: {_AGE} is at least 55.", lambda f: f["age"] >= 55),
    "isced_1_2": _output(
        "Highest completed education (DST H-group) maps to ISCED 0-2 (ESF 2014-20 band); "
        "known = ISCED known (not H90).",
        _band("band_2014", "isced_1_2"),
        _isced_known,
    ),
    "isced_0_2": _output(
        "Highest completed education (DST H-group) maps to ISCED 0-2 (ESF+ band); "
        "known = ISCED known (not H90).",
        _band("band_plus", "isced_0_2"),
        _isced_known,
    ),
    "isced_3_4": _output(
        "Highest completed education (DST H-group) maps to ISCED 3-4; known = ISCED known.",
        _band("band_2014", "isced_3_4"),
        _isced_known,
    ),
    "isced_5_8": _output(
        "Highest completed education (DST H-group) maps to ISCED 5-8; known = ISCED known.",
        _band("band_2014", "isced_5_8"),
        _isced_known,
    ),
    "isced_unknown": Definition(
        "memo",
        "Not an ESF indicator: highest completed education not stated (H90), so in no ISCED "
        "band; reference = all participants.",
        lambda f: f["isced"].isna(),
        _everyone,
    ),
    "foreign_background": _output(
        "Foreign background recorded as yes on the start form; known = answered (the question "
        "is voluntary). Minorities are not recorded.",
        _flag("foreign_background"),
        _recorded("foreign_background"),
    ),
    "disability": _output(
        "Disability recorded as yes on the start form; known = answered (voluntary).",
        _flag("disability"),
        _recorded("disability"),
    ),
    "other_disadvantaged": _not_collected(
        "output", "Not collected: the start form records no 'other disadvantaged' item."
    ),
    "third_country_nationals": _not_collected(
        "output", "Not collected: nationality is not recorded."
    ),
    "minorities": _not_collected("output", "Not collected: minority status is not recorded."),
    "homeless": _not_collected("output", "Not collected: housing situation is not recorded."),
    "rural_area": _not_collected(
        "output",
        "Not collected: no urban/rural (DEGURBA) classification of residence is stored.",
    ),
    # -- immediate results: final exit, status on the stop form -----------------------------
    "job_searching_on_leaving_if_inactive": Definition(
        "result",
        f"Job seeking on leaving; reference = {_LEAVERS} who were inactive (in or not in "
        "education) at entry; known = status on leaving recorded.",
        _leaving("job_seeking"),
        lambda f: f["left"] & f["status"].isin(INACTIVE),
        _recorded("leaving"),
    ),
    "job_searching_on_leaving": Definition(
        "result",
        f"Job seeking on leaving; reference = {_LEAVERS}; known = status on leaving recorded.",
        _leaving("job_seeking"),
        _left,
        _recorded("leaving"),
    ),
    "in_education_on_leaving": Definition(
        "result",
        f"In education or training on leaving; reference = {_LEAVERS}; "
        "known = status on leaving recorded.",
        _leaving("in_education"),
        _left,
        _recorded("leaving"),
    ),
    "qualification_on_leaving": Definition(
        "result",
        "Completed a lift (to skilled: EUV or AMU package; to academy level: AU) with its "
        "certificate (exit reason 'completed'), i.e. a formal outcome assessed to given "
        "standards (the EQF definition the EC guidance uses); preparatory courses (FVU, AVU, "
        f"access courses) are not counted, see the memo row; reference = {_LEAVERS}.",
        lambda f: f["completed_lift"],
        _left,
    ),
    "preparatory_completed_only": Definition(
        "memo",
        "Not an ESF indicator: leavers whose only completed counted enrolments are preparatory "
        "courses (FVU, AVU, access courses), kept out of the qualification indicator; "
        f"reference = {_LEAVERS}.",
        lambda f: f["completed_any"] & ~f["completed_lift"],
        _left,
    ),
    "employed_on_leaving": Definition(
        "result",
        f"In employment or self-employment on leaving; reference = {_LEAVERS} who were "
        "unemployed (incl. long-term) or inactive at entry (the EC guidance's population: "
        "participants employed at entry are not counted); known = status on leaving recorded.",
        _leaving("employed"),
        lambda f: f["left"] & f["status"].isin((*UNEMPLOYED, *INACTIVE)),
        _recorded("leaving"),
    ),
    "disadvantaged_positive_on_leaving": _not_collected(
        "result", "Not collected: disadvantage ('other disadvantaged') is not recorded."
    ),
    # -- longer-term results: 6 months after the final exit ---------------------------------
    "employed_6_months": Definition(
        "result",
        f"In employment or self-employment 6 months after leaving; reference = {_DUE}; "
        "known = 6-month status recorded.",
        _six_months("employed"),
        _due,
        _recorded("six_months"),
    ),
    "employed_6_months_above_54": Definition(
        "result",
        f"In employment or self-employment 6 months after leaving; reference = {_DUE} who "
        f"were above 54 at entry ({_AGE} at least 55); known = 6-month status recorded.",
        _six_months("employed"),
        lambda f: f["due_6_months"] & (f["age"] > 54),
        _recorded("six_months"),
    ),
    "improved_situation_6_months": _not_collected(
        "result",
        "Not collected: needs, for participants employed at entry, a move to stable or full "
        "employment, a job needing higher skills, or a promotion 6 months after leaving; the "
        "6-month follow-up records only the labour-market status.",
    ),
    "disadvantaged_employed_6_months": _not_collected(
        "result", "Not collected: disadvantage ('other disadvantaged') is not recorded."
    ),
}


# --------------------------------------------------------------------------------------------
# The indicator sets (codes and labels from the packaged TOML)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EsfIndicator:
    """One configured indicator: a code and its labels, bound to a definition key."""

    code: str
    kind: str
    definition: str
    label_da: str
    label_en: str
    verified: bool
    source: str
    note: str = ""


@cache
def load_indicator_set(indicator_set: str) -> tuple[EsfIndicator, ...]:
    """The indicators of ``esf2014`` or ``esfplus`` from the packaged TOML, in report order.

    Raises ConfigError for an unknown set or an entry :func:`parse_indicator_set` rejects.
    """
    if indicator_set not in INDICATOR_SETS:
        raise ConfigError(
            f"unknown ESF indicator set {indicator_set!r}; use one of {', '.join(INDICATOR_SETS)}"
        )
    text = resources.files("research").joinpath(TOML_FILE).read_text("utf-8")
    try:
        entries = tomllib.loads(text)[indicator_set]["indicators"]
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise ConfigError(f"{TOML_FILE}: no valid [[{indicator_set}.indicators]]: {exc}") from exc
    return parse_indicator_set(entries, f"{TOML_FILE}, {indicator_set}")


def parse_indicator_set(entries: list[dict], source: str) -> tuple[EsfIndicator, ...]:
    """Check configured entries against the code: a wrong key must fail, not report a zero.

    Raises ConfigError when an entry misses a field (``source`` included: every code says where
    it was checked), ``verified`` is not true/false, the definition key is unknown, its kind
    disagrees with the definition's, or a code repeats.
    """
    out: list[EsfIndicator] = []
    for i, entry in enumerate(entries, start=1):
        where = f"{source} entry {i}"
        try:
            indicator = EsfIndicator(
                code=str(entry["code"]),
                kind=str(entry["kind"]),
                definition=str(entry["definition"]),
                label_da=str(entry["label_da"]),
                label_en=str(entry["label_en"]),
                verified=entry["verified"],
                source=str(entry["source"]),
                note=str(entry.get("note", "")),
            )
        except KeyError as exc:
            raise ConfigError(f"{where}: missing field {exc}") from exc
        if not isinstance(indicator.verified, bool):
            raise ConfigError(f"{where} ({indicator.code}): verified must be true or false")
        definition = DEFINITIONS.get(indicator.definition)
        if definition is None:
            raise ConfigError(
                f"{where} ({indicator.code}): unknown definition {indicator.definition!r}"
            )
        if indicator.kind != definition.kind:
            raise ConfigError(
                f"{where} ({indicator.code}): kind {indicator.kind!r} but definition "
                f"{indicator.definition!r} is a {definition.kind} indicator"
            )
        out.append(indicator)
    codes = [i.code for i in out]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ConfigError(f"{source}: duplicate codes {duplicates}")
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Facts and figures
# --------------------------------------------------------------------------------------------


def _as_of(enrolments: pd.DataFrame, as_of: AsOf) -> pd.Timestamp:
    """The given date, else the data date: the latest start or exit in ``enrolments``."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    dates = pd.concat([enrolments["started_on"], enrolments["exit_on"]]).dropna()
    return pd.Timestamp(dates.max()).normalize() if len(dates) else pd.Timestamp.max


def indicator_facts(
    participants: pd.DataFrame, enrolments: pd.DataFrame, as_of: AsOf = None
) -> pd.DataFrame:
    """``participant_facts`` plus the plain columns the definitions read.

    Why: one place decides ISCED bands (read from ``EducationGroup`` at call time, so a
    configured mapping applies) and whether the 6-month point has passed. ``as_of`` None means
    the data date (latest start or exit), so recent leavers are not taken as due.
    """
    return _indicator_facts(participants, enrolments, _as_of(enrolments, as_of))


def _indicator_facts(
    participants: pd.DataFrame, enrolments: pd.DataFrame, stamp: pd.Timestamp
) -> pd.DataFrame:
    facts = participant_facts(participants, enrolments, stamp)
    groups = facts["highest_education"].astype(str)
    # per distinct group, not per person: a lambda per row costs seconds at scale 100
    lookup = {g: EducationGroup(g) for g in groups.unique()}
    isced = {g: e.isced for g, e in lookup.items()}
    band_2014 = {g: e.esf2014_band for g, e in lookup.items()}
    band_plus = {g: e.esfplus_band for g, e in lookup.items()}
    six_months_on = facts["exit_on"] + pd.DateOffset(months=6)
    return pd.DataFrame(
        {
            "participant_id": facts["participant_id"].astype(str),
            "gender": facts["gender"].astype(str),
            "status": facts["employment_status"].astype(str),
            "age": facts["age_at_entry"],
            "entry_on": facts["entry_on"],
            "isced": groups.map(isced).astype("Int64"),
            "band_2014": groups.map(band_2014),
            "band_plus": groups.map(band_plus),
            "foreign_background": facts["foreign_background"],
            "disability": facts["disability"],
            "left": facts["left"].astype(bool),
            "exit_on": facts["exit_on"],
            "due_6_months": facts["left"].astype(bool)
            & (six_months_on <= stamp).fillna(False).astype(bool),
            "leaving": facts["status_on_leaving"].astype("string"),
            "six_months": facts["status_6_months"].astype("string"),
            "completed_any": facts["completed_any"].astype(bool),
            "completed_lift": facts["completed_lift"].astype(bool),
        },
        index=facts.index,
    )


def _by_gender(facts: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    return [(g, facts if g == "total" else facts[facts["gender"] == g]) for g in GENDERS]


def _figures_by_gender(
    definition: Definition, facts: pd.DataFrame, groups: list[tuple[str, np.ndarray | None]]
) -> dict[str, dict[str, object]]:
    """The figures of each group of ``facts`` (a row mask; None: every row). The definitions
    read each person's own row only, so they are evaluated once over everyone and summed per
    group: the same numbers as evaluating each group's rows, a third of the work."""
    if not definition.collected:
        empty = {"value": pd.NA, "n_reference": pd.NA, "n_known": pd.NA, "status": NOT_COLLECTED}
        return {name: dict(empty) for name, _ in groups}
    assert definition.count is not None and definition.reference is not None
    reference = definition.reference(facts).fillna(False).astype(bool)
    known = reference if definition.known is None else reference & definition.known(facts)
    counted = known & definition.count(facts).fillna(False).astype(bool)
    columns = {
        "value": counted.fillna(False).to_numpy(dtype=bool),
        "n_reference": reference.to_numpy(dtype=bool),
        "n_known": known.fillna(False).astype(bool).to_numpy(dtype=bool),
    }
    return {
        name: {
            **{k: int(v.sum() if rows is None else v[rows].sum()) for k, v in columns.items()},
            "status": OK,
        }
        for name, rows in groups
    }


_COLUMNS = [
    "indicator_set",
    "code",
    "label_da",
    "label_en",
    "kind",
    "gender",
    "value",
    "n",
    "n_reference",
    "n_known",
    "verified",
    "status",
    "definition",
    "description",
    "note",
    "source",
    "as_of",
]


_QUARTER_COLUMNS = [
    "quarter",
    "quarter_end",
    "indicator_set",
    "code",
    "label_da",
    "label_en",
    "kind",
    "gender",
    "value",
    "new",
    "n",
    "n_reference",
    "verified",
    "status",
    "definition",
    "description",
    "note",
    "source",
    "as_of",
]


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("value", "n", "n_reference", "n_known"):
        frame[column] = frame[column].astype("Int64")
    frame["verified"] = frame["verified"].astype(bool)
    return frame


def esf_indicators(
    participants: pd.DataFrame,
    enrolments: pd.DataFrame,
    indicator_set: str = "esf2014",
    as_of: AsOf = None,
    *,
    facts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every indicator of the set, for female, male and total participants.

    One row per indicator × gender. ``value`` (= ``n``) is the number of persons counted;
    ``n_reference`` the population it is read against: all counted participants who had
    entered by ``as_of`` for outputs; for results, the leavers (immediate results, from the
    status on leaving) or those whose final exit is at least 6 months before ``as_of``
    (longer-term), narrowed to the group the result names (e.g. inactive at entry for CR01,
    above 54 for CR08). ``n_known`` is how many of the reference population have the
    characteristic recorded; a person with it unrecorded is not counted. Ages and statuses are
    those at the first counted start (once-only rule); ISCED from the highest completed
    education, H90 in no band (the memo row ``isced_unknown``). Side-effect-only people are not
    participants. ``status`` is "not collected" (and every number NA) where we lack the data;
    ``verified`` and ``note`` come from the TOML, for footnotes. ``as_of`` None means the data
    date (latest start or exit in ``enrolments``). ``facts``: ``indicator_facts`` at that
    date, when the caller already has them (the report's funnels read the same).
    """
    indicators = load_indicator_set(indicator_set)
    stamp = _as_of(enrolments, as_of)
    if facts is None:
        facts = _indicator_facts(participants, enrolments, stamp)
    genders = facts["gender"].to_numpy()
    groups = [(g, None if g == "total" else genders == g) for g in GENDERS]
    rows = []
    for indicator in indicators:
        definition = DEFINITIONS[indicator.definition]
        by_gender = _figures_by_gender(definition, facts, groups)
        for gender, _ in groups:
            figures = by_gender[gender]
            rows.append(indicator_row(indicator_set, indicator, gender, figures, stamp))
    return _typed(pd.DataFrame(rows, columns=_COLUMNS))


def esf_by_quarter(
    participants: pd.DataFrame,
    enrolments: pd.DataFrame,
    indicator_set: str = "esf2014",
    as_of: AsOf = None,
    start: Quarter | str | None = None,
) -> pd.DataFrame:
    """The output indicators (and memo rows) cumulatively at each quarter's end, by gender.

    The first counted start (entry date) decides the quarter: a participant counts from the
    quarter of entry on, with the characteristics at entry, once. Quarters run from ``start``
    (default: the quarter of the first entry; earlier entries count in the first quarter) to
    the quarter of ``as_of`` (default: the data date). ``value`` (= ``n``) is cumulative,
    ``new`` the increase in the quarter, ``n_reference`` the participants entered by the
    quarter's end. Not-collected indicators are listed with NA.
    """
    indicators = [
        i for i in load_indicator_set(indicator_set) if DEFINITIONS[i.definition].at_entry
    ]
    stamp = _as_of(enrolments, as_of)
    facts = _indicator_facts(participants, enrolments, stamp)
    if start is None and not len(facts):
        return pd.DataFrame(columns=_QUARTER_COLUMNS)
    if start is None:
        first = Quarter.containing(facts["entry_on"].min().date())
    else:
        first = start if isinstance(start, Quarter) else Quarter.parse(start)
    last = first if stamp == pd.Timestamp.max else Quarter.containing(stamp.date())
    quarters = quarters_between(first, max(first, last))
    ends = pd.to_datetime([q.end for q in quarters]).to_numpy()
    entered = facts["entry_on"].to_numpy()[:, None] <= ends[None, :]  # participant × quarter
    by_gender = _by_gender(facts)
    rows = []
    for indicator in indicators:
        for gender, group in by_gender:
            mask = entered[facts.index.get_indexer(group.index)]
            rows += quarter_rows(indicator_set, indicator, gender, quarters, mask, group, stamp)
    return quarter_frame(rows)


def indicator_row(
    indicator_set: str, indicator: EsfIndicator, gender: str, figures: dict, stamp: pd.Timestamp
) -> dict:
    """One row of ``esf_indicators``' table (``esf_store`` builds the same table from counts
    made in the store, so both make their rows here)."""
    definition = DEFINITIONS[indicator.definition]
    return {
        "indicator_set": indicator_set,
        "code": indicator.code,
        "label_da": indicator.label_da,
        "label_en": indicator.label_en,
        "kind": indicator.kind,
        "gender": gender,
        **figures,
        "n": figures["value"],
        "verified": indicator.verified,
        "definition": indicator.definition,
        "description": definition.description,
        "note": indicator.note,
        "source": indicator.source,
        "as_of": stamp,
    }


def quarter_rows(
    indicator_set: str,
    indicator: EsfIndicator,
    gender: str,
    quarters: list[Quarter],
    entered: np.ndarray,
    facts: pd.DataFrame,
    stamp: pd.Timestamp,
) -> list[dict]:
    """``esf_by_quarter``'s rows of one indicator and gender. ``entered``: per row of
    ``facts`` (a participant, or a group of alike persons in ``esf_store``) and quarter, the
    persons entered by the quarter's end; the indicator counts the rows its definition marks
    (shared with ``esf_store``, as ``indicator_row``)."""
    definition = DEFINITIONS[indicator.definition]
    reference = entered.sum(axis=0)
    if definition.collected:
        assert definition.count is not None
        counted = definition.count(facts).fillna(False).to_numpy(dtype=bool)
        cumulative = entered[counted].sum(axis=0)
        new = np.diff(cumulative, prepend=0)
        status = OK
    else:
        cumulative = new = np.full(len(quarters), None)
        status = NOT_COLLECTED
    return [
        {
            "quarter": str(q),
            "quarter_end": pd.Timestamp(q.end),
            "indicator_set": indicator_set,
            "code": indicator.code,
            "label_da": indicator.label_da,
            "label_en": indicator.label_en,
            "kind": indicator.kind,
            "gender": gender,
            "value": value,
            "new": added,
            "n": value,
            "n_reference": ref,
            "verified": indicator.verified,
            "status": status,
            "definition": indicator.definition,
            "description": definition.description,
            "note": indicator.note,
            "source": indicator.source,
            "as_of": stamp,
        }
        for q, value, added, ref in zip(quarters, cumulative, new, reference, strict=True)
    ]


def quarter_frame(rows: list[dict]) -> pd.DataFrame:
    """``esf_by_quarter``'s table from its rows, typed."""
    frame = pd.DataFrame(rows, columns=_QUARTER_COLUMNS)
    for column in ("value", "new", "n", "n_reference"):
        frame[column] = frame[column].astype("Int64")
    frame["verified"] = frame["verified"].astype(bool)
    return frame
