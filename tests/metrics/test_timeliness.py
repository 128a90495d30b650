"""Form completeness and timeliness on a handful of enrolments whose counts can be checked by eye.

Problems per enrolment, as of 30-06-2026, 60 days after exit, grace 90 days. Partner EUS1: E1
ended and complete, E2 long past its expected end with no exit, E7 ends after the as-of date
(still open then).
Partner EUS2: E3 ended too recently to judge, E4 ended with no status on leaving, E6 not yet
due; E5 starts after the as-of date and is left out.
"""

from __future__ import annotations

import pandas as pd
import pytest

from research.metrics.timeliness import MEASURES, form_timeliness
from tests.metrics.builders import enrol, person, table

AS_OF = "2026-06-30"


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    participants = table(
        "participants",
        [
            person(
                "P1",
                cvr="99000015",
                meets_02_requirement=True,
                foreign_background=False,
                disability=False,
            ),
            person("P2", education="H90", foreign_background=None, disability=False),
            person(
                "P3",
                status="unemployed",
                education="H20",
                meets_02_requirement=False,
                foreign_background=True,
            ),
        ],
    )
    enrolments = table(
        "enrolments",
        [
            enrol(
                "E1", "P1", "skilled_lift", "2025-01-10", "2026-02-15", "completed",
                expected_end="2026-01-31", status_on_leaving="employed", euv_track="EUV2",
            ),
            enrol("E2", "P2", "skilled_lift", "2025-03-01", expected_end="2026-02-28"),
            enrol(
                "E3", "P3", "side_effect", "2026-05-01", "2026-06-10", "completed", kind="amu",
                partner_id="EUS2", status_on_leaving="employed", expected_end=None,
            ),
            enrol(
                "E4", "P1", "preparatory", "2025-06-01", "2026-03-01", "dropped_out",
                kind="fvu", partner_id="EUS2", expected_end="2026-04-30",
            ),
            enrol(
                "E5", "P3", "skilled_lift", "2026-07-15", partner_id="EUS2",
                expected_end="2027-07-15",
            ),
            enrol(
                "E6", "P2", "academy_lift", "2026-01-05", kind="au", partner_id="EUS2",
                expected_end="2026-06-01",
            ),
            enrol(
                "E7", "P1", "skilled_lift", "2025-02-01", "2026-08-01", "completed",
                expected_end="2026-12-31", status_on_leaving="employed", euv_track="EUV1",
            ),
        ],
    )  # fmt: skip
    return participants, enrolments


# measure: (EUS1 problems, eligible), (EUS2 problems, eligible); every base is 3 enrolments each
EXPECTED = {
    "stop_form_incomplete": ((0, 1), (1, 1)),  # E1 complete; E4 without status (E3 too recent)
    "stop_form_overdue": ((1, 2), (0, 2)),  # due: E1 (ended), E2 (past end); E3, E4 ended
    "start_education_unknown": ((1, 3), (1, 3)),  # P2 is H90: E2 and E6
    "start_employer_missing": ((1, 3), (1, 2)),  # P2 employed, no CVR; P3 is unemployed
    "start_02_missing": ((1, 3), (0, 0)),  # EUV only: E2 (P2); EUS2 has no EUV by then
    "start_track_missing": ((1, 3), (0, 0)),  # E2 has no track
    "start_expected_end_missing": ((0, 3), (1, 3)),  # E3
    "start_foreign_background_unanswered": ((1, 3), (1, 3)),  # P2: E2 and E6
    "start_disability_unanswered": ((0, 3), (1, 3)),  # P3: E3
}
ENROLMENTS = {"EUS1": 3, "EUS2": 3}  # E1, E2, E7 and E3, E4, E6 (E5 starts later)


@pytest.fixture(scope="module")
def result() -> pd.DataFrame:
    participants, enrolments = _tables()
    return form_timeliness(participants, enrolments, AS_OF, days_after_exit=60, grace_days=90)


def test_one_row_per_measure_and_partner_in_order(result: pd.DataFrame):
    assert list(result["measure"].unique()) == [m.key for m in MEASURES]
    assert list(result["partner_id"]) == ["EUS1", "EUS2"] * len(MEASURES)


@pytest.mark.parametrize("measure", list(EXPECTED))
def test_hand_computed_counts(result: pd.DataFrame, measure: str):
    rows = result[result["measure"] == measure].set_index("partner_id")
    for partner, (problems, eligible) in zip(("EUS1", "EUS2"), EXPECTED[measure], strict=True):
        assert rows.at[partner, "numerator"] == problems, (measure, partner)
        assert rows.at[partner, "eligible"] == eligible, (measure, partner)
        assert rows.at[partner, "denominator"] == ENROLMENTS[partner], (measure, partner)
        assert rows.at[partner, "rate"] == pytest.approx(problems / ENROLMENTS[partner])


def test_labels_carry_the_day_limits(result: pd.DataFrame):
    labels = result.drop_duplicates("measure").set_index("measure")
    assert "60" in labels.at["stop_form_incomplete", "label_en"]
    assert "90" in labels.at["stop_form_overdue", "label_da"]


def test_the_overdue_rule_matches_research_check_at_the_data_date():
    from research.quality.checks import rules

    participants, enrolments = _tables()
    enrolments = enrolments[enrolments["started_on"] <= AS_OF]  # the data date's view
    enrolments = enrolments.assign(
        exit_on=enrolments["exit_on"].where(enrolments["exit_on"] <= AS_OF),
        exit_reason=enrolments["exit_reason"].where(enrolments["exit_on"] <= AS_OF),
    )
    rule = next(r for r in rules(90) if r.name == "missing_stop_form")
    flagged = rule.find({"enrolments": enrolments}, pd.Timestamp(AS_OF))
    ours = form_timeliness(participants, enrolments, AS_OF, grace_days=90)
    overdue = ours[ours["measure"] == "stop_form_overdue"]["numerator"].sum()
    assert len(flagged) == overdue == 1


def test_nothing_started_gives_an_empty_frame():
    participants, enrolments = _tables()
    out = form_timeliness(participants, enrolments, "2024-12-31")
    assert out.empty
    assert {"numerator", "denominator", "rate"} <= set(out.columns)
