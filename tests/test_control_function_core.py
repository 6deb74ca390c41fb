"""Olley-Pakes / Levinsohn-Petrin second stage: sufficient statistics against the row-by-row criterion,
and the firm-weighted bootstrap replication against copying the drawn firms' rows.

Data: ``nt.datasets.load_chilean()`` (R prodest's example data; provenance in nqpf_tfp/data/bundled/README.md).
"""

from __future__ import annotations

import numpy as np
import pytest

import nqpf_tfp as nt
from nqpf_tfp.production.gmm.control_function import SecondStage, direct_criterion, first_stage

KW = {"entity": "idvar", "time": "timevar"}
FREE = ["fX1", "fX2"]


def _pieces(model):
    data = model.model_data
    fs = first_stage(data, model.spec.poly_degree)
    lag = data.lag(1)
    rows = np.flatnonzero(lag.valid)
    return data, fs.phi(), data.y - fs.design @ fs.coef, rows, lag.index[rows]


@pytest.mark.parametrize("cls, proxy", [(nt.LevinsohnPetrin, "pX"), (nt.OlleyPakes, "inv")])
def test_sufficient_statistics_equal_the_row_by_row_criterion(chilean, cls, proxy):
    data, phi, resid, rows, prev = _pieces(cls(chilean, "Y", FREE, "sX", proxy, **KW))
    fast = SecondStage(phi, resid, data.state, rows, prev, 3)
    direct = direct_criterion(phi, resid, data.state, rows, prev, 3)
    for gamma in (-0.3, 0.1, 0.5, 1.2):
        g = np.array([gamma])
        assert fast.criterion(g) == pytest.approx(direct(g), rel=1e-10)
        # the complex-step gradient against a central difference of the direct criterion (error ~1e-9)
        h = 1e-5
        assert fast.gradient(g)[0] == pytest.approx((direct(g + h) - direct(g - h)) / (2 * h), rel=1e-6, abs=1e-8)
    # integer row weights are the same as repeating the rows
    reps = np.random.default_rng(0).integers(0, 3, rows.size)
    weighted = SecondStage(phi, resid, data.state, rows, prev, 3, weights=reps)
    take = np.repeat(np.arange(rows.size), reps)
    copied = direct_criterion(phi, resid, data.state, rows[take], prev[take], 3)
    for gamma in (0.1, 0.5):
        assert weighted.criterion(np.array([gamma])) == pytest.approx(copied(np.array([gamma])), rel=1e-10)


@pytest.mark.parametrize("cls, proxy", [(nt.LevinsohnPetrin, "pX"), (nt.OlleyPakes, "inv")])
def test_weighted_bootstrap_replication_equals_copying_the_rows(chilean, cls, proxy):
    model = cls(chilean, "Y", FREE, "sX", proxy, controls=None, **KW)
    n_firms = model.model_data.n_entities
    for seed in (1, 2, 3):
        firms = np.random.default_rng(seed).integers(0, n_firms, n_firms)
        weighted = model.resample_params(firms)
        copied = model.resample_params(firms, reweight=False)
        # both optimisers end with Newton steps on an exact gradient: equal to rounding
        # (measured: worst 1.4e-11 over 30 draws)
        np.testing.assert_allclose(weighted, copied, atol=1e-9)


def test_exit_correction_bootstraps_by_copying_rows(chilean):
    # the exit-corrected g also takes P_hat, outside the sufficient statistics: replications copy rows
    model = nt.OlleyPakes(chilean, "Y", FREE, "sX", "inv", exit=True, **KW)
    a = model.fit(bootstrap=4, seed=5, n_jobs=1)
    assert a.diagnostics["bootstrap_resampling"] == "copied rows"  # no weighted machinery was set up
    b = model.fit(bootstrap=4, seed=5, n_jobs=2)
    np.testing.assert_array_equal(a.cov.to_numpy(), b.cov.to_numpy())
    assert np.isfinite(a.std_errors).all()
