"""The quarter-wide disclosure protection is solved once per report run, not once per notebook:
by a child of the runner while the kernels start, and every notebook reads what it kept."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest

import research.report.runner.run as runner
from research.report.kit.context import ReportError, load_context
from research.report.kit.quarter import protection
from research.report.runner.solve_beside import solve_beside


@pytest.mark.e2e  # a whole report run up to its kernels (about 50 s)
def test_the_quarter_is_solved_once_and_every_notebook_reads_it(small_db, tmp_path, monkeypatch):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    solves = tmp_path / "solves.txt"  # one line per solve, in whichever process it ran
    real_solve = protection._solve

    def counted(*args: object) -> object:
        with solves.open("a") as out:
            out.write("solved\n")
        return real_solve(*args)

    monkeypatch.setattr(protection, "_solve", counted)
    read: list[dict] = []

    def notebook_asks(source: Path, _target: Path, parameters: dict, *_args: object) -> None:
        ctx = load_context(parameters["db"], parameters["quarter"], parameters["lang"])
        read.append(protection.quarter_solution(ctx))  # what protect_quarter does in a kernel
        raise ReportError(f"{source.name}: stopped by the test")

    monkeypatch.setattr(runner, "execute", notebook_asks)
    with pytest.raises(ReportError, match="stopped by the test"):
        runner.run_report("2026Q3", small_db, out=tmp_path / "reports")
    assert solves.read_text().splitlines() == ["solved"]
    assert len(read) == 2 and read[0] == read[1] and read[0]["scopes"]


@pytest.mark.e2e  # forks a process
def test_a_failure_in_the_child_comes_back_as_its_one_line(small_db, monkeypatch):
    def fails(_ctx: object) -> None:
        raise ReportError("the protection failed for a reason")

    # an earlier test in this worker may have left a thread of a library's behind (the runner
    # would then rightly solve in-process): this test is about the child, so it gets one
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    solving = solve_beside(load_context(small_db, "2026Q3", "da"), fails)
    assert solving._process is not None  # solved in a child, not here
    with pytest.raises(ReportError, match=r"^the protection failed for a reason$"):
        solving.wait()


def test_with_another_thread_running_the_runner_solves_itself():
    solved_in: list[int] = []
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        solve_beside(None, lambda _ctx: solved_in.append(threading.get_ident())).wait()  # type: ignore[arg-type]
    finally:
        stop.set()
        other.join()
    assert solved_in == [threading.get_ident()]
