"""How long the disclosure audit takes on a finished quarter, and what joint protection adds.

The audit (``research audit``) reads every ``publication.json`` under a report folder and runs
one integer programme per withheld or derived person group. It runs before every report is
published, so its time is part of the project manager's wait. Two folders are measured:

* **programme**: the demo quarter's programme report;
* **all partners**: the same folder after ``--all-partners`` (the programme's report and each
  partner's sub-folder, audited together).

Reports are made into a temporary folder unless ``--reports`` names an existing one.

``--solver`` measures instead the quarter-wide protection (``quarter_solution``, its cache off)
for each quarter given: CPU seconds building the tables of every scope and CPU seconds in the
disclosure solver (``protect``), with the linear and integer programmes it ran and its rounds.
CPU time (``time.process_time``), so other work on the machine does not inflate it. The solver's
CPU seconds before the work of issue 16 (commit a55e56b: one SciPy ``milp``/``linprog`` call per
bound) and after, on the same ``protect`` calls of the demo (replayed; identical picks), on a
shared two-core machine at a load average of 6-9::

    quarter  before                          after
    2025Q1   did not finish (> 12 CPU min)   10.6
    2025Q2   did not finish (> 2.6 CPU min)  41.0  (section 4 alone, then all four as one)
    2025Q3   26.7                             4.6
    2025Q4    7.5                             2.5
    2026Q1   10.4                             2.9
    2026Q2    8.6                             3.0
    2026Q3    8.1                             3.2

Building the tables of the seven scopes takes another 10 CPU seconds (not the solver's part).

Usage::

    .venv/bin/python bench/audit_bench.py                        # data/workbench.duckdb, 2026Q3
    .venv/bin/python bench/audit_bench.py --reports /tmp/reports/2026Q3 --repeat 5
    .venv/bin/python bench/audit_bench.py --solver --quarter 2025Q1 --quarter 2026Q3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from research.report.kit.audit import audit_report


def _time(folder: Path, repeat: int) -> tuple[float, int, int, bool]:
    seconds = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = audit_report(folder)
        seconds.append(time.perf_counter() - start)
    assert result is not None
    return (
        statistics.median(seconds),
        len(result.publications),
        result.withheld_checked,
        (result.passed),
    )


def _solver(db: str, quarter: str) -> dict[str, float]:
    """CPU seconds of one quarter-wide protection, split into tables and solver, with counts."""
    from research.metrics import linked_disclosure
    from research.report.kit import publication
    from research.report.kit.context import load_context
    from research.report.kit.quarter import protection

    counts = {"protect": 0.0, "programmes": 0, "attacks": 0}
    real_protect, real_attack = linked_disclosure.protect, linked_disclosure.attack
    real_optimise = linked_disclosure._Model.optimise

    def protect(*args, **kwargs):
        start = time.process_time()
        try:
            return real_protect(*args, **kwargs)
        finally:
            counts["protect"] += time.process_time() - start

    def attack(*args, **kwargs):
        counts["attacks"] += 1
        return real_attack(*args, **kwargs)

    def optimise(self, *args, **kwargs):
        counts["programmes"] += 1
        return real_optimise(self, *args, **kwargs)

    ctx = load_context(db, quarter, "da")
    patches = [
        (publication, "protect", protect),
        (linked_disclosure, "attack", attack),
        (linked_disclosure._Model, "optimise", optimise),
        (protection, "_cache_path", lambda _ctx: None),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, value in patches:
        setattr(owner, name, value)
    try:
        start = time.process_time()
        protection.quarter_solution(ctx)
        total = time.process_time() - start
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)
    return {"total": total, "tables": total - counts["protect"], **counts}


def _print_solver(db: str, quarters: list[str]) -> None:
    header = f"{'quarter':<8} {'total CPU s':>11} {'tables':>7} {'protect':>8} {'programmes':>10}"
    print(header + f" {'attacks (rounds)':>16}")
    for quarter in quarters:
        got = _solver(db, quarter)
        print(
            f"{quarter:<8} {got['total']:>11.1f} {got['tables']:>7.1f} {got['protect']:>8.1f}"
            f" {got['programmes']:>10} {got['attacks']:>16}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="data/workbench.duckdb")
    parser.add_argument("--quarter", action="append", help="default 2026Q3; repeat for more")
    parser.add_argument("--reports", type=Path, help="an existing quarter folder to audit")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--solver", action="store_true", help="time the quarter-wide solve")
    args = parser.parse_args()
    quarters = args.quarter or ["2026Q3"]
    if args.solver:
        _print_solver(args.db, quarters)
        return
    args.quarter = quarters[0]
    if args.reports:
        folders = {"given folder": args.reports}
    else:
        from research.config import load_programme_config
        from research.report.runner.batch import run_partner_reports
        from research.report.runner.run import run_report

        out = Path(tempfile.mkdtemp(prefix="audit-bench-"))
        start = time.perf_counter()
        run_report(args.quarter, args.db, out=out)
        print(f"programme report made in {time.perf_counter() - start:.1f} s")
        quarter = out / args.quarter
        programme = Path(tempfile.mkdtemp(prefix="audit-bench-programme-"))
        for item in quarter.iterdir():  # a copy with only the programme's files
            if item.is_dir() and item.name == "tables":
                (programme / "tables").mkdir()
                for f in item.iterdir():
                    (programme / "tables" / f.name).write_bytes(f.read_bytes())
        partners = [p.partner_id for p in load_programme_config(None).partners]
        start = time.perf_counter()
        outcomes = run_partner_reports(
            partners,
            quarter=args.quarter,
            db=args.db,
            lang="da",
            out=out,
            min_cell=None,
            config=None,
            progress=False,
        )
        failed = [o for o in outcomes if o.error]
        print(
            f"{len(partners)} partner reports made in {time.perf_counter() - start:.1f} s"
            f" ({len(failed)} failed: {[o.error for o in failed]})"
        )
        folders = {"programme": programme, "all partners": quarter}
    print(f"{'folder':<14} {'publications':>12} {'groups':>7} {'passed':>7} {'median s':>9}")
    for name, folder in folders.items():
        seconds, pubs, groups, passed = _time(folder, args.repeat)
        print(f"{name:<14} {pubs:>12} {groups:>7} {passed!s:>7} {seconds:>9.2f}")


if __name__ == "__main__":
    main()
