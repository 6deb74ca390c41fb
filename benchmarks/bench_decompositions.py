"""Productivity decompositions at scale: 10^7 firm-years, 100 industries x 20 years.

Run:  python benchmarks/bench_decompositions.py [--rows 10000000] [--methods melitz-polanec fhk ...]

Synthetic panel: 100 industries x 20 years, 5,000 firm slots per industry, each present in a year with
probability 0.9 (entry, exit and gaps), integer firm ids, normal log TFP, lognormal output shares.
Wall time of one run per method and the peak memory allocated (tracemalloc, a second run).
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc

import numpy as np
import pandas as pd

from nqpf_tfp.analysis import productivity_decomposition


def _panel(rows: int, industries: int = 100, years: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    slots = max(1, round(rows / (industries * years * 0.9)))
    industry = np.repeat(np.arange(industries), slots * years)
    firm = np.repeat(np.arange(industries * slots), years)
    year = np.tile(np.arange(2000, 2000 + years), industries * slots)
    keep = rng.uniform(size=industry.size) < 0.9
    n = int(keep.sum())
    return pd.DataFrame({"industry": industry[keep], "firm": firm[keep], "year": year[keep],
                         "tfp": rng.normal(0, 1, n), "output": rng.lognormal(0, 1, n)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--methods", nargs="+", default=["olley-pakes", "melitz-polanec", "fhk",
                                                         "griliches-regev", "bhc"])
    parser.add_argument("--memory", action="store_true", help="also trace peak memory (slower)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, CPython {platform.python_version()}, numpy {np.__version__}, "
          f"pandas {pd.__version__}")
    panel = _panel(args.rows)
    print(f"{len(panel):,} firm-years, {panel.industry.nunique()} industries x {panel.year.nunique()} years")
    print(f"{'method':<18} {'seconds':>9} {'peak MB':>9}")
    for method in args.methods:
        start = time.perf_counter()
        res = productivity_decomposition(panel, "tfp", "output", entity="firm", time="year", group="industry",
                                         method=method)
        seconds = time.perf_counter() - start
        peak = "-"
        if args.memory:
            tracemalloc.start()
            productivity_decomposition(panel, "tfp", "output", entity="firm", time="year", group="industry",
                                       method=method)
            peak = f"{tracemalloc.get_traced_memory()[1] / 1e6:.0f}"
            tracemalloc.stop()
        if method == "olley-pakes":  # the components add up to the aggregate itself
            gap = np.abs(res.components.total - res.aggregate).max()
        else:  # to its change
            change = res.aggregate.groupby(level=0).diff().dropna()
            gap = np.abs(res.components.total.reindex(change.index) - change).max()
        assert gap < 1e-9, gap
        print(f"{method:<18} {seconds:>9.2f} {peak:>9}")


if __name__ == "__main__":
    main()
