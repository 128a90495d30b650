"""Every chart builder gives a finished figure: a title, a source line with the data date, alt
text, and an embeddable image; suppressed values are written, never drawn."""

from __future__ import annotations

import base64
from datetime import date
from itertools import pairwise

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from research.report.kit import charts as F

DATA_DATE = date(2026, 9, 30)
QUARTERS = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]


def progress_series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": "participants",
            "quarter": QUARTERS,
            "cumulative": np.cumsum([20, 60, 90, 110, 120, 130, 140]),
            "planned": np.linspace(100, 700, 7),
        }
    )


def funnel_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label_da": ["Kontaktet", "Med i netværk", "Deltog i WS1", "Har plan"],
            "label_en": ["Contacted", "In a network", "Attended WS1", "Has a plan"],
            "n": [1234, 640, "<5", 120],
            "conversion": [np.nan, 0.5186, np.nan, 0.4],
        }
    )


def bar_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "job_centre": ["København", "Frederiksberg", "Gentofte", "Albertslund"],
            "n": [120, 45, "<5", 12],
        }
    )


def line_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": QUARTERS * 2,
            "share": np.r_[np.linspace(0.1, 0.4, 7), np.linspace(0.05, 0.3, 7)],
            "group": ["Beskæftigede"] * 7 + ["Ledige"] * 7,
        }
    )


def radar_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subject_area": ["Digitalisering", "Dansk", "Matematik", "Ledelse", "Lean"],
            "current": [2.1, 3.2, 2.8, 2.0, 2.5],
            "required": [3.8, 3.5, 3.0, 3.1, 3.6],
        }
    )


BUILDERS = {
    "progress": lambda lang: F.cumulative_progress_chart(
        progress_series(), "participants", "Deltagere", 1200, 950, 1180, lang,
        title="Deltagertallet følger planen", data_date=DATA_DATE, forecast=1060,
        project_end=date(2027, 12, 31),
    ),
    "funnel": lambda lang: F.funnel_chart(
        funnel_frame(), lang, title="Halvdelen kom med i et netværk", data_date=DATA_DATE
    ),
    "bar": lambda lang: F.bar_chart(
        bar_frame(), "job_centre", "n", lang, title="København fylder mest",
        data_date=DATA_DATE, width="half",
    ),
    "line": lambda lang: F.line_chart(
        line_frame(), "quarter", "share", "group", lang, title="Begge grupper stiger",
        data_date=DATA_DATE, kind="percent",
    ),
    "radar": lambda lang: F.radar_chart(
        radar_frame(), lang, title="Største gab i digitalisering", data_date=DATA_DATE
    ),
}  # fmt: skip
DATE_TEXT = {"da": "data pr. 30. september 2026", "en": "data as of 30 September 2026"}


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_every_builder_returns_a_finished_figure(builder, lang):
    fig = BUILDERS[builder](lang)
    assert isinstance(fig, Figure)
    assert fig.get_suptitle().strip()
    source = fig.get_supxlabel().replace("\n", " ")
    assert source.startswith("Kilde: " if lang == "da" else "Source: ")
    assert DATE_TEXT[lang] in source
    assert F.alt_text_of(fig) and fig.alt_text.strip()
    assert fig.get_gid().startswith("figure-")


def test_default_alt_text_describes_the_data():
    fig = BUILDERS["progress"]("da")
    assert "Måltal: 1.200" in fig.alt_text
    assert "950 til 1.180" in fig.alt_text
    radar = BUILDERS["radar"]("en")
    assert "Largest gap: Digitalisering (1.7)" in radar.alt_text


def test_alt_text_can_be_given():
    fig = F.bar_chart(
        bar_frame(), "job_centre", "n", "da", title="T", data_date=DATA_DATE, alt_text="Min tekst"
    )
    assert fig.alt_text == "Min tekst"


def test_figure_html_is_a_self_contained_image_with_alt_text():
    fig = BUILDERS["bar"]("da")
    out = F.figure_html(fig)
    assert out.startswith('<img src="data:image/png;base64,')
    assert 'style="max-width:100%;height:auto"' in out
    assert f'alt="{fig.alt_text}"'.replace("<", "&lt;") in out
    payload = out.split("base64,", 1)[1].split('"', 1)[0]
    assert base64.b64decode(payload).startswith(b"\x89PNG")


def test_figure_html_escapes_and_requires_alt_text():
    fig, _ = F.new_figure()
    with pytest.raises(ValueError, match="alt"):
        F.figure_html(fig)
    assert 'alt="a &quot;b&quot; &lt;5"' in F.figure_html(fig, 'a "b" <5')


def _bars(fig: Figure) -> list[Rectangle]:
    ax = fig.axes[0]
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def test_a_suppressed_value_is_text_not_a_bar():
    fig = BUILDERS["bar"]("da")
    assert len(_bars(fig)) == 3  # four categories, one suppressed
    assert "<5" in _texts(fig)
    assert sorted(b.get_width() for b in _bars(fig)) == [12, 45, 120]
    assert "skjult" in fig.get_supxlabel()  # the note explains the text


def test_bars_are_sorted_largest_on_top_with_suppressed_last():
    fig = BUILDERS["bar"]("en")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Gentofte", "Albertslund", "Frederiksberg", "København"]  # bottom up


def test_funnel_labels_counts_and_conversion():
    fig = BUILDERS["funnel"]("da")
    texts = _texts(fig)
    assert "1.234" in texts
    assert "640 (51,9\u00a0% af forrige trin)" in texts
    assert "<5" in texts
    assert len(_bars(fig)) == 3


def test_new_figure_house_style():
    fig, ax = F.new_figure("half")
    assert tuple(fig.get_size_inches()) == F.WIDTHS["half"]
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.xaxis.get_major_ticks()[0].label1.get_fontsize() >= 10
    with pytest.raises(ValueError, match="full, half"):
        F.new_figure("quarter")  # type: ignore[arg-type]


def test_finish_refuses_a_figure_without_alt_text_or_title():
    fig, ax = F.new_figure()
    with pytest.raises(ValueError, match="alt text"):
        F.finish(fig, ax, title="T", data_date=DATA_DATE, alt_text=" ")
    with pytest.raises(ValueError, match="title"):
        F.finish(fig, ax, title="", data_date=DATA_DATE, alt_text="x")


def test_source_line():
    assert F.source_line("Jobcentrene", "2026-03-31", "da") == (
        "Kilde: Jobcentrene, data pr. 31. marts 2026"
    )


def test_palette_is_okabe_ito_and_lights_differ_in_lightness():
    assert len(set(F.OKABE_ITO)) == 8
    assert F.YELLOW not in F.SERIES_COLOURS
    assert set(F.LIGHT_MARKERS) == set(F.LIGHT_COLOURS)
    assert len(set(F.LIGHT_MARKERS.values())) == 3

    def lightness(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
        return 116 * y ** (1 / 3) - 16

    levels = sorted(lightness(c) for c in F.LIGHT_COLOURS.values())
    assert min(b - a for a, b in pairwise(levels)) > 10  # apart in greyscale


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="no progress rows"):
        F.cumulative_progress_chart(
            progress_series(), "rkv", "RKV", 1500, None, None, title="T", data_date=DATA_DATE
        )
    with pytest.raises(ValueError, match="at least 3"):
        F.radar_chart(radar_frame().head(2), title="T", data_date=DATA_DATE)
