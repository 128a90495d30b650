"""`research plan` end to end: parameterised notebook runs in a reused kernel, whole folders
published with a manifest each, failures summarised, other companies' folders kept."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from research.report.companies import companies_with_plan
from research.report.kit.context import ReportError, load_context
from research.report.runner.company_plans import COMPANY_PLAN, run_company_plans
from research.report.runner.handout_batch import CPU_PARTS, run_documents
from research.report.runner.kernel_session import KernelSession
from research.report.runner.manifest import file_hash

UNKNOWN = "00000000"

pytestmark = pytest.mark.e2e  # batches run in long-lived kernels


@pytest.fixture(scope="module")
def made(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    ctx = load_context(small_db)
    cvrs = companies_with_plan(ctx.tables, ctx.as_of)[:3]
    out = tmp_path_factory.mktemp("plans") / "reports"
    result = run_documents(
        COMPANY_PLAN,
        lambda _ctx: [cvrs[0], UNKNOWN, cvrs[1]],
        db=small_db,
        out=out,
        workers=1,
        progress=False,
    )
    return ctx, cvrs, out, result


def test_each_document_is_a_whole_folder_with_its_manifest(made) -> None:
    ctx, cvrs, out, result = made
    folder = out / "2026Q3" / "companies"
    assert result.folder == folder
    names = ctx.tables["companies"].set_index("cvr")["name"]
    for cvr in cvrs[:2]:
        doc = folder / cvr
        assert sorted(p.name for p in doc.iterdir()) == [
            "manifest.json",
            "plan.html",
            "plan.ipynb",
            "plan.pdf",
        ]
        manifest = json.loads((doc / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["parameters"]["cvr"] == cvr
        listed = {o["path"]: o["sha256"] for o in manifest["outputs"]}
        assert listed == {p: file_hash(doc / p) for p in ("plan.html", "plan.ipynb", "plan.pdf")}
        nb = nbformat.read(doc / "plan.ipynb", as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert injected and f'cvr = "{cvr}"' in injected[0].source
        pdf_text = "".join(page.extract_text() for page in PdfReader(doc / "plan.pdf").pages)
        html = (doc / "plan.html").read_text(encoding="utf-8")
        assert names[cvr] in html and "Kompetenceforsyningsplan" in pdf_text
        other = cvrs[1] if cvr == cvrs[0] else cvrs[0]
        for text in (html, pdf_text, (doc / "plan.ipynb").read_text(encoding="utf-8")):
            assert names[other] not in text


def test_each_document_reports_its_cpu_time_by_part(made) -> None:
    """What bench/documents_bench.py adds up: the kernel's and the worker's CPU seconds."""
    *_, result = made
    for outcome in result.outcomes:
        if outcome.ok:
            assert set(outcome.cpu) == set(CPU_PARTS)
            assert all(seconds >= 0 for seconds in outcome.cpu.values())
            assert outcome.cpu["notebook"] > 0 and outcome.cpu["pdf"] > 0
        else:
            assert outcome.cpu == {}


def test_a_failed_document_is_summarised_and_leaves_only_its_failed_notebook(made) -> None:
    _, cvrs, out, result = made
    folder = out / "2026Q3" / "companies"
    assert [o.key for o in result.failed] == [UNKNOWN]
    assert "no company with CVR number" in result.failed[0].error
    assert not (folder / UNKNOWN).exists()
    assert (folder / f"{UNKNOWN}.failed.ipynb").is_file()
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert index["documents"] == [cvrs[0], cvrs[1]] and UNKNOWN in index["failed"]


def test_a_later_run_keeps_the_other_companies_and_nothing_partial(made, small_db) -> None:
    _, cvrs, out, _ = made
    folder = out / "2026Q3" / "companies"
    before = (folder / cvrs[0] / "plan.pdf").read_bytes()
    run_company_plans([cvrs[2]], db=small_db, out=out, workers=1, progress=False)
    assert {p.name for p in folder.iterdir() if p.is_dir()} == set(cvrs)
    assert (folder / cvrs[0] / "plan.pdf").read_bytes() == before
    assert not (folder / f"{UNKNOWN}.failed.ipynb").exists()  # an old failure record goes
    assert not list(out.glob(".building-*"))
    with pytest.raises(ReportError, match="nothing was published"):
        run_documents(
            COMPANY_PLAN, lambda _ctx: [UNKNOWN], db=small_db, out=out, workers=1, progress=False
        )
    assert {p.name for p in folder.iterdir() if p.is_dir()} == set(cvrs)


def test_a_reused_kernel_forgets_the_last_documents_names(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('secret = ""', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(
                "assert 'kept' not in globals(), 'a name survived from the last document'\n"
                "kept = secret"
            ),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    session = KernelSession("python3", tmp_path)
    try:
        session.run(nb, {"secret": "first company"})
        second = session.run(nb, {"secret": "second company"})
    finally:
        session.close()
    assert session.documents == 2
    assert 'secret = "second company"' in second.cells[1].source


def test_a_batch_kernel_keeps_no_input_history(tmp_path: Path) -> None:
    """Each cell of each document would otherwise be written to IPython's SQLite history."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('x = ""', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("print(get_ipython().history_manager.enabled)"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    session = KernelSession("python3", tmp_path)
    try:
        ran = session.run(nb, {"x": "a"})
    finally:
        session.close()
    assert ran.cells[2].outputs[0]["text"].strip() == "False"
