"""Many reports at once: one per partner, in parallel over the machine's cores.

Why processes: each report runs its own kernel and renders its own figures; separate processes
keep one partner's failure (or memory) from touching the others, and the summary says which
failed and why.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from research.errors import ResearchError


@dataclass(frozen=True)
class PartnerOutcome:
    partner: str
    html: Path | None
    seconds: float | None
    error: str | None


def _one(partner: str, options: dict) -> PartnerOutcome:
    from research.report.runner.run import run_report

    try:
        result = run_report(partner=partner, **options)
    except ResearchError as exc:
        return PartnerOutcome(partner, None, None, str(exc))
    except Exception as exc:  # the summary must still list every partner
        return PartnerOutcome(partner, None, None, f"{type(exc).__name__}: {exc}")
    return PartnerOutcome(partner, result.html, result.seconds, None)


def run_partner_reports(
    partners: list[str],
    *,
    quarter: str,
    db: Path | str | None,
    lang: str,
    out: Path | str,
    min_cell: int | None,
    config: Path | str | None,
    workers: int | None = None,
    progress: bool = True,
) -> list[PartnerOutcome]:
    """Run every partner's report; outcomes come back in the partners' order."""
    from tqdm.auto import tqdm

    options = {
        "quarter": quarter,
        "db": db,
        "lang": lang,
        "out": out,
        "min_cell": min_cell,
        "config": config,
    }
    workers = max(1, min(workers or os.cpu_count() or 1, len(partners)))
    outcomes: dict[str, PartnerOutcome] = {}
    context = multiprocessing.get_context("spawn")  # no forked copies of kernels or figures
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(_one, p, options): p for p in partners}
        bar = tqdm(total=len(partners), desc="partner reports", unit="report", disable=not progress)
        for future in as_completed(futures):
            partner = futures[future]
            try:
                outcomes[partner] = future.result()
            except Exception as exc:  # a worker that died outright
                outcomes[partner] = PartnerOutcome(partner, None, None, f"worker died: {exc}")
            bar.update(1)
        bar.close()
    return [outcomes[p] for p in partners]
