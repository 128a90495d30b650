"""How long the quarterly report takes, where the time goes, and what notebooks cost.

Three measurements on the same database, each in fresh processes, each ``--repeat`` times:

* **report**: ``research report`` end to end (parameter checks, the quarter-wide disclosure
  protection, papermill with fresh kernels, nbconvert HTML, PDF, deck, audit, manifest) — the
  project manager's wait.
* **script**: the very code cells of the report notebooks run one after the other by plain
  Python (``display`` writes to nowhere), timed part by part — the library's own cost.
* **parts**: the script's time split into imports, metrics (tables, everything not below),
  disclosure (quarter-wide and per-report protection), figures (drawing them to SVG/PNG),
  plus a kernel start, rendering (HTML, PDF, deck) and writing (audit, manifest) measured on
  the report's own output.

Each run gets an empty temporary folder, so the quarter-wide protection is solved, not read
from the cache of an earlier run (``--cached`` keeps one cache for all runs). Wall time
depends on what else the machine runs; CPU time (user + system, children included) much less,
so both are printed, with the load average. The ratio report/script is the notebook overhead.
Usage::

    .venv/bin/python bench/report_bench.py                       # data/workbench.duckdb
    .venv/bin/python bench/report_bench.py --db other.duckdb --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench_common import load, timed

ROOT = Path(__file__).resolve().parents[1]

_SCRIPT = """
import ast, contextlib, io, json, os, sys, time

clock = {}
def timed(part, fn):
    depth = [0]
    def wrapper(*args, **kwargs):
        depth[0] += 1
        started = (time.perf_counter(), time.process_time())
        try:
            return fn(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                wall, cpu = clock.get(part, (0.0, 0.0))
                clock[part] = (wall + time.perf_counter() - started[0],
                               cpu + time.process_time() - started[1])
    return wrapper

def run(part, source, scope, name):
    started = (time.perf_counter(), time.process_time())
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, name, "exec"), scope)
    wall, cpu = clock.get(part, (0.0, 0.0))
    clock[part] = (wall + time.perf_counter() - started[0], cpu + time.process_time() - started[1])

