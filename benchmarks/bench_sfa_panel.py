"""Monte Carlo: the panel stochastic frontiers with a time profile recover known parameters.

Run:  python benchmarks/bench_sfa_panel.py [--panels 100] [--firms 200] [--years 6] [--tfe-years 5 10 20]
      [--four-firms 500] [--four-years 5]

For each model, ``--panels`` simulated panels from ``u_it = h_it u_i`` with half-normal ``u_i`` (sigma_u
0.5), normal noise (sigma_v 0.2), a Cobb-Douglas frontier ``1 + 0.5 x1 + 0.3 x2``; prints the bias and RMSE
of each parameter over the panels, the share of fits that converged, and the median time of a fit.
Then Greene's true fixed effects on panels with firm intercepts ``alpha_i ~ N(0, 0.5^2)`` (correlated with
``x1``) and ``u_it`` half-normal (sigma_u 0.4, sigma_v 0.2) for each length in ``--tfe-years``: the bias of
``beta``, ``sigma_u`` and ``sigma_v``, and how often ``sigma_v`` collapses to 0 (the incidental-parameter
problem in short panels), beside Chen, Schmidt and Wang's (2014) within likelihood of the same model on the
same panels, which has no incidental parameters. Last, the four-component model by simulated likelihood
(Filippini and Greene 2016; 100 Halton draws) on panels of ``--four-firms`` x ``--four-years`` with
persistent ``w_i ~ N(0, 0.3^2)``, ``h_i`` half-normal (sigma_h 0.4), transient ``u_it`` half-normal (sigma_u
0.3) and noise sigma_v 0.15: bias and RMSE, and the mean correlation of the estimated persistent and
transient efficiencies with their truths. Then Wang and Ho's (2010) fixed effects (firm intercepts
correlated with ``x1``, ``u_it = exp(0.5 z_it) u_i*``, sigma_u 0.6, sigma_v 0.2) and Greene's true random
effects (``w_i ~ N(0, 0.3^2)``, sigma_u 0.4, sigma_v 0.2), by 100 Halton draws and by quadrature (the
exact likelihood) on the same panels, of ``--firms`` x ``--years``: bias and RMSE. Seeds come from
``numpy.random.SeedSequence``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
import pandas as pd

import nqpf_tfp as nt

TRUTH = {
    "pitt-lee": ({}, []),
    "bc92": ({"eta": 0.1}, [0.1]),
    "kumbhakar1990": ({"k90_b": 1.0, "k90_c": -0.25}, [1.0, -0.25]),
    "lee-schmidt": ({f"lambda_{t}": v for t, v in zip(range(1, 6), [1.5, 1.3, 1.2, 0.8, 1.1])},
                    [1.5, 1.3, 1.2, 0.8, 1.1]),
}



def timed_fit(data: pd.DataFrame, model: str, **options: object) -> tuple[nt.frontier.SFAResults, float]:
    """One SFA fit of ``y`` on ``x1, x2`` (firm ``f``, ``year``), its warnings silenced (the tables count the
    outcomes): the results and the seconds the fit took."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model=model, **options).fit()
    return res, time.perf_counter() - start

def profile(model: str, params: list[float], year: np.ndarray) -> np.ndarray:
    last = year.max()
    if model == "bc92":
        return np.exp(-params[0] * (year - last))
    if model == "kumbhakar1990":
        return 1 / (1 + np.exp(params[0] * year + params[1] * year**2))
    if model == "lee-schmidt":
        return np.r_[params, 1.0][year - 1]
    return np.ones(year.size)


def panel(model: str, rng: np.random.Generator, firms: int, years: int) -> pd.DataFrame:
    firm, year = np.repeat(np.arange(firms), years), np.tile(np.arange(1, years + 1), firms)
    u = profile(model, TRUTH[model][1], year) * np.abs(rng.normal(0, 0.5, firms))[firm]
    x1, x2 = rng.normal(size=firm.size), rng.normal(size=firm.size)
    return pd.DataFrame({"f": firm, "year": year, "x1": x1, "x2": x2,
                         "y": 1 + 0.5 * x1 + 0.3 * x2 + rng.normal(0, 0.2, firm.size) - u})


