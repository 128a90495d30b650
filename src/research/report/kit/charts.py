"""The house style for every figure in a report, and the chart builders the report uses.

Figures are read on screens, on phones and on A4 paper, by readers who may be colour blind or
use a screen reader. So: the Okabe–Ito palette, a shape or label next to every colour, fonts of
at least 10 pt at print size, a title that states the finding, a source line with the data date,
and alt text carried with the figure into the HTML.

Figures are built with ``matplotlib.figure.Figure`` directly, not through pyplot: the library
keeps no global figure state, and a notebook does not display a figure twice (once inline by
pyplot, once through ``figure_html`` with its alt text).
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from research.domain.period import Quarter, quarters_between
from research.report.kit.formatting import LIGHT_COLOURS as LIGHT_COLOURS  # re-exported
from research.report.kit.formatting import (
    MISSING,
    format_date,
    format_number,
    format_percent,
    format_quarter,
    is_missing,
    is_suppressed,
)
from research.report.kit.labels import check_lang
from research.report.kit.labels import label as word

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter
else:

    class _FigureType(type):
        """``isinstance(x, Figure)`` without importing matplotlib: nothing is a figure before
        matplotlib is loaded (importing it costs about a second, so the kit imports it where
        a figure is drawn, not when a report module is imported)."""

        def __instancecheck__(cls, instance: object) -> bool:
            module = sys.modules.get("matplotlib.figure")
            return module is not None and isinstance(instance, module.Figure)

    class Figure(metaclass=_FigureType):
        """Stands for ``matplotlib.figure.Figure`` in ``isinstance`` checks (import it from
        here to keep an import of a report module free of matplotlib)."""


# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
OKABE_ITO = (BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILION, REDDISH_PURPLE)
# Series order for lines and groups; yellow is left out (too pale for a line on white), and each
# series also gets its own marker so groups stay apart in greyscale.
SERIES_COLOURS = (BLUE, ORANGE, BLUISH_GREEN, VERMILION, SKY_BLUE, REDDISH_PURPLE, BLACK)
SERIES_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
GREY = "#666666"
LIGHT_GREY = "#DDDDDD"
TEXT_GREY = "#333333"
# Traffic lights: colour, shape and (in tables) a word; shapes match formatting.LIGHT_SYMBOLS.
LIGHT_MARKERS = {"green": "o", "yellow": "^", "red": "s"}

FONT_SIZE = 11  # tick labels, axis labels
SMALL_FONT_SIZE = 10  # value labels, legend, source line: never below 10 pt
TITLE_SIZE = 13
# Print sizes in inches: "full" fits A4 text width (16 cm between 2.5 cm margins).
WIDTHS = {"full": (6.3, 3.9), "half": (3.1, 2.9)}
DPI = 150  # sharp on high-density screens, small enough to embed
CSS_PX_PER_INCH = 96  # so the HTML shows the figure at print size: 11 pt stays 11 pt
DEFAULT_SOURCE = "Kompetenceløft Workbench"

Width = Literal["full", "half"]
ValueKind = Literal["number", "percent"]

_ALT = {
    "da": {
        "progress": "Linjediagram: {label}, kumuleret pr. kvartal fra {first} til {last}.",
        "achieved": "Opnået ved udgangen af {quarter}: {value}.",
        "expected": "Forventet nu ifølge planen: {value}.",
        "target": "Måltal: {value}.",
        "forecast": "Prognose ved projektets afslutning: {low} til {high} (95 %-interval).",
        "funnel": "Tragtdiagram med {n} trin:",
        "bar": "Vandret søjlediagram{what}, sorteret efter størrelse:",
        "line": "Linjediagram: {y} efter {x}.",
        "latest": "Seneste værdi",
        "radar": (
            "Kompetencespind for {n} fagområder på en skala fra 1 til 5, med gennemsnitligt "
            "nuværende og krævet niveau:"
        ),
        "gap": "Største forskel: {area} ({gap}).",
        "more": "og {n} flere",
        "and": "og",
    },
    "en": {
        "progress": "Line chart: {label}, cumulative by quarter from {first} to {last}.",
        "achieved": "Achieved by the end of {quarter}: {value}.",
        "expected": "Expected by now according to the plan: {value}.",
        "target": "Target: {value}.",
        "forecast": "Forecast at the end of the project: {low} to {high} (95% interval).",
        "funnel": "Funnel chart with {n} steps:",
        "bar": "Horizontal bar chart{what}, sorted by size:",
        "line": "Line chart: {y} by {x}.",
        "latest": "Latest value",
        "radar": (
            "Competence spider for {n} subject areas on a scale from 1 to 5, with the mean "
            "current and required level:"
        ),
        "gap": "Largest gap: {area} ({gap}).",
        "more": "and {n} more",
        "and": "and",
    },
}
_ALT_ITEMS = 20  # a screen reader user should not have to listen to 60 bars


# --- the frame: figure, title, source line, alt text, HTML --------------------------------------


def new_figure(
    width: Width = "full", *, height: float | None = None, polar: bool = False
) -> tuple[Figure, Axes]:
    """A figure at print size with the house style: readable fonts, no top or right spines."""
    if width not in WIDTHS:
        raise ValueError(f"width must be one of {', '.join(WIDTHS)}; got {width!r}")
    from matplotlib.figure import Figure

    w, h = WIDTHS[width]
    fig = Figure(figsize=(w, height or h), layout="constrained", facecolor="white")
    ax = fig.add_subplot(projection="polar" if polar else None)
    ax.tick_params(labelsize=FONT_SIZE, color=GREY)
    ax.xaxis.label.set_size(FONT_SIZE)
    ax.yaxis.label.set_size(FONT_SIZE)
    if not polar:
        ax.spines[["top", "right"]].set_visible(False)
        ax.spines[["left", "bottom"]].set_color(GREY)
    return fig, ax


def _wrap(text: str, fig: Figure, size: float, *, bold: bool = False) -> str:
    """Wrap to the figure's width; a rough character width is enough for titles and notes."""
    per_char = size * (0.62 if bold else 0.55) / 72
    return textwrap.fill(text, width=max(20, int(fig.get_figwidth() * 0.96 / per_char)))


