"""Quarto as an optional renderer: the project file, the executed notebooks and `research render`.

Everything Quarto reads is checked in every run, without Quarto: the YAML parses, it uses only
known options, execution is off, and the executed notebooks hide papermill's parameters cells.
The subprocess wiring is checked with a stand-in `quarto` script; the real render runs only
where Quarto is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
import subprocess
import sys
from importlib import resources
from pathlib import Path

import nbformat
import pytest
import yaml

from research.report.runner import quarto
from research.report.runner.quarto import (
    CELL_OPTIONS,
    PROJECT_OPTIONS,
    QuartoError,
    QuartoMissing,
    cell_options,
    prepare_notebook_for_quarto,
    project_problems,
    project_yaml,
    write_project,
)
from tests.report.executed import copy_report, executed_report

NOTEBOOKS = Path(__file__).parents[3] / "notebooks"
HAS_QUARTO = quarto.find_quarto() is not None
FAKE_QUARTO = """#!/bin/sh
echo "$PWD|$*" >> "$QUARTO_FAKE_LOG"
if [ "$1" = "--version" ]; then echo "${QUARTO_FAKE_VERSION:-1.6.42}"; exit 0; fi
if [ -n "$QUARTO_FAKE_FAIL" ]; then
  echo "Rendering..." >&2; echo "ERROR: typst compile failed on line 3" >&2; exit 1
fi
stem=$(basename "$2" .ipynb)
case "$4" in typst) ext=pdf ;; *) ext=html ;; esac
cp "$2" "$QUARTO_FAKE_LOG.$4.ipynb"
# like the real Quarto: render beside the notebook, then move the result into output-dir
echo "fake $4" > "$stem.$ext" && mkdir -p quarto && mv "$stem.$ext" "quarto/$stem.$ext"
"""


@pytest.fixture(scope="module")
def report(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    return executed_report(small_db, tmp_path_factory.mktemp("quarto-reports"))


@pytest.fixture
def folder(report, tmp_path: Path) -> Path:
    return copy_report(report, tmp_path)


@pytest.fixture
def fake_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `quarto` on QUARTO_PATH that logs its calls and writes the output files."""
    program = tmp_path / "bin" / "quarto"
    program.parent.mkdir()
    program.write_text(FAKE_QUARTO, encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "quarto.log"
    monkeypatch.setenv("QUARTO_PATH", str(program))
    monkeypatch.setenv("QUARTO_FAKE_LOG", str(log))
    return log


def _no_quarto_env(**extra: str) -> dict[str, str]:
    """The environment with no quarto to be found: PATH holds only the Python's own folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUARTO")}
    env["PATH"] = str(Path(sys.executable).parent)
    return {**env, **extra}


# --- the project file, checked in every run ---------------------------------------------------


def test_the_template_ships_inside_the_package():
    shipped = resources.files("research").joinpath("report/runner/templates/quarto/_quarto.yml")
    assert shipped.is_file(), "hatch packages everything under src/research, templates included"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_project_yaml_parses_and_uses_only_known_options(lang):
    project = yaml.safe_load(project_yaml(lang, ["progress.ipynb", "seminar.ipynb"]))
    assert quarto._unknown_keys(project, PROJECT_OPTIONS, "") == []
    assert project["lang"] == lang
    assert project["execute"] == {"enabled": False, "echo": False, "warning": False}
    assert project["project"]["render"] == ["progress.ipynb", "seminar.ipynb"]
    assert project["project"]["output-dir"] == "quarto"  # never over the nbconvert progress.html
    assert project["format"]["html"]["embed-resources"] is True
    assert project["format"]["typst"]["papersize"] == "a4"
    assert project["format"]["revealjs"]["embed-resources"] is True
    assert project["format"]["revealjs"]["slide-level"] == 2


def test_an_unknown_language_is_refused():
    with pytest.raises(QuartoError, match="lang must be one of da, en"):
        project_yaml("de", ["progress.ipynb"])


def test_the_render_command_never_executes_a_cell(tmp_path):
    command = quarto.render_command(tmp_path / "quarto", "progress.ipynb", "typst")
    assert command[1:] == ["render", "progress.ipynb", "--to", "typst", "--no-execute"]
    # no --metadata title: Quarto set a JSON-quoted title in quotes; it is front matter now


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("html,pdf", ("html", "pdf")),
        (" PDF , revealjs ", ("pdf", "revealjs")),
        ("html,html", ("html",)),
    ],
)
def test_formats_parse(text, expected):
    assert quarto.parse_formats(text) == expected


def test_an_unknown_format_names_the_allowed_ones():
    with pytest.raises(QuartoError, match="unknown format docx; choose from html, pdf, revealjs"):
        quarto.parse_formats("html,docx")


# --- the executed notebooks -------------------------------------------------------------------


def test_prepare_tags_both_parameters_cells_once():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("a = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("a = 2", metadata={"tags": ["injected-parameters"]}),
        nbformat.v4.new_code_cell("print(a)"),
    ]
    prepare_notebook_for_quarto(prepare_notebook_for_quarto(nb))
    assert nb.cells[0].metadata["tags"] == ["parameters", "remove-cell"]
    assert nb.cells[1].metadata["tags"] == ["injected-parameters", "remove-cell"]
    assert "tags" not in nb.cells[2].metadata


def test_the_notebooks_notes_for_analysts_never_reach_a_document():
    from research.report.runner.quarto_documents import prepare_for_format

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "## Notes: built by `funnels`", metadata={"tags": ["remove-cell"]}
        ),
        nbformat.v4.new_markdown_cell("A paragraph the document shows"),
        nbformat.v4.new_code_cell("show(ctx, funnels(ctx))"),
    ]
    for fmt in ("html", "pdf", "revealjs"):
        text = nbformat.writes(prepare_for_format(nb, fmt, "Title"))
        assert "built by" not in text and "A paragraph the document shows" in text, fmt


@pytest.mark.e2e
def test_the_runner_leaves_notebooks_that_quarto_renders_as_intended(report):
    """The runner calls prepare_executed_notebook: the folder's notebooks pass the checks."""
    for path in report.notebooks:
        assert quarto.notebook_problems(path) == [], path.name
        nb = nbformat.read(path, as_version=4)
        tagged = [
            c
            for c in nb.cells
            if {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))
        ]
        assert len(tagged) == 2, f"{path.name}: papermill's two parameters cells"
        assert all("remove-cell" in c.metadata["tags"] for c in tagged)


