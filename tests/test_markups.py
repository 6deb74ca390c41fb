"""Markups (De Loecker and Warzynski 2012): formula by hand, first-stage residuals against statsmodels,
known-truth Monte Carlo, corrected against uncorrected, GNR's identity, bootstrap reproducibility, errors.

The hand panel (group g1: firms A, B in 2000 and 2001; group g2: firm C in 2000): elasticity 0.6, revenue
R = (10, 20, 30, 40, 50), cost C = (4, 10, 12, 16, 30), eps_hat = (0, ln 2, 0, 0, ln 1.5).
Corrected shares C/R exp(eps): (.4, 1.0, .4, .4, .9), markups (1.5, .6, 1.5, 1.5, 2/3).
g1 2000 (A, B): sales-weighted (10*1.5 + 20*.6)/30 = .9; cost-weighted (4*1.5 + 10*.6)/14 = 6/7;
mean 1.05. g1 2001 (A, B): 1.5 throughout. 2000 overall (A, B, C): sales-weighted
(15 + 12 + 50*2/3)/80 = 0.754166..., cost-weighted (6 + 6 + 20)/44 = 8/11, mean (1.5 + .6 + 2/3)/3.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import (
    ConvergenceWarning,
    DroppedRowsWarning,
    MarkupWarning,
    PanelError,
    SpecificationError,
)

HAND = pd.DataFrame({
    "firm": ["A", "B", "A", "B", "C"], "year": [2000, 2000, 2001, 2001, 2000],
    "ind": ["g1", "g1", "g1", "g1", "g2"], "theta": 0.6,
    "sales": [10.0, 20.0, 30.0, 40.0, 50.0], "cost": [4.0, 10.0, 12.0, 16.0, 30.0],
    "eps": [0.0, np.log(2.0), 0.0, 0.0, np.log(1.5)],
})
KEYS = {"input": "m", "revenue": "sales", "cost": "materials_cost", "entity": "firm", "time": "year",
        "value_added": False}
TRANSLOG = {"beta_mm": 0.02, "beta_lm": -0.01, "beta_ll": 0.01, "beta_km": 0.01}


def _hand(**kw):
    return nt.markups(HAND, input="m", revenue="sales", cost="cost", elasticity="theta", residuals="eps",
                      entity="firm", time="year", **kw)


def test_markups_by_hand():
    res = _hand(group="ind")
    np.testing.assert_allclose(res.markups.to_numpy(), [1.5, 0.6, 1.5, 1.5, 2 / 3], rtol=1e-14)
    np.testing.assert_allclose(res.to_frame()["share"].to_numpy(), [0.4, 1.0, 0.4, 0.4, 0.9], rtol=1e-14)
    agg = res.aggregate
    np.testing.assert_allclose(agg.loc[("g1", 2000), ["sales_weighted", "cost_weighted", "mean"]].to_numpy(float),
                               [0.9, 6 / 7, 1.05], rtol=1e-14)
    np.testing.assert_allclose(agg.loc[("g1", 2001), ["sales_weighted", "cost_weighted", "mean", "median"]]
                               .to_numpy(float), [1.5, 1.5, 1.5, 1.5], rtol=1e-14)
    assert agg.loc[("g2", 2000), "firms"] == 1
    overall = res.overall.loc[2000]
    np.testing.assert_allclose(overall[["sales_weighted", "cost_weighted", "mean", "median"]].to_numpy(float),
                               [(15 + 12 + 100 / 3) / 80, 8 / 11, (1.5 + 0.6 + 2 / 3) / 3, 2 / 3], rtol=1e-14)
    assert res.diagnostics.n_groups == 2 and res.diagnostics.nobs == 5 and res.diagnostics.n_firms == 3


def test_uncorrected_is_corrected_times_exp_eps():
    corrected, raw = _hand(), nt.markups(HAND, input="m", revenue="sales", cost="cost", elasticity=0.6,
                                         entity="firm", time="year", correction="none")
    np.testing.assert_allclose(raw.markups, corrected.markups.to_numpy() * np.exp(HAND["eps"].to_numpy()), rtol=1e-14)
    np.testing.assert_allclose(raw.markups, 0.6 * HAND["sales"] / HAND["cost"], rtol=1e-14)  # in the data's order


def test_cost_weight_column_and_a_two_level_index():
    frame = HAND.assign(total=[1.0, 3.0, 1.0, 1.0, 1.0]).set_index(["firm", "year"])
    res = nt.markups(frame, input="m", revenue="sales", cost="cost", elasticity="theta", residuals="eps",
                     cost_weight="total")
    assert res.overall.loc[2000, "cost_weighted"] == pytest.approx((1.5 + 3 * 0.6 + 2 / 3) / 5, rel=1e-14)


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ConvergenceWarning")  # DGP3's exact tie, see nt.ACF
def test_first_stage_residuals_equal_statsmodels_and_drive_the_correction():
    """ACF's eps_hat is the residual of OLS of y on the degree-3 polynomial in (l, k, m) (markupest's
    ``poly(3)``); statsmodels computes it independently. On ACF's DGP3 (value added, labor as the input,
    revenue = exp(lny), cost = exp(lnl): markupest's help example), markups equal theta * VA / (L exp(eps))."""
    import statsmodels.api as sm

    data = nt.datasets.load_acf_dgp3()
    data = data[data["firm"] < 1000].reset_index(drop=True).assign(VA=lambda d: np.exp(d["lny"]),
                                                                    L=lambda d: np.exp(d["lnl"]))
    fit = nt.ACF(data, "lny", free="lnl", state="lnk", proxy="lnm1", entity="firm", time="period",
                 poly_degree=3).fit()
    x = data[["lnl", "lnk", "lnm1"]].to_numpy()
    terms = [x[:, 0] ** a * x[:, 1] ** b * x[:, 2] ** c
             for a, b, c in itertools.product(range(4), repeat=3) if a + b + c <= 3]
    ols = sm.OLS(data["lny"].to_numpy(), np.column_stack(terms)).fit()
    np.testing.assert_allclose(fit.first_stage_residuals.reindex(pd.MultiIndex.from_frame(data[["firm", "period"]])),
                               ols.resid, atol=1e-9)
    with pytest.warns(MarkupWarning, match="value added"):
        res = nt.markups(data, results=fit, input="lnl", revenue="VA", cost="L", entity="firm", time="period")
    keys = pd.MultiIndex.from_frame(data[["firm", "period"]])
    theta = fit.elasticities["lnl"].reindex(keys).to_numpy()  # the fit is labelled by (entity, time)
    expected = theta * data["VA"] / (data["L"] * np.exp(ols.resid))
    np.testing.assert_allclose(res.markups, expected, rtol=1e-9)


