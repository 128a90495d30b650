"""What the benchmarks that run the workbench in child processes share: timing a command
(wall and CPU, its children included) and the machine's load, printed beside every figure."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU seconds (user + system, the command's children included), and stdout;
    a failing command stops the benchmark with its error."""
    cpu, started = cpu_of_children(), time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(f"{command[1] if command[1] != '-c' else 'bench script'} failed:\n{done.stderr}")
    return time.perf_counter() - started, cpu_of_children() - cpu, done.stdout


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
