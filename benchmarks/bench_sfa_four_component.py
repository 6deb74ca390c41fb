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

import numpy as np
import pandas as pd
from bench_sfa_panel import four_component_estimates, four_component_panel, recovery, timed_fit

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
            data, h, u = four_component_panel(rng, args.firms, years)
            rng.integers(2**31)  # the simulated likelihood's seed there: the same panels follow
            res, seconds = timed_fit(data, model)
            times.append(seconds)
            converged += bool(res.diagnostics.converged)
            row, correlation = four_component_estimates(res, h, u, years)
            rows.append(row)
            correlations.append(correlation)
            no_persistent += bool(row["sigma_h"] == 0)
        mean_corr = np.nanmean(correlations, axis=0)
        print(f"\n{model}, {args.firms} firms x {years} years: {converged}/{args.panels} converged; "
              f"median fit {statistics.median(times):.3f} s; sigma_h = 0 in {no_persistent}; "
              f"correlation with the truth: persistent {mean_corr[0]:.3f}, transient {mean_corr[1]:.3f}")
        print(recovery(TRUTH, rows))


if __name__ == "__main__":
    main()
