"""The quarter-wide disclosure protection is solved once per report run, not once per notebook."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

import research.report.runner.run as runner
from research.report.kit.context import ReportError
from research.report.kit.quarter.protection import CACHE_FOLDER


@pytest.mark.e2e  # a whole report run up to its kernels (about 50 s)
def test_the_quarter_is_protected_before_the_notebooks_start(small_db, tmp_path, monkeypatch):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    cached_when_started: list[int] = []

    def no_kernel(source: Path, *_args: object) -> None:
        cached_when_started.append(len(list((private_tmp / CACHE_FOLDER).glob("*.json"))))
        raise ReportError(f"{source.name}: stopped by the test")

    monkeypatch.setattr(runner, "execute", no_kernel)
    with pytest.raises(ReportError, match="stopped by the test"):
        runner.run_report("2026Q3", small_db, out=tmp_path / "reports")
    assert cached_when_started and all(n == 1 for n in cached_when_started)
