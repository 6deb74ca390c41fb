"""Every frontier distance beside a plain HiGHS loop on the same data: 10^4 units, and a 3,000 x 10 panel.

Run:  python benchmarks/bench_frontier_distances.py [--units 10000] [--firms 3000] [--years 10]
      [--loop-share 0.1] [--panel-loop-share 0.02] [--only NAME ...]

Cross-section (``--units``): three log-normal inputs, a Cobb-Douglas frontier ``y1 = (x1 x2 x3)^0.3``
scaled down by ``exp(-u)`` (``u`` half-normal, scale 0.3), a second good output and a bad output that
scatter around ``y1`` (log-normal noise); seeded. Cases (CPU time of one run after a warm-up):

- radial input-oriented DEA under CRS, VRS, NIRS and NDRS (``dea(..., slacks=False)``; under VRS the
  function also returns the CRS score, scale efficiency and returns to scale, so the loop solves the
  VRS, CRS and NIRS LPs of every unit);
- the radial directional distance with the bad output (direction ``(0, y, b)``), CRS and VRS;
- Zhou, Ang and Wang's (2012) weighted non-radial directional distance (``direction="all"``), CRS and VRS,
  and Fukuyama and Weber's (2009) slacks-based directional distance (``direction_weights="sbm"``);
- Tone's SBM with the bad output (Tone 2003), CRS and VRS, and its super-efficiency form (Tone 2002;
  the loop solves the SBM of every unit, then the super-SBM of the efficient ones).

Panel (``--firms`` x ``--years``, the design of ``bench_green_tfp.py``, global frontier, Oh 2010): the
Malmquist-Luenberger index on the radial, non-radial and slacks-based distances and the DEA-Malmquist
index (input orientation, CRS). Each needs every firm-year's distance to the pooled frontier and to its
own year's frontier (the DEA-Malmquist index also its own year's VRS score, for pure and scale
efficiency change).

The *plain HiGHS loop* is the textbook route written directly with highspy: each LP over the whole
reference set built once and re-solved per unit with only that unit's coefficients and bounds changed
(warm start). It is timed on a random share of the units (``--loop-share``; ``--panel-loop-share``: a share
of the firms, all their years, for the pooled panel LPs) and its time scaled up by the inverse share: the
LPs of one model are alike, so the time per LP is stable. Every value the loop solves is checked against
the library's (relative 1e-6).
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from bench_green_tfp import BADS, GOODS, INPUTS, panel_data  # the green-TFP benchmark's panel and columns

import nqpf_tfp as nt

_RTS_ROW = {"vrs": (1.0, 1.0), "nirs": (-np.inf, 1.0), "ndrs": (1.0, np.inf)}


def _units(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.exp(rng.normal(1.0, 0.5, (n, 3)))
    y1 = np.prod(x, axis=1) ** 0.3 * np.exp(-np.abs(rng.normal(0.0, 0.3, n)))
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2], "y1": y1,
                         "y2": y1 * np.exp(rng.normal(0.0, 0.2, n)), "b": y1 * np.exp(rng.normal(0.0, 0.3, n))})


# ------------------------------------------------------------------ the plain loop, written directly
class _Loop:
    """One LP over the whole reference set, built once with highspy; ``solve(o)`` re-solves it for unit o."""

    def __init__(self, cost: np.ndarray, a: np.ndarray, row_lo: np.ndarray, row_hi: np.ndarray,
                 col_lo: np.ndarray, col_hi: np.ndarray) -> None:
        import highspy

        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        inf = highspy.kHighsInf
        fix = np.vectorize(lambda v: inf if v == np.inf else (-inf if v == -np.inf else v))
        n_cols = a.shape[1]
        h.addVars(n_cols, fix(col_lo).astype(float), fix(col_hi).astype(float))
        h.changeColsCost(n_cols, np.arange(n_cols, dtype=np.int32), cost.astype(float))
        for r in range(a.shape[0]):
            nz = np.flatnonzero(a[r])
            h.addRow(float(fix(row_lo[r])), float(fix(row_hi[r])), nz.size, nz.astype(np.int32), a[r, nz])
        self.h, self.inf, self.optimal = h, inf, highspy.HighsModelStatus.kOptimal

    def run(self) -> tuple[float, np.ndarray]:
        self.h.run()
        if self.h.getModelStatus() != self.optimal:
            return np.nan, np.empty(0)
        return self.h.getInfo().objective_function_value, np.asarray(self.h.getSolution().col_value)


def _scaled(ref: pd.DataFrame, evaluated: pd.DataFrame) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Both sets divided by the reference set's means (as the library does; the scores do not depend on it)."""
    out_ref, out_ev = [], []
    for cols in (INPUTS, GOODS, BADS):
        scale = ref[cols].to_numpy().mean(axis=0)
        out_ref.append(ref[cols].to_numpy() / scale)
        out_ev.append(evaluated[cols].to_numpy() / scale)
    return out_ref, out_ev


