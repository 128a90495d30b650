"""How long `research evidence` takes, and where the time goes.

Two measurements on the same database, each in fresh processes, each ``--repeat`` times:

* **evidence**: ``research evidence`` end to end (snapshot, papermill with a fresh kernel, the
  article's tables and figure files, nbconvert HTML, the PDF, manifest) — the researcher's wait.
* **parts**: the evidence notebook's code cells run by plain Python (``display`` writes to
  nowhere), the time split into imports, estimation (``run_article_analyses``), disclosure
  (admitting each section's tables to the joint protection, rewriting its record
  ``publication.json`` after each section, and protecting the quarter's report the article is
  protected with), tables (Markdown, LaTeX, CSV files), the figure files as the notebook
  hands them over (pickled for the second process that draws the PDF and PNG; with one core
  the notebook draws them itself, by format) and the wait for that process at the end, the
  page's figures (the SVG the HTML and the PDF show, also the SVG file), the sections
  (building tables and drawing figures) and, on the output of the end-to-end run, rendering
  (the HTML and the PDF). Each part's time is its own: time spent in a part called from
  inside another counts for the inner one only; the second process's CPU is counted in the
  end-to-end run only.

Wall time depends on what else the machine runs; CPU time (user + system, children included)
much less, so both are printed, with the load average. Usage::

    .venv/bin/python bench/evidence_bench.py                  # data/workbench.duckdb
    .venv/bin/python bench/evidence_bench.py --repeat 3 --db other.duckdb
    .venv/bin/python bench/evidence_bench.py --src /tmp/base/src   # another checkout's code
    .venv/bin/python bench/evidence_bench.py --parts-only          # no end-to-end run
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
from pathlib import Path

clock, stack = {}, []
def now():
    return time.perf_counter(), time.process_time()

def charge(part, started):
    # the time since ``started``, less what inner parts already took, goes to ``part``
    end = now()
    spent = [end[0] - started[0], end[1] - started[1]]
    inner = stack.pop()
    own = (spent[0] - inner[0], spent[1] - inner[1])
    wall, cpu = clock.get(part, (0.0, 0.0))
    clock[part] = (wall + own[0], cpu + own[1])
    if stack:
        stack[-1][0] += spent[0]
        stack[-1][1] += spent[1]

def timed(part, fn):
    def wrapper(*args, **kwargs):
        name = part(*args, **kwargs) if callable(part) else part
        started = now()
        stack.append([0.0, 0.0])
        try:
            return fn(*args, **kwargs)
        finally:
            charge(name, started)
    return wrapper

def run(part, source, scope):
    started = now()
    stack.append([0.0, 0.0])
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, "evidence.ipynb", "exec"), scope)
    charge(part, started)

import nbformat
nb = nbformat.read(os.path.join(sys.argv[2], "evidence.ipynb"), as_version=4)
code = [c.source for c in nb.cells if c.cell_type == "code"]
params = {}
exec(code[0], params)  # the notebook's own defaults
params.pop("__builtins__")
for source in code[1:]:  # the notebook's imports, timed on their own
    tree = ast.parse(source)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    run("imports", ast.unparse(ast.Module(imports, [])), {})

from matplotlib.figure import Figure
from research.evidence import article
from research.report.article import sections
from research.report.article import figure_files
from research.report.kit import publication

def figure_part(fig, fname, *args, **kwargs):
    fmt = kwargs.get("format") or Path(str(fname)).suffix.lstrip(".")
    where = "file" if isinstance(fname, (str, os.PathLike)) else "page"
    return f"figures: {fmt} {where}"

Figure.savefig = timed(figure_part, Figure.savefig)
article.run_article_analyses = timed("estimation", article.run_article_analyses)
sections.run_article_analyses = article.run_article_analyses
publication.Publication.admit = timed("disclosure: admit", publication.Publication.admit)
publication.Publication.write = timed("disclosure: record", publication.Publication.write)
sections.add_report = timed("disclosure: the quarter's report", sections.add_report)
sections.write_table = timed("tables", sections.write_table)
figure_files.FigureFileWriter.submit = timed(
    "figures: files handed over", figure_files.FigureFileWriter.submit
)
figure_files.wait_for_figure_files = timed(
    "figures: waiting for the files", figure_files.wait_for_figure_files
)

scope = dict(params, db=sys.argv[1], tables_dir=sys.argv[3])
for source in code[1:]:
    run("sections", source, scope)
print(json.dumps(clock))
"""

