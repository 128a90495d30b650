"""CPU time and peak memory of every metric family at simulator scales 1, 10, 100 (and 1,000).

For each scale a database is simulated once (not timed; ``--keep DIR`` keeps it for the next
run), then each family runs in a fresh process that reads only the tables it uses and times
the family (best of ``--repeat`` runs). The peak resident memory of that process (reading the
tables included) is the family's memory figure. A watchdog stops a process that goes over
``--cap-gib`` (default 6 GiB, so the benchmark never crowds a shared machine) and the table
says so. CPU time is what to compare on a loaded machine; wall time is printed beside it.
Usage::

    .venv/bin/python bench/metrics_bench.py                        # scales 1, 10, 100
    .venv/bin/python bench/metrics_bench.py --big --keep /tmp/dbs  # and 1,000 (2.7 million
                                                                   # people, ~20 million rows)
    .venv/bin/python bench/metrics_bench.py --scales 1 10 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SIMULATE = """
import sys
from research.config import load_programme_config
from research.simulate import simulate
simulate(sys.argv[1], load_programme_config(), seed=2025, scale=float(sys.argv[2]))
"""

ALL_IN_STORE = "every family, in the store where it can be"

FAMILIES: dict[str, tuple[str, ...]] = {
    "progress (table + series + forecasts)": (
        "participants",
        "enrolments",
        "rkv_results",
        "consultants",
        "company_contacts",
        "networks",
        "network_memberships",
        "workshops",
        "survey_responses",
        "competence_plans",
    ),
    "progress, counted in the store": (),
    "funnels": (
        "participants",
        "enrolments",
        "rkv_results",
        "education_plans",
        "company_contacts",
        "networks",
        "network_memberships",
        "workshops",
        "workshop_attendance",
        "survey_responses",
        "competence_plans",
    ),
    "funnels, counted in the store": (),
    "esf (both sets + by quarter)": ("participants", "enrolments"),
    "esf, counted in the store": (),
    "coordination": (
        "company_contacts",
        "enrolments",
        "participants",
        "competence_plans",
        "network_memberships",
        "external_projects",
    ),
    "coordination, counted in the store": (),
    "survey": (
        "survey_responses",
        "survey_answers",
        "survey_statements",
        "network_memberships",
        "networks",
    ),
    "competence": ("competence_plans", "network_memberships"),
    "composition": ("participants", "enrolments", "partners", "networks", "companies"),
    "composition, counted in the store": (),
    ALL_IN_STORE: (
        "survey_responses",
        "survey_answers",
        "survey_statements",
        "network_memberships",
        "networks",
        "competence_plans",
    ),
}
"""Each family and the tables it reads into pandas (a missing one fails the family loudly);
"counted in the store" reads none: DuckDB groups, pandas only counts (``progress_store``,
``funnels_store``, ``esf_store``, ``coordination_store``, ``composition_store``). The last
row is every family in one process as a report at that scale would run them: the five
counted in the store, survey and competence (small tables) in pandas; it is left out of the
totals, which add up the rows above it."""

_MEASURE = (
    f"ALL_IN_STORE = {ALL_IN_STORE!r}\n"
    + """
import json, sys, time
import pandas as pd
from research.config import load_programme_config
from research.domain.period import Quarter
from research.metrics import competence, composition, coordination, esf, funnels, progress, survey
from research.store.connection import connect
from research.store.read import data_date, read_tables

from research.metrics import coordination_store, esf_store
from research.metrics.progress_store import progress_series_from_store
from research.metrics.funnels_store import company_funnel_from_store, unemployed_funnel_from_store
from research.metrics.composition_store import (composition_from_store,
    recruitment_by_job_centre_from_store, side_effects_from_store)

# what the families import when first used (a second or more), before any clock starts:
# the import cost is guarded by tests/test_import_cost.py, not measured here
import scipy.stats, statsmodels.genmod.generalized_linear_model  # noqa: E401, F401

