"""ESF indicators on a hand-made programme of nine people, each figure worked out by hand."""

from __future__ import annotations

import tomllib
from importlib import resources

import pandas as pd
import pytest

from research.domain import education
from research.errors import ConfigError
from research.metrics.esf import (
    DEFINITIONS,
    INDICATOR_SETS,
    esf_by_quarter,
    esf_indicators,
    load_indicator_set,
    parse_indicator_set,
)
from tests.metrics.builders import enrol, person, table

AS_OF = "2026-06-30"

# Who is who (as of 2026-06-30; ages at the FIRST counted start):
#   A  female employed           H10  born 2000-03-01: preparatory 2025-02-01 (age 24) ->
#      exit 2025-04-30 completed, "in_education"; skilled lift 2025-05-01 (age 25), ongoing.
#      Counted once, below 25 (first entry decides), NOT a leaver (the lift is ongoing).
#   B  male   unemployed         H29  born 2000-06-10: lift 2025-06-10, exactly 25 -> not <25.
#      exit 2025-09-30 completed, "employed"; 6 months employed (due 2026-03-30).
#   C  female long-term unempl.  H15  born 1970-09-01: lift 2025-09-01, exactly 55 -> >54.
#      exit 2026-02-15 dropped out, "job_seeking"; a 6-month "employed" typed in too early
#      (due 2026-08-15), which must be ignored.
#   D  male   employed           H30  born 1971-01-20: AU 2025-01-20, exactly 54 -> not >54.
#      exit 2025-11-30 completed, "employed"; no 6-month follow-up (due 2026-05-30).
#   E  female inactive           H90  born 1985-05-05: preparatory 2025-04-01 (age 39).
#      exit 2025-10-15 other, "job_seeking"; 6 months "inactive" (due 2026-04-15).
#      Foreign background yes; disability not answered.
#   F  male   inactive, not educ H40  born 1960-12-31: preparatory 2025-08-01 (age 64).
#      exit 2025-12-01 left for job, "employed"; 6 months "employed" (due 2026-06-01).
#      Foreign background no; disability yes.
#   G  female self-employed      H20  born 1996-07-07: lift 2026-01-10 (age 29), ongoing.
#      Disability no.
#   S  male   employed           H10  only a side-effect AMU course: never a participant.
#   L  female employed           H10  starts 2026-08-01, after the as-of date.
PEOPLE = [
    ("A", "female", "employed", "H10", "2000-03-01", {}),
    ("B", "male", "unemployed", "H29", "2000-06-10", {}),
    ("C", "female", "long_term_unemployed", "H15", "1970-09-01", {}),
    ("D", "male", "employed", "H30", "1971-01-20", {}),
    ("E", "female", "inactive", "H90", "1985-05-05", {"foreign_background": True}),
    (
        "F",
        "male",
        "inactive_not_in_education",
        "H40",
        "1960-12-31",
        {"foreign_background": False, "disability": True},
    ),
    ("G", "female", "self_employed", "H20", "1996-07-07", {"disability": False}),
    ("S", "male", "employed", "H10", "1980-01-01", {}),
    ("L", "female", "employed", "H10", "1980-01-01", {}),
]


def _leave(status: str, six: str | None = None) -> dict:
    return {"status_on_leaving": status, "status_6_months": six}


