"""Frontier benchmarks: CRS input-oriented radial DEA beside a plain HiGHS loop on the same data.

Run:  python benchmarks/bench_frontier.py [--sizes 1000 2000 5000]

Synthetic data: 3 inputs, 2 good outputs (uniform on [1, 10], seeded). Cases, each timed once after
a warm-up on 100 units (wall time without tracing), then run again under ``tracemalloc`` for the peak
of memory allocated (tracing slows Python-heavy code, so it is never part of the timing):

- ``nt.frontier.dea (frame)``: the reference set first reduced to its frame (Dulá 2011), then one small
  LP per unit, built once in HiGHS (highspy) and re-solved with only that unit's coefficients and bounds
  changed (warm start); radial stage only, and again with the slacks phase;
- ``nt.frontier.dea (frame=False)``: the same without the reduction (every unit a column of every LP);
- ``plain HiGHS loop``: the same LP built once with highspy and re-solved per unit, written directly
  (the yardstick the issue's target is stated against);
- ``scipy linprog (frame)``: ``nt.frontier.dea(..., solver="scipy")``, each (small) LP from scratch;
- ``SFA BC92``: ``nt.frontier.SFA(..., model="bc92")`` on a simulated panel of 10,000 firms x 10 years.
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

import nqpf_tfp as nt


def _data(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.uniform(1, 10, (n, 5)), columns=["x1", "x2", "x3", "y1", "y2"])


def _plain_loop(frame: pd.DataFrame) -> np.ndarray:
    import highspy

    x = frame[["x1", "x2", "x3"]].to_numpy()
    y = frame[["y1", "y2"]].to_numpy()
    n = len(frame)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    h.addVar(0.0, inf)  # theta
    h.changeColCost(0, 1.0)
    for _ in range(n):
        h.addVar(0.0, inf)
    for i in range(3):  # sum lambda x_i - theta x_io <= 0
        h.addRow(-inf, 0.0, n + 1, np.arange(n + 1, dtype=np.int32), np.r_[-x[0, i], x[:, i]])
    for r in range(2):  # sum lambda y_r >= y_ro
        h.addRow(y[0, r], inf, n, np.arange(1, n + 1, dtype=np.int32), y[:, r])
    out = np.empty(n)
    for o in range(n):
        for i in range(3):
            h.changeCoeff(i, 0, -x[o, i])
        for r in range(2):
            h.changeRowBounds(3 + r, y[o, r], inf)
        h.run()
        out[o] = h.getSolution().col_value[0]
    return out


def _measure(label: str, n: int, run: Callable[[], np.ndarray], memory: bool = True) -> np.ndarray:
    start = time.perf_counter()
    values = run()
    seconds = time.perf_counter() - start
    peak = "-"
    if memory:
        tracemalloc.start()
        run()
        peak = f"{tracemalloc.get_traced_memory()[1] / 1e6:.0f}"
        tracemalloc.stop()
    print(f"{label:<34} {n:>8,} {seconds:>10.2f} {peak:>9}")
    return values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--scipy-max", type=int, default=10000, help="largest size run with the SciPy fallback")
    parser.add_argument("--unreduced-max", type=int, default=5000,
                        help="largest size run without the frame reduction (frame=False)")
    parser.add_argument("--sfa-firms", type=int, nargs="*", default=[10_000],
                        help="firms (x 10 years) of the BC92 stochastic frontier case")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, CPython {platform.python_version()}, numpy {np.__version__}")
    warm = _data(100)
    nt.frontier.dea(warm, ["x1", "x2", "x3"], ["y1", "y2"], slacks=False)
    _plain_loop(warm)
    print(f"{'case':<34} {'units':>8} {'seconds':>10} {'peak MB':>9}")
    inputs, outputs = ["x1", "x2", "x3"], ["y1", "y2"]
    for n in args.sizes:
        frame = _data(n)

        def ours(units: pd.DataFrame = frame, **kw: object) -> np.ndarray:
            return nt.frontier.dea(units, inputs, outputs, **kw).efficiency.to_numpy()  # type: ignore[arg-type]

        scores = _measure("nt.frontier.dea (frame)", n, lambda: ours(slacks=False))
        _measure("nt.frontier.dea (frame) + slacks", n, lambda: ours(), memory=False)
        if n <= args.unreduced_max:
            _measure("nt.frontier.dea (frame=False)", n, lambda: ours(slacks=False, frame=False), memory=False)
        loop = _measure("plain HiGHS loop", n, lambda frame=frame: _plain_loop(frame), memory=False)
        assert np.allclose(scores, loop, rtol=1e-7), "the two routes disagree"
        if n <= args.scipy_max:
            _measure("scipy linprog (frame)", n, lambda: ours(slacks=False, solver="scipy"), memory=False)
    for firms in args.sfa_firms:
        panel = _sfa_panel(firms, 10)

        def bc92(panel: pd.DataFrame = panel) -> np.ndarray:
            return nt.frontier.SFA(panel, "y", ["x1", "x2"], entity="firm", time="year",
                                   model="bc92").fit().params.to_numpy()

        _measure("SFA BC92 (firm-years)", len(panel), bc92)


def _sfa_panel(n_firms: int, n_years: int) -> pd.DataFrame:
    """Battese-Coelli (1992) panel: beta (1, 0.5, 0.3), sigma_u 0.4, sigma_v 0.2, eta 0.05."""
    rng = np.random.default_rng(0)
    firm, year = np.repeat(np.arange(n_firms), n_years), np.tile(np.arange(1, n_years + 1), n_firms)
    x1, x2 = rng.normal(0, 1, firm.size), rng.normal(0, 1, firm.size)
    u = np.exp(-0.05 * (year - n_years)) * np.abs(rng.normal(0, 0.4, n_firms))[firm]
    y = 1 + 0.5 * x1 + 0.3 * x2 + rng.normal(0, 0.2, firm.size) - u
    return pd.DataFrame({"firm": firm, "year": year, "x1": x1, "x2": x2, "y": y})


if __name__ == "__main__":
    main()
