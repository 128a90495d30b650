"""Publishing a report folder whole: old or new, never a mixture; other reports' folders stay."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from research.report.runner import folder_swap
from research.report.runner.folder_swap import publish_folder
from research.report.runner.run import _programme_owned


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _manifest(root: Path, names: list[str]) -> None:
    outputs = [
        {"path": n, "sha256": hashlib.sha256((root / n).read_bytes()).hexdigest()} for n in names
    ]
    (root / "manifest.json").write_text(json.dumps({"outputs": outputs}), encoding="utf-8")


def _contents(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


OTHERS = {
    "EUS1/progress.html": "partner EUS1",
    "EUS1/tables/progress.csv": "partner table",
    "article/evidence.html": "the article",
    "noter.txt": "a project manager's note",
}


@pytest.fixture
def quarter(tmp_path: Path) -> Path:
    """A published quarter: the programme report, two other reports' folders and a note."""
    folder = _write(
        tmp_path / "reports" / "2026Q3",
        {
            "progress.html": "old html",
            "tables/progress.csv": "old table",
            "tables/dropped.csv": "a table the new report no longer makes",
            "progress.failed.ipynb": "an earlier failure",
            "quarto/progress.pdf": "rendered from the old notebook",
            **OTHERS,
        },
    )
    _manifest(folder, ["progress.html", "tables/progress.csv", "tables/dropped.csv"])
    return folder


@pytest.fixture
def build(tmp_path: Path) -> Path:
    folder = _write(
        tmp_path / "reports" / ".building-x" / "report",
        {"progress.html": "new html", "tables/progress.csv": "new table"},
    )
    _manifest(folder, ["progress.html", "tables/progress.csv"])
    return folder


def _publish(build: Path, quarter: Path) -> None:
    publish_folder(build, quarter, lock_root=quarter.parent, carry_over=_programme_owned(build))


def test_a_republished_programme_report_replaces_its_files_and_keeps_the_others(build, quarter):
    new = _contents(build)
    _publish(build, quarter)
    assert _contents(quarter) == new | OTHERS
    assert not build.exists()
    assert [p.name for p in quarter.parent.iterdir() if p.name.startswith(".2026Q3")] == []


def test_a_partner_or_article_folder_is_replaced_whole(tmp_path, quarter):
    new = _write(tmp_path / "reports" / ".building-y" / "report", {"progress.html": "EUS1 new"})
    publish_folder(new, quarter / "EUS1", lock_root=quarter.parent)
    assert _contents(quarter / "EUS1") == {"progress.html": "EUS1 new"}
    assert (quarter / "progress.html").read_text(encoding="utf-8") == "old html"


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_swap_that_fails_leaves_the_old_folder_whole(build, quarter, monkeypatch, failure):
    before = _contents(quarter)
    real = folder_swap._rename

    def fail_moving_the_new_folder_in(source: Path, target: Path) -> None:
        if source == build:
            raise failure
        real(source, target)

    monkeypatch.setattr(folder_swap, "_rename", fail_moving_the_new_folder_in)
    with pytest.raises(type(failure)):
        _publish(build, quarter)
    assert _contents(quarter) == before
    assert [p.name for p in quarter.parent.iterdir() if p.name.startswith(".2026Q3")] == []


def test_a_process_killed_between_the_two_renames_is_repaired_by_the_next_publish(
    build, quarter, monkeypatch, tmp_path
):
    others_before = {k: v for k, v in _contents(quarter).items() if k in OTHERS}
    real = folder_swap._rename
    calls = []

    def die_after_moving_the_old_folder_aside(source: Path, target: Path) -> None:
        calls.append(source)
        if len(calls) > 1:  # the process is gone: nothing else happens, not even a roll-back
            raise SystemExit("killed")
        real(source, target)

    monkeypatch.setattr(folder_swap, "_rename", die_after_moving_the_old_folder_aside)
    with pytest.raises(SystemExit):
        _publish(build, quarter)
    assert not quarter.exists()  # a reader sees no report for a moment, never a mixture
    monkeypatch.setattr(folder_swap, "_rename", real)

    again = _write(tmp_path / "reports" / ".building-z" / "report", {"progress.html": "newer"})
    _publish(again, quarter)
    contents = _contents(quarter)
    assert contents["progress.html"] == "newer"
    assert {k: v for k, v in contents.items() if k in OTHERS} == others_before
    assert [p.name for p in quarter.parent.iterdir() if p.name.startswith(".2026Q3")] == []
