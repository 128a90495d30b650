"""Run the coverage study of the estimators and write docs/validation.md.

Every design in ``research.validation.coverage`` is simulated ``--replications`` times with a
fixed seed; the table of bias, standard errors and interval coverage goes to
``docs/validation.md`` (generated: never edit it by hand) with the rows of docs/pooling.md and
docs/employment-coverage.md it quotes (so every new estimator's coverage is on one page; run
this again after regenerating those), the raw results of the first replications to
``docs/validation.sample.json`` (the check sample a fast test recomputes).
The same seed gives the same table however many ``--workers`` share the work. Usage::

    .venv/bin/python bench/coverage_study.py                  # the committed study
    .venv/bin/python bench/coverage_study.py --workers 4
    .venv/bin/python bench/coverage_study.py --replications 100 --output -   # a quick look
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from research.validation.companions import excerpts
from research.validation.coverage import (
    CHECK_REPLICATIONS,
    REPLICATIONS,
    SEED,
    check_sample,
    render_markdown,
    run_study,
)
from research.validation.staleness import write_sample

DEFAULT_OUTPUT = Path(__file__).parents[1] / "docs" / "validation.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=REPLICATIONS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--output", default=str(DEFAULT_OUTPUT), help="file to write, or - for stdout"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = run_study(args.replications, args.seed, workers=args.workers)
    text = render_markdown(rows, args.replications, args.seed, excerpts(DEFAULT_OUTPUT.parent))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        header = {"study": "coverage", "seed": args.seed, "replications": CHECK_REPLICATIONS}
        drawn = check_sample(CHECK_REPLICATIONS, args.seed)
        sample = write_sample(Path(args.output), header, drawn)
        print(f"wrote {args.output} and {sample}")
    print(
        f"{args.replications} replications per design in {time.perf_counter() - started:.0f} s "
        f"with {args.workers} workers",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
