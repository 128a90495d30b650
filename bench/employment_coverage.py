"""Simulate the programme at its end with many seeds and write docs/employment-coverage.md.

Each seed is a scale-1 programme at 31-12-2027; the RA and IPW ATT on employment six months
after are compared with the planted ATT. Usage::

    .venv/bin/python bench/employment_coverage.py            # 60 seeds, 2 workers
    .venv/bin/python bench/employment_coverage.py --seeds 20 --output -
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from research.validation.employment_study import (
    CHECK_SEEDS,
    SEEDS,
    check_sample,
    render_markdown,
    run,
    summarise,
)
from research.validation.staleness import write_sample

DEFAULT_OUTPUT = Path(__file__).parents[1] / "docs" / "employment-coverage.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(SEEDS))
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="file, or - for stdout")
    args = parser.parse_args(argv)
    seeds = list(SEEDS)[: args.seeds]
    started = time.perf_counter()
    rows = run(seeds, workers=args.workers)
    summary = summarise(rows)
    text = render_markdown(summary, seeds)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        header = {"study": "employment", "seeds": list(CHECK_SEEDS)}
        sample = write_sample(Path(args.output), header, check_sample(CHECK_SEEDS))
        print(f"wrote {args.output} and {sample}")
    print(summary.to_string(index=False), file=sys.stderr)
    print(f"{len(seeds)} programmes in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
