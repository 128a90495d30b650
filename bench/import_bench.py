"""Wall time and peak memory of importing a large start-form file (and of a --dry-run).

Writes a synthetic, valid start-form CSV (demo CPR numbers that fail modulus 11 on purpose,
see ``research.domain.identifiers``) with ``--rows`` rows, imports the example companies into
a fresh database, then imports the big file in a fresh child process, once with ``--dry-run``
and once for real. The peak resident memory (``ru_maxrss``) and the CPU time (user + system,
a fairer figure than wall time on a shared machine) are measured inside each child. Usage::

    .venv/bin/python bench/import_bench.py                  # 1,000,000 rows
    .venv/bin/python bench/import_bench.py --rows 100000
    .venv/bin/python bench/import_bench.py --src /tmp/base/src   # another checkout's code
    .venv/bin/python bench/import_bench.py --profile            # cProfile of the dry run
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADER = [
    "Forløbs-ID",
    "CPR-nummer",
    "Startdato",
    "Skole",
    "Uddannelsestype",
    "Formål",
    "Uddannelse",
    "EUV-spor",
    "Forventet slutdato",
    "Beskæftigelsesstatus",
    "Højest fuldførte uddannelse",
    "Bopælskommune",
    "CVR-nummer",
    "Rekrutteringsvej",
    "02-krav opfyldt",
    "Netværks-ID",
    "Køn",
    "Udenlandsk baggrund",
    "Handicap",
]

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from research.config import load_programme_config
from research.ingest.importer import import_file
from research.ingest.pseudonym import DEMO_KEY
config = load_programme_config()
examples = Path(sys.argv[4])
if sys.argv[3] == "setup":
    import_file("companies", examples / "companies.csv", sys.argv[2], config, key=DEMO_KEY)
    raise SystemExit(0)
start = time.perf_counter()
result = import_file("start-forms", sys.argv[1], sys.argv[2], config, key=DEMO_KEY,
                     dry_run=sys.argv[3] == "dry")
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - start, "added": result.stats.added,
                  "rejected": result.rejected, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mib": usage.ru_maxrss / 1024}))
"""


def write_start_forms(path: Path, rows: int, seed: int = 11) -> None:
    """``rows`` valid EUV start forms for distinct synthetic people (CVR 99000015)."""
    repo_src = Path(__file__).parents[1] / "src"
    sys.path.insert(0, str(repo_src))
    from research.simulate.ids import cpr_text, serial_within, synthetic_cpr_numbers

    rng = np.random.default_rng(seed)
    birth = np.datetime64("1960-01-02") + rng.integers(0, 35 * 365, rows).astype("timedelta64[D]")
    stamp = birth.astype("datetime64[D]").astype(object)
    birth = np.array(
        [b if (b.month, b.day) != (1, 1) else b.replace(day=2) for b in stamp],
        dtype="datetime64[D]",
    )
    female = rng.random(rows) < 0.5
    numbers = synthetic_cpr_numbers(birth, female, serial_within(birth, female))
    cprs = cpr_text(numbers)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for i, cpr in enumerate(cprs):
            writer.writerow(
                [
                    f"EUS1-B-{i:07d}",
                    f"{cpr[:6]}-{cpr[6:]}",
                    "03-03-2025",
                    "EUS1",
                    "EUV",
                    "",
                    "Tømrer",
                    "EUV1",
                    "30-06-2026",
                    "Beskæftiget",
                    "H10",
                    "Ballerup",
                    "99000015",
                    "Virksomhedsbesøg",
                    "Ja",
                    "",
                    "",
                    "",
                    "",
                ]
            )


def run_child(args: list[str], src: Path) -> dict:
    """Run one import in a child process; its figures, including the child's own peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    out.update(wall=wall)  # peak_mib: the child's own ru_maxrss, measured inside it
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--src", type=Path, default=Path(__file__).parents[1] / "src")
    parser.add_argument("--profile", action="store_true", help="cProfile the dry run instead")
    ns = parser.parse_args()
    examples = ns.src / "research" / "ingest" / "examples"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "startskemaer-bench.csv"
        started = time.perf_counter()
        write_start_forms(data, ns.rows)
        print(
            f"wrote {ns.rows:,} rows ({data.stat().st_size / 2**20:.0f} MiB) "
            f"in {time.perf_counter() - started:.1f} s; code from {ns.src}"
        )
        db = folder / "bench.duckdb"
        run_child([str(data), str(db), "setup", str(examples)], ns.src)
        if ns.profile:
            prof, child = folder / "import.prof", folder / "child.py"
            child.write_text(_CHILD, "utf-8")
            env = {**os.environ, "PYTHONPATH": str(ns.src)}
            args = [str(data), str(db), "dry", str(examples)]
            command = [sys.executable, "-m", "cProfile", "-o", str(prof), str(child), *args]
            subprocess.run(command, check=True, env=env)
            import pstats

            pstats.Stats(str(prof)).sort_stats("cumulative").print_stats(30)
            return
        for mode in ("dry", "real"):
            figures = run_child([str(data), str(db), mode, str(examples)], ns.src)
            print(
                f"{mode:4}: {figures['wall']:7.1f} s wall ({figures.get('seconds', 0):.1f} s in "
                f"import_file, {figures.get('cpu', 0):.1f} s CPU in all), "
                f"peak RSS {figures['peak_mib']:,.0f} MiB, "
                f"added {figures.get('added')}, rejected {figures.get('rejected')}"
            )


if __name__ == "__main__":
    main()