def loop_radial_dea(ref: pd.DataFrame, ev: pd.DataFrame, rts: str) -> np.ndarray:
    """min theta s.t. X lam <= theta x_o, Y lam >= y_o, lam >= 0 [, rts row]."""
    (x, y, _), (xo, yo, _) = _scaled(ref, ev)
    n, m, s = x.shape[0], x.shape[1], y.shape[1]
    a = np.zeros((m + s + (rts != "crs"), 1 + n))
    a[:m, 1:], a[m:m + s, 1:] = x.T, y.T
    lo, hi = np.r_[np.full(m, -np.inf), np.zeros(s)], np.r_[np.zeros(m), np.full(s, np.inf)]
    if rts != "crs":
        a[-1, 1:] = 1.0
        lo, hi = np.r_[lo, _RTS_ROW[rts][0]], np.r_[hi, _RTS_ROW[rts][1]]
    lp = _Loop(np.r_[1.0, np.zeros(n)], a, lo, hi, np.zeros(1 + n), np.full(1 + n, np.inf))
    out = np.empty(len(ev))
    for o in range(len(ev)):
        for i in range(m):
            lp.h.changeCoeff(i, 0, -xo[o, i])
        for r in range(s):
            lp.h.changeRowBounds(m + r, yo[o, r], lp.inf)
        out[o] = lp.run()[0]
    return out


def loop_radial_ddf(ref: pd.DataFrame, ev: pd.DataFrame, rts: str) -> np.ndarray:
    """max beta s.t. X lam <= x_o, Y lam >= (1 + beta) y_o, B lam = (1 - beta) b_o [, sum lam = 1]."""
    (x, y, b), (xo, yo, bo) = _scaled(ref, ev)
    n, m, s, k = x.shape[0], x.shape[1], y.shape[1], b.shape[1]
    a = np.zeros((m + s + k + (rts == "vrs"), 1 + n))
    a[:m, 1:], a[m:m + s, 1:], a[m + s:m + s + k, 1:] = x.T, y.T, b.T
    lo, hi = np.full(a.shape[0], -np.inf), np.full(a.shape[0], np.inf)
    if rts == "vrs":
        a[-1, 1:], lo[-1], hi[-1] = 1.0, 1.0, 1.0
    lp = _Loop(np.r_[-1.0, np.zeros(n)], a, lo, hi, np.r_[-np.inf, np.zeros(n)], np.full(1 + n, np.inf))
    out = np.empty(len(ev))
    for o in range(len(ev)):
        for i in range(m):
            lp.h.changeRowBounds(i, -lp.inf, xo[o, i])
        for r in range(s):
            lp.h.changeCoeff(m + r, 0, -yo[o, r])
            lp.h.changeRowBounds(m + r, yo[o, r], lp.inf)
        for j in range(k):
            lp.h.changeCoeff(m + s + j, 0, bo[o, j])
            lp.h.changeRowBounds(m + s + j, bo[o, j], bo[o, j])
        out[o] = -lp.run()[0]
    return out


