"""The article's person counts in the quarter's one publication: primary rule, links, report.

Why: the article is published beside the quarterly report, so a reader holds both. Its counts
pass the same disclosure step as the report's tables: the rule (``DisclosureRule``) marks
the sensitive cells, each table declares how its counts link to each other and to the report's
cells (a subgroup's lifts are those with the event plus those without; the same arm appears in
the completion and the dropout row; the EUV tracks' lifts add up to the report's "all starts"),
and the publication withholds further cells jointly with what the report has already shown.
The article's ``publication.json`` records those links (to ``../tables/...`` for the report's
cells), so ``research audit reports/<quarter>`` attacks the article and the report together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from research.report.kit.links import Link, Ref, row_keys, same, whole

if TYPE_CHECKING:
    from research.metrics.disclosure import DisclosureRule
    from research.report.kit.context import ReportContext

REPORT = "../tables/"  # the quarterly report's tables, seen from the article's folder


def primary(data: pd.DataFrame, counts: Sequence[str], rule: DisclosureRule) -> pd.DataFrame:
    """The mask of the one disclosure rule: counts the rule finds sensitive, and counts the
    estimator already withheld (missing). Secondary suppression is the publication's."""
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    for column in counts:
        values = pd.to_numeric(data[column], errors="coerce")
        small = rule.sensitive(values.fillna(0).round().astype(int).to_numpy())
        mask[column] = values.isna().to_numpy() | small
    return mask


def same_figures(
    a: str,
    a_data: pd.DataFrame,
    a_keys: Sequence[str],
    b: str,
    b_data: pd.DataFrame,
    b_keys: Sequence[str],
    columns: Iterable[tuple[str, str]],
    *,
    match: Sequence[str],
) -> list[Link]:
    """The same count in two rows (of one table or two): rows that agree on ``match`` (the
    subgroup and its arms) and hold the same true count are the same figure. Checked on the
    true counts, so a coincidence never links different groups that differ."""
    links: list[Link] = []
    a_rows = row_keys(a_data, a_keys)
    b_rows = row_keys(b_data, b_keys)
    b_by = {}
    for j, values in enumerate(b_data[list(match)].astype(str).to_numpy()):
        b_by.setdefault(tuple(values), []).append(j)
    seen: set[tuple[str, str]] = set()
    for i, values in enumerate(a_data[list(match)].astype(str).to_numpy()):
        for j in b_by.get(tuple(values), []):
            if a == b and j <= i:
                continue
            for a_column, b_column in columns:
                x, y = whole(a_data[a_column].iloc[i]), whole(b_data[b_column].iloc[j])
                if x is None or x != y:
                    continue
                pair = (Ref(a, a_rows[i], a_column).id, Ref(b, b_rows[j], b_column).id)
                if pair in seen:
                    continue
                seen.add(pair)
                links.append(
                    same(
                        Ref(a, a_rows[i], a_column),
                        Ref(b, b_rows[j], b_column),
                        name=f"{a} {a_rows[i]} {a_column} = {b} {b_rows[j]} {b_column}",
                    )
                )
    return links


def sums_to_report(
    ctx: ReportContext,
    table: str,
    data: pd.DataFrame,
    keys: Sequence[str],
    column: str,
    report: Ref,
    *,
    name: str,
) -> list[Link]:
    """The rows of ``column`` add up to a cell of the report (``report``, named from the
    report's folder), declared only when the sum holds exactly in the data."""
    pub = ctx.publication
    source = pub.tables.get(REPORT + report.table) if pub is not None else None
    if source is None:
        return []
    values = [whole(v) for v in data[column]]
    own = dict(zip(row_keys(source.data, source.keys), source.data[report.column], strict=True))
    if report.row not in own or any(v is None for v in values):
        return []
    if whole(own[report.row]) != sum(v for v in values if v is not None):
        return []
    rows = row_keys(data, keys)
    return [
        Link(
            name,
            Ref(REPORT + report.table, report.row, report.column),
            tuple(Ref(table, r, column) for r in rows),
        )
    ]


def add_report(ctx: ReportContext) -> None:
    """Seed the article's publication with what the quarter's report publishes (sections 1-4
    as the quarter-wide protection leaves them, and the RKV agreement table), so the article's
    counts are protected jointly with them. Done once per publication."""
    publication = ctx.publication
    if publication is None or publication.background:
        return
    from research.report.kit.publication import Publication
    from research.report.kit.quarter.composition import composition_section
    from research.report.kit.quarter.funnels import funnels
    from research.report.kit.quarter.protection import _renamed, protect_quarter
    from research.report.kit.quarter.targets import progress_over_time, progress_summary
    from research.report.kit.rkv_agreement import rkv_agreement_table
    from research.report.kit.section import publish_section

    report = replace(ctx, publication=Publication(ctx.rule.min_cell), tables_dir=None)
    protect_quarter(report)
    for build in (progress_summary, progress_over_time, funnels, composition_section):
        publish_section(report, build(report), draw=False)
    rkv = rkv_agreement_table(report)
    if rkv is not None:
        report.publication.admit([rkv])
    publication.add_published(
        _renamed(table, REPORT) for table in report.publication.tables.values()
    )
