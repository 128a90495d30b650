"""Quarto as an optional second renderer: an A4 PDF (Typst), HTML and a revealjs seminar deck.

Why: papermill has already executed the notebooks and the runner has rendered ``progress.html``
with nbconvert, and ``progress.pdf`` and ``seminar.pptx`` (``runner.documents``), so the product
never needs Quarto. Where Quarto is installed it renders the same executed notebooks without
running a cell again (``execute: enabled: false`` and ``--no-execute``). Quarto renders beside
the notebook and then moves the result into ``output-dir``, so it never runs in the report
folder: each format renders in a scratch folder from a copy made for it
(``quarto_documents``), and only the finished files are moved into ``quarto/``. Everything
Quarto is handed is checked here without Quarto, so a broken project fails in the tests, not on
the day of the seminar.

Quarto facts this relies on (quarto-cli ``src/core/jupyter/jupyter.ts``, ``tags.ts``,
``display-data.ts``): the cell tag ``remove-cell`` means ``include: false``; ``#|`` comment
lines and cell metadata carry cell options; ``output: asis`` puts a cell's markdown output into
the document as it stands, so a ``##`` heading printed by a cell starts a slide; a first raw
cell holding ``---`` YAML ``---`` is the document's front matter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from string import Template
from typing import Any

from research import settings
from research.errors import ResearchError
from research.report.kit.labels import LANGS
from research.settings import QUARTO_ENV

INSTALL_HINT = (
    "install it from https://quarto.org/docs/get-started/ (or `conda install -c conda-forge "
    "quarto`, or `pip install quarto-cli`), or set QUARTO_PATH to the quarto program"
)
PROJECT_FILE = "_quarto.yml"
OUTPUT_DIR = "quarto"
TEMPLATE = Path(__file__).parent / "templates" / "quarto" / PROJECT_FILE
RENDER_TIMEOUT = 600  # seconds per notebook and format; a hung render must not hang the CLI
TYPST_SINCE = (1, 4)  # the Typst format arrived in Quarto 1.4

# format name (as `research render --to` takes it) -> (notebook stem, quarto --to, output file)
FORMATS: dict[str, tuple[str, str, str]] = {
    "html": ("progress", "html", "progress.html"),
    "pdf": ("progress", "typst", "progress.pdf"),
    "revealjs": ("seminar", "revealjs", "seminar.html"),
}
NOTEBOOKS = ("progress", "seminar")
HIDDEN_TAGS = ("parameters", "injected-parameters")  # papermill's tags; never shown to readers
REMOVE_TAG = "remove-cell"  # honoured by Quarto (include: false) and by the runner's nbconvert

# The Quarto options this package writes or uses, and nothing else: a typo or an option from
# another Quarto version fails the tests instead of being ignored silently. Reference:
# https://quarto.org/docs/reference/projects/options.html and
# https://quarto.org/docs/reference/cells/cells-jupyter.html
PROJECT_OPTIONS: dict[str, Any] = {
    "project": {"type": None, "output-dir": None, "render": None},
    "lang": None,
    "execute": {"enabled": None, "echo": None, "warning": None},
    "format": {
        "html": {"embed-resources": None},
        "typst": {"papersize": None},
        "revealjs": {"embed-resources": None, "slide-level": None, "slide-number": None},
    },
}
CELL_OPTIONS: dict[str, tuple[Any, ...] | None] = {
    "echo": (True, False),
    "include": (True, False),
    "warning": (True, False),
    "output": (True, False, "asis"),
    "label": None,
    "fig-cap": None,
    "fig-alt": None,
}
_OPTION_LINE = re.compile(r"^#\|\s?(.*)$")


class QuartoError(ResearchError):
    """Raised when a report folder cannot be rendered with Quarto."""


class QuartoMissing(QuartoError):
    """Raised when the Quarto CLI is not installed (or QUARTO_PATH points nowhere)."""

    def __init__(self, detail: str = "Quarto is not installed") -> None:
        self.detail = detail
        super().__init__(f"{detail}: {INSTALL_HINT}")

    def __reduce__(self):  # picklable for parallel partner runs, message not doubled
        return (type(self), (self.detail,))


# --- finding Quarto -----------------------------------------------------------------------------


def find_quarto() -> Path | None:
    """``$QUARTO_PATH`` (the program, or a folder holding it or ``bin/quarto``), else the PATH."""
    given = settings.quarto_path()
    if given:
        path = Path(given).expanduser()
        candidates = [path, path / "quarto", path / "bin" / "quarto"] if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
        return None
    found = shutil.which("quarto")
    return Path(found) if found else None


def require_quarto() -> Path:
    """The Quarto program, or QuartoMissing saying in one line how to install it."""
    found = find_quarto()
    if found is None:
        given = settings.quarto_path()
        if given:
            raise QuartoMissing(f"{QUARTO_ENV}={given} is not the quarto program")
        raise QuartoMissing()
    return found


def quarto_version(quarto: Path) -> tuple[int, ...] | None:
    """``quarto --version`` as numbers, or None when it cannot be read."""
    try:
        done = subprocess.run(
            [str(quarto), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", done.stdout)
    return tuple(int(p) for p in match.groups() if p is not None) if match else None


# --- the executed notebooks ---------------------------------------------------------------------


def prepare_notebook_for_quarto(nb: Any) -> Any:
    """Tag papermill's parameters cells ``remove-cell`` so no renderer ever shows them.

    Quarto does not hide papermill's injected cell on its own (quarto-cli #11990 is about
    Quarto's own parameters), and the parameters are metadata, not content. Returns ``nb``,
    changed in place; running it twice changes nothing.
    """
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if any(tag in tags for tag in HIDDEN_TAGS) and REMOVE_TAG not in tags:
            cell.metadata["tags"] = [*tags, REMOVE_TAG]
    return nb


def prepare_executed_notebook(path: Path) -> None:
    """Prepare one executed notebook file in place (the runner calls this before the manifest)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.write(prepare_notebook_for_quarto(nb), path)