def test_simulated_markups_satisfy_the_first_order_condition():
    """theta_m / (materials cost / (sales / exp(eps))) is the true markup, row by row (both technologies)."""
    for extra in ({}, TRANSLOG):
        data = nt.simulate_markups(200, 5, seed=4, **extra)
        share = data["materials_cost"] / (data["sales"] / np.exp(data["eps"]))
        np.testing.assert_allclose(data["elasticity_m"] / share, data["markup"], rtol=1e-10)
        assert np.corrcoef(data["markup"], data["omega"])[0, 1] > 0.95  # markups rise with productivity


def _monte_carlo(replications: int, **simulate):
    """Mean estimated minus mean true markup per simulated panel (ACF gross output, investment proxy)."""
    form = "translog" if simulate else "cobb-douglas"
    gaps, ratios = [], []
    for seed in range(replications):
        data = nt.simulate_markups(seed=seed, **simulate)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # exact ties between roots, resolved by ACF's rule
            fit = nt.ACF(data, "y", free=["l", "m"], state="k", proxy="inv", entity="firm", time="year",
                         form=form).fit()
        res = nt.markups(data, results=fit, **KEYS)
        raw = nt.markups(data, results=fit, correction="none", **KEYS)
        gaps.append(res.markups.mean() - data["markup"].mean())
        ratios.append((raw.markups / res.markups).mean())
        np.testing.assert_allclose(raw.markups / res.markups, np.exp(fit.first_stage_residuals), rtol=1e-12)
    return np.array(gaps), np.array(ratios)


