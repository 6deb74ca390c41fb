"""Radial scores of many units against one reference set in few LP solves: the bootstrap's inner loop.

A DEA bootstrap scores the same ``n`` units against ``B`` new reference sets (Simar and Wilson 1998), so
each reference set is used once and its scores must come fast. Three steps, each exact:

1. **Dominated units out.** A reference unit ``j`` that another unit ``k`` covers (``t x_k <= x_j`` and
   ``t y_k >= y_j`` for a scaling ``t`` the returns to scale allow: ``t = 1`` always, any ``t > 0`` under
   CRS, ``t <= 1`` under NIRS, ``t >= 1`` under NDRS) lies in the technology the others span, so leaving it
   out changes no score. A vectorised pairwise test removes most units before any LP.
2. **The frame** of what is left (Dulá 2011; :mod:`nqpf_tfp.frontier.frame`): the extreme-efficient units
   that span the technology, so every scoring LP has a few columns.
3. **Block-diagonal LPs.** The units' LPs against the frame are independent, so ``CHUNK`` of them are
   stacked into one LP whose objective is the sum of theirs: its optimum is each block's optimum. One HiGHS
   solve replaces ``CHUNK`` calls (the per-call overhead dominates LPs this small). Done for frames of up to
   ``STACK_FRAME`` units; against larger frames each unit's LP is re-solved with a warm start instead. A block that is
   infeasible makes its stacked LP infeasible; that chunk is then solved unit by unit, so every status is
   the unit's own.

References
----------
Dulá, J. H. (2011). An algorithm for data envelopment analysis. *INFORMS Journal on Computing* 23(2),
284-296.
Simar, L. and Wilson, P. W. (1998). Sensitivity analysis of efficiency scores: how to bootstrap in
nonparametric frontier models. *Management Science* 44(1), 49-61.
"""

from __future__ import annotations

import numpy as np

from .frame import build_frame
from .lp import quiet_highs, uses_highspy
from .radial import radial_scores

__all__ = ["batch_radial_scores", "scores_of_scaled_units", "undominated"]

#: units stacked into one LP; 100 was fastest on 1,000-unit VRS and CRS frontiers (25 to 250 tried)
CHUNK = 100
#: frames up to this many units are scored by stacked LPs; larger ones unit by unit with warm starts (on
#: 1,000-unit VRS pseudo-data with 61 frame units the stacked LPs were no faster, with 20-30 up to 2.6 times)
STACK_FRAME = 40
#: units tested as dominators of the others (a pairwise test against all would cost more than it saves)
_DOMINATORS = 64
#: rows of the pairwise domination test held at once (``rows x n x variables`` booleans)
_BLOCK = 256


def undominated(x: np.ndarray, y: np.ndarray, rts: str, by: np.ndarray | None = None) -> np.ndarray:
    """Indices of the units that no unit of ``by`` (indices; default all) covers under ``rts`` (step 1 of
    :mod:`~nqpf_tfp.frontier.batch`).

    Of identical units the first is kept. The technology spanned by the kept units is the technology
    spanned by all of them, whichever ``by`` is given (a smaller ``by`` only removes fewer units).
    """
    n = x.shape[0]
    by = np.arange(n) if by is None else np.asarray(by)
    xb, yb = x[by], y[by]
    keep = np.ones(n, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n, _BLOCK):
            rows = np.arange(start, min(n, start + _BLOCK))
            # t[j, k]: the smallest allowed scaling of unit k that produces unit j's outputs
            ratio = np.max(y[rows, None, :] / yb[None, :, :], axis=2)  # y_j / y_k, inf where y_k = 0 < y_j
            ratio = np.where(np.isnan(ratio), 0.0, ratio)  # 0 / 0: that output asks nothing of k
            if rts == "vrs":
                t = np.where(ratio <= 1.0, 1.0, np.inf)
            elif rts == "crs":
                t = ratio
            elif rts == "nirs":
                t = np.where(ratio <= 1.0, ratio, np.inf)
            else:  # ndrs
                t = np.maximum(ratio, 1.0)
            fits = np.isfinite(t) & np.all(t[:, :, None] * xb[None, :, :] <= x[rows, None, :], axis=2)
            # a unit does not cover itself, and of identical units the earlier one stays
            same = np.all(x[rows, None, :] == xb[None, :, :], axis=2) & np.all(y[rows, None, :] == yb[None, :, :],
                                                                                 axis=2)
            fits &= ~(same & (by[None, :] >= rows[:, None]))
            keep[rows] = ~fits.any(axis=1)
    return np.flatnonzero(keep)