def test_every_cell_option_in_the_committed_notebooks_is_known():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert set(cell_options(cell.source)) <= set(CELL_OPTIONS), path.name


@pytest.mark.e2e
def test_a_written_project_validates(folder):
    path = write_project(folder)
    assert path == folder / "_quarto.yml"
    assert project_problems(folder) == []
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["lang"] == "da"  # from the manifest


@pytest.mark.e2e
def test_validation_names_every_problem(folder):
    write_project(folder)
    path = folder / "_quarto.yml"
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    project["execute"]["enabled"] = True
    project["format"]["typst"]["paper"] = "a4"
    path.write_text(yaml.safe_dump(project), encoding="utf-8")
    problems = project_problems(folder)
    assert problems == ["unknown Quarto option format.typst.paper"]  # unknown keys come first
    del project["format"]["typst"]["paper"]
    path.write_text(yaml.safe_dump(project), encoding="utf-8")
    assert project_problems(folder) == [
        "execute.enabled must be false: the notebooks are already executed"
    ]


@pytest.mark.e2e
def test_unexecuted_or_untagged_notebooks_are_refused(folder):
    nb = nbformat.read(NOTEBOOKS / "seminar.ipynb", as_version=4)  # as committed: not executed
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    parameters, first = code[0], code[1]  # the notes between them are markdown
    nb.cells[first].source = "#| outptu: asis\n" + nb.cells[first].source
    nbformat.write(nb, folder / "seminar.ipynb")
    write_project(folder)
    problems = " ".join(project_problems(folder))
    assert "seminar.ipynb has not been executed" in problems
    assert (
        f"seminar.ipynb cell {parameters + 1}: a parameters cell is not tagged remove-cell"
        in problems
    )
    assert f"seminar.ipynb cell {first + 1}: unknown Quarto cell option 'outptu'" in problems
    with pytest.raises(QuartoError, match="is not ready for Quarto"):
        quarto.validate_project(folder)


def test_a_folder_without_a_report_is_refused(tmp_path):
    with pytest.raises(QuartoError, match=r"has no progress\.ipynb"):
        write_project(tmp_path)
    assert not (tmp_path / "_quarto.yml").exists()


# --- finding and running Quarto -----------------------------------------------------------------


