"""The parts of the workshop-2 brief, in the order the facilitator goes through them."""

from __future__ import annotations

import pandas as pd

from research.domain.codes import SizeBand, Ws2Decision
from research.report.kit.charts import BLUE, DEFAULT_SOURCE, VERMILION, source_line
from research.report.kit.formatting import (
    MISSING,
    format_date,
    format_interval,
    format_number,
    format_percent,
)
from research.report.kit.handout import show_heading, show_svg, show_table, show_text, show_title
from research.report.kit.spider import Series, SpiderSvg, spider_svg
from research.report.networks.view import MIN_COMPANIES, SHARED_BY, NetworkView
from research.report.networks.words import say

SHEET_ROWS = 8  # the most relevant statements on the decision sheet
BLANK, BLANK_WIDE = "_" * 12, "_" * 22  # room to write by hand on the printed sheet


def show_front(view: NetworkView, lang: str = "da") -> None:
    show_title(
        say("title", lang, name=view.name),
        [
            say("theme_line", lang, id=view.network_id, theme=view.theme, partner=view.partner),
            say("data_line", lang, date=format_date(view.as_of, lang)),
            say("recipient_line", lang),
        ],
    )


def show_response(view: NetworkView, lang: str = "da") -> None:
    show_heading(say("response", lang))
    if view.response is None:
        show_text(say("no_survey", lang, date=format_date(view.as_of, lang)))
        return
    r = view.response
    text = say(
        "response_text",
        lang,
        responded=format_number(r["responded"], lang),
        invited=format_number(r["n"], lang),
        rate=format_percent(r["response_rate"], lang),
        interval=format_interval(r["ci_low"], r["ci_high"], "percent", lang),
    )
    if int(r["responded_not_invited"]):
        text += say("response_late", lang, n=format_number(r["responded_not_invited"], lang))
    show_text(text)
    rep = view.representativeness
    members, answers = rep["members"].sum(), rep["responders"].sum()

    def band(code: str) -> str:
        return say("unknown", lang) if code == "unknown" else SizeBand(code).label(lang)

    frame = pd.DataFrame(
        {
            say("size", lang): [band(b) for b in rep["size_band"]],
            say("members", lang): [format_number(v, lang) for v in rep["members"]],
            say("responders", lang): [format_number(v, lang) for v in rep["responders"]],
            say("share_members", lang): [
                format_percent(v / members if members else None, lang) for v in rep["members"]
            ],
            say("share_responders", lang): [
                format_percent(v / answers if answers else None, lang) for v in rep["responders"]
            ],
        }
    )
    show_table(
        frame,
        say("repr_caption", lang),
        ["text", "number", "number", "percent", "percent"],
        note=say("repr_note", lang),
        lang=lang,
    )


def show_statements(view: NetworkView, lang: str = "da") -> None:
    show_heading(say("statements", lang))
    s = view.statements
    if s.empty or view.response is None:
        show_text(say("no_survey", lang, date=format_date(view.as_of, lang)))
        return
    show_text(say("statements_text", lang))
    frame = pd.DataFrame(
        {
            say("rank", lang): [format_number(v, lang) for v in s["rank"]],
            say("statement", lang): s["text"],
            say("theme", lang): s["theme"],
            say("mean", lang): [format_number(v, lang, 1) for v in s["mean_relevance"]],
            say("share_high", lang): [format_percent(v, lang, 0) for v in s["share_high"]],
            say("interval", lang): [
                format_interval(a, b, "percent", lang, 0)
                for a, b in zip(s["ci_low"], s["ci_high"], strict=True)
            ],
            say("dont_know", lang): [format_percent(v, lang, 0) for v in s["share_dont_know"]],
            say("n", lang): [format_number(v, lang) for v in s["n"]],
        }
    )
    show_table(
        frame,
        say("statements_caption", lang),
        ["number", "text", "text", "number", "percent", "text", "percent", "number"],
        note=say("statements_note", lang, min=MIN_COMPANIES),
        lang=lang,
    )


def show_reliability(view: NetworkView, lang: str = "da") -> None:
    show_heading(say("reliability", lang))
    r = view.reliability
    if r.empty or r["alpha"].isna().all():
        show_text(say("no_reliability", lang))
        return
    show_text(say("reliability_text", lang))
    frame = pd.DataFrame(
        {
            say("theme", lang): r["theme"],
            say("k", lang): [format_number(v, lang) for v in r["k"]],
            say("complete", lang): [format_number(v, lang) for v in r["n"]],
            say("alpha", lang): [format_number(v, lang, 2) for v in r["alpha"]],
            say("interval", lang): [
                format_interval(a, b, "number", lang, 2)
                for a, b in zip(r["ci_low"], r["ci_high"], strict=True)
            ],
        }
    )
    show_table(
        frame,
        say("reliability_caption", lang),
        ["text", "number", "number", "number", "text"],
        lang=lang,
    )