ENROLMENTS = [
    enrol("a1", "A", "preparatory", "2025-02-01", "2025-04-30", "completed", "fvu")
    | _leave("in_education"),
    enrol("a2", "A", "skilled_lift", "2025-05-01"),
    enrol("b1", "B", "skilled_lift", "2025-06-10", "2025-09-30", "completed")
    | _leave("employed", "employed"),
    enrol("c1", "C", "skilled_lift", "2025-09-01", "2026-02-15", "dropped_out")
    | _leave("job_seeking", "employed"),
    enrol("d1", "D", "academy_lift", "2025-01-20", "2025-11-30", "completed", "au")
    | _leave("employed"),
    enrol("e1", "E", "preparatory", "2025-04-01", "2025-10-15", "other", "avu")
    | _leave("job_seeking", "inactive"),
    enrol("f1", "F", "preparatory", "2025-08-01", "2025-12-01", "left_for_job", "avu")
    | _leave("employed", "employed"),
    enrol("g1", "G", "skilled_lift", "2026-01-10"),
    enrol("s1", "S", "side_effect", "2025-05-01", "2025-05-10", "completed", "amu")
    | _leave("employed", "employed"),
    enrol("l1", "L", "skilled_lift", "2026-08-01"),
]


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    participants = table(
        "participants",
        [
            person(pid, status, education, gender=gender, birth_date=born, **extra)
            for pid, gender, status, education, born, extra in PEOPLE
        ],
    )
    return participants, table("enrolments", ENROLMENTS)


def _figures(frame: pd.DataFrame, column: str = "value") -> dict[tuple[str, str], object]:
    return {(r.code, r.gender): getattr(r, column) for r in frame.itertuples()}


@pytest.fixture(scope="module")
def esf2014(tables) -> pd.DataFrame:
    return esf_indicators(*tables, "esf2014", as_of=AS_OF)


@pytest.fixture(scope="module")
def esfplus(tables) -> pd.DataFrame:
    return esf_indicators(*tables, "esfplus", as_of=AS_OF)


# -- outputs -----------------------------------------------------------------------------------

# (code, total, female, male)
OUTPUTS_2014 = [
    ("TOTAL", 7, 4, 3),  # A-G once each; S (side effect only) and L (later) are not counted
    ("CO01", 2, 1, 1),  # B, C
    ("CO02", 1, 1, 0),  # C
    ("CO03", 2, 1, 1),  # E, F
    ("CO04", 1, 0, 1),  # F
    ("CO05", 3, 2, 1),  # A, G (self-employed), D
    ("CO06", 1, 1, 0),  # A at 24 on first entry; B is exactly 25
    ("CO07", 2, 1, 1),  # C exactly 55, F 64; D is exactly 54
    ("CO08", 2, 1, 1),  # C long-term unemployed, F inactive not in education
    ("CO09", 2, 2, 0),  # A H10, C H15
    ("CO10", 3, 1, 2),  # B H29 (ISCED 3 by the mapping), D H30, G H20
    ("CO11", 1, 0, 1),  # F H40
    ("isced_unknown", 1, 1, 0),  # E H90
    ("CO15", 1, 1, 0),  # E
    ("CO16", 1, 0, 1),  # F
]


@pytest.mark.parametrize(("code", "total", "female", "male"), OUTPUTS_2014)
def test_esf2014_outputs(esf2014, code, total, female, male):
    got = _figures(esf2014)
    assert (got[code, "total"], got[code, "female"], got[code, "male"]) == (total, female, male)


def test_output_reference_is_every_participant(esf2014):
    at_entry = esf2014["definition"].map(lambda d: DEFINITIONS[d].at_entry)
    outputs = esf2014[at_entry & (esf2014["status"] == "ok")]
    assert set(outputs.loc[outputs["gender"] == "total", "n_reference"]) == {7}
    assert (outputs["n"] == outputs["value"]).all()


def test_employment_statuses_add_up_to_the_total(esf2014):
    got = _figures(esf2014)
    for gender in ("female", "male", "total"):
        parts = got["CO01", gender] + got["CO03", gender] + got["CO05", gender]
        assert parts == got["TOTAL", gender]


def test_isced_bands_and_unknown_add_up_to_the_total(esf2014):
    got = _figures(esf2014)
    assert sum(got[c, "total"] for c in ("CO09", "CO10", "CO11", "isced_unknown")) == 7
    known = _figures(esf2014, "n_known")
    assert known["CO09", "total"] == 6  # everyone but E (H90)


