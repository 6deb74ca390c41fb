"""The four-component stochastic frontier (persistent and transient inefficiency) by maximum simulated
likelihood, as Filippini and Greene (2016) estimate it: the simulated likelihood against a two-dimensional
integration over the firm effect and persistent inefficiency, the nesting of true random effects, and
recovery of known parameters and of both efficiencies from a simulated panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import nqpf_tfp as nt
from nqpf_tfp.frontier import sfa_true_random_effects as tre


def four_component_panel(n: int, t: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """sigma_w 0.3, sigma_h 0.4 (persistent), sigma_u 0.3, sigma_v 0.15 (transient); frontier 1 + 0.5 x1 + 0.3 x2.
    Returns the data and the true persistent (per firm) and transient (per row) inefficiencies."""
    rng = np.random.default_rng(seed)
    firm = np.repeat(np.arange(n), t)
    w, h = rng.normal(0, 0.3, n), np.abs(rng.normal(0, 0.4, n))
    x1, x2 = rng.normal(size=n * t), rng.normal(size=n * t)
    u = np.abs(rng.normal(0, 0.3, n * t))
    y = 1 + 0.5 * x1 + 0.3 * x2 + (w - h)[firm] + rng.normal(0, 0.15, n * t) - u
    data = pd.DataFrame({"f": firm, "year": np.tile(np.arange(2001, 2001 + t), n), "x1": x1, "x2": x2, "y": y})
    return data, h, u


#: the parameters of four_component_panel, as SFA reports them (sigma2 = 0.3^2 + 0.15^2, gamma = 0.09 / sigma2)
TRUTH = pd.Series({"const": 1.0, "x1": 0.5, "x2": 0.3, "sigma2": 0.1125, "gamma": 0.8, "sigma_w": 0.3, "sigma_h": 0.4})


def assert_recovers_truth(res: nt.frontier.SFAResults) -> pd.DataFrame:
    """Every parameter of a converged fit within 3 standard errors of :data:`TRUTH`, the efficiencies in (0, 1]
    with the overall one their product's column; returns the efficiency components."""
    assert list(res.params.index) == list(TRUTH.index)
    gap = (res.params - TRUTH).abs()
    assert res.diagnostics.converged and (gap < 3 * res.std_errors).all(), gap
    parts = res.efficiency_components
    assert list(parts.columns) == ["persistent", "transient", "overall"]
    np.testing.assert_allclose(res.efficiency, parts["overall"])
    assert ((parts > 0) & (parts <= 1)).all().all()
    return parts


def production_and_cost(model: str, data: pd.DataFrame) -> tuple[nt.frontier.SFAResults, nt.frontier.SFAResults]:
    """A four-component model fitted as a production frontier and, on minus the data, as a cost frontier (which
    must give the same slopes and efficiencies and minus the constant)."""
    prod = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model=model).fit()
    cost = nt.frontier.SFA(data.assign(y=-data.y, x1=-data.x1, x2=-data.x2), "y", ["x1", "x2"], entity="f",
                           time="year", model=model, cost=True).fit()
    return prod, cost


def test_simulated_likelihood_approaches_the_integral_over_both_firm_components():
    data, *_ = four_component_panel(5, 4, seed=2)
    y, firms = data["y"].to_numpy(), data["f"].to_numpy()
    x = np.c_[np.ones(len(data)), data[["x1", "x2"]]]
    beta, sigma2, gamma, sigma_w, sigma_h = np.array([1.0, 0.5, 0.3]), 0.1125, 0.8, 0.3, 0.4
    theta = np.r_[beta, np.log(sigma2), np.log(gamma / (1 - gamma)), np.log(sigma_w), np.log(sigma_h)]
    lam, sigma = np.sqrt(gamma / (1 - gamma)), np.sqrt(sigma2)
    # the integral over (w, h) by tensor Gauss-Legendre quadrature on [-8 sigma_w, 8 sigma_w] x [0, 8 sigma_h]
    nodes, weights = np.polynomial.legendre.leggauss(300)
    w, h = 8 * sigma_w * nodes, 4 * sigma_h * (nodes + 1)
    prior = np.outer(8 * sigma_w * weights * stats.norm.pdf(w, scale=sigma_w),
                     4 * sigma_h * weights * 2 * stats.norm.pdf(h, scale=sigma_h))
    exact = 0.0
    for i in range(5):
        r = (y - x @ beta)[firms == i][:, None, None] - w[None, :, None] + h[None, None, :]  # v - u
        rows = 2 / sigma * stats.norm.pdf(r / sigma) * stats.norm.cdf(-lam * r / sigma)
        exact += np.log(np.sum(prior * np.prod(rows, axis=0)))
    errors = []
    for draws in (200, 100_000):
        normals = tre.halton_normals(5, draws, np.random.SeedSequence(0), dimensions=2)
        model = tre.TrueRandomEffects.build(y, x, firms, 5, normals, persistent=True)
        errors.append(abs(tre.simulated_loglik(theta, model) - exact))
    # measured: 0.020 with 200 draws, 2.1e-4 with 100,000 (the log-likelihood of five firms)
    assert errors[1] < 5e-4 and errors[1] < errors[0], errors


def test_without_persistent_inefficiency_the_likelihood_is_true_random_effects():
    data, *_ = four_component_panel(20, 5, seed=4)
    y, firms = data["y"].to_numpy(), data["f"].to_numpy()
    x = np.c_[np.ones(len(data)), data[["x1", "x2"]]]
    normals = tre.halton_normals(20, 300, np.random.SeedSequence(1), dimensions=2)
    theta = np.array([1.0, 0.5, 0.3, np.log(0.11), 1.2, np.log(0.3)])
    four = tre.TrueRandomEffects.build(y, x, firms, 20, normals, persistent=True)
    three = tre.TrueRandomEffects.build(y, x, firms, 20, normals)
    assert tre.simulated_loglik(np.r_[theta, -40.0], four) == pytest.approx(tre.simulated_loglik(theta, three),
                                                                           abs=1e-12)


def test_four_components_are_recovered_from_a_simulated_panel():
    data, h, u = four_component_panel(800, 5, seed=3)
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="filippini-greene", seed=1,
                          draws=100).fit()
    parts = assert_recovers_truth(res)
    # each efficiency tracks its own truth, not the other's
    persistent = parts["persistent"].groupby(data["f"].to_numpy()).first().to_numpy()
    assert np.corrcoef(persistent, np.exp(-h))[0, 1] > 0.45
    assert np.corrcoef(parts["transient"], np.exp(-u))[0, 1] > 0.6
    assert abs(np.corrcoef(parts["transient"], np.exp(-h)[data["f"]])[0, 1]) < 0.15
    assert res.diagnostics.lr_restrictions == 3


def test_four_component_model_refuses_other_distributions():
    data, *_ = four_component_panel(10, 3, seed=5)
    with pytest.raises(nt.errors.SpecificationError, match="half-normal"):
        nt.frontier.SFA(data, "y", "x1", entity="f", time="year", model="filippini-greene",
                        distribution="truncated-normal")
    res = nt.frontier.SFA(data, "y", "x1", entity="f", time="year", model="bc92")
    with pytest.raises(AttributeError, match="filippini-greene"):
        _ = res.fit().efficiency_components
