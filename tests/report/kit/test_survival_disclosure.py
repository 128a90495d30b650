"""Kaplan–Meier curves drawn without single events."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from research.evidence.survival import km_curves
from research.report.kit.survival_disclosure import coarsen_curve, coarsen_curves


def lifts(times, completed, group="A"):
    return pd.DataFrame(
        {
            "time_months": times,
            "event_completed": completed,
            "event_dropout": 0,
            "euv_track": group,
        }
    )


def test_single_events_are_grouped_and_the_tail_with_few_at_risk_is_cut():
    frame = lifts(list(range(1, 21)), [1] * 12 + [0] * 8)  # one completion a month
    raw = km_curves(frame, event="completed", by="euv_track", min_cell=5)
    assert (raw["n_events"].iloc[1:] == 1).any()  # drawn as is, every event shows
    shown = coarsen_curves(raw, 5)
    assert (shown["n_events"].iloc[1:] >= 5).all()
    assert (shown["n_risk"] >= 5).all()
    # the points kept are the curve's own values at those times
    merged = shown.merge(raw, on=["group", "time"], suffixes=("", "_raw"))
    assert np.allclose(merged["survival"], merged["survival_raw"])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 36), st.booleans()), min_size=5, max_size=60),
    st.sampled_from([3, 5]),
)
def test_no_drawn_drop_rests_on_fewer_than_min_cell_events(rows, min_cell):
    frame = lifts([t for t, _ in rows], [int(c) for _, c in rows])
    raw = km_curves(frame, event="completed", by="euv_track", min_cell=min_cell)
    for _, part in coarsen_curves(raw, min_cell).groupby("group"):
        survival = part["survival"].to_numpy()
        drops = np.flatnonzero(np.diff(survival) < 0) + 1
        assert (part["n_events"].to_numpy()[drops] >= min_cell).all()
        assert (part["n_risk"].to_numpy()[1:] >= min_cell).all()


def test_an_empty_curve_stays_empty():
    assert coarsen_curve(pd.DataFrame(columns=["time", "n_risk", "n_events"]), 5).empty