def test_voluntary_items_report_how_many_answered(esf2014):
    known = _figures(esf2014, "n_known")
    assert known["CO15", "total"] == 2  # E yes, F no; the others did not answer
    assert known["CO16", "total"] == 2  # F yes, G no


def test_isced_mapping_is_read_at_call_time(tables, monkeypatch):
    monkeypatch.setitem(education.ISCED_BY_GROUP, "H29", 2)  # H29 as ISCED 1-2 instead
    got = _figures(esf_indicators(*tables, "esf2014", as_of=AS_OF))
    assert (got["CO09", "total"], got["CO10", "total"]) == (3, 2)  # B moves down a band


# (code, total) for ESF+ where it differs from 2014-20
OUTPUTS_PLUS = [
    ("EECO01", 7),
    ("EECO06", 0),  # nobody below 18
    ("EECO07", 3),  # A 24, B 25, G 29 (29 is inside 18-29)
    ("EECO08", 2),  # C 55 (inside 55+), F 64
    ("EECO09", 2),  # ISCED 0-2: A, C
    ("EECO14", 1),  # E
    ("EECO12", 1),  # F
]


@pytest.mark.parametrize(("code", "total"), OUTPUTS_PLUS)
def test_esfplus_outputs(esfplus, code, total):
    assert _figures(esfplus)[code, "total"] == total


# -- results -----------------------------------------------------------------------------------

# (code, value, n_reference, n_known) for the total; leavers are B, C, D, E, F (A's first
# enrolment ended, but her lift has not: only the final exit makes a leaver).
RESULTS_2014 = [
    ("CR01", 1, 2, 2),  # inactive leavers E, F; E job seeking
    ("CR02", 0, 5, 5),  # A's "in_education" on her first exit does not count
    ("CR03", 2, 5, 5),  # B and D completed; A completed too, but has not left
    ("CR04", 2, 4, 4),  # unemployed or inactive at entry: B, C, E, F; employed B, F (not D)
    ("CR03_prep", 0, 5, 5),  # nobody left with only a preparatory course completed
    ("CR06", 2, 4, 3),  # due: B, D, E, F (C not yet); D has no follow-up; employed B, F
    ("CR08", 1, 1, 1),  # due and above 54: F (C is above 54 but not due)
]


@pytest.mark.parametrize(("code", "value", "reference", "known"), RESULTS_2014)
def test_esf2014_results(esf2014, code, value, reference, known):
    row = esf2014[(esf2014["code"] == code) & (esf2014["gender"] == "total")].iloc[0]
    assert (row["value"], row["n_reference"], row["n_known"]) == (value, reference, known)
    assert row["status"] == "ok"


def test_esfplus_job_searching_counts_every_leaver(esfplus):
    row = esfplus[(esfplus["code"] == "EECR01") & (esfplus["gender"] == "total")].iloc[0]
    assert (row["value"], row["n_reference"]) == (2, 5)  # C and E


def test_six_month_results_only_when_due(tables):
    got = esf_indicators(*tables, "esf2014", as_of="2026-04-01")
    reference = _figures(got, "n_reference")
    value = _figures(got)
    assert (value["CR06", "total"], reference["CR06", "total"]) == (1, 1)  # only B is due
    assert (value["CR08", "total"], reference["CR08", "total"]) == (0, 0)  # F due 2026-06-01


def test_results_only_for_leavers_before_anyone_leaves(tables):
    got = esf_indicators(*tables, "esf2014", as_of="2025-06-30")
    results = got[(got["kind"] == "result") & (got["status"] == "ok")]
    assert (results["n_reference"] == 0).all()
    assert _figures(got)["TOTAL", "total"] == 4  # D, A, E, B had entered


def test_as_of_none_uses_the_data_date(tables):
    participants, enrolments = tables
    got = esf_indicators(participants, enrolments[enrolments["participant_id"] != "L"])
    assert got["as_of"].iloc[0] == pd.Timestamp("2026-02-15")  # C's exit is the latest event
    # Nobody's six months had passed by then (B's first, on 2026-03-30): no one is due, rather
    # than every leaver being due with an unknown status.
    assert _figures(got, "n_reference")["CR06", "total"] == 0


