"""Publishing a report folder whole: a reader sees the old report or the new one, never a mix.

Why: a report is many files (HTML, notebooks, tables, the manifest that hashes them). Replacing
them one by one leaves, for a moment or for good if the process dies, a new HTML beside old
tables and an old manifest. Instead the new folder is built completely beside the old one, on
the same filesystem, and swapped in with two renames: the old folder is moved aside, the new
one moved in, and only then is the old one deleted. If the second rename fails the old folder
is moved back; if the process dies between the two, the next publish puts it back first.

A quarter's folder is shared: the programme report owns its own files, each partner report
its sub-folder and the article its ``article/`` folder. Publishing a folder carries over, by
hard link (cheap, and the live folder stays whole until the swap), every entry of the old
folder that the new one does not own. Publishes under one output folder take turns (a lock
file), so a partner report cannot land in a quarter folder that is being swapped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: publishes are not serialised
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".publishing.lock"
ASIDE = ".old-"  # the old folder's name while the new one moves in: .<name>.old-<token>


def publish_folder(
    build: Path,
    target: Path,
    *,
    lock_root: Path,
    carry_over: Callable[[Path], Iterable[str]] = lambda _old: (),
) -> None:
    """Move the complete folder ``build`` to ``target``, replacing what is there.

    ``carry_over(old_target)`` names the entries of the old folder the new one keeps (e.g. the
    partner sub-folders of a quarter's programme report). ``build`` must be on the same
    filesystem as ``target``; ``lock_root`` is the folder whose publishes take turns.
    """
    with _publish_lock(lock_root):
        target.parent.mkdir(parents=True, exist_ok=True)
        _restore_after_a_crash(target)
        if target.exists():
            for name in carry_over(target):
                _link_copy(target / name, build / name)
        _swap(build, target)


def _swap(build: Path, target: Path) -> None:
    aside = target.with_name(f".{target.name}{ASIDE}{uuid.uuid4().hex[:8]}")
    moved_aside = False
    if target.exists():
        _rename(target, aside)
        moved_aside = True
    try:
        _rename(build, target)
    except BaseException:
        if moved_aside and not target.exists():
            _rename(aside, target)
        raise
    if moved_aside:
        shutil.rmtree(aside, ignore_errors=True)


def _rename(source: Path, target: Path) -> None:
    """One directory rename (``os.rename``: atomic within a filesystem)."""
    os.rename(source, target)


def _restore_after_a_crash(target: Path) -> None:
    """A publish that died between its two renames left the old folder aside: put it back."""
    asides = sorted(target.parent.glob(f".{target.name}{ASIDE}*"), key=lambda p: p.stat().st_mtime)
    if asides and not target.exists():
        _rename(asides.pop(), target)
    for stale in asides:
        shutil.rmtree(stale, ignore_errors=True)


def _link_copy(source: Path, target: Path) -> None:
    """Copy a file or a folder by hard links, or by copying where links are not possible."""
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


@contextlib.contextmanager
def _publish_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    with (root / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