def test_monte_carlo_mean_markup_cobb_douglas_gross_output():
    """20 panels of 1,000 firms x 10 years, true mean markup about 1.30: the mean ACF markup is within three
    Monte Carlo standard errors of the truth; the uncorrected markups exceed the corrected ones by the factor
    E[exp(eps)] = exp(sigma_eps^2 / 2) = 1.00501 on average."""
    gaps, ratios = _monte_carlo(20)
    assert abs(gaps.mean()) < 3 * gaps.std(ddof=1) / np.sqrt(gaps.size)
    assert abs(ratios.mean() - np.exp(0.1**2 / 2)) < 3 * ratios.std(ddof=1) / np.sqrt(ratios.size)


@pytest.mark.slow
def test_monte_carlo_mean_markup_translog_gross_output():
    """6 translog panels (materials elasticity varying by firm-year around 0.50): the mean ACF markup is within
    three Monte Carlo standard errors of the truth."""
    gaps, _ = _monte_carlo(6, **TRANSLOG)
    assert abs(gaps.mean()) < 3 * gaps.std(ddof=1) / np.sqrt(gaps.size)


def test_gnr_flexible_input_markup_is_refused_and_its_share_elasticity_is_theta_over_mu():
    """GNR's share regression assumes price-taking: on a competitive panel it recovers theta_m = 0.55; with
    markups it recovers E[theta / mu] (the revenue share), not theta, so its markup is 1 / E[exp(eps)]."""
    competitive = nt.simulate_markups(seed=0, markup=1.0)
    priced = nt.simulate_markups(seed=0)
    for data, target in ((competitive, 0.55), (priced, (priced["elasticity_m"] / priced["markup"]).mean())):
        model = nt.GNR(data, "y", fixed=["l", "k"], flexible="m", share="share", entity="firm", time="year")
        flexible = model.point_estimates()["m"]
        assert flexible == pytest.approx(target, abs=0.01)
    assert target < 0.45  # the markup panel's theta / mu, far below theta = 0.55
    with pytest.raises(SpecificationError, match="price-taking"):
        nt.markups(priced, model=model, **KEYS)


