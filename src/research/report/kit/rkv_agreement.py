"""The RKV agreement table (activity 1): shown in the progress report's data-quality section and
protected jointly with the article, so it lives in the kit that both products use."""

from __future__ import annotations

import pandas as pd

from research.report.kit.context import ReportContext
from research.report.kit.formatting import ColumnFormat
from research.report.kit.links import Follows, with_and_without
from research.report.kit.publish import PublishedTable
from research.report.kit.section_helpers import tr


def rkv_agreement_table(ctx: ReportContext) -> PublishedTable | None:
    """Activity 1: how often each college's RKV decides the track the EUV rules advise, by
    half-year (research.evidence.rkv; the article's section 7 adjusts for who was assessed).
    Counts of 1-4 RKVs, or of 1-4 that disagree, are withheld with the shares they give away."""
    from research.evidence.rkv import agreement_table, rkv_frame

    if ctx.tables.get("rkv_results", pd.DataFrame()).empty:
        return None
    frame = rkv_frame(ctx.tables, ctx.as_of)
    if frame.empty or frame["advisory"].notna().sum() == 0:
        return None
    data = agreement_table(frame)
    data["share_pct"] = data["share"] * 100
    small = ctx.rule.min_cell
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["n"] = (data["n"] > 0) & (data["n"] < small)
    disagree = data["n"] - data["agree"]
    mask["agree"] = mask["n"] | ((data["agree"] > 0) & (data["agree"] < small))
    mask["agree"] |= (disagree > 0) & (disagree < small)
    mask["share_pct"] = mask["agree"]
    return PublishedTable(
        name="rkv_agreement",
        caption=tr(
            ctx,
            "RKV: besluttet EUV-spor som det regelbaserede vejledende spor, efter skole og halvår",
            "RKV: decided EUV track equal to the rule-based advisory track, by college and "
            "half-year",
        ),
        data=data,
        columns={
            "college": ColumnFormat("text", label_da="Skole", label_en="College"),
            "half": ColumnFormat("text", label_da="Halvår", label_en="Half-year"),
            "n": ColumnFormat("number", label_da="RKV'er", label_en="RKVs"),
            "agree": ColumnFormat("number", label_da="Enige", label_en="Agree"),
            "share_pct": ColumnFormat("number", 1, label_da="Enighed (%)", label_en="Agree (%)"),
        },
        lang=ctx.lang,
        hidden=mask,
        person_counts=("n", "agree"),
        keys=("college", "half"),
        links=tuple(
            with_and_without(
                "rkv_agreement", data, ("college", "half"), [("n", "agree", "disagree")]
            )
        ),
        follows=(Follows("agree", ("share_pct",)), Follows("n", ("share_pct",))),
        rule=ctx.rule,
    )