def loop_nonradial(ref: pd.DataFrame, ev: pd.DataFrame, rts: str, weights: np.ndarray) -> np.ndarray:
    """max w'beta s.t. X lam <= x_o - beta_x x_o, Y lam >= y_o + beta_y y_o, B lam = b_o - beta_b b_o."""
    (x, y, b), (xo, yo, bo) = _scaled(ref, ev)
    n, m, s, k = x.shape[0], x.shape[1], y.shape[1], b.shape[1]
    p = m + s + k
    a = np.zeros((p + (rts == "vrs"), n + p))
    a[:m, :n], a[m:m + s, :n], a[m + s:p, :n] = x.T, y.T, b.T
    a[np.arange(p), n + np.arange(p)] = 1.0
    lo, hi = np.full(a.shape[0], -np.inf), np.full(a.shape[0], np.inf)
    if rts == "vrs":
        a[-1, :n], lo[-1], hi[-1] = 1.0, 1.0, 1.0
    lp = _Loop(np.r_[np.zeros(n), -weights], a, lo, hi, np.zeros(n + p), np.full(n + p, np.inf))
    out = np.empty(len(ev))
    for o in range(len(ev)):
        for i in range(m):
            lp.h.changeCoeff(i, n + i, xo[o, i])
            lp.h.changeRowBounds(i, -lp.inf, xo[o, i])
        for r in range(s):
            lp.h.changeCoeff(m + r, n + m + r, -yo[o, r])
            lp.h.changeRowBounds(m + r, yo[o, r], lp.inf)
        for j in range(k):
            lp.h.changeCoeff(m + s + j, n + m + s + j, bo[o, j])
            lp.h.changeRowBounds(m + s + j, bo[o, j], bo[o, j])
        out[o] = -lp.run()[0]
    return out


def _sbm_model(x: np.ndarray, y: np.ndarray, b: np.ndarray, rts: str, super_form: bool) -> _Loop:
    """Charnes-Cooper form of the SBM (columns t, Lambda, S-, Sg, Sb) or of the super-SBM."""
    n, m, s, k = x.shape[0], x.shape[1], y.shape[1], b.shape[1]
    sign = -1.0 if super_form else 1.0
    rows = 1 + m + s + k + (s if super_form else 0) + (rts == "vrs")
    a = np.zeros((rows, 1 + n + m + s + k))
    a[0, 0] = 1.0
    a[1:1 + m, 1:1 + n], a[1:1 + m, 1 + n:1 + n + m] = x.T, sign * np.eye(m)
    a[1 + m:1 + m + s, 1:1 + n], a[1 + m:1 + m + s, 1 + n + m:1 + n + m + s] = y.T, -sign * np.eye(s)
    a[1 + m + s:1 + m + s + k, 1:1 + n], a[1 + m + s:1 + m + s + k, 1 + n + m + s:] = b.T, sign * np.eye(k)
    if super_form:  # X Lam <= t x_o + S-, Y Lam >= t y_o - Sg, B Lam <= t b_o + Sb, Sg <= t y_o
        a[1 + m + s + k:1 + m + 2 * s + k, 1 + n + m:1 + n + m + s] = np.eye(s)
        lo = np.r_[1.0, np.full(m, -np.inf), np.zeros(s), np.full(k, -np.inf), np.full(s, -np.inf)]
        hi = np.r_[1.0, np.zeros(m), np.full(s, np.inf), np.zeros(k), np.zeros(s)]
    else:  # X Lam + S- = t x_o, Y Lam - Sg = t y_o, B Lam + Sb = t b_o
        lo = hi = np.r_[1.0, np.zeros(m + s + k)]
    if rts == "vrs":
        a[-1, 1:1 + n], a[-1, 0] = 1.0, -1.0
        lo, hi = np.r_[lo, 0.0], np.r_[hi, 0.0]
    n_cols = a.shape[1]
    return _Loop(np.r_[1.0, np.zeros(n_cols - 1)], a, lo, hi, np.r_[1e-12, np.zeros(n_cols - 1)],
                 np.full(n_cols, np.inf))


