"""How long the disclosure audit takes on a finished quarter, and what joint protection adds.

The audit (``research audit``) reads every ``publication.json`` under a report folder and runs
one integer programme per withheld or derived person group. It runs before every report is
published, so its time is part of the project manager's wait. Two folders are measured:

* **programme**: the demo quarter's programme report;
* **all partners**: the same folder after ``--all-partners`` (the programme's report and each
  partner's sub-folder, audited together).

Reports are made into a temporary folder unless ``--reports`` names an existing one. Usage::

    .venv/bin/python bench/audit_bench.py                        # data/workbench.duckdb, 2026Q3
    .venv/bin/python bench/audit_bench.py --reports /tmp/reports/2026Q3 --repeat 5
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="data/workbench.duckdb")
    parser.add_argument("--quarter", default="2026Q3")
    parser.add_argument("--reports", type=Path, help="an existing quarter folder to audit")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
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