# -- not collected, gender, configuration --------------------------------------------------------

NOT_COLLECTED = {
    "esf2014": {"CO17", "CR05", "CR07", "CR09"},
    "esfplus": {"EECO13", "EECO15", "EECO16", "EECO17", "EECR06"},
}


@pytest.mark.parametrize("indicator_set", INDICATOR_SETS)
def test_not_collected_rows_have_no_number(tables, indicator_set):
    got = esf_indicators(*tables, indicator_set, as_of=AS_OF)
    missing = got[got["status"] == "not collected"]
    assert set(missing["code"]) == NOT_COLLECTED[indicator_set]
    assert missing[["value", "n", "n_reference", "n_known"]].isna().all().all()
    assert set(got["status"]) == {"ok", "not collected"}


@pytest.mark.parametrize("indicator_set", INDICATOR_SETS)
def test_gender_split_sums_to_total(tables, indicator_set):
    got = esf_indicators(*tables, indicator_set, as_of=AS_OF)
    ok = got[got["status"] == "ok"]
    for column in ("value", "n_reference", "n_known"):
        wide = ok.pivot(index="code", columns="gender", values=column)
        assert (wide["female"] + wide["male"] == wide["total"]).all(), column
    assert len(got) == 3 * len(load_indicator_set(indicator_set))


def test_side_effect_only_people_are_not_participants(tables):
    participants, enrolments = tables
    without_s = esf_indicators(
        participants[participants["participant_id"] != "S"],
        enrolments[enrolments["participant_id"] != "S"],
        as_of=AS_OF,
    )
    with_s = esf_indicators(participants, enrolments, as_of=AS_OF)
    assert with_s["value"].equals(without_s["value"])