def _set_sbm_unit(lp: _Loop, n: int, xo: np.ndarray, yo: np.ndarray, bo: np.ndarray, super_form: bool) -> None:
    m, s, k = xo.size, yo.size, bo.size
    sign = -1.0 if super_form else 1.0
    for i in range(m):
        lp.h.changeColCost(1 + n + i, -sign / (m * xo[i]))
        lp.h.changeCoeff(1 + i, 0, -xo[i])
    for r in range(s):
        lp.h.changeCoeff(0, 1 + n + m + r, sign / ((s + k) * yo[r]))
        lp.h.changeCoeff(1 + m + r, 0, -yo[r])
        if super_form:
            lp.h.changeCoeff(1 + m + s + k + r, 0, -yo[r])
    for j in range(k):
        lp.h.changeCoeff(0, 1 + n + m + s + j, sign / ((s + k) * bo[j]))
        lp.h.changeCoeff(1 + m + s + j, 0, -bo[j])


def loop_sbm(ref: pd.DataFrame, ev: pd.DataFrame, rts: str) -> np.ndarray:
    (x, y, b), (xo, yo, bo) = _scaled(ref, ev)
    lp = _sbm_model(x, y, b, rts, super_form=False)
    out = np.empty(len(ev))
    for o in range(len(ev)):
        _set_sbm_unit(lp, x.shape[0], xo[o], yo[o], bo[o], super_form=False)
        out[o] = lp.run()[0]
    return out


def loop_super_sbm(ref: pd.DataFrame, units: np.ndarray, rts: str) -> np.ndarray:
    """The super-SBM of the reference set's own ``units``, each left out of its reference set."""
    (x, y, b), _ = _scaled(ref, ref)
    n = x.shape[0]
    lp = _sbm_model(x, y, b, rts, super_form=True)
    out = np.empty(units.size)
    for j, o in enumerate(units):
        _set_sbm_unit(lp, n, x[o], y[o], b[o], super_form=True)
        lp.h.changeColBounds(1 + int(o), 0.0, 0.0)
        out[j] = lp.run()[0]
        lp.h.changeColBounds(1 + int(o), 0.0, lp.inf)
    return out


