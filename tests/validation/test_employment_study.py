"""docs/employment-coverage.md is current, and at the project's end the headline interval of
the employment effect covers the planted ATT (20 simulated programmes, slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from research.validation import employment_study
from research.validation.staleness import differences, read_sample

PAGE = Path(__file__).parents[2] / "docs" / "employment-coverage.md"
REGENERATE = "regenerate it with `.venv/bin/python bench/employment_coverage.py`"


def test_employment_coverage_page_is_in_step_with_the_code() -> None:
    text = PAGE.read_text(encoding="utf-8")
    stored = read_sample(PAGE)
    assert stored["seeds"] == list(employment_study.CHECK_SEEDS), REGENERATE
    changed = differences(stored["sample"], employment_study.check_sample())
    assert not changed, f"the employment estimates changed ({'; '.join(changed)}); {REGENERATE}"
    assert f"check sample `{employment_study.SAMPLE_NAME}`" in text, REGENERATE


@pytest.mark.validation
def test_headline_interval_covers_the_planted_effect_at_the_end() -> None:
    rows = employment_study.run(list(employment_study.SEEDS)[:20], workers=2)
    summary = employment_study.summarise(rows).set_index("method")
    assert (summary["estimated"] == 20).all()  # no programme without an estimate
    assert summary.loc["ra", "coverage"] >= 0.85  # 17 of 20; 95 % nominal, MC SE 4.9 %
    assert abs(summary.loc["ra", "bias"]) < 0.5 * summary.loc["ra", "empirical_se"]
