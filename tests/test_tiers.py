"""The suite's tiers: plain ``pytest`` is the unit tier, and a unit test may not start a process.

Each test runs a small suite of its own with the project's pytest settings (read from
pyproject.toml) and tests/conftest.py, so what is checked is the configuration in use.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CONFTEST = ROOT / "tests" / "conftest.py"

ONE_OF_EACH = """
import pytest

def test_unit():
    pass

@pytest.mark.e2e
def test_e2e():
    pass

@pytest.mark.validation
def test_validation():
    pass
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """An empty suite configured as this project's is."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "pytest"
    ]["ini_options"]
    markers = "\n    ".join(options["markers"])
    pytester.makeini(f"[pytest]\naddopts = {options['addopts']}\nmarkers =\n    {markers}\n")
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    return pytester


def test_plain_pytest_runs_the_unit_tier_and_says_what_it_left_out(suite: pytest.Pytester):
    suite.makepyfile(ONE_OF_EACH)
    result = suite.runpytest_inprocess()
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["*2 e2e/validation tests not run (the quick tier)*"])


@pytest.mark.parametrize(
    ("expression", "ran"),
    [
        ("e2e", ["test_e2e"]),
        ("validation", ["test_validation"]),
        ("unit or e2e or validation", ["test_unit", "test_e2e", "test_validation"]),
    ],
)
def test_each_tier_and_all_of_them_can_be_chosen(suite: pytest.Pytester, expression, ran):
    suite.makepyfile(ONE_OF_EACH)
    result = suite.runpytest_inprocess("-m", expression, "-v")
    result.assert_outcomes(passed=len(ran), deselected=3 - len(ran))
    assert "not run (the quick tier)" not in result.stdout.str()
    for name in ran:
        result.stdout.fnmatch_lines([f"*::{name} PASSED*"])


def test_a_module_mark_puts_every_test_of_the_module_in_its_tier(suite: pytest.Pytester):
    suite.makepyfile("import pytest\npytestmark = pytest.mark.e2e\ndef test_a(): pass\n")
    suite.runpytest_inprocess().assert_outcomes(deselected=1)
    suite.runpytest_inprocess("-m", "e2e").assert_outcomes(passed=1)


def test_an_unregistered_marker_is_an_error(suite: pytest.Pytester):
    suite.makepyfile("import pytest\n@pytest.mark.slow\ndef test_a(): pass\n")
    result = suite.runpytest_inprocess()
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*'slow' not found in `markers`*"])


def test_a_unit_test_that_starts_a_process_fails_even_if_it_catches_the_error(
    suite: pytest.Pytester,
):
    suite.makepyfile(
        """
        import subprocess

        def test_sneaky():
            try:
                subprocess.run(["true"], check=True)
            except Exception:
                pass
        """
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*test_sneaky starts a process (true) but is a unit test: mark it `@pytest.mark.e2e`*"]
    )


def test_a_fixture_that_starts_a_process_for_a_unit_test_fails_it(suite: pytest.Pytester):
    suite.makepyfile(
        """
        import os
        import pytest

        @pytest.fixture(scope="session")
        def forked():
            return os.fork()

        def test_uses_it(forked):
            pass
        """
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*test_uses_it starts a process (os.fork())*"])


@pytest.mark.e2e  # its inner e2e test really starts a process
def test_e2e_and_validation_tests_may_start_processes(suite: pytest.Pytester):
    suite.makepyfile(
        """
        import subprocess
        import pytest

        @pytest.mark.e2e
        def test_cli():
            subprocess.run(["true"], check=True)

        @pytest.mark.validation
        def test_pool():
            subprocess.run(["true"], check=True)
        """
    )
    suite.runpytest_inprocess("-m", "e2e or validation").assert_outcomes(passed=2)
