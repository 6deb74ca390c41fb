"""Directional distances of a reference set's own units by column generation: one small LP per unit.

When the evaluated unit belongs to the reference set, its distance needs no frame computed beforehand.
The LP starts from the reference columns gathered so far (shared by all units); after each solve every
reference unit's column is priced at the LP's dual prices (one matrix-vector product), and the best
column that would enter (``a_j'dual > 0`` in HiGHS's sign) joins the LP, until none would. The optimum
then is the optimum over all reference units (the LP's reduced costs are all non-negative: Dantzig and
Wolfe 1960's column generation). A unit whose LP is infeasible brings in its own column, which makes
it feasible (``lambda_o = 1, beta = 0``). The gathered columns are, after a few units, the frame of the
technology (see :mod:`nqpf_tfp.frontier.frame`), so the LPs stay small and the pricing rarely adds one.

References
----------
Dantzig, G. B. and Wolfe, P. (1960). Decomposition principle for linear programs. *Operations Research*
8(1), 101-111.
Dulá, J. H. (2011). An algorithm for data envelopment analysis. *INFORMS Journal on Computing* 23(2),
284-296.
"""

from __future__ import annotations

import numpy as np

from .lp import quiet_highs

__all__ = ["PRICING", "priced_distances"]

#: a column enters when it prices above this (variables are scaled to mean 1)
PRICING = 1e-9


def priced_distances(x: np.ndarray, y: np.ndarray, b: np.ndarray, g: np.ndarray, rts: str,
                     evaluate: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Radial directional distances ``max beta`` of the reference units ``evaluate`` (row positions in
    ``x, y, b``, the scaled reference set) in directions ``g`` (one row per evaluated unit, columns
    ``(g_x, g_y, g_b)``), under "crs" or "vrs"; needs highspy."""
    import highspy

    n, m = x.shape
    s, k = y.shape[1], b.shape[1]
    rows = m + s + k + (rts == "vrs")
    columns = np.column_stack([x, y, b] + ([np.ones(n)] if rts == "vrs" else []))
    h = quiet_highs()
    inf = highspy.kHighsInf
    h.addVar(-inf, inf)  # beta, free
    h.changeColCost(0, -1.0)  # maximise beta
    signs = np.r_[np.ones(m), -np.ones(s), np.ones(k)]  # X lam + beta g_x <= x; Y lam - beta g_y >= y; B ...
    no_index, no_value = np.empty(0, dtype=np.int32), np.empty(0)
    for _ in range(m + s + k):
        h.addRow(-inf, inf, 0, no_index, no_value)
    if rts == "vrs":
        h.addRow(1.0, 1.0, 0, no_index, no_value)
    all_rows = np.arange(rows, dtype=np.int32)
    in_lp = np.zeros(n, dtype=bool)
    optimal = highspy.HighsModelStatus.kOptimal

    def join(j: int) -> None:
        in_lp[j] = True
        h.addCol(0.0, 0.0, inf, rows, all_rows, columns[j])

    status: list[str] = []
    out = np.full(evaluate.size, np.nan)
    for pos, o in enumerate(evaluate):
        o = int(o)
        coefficients = signs * g[pos]
        for r in range(m + s + k):
            h.changeCoeff(r, 0, float(coefficients[r]))
        for i in range(m):
            h.changeRowBounds(i, -inf, float(x[o, i]))
        for r in range(s):
            h.changeRowBounds(m + r, float(y[o, r]), inf)
        for j in range(k):
            h.changeRowBounds(m + s + j, float(b[o, j]), float(b[o, j]))
        if not in_lp.any():
            join(o)
        word = "not solved"
        for _ in range(n + 1):  # each round adds a column not in the LP: it ends
            h.run()
            if h.getModelStatus() != optimal:
                if in_lp[o]:
                    word = str(h.modelStatusToString(h.getModelStatus())).lower()
                    break
                join(o)
                continue
            solution = h.getSolution()
            prices = columns @ np.asarray(solution.row_dual)
            prices[in_lp] = -np.inf
            best = int(np.argmax(prices))
            if prices[best] <= PRICING:
                word, out[pos] = "optimal", float(solution.col_value[0])
                break
            join(best)
        status.append(word)
    return status, out
