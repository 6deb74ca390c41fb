"""Chen, Schmidt and Wang's (2014) within likelihood of the true fixed-effects frontier: the equicorrelated
normal distribution function against SciPy's Genz integration, a firm's within density against direct
integration over its inefficiencies, consistency in a short panel where Greene's true fixed effects
collapse (the incidental-parameter problem), and the utility example of SFrontiers.jl to its printed digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, sparse, stats
from scipy.linalg import null_space

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError
from nqpf_tfp.frontier.sfa_chen_schmidt_wang import ChenSchmidtWang, log_equicorrelated_cdf, loglik


def short_panel(n: int, t: int, seed: int) -> pd.DataFrame:
    """Firm intercepts N(0, 0.5^2) correlated with x1, sigma_u 0.4, sigma_v 0.2, beta (0.5, 0.3)."""
    rng = np.random.default_rng(seed)
    firm = np.repeat(np.arange(n), t)
    alpha = rng.normal(0, 0.5, n)
    x1 = rng.normal(size=n * t) + 0.5 * alpha[firm]
    x2 = rng.normal(size=n * t)
    y = alpha[firm] + 0.5 * x1 + 0.3 * x2 + rng.normal(0, 0.2, n * t) - np.abs(rng.normal(0, 0.4, n * t))
    return pd.DataFrame({"f": firm, "year": np.tile(np.arange(2000, 2000 + t), n), "x1": x1, "x2": x2, "y": y})


@pytest.mark.parametrize("t", [2, 3])  # six variates take Genz's rule seconds each; QUADPACK below has five
@pytest.mark.parametrize("c", [0.1, 1.0, 8.0])
def test_equicorrelated_normal_cdf_equals_genz_integration(t, c):
    rng = np.random.default_rng(t)
    a = rng.normal(0.3, 1.2, size=(4, t))
    summer = sparse.csr_matrix((np.ones(4 * t), (np.repeat(np.arange(4), t), np.arange(4 * t))), shape=(4, 4 * t))
    firms = np.repeat(np.arange(4), t)
    ours = log_equicorrelated_cdf(a.ravel(), np.full(4 * t, np.sqrt(c)), firms, 4, summer)
    cov = np.eye(t) + c * np.ones((t, t))
    genz = [stats.multivariate_normal.cdf(row, mean=np.zeros(t), cov=cov, maxpts=2_000_000, abseps=1e-10,
                                          releps=1e-8) for row in a]
    # Genz's randomised lattice rule stops at maxpts short of releps: measured up to 4.4e-7 relative with
    # SciPy 1.17 (unseeded, over repeated runs; six variates included) and 1.3e-6 at one six-variate point
    # with SciPy 1.15; the QUADPACK test below checks the same integral to 1e-9
    np.testing.assert_allclose(np.exp(ours), genz, rtol=3e-6, atol=1e-10)


@pytest.mark.parametrize("c", [0.001, 1.0, 30.0, 300.0])
@pytest.mark.parametrize("shift", [-6.0, 0.3, 4.0])
def test_equicorrelated_normal_cdf_equals_adaptive_quadrature_in_the_tails(c, shift):
    # tiny probabilities (shift -6) and sharp steps (large c) in logs, against QUADPACK on the integrand
    a = np.random.default_rng(7).normal(shift, 1.2, size=5)
    summer = sparse.csr_matrix(np.ones((1, 5)))
    ours = log_equicorrelated_cdf(a, np.full(5, np.sqrt(c)), np.zeros(5, dtype=np.int64), 1, summer)[0]

    def integrand(s: float) -> float:
        return float(np.exp(stats.norm.logpdf(s) + np.sum(stats.norm.logcdf(a - np.sqrt(c) * s))))

    kinks = [0.0, a.min() / np.sqrt(c), a.max() / np.sqrt(c)]
    value = integrate.quad(integrand, -40, 40, epsabs=0, epsrel=1e-13, limit=2000, points=kinks)[0]
    assert ours == pytest.approx(np.log(value), abs=1e-9)


@pytest.mark.parametrize("t", [2, 3])
def test_a_firms_within_density_equals_integration_over_its_inefficiencies(t):
    # independent route: given u, the within residuals on an orthonormal basis A of the within space are
    # normal with covariance sigma_v^2 I, mean -A u; the density is the expectation over T half-normal u's,
    # computed by tensor Gauss-Legendre quadrature on [0, 10 sigma_u]
    sigma_u, sigma_v = 0.5, 0.3
    e = np.array([0.21, -0.37, 0.05])[:t]
    model = ChenSchmidtWang.build(e, np.zeros((t, 1)), np.zeros(t, dtype=np.int64), 1)
    sigma2, gamma = sigma_u**2 + sigma_v**2, sigma_u**2 / (sigma_u**2 + sigma_v**2)
    ours = loglik(np.array([0.0, np.log(sigma2), np.log(gamma / (1 - gamma))]), model)
    basis = null_space(np.ones((1, t))).T  # (T - 1) x T, orthonormal rows
    nodes, weights = np.polynomial.legendre.leggauss(80)
    u = 5 * sigma_u * (nodes + 1)
    w = 5 * sigma_u * weights * 2 * stats.norm.pdf(u, scale=sigma_u)
    grids = np.meshgrid(*[u] * t, indexing="ij")
    us = np.stack([g.ravel() for g in grids], axis=1)
    ws = np.prod(np.stack(np.meshgrid(*[w] * t, indexing="ij")), axis=0).ravel()
    resid = (basis @ (e[:, None] + us.T)).T  # A (e + u) = A v
    density = np.sum(ws * np.prod(stats.norm.pdf(resid, scale=sigma_v), axis=1))
    assert ours == pytest.approx(np.log(density), abs=1e-8)


def test_chen_schmidt_wang_is_consistent_where_true_fixed_effects_collapse():
    # five periods per firm: Greene's estimator puts sigma_v at the boundary 0 (truth 0.2), the within
    # likelihood recovers sigma_u 0.4 and sigma_v 0.2 within three standard errors, and beta
    data = short_panel(500, 5, seed=1)
    kwargs = dict(entity="f", time="year")
    with pytest.warns(nt.errors.FrontierBoundaryWarning, match="incidental-parameter"):
        greene = nt.frontier.SFA(data, "y", ["x1", "x2"], model="true-fixed-effects", **kwargs).fit()
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], model="chen-schmidt-wang", **kwargs).fit()
    assert greene.params["gamma"] > 1 - 1e-6
    truth = pd.Series({"x1": 0.5, "x2": 0.3, "sigma2": 0.2, "gamma": 0.8})
    assert list(res.params.index) == list(truth.index)
    gap = (res.params - truth).abs()
    assert res.diagnostics.converged and (gap < 3 * res.std_errors).all(), gap
    sigma_v = np.sqrt(res.params["sigma2"] * (1 - res.params["gamma"]))
    assert sigma_v == pytest.approx(0.2, abs=0.04)
    # the LR statistic against the within regression, and efficiency in (0, 1] correlated with the truth's sign
    assert res.diagnostics.lr_statistic > 20
    assert ((res.efficiency > 0) & (res.efficiency <= 1)).all()
    assert res.summary().as_text().count("chen-schmidt-wang") == 1


def test_chen_schmidt_wang_handles_unbalanced_panels_and_cost_frontiers():
    data = short_panel(200, 6, seed=3)
    unbalanced = data[~((data.f % 3 == 0) & (data.year > 2003))]  # a third of the firms with 4 periods
    res = nt.frontier.SFA(unbalanced, "y", ["x1", "x2"], entity="f", time="year", model="chen-schmidt-wang").fit()
    assert res.diagnostics.converged and res.nobs == len(unbalanced)
    flipped = unbalanced.assign(y=-unbalanced.y, x1=-unbalanced.x1, x2=-unbalanced.x2)
    cost = nt.frontier.SFA(flipped, "y", ["x1", "x2"], entity="f", time="year", model="chen-schmidt-wang",
                           cost=True).fit()
    assert cost.loglik == pytest.approx(res.loglik, abs=1e-8)
    np.testing.assert_allclose(cost.params, res.params, atol=1e-6)
    np.testing.assert_allclose(cost.efficiency, res.efficiency, atol=1e-6)


def test_chen_schmidt_wang_with_wrong_skewness_is_the_within_regression():
    data = short_panel(100, 4, seed=4)
    data["y"] = -data["y"]  # a production frontier now skewed the wrong way
    with pytest.warns(nt.errors.FrontierBoundaryWarning, match="Waldman"):
        res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="chen-schmidt-wang").fit()
    demeaned = data[["y", "x1", "x2"]] - data.groupby("f")[["y", "x1", "x2"]].transform("mean")
    within = np.linalg.lstsq(demeaned[["x1", "x2"]].to_numpy(), demeaned["y"].to_numpy(), rcond=None)[0]
    np.testing.assert_allclose(res.params[["x1", "x2"]], within, atol=1e-12)
    assert res.params["gamma"] == 0 and (res.efficiency == 1).all()


def test_chen_schmidt_wang_says_what_is_missing():
    data = short_panel(20, 3, seed=5)
    with pytest.raises(PanelError, match="two periods or more"):
        nt.frontier.SFA(data.iloc[2:], "y", "x1", entity="f", time="year", model="chen-schmidt-wang")
    with pytest.raises(SpecificationError, match="half-normal"):
        nt.frontier.SFA(data, "y", "x1", entity="f", time="year", model="chen-schmidt-wang",
                        distribution="truncated-normal")
    with pytest.raises(SpecificationError, match="entity= and time="):
        nt.frontier.SFA(data, "y", "x1", model="chen-schmidt-wang")


def test_the_utility_example_equals_sfrontiers():
    # SFrontiers.jl (Hung-Jen Wang's Julia package for the models of Kumbhakar, Wang and Horncastle 2015), its
    # test "Example 9, Panel FE, CSW 2014" (GitHub githubjacky/SFrontiers.jl, commit e96d8c9,
    # test/data/00test_pkg.jl): the half-normal true fixed-effects translog of the utility data by Chen,
    # Schmidt and Wang's within likelihood, checked there to 5 decimals (atol 1e-5): the first two
    # coefficients and the JLMS inefficiency of the first two firm-years
    data = pd.read_csv(Path(__file__).parent / "data" / "csw_utility.csv")
    terms = ["llabor", "lfuel", "lk", "llabor2", "lfuel2", "lk2", "labfue2", "labk2", "fuek2", "trend"]
    res = nt.frontier.SFA(data, "lny", terms, entity="firm", time="year", model="chen-schmidt-wang",
                          efficiency="jlms").fit()
    assert res.diagnostics.converged
    np.testing.assert_allclose(res.params[["llabor", "lfuel"]], [0.03180, 0.66562], atol=5e-6)
    np.testing.assert_allclose(res.inefficiency.iloc[:2], [0.13239, 0.10492], atol=5e-6)