def test_missing_quarto_says_how_to_install_in_one_line(monkeypatch):
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(QuartoMissing) as caught:
        quarto.require_quarto()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("Quarto is not installed: install it from https://quarto.org/")
    assert "conda-forge" in message and "QUARTO_PATH" in message


def test_the_missing_quarto_error_survives_a_pickle():
    error = QuartoMissing("QUARTO_PATH=/x is not the quarto program")
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_render_help_shows_an_example():
    from typer.testing import CliRunner

    from research.cli import app

    result = CliRunner().invoke(app, ["render", "--help"])
    assert result.exit_code == 0 and "Example: research render reports/2026Q3" in result.output


def test_a_wrong_quarto_path_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("QUARTO_PATH", str(tmp_path / "nowhere" / "quarto"))
    with pytest.raises(QuartoMissing, match=r"QUARTO_PATH=.*nowhere/quarto is not the quarto"):
        quarto.require_quarto()


def test_quarto_path_may_name_the_install_folder(fake_quarto, monkeypatch):
    program = Path(os.environ["QUARTO_PATH"])
    monkeypatch.setenv("QUARTO_PATH", str(program.parent.parent))  # .../bin/quarto inside
    assert quarto.find_quarto() == program


@pytest.mark.e2e
def test_render_runs_one_quarto_call_per_format_in_a_scratch_folder(folder, fake_quarto):
    written = quarto.render(folder)
    assert written == [
        folder / "quarto" / "progress.html",
        folder / "quarto" / "progress.pdf",
        folder / "quarto" / "seminar.html",
    ]
    calls = fake_quarto.read_text(encoding="utf-8").splitlines()
    renders = [c.split("|", 1) for c in calls if "|render " in c]
    folders = [Path(cwd).resolve() for cwd, _ in renders]
    assert len(set(folders)) == 3, "one scratch folder per format"
    assert not any(folder.resolve() in (f, *f.parents) for f in folders), "never the report"
    assert [args for _, args in renders] == [
        "render progress.ipynb --to html --no-execute",
        "render progress.ipynb --to typst --no-execute",
        "render seminar.ipynb --to revealjs --no-execute",
    ]


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "quarto" not in p.relative_to(folder).parts
    }


@pytest.mark.e2e
def test_research_render_leaves_every_other_file_byte_identical(folder, fake_quarto):
    """The stand-in renders beside its notebook and moves the result, as Quarto does: that
    took progress.html away when Quarto ran in the report folder."""
    from typer.testing import CliRunner

    from research.cli import app

    before = _hashes(folder)
    result = CliRunner().invoke(app, ["render", str(folder)])
    assert result.exit_code == 0, result.output
    assert _hashes(folder) == before
    assert sorted(p.name for p in (folder / "quarto").iterdir()) == [
        "progress.html",
        "progress.pdf",
        "seminar.html",
    ]


def _handed(log: Path, to: str):
    return nbformat.read(Path(f"{log}.{to}.ipynb"), as_version=4)


def _front(nb) -> dict:
    first = nb.cells[0]
    assert first.cell_type == "raw" and first.source.startswith("---\n")
    return yaml.safe_load(first.source.strip().strip("-"))


@pytest.mark.e2e
def test_the_documents_handed_to_quarto_have_no_plain_reprs_and_a_real_title(folder, fake_quarto):
    from research.report.kit.blocks import BLOCK_MIME

    quarto.render(folder)
    for to in ("html", "typst", "revealjs"):
        nb = _handed(fake_quarto, to)
        text = nbformat.writes(nb)
        assert "<IPython.core.display" not in text and "object at 0x" not in text, to
        assert BLOCK_MIME not in text, to
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output["output_type"] in ("display_data", "execute_result"), to
                assert set(output["data"]) - {"text/plain"}, f"{to}: text/plain only"
    for to in ("html", "typst"):
        nb = _handed(fake_quarto, to)
        assert _front(nb)["title"] == "Kvartalsrapport 3. kvt. 2026"
        assert "title: Kvartalsrapport 3. kvt. 2026\n" in nb.cells[0].source  # not quoted
    assert _front(_handed(fake_quarto, "typst"))["toc"] is True


