"""The mark on every output made from data that are not the project's own.

Why: a demo report made by the simulator looks exactly like a real one. The database records
where its data came from (``research.store.meta.data_origin``: the simulator and the public
demo key record "synthetic", real imports "real"), and every output made from synthetic or
mixed data carries a visible line saying so: the HTML (on screen and on every printed page),
the PDF's pages, the deck's slides, the tables' ``index.json`` and the manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

from research.report.kit.publish import TABLE_INDEX

MARKS = {
    "synthetic": {
        "da": "Syntetiske data — ikke projektets tal",
        "en": "Synthetic data — not the project's figures",
    },
    "mixed": {
        "da": "Blandede data (syntetiske og rigtige) — ikke projektets tal",
        "en": "Mixed data (synthetic and real) — not the project's figures",
    },
}


def data_mark(origin: str, lang: str) -> str | None:
    """The line to show for data of ``origin``; None for the project's own (real) data."""
    marks = MARKS.get(origin)
    return None if marks is None else marks.get(lang, marks["en"])


def stamp_table_index(tables: Path, origin: str, mark: str | None) -> None:
    """Say in each entry of ``tables/index.json`` what the data are made of, so a table taken
    out of the report on its own still says that it is synthetic."""
    path = tables / TABLE_INDEX
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for entry in index.values():
        entry["data_origin"] = origin
        if mark:
            entry["mark"] = mark
    path.write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", "utf-8")