import nbformat
out, names = sys.argv[3], sys.argv[4:]
cells, params = {}, {}
for name in names:
    nb = nbformat.read(os.path.join(sys.argv[2], name + ".ipynb"), as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    params[name] = {}
    exec(code[0], params[name])  # the notebook's own defaults, whatever parameters it has
    params[name].pop("__builtins__")
    cells[name] = code[1:]
    for source in cells[name]:  # the notebooks' imports, timed on their own
        tree = ast.parse(source)
        imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        run("imports", ast.unparse(ast.Module(imports, [])), {}, name)

from matplotlib.figure import Figure
from research.metrics import linked_disclosure
from research.report.kit import publication
from research.report.kit.quarter import protection
Figure.savefig = timed("figures", Figure.savefig)
linked_disclosure.protect = timed("disclosure", linked_disclosure.protect)
publication.protect = linked_disclosure.protect
protection.quarter_solution = timed("disclosure", protection.quarter_solution)

for name in names:
    scope = dict(params[name], db=sys.argv[1], tables_dir=os.path.join(out, name))
    for source in cells[name]:
        run("cells", source, scope, name)
wall, cpu = clock.pop("cells")
clock["metrics"] = (wall - sum(w for p, (w, _) in clock.items() if p != "imports"),
                    cpu - sum(c for p, (_, c) in clock.items() if p != "imports"))
print(json.dumps(clock))
"""

_KERNEL = """
import time
from jupyter_client.manager import start_new_kernel
started = (time.perf_counter(), time.process_time())
manager, client = start_new_kernel(kernel_name="python3")
client.execute_interactive("pass", timeout=60)
client.stop_channels()
manager.shutdown_kernel(now=True)
"""

_RENDER = """
import json, sys, time
from pathlib import Path
from research.report.kit.context import load_context
from research.report.runner.documents import write_documents
from research.report.runner.run import audit_before_publishing, render_html
from research.report.runner.manifest import write_manifest

folder, db = Path(sys.argv[1]), sys.argv[2]
ctx = load_context(db, "", "da")
clock = {}
def part(name, fn):
    started = (time.perf_counter(), time.process_time())
    fn()
    clock[name] = (time.perf_counter() - started[0], time.process_time() - started[1])
part("rendering", lambda: (render_html(folder / "progress.ipynb", folder / "again.html", "da", "t"),
                           write_documents(folder, ctx, "progress", "t")))
part("writing", lambda: (audit_before_publishing(folder),
     write_manifest(folder, parameters={}, database=Path(db), database_content_hash="",
                    snapshot_taken="", data_origin=ctx.data_origin, started="",
                    notebooks=["progress.ipynb", "seminar.ipynb"])))
print(json.dumps(clock))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "workbench.duckdb"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cached", action="store_true", help="share one protection cache")
    args = parser.parse_args()
    research = str(Path(sys.executable).parent / "research")
    from research.report.runner.run import EXTRA_NOTEBOOKS, MAIN_NOTEBOOK

    notebooks = [MAIN_NOTEBOOK, *EXTRA_NOTEBOOKS]  # what `research report` runs
    report, script, kernel = [], [], []
    parts: dict[str, list[tuple[float, float]]] = {}
    print(f"load average before: {load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="report-bench-") as shared:
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix="report-bench-") as out:
                env = dict(os.environ, TMPDIR=shared if args.cached else out)
                wall, cpu, _ = timed([research, "report", "--db", args.db, "--out", out], env)
                report.append((wall, cpu))
                scratch = str(Path(out) / "script")
                env = dict(env, TMPDIR=shared if args.cached else tempfile.mkdtemp(dir=out))
                command = [sys.executable, "-c", _SCRIPT, args.db, str(ROOT / "notebooks")]
                wall, cpu, text = timed([*command, scratch, *notebooks], env)
                script.append((wall, cpu))
                for name, figures in json.loads(text.strip().splitlines()[-1]).items():
                    parts.setdefault(name, []).append(tuple(figures))
                folder = next(p for p in Path(out).iterdir() if p.name[:2].isdigit())
                _, _, text = timed([sys.executable, "-c", _RENDER, str(folder), args.db], env)
                for name, figures in json.loads(text.strip().splitlines()[-1]).items():
                    parts.setdefault(name, []).append(tuple(figures))
                wall, cpu, _ = timed([sys.executable, "-c", _KERNEL], env)
                kernel.append((wall, cpu))
    parts = {"kernel start": kernel, **parts}

    def median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
        return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)

    (report_wall, report_cpu), (script_wall, script_cpu) = median(report), median(script)
    print(f"database: {args.db}")
    print(
        f"notebooks: {', '.join(notebooks)}; repeats: {args.repeat} (medians); "
        f"protection {'cached' if args.cached else 'solved in every run'}"
    )
    print(f"load average after: {load()} (on {os.cpu_count()} cores)")
    print(f"{'':38}{'wall s':>9}{'CPU s':>9}")
    print(f"{'report (research report, end to end)':38}{report_wall:9.1f}{report_cpu:9.1f}")
    print(f"{'script (same cells, plain Python)':38}{script_wall:9.1f}{script_cpu:9.1f}")
    print(
        f"notebook overhead: {report_wall / script_wall:.2f}x wall, "
        f"{report_cpu / script_cpu:.2f}x CPU"
    )
    print("\nparts (medians; share = of the summed parts' CPU)")
    order = ["kernel start", "imports", "metrics", "disclosure", "figures", "rendering", "writing"]
    medians = {name: median(parts[name]) for name in order if name in parts}
    total_cpu = sum(cpu for _, cpu in medians.values()) or 1.0
    print(f"{'part':38}{'wall s':>9}{'CPU s':>9}{'share':>8}")
    for name, (wall, cpu) in medians.items():
        print(f"{name:38}{wall:9.2f}{cpu:9.2f}{cpu / total_cpu:8.0%}")


if __name__ == "__main__":
    main()
