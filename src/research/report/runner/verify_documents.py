"""The back test for the handed-out documents: re-make company plans or workshop-2 briefs from
their manifests and compare what they show.

Why: a consultant hands a plan to a company, so "the same data give the same document" is a
promise as much as it is for the quarterly report. A ``companies/`` (or ``networks/``) folder
holds one folder per document, each with its own manifest. Verifying it checks every file of
every document against the SHA-256 its manifest recorded (cheap), and re-makes documents in one
batch, with the same engine and the recorded parameters, into a scratch folder, then compares
each one's blocks (``kit.blocks``: every paragraph, every table cell, the figure), which are
what both the HTML and the PDF show. Re-making all of them costs as much as making them (about
a thousand plans at the end of the demo programme), so by default a sample is re-made: ``sample``
documents spread evenly over the folder's documents in their sorted order, the first and the
last included, the same ones every time; ``sample=0`` re-makes every one.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from research.report.kit.blocks import Block, blocks_of
from research.report.kit.context import ReportError
from research.report.runner.handout_batch import INDEX, DocumentKind, run_documents
from research.report.runner.manifest import MANIFEST
from research.report.runner.verify import FileDifference, check_files
from research.store.content_hash import database_hash

DEFAULT_SAMPLE = 20
_SHOWN = 80  # characters of a differing value shown


def _kinds() -> dict[str, DocumentKind]:
    from research.report.runner.company_plans import COMPANY_PLAN
    from research.report.runner.ws2_briefs import WS2_BRIEF

    return {kind.folder: kind for kind in (COMPANY_PLAN, WS2_BRIEF)}


@dataclass(frozen=True)
class DocumentDifference:
    """One place where a re-made document shows something else than the published one."""

    key: str  # the CVR number or network id
    where: str
    published: str | None
    now: str | None

    def describe(self) -> str:
        return f"{self.key}: {self.where}: published {self.published!r}, now {self.now!r}"


@dataclass(frozen=True)
class DocumentsVerification:
    folder: Path
    documents: int  # documents in the folder
    remade: tuple[str, ...]  # the documents re-made and compared
    differences: tuple[DocumentDifference, ...]
    files: tuple[FileDifference, ...]  # paths relative to ``folder``
    database_changed: bool
    database_hashes: tuple[str, str] = ("", "")  # (when the documents were made, now)

    @property
    def identical(self) -> bool:
        return not self.differences and not self.files


def documents_folder(folder: Path | str) -> tuple[Path, DocumentKind, list[str]] | None:
    """``(the kind's folder, its kind, the documents to check)`` when ``folder`` is a folder of
    handed-out documents (``companies/``, ``networks/``) or one document in it; else None."""
    folder = Path(folder)
    kinds = _kinds()
    if folder.name in kinds and (folder / INDEX).is_file():
        documents = _index(folder).get("documents", [])
        return folder, kinds[folder.name], sorted(str(d) for d in documents)
    parent = folder.parent
    if parent.name in kinds and (folder / MANIFEST).is_file():
        return parent, kinds[parent.name], [folder.name]
    return None


def _index(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{folder / INDEX}: cannot be read ({exc})") from None


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{folder}: no {MANIFEST}; it is not a published document") from None
    except (OSError, ValueError) as exc:
        raise ReportError(f"{folder / MANIFEST}: cannot be read ({exc})") from None


def spread(keys: Sequence[str], n: int) -> list[str]:
    """``n`` of ``keys`` spread evenly, the first and the last included (all when ``n`` is 0
    or at least their number)."""
    keys = list(keys)
    if n <= 0 or n >= len(keys):
        return keys
    if n == 1:
        return keys[:1]
    return [keys[round(i * (len(keys) - 1) / (n - 1))] for i in range(n)]


def verify_documents(
    folder: Path | str, sample: int = DEFAULT_SAMPLE, kernel: str | None = None
) -> DocumentsVerification:
    """Check every document's files in ``folder`` and re-make ``sample`` of them (0: all)."""
    found = documents_folder(folder)
    if found is None:
        raise ReportError(f"{folder} is not a folder of company plans or workshop-2 briefs")
    root, kind, keys = found
    if not keys:
        raise ReportError(f"{root}: its {INDEX} lists no documents")
    manifests = {key: _manifest(root / key) for key in keys}
    files = [
        FileDifference(f"{key}/{d.path}", d.reason)
        for key in keys
        for d in check_files(root / key, manifests[key])
    ]
    chosen = spread(keys, sample)
    params = manifests[chosen[0]]["parameters"]
    db = Path(params.get("db") or manifests[chosen[0]]["database"]["path"])
    if not db.exists():
        raise ReportError(f"the database the documents were made from, {db}, no longer exists")
    published_hash = manifests[chosen[0]]["database"]["content_sha256"]
    current_hash = database_hash(db)
    differences: list[DocumentDifference] = []
    with tempfile.TemporaryDirectory(prefix="research-verify-") as scratch:
        try:
            result = run_documents(
                kind,
                lambda _ctx: chosen,
                quarter=params.get("quarter") or None,
                db=db,
                lang=params.get("lang", "da"),
                out=scratch,
                config=params.get("config") or None,
                kernel=kernel,
                progress=False,
            )
        except ReportError as exc:
            raise ReportError(f"cannot re-make the documents in {root}: {exc}") from None
        failed = {o.key: o.error for o in result.failed}
        for key in chosen:
            if key in failed:
                differences.append(DocumentDifference(key, "the document", "made", failed[key]))
                continue
            notebook = f"{kind.stem}.ipynb"
            published = blocks_of(root / key / notebook)
            now = blocks_of(result.folder / key / notebook)
            differences += compare_blocks(key, published, now)
    return DocumentsVerification(
        root,
        len(keys),
        tuple(chosen),
        tuple(differences),
        tuple(files),
        published_hash != current_hash,
        (published_hash, current_hash),
    )


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _label(n: int, block: Block) -> str:
    kind = block.get("kind", "?")
    name = block.get("caption") or block.get("text") or block.get("title") or block.get("alt")
    return f"block {n + 1} ({kind} {_short(name)!r})" if name else f"block {n + 1} ({kind})"


def compare_blocks(key: str, published: list[Block], now: list[Block]) -> list[DocumentDifference]:
    """Where two documents' blocks differ: a table cell by cell, any other block whole."""
    out = []
    for n, (old, new) in enumerate(zip(published, now, strict=False)):
        if old == new:
            continue
        where = _label(n, old)
        same_shape = (
            old.get("kind") == new.get("kind") == "table"
            and old.get("columns") == new.get("columns")
            and len(old.get("rows", [])) == len(new.get("rows", []))
        )
        if not same_shape:
            out.append(DocumentDifference(key, where, _short(old), _short(new)))
            continue
        for field in ("caption", "note", "kinds"):
            if old.get(field) != new.get(field):
                out.append(
                    DocumentDifference(
                        key, f"{where}, {field}", _short(old.get(field)), _short(new.get(field))
                    )
                )
        for r, (a, b) in enumerate(zip(old["rows"], new["rows"], strict=True)):
            for column, x, y in zip(old["columns"], a, b, strict=True):
                if x != y:
                    out.append(
                        DocumentDifference(key, f"{where}, row {r + 1}, column {column}", x, y)
                    )
    if len(published) != len(now):
        out.append(DocumentDifference(key, "number of blocks", str(len(published)), str(len(now))))
    return out