family, names, repeat = sys.argv[2], [n for n in sys.argv[3].split(",") if n], int(sys.argv[4])
config = load_programme_config()
con = connect(sys.argv[1], read_only=True)
con.execute("SET memory_limit = '1GB'")  # DuckDB's own buffers; by default 80 % of the RAM
started, started_cpu = time.perf_counter(), time.process_time()
t = read_tables(con, names) if names else {}
read_s, read_cpu = time.perf_counter() - started, time.process_time() - started_cpu
day = data_date(con)
quarter = Quarter.containing(day)
quarter = quarter if day == quarter.end else quarter.previous()
as_of = pd.Timestamp(quarter.end)
families = {
    "progress (table + series + forecasts)": lambda: (
        progress.progress_table(t, config, quarter), progress.progress_series(t, config, quarter)),
    "progress, counted in the store": lambda: progress.progress_table(
        None, config, quarter, series=progress_series_from_store(con, config, quarter)),
    "funnels": lambda: (funnels.company_funnel(t, as_of), funnels.unemployed_funnel(t, as_of)),
    "funnels, counted in the store": lambda: (
        company_funnel_from_store(con, as_of), unemployed_funnel_from_store(con, as_of)),
    "esf (both sets + by quarter)": lambda: (
        esf.esf_indicators(t["participants"], t["enrolments"], "esf2014", as_of),
        esf.esf_indicators(t["participants"], t["enrolments"], "esfplus", as_of),
        esf.esf_by_quarter(t["participants"], t["enrolments"], "esf2014", as_of)),
    "esf, counted in the store": lambda: (lambda made: (  # persons grouped once for the three
        esf_store.esf_indicators_from_store(con, "esf2014", as_of, made=made),
        esf_store.esf_indicators_from_store(con, "esfplus", as_of, made=made),
        esf_store.esf_by_quarter_from_store(con, "esf2014", as_of, made=made)))({}),
    "coordination": lambda: (
        coordination.institutions_per_company(t["company_contacts"]),
        coordination.fruitless_visits(t["company_contacts"], t["enrolments"], t["participants"],
            t["competence_plans"], t["network_memberships"], as_of=as_of),
        coordination.external_overlap(t["company_contacts"], t["external_projects"]),
        coordination.contact_mix(t["company_contacts"])),
    "coordination, counted in the store": lambda: (
        coordination_store.institutions_per_company_from_store(con),
        coordination_store.fruitless_visits_from_store(con, as_of=as_of),
        coordination_store.external_overlap_from_store(con),
        coordination_store.contact_mix_from_store(con)),
    "survey": lambda: (
        survey.response_rate(t["survey_responses"], t["network_memberships"], t["networks"]),
        survey.statement_results(t["survey_answers"], t["survey_statements"]),
        survey.theme_reliability(t["survey_answers"], t["survey_statements"]),
        survey.ranked_needs(t["survey_answers"], t["survey_statements"])),
    "competence": lambda: (
        competence.gaps_by_company(t["competence_plans"], as_of),
        competence.gaps_by_network(t["competence_plans"], t["network_memberships"], as_of)),
    "composition": lambda: (
        composition.composition(t["participants"], t["enrolments"], t["partners"], t["networks"],
            t["companies"], as_of),
        composition.recruitment_by_job_centre(t["participants"], t["enrolments"], as_of),
        composition.side_effects(t["participants"], t["enrolments"], as_of)),
    "composition, counted in the store": lambda: (
        composition_from_store(con, as_of), recruitment_by_job_centre_from_store(con, as_of),
        side_effects_from_store(con, as_of)),
}
families[ALL_IN_STORE] = lambda: [families[f"{name}, counted in the store"]() for name in (
    "progress", "funnels", "esf", "coordination", "composition")] + [
    families["survey"](), families["competence"]()]
best = best_cpu = float("inf")
for _ in range(repeat):
    started, started_cpu = time.perf_counter(), time.process_time()
    families[family]()
    best = min(best, time.perf_counter() - started)
    best_cpu = min(best_cpu, time.process_time() - started_cpu)
con.close()
print(json.dumps({"wall": best, "cpu": best_cpu, "read_s": read_s, "read_cpu": read_cpu,
                  "participants": int(len(t["participants"])) if "participants" in t else None}))
