"""The article's counts pass the one disclosure step, jointly with the quarter's report."""

from __future__ import annotations

import json
from unittest import mock

import pandas as pd
import pytest

from research.metrics.disclosure import DisclosureRule
from research.report.article.disclosure import REPORT, primary, sums_to_report
from research.report.kit.audit import audit_report
from research.report.kit.formatting import ColumnFormat
from research.report.kit.links import Ref, with_and_without
from research.report.kit.publication import Publication
from research.report.kit.publish import PublishedTable

RULE = DisclosureRule(min_cell=5)


def progress(completed: int) -> PublishedTable:
    data = pd.DataFrame(
        {"indicator": ["skilled_completed"], "counts_persons": [True], "achieved": [completed]}
    )
    return PublishedTable(
        name="progress",
        caption="progress",
        data=data,
        columns={"indicator": ColumnFormat("text"), "achieved": ColumnFormat("number")},
        person_counts=("achieved",),
        person_rows="counts_persons",
        keys=("indicator",),
        rule=RULE,
    )


def medians(ctx) -> PublishedTable:
    """Completions by EUV track: EUV2's 4 is withheld by the rule, EUV1 and EUV3 shown."""
    data = pd.DataFrame({"group": ["EUV1", "EUV2", "EUV3"], "n": [380, 194, 106]})
    data["events"] = [83, 4, 0]
    name, keys = "completion_medians", ("group",)
    links = with_and_without(name, data, keys, [("n", "events", "not completed")])
    links += sums_to_report(
        ctx,
        name,
        data,
        keys,
        "events",
        Ref("progress", "skilled_completed", "achieved"),
        name="report skilled_completed = the tracks' completions",
    )
    return PublishedTable(
        name=name,
        caption=name,
        data=data,
        columns={c: ColumnFormat("number") for c in ("n", "events")},
        hidden=primary(data, ["n", "events"], RULE),
        person_counts=("n", "events"),
        keys=keys,
        links=tuple(links),
        rule=RULE,
    )


def write_quarter(root, article: list[PublishedTable], publication: Publication) -> None:
    report = Publication(RULE.min_cell)
    for table in report.admit([progress(87)]):
        table.write_csv(root / "tables")
    report.write(root / "tables")
    for table in article:
        table.write_csv(root / "article")
    publication.write(root / "article")


def test_the_primary_rule_is_the_disclosure_rule():
    data = pd.DataFrame({"n": [0, 1, 4, 5, None]})
    assert primary(data, ["n"], RULE)["n"].tolist() == [False, True, True, False, True]
    assert primary(data, ["n"], DisclosureRule(min_cell=3))["n"].tolist()[2] is False


def test_the_report_minus_the_shown_tracks_gives_a_withheld_track_away(tmp_path):
    # before: the article protected its table alone; the report's 87 completions minus
    # EUV1's 83 and EUV3's 0 leaves EUV2's 4, which the audit now names
    seeded = Publication(RULE.min_cell)
    seeded.add_published([_as_report(progress(87))])
    ctx = mock.Mock(publication=seeded)
    alone = Publication(RULE.min_cell)
    alone.tables = {"completion_medians": medians(ctx)}
    write_quarter(tmp_path, list(alone.tables.values()), alone)
    lines = [leak.line() for leak in audit_report(tmp_path).leaks]
    assert any("article/completion_medians.csv, row 3 (EUV2), column events" in x for x in lines)
    assert any("prove 4 persons" in x and "skilled_completed" in x for x in lines), lines


def test_joint_protection_with_the_report_closes_it(tmp_path):
    seeded = Publication(RULE.min_cell)
    seeded.add_published([_as_report(progress(87))])
    ctx = mock.Mock(publication=seeded)
    (table,) = seeded.admit([medians(ctx)])
    write_quarter(tmp_path, [table], seeded)
    assert table.as_data().set_index("group")["events"].tolist() == ["..", "..", 0]
    record = json.loads((tmp_path / "article" / "publication.json").read_text())
    assert list(record["tables"]) == ["completion_medians"]  # the report's table stays its own
    terms = [t[0] for r in record["relations"] for t in r["terms"]]
    assert f"{REPORT}progress:skilled_completed:achieved" in terms
    result = audit_report(tmp_path)
    assert result.passed, [leak.line() for leak in result.leaks]


def test_a_sum_that_does_not_hold_in_the_data_is_not_declared():
    seeded = Publication(RULE.min_cell)
    seeded.add_published([_as_report(progress(90))])  # 3 completions are not EUV lifts
    table = medians(mock.Mock(publication=seeded))
    assert not [link for link in table.links if "skilled_completed" in link.name]


def _as_report(table: PublishedTable) -> PublishedTable:
    from research.report.kit.quarter.protection import _renamed

    return _renamed(table, REPORT)


@pytest.mark.e2e
def test_the_article_and_the_report_of_a_simulated_quarter_pass_the_audit(small_db, tmp_path):
    from research.report.article import sections
    from research.report.kit.context import load_context
    from research.report.kit.quarter.composition import composition_section
    from research.report.kit.quarter.funnels import funnels
    from research.report.kit.quarter.protection import protect_quarter
    from research.report.kit.quarter.targets import progress_over_time, progress_summary
    from research.report.kit.rkv_agreement import rkv_agreement_table
    from research.report.kit.section import publish_section

    root = tmp_path / "2026Q3"
    ctx = load_context(small_db, "2026Q3", "da", tables_dir=root / "tables")
    protect_quarter(ctx)
    for build in (progress_summary, progress_over_time, funnels, composition_section):
        for table in publish_section(ctx, build(ctx), draw=False).tables():
            table.write_csv(ctx.tables_dir)
    for table in ctx.publication.admit([rkv_agreement_table(ctx)]):
        table.write_csv(ctx.tables_dir)
    ctx.publication.write(ctx.tables_dir)
    article = load_context(small_db, "2026Q3", "en", tables_dir=root / "article")
    with mock.patch("IPython.display.display"):
        for build in (sections.survival_section, sections.conversion_section, sections.rkv_section):
            sections.show_article(article, build(article))
    result = audit_report(root)
    assert result.passed, [leak.line() for leak in result.leaks]
    record = json.loads((root / "article" / "publication.json").read_text())
    assert any(REPORT in t[0] for r in record["relations"] for t in r["terms"])
    funnel = [r["name"] for r in record["relations"] if "conversion" in r["name"]]
    assert any("→" in name for name in funnel), funnel  # the steps are linked
    assert "completion_medians" in record["tables"]
    kinds = [f.get("kind") for f in record["tables"]["completion_medians"]["follows"]]
    assert kinds == ["median"]  # the medians are declared for the audit


def test_a_cox_caption_shows_no_small_count():
    from types import SimpleNamespace

    from research.report.article.sections import _cox_table

    ratios = pd.DataFrame(
        {
            "factor": ["age_band"],
            "level": ["50+"],
            "reference": ["40-49"],
            "hazard_ratio": [1.2],
            "ci_low": [0.8],
            "ci_high": [1.9],
            "p_value": [0.4],
            "status": ["ok"],
        }
    )
    ctx = SimpleNamespace(rule=RULE, lang="en")
    caption = _cox_table(ctx, SimpleNamespace(hazard_ratios=ratios, n=40, events=37), "c", "c", "c")
    assert "n = .., events = .." in caption.caption  # 3 lifts without the event
    caption = _cox_table(ctx, SimpleNamespace(hazard_ratios=ratios, n=40, events=30), "c", "c", "c")
    assert "n = 40, events = 30" in caption.caption