def recovery(truth: pd.Series, estimates: list) -> str:
    """The truth, mean, bias and RMSE of each parameter over the panels' estimates (one row each), to 4 decimals."""
    table = pd.DataFrame(estimates)
    error = table - truth
    return pd.DataFrame({"truth": truth, "mean": table.mean(), "bias": error.mean(),
                         "rmse": np.sqrt((error**2).mean())}).round(4).to_string()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--panels", type=int, default=100)
    parser.add_argument("--firms", type=int, default=200)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--tfe-years", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--four-firms", type=int, default=500)
    parser.add_argument("--four-years", type=int, default=5)
    args = parser.parse_args()
    seeds = np.random.SeedSequence(20261206).spawn(len(TRUTH))
    print(f"{args.panels} panels of {args.firms} firms x {args.years} years per model; sigma_u 0.5, sigma_v 0.2 "
          "(sigma2 0.29, gamma 0.862)")
    for (model, (extra, _)), seed in zip(TRUTH.items(), seeds):
        truth = pd.Series({"const": 1.0, "x1": 0.5, "x2": 0.3, "sigma2": 0.29, "gamma": 0.25 / 0.29, **extra})
        rng = np.random.default_rng(seed)
        estimates, times, converged = [], [], 0
        for _ in range(args.panels):
            data = panel(model, rng, args.firms, args.years)
            res, seconds = timed_fit(data, model)
            times.append(seconds)
            converged += bool(res.diagnostics.converged)
            estimates.append(res.params[truth.index])
        print(f"\n{model}: {converged}/{args.panels} converged; median fit {statistics.median(times):.3f} s")
        print(recovery(truth, estimates))
    true_fixed_effects(args.panels, args.firms, args.tfe_years)
    four_components(args.panels, args.four_firms, args.four_years)
    firm_effects(args.panels, args.firms, args.years)


def true_fixed_effects(panels: int, firms: int, lengths: list[int]) -> None:
    """Bias and RMSE of Greene's true fixed effects and of Chen-Schmidt-Wang's within likelihood by panel
    length, on the same panels."""
    truth = pd.Series({"x1": 0.5, "x2": 0.3, "sigma_u": 0.4, "sigma_v": 0.2})
    for years, seed in zip(lengths, np.random.SeedSequence(5).spawn(len(lengths))):
        rng = np.random.default_rng(seed)
        rows: dict[str, list[dict[str, float]]] = {"true-fixed-effects": [], "chen-schmidt-wang": []}
        collapsed = dict.fromkeys(rows, 0)
        times: dict[str, list[float]] = {m: [] for m in rows}
        for _ in range(panels):
            firm = np.repeat(np.arange(firms), years)
            alpha = rng.normal(0, 0.5, firms)
            x1 = rng.normal(size=firm.size) + 0.5 * alpha[firm]
            x2 = rng.normal(size=firm.size)
            noise, u = rng.normal(0, 0.2, firm.size), np.abs(rng.normal(0, 0.4, firm.size))
            y = alpha[firm] + 0.5 * x1 + 0.3 * x2 + noise - u
            data = pd.DataFrame({"f": firm, "year": np.tile(np.arange(years), firms), "x1": x1, "x2": x2, "y": y})
            for model in rows:
                res, seconds = timed_fit(data, model)
                times[model].append(seconds)
                su2 = res.params["gamma"] * res.params["sigma2"]
                rows[model].append({"x1": res.params["x1"], "x2": res.params["x2"], "sigma_u": np.sqrt(su2),
                                    "sigma_v": np.sqrt(max(res.params["sigma2"] - su2, 0.0))})
                collapsed[model] += bool(res.params["gamma"] > 1 - 1e-6)
        for model, estimates in rows.items():
            print(f"\n{model}, {firms} firms x {years} years: sigma_v -> 0 in {collapsed[model]}/{panels} panels; "
                  f"median fit {statistics.median(times[model]):.3f} s")
            print(recovery(truth, estimates))


def four_component_panel(rng: np.random.Generator, firms: int, years: int) -> tuple[pd.DataFrame, np.ndarray,
                                                                                    np.ndarray]:
    """A four-component panel: persistent w_i ~ N(0, 0.3^2) and h_i half-normal (sigma_h 0.4), transient u_it
    half-normal (sigma_u 0.3), noise sigma_v 0.15, frontier 1 + 0.5 x1 + 0.3 x2; with the true h and u."""
    firm = np.repeat(np.arange(firms), years)
    w, h = rng.normal(0, 0.3, firms), np.abs(rng.normal(0, 0.4, firms))
    x1, x2 = rng.normal(size=firm.size), rng.normal(size=firm.size)
    u = np.abs(rng.normal(0, 0.3, firm.size))
    y = 1 + 0.5 * x1 + 0.3 * x2 + (w - h)[firm] + rng.normal(0, 0.15, firm.size) - u
    data = pd.DataFrame({"f": firm, "year": np.tile(np.arange(years), firms), "x1": x1, "x2": x2, "y": y})
    return data, h, u


