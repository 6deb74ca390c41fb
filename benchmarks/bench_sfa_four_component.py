"""Monte Carlo: the four-component frontier by Kumbhakar, Lien and Hardaker's (2014) three steps and by
its exact likelihood (Colombi, Kumbhakar, Martini and Vittadini 2014).

Run:  python benchmarks/bench_sfa_four_component.py [--panels 100] [--firms 500] [--years 5 10 20]
      [--exact-years 5]

The panels of the four-component Monte Carlo in ``bench_sfa_panel.py`` (the same data-generating process,
seed and draws, so at ``--firms 500`` and 5 years the very panels on which the simulated likelihood of
Filippini and Greene was measured): persistent ``w_i ~ N(0, 0.3^2)`` and ``h_i`` half-normal (sigma_h 0.4),
transient ``u_it`` half-normal (sigma_u 0.3) and noise sigma_v 0.15, frontier ``1 + 0.5 x1 + 0.3 x2``. For
``model="kumbhakar-lien-hardaker"`` at each panel length in ``--years``, and ``model="closed-skew-normal"``
at each length in ``--exact-years``: the bias and RMSE of each parameter over ``--panels`` panels, the share
of fits that converged, the median time of a fit, the number of panels whose estimated ``sigma_h`` is 0 (the
multi-step estimator's predicted firm effects skewed the wrong way: no persistent inefficiency, which
correlates with nothing), and the mean correlation of the estimated persistent (over the other panels) and
transient efficiencies with their truths.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
import pandas as pd

import nqpf_tfp as nt

TRUTH = pd.Series({"const": 1.0, "x1": 0.5, "x2": 0.3, "sigma_u": 0.3, "sigma_v": 0.15, "sigma_w": 0.3,
                   "sigma_h": 0.4})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--panels", type=int, default=100)
    parser.add_argument("--firms", type=int, default=500)
    parser.add_argument("--years", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--exact-years", type=int, nargs="*", default=[5])
    args = parser.parse_args()
    runs = [("kumbhakar-lien-hardaker", y) for y in args.years] + [("closed-skew-normal", y) for y in args.exact_years]
    for model, years in runs:
        rng = np.random.default_rng(np.random.SeedSequence(16))  # bench_sfa_panel.py's four-component seed
        rows, times, converged, correlations, no_persistent = [], [], 0, [], 0
        for _ in range(args.panels):
            firm = np.repeat(np.arange(args.firms), years)
            w, h = rng.normal(0, 0.3, args.firms), np.abs(rng.normal(0, 0.4, args.firms))
            x1, x2 = rng.normal(size=firm.size), rng.normal(size=firm.size)
            u = np.abs(rng.normal(0, 0.3, firm.size))
            y = 1 + 0.5 * x1 + 0.3 * x2 + (w - h)[firm] + rng.normal(0, 0.15, firm.size) - u
            rng.integers(2**31)  # the simulated likelihood's seed there: the same panels follow
            data = pd.DataFrame({"f": firm, "year": np.tile(np.arange(years), args.firms), "x1": x1, "x2": x2,
                                 "y": y})
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = nt.frontier.SFA(data, "y", ["x1", "x2"], entity="f", time="year", model=model).fit()
            times.append(time.perf_counter() - start)
            converged += bool(res.diagnostics.converged)
            p = res.params
            su2 = p["gamma"] * p["sigma2"]
            rows.append({"const": p["const"], "x1": p["x1"], "x2": p["x2"], "sigma_u": np.sqrt(su2),
                         "sigma_v": np.sqrt(max(p["sigma2"] - su2, 0.0)), "sigma_w": p["sigma_w"],
                         "sigma_h": p["sigma_h"]})
            parts = res.efficiency_components
            persistent = np.nan
            if p["sigma_h"] > 0:
                persistent = np.corrcoef(parts["persistent"].to_numpy()[::years], np.exp(-h))[0, 1]
            no_persistent += bool(p["sigma_h"] == 0)
            correlations.append((persistent, np.corrcoef(parts["transient"], np.exp(-u))[0, 1]))
        table = pd.DataFrame(rows)
        error = table - TRUTH
        mean_corr = np.nanmean(correlations, axis=0)
        print(f"\n{model}, {args.firms} firms x {years} years: {converged}/{args.panels} converged; "
              f"median fit {statistics.median(times):.3f} s; sigma_h = 0 in {no_persistent}; "
              f"correlation with the truth: persistent {mean_corr[0]:.3f}, transient {mean_corr[1]:.3f}")
        print(pd.DataFrame({"truth": TRUTH, "mean": table.mean(), "bias": error.mean(),
                            "rmse": np.sqrt((error**2).mean())}).round(4).to_string())


if __name__ == "__main__":
    main()
