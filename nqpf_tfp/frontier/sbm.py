"""Tone's slacks-based measure (SBM), non-oriented, with undesirable outputs.

For unit ``o`` with inputs ``x`` (m), good outputs ``y^g`` (s1) and bad outputs ``y^b`` (s2):

.. math::

    \\rho_o = \\min \\frac{1 - \\frac{1}{m}\\sum_i s^-_i / x_{io}}
                      {1 + \\frac{1}{s_1 + s_2}\\left(\\sum_r s^g_r / y^g_{ro} + \\sum_k s^b_k / y^b_{ko}\\right)}
    \\quad\\text{s.t.}\\quad x_o = X\\lambda + s^-,\\ y^g_o = Y^g\\lambda - s^g,\\ y^b_o = Y^b\\lambda + s^b,

``lambda, s >= 0`` (and ``sum lambda = 1`` for VRS): Tone (2001) without bad outputs, Tone (2003)
with them. The fractional program is solved as one linear program by the Charnes-Cooper
transformation (``t = 1 / denominator``). The score lies in (0, 1] and is 1 exactly when the unit
has no slack at all; it never exceeds the radial CCR score. Every input and output must be
positive (the slacks are divided by the unit's own values).

References
----------
Tone, K. (2001). A slacks-based measure of efficiency in data envelopment analysis. *European Journal
of Operational Research* 130(3), 498-509.
Tone, K. (2003). Dealing with undesirable outputs in DEA: a slacks-based measure (SBM) approach.
GRIPS Research Report I-2003-0005.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ConvergenceWarning, SpecificationError, warn
from ..options import check_option
from .lp import INF, LPTemplate
from .variables import roles, values

__all__ = ["sbm"]


def sbm(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
        bad_outputs: str | Sequence[str] | None = None, *, rts: str = "crs", solver: str = "auto") -> pd.DataFrame:
    """Non-oriented SBM efficiency (Tone 2001; with ``bad_outputs``, Tone 2003) of every row of ``data``.

    Returns a frame on ``data``'s index: ``efficiency`` (rho, NaN where the LP is not optimal),
    ``status``, and the slacks ``slack_<column>`` in the data's units.
    """
    rts = check_option("dea_rts", rts)
    if rts not in ("crs", "vrs"):
        raise SpecificationError(f"rts={rts!r}: the SBM takes 'crs' or 'vrs'.")
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"data must be a pandas DataFrame, not {type(data).__name__}.")
    ins, goods, bads = roles(inputs, outputs, bad_outputs, what="the SBM")
    x = values(data, ins, "input", positive=True)
    yg = values(data, goods, "output", positive=True)
    yb = values(data, bads, "bad output", positive=True)
    scale = [v.mean(axis=0) for v in (x, yg, yb)]
    x, yg, yb = (v / s if v.size else v for v, s in zip((x, yg, yb), scale))
    n, m, s1, s2 = x.shape[0], x.shape[1], yg.shape[1], yb.shape[1]
    # columns: t, Lambda (n), S- (m), Sg (s1), Sb (s2); rows: normalisation, inputs, goods, bads[, VRS]
    n_cols = 1 + n + m + s1 + s2
    a = np.zeros((1 + m + s1 + s2 + (rts == "vrs"), n_cols))
    a[0, 0] = 1.0
    lam, sm, sg, sb = slice(1, 1 + n), slice(1 + n, 1 + n + m), slice(1 + n + m, 1 + n + m + s1), slice(
        1 + n + m + s1, n_cols)
    a[1:1 + m, lam], a[1:1 + m, sm] = x.T, np.eye(m)
    a[1 + m:1 + m + s1, lam], a[1 + m:1 + m + s1, sg] = yg.T, -np.eye(s1)
    a[1 + m + s1:1 + m + s1 + s2, lam], a[1 + m + s1:1 + m + s1 + s2, sb] = yb.T, np.eye(s2)
    if rts == "vrs":
        a[-1, lam], a[-1, 0] = 1.0, -1.0
    rows = a.shape[0]
    lower, upper = np.zeros(rows), np.zeros(rows)
    lower[0] = upper[0] = 1.0
    cost = np.zeros(n_cols)
    cost[0] = 1.0
    lp = LPTemplate(cost, a, lower, upper, np.r_[1e-12, np.zeros(n_cols - 1)], np.full(n_cols, INF), backend=solver)
    rho = np.full(n, np.nan)
    statuses = []
    slacks = np.full((n, m + s1 + s2), np.nan)
    for o in range(n):
        for i in range(m):
            lp.set_cost(1 + n + i, -1.0 / (m * x[o, i]))
            lp.set_coefficient(1 + i, 0, -x[o, i])
        for r in range(s1):
            lp.set_coefficient(0, 1 + n + m + r, 1.0 / ((s1 + s2) * yg[o, r]))
            lp.set_coefficient(1 + m + r, 0, -yg[o, r])
        for k in range(s2):
            lp.set_coefficient(0, 1 + n + m + s1 + k, 1.0 / ((s1 + s2) * yb[o, k]))
            lp.set_coefficient(1 + m + s1 + k, 0, -yb[o, k])
        sol = lp.solve()
        statuses.append(sol.status)
        if sol.status == "optimal":
            rho[o] = sol.objective
            slacks[o] = sol.values[1 + n:] / sol.values[0]  # back from the Charnes-Cooper variables
    frame = pd.DataFrame({"efficiency": rho, "status": statuses}, index=data.index)
    units = np.r_[scale[0], scale[1], scale[2]] if s2 else np.r_[scale[0], scale[1]]
    for j, name in enumerate(ins + goods + bads):
        value = slacks[:, j] * units[j]
        frame[f"slack_{name}"] = np.where(np.abs(value) < 1e-9 * units[j], 0.0, value)
    not_optimal = int(sum(s != "optimal" for s in statuses))
    if not_optimal:
        warn(f"sbm: {not_optimal} unit(s) have no optimal LP; their scores are NaN (see status).", ConvergenceWarning)
    return frame
