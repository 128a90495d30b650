"""Keyed pseudonyms for CPR numbers: the same person always gets the same id, and without the
key nobody can go back from the id to the number.

The key comes from ``RESEARCH_PSEUDONYM_KEY`` or from a file named by
``RESEARCH_PSEUDONYM_KEY_FILE``, which must live outside the repository. ``DEMO_KEY`` is public
on purpose: it is for synthetic data only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from research.config import KEY_ENV, KEY_FILE_ENV
from research.errors import PseudonymKeyError

DEMO_KEY = b"kompetenceloeft-demo-key--synthetic-data-only--not-secret"
MIN_KEY_BYTES = 16


def pseudonymise(cpr_digits: str, key: bytes) -> str:
    """HMAC-SHA256 of the ten CPR digits, shortened to 128 bits and prefixed ``P``."""
    digest = hmac.new(key, cpr_digits.encode("ascii"), hashlib.sha256).hexdigest()
    return "P" + digest[:32]


def load_key(*, demo: bool = False) -> bytes:
    """The key to pseudonymise with; a clear error when there is none."""
    if demo:
        return DEMO_KEY
    if value := os.environ.get(KEY_ENV):
        key = value.encode("utf-8")
    elif file := os.environ.get(KEY_FILE_ENV):
        key = _read_key_file(Path(file))
    else:
        raise PseudonymKeyError(
            f"no pseudonymisation key: set {KEY_ENV} or {KEY_FILE_ENV} (a file outside the "
            "repository); for the synthetic example files only, pass --demo-key"
        )
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(f"the pseudonymisation key must be at least {MIN_KEY_BYTES} bytes")
    return key


def _read_key_file(path: Path) -> bytes:
    if not path.is_file():
        raise PseudonymKeyError(f"key file not found: {path}")
    if _inside_git_work_tree(path.resolve()):
        raise PseudonymKeyError(
            f"key file {path} is inside a git repository; keep it outside so it is never committed"
        )
    return path.read_bytes().strip()


def _inside_git_work_tree(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in path.parents)
