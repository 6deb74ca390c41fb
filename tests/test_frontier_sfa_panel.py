"""Panel stochastic frontiers with ``u_it = h_it u_i``: the time-invariant model against R frontier's
printed output (FRONTIER 4.1 inside), every time profile's closed-form likelihood against numerical
integration over ``u_i``, and Kumbhakar's (1990) and Lee and Schmidt's (1993) profiles recovered from
simulated panels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError
from nqpf_tfp.frontier.sfa_likelihood import FrontierData, loglik, time_profile, unconstrained

# Coelli, Rao, O'Donnell and Battese's (2005) Philippine rice panel, 43 farms x 8 years, Cobb-Douglas in the
# logs of AREA, LABOR, NPK. Reference: R package frontier 0.997-14 (FRONTIER 4.1's Fortran inside),
# tests/frontierTest.Rout.save, models b1 (error components, half-normal, no time effect: Pitt and Lee 1981)
# and b2 (truncated normal: Battese and Coelli 1988), printed to 5 significant digits. FRONTIER's DFP search
# stops within ~5e-5 of the maximum on flat directions (b2's mu has a standard error of 0.96).
RICE = pd.read_csv(Path(__file__).parent / "data" / "frontier_riceProdPhil.csv")
RICE_INPUTS = ["AREA", "LABOR", "NPK"]
RICE_KEYS = {"entity": "FMERCODE", "time": "YEARDUM"}


def rice(model: str, **kwargs) -> nt.frontier.SFAResults:
    return nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, model=model, take_logs=True, **RICE_KEYS, **kwargs).fit()


def test_time_invariant_half_normal_is_pitt_lee_as_frontier_prints_it():
    res = rice("pitt-lee")
    np.testing.assert_allclose(res.params, [-0.83217, 0.45390, 0.28892, 0.22754, 0.15538, 0.46431], atol=1e-5)
    assert list(res.params.index[-2:]) == ["sigma2", "gamma"]
    assert res.loglik == pytest.approx(-86.43, abs=5e-3)
    assert res.efficiency.mean() == pytest.approx(0.8188, abs=5e-5)  # "mean efficiency: 0.8188"
    # time-invariant: one efficiency per farm
    assert (res.efficiency.groupby(level="FMERCODE").nunique() == 1).all()
    assert res.diagnostics.converged and res.diagnostics.lr_restrictions == 1


def test_time_invariant_truncated_normal_is_battese_coelli_1988_as_frontier_prints_it():
    res = rice("pitt-lee", distribution="truncated-normal")
    np.testing.assert_allclose(res.params, [-0.82887, 0.45457, 0.28732, 0.22512, 0.20339, 0.59048, -0.27343],
                               atol=5e-5)
    assert res.loglik == pytest.approx(-86.343, abs=5e-4)


def test_the_time_invariant_model_is_bc92_with_eta_zero():
    # BC92 nests the time-invariant model: its maximum is higher, and the LR statistic of eta = 0 is the
    # one frontier's printed log-likelihoods give (2 x (-84.55 + 86.43) = 3.76)
    assert 2 * (rice("bc92").loglik - rice("pitt-lee").loglik) == pytest.approx(3.76, abs=0.01)


def integrated_loglik(e: np.ndarray, firms: np.ndarray, h: np.ndarray, su2: float, sv2: float,
                      mu: float) -> float:
    """Sum over firms of ln of the integral over u_i of prod_t phi_v(e_it + h_it u_i) times u_i's density."""
    su = np.sqrt(su2)
    density = stats.truncnorm(-mu / su, np.inf, loc=mu, scale=su)
    total = 0.0
    for i in np.unique(firms):
        rows = firms == i

        def integrand(u, rows=rows):
            return np.prod(stats.norm.pdf(e[rows] + h[rows] * u, scale=np.sqrt(sv2))) * density.pdf(u)

        value, _ = integrate.quad(integrand, 0, np.inf, epsabs=1e-300, epsrel=1e-12, limit=200)
        total += np.log(value)
    return total


@pytest.mark.parametrize(("model", "profile"), [("pitt-lee", []), ("bc92", [0.15]), ("kumbhakar1990", [-0.4, 0.05]),
                                                ("lee-schmidt", [1.4, 0.6, 1.1])])
