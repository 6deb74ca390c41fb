"""Simar and Wilson's (2007) second stage: the truncated regression against independent references (SciPy's
truncated normal density, a derivative-free maximiser of that density), and algorithms 1 and 2 on
simulated data whose environmental effect is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

import nqpf_tfp as nt
from nqpf_tfp.errors import EstimationError, PanelError, SpecificationError
from nqpf_tfp.frontier.truncated_regression import draw_truncated_errors, fit_truncated, truncated_loglik

BETA = np.array([1.3, 0.2])
SIGMA = 0.25


def _sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    z = np.c_[np.ones(n), rng.normal(0.0, 1.0, n)]
    mean = z @ BETA
    return mean + draw_truncated_errors(rng, SIGMA, 1.0 - mean), z


def _scipy_loglik(beta: np.ndarray, sigma: float, delta: np.ndarray, z: np.ndarray) -> float:
    mean = z @ beta
    return float(stats.truncnorm.logpdf(delta, (1.0 - mean) / sigma, np.inf, loc=mean, scale=sigma).sum())


def test_loglik_equals_scipys_truncated_normal_density():
    delta, z = _sample(300, 1)
    for beta, sigma in [(BETA, SIGMA), (np.array([0.9, -0.3]), 0.6), (np.array([2.0, 0.5]), 0.1)]:
        value, _ = truncated_loglik(np.r_[beta, np.log(sigma)], delta, z)
        assert value == pytest.approx(_scipy_loglik(beta, sigma, delta, z), rel=1e-10)


def test_gradient_equals_central_differences():
    delta, z = _sample(200, 2)
    theta = np.array([1.1, 0.15, np.log(0.3)])
    _, grad = truncated_loglik(theta, delta, z)
    numeric = optimize.approx_fprime(theta, lambda t: truncated_loglik(t, delta, z)[0], 1e-7)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-4)


def test_maximum_equals_a_derivative_free_search_on_scipys_density():
    delta, z = _sample(400, 3)
    fit = fit_truncated(delta, z)
    found = optimize.minimize(lambda t: -_scipy_loglik(t[:2], np.exp(t[2]), delta, z), np.r_[1.0, 0.0, np.log(0.5)],
                              method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-11, "maxiter": 20000})
    assert fit.converged
    np.testing.assert_allclose(fit.beta, found.x[:2], atol=2e-5)
    assert fit.sigma == pytest.approx(np.exp(found.x[2]), abs=2e-5)
    assert fit.loglik == pytest.approx(-found.fun, abs=1e-8)


def test_maximum_likelihood_recovers_the_parameters_of_a_large_sample():
    delta, z = _sample(20000, 4)
    fit = fit_truncated(delta, z)
    np.testing.assert_allclose(fit.beta, BETA, atol=0.02)
    assert fit.sigma == pytest.approx(SIGMA, abs=0.01)


def test_truncated_draws_follow_scipys_truncated_normal():
    rng = np.random.default_rng(5)
    for bound in (-0.5, 0.3, 2.5):  # below the mean, above it, far into the tail
        draws = draw_truncated_errors(rng, 0.4, np.full(5000, bound))
        assert draws.min() >= bound
        assert stats.kstest(draws, stats.truncnorm(bound / 0.4, np.inf, scale=0.4).cdf).pvalue > 0.01


def _environment_panel(n: int, seed: int) -> pd.DataFrame:
    """Units on a CRS Cobb-Douglas frontier pushed inwards by the true distance delta = 1.3 + 0.2 z + eps."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 1.0, n)
    mean = BETA[0] + BETA[1] * z
    delta = mean + draw_truncated_errors(rng, SIGMA, 1.0 - mean)
    x = rng.uniform(1.0, 10.0, (n, 2))
    return pd.DataFrame({"x1": x[:, 0] * delta, "x2": x[:, 1] * delta, "y": np.sqrt(x[:, 0] * x[:, 1]), "z": z})