def source_line(source: str, data_date: Any, lang: str = "da") -> str:
    """'Kilde: …, data pr. 30. september 2026' / 'Source: …, data as of 30 September 2026'."""
    check_lang(lang)
    when = format_date(data_date, lang, "long")
    return f"{word('source', lang)}: {source}, {word('data_as_of', lang)} {when}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9æøå]+", "-", text.lower()).strip("-")[:60] or "figure"


def finish(
    fig: Figure,
    ax: Axes,
    *,
    title: str,
    data_date: Any,
    lang: str = "da",
    alt_text: str,
    source: str = DEFAULT_SOURCE,
    note: str | None = None,
) -> Figure:
    """Add the finding as title, the source line bottom-left and the alt text; return ``fig``.

    The alt text is kept as ``fig.alt_text`` for ``figure_html``; the figure's gid is a slug of
    the title, which becomes the element id in SVG output.
    """
    check_lang(lang)
    if not title.strip():
        raise ValueError("a figure needs a title that states the finding")
    if not alt_text or not alt_text.strip():
        raise ValueError("a figure needs alt text that says what it shows")
    fig.suptitle(
        _wrap(title, fig, TITLE_SIZE, bold=True),
        x=0.01,
        ha="left",
        fontsize=TITLE_SIZE,
        fontweight="bold",
    )
    line = source_line(source, data_date, lang) + (f". {note}" if note else "")
    fig.supxlabel(
        _wrap(line, fig, SMALL_FONT_SIZE),
        x=0.01,
        ha="left",
        fontsize=SMALL_FONT_SIZE,
        color=TEXT_GREY,
    )
    fig.alt_text = alt_text.strip()
    fig.set_gid("figure-" + _slug(title))
    if ax.get_legend() is not None:
        ax.get_legend().set_frame_on(False)
    return fig


def alt_text_of(fig: Figure) -> str | None:
    """The alt text ``finish`` stored on a figure, if any."""
    return getattr(fig, "alt_text", None)


