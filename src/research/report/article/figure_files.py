"""The article's figure files for journals (PDF and the 300-dpi PNG), drawn by a second process
while the notebook goes on.

Why: drawing each figure again as PDF and as a 300-dpi raster is about a third of `research
evidence`'s CPU, and no later section needs those files. A figure is pickled (about a tenth of
a second for all of the article's) and drawn by one worker process on another core; the files
are byte for byte what the notebook would have drawn (a pickled matplotlib figure keeps all
a renderer reads; a test compares them). With one core the notebook draws them itself.

``wait_for_figure_files`` (the evidence notebook's last cell) waits for every file and raises
the first failure, naming the figure, so `research evidence` never publishes a folder with a
figure missing (the runner publishes only a notebook that ran to its end).
"""

from __future__ import annotations

import os
import pickle
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from research.report.kit.charts import Figure
from research.report.kit.context import ReportError

FIGURE_DPI = 300  # journals ask for 300 dpi rasters
DRAWN_FORMATS = ("pdf", "png")  # the SVG file is the page's own image (``blocks.figure_svg``)
_METADATA = {  # no timestamps or versions, so that reruns give equal files
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    "png": {"Software": None},
}


def draw_files(fig: Figure, name: str, folder: Path) -> tuple[Path, ...]:
    """``<name>.pdf`` (the vector image for LaTeX) and ``<name>.png`` at 300 dpi."""
    paths = []
    for fmt in DRAWN_FORMATS:
        path = folder / f"{name}.{fmt}"
        fig.savefig(path, format=fmt, dpi=FIGURE_DPI, facecolor="white", metadata=_METADATA[fmt])
        paths.append(path)
    return tuple(paths)


def _start_worker() -> None:
    import signal

    import matplotlib

    matplotlib.use("agg")
    # Interrupting or shutting down the kernel signals its whole process group: the worker
    # finishes the files it was given (the kernel stops it when they are written)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _draw_pickled(figure: bytes, name: str, folder: str) -> None:
    fig = pickle.loads(figure)  # the notebook's own figure, handed over by ``submit``
    draw_files(fig, name, Path(folder))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class FigureFileWriter:
    """Draws figure files in one worker process (or here, with one core) and waits for them."""

    background: bool = field(default_factory=lambda: _cores() > 1)
    _pool: ProcessPoolExecutor | None = None
    _pending: list[tuple[str, Future[None]]] = field(default_factory=list)

    def submit(self, fig: Figure, name: str, folder: Path) -> tuple[Path, ...]:
        """Start drawing ``fig``'s files; the paths they will have."""
        folder.mkdir(parents=True, exist_ok=True)
        if not self.background:
            return draw_files(fig, name, folder)
        if self._pool is None:
            import multiprocessing

            # spawn, not fork: a Jupyter kernel runs threads, which a forked child must not
            # inherit half-way through a lock
            self._pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker
            )
        blob = pickle.dumps(fig)
        self._pending.append((name, self._pool.submit(_draw_pickled, blob, name, str(folder))))
        return tuple(folder / f"{name}.{fmt}" for fmt in DRAWN_FORMATS)

    def wait(self) -> None:
        """Return when every submitted figure's files are written; raise on the first failure."""
        pending, self._pending = self._pending, []
        failed = None
        for name, future in pending:
            error = future.exception()
            if error is not None and failed is None:
                failed = (name, error)
        if failed is not None:
            name, error = failed
            raise ReportError(
                f"the article's figure {name!r} could not be written as "
                f"{' and '.join(fmt.upper() for fmt in DRAWN_FORMATS)}: {error}"
            ) from error

    def close(self) -> None:
        """Wait for the files, then stop the worker."""
        try:
            self.wait()
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None


_WRITER: FigureFileWriter | None = None


def figure_writer() -> FigureFileWriter:
    """This process's writer (one worker for the whole notebook, started at the first figure)."""
    global _WRITER
    if _WRITER is None:
        _WRITER = FigureFileWriter()
    return _WRITER


def wait_for_figure_files() -> None:
    """Block until every figure file the notebook asked for is on disk, then stop the worker
    (the notebook's last cell; a section run again after it starts a new one)."""
    if _WRITER is not None:
        _WRITER.close()
