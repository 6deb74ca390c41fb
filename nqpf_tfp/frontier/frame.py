"""The frame of a DEA technology: the few reference units that span it, found before the per-unit LPs.

Every radial score, slack and target of a DEA model depends on the reference units only through the
technology they span, ``T = {(x, y): x >= X lambda, y <= Y lambda, lambda >= 0 [, rts row]}``. That
technology is spanned by its *frame*, the extreme-efficient units, usually a small share of the data
(62 of 10,000 uniform units in five dimensions under CRS). Dulá (2011) finds the frame with LPs whose
columns are the frame found so far, so every LP is small:

1. Units are visited in decreasing order of a crude productivity ratio (likely frame units first).
2. Unit ``o`` is tested against the current frame ``F`` with the input-oriented radial LP
   ``min theta s.t. X_F lambda <= theta x_o, Y_F lambda >= y_o, lambda >= 0 [, rts row]``.
   ``theta <= 1`` means ``o`` lies in ``T(F)``.
3. Otherwise the unit whose column prices best at the LP's dual prices (the most violated
   supporting hyperplane of ``T(F)``) joins ``F``, and ``o`` is tested again; if no unit prices
   positively, or the LP is infeasible (VRS), ``o`` itself joins. A unit that joins never prices
   positively again, so the loop ends.

When every unit lies in ``T(F)``, ``T(F)`` contains the whole technology: scores against ``F`` equal
scores against all units, exactly (the test in ``tests/test_frontier_dea.py`` compares both). The
LP of step 2 *is* the unit's input-oriented score against ``F``; it stays the score against the final
frame when no unit added later prices positively at that LP's duals (checked at the end for every
unit, vectorised), so most units need one small LP in all.

Undesirable outputs under weak disposability enter as equality rows, ``B_F lambda = b_o`` (the
technology of the directional distance functions); the same argument holds: a unit lies in ``T(F)`` when
the radial LP with those rows has ``theta <= 1``, and a technology containing every unit contains their
combinations, so distances against the frame equal distances against all units.

References
----------
Dulá, J. H. (2011). An algorithm for data envelopment analysis. *INFORMS Journal on Computing* 23(2),
284-296.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lp import INF, quiet_highs, uses_highspy
from .radial import scores_in_blocks

__all__ = ["Frame", "build_frame", "parallel_frame"]

#: scores within this of 1 count as "inside the technology" (variables are scaled to mean 1)
INSIDE = 1e-9
#: a unit prices positively (would enter the LP) above this
PRICING = 1e-9

_RTS_ROW = {"vrs": (1.0, 1.0), "nirs": (-INF, 1.0), "ndrs": (1.0, INF)}


@dataclass(frozen=True)
class Frame:
    """The frame of a technology and the input-oriented scores of its units against it.

    ``units`` are indices (into the reference arrays) of the frame, in the order found; ``theta``,
    ``status`` and the sparse ``lambdas`` ``(unit, reference unit, weight)`` are every reference
    unit's input-oriented radial LP against the final frame (reference units indexed as the input);
    ``lps`` counts the LPs solved.
    """

    units: np.ndarray
    theta: np.ndarray
    status: list[str]
    lambdas: tuple[np.ndarray, np.ndarray, np.ndarray]
    lps: int
    #: each unit's LP's row duals (NaN where not optimal): a column ``a`` would enter where ``a'dual > 0``
    duals: np.ndarray | None = None


class _GrowingLP:
    """``min theta`` over the columns added so far; HiGHS adds columns in place, SciPy rebuilds."""

    def __init__(self, m: int, s: int, rts: str, solver: str, k: int = 0) -> None:
        self.m, self.s, self.k, self.rts = m, s, k, rts
        self.rows = m + s + k + (rts != "crs")
        self.columns: list[np.ndarray] = []
        self.highs = None
        if uses_highspy(solver):
            import highspy

            h = quiet_highs()
            inf = highspy.kHighsInf
            h.addVar(-inf, inf)  # theta, free
            h.changeColCost(0, 1.0)
            no_index, no_value = np.empty(0, dtype=np.int32), np.empty(0)
            for _ in range(m):  # X lambda - theta x_o <= 0
                h.addRow(-inf, 0.0, 1, np.array([0], dtype=np.int32), np.array([-1.0]))
            for _ in range(s + k):  # Y lambda >= y_o; B lambda = b_o (bounds set per unit)
                h.addRow(0.0, inf, 0, no_index, no_value)
            if rts != "crs":
                lo, hi = _RTS_ROW[rts]
                h.addRow(-inf if lo == -INF else lo, inf if hi == INF else hi, 0, no_index, no_value)
            self.highs, self.inf = h, inf
            self.all_rows = np.arange(self.rows, dtype=np.int32)

    def add(self, column: np.ndarray) -> None:
        self.columns.append(column)
        if self.highs is not None:
            self.highs.addCol(0.0, 0.0, self.inf, self.rows, self.all_rows, column)

    def solve(self, x_o: np.ndarray, y_o: np.ndarray,
              b_o: np.ndarray | None = None) -> tuple[str, float, np.ndarray, np.ndarray]:
        """Status, theta, lambdas and the row duals (HiGHS's sign: a column prices in when ``a_j'dual > 0``)."""
        b_o = np.empty(0) if b_o is None else b_o
        if self.highs is None:
            return self._solve_scipy(x_o, y_o, b_o)
        import highspy

        h, m, s = self.highs, self.m, self.s
        for i in range(m):
            h.changeCoeff(i, 0, -float(x_o[i]))
        for r in range(s):
            h.changeRowBounds(m + r, float(y_o[r]), self.inf)
        for j in range(self.k):
            h.changeRowBounds(m + s + j, float(b_o[j]), float(b_o[j]))
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            word = "infeasible" if status == highspy.HighsModelStatus.kInfeasible else \
                str(h.modelStatusToString(status)).lower()
            return word, np.nan, np.empty(0), np.empty(0)
        solution = h.getSolution()
        values = np.asarray(solution.col_value)
        return "optimal", float(values[0]), values[1:], np.asarray(solution.row_dual)

    def _solve_scipy(self, x_o: np.ndarray, y_o: np.ndarray,
                     b_o: np.ndarray) -> tuple[str, float, np.ndarray, np.ndarray]:
        from scipy.optimize import linprog

        m, s, nb = self.m, self.s, self.k
        cols = np.array(self.columns).T  # rows x columns
        k = cols.shape[1]
        a_ub = np.zeros((m + s, 1 + k))  # X lambda - theta x_o <= 0; -Y lambda <= -y_o
        a_ub[:m, 0], a_ub[:m, 1:] = -x_o, cols[:m]
        a_ub[m:, 1:] = -cols[m:m + s]
        b_ub = np.r_[np.zeros(m), -y_o]
        eq_rows = [np.r_[0.0, cols[m + s + j]] for j in range(nb)]  # B lambda = b_o
        eq_values = list(b_o)
        if self.rts == "vrs":
            eq_rows.append(np.r_[0.0, cols[-1]])
            eq_values.append(1.0)
        a_eq = np.array(eq_rows) if eq_rows else None
        b_eq = np.array(eq_values) if eq_rows else None
        if self.rts == "nirs":  # sum lambda <= 1
            a_ub, b_ub = np.vstack([a_ub, np.r_[0.0, cols[-1]]]), np.r_[b_ub, 1.0]
        elif self.rts == "ndrs":  # sum lambda >= 1
            a_ub, b_ub = np.vstack([a_ub, -np.r_[0.0, cols[-1]]]), np.r_[b_ub, -1.0]
        res = linprog(np.r_[1.0, np.zeros(k)], A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                      bounds=[(None, None)] + [(0, None)] * k, method="highs")
        if res.status != 0:
            return {2: "infeasible", 3: "unbounded"}.get(res.status, "not solved"), np.nan, np.empty(0), np.empty(0)
        # row duals in HiGHS's orientation of the rows (X, Y, rts): d_X = m_X, d_Y = -m_Y, d_rts by its form
        marg = res.ineqlin.marginals
        dual = np.r_[marg[:m], -marg[m:m + s]]
        if nb:
            dual = np.r_[dual, res.eqlin.marginals[:nb]]
        if self.rts == "vrs":
            dual = np.r_[dual, res.eqlin.marginals[nb:]]
        elif self.rts == "nirs":
            dual = np.r_[dual, marg[m + s]]
        elif self.rts == "ndrs":
            dual = np.r_[dual, -marg[m + s]]
        return "optimal", float(res.x[0]), res.x[1:], dual


def build_frame(x: np.ndarray, y: np.ndarray, rts: str, solver: str = "auto",
                b: np.ndarray | None = None) -> Frame:
    """The frame of the technology spanned by the units ``(x, y[, b])`` (already scaled), Dulá's procedure.

    See :mod:`nqpf_tfp.frontier.frame`. ``rts`` is one of "crs", "vrs", "nirs", "ndrs"; ``b`` are undesirable
    outputs under weak disposability (equality rows).
    """
    n, m = x.shape
    s = y.shape[1]
    b = np.empty((n, 0)) if b is None else b
    columns = np.column_stack([x, y, b] + ([np.ones(n)] if rts != "crs" else []))  # each unit's LP column
    lp = _GrowingLP(m, s, rts, solver, b.shape[1])
    in_frame = np.full(n, -1)  # position in the frame, or -1
    frame: list[int] = []

    def join(j: int) -> None:
        in_frame[j] = len(frame)
        frame.append(j)
        lp.add(columns[j])

    theta = np.full(n, np.nan)
    status = ["not solved"] * n
    duals = np.full((n, columns.shape[1]), np.nan)
    lambdas: list[np.ndarray | None] = [None] * n
    frame_size_at = np.zeros(n, dtype=np.int64)  # frame size when the unit's LP was solved
    lps = 0
    order = np.argsort(-(y.sum(axis=1) / np.maximum(x.sum(axis=1), 1e-300)), kind="stable")
    join(int(order[0]))
    for o in order[1:]:
        o = int(o)
        if in_frame[o] >= 0:
            continue
        while True:
            word, value, lam, dual = lp.solve(x[o], y[o], b[o])
            lps += 1
            if word == "optimal" and value <= 1.0 + INSIDE:
                theta[o], status[o], duals[o], lambdas[o] = value, word, dual, lam
                frame_size_at[o] = len(frame)
                break
            entering = o
            if word == "optimal":
                prices = columns @ dual
                best = int(np.argmax(prices))
                if prices[best] > PRICING and in_frame[best] < 0:
                    entering = best
            join(entering)
            if entering == o:
                break
    # a unit's LP is its score against the final frame unless a later frame unit prices in at its duals
    stale = np.flatnonzero(np.isnan(theta) | (frame_size_at < len(frame)))
    frame_columns = columns[np.array(frame)]
    for o in stale:
        o = int(o)
        if np.isfinite(theta[o]):
            later = frame_columns[frame_size_at[o]:]
            previous = lambdas[o]
            if previous is not None and not np.any(later @ duals[o] > PRICING):
                lambdas[o] = np.r_[previous, np.zeros(len(frame) - frame_size_at[o])]
                continue
        word, value, lam, dual = lp.solve(x[o], y[o], b[o])
        lps += 1
        theta[o], status[o], lambdas[o] = (value if word == "optimal" else np.nan), word, lam
        duals[o] = dual if word == "optimal" else np.nan
    units = np.array(frame, dtype=np.int64)
    rows, cols, weights = [], [], []
    for o in range(n):
        found = lambdas[o]
        if status[o] == "optimal" and found is not None:
            positive = np.flatnonzero(found > 1e-10)
            rows.append(np.full(positive.size, o))
            cols.append(units[positive])
            weights.append(found[positive])
    empty = np.empty(0, dtype=np.int64)
    sparse = (np.concatenate(rows) if rows else empty, np.concatenate(cols) if cols else empty,
              np.concatenate(weights) if weights else np.empty(0))
    return Frame(units, theta, status, sparse, lps, duals)


def _block_frame(task: tuple[np.ndarray, np.ndarray, np.ndarray, str, str]) -> tuple[np.ndarray, Frame]:
    x, y, rows, rts, solver = task
    return rows, build_frame(x[rows], y[rows], rts, solver)


def parallel_frame(x: np.ndarray, y: np.ndarray, rts: str, solver: str, *, n_jobs: int,
                   backend: str) -> Frame:
    """The frame and the input-oriented scores found in parallel (Dulá 2011, in blocks).

    Each of ``n_jobs`` blocks of units finds its own frame and its units' scores against it; the frame
    of the union of the block frames is the frame of all units (a unit extreme in the whole set is
    extreme in any block holding it). A block's score stays a unit's score unless a unit of the final
    frame prices in at that LP's duals (checked for all units at once); those are solved again against
    the final frame, in blocks on the workers. About two LPs per unit in all, spread over the workers:
    worth it from three workers on (on two, the serial route's single pass is as fast).
    """
    from ..parallel import map_tasks, split_blocks

    blocks = split_blocks(x.shape[0], n_jobs, backend)
    parts = list(map_tasks(_block_frame, [(x, y, rows, rts, solver) for rows in blocks], backend=backend,
                           n_jobs=n_jobs))
    union = np.sort(np.concatenate([rows[fr.units] for rows, fr in parts]))
    final = union[build_frame(x[union], y[union], rts, solver).units]
    n = x.shape[0]
    theta, status = np.full(n, np.nan), ["not solved"] * n
    columns = np.column_stack([x, y] + ([np.ones(n)] if rts != "crs" else []))[final]
    lam_rows, lam_cols, lam_weights = [], [], []
    stale: list[np.ndarray] = []
    for rows, fr in parts:
        assert fr.duals is not None
        with np.errstate(invalid="ignore"):
            priced = np.nanmax(fr.duals @ columns.T, axis=1, initial=-np.inf)
        keep = np.array([st == "optimal" for st in fr.status]) & (priced <= PRICING)
        theta[rows[keep]] = fr.theta[keep]
        for o in np.flatnonzero(keep):
            status[rows[o]] = "optimal"
        mine = keep[fr.lambdas[0]]
        lam_rows.append(rows[fr.lambdas[0][mine]])
        lam_cols.append(rows[fr.lambdas[1][mine]])
        lam_weights.append(fr.lambdas[2][mine])
        stale.append(rows[~keep])
    redo = np.concatenate(stale)
    lps = sum(fr.lps for _, fr in parts) + redo.size
    if redo.size:  # against the final frame, in blocks on the workers
        values, words, (rows, cols, weights) = scores_in_blocks(x[redo], y[redo], x, y, final, rts, "input",
                                                                solver, n_jobs, backend)
        theta[redo] = values
        for o, word in zip(redo, words):
            status[o] = word
        lam_rows.append(redo[rows])
        lam_cols.append(cols)
        lam_weights.append(weights)
    sparse = (np.concatenate(lam_rows), np.concatenate(lam_cols), np.concatenate(lam_weights))
    return Frame(np.sort(final), theta, status, sparse, lps)
