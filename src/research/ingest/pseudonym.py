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
MIN_DISTINCT_BYTES = 8


def pseudonymise(cpr_digits: str, key: bytes) -> str:
    """HMAC-SHA256 of the ten CPR digits, shortened to 128 bits and prefixed ``P``."""
    digest = hmac.new(key, cpr_digits.encode("ascii"), hashlib.sha256).hexdigest()
    return "P" + digest[:32]


def load_key(*, demo: bool = False) -> bytes:
    """The key to pseudonymise with; a clear one-line error when there is none or it is weak."""
    if demo:
        return DEMO_KEY
    if value := os.environ.get(KEY_ENV):
        key = _env_key(value)
    elif file := os.environ.get(KEY_FILE_ENV):
        key = _read_key_file(Path(file))
    else:
        raise PseudonymKeyError(
            f"no pseudonymisation key: set {KEY_ENV} or {KEY_FILE_ENV} (a file outside the "
            "repository); for the synthetic example files only, pass --demo-key"
        )
    check_key_strength(key)
    return key


def check_key_strength(key: bytes) -> None:
    """Refuse a key that anyone could guess: empty or blank, short, repetitive, or the demo key.

    Rule: at least ``MIN_KEY_BYTES`` bytes once surrounding white space is ignored, at least
    ``MIN_DISTINCT_BYTES`` different bytes, and not the public demo key.
    """
    body = key.strip()
    if not body:
        raise PseudonymKeyError("the pseudonymisation key is empty or only white space")
    if len(body) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"the pseudonymisation key is too short ({len(body)} bytes); use at least "
            f"{MIN_KEY_BYTES} random bytes, e.g. from `openssl rand -base64 32`"
        )
    if len(set(body)) < MIN_DISTINCT_BYTES:
        raise PseudonymKeyError(
            "the pseudonymisation key repeats too few characters to be secret; use random "
            "bytes, e.g. from `openssl rand -base64 32`"
        )
    if DEMO_KEY in body:
        raise PseudonymKeyError(
            "the pseudonymisation key is the public demo key, which anyone can use to go back "
            "from a pseudonym to a CPR number; use --demo-key for the synthetic example files, "
            "and a secret key of your own for real data"
        )


def _env_key(value: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:  # bytes the locale could not decode arrive as surrogates
        raise PseudonymKeyError(f"{KEY_ENV} is not valid UTF-8 text") from None


def _read_key_file(path: Path) -> bytes:
    if not path.is_file():
        raise PseudonymKeyError(f"key file not found: {path}")
    if _inside_git_work_tree(path.resolve()):
        raise PseudonymKeyError(
            f"key file {path} is inside a git repository; keep it outside so it is never committed"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PseudonymKeyError(f"key file {path} cannot be read: {exc.strerror}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise PseudonymKeyError(
            f"key file {path} is not UTF-8 text; write the key as text, e.g. the output of "
            "`openssl rand -base64 32`"
        ) from None
    return data.strip()


def _inside_git_work_tree(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in path.parents)
