"""The four-component frontier by its exact likelihood (Colombi, Kumbhakar, Martini and Vittadini 2014):
the one-dimensional integral per firm against Colombi et al.'s closed-skew-normal density (a multivariate
normal density times a multivariate normal distribution function, SciPy's) and against SciPy's adaptive
integration, and recovery of known parameters from a simulated panel beside the simulated likelihood.
Greene's true random effects by the same quadrature against SFrontiers.jl's example, which integrates
the random effect by adaptive quadrature too."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

import nqpf_tfp as nt
from nqpf_tfp.errors import SpecificationError
from nqpf_tfp.frontier import sfa_closed_skew_normal as csn
from nqpf_tfp.frontier import sfa_true_random_effects as tre

sys.path.insert(0, str(Path(__file__).parent))
from test_frontier_sfa_four_component import (  # noqa: E402
    assert_recovers_truth,
    four_component_panel,
    production_and_cost,
)

MODEL = "closed-skew-normal"


def composed_errors(seed: int, n: int, t: int, sw: float, sh: float, su: float, sv: float):
    rng = np.random.default_rng(seed)
    firms = np.repeat(np.arange(n), t)
    e = ((rng.normal(0, sw, n) - np.abs(rng.normal(0, sh, n)))[firms] + rng.normal(0, sv, n * t)
         - np.abs(rng.normal(0, su, n * t)))
    theta = np.array([0.0, np.log(su**2 + sv**2), np.log(su**2 / sv**2), np.log(sw), np.log(sh)])
    return e, firms, csn.ClosedSkewNormal.build(e, np.zeros((n * t, 1)), firms, n), theta


def closed_skew_normal_logdensity(e: np.ndarray, sw: float, sh: float, su: float, sv: float) -> float:
    """Colombi et al.'s density of e = w 1 + v - A z, z = (h, u_1..u_T) half-normal, A = [1, I]:
    2^(T+1) phi_T(e; 0, S) Phi_(T+1)(-V A' S^-1 e; 0, V - V A' S^-1 A V), S = (sw^2 + sh^2) 11' + (sv^2 + su^2) I."""
    t = e.size
    a = np.c_[np.ones(t), np.eye(t)]
    v = np.diag([sh**2] + [su**2] * t)
    s = (sw**2 + sh**2) * np.ones((t, t)) + (sv**2 + su**2) * np.eye(t)
    gain = v @ a.T @ np.linalg.inv(s)
    lam = v - gain @ a @ v
    # seeded where SciPy takes a generator for its quasi-Monte Carlo (1.16 and later)
    seeded = {"rng": np.random.default_rng(0)} if "rng" in inspect.signature(stats.multivariate_normal.cdf).parameters \
        else {}
    cdf = stats.multivariate_normal.cdf(-gain @ e, mean=np.zeros(t + 1), cov=lam, maxpts=2_000_000, abseps=1e-12,
                                        releps=1e-12, **seeded)
    return float((t + 1) * np.log(2) + stats.multivariate_normal(np.zeros(t), s).logpdf(e) + np.log(cdf))


@pytest.mark.parametrize("t", [1, 2, 3])
def test_the_integral_is_the_closed_skew_normal_density(t):
    sw, sh, su, sv = 0.3, 0.4, 0.3, 0.15
    e, firms, model, theta = composed_errors(t, 5, t, sw, sh, su, sv)
    exact = sum(closed_skew_normal_logdensity(e[firms == i], sw, sh, su, sv) for i in range(5))
    # SciPy's distribution function in 2 and more dimensions is Genz's randomised quasi-Monte Carlo, good to
    # a few 1e-7 here (measured: up to 3e-7 per firm; the bivariate case, T = 1, agrees to 1e-15)
    assert csn.loglik(theta, model) == pytest.approx(exact, abs=2e-6)


@pytest.mark.parametrize(("t", "sw", "sh", "su", "sv", "tolerance"), [
    (1, 0.3, 0.4, 0.3, 0.15, 1e-12), (5, 0.3, 0.4, 0.3, 0.15, 1e-12), (20, 0.3, 0.4, 0.3, 0.15, 1e-12),
    (40, 0.2, 0.3, 0.6, 0.1, 1e-12), (5, 0.02, 0.05, 0.5, 0.2, 1e-12), (10, 0.5, 1.0, 0.1, 0.05, 1e-12),
    # w_i almost absent beside a large h_i: c's density has a near-corner at 0 (measured 1.5e-7 per firm)
    (3, 0.05, 0.8, 0.05, 0.3, 1e-6)])
def test_the_quadrature_equals_adaptive_integration(t, sw, sh, su, sv, tolerance):
    e, firms, model, theta = composed_errors(t, 6, t, sw, sh, su, sv)

    def g(x, noise, ineff):
        s = np.hypot(noise, ineff)
        return 2 / s * stats.norm.pdf(x / s) * stats.norm.cdf(-ineff / noise * x / s)

    exact = 0.0
    for i in range(6):
        rows = e[firms == i]
        exact += np.log(integrate.quad(lambda c, rows=rows: g(c, sw, sh) * np.prod(g(rows - c, sv, su)),
                                       -np.inf, np.inf, epsabs=0, epsrel=1e-13, limit=500)[0])
    assert abs(csn.loglik(theta, model) - exact) / 6 < tolerance


