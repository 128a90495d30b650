"""Capture what a handed-out document's parts display, without a kernel (companies, networks)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from research.report.kit.blocks import BLOCK_MIME


class Captured(list):
    """Every display bundle the parts showed, and all their text in one string."""

    def text(self) -> str:
        parts = []
        for bundle in self:
            parts.append(str(bundle.get("text/html", "")))
            parts.append(json.dumps(bundle.get(BLOCK_MIME, {}), ensure_ascii=False))
        return "\n".join(parts)

    def blocks(self) -> list[dict[str, Any]]:
        return [b[BLOCK_MIME] for b in self if BLOCK_MIME in b]


@pytest.fixture
def capture(monkeypatch: pytest.MonkeyPatch) -> Callable[[], Captured]:
    """``capture()`` starts collecting what ``IPython.display.display`` is given."""
    import IPython.display

    def start() -> Captured:
        shown = Captured()
        monkeypatch.setattr(IPython.display, "display", lambda data, raw=False: shown.append(data))
        return shown

    return start