def figure_png(fig: Figure) -> str:
    """The figure as base64 PNG text at the house resolution (for HTML and notebook outputs)."""
    buffer = io.BytesIO()
    # No "Software" stamp: the same figure gives the same bytes across matplotlib versions' runs.
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_html(
    fig: Figure, alt_text: str | None = None, png: str | None = None, svg: str | None = None
) -> str:
    """The figure as a self-contained ``<img>`` with its alt text, shown at print size on a
    wide screen and shrunk to fit on a phone. ``svg`` (the figure already rendered as SVG)
    embeds that vector image, sharper and with no second render; else ``png`` reuses an
    encoded PNG, else the figure is rendered as PNG."""
    alt = alt_text if alt_text is not None else alt_text_of(fig)
    if not alt or not alt.strip():
        raise ValueError("figure_html needs alt text: pass alt_text or build the figure via finish")
    if svg is not None:
        source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    else:
        source = "data:image/png;base64," + (png if png is not None else figure_png(fig))
    width = round(fig.get_figwidth() * CSS_PX_PER_INCH)
    return (
        f'<img src="{source}" alt="{html.escape(alt.strip(), quote=True)}" '
        f'width="{width}" style="max-width:100%;height:auto">'
    )


# --- shared helpers for the builders ------------------------------------------------------------


def _formatter(kind: str, lang: str, decimals: int | None) -> Callable[[Any], str]:
    if kind == "percent":
        return lambda v: format_percent(v, lang, 1 if decimals is None else decimals)
    if kind == "number":
        return lambda v: format_number(v, lang, 0 if decimals is None else decimals)
    raise ValueError(f"kind must be 'number' or 'percent'; got {kind!r}")


def _axis_formatter(kind: str, lang: str) -> FuncFormatter:
    """Tick labels in the report's language (decimal comma in Danish)."""
    from matplotlib.ticker import FuncFormatter

    def tick(value: float, _pos: int) -> str:
        if kind == "percent":
            return format_percent(value, lang, 0)
        places = 0 if float(value).is_integer() else 1
        return format_number(value, lang, places)

    return FuncFormatter(tick)


def _legend_on_top(ax: Axes, ncols: int = 2) -> None:
    """The legend between title and plot, so it never hides data; the layout makes room."""
    if ax.get_legend_handles_labels()[0]:
        anchor = (-0.1, 1.08) if ax.name == "polar" else (0.0, 1.02)
        ax.legend(
            loc="lower left",
            bbox_to_anchor=anchor,
            ncols=ncols,
            frameon=False,
            fontsize=SMALL_FONT_SIZE,
            borderaxespad=0.0,
        )


def _numbers(values: pd.Series) -> np.ndarray:
    """Floats, with suppressed strings and missing values as NaN."""
    return np.array(
        [np.nan if is_missing(v) or is_suppressed(v) else float(v) for v in values], dtype=float
    )


def _spoken(text: str, lang: str) -> str:
    """A missing value read aloud as words, not as a dash."""
    return word("no_data", lang).lower() if text == MISSING else text


def _list(items: Sequence[str], lang: str) -> str:
    shown = list(items[:_ALT_ITEMS])
    if len(items) > _ALT_ITEMS:
        shown.append(_ALT[lang]["more"].format(n=len(items) - _ALT_ITEMS))
    return "; ".join(shown) + "."


def _label_room(fig: Figure, longest: int, data_max: float) -> float:
    """An x-limit leaving room right of the longest bar for its value label."""
    axes_in = max(1.2, fig.get_figwidth() * 0.6)
    label_in = longest * SMALL_FONT_SIZE * 0.55 / 72 + 0.1
    share = min(0.6, label_in / axes_in)
    return data_max / (1 - share) if data_max > 0 else 1.0


def _step_label_column(frame: pd.DataFrame, lang: str) -> str:
    for name in (f"label_{lang}", "label", "key"):
        if name in frame.columns:
            return name
    raise KeyError(f"the frame needs a 'label_{lang}', 'label' or 'key' column")


