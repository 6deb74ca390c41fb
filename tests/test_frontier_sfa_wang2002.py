"""Cross-section frontiers with determinants of inefficiency against the Julia package SFrontiers.jl
(H.-J. Wang), on the farm data of its examples 1-3 (test/data/00test_pkg.jl; 5 decimals, tested there at
atol 1e-5): Caudill-Ford-Gropper's heteroskedastic half-normal model, Stevenson's truncated normal, Battese
and Coelli's (1995) inefficiency effects and Wang's (2002) model, with marginal effects on E[u]."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.frontier.sfa_heteroskedastic import Heteroskedastic, loglik
from nqpf_tfp.frontier.sfa_search import ascend, stationary

# the file repeats the column yr (read as yr.1): the same values
FARMS = pd.read_csv(Path(__file__).parent / "data" / "wang2002_sampledata.csv").drop(columns="yr.1")
FRONTIER = ["Lland", "PIland", "Llabor", "Lbull", "Lcost", "yr"]


def fit(**options) -> nt.frontier.SFAResults:
    return nt.frontier.SFA(FARMS, "yvar", FRONTIER, **options).fit()


def test_example_1_heteroskedastic_half_normal():
    res = fit(model="heteroskedastic", inefficiency_scale=["age", "school", "yr"])
    assert res.diagnostics.converged
    np.testing.assert_allclose(res.params[["Lland", "PIland"]], [0.29488, 0.23191], atol=1e-5)
    np.testing.assert_allclose(res.marginal_effects["age"].iloc[:2], [-0.00147, -0.00135], atol=1e-5)


def test_example_1_2_truncated_normal():
    res = fit(distribution="truncated-normal")
    assert res.diagnostics.converged
    np.testing.assert_allclose(res.params[["Lland", "PIland"]], [0.29315, 0.23998], atol=1e-5)


def test_example_1_5_battese_coelli_1995():
    res = fit(model="bc95", inefficiency=["age", "school", "yr"])
    assert res.diagnostics.converged
    np.testing.assert_allclose(res.params[["Lland", "PIland"]], [0.30298, 0.24794], atol=1e-5)


def test_example_3_wang_2002():
    columns = ["age", "school", "yr"]
    res = fit(model="heteroskedastic", inefficiency=columns, inefficiency_scale=columns)
    assert res.diagnostics.converged
    np.testing.assert_allclose(res.params[["Lland", "PIland"]], [0.25821, 0.17173], atol=1e-5)
    # the file's marginal effects of age (a line commented out there) are reproduced too
    np.testing.assert_allclose(res.marginal_effects["age"].iloc[:2], [-0.00522, -0.00636], atol=1e-5)
    # SFrontiers.jl's user manual (GitHub HungJenWang1991/SFrontiers.jl, commit 4b150fc, 00_manual_SFrontiers.md,
    # the paddy-farmer example of this model) prints the OLS log-likelihood and residual skewness (5 decimals)
    assert res.diagnostics.ols_loglik == pytest.approx(-104.96993, abs=5e-6)
    assert res.diagnostics.ols_skewness == pytest.approx(-0.70351, abs=5e-6)


def test_example_2_wang_2002_without_age_is_a_lower_local_maximum():
    """Example 2 prints slopes 0.30533 and 0.22575. From the file's own starting values (OLS frontier, 0.1 for
    the mean's coefficients, -0.1 for the log variances') the search ends at that point, a stationary point
    with log-likelihood -86.8927; from FRONTIER's grid it finds a higher maximum, -86.1466."""
    columns = ["school", "yr"]
    res = fit(model="heteroskedastic", inefficiency=columns, inefficiency_scale=columns)
    assert res.diagnostics.converged and res.loglik == pytest.approx(-86.1466, abs=1e-4)
    n = len(FARMS)
    x = np.c_[np.ones(n), FARMS[FRONTIER]]
    z = np.c_[np.ones(n), FARMS[columns]]
    model = Heteroskedastic(FARMS["yvar"].to_numpy(), x, z, z, np.ones((n, 1)))
    ols = np.linalg.lstsq(x, FARMS["yvar"].to_numpy(), rcond=None)[0]
    theta, value, _ = ascend(lambda t: loglik(t, model), np.r_[ols, [0.1] * 3, [-0.1] * 3, -0.1])
    assert stationary(lambda t: loglik(t, model), theta, value)
    assert value == pytest.approx(-86.8927, abs=1e-4) and value < res.loglik - 0.7
    np.testing.assert_allclose(theta[1:3], [0.30533, 0.22575], atol=1e-5)