def _toml() -> dict:
    text = resources.files("research").joinpath("esf_indicators.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_every_definition_is_implemented_and_used():
    used = {e["definition"] for s in INDICATOR_SETS for e in _toml()[s]["indicators"]}
    assert used <= set(DEFINITIONS)  # load_indicator_set would also refuse an unknown key
    assert set(DEFINITIONS) <= used  # no dead definitions
    for s in INDICATOR_SETS:
        load_indicator_set(s)


@pytest.mark.parametrize("indicator_set", INDICATOR_SETS)
def test_verified_flags_and_labels_are_carried_through(tables, indicator_set):
    configured = {e["code"]: e for e in _toml()[indicator_set]["indicators"]}
    got = esf_indicators(*tables, indicator_set, as_of=AS_OF)
    for row in got.itertuples():
        assert row.verified == configured[row.code]["verified"]
        assert row.label_da == configured[row.code]["label_da"]
    assert not got.loc[got["code"] == "CR01", "verified"].any()  # results are unverified [M]
    assert got["code"].drop_duplicates().tolist() == list(configured)  # file order


def _entry(**change) -> dict:
    entry = {
        "code": "X1",
        "kind": "output",
        "definition": "total",
        "label_da": "x",
        "label_en": "x",
        "verified": False,
    }
    return entry | change


@pytest.mark.parametrize(
    "entries",
    [
        [_entry(definition="made_up")],
        [_entry(kind="result")],
        [_entry(verified="false")],
        [_entry(), _entry()],
        [{"code": "X1", "kind": "output"}],
    ],
)
def test_bad_configuration_is_refused(entries):
    with pytest.raises(ConfigError):
        parse_indicator_set(entries, "test")


def test_unknown_indicator_set_is_refused():
    with pytest.raises(ConfigError, match="esf2014"):
        load_indicator_set("esf1994")


# -- by quarter ----------------------------------------------------------------------------------


def test_outputs_by_quarter_are_cumulative_from_the_entry_quarter(tables):
    got = esf_by_quarter(*tables, "esf2014", as_of=AS_OF)
    assert set(got["kind"]) == {"output", "memo"}
    total = got[(got["code"] == "TOTAL") & (got["gender"] == "total")]
    # entries: D, A 2025Q1; E, B Q2; F, C Q3; G 2026Q1 (A's second start does not count again)
    assert total["quarter"].tolist() == [
        "2025Q1",
        "2025Q2",
        "2025Q3",
        "2025Q4",
        "2026Q1",
        "2026Q2",
    ]
    assert total["value"].tolist() == [2, 4, 6, 6, 7, 7]
    assert total["new"].tolist() == [2, 2, 2, 0, 1, 0]
    young = got[(got["code"] == "CO06") & (got["gender"] == "female")]
    assert young["value"].tolist() == [1] * 6  # A, from her first entry in 2025Q1
    last = got[got["quarter"] == "2026Q2"].set_index(["code", "gender"])["value"]
    now = esf_indicators(*tables, "esf2014", as_of=AS_OF)
    now = now[now["definition"].map(lambda d: DEFINITIONS[d].at_entry)]
    now = now.set_index(["code", "gender"])["value"]
    pd.testing.assert_series_equal(last, now)  # the last quarter is today's table


def test_by_quarter_from_a_given_start(tables):
    got = esf_by_quarter(*tables, "esfplus", as_of=AS_OF, start="2025Q2")
    total = got[(got["code"] == "EECO01") & (got["gender"] == "total")]
    assert total["value"].tolist()[0] == 4  # 2025Q1 entries count in the first quarter shown
    missing = got[got["code"] == "EECO13"]
    assert missing["value"].isna().all() and set(missing["status"]) == {"not collected"}


def test_qualification_counts_lifts_not_preparatory_courses():
    """CR03: a completed FVU course is not a lift's certificate; it is shown apart."""
    participants = table("participants", [person("P", "unemployed"), person("Q", "unemployed")])
    enrolments = table(
        "enrolments",
        [
            enrol("p1", "P", "preparatory", "2025-02-01", "2025-05-01", "completed", kind="fvu"),
            enrol("q1", "Q", "skilled_lift", "2025-02-01", "2025-09-01", "completed"),
        ],
    )
    got = esf_indicators(participants, enrolments, "esf2014", as_of="2025-12-31")
    total = got[got["gender"] == "total"].set_index("code")
    assert total.loc["CR03", "value"] == 1  # Q only
    assert total.loc["CR03_prep", "value"] == 1  # P, apart
    assert total.loc["CR03", "n_reference"] == 2


def test_employment_on_leaving_leaves_out_the_employed_at_entry():
    """CR04: only participants unemployed or inactive at entry are its population."""
    participants = table(
        "participants",
        [person("W", "employed"), person("U", "unemployed"), person("I", "inactive")],
    )
    enrolments = table(
        "enrolments",
        [
            enrol(
                x.lower(),
                x,
                "skilled_lift",
                "2025-02-01",
                "2025-09-01",
                "completed",
                status_on_leaving=status,
            )
            for x, status in (("W", "employed"), ("U", "employed"), ("I", "job_seeking"))
        ],
    )
    got = esf_indicators(participants, enrolments, "esf2014", as_of="2025-12-31")
    row = got[(got["gender"] == "total") & (got["code"] == "CR04")].iloc[0]
    assert (row["value"], row["n_reference"]) == (1, 2)  # U of U and I; W was employed


@pytest.mark.parametrize("indicator_set", INDICATOR_SETS)
def test_every_code_names_its_source(indicator_set):
    for indicator in load_indicator_set(indicator_set):
        assert len(indicator.source) > 20, indicator.code
        if indicator.verified and indicator.kind != "memo":
            official = ("http", "Reg.", "sfc.ec.europa.eu")
            assert any(o in indicator.source for o in official), indicator.code