def cell_options(source: str) -> dict[str, Any]:
    """The ``#|`` options at the top of a code cell (Quarto's syntax), parsed as YAML."""
    import yaml

    lines = []
    for line in source.splitlines():
        match = _OPTION_LINE.match(line)
        if not match:
            break
        lines.append(match.group(1))
    if not lines:
        return {}
    parsed = yaml.safe_load("\n".join(lines))
    return parsed if isinstance(parsed, dict) else {}


def notebook_problems(path: Path) -> list[str]:
    """What stops Quarto from rendering this executed notebook as the report intends."""
    import nbformat

    name = path.name
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # unreadable JSON or schema: one line, whatever the cause
        return [f"{name} is not a readable notebook ({type(exc).__name__})"]
    problems = []
    code = [c for c in nb.cells if c.cell_type == "code"]
    if code and all(c.execution_count is None for c in code):
        problems.append(f"{name} has not been executed; make the report with `research report`")
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if any(tag in tags for tag in HIDDEN_TAGS) and REMOVE_TAG not in tags:
            problems.append(f"{name} cell {number}: a parameters cell is not tagged {REMOVE_TAG}")
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            problems.append(f"{name} cell {number} ended in an error")
        try:
            options = cell_options(cell.source)
        except Exception:
            problems.append(f"{name} cell {number}: its #| options are not valid YAML")
            continue
        for key, value in options.items():
            if key not in CELL_OPTIONS:
                problems.append(f"{name} cell {number}: unknown Quarto cell option {key!r}")
            elif CELL_OPTIONS[key] is not None and value not in CELL_OPTIONS[key]:
                problems.append(f"{name} cell {number}: {key}: {value!r} is not allowed")
    return problems


# --- the project file ---------------------------------------------------------------------------


