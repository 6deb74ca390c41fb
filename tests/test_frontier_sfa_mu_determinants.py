"""Determinants of the mean of inefficiency in the panel frontiers with a time profile,
``u_it = h_it u_i``, ``u_i ~ N+(z_i'delta, sigma_u^2)``: Kumbhakar, Wang and Horncastle's (2015) chapter-10
examples against the Julia package SFrontiers.jl (H.-J. Wang), the likelihood against a numerical integral
over ``u_i``, the marginal effects against differences of the truncated normal's mean (SciPy), and the
errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

import nqpf_tfp as nt
from nqpf_tfp.errors import FrontierBoundaryWarning, PanelError, SpecificationError
from nqpf_tfp.frontier.sfa_likelihood import FrontierData, efficiency, inefficiency, loglik, natural, unconstrained
from nqpf_tfp.frontier.sfa_search import maximise

# 82 countries x 28 years (tests/data/README.md): SFrontiers.jl's copy of the book's data
KWH = pd.read_csv(Path(__file__).parent / "data" / "kwh_paneldata1.csv")


def kwh_model(model: str, **options) -> nt.frontier.SFA:
    """The book's specification: frontier in lnk, lnl and the year, mu = delta_0 + delta_1 iniStat."""
    return nt.frontier.SFA(KWH, "lny", ["lnk", "lnl"], entity="code", time="yr", model=model,
                           distribution="truncated-normal", inefficiency="iniStat", trend=True, **options)


def test_time_decay_example_equals_sfrontiers():
    """SFrontiers.jl test/data/00test_pkg.jl, "Example 8, Time Decay Model (BC1992)" (the book's ch10.do,
    model 6): G(t) = exp(gamma (t - T)), which is Battese and Coelli's (1992) profile with eta = -gamma. The
    reference is printed to 5 decimals and tested there at atol 1e-5 (a Newton search stopped at 1e-4)."""
    res = kwh_model("bc92", efficiency="jlms").fit()
    assert res.diagnostics.converged and not res.diagnostics.boundary
    np.testing.assert_allclose(res.params[["lnk", "lnl"]], [0.58062, 0.01895], atol=1e-5)
    np.testing.assert_allclose(res.inefficiency.iloc[:2], [1.41460, 1.41279], atol=1e-5)
    np.testing.assert_allclose(res.marginal_effects["iniStat"].iloc[:2], [-0.13404, -0.13387], atol=1e-5)
    bc = kwh_model("bc92").fit()
    np.testing.assert_allclose(bc.efficiency.iloc[:2], [0.24309, 0.24353], atol=1e-5)
    np.testing.assert_allclose(bc.params, res.params, rtol=1e-6)


def kumbhakar_frontier(data: pd.DataFrame, y: str, x: list[str], firm: str, period: str, z: str) -> FrontierData:
    """Kumbhakar's (1990) truncated-normal panel frontier with ``mu_i = delta_0 + delta_1 z_i`` on the raw
    regressors (constant first), as the likelihood module takes it."""
    firms, _ = pd.factorize(data[firm], sort=True)
    n_firms = int(firms.max()) + 1
    z_firm = np.empty(n_firms)
    z_firm[firms] = data[z].to_numpy()
    t = data[period].to_numpy(dtype=float)
    return FrontierData(data[y].to_numpy(dtype=float), np.c_[np.ones(len(data)), data[x].to_numpy(dtype=float)],
                        "kumbhakar1990", "truncated-normal", np.c_[np.ones(n_firms), z_firm], firms, t - t.max(),
                        n_firms)


