"""How long every metric takes at simulator scales 1, 10 and 100, and how that grows.

For each scale a database is simulated once (not timed), then a fresh process reads the tables
and times each metric family (best of ``--repeat`` runs). The figure that matters is the total
at scale 100 (about 120,000 participants) and the ratio between scales: linear growth means
x10 per step. Usage::

    .venv/bin/python bench/metrics_bench.py                 # scales 1, 10, 100
    .venv/bin/python bench/metrics_bench.py --scales 1 10 --repeat 1
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

_SIMULATE = """
import sys
from research.config import load_programme_config
from research.simulate import simulate
simulate(sys.argv[1], load_programme_config(), seed=2025, scale=float(sys.argv[2]))
"""

_MEASURE = """
import json, sys, time
import pandas as pd
from research.config import load_programme_config
from research.domain.period import Quarter
from research.metrics import competence, composition, coordination, esf, funnels, progress, survey
from research.store.connection import connect
from research.store.read import data_date, read_tables

config = load_programme_config()
with connect(sys.argv[1], read_only=True) as con:
    started = time.perf_counter()
    t = read_tables(con)
    read_s = time.perf_counter() - started
    day = data_date(con)
quarter = Quarter.containing(day)
quarter = quarter if day == quarter.end else quarter.previous()
as_of = pd.Timestamp(quarter.end)
families = {
    "progress (table + series + forecasts)": lambda: (
        progress.progress_table(t, config, quarter), progress.progress_series(t, config, quarter)),
    "funnels": lambda: (funnels.company_funnel(t, as_of), funnels.unemployed_funnel(t, as_of)),
    "esf (both sets + by quarter)": lambda: (
        esf.esf_indicators(t["participants"], t["enrolments"], "esf2014", as_of),
        esf.esf_indicators(t["participants"], t["enrolments"], "esfplus", as_of),
        esf.esf_by_quarter(t["participants"], t["enrolments"], "esf2014", as_of)),
    "coordination": lambda: (
        coordination.institutions_per_company(t["company_contacts"]),
        coordination.fruitless_visits(t["company_contacts"], t["enrolments"], t["participants"],
            t["competence_plans"], t["network_memberships"], as_of=as_of),
        coordination.external_overlap(t["company_contacts"], t["external_projects"]),
        coordination.contact_mix(t["company_contacts"])),
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
}
repeat = int(sys.argv[2])
seconds, cpu = {}, {}
for name, run in families.items():
    best = best_cpu = float("inf")
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    seconds[name], cpu[name] = best, best_cpu
print(json.dumps({"read_s": read_s, "seconds": seconds, "cpu": cpu,
                  "participants": int(len(t["participants"]))}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="*", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    results = {}
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        for scale in sorted(args.scales):
            db = Path(folder) / f"metrics-{scale:g}.duckdb"
            subprocess.run(
                [sys.executable, "-c", _SIMULATE, str(db), str(scale)],
                check=True,
                capture_output=True,
            )
            done = subprocess.run(
                [sys.executable, "-c", _MEASURE, str(db), str(args.repeat)],
                check=True,
                capture_output=True,
                text=True,
            )
            results[scale] = json.loads(done.stdout.strip().splitlines()[-1])
            db.unlink()
    names = list(next(iter(results.values()))["seconds"])
    header = f"{'metric family':40}" + "".join(f"{f'scale {s:g}':>12}" for s in results)
    print(header)
    for name in names:
        print(f"{name:40}" + "".join(f"{r['seconds'][name]:>11.2f}s" for r in results.values()))
    print(
        f"{'TOTAL (metrics)':40}"
        + "".join(f"{sum(r['seconds'].values()):>11.2f}s" for r in results.values())
    )
    print(  # what the metrics cost, whatever else the machine runs
        f"{'TOTAL CPU (user + system)':40}"
        + "".join(f"{sum(r['cpu'].values()):>11.2f}s" for r in results.values())
    )
    print(
        f"{'reading the tables':40}" + "".join(f"{r['read_s']:>11.2f}s" for r in results.values())
    )
    print(
        f"{'participants (rows)':40}"
        + "".join(f"{r['participants']:>12,}" for r in results.values())
    )
    scales = list(results)
    for a, b in itertools.pairwise(scales):
        ta = sum(results[a]["seconds"].values())
        tb = sum(results[b]["seconds"].values())
        print(f"growth scale {a:g} -> {b:g} (x{b / a:g} data): x{tb / ta:.1f} time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