def test_bootstrap_is_reproducible_and_independent_of_threads():
    data = nt.simulate_markups(150, 5, seed=2)
    model = nt.ACF(data, "y", free=["l", "m"], state="k", proxy="inv", entity="firm", time="year", starts=16,
                   n_refine=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = model.fit()
        one = nt.markups(data, model=model, results=fit, bootstrap=6, seed=11, **KEYS)
        two = nt.markups(data, model=model, results=fit, bootstrap=6, seed=11, n_jobs=2, **KEYS)
    assert one.diagnostics.bootstrap_replications == 6
    pd.testing.assert_frame_equal(one.overall_std_errors, two.overall_std_errors)
    se = one.overall_std_errors.to_numpy()
    assert np.isfinite(se).all() and (se > 0).all()
    assert "se(sales_weighted)" in one.summary().as_frame().columns


def test_value_added_warning_and_fits_without_a_first_stage():
    data = nt.datasets.load_chilean()
    data = data.assign(VA=np.exp(data["Y"]), W=np.exp(data["fX2"]))
    ols = nt.OLS(data, "Y", free=["fX1", "fX2"], state="sX", entity="idvar", time="timevar").fit()
    keys = {"input": "fX2", "revenue": "VA", "cost": "W", "entity": "idvar", "time": "timevar"}
    with pytest.raises(SpecificationError, match="correction='none'"):
        nt.markups(data, results=ols, **keys)
    with pytest.warns(MarkupWarning, match="value added"):
        res = nt.markups(data, results=ols, correction="none", **keys)
    np.testing.assert_allclose(res.markups, ols.params["fX2"] * data["VA"] / data["W"], rtol=1e-12)


def test_rows_outside_the_estimation_sample_are_reported():
    data = nt.simulate_markups(100, 4, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = nt.ACF(data.iloc[:-8], "y", free=["l", "m"], state="k", proxy="inv", entity="firm",
                     time="year", starts=16).fit()
    with pytest.warns(DroppedRowsWarning, match="8 rows"):
        res = nt.markups(data, results=fit, **KEYS)
    assert res.diagnostics.dropped == 8 and res.diagnostics.nobs == len(data) - 8


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"correction": "loecker"}, SpecificationError, "correction"),
    ({"residuals": None}, SpecificationError, "residuals="),
    ({"revenue": "nope"}, SpecificationError, "nope"),
    ({"bootstrap": 5}, SpecificationError, "model="),
    ({"bootstrap": 1}, SpecificationError, "bootstrap=1"),
    ({"entity": None}, SpecificationError, "entity="),
    ({"elasticity": "firm"}, PanelError, "elasticity column"),
])
def test_bad_arguments(kwargs, error, match):
    base = {"input": "m", "revenue": "sales", "cost": "cost", "elasticity": "theta", "residuals": "eps",
            "entity": "firm", "time": "year"}
    with pytest.raises(error, match=match):
        nt.markups(HAND, **{**base, **kwargs})


def test_bad_data():
    base = {"input": "m", "revenue": "sales", "cost": "cost", "elasticity": "theta", "residuals": "eps",
            "entity": "firm", "time": "year"}
    with pytest.raises(PanelError, match="'sales'.*non-positive"):
        nt.markups(HAND.assign(sales=[10.0, 0.0, 1.0, 1.0, 1.0]), **base)
    with pytest.raises(PanelError, match=r"5 duplicate \(firm, year\) rows"):
        nt.markups(pd.concat([HAND, HAND]), **base)
    with pytest.raises(SpecificationError, match="DataFrame"):
        nt.markups(HAND.to_numpy(), **base)
    data = nt.simulate_markups(60, 4, seed=1)
    model = nt.ACF(data, "y", free=["l", "m"], state="k", proxy="inv", entity="firm", time="year", starts=8)
    with pytest.raises(SpecificationError, match="frame the model was built on"):
        nt.markups(data.iloc[::-1], model=model, **KEYS)
    with pytest.raises(SpecificationError, match="not an input"):
        nt.markups(data, model=model, **{**KEYS, "input": "inv"})
    with pytest.raises(SpecificationError, match="either elasticity"):
        nt.markups(data, model=model, elasticity=0.5, **KEYS)
    original = HAND.copy()
    _hand()
    pd.testing.assert_frame_equal(HAND, original)  # the caller's data are never modified


def test_simulate_markups_rejects_impossible_parameters():
    with pytest.raises(SpecificationError, match="markup"):
        nt.simulate_markups(10, 3, markup=0.9)
    with pytest.raises(SpecificationError, match="beta_l"):
        nt.simulate_markups(10, 3, beta_m=1.2)
    with pytest.raises(SpecificationError, match="not positive"):
        nt.simulate_markups(10, 3, beta_mm=-0.5)


def test_results_frames():
    """The common contract (summary, plot, pickling, frozen diagnostics) is in tests/test_results_contract.py."""
    res = _hand(group="ind")
    assert "sales_weighted" in res.summary().as_text()
    assert list(res.to_frame().columns) == ["group", "elasticity", "share", "markup"]
    assert res.to_frame().index.names == ["firm", "year"]  # labelled by (entity, time)
    frame = res.to_frame()
    frame.loc[:, "markup"] = 0.0  # a copy: the results do not change
    assert res.markups.iloc[0] == pytest.approx(1.5, rel=1e-14)