@pytest.mark.parametrize("mu", [0.0, 0.3])
def test_closed_form_likelihood_equals_integration_over_u(model, profile, mu):
    rng = np.random.default_rng(4)
    n, t = 6, 4
    firms, period = np.repeat(np.arange(n), t), np.tile(np.arange(t), n)
    keep = np.ones(n * t, dtype=bool)
    keep[[1, 9, 10]] = False  # an unbalanced panel
    x = np.column_stack([np.ones(keep.sum()), rng.normal(size=keep.sum())])
    y = x @ [1.0, 0.5] + rng.normal(0, 0.3, keep.sum())
    data = FrontierData(y, x, model, "truncated-normal" if mu else "half-normal", None, firms[keep],
                        (period - t + 1.0)[keep], n, tuple(str(p) for p in range(t)), period[keep])
    sigma2, gamma = 0.25, 0.6
    params = np.r_[0.9, 0.45, sigma2, gamma, [mu] if mu else [], profile]
    h = time_profile(np.asarray(profile, dtype=float), data)
    e = y - x @ params[:2]
    expected = integrated_loglik(e, firms[keep], h, gamma * sigma2, (1 - gamma) * sigma2, mu)
    assert loglik(unconstrained(params, data), data) == pytest.approx(expected, rel=1e-9)


def simulated_panel(model: str, profile: list[float], seed: int, n: int = 600, t: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    firm, year = np.repeat(np.arange(n), t), np.tile(np.arange(1, t + 1), n)
    if model == "kumbhakar1990":
        h = 1 / (1 + np.exp(profile[0] * year + profile[1] * year**2))
    else:
        h = np.r_[profile, 1.0][year - 1]
    u = h * np.abs(rng.normal(0, 0.5, n))[firm]
    x1, x2 = rng.normal(size=n * t), rng.normal(size=n * t)
    return pd.DataFrame({"f": firm, "year": year, "x1": x1, "x2": x2,
                         "y": 1 + 0.5 * x1 + 0.3 * x2 + rng.normal(0, 0.2, n * t) - u})


@pytest.mark.parametrize(("model", "profile", "names"), [
    ("kumbhakar1990", [1.0, -0.25], ["k90_b", "k90_c"]),
    ("lee-schmidt", [1.5, 1.3, 1.2, 0.8, 1.1], [f"lambda_{t}" for t in range(1, 6)]),
])
def test_time_profiles_are_recovered_from_a_simulated_panel(model, profile, names):
    data = simulated_panel(model, profile, seed=8)
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model=model).fit()
    truth = pd.Series([0.5, 0.3, *profile], index=["x1", "x2", *names])
    gap = (res.params[truth.index] - truth).abs()
    assert res.diagnostics.converged and (gap < 4 * res.std_errors[truth.index]).all(), gap
    assert list(res.params.index[-len(names):]) == names


def test_panel_models_say_what_is_missing():
    with pytest.raises(SpecificationError, match="entity= and time="):
        nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, model="lee-schmidt", take_logs=True)
    two_years = RICE[RICE.YEARDUM <= 2]
    with pytest.raises(PanelError, match="needs 3 periods"):
        nt.frontier.SFA(two_years, "PROD", RICE_INPUTS, model="kumbhakar1990", take_logs=True, **RICE_KEYS)
    one_row_each = RICE.drop_duplicates("FMERCODE")
    with pytest.raises(PanelError, match="no firm is observed in two periods"):
        nt.frontier.SFA(one_row_each, "PROD", RICE_INPUTS, model="pitt-lee", take_logs=True, **RICE_KEYS)
    with pytest.raises(SpecificationError, match="half-normal"):
        nt.frontier.SFA(RICE, "PROD", RICE_INPUTS, model="pitt-lee", distribution="exponential", take_logs=True,
                        **RICE_KEYS)


