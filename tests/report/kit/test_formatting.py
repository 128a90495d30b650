"""Every number, percentage and date in a report, in Danish and English, from tables of cases."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from research.domain.period import Quarter
from research.report.kit.formatting import (
    LIGHT_SYMBOLS,
    MINUS,
    MISSING,
    NBSP,
    ColumnFormat,
    format_date,
    format_interval,
    format_light,
    format_number,
    format_percent,
    format_quarter,
    format_table,
    format_value,
    to_html,
)
from research.report.kit.labels import LABELS, label


@pytest.mark.parametrize(
    ("value", "decimals", "da", "en"),
    [
        (0, 0, "0", "0"),
        (0.0, 1, "0,0", "0.0"),
        (7, 0, "7", "7"),
        (999, 0, "999", "999"),
        (1234, 0, "1.234", "1,234"),
        (1234.5, 1, "1.234,5", "1,234.5"),
        (1234567.891, 0, "1.234.568", "1,234,568"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (-3, 0, f"{MINUS}3", f"{MINUS}3"),
        (-1234.5, 1, f"{MINUS}1.234,5", f"{MINUS}1,234.5"),
        (-0.04, 1, "0,0", "0.0"),  # no "−0,0"
        (2.5, 0, "3", "3"),  # half away from zero, as a reader rounds
        (2.675, 2, "2,68", "2.68"),  # the float's shortest repr, not its binary expansion
        (-2.5, 0, f"{MINUS}3", f"{MINUS}3"),
        (np.int64(1500), 0, "1.500", "1,500"),
        (np.float64(12.25), 1, "12,3", "12.3"),
        (float("inf"), 0, "∞", "∞"),
    ],
)
def test_numbers_in_both_languages(value, decimals, da, en):
    assert format_number(value, "da", decimals) == da
    assert format_number(value, "en", decimals) == en


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, pd.NaT, float("nan")])
def test_missing_values_are_an_en_dash(missing):
    assert format_number(missing) == MISSING == "–"
    assert format_percent(missing, "en") == MISSING
    assert format_date(missing) == MISSING
    assert format_light(missing) == MISSING


@pytest.mark.parametrize("suppressed", ["<5", "<3", "..", "x"])
def test_suppressed_strings_pass_through_unchanged(suppressed):
    for lang in ("da", "en"):
        assert format_number(suppressed, lang) == suppressed
        assert format_percent(suppressed, lang) == suppressed


def test_signed_numbers_for_changes():
    assert format_number(12, signed=True) == "+12"
    assert format_number(-12, signed=True) == f"{MINUS}12"
    assert format_number(0, signed=True) == "0"
    assert format_percent(0.015, "en", signed=True) == "+1.5%"


@pytest.mark.parametrize(
    ("share", "decimals", "da", "en"),
    [
        (0.125, 1, f"12,5{NBSP}%", "12.5%"),
        (0, 1, f"0,0{NBSP}%", "0.0%"),
        (1, 0, f"100{NBSP}%", "100%"),
        (0.5333, 1, f"53,3{NBSP}%", "53.3%"),
        (0.1235, 1, f"12,4{NBSP}%", "12.4%"),  # 12.35 rounds up, with no float noise
        (12.5, 0, f"1.250{NBSP}%", "1,250%"),
        (-0.05, 1, f"{MINUS}5,0{NBSP}%", f"{MINUS}5.0%"),
    ],
)
def test_percentages(share, decimals, da, en):
    assert format_percent(share, "da", decimals) == da
    assert format_percent(share, "en", decimals) == en


def test_danish_percent_uses_a_no_break_space():
    assert format_percent(0.125) == "12,5\u00a0%"
    assert " " not in format_percent(0.125)


DA_MONTHS = "januar februar marts april maj juni juli august september oktober november december"
EN_MONTHS = "January February March April May June July August September October November December"


@pytest.mark.parametrize("month", range(1, 13))
def test_month_names_for_every_month(month):
    day = date(2026, month, 1)
    assert format_date(day, "da") == f"1. {DA_MONTHS.split()[month - 1]} 2026"
    assert format_date(day, "en") == f"1 {EN_MONTHS.split()[month - 1]} 2026"


@pytest.mark.parametrize(
    "value",
    [
        date(2026, 9, 30),
        datetime(2026, 9, 30, 17, 45),
        pd.Timestamp("2026-09-30"),
        np.datetime64("2026-09-30"),
        "2026-09-30",
    ],
)
def test_date_styles_and_input_types(value):
    assert format_date(value, "da") == "30. september 2026"
    assert format_date(value, "da", "short") == "30-09-2026"
    assert format_date(value, "en") == "30 September 2026"
    assert format_date(value, "en", "short") == "2026-09-30"


def test_short_danish_dates_are_zero_padded():
    assert format_date(date(2027, 1, 5), "da", "short") == "05-01-2027"
    assert format_date(date(2027, 1, 5), "da") == "5. januar 2027"


@pytest.mark.parametrize(
    ("quarter", "style", "da", "en"),
    [
        ("2026Q3", "short", "2026K3", "2026Q3"),
        (Quarter(2026, 3), "long", "3. kvt. 2026", "Q3 2026"),
        ("2025K1", "short", "2025K1", "2025Q1"),
    ],
)
def test_quarters(quarter, style, da, en):
    assert format_quarter(quarter, "da", style) == da
    assert format_quarter(quarter, "en", style) == en


@pytest.mark.parametrize(
    ("low", "high", "kind", "da", "en"),
    [
        (0.102, 0.153, "percent", f"(10,2–15,3{NBSP}%)", "(10.2–15.3%)"),
        (1050, 1300, "number", "(1.050–1.300)", "(1,050–1,300)"),
        (-2, 3, "number", f"({MINUS}2–3)", f"({MINUS}2–3)"),
        (None, 0.3, "percent", MISSING, MISSING),
    ],
)
def test_intervals(low, high, kind, da, en):
    assert format_interval(low, high, kind, "da") == da
    assert format_interval(low, high, kind, "en") == en


@pytest.mark.parametrize(
    ("light", "da", "en"),
    [
        ("green", "● Grøn", "● Green"),
        ("yellow", "▲ Gul", "▲ Yellow"),
        ("RED", "■ Rød", "■ Red"),
    ],
)
def test_traffic_lights_have_a_shape_and_a_word(light, da, en):
    assert format_light(light, "da") == da
    assert format_light(light, "en") == en


def test_traffic_light_accepts_the_domain_enum():
    from research.domain.targets import Light

    assert format_light(Light.YELLOW) == "▲ Gul"


def test_bad_inputs_are_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="da, en"):
        format_number(1, "de")
    with pytest.raises(ValueError, match="green, yellow, red"):
        format_light("blue")
    with pytest.raises(ValueError, match="long"):
        format_date(date(2026, 1, 1), style="medium")
    with pytest.raises(ValueError, match="number, percent"):
        ColumnFormat("currency")  # type: ignore[arg-type]


def test_labels_in_both_languages_and_missing_key_named():
    assert label("target") == "Måltal"
    assert label("target", "en") == "Target"
    assert label("expected") == "Forventet nu"
    assert all(set(entry) == {"da", "en"} for entry in LABELS.values())
    assert "{min_cell}" in label("suppressed_note")
    with pytest.raises(KeyError, match="no_such_word"):
        label("no_such_word")


def _progress() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": ["Deltagere i alt", "Gennemførte RKV'er", "Ledige <via jobcenter>"],
            "target": [1200, 1500, 300],
            "achieved": [640, "<5", 87],
            "share_of_target": [0.5333, np.nan, 0.29],
            "light": ["green", None, "red"],
            "data_date": pd.to_datetime(["2026-09-30", "2026-09-30", None]),
            "ignored": [1, 2, 3],
        }
    )


COLUMNS = {
    "indicator": ColumnFormat.labelled("indicator"),
    "target": ColumnFormat.labelled("target", "number"),
    "achieved": ColumnFormat.labelled("achieved", "number"),
    "share_of_target": ColumnFormat.labelled("share_of_target", "percent"),
    "light": ColumnFormat.labelled("status", "light"),
    "data_date": ColumnFormat.labelled("data_date", "date"),
}


def test_format_table_in_danish():
    table = format_table(_progress(), COLUMNS, "da")
    assert list(table.columns) == [
        "Indikator",
        "Måltal",
        "Opnået",
        "Andel af mål",
        "Status",
        "Dataopgørelse",
    ]
    assert table.iloc[0].tolist() == [
        "Deltagere i alt",
        "1.200",
        "640",
        f"53,3{NBSP}%",
        "● Grøn",
        "30-09-2026",
    ]
    assert table.iloc[1].tolist()[1:] == ["1.500", "<5", MISSING, MISSING, "30-09-2026"]
    assert table.iloc[2, -1] == MISSING
    assert list(table.index) == [0, 1, 2]


def test_format_table_in_english_and_unlabelled_columns():
    columns = {"target": ColumnFormat("number", 1), "ignored": ColumnFormat()}
    table = format_table(_progress(), columns, "en")
    assert list(table.columns) == ["target", "ignored"]
    assert table["target"].tolist() == ["1,200.0", "1,500.0", "300.0"]


def test_format_table_names_missing_columns():
    with pytest.raises(KeyError, match="nope"):
        format_table(_progress(), {"nope": ColumnFormat()}, "da")


def test_to_html_is_an_accessible_table():
    table = format_table(_progress(), COLUMNS, "da")
    out = to_html(table, "Fremdrift mod måltal", "da", note="Tal under 5 vises som <5.")
    assert out.startswith("<table") and out.endswith("</table>")
    assert "<caption>Fremdrift mod måltal</caption>" in out
    assert out.count('<th scope="col"') == len(COLUMNS)
    assert '<th scope="row" style="text-align:left">Deltagere i alt</th>' in out
    assert '<th scope="col" class="num" style="text-align:right' in out  # numbers right
    assert 'lang="da"' in out
    assert "&lt;via jobcenter&gt;" in out and "<via" not in out  # text is escaped
    assert ">&lt;5</td>" in out  # suppressed cells stay text, escaped
    assert 'class="light light-green"' in out and "Grøn</span>" in out
    assert "Tal under 5 vises som &lt;5." in out
    assert "<th></th>" not in out  # no index column


def test_to_html_without_format_table_guesses_numbers_and_lights():
    plain = pd.DataFrame(
        {"Navn": ["a"], "Antal": ["1.234"], "Status": [LIGHT_SYMBOLS["red"] + " Rød"]}
    )
    out = to_html(plain, "Tabel")
    assert '<th scope="col" class="num"' in out
    assert 'class="light light-red"' in out


def test_to_html_needs_a_caption():
    with pytest.raises(ValueError, match="caption"):
        to_html(format_table(_progress(), COLUMNS, "da"), " ")


def test_format_value_dispatches_by_kind():
    assert format_value(0.125, "percent", "en") == "12.5%"
    assert format_value(1234, "number") == "1.234"
    assert format_value(None, "text") == MISSING