"""
)


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(db: Path, family: str, repeat: int, cap_kib: int) -> dict:
    """One family in a fresh process: its figures and its peak memory, or why it stopped."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        tables = ",".join(FAMILIES[family])
        child = subprocess.Popen(
            [sys.executable, "-c", _MEASURE, str(db), family, tables, str(repeat)],
            stdout=out,
            stderr=err,
        )
        over = False
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if _rss_kib(child.pid) > cap_kib:
                os.kill(child.pid, signal.SIGKILL)  # this child only, by its id
                over = True
            time.sleep(0.2)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        if over:
            return {"error": f"over the {cap_kib / 2**20:g} GiB cap"}
        if child.returncode != 0:
            return {"error": (err.read().strip().splitlines() or ["failed"])[-1]}
        figures = json.loads(out.read().strip().splitlines()[-1])
    figures["peak_mib"] = usage.ru_maxrss / 1024  # this child's own peak (KiB on Linux)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="*", default=[1, 10, 100])
    parser.add_argument("--big", action="store_true", help="also scale 1,000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the databases in this folder")
    parser.add_argument("--cap-gib", type=float, default=6.0, help="stop a process above this")
    parser.add_argument("--families", nargs="*", help="only these families (name prefixes)")
    args = parser.parse_args(argv)
    scales = sorted(set(args.scales + ([1000.0] if args.big else [])))
    families = [f for f in FAMILIES if not args.families or f.startswith(tuple(args.families))]
    cap_kib = int(args.cap_gib * 2**20)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results: dict[float, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for scale in scales:
            db = folder / f"metrics-{scale:g}.duckdb"
            if not db.exists():
                subprocess.run(
                    [sys.executable, "-c", _SIMULATE, str(db), str(scale)],
                    check=True,
                    capture_output=True,
                )
            results[scale] = {f: measure(db, f, args.repeat, cap_kib) for f in families}
    _print(results, families)
    return 0


def _print(results: dict[float, dict[str, dict]], families: list[str]) -> None:
    """CPU of the family + CPU of reading its tables into pandas, and the process's peak."""
    scales = list(results)
    width = 26
    head = "".join(f"{f'scale {s:g}':>{width}}" for s in scales)
    print(f"{'family: CPU s (+ reading), peak MiB':40}{head}")
    for family in families:
        cells = []
        for s in scales:
            r = results[s][family]
            if "error" in r:
                cells.append(f"{r['error'][: width - 1]:>{width}}")
            else:
                cell = f"{r['cpu']:.2f} (+{r['read_cpu']:.2f}) {r['peak_mib']:,.0f}"
                cells.append(f"{cell:>{width}}")
        print(f"{family:40}" + "".join(cells))
    totals = []
    parts = {s: {f: r for f, r in results[s].items() if f != ALL_IN_STORE} for s in scales}
    for s in scales:
        done = [r for r in parts[s].values() if "error" not in r]
        cpu = sum(r["cpu"] + r["read_cpu"] for r in done)
        partial = "" if len(done) == len(parts[s]) else "*"
        totals.append(f"{cpu:.2f}{partial}")
    print(f"{'TOTAL CPU s, reading included':40}" + "".join(f"{c:>{width}}" for c in totals))
    walls = [sum(r["wall"] for r in parts[s].values() if "error" not in r) for s in scales]
    print(f"{'total wall s (metrics only)':40}" + "".join(f"{w:>{width}.2f}" for w in walls))
    if ALL_IN_STORE in families:
        together = [results[s][ALL_IN_STORE] for s in scales]
        cells = ["stopped" if "error" in r else f"{r['wall']:.2f}" for r in together]
        print(
            f"{'every family in one process, wall s':40}" + "".join(f"{c:>{width}}" for c in cells)
        )
    people = [
        next((r["participants"] for r in results[s].values() if r.get("participants")), 0)
        for s in scales
    ]
    print(f"{'participants (rows)':40}" + "".join(f"{p:>{width},}" for p in people))
    if any("error" in r for s in scales for r in results[s].values()):
        print("* some families did not finish (see their cells)")


if __name__ == "__main__":
    raise SystemExit(main())
