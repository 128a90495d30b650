"""The pseudonymisation key: weak keys are refused, a bad key file is one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from research.config import KEY_ENV, KEY_FILE_ENV
from research.errors import PseudonymKeyError
from research.ingest.pseudonym import DEMO_KEY, load_key

GOOD = "k3Y-5ecret!9qZ#xw2Lp7"


@pytest.fixture
def no_key_env(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (" " * 40, "empty or only white space"),
        ("\t\n  \t", "empty or only white space"),
        ("short-key", "too short"),
        ("a" * 40, "repeats too few"),
        ("abababababababababab", "repeats too few"),
        (DEMO_KEY.decode(), "public demo key"),
        (f"  {DEMO_KEY.decode()}\n", "public demo key"),
    ],
)
def test_weak_keys_are_refused(no_key_env, value, reason):
    no_key_env.setenv(KEY_ENV, value)
    with pytest.raises(PseudonymKeyError, match=reason):
        load_key()


def test_a_good_key_is_used(no_key_env):
    no_key_env.setenv(KEY_ENV, GOOD)
    assert load_key() == GOOD.encode()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe\x00k\x00e\x00y\x00\x80\x81\x82\x83\x84\x85\x86\x87", "not UTF-8 text"),
        (b"   \n\t \n", "empty or only white space"),
        (DEMO_KEY + b"\n", "public demo key"),
    ],
)
def test_bad_key_files_are_one_line(no_key_env, tmp_path, content, reason):
    path = tmp_path / "k.key"  # pytest's tmp folders are outside any git work tree
    path.write_bytes(content)
    no_key_env.setenv(KEY_FILE_ENV, str(path))
    with pytest.raises(PseudonymKeyError, match=reason) as exc:
        load_key()
    assert "\n" not in str(exc.value)


def test_a_key_file_that_cannot_be_read_is_one_line(no_key_env, tmp_path):
    path = tmp_path / "k.key"
    path.write_text(GOOD)
    path.chmod(0)
    no_key_env.setenv(KEY_FILE_ENV, str(path))
    if os.access(path, os.R_OK):  # root reads anything
        pytest.skip("running as root: every file is readable")
    with pytest.raises(PseudonymKeyError, match="cannot be read"):
        load_key()


@pytest.mark.e2e
def test_a_key_in_the_environment_that_is_not_text_is_one_line(tmp_path):
    """Bytes that are not UTF-8 reach Python as surrogates; the CLI says so in one line."""
    env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, KEY_FILE_ENV)}
    env = {**env, "LC_ALL": "C.UTF-8"}
    code = (
        "import os, sys\n"
        f"os.environ[{KEY_ENV!r}] = 'key-' + b'\\xff\\xfe'.decode('utf-8', 'surrogateescape') "
        "+ 'x' * 20\n"
        "from research.cli import app\n"
        "sys.argv = ['research', 'import', 'start-forms', 'x.csv', '--db', "
        f"{str(tmp_path / 'x.duckdb')!r}]\n"
        "app()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "not valid UTF-8 text" in done.stderr
