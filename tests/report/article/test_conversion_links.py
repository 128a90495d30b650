"""The article's conversion funnel declares its relations: steps, arms, the report's cells."""

from __future__ import annotations

import pandas as pd

from research.metrics.disclosure import DisclosureRule
from research.report.article import conversion
from research.report.article.disclosure import REPORT
from research.report.kit.audit import audit_report
from research.report.kit.formatting import ColumnFormat
from research.report.kit.publication import Publication
from research.report.kit.publish import PublishedTable

RULE = DisclosureRule(min_cell=5)


def funnel(network: int = 14, one_to_one: int = 14) -> pd.DataFrame:
    """Two approaches, three nested steps, participants at the last step."""
    rows = []
    for approach, companies, participants in (
        ("network", (40, 30, 9), network),
        ("one_to_one", (90, 50, 8), one_to_one),
    ):
        for step, n in zip(conversion.STEPS, companies, strict=True):
            rows.append({"approach": approach, "step": step, "companies": n})
        rows[-1]["participants"] = participants
        rows[-1]["participants_per_100_months"] = 2.5
    out = pd.DataFrame(rows)
    out["participants"] = out["participants"].astype("Int64")
    out["conversion"] = 0.5
    return out


def persons(network: int, one_to_one: int, status: str = "employed") -> pd.DataFrame:
    approaches = ["network"] * network + ["one_to_one"] * one_to_one
    return pd.DataFrame(
        {
            "participant_id": [f"P{i}" for i in range(len(approaches))],
            "approach": approaches,
            "employment_status": status,
        }
    )


def progress(employed: int, total: int) -> PublishedTable:
    data = pd.DataFrame(
        {
            "indicator": ["participants", "participants_employed"],
            "counts_persons": [True, True],
            "achieved": [total, employed],
        }
    )
    return PublishedTable(
        name=REPORT + "progress",
        caption="progress",
        data=data,
        columns={"indicator": ColumnFormat("text"), "achieved": ColumnFormat("number")},
        person_counts=("achieved",),
        person_rows="counts_persons",
        keys=("indicator",),
        rule=RULE,
    )


def table(data: pd.DataFrame, links) -> PublishedTable:
    return conversion.funnel_table(data, caption="c", lang="en", rule=RULE, links=links)


def links_for(data: pd.DataFrame, employed: int, total: int) -> list:
    report = {"participants_employed": employed, "participants": total}
    found = persons(14, 14)
    return conversion.step_links(data) + conversion.arm_links(data, found, report)


def write(root, report: PublishedTable, article: list[PublishedTable], pub: Publication) -> None:
    own = Publication(RULE.min_cell)
    shown = PublishedTable(**{**report.__dict__, "name": "progress"})
    for t in own.admit([shown]):
        t.write_csv(root / "tables")
    own.write(root / "tables")
    for t in article:
        t.write_csv(root / "article")
    pub.write(root / "article")


def test_the_report_minus_the_two_arms_gives_a_small_group_away(tmp_path):
    # 30 employed participants in the report, 14 + 14 in the funnel: 2 employed participants
    # at no reached company. Before, the funnel declared no relation and the audit saw nothing
    data = funnel()
    alone = Publication(RULE.min_cell)
    alone.tables = {conversion.NAME: table(data, links_for(data, 30, 60))}
    write(tmp_path, progress(30, 60), list(alone.tables.values()), alone)
    lines = [leak.line() for leak in audit_report(tmp_path).leaks]
    assert any("participants_employed not at a company" in x and "2 persons" in x for x in lines)


def test_joint_protection_withholds_an_arm_and_the_audit_passes(tmp_path):
    data = funnel()
    pub = Publication(RULE.min_cell)
    pub.add_published([progress(30, 60)])
    (shown,) = pub.admit([table(data, links_for(data, 30, 60))])
    write(tmp_path, progress(30, 60), [shown], pub)
    participants = shown.as_data()["participants"].astype(str).tolist()
    assert participants.count("..") >= 1
    result = audit_report(tmp_path)
    assert result.passed, [leak.line() for leak in result.leaks]


def test_companies_with_a_participant_stand_for_persons():
    data = funnel()
    data.loc[2, "companies"] = 3  # three network companies with a participant
    (admitted,) = Publication(RULE.min_cell).admit([table(data, conversion.step_links(data))])
    shown = admitted.as_data()
    assert shown.loc[2, "companies"] == ".."
    assert shown.loc[2, "conversion"] == ".."  # the conversion goes with its step
    assert str(shown.loc[1, "companies"]) == "30"  # a company step stays as it is


def test_arms_are_linked_only_when_the_persons_are_the_funnels():
    data = funnel()
    report = {"participants_employed": 30, "participants": 60}
    assert conversion.arm_links(data, persons(14, 13), report) == []  # another count
    unemployed = persons(14, 14, status="unemployed")
    names = [link.total.row for link in conversion.arm_links(data, unemployed, report)]
    assert names == ["participants"]  # not within the employed: only the total holds
    assert conversion.arm_links(data, persons(14, 14), {"participants": 20}) == []


def test_the_report_funnel_is_linked_only_where_it_counts_the_same_companies():
    data = funnel()
    companies = pd.DataFrame(
        {
            "cvr": [str(i) for i in range(90)],
            "approach": "one_to_one",
            "has_plan": [i < 50 for i in range(90)],
        }
    )
    visited = {str(i) for i in range(90)}
    planned = {str(i) for i in range(50)}
    links = conversion.report_funnel_links(data, companies, visited, planned)
    assert [link.parts[0].row for link in links] == ["visited", "competence_plan"]
    other = (visited - {"0"}) | {"x"}  # as many companies, not the same ones
    links = conversion.report_funnel_links(data, companies, other, planned - {"0"} | {"x"})
    assert links == []
