"""The competence spider ("kompetencespind") written straight as SVG.

Why not matplotlib: a polar figure costs about 0.15 s to lay out and another 0.1-0.5 s to
save as SVG, which at a thousand company plans is most of the batch's two-minute budget. A
spider is a handful of circles, spokes, polygons and labels, so it is written here as SVG
text in well under a millisecond, in the house style of ``kit.charts`` (Okabe–Ito
colours, 10-13 pt DejaVu Sans, title stating the finding, source line, alt text). Current is
solid and filled with circles, required dashed with squares, an earlier level dotted grey
with triangles: the series differ without colour. The same SVG goes into the HTML (as an
image) and into the PDF (Typst embeds it as vectors).
"""

from __future__ import annotations

import base64
import html
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from research.report.kit.charts import GREY, LIGHT_GREY, TEXT_GREY
from research.report.kit.formatting import format_number

PX_PER_PT = 96 / 72
WIDTH_IN, HEIGHT_IN = 6.3, 6.0
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
SCALE_MAX = 5
# a bold 13 pt title line across the figure: about 0.62 em a character, as ``charts._wrap``
TITLE_CHARS = int(WIDTH_IN * 96 * 0.96 / (13 * PX_PER_PT * 0.62))


@dataclass(frozen=True)
class Series:
    """One polygon: a name for the legend, a level per spoke (None: not given), and its look."""

    name: str
    levels: Sequence[float | None]
    colour: str
    dash: str  # SVG stroke-dasharray, "" for solid
    marker: str  # "circle", "square" or "triangle"
    fill: bool = False


@dataclass(frozen=True)
class SpiderSvg:
    """The SVG text, its alt text and its print size, for ``kit.handout.show_svg``."""

    svg: str
    alt: str
    width_in: float = WIDTH_IN
    height_in: float = HEIGHT_IN

    def block(self) -> dict[str, Any]:
        """The figure as the PDF and the deck read it (``blocks.figure``'s shape)."""
        return {
            "kind": "figure",
            "alt": self.alt,
            "width_in": self.width_in,
            "height_in": self.height_in,
            "svg": self.svg,
            "png": "",
        }

    def html(self) -> str:
        """An ``<img>`` of the SVG with its alt text, at print size, shrunk to fit a phone."""
        encoded = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return (
            f'<figure class="research-figure"><img src="data:image/svg+xml;base64,{encoded}" '
            f'alt="{html.escape(self.alt, quote=True)}" width="{round(self.width_in * 96)}" '
            'style="max-width:100%;height:auto"></figure>'
        )


def _px(pt: float) -> str:
    return f"{pt * PX_PER_PT:.1f}"


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    r = 4.0
    if kind == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" '
            f'fill="{colour}"/>'
        )
    if kind == "triangle":
        points = f"{x:.1f},{y - r - 1:.1f} {x - r:.1f},{y + r - 1:.1f} {x + r:.1f},{y + r - 1:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'


def _text(
    x: float, y: float, text: str, size_pt: float, colour: str = TEXT_GREY, **attrs: str
) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{_px(size_pt)}" fill="{colour}"{extra}>'
        f"{html.escape(text)}</text>"
    )


def spider_svg(
    areas: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    source_line: str,
    alt: str,
    lang: str = "da",
) -> SpiderSvg:
    """A spider with one spoke per area (clockwise from the top) and a polygon per series.

    Needs at least three areas; a series' missing level leaves a gap in its polygon.
    """
    if len(areas) < 3:
        raise ValueError(f"a competence spider needs at least 3 subject areas; got {len(areas)}")
    if not title.strip() or not alt.strip():
        raise ValueError("a spider needs a title that states the finding and alt text")
    width, height = WIDTH_IN * 96, HEIGHT_IN * 96
    title_lines = textwrap.wrap(title, TITLE_CHARS)
    top = 14 + 22 * len(title_lines) + 22 * len(series)
    cx, cy = width / 2, top + (height - top - 40) / 2
    radius = min(width / 2 - 120, (height - top - 40) / 2 - 42)
    n = len(areas)
    angles = [2 * math.pi * i / n for i in range(n)]

    def point(level: float, angle: float) -> tuple[float, float]:
        r = radius * level / SCALE_MAX
        return cx + r * math.sin(angle), cy - r * math.cos(angle)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" role="img" '
        f'aria-label="{html.escape(alt, quote=True)}">',
        f"<title>{html.escape(alt)}</title>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
    ]
    for i, line in enumerate(title_lines):
        parts.append(_text(6, 22 + 22 * i, line, 13, font_weight="bold"))
    legend_y = 14 + 22 * len(title_lines) + 14
    for i, s in enumerate(series):
        x, y = 14.0, legend_y + 22 * i  # one series a line: the labels can be long
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 34:.1f}" y2="{y:.1f}" stroke="{s.colour}" '
            f'stroke-width="2"{dash}/>'
        )
        parts.append(_marker(s.marker, x + 17, y, s.colour))
        parts.append(_text(x + 42, y + 4.5, s.name, 10))
    for level in range(1, SCALE_MAX + 1):
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius * level / SCALE_MAX:.1f}" '
            f'fill="none" stroke="{LIGHT_GREY if level < SCALE_MAX else GREY}" stroke-width="0.8"/>'
        )
    half = math.pi / n  # level labels between the first two spokes, clear of the area labels
    for level in range(1, SCALE_MAX + 1):
        x, y = point(level, half)
        parts.append(_text(x + 3, y + 4, format_number(level, lang), 10, GREY))
    for area, angle in zip(areas, angles, strict=True):
        x, y = point(SCALE_MAX, angle)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke="{LIGHT_GREY}" stroke-width="0.8"/>'
        )
        lx, ly = point(SCALE_MAX + 0.45, angle)
        sin = math.sin(angle)
        anchor = "middle" if abs(sin) < 0.2 else ("start" if sin > 0 else "end")
        lines = textwrap.wrap(str(area), 16) or [""]
        first = ly - (len(lines) - 1) * 7 + 4
        for j, line in enumerate(lines):
            parts.append(_text(lx, first + 14 * j, line, 10, text_anchor=anchor))
    for s in series:
        points = [
            None if v is None or (isinstance(v, float) and math.isnan(v)) else point(v, a)
            for v, a in zip(s.levels, angles, strict=True)
        ]
        known = [p for p in points if p is not None]
        if not known:
            continue
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        if all(p is not None for p in points):
            text = " ".join(f"{x:.1f},{y:.1f}" for x, y in known)
            fill = f'fill="{s.colour}" fill-opacity="0.15"' if s.fill else 'fill="none"'
            parts.append(
                f'<polygon points="{text}" {fill} stroke="{s.colour}" stroke-width="2"{dash}/>'
            )
        else:  # draw the runs of known levels
            for a, b in zip(points, points[1:] + points[:1], strict=True):
                if a is not None and b is not None:
                    parts.append(
                        f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
                        f'stroke="{s.colour}" stroke-width="2"{dash}/>'
                    )
        parts += [_marker(s.marker, x, y, s.colour) for x, y in known]
    parts.append(_text(6, height - 10, source_line, 10))
    parts.append("</svg>")
    return SpiderSvg("\n".join(parts), alt.strip())
