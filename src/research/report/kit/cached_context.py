"""The programme as one kernel reads it: loaded once, then shared by every document it makes.

Why: a batch runs hundreds of documents through each long-lived kernel (``engine``). Reading
the store and checking the parameters (``context.load_context``) takes about half a second,
longer than making a whole company document, so the kernel keeps the context of each
snapshot it has read. The key holds the file's size and modification time: a snapshot never
changes, and a database that did change is read again.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from research.config import resolve_db_path
from research.report.kit.context import ReportContext, load_context


def programme(
    db: str | Path = "", quarter: str = "", lang: str = "da", config: str | Path = ""
) -> ReportContext:
    """The checked context of the database ``db`` (papermill's empty strings mean "default")."""
    path = resolve_db_path(db or None).resolve()
    try:
        stat = os.stat(path)
        stamp = (stat.st_size, stat.st_mtime_ns)
    except OSError:
        stamp = (-1, -1)  # load_context says in one line that it does not exist
    return _cached(str(path), stamp, quarter or "", lang, str(config or ""))


@functools.lru_cache(maxsize=4)
def _cached(
    path: str, _stamp: tuple[int, int], quarter: str, lang: str, config: str
) -> ReportContext:
    return load_context(path, quarter or None, lang, config=config or None)
