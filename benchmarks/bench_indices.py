"""Composite indices at scale: entropy weights and TOPSIS scores on 10^5 firm-years x 30 indicators.

Run:  python benchmarks/bench_indices.py [--rows 100000] [--indicators 30] [--repeat 5]

Synthetic panel (10,000 firms x 10 years, lognormal indicators sharing a common factor, a third of them
cost indicators). Median wall time of ``repeat`` runs of ``nt.indices.composite_index`` (validation,
min-max normalization over the panel, entropy weights, TOPSIS with panel-global ideal points), and of the
same with per-period normalization, weights and ideal points; then Dagum's Gini by 4 regions.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
import pandas as pd

import nqpf_tfp as nt


def _panel(rows: int, indicators: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    years = 10
    firms = rows // years
    common = rng.normal(size=firms * years)
    frame = pd.DataFrame({"firm": np.repeat(np.arange(firms), years), "year": np.tile(np.arange(2010, 2020), firms),
                          "region": np.repeat(rng.integers(0, 4, firms), years)})
    for j in range(indicators):
        frame[f"x{j}"] = np.exp(0.5 * common + rng.normal(size=firms * years))
    return frame


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    frame = _panel(args.rows, args.indicators)
    system = {f"x{j}": "-" if j % 3 == 0 else "+" for j in range(args.indicators)}
    print(f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, numpy "
          f"{np.__version__}, pandas {pd.__version__}; {len(frame):,} rows x {args.indicators} indicators")
    panel = _median(lambda: nt.indices.composite_index(frame, system, entity="firm", time="year", score="topsis"),
                    args.repeat)
    print(f"entropy-TOPSIS, panel-global: {panel:.3f} s")
    period = _median(lambda: nt.indices.composite_index(frame, system, entity="firm", time="year", score="topsis",
                                                        scope="period", weights_scope="period", ideal="period"),
                     args.repeat)
    print(f"entropy-TOPSIS, per period: {period:.3f} s")
    index = nt.indices.composite_index(frame, system, entity="firm", time="year", score="topsis")
    scored = frame[["firm", "year", "region"]].join(index.scores, on=["firm", "year"])
    dagum = _median(lambda: nt.indices.dagum_gini(scored, "index", "region", time="year"), args.repeat)
    print(f"Dagum Gini, 4 regions x 10 years: {dagum:.3f} s")


if __name__ == "__main__":
    main()
