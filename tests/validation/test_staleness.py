"""The check sample: equal within a tight tolerance, and a change is named where it is."""

from __future__ import annotations

import math

import numpy as np

from research.validation.staleness import differences, read_sample, sample_path, write_sample


def test_the_same_numbers_within_tolerance_are_not_stale():
    stored = {"ipw": [[0.25, 0.01, True]], "fe": [[math.nan, None, False]]}
    fresh = {"ipw": [[0.25 * (1 + 1e-9), 0.01, True]], "fe": [[None, math.nan, False]]}
    assert differences(stored, fresh) == []


def test_a_changed_estimate_is_named_with_its_place():
    stored = {"ipw": [[0.25, 0.01, True]]}
    fresh = {"ipw": [[0.2501, 0.01, True]]}
    assert differences(stored, fresh) == ["sample / ipw / 0 / 0: 0.25 stored, 0.2501 now"]


def test_a_changed_verdict_a_missing_target_and_a_new_one_are_named():
    stored = {"a": [[1.0, 0.1, True]], "b": [1.0]}
    fresh = {"a": [[1.0, 0.1, False]], "c": [1.0]}
    assert differences(stored, fresh) == [
        "sample / a / 0 / 2: True stored, False now",
        "sample / b: stored only",
        "sample / c: new only",
    ]


def test_the_sample_round_trips_beside_its_page(tmp_path):
    page = tmp_path / "study.md"
    sample = {"x": [np.float64(0.5), np.nan, np.int64(3), np.array([1.0, 2.0])]}
    path = write_sample(page, {"seed": 7}, sample)
    assert path == sample_path(page) == tmp_path / "study.sample.json"
    stored = read_sample(page)
    assert stored["seed"] == 7
    assert stored["sample"] == {"x": [0.5, None, 3, [1.0, 2.0]]}
    assert differences(stored["sample"], sample) == []


def test_a_study_that_is_not_bit_reproducible_can_allow_more():
    stored, fresh = [0.10703046], [0.10703069]  # the mixed logit's run-to-run noise
    assert differences(stored, fresh)
    assert differences(stored, fresh, rtol=1e-4) == []
