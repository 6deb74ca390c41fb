"""Green TFP benchmark: the global Malmquist-Luenberger index beside a plain HiGHS loop on the same data.

Run:  python benchmarks/bench_green_tfp.py [--firms 3000] [--years 10] [--loop-share 1.0] [--ebm-loop-share 0.1]
      [--distances radial ebm]

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

The second case (``--distances``) is Tone and Tsutsui's epsilon-based measure, non-oriented, CO2 falling as
the outputs rise (``bad_output_factor="contract"``), ``D = 1 / kappa - 1``: our index computes epsilon and the
weights from the whole panel (the additive projection of every firm-year, one LP each) and the EBM of every
firm-year against the pooled frontier and its own year's; the plain loop solves the same EBM programs
(Charnes-Cooper form, the epsilon and weights ours found) over the whole reference sets, each built once with
highspy and re-solved per unit. The loop's time leaves out the projection our time includes.

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
from nqpf_tfp.frontier.ebm_settings import pooled_parameters

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


def _loop_ebm(ref: pd.DataFrame, evaluated: pd.DataFrame, eps: tuple[float, float],
              weights: dict[str, float]) -> np.ndarray:
    """Non-oriented CRS EBM, CO2 contracting by (2 - eta): min theta - eps_x sum w s- / x_o subject to
    eta + eps_y (sum w s+ / y_o + sum w s^b / b_o) = 1, theta x_o - X lambda - s- = 0,
    eta y_o - Y lambda + s+ = 0, (2t - eta) b_o - B lambda - s^b = 0, eta >= t (Charnes-Cooper variables)."""
    import highspy

    cols = [INPUTS, GOODS, BADS]
    x, y, b = (ref[c].to_numpy() / ref[c].to_numpy().mean(axis=0) for c in cols)
    xo, yo, bo = (evaluated[c].to_numpy() / ref[c].to_numpy().mean(axis=0) for c in cols)
    wx = eps[0] * np.array([weights[c] for c in INPUTS])
    wy = eps[1] * np.array([weights[c] for c in GOODS + BADS])
    n = len(ref)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    # columns: theta 0, eta 1, t 2, lambda 3..3+n, s- (3), s+ (2), s^b (1)
    lam0, sm0, sp0, sb0 = 3, 3 + n, 6 + n, 8 + n
    for _ in range(9 + n):
        h.addVar(0.0, inf)
    h.changeColCost(0, 1.0)
    h.addRow(1.0, 1.0, 1, np.array([1], dtype=np.int32), np.array([1.0]))  # eta + ... = 1 (slack terms per unit)
    lam = np.arange(lam0, lam0 + n, dtype=np.int32)
    for i in range(3):
        h.addRow(0.0, 0.0, n + 2, np.r_[0, lam, sm0 + i].astype(np.int32), np.r_[0.0, -x[:, i], -1.0])
    for r in range(2):
        h.addRow(0.0, 0.0, n + 2, np.r_[1, lam, sp0 + r].astype(np.int32), np.r_[0.0, -y[:, r], 1.0])
    h.addRow(0.0, 0.0, n + 3, np.r_[1, 2, lam, sb0].astype(np.int32), np.r_[0.0, 0.0, -b[:, 0], -1.0])
    h.addRow(0.0, inf, 2, np.array([1, 2], dtype=np.int32), np.array([1.0, -1.0]))  # eta - t >= 0
    out = np.empty(len(evaluated))
    for o in range(len(evaluated)):
        for i in range(3):
            h.changeCoeff(1 + i, 0, xo[o, i])
            h.changeColCost(sm0 + i, -wx[i] / xo[o, i])
        for r in range(2):
            h.changeCoeff(4 + r, 1, yo[o, r])
            h.changeCoeff(0, sp0 + r, wy[r] / yo[o, r])
        h.changeCoeff(6, 1, -bo[o, 0])
        h.changeCoeff(6, 2, 2 * bo[o, 0])
        h.changeCoeff(0, sb0, wy[2] / bo[o, 0])
        h.run()
        ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        out[o] = h.getInfo().objective_function_value if ok else np.nan
    return 1.0 / out - 1.0


def run(panel: pd.DataFrame, distance: str, loop_share: float) -> None:
    """Our index and the plain loop on one distance, with the check that they agree."""
    kw = {"entity": "firm", "time": "year", "frontier": "global"}
    loop = _loop_distances
    if distance == "ebm":
        kw |= {"distance": "ebm", "direction": "all"}
        eps, weights = pooled_parameters(panel, INPUTS, GOODS, BADS)  # what the index computes from the panel

        def loop(ref: pd.DataFrame, evaluated: pd.DataFrame) -> np.ndarray:
            return _loop_ebm(ref, evaluated, (eps[0], eps[1]), weights)
    nt.frontier.malmquist_luenberger(panel_data(30, 3), INPUTS, GOODS, BADS, **kw)  # warm-up

    wall, cpu = time.perf_counter(), time.process_time()
    ours = nt.frontier.malmquist_luenberger(panel, INPUTS, GOODS, BADS, **kw)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tracemalloc.start()
    nt.frontier.malmquist_luenberger(panel, INPUTS, GOODS, BADS, **kw)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    name = "malmquist_luenberger (global" + (", EBM)" if distance == "ebm" else ")")
    print(f"{name:<34} {len(panel):>10,} {wall:>9.1f} {cpu:>9.1f} {peak:>8.0f}")

    pooled_rows = np.arange(len(panel))
    if loop_share < 1.0:
        pooled_rows = np.random.default_rng(1).choice(len(panel), int(loop_share * len(panel)), replace=False)
    wall, cpu = time.perf_counter(), time.process_time()
    pooled = loop(panel, panel.iloc[pooled_rows])
    pooled_wall, pooled_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    for _, period in panel.groupby("year"):
        loop(period, period)
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=3000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--loop-share", type=float, default=1.0,
                        help="share of the pooled-frontier LPs the plain loop solves for the radial index "
                             "(time scaled up)")
    parser.add_argument("--ebm-loop-share", type=float, default=0.1, help="the same for the EBM index")
    parser.add_argument("--distances", nargs="+", choices=["radial", "ebm"], default=["radial", "ebm"])
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, CPython {platform.python_version()}, numpy {np.__version__}")
    print(f"{'case':<34} {'firm-years':>10} {'wall s':>9} {'CPU s':>9} {'peak MB':>8}")
    panel = panel_data(args.firms, args.years)
    for distance in args.distances:
        run(panel, distance, args.loop_share if distance == "radial" else args.ebm_loop_share)


if __name__ == "__main__":
    main()
