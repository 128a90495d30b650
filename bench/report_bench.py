"""How long the quarterly report takes, and what running it as notebooks costs.

Two timings on the same database, each in a fresh process:

* **report**: ``research report`` end to end (parameter checks, papermill with a fresh kernel,
  nbconvert HTML, tables, manifest) — the project manager's wait.
* **script**: the very code cells of the report notebooks run one after the other by plain
  Python (``display`` writes to nowhere) — the library's own cost.

The ratio is the notebook overhead. Usage::

    .venv/bin/python bench/report_bench.py                       # data/workbench.duckdb
    .venv/bin/python bench/report_bench.py --db other.duckdb --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SCRIPT = """
import contextlib, io, os, sys
import nbformat
names = sys.argv[4:]
params = {"quarter": "", "db": sys.argv[1], "lang": "da", "min_cell": 0, "partner": "",
          "config": "", "tables_dir": ""}
for name in names:
    nb = nbformat.read(os.path.join(sys.argv[2], name + ".ipynb"), as_version=4)
    scope = dict(params, tables_dir=os.path.join(sys.argv[3], name))
    code = [c.source for c in nb.cells if c.cell_type == "code"][1:]  # skip the parameters
    with contextlib.redirect_stdout(io.StringIO()):
        for source in code:
            exec(compile(source, name, "exec"), scope)
"""


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "workbench.duckdb"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    research = str(Path(sys.executable).parent / "research")
    from research.report.runner.run import EXTRA_NOTEBOOKS, MAIN_NOTEBOOK

    notebooks = [MAIN_NOTEBOOK, *EXTRA_NOTEBOOKS]  # what `research report` runs
    report_times, script_times = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            report_times.append(_timed([research, "report", "--db", args.db, "--out", out]))
            script = [sys.executable, "-c", _SCRIPT, args.db, str(ROOT / "notebooks"), out]
            script_times.append(_timed([*script, *notebooks]))
    report, script = statistics.median(report_times), statistics.median(script_times)
    print(f"database: {args.db}")
    print(f"notebooks: {', '.join(notebooks)}; repeats: {args.repeat} (medians)")
    print(f"report (research report, end to end): {report:6.1f} s")
    print(f"script (same cells, plain Python):    {script:6.1f} s")
    print(f"notebook overhead: {report / script:.2f}x")


if __name__ == "__main__":
    main()
