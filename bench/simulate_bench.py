"""Wall time, peak memory and rows written by ``research.simulate`` at several scales.

Each scale runs in a fresh subprocess, so the peak resident memory (``ru_maxrss`` of the
finished child) belongs to that run alone. Usage::

    .venv/bin/python bench/simulate_bench.py            # scales 1, 10 and 100
    .venv/bin/python bench/simulate_bench.py --big      # and 1,000 (2.7 million people,
                                                        # drawn in chunks: under 2 GiB)
    .venv/bin/python bench/simulate_bench.py --scales 1 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import json, sys, time
from research.config import load_programme_config
from research.simulate import simulate
config = load_programme_config()
start = time.perf_counter()
summary = simulate(sys.argv[1], config, seed=2025, scale=float(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start, "rows": sum(summary.rows.values()),
                  "participants": summary.participants_total + summary.side_effect_people}))
"""


def run_one(scale: float, folder: Path) -> dict:
    """Simulate at one scale in a child process; return its figures."""
    db = folder / f"bench-{scale:g}.duckdb"
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db), str(scale)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if done.returncode != 0:
        return {"scale": scale, "error": done.stderr.strip().splitlines()[-1:]}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    size = db.stat().st_size
    db.unlink()
    return {
        "scale": scale,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),  # user + system: what the run cost, whatever else the machine ran
        "simulate_s": round(figures["seconds"], 1),
        # RUSAGE_CHILDREN keeps the largest child so far: runs go from small to large, so the
        # figure is this run's unless an earlier one was bigger (then it is marked "<=").
        "peak_rss_mib": round(peak_kib / 1024),
        "peak_is_this_run": peak_kib > before,
        "rows": figures["rows"],
        "people_in_participants": figures["participants"],
        "db_mib": round(size / 2**20),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also run scale 1,000")
    parser.add_argument("--scales", type=float, nargs="*", help="the scales to run")
    parser.add_argument("--dir", type=Path, help="where to write the databases (default: tmp)")
    args = parser.parse_args(argv)
    scales = args.scales or ([1, 10, 100] + ([1000] if args.big else []))
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(
            f"{'scale':>7} {'wall s':>8} {'CPU s':>7} {'simulate s':>11} {'peak RSS MiB':>13} "
            f"{'rows':>11} {'db MiB':>7}"
        )
        for scale in sorted(scales):
            r = run_one(scale, Path(folder))
            if "error" in r:
                print(f"{scale:>7g} failed: {r['error']}")
                continue
            peak = f"{'' if r['peak_is_this_run'] else '<='}{r['peak_rss_mib']}"
            print(
                f"{scale:>7g} {r['wall_s']:>8} {r['cpu_s']:>7} {r['simulate_s']:>11} {peak:>13} "
                f"{r['rows']:>11,} {r['db_mib']:>7}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
