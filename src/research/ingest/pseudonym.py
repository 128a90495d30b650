"""The pseudonymisation key: where it comes from, and whether it is strong enough.

The rule itself (a keyed hash of the CPR digits) and the public ``DEMO_KEY`` are domain
values in ``research.domain.identifiers``; they are named here too for the importers. The key
comes from ``RESEARCH_PSEUDONYM_KEY`` or from a file named by ``RESEARCH_PSEUDONYM_KEY_FILE``
(read through ``research.settings``), which must live outside the repository. ``DEMO_KEY`` is
public on purpose: it is for synthetic data only.
"""

from __future__ import annotations

from pathlib import Path

from research import settings
from research.domain.identifiers import DEMO_KEY, pseudonymise
from research.errors import PseudonymKeyError
from research.settings import KEY_ENV, KEY_FILE_ENV

__all__ = ["DEMO_KEY", "check_key_strength", "load_key", "pseudonymise"]

MIN_KEY_BYTES = 16
MIN_DISTINCT_BYTES = 8


def load_key(*, demo: bool = False) -> bytes:
    """The key to pseudonymise with; a clear one-line error when there is none or it is weak."""
    if demo:
        return DEMO_KEY
    if value := settings.pseudonym_key():
        key = _env_key(value)
    elif file := settings.pseudonym_key_file():
        key = _read_key_file(file)
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
