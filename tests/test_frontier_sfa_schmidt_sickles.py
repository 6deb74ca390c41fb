"""Schmidt and Sickles's (1984) fixed- and random-effects frontiers against linearmodels' PanelOLS and
RandomEffects on the Philippine rice panel (the slopes, their standard errors and the firm effects), and
efficiency against the best firm recovered from a simulated panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from linearmodels.panel import PanelOLS, RandomEffects

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError

# Coelli, Rao, O'Donnell and Battese's (2005) rice panel, 43 farms x 8 years (see test_frontier_sfa_panel.py)
RICE = pd.read_csv(Path(__file__).parent / "data" / "frontier_riceProdPhil.csv")
INPUTS = ["AREA", "LABOR", "NPK"]


def rice_logs() -> pd.DataFrame:
    logs = np.log(RICE[["PROD", *INPUTS]])
    return logs.assign(FMERCODE=RICE.FMERCODE, YEARDUM=RICE.YEARDUM)


def ours(model: str, data: pd.DataFrame | None = None) -> nt.frontier.SFAResults:
    data = rice_logs() if data is None else data
    return nt.frontier.SFA(data, "PROD", INPUTS, entity="FMERCODE", time="YEARDUM", model=model).fit()


def test_fixed_effects_frontier_is_the_within_regression_of_linearmodels():
    res = ours("schmidt-sickles-fixed")
    panel = rice_logs().set_index(["FMERCODE", "YEARDUM"])
    peer = PanelOLS(panel["PROD"], panel[INPUTS], entity_effects=True).fit(cov_type="unadjusted")
    np.testing.assert_allclose(res.params[INPUTS], peer.params[INPUTS], rtol=1e-10)
    np.testing.assert_allclose(res.std_errors[INPUTS], peer.std_errors[INPUTS], rtol=1e-10)
    # the firm effects: alpha_i = mean residual; inefficiency is the distance to the best firm
    effects = (panel["PROD"] - panel[INPUTS] @ peer.params[INPUTS]).groupby(level=0).mean()
    u = (effects.max() - effects).to_numpy()[pd.factorize(rice_logs().FMERCODE, sort=True)[0]]
    np.testing.assert_allclose(res.inefficiency, u, atol=1e-10)
    np.testing.assert_allclose(res.efficiency, np.exp(-u), atol=1e-12)
    assert res.params["const"] == pytest.approx(effects.max(), abs=1e-10)
    assert res.efficiency.max() == 1.0 and np.isnan(res.std_errors["const"])
    assert np.isnan(res.loglik) and "least squares, no likelihood" in res.summary().as_text()


def test_random_effects_frontier_is_swamy_arora_gls_as_linearmodels_computes_it():
    res = ours("schmidt-sickles-random")
    panel = rice_logs().set_index(["FMERCODE", "YEARDUM"]).assign(const=1.0)
    peer = RandomEffects(panel["PROD"], panel[["const", *INPUTS]]).fit(cov_type="unadjusted")
    np.testing.assert_allclose(res.params[INPUTS], peer.params[INPUTS], rtol=1e-10)
    np.testing.assert_allclose(res.std_errors[INPUTS], peer.std_errors[INPUTS], rtol=1e-10)
    resid = panel["PROD"] - panel[["const", *INPUTS]] @ peer.params
    alpha = peer.params["const"] + resid.groupby(level=0).mean()
    assert res.params["const"] == pytest.approx(alpha.max(), abs=1e-10)
    assert res.inefficiency.groupby(level=0).first().to_numpy() == pytest.approx((alpha.max() - alpha).to_numpy(),
                                                                                 abs=1e-10)


def test_unbalanced_random_effects_use_the_harmonic_mean_of_the_periods_as_linearmodels_does():
    data = rice_logs()
    data = data[~((data.FMERCODE % 4 == 0) & (data.YEARDUM > 5))]
    res = ours("schmidt-sickles-random", data)
    panel = data.set_index(["FMERCODE", "YEARDUM"]).assign(const=1.0)
    peer = RandomEffects(panel["PROD"], panel[["const", *INPUTS]]).fit(cov_type="unadjusted")
    np.testing.assert_allclose(res.params[INPUTS], peer.params[INPUTS], rtol=1e-10)


def test_efficiency_against_the_best_firm_recovers_a_long_panel():
    # time-invariant u_i correlated with x (fixed effects consistent, random effects not)
    rng = np.random.default_rng(0)
    n, t = 100, 30
    firm = np.repeat(np.arange(n), t)
    u = np.abs(rng.normal(0, 0.4, n))
    x = rng.normal(size=n * t) - u[firm]
    y = 1 + 0.6 * x + rng.normal(0, 0.1, n * t) - u[firm]
    data = pd.DataFrame({"f": firm, "year": np.tile(np.arange(t), n), "x": x, "y": y})
    fixed = nt.frontier.SFA(data, "y", "x", entity="f", time="year", model="schmidt-sickles-fixed").fit()
    assert abs(fixed.params["x"] - 0.6) < 3 * fixed.std_errors["x"]
    truth = np.exp(-(u - u.min()))[firm]  # efficiency relative to the best firm in the sample
    assert np.corrcoef(fixed.efficiency, truth)[0, 1] > 0.99


def test_random_effects_are_biased_when_inefficiency_is_correlated_with_the_inputs():
    # Schmidt and Sickles's point: GLS needs u_i uncorrelated with x; in a short, noisy panel it leans on the
    # between variation, where u_i and x move together; the within estimator does not
    rng = np.random.default_rng(1)
    n, t = 300, 3
    firm = np.repeat(np.arange(n), t)
    u = np.abs(rng.normal(0, 0.4, n))
    x = rng.normal(size=n * t) - 2 * u[firm]
    y = 1 + 0.6 * x + rng.normal(0, 0.5, n * t) - u[firm]
    data = pd.DataFrame({"f": firm, "year": np.tile(np.arange(t), n), "x": x, "y": y})
    random = nt.frontier.SFA(data, "y", "x", entity="f", time="year", model="schmidt-sickles-random").fit()
    fixed = nt.frontier.SFA(data, "y", "x", entity="f", time="year", model="schmidt-sickles-fixed").fit()
    assert abs(random.params["x"] - 0.6) > 4 * random.std_errors["x"]
    assert abs(fixed.params["x"] - 0.6) < 3 * fixed.std_errors["x"]


def test_schmidt_sickles_say_what_is_missing():
    data = rice_logs()
    with pytest.raises(SpecificationError, match="omit distribution="):
        nt.frontier.SFA(data, "PROD", INPUTS, entity="FMERCODE", time="YEARDUM", model="schmidt-sickles-fixed",
                        distribution="half-normal")
    with pytest.raises(PanelError, match="two periods or more"):
        one_year = data[(data.FMERCODE != 1) | (data.YEARDUM == 1)]
        nt.frontier.SFA(one_year, "PROD", INPUTS, entity="FMERCODE", time="YEARDUM",
                        model="schmidt-sickles-random")
    with pytest.raises(SpecificationError, match="entity= and time="):
        nt.frontier.SFA(data, "PROD", INPUTS, model="schmidt-sickles-fixed")
