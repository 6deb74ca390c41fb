"""ACF with a global search: known truth (ACF 2015 DGP3) and R prodest's Chilean optima.

Data: tests/data/acf_dgp3_sim.csv.gz (5,000 firms x 10 periods simulated with ACF (2015) DGP3,
truth beta_l = 0.6, beta_k = 0.4; from GabrieleRovigatti/prodest markupest/data/f_DGP3_replica.dta,
see tests/data/README.md) and tests/data/chilean.csv (R prodest's example data).
R prodest returns 0.154/0.158/0.138 or 0.646/0.644/0.251 on the Chilean data depending on its
random start (issue 4).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning
from nqpf_tfp.production.acf import _Problem

KW = {"entity": "idvar", "time": "timevar"}
FREE = ["fX1", "fX2"]


@pytest.fixture(scope="module")
def dgp3() -> pd.DataFrame:
    return pd.read_csv(Path(__file__).parent / "data" / "acf_dgp3_sim.csv.gz")


def test_dgp3_recovers_truth_and_reports_the_spurious_root(dgp3):
    with pytest.warns(ConvergenceWarning, match=r"1 other optimum.*\(1\.006, -0\.01\)"):
        res = nt.ACF(dgp3, "lny", "lnl", "lnk", "lnm1", entity="firm", time="period").fit()
    np.testing.assert_allclose(res.params, [0.6, 0.4], atol=0.02)
    optima = res.diagnostics["optima"]
    assert res.diagnostics["ties"] == 1
    assert optima[0]["innovation_variance"] < optima[1]["innovation_variance"]


def test_chilean_global_minimum_below_both_prodest_solutions(chilean):
    model = nt.ACF(chilean, "Y", FREE, "sX", "pX", **KW)
    res = model.fit()
    problem = _Problem(model, model._data)
    published = [problem.criterion(np.array(t)) for t in ([0.154, 0.158, 0.138], [0.646, 0.644, 0.251])]
    assert res.diagnostics["objective"] <= min(published)
    assert len(res.diagnostics["optima"]) >= 3  # distinct local optima are reported
    np.testing.assert_allclose(res.params, [0.6457, 0.6440, 0.2508], atol=5e-4)
    assert np.isfinite(res.std_errors).all()


@pytest.mark.parametrize("start", [[0.154, 0.158, 0.138], [0.646, 0.644, 0.251], [2.0, -1.5, 0.4]])
def test_the_users_start_does_not_change_the_answer(chilean, start):
    base = nt.ACF(chilean, "Y", FREE, "sX", "pX", **KW).fit().params
    moved = nt.ACF(chilean, "Y", FREE, "sX", "pX", start=start, **KW).fit().params
    pd.testing.assert_series_equal(base, moved, atol=1e-8)


def test_simulated_acf_truth_is_among_the_reported_exact_roots():
    # simulate_acf (static labour FOC at t - 1/2): the moments have two exact roots, one near the truth
    # (0.6, 0.4) and one at log labour productivity (about (0.95, 0.06)); the library must warn and report both.
    panel = nt.datasets.simulate_acf(1000, 10, seed=0)
    assert panel.attrs["truth"]["beta_l"] == 0.6
    with pytest.warns(ConvergenceWarning, match="other optimum"):
        res = nt.ACF(panel, "y", "l", "k", "m", entity="firm", time="year").fit()
    roots = [np.array(o["params"]) for o in res.diagnostics["optima"] if o["objective"] < 1e-12]
    assert len(roots) == 2
    assert any(np.allclose(r, [0.6, 0.4], atol=0.04) for r in roots)
    assert any(r[0] > 0.9 and abs(r[1]) < 0.1 for r in roots)


def test_simulate_acf_is_seeded_and_validates():
    a = nt.datasets.simulate_acf(50, 5, seed=1)
    pd.testing.assert_frame_equal(a, nt.datasets.simulate_acf(50, 5, seed=1))
    assert not a.equals(nt.datasets.simulate_acf(50, 5, seed=2))
    exited = nt.datasets.simulate_acf(200, 8, exit_threshold=-0.3, seed=1)
    assert len(exited) < 200 * 8
    with pytest.raises(nt.errors.SpecificationError, match="labor_timing"):
        nt.datasets.simulate_acf(10, 5, labor_timing=2.0)