def network_spider(view: NetworkView, lang: str = "da") -> SpiderSvg:
    g = view.gaps
    items = "; ".join(
        f"{a}: {format_number(c, lang, 1)} {say('and', lang)} {format_number(r, lang, 1)}"
        for a, c, r in g[["subject_area", "mean_current", "mean_required"]].itertuples(index=False)
    )
    return spider_svg(
        g["subject_area"].astype(str).tolist(),
        [
            Series(say("current", lang), g["mean_current"].tolist(), BLUE, "", "circle", True),
            Series(say("required", lang), g["mean_required"].tolist(), VERMILION, "6 4", "square"),
        ],
        title=say("spider_title", lang),
        source_line=source_line(DEFAULT_SOURCE, view.as_of, lang),
        alt=say("spider_alt", lang, n=len(g), items=items),
        lang=lang,
    )


def show_spider(view: NetworkView, lang: str = "da") -> None:
    show_heading(say("spider", lang))
    g = view.gaps
    if len(g) < 3:
        show_text(say("no_spider", lang))
    else:
        show_text(say("spider_text", lang, min=MIN_COMPANIES))
        show_svg(network_spider(view, lang))
    show_heading(say("shared", lang), 3)
    shared = g[g["share_with_gap"] >= SHARED_BY].sort_values(
        ["share_with_gap", "mean_gap"], ascending=False, kind="stable"
    )
    if shared.empty:
        show_text(say("no_shared", lang))
    else:
        show_text(
            say("shared_text", lang),
            [
                say(
                    "shared_item",
                    lang,
                    area=row.subject_area,
                    k=format_number(row.companies_with_gap, lang),
                    n=format_number(row.n, lang),
                    share=format_percent(row.share_with_gap, lang, 0),
                    gap=format_number(row.mean_gap, lang, 1),
                )
                for row in shared.itertuples(index=False)
            ],
        )
    if g.empty:
        return
    frame = pd.DataFrame(
        {
            say("area", lang): g["subject_area"],
            say("companies", lang): [format_number(v, lang) for v in g["n"]],
            say("current", lang): [format_number(v, lang, 1) for v in g["mean_current"]],
            say("required", lang): [format_number(v, lang, 1) for v in g["mean_required"]],
            say("with_gap", lang): [format_percent(v, lang, 0) for v in g["share_with_gap"]],
            say("mean_gap", lang): [format_number(v, lang, 1) for v in g["mean_gap"]],
        }
    )
    show_table(
        frame,
        say("gaps_caption", lang),
        ["text", "number", "number", "number", "percent", "number"],
        lang=lang,
    )


def show_decisions(view: NetworkView, lang: str = "da") -> None:
    """The decisions already imported (``ws2-decisions``), then the sheet for the workshop."""
    d = view.decisions
    if not d.empty:
        show_heading(say("decisions_made", lang, date=format_date(d["held_on"].max(), lang)))
        frame = pd.DataFrame(
            {
                say("statement", lang): [t or MISSING for t in d["text"]],
                say("decision", lang): [Ws2Decision(c).label(lang) for c in d["decision"]],
                say("offer", lang): [MISSING if pd.isna(o) else o for o in d["offer"]],
            }
        )
        show_table(
            frame,
            say("decisions_made", lang, date=format_date(d["held_on"].max(), lang)),
            ["text", "text", "text"],
            lang=lang,
        )
    show_heading(say("sheet", lang))
    show_text(say("sheet_text", lang))
    top = view.statements.dropna(subset=["rank"]).head(SHEET_ROWS)
    frame = pd.DataFrame(
        {
            say("rank", lang): [format_number(v, lang) for v in top["rank"]],
            say("statement", lang): top["text"],
            say("decision", lang): [say("choice", lang)] * len(top),
            say("offer", lang): [BLANK_WIDE] * len(top),
            say("responsible", lang): [BLANK] * len(top),
        }
    )
    show_table(
        frame, say("sheet_caption", lang), ["number", "text", "text", "text", "text"], lang=lang
    )
