"""A long-lived Jupyter kernel that runs one parameterised notebook after another.

Why: papermill starts a kernel for every notebook, which costs two to three seconds of
interpreter start and imports (pandas, matplotlib, DuckDB, the workbench) before the first
cell: at a thousand company plans that alone is most of an hour on two cores. Here each
worker keeps one kernel for its whole share of the batch, and every document is still a
parameterised notebook run: papermill's own ``parameterize_notebook`` injects the
``injected-parameters`` cell after the ``parameters`` cell, nbclient executes the cells, and
the executed notebook is kept. Before each document every name the last one defined is
dropped from the kernel's namespace, so no variable survives from one company to the next;
imported modules stay, and so does what they cache on purpose (``kit.cached_context``: the
snapshot read once).
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

# Drop every name the notebook defined. Not ``%reset``: that also runs the garbage collector
# over the whole heap (the loaded programme included), about 1 s idle and 4 s under load.
RESET = (
    "(lambda ip: [ip.user_ns.pop(k) for k in [k for k in ip.user_ns "
    "if not k.startswith('_') and k not in ip.user_ns_hidden]])(get_ipython())"
)
CELL_TIMEOUT = 600  # seconds: one cell of one document
# A batch kernel keeps no input history: IPython would write every cell of every document to
# its SQLite history file, about a fifth of the kernel's own time on a short cell.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


class NotebookFailed(RuntimeError):
    """A cell of the notebook raised; ``notebook`` is the partly run copy."""

    def __init__(self, message: str, notebook: Any) -> None:
        super().__init__(message)
        self.notebook = notebook


def local_kernel_manager(sockets: Path) -> type:
    """An async kernel manager that talks to its kernel over Unix sockets in ``sockets``
    instead of TCP ports: nothing listens on the network, and no eavesdropping warning. Used
    by the report's papermill runs and by the documents' long-lived kernels."""
    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if os.name == "posix":
                self.transport = "ipc"
                self.ip = str(sockets / "kernel")

    return LocalKernelManager


class KernelSession:
    """One kernel, started once, that executes notebooks until ``close``."""

    def __init__(self, kernel_name: str, cwd: Path) -> None:
        from jupyter_core.utils import run_sync

        self.kernel_name = kernel_name
        self.sockets = Path(tempfile.mkdtemp(prefix="research-kernel-"))
        self.km = local_kernel_manager(self.sockets)(kernel_name=kernel_name)
        run_sync(self.km.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS)
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=120)
        self.documents = 0
        self._process = None

    def cpu_seconds(self) -> float:
        """CPU time (user and system) the kernel process has used so far: what the batch
        benchmark counts per document, since the kernel's work is not the worker's."""
        import psutil

        if self._process is None:
            self._process = psutil.Process(self.km.provisioner.pid)
        times = self._process.cpu_times()
        return times.user + times.system

    def run(self, notebook: Any, parameters: dict[str, Any]) -> Any:
        """``notebook`` with ``parameters`` injected, executed in this kernel; raises
        ``NotebookFailed`` (with the partly run copy) when a cell raises."""
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from papermill.parameterize import parameterize_notebook

        nb = copy.deepcopy(notebook)
        for cell in nb.cells:  # what papermill's own run prepares before parameterising
            cell.metadata.setdefault("tags", [])
        nb.metadata.setdefault("papermill", {})
        nb = parameterize_notebook(nb, parameters, kernel_name=self.kernel_name, language="python")
        self._reset()
        client = NotebookClient(nb, km=self.km, kernel_name=self.kernel_name, timeout=CELL_TIMEOUT)
        client.kc = self.kc  # reuse the open channels: owns_km is False, nothing is shut down
        try:
            client.execute()
        except CellExecutionError as exc:
            raise NotebookFailed(f"{exc.ename}: {_first_line(exc.evalue)}", nb) from None
        self.documents += 1
        return nb

    def _reset(self) -> None:
        from jupyter_core.utils import run_sync

        reply = run_sync(self.kc.execute_interactive)(
            RESET, silent=True, store_history=False, timeout=60
        )
        if reply["content"].get("status") != "ok":
            raise RuntimeError("the kernel could not clear its namespace")

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            self.kc.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self.sockets, ignore_errors=True)


def _first_line(text: str) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""
