"""Markups on simulated panels with known markups: Monte Carlo bias, the correction, bootstrap standard errors.

Run:  python benchmarks/bench_markups.py [--cd 50] [--translog 20] [--bootstrap-panels 10] [--bootstrap 49]

Each replication simulates ``nt.simulate_markups`` (1,000 firms x 10 years, gross output, true mean markup
about 1.30), fits ACF with the investment proxy and labor and materials free, and computes De Loecker and
Warzynski's markups of materials. Reported: the mean over replications of (mean estimated markup - mean true
markup) with its Monte Carlo standard error; the ratio of uncorrected to corrected markups against
exp(sigma_eps^2 / 2); for a few panels, the firm-cluster bootstrap standard error of the year-5
sales-weighted markup against its Monte Carlo standard deviation over all Cobb-Douglas panels; wall times.
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings

import numpy as np

import nqpf_tfp as nt

KEYS = {"input": "m", "revenue": "sales", "cost": "materials_cost", "entity": "firm", "time": "year",
        "value_added": False}
TRANSLOG = {"beta_mm": 0.02, "beta_lm": -0.01, "beta_ll": 0.01, "beta_km": 0.01}


def _model(data, form):
    return nt.ACF(data, "y", free=["l", "m"], state="k", proxy="inv", entity="firm", time="year", form=form)


def _replications(count: int, form: str, **simulate):
    gaps, ratios, year5, seconds = [], [], [], []
    for seed in range(count):
        data = nt.simulate_markups(seed=seed, **simulate)
        start = time.perf_counter()
        fit = _model(data, form).fit()
        res = nt.markups(data, results=fit, **KEYS)
        seconds.append(time.perf_counter() - start)
        raw = nt.markups(data, results=fit, correction="none", **KEYS)
        gaps.append(res.markups.mean() - data["markup"].mean())
        ratios.append((raw.markups / res.markups).mean())
        year5.append(res.overall.loc[5, "sales_weighted"])
    return np.array(gaps), np.array(ratios), np.array(year5), np.array(seconds)


def _report(label: str, gaps: np.ndarray, ratios: np.ndarray, seconds: np.ndarray) -> None:
    se = gaps.std(ddof=1) / np.sqrt(gaps.size)
    print(f"{label}: {gaps.size} panels; mean gap {gaps.mean():+.5f} (MC s.e. {se:.5f}, sd {gaps.std(ddof=1):.5f}); "
          f"uncorrected / corrected {ratios.mean():.5f} (theory {np.exp(0.01 / 2):.5f}); "
          f"fit + markups median {np.median(seconds):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cd", type=int, default=50)
    parser.add_argument("--translog", type=int, default=20)
    parser.add_argument("--bootstrap-panels", type=int, default=10)
    parser.add_argument("--bootstrap", type=int, default=49)
    args = parser.parse_args()
    print(f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, numpy "
          f"{np.__version__}")
    warnings.simplefilter("ignore", nt.errors.ConvergenceWarning)  # exact ties between roots, resolved by ACF's rule
    gaps, ratios, year5, seconds = _replications(args.cd, "cobb-douglas")
    _report("Cobb-Douglas", gaps, ratios, seconds)
    if args.translog:
        t_gaps, t_ratios, _, t_seconds = _replications(args.translog, "translog", **TRANSLOG)
        _report("translog", t_gaps, t_ratios, t_seconds)
    ses, boot_seconds = [], []
    for seed in range(args.bootstrap_panels):
        data = nt.simulate_markups(seed=seed)
        model = _model(data, "cobb-douglas")
        fit = model.fit()
        start = time.perf_counter()
        res = nt.markups(data, model=model, results=fit, bootstrap=args.bootstrap, seed=seed, **KEYS)
        boot_seconds.append(time.perf_counter() - start)
        ses.append(res.overall_std_errors.loc[5, "sales_weighted"])
    if ses:
        print(f"year-5 sales-weighted markup: Monte Carlo sd over {year5.size} panels {year5.std(ddof=1):.5f}; mean "
              f"bootstrap s.e. ({args.bootstrap} replications, {len(ses)} panels) {np.mean(ses):.5f}; "
              f"bootstrap median {np.median(boot_seconds):.1f} s")


if __name__ == "__main__":
    main()
