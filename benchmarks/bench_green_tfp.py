"""Green TFP benchmark: the global Malmquist-Luenberger index beside a plain HiGHS loop on the same data.

Run:  python benchmarks/bench_green_tfp.py [--firms 3000] [--years 10] [--loop-share 1.0]

Synthetic panel: 3 inputs, 2 good outputs, 1 bad output (uniform, with trends; seeded). The global
Malmquist-Luenberger index (Oh 2010) with radial directional distances, direction (0, y, b), CRS, needs
every firm-year's distance to the pooled frontier (firms x years LPs over firms x years units) and to its
own period's frontier (for the efficiency change).

- ``nt.frontier.malmquist_luenberger(..., frontier="global")``: each reference set reduced to its frame
  (Dulá 2011) first, then small LPs built once in HiGHS and warm-started;
- ``plain HiGHS loop``: the same LPs over the whole reference sets, each built once with highspy and
  re-solved per unit (warm start). With ``--loop-share s < 1`` the loop solves only that share of the
  pooled-frontier LPs and its time is scaled up by ``1 / s`` (the LPs are alike, so per-LP time is stable);
  the distances it does solve are checked against ours.

Wall time of one run; CPU time of the process beside it; peak memory of our run from ``tracemalloc``
(a second run, not timed).
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc

import numpy as np
import pandas as pd

import nqpf_tfp as nt

INPUTS, GOODS, BADS = ["x1", "x2", "x3"], ["y1", "y2"], ["b"]


def panel_data(firms: int, years: int) -> pd.DataFrame:
    """The benchmark's panel: uniform inputs and outputs, good outputs growing 2% and the bad one falling 1% a year."""
    rng = np.random.default_rng(0)
    n = firms * years
    trend = np.tile(np.arange(years), firms)
    frame = pd.DataFrame(rng.uniform(1, 10, (n, 6)), columns=INPUTS + GOODS + BADS)
    frame[GOODS] = frame[GOODS].to_numpy() * (1.02 ** trend)[:, None]
    frame["b"] = frame["b"] * 0.99 ** trend
    frame.insert(0, "year", 2000 + trend)
    frame.insert(0, "firm", np.repeat(np.arange(firms), years))
    return frame


def _loop_distances(ref: pd.DataFrame, evaluated: pd.DataFrame) -> np.ndarray:
    """max beta s.t. X lambda <= x_o, Y lambda >= (1 + beta) y_o, B lambda = (1 - beta) b_o, lambda >= 0."""
    import highspy

    cols = [INPUTS, GOODS, BADS]
    x, y, b = (ref[c].to_numpy() / ref[c].to_numpy().mean(axis=0) for c in cols)
    xo, yo, bo = (evaluated[c].to_numpy() / ref[c].to_numpy().mean(axis=0) for c in cols)
    n = len(ref)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    h.addVar(-inf, inf)
    h.changeColCost(0, -1.0)
    for _ in range(n):
        h.addVar(0.0, inf)
    index = np.arange(n + 1, dtype=np.int32)
    for i in range(3):
        h.addRow(-inf, 0.0, n + 1, index, np.r_[0.0, x[:, i]])
    for r in range(2):
        h.addRow(0.0, inf, n + 1, index, np.r_[0.0, y[:, r]])
    h.addRow(0.0, 0.0, n + 1, index, np.r_[0.0, b[:, 0]])
    out = np.empty(len(evaluated))
    for o in range(len(evaluated)):
        for i in range(3):
            h.changeRowBounds(i, -inf, xo[o, i])
        for r in range(2):
            h.changeCoeff(3 + r, 0, -yo[o, r])
            h.changeRowBounds(3 + r, yo[o, r], inf)
        h.changeCoeff(5, 0, bo[o, 0])
        h.changeRowBounds(5, bo[o, 0], bo[o, 0])
        h.run()
        ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        out[o] = h.getSolution().col_value[0] if ok else np.nan
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=3000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--loop-share", type=float, default=1.0,
                        help="share of the pooled-frontier LPs the plain loop solves (time scaled up)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, CPython {platform.python_version()}, numpy {np.__version__}")
    panel = panel_data(args.firms, args.years)
    kw = {"entity": "firm", "time": "year", "frontier": "global"}
    nt.frontier.malmquist_luenberger(panel_data(30, 3), INPUTS, GOODS, BADS, **kw)  # warm-up

    wall, cpu = time.perf_counter(), time.process_time()
    ours = nt.frontier.malmquist_luenberger(panel, INPUTS, GOODS, BADS, **kw)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tracemalloc.start()
    nt.frontier.malmquist_luenberger(panel, INPUTS, GOODS, BADS, **kw)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"{'case':<34} {'firm-years':>10} {'wall s':>9} {'CPU s':>9} {'peak MB':>8}")
    print(f"{'malmquist_luenberger (global)':<34} {len(panel):>10,} {wall:>9.1f} {cpu:>9.1f} {peak:>8.0f}")

    pooled_rows = np.arange(len(panel))
    if args.loop_share < 1.0:
        pooled_rows = np.random.default_rng(1).choice(len(panel), int(args.loop_share * len(panel)), replace=False)
    wall, cpu = time.perf_counter(), time.process_time()
    pooled = _loop_distances(panel, panel.iloc[pooled_rows])
    pooled_wall, pooled_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    for _, period in panel.groupby("year"):
        _loop_distances(period, period)
    own_wall, own_cpu = time.perf_counter() - wall, time.process_time() - cpu
    scale = len(panel) / pooled_rows.size
    label = "plain HiGHS loop" + (f" (x{scale:.0f} of {pooled_rows.size:,})" if scale > 1 else "")
    print(f"{label:<34} {len(panel):>10,} {pooled_wall * scale + own_wall:>9.1f} "
          f"{pooled_cpu * scale + own_cpu:>9.1f} {'-':>8}")
    # the loop's pooled distances give our index where both ends were solved
    d = pd.Series(np.nan, index=panel.index)
    d.iloc[pooled_rows] = pooled
    keyed = pd.Series(d.to_numpy(), index=pd.MultiIndex.from_frame(panel[["firm", "year"]]))
    prev = keyed.groupby(level="firm").shift(1)
    expected = ((1 + prev) / (1 + keyed)).dropna()
    got = ours.changes["tfpch"].reindex(expected.index)
    assert np.allclose(got, expected, rtol=1e-7), "the two routes disagree"
    print(f"checked {expected.size:,} index values against the loop's distances")


if __name__ == "__main__":
    main()
