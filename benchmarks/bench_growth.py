"""Benchmark: growth accounting on the whole PWT and on large synthetic panels; index-number TFP.

Run:  python benchmarks/bench_growth.py [--repeat 7]

Prints the median wall time of several runs per case. Timing lives here, not in the tests.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings

import numpy as np
import pandas as pd

import nqpf_tfp as nt


def median_time(fn, repeat: int) -> float:
    fn()  # warm-up (first PWT load, imports)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic(n_entities: int, n_years: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_entities * n_years
    return pd.DataFrame({
        "id": np.repeat(np.arange(n_entities), n_years),
        "year": np.tile(np.arange(2000, 2000 + n_years), n_entities),
        "Y": np.exp(rng.normal(size=n)), "K": np.exp(rng.normal(size=n)), "L": np.exp(rng.normal(size=n)),
        "sL": rng.uniform(0.4, 0.7, size=n),
    })


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    pwt = nt.datasets.load_pwt()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"numpy {np.__version__}, pandas {pd.__version__}")
    cases = {
        "load_pwt (decompress + sha256 + parse, cached after first)": lambda: nt.datasets.load_pwt(),
        "pwt_tfp rtfpna, all countries (12,810 rows)": lambda: nt.pwt_tfp(pwt, "rtfpna"),
        "pwt_tfp ctfp, all countries": lambda: nt.pwt_tfp(pwt, "ctfp"),
    }

    def ga_pwt():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nt.growth_accounting(pwt, "rgdpna", capital="rkna", labor="emp", human_capital="hc",
                                        labor_share="labsh", entity="countrycode", time="year").contributions

    cases["growth_accounting on PWT + contributions"] = ga_pwt
    for n_entities in (10_000, 100_000, 1_000_000):
        df = synthetic(n_entities, 10)
        cases[f"growth_accounting, synthetic {n_entities * 10:,} rows"] = (
            lambda df=df: nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share="sL",
                                               entity="id", time="year").tfp_growth
        )
    for n_entities in (10_000, 100_000):
        df = many_quantities(n_entities, 10)
        for formula in ("tornqvist", "fisher"):
            cases[f"tfp_index {formula}, chained, 2 outputs / 3 inputs, {n_entities * 10:,} rows"] = (
                lambda df=df, formula=formula: nt.growth.tfp_index(
                    df, IN, OUT, input_prices=IN_P, output_prices=OUT_P, entity="id", time="year",
                    formula=formula).tfp)
        cases[f"multilateral_tfp ccd, {n_entities * 10:,} rows"] = (
            lambda df=df: nt.growth.multilateral_tfp(df, IN, OUT, input_prices=IN_P, output_prices=OUT_P,
                                                     entity="id", time="year").tfp)
    for rows in (2_000, 20_000):
        df = many_quantities(rows // 10, 10)
        cases[f"multilateral_tfp geks (Fisher, N x N comparisons), {rows:,} rows"] = (
            lambda df=df: nt.growth.multilateral_tfp(df, IN, OUT, input_prices=IN_P, output_prices=OUT_P,
                                                     entity="id", time="year", method="geks").tfp)
    for name, fn in cases.items():
        print(f"{median_time(fn, args.repeat) * 1e3:10.1f} ms  {name}")


OUT, IN = ["y0", "y1"], ["x0", "x1", "x2"]
OUT_P, IN_P = ["p0", "p1"], ["w0", "w1", "w2"]


def many_quantities(n_entities: int, n_years: int, seed: int = 1) -> pd.DataFrame:
    """A balanced panel with two outputs and three inputs, each with a price."""
    rng = np.random.default_rng(seed)
    n = n_entities * n_years
    data = {"id": np.repeat(np.arange(n_entities), n_years),
            "year": np.tile(np.arange(2000, 2000 + n_years), n_entities)}
    for name in OUT + IN:
        data[name] = np.exp(rng.normal(size=n))
    for name in OUT_P + IN_P:
        data[name] = rng.uniform(0.5, 2.0, size=n)
    return pd.DataFrame(data)


if __name__ == "__main__":
    main()
