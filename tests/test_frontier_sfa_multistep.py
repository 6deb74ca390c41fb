"""Kumbhakar, Lien and Hardaker's (2014) multi-step estimator of the four-component frontier: step 1 against
linearmodels' random-effects GLS and the normal-theory predictor of the firm effects written out with each
firm's covariance matrix, steps 2 and 3 against the normal-half-normal likelihood written out here and
maximised by SciPy, and recovery of known parameters and both efficiencies from a simulated panel (beside
the simulated likelihood of the same model)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from linearmodels.panel import RandomEffects
from scipy import optimize, stats

import nqpf_tfp as nt
from nqpf_tfp.errors import FrontierBoundaryWarning, PanelError, SpecificationError
from nqpf_tfp.frontier import sfa_kumbhakar_lien_hardaker as klh

sys.path.insert(0, str(Path(__file__).parent))
from test_frontier_sfa_four_component import four_component_panel, production_and_cost  # noqa: E402

RICE = pd.read_csv(Path(__file__).parent / "data" / "frontier_riceProdPhil.csv")
INPUTS = ["AREA", "LABOR", "NPK"]
MODEL = "kumbhakar-lien-hardaker"


def rice_logs(unbalanced: bool = False) -> pd.DataFrame:
    logs = np.log(RICE[["PROD", *INPUTS]]).assign(FMERCODE=RICE.FMERCODE, YEARDUM=RICE.YEARDUM)
    if unbalanced:  # a quarter of the farms lose their last three years
        logs = logs[~((logs.FMERCODE % 4 == 0) & (logs.YEARDUM > 5))]
    return logs


@pytest.mark.parametrize("unbalanced", [False, True])
def test_first_step_is_random_effects_gls_and_the_best_linear_predictor_of_the_firm_effects(unbalanced):
    data = rice_logs(unbalanced)
    panel = data.set_index(["FMERCODE", "YEARDUM"]).assign(const=1.0)
    peer = RandomEffects(panel["PROD"], panel[["const", *INPUTS]]).fit(cov_type="unadjusted")
    firms, _ = pd.factorize(data.FMERCODE, sort=True)
    x = np.c_[np.ones(len(data)), data[INPUTS]]
    coef, cov, alpha, eps = klh.first_step(data["PROD"].to_numpy(), x, firms, int(firms.max()) + 1)
    np.testing.assert_allclose(coef, peer.params[["const", *INPUTS]], rtol=1e-10)
    np.testing.assert_allclose(np.sqrt(np.diag(cov))[1:], peer.std_errors[INPUTS], rtol=1e-10)
    # E[alpha_i | r_i] = s_a^2 1'(s_a^2 11' + s_v^2 I)^-1 r_i with linearmodels' variance components
    s2_alpha, s2_v = peer.variance_decomposition[["Effects", "Residual"]]
    resid = (panel["PROD"] - panel[["const", *INPUTS]] @ peer.params).to_numpy()
    for i in range(alpha.size):
        r = resid[firms == i]
        covariance = s2_alpha * np.ones((r.size, r.size)) + s2_v * np.eye(r.size)
        assert alpha[i] == pytest.approx(s2_alpha * np.ones(r.size) @ np.linalg.solve(covariance, r), abs=1e-10)
    np.testing.assert_allclose(eps, resid - alpha[firms], atol=1e-12)


def written_out_frontier(values: np.ndarray) -> np.ndarray:
    """``(c, sigma2, gamma)`` maximising sum ln(2/s phi(e/s) Phi(-lambda e/s)), ``e = values - c``, by SciPy's
    Nelder-Mead from the method of moments."""
    def negative(theta: np.ndarray) -> float:
        c, s, lam = theta[0], np.exp(theta[1]), np.exp(theta[2])
        e = values - c
        return -float(np.sum(np.log(2 / s) + stats.norm.logpdf(e / s) + stats.norm.logcdf(-lam * e / s)))

    m2, m3 = np.var(values), stats.skew(values) * np.std(values) ** 3
    su = (min(-m3, -1e-6) / (np.sqrt(2 / np.pi) * (1 - 4 / np.pi))) ** (1 / 3)
    sv = np.sqrt(max(m2 - (1 - 2 / np.pi) * su**2, 1e-4))
    start = np.array([values.mean() + np.sqrt(2 / np.pi) * su, np.log(np.hypot(su, sv)), np.log(su / sv)])
    opt = optimize.minimize(negative, start, method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000, "maxfev": 40_000})
    s2, lam2 = np.exp(2 * opt.x[1]), np.exp(2 * opt.x[2])
    return np.array([opt.x[0], s2, lam2 / (1 + lam2)])


@pytest.mark.parametrize("seed", [0, 1])
def test_steps_two_and_three_maximise_the_normal_half_normal_likelihood(seed):
    rng = np.random.default_rng(seed)
    values = 0.4 + rng.normal(0, 0.2, 600) - np.abs(rng.normal(0, 0.5, 600))
    ours = klh.mean_frontier(values, "bc", "values", str)
    np.testing.assert_allclose(ours.params, written_out_frontier(values), rtol=1e-6)
    assert ours.converged and np.isfinite(ours.cov).all()
    # JLMS's E[u | e] with the normal-half-normal posterior written out
    c, sigma2, gamma = ours.params
    su2, sv2 = gamma * sigma2, (1 - gamma) * sigma2
    e = values - c
    mu_star, s_star = -e * su2 / sigma2, np.sqrt(su2 * sv2 / sigma2)
    jlms = mu_star + s_star * stats.norm.pdf(mu_star / s_star) / stats.norm.cdf(mu_star / s_star)
    np.testing.assert_allclose(ours.inefficiency, jlms, rtol=1e-9)


def test_four_components_are_recovered_from_a_simulated_panel():
    data, h, u = four_component_panel(800, 5, seed=3)
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model=MODEL).fit()
    assert list(res.params.index) == ["const", "x1", "x2", "sigma2", "gamma", "sigma_w", "sigma_h"]
    truth = pd.Series({"x1": 0.5, "x2": 0.3, "sigma_w": 0.3, "sigma_h": 0.4})
    gap = (res.params[truth.index] - truth).abs()
    assert res.diagnostics.converged and (gap < 3 * res.std_errors[truth.index]).all(), gap
    # step 1's residuals are nearly deviations from firm means: they keep about (1 - 1/T) of the transient
    # spread, so sigma_u comes out near 0.3 (1 - 1/5) = 0.24 (the Monte Carlo's mean over 100 such panels is
    # 0.2375), while sigma_v stays at 0.15 (mean 0.156)
    sigma_u = np.sqrt(res.params["gamma"] * res.params["sigma2"])
    sigma_v = np.sqrt((1 - res.params["gamma"]) * res.params["sigma2"])
    assert sigma_u == pytest.approx(0.24, abs=0.02) and sigma_v == pytest.approx(0.15, abs=0.01)
    # the constant adds the means of both inefficiencies back to step 1's intercept (no standard error)
    assert res.params["const"] == pytest.approx(1.0, abs=0.1) and np.isnan(res.std_errors["const"])
    assert np.isnan(res.loglik) and "no joint likelihood" in res.summary().as_text()
    parts = res.efficiency_components
    np.testing.assert_array_equal(res.efficiency, parts["persistent"] * parts["transient"])
    np.testing.assert_array_equal(parts["overall"], res.efficiency)
    persistent = parts["persistent"].to_numpy()
    assert np.all(persistent.reshape(800, 5) == persistent[::5, None])  # one value per firm
    # each efficiency tells its own truth (measured: 0.56 and 0.70), not the other's
    own = np.corrcoef(persistent[::5], np.exp(-h))[0, 1], np.corrcoef(parts["transient"], np.exp(-u))[0, 1]
    assert own[0] > 0.45 and own[1] > 0.6, own
    assert abs(np.corrcoef(parts["transient"], np.exp(-h)[data.f])[0, 1]) < 0.1
    # beside the simulated likelihood of the same model on the same panel
    fg = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="filippini-greene", seed=1,
                         draws=100).fit()
    np.testing.assert_allclose(res.params[["x1", "x2"]], fg.params[["x1", "x2"]], atol=0.01)
    assert np.corrcoef(parts["overall"], fg.efficiency_components["overall"])[0, 1] > 0.95


def test_a_cost_frontier_is_the_production_frontier_of_minus_the_data():
    data, *_ = four_component_panel(200, 5, seed=8)
    prod, cost = production_and_cost(MODEL, data)
    np.testing.assert_allclose(cost.params.drop("const"), prod.params.drop("const"), rtol=1e-9)
    assert cost.params["const"] == pytest.approx(-prod.params["const"], rel=1e-9)
    np.testing.assert_allclose(cost.efficiency_components, prod.efficiency_components, rtol=1e-9)
    np.testing.assert_allclose(cost.to_frame()["residual"], -prod.to_frame()["residual"], atol=1e-12)


def test_firm_effects_skewed_the_wrong_way_mean_no_persistent_inefficiency():
    data, *_ = four_component_panel(300, 5, seed=5)
    rng = np.random.default_rng(6)
    bonus = np.abs(rng.normal(0, 0.5, 300))  # persistent effects skewed to the right: no h_i
    data = data.assign(y=data.y + bonus[data.f])
    with pytest.warns(FrontierBoundaryWarning, match="predicted firm effects .* skewed to the right"):
        res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model=MODEL).fit()
    assert res.params["sigma_h"] == 0.0 and (res.efficiency_components["persistent"] == 1.0).all()
    assert "persistent: gamma = 0 (wrong skewness)" in res.diagnostics.boundary
    np.testing.assert_array_equal(res.efficiency, res.efficiency_components["transient"])


def test_what_the_multistep_model_refuses():
    data, *_ = four_component_panel(30, 4, seed=9)
    with pytest.raises(SpecificationError, match="half-normal"):
        nt.frontier.SFA(data, "y", "x1", entity="f", time="year", model=MODEL, distribution="truncated-normal")
    with pytest.raises(SpecificationError, match="entity= and time="):
        nt.frontier.SFA(data, "y", "x1", model=MODEL)
    with pytest.raises(PanelError, match="3 parameters to one predicted effect per firm; the data have 3"):
        nt.frontier.SFA(data[data.f < 3], "y", "x1", entity="f", time="year", model=MODEL).fit()
    four = data[data.f < 4].assign(x3=lambda d: d.x1 * d.x2)
    with pytest.raises(PanelError, match="needs more firms \\(4\\) than coefficients \\(4\\)"):
        nt.frontier.SFA(four, "y", ["x1", "x2", "x3"], entity="f", time="year", model=MODEL).fit()
