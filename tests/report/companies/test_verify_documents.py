"""`research report --verify` on a companies/ folder: every file checked, a sample re-made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from research.report.companies import companies_with_plan
from research.report.kit.context import load_context
from research.report.runner.company_plans import run_company_plans
from research.report.runner.verify_documents import (
    compare_blocks,
    documents_folder,
    spread,
    verify_documents,
)


def test_a_sample_is_spread_evenly_and_always_the_same() -> None:
    keys = [f"{n:08d}" for n in range(10)]
    assert spread(keys, 3) == ["00000000", "00000004", "00000009"]
    assert spread(keys, 0) == keys and spread(keys, 50) == keys
    assert spread(keys, 1) == ["00000000"]


def test_a_changed_table_cell_is_named_by_block_row_and_column() -> None:
    table = {"kind": "table", "caption": "Planen", "columns": ["Fag", "Gab"], "rows": [["A", "1"]]}
    changed = {**table, "rows": [["A", "2"]]}
    [difference] = compare_blocks("99000001", [table], [changed])
    assert difference.describe() == (
        "99000001: block 1 (table 'Planen'), row 1, column Gab: published '1', now '2'"
    )
    assert compare_blocks("99000001", [table], [table]) == []


def test_only_document_folders_are_taken(tmp_path: Path) -> None:
    assert documents_folder(tmp_path) is None
    companies = tmp_path / "companies"
    (companies / "99000001").mkdir(parents=True)
    (companies / "index.json").write_text('{"documents": ["99000001"]}', encoding="utf-8")
    (companies / "99000001" / "manifest.json").write_text("{}", encoding="utf-8")
    assert documents_folder(companies)[2] == ["99000001"]
    assert documents_folder(companies / "99000001")[2] == ["99000001"]


@pytest.mark.e2e  # two batches in long-lived kernels
def test_verify_remakes_the_plans_and_finds_a_changed_one(small_db: Path, tmp_path: Path) -> None:
    ctx = load_context(small_db)
    cvrs = companies_with_plan(ctx.tables, ctx.as_of)[:2]
    result = run_company_plans(cvrs, db=small_db, out=tmp_path, workers=1, progress=False)
    clean = verify_documents(result.folder, sample=0)
    assert clean.identical and clean.remade == tuple(sorted(cvrs)) and clean.documents == 2
    assert not clean.database_changed

    notebook = result.folder / cvrs[1] / "plan.ipynb"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    block_mime = "application/vnd.research.block+json"
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            block = output.get("data", {}).get(block_mime, {})
            if block.get("kind") == "table" and block["rows"]:
                block["rows"][0][0] = "Ændret"
                column = block["columns"][0]
                break
        else:
            continue
        break
    notebook.write_text(json.dumps(nb), encoding="utf-8")

    found = verify_documents(result.folder / cvrs[1])
    assert not found.identical and found.remade == (cvrs[1],)
    assert [f.path for f in found.files] == [f"{cvrs[1]}/plan.ipynb"]
    assert any(
        d.where.endswith(f"row 1, column {column}") and d.published == "Ændret"
        for d in found.differences
    )
