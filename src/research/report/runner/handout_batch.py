"""Many documents from one snapshot: parallel workers, each with one long-lived kernel, and
one publish of the whole folder at the end.

Why this shape:
- One snapshot: the database is copied once into a private read-only file that every kernel
  reads, so all documents of a batch show the same data and each manifest names its hash.
- One kernel per worker (``kernel_session.KernelSession``), one worker per core: the kernel's start
  and imports are paid once per worker, not once per document, and every document is still a
  parameterised notebook run whose executed copy is kept.
- Each document's folder (notebook, HTML, PDF, manifest) is built in a scratch folder on the
  reports' filesystem; at the end the whole ``companies/`` (or ``networks/``) folder is
  swapped in at once (``folder_swap``): a reader sees the old set or the new one, never a
  mixture, and a killed batch publishes nothing. Documents this batch did not make (other
  companies, or one that failed now) keep their last good folder; a failed document leaves
  its partly run notebook as ``<key>.failed.ipynb`` beside them.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from research.config import resolve_db_path
from research.report.kit.context import ReportContext, ReportError, load_context
from research.report.kit.data_mark import data_mark
from research.report.runner.folder_swap import publish_folder
from research.report.runner.manifest import (
    MANIFEST,
    code_version,
    now,
    outputs,
    package_versions,
)
from research.store.content_hash import database_hash
from research.store.snapshot import snapshot_database

INDEX = "index.json"
# The parts of one document's CPU time, as ``Outcome.cpu`` and bench/documents_bench.py name
# them: running the notebook (the kernel's and the worker's side of it), the HTML, the PDF,
# and the notebook, manifest and hashes written to disk.
CPU_PARTS = ("notebook", "html", "pdf", "files")
FAILED = ".failed.ipynb"


@dataclass(frozen=True)
class DocumentKind:
    """One product: its notebook, the parameter naming the subject, its folder and file."""

    notebook: str  # e.g. "company_plan" (notebooks/<name>.ipynb)
    key_parameter: str  # e.g. "cvr"
    folder: str  # e.g. "companies": reports/<quarter>/<folder>/<key>/
    stem: str  # e.g. "plan": <key>/plan.{ipynb,html,pdf}
    title_word: str  # for the progress bar


@dataclass(frozen=True)
class Outcome:
    """One document: where it went, or the one line that says why it failed."""

    key: str
    seconds: float | None
    error: str | None = None
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by part (CPU_PARTS)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class BatchResult:
    folder: Path
    outcomes: list[Outcome]
    seconds: float
    workers: int
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def written(self) -> int:
        return sum(o.ok for o in self.outcomes)

    def documents_per_second(self) -> float:
        return self.written / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class _Job:
    key: str
    parameters: dict[str, Any]
    target: Path  # the document's build folder
    header_date: str
    mark: str | None
    lang: str
    manifest: dict[str, Any]  # what every manifest of the batch shares


# --- in each worker process ---------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _start_worker(kind: DocumentKind, notebook_path: str, kernel: str, cwd: str) -> None:
    import nbformat

    from research.report.runner.kernel_session import KernelSession

    _WORKER["kind"] = kind
    _WORKER["notebook"] = nbformat.read(notebook_path, as_version=4)
    _WORKER["session"] = KernelSession(kernel, Path(cwd))
    import atexit

    atexit.register(_WORKER["session"].close)


def _exporter() -> Any:
    """One HTML exporter per worker: its template is compiled once."""
    if "exporter" not in _WORKER:
        from research.report.runner.handout_html import handout_exporter

        _WORKER["exporter"] = handout_exporter()
    return _WORKER["exporter"]


def _make_document(job: _Job) -> Outcome:
    """Run, render and record one document into ``job.target``; never raises."""
    started = time.perf_counter()
    try:
        cpu = _write_document(job)
    except Exception as exc:  # the summary must name every document that failed, and why
        from research.report.runner.kernel_session import NotebookFailed

        shutil.rmtree(job.target, ignore_errors=True)
        if isinstance(exc, NotebookFailed):
            import nbformat

            nbformat.write(exc.notebook, job.target.with_name(job.key + FAILED))
            message = str(exc)
        else:
            message = f"{type(exc).__name__}: {exc}"
        return Outcome(job.key, None, message.splitlines()[0] if message else "failed")
    return Outcome(job.key, time.perf_counter() - started, cpu=cpu)


class _CpuClock:
    """CPU seconds of this worker and of its kernel, split into the parts of one document."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.parts: dict[str, float] = dict.fromkeys(CPU_PARTS, 0.0)
        self._last = self._now()

    def _now(self) -> float:
        return time.process_time() + self.session.cpu_seconds()

    def lap(self, part: str) -> None:
        now = self._now()
        self.parts[part] += now - self._last
        self._last = now


