"""How long each tier of the test suite takes: wall time, CPU time and the machine's load.

The README's test times come from here. CPU time (the tests' processes and every kernel and
subprocess they started) hardly depends on what else the machine does; wall time does, so the
load average before and after is printed beside it.

    .venv/bin/python bench/tiers_bench.py                 # unit, e2e and validation, one by one
    .venv/bin/python bench/tiers_bench.py unit            # one tier
    .venv/bin/python bench/tiers_bench.py all -- -n auto  # all tiers, as `make test` runs them
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIERS = {
    "unit": "unit",
    "e2e": "e2e",
    "validation": "validation",
    "all": "unit or e2e or validation",
}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tier(expression: str, extra: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, exit code and pytest's last line for one selection."""
    command = [sys.executable, "-m", "pytest", "-m", expression, "-q", "-rfE"]
    command += ["-p", "no:cacheprovider"]
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run([*command, *extra], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    for line in lines:  # a timing run that fails says which test, not only how many
        if line.startswith(("FAILED ", "ERROR ")):
            print(f"  {line}")
    return wall, children_cpu() - cpu, done.returncode, lines[-1] if lines else ""


def main(argv: list[str]) -> int:
    split = argv.index("--") if "--" in argv else len(argv)
    chosen, extra = argv[:split] or ["unit", "e2e", "validation"], argv[split + 1 :]
    print(f"{os.cpu_count()} cores; pytest arguments: {' '.join(extra) or '(none)'}")
    print(f"{'tier':<11}{'wall s':>9}{'CPU s':>9}{'load before':>13}{'load after':>12}  result")
    failed = 0
    for name in chosen:
        before = os.getloadavg()[0]
        wall, cpu, code, last = run_tier(TIERS[name], extra)
        after = os.getloadavg()[0]
        failed |= code
        print(f"{name:<11}{wall:9.1f}{cpu:9.1f}{before:13.1f}{after:12.1f}  {last}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
