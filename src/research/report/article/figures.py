"""Figures for the article: forest plots, survival curves, event studies, overlap and balance.

Why separate from the kit's ``charts``: these show estimates with intervals for a journal reader
(in English, by default), but they keep the house style — the Okabe–Ito palette with a marker
per series, print sizes, a title that states the finding, a source line and alt text — by
building on ``charts.new_figure`` and ``charts.finish``. Inputs are plain tidy frames, so any
estimator that reports an estimate and an interval can be drawn.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from research.report.kit.charts import (
    BLUE,
    GREY,
    LIGHT_GREY,
    ORANGE,
    SERIES_COLOURS,
    SERIES_MARKERS,
    SMALL_FONT_SIZE,
    Figure,
    Width,
    finish,
    new_figure,
)

SOURCE = "Kompetenceløft Workbench"
LABEL_WIDTH = 30  # characters of a forest plot's row label before it wraps
X_LABEL_WIDTH = 48  # and of its axis label


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what}: columns not in the frame: {', '.join(missing)}")
    if frame.empty:
        raise ValueError(f"{what}: nothing to draw")


def forest_plot(
    frame: pd.DataFrame,
    *,
    title: str,
    data_date: Any,
    label: str = "label",
    estimate: str = "estimate",
    low: str = "ci_low",
    high: str = "ci_high",
    reference: float = 0.0,
    x_label: str = "Average marginal effect (percentage points)",
    scale: float = 100.0,
    lang: str = "en",
    note: str | None = None,
    width: Width = "full",
    source: str | None = None,
    sources: Sequence[str] = (),
    missing: str | None = None,
) -> Figure:
    """One row per subgroup: the estimate as a marker and its interval as a line.

    Rows with a missing estimate are listed with the words "too small to estimate" (or the
    row's text in the column ``missing``) instead of a point, so a reader sees the subgroup
    was not forgotten. ``scale`` turns proportions into percentage points. Where estimates
    come from different estimators, ``source`` names the column saying which; each source
    gets its own colour and marker, in the order of ``sources`` (so every plot of an article
    draws a source alike), and a legend.
    """
    _require(frame, (label, estimate, low, high), "forest plot")
    rows = frame.reset_index(drop=True)
    # long subgroup names (industries) on two lines, so the axes keep room for the estimates
    names = [textwrap.fill(name, LABEL_WIDTH) for name in rows[label].astype(str)]
    wrapped = sum(name.count("\n") for name in names)
    height = max(2.6, 0.4 * len(rows) + 0.2 * wrapped + 1.6)
    fig, ax = new_figure(width, height=height)
    y = np.arange(len(rows))[::-1]
    values = pd.to_numeric(rows[estimate], errors="coerce").to_numpy(dtype=float) * scale
    lows = pd.to_numeric(rows[low], errors="coerce").to_numpy(dtype=float) * scale
    highs = pd.to_numeric(rows[high], errors="coerce").to_numpy(dtype=float) * scale
    known = np.isfinite(values)
    ax.axvline(reference * scale, color=GREY, linewidth=1, linestyle="--")
    kinds = rows[source].astype(str) if source else pd.Series("", index=rows.index)
    order = list(sources) + [k for k in dict.fromkeys(kinds[known]) if k not in sources]
    for i, kind in enumerate(order):
        part = known & (kinds == kind).to_numpy()
        if not part.any():
            continue
        colour = BLUE if not source else SERIES_COLOURS[i % len(SERIES_COLOURS)]
        marker = "s" if not source else SERIES_MARKERS[i % len(SERIES_MARKERS)]
        ax.hlines(y[part], lows[part], highs[part], color=colour, linewidth=1.6)
        ax.plot(values[part], y[part], marker, color=colour, markersize=6, label=kind or None)
    texts = rows[missing].astype(str) if missing else pd.Series("", index=rows.index)
    for position, text in zip(y[~known], texts[~known], strict=True):
        ax.text(
            0.02,
            position,
            text or "too small to estimate",
            va="center",
            fontsize=SMALL_FONT_SIZE,
            color=GREY,
            transform=ax.get_yaxis_transform(),  # x from the axes' left edge, y a row
        )
    ax.set_yticks(y, names)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel(textwrap.fill(x_label, X_LABEL_WIDTH))  # the axes are narrow beside long names
    ax.grid(axis="x", color=LIGHT_GREY, linewidth=0.6)
    if source and known.any():
        ax.legend(
            fontsize=SMALL_FONT_SIZE,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=len(order),
            borderaxespad=0.2,
            handletextpad=0.3,
        )
    shown = [
        f"{r}: {v:.1f} ({lo:.1f} to {hi:.1f}{', ' + k if source else ''})"
        for r, v, lo, hi, k in zip(rows[label], values, lows, highs, kinds, strict=True)
        if np.isfinite(v)
    ]
    alt = f"Forest plot of {len(rows)} subgroups ({x_label}): " + "; ".join(shown) + "."
    return finish(
        fig, ax, title=title, data_date=data_date, lang=lang, alt_text=alt, source=SOURCE, note=note
    )


def survival_plot(
    curves: pd.DataFrame,
    *,
    title: str,
    data_date: Any,
    group: str = "group",
    time: str = "time",
    survival: str = "survival",
    low: str | None = "ci_low",
    high: str | None = "ci_high",
    x_label: str = "Months since start",
    y_label: str = "Share not yet completed",
    lang: str = "en",
    note: str | None = None,
    width: Width = "full",
) -> Figure:
    """Kaplan–Meier step curves per group, with pointwise confidence bands where given.

    A group whose curve is a single point (no drop it may show yet: disclosure control groups
    drops until each rests on enough events) has nothing to draw: it is named in the note,
    not in the legend."""
    _require(curves, (group, time, survival), "survival plot")
    fig, ax = new_figure(width)
    summary = []
    parts = list(curves.groupby(group, sort=False))
    flat = [str(name) for name, part in parts if len(part) < 2]
    if flat:
        unseen = ", ".join(flat)
        said = (
            f"Ikke tegnet: {unseen} (for få hændelser endnu til at vise et fald)."
            if lang == "da"
            else f"Not drawn: {unseen} (too few events yet to show a drop)."
        )
        note = f"{note} {said}" if note else said
    for i, (name, part) in enumerate((n, p) for n, p in parts if len(p) >= 2):
        part = part.sort_values(time)
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        ax.step(
            part[time],
            part[survival],
            where="post",
            color=colour,
            linewidth=1.6,
            label=str(name),
            marker=SERIES_MARKERS[i % len(SERIES_MARKERS)],
            markevery=0.2,
        )
        if low and high and low in part and high in part:
            ax.fill_between(
                part[time],
                part[low],
                part[high],
                step="post",
                color=colour,
                alpha=0.15,
                linewidth=0,
            )
        summary.append(f"{name}: {float(part[survival].iloc[-1]):.2f} at {part[time].iloc[-1]:g}")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if summary:
        ax.legend(fontsize=SMALL_FONT_SIZE, loc="best")
    alt = (
        f"Kaplan-Meier curves ({y_label} by {x_label.lower()}); last values: "
        + "; ".join(summary)
        + "."
        + (f" Not drawn: {', '.join(flat)}." if flat else "")
    )
    return finish(
        fig, ax, title=title, data_date=data_date, lang=lang, alt_text=alt, source=SOURCE, note=note
    )


def event_study_plot(
    frame: pd.DataFrame,
    *,
    title: str,
    data_date: Any,
    period: str = "relative_period",
    estimate: str = "estimate",
    low: str = "ci_low",
    high: str = "ci_high",
    x_label: str = "Quarters relative to joining a network",
    y_label: str = "Effect",
    lang: str = "en",
    note: str | None = None,
    width: Width = "full",
) -> Figure:
    """Coefficients by period relative to treatment, with intervals; the reference period is 0."""
    _require(frame, (period, estimate, low, high), "event study")
    rows = frame.sort_values(period)
    fig, ax = new_figure(width)
    ax.axhline(0, color=GREY, linewidth=1)
    ax.axvline(-0.5, color=GREY, linewidth=1, linestyle="--")
    before = rows[period] < 0
    for mask, colour, marker, name in (
        (before, ORANGE, "o", "before"),
        (~before, BLUE, "s", "after"),
    ):
        part = rows[mask]
        ax.errorbar(
            part[period],
            part[estimate],
            yerr=[part[estimate] - part[low], part[high] - part[estimate]],
            fmt=marker,
            color=colour,
            capsize=3,
            label=name,
        )
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.legend(fontsize=SMALL_FONT_SIZE, loc="best")
    alt = (
        "Event-study plot: "
        + "; ".join(
            f"period {int(p)}: {e:.2f} ({lo:.2f} to {hi:.2f})"
            for p, e, lo, hi in rows[[period, estimate, low, high]].itertuples(index=False)
        )
        + "."
    )
    return finish(
        fig, ax, title=title, data_date=data_date, lang=lang, alt_text=alt, source=SOURCE, note=note
    )


def overlap_plot(
    scores: pd.DataFrame,
    *,
    title: str,
    data_date: Any,
    treated: str = "treated",
    score: str = "propensity",
    labels: tuple[str, str] = ("Comparison", "Participants"),
    lang: str = "en",
    note: str | None = None,
    width: Width = "full",
) -> Figure:
    """Histograms of the propensity score by group: where they do not overlap, nothing is
    compared like with like."""
    _require(scores, (treated, score), "overlap plot")
    fig, ax = new_figure(width)
    bins = np.linspace(0, 1, 26)
    for flag, colour, name, hatch in ((0, ORANGE, labels[0], "//"), (1, BLUE, labels[1], None)):
        values = scores.loc[scores[treated].astype(int) == flag, score]
        ax.hist(
            values,
            bins=bins,
            density=True,
            alpha=0.45,
            color=colour,
            label=name,
            hatch=hatch,
            edgecolor=colour,
        )
    ax.set_xlabel("Propensity score")
    ax.set_ylabel("Density")
    ax.legend(fontsize=SMALL_FONT_SIZE, loc="best")
    parts = [
        f"{name}: scores from {v.min():.2f} to {v.max():.2f}"
        for flag, name in ((0, labels[0]), (1, labels[1]))
        if not (v := scores.loc[scores[treated].astype(int) == flag, score]).empty
    ]
    alt = "Histograms of propensity scores by group. " + "; ".join(parts) + "."
    return finish(
        fig, ax, title=title, data_date=data_date, lang=lang, alt_text=alt, source=SOURCE, note=note
    )


def balance_plot(
    frame: pd.DataFrame,
    *,
    title: str,
    data_date: Any,
    covariate: str = "covariate",
    before: str = "smd_before",
    after: str = "smd_after",
    threshold: float = 0.1,
    lang: str = "en",
    note: str | None = None,
    width: Width = "full",
) -> Figure:
    """Standardised mean differences before (circles) and after weighting (squares)."""
    _require(frame, (covariate, before, after), "balance plot")
    rows = frame.reset_index(drop=True)
    fig, ax = new_figure(width, height=max(2.4, 0.3 * len(rows) + 1.4))
    y = np.arange(len(rows))[::-1]
    ax.axvline(0, color=GREY, linewidth=1)
    for edge in (-threshold, threshold):
        ax.axvline(edge, color=GREY, linewidth=0.8, linestyle=":")
    ax.plot(rows[before].abs(), y, "o", color=ORANGE, label="Before weighting")
    ax.plot(rows[after].abs(), y, "s", color=BLUE, label="After weighting")
    ax.set_yticks(y, rows[covariate].astype(str).tolist())
    ax.set_xlabel("Absolute standardised mean difference")
    ax.legend(fontsize=SMALL_FONT_SIZE, loc="best")
    worst = rows[after].abs().max()
    alt = (
        f"Balance plot for {len(rows)} covariates: the largest absolute standardised difference "
        f"is {rows[before].abs().max():.2f} before and {worst:.2f} after weighting "
        f"(threshold {threshold:g})."
    )
    return finish(
        fig, ax, title=title, data_date=data_date, lang=lang, alt_text=alt, source=SOURCE, note=note
    )
