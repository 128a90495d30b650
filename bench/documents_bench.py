"""Documents per second: every company plan (and workshop-2 brief), and what each costs.

The issue's target: all company plans of the scale-1 demo (972) in under 2 minutes on two
cores, i.e. about 8 documents per second, or at most a quarter of a CPU second per document.
Runs the batch behind ``research plan --all-companies`` (and ``research ws2 --all-networks``)
on a database into a temporary folder and prints the documents made, the wall time, documents
per second, the CPU seconds per document (this process, the workers and their kernels) and
each part's share of that CPU time: running the notebook (kernel and client), the HTML, the
PDF, the files written, and what is paid once per batch (snapshot, workers, kernels, reading
the programme). The machine may be shared, so the load average is printed before and after:
on a loaded machine documents per second falls, CPU seconds per document much less.

``--report`` times instead what the PDF and the seminar deck add to ``research report``: it
makes one report and then times each step ``documents.write_documents`` takes on its executed
notebooks. Usage::

    .venv/bin/python bench/documents_bench.py                       # data/workbench.duckdb
    .venv/bin/python bench/documents_bench.py --limit 100           # the first 100 plans
    .venv/bin/python bench/documents_bench.py --only networks --workers 2
    .venv/bin/python bench/documents_bench.py --report --repeat 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _median_seconds(step: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (the workers, and the
    kernels each worker waited for)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


PART_NAMES = {
    "notebook": "run the notebook (kernel and nbclient)",
    "html": "HTML (nbconvert)",
    "pdf": "PDF (Typst)",
    "files": "notebook, manifest and hashes to disk",
}


def documents(args: argparse.Namespace) -> None:
    """Documents per second and CPU seconds per document, with each part's share."""
    from research.report.companies.view import companies_with_plan
    from research.report.networks.view import networks_with_members
    from research.report.runner.company_plans import COMPANY_PLAN
    from research.report.runner.handout_batch import CPU_PARTS, run_documents
    from research.report.runner.ws2_briefs import WS2_BRIEF

    products = [
        ("company plans", COMPANY_PLAN, lambda ctx: companies_with_plan(ctx.tables, ctx.as_of)),
        ("workshop-2 briefs", WS2_BRIEF, lambda ctx: networks_with_members(ctx.tables, ctx.as_of)),
    ]
    print(f"cores: {os.cpu_count()}, load average at start (1, 5, 15 min): {_load()}")
    for name, kind, select in products:
        if args.only != kind.folder:
            continue
        chosen = (lambda ctx, s=select: s(ctx)[: args.limit]) if args.limit else select
        with tempfile.TemporaryDirectory(prefix="documents-bench-") as out:
            cpu_before, started = _cpu_seconds(), time.perf_counter()
            result = run_documents(
                kind, chosen, db=args.db, out=out, workers=args.workers, progress=False
            )
            seconds = time.perf_counter() - started
            cpu = _cpu_seconds() - cpu_before
        made = result.written
        print(
            f"{name}: {made} made, {len(result.failed)} failed, {seconds:.1f} s with "
            f"{result.workers} workers: {made / seconds:.2f} documents per second"
        )
        print(f"CPU: {cpu:.1f} s in all, {cpu / made:.3f} s per document")
        parts = {p: sum(o.cpu.get(p, 0.0) for o in result.outcomes) for p in CPU_PARTS}
        rows = [(PART_NAMES[p], parts[p]) for p in CPU_PARTS]
        rows.append(
            ("once per batch (snapshot, workers, kernels) and the rest", cpu - sum(parts.values()))
        )
        print(f"  {'part':<58} {'CPU s/doc':>9} {'share':>6}")
        for label, total in rows:
            print(f"  {label:<58} {total / made:>9.3f} {total / cpu:>6.0%}")
    print(f"load average at the end: {_load()}")


def report(args: argparse.Namespace) -> None:
    """What the PDF and the seminar deck add to one ``research report``."""
    from pptx import Presentation
    from pypdf import PdfReader

    from research.report.kit.blocks import blocks_of
    from research.report.runner.deck import render_deck
    from research.report.runner.pdf import render_pdf

    with tempfile.TemporaryDirectory(prefix="documents-bench-") as out:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "research", "report", "--db", args.db, "--out", out],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        report_seconds = time.perf_counter() - started
        folder = next(Path(out).iterdir())
        progress, seminar = folder / "progress.ipynb", folder / "seminar.ipynb"
        scratch = Path(out) / "bench"
        scratch.mkdir()

        read_pdf, content = _median_seconds(lambda: blocks_of(progress), args.repeat)
        typeset, pdf = _median_seconds(
            lambda: render_pdf(content, scratch / "progress.pdf", header="bench", lang="da"),
            args.repeat,
        )
        read_deck, slides = _median_seconds(lambda: blocks_of(seminar), args.repeat)
        deck_seconds, deck = _median_seconds(
            lambda: render_deck(slides, scratch / "seminar.pptx", footer="bench"), args.repeat
        )
        pages = len(PdfReader(pdf).pages)
        n_slides = len(Presentation(str(deck)).slides)
        rows = [
            ("research report, end to end (incl. the steps below)", report_seconds, ""),
            ("read blocks from progress.ipynb", read_pdf, f"{len(content)} blocks"),
            ("typeset progress.pdf (Typst)", typeset, f"{pages} pages, {_kb(pdf)} kB"),
            ("read slides from seminar.ipynb", read_deck, f"{len(slides)} blocks"),
            (
                "write seminar.pptx (python-pptx)",
                deck_seconds,
                f"{n_slides} slides, {_kb(deck)} kB",
            ),
        ]
        added = read_pdf + typeset + read_deck + deck_seconds
        print(f"{'step':<55} {'seconds':>8}  size")
        for name, seconds, size in rows:
            print(f"{name:<55} {seconds:>8.2f}  {size}")
        share = f"{added / report_seconds:.0%} of the report"
        print(f"{'PDF and deck together':<55} {added:>8.2f}  {share}")
        print(f"notebook sizes: progress.ipynb {_kb(progress)} kB, seminar.ipynb {_kb(seminar)} kB")


def _kb(path: Path) -> int:
    return round(path.stat().st_size / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "workbench.duckdb"))
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--only", choices=("companies", "networks"), default="companies")
    parser.add_argument("--report", action="store_true", help="the quarterly PDF and deck")
    parser.add_argument("--repeat", type=int, default=3, help="with --report: runs per step")
    args = parser.parse_args()
    report(args) if args.report else documents(args)


if __name__ == "__main__":
    main()