def _write_document(job: _Job) -> dict[str, float]:
    import nbformat

    from research.report.kit.blocks import blocks_of
    from research.report.runner.pdf import render_pdf

    kind: DocumentKind = _WORKER["kind"]
    clock = _CpuClock(_WORKER["session"])
    started = now()
    nb = _WORKER["session"].run(_WORKER["notebook"], job.parameters)
    clock.lap("notebook")
    blocks = blocks_of(nb)
    title = next((b["title"] for b in blocks if b.get("kind") == "front"), kind.stem)
    job.target.mkdir(parents=True)
    nbformat.write(nb, job.target / f"{kind.stem}.ipynb")
    clock.lap("files")
    nb.metadata["title"] = title
    if job.mark:
        nb.metadata["workbench_mark"] = job.mark
    exporter = _exporter()
    exporter.language_code = job.lang
    body, _ = exporter.from_notebook_node(nb)
    (job.target / f"{kind.stem}.html").write_text(body, encoding="utf-8")
    clock.lap("html")
    render_pdf(
        blocks,
        job.target / f"{kind.stem}.pdf",
        header=f"{title} · {job.header_date}",
        lang=job.lang,
        mark=job.mark,
        as_of=job.manifest["as_of"],
    )
    clock.lap("pdf")
    manifest = {
        "manifest_version": 2,
        "parameters": {**job.manifest["parameters"], kind.key_parameter: job.key},
        "database": job.manifest["database"],
        "code": job.manifest["code"],
        "packages": job.manifest["packages"],
        "notebooks": [f"{kind.stem}.ipynb"],
        "started": started,
        "finished": now(),
        "outputs": outputs(job.target),
    }
    (job.target / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    clock.lap("files")
    return clock.parts


# --- in the main process ------------------------------------------------------------------------


def _notebook_path(kind: DocumentKind) -> Path:
    from research.report.runner.run import notebooks_dir

    path = notebooks_dir() / f"{kind.notebook}.ipynb"
    if not path.is_file():
        raise ReportError(f"cannot find {path}; run from the repository or set RESEARCH_NOTEBOOKS")
    return path


def _keep_others(built: set[str]) -> Callable[[Path], list[str]]:
    """The old folder's entries the new one keeps: documents this batch did not make (or
    failed to make), never an old failure record or the old index."""

    def keep(old: Path) -> list[str]:
        return [
            item.name
            for item in old.iterdir()
            if item.name not in built and item.name != INDEX and not item.name.endswith(FAILED)
        ]

    return keep


def run_documents(
    kind: DocumentKind,
    select: Callable[[ReportContext], Sequence[str]],
    *,
    quarter: str | None = None,
    db: Path | str | None = None,
    lang: str = "da",
    out: Path | str = "reports",
    config: Path | str | None = None,
    kernel: str | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> BatchResult:
    """Make the documents ``select(ctx)`` names (CVR numbers, network ids) and publish them
    under ``<out>/<quarter>/<kind.folder>/``. Raises ReportError when nothing could be made."""
    from research.report.runner.run import kernel_name

    clock = time.perf_counter()
    out = Path(out)
    source = resolve_db_path(db or None)
    chosen_kernel = kernel_name(kernel)
    notebook = _notebook_path(kind)
    private = Path(tempfile.mkdtemp(prefix="research-snapshot-"))
    try:
        snapshot = snapshot_database(source, private / "snapshot.duckdb")
        snapshot_taken = now()
        ctx = load_context(snapshot, quarter, lang, config=config, shown_as=source)
        keys = list(dict.fromkeys(str(k) for k in select(ctx)))
        if not keys:
            raise ReportError(f"no {kind.folder} to make a document for in {source}")
        shared = {
            "parameters": {
                "quarter": str(ctx.quarter),
                "db": str(source.resolve()),
                "lang": lang,
                "config": str(Path(config).resolve()) if config else "",
                "out": str(out),
            },
            "database": {
                "path": str(source.resolve()),
                "content_sha256": database_hash(snapshot, keep=True),
                "snapshot_taken": snapshot_taken,
                "data_origin": ctx.data_origin,
            },
            "code": code_version(),
            "packages": package_versions(),
            "as_of": ctx.as_of.date(),
        }
        target = out / str(ctx.quarter) / kind.folder
        try:
            out.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=out))
        except OSError as exc:
            raise ReportError(f"cannot write to {out}: {exc.strerror or exc}") from None
        try:
            build = scratch / kind.folder
            build.mkdir()
            date_word = "data pr." if lang == "da" else "data as of"
            from research.report.kit.formatting import format_date

            jobs = [
                _Job(
                    key=key,
                    parameters={
                        kind.key_parameter: key,
                        "quarter": str(ctx.quarter),
                        "db": str(snapshot),
                        "lang": lang,
                        "config": str(Path(config).resolve()) if config else "",
                    },
                    target=build / key,
                    header_date=f"{date_word} {format_date(ctx.as_of, lang)}",
                    mark=data_mark(ctx.data_origin, lang),
                    lang=lang,
                    manifest=shared,
                )
                for key in keys
            ]
            n_workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
            outcomes = _run_jobs(kind, jobs, notebook, chosen_kernel, n_workers, progress)
            made = [o for o in outcomes if o.ok]
            if not made:
                first = outcomes[0]
                more = f" (and {len(outcomes) - 1} more)" if len(outcomes) > 1 else ""
                raise ReportError(
                    f"no document was made; {first.key}: {first.error}{more}; nothing was published"
                )
            _write_index(build, kind, outcomes, shared)
            try:
                publish_folder(
                    build, target, lock_root=out, carry_over=_keep_others({o.key for o in made})
                )
            except OSError as exc:
                raise ReportError(
                    f"cannot publish {target}: {exc.strerror or exc}; the previous documents "
                    "are unchanged"
                ) from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    return BatchResult(
        target, outcomes, time.perf_counter() - clock, n_workers, shared["parameters"]
    )