def true_effects_panel(n: int, t: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    firm, year = np.repeat(np.arange(n), t), np.tile(np.arange(1, t + 1), n)
    alpha = rng.normal(0, 0.5, n)
    x1 = rng.normal(size=n * t) + 0.5 * alpha[firm]  # inputs correlated with the firm effect
    x2 = rng.normal(size=n * t)
    y = alpha[firm] + 0.5 * x1 + 0.3 * x2 + rng.normal(0, 0.2, n * t) - np.abs(rng.normal(0, 0.4, n * t))
    return pd.DataFrame({"f": firm, "year": year, "x1": x1, "x2": x2, "y": y})


def test_true_fixed_effects_recover_a_long_panel():
    data = true_effects_panel(300, 20, seed=2)
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="true-fixed-effects").fit()
    su2 = res.params["gamma"] * res.params["sigma2"]
    truth = pd.Series({"x1": 0.5, "x2": 0.3, "sigma2": 0.2, "gamma": 0.8})
    gap = (res.params[truth.index] - truth).abs()
    assert res.diagnostics.converged and (gap < 4 * res.std_errors[truth.index]).all(), gap
    assert np.sqrt(su2) == pytest.approx(0.4, abs=0.03)
    assert list(res.params.index) == ["x1", "x2", "sigma2", "gamma"]  # the firm intercepts replace the constant


def test_true_fixed_effects_in_a_short_panel_show_the_incidental_parameter_bias():
    # five periods per firm: the intercepts absorb the noise and the estimate of sigma_v collapses to 0 (truth
    # 0.2), while beta stays within three standard errors of the consistent within estimator (Greene 2005);
    # reported as a boundary maximum, not hidden
    data = true_effects_panel(500, 5, seed=1)
    with pytest.warns(nt.errors.FrontierBoundaryWarning, match="incidental-parameter"):
        res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="true-fixed-effects").fit()
    assert res.diagnostics.boundary.startswith("gamma -> 1") and res.params["gamma"] > 1 - 1e-6
    demeaned = data[["y", "x1", "x2"]] - data.groupby("f")[["y", "x1", "x2"]].transform("mean")
    x, y = demeaned[["x1", "x2"]].to_numpy(), demeaned["y"].to_numpy()
    within = np.linalg.lstsq(x, y, rcond=None)[0]
    se = np.sqrt(np.diag(np.var(y - x @ within) * np.linalg.inv(x.T @ x)))
    assert (np.abs(res.params[["x1", "x2"]].to_numpy() - within) < 3 * se).all()


def test_true_fixed_effects_profile_likelihood_is_the_full_maximum():
    from scipy.optimize import minimize

    data = true_effects_panel(4, 25, seed=1)  # an interior maximum (left-skewed residuals, gamma < 1)
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="true-fixed-effects").fit()
    y, x, firms = data["y"].to_numpy(), data[["x1", "x2"]].to_numpy(), data["f"].to_numpy()

    def negative(p):  # beta (2), alpha (4), ln sigma_u, ln sigma_v: every parameter at once
        su, sv = np.exp(p[6]), np.exp(p[7])
        e = y - x @ p[:2] - p[2:6][firms]
        sigma = np.hypot(su, sv)
        return -np.sum(np.log(2) + stats.norm.logpdf(e, scale=sigma) + stats.norm.logcdf(-e * su / sv / sigma))

    sigma2, gamma = res.params["sigma2"], res.params["gamma"]
    alpha = [(y - x @ res.params[["x1", "x2"]].to_numpy())[firms == i].mean() for i in range(4)]
    start = np.r_[res.params[["x1", "x2"]], alpha, 0.5 * np.log(gamma * sigma2), 0.5 * np.log((1 - gamma) * sigma2)]
    full = minimize(negative, start, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12,
                                                                    "maxiter": 40000, "maxfev": 40000})
    full = minimize(negative, full.x, method="BFGS", options={"gtol": 1e-9})
    assert -full.fun == pytest.approx(res.loglik, abs=1e-6)
    np.testing.assert_allclose(full.x[:2], res.params[["x1", "x2"]], atol=1e-4)


def test_true_fixed_effects_say_what_is_missing():
    data = true_effects_panel(20, 4, seed=3)
    with pytest.raises(SpecificationError, match="half-normal"):
        nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="true-fixed-effects",
                        distribution="truncated-normal")
    with pytest.raises(PanelError, match="two periods or more"):
        nt.frontier.SFA(data.iloc[3:], "y", ["x1", "x2"], entity="f", time="year", model="true-fixed-effects")


