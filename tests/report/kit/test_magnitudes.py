"""Means and medians rest on at least min_cell persons, or are withheld with their count."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from research.metrics.disclosure import DisclosureRule
from research.report.kit.audit import audit_report
from research.report.kit.formatting import ColumnFormat
from research.report.kit.links import Link, Ref
from research.report.kit.magnitudes import (
    Magnitude,
    MagnitudeDisclosure,
    check_magnitudes,
    magnitude_mask,
)
from research.report.kit.publication import Publication
from research.report.kit.publish import PublishedTable

RULE = DisclosureRule(min_cell=5)
MEDIAN = Magnitude("events", ("months", "ci_low"), kind="median")


def medians(events: list[int], hidden: list[bool] | None = None, **extra) -> PublishedTable:
    data = pd.DataFrame(
        {
            "group": [f"G{i}" for i in range(len(events))],
            "events": events,
            "months": [10.0 + i for i in range(len(events))],
            "ci_low": [8.0 + i for i in range(len(events))],
        }
    )
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["events"] = hidden if hidden is not None else [0 < e < RULE.min_cell for e in events]
    return PublishedTable(
        name="medians",
        caption="medians",
        data=data,
        columns={c: ColumnFormat("number") for c in ("events", "months", "ci_low")},
        hidden=mask,
        person_counts=("events",),
        keys=("group",),
        rule=RULE,
        follows=(MEDIAN,),
        **extra,
    )


def test_a_median_of_fewer_than_min_cell_persons_is_refused():
    table = medians([40, 3], hidden=[False, False])  # a count the rule missed
    with pytest.raises(MagnitudeDisclosure, match=r"medians, row G1, column months: .* 3 persons"):
        check_magnitudes(table, RULE.min_cell)


def test_a_median_shown_beside_its_withheld_count_is_refused():
    table = medians([40, 3])  # the count is withheld, its median and bound are not (before)
    with pytest.raises(MagnitudeDisclosure, match=r"G1, column months: .* count is withheld"):
        check_magnitudes(table, RULE.min_cell)


def test_the_publication_withholds_a_median_with_its_count():
    (table,) = Publication(RULE.min_cell).admit([medians([40, 3])])
    shown = table.as_data().set_index("group")
    assert shown.loc["G1", ["events", "months", "ci_low"]].tolist() == ["..", "..", ".."]
    assert shown.loc["G0", "months"] == 10.0
    check_magnitudes(table, RULE.min_cell)


def test_a_median_follows_a_count_withheld_for_another_table():
    # another table shows the 43 completions of G0 + G1: G1's 3 is withheld by the rule, so
    # G0's 40 is withheld too (secondary) — and G0's median goes with it
    total = PublishedTable(
        name="total",
        caption="total",
        data=pd.DataFrame({"key": ["all"], "n": [43]}),
        columns={"n": ColumnFormat("number")},
        person_counts=("n",),
        keys=("key",),
        rule=RULE,
    )
    link = Link("all = G0 + G1", Ref("total", "all", "n"), (g("G0"), g("G1")))
    publication = Publication(RULE.min_cell)
    publication.admit([total])
    (admitted,) = publication.admit([medians([40, 3], links=(link,))])
    shown = admitted.as_data().set_index("group")
    assert shown.loc["G0", ["events", "months", "ci_low"]].tolist() == ["..", "..", ".."]
    check_magnitudes(admitted, RULE.min_cell)


KM_MEDIAN = Magnitude("n", ("months", "ci_low"), kind="median", rests_on="events")


def km_medians(events: list[int], links=()) -> PublishedTable:
    """Median months to completion per track: described by the track's lifts (``n``), resting
    on its completions (``events``), as the article publishes them."""
    table = medians(events, links=links)
    data = table.data.assign(n=[380 + i for i in range(len(events))])
    own = table._mask().reindex(columns=data.columns, fill_value=False)
    mask = own | magnitude_mask(data, [KM_MEDIAN], RULE.min_cell)
    return dataclasses.replace(
        table, data=data, hidden=mask, person_counts=("n", "events"), follows=(KM_MEDIAN,)
    )


def test_a_median_resting_on_fewer_than_min_cell_completions_is_withheld():
    (table,) = Publication(RULE.min_cell).admit([km_medians([83, 4])])
    shown = table.as_data().set_index("group")
    assert shown.loc["G1", ["events", "months", "ci_low"]].tolist() == ["..", "..", ".."]
    assert shown.loc["G0", "months"] == 10.0
    check_magnitudes(table, RULE.min_cell)
    mask = table._mask().copy()
    mask.loc[1, ["months", "ci_low"]] = False  # as before: only the count withheld
    without = dataclasses.replace(table, hidden=mask)
    with pytest.raises(MagnitudeDisclosure, match="row G1, column months"):
        check_magnitudes(without, RULE.min_cell)


def test_a_median_not_reached_stays_empty():
    data = km_medians([83, 0]).data.copy()
    data.loc[1, ["months", "ci_low"]] = float("nan")  # no completion: no median
    mask = magnitude_mask(data, [KM_MEDIAN], RULE.min_cell)
    assert not mask.loc[1, ["months", "ci_low"]].any()  # empty, not withheld
    data.loc[1, "ci_low"] = 12.0  # a bound resting on no completion at all
    assert magnitude_mask(data, [KM_MEDIAN], RULE.min_cell).loc[1, "ci_low"]


def test_a_median_stays_where_its_persons_are_withheld_only_for_another_figure():
    # the report's 87 completions minus G0's 83 would give G1's 4 away, so G0's 83 is
    # withheld too; G0's median still rests on 83 completions and adds up to nothing
    total = PublishedTable(
        name="total",
        caption="total",
        data=pd.DataFrame({"key": ["all"], "n": [87]}),
        columns={"n": ColumnFormat("number")},
        person_counts=("n",),
        keys=("key",),
        rule=RULE,
    )
    link = Link("all = G0 + G1", Ref("total", "all", "n"), (g("G0"), g("G1")))
    publication = Publication(RULE.min_cell)
    publication.admit([total])
    (admitted,) = publication.admit([km_medians([83, 4], links=(link,))])
    shown = admitted.as_data().set_index("group")
    assert shown.loc["G0", "events"] == ".."
    assert shown.loc["G0", "months"] == 10.0
    check_magnitudes(admitted, RULE.min_cell)


def test_a_mean_rests_on_its_own_count():
    with pytest.raises(ValueError, match="a mean rests on the count"):
        Magnitude("n", ("mean",), kind="mean", rests_on="events")


def g(group: str) -> Ref:
    return Ref("medians", group, "events")


def mean_table(counts: list[int], hidden: list[bool]) -> PublishedTable:
    data = pd.DataFrame(
        {
            "group": ["all", "a", "b"],
            "n": counts,
            "mean_months": [11.0, 10.0, 20.0],
        }
    )
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["n"] = hidden
    mask["mean_months"] = hidden  # each mean withheld with its own count, as before
    mean = Magnitude("n", ("mean_months",), kind="mean", parts=(("all", ("a", "b")),))
    return PublishedTable(
        name="means",
        caption="means",
        data=data,
        columns={c: ColumnFormat("number") for c in ("n", "mean_months")},
        hidden=mask,
        person_counts=("n",),
        keys=("group",),
        rule=RULE,
        follows=(mean,),
        links=tuple(mean.links("means")),
    )


def test_a_total_mean_beside_a_part_gives_away_the_rest():
    # 20 persons in all, 17 in a, 3 in b: b's mean is withheld with its count, but
    # 20 × 11.0 − 17 × 10.0 is the 3 persons' total
    table = mean_table([20, 17, 3], [False, False, True])
    with pytest.raises(MagnitudeDisclosure, match=r"row all, .* the mean of 3 persons"):
        check_magnitudes(table, RULE.min_cell)


def test_the_counts_relation_makes_the_publication_close_it(tmp_path):
    publication = Publication(RULE.min_cell)
    (table,) = publication.admit([mean_table([20, 17, 3], [False, False, True])])
    check_magnitudes(table, RULE.min_cell)
    table.write_csv(tmp_path / "tables")
    publication.write(tmp_path / "tables")
    result = audit_report(tmp_path)
    assert result.passed, [leak.line() for leak in result.leaks]


def test_the_audit_names_a_median_shown_beside_a_withheld_count(tmp_path):
    publication = Publication(RULE.min_cell)
    publication.tables = {"medians": medians([40, 3])}  # as written before: median shown
    publication.tables["medians"].write_csv(tmp_path / "tables")
    publication.write(tmp_path / "tables")
    lines = [leak.line() for leak in audit_report(tmp_path).leaks]
    assert any("row 3 (G1), column months: shown although its count" in x for x in lines), lines


def test_only_a_mean_adds_up():
    with pytest.raises(ValueError, match="only a mean"):
        Magnitude("n", ("median",), kind="median", parts=(("all", ("a",)),))
