"""What the PDF and the seminar deck add to `research report`, and how big they are.

Makes one report (``research report``, in a temporary folder) and then times, on its executed
notebooks, each step ``documents.write_documents`` takes inside the runner: reading the blocks
out of ``progress.ipynb``, typesetting ``progress.pdf`` with Typst, reading the seminar's
slides and writing ``seminar.pptx``. Each step runs ``--repeat`` times; the median is shown,
with the report's own duration for scale. Usage::

    .venv/bin/python bench/documents_bench.py                    # data/workbench.duckdb
    .venv/bin/python bench/documents_bench.py --db other.duckdb --repeat 5
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "workbench.duckdb"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

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


if __name__ == "__main__":
    if "--handouts" in sys.argv:  # documents per second of `research plan` and `research ws2`
        sys.argv.remove("--handouts")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from handouts_bench import main as handouts_main

        handouts_main()
    else:
        main()