def _horizontal_bars(
    ax: Axes,
    labels: list[str],
    values: list[Any],
    texts: list[str],
    colours: list[str],
) -> bool:
    """Bars top-down with their labels; suppressed values are written, not drawn.

    Returns whether any value was suppressed, so the caller can add the note.
    """
    n = len(labels)
    numbers = _numbers(pd.Series(values, dtype=object))
    suppressed = False
    for i, (value, number, text, colour) in enumerate(
        zip(values, numbers, texts, colours, strict=True)
    ):
        y = n - 1 - i
        if not np.isnan(number):
            ax.barh(y, number, color=colour, height=0.7)
        right = np.isnan(number) or number >= 0
        if is_suppressed(value):
            suppressed = True
        ax.annotate(
            text,
            xy=(0.0 if np.isnan(number) else number, y),
            xytext=(4 if right else -4, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=SMALL_FONT_SIZE,
            color=TEXT_GREY if np.isnan(number) else BLACK,
            fontstyle="italic" if np.isnan(number) else "normal",
        )
    ax.set_yticks(range(n), [textwrap.fill(str(c), 28) for c in reversed(labels)])
    ax.set_ylim(-0.6, n - 0.4)
    finite = numbers[~np.isnan(numbers)]
    top = float(finite.max()) if finite.size else 0.0
    bottom = min(0.0, float(finite.min()) * 1.15) if finite.size else 0.0
    ax.set_xlim(bottom, _label_room(ax.figure, max(map(len, texts), default=1), top))
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return suppressed


# --- chart builders -----------------------------------------------------------------------------


def cumulative_progress_chart(
    series: pd.DataFrame,
    key: str,
    label: str,
    target: float | None,
    forecast_low: float | None,
    forecast_high: float | None,
    lang: str = "da",
    *,
    title: str,
    data_date: Any,
    forecast: float | None = None,
    project_end: Any = None,
    source: str = DEFAULT_SOURCE,
    alt_text: str | None = None,
    width: Width = "full",
) -> Figure:
    """Achieved against plan and target for one indicator, with the forecast at the end.

    ``series`` is ``metrics.progress.progress_series`` (columns ``indicator``, ``quarter`` like
    "2026Q3", ``cumulative``, ``planned``); rows for ``key`` are drawn. Achieved is a line
    with markers, the plan a dashed line, the target a dotted horizontal line, and the 95 %
    forecast range a vertical bar at ``project_end`` (default: the last quarter in ``series``).
    Rows with a missing ``cumulative`` are future quarters and only carry the plan.
    """
    check_lang(lang)
    rows = series[series["indicator"] == key] if "indicator" in series.columns else series
    if rows.empty:
        raise ValueError(f"no progress rows for indicator {key!r}")
    quarters = [Quarter.parse(str(q)) for q in rows["quarter"]]
    order = sorted(range(len(quarters)), key=quarters.__getitem__)
    rows, quarters = rows.iloc[order], [quarters[i] for i in order]
    end = quarters[-1]
    if project_end is not None:
        end = max(end, Quarter.containing(pd.Timestamp(project_end).date()))
    axis = quarters_between(quarters[0], end)
    position = {q: i for i, q in enumerate(axis)}
    x = np.array([position[q] for q in quarters], dtype=float)
    achieved = _numbers(rows["cumulative"])
    planned = _numbers(rows["planned"]) if "planned" in rows.columns else np.full(len(x), np.nan)

    fig, ax = new_figure(width)
    seen = ~np.isnan(planned)
    if seen.any():
        ax.plot(x[seen], planned[seen], ls="--", lw=1.6, color=GREY, label=word("planned", lang))
    done = ~np.isnan(achieved)
    ax.plot(
        x[done],
        achieved[done],
        marker="o",
        ms=5,
        lw=2.2,
        color=BLUE,
        label=word("achieved", lang),
    )
    if not is_missing(target):
        target_text = f"{word('target', lang)}: {format_number(target, lang)}"
        ax.axhline(float(target), ls=":", lw=1.4, color=BLACK, label=target_text)
    has_forecast = not (is_missing(forecast_low) or is_missing(forecast_high))
    if has_forecast:
        band = f"{format_number(forecast_low, lang)}–{format_number(forecast_high, lang)}"
        ax.vlines(
            position[end],
            forecast_low,
            forecast_high,
            lw=8,
            color=ORANGE,
            alpha=0.8,
            label=f"{word('forecast_interval', lang)}: {band}",
        )
        if not is_missing(forecast):
            ax.plot(position[end], forecast, marker="D", ms=6, color=BLACK, ls="none")

    k = max(1, math.ceil(len(axis) / (8 if width == "full" else 4)))
    ticks = list(range(len(axis) - 1, -1, -k))[::-1]  # the last quarter is always labelled
    ax.set_xticks(ticks, [format_quarter(axis[i], lang) for i in ticks])
    ax.set_xlim(-0.5, len(axis) - 0.5)
    peaks = [achieved, planned, [target, forecast_high, forecast]]
    top = np.nanmax(_numbers(pd.Series(np.concatenate([np.ravel(p) for p in peaks]))))
    ax.set_ylim(0, (top if np.isfinite(top) and top > 0 else 1) * 1.08)
    ax.yaxis.set_major_formatter(_axis_formatter("number", lang))
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    # the title names the indicator; a long name on the axis would be cut off
    ax.set_ylabel(f"{word('count', lang)}, {word('cumulative', lang)}")
    ax.grid(axis="y", color=LIGHT_GREY, lw=0.8)
    ax.set_axisbelow(True)
    _legend_on_top(ax)

    if alt_text is None:
        a = _ALT[lang]
        last_done = int(np.flatnonzero(done)[-1]) if done.any() else None
        parts = [
            a["progress"].format(
                label=label,
                first=format_quarter(axis[0], lang, "long"),
                last=format_quarter(end, lang, "long"),
            )
        ]
        if last_done is not None:
            quarter = format_quarter(quarters[last_done], lang, "long")
            value = format_number(achieved[last_done], lang)
            parts.append(a["achieved"].format(quarter=quarter, value=value))
            if not np.isnan(planned[last_done]):
                parts.append(a["expected"].format(value=format_number(planned[last_done], lang)))
        if not is_missing(target):
            parts.append(a["target"].format(value=format_number(target, lang)))
        if has_forecast:
            low, high = (format_number(v, lang) for v in (forecast_low, forecast_high))
            parts.append(a["forecast"].format(low=low, high=high))
        alt_text = " ".join(parts)
    return finish(
        fig, ax, title=title, data_date=data_date, lang=lang, alt_text=alt_text, source=source
    )


def funnel_chart(
    funnel_frame: pd.DataFrame,
    lang: str = "da",
    *,
    title: str,
    data_date: Any,
    source: str = DEFAULT_SOURCE,
    alt_text: str | None = None,
    width: Width = "full",
) -> Figure:
    """A funnel as horizontal bars, first step on top, each labelled with its count and the
    conversion from the step before.

    ``funnel_frame`` is ``metrics.funnels.funnel`` output: ``label_da``/``label_en`` (or
    ``label``), ``n`` (a count, or a suppressed string like "<5") and ``conversion`` (a share,
    missing for the first step), in step order.
    """
    check_lang(lang)
    names = funnel_frame[_step_label_column(funnel_frame, lang)].astype(str).tolist()
    counts = funnel_frame["n"].tolist()
    conversions = (
        funnel_frame["conversion"].tolist()
        if "conversion" in funnel_frame.columns
        else [None] * len(counts)
    )
    texts = []
    for n, conversion in zip(counts, conversions, strict=True):
        text = format_number(n, lang)
        if not is_missing(conversion) and not is_suppressed(conversion):
            text += f" ({format_percent(conversion, lang)} {word('of_previous_step', lang)})"
        texts.append(text)
    fig, ax = new_figure(width, height=max(2.4, 0.9 + 0.45 * len(names)))
    suppressed = _horizontal_bars(ax, names, counts, texts, [BLUE] * len(names))
    if alt_text is None:
        items = [f"{n}: {_spoken(t, lang)}" for n, t in zip(names, texts, strict=True)]
        alt_text = _ALT[lang]["funnel"].format(n=len(names)) + " " + _list(items, lang)
    note = word("suppressed_in_figure", lang) if suppressed else None
    return finish(
        fig,
        ax,
        title=title,
        data_date=data_date,
        lang=lang,
        alt_text=alt_text,
        source=source,
        note=note,
    )


def bar_chart(
    frame: pd.DataFrame,
    category: str,
    value: str,
    lang: str = "da",
    *,
    title: str,
    data_date: Any,
    kind: ValueKind = "number",
    decimals: int | None = None,
    sort: bool = True,
    highlight: Sequence[str] = (),
    value_label: str | None = None,
    source: str = DEFAULT_SOURCE,
    alt_text: str | None = None,
    width: Width = "full",
) -> Figure:
    """Horizontal bars, largest on top, each labelled with its value.

    ``frame[value]`` holds numbers (shares for ``kind="percent"``) or suppressed strings such
    as "<5", which are written as text where the bar would be and noted in the source line.
    ``highlight`` names categories drawn in orange instead of blue; ``value_label`` says what
    is counted, for the alt text.
    """
    check_lang(lang)
    fmt = _formatter(kind, lang, decimals)
    data = frame[[category, value]].reset_index(drop=True)
    if sort:
        data = data.iloc[np.argsort(_rank_key(data[value]), kind="stable")]
    names = data[category].astype(str).tolist()
    values = data[value].tolist()
    texts = [fmt(v) for v in values]
    colours = [ORANGE if name in set(map(str, highlight)) else BLUE for name in names]
    height = max(2.4, 0.9 + 0.4 * len(names))
    fig, ax = new_figure(width, height=height)
    suppressed = _horizontal_bars(ax, names, values, texts, colours)
    if alt_text is None:
        what = f": {value_label}" if value_label else ""
        head = _ALT[lang]["bar"].format(what=what)
        items = [f"{n}: {_spoken(t, lang)}" for n, t in zip(names, texts, strict=True)]
        alt_text = head + " " + _list(items, lang)
    note = word("suppressed_in_figure", lang) if suppressed else None
    return finish(
        fig,
        ax,
        title=title,
        data_date=data_date,
        lang=lang,
        alt_text=alt_text,
        source=source,
        note=note,
    )


def _rank_key(values: pd.Series) -> np.ndarray:
    """Sort order for bars: numbers from large to small, then suppressed text, then missing."""
    numbers = _numbers(values)
    keys = []
    for value, number in zip(values, numbers, strict=True):
        if not np.isnan(number):
            keys.append((0, -number))
        elif is_suppressed(value):
            keys.append((1, 0.0))
        else:
            keys.append((2, 0.0))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    ranks = np.empty(len(keys), dtype=int)
    ranks[order] = np.arange(len(keys))
    return ranks


def _quarter_positions(values: pd.Series) -> tuple[np.ndarray, list[Quarter]] | None:
    """Positions for quarter labels like "2026Q3", or None when ``values`` are not quarters."""
    try:
        quarters = [Quarter.parse(str(v)) for v in values]
    except ValueError:
        return None
    if not quarters:
        return None
    axis = quarters_between(min(quarters), max(quarters))
    position = {q: i for i, q in enumerate(axis)}
    return np.array([position[q] for q in quarters], dtype=float), axis


def line_chart(
    frame: pd.DataFrame,
    x: str,
    y: str,
    group: str | None = None,
    lang: str = "da",
    *,
    title: str,
    data_date: Any,
    kind: ValueKind = "number",
    decimals: int | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    source: str = DEFAULT_SOURCE,
    alt_text: str | None = None,
    width: Width = "full",
) -> Figure:
    """One line with markers per ``group`` (each its own colour and marker shape).

    ``x`` may hold quarters ("2026Q3"), dates or numbers; ``y`` numbers (shares for
    ``kind="percent"``), where suppressed strings leave a gap in the line.
    """
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    check_lang(lang)
    fmt = _formatter(kind, lang, decimals)
    data = frame.reset_index(drop=True)
    quarter_axis = _quarter_positions(data[x])
    is_date = quarter_axis is None and pd.api.types.is_datetime64_any_dtype(data[x])
    if quarter_axis is not None:
        xs, axis = quarter_axis
    elif is_date:
        xs = pd.to_datetime(data[x]).to_numpy()
    else:
        xs = data[x].to_numpy()
    ys = _numbers(data[y])
    groups = (
        [(None, data.index.to_numpy())]
        if group is None
        else [
            (name, rows.to_numpy()) for name, rows in data.groupby(group, sort=False).groups.items()
        ]
    )

    fig, ax = new_figure(width)
    latest = []
    for i, (name, index) in enumerate(groups):
        index = index[np.argsort(xs[index], kind="stable")]
        ax.plot(
            xs[index],
            ys[index],
            marker=SERIES_MARKERS[i % len(SERIES_MARKERS)],
            ms=5,
            lw=2,
            color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
            label=str(name) if name is not None else None,
        )
        finite = [j for j in index if not np.isnan(ys[j])]
        if finite:
            j = finite[-1]
            latest.append((name, data[x].iloc[j], ys[j]))
    if quarter_axis is not None:
        k = max(1, math.ceil(len(axis) / (8 if width == "full" else 4)))
        ticks = list(range(len(axis) - 1, -1, -k))[::-1]
        ax.set_xticks(ticks, [format_quarter(axis[i], lang) for i in ticks])
    elif is_date:
        ax.xaxis.set_major_locator(AutoDateLocator(maxticks=8 if width == "full" else 4))
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda v, _p: format_date(num2date(v), lang, "short"))
        )
    ax.yaxis.set_major_formatter(_axis_formatter(kind, lang))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    if np.isfinite(ys).any() and np.nanmin(ys) >= 0:
        ax.set_ylim(bottom=0)  # shares and counts start at zero, or the slope is exaggerated
    ax.set_xlabel(x_label or "")
    ax.set_ylabel(y_label or "")
    ax.grid(axis="y", color=LIGHT_GREY, lw=0.8)
    ax.set_axisbelow(True)
    if group is not None:
        _legend_on_top(ax, ncols=3 if width == "full" else 2)

    if alt_text is None:
        a = _ALT[lang]
        head = a["line"].format(y=y_label or y, x=x_label or x)

        def shown_x(v: Any) -> str:
            if quarter_axis is not None:
                return format_quarter(v, lang, "long")
            return format_date(v, lang) if is_date else str(v)

        items = [
            f"{name + ': ' if name is not None else ''}{fmt(v)} ({shown_x(at)})"
            for name, at, v in latest
        ]
        alt_text = f"{head} {a['latest']}: " + _list(items, lang)
    return finish(
        fig, ax, title=title, data_date=data_date, lang=lang, alt_text=alt_text, source=source
    )