# ------------------------------------------------------------------ timing
def _cpu(run: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = run()
    return time.process_time() - start, out


def _row(label: str, size: int, ours: float, loop: float, note: str = "") -> None:
    print(f"{label:<40} {size:>8,} {ours:>9.2f} {loop:>10.1f} {loop / ours:>7.1f}  {note}", flush=True)


def _check(label: str, ours: np.ndarray, loop: np.ndarray) -> None:
    both = np.isfinite(ours) & np.isfinite(loop)
    if not np.allclose(ours[both], loop[both], rtol=1e-6, atol=1e-8) or (np.isfinite(ours) != np.isfinite(loop)).any():
        worst = np.max(np.abs(ours[both] - loop[both]))
        raise SystemExit(f"{label}: the library and the loop disagree (largest difference {worst:.3g}).")


def cross_section(n: int, share: float, only: list[str] | None) -> None:
    data = _units(n)
    sample = np.sort(np.random.default_rng(1).choice(n, max(1, int(share * n)), replace=False))
    scale = n / sample.size
    evaluated = data.iloc[sample]
    zaw = nt.frontier.nonradial.nonradial_weights(INPUTS, GOODS, BADS, "all")
    fw = nt.frontier.nonradial.slacks_based_weights(INPUTS, GOODS, BADS)
    cases: list[tuple[str, Callable[[], np.ndarray], Callable[[], np.ndarray]]] = []
    for rts in ("crs", "vrs", "nirs", "ndrs"):
        def ours_dea(rts: str = rts) -> np.ndarray:
            r = nt.frontier.dea(data, INPUTS, GOODS, rts=rts, slacks=False).to_frame()
            return r[["efficiency", "crs_efficiency"]].to_numpy() if rts == "vrs" else r["efficiency"].to_numpy()

        def loop_dea(rts: str = rts) -> np.ndarray:
            if rts != "vrs":
                return loop_radial_dea(data, evaluated, rts)
            vrs, crs = loop_radial_dea(data, evaluated, "vrs"), loop_radial_dea(data, evaluated, "crs")
            loop_radial_dea(data, evaluated, "nirs")  # scale efficiency's returns to scale
            return np.column_stack([vrs, crs])

        cases.append((f"dea, {rts}" + (" (+ crs, nirs)" if rts == "vrs" else ""), ours_dea, loop_dea))
    for rts in ("crs", "vrs"):
        cases.append((f"ddf radial (0, y, b), {rts}",
                      lambda rts=rts: nt.frontier.ddf(data, INPUTS, GOODS, BADS, rts=rts).distance.to_numpy(),
                      lambda rts=rts: loop_radial_ddf(data, evaluated, rts)))
        cases.append((f"nonradial_ddf, {rts}",
                      lambda rts=rts: nt.frontier.nonradial_ddf(data, INPUTS, GOODS, BADS, rts=rts).distance.to_numpy(),
                      lambda rts=rts: loop_nonradial(data, evaluated, rts, zaw)))
    cases.append(("nonradial_ddf slacks-based, crs",
                  lambda: nt.frontier.nonradial_ddf(data, INPUTS, GOODS, BADS,
                                                    direction_weights="sbm").distance.to_numpy(),
                  lambda: loop_nonradial(data, evaluated, "crs", fw)))
    for rts in ("crs", "vrs"):
        cases.append((f"sbm, {rts}",
                      lambda rts=rts: nt.frontier.sbm(data, INPUTS, GOODS, BADS, rts=rts).efficiency.to_numpy(),
                      lambda rts=rts: loop_sbm(data, evaluated, rts)))
    print(f"{'case':<40} {'units':>8} {'ours s':>9} {'loop s':>10} {'ratio':>7}")
    for label, ours, loop in cases:
        if only and not any(word in label for word in only):
            continue
        ours_time, values = _cpu(ours)
        loop_time, loop_values = _cpu(loop)
        values = np.asarray(values)
        _check(label, values[sample], np.asarray(loop_values))
        _row(label, n, ours_time, loop_time * scale, f"(loop: {sample.size:,} units, x{scale:.0f})")
    for rts in ("crs", "vrs"):
        label = f"super-sbm, {rts}"
        if only and not any(word in label for word in only):
            continue
        ours_time, result = _cpu(lambda rts=rts: nt.frontier.sbm(data, INPUTS, GOODS, BADS, rts=rts,
                                                                   super_efficiency=True).to_frame())
        sbm_time, rho = _cpu(lambda rts=rts: loop_sbm(data, evaluated, rts))
        efficient = np.flatnonzero(result["super"].to_numpy())  # the units with rho = 1 (the same in the loop)
        super_time, delta = _cpu(lambda rts=rts, efficient=efficient: loop_super_sbm(data, efficient, rts))
        _check(label, result.efficiency.to_numpy()[efficient], np.asarray(delta))
        _check(label + " (sbm)", np.minimum(result.efficiency.to_numpy()[sample], 1.0), np.asarray(rho))
        _row(label, n, ours_time, sbm_time * scale + super_time,
             f"(loop: sbm of {sample.size:,} units x{scale:.0f}, super-sbm of all {efficient.size} efficient)")


def panel_indices(firms: int, years: int, share: float, only: list[str] | None) -> None:
    panel = panel_data(firms, years)
    n = len(panel)
    # whole firms, so the loop's distances give index values to check
    firms_drawn = np.random.default_rng(1).choice(firms, max(1, int(share * firms)), replace=False)
    sample = np.flatnonzero(panel["firm"].isin(firms_drawn).to_numpy())
    scale = n / sample.size
    kw = {"entity": "firm", "time": "year", "frontier": "global"}
    zaw = nt.frontier.nonradial.nonradial_weights(INPUTS, GOODS, BADS, "all")
    fw = nt.frontier.nonradial.slacks_based_weights(INPUTS, GOODS, BADS)
    cases: list[tuple[str, Callable[[], object], Callable[[pd.DataFrame, pd.DataFrame], np.ndarray], str]] = [
        ("malmquist_luenberger radial, global",
         lambda: nt.frontier.malmquist_luenberger(panel, INPUTS, GOODS, BADS, **kw),
         lambda ref, ev: loop_radial_ddf(ref, ev, "crs"), "ratio"),
        ("malmquist_luenberger nonradial, global",
         lambda: nt.frontier.malmquist_luenberger(panel, INPUTS, GOODS, BADS, distance="nonradial", direction="all",
                                                  **kw),
         lambda ref, ev: loop_nonradial(ref, ev, "crs", zaw), "ratio"),
        ("malmquist_luenberger sbm, global",
         lambda: nt.frontier.malmquist_luenberger(panel, INPUTS, GOODS, BADS, distance="sbm", direction="all", **kw),
         lambda ref, ev: loop_nonradial(ref, ev, "crs", fw), "ratio"),
        ("malmquist (dea), global",
         lambda: nt.frontier.malmquist(panel, INPUTS, GOODS, **kw),
         lambda ref, ev: loop_radial_dea(ref, ev, "crs"), "dea"),
    ]
    print(f"{'case':<40} {'firm-yrs':>8} {'ours s':>9} {'loop s':>10} {'ratio':>7}")
    for label, ours, loop, kind in cases:
        if only and not any(word in label for word in only):
            continue
        ours_time, result = _cpu(ours)
        pooled_time, pooled = _cpu(lambda loop=loop: loop(panel, panel.iloc[sample]))
        own_time = 0.0
        for _, period in panel.groupby("year"):
            seconds, _ = _cpu(lambda loop=loop, period=period: loop(period, period))
            own_time += seconds
            if kind == "dea":  # pure and scale efficiency change: each year's VRS scores too
                seconds, _ = _cpu(lambda period=period: loop_radial_dea(period, period, "vrs"))
                own_time += seconds
        # the index from the loop's pooled distances, where both ends were solved
        d = pd.Series(np.nan, index=panel.index)
        d.iloc[sample] = pooled
        keyed = pd.Series(d.to_numpy(), index=pd.MultiIndex.from_frame(panel[["firm", "year"]]))
        prev = keyed.groupby(level="firm").shift(1)
        expected = ((1 + prev) / (1 + keyed)) if kind == "ratio" else keyed / prev
        expected = expected.dropna()
        got = result.changes["tfpch"].reindex(expected.index)  # type: ignore[attr-defined]
        _check(label, got.to_numpy(), expected.to_numpy())
        _row(label, n, ours_time, pooled_time * scale + own_time,
             f"(loop: pooled LPs of {sample.size:,} firm-years x{scale:.0f}; {expected.size} index values checked)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--firms", type=int, default=3000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--loop-share", type=float, default=0.1, help="share of the units the plain loop solves")
    parser.add_argument("--panel-loop-share", type=float, default=0.02,
                        help="share of the firms whose pooled-frontier LPs the plain loop solves in the panel cases")
    parser.add_argument("--only", nargs="+", default=None, help="cases whose label contains one of these words")
    args = parser.parse_args()
    from importlib.metadata import version

    print(f"machine: {platform.machine()}, CPython {platform.python_version()}, numpy {np.__version__}, "
          f"highspy {version('highspy')}")
    warm = _units(200, seed=2)
    nt.frontier.sbm(warm, INPUTS, GOODS, BADS, super_efficiency=True)
    loop_sbm(warm, warm.iloc[:5], "crs")
    print("CPU seconds; ratio = loop / ours")
    if args.units:
        cross_section(args.units, args.loop_share, args.only)
    if args.firms:
        panel_indices(args.firms, args.years, args.panel_loop_share, args.only)


if __name__ == "__main__":
    main()