def test_kumbhakar1990_example_is_a_local_maximum_of_the_likelihood():
    """SFrontiers.jl, "Example 11, Kumbhakar 1990 Model" (ch10.do, model 5). Its G(t) = 2 / (1 + exp(g1 t +
    g2 t^2)) is this package's profile times 2, which only doubles mu and sigma_u: the slopes, the
    inefficiencies, the efficiencies and the marginal effects are the same. The printed solution is a local
    maximum of the likelihood (value 1251.37): the search from a start near it (found by maximising over the
    other parameters at the printed slopes) ends at it, and reproduces every printed number."""
    d = kumbhakar_frontier(KWH, "lny", ["lnk", "lnl", "yr"], "code", "yr", "iniStat")
    start = np.array([2.4, 0.85, 0.11, -0.065, 5.7, 0.07, 0.9, 0.98, 0.04, 0.0])
    optimum = maximise(d, [unconstrained(start, d)], try_boundary=False)
    assert optimum.stationary and optimum.value == pytest.approx(1251.3737, abs=1e-4)
    params = natural(optimum.theta, d)
    np.testing.assert_allclose(params[1:3], [0.85481, 0.11195], atol=1e-5)
    np.testing.assert_allclose(inefficiency(params, d)[:2], [2.91400, 2.85425], atol=1e-5)
    np.testing.assert_allclose(efficiency(params, d, "bc")[:2], [0.05428, 0.05762], atol=1e-5)
    np.testing.assert_allclose(d.x[:2] @ params[:4], [7.24726, 7.22944], atol=1e-5)  # the frontier's prediction
    # the marginal effect of iniStat on E[u_it] = G_t E[u_i]: G_t times the slope of the truncated normal's mean
    sigma_u = np.sqrt(params[6] * params[7])
    mu = params[4] + params[5] * KWH["iniStat"].to_numpy()[:2]
    t = KWH["yr"].to_numpy()[:2]
    profile = 1 / (1 + np.exp(params[8] * t + params[9] * t**2))
    step = 1e-6
    slope = (stats.truncnorm.mean(-(mu + step) / sigma_u, np.inf, loc=mu + step, scale=sigma_u)
             - stats.truncnorm.mean(-(mu - step) / sigma_u, np.inf, loc=mu - step, scale=sigma_u)) / (2 * step)
    np.testing.assert_allclose(profile * slope * params[5], [0.03605, 0.03531], atol=1e-5)
    # the likelihood is higher elsewhere: fit() from the same start follows it to the no-noise boundary
    names = ["const", "lnk", "lnl", "t", "delta_const", "delta_iniStat", "sigma2", "gamma", "k90_b", "k90_c"]
    with pytest.warns(FrontierBoundaryWarning, match="gamma -> 1"):
        res = kwh_model("kumbhakar1990").fit(start=pd.Series(start, index=names))
    assert res.loglik > optimum.value + 5


def small_panel(seed: int, firms: int = 6, years: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    firm = np.repeat(np.arange(firms), years)
    z = rng.normal(size=firms)
    u = stats.truncnorm.rvs(-(0.2 + 0.3 * z) / 0.4, np.inf, loc=0.2 + 0.3 * z, scale=0.4, random_state=rng)
    x = rng.normal(size=firm.size)
    t = np.tile(np.arange(1, years + 1), firms)
    y = 1 + 0.5 * x + rng.normal(0, 0.2, firm.size) - u[firm] / (1 + np.exp(0.2 * t - 0.05 * t**2))
    return pd.DataFrame({"f": firm, "t": t, "x": x, "z": z[firm], "y": y})


def test_likelihood_with_firm_means_is_the_integral_over_u_i():
    data = small_panel(1)
    d = kumbhakar_frontier(data, "y", ["x"], "f", "t", "z")
    params = np.array([1.1, 0.4, 0.1, 0.5, 0.3, 0.7, 0.3, -0.04])
    su, sv = np.sqrt(0.3 * 0.7), np.sqrt(0.3 * 0.3)
    e = d.y - d.x @ params[:2]
    t = data["t"].to_numpy()
    h = 1 / (1 + np.exp(0.3 * t - 0.04 * t**2))
    exact = 0.0
    for i in range(6):
        rows = data["f"].to_numpy() == i
        mu = 0.1 + 0.5 * data["z"].to_numpy()[rows][0]

        def integrand(u: float, rows: np.ndarray = rows, mu: float = mu) -> float:
            noise = np.prod(stats.norm.pdf(e[rows] + h[rows] * u, scale=sv))
            return float(noise * stats.norm.pdf(u, loc=mu, scale=su) / stats.norm.cdf(mu / su))

        exact += np.log(integrate.quad(integrand, 0, np.inf, epsabs=0, epsrel=1e-12)[0])
    assert loglik(unconstrained(params, d), d) == pytest.approx(exact, abs=1e-8)


def test_marginal_effects_are_the_slope_of_the_truncated_normal_mean():
    data = small_panel(2, firms=60, years=5)
    res = nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="bc92", distribution="truncated-normal",
                          inefficiency="z").fit()
    p = res.params
    su = np.sqrt(p["gamma"] * p["sigma2"])
    mu = p["delta_const"] + p["delta_z"] * data["z"].to_numpy()
    h = np.exp(-p["eta"] * (data["t"].to_numpy() - 5))

    def mean(m: np.ndarray) -> np.ndarray:
        return stats.truncnorm.mean(-m / su, np.inf, loc=m, scale=su)

    step = 1e-6
    slope = (mean(mu + step) - mean(mu - step)) / (2 * step)
    np.testing.assert_allclose(res.marginal_effects["z"], h * slope * p["delta_z"], rtol=1e-6)
    assert list(res.marginal_effects.columns) == ["z"]


