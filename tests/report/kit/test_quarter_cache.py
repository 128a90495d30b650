"""The quarter-wide protection's cache is keyed on the whole package's code, so a change in
how a metric is counted never reuses a solution computed by the old code."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import research
from research.metrics.disclosure import DisclosureRule
from research.report.kit.quarter import protection

PACKAGE = Path(research.__file__).resolve().parent


def test_cache_key_reads_every_source_of_the_package(
    small_db: Path, default_config, monkeypatch: pytest.MonkeyPatch
):
    read: set[Path] = set()
    original = Path.read_bytes

    def spy(self: Path) -> bytes:
        read.add(self.resolve())
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    ctx = SimpleNamespace(
        db_path=small_db,
        quarter="2026Q3",
        rule=DisclosureRule(5),
        config=default_config,
        earlier_dir=None,
    )
    assert protection._cache_path(ctx) is not None
    assert PACKAGE / "metrics" / "progress.py" in read
    assert set(PACKAGE.rglob("*.py")) <= read
