"""Run the partial-pooling simulation study and write docs/pooling.md.

Each replication draws eight subgroups of 12 to 200 people with subgroup effects that truly
differ and compares today's ML logit (minimum cell 5), Firth unpooled, Firth + hierarchical
pooling, Firth + plug-in empirical Bayes and a mixed logit (variational Bayes) on error and
interval coverage. Usage::

    .venv/bin/python bench/pooling_study.py                  # the committed study
    .venv/bin/python bench/pooling_study.py --replications 50 --output -   # a quick look
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from research.validation.pooling_study import (
    CHECK_REPLICATIONS,
    REPLICATIONS,
    SEED,
    check_sample,
    render_markdown,
    run,
    summarise,
)
from research.validation.staleness import write_sample

DEFAULT_OUTPUT = Path(__file__).parents[1] / "docs" / "pooling.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=REPLICATIONS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="file, or - for stdout")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = summarise(run(args.replications, args.seed, workers=args.workers))
    text = render_markdown(summary, args.replications, args.seed)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        header = {"study": "pooling", "seed": args.seed, "replications": CHECK_REPLICATIONS}
        drawn = check_sample(CHECK_REPLICATIONS, args.seed)
        sample = write_sample(Path(args.output), header, drawn)
        print(f"wrote {args.output} and {sample}")
    print(
        f"{args.replications} replications in {time.perf_counter() - started:.0f} s "
        f"with {args.workers} workers",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
