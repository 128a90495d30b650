"""``--verify --rtol``: estimates may drift by a stated relative amount, counts never."""

from __future__ import annotations

from pathlib import Path

import pytest

from research.report.runner.verify import compare_tables


def _tables(folder: Path, rows: str) -> Path:
    folder.mkdir()
    (folder / "progress.csv").write_text("key,achieved,forecast,note\n" + rows, encoding="utf-8")
    return folder


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return _tables(tmp_path / "then", "a,1000,1323.2680250783726,x\nb,7,0.775,..\n")


def test_exact_by_default(published, tmp_path):
    now = _tables(tmp_path / "now", "a,1000,1323.26802507837,x\nb,7,0.775,..\n")
    _, differences, tolerated = compare_tables(published, now)
    assert [(d.row, d.column) for d in differences] == [(0, "forecast")]
    assert tolerated == []


def test_an_estimate_within_rtol_is_tolerated_and_its_difference_reported(published, tmp_path):
    now = _tables(tmp_path / "now", "a,1000,1323.26802507837,x\nb,7,0.775,..\n")
    _, differences, tolerated = compare_tables(published, now, rtol=1e-6)
    assert differences == []
    assert len(tolerated) == 1 and 0 < tolerated[0] < 1e-13


def test_counts_text_and_large_drifts_stay_differences(published, tmp_path):
    now = _tables(tmp_path / "now", "a,1001,1323.3,y\nb,..,0.775,..\n")
    _, differences, tolerated = compare_tables(published, now, rtol=1e-3)
    # 1000 → 1001 is 0.1 % but a count; 1323.268 → 1323.3 is within 1e-3 relative
    assert [(d.row, d.column) for d in differences] == [
        (0, "achieved"),
        (0, "note"),
        (1, "achieved"),
    ]
    assert len(tolerated) == 1
    _, differences, _ = compare_tables(published, now, rtol=1e-6)
    assert (0, "forecast") in [(d.row, d.column) for d in differences]