def test_four_components_are_recovered_by_the_exact_likelihood():
    data, h, u = four_component_panel(800, 5, seed=3)
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model=MODEL).fit()
    parts = assert_recovers_truth(res)
    np.testing.assert_array_equal(res.efficiency, parts["overall"])
    persistent = parts["persistent"].to_numpy()
    assert np.all(persistent.reshape(800, 5) == persistent[::5, None])
    own = np.corrcoef(persistent[::5], np.exp(-h))[0, 1], np.corrcoef(parts["transient"], np.exp(-u))[0, 1]
    assert own[0] > 0.5 and own[1] > 0.65, own  # measured 0.565 and 0.706
    # the simulated likelihood of the same model (100 Halton draws) lands close by
    fg = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="filippini-greene", seed=1,
                         draws=100).fit()
    assert abs(res.loglik - fg.loglik) < 1.0
    np.testing.assert_allclose(res.params[["x1", "x2", "sigma2", "gamma"]],
                               fg.params[["x1", "x2", "sigma2", "gamma"]], atol=0.005)


def test_jlms_efficiencies_are_exp_of_minus_the_posterior_means():
    data, *_ = four_component_panel(150, 4, seed=11)
    jlms = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model=MODEL, efficiency="jlms").fit()
    parts = jlms.efficiency_components
    np.testing.assert_allclose(parts["overall"], parts["persistent"] * parts["transient"], rtol=1e-12)
    np.testing.assert_allclose(jlms.efficiency, np.exp(-jlms.inefficiency), rtol=1e-12)
    bc = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model=MODEL).fit()
    np.testing.assert_allclose(bc.params, jlms.params, rtol=1e-9)
    # Jensen: E[exp(-u)] >= exp(-E[u])
    assert (bc.efficiency_components >= parts - 1e-12).all().all()


def test_true_random_effects_by_quadrature_equals_sfrontiers():
    """SFrontiers.jl test/data/00test_pkg.jl, "Example 10, Panel True Random Effect Model, half normal" (100
    units x 6 periods; 5 decimals, tested there at atol 1e-5)."""
    data = pd.read_csv(Path(__file__).parent / "data" / "tre_half.csv")
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="id", time="time", model="true-random-effects",
                          integration="quadrature").fit()
    assert res.diagnostics.converged and list(res.params.index)[-1] == "sigma_w"
    np.testing.assert_allclose(res.params[["x1", "x2"]], [0.53269, 0.67494], atol=1e-5)
    np.testing.assert_allclose(res.efficiency.iloc[:2], [0.62551, 0.72209], atol=1e-5)
    # the simulated likelihood approaches the exact one as the draws grow (at the exact estimate; measured:
    # 200 draws 1.92 below, 20,000 draws within 0.004)
    y, x = data["y"].to_numpy(), np.c_[np.ones(len(data)), data[["x1", "x2"]]]
    firms = data["id"].to_numpy() - 1
    p = res.params.to_numpy()
    theta = np.r_[p[:3], np.log(p[3]), np.log(p[4] / (1 - p[4])), np.log(p[5])]
    exact = csn.loglik(theta, csn.ClosedSkewNormal.build(y, x, firms, 100, persistent=False))
    assert exact == pytest.approx(res.loglik, abs=1e-9)
    gaps = []
    for draws in (200, 20_000):
        normals = tre.halton_normals(100, draws, np.random.SeedSequence(3))
        gaps.append(exact - tre.simulated_loglik(theta, tre.TrueRandomEffects.build(y, x, firms, 100, normals)))
    assert abs(gaps[1]) < 0.05 < 1.0 < gaps[0], gaps


def test_a_cost_frontier_is_the_production_frontier_of_minus_the_data():
    data, *_ = four_component_panel(150, 4, seed=21)
    prod, cost = production_and_cost(MODEL, data)
    np.testing.assert_allclose(cost.params.drop("const"), prod.params.drop("const"), rtol=1e-7)
    assert cost.params["const"] == pytest.approx(-prod.params["const"], rel=1e-7)
    np.testing.assert_allclose(cost.efficiency_components, prod.efficiency_components, atol=1e-8)


def test_what_the_exact_four_component_model_refuses():
    data, *_ = four_component_panel(20, 3, seed=12)
    with pytest.raises(SpecificationError, match="half-normal"):
        nt.frontier.SFA(data, "y", "x1", entity="f", time="year", model=MODEL, distribution="exponential")
    with pytest.raises(SpecificationError, match="entity= and time="):
        nt.frontier.SFA(data, "y", "x1", model=MODEL)
    with pytest.raises(SpecificationError, match="exact likelihood is model='closed-skew-normal'"):
        nt.frontier.SFA(data, "y", "x1", entity="f", time="year", model="filippini-greene", integration="quadrature")
    with pytest.raises(SpecificationError, match="integration"):
        nt.frontier.SFA(data, "y", "x1", entity="f", time="year", model="true-random-effects", integration="exact")