_RENDER = """
import json, sys, time
from pathlib import Path
from research.report.kit.context import load_context
from research.report.runner.documents import write_documents
from research.report.runner.run import render_html

folder, db = Path(sys.argv[1]), sys.argv[2]
ctx = load_context(db, "", "en")
clock = {}
def part(name, fn):
    started = (time.perf_counter(), time.process_time())
    fn()
    clock[name] = (time.perf_counter() - started[0], time.process_time() - started[1])
part("rendering: html", lambda: render_html(folder / "evidence.ipynb", folder / "again.html",
                                             "en", "t"))
part("rendering: pdf", lambda: write_documents(folder, ctx, "evidence", "t"))
print(json.dumps(clock))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "workbench.duckdb"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--src", help="run another checkout's src/ (its notebooks/ beside it)")
    parser.add_argument("--parts-only", action="store_true", help="skip the end-to-end run")
    args = parser.parse_args()
    notebooks = Path(args.src).resolve().parent / "notebooks" if args.src else ROOT / "notebooks"
    code = {"PYTHONPATH": str(Path(args.src).resolve())} if args.src else {}
    code["RESEARCH_NOTEBOOKS"] = str(notebooks)
    research = str(Path(sys.executable).parent / "research")
    ends: list[tuple[float, float]] = []
    parts: dict[str, list[tuple[float, float]]] = {}
    print(f"load average before: {load()}", flush=True)
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="evidence-bench-") as out:
            env = dict(os.environ, TMPDIR=out, **code)
            script = [sys.executable, "-c", _SCRIPT, args.db, str(notebooks)]
            _, _, text = timed([*script, str(Path(out) / "script")], env)
            for name, pair in json.loads(text.strip().splitlines()[-1]).items():
                parts.setdefault(name, []).append(tuple(pair))
            if args.parts_only:
                continue
            command = [research, "evidence", "--db", args.db, "--out", out]
            wall, cpu, _ = timed(command, env)
            ends.append((wall, cpu))
            folder = next(Path(out).glob("*/article"))
            _, _, text = timed([sys.executable, "-c", _RENDER, str(folder), args.db], env)
            for name, pair in json.loads(text.strip().splitlines()[-1]).items():
                parts.setdefault(name, []).append(tuple(pair))

    def median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
        return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)

    print(
        f"database: {args.db}; code: {args.src or ROOT / 'src'}; repeats: {args.repeat} (medians)"
    )
    print(f"load average after: {load()} (on {os.cpu_count()} cores)")
    if ends:
        wall, cpu = median(ends)
        print(f"{'':40}{'wall s':>9}{'CPU s':>9}")
        print(f"{'research evidence (end to end)':40}{wall:9.1f}{cpu:9.1f}")
    print("\nparts (medians; share = of the summed parts' CPU)")
    medians = {name: median(pairs) for name, pairs in sorted(parts.items())}
    total_cpu = sum(cpu for _, cpu in medians.values()) or 1.0
    print(f"{'part':40}{'wall s':>9}{'CPU s':>9}{'share':>8}")
    for name, (wall, cpu) in medians.items():
        print(f"{name:40}{wall:9.2f}{cpu:9.2f}{cpu / total_cpu:8.0%}")
    print(f"{'sum of the parts':40}{'':9}{total_cpu:9.2f}")


if __name__ == "__main__":
    main()
