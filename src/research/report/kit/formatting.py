"""One formatter for every number, percentage, date and table cell a report shows.

Reports are read in Danish by default (``1.234,5``, ``12,5 %``, ``30. september 2026``) and in
English on request. Nothing here depends on the operating system's locale, so a report renders
the same on every machine. Conventions shared by all formatters:

- missing values (None, NaN, NA, NaT) show as an en dash, "–";
- strings pass through unchanged: disclosure control has already turned small counts into
  text such as "<5", and a formatter must never turn that back into a number;
- negative numbers use the real minus sign (U+2212), and rounding is half away from zero, as a
  reader rounding by hand would do it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import pandas as pd

from research.domain.period import Quarter
from research.report.kit.labels import LABELS, check_lang, label

MISSING = "–"  # en dash
MINUS = "−"  # U+2212
NBSP = "\u00a0"

ColumnKind = Literal["number", "percent", "date", "text", "light"]
COLUMN_KINDS: tuple[str, ...] = ("number", "percent", "date", "text", "light")
NUMERIC_KINDS: tuple[str, ...] = ("number", "percent")
DateStyle = Literal["long", "short"]

MONTHS: dict[str, tuple[str, ...]] = {
    "da": (
        "januar", "februar", "marts", "april", "maj", "juni",
        "juli", "august", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip

# Traffic lights: a shape and a word as well as a colour, so status survives greyscale printing
# and colour blindness. Colours: Okabe–Ito yellow and vermilion, and a darker bluish green so
# that green and red also differ in lightness (CIE L* about 40, 89 and 54).
LIGHTS: tuple[str, ...] = ("green", "yellow", "red")
LIGHT_COLOURS: dict[str, str] = {"green": "#006B51", "yellow": "#F0E442", "red": "#D55E00"}
LIGHT_SYMBOLS: dict[str, str] = {"green": "●", "yellow": "▲", "red": "■"}


def is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA and NaT; strings (like "<5") are never missing."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes are not scalars to format
        return False


def is_suppressed(value: Any) -> bool:
    """True for a value disclosure control replaced by text, such as "<5"."""
    return isinstance(value, str)


def _decimal(x: Any) -> Decimal:
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int | bool) or (hasattr(x, "dtype") and getattr(x.dtype, "kind", "") in "iu"):
        return Decimal(int(x))
    return Decimal(str(float(x)))  # the shortest repr: 2.675 rounds like the reader expects


def _localise(text: str, lang: str) -> str:
    """Swap '1,234.5' to Danish '1.234,5'; English stays as Python writes it."""
    if lang == "da":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _format_decimal(d: Decimal, lang: str, decimals: int, signed: bool) -> str:
    rounded = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "−0,0"
    body = _localise(f"{abs(rounded):,.{decimals}f}", lang)
    if rounded < 0:
        return MINUS + body
    return ("+" + body) if signed and rounded > 0 else body


def format_number(x: Any, lang: str = "da", decimals: int = 0, *, signed: bool = False) -> str:
    """A number for reading: Danish ``1.234,5``, English ``1,234.5``; ``signed`` adds a "+"."""
    check_lang(lang)
    if is_suppressed(x):
        return x
    if is_missing(x):
        return MISSING
    d = _decimal(x)
    if d.is_infinite():
        return ("" if d > 0 else MINUS) + "∞"
    return _format_decimal(d, lang, decimals, signed)


def format_percent(share: Any, lang: str = "da", decimals: int = 1, *, signed: bool = False) -> str:
    """A share (0.125) as a percentage: Danish ``12,5 %`` (no-break space), English ``12.5%``."""
    check_lang(lang)
    if is_suppressed(share):
        return share
    if is_missing(share):
        return MISSING
    body = format_number(_decimal(share) * 100, lang, decimals, signed=signed)
    return body + (NBSP + "%" if lang == "da" else "%")


def _as_date(d: Any) -> date:
    if isinstance(d, datetime | pd.Timestamp):
        return d.date()
    if isinstance(d, date):
        return d
    return pd.Timestamp(d).date()  # ISO strings, numpy datetime64


def format_date(d: Any, lang: str = "da", style: str = "long") -> str:
    """A date: Danish ``30. september 2026`` / ``30-09-2026``, English ``30 September 2026`` /
    ``2026-09-30``; month names are hard-coded so the OS locale never matters."""
    check_lang(lang)
    if style not in ("long", "short"):
        raise ValueError(f"style must be 'long' or 'short'; got {style!r}")
    if is_missing(d):
        return MISSING
    day = _as_date(d)
    if style == "short":
        return f"{day:%d-%m-%Y}" if lang == "da" else day.isoformat()
    month = MONTHS[lang][day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "da" else f"{day.day} {month} {day.year}"


def format_quarter(q: Quarter | str, lang: str = "da", style: str = "short") -> str:
    """A quarter: short ``2026K3`` / ``2026Q3`` for axis ticks, long ``3. kvt. 2026``."""
    check_lang(lang)
    quarter = q if isinstance(q, Quarter) else Quarter.parse(str(q))
    if style == "long":
        return quarter.label(lang)
    return f"{quarter.year}{'K' if lang == 'da' else 'Q'}{quarter.number}"


def format_interval(
    low: Any,
    high: Any,
    kind: str = "percent",
    lang: str = "da",
    decimals: int | None = None,
) -> str:
    """An interval in brackets: Danish ``(10,2–15,3 %)`` from shares 0.102 and 0.153, or
    ``(1.050–1.300)`` for numbers; "–" when either end is missing."""
    check_lang(lang)
    if kind not in NUMERIC_KINDS:
        raise ValueError(f"kind must be 'percent' or 'number'; got {kind!r}")
    if is_missing(low) or is_missing(high):
        return MISSING
    if kind == "number":
        places = 0 if decimals is None else decimals
        return f"({format_number(low, lang, places)}–{format_number(high, lang, places)})"
    places = 1 if decimals is None else decimals
    a, b = (format_number(_decimal(v) * 100, lang, places) for v in (low, high))
    return f"({a}–{b}{NBSP}%)" if lang == "da" else f"({a}–{b}%)"


def format_light(value: Any, lang: str = "da") -> str:
    """A traffic light as shape and word, e.g. "● Grøn"; never as colour alone."""
    check_lang(lang)
    if is_missing(value):
        return MISSING
    key = str(getattr(value, "value", value)).strip().lower()
    if key not in LIGHTS:
        raise ValueError(f"traffic light must be one of {', '.join(LIGHTS)}; got {value!r}")
    return f"{LIGHT_SYMBOLS[key]} {label('light_' + key, lang)}"


@dataclass(frozen=True)
class ColumnFormat:
    """How one column is shown: its kind, decimals and header in each language.

    ``decimals`` defaults to 0 for numbers and 1 for percentages; a missing header label falls
    back to the column's own name.
    """

    kind: ColumnKind = "text"
    decimals: int | None = None
    label_da: str | None = None
    label_en: str | None = None
    date_style: DateStyle = "short"

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"kind must be one of {', '.join(COLUMN_KINDS)}; got {self.kind!r}")

    @classmethod
    def labelled(cls, key: str, kind: ColumnKind = "text", **options: Any) -> ColumnFormat:
        """A column headed by the shared word ``key`` from LABELS (e.g. "target")."""
        label(key)  # KeyError naming the key if it is missing
        return cls(kind, label_da=LABELS[key]["da"], label_en=LABELS[key]["en"], **options)

    def header(self, column: str, lang: str) -> str:
        return (self.label_da if lang == "da" else self.label_en) or column

    def format(self, value: Any, lang: str) -> str:
        """One cell as text."""
        if self.kind == "number":
            return format_number(value, lang, 0 if self.decimals is None else self.decimals)
        if self.kind == "percent":
            return format_percent(value, lang, 1 if self.decimals is None else self.decimals)
        if self.kind == "date":
            return format_date(value, lang, self.date_style)
        if self.kind == "light":
            return format_light(value, lang)
        return MISSING if is_missing(value) else str(value)


def format_table(
    frame: pd.DataFrame, columns: dict[str, ColumnFormat], lang: str = "da"
) -> pd.DataFrame:
    """A new frame of display strings: only ``columns``, in their order, headed in ``lang``.

    The kind of each shown column is kept in ``attrs["column_kinds"]`` so ``to_html`` can
    right-align numbers and draw traffic lights.
    """
    check_lang(lang)
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the table: {', '.join(missing)}")
    out = pd.DataFrame(
        {
            fmt.header(name, lang): [fmt.format(v, lang) for v in frame[name].tolist()]
            for name, fmt in columns.items()
        },
        dtype=object,
    )
    out.attrs["column_kinds"] = {fmt.header(n, lang): fmt.kind for n, fmt in columns.items()}
    out.attrs["lang"] = lang
    return out


_NUMERIC_TEXT = re.compile(r"^[(+−\-<>]?[\d.,\s\u00a0%–∞]*\d[\d.,\s\u00a0%–]*\)?$")
_SYMBOL_LIGHT = {symbol: key for key, symbol in LIGHT_SYMBOLS.items()}


def _kinds(formatted: pd.DataFrame) -> dict[str, str]:
    """Column kinds from ``format_table``; for other frames, guess numbers from their text."""
    known = formatted.attrs.get("column_kinds", {})
    kinds = {}
    for column in formatted.columns:
        if column in known:
            kinds[column] = known[column]
            continue
        cells = [str(v) for v in formatted[column] if str(v) != MISSING]
        if cells and all(c[:1] in _SYMBOL_LIGHT and c[1:2] == " " for c in cells):
            kinds[column] = "light"
        elif cells and all(_NUMERIC_TEXT.match(c) for c in cells):
            kinds[column] = "number"
        else:
            kinds[column] = "text"
    return kinds


def column_kinds(formatted: pd.DataFrame) -> dict[str, str]:
    """Each column's kind ("number", "percent", "light", "text", ...), for other renderers."""
    return _kinds(formatted)