def batch_radial_scores(x: np.ndarray, y: np.ndarray, x_ref: np.ndarray, y_ref: np.ndarray, rts: str,
                        orientation: str, solver: str = "auto") -> tuple[np.ndarray, list[str]]:
    """The radial optimum (theta, or phi for output orientation) and LP status of each row of ``(x, y)``
    against the reference rows (arrays on a common scale), through dominance, the frame and stacked LPs.

    The numbers equal :func:`~nqpf_tfp.frontier.radial.radial_scores` against all reference rows (to the
    LP tolerance); NaN where not optimal.
    """
    # likely dominators: the most productive units by a crude ratio (the order the frame search uses)
    ratio = y_ref.sum(axis=1) / np.maximum(x_ref.sum(axis=1), 1e-300)
    candidates = undominated(x_ref, y_ref, rts, by=np.argsort(-ratio, kind="stable")[:_DOMINATORS])
    frame = candidates[build_frame(x_ref[candidates], y_ref[candidates], rts, solver).units]
    xf, yf = x_ref[frame], y_ref[frame]
    if frame.size > STACK_FRAME or not uses_highspy(solver):
        values, statuses, _ = radial_scores(x, y, xf, yf, rts, orientation, False, solver)
        return values, statuses
    values = np.full(x.shape[0], np.nan)
    statuses = ["optimal"] * x.shape[0]
    for start in range(0, x.shape[0], CHUNK):
        rows = slice(start, min(x.shape[0], start + CHUNK))
        found = _stacked(x[rows], y[rows], xf, yf, rts, orientation)
        if found is None:  # some block is not optimal: unit by unit, for each unit's own status
            found, words, _ = radial_scores(x[rows], y[rows], xf, yf, rts, orientation, False, solver)
            statuses[rows] = words
        values[rows] = found
    return values, statuses


def scores_of_scaled_units(x_ref: np.ndarray, y_ref: np.ndarray, scale: np.ndarray, rts: str,
                           solver: str = "auto") -> tuple[np.ndarray, list[str]]:
    """Efficiencies of observed units whose counterparts in the reference set are themselves rescaled, as in
    the bootstrap's pseudo-data: unit ``i`` is ``(x_ref_i scale_i, y_ref_i)`` (input orientation, any returns
    to scale) or ``(x_ref_i, y_ref_i / scale_i)`` (output orientation under CRS).

    The radial input measure is homogeneous of degree -1 in the inputs, ``theta(c x, y) = theta(x, y) / c``,
    so unit ``i``'s score is its counterpart's own score divided by ``scale_i``; output efficiency ``1 / phi``
    is homogeneous of degree 1 in the outputs and equals ``theta`` under CRS. The counterparts' own scores are
    the LPs that find the frame of the reference set (:mod:`~nqpf_tfp.frontier.frame`): one small LP per unit,
    where scoring against the frame would take a second.
    """
    fr = build_frame(x_ref, y_ref, rts, solver)
    return fr.theta / scale, fr.status


def _stacked(x: np.ndarray, y: np.ndarray, xf: np.ndarray, yf: np.ndarray, rts: str,
             orientation: str) -> np.ndarray | None:
    """One LP holding every unit's envelopment LP as a diagonal block; None when it is not optimal."""
    import highspy

    n, m = x.shape
    s, k = y.shape[1], xf.shape[0]
    r = m + s + (rts != "crs")  # rows per block
    c = 1 + k  # columns per block: the radial factor, then the frame's lambdas
    block = np.zeros((r, k))
    block[:m], block[m:m + s] = xf.T, yf.T
    if rts != "crs":
        block[-1] = 1.0
    base = np.arange(n) * r
    # the radial column: -x_o in the input rows (input orientation) or -y_o in the output rows
    radial_rows = np.arange(m) if orientation == "input" else m + np.arange(s)
    radial_values = -(x if orientation == "input" else y)
    lam_rows = np.flatnonzero(np.ones(r))
    per_block = radial_rows.size + k * r
    index = np.empty((n, per_block), dtype=np.int32)
    value = np.empty((n, per_block))
    index[:, :radial_rows.size] = base[:, None] + radial_rows[None, :]
    value[:, :radial_rows.size] = radial_values
    index[:, radial_rows.size:] = (base[:, None, None] + lam_rows[None, None, :]).repeat(k, axis=1).reshape(n, -1)
    value[:, radial_rows.size:] = np.tile(block.T.ravel(), (n, 1))
    lengths = np.tile(np.r_[radial_rows.size, np.full(k, r)], n)
    # rows: input rows <= 0 (input) or <= x_o (output); output rows >= y_o (input) or >= 0 (output)
    inf = highspy.kHighsInf
    lower = np.full((n, r), -inf)
    upper = np.full((n, r), inf)
    if orientation == "input":
        upper[:, :m] = 0.0
        lower[:, m:m + s] = y
    else:
        upper[:, :m] = x
        lower[:, m:m + s] = 0.0
    if rts != "crs":
        lo, hi = {"vrs": (1.0, 1.0), "nirs": (-inf, 1.0), "ndrs": (1.0, inf)}[rts]
        lower[:, -1], upper[:, -1] = lo, hi
    cost = np.zeros(n * c)
    cost[::c] = 1.0 if orientation == "input" else -1.0
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n * c, n * r
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = np.zeros(n * c), np.full(n * c, inf)
    lp.row_lower_, lp.row_upper_ = lower.ravel(), upper.ravel()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.r_[0, np.cumsum(lengths)].astype(np.int32)
    lp.a_matrix_.index_ = index.ravel()
    lp.a_matrix_.value_ = value.ravel()
    h = quiet_highs()
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.asarray(h.getSolution().col_value)[::c]
