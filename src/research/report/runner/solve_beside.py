"""The quarter-wide protection solved in a forked child while the notebooks' kernels start.

Why: the solution takes seconds, most of them on one core, and a kernel needs nothing from it
until its notebook's first cell asks; starting a kernel (interpreter, imports, reading the
snapshot) costs as much again. So the runner forks a child that solves and keeps the solution
in the cache, starts the kernels at once, and each notebook waits on the cache's lock for the
child's result (``quarter_solution`` lets one process solve and the others read what it kept).
The child is forked before any thread starts: it forks its own workers to build the scopes'
tables, which is safe only from a process with one thread. Where forking is unsafe or
impossible the runner solves first, as before.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from typing import Any

from research.report.kit.context import ReportContext, ReportError


class Solving:
    """A solution being made beside the kernels; ``wait`` raises what went wrong in it."""

    def __init__(self, process: Any = None, reader: Any = None) -> None:
        self._process = process
        self._reader = reader

    def wait(self) -> None:
        """Block until the solution is kept; a failure is raised here as one line."""
        if self._process is None:
            return
        try:
            message = self._reader.recv()
        except EOFError:  # killed before it could say
            message = "the quarter's protection could not be solved: its process died"
        self._process.join()
        self._reader.close()
        self._process = None
        if message:
            raise ReportError(message)


def solve_beside(ctx: ReportContext, solve: Callable[[ReportContext], Any]) -> Solving:
    """Start ``solve(ctx)`` in a forked child (or run it here when forking is unsafe)."""
    if (
        "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
        or multiprocessing.current_process().daemon  # a daemon may not have children
    ):
        solve(ctx)
        return Solving()
    fork = multiprocessing.get_context("fork")
    reader, writer = fork.Pipe(duplex=False)
    # not a daemon: the child forks its own workers to build the scopes' tables
    process = fork.Process(target=_solve_and_say, args=(ctx, solve, writer), daemon=False)
    process.start()
    writer.close()
    return Solving(process, reader)


def _solve_and_say(ctx: ReportContext, solve: Callable[[ReportContext], Any], writer: Any) -> None:
    """In the child: solve, then send an empty message, or the error's one line."""
    try:
        solve(ctx)
        writer.send("")
    except ReportError as exc:
        writer.send(str(exc))
    except BaseException as exc:  # the parent says what failed, never a traceback
        writer.send(f"the quarter's protection could not be solved: {type(exc).__name__}: {exc}")
    finally:
        writer.close()
