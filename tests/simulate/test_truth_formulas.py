"""One formula per planted effect, for a whole population at once and for one person.

The simulator draws from these formulas and the validation compares estimates with them, so
they are checked here against the parameters written out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from research.simulate.truth import COMPLETION, EMPLOYMENT, PANEL, logistic


def test_the_completion_logit_over_arrays_matches_the_parameters():
    eta = COMPLETION.linear_predictor(
        route=np.array(["network", "job_centre", "network"], dtype=object),
        education=np.array(["H10", "H20", None], dtype=object),
        employment=np.array(["employed", "long_term_unemployed", "unemployed"], dtype=object),
        below_02=np.array([False, True, True]),
        prep=np.array([False, True, False]),
    )
    # reference person; every term switched on; unknown education counts as H10
    assert eta == pytest.approx([2.5, 2.5 - 0.9 + 0.4 - 0.7 - 1.0 + 0.1 + 0.9, 2.5 - 0.3 - 1.0])
    one = COMPLETION.probability(
        route="job_centre",
        education="H20",
        employment="long_term_unemployed",
        below_02=True,
        prep=True,
    )
    assert one == pytest.approx(logistic(1.3))


def test_the_employment_logit_over_arrays_matches_the_parameters():
    eta = EMPLOYMENT.linear_predictor(
        age=np.array([40.0, 50.0]),
        female=np.array([False, True]),
        education=np.array(["H10", "H29"], dtype=object),
        long_term=np.array([False, True]),
        participated=np.array([False, True]),
    )
    assert eta == pytest.approx([-0.2, -0.2 - 0.3 - 0.1 + 0.35 - 0.8 + 0.6])
    assert EMPLOYMENT.probability(
        age=40.0, female=False, education="H10", long_term=False, participated=True
    ) == pytest.approx(logistic(-0.2 + 0.6))


def test_the_company_effect_path_over_event_times():
    path = PANEL.effect_pp(np.array([-3.0, -1.0, 0.0, 2.0, np.nan]))
    assert path.tolist() == [0.0, 0.0, 2.0, 6.0, 0.0]  # none before joining or when never
    assert PANEL.effect_pp(1) == 4.0
