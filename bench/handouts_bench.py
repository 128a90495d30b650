"""Documents per second for the handed-out documents: every company plan and workshop-2 brief.

Runs ``research plan --all-companies`` and ``research ws2 --all-networks`` (the library calls
behind them) on a database into a temporary folder and prints, for each, the documents made,
the wall time, documents per second, the workers (one kernel each) and the machine's load
average before and after, since the machine may be shared. The issue's target: every company
plan of the scale-1 demo (about 1,000) in under 2 minutes on two cores. Usage::

    .venv/bin/python bench/documents_bench.py --handouts                 # data/workbench.duckdb
    .venv/bin/python bench/handouts_bench.py --db other.duckdb --workers 2 --limit 200
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(db: str, workers: int | None, limit: int | None, only: str | None = None) -> None:
    from research.report.companies.documents import COMPANY_PLAN
    from research.report.networks.documents import WS2_BRIEF

    from research.report.companies.view import companies_with_plan
    from research.report.networks.view import networks_with_members
    from research.report.runner.handout_batch import run_documents

    products = [
        ("company plans", COMPANY_PLAN, lambda ctx: companies_with_plan(ctx.tables, ctx.as_of)),
        ("workshop-2 briefs", WS2_BRIEF, lambda ctx: networks_with_members(ctx.tables, ctx.as_of)),
    ]
    print(f"cores: {os.cpu_count()}, load average at start (1, 5, 15 min): {_load()}")
    print(f"{'documents':<20} {'made':>6} {'failed':>6} {'seconds':>8} {'per second':>11} workers")
    for name, kind, select in products:
        if only and only != kind.folder:
            continue
        chosen = (lambda ctx, s=select: s(ctx)[:limit]) if limit else select
        with tempfile.TemporaryDirectory(prefix="handouts-bench-") as out:
            started = time.perf_counter()
            result = run_documents(kind, chosen, db=db, out=out, workers=workers, progress=False)
            seconds = time.perf_counter() - started
        print(
            f"{name:<20} {result.written:>6} {len(result.failed):>6} {seconds:>8.1f} "
            f"{result.written / seconds:>11.2f} {result.workers}"
        )
    print(f"load average at the end: {_load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "workbench.duckdb"))
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--limit", type=int, default=None, help="only the first N of each")
    parser.add_argument("--only", choices=("companies", "networks"), default=None)
    args = parser.parse_args()
    run(args.db, args.workers, args.limit, args.only)


if __name__ == "__main__":
    main()