def test_a_single_determinant_equal_to_one_is_the_model_with_one_mu():
    data = small_panel(3, firms=80, years=5).assign(one=1.0)
    with_z = nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="bc92", distribution="truncated-normal",
                             inefficiency="one", inefficiency_constant=False).fit()
    plain = nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="bc92",
                            distribution="truncated-normal").fit()
    assert with_z.loglik == pytest.approx(plain.loglik, abs=1e-8)
    assert with_z.params["delta_one"] == pytest.approx(plain.params["mu"], abs=1e-5)
    np.testing.assert_allclose(with_z.efficiency, plain.efficiency, atol=1e-6)


def test_a_converged_fit_restarted_from_its_estimates_stays():
    data = small_panel(4, firms=60, years=5)
    model = nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="pitt-lee", distribution="truncated-normal",
                            inefficiency="z")
    res = model.fit()
    again = model.fit(start=res.params)
    np.testing.assert_allclose(again.params, res.params, rtol=1e-7, atol=1e-9)
    assert again.loglik == pytest.approx(res.loglik, abs=1e-9)


def test_what_the_determinants_of_mu_refuse():
    data = small_panel(5, firms=30, years=4)
    with pytest.raises(SpecificationError, match="distribution='truncated-normal'"):
        nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="bc92", inefficiency="z")
    with pytest.raises(SpecificationError, match="pass inefficiency= columns too"):
        nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="bc92", distribution="truncated-normal",
                        inefficiency_constant=True)
    varying = data.assign(z=data["z"] + 0.1 * data["t"])
    with pytest.raises(PanelError, match="'z' varies within firms \\(firm 0 has"):
        nt.frontier.SFA(varying, "y", "x", entity="f", time="t", model="bc92", distribution="truncated-normal",
                        inefficiency="z")
    with pytest.raises(SpecificationError, match="needs model='bc95', 'wang-ho'"):
        nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="true-random-effects", inefficiency="z")
    model = nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="bc92", distribution="truncated-normal",
                            inefficiency="z")
    names = ["const", "x", "delta_const", "delta_z", "sigma2", "gamma", "eta"]
    with pytest.raises(SpecificationError, match="pandas Series"):
        model.fit(start=[1.0] * 7)
    with pytest.raises(SpecificationError, match="missing \\['eta'\\], unknown \\['mu'\\]"):
        model.fit(start=pd.Series(1.0, index=[*names[:-1], "mu"]))
    with pytest.raises(SpecificationError, match="0 < gamma < 1"):
        model.fit(start=pd.Series([1, 0.5, 0, 0, 0.3, 1.5, 0], index=names, dtype=float))
    with pytest.raises(SpecificationError, match="not model='true-random-effects'"):
        nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="true-random-effects").fit(
            start=pd.Series(dtype=float))


def test_the_normalised_kumbhakar_profile_is_the_same_fit_with_half_the_scale():
    """Kumbhakar, Wang and Horncastle's form 2 / (1 + exp(b t + c t^2)) (SFrontiers.jl's): u_it = 2 G(t) u_i
    with u_i ~ N+(mu/2, (sigma_u/2)^2) is the published model's u_it = G(t) u_i with u_i ~ N+(mu, sigma_u^2)."""
    data = small_panel(6, firms=120, years=6)
    published = nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="kumbhakar1990",
                                distribution="truncated-normal", inefficiency="z").fit()
    normalised = nt.frontier.SFA(data, "y", "x", entity="f", time="t", model="kumbhakar1990-normalised",
                                 distribution="truncated-normal", inefficiency="z").fit()
    assert published.diagnostics.converged and normalised.diagnostics.converged
    assert normalised.loglik == pytest.approx(published.loglik, abs=1e-8)
    p, q = published.params, normalised.params
    np.testing.assert_allclose(q[["const", "x", "k90_b", "k90_c"]], p[["const", "x", "k90_b", "k90_c"]], rtol=1e-5)
    np.testing.assert_allclose(q[["delta_const", "delta_z"]], p[["delta_const", "delta_z"]] / 2, rtol=1e-5)
    sigma_u = np.sqrt(p["gamma"] * p["sigma2"]), np.sqrt(q["gamma"] * q["sigma2"])
    assert sigma_u[1] == pytest.approx(sigma_u[0] / 2, rel=1e-5)
    np.testing.assert_allclose(normalised.efficiency, published.efficiency, rtol=1e-6)
    np.testing.assert_allclose(normalised.marginal_effects, published.marginal_effects, rtol=1e-5, atol=1e-9)
