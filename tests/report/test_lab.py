"""The notebooks run as they stand from a kernel started where JupyterLab starts it.

`make lab` opens JupyterLab on notebooks/, so a kernel's working folder is notebooks/ (or
notebooks/explore/) and no parameter is filled in: the database must be found from the
repository root. These run the committed notebooks, unedited, with papermill in a copy of the
repository's layout holding the small simulated programme.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from research.report.runner.run import DEFAULT_KERNEL, execute

NOTEBOOKS = Path(__file__).parents[2] / "notebooks"


@pytest.fixture(scope="module")
def repo(small_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lab") / "repo"
    (root / "data").mkdir(parents=True)
    (root / "pyproject.toml").write_text("", "utf-8")
    shutil.copy(small_db, root / "data" / "workbench.duckdb")
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    return root


@pytest.fixture(autouse=True)
def _no_settings(monkeypatch):
    for name in ("RESEARCH_DB", "RESEARCH_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def _outputs(path: Path) -> list[dict]:
    nb = nbformat.read(path, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


@pytest.mark.e2e  # papermill runs the starter notebook in a kernel
def test_the_starter_notebook_runs_from_its_folder(repo: Path, tmp_path: Path):
    folder = repo / "notebooks" / "explore"
    out = tmp_path / "start.ipynb"
    execute(folder / "start.ipynb", out, {}, DEFAULT_KERNEL, folder)
    outputs = _outputs(out)
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "completion_by_route" in html and "participants" in html  # subgroup, progress
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the figure shows


@pytest.mark.e2e  # the whole progress report, every partner protected jointly (minutes)
def test_the_progress_notebook_runs_unedited_from_notebooks(repo: Path, tmp_path: Path):
    folder = repo / "notebooks"
    out = tmp_path / "progress.ipynb"
    execute(folder / "progress.ipynb", out, {}, DEFAULT_KERNEL, folder)
    outputs = _outputs(out)
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert len(outputs) > 20
