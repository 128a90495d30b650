"""The SVG spider draws each level at its distance from the centre, and says so in words."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from research.report.kit.charts import BLUE, VERMILION
from research.report.kit.spider import SCALE_MAX, Series, spider_svg

NS = "{http://www.w3.org/2000/svg}"


def _polygon(root: ET.Element, colour: str) -> list[tuple[float, float]]:
    shape = next(p for p in root.iter(f"{NS}polygon") if p.get("stroke") == colour)
    return [tuple(map(float, pair.split(","))) for pair in shape.get("points").split()]


def test_levels_are_drawn_at_their_distance_from_the_centre() -> None:
    areas = ["Ledelse", "Hygiejne", "Digitale kompetencer", "Grøn omstilling", "Kundeservice"]
    current, required = [1, 2, 3, 4, 5], [5, 4, 3, 2, 1]
    drawn = spider_svg(
        areas,
        [
            Series("Nuværende", current, BLUE, "", "circle", True),
            Series("Krævet", required, VERMILION, "6 4", "square"),
        ],
        title="Titel",
        source_line="Kilde: test",
        alt="Spind med fem fagområder",
    )
    root = ET.fromstring(drawn.svg)
    circles = [c for c in root.iter(f"{NS}circle") if c.get("fill") == "none"]
    outer = max(circles, key=lambda c: float(c.get("r")))
    cx, cy, radius = (float(outer.get(k)) for k in ("cx", "cy", "r"))
    for colour, levels in ((BLUE, current), (VERMILION, required)):
        points = _polygon(root, colour)
        for i, ((x, y), level) in enumerate(zip(points, levels, strict=True)):
            assert math.hypot(x - cx, y - cy) == pytest.approx(radius * level / SCALE_MAX, abs=0.2)
            angle = math.atan2(x - cx, cy - y) % (2 * math.pi)  # clockwise from the top
            assert angle == pytest.approx(2 * math.pi * i / len(areas), abs=0.01)
    labels = " ".join(t.text or "" for t in root.iter(f"{NS}text"))
    assert all(word in labels for area in areas for word in area.split())
    assert root.find(f"{NS}title").text == "Spind med fem fagområder"


def test_a_missing_level_leaves_a_gap_not_a_zero() -> None:
    drawn = spider_svg(
        ["A", "B", "C"],
        [Series("Forrige", [2, None, 3], "#666666", "2 3", "triangle")],
        title="Titel",
        source_line="Kilde",
        alt="Alt",
    )
    assert "<polygon points=" not in re.sub(
        r"<polygon points=\"[^\"]*\" fill=\"#666666\"/>", "", drawn.svg
    )
    # the legend's sample line and the one edge between the two known levels (C back to A)
    assert drawn.svg.count('stroke="#666666" stroke-width="2"') == 2


def test_fewer_than_three_areas_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 3 subject areas"):
        spider_svg(["A", "B"], [], title="T", source_line="S", alt="A")
