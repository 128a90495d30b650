"""Reading an analysis file (one row per person or unit-period) for ``research estimate``.

Why not the importer's reader: an analysis file is already tidy and typed by whoever made it
(a notebook, R, Stata, a spreadsheet), so it is read as numbers, not validated cell by cell.
CSV files come either the Danish way (``;``-separated, decimal comma) or the international way
(``,``-separated, decimal point); the separator on the header line decides which. Parquet is
read through DuckDB, which is already a dependency (pyarrow is not).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from research.errors import EstimationError, InputFileError

__all__ = ["read_analysis_data", "require_finite"]

SEPARATORS = (";", "\t", ",")


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputFileError(f"{path.name}: looks like a binary file, not a CSV file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> pd.DataFrame:
    text = _decode(path)
    header = text.split("\n", 1)[0]
    if not header.strip():
        raise InputFileError(f"{path.name}: the file is empty or has no header line")
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    separator = max(counts, key=counts.get)
    decimal = "," if separator == ";" else "."
    try:
        return pd.read_csv(io.StringIO(text), sep=separator, decimal=decimal)
    except (ValueError, pd.errors.ParserError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(f"{path.name}: not a readable CSV file ({first})") from None


def _read_parquet(path: Path) -> pd.DataFrame:
    import duckdb

    from research.store.connection import open_duckdb

    try:
        with open_duckdb() as con:
            return con.execute("select * from read_parquet(?)", [str(path)]).df()
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise InputFileError(f"{path.name}: not a readable Parquet file ({first})") from None


def read_analysis_data(path: Path | str) -> pd.DataFrame:
    """A ``.csv`` (``;`` with decimal comma, or ``,``/tab with decimal point; UTF-8 or
    Windows-1252) or ``.parquet`` file as a DataFrame; a clear ``InputFileError`` otherwise."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        frame = _read_parquet(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        frame = _read_csv(path)
    else:
        raise InputFileError(
            f"{path.name}: unsupported file type '{suffix}'; use .csv (; or ,) or .parquet"
        )
    if frame.empty:
        raise InputFileError(f"{path.name}: the file has a header but no rows")
    return frame


def require_finite(frame: pd.DataFrame, columns: Iterable[str | None]) -> None:
    """No infinite value (``inf``, ``-inf``, ``Infinity``) in the columns an estimate uses: one
    would make the estimate infinite or undefined, so refuse it and say where.

    Checked here, at the file, rather than in the estimators, whose source is fingerprinted by
    the coverage study (docs/validation.md).
    """
    for name in dict.fromkeys(c for c in columns if c):
        if name not in frame.columns or pd.api.types.is_bool_dtype(frame[name]):
            continue
        values = frame[name]
        if not pd.api.types.is_numeric_dtype(values):
            values = pd.to_numeric(values, errors="coerce")
        infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
        if infinite.any():
            first = int(np.flatnonzero(infinite)[0]) + 1
            raise EstimationError(
                f"column '{name}' holds an infinite value in {int(infinite.sum())} rows (the "
                f"first in data row {first}); an estimate needs finite numbers: fix or remove "
                "those rows"
            )