def wang_ho_panel(n: int, t: int, seed: int, mu: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    firm, year = np.repeat(np.arange(n), t), np.tile(np.arange(1, t + 1), n)
    alpha = rng.normal(0, 0.5, n)
    x1 = rng.normal(size=n * t) + 0.5 * alpha[firm]
    x2 = rng.normal(size=n * t)
    z = rng.normal(size=n * t)
    u_star = stats.truncnorm(-mu / 0.6, np.inf, loc=mu, scale=0.6).rvs(n, random_state=rng)
    y = alpha[firm] + 0.5 * x1 + 0.3 * x2 + rng.normal(0, 0.2, n * t) - np.exp(0.5 * z) * u_star[firm]
    return pd.DataFrame({"f": firm, "year": year, "x1": x1, "x2": x2, "z": z, "y": y})


@pytest.mark.parametrize("mu", [0.0, 0.4])
def test_wang_ho_likelihood_equals_integration_on_the_within_space(mu):
    from nqpf_tfp.frontier import sfa_wang_ho

    data = wang_ho_panel(5, 4, seed=6).iloc[:-2]  # unbalanced: the last firm has two periods
    firms = data["f"].to_numpy()
    model = sfa_wang_ho.WangHo.build(data["y"].to_numpy(), data[["x1", "x2"]].to_numpy(), data[["z"]].to_numpy(),
                                     firms, 5, truncated=bool(mu))
    beta, delta, sigma2, gamma = np.array([0.45, 0.35]), 0.4, 0.5, 0.7
    theta = np.r_[beta, delta, np.log(sigma2), np.log(gamma / (1 - gamma)), [mu] if mu else []]
    su, sv = np.sqrt(gamma * sigma2), np.sqrt((1 - gamma) * sigma2)
    density = stats.truncnorm(-mu / su, np.inf, loc=mu, scale=su)
    expected = 0.0
    for i in range(5):
        rows = firms == i
        t = int(rows.sum())
        basis = np.linalg.qr(np.eye(t) - 1.0 / t)[0][:, : t - 1]  # orthonormal, orthogonal to the constant
        e = basis.T @ (data["y"].to_numpy()[rows] - data[["x1", "x2"]].to_numpy()[rows] @ beta)
        h = basis.T @ np.exp(delta * data["z"].to_numpy()[rows])

        def integrand(u, e=e, h=h):
            return np.prod(stats.norm.pdf(e + h * u, scale=sv)) * density.pdf(u)

        expected += np.log(integrate.quad(integrand, 0, np.inf, epsabs=1e-300, epsrel=1e-12, limit=200)[0])
    assert sfa_wang_ho.loglik(theta, model) == pytest.approx(expected, rel=1e-9)


def test_wang_ho_recovers_a_simulated_panel_with_firm_effects():
    data = wang_ho_panel(500, 6, seed=9)
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="wang-ho",
                          inefficiency="z").fit()
    truth = pd.Series({"x1": 0.5, "x2": 0.3, "delta_z": 0.5, "sigma2": 0.4, "gamma": 0.9})
    gap = (res.params[truth.index] - truth).abs()
    assert res.diagnostics.converged and (gap < 4 * res.std_errors[truth.index]).all(), gap
    # dE[u_it]/dz = delta h_it E[u*], E[u*] = 0.6 sqrt(2/pi) for the half-normal: against the truth
    true_effect = 0.5 * np.exp(0.5 * data["z"].to_numpy()) * 0.6 * np.sqrt(2 / np.pi)
    assert res.marginal_effects["z"].mean() == pytest.approx(true_effect.mean(), rel=0.1)
    assert np.corrcoef(res.inefficiency, np.exp(0.5 * data["z"]))[0, 1] > 0.3