@pytest.mark.e2e
def test_quarto_typst_gets_markdown_tables_with_widths_from_content(folder, fake_quarto):
    quarto.render(folder, ["pdf"])
    nb = _handed(fake_quarto, "typst")
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if "text/html" in o["data"]], "Typst cannot lay out HTML"
    tables = [
        o["data"]["text/markdown"] for o in outputs if "\n|-" in o["data"].get("text/markdown", "")
    ]
    assert len(tables) >= 5
    status = next(t for t in tables if "Måltal" in t)
    rule = next(line for line in status.splitlines() if line.startswith("|-"))
    widths = [len(part) for part in rule.strip("|").split("|")]
    assert len(set(widths)) > 1, "column widths follow the content, not equal columns"
    assert rule.strip("|").split("|")[1].endswith(":"), "numbers right-aligned"


@pytest.mark.e2e
def test_the_quarto_deck_has_one_slide_per_message(folder, fake_quarto):
    quarto.render(folder, ["revealjs"])
    nb = _handed(fake_quarto, "revealjs")
    front = _front(nb)
    assert front["title"].startswith("Kompetenceløft: status ved udgangen af 3. kvt. 2026")
    assert front["subtitle"].startswith("Formidlingsseminar")
    markdown = [
        o["data"]["text/markdown"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/markdown" in o["data"]
    ]
    headings = [m for m in markdown if m.strip().startswith("#")]
    assert all(m.startswith("\n\n") and m.endswith("\n\n") for m in markdown), (
        "a blank line before every heading, so pandoc starts a slide"
    )
    assert all(h.strip().startswith("## ") for h in headings), "slide-level 2: no # in the deck"
    assert headings[0].strip() == "## Projektet i tal"


@pytest.mark.e2e
def test_render_leaves_what_the_manifest_hashed_untouched(folder, fake_quarto):
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    quarto.render(folder, ["html"])
    for entry in manifest["outputs"]:
        path = folder / entry["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["path"]


@pytest.mark.e2e
def test_a_failed_render_gives_quartos_last_lines(folder, fake_quarto, monkeypatch):
    monkeypatch.setenv("QUARTO_FAKE_FAIL", "1")
    with pytest.raises(QuartoError) as caught:
        quarto.render(folder, ["pdf"])
    assert str(caught.value) == (
        "quarto render progress.ipynb --to typst failed (exit 1): "
        "Rendering... | ERROR: typst compile failed on line 3"
    )


@pytest.mark.e2e
def test_an_old_quarto_is_refused_for_the_pdf(folder, fake_quarto, monkeypatch):
    monkeypatch.setenv("QUARTO_FAKE_VERSION", "1.3.450")
    with pytest.raises(QuartoError, match=r"Quarto 1\.3\.450 cannot make the Typst PDF"):
        quarto.render(folder, ["pdf"])


# --- `research render` ------------------------------------------------------------------------


@pytest.mark.e2e
def test_research_render_without_quarto_is_one_line_and_exit_1(folder):
    done = subprocess.run(
        [sys.executable, "-m", "research", "render", str(folder)],
        capture_output=True,
        text=True,
        env=_no_quarto_env(),
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        "error: Quarto is not installed: install it from https://quarto.org/"
    )
    assert not (folder / "_quarto.yml").exists(), "nothing is written into the report folder"


@pytest.mark.e2e
def test_research_render_with_a_bad_quarto_path_says_so(folder):
    done = subprocess.run(
        [sys.executable, "-m", "research", "render", str(folder), "--to", "pdf"],
        capture_output=True,
        text=True,
        env=_no_quarto_env(QUARTO_PATH="/nonexistent/quarto"),
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith(
        "error: QUARTO_PATH=/nonexistent/quarto is not the quarto"
    )


@pytest.mark.e2e
def test_research_render_lists_what_quarto_wrote(folder, fake_quarto):
    from typer.testing import CliRunner

    from research.cli import app

    result = CliRunner().invoke(app, ["render", str(folder), "--to", "revealjs"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Quarto: {folder / 'quarto' / 'seminar.html'}"


# --- the real thing, where Quarto is installed --------------------------------------------------


@pytest.mark.e2e
@pytest.mark.skipif(not HAS_QUARTO, reason="Quarto CLI not installed (quarto.org/docs/get-started)")
def test_quarto_renders_the_report_without_running_it(folder):
    written = quarto.render(folder)
    html, pdf, deck = (p.read_bytes() for p in written)
    assert pdf.startswith(b"%PDF")
    assert b"load_context(" not in html and b"tables_dir" not in html  # no code, no parameters
    assert b"reveal" in deck and b"load_context(" not in deck
    assert not (folder / "quarto" / "progress.ipynb").exists()
