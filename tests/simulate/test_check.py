"""`research simulate` followed by `research check` gives a clean database."""

from __future__ import annotations

import pytest

from research.quality import check_database


@pytest.mark.validation  # checks two whole scale-1 programmes (a large-scale check)
@pytest.mark.parametrize("fixture", ["mid_db", "end_db"])
def test_simulated_database_is_clean(fixture, request) -> None:
    path, _ = request.getfixturevalue(fixture)
    report = check_database(path)
    assert report.errors == 0, report.as_dict()["findings"]
    assert report.warnings == 0, report.as_dict()["findings"]