def test_wang_ho_example_equals_sfrontiers():
    """SFrontiers.jl test/data/00test_pkg.jl, "Example 6, panel FE model of Wang and Ho, Half normal": 206 units,
    frontier x1-x3, u_it = exp(z1 d1 + z2 d2) u*; printed to 5 decimals and tested there at atol 1e-5. z2 lies
    near 9 with a within-unit spread of 0.16, so the scale of u* and d2 move along a narrow ridge: the search
    runs on z centred at its mean, where the maximum is a stationary point with standard errors."""
    data = pd.read_csv(Path(__file__).parent / "data" / "wang_ho_2010.csv")
    res = nt.frontier.SFA(data, "y", ["x1", "x2", "x3"], entity="cnum", time="year", model="wang-ho",
                          inefficiency=["z1", "z2"]).fit()
    assert res.diagnostics.converged and np.isfinite(res.std_errors).all()
    np.testing.assert_allclose(res.params[["x1", "x2"]], [0.65495, 0.15002], atol=1e-5)
    np.testing.assert_allclose(res.marginal_effects["z1"].iloc[:2], [0.00261, 0.00252], atol=1e-5)
    frontier = data[["x1", "x2", "x3"]].to_numpy()[:2] @ res.params[["x1", "x2", "x3"]].to_numpy()
    np.testing.assert_allclose(frontier, [0.14480, -0.18794], atol=1e-5)


def test_wang_ho_says_what_is_missing():
    data = wang_ho_panel(30, 4, seed=2)
    with pytest.raises(SpecificationError, match="inefficiency="):
        nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="wang-ho")
    with pytest.raises(SpecificationError, match="no constant"):
        nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="wang-ho", inefficiency="z",
                        inefficiency_constant=True)
    steady = data.assign(z=data.groupby("f")["z"].transform("mean"))
    with pytest.raises(PanelError, match="constant within every firm"):
        nt.frontier.SFA(steady, "y", ["x1", "x2"], entity="f", time="year", model="wang-ho", inefficiency="z")


# R frontier 0.997-14, tests/frontierTest.Rout.save, model dd1: the cost frontier of the rice data as a cross
# section, lCost = log(LABOR * LABORP + NPK * NPKP) on the logs of PROD, AREA, LABORP and NPKP, with
# ineffDecrease = FALSE (FRONTIER 4.1's cost function).
def rice_costs() -> pd.DataFrame:
    return RICE.assign(cost=RICE.LABOR * RICE.LABORP + RICE.NPK * RICE.NPKP)


def test_cost_frontier_equals_frontier41():
    res = nt.frontier.SFA(rice_costs(), "cost", ["PROD", "AREA", "LABORP", "NPKP"], take_logs=True, cost=True).fit()
    np.testing.assert_allclose(res.params, [5.870429, 0.461678, 0.506498, 0.413795, 0.070512, 0.070379, 0.530293],
                               atol=1e-5)
    assert res.loglik == pytest.approx(39.931, abs=5e-4)
    assert res.efficiency.mean() == pytest.approx(0.86317, abs=5e-6)  # "mean efficiency: 0.86317"
    assert res.diagnostics.frontier == "cost" and "cost frontier" in res.summary().as_text()
    # residuals in the caller's sign: y - x'beta, mostly above the frontier
    logs = np.log(rice_costs()[["cost", "PROD", "AREA", "LABORP", "NPKP"]])
    fitted = np.c_[np.ones(len(logs)), logs.iloc[:, 1:]] @ res.params[:5].to_numpy()
    np.testing.assert_allclose(res.to_frame()["residual"], logs["cost"] - fitted, atol=1e-12)


@pytest.mark.parametrize("model", ["bc92", "pitt-lee", "true-fixed-effects"])
def test_a_cost_frontier_is_the_production_frontier_of_minus_the_data(model):
    data = rice_costs()
    logs = np.log(data[["cost", "PROD", "AREA"]]).assign(FMERCODE=data.FMERCODE, YEARDUM=data.YEARDUM)
    flipped_data = logs.assign(cost=-logs.cost, PROD=-logs.PROD, AREA=-logs.AREA)
    if model == "true-fixed-effects":  # the within residuals have the wrong skewness: both say so, each its way
        with pytest.warns(nt.errors.FrontierBoundaryWarning, match="a cost frontier's are skewed to the right"):
            cost = nt.frontier.SFA(logs, "cost", ["PROD", "AREA"], model=model, cost=True, **RICE_KEYS).fit()
        with pytest.warns(nt.errors.FrontierBoundaryWarning, match="a production frontier's are skewed to the left"):
            flipped = nt.frontier.SFA(flipped_data, "cost", ["PROD", "AREA"], model=model, **RICE_KEYS).fit()
    else:
        cost = nt.frontier.SFA(logs, "cost", ["PROD", "AREA"], model=model, cost=True, **RICE_KEYS).fit()
        flipped = nt.frontier.SFA(flipped_data, "cost", ["PROD", "AREA"], model=model, **RICE_KEYS).fit()
    assert cost.loglik == pytest.approx(flipped.loglik, abs=1e-8)
    slopes = ["PROD", "AREA"]
    np.testing.assert_allclose(cost.params[slopes], flipped.params[slopes], atol=1e-6)
    np.testing.assert_allclose(cost.efficiency, flipped.efficiency, atol=1e-6)
    if model != "true-fixed-effects":
        assert cost.params["const"] == pytest.approx(-flipped.params["const"], abs=1e-6)
        with pytest.raises(SpecificationError, match="cost frontier"):
            cost.decomposition()


