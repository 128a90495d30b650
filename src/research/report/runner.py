"""The main job: papermill runs the report notebooks, nbconvert renders them, a manifest records.

Why this shape: every parameter is checked (``load_context``) before a kernel starts, so bad
input costs a second and gives one line. The notebooks run in a build folder next to the report
and their results are moved into place only when everything succeeded, so a failed run never
leaves a half-new report; the partly executed notebook is kept as ``<name>.failed.ipynb`` so the
failing cell can be seen.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from research.report.context import ReportContext, ReportError, load_context
from research.report.manifest import database_hash, now, write_manifest
from research.report.quarto import prepare_executed_notebook

KERNEL_ENV = "RESEARCH_KERNEL"
NOTEBOOKS_ENV = "RESEARCH_NOTEBOOKS"
DEFAULT_KERNEL = "python3"
MAIN_NOTEBOOK = "progress"
EVIDENCE_NOTEBOOK = "evidence"
ARTICLE = "article"  # the evidence's sub-folder of a quarter's report folder
EXTRA_NOTEBOOKS = ("seminar",)
TABLES = "tables"
STALE_AFTER_RERUN = ("quarto", "_quarto.yml")  # rendered by `research render` from old notebooks
TEMPLATES = Path(__file__).parent / "templates" / "nbconvert"


@dataclass(frozen=True)
class ReportResult:
    """Where the report went and how long it took."""

    folder: Path
    html: Path
    notebooks: tuple[Path, ...]
    manifest: Path
    tables: tuple[Path, ...]
    seconds: float
    parameters: dict[str, Any] = field(default_factory=dict)


def notebooks_dir() -> Path:
    """``$RESEARCH_NOTEBOOKS``, else ``./notebooks``, else the repository's ``notebooks/``."""
    candidates = [os.environ.get(NOTEBOOKS_ENV), "notebooks"]
    candidates.append(str(Path(__file__).resolve().parents[3] / "notebooks"))
    for candidate in candidates:
        if candidate and (Path(candidate) / f"{MAIN_NOTEBOOK}.ipynb").is_file():
            return Path(candidate)
    raise ReportError(
        f"cannot find notebooks/{MAIN_NOTEBOOK}.ipynb; run from the repository or set "
        f"{NOTEBOOKS_ENV}"
    )


def kernel_name(kernel: str | None = None) -> str:
    """The Jupyter kernel to run the notebooks with, checked to exist."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    name = kernel or os.environ.get(KERNEL_ENV) or DEFAULT_KERNEL
    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        raise ReportError(
            f"no Jupyter kernel named {name!r}: run `make env` (it installs ipykernel into .venv) "
            f"or choose one with {KERNEL_ENV} (`jupyter kernelspec list` shows them)"
        ) from None
    return name


def report_folder(out: Path, ctx: ReportContext) -> Path:
    folder = Path(out) / str(ctx.quarter)
    return folder / ctx.partner if ctx.partner else folder


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ReportError(
            f"cannot write the report to {folder}: {exc.strerror or exc}; choose another --out"
        ) from None


def parameters_for(ctx: ReportContext, config: Path | str | None) -> dict[str, Any]:
    """The notebook parameters: exactly the names of the notebooks' ``parameters`` cell."""
    return {
        "quarter": str(ctx.quarter),
        "db": str(Path(ctx.db_path).resolve()) if ctx.db_path else "",
        "lang": ctx.lang,
        "min_cell": ctx.rule.min_cell,
        "partner": ctx.partner or "",
        "config": str(Path(config).resolve()) if config else "",
    }


def _title(ctx: ReportContext) -> str:
    who = f" – {ctx.partner_name}" if ctx.partner else ""
    if ctx.lang == "da":
        return f"Kvartalsrapport {ctx.quarter.label('da')}{who}"
    return f"Quarterly report {ctx.quarter.label('en')}{who}"


def execute(source: Path, target: Path, parameters: dict[str, Any], kernel: str, cwd: Path) -> None:
    """Run one notebook with papermill; a failure keeps ``<name>.failed.ipynb`` next to it."""
    import papermill as pm

    sockets = Path(tempfile.mkdtemp(prefix="research-kernel-"))
    try:
        pm.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name=kernel,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            kernel_manager_class=_local_kernel_manager(sockets),
        )
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            f"{source.name} failed in cell {exc.exec_count}: {exc.ename}: {_first_line(exc.evalue)}"
        ) from None
    except Exception as exc:  # a dead kernel, a timeout: still one line, never a traceback
        raise ReportError(f"{source.name} could not run: {type(exc).__name__}: {exc}") from None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def _local_kernel_manager(sockets: Path) -> type:
    """A kernel manager that talks to its kernel over Unix sockets in ``sockets`` instead of
    TCP ports: nothing listens on the network, and no eavesdropping warning."""
    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if os.name == "posix":
                self.transport = "ipc"
                self.ip = str(sockets / "kernel")

    return LocalKernelManager