def radar_alt_text(areas: Sequence[str], now: np.ndarray, need: np.ndarray, lang: str) -> str:
    """What a competence spider shows, for a screen reader: every area's mean current and
    required level, and the largest gap."""
    a = _ALT[lang]
    both = f" {a['and']} "
    items = [
        f"{area}: {format_number(c, lang, 1)}{both}{format_number(r, lang, 1)}"
        for area, c, r in zip(areas, now, need, strict=True)
    ]
    alt_text = a["radar"].format(n=len(areas)) + " " + _list(items, lang)
    gaps = need - now
    if np.isfinite(gaps).any():
        i = int(np.nanargmax(gaps))
        alt_text += " " + a["gap"].format(area=areas[i], gap=format_number(gaps[i], lang, 1))
    return alt_text


def radar_chart(
    radar_frame: pd.DataFrame,
    lang: str = "da",
    *,
    title: str,
    data_date: Any,
    category: str = "subject_area",
    current: str = "current",
    required: str = "required",
    source: str = DEFAULT_SOURCE,
    alt_text: str | None = None,
    width: Width = "full",
) -> Figure:
    """The competence spider ("kompetencespind"): mean current against mean required level.

    ``radar_frame`` has one row per subject area (``category``) with the mean current and
    required levels on the 1–5 scale. Current is a solid, filled polygon with circles; required
    a dashed one with squares, so the two differ without colour. Needs at least three areas.
    """
    check_lang(lang)
    if len(radar_frame) < 3:
        raise ValueError(
            f"a competence spider needs at least 3 subject areas; got {len(radar_frame)}"
        )
    areas = radar_frame[category].astype(str).tolist()
    now = _numbers(radar_frame[current])
    need = _numbers(radar_frame[required])
    angles = np.linspace(0, 2 * np.pi, len(areas), endpoint=False)
    closed = np.append(angles, angles[0])

    fig, ax = new_figure(width, height=5.2 if width == "full" else 3.6, polar=True)
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.plot(
        closed,
        np.append(now, now[0]),
        color=BLUE,
        lw=2,
        marker="o",
        ms=5,
        label=word("current_level", lang),
    )
    ax.fill(closed, np.append(now, now[0]), color=BLUE, alpha=0.15)
    ax.plot(
        closed,
        np.append(need, need[0]),
        color=VERMILION,
        lw=2,
        ls="--",
        marker="s",
        ms=5,
        label=word("required_level", lang),
    )
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5], [format_number(v, lang) for v in range(1, 6)])
    ax.tick_params(axis="y", labelsize=SMALL_FONT_SIZE, labelcolor=GREY)
    ax.set_rlabel_position(180 / len(areas))  # between the first two areas, clear of labels
    ax.set_xticks(angles, [textwrap.fill(a, 16) for a in areas], fontsize=SMALL_FONT_SIZE)
    ax.grid(color=LIGHT_GREY, lw=0.8)
    ax.spines["polar"].set_color(GREY)
    _legend_on_top(ax)

    if alt_text is None:
        alt_text = radar_alt_text(areas, now, need, lang)
    return finish(
        fig, ax, title=title, data_date=data_date, lang=lang, alt_text=alt_text, source=source
    )
