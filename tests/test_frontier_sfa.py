"""Stochastic frontiers against FRONTIER 4.1 and simulated panels with known truth.

Reference: FRONTIER 4.1 (Coelli 1996, "A guide to FRONTIER version 4.1", CEPA WP 96/07), example ``eg1``:
Cobb-Douglas in logs, half-normal: log-likelihood -17.027229, beta = (0.56161963, 0.28110205, 0.53647981),
sigma2 0.21700046, gamma 0.79720730, mean technical efficiency 0.74056772; compared to 1e-5 (FRONTIER's
DFP search stops within that of the maximum; our log-likelihood is the higher). Data:
tests/data/front41_eg1.csv (provenance in tests/data/README.md).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.optimize import linprog, minimize

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError

EG1 = pd.read_csv(Path(__file__).parent / "data" / "front41_eg1.csv")


def test_frontier41_eg1_half_normal():
    res = nt.frontier.SFA(EG1, "output", ["capital", "labour"], take_logs=True).fit()
    np.testing.assert_allclose(res.params, [0.56161963, 0.28110205, 0.53647981, 0.21700046, 0.79720730], atol=1e-5)
    assert res.loglik == pytest.approx(-17.027229, abs=1e-5) and res.loglik >= -17.027229
    assert res.efficiency.mean() == pytest.approx(0.74056772, abs=1e-5)
    assert res.diagnostics.lr_statistic > 0 and (res.std_errors > 0).all()
    jlms = nt.frontier.SFA(EG1, "output", ["capital", "labour"], take_logs=True, efficiency="jlms").fit()
    assert (jlms.efficiency <= res.efficiency + 1e-12).all()  # exp(-E[u]) <= E[exp(-u)] (Jensen)


@pytest.mark.parametrize("distribution", ["half-normal", "truncated-normal", "exponential"])
def test_simulated_frontier_recovers_the_truth(distribution):
    rng = np.random.default_rng(3)
    n = 4000
    x1, x2 = rng.normal(0, 1, n), rng.normal(0, 1, n)
    u = {"half-normal": np.abs(rng.normal(0, 0.4, n)), "truncated-normal": np.abs(rng.normal(0, 0.4, n)),
         "exponential": rng.exponential(0.3, n)}[distribution]
    y = 1.0 + 0.6 * x1 + 0.3 * x2 + rng.normal(0, 0.2, n) - u
    res = nt.frontier.SFA(pd.DataFrame({"y": y, "x1": x1, "x2": x2}), "y", ["x1", "x2"],
                          distribution=distribution).fit()
    beta = res.params[["x1", "x2"]].to_numpy()
    assert np.all(np.abs(beta - [0.6, 0.3]) < 3 * res.std_errors[["x1", "x2"]].to_numpy())
    if distribution == "exponential":
        assert abs(res.params["sigma_u"] - 0.3) < 3 * res.std_errors["sigma_u"]
    else:
        sigma_u2 = res.params["gamma"] * res.params["sigma2"]
        assert abs(np.sqrt(sigma_u2) - 0.4) < 0.05
    true_te = np.exp(-u)
    assert np.corrcoef(res.efficiency, true_te)[0, 1] > 0.7


def test_units_move_only_the_constant():
    logs = EG1.assign(lo=np.log(EG1.output), lk=np.log(EG1.capital), ll=np.log(EG1.labour))
    a = nt.frontier.SFA(logs, "lo", ["lk", "ll"]).fit()
    b = nt.frontier.SFA(logs.assign(lo=logs.lo + np.log(1e3)), "lo", ["lk", "ll"]).fit()
    np.testing.assert_allclose(b.params.drop("const"), a.params.drop("const"), atol=1e-6)
    assert b.params["const"] - a.params["const"] == pytest.approx(np.log(1e3), abs=1e-6)
    np.testing.assert_allclose(a.efficiency, b.efficiency, atol=1e-6)


@pytest.mark.parametrize("call, error, message", [
    (lambda: nt.frontier.SFA(EG1, "output", ["capital"], distribution="gamma"), SpecificationError, "distribution="),
    (lambda: nt.frontier.SFA(EG1, "output", ["capital"], efficiency="x"), SpecificationError, "efficiency="),
    (lambda: nt.frontier.SFA(EG1, "output", ["nope"]), SpecificationError, "nope"),
    (lambda: nt.frontier.SFA(EG1, ["output"], ["capital"]), SpecificationError, "output must be one column"),
    (lambda: nt.frontier.SFA(EG1.assign(capital=-1.0), "output", ["capital"], take_logs=True), PanelError,
     "non-positive"),
    (lambda: nt.frontier.SFA(EG1, "output", []), SpecificationError, "at least one input"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_results_contract():
    res = nt.frontier.SFA(EG1, "output", ["capital", "labour"], take_logs=True).fit()
    assert res.tfp_scale == "level" and res.tfp.between(0, 1).all()
    assert "Stochastic frontier" in res.summary().as_text() and "<table" in res.summary().as_html()
    fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    plt.close(fig)
    assert list(res.to_frame().columns) == ["efficiency", "residual"]


# --------------------------------------------------------------------------------------------- panels
# Reference: R package frontier 0.9-8 (FRONTIER 4.1's Fortran inside), tests/frontierTest.Rout.save, on
# Coelli, Rao, O'Donnell and Battese's (2005) Philippine rice panel (43 farms x 8 years), Cobb-Douglas in
# logs of AREA, LABOR, NPK. Printed to 5 significant digits; FRONTIER's DFP search stops within ~5e-5 of
# the maximum on flat directions: BC92 is compared to 1e-5 (half a printed unit is 5e-6; measured up to
# 6e-6), BC95 without delta_0 to 1e-4 (delta_BANRAT, standard error 0.9, differs by 5.3e-5: FRONTIER stops
# short there; the printed log-likelihood agrees), BC95 with delta_0 to its 4 printed decimals (5e-5).
# Its standard errors come from the search's approximate inverse Hessian and are not compared.
RICE = pd.read_csv(Path(__file__).parent / "data" / "frontier_riceProdPhil.csv")
RICE_INPUTS = ["AREA", "LABOR", "NPK"]


def test_bc92_time_varying_inefficiency_equals_frontier41():
    res = nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, entity="FMERCODE", time="YEARDUM", model="bc92",
                          take_logs=True).fit()
    # b3 <- frontier(riceProdPhil, ..., eta = TRUE)
    np.testing.assert_allclose(res.params, [-0.75392, 0.47492, 0.30010, 0.19946, 0.12996, 0.36963, 0.05891],
                               atol=1e-5)
    assert list(res.params.index[-3:]) == ["sigma2", "gamma", "eta"]
    assert res.loglik == pytest.approx(-84.55, abs=5e-3)
    assert res.diagnostics.lr_statistic == pytest.approx(40.713, abs=5e-3)
    assert res.diagnostics.lr_restrictions == 2 and res.diagnostics.n_entities == 43
    # eta > 0: inefficiency falls over time, so every farm's efficiency rises year by year
    eff = res.efficiency.groupby(RICE.FMERCODE).apply(lambda s: np.all(np.diff(s.to_numpy()) > 0))
    assert eff.all()


def test_bc92_time_invariant_is_the_eta_zero_case():
    # b1: FRONTIER's error-components model without eta; our BC92 with eta estimated nests it
    res = nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, entity="FMERCODE", time="YEARDUM", model="bc92",
                          take_logs=True).fit()
    b1_loglik = -86.43
    assert 2 * (res.loglik - b1_loglik) == pytest.approx(3.76, abs=0.02)  # LR of eta = 0, printed LLs


def test_bc95_inefficiency_effects_equal_frontier41():
    # b5: zNames = c("EDYRS", "BANRAT"), no constant in z'delta
    res = nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, model="bc95", inefficiency=["EDYRS", "BANRAT"],
                          inefficiency_constant=False, take_logs=True).fit()
    np.testing.assert_allclose(res.params, [-1.00858, 0.38410, 0.31899, 0.26035, -0.05807, -1.40562, 0.59747,
                                            0.94493], atol=1e-4)
    assert res.loglik == pytest.approx(-77.85, abs=5e-3)
    assert res.diagnostics.lr_statistic == pytest.approx(54.115, abs=5e-3)
    # b6: with delta_0 (mu = TRUE), printed to 4 decimals
    res6 = nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, model="bc95", inefficiency=["EDYRS", "BANRAT"],
                           take_logs=True).fit()
    np.testing.assert_allclose(res6.params, [-1.0518, 0.3798, 0.3210, 0.2638, -2.7464, -0.0286, -3.6355, 1.6666,
                                             0.9788], atol=5e-5)
    assert res6.loglik == pytest.approx(-77.314, abs=5e-4)


def test_bc92_recovers_a_simulated_panel():
    rng = np.random.default_rng(5)
    n, t = 2000, 6
    firm, year = np.repeat(np.arange(n), t), np.tile(np.arange(2001, 2001 + t), n)
    x1, x2 = rng.normal(0, 1, n * t), rng.normal(0, 1, n * t)
    u = np.exp(-0.1 * (year - year.max())) * np.abs(rng.normal(0, 0.4, n))[firm]
    data = pd.DataFrame({"f": firm, "t": year, "x1": x1, "x2": x2,
                         "y": 1 + 0.5 * x1 + 0.3 * x2 + rng.normal(0, 0.2, n * t) - u})
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="t", model="bc92").fit()
    truth = pd.Series({"x1": 0.5, "x2": 0.3, "sigma2": 0.2, "gamma": 0.8, "eta": 0.1})
    gap = (res.params[truth.index] - truth).abs()
    assert (gap < 4 * res.std_errors[truth.index]).all(), gap
    assert np.corrcoef(res.efficiency, np.exp(-u))[0, 1] > 0.8


def test_translog_nests_cobb_douglas():
    cd = nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, take_logs=True).fit()
    tl = nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, take_logs=True, form="translog").fit()
    assert "AREA^2" in tl.params.index and "AREA*LABOR" in tl.params.index
    assert tl.loglik >= cd.loglik - 1e-8  # six more terms never lower the maximum


@pytest.mark.parametrize("kwargs, error, words", [
    ({"model": "bc92"}, SpecificationError, "entity= and time="),
    ({"model": "panel"}, SpecificationError, "model="),
    ({"model": "bc92", "entity": "FMERCODE", "time": "YEARDUM", "distribution": "exponential"},
     SpecificationError, "half-normal"),
    ({"model": "bc95", "distribution": "half-normal", "inefficiency": "EDYRS"}, SpecificationError, "truncated"),
    ({"inefficiency": "EDYRS"}, SpecificationError, "model='bc95'"),
    ({"model": "bc95", "inefficiency": "nope"}, SpecificationError, "nope"),
    ({"form": "quadratic"}, SpecificationError, "form="),
])
def test_panel_options_are_checked(kwargs, error, words):
    with pytest.raises(error, match=words):
        nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, take_logs=True, **kwargs)


def test_panel_keys_are_checked():
    twice = pd.concat([RICE, RICE.iloc[:1]])
    with pytest.raises(PanelError, match="duplicate"):
        nt.frontier.SFA(twice, "PROD", RICE_INPUTS, entity="FMERCODE", time="YEARDUM", model="bc92", take_logs=True)
    with pytest.raises(PanelError, match="time column 'YEARDUM' must hold whole numbers"):
        nt.frontier.SFA(RICE.assign(YEARDUM=RICE.YEARDUM + 0.5), "PROD", RICE_INPUTS, entity="FMERCODE",
                        time="YEARDUM", model="bc92", take_logs=True)


def test_kumbhakar_lovell_decomposition_recovers_a_simulated_panel():
    # known truth: technical change 0.02 a year, returns to scale 0.8, BC92 decay eta = 0.1, small noise
    rng = np.random.default_rng(11)
    n, t = 1500, 6
    firm, year = np.repeat(np.arange(n), t), np.tile(np.arange(1, t + 1), n)
    x1 = rng.normal(0, 1, n)[firm] + 0.05 * year + rng.normal(0, 0.3, n * t)
    x2 = rng.normal(0, 1, n)[firm] + 0.03 * year + rng.normal(0, 0.3, n * t)
    u = np.exp(-0.1 * (year - t)) * np.abs(rng.normal(0, 0.4, n))[firm]
    y = 1 + 0.5 * x1 + 0.3 * x2 + 0.02 * year + rng.normal(0, 0.05, n * t) - u
    data = pd.DataFrame({"f": firm, "yr": year, "x1": x1, "x2": x2, "y": y})
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="yr", model="bc92", trend=True).fit()
    dec = res.decomposition()
    keys = pd.MultiIndex.from_frame(data[["f", "yr"]])
    assert len(dec) == n * (t - 1) and dec.index.isin(keys).all() and dec.index.names == ["f", "yr"]
    parts = dec[["technical_change", "efficiency_change", "scale_change", "noise"]].sum(axis=1)
    np.testing.assert_allclose(parts, dec.tfp_growth, atol=1e-12)  # the identity
    assert abs(dec.technical_change.mean() - 0.02) < 3 * res.std_errors["t"]
    assert dec.returns_to_scale.mean() == pytest.approx(0.8, abs=0.02)
    prev = data.groupby("f").shift(1)
    rows = keys.get_indexer(dec.index)  # the data's rows of the labelled decomposition
    true_scale = (0.8 - 1) * ((0.5 * (data.x1 - prev.x1) + 0.3 * (data.x2 - prev.x2)) / 0.8).to_numpy()[rows]
    assert np.corrcoef(dec.scale_change, true_scale)[0, 1] > 0.99
    true_ec = -(u - np.r_[np.nan, u[:-1]])[rows]
    assert np.corrcoef(dec.efficiency_change, true_ec)[0, 1] > 0.9
    with pytest.raises(SpecificationError, match="entity= and time="):
        nt.frontier.SFA(data, "y", ["x1", "x2"]).fit().decomposition()
    with pytest.raises(SpecificationError, match="trend=True needs"):
        nt.frontier.SFA(data, "y", ["x1", "x2"], trend=True)


def test_translog_decomposition_elasticities_vary():
    res = nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, entity="FMERCODE", time="YEARDUM", model="bc92",
                          take_logs=True, trend=True, form="translog").fit()
    dec = res.decomposition()
    assert dec.returns_to_scale.std() > 0.01 and dec.technical_change.std() > 0.001  # non-neutral
    parts = dec[["technical_change", "efficiency_change", "scale_change", "noise"]].sum(axis=1)
    np.testing.assert_allclose(parts, dec.tfp_growth, atol=1e-12)


# ------------------------------------------------------------ identification, skewness, boundary maxima
def _cross_section(seed=1, n=60, noise=0.005, sign=-1.0):
    """y = 1 + 0.4 k + 0.5 l + sign * u + v with half-normal u (scale 0.4): sign=+1 skews the residuals
    the wrong way (right) for a production frontier; a tiny noise puts the maximum at sigma_v -> 0."""
    rng = np.random.default_rng(seed)
    k, lab = rng.uniform(0, 2, n), rng.uniform(0, 2, n)
    u = np.abs(rng.normal(0, 0.4, n))
    return pd.DataFrame({"y": 1 + 0.4 * k + 0.5 * lab + sign * u + rng.normal(0, noise, n), "k": k, "l": lab})


def test_the_frontier41_examples_say_they_converged():
    for res in (nt.frontier.SFA(EG1, "output", ["capital", "labour"], take_logs=True).fit(),
                nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, entity="FMERCODE", time="YEARDUM", model="bc92",
                                take_logs=True).fit()):
        assert res.diagnostics.converged and res.diagnostics.boundary == ""
        assert "NOT converge" not in res.summary().as_text()
        assert res.diagnostics.ols_skewness < 0  # left-skewed OLS residuals: inefficiency


@pytest.mark.parametrize("distribution, zero", [("half-normal", "gamma"), ("exponential", "sigma_u")])
def test_wrong_skewness_gives_ols_with_the_message_frontier_gives(distribution, zero):
    data = _cross_section(noise=0.1, sign=1.0)
    with pytest.warns(nt.errors.FrontierBoundaryWarning, match=rf"skewed to the right .*{zero} = 0 .*no "
                                                               "inefficiency or that the model is misspecified"):
        res = nt.frontier.SFA(data, "y", ["k", "l"], distribution=distribution).fit()
    ols = sm.OLS(data.y, sm.add_constant(data[["k", "l"]])).fit()
    np.testing.assert_allclose(res.params.iloc[:3], ols.params, rtol=1e-10)
    s2 = ols.ssr / len(data)  # the maximum-likelihood variance
    noise = res.params["sigma2"] if distribution == "half-normal" else res.params["sigma_v"] ** 2
    assert noise == pytest.approx(s2, rel=1e-12) and res.params[zero] == 0
    np.testing.assert_allclose(res.std_errors.iloc[:3], np.sqrt(np.diag(s2 * np.linalg.inv(
        ols.model.exog.T @ ols.model.exog))), rtol=1e-10)
    assert np.isnan(res.std_errors[zero]) and (res.efficiency == 1).all()
    assert res.loglik == pytest.approx(res.diagnostics.ols_loglik, abs=1e-12) and res.diagnostics.lr_statistic == 0
    assert res.diagnostics.boundary.startswith(f"{zero} = 0") and "boundary" in res.summary().as_text()


def test_a_maximum_at_no_noise_is_reached_half_normal():
    # the supremum at sigma_v -> 0 is the deterministic half-normal frontier: min sum(e^2) subject to
    # x'b >= y, then n ln 2 - n/2 ln(2 pi s) - n/2 with s = min sum(e^2) / n (solved here by SLSQP)
    data = _cross_section()
    x, y = sm.add_constant(data[["k", "l"]]).to_numpy(), data.y.to_numpy()
    start = np.linalg.lstsq(x, y, rcond=None)[0]
    start[0] += np.max(y - x @ start)
    qp = minimize(lambda b: np.sum((x @ b - y) ** 2), start, jac=lambda b: 2 * x.T @ (x @ b - y), method="SLSQP",
                  constraints=[{"type": "ineq", "fun": lambda b: x @ b - y, "jac": lambda b: x}],
                  options={"ftol": 1e-15, "maxiter": 1000})
    n, s = len(y), qp.fun / len(y)
    supremum = n * np.log(2) - n / 2 * np.log(2 * np.pi * s) - n / 2
    with pytest.warns(nt.errors.FrontierBoundaryWarning, match=r"boundary gamma -> 1 \(sigma_v\^2 -> 0\)"):
        res = nt.frontier.SFA(data, "y", ["k", "l"]).fit()
    assert res.loglik == pytest.approx(supremum, abs=1e-6) and res.loglik <= supremum + 1e-9
    np.testing.assert_allclose(res.params.iloc[:3], qp.x, atol=1e-4)
    assert res.params["sigma2"] == pytest.approx(s, rel=1e-4) and res.params["gamma"] > 1 - 1e-9
    assert res.std_errors.isna().all() and res.diagnostics.converged


def test_a_maximum_at_no_noise_is_reached_exponential():
    # the deterministic exponential frontier: min sum(u) subject to u = x'b - y >= 0 (an LP), sigma_u = mean u
    data = _cross_section()
    x, y = sm.add_constant(data[["k", "l"]]).to_numpy(), data.y.to_numpy()
    lp = linprog(x.sum(axis=0), A_ub=-x, b_ub=-y, bounds=[(None, None)] * 3)
    su = np.mean(x @ lp.x - y)
    supremum = -len(y) * (np.log(su) + 1)
    with pytest.warns(nt.errors.FrontierBoundaryWarning, match="boundary sigma_v -> 0"):
        res = nt.frontier.SFA(data, "y", ["k", "l"], distribution="exponential").fit()
    assert res.loglik == pytest.approx(supremum, abs=1e-6) and res.loglik <= supremum + 1e-9
    assert res.params["sigma_u"] == pytest.approx(su, rel=1e-5)


@pytest.mark.parametrize("change, kwargs, error, words", [
    (None, {"inputs": ["k", "y"]}, SpecificationError, "output column 'y' is also among the regressors"),
    (lambda d: d.head(5), {}, PanelError, r"5 observation\(s\) for 5 parameters"),
    (lambda d: d.assign(y=2.0), {}, PanelError, "output column 'y' is constant"),
    (lambda d: d.assign(m=2 * d.k), {"inputs": ["k", "l", "m"]}, nt.errors.EstimationError, "collinear"),
    (lambda d: d.assign(firm=np.arange(len(d)), year=2000), {"entity": "firm", "time": "year", "model": "bc92"},
     PanelError, "needs 2 periods of 'year' or more"),
    (lambda d: d.assign(firm=np.arange(len(d)), year=2000 + np.arange(len(d)) % 2),
     {"entity": "firm", "time": "year", "model": "bc92"}, PanelError, "no firm is observed in two periods"),
])
def test_a_frontier_the_data_cannot_identify_is_refused(change, kwargs, error, words):
    data = _cross_section() if change is None else change(_cross_section())
    arguments = {"inputs": ["k", "l"]} | kwargs
    with pytest.raises(error, match=words):
        nt.frontier.SFA(data, "y", **arguments)


def test_a_search_that_stops_short_warns_and_says_so_in_the_summary(monkeypatch):
    # the reporting, checked by stopping the search at its first starting point (not a maximum)
    from nqpf_tfp.frontier import sfa_frontier_fit
    from nqpf_tfp.frontier.sfa_likelihood import loglik
    from nqpf_tfp.frontier.sfa_search import Optimum

    def first_start(data, starts, try_boundary):
        return Optimum(starts[0], loglik(starts[0], data), 0, stationary=False)

    monkeypatch.setattr(sfa_frontier_fit, "maximise", first_start)
    with pytest.warns(nt.errors.ConvergenceWarning, match="did not converge"):
        res = nt.frontier.SFA(EG1, "output", ["capital", "labour"], take_logs=True).fit()
    assert not res.diagnostics.converged and "did NOT converge" in res.summary().as_text()


def test_conditional_inefficiency_is_the_jlms_efficiency_in_logs():
    eg1 = pd.read_csv(Path(__file__).parent / "data" / "front41_eg1.csv")
    fit = nt.frontier.SFA(eg1, "output", ["capital", "labour"], take_logs=True, efficiency="jlms").fit()
    np.testing.assert_allclose(np.exp(-fit.inefficiency), fit.efficiency, rtol=1e-12)
    assert (fit.inefficiency > 0).all()


def test_a_translog_on_raw_log_inputs_reaches_the_maximum_of_the_centred_one():
    # the search runs on standardised regressors: a translog in raw logs of inputs in the tens of thousands
    # (squares near 100) is a reparametrisation of the translog in centred logs, so both reach the same
    # maximum, with a vanishing gradient, and the same efficiency
    rng = np.random.default_rng(11)
    n = 400
    logs = rng.normal(size=(n, 2)) * 0.5
    y = 1 + logs @ [0.4, 0.5] + 0.1 * logs[:, 0] * logs[:, 1] + rng.normal(0, 0.2, n) - np.abs(rng.normal(0, 0.3, n))
    raw = pd.DataFrame({"y": y + 20, "k": logs[:, 0] + 10, "l": logs[:, 1] + 9})
    centred = pd.DataFrame({"y": y, "k": logs[:, 0], "l": logs[:, 1]})
    res = nt.frontier.SFA(raw, "y", ["k", "l"], form="translog").fit()
    ref = nt.frontier.SFA(centred, "y", ["k", "l"], form="translog").fit()
    assert res.diagnostics.converged and ref.diagnostics.converged
    assert res.loglik == pytest.approx(ref.loglik, abs=1e-7)
    np.testing.assert_allclose(res.efficiency, ref.efficiency, atol=1e-6)
    # the second-order terms do not depend on the centring
    for term in ("k^2", "l^2", "k*l"):
        assert res.params[term] == pytest.approx(ref.params[term], abs=1e-5)
        assert res.std_errors[term] == pytest.approx(ref.std_errors[term], rel=1e-4)