@pytest.mark.parametrize("algorithm", [1, 2])
def test_the_environmental_effect_is_inside_its_interval(algorithm):
    data = _environment_panel(150, 6)
    res = nt.frontier.simar_wilson(data, ["x1", "x2"], "y", "z", algorithm=algorithm, replications=200,
                                   bias_replications=30, seed=1)
    ci = res.conf_int()
    assert ci.loc["z", "lower"] < BETA[1] < ci.loc["z", "upper"]
    assert ci.loc["z", "lower"] > 0  # the effect is found
    assert list(res.params.index) == ["const", "z", "sigma"]
    assert res.nobs == res.to_frame()["in_regression"].sum()
    draws = res.draws.to_numpy()
    np.testing.assert_allclose(res.std_errors, draws.std(axis=0, ddof=1), rtol=1e-12)
    lo, hi = np.quantile(draws - res.params.to_numpy(), [0.025, 0.975], axis=0)
    np.testing.assert_allclose(ci["lower"], res.params - hi, rtol=1e-12)
    if algorithm == 1:
        assert (res.distance[res.to_frame()["in_regression"]] > 1).all()
        with pytest.raises(AttributeError, match="algorithm=2"):
            _ = res.bias_corrected
    else:  # the distances are corrected upwards (DEA understates the distance to the true frontier)
        assert (res.bias_corrected > res.distance).all()


def test_algorithm_one_regresses_the_units_off_the_frontier_on_the_environment():
    data = _environment_panel(120, 7)
    res = nt.frontier.simar_wilson(data, ["x1", "x2"], "y", "z", replications=5, seed=0)
    delta = 1.0 / nt.frontier.dea(data, ["x1", "x2"], "y").efficiency.to_numpy()
    off = delta > 1 + 1e-9
    fit = fit_truncated(delta[off], np.c_[np.ones(off.sum()), data["z"].to_numpy()[off]])
    np.testing.assert_allclose(res.params.to_numpy(), np.r_[fit.beta, fit.sigma], rtol=1e-10)


def test_same_seed_same_numbers_whatever_the_workers():
    data = _environment_panel(60, 8)
    kw = {"algorithm": 2, "replications": 10, "bias_replications": 4, "seed": 3}
    serial = nt.frontier.simar_wilson(data, ["x1", "x2"], "y", "z", **kw)
    parallel = nt.frontier.simar_wilson(data, ["x1", "x2"], "y", "z", n_jobs=2, **kw)
    pd.testing.assert_frame_equal(serial.draws, parallel.draws)
    pd.testing.assert_series_equal(serial.bias_corrected, parallel.bias_corrected)


def test_second_stage_errors_name_the_problem():
    data = _environment_panel(40, 9)
    args = (data, ["x1", "x2"], "y")
    with pytest.raises(SpecificationError, match="algorithm must be 1 or 2"):
        nt.frontier.simar_wilson(*args, "z", algorithm=3)
    with pytest.raises(SpecificationError, match="one role"):
        nt.frontier.simar_wilson(*args, ["z", "x1"])
    with pytest.raises(SpecificationError, match="at least one environmental"):
        nt.frontier.simar_wilson(*args, [])
    with pytest.raises(EstimationError, match="collinear"):
        nt.frontier.simar_wilson(data.assign(z2=2 * data.z), ["x1", "x2"], "y", ["z", "z2"], replications=2)
    with pytest.raises(PanelError, match="environment column 'z'"):
        nt.frontier.simar_wilson(data.assign(z=np.r_[np.nan, data.z.to_numpy()[1:]]), ["x1", "x2"], "y", "z")
    with pytest.raises(SpecificationError, match="bias_replications"):
        nt.frontier.simar_wilson(*args, "z", algorithm=2, bias_replications=1)
    with pytest.raises(SpecificationError, match="environment"):
        nt.frontier.simar_wilson(*args, "zz")


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_algorithm_two_replication_scores_the_observed_units_against_pseudo_data(rts):
    from nqpf_tfp.frontier.second_stage import TruncatedPseudoFrontier

    data = _environment_panel(40, 10)
    x, y = data[["x1", "x2"]].to_numpy(), data[["y"]].to_numpy()
    delta = 1 / nt.frontier.dea(data, ["x1", "x2"], "y", rts=rts).efficiency.to_numpy()
    fitted = 1.2 + 0.1 * data["z"].to_numpy()
    task = TruncatedPseudoFrontier(x / x.mean(axis=0), y / y.mean(axis=0), delta, fitted, 0.2, rts, "input", "auto")
    found = task(np.random.SeedSequence(4))
    rng = np.random.default_rng(np.random.SeedSequence(4))
    draw = fitted + draw_truncated_errors(rng, 0.2, 1.0 - fitted)
    pseudo = data.assign(x1=data.x1 * draw / delta, x2=data.x2 * draw / delta)
    expected = nt.frontier.dea(data, ["x1", "x2"], "y", rts=rts, reference=pseudo, slacks=False).efficiency
    np.testing.assert_allclose(found, 1 / expected.to_numpy(), rtol=1e-8)
