"""Determinants of inefficiency and heteroskedastic noise and inefficiency (Caudill, Ford and Gropper 1995;
Wang 2002): the likelihood against numerical integration and against the homoskedastic model's, the
marginal effects against numerical derivatives of E[u], and the parameters recovered from a simulated
sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

import nqpf_tfp as nt
from nqpf_tfp.errors import SpecificationError
from nqpf_tfp.frontier.sfa_heteroskedastic import Heteroskedastic, loglik, marginal_effects, moments
from nqpf_tfp.frontier.sfa_likelihood import FrontierData, unconstrained
from nqpf_tfp.frontier.sfa_likelihood import loglik as homoskedastic_loglik


def sample(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2, z, w = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    mu, su, sv = 0.2 + 0.4 * z, np.exp(0.5 * (-1.5 + 0.5 * z)), np.exp(0.5 * (-3.0 + 0.4 * w))
    u = stats.truncnorm(-mu / su, np.inf, loc=mu, scale=su).rvs(random_state=rng)
    return pd.DataFrame({"y": 1 + 0.5 * x1 + 0.3 * x2 + rng.normal(0, sv) - u, "x1": x1, "x2": x2, "z": z, "w": w})


def arrays(data: pd.DataFrame) -> Heteroskedastic:
    ones = np.ones(len(data))
    return Heteroskedastic(data["y"].to_numpy(), np.c_[ones, data[["x1", "x2"]]], np.c_[ones, data["z"]],
                           np.c_[ones, data["z"]], np.c_[ones, data["w"]])


def test_likelihood_equals_integration_over_u_row_by_row():
    data = sample(8, seed=1)
    model = arrays(data)
    theta = np.array([0.9, 0.45, 0.35, 0.1, 0.5, -1.2, 0.3, -2.5, 0.2])
    e, mu, su2, sv2 = moments(theta, model)
    expected = 0.0
    for i in range(len(data)):
        su = np.sqrt(su2[i])
        density = stats.truncnorm(-mu[i] / su, np.inf, loc=mu[i], scale=su)
        def integrand(u, i=i, density=density):
            return stats.norm.pdf(e[i] + u, scale=np.sqrt(sv2[i])) * density.pdf(u)

        value, _ = integrate.quad(integrand, 0, np.inf, epsabs=1e-300, epsrel=1e-12, limit=200)
        expected += np.log(value)
    assert loglik(theta, model) == pytest.approx(expected, rel=1e-10)


def test_constant_scales_give_the_homoskedastic_likelihood():
    data = sample(50, seed=2)
    ones = np.ones(len(data))
    x = np.c_[ones, data[["x1", "x2"]]]
    sigma2, gamma = 0.3, 0.7
    model = Heteroskedastic(data["y"].to_numpy(), x, np.empty((len(data), 0)), ones[:, None], ones[:, None])
    theta = np.r_[0.9, 0.45, 0.35, np.log(gamma * sigma2), np.log((1 - gamma) * sigma2)]
    cross_section = FrontierData(data["y"].to_numpy(), x, "cross-section", "half-normal")
    reference = homoskedastic_loglik(unconstrained(np.r_[0.9, 0.45, 0.35, sigma2, gamma], cross_section),
                                     cross_section)
    assert loglik(theta, model) == pytest.approx(reference, rel=1e-12)


def test_wang_2002_is_recovered_with_its_marginal_effects():
    data = sample(4000, seed=3)
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], model="heteroskedastic", inefficiency="z",
                          inefficiency_scale="z", noise_scale="w").fit()
    truth = pd.Series({"x1": 0.5, "x2": 0.3, "delta_const": 0.2, "delta_z": 0.4, "ln_sigma_u2_const": -1.5,
                       "ln_sigma_u2_z": 0.5, "ln_sigma_v2_const": -3.0, "ln_sigma_v2_w": 0.4})
    gap = (res.params[truth.index] - truth).abs()
    assert res.diagnostics.converged and (gap < 4 * res.std_errors[truth.index]).all(), gap
    # analytic dE[u]/dz against a central difference of E[u] = mu + sigma_u phi(mu/sigma_u)/Phi(mu/sigma_u)
    theta = res.params.to_numpy()

    def mean_u(shift: float) -> np.ndarray:
        _, mu, su2, _ = moments(theta, arrays(data.assign(z=data["z"] + shift)))
        su = np.sqrt(su2)
        return mu + su * stats.norm.pdf(mu / su) / stats.norm.cdf(mu / su)

    numeric = (mean_u(1e-6) - mean_u(-1e-6)) / 2e-6
    np.testing.assert_allclose(res.marginal_effects["z"], numeric, atol=1e-7)
    np.testing.assert_allclose(marginal_effects(theta, arrays(data), ["const", "z"], ["const", "z"], ["z"])[:, 0],
                               res.marginal_effects["z"], rtol=1e-12)


def test_caudill_ford_gropper_half_normal_scales():
    rng = np.random.default_rng(4)
    n = 3000
    x, w = rng.normal(size=n), rng.normal(size=n)
    y = 1 + 0.6 * x + rng.normal(0, 0.15, n) - np.abs(rng.normal(0, np.exp(0.5 * (-1.0 + 0.6 * w))))
    data = pd.DataFrame({"y": y, "x": x, "w": w})
    res = nt.frontier.SFA(data, "y", "x", model="heteroskedastic", inefficiency_scale="w").fit()
    assert res.diagnostics.distribution == "half-normal"
    assert list(res.params.index) == ["const", "x", "ln_sigma_u2_const", "ln_sigma_u2_w", "ln_sigma_v2_const"]
    truth = pd.Series({"x": 0.6, "ln_sigma_u2_const": -1.0, "ln_sigma_u2_w": 0.6,
                       "ln_sigma_v2_const": 2 * np.log(0.15)})
    assert ((res.params[truth.index] - truth).abs() < 4 * res.std_errors[truth.index]).all()


def test_heteroskedastic_options_are_checked():
    data = sample(100, seed=5)
    with pytest.raises(SpecificationError, match="without them it is model='cross-section'"):
        nt.frontier.SFA(data, "y", ["x1", "x2"], model="heteroskedastic")
    with pytest.raises(SpecificationError, match="need model='heteroskedastic'"):
        nt.frontier.SFA(data, "y", ["x1", "x2"], noise_scale="w")
    with pytest.raises(SpecificationError, match="omit distribution="):
        nt.frontier.SFA(data, "y", ["x1", "x2"], model="heteroskedastic", noise_scale="w",
                        distribution="truncated-normal")
    with pytest.raises(SpecificationError, match="'nope'"):
        nt.frontier.SFA(data, "y", ["x1", "x2"], model="heteroskedastic", noise_scale="nope")