def true_random_effects_panel(n: int, t: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    firm = np.repeat(np.arange(n), t)
    effect = rng.normal(0, 0.3, n)[firm]
    x1, x2 = rng.normal(size=n * t), rng.normal(size=n * t)
    y = 1 + effect + 0.5 * x1 + 0.3 * x2 + rng.normal(0, 0.2, n * t) - np.abs(rng.normal(0, 0.4, n * t))
    return pd.DataFrame({"f": firm, "year": np.tile(np.arange(t), n), "x1": x1, "x2": x2, "y": y})


def test_simulated_likelihood_approaches_the_integral_over_the_firm_effect():
    from nqpf_tfp.frontier import sfa_true_random_effects as tre

    data = true_random_effects_panel(6, 4, seed=3)
    y, firms = data["y"].to_numpy(), data["f"].to_numpy()
    x = np.c_[np.ones(len(data)), data[["x1", "x2"]]]
    beta, sigma2, gamma, sigma_w = np.array([1.0, 0.5, 0.3]), 0.2, 0.8, 0.3
    theta = np.r_[beta, np.log(sigma2), np.log(gamma / (1 - gamma)), np.log(sigma_w)]
    lam, sigma = np.sqrt(gamma / (1 - gamma)), np.sqrt(sigma2)
    exact = 0.0
    for i in range(6):
        e = (y - x @ beta)[firms == i]

        def integrand(w, e=e):
            f = 2 / sigma * stats.norm.pdf((e - w) / sigma) * stats.norm.cdf(-lam * (e - w) / sigma)
            return np.prod(f) * stats.norm.pdf(w, scale=sigma_w)

        exact += np.log(integrate.quad(integrand, -np.inf, np.inf, epsabs=1e-300, epsrel=1e-12)[0])
    errors = []
    for draws in (500, 50000):
        normals = tre.halton_normals(6, draws, np.random.SeedSequence(0))
        model = tre.TrueRandomEffects.build(y, x, firms, 6, normals)
        errors.append(abs(tre.simulated_loglik(theta, model) - exact))
    # measured: 0.025 with 500 draws, 2e-4 with 50,000 (the log-likelihood of six firms)
    assert errors[1] < 1e-3 and errors[1] < errors[0]


def test_true_random_effects_recover_a_simulated_panel_reproducibly():
    data = true_random_effects_panel(300, 6, seed=2)
    kwargs = dict(entity="f", time="year", model="true-random-effects", draws=100)
    res = nt.frontier.SFA(data, "y", ["x1", "x2"], seed=7, **kwargs).fit()
    truth = pd.Series({"const": 1.0, "x1": 0.5, "x2": 0.3, "sigma2": 0.2, "gamma": 0.8, "sigma_w": 0.3})
    gap = (res.params[truth.index] - truth).abs()
    assert res.diagnostics.converged and (gap < 4 * res.std_errors[truth.index]).all(), gap
    again = nt.frontier.SFA(data, "y", ["x1", "x2"], seed=7, **kwargs).fit()
    pd.testing.assert_series_equal(res.params, again.params)  # the same seed, the same numbers
    other = nt.frontier.SFA(data, "y", ["x1", "x2"], seed=8, **kwargs).fit()
    assert not res.params.equals(other.params)
    with pytest.raises(SpecificationError, match="draws must be a whole number >= 10"):
        nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model="true-random-effects", draws=5)