def four_component_estimates(res: nt.frontier.SFAResults, h: np.ndarray, u: np.ndarray,
                             years: int) -> tuple[dict[str, float], tuple[float, float]]:
    """A fit's parameters as standard deviations, and the correlations of its persistent (NaN when sigma_h is 0)
    and transient efficiencies with their truths."""
    p = res.params
    su2 = p["gamma"] * p["sigma2"]
    row = {"const": p["const"], "x1": p["x1"], "x2": p["x2"], "sigma_u": np.sqrt(su2),
           "sigma_v": np.sqrt(max(p["sigma2"] - su2, 0.0)), "sigma_w": p["sigma_w"], "sigma_h": p["sigma_h"]}
    parts = res.efficiency_components
    persistent = np.nan
    if p["sigma_h"] > 0:
        persistent = np.corrcoef(parts["persistent"].to_numpy()[::years], np.exp(-h))[0, 1]
    return row, (persistent, np.corrcoef(parts["transient"], np.exp(-u))[0, 1])


def four_components(panels: int, firms: int, years: int) -> None:
    """Bias and RMSE of the four-component model (Filippini-Greene), and how well each efficiency is told."""
    truth = pd.Series({"const": 1.0, "x1": 0.5, "x2": 0.3, "sigma_u": 0.3, "sigma_v": 0.15, "sigma_w": 0.3,
                       "sigma_h": 0.4})
    rng = np.random.default_rng(np.random.SeedSequence(16))
    rows, times, converged, correlations = [], [], 0, []
    for _ in range(panels):
        data, h, u = four_component_panel(rng, firms, years)
        res, seconds = timed_fit(data, "filippini-greene", draws=100, seed=int(rng.integers(2**31)))
        times.append(seconds)
        converged += bool(res.diagnostics.converged)
        row, correlation = four_component_estimates(res, h, u, years)
        rows.append(row)
        correlations.append(correlation)
    mean_corr = np.mean(correlations, axis=0)
    print(f"\nfour components (filippini-greene), {firms} firms x {years} years: {converged}/{panels} converged; "
          f"median fit {statistics.median(times):.3f} s; correlation with the truth: persistent "
          f"{mean_corr[0]:.3f}, transient {mean_corr[1]:.3f}")
    print(recovery(truth, rows))


def firm_effects(panels: int, firms: int, years: int) -> None:
    """Bias and RMSE of Wang-Ho's within-transformed model and of Greene's true random effects, simulated and by
    quadrature (the exact likelihood) on the same panels."""
    rng = np.random.default_rng(np.random.SeedSequence(23))
    truths = {"wang-ho": pd.Series({"x1": 0.5, "x2": 0.3, "delta_z": 0.5, "sigma2": 0.4, "gamma": 0.9}),
              "true-random-effects": pd.Series({"const": 1.0, "x1": 0.5, "x2": 0.3, "sigma2": 0.2, "gamma": 0.8,
                                                "sigma_w": 0.3})}
    truths["true-random-effects, quadrature"] = truths["true-random-effects"]
    rows: dict[str, list[pd.Series]] = {m: [] for m in truths}
    times: dict[str, list[float]] = {m: [] for m in truths}
    converged = dict.fromkeys(truths, 0)
    for _ in range(panels):
        firm = np.repeat(np.arange(firms), years)
        alpha = rng.normal(0, 0.5, firms)
        x1 = rng.normal(size=firm.size) + 0.5 * alpha[firm]
        x2, z = rng.normal(size=firm.size), rng.normal(size=firm.size)
        u_star = np.abs(rng.normal(0, 0.6, firms))
        wang_ho = pd.DataFrame({"f": firm, "year": np.tile(np.arange(years), firms), "x1": x1, "x2": x2, "z": z,
                                "y": alpha[firm] + 0.5 * x1 + 0.3 * x2 + rng.normal(0, 0.2, firm.size)
                                - np.exp(0.5 * z) * u_star[firm]})
        x1r = rng.normal(size=firm.size)
        random = pd.DataFrame({"f": firm, "year": np.tile(np.arange(years), firms), "x1": x1r, "x2": x2,
                               "y": 1 + rng.normal(0, 0.3, firms)[firm] + 0.5 * x1r + 0.3 * x2
                               + rng.normal(0, 0.2, firm.size) - np.abs(rng.normal(0, 0.4, firm.size))})
        for name, data, extra in (("wang-ho", wang_ho, {"inefficiency": "z"}),
                                  ("true-random-effects", random, {"draws": 100, "seed": int(rng.integers(2**31))}),
                                  ("true-random-effects, quadrature", random, {"integration": "quadrature"})):
            res, seconds = timed_fit(data, name.split(",")[0], **extra)
            times[name].append(seconds)
            converged[name] += bool(res.diagnostics.converged)
            rows[name].append(res.params[truths[name].index])
    for model, truth in truths.items():
        print(f"\n{model}, {firms} firms x {years} years: {converged[model]}/{panels} converged; median fit "
              f"{statistics.median(times[model]):.3f} s")
        print(recovery(truth, rows[model]))


if __name__ == "__main__":
    main()