def _light_cell(text: str) -> str:
    """The shape in the light's colour (outlined, so yellow shows on white), then the word.

    Plain text with inline styles, so the status survives HTML sanitisers and printing: even
    with every style stripped, the shape and the word remain.
    """
    key = _SYMBOL_LIGHT.get(text[:1])
    if key is None:
        return html.escape(text)
    style = f"color:{LIGHT_COLOURS[key]};text-shadow:0 0 1px #000,0 0 1px #000"
    return (
        f'<span class="light light-{key}"><span class="light-shape" aria-hidden="true" '
        f'style="{style}">{text[0]}</span> {html.escape(text[1:].strip())}</span>'
    )


def to_html(
    formatted: pd.DataFrame,
    caption: str,
    lang: str = "da",
    *,
    note: str | None = None,
    row_header: bool | None = None,
) -> str:
    """An accessible HTML table for ``IPython.display.HTML``: a caption, column headers with
    scope, numbers right-aligned, no index, and the first column as row headers when it is
    text (``row_header``). ``note`` goes in a table footer (e.g. the suppression note)."""
    check_lang(lang)
    if not caption.strip():
        raise ValueError("a table needs a caption that says what it shows")
    kinds = _kinds(formatted)
    columns = list(formatted.columns)
    if row_header is None:
        row_header = bool(columns) and kinds[columns[0]] in ("text", "date")
    right = "text-align:right;font-variant-numeric:tabular-nums"

    def attrs(column: str) -> str:
        if kinds[column] in NUMERIC_KINDS:
            return f' class="num" style="{right}"'
        return ' style="text-align:left"'

    head = "".join(f'<th scope="col"{attrs(c)}>{html.escape(str(c))}</th>' for c in columns)
    rows = []
    for values in formatted.itertuples(index=False, name=None):
        cells = []
        for i, (column, value) in enumerate(zip(columns, values, strict=True)):
            text = MISSING if is_missing(value) else str(value)
            body = _light_cell(text) if kinds[column] == "light" else html.escape(text)
            tag = "th" if row_header and i == 0 else "td"
            scope = ' scope="row"' if tag == "th" else ""
            cells.append(f"<{tag}{scope}{attrs(column)}>{body}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    foot = ""
    if note:
        foot = f'<tfoot><tr><td colspan="{len(columns)}">{html.escape(note)}</td></tr></tfoot>'
    return (
        f'<table class="research-table" lang="{lang}" style="border-collapse:collapse">'
        f"<caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>{foot}</table>"
    )


def format_value(value: Any, kind: str, lang: str = "da", decimals: int | None = None) -> str:
    """Format one value by kind name; handy in notebooks and figure labels."""
    return ColumnFormat(kind, decimals).format(value, lang)  # type: ignore[arg-type]