def _manifest_parameters(report_dir: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((report_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    parameters = manifest.get("parameters") if isinstance(manifest, dict) else None
    return parameters if isinstance(parameters, dict) else {}


def _notebooks_in(report_dir: Path) -> list[str]:
    return [f"{stem}.ipynb" for stem in NOTEBOOKS if (report_dir / f"{stem}.ipynb").is_file()]


def project_yaml(lang: str, notebooks: list[str]) -> str:
    """The text of ``_quarto.yml`` from the template kept in the package."""
    if lang not in LANGS:
        raise QuartoError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    text = TEMPLATE.read_text(encoding="utf-8")
    return Template(text).substitute(lang=lang, render=json.dumps(notebooks))


def write_project(report_dir: Path, lang: str | None = None) -> Path:
    """Write ``_quarto.yml`` into a report folder; the language is the report's own."""
    report_dir = Path(report_dir)
    notebooks = _notebooks_in(report_dir)
    if "progress.ipynb" not in notebooks:
        raise QuartoError(
            f"{report_dir} has no progress.ipynb: is it a report folder made by `research report`?"
        )
    chosen = lang or str(_manifest_parameters(report_dir).get("lang") or "da")
    path = report_dir / PROJECT_FILE
    path.write_text(project_yaml(chosen, notebooks), encoding="utf-8")
    return path


def _unknown_keys(value: Any, allowed: dict[str, Any], where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where or 'the project'} must be a mapping"]
    problems = []
    for key, inner in value.items():
        name = f"{where}.{key}" if where else str(key)
        if key not in allowed:
            problems.append(f"unknown Quarto option {name}")
        elif allowed[key] is not None:
            problems += _unknown_keys(inner, allowed[key], name)
    return problems


def project_problems(report_dir: Path) -> list[str]:
    """Everything wrong with a report folder's Quarto project, found without Quarto."""
    import yaml

    report_dir = Path(report_dir)
    path = report_dir / PROJECT_FILE
    if not path.is_file():
        return [f"{path} is missing; `research render` writes it"]
    try:
        project = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [f"{path} is not valid YAML ({type(exc).__name__})"]
    problems = _unknown_keys(project, PROJECT_OPTIONS, "")
    if problems:
        return problems
    execute = project.get("execute", {})
    if execute.get("enabled") is not False:
        problems.append("execute.enabled must be false: the notebooks are already executed")
    if execute.get("echo") is not False:
        problems.append("execute.echo must be false: readers see results, not code")
    if project.get("lang") not in LANGS:
        problems.append(f"lang must be one of {', '.join(LANGS)}")
    listed = project.get("project", {}).get("render") or []
    for name in listed:
        notebook = report_dir / str(name)
        if not notebook.is_file():
            problems.append(f"{name} is listed in project.render but missing")
        else:
            problems += notebook_problems(notebook)
    return problems


def validate_report(report_dir: Path) -> None:
    """Refuse a folder that is not a made report, or whose notebooks Quarto cannot render."""
    report_dir = Path(report_dir)
    notebooks = _notebooks_in(report_dir)
    if "progress.ipynb" not in notebooks:
        raise QuartoError(
            f"{report_dir} has no progress.ipynb: is it a report folder made by `research report`?"
        )
    problems = [p for name in notebooks for p in notebook_problems(report_dir / name)]
    if problems:
        raise QuartoError(f"{report_dir} is not ready for Quarto: " + "; ".join(problems))


def handed_problems(scratch: Path) -> list[str]:
    """What is wrong with a scratch project handed to Quarto: its project file and notebooks,
    and any output left with only text/plain (an object's repr)."""
    import nbformat

    from research.report.runner.quarto_documents import plain_only_outputs

    problems = project_problems(scratch)
    for notebook in sorted(Path(scratch).glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        problems += [f"{notebook.name} {p}: text/plain only" for p in plain_only_outputs(nb)]
    return problems


def validate_project(report_dir: Path) -> None:
    """Refuse to render a folder Quarto would render wrongly, naming every problem."""
    problems = project_problems(report_dir)
    if problems:
        raise QuartoError(f"{report_dir} is not ready for Quarto: " + "; ".join(problems))


# --- rendering ----------------------------------------------------------------------------------


def parse_formats(text: str | None) -> tuple[str, ...]:
    """``"html,pdf"`` -> ``("html", "pdf")``; empty: every format whose notebook exists."""
    if not text:
        return tuple(FORMATS)
    chosen = tuple(dict.fromkeys(p.strip().lower() for p in text.split(",") if p.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise QuartoError(
            f"unknown format {', '.join(unknown) or repr(text)}; choose from {', '.join(FORMATS)}"
        )
    return chosen


def _title(parameters: dict[str, Any]) -> str | None:
    quarter = str(parameters.get("quarter") or "")
    match = re.fullmatch(r"(\d{4})Q([1-4])", quarter)
    if not match:
        return None
    year, number = match.groups()
    partner = f" – {parameters['partner']}" if parameters.get("partner") else ""
    if parameters.get("lang") == "en":
        return f"Quarterly report Q{number} {year}{partner}"
    return f"Kvartalsrapport {number}. kvt. {year}{partner}"


def _tail(text: str, lines: int = 3, width: int = 400) -> str:
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept)[-width:] or "no message"


def render_command(quarto: Path, notebook: str, to: str) -> list[str]:
    """The ``quarto render`` call for one notebook and format (run in its scratch folder); the
    title is in the notebook's front matter, not on the command line."""
    return [str(quarto), "render", notebook, "--to", to, "--no-execute"]


def scratch_project(report_dir: Path, scratch: Path, name: str, lang: str | None) -> Path:
    """Write what Quarto gets for format ``name`` into ``scratch``: the notebook made for that
    format (``quarto_documents``) and the project file. Returns the notebook's path."""
    from research.report.runner.quarto_documents import write_handed_notebook

    stem = FORMATS[name][0]
    scratch.mkdir(parents=True, exist_ok=True)
    title = _title(_manifest_parameters(report_dir)) if stem == "progress" else None
    notebook = write_handed_notebook(
        report_dir / f"{stem}.ipynb", scratch / f"{stem}.ipynb", name, title
    )
    chosen = lang or str(_manifest_parameters(report_dir).get("lang") or "da")
    (scratch / PROJECT_FILE).write_text(project_yaml(chosen, [notebook.name]), encoding="utf-8")
    return notebook


def render(
    report_dir: Path,
    formats: tuple[str, ...] | list[str] | None = None,
    *,
    lang: str | None = None,
) -> list[Path]:
    """Render a report folder with Quarto into ``<report_dir>/quarto/``; return the files.

    Quarto renders next to the notebook and then moves its output into ``output-dir``, which
    replaced the report's own ``progress.html``. So each format is rendered in a scratch folder
    outside the report, from a copy made for that format, and only the finished files are moved
    into ``quarto/``: every other file of the report folder stays byte for byte as it was.
    ``formats`` default: html and pdf, and revealjs when the seminar notebook exists.
    """
    report_dir = Path(report_dir)
    validate_report(report_dir)
    if formats is None:
        formats = [f for f in FORMATS if (report_dir / f"{FORMATS[f][0]}.ipynb").is_file()]
    for name in formats:
        if name not in FORMATS:
            raise QuartoError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
        if not (report_dir / f"{FORMATS[name][0]}.ipynb").is_file():
            raise QuartoError(f"{report_dir} has no {FORMATS[name][0]}.ipynb for {name}")
    quarto = require_quarto()
    version = quarto_version(quarto)
    if "pdf" in formats and version is not None and version < TYPST_SINCE:
        shown = ".".join(map(str, version))
        raise QuartoError(f"Quarto {shown} cannot make the Typst PDF; it needs 1.4 or newer")
    env = settings.child_environment(QUARTO_PYTHON=settings.quarto_python() or sys.executable)
    finished = []
    with tempfile.TemporaryDirectory(prefix="research-quarto-") as scratch_root:
        for name in formats:
            stem, to, output = FORMATS[name]
            scratch = Path(scratch_root) / name
            notebook = scratch_project(report_dir, scratch, name, lang)
            problems = handed_problems(scratch)
            if problems:  # a bug here, not the reader's: still one line naming each problem
                raise QuartoError(
                    f"the {name} document for Quarto is wrong: " + "; ".join(problems)
                )
            _run_quarto(render_command(quarto, notebook.name, to), scratch, env, stem, to)
            result = scratch / OUTPUT_DIR / output
            if not result.is_file():
                raise QuartoError(f"quarto render {stem}.ipynb --to {to} wrote no {output}")
            finished.append(result)
        target_dir = report_dir / OUTPUT_DIR
        target_dir.mkdir(exist_ok=True)
        written = []
        for result in finished:  # only after every format succeeded
            target = target_dir / result.name
            shutil.copyfile(result, target.with_name(f".{result.name}.partial"))
            os.replace(target.with_name(f".{result.name}.partial"), target)
            written.append(target)
    return written


def _run_quarto(command: list[str], cwd: Path, env: dict[str, str], stem: str, to: str) -> None:
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=RENDER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise QuartoError(
            f"quarto render {stem}.ipynb --to {to} took more than {RENDER_TIMEOUT} s"
        ) from None
    if done.returncode != 0:
        raise QuartoError(
            f"quarto render {stem}.ipynb --to {to} failed (exit {done.returncode}): "
            f"{_tail(done.stderr or done.stdout)}"
        )