def _write_index(
    build: Path, kind: DocumentKind, outcomes: list[Outcome], shared: dict[str, Any]
) -> None:
    index = {
        "kind": kind.folder,
        "quarter": shared["parameters"]["quarter"],
        "database_content_sha256": shared["database"]["content_sha256"],
        "data_origin": shared["database"]["data_origin"],
        "made": now(),
        "documents": [o.key for o in outcomes if o.ok],
        "failed": {o.key: o.error for o in outcomes if not o.ok},
    }
    (build / INDEX).write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _run_jobs(
    kind: DocumentKind,
    jobs: list[_Job],
    notebook: Path,
    kernel: str,
    workers: int,
    progress: bool,
) -> list[Outcome]:
    """Every job on ``workers`` processes, each with its own kernel; outcomes in job order."""
    from tqdm.auto import tqdm

    context = multiprocessing.get_context("spawn")  # no forked copies of kernels or figures
    outcomes: dict[str, Outcome] = {}
    bar = tqdm(total=len(jobs), desc=kind.title_word, unit="doc", disable=not progress)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(kind, str(notebook), kernel, str(Path.cwd())),
    ) as pool:
        pending = {pool.submit(_make_document, job): job for job in jobs}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    outcomes[job.key] = future.result()
                except Exception as exc:  # the worker itself died (or could not start a kernel)
                    outcomes[job.key] = Outcome(job.key, None, f"worker failed: {exc}")
                bar.update(1)
                if not outcomes[job.key].ok:
                    bar.set_postfix(failed=sum(not o.ok for o in outcomes.values()))
    bar.close()
    return [outcomes[job.key] for job in jobs]