def _first_line(text: str) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def render_html(notebook: Path, target: Path, lang: str, title: str) -> Path:
    """Self-contained HTML: no code, no prompts, no parameters cells, figures embedded."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["title"] = title
    remove = TagRemovePreprocessor(
        remove_cell_tags={"parameters", "injected-parameters", "remove-cell"}, enabled=True
    )
    exporter = HTMLExporter(
        template_name="workbench",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=lang,
    )
    exporter.register_preprocessor(remove, enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")
    return target


def audit_before_publishing(build: Path) -> None:
    """The disclosure audit of the finished files (``report.audit``): nothing moves into place
    when a reader could work out a small group from them. One line names the first cell."""
    from research.report.audit import audit_report, find_publications

    if not find_publications(build):
        if any(build.rglob("*.csv")):
            raise ReportError("refusing to publish: the tables have no publication.json to audit")
        return
    result = audit_report(build)
    if not result.passed:
        more = f" (and {len(result.leaks) - 1} more)" if len(result.leaks) > 1 else ""
        raise ReportError(
            f"refusing to publish, the disclosure audit failed: {result.leaks[0].line()}{more}"
        )


def _move_into_place(build: Path, folder: Path) -> None:
    """Replace the report's files with the new ones; other files (partner folders) stay, but
    what was rendered from the old notebooks (a failed run's notebook, Quarto output) goes."""
    for stale in folder.glob("*.failed.ipynb"):
        stale.unlink()
    for rendered in STALE_AFTER_RERUN:
        path = folder / rendered
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for item in sorted(build.iterdir()):
        target = folder / item.name
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(item, target)


def run_report(
    quarter: str | None = None,
    db: Path | str | None = None,
    lang: str = "da",
    *,
    partner: str | None = None,
    out: Path | str = "reports",
    min_cell: int | None = None,
    config: Path | str | None = None,
    kernel: str | None = None,
) -> ReportResult:
    """Make one quarterly report (the whole programme, or one partner's) and return its paths."""
    start, started = time.perf_counter(), now()
    ctx = load_context(db, quarter, lang, min_cell=min_cell, partner=partner, config=config)
    source_dir = notebooks_dir()
    extra = [n for n in EXTRA_NOTEBOOKS if (source_dir / f"{n}.ipynb").is_file()]
    return _run_notebooks(
        ctx,
        report_folder(Path(out), ctx),
        [MAIN_NOTEBOOK, *extra],
        tables_subdir=TABLES,
        title=_title(ctx),
        config=config,
        out=out,
        kernel=kernel,
        timing=(start, started),
    )


def run_evidence(
    quarter: str | None = None,
    db: Path | str | None = None,
    lang: str = "en",
    *,
    out: Path | str = "reports",
    min_cell: int | None = None,
    config: Path | str | None = None,
    kernel: str | None = None,
) -> ReportResult:
    """The article's evidence for a quarter: ``reports/<quarter>/article/`` with the executed
    notebook, its HTML, every table as Markdown, LaTeX and CSV and every figure as PDF, SVG
    and PNG (``figures/``). English by default; always the whole programme."""
    start, started = time.perf_counter(), now()
    ctx = load_context(db, quarter, lang, min_cell=min_cell, config=config)
    title = (
        f"Evidence for the article, {ctx.quarter.label('en')}"
        if lang == "en"
        else f"Evidens til artiklen, {ctx.quarter.label('da')}"
    )
    return _run_notebooks(
        ctx,
        Path(out) / str(ctx.quarter) / ARTICLE,
        [EVIDENCE_NOTEBOOK],
        tables_subdir="",
        title=title,
        config=config,
        out=out,
        kernel=kernel,
        timing=(start, started),
    )


def _run_notebooks(
    ctx: ReportContext,
    folder: Path,
    names: list[str],
    *,
    tables_subdir: str,
    title: str,
    config: Path | str | None,
    out: Path | str,
    kernel: str | None,
    timing: tuple[float, str],
) -> ReportResult:
    """Execute ``names`` (the first is the main notebook, rendered to HTML and given the tables
    folder) into a build folder, then move the results into ``folder`` and write the manifest."""
    _check_writable(folder)
    chosen_kernel = kernel_name(kernel)
    source_dir = notebooks_dir()
    parameters = parameters_for(ctx, config)
    main = names[0]
    build = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
    try:
        jobs = [
            (
                source_dir / f"{name}.ipynb",
                build / f"{name}.ipynb",
                # the main notebook writes its tables, the others (the deck) their own numbers
                {
                    **parameters,
                    "tables_dir": str(build / (tables_subdir if name == main else name)),
                },
            )
            for name in names
        ]
        # The notebooks are independent and each runs in its own kernel process, so they run
        # side by side: the report takes as long as the longest notebook, not the sum.
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            futures = [
                pool.submit(execute, source, target, params, chosen_kernel, Path.cwd())
                for source, target, params in jobs
            ]
            errors = [f.exception() for f in futures]
        for (_, target, _), error in zip(jobs, errors, strict=True):
            if error is None:
                prepare_executed_notebook(target)  # Quarto hides what nbconvert hides
                continue
            kept = folder / target.name.replace(".ipynb", ".failed.ipynb")
            if target.exists():
                os.replace(target, kept)
                raise ReportError(f"{error}; the partly run notebook is {kept}") from None
            raise error
        render_html(build / f"{main}.ipynb", build / f"{main}.html", ctx.lang, title)
        written = sorted(item.name for item in build.iterdir())
        audit_before_publishing(build)
        _move_into_place(build, folder)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    manifest = write_manifest(
        folder,
        parameters={**parameters, "out": str(out)},
        database=Path(ctx.db_path),
        database_content_hash=database_hash(Path(ctx.db_path)),
        started=timing[1],
        notebooks=[f"{n}.ipynb" for n in names],
        written=written,
    )
    return ReportResult(
        folder=folder,
        html=folder / f"{main}.html",
        notebooks=tuple(folder / f"{n}.ipynb" for n in names),
        manifest=manifest,
        tables=tuple(sorted((folder / tables_subdir).glob("*.csv"))),
        seconds=time.perf_counter() - timing[0],
        parameters=parameters,
    )
