"""The main job: papermill runs the report notebooks, nbconvert renders them, a manifest records.

Why this shape: the database is copied once, at the start, into a read-only snapshot that the
runner and every notebook read, so an import during the run changes nothing in the report and
the manifest's database hash describes exactly what was read. Every parameter is checked
(``load_context``) before a kernel starts, so bad input costs a second and gives one line. The
notebooks run into a build folder beside the reports (same filesystem), the manifest is written
into it, and only the complete folder is published, by renaming it into place
(``folder_swap``): a reader sees the old report or the new one, never a mixture. A failed run
publishes nothing; its partly executed notebook is kept as ``<name>.failed.ipynb`` next to the
last good report, so the failing cell can be seen.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from research import settings
from research.config import resolve_db_path
from research.report.kit.context import ReportContext, ReportError, load_context
from research.report.kit.data_mark import data_mark, stamp_table_index
from research.report.kit.quarter.protection import quarter_solution
from research.report.runner.documents import DECK_NOTEBOOK, warm_up, write_deck, write_pdf
from research.report.runner.folder_swap import publish_folder
from research.report.runner.manifest import MANIFEST, now, read_outputs, write_manifest
from research.report.runner.quarto import prepare_executed_notebook
from research.report.runner.solve_beside import Solving, solve_beside
from research.settings import KERNEL_ENV, NOTEBOOKS_ENV
from research.store.content_hash import database_hash
from research.store.snapshot import snapshot_database

DEFAULT_KERNEL = "python3"
MAIN_NOTEBOOK = "progress"
EVIDENCE_NOTEBOOK = "evidence"
ARTICLE = "article"  # the evidence's sub-folder of a quarter's report folder
EXTRA_NOTEBOOKS = ("seminar",)
TABLES = "tables"
STALE_AFTER_RERUN = ("quarto", "_quarto.yml")  # rendered by `research render` from old notebooks
SNAPSHOT = "snapshot.duckdb"  # the database as the run read it, in a private temporary folder
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
    candidates = [settings.notebooks_dir(), "notebooks"]
    candidates.append(str(Path(__file__).resolve().parents[4] / "notebooks"))
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

    name = kernel or settings.kernel() or DEFAULT_KERNEL
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


def _scratch_folder(out: Path) -> Path:
    """A folder in ``out`` (so on the reports' filesystem) to build the report in; only its
    ``report`` folder is ever published, by rename."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".building-", dir=out))
    except OSError as exc:
        raise ReportError(
            f"cannot write the report to {out}: {exc.strerror or exc}; choose another --out"
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
        "previous": str(ctx.earlier_dir.resolve()) if ctx.earlier_dir else "",
    }


def _title(ctx: ReportContext) -> str:
    who = f" – {ctx.partner_name}" if ctx.partner else ""
    if ctx.lang == "da":
        return f"Kvartalsrapport {ctx.quarter.label('da')}{who}"
    return f"Quarterly report {ctx.quarter.label('en')}{who}"


def execute(source: Path, target: Path, parameters: dict[str, Any], kernel: str, cwd: Path) -> None:
    """Run one notebook with papermill; a failure keeps ``<name>.failed.ipynb`` next to it."""
    import papermill as pm

    from research.report.runner.kernel_session import local_kernel_manager

    sockets = Path(tempfile.mkdtemp(prefix="research-kernel-"))
    try:
        pm.execute_notebook(
            # absolute: papermill resolves a relative path against a working folder it keeps
            # in one process-wide handler, which notebooks run side by side set and restore
            # in turn (a relative output folder was once "not found" mid-run)
            str(Path(source).resolve()),
            str(Path(target).resolve()),
            parameters=parameters,
            kernel_name=kernel,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            kernel_manager_class=local_kernel_manager(sockets),
        )
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            f"{source.name} failed in cell {exc.exec_count}: {exc.ename}: {_first_line(exc.evalue)}"
        ) from None
    except Exception as exc:  # a dead kernel, a timeout: still one line, never a traceback
        raise ReportError(f"{source.name} could not run: {type(exc).__name__}: {exc}") from None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def _first_line(text: str) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def render_html(
    notebook: Path, target: Path, lang: str, title: str, *, mark: str | None = None
) -> Path:
    """Self-contained HTML: no code, no prompts, no parameters cells, figures embedded;
    ``mark`` (synthetic data) is shown at the top and on every printed page."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["title"] = title
    if mark:
        nb.metadata["workbench_mark"] = mark
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


def with_previous(ctx: ReportContext, out: Path, previous: Path | str | None) -> ReportContext:
    """The context with the previous quarter's report folder to protect against: ``previous``
    when given (a re-made report uses the one its manifest names), else ``out``'s newest
    quarter folder before this one that holds a publication record — the quarter just before,
    or an earlier one when a quarter was skipped (every quarter before it is read with it)."""
    from dataclasses import replace

    from research.report.kit.earlier import latest_published_before

    folder = Path(previous) if previous else latest_published_before(out, str(ctx.quarter))
    if folder is None or not (folder / TABLES / "publication.json").is_file():
        return ctx
    return replace(ctx, earlier_dir=folder)


def audit_before_publishing(build: Path, into: Path | None = None, under: str = "") -> None:
    """The disclosure audit of the finished files (``kit.audit``): nothing moves into place
    when a reader could work out a small group from them. One line names the first cell.
    ``into``/``under``: the build will sit at ``into/under``, so it is audited together with
    what that quarter's folder already publishes (the report, its partner reports, the
    article), as a reader will hold them."""
    from research.report.kit.audit import audit_report, find_publications

    if not find_publications(build):
        if any(build.rglob("*.csv")):
            raise ReportError("refusing to publish: the tables have no publication.json to audit")
        return
    result = audit_report(build, into=into, under=under)
    if not result.passed:
        more = f" (and {len(result.leaks) - 1} more)" if len(result.leaks) > 1 else ""
        raise ReportError(
            f"refusing to publish, the disclosure audit failed: {result.leaks[0].line()}{more}"
        )


def _programme_owned(build: Path) -> Callable[[Path], list[str]]:
    """What a re-published folder keeps of the old one: every entry this kind of report did
    not write (partner sub-folders, article/, anything a person put there). What the last run
    wrote (its manifest lists it), what this run wrote, failed notebooks and what was rendered
    from the old notebooks (Quarto) are replaced or dropped."""

    def keep(old: Path) -> list[str]:
        owned = {item.name for item in build.iterdir()} | {MANIFEST, *STALE_AFTER_RERUN}
        owned |= {path.split("/")[0] for path in read_outputs(old)}
        return [
            item.name
            for item in old.iterdir()
            if item.name not in owned and not item.name.endswith(".failed.ipynb")
        ]

    return keep


def _publish(build_dir: Path, target_dir: Path, *, out: Path, shares_folder: bool) -> None:
    """The one place where a complete report (notebooks, HTML, tables, manifest) is published.

    Everything that must vet a whole report before any reader can see it belongs here, before
    the swap. ``shares_folder``: the target (a quarter's folder) also holds other reports'
    sub-folders, which the new folder keeps.
    """
    if shares_folder:
        audit_before_publishing(build_dir, target_dir, "")
    else:
        audit_before_publishing(build_dir, target_dir.parent, target_dir.name)
    keep = _programme_owned(build_dir) if shares_folder else (lambda _old: [])
    try:
        publish_folder(build_dir, target_dir, lock_root=out, carry_over=keep)
    except OSError as exc:
        raise ReportError(
            f"cannot publish the report to {target_dir}: {exc.strerror or exc}; "
            "the previous report is unchanged"
        ) from None


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
    previous: Path | str | None = None,
) -> ReportResult:
    """Make one quarterly report (the whole programme, or one partner's) and return its paths.
    ``previous``: the previous quarter's report folder to protect against (default: the
    newest one published in ``out`` before this quarter)."""
    timing = (time.perf_counter(), now())
    kernel = kernel_name(kernel)  # a missing kernel fails before the quarter is solved
    with _Run(db, Path(out)) as run:
        ctx = run.context(quarter, lang, min_cell=min_cell, partner=partner, config=config)
        ctx = with_previous(ctx, Path(out), previous)
        # Solved once, in a child beside the kernels as they start: the notebooks, which run
        # side by side, then read the quarter-wide protection from its cache (waiting for the
        # child where they get there first) instead of each solving it.
        solving = solve_beside(ctx, quarter_solution)
        source_dir = notebooks_dir()
        extra = [n for n in EXTRA_NOTEBOOKS if (source_dir / f"{n}.ipynb").is_file()]
        return run.notebooks(
            ctx,
            report_folder(Path(out), ctx),
            [MAIN_NOTEBOOK, *extra],
            tables_subdir=TABLES,
            title=_title(ctx),
            config=config,
            kernel=kernel,
            timing=timing,
            shares_folder=not ctx.partner,
            solving=solving,
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
    previous: Path | str | None = None,
) -> ReportResult:
    """The article's evidence for a quarter: ``reports/<quarter>/article/`` with the executed
    notebook, its HTML, every table as Markdown, LaTeX and CSV and every figure as PDF, SVG
    and PNG (``figures/``). English by default; always the whole programme."""
    timing = (time.perf_counter(), now())
    kernel = kernel_name(kernel)  # a missing kernel fails before the quarter is solved
    with _Run(db, Path(out)) as run:
        ctx = run.context(quarter, lang, min_cell=min_cell, config=config)
        ctx = with_previous(ctx, Path(out), previous)
        # The article is protected jointly with the quarter's reports: solved beside the
        # kernel's start as for a report, where the scopes' tables are built on every core (a
        # kernel, which runs threads, builds them one by one), or read from the cache
        # `research report` left
        solving = solve_beside(ctx, quarter_solution)
        title = (
            f"Evidence for the article, {ctx.quarter.label('en')}"
            if lang == "en"
            else f"Evidens til artiklen, {ctx.quarter.label('da')}"
        )
        return run.notebooks(
            ctx,
            Path(out) / str(ctx.quarter) / ARTICLE,
            [EVIDENCE_NOTEBOOK],
            tables_subdir="",
            title=title,
            config=config,
            kernel=kernel,
            timing=timing,
            shares_folder=False,
            solving=solving,
        )


class _Run:
    """One run's scratch: the database snapshot every reader reads (in a private temporary
    folder, so that a killed run never leaves a copy of the data among the reports) and the
    build folder in ``out`` (the reports' filesystem, so it can be renamed into place).
    Both are removed at the end, whatever happened."""

    def __init__(self, db: Path | str | None, out: Path) -> None:
        self.source = resolve_db_path(db or None)
        self.out = out

    def __enter__(self) -> _Run:
        self.scratch = _scratch_folder(self.out)
        self.private = Path(tempfile.mkdtemp(prefix="research-snapshot-"))
        try:
            self.snapshot = snapshot_database(self.source, self.private / SNAPSHOT)
            self.snapshot_taken = now()
            # kept beside the snapshot: the protection's cache key and every kernel read it
            self.database_hash = database_hash(self.snapshot, keep=True)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        shutil.rmtree(self.private, ignore_errors=True)

    def context(self, quarter: str | None, lang: str, **options: Any) -> ReportContext:
        """The parameters checked against the snapshot; messages name the user's database."""
        return load_context(self.snapshot, quarter, lang, shown_as=self.source, **options)

    def notebooks(
        self,
        ctx: ReportContext,
        folder: Path,
        names: list[str],
        *,
        tables_subdir: str,
        title: str,
        config: Path | str | None,
        kernel: str | None,
        timing: tuple[float, str],
        shares_folder: bool,
        solving: Solving | None = None,
    ) -> ReportResult:
        """Execute ``names`` (the first is the main notebook, rendered to HTML and given the
        tables folder) on the snapshot into the build folder, write the manifest into it, and
        publish it as ``folder``. ``solving``: the quarter's protection being solved beside
        the kernels; its failure is the one reported when the notebooks fail too."""
        chosen_kernel = kernel_name(kernel)
        source_dir = notebooks_dir()
        parameters = parameters_for(ctx, config)
        main = names[0]
        build = self.scratch / "report"
        build.mkdir()
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
        mark = data_mark(ctx.data_origin, ctx.lang)

        def finish(name: str, notebook: Path) -> None:
            """A notebook's own documents, made as soon as it ran (the deck while the report's
            notebook still runs): the HTML and the PDF from the main one, the deck from the
            seminar."""
            prepare_executed_notebook(notebook)  # Quarto hides what nbconvert hides
            if name == main:
                stamp_table_index(build / tables_subdir, ctx.data_origin, mark)
                render_html(notebook, build / f"{main}.html", ctx.lang, title, mark=mark)
                write_pdf(build, ctx, main, title, mark=mark)
            elif name == DECK_NOTEBOOK:
                write_deck(build, ctx, mark=mark)

        # The notebooks are independent and each runs in its own kernel process, so they run
        # side by side: the report takes as long as the longest notebook, not the sum. This
        # thread meanwhile loads the renderers, and makes each notebook's documents when it is
        # done, so little is left once the last notebook ends.
        errors: dict[str, BaseException | None] = {}
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            futures = {
                pool.submit(execute, source, target, params, chosen_kernel, Path.cwd()): (
                    source.stem,
                    target,
                )
                for source, target, params in jobs
            }
            warm_up()
            for future in as_completed(futures):
                name, target = futures[future]
                errors[name] = future.exception()
                if not any(errors.values()):  # nothing to publish once a notebook failed
                    finish(name, target)
        if solving is not None:
            solving.wait()  # the root cause, when the notebooks failed for want of it
        for _, target, _ in jobs:
            error = errors[target.stem]
            if error is None:
                continue
            if target.exists():
                folder.mkdir(parents=True, exist_ok=True)
                kept = folder / target.name.replace(".ipynb", ".failed.ipynb")
                os.replace(target, kept)
                raise ReportError(f"{error}; the partly run notebook is {kept}") from None
            raise error
        write_manifest(
            build,
            parameters={**parameters, "db": str(self.source.resolve()), "out": str(self.out)},
            database=self.source.resolve(),
            database_content_hash=self.database_hash,
            snapshot_taken=self.snapshot_taken,
            data_origin=ctx.data_origin,
            started=timing[1],
            notebooks=[f"{n}.ipynb" for n in names],
        )
        _publish(build, folder, out=self.out, shares_folder=shares_folder)
        return ReportResult(
            folder=folder,
            html=folder / f"{main}.html",
            notebooks=tuple(folder / f"{n}.ipynb" for n in names),
            manifest=folder / MANIFEST,
            tables=tuple(sorted((folder / tables_subdir).glob("*.csv"))),
            seconds=time.perf_counter() - timing[0],
            parameters=parameters,
        )
