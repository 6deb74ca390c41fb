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

Super-efficiency (``super_efficiency=True``; Tone 2002, with undesirable outputs as in Li et al. 2013):
a unit with ``rho = 1`` is scored against the other units by how far its inputs and bad outputs must
rise and its good outputs fall to reach their technology,

.. math::

    \\delta_o = \\min \\frac{1 + \\frac{1}{m}\\sum_i s^-_i / x_{io}}
                        {1 - \\frac{1}{s_1 + s_2}\\left(\\sum_r s^g_r / y^g_{ro} + \\sum_k s^b_k / y^b_{ko}\\right)}
    \\quad\\text{s.t.}\\quad \\sum_{j \\ne o}\\lambda_j x_j \\le x_o + s^-,\\
    \\sum_{j \\ne o}\\lambda_j y^g_j \\ge y^g_o - s^g,\\ \\sum_{j \\ne o}\\lambda_j y^b_j \\le y^b_o + s^b,

``s^g <= y^g_o``, ``lambda, s >= 0``; ``delta >= 1``, and the reported score is ``rho`` for inefficient
units, ``delta`` for efficient ones (the convention of MaxDEA and Stata's ``sbmeff``). Under VRS the
problem can be infeasible: NaN with its status.

References
----------
Tone, K. (2002). A slacks-based measure of super-efficiency in data envelopment analysis. *European
Journal of Operational Research* 143(1), 32-41.
Li, H., Fang, K., Yang, W., Wang, D. and Hong, X. (2013). Regional environmental efficiency evaluation
in China: analysis based on the Super-SBM model with undesirable outputs. *Mathematical and Computer
Modelling* 58(5-6), 1018-1031.
Tone, K. (2001). A slacks-based measure of efficiency in data envelopment analysis. *European Journal
of Operational Research* 130(3), 498-509.
Tone, K. (2003). Dealing with undesirable outputs in DEA: a slacks-based measure (SBM) approach.
GRIPS Research Report I-2003-0005.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import ConvergenceWarning, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import observation_index
from ..parallel import check_n_jobs, map_tasks, split_blocks
from .column_generation import PricedLP, locality_order
from .frame import build_frame
from .lp import INF, LPTemplate, check_solver, uses_highspy
from .score_results import ScoreDiagnostics, ScoreResults
from .variables import roles, values

__all__ = ["sbm"]


@strict_keywords
def sbm(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
        bad_outputs: str | Sequence[str] | None = None, *, rts: str = "crs", super_efficiency: bool = False,
        solver: str = "auto", frame: bool = True, n_jobs: int = 1, backend: str = "processes",
        entity: Any = None, time: Any = None) -> ScoreResults:
    """Non-oriented SBM efficiency (Tone 2001; with ``bad_outputs``, Tone 2003) of every row of ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per evaluated unit; never modified.
    inputs, outputs : str or list of str
        Input and (good) output columns, strictly positive (slacks are divided by each unit's values).
    bad_outputs : str or list of str, optional
        Undesirable outputs (emissions), strictly positive; they enter the ratio like inputs (Tone 2003).
    rts : {"crs", "vrs"}
        Constant or variable returns to scale.
    super_efficiency : bool
        Efficient units get Tone's (2002) super-SBM score (>= 1; see :mod:`nqpf_tfp.frontier.sbm`) and the column
        ``super`` says which did.
    solver : {"auto", "highspy", "scipy"}
        HiGHS through highspy when installed, else SciPy's linprog.
    frame : bool
        Small LPs with the same scores: with highspy, each unit's LP gathers its reference columns by
        column generation (:mod:`nqpf_tfp.frontier.column_generation`); with SciPy, the LPs' columns are the
        frame of the technology (Dulá 2011, bad outputs entering like inputs). ``False``: every LP over all
        units.
    n_jobs, backend
        As :func:`~nqpf_tfp.frontier.ddf`: blocks of units on workers, the same scores.
    entity, time : str, optional
        Key columns that label the results, as in :func:`~nqpf_tfp.frontier.ddf`.

    Returns
    -------
    ScoreResults
        ``efficiency`` (rho, NaN where the LP is not optimal), ``status``, ``slacks``
        (``slack_<column>``, data units; of the SBM, not of the super-SBM), ``super``.
    """
    rts = check_option("dea_rts", rts)
    solver = check_solver(solver)
    if rts not in ("crs", "vrs"):
        raise SpecificationError(f"rts={rts!r}: the SBM takes 'crs' or 'vrs'.")
    require_frame(data, "data")
    ins, goods, bads = roles(inputs, outputs, bad_outputs, what="the SBM")
    x = values(data, ins, "input", positive=True)
    yg = values(data, goods, "output", positive=True)
    yb = values(data, bads, "bad output", positive=True)
    scale = [v.mean(axis=0) for v in (x, yg, yb)]
    x, yg, yb = (v / s if v.size else v for v, s in zip((x, yg, yb), scale))
    n, s2 = x.shape[0], yb.shape[1]
    n_jobs, backend = check_n_jobs(n_jobs), check_option("backend", backend)
    priced = bool(frame) and uses_highspy(solver)
    if priced:  # every unit against all units by column generation: one small LP each
        priced_tasks = [(x, yg, yb, rows, rts) for rows in split_blocks(n, n_jobs, backend)]
        parts = list(map_tasks(_sbm_priced_block, priced_tasks, backend=backend, n_jobs=n_jobs))
    else:
        # the technology {X lam <= x, Y lam >= y, B lam <= b} is spanned by its frame (bad outputs as inputs)
        units = build_frame(np.column_stack([x, yb]), yg, rts, solver).units if frame else np.arange(n)
        tasks = [(x, yg, yb, units, rows, rts, solver) for rows in split_blocks(n, n_jobs, backend)]
        parts = list(map_tasks(_sbm_block, tasks, backend=backend, n_jobs=n_jobs))
    rho = np.concatenate([p[0] for p in parts])
    statuses = [st for p in parts for st in p[1]]
    slacks = np.vstack([p[2] for p in parts])
    table = pd.DataFrame({"efficiency": rho, "status": statuses}, index=observation_index(data, entity, time))
    unit_scale = np.r_[scale[0], scale[1], scale[2]] if s2 else np.r_[scale[0], scale[1]]
    for j, name in enumerate(ins + goods + bads):
        value = slacks[:, j] * unit_scale[j]
        table[f"slack_{name}"] = np.where(np.abs(value) < 1e-9 * unit_scale[j], 0.0, value)
    if super_efficiency:
        efficient = np.flatnonzero(rho >= 1.0 - 1e-9)
        if efficient.size:
            delta, words = (_super_sbm_priced if priced else _super_sbm)(x, yg, yb, efficient, rts, solver)
            rho[efficient] = delta
            for j, unit in enumerate(efficient.tolist()):
                statuses[unit] = words[j]
            table["efficiency"], table["status"] = rho, statuses
        table["super"] = np.isin(np.arange(n), efficient)
    not_optimal = int(sum(s != "optimal" for s in statuses))
    if not_optimal:
        warn(f"sbm: {not_optimal} unit(s) have no optimal LP; their scores are NaN (see status).", ConvergenceWarning)
    return ScoreResults(table, ScoreDiagnostics("sbm", rts, n, n, not_optimal, None, bool(super_efficiency)))


def _super_sbm(x: np.ndarray, yg: np.ndarray, yb: np.ndarray, units: np.ndarray, rts: str,
               solver: str) -> tuple[np.ndarray, list[str]]:
    """Tone's (2002) super-SBM of ``units`` (see :mod:`nqpf_tfp.frontier.sbm`) by the Charnes-Cooper transformation:
    ``min t + (1/m) sum S-_i / x_io`` with ``t - (sum Sg_r / yg_ro + sum Sb_k / yb_ko) / (s1 + s2) = 1``."""
    n, m, s1, s2 = x.shape[0], x.shape[1], yg.shape[1], yb.shape[1]
    n_cols = 1 + n + m + s1 + s2
    lam, sm = slice(1, 1 + n), slice(1 + n, 1 + n + m)
    sg, sb = slice(1 + n + m, 1 + n + m + s1), slice(1 + n + m + s1, n_cols)
    # rows: normalization; inputs (<= 0); goods (>= 0); bads (<= 0); goods' bound Sg <= t yg_o; [VRS]
    a = np.zeros((1 + m + s1 + s2 + s1 + (rts == "vrs"), n_cols))
    a[0, 0] = 1.0
    a[1:1 + m, lam], a[1:1 + m, sm] = x.T, -np.eye(m)
    a[1 + m:1 + m + s1, lam], a[1 + m:1 + m + s1, sg] = yg.T, np.eye(s1)
    a[1 + m + s1:1 + m + s1 + s2, lam], a[1 + m + s1:1 + m + s1 + s2, sb] = yb.T, -np.eye(s2)
    bound = slice(1 + m + s1 + s2, 1 + m + s1 + s2 + s1)
    a[bound, sg] = np.eye(s1)
    lower = np.r_[1.0, np.full(m, -INF), np.zeros(s1), np.full(s2, -INF), np.full(s1, -INF)]
    upper = np.r_[1.0, np.zeros(m), np.full(s1, INF), np.zeros(s2), np.zeros(s1)]
    if rts == "vrs":
        a[-1, lam], a[-1, 0] = 1.0, -1.0
        lower, upper = np.r_[lower, 0.0], np.r_[upper, 0.0]
    cost = np.zeros(n_cols)
    cost[0] = 1.0
    lp = LPTemplate(cost, a, lower, upper, np.r_[1e-12, np.zeros(n_cols - 1)], np.full(n_cols, INF), solver=solver)
    delta = np.full(units.size, np.nan)
    words = []
    for j, o in enumerate(units):
        for i in range(m):
            lp.set_cost(1 + n + i, 1.0 / (m * x[o, i]))
            lp.set_coefficient(1 + i, 0, -x[o, i])
        for r in range(s1):
            lp.set_coefficient(0, 1 + n + m + r, -1.0 / ((s1 + s2) * yg[o, r]))
            lp.set_coefficient(1 + m + r, 0, -yg[o, r])
            lp.set_coefficient(bound.start + r, 0, -yg[o, r])
        for k in range(s2):
            lp.set_coefficient(0, 1 + n + m + s1 + k, -1.0 / ((s1 + s2) * yb[o, k]))
            lp.set_coefficient(1 + m + s1 + k, 0, -yb[o, k])
        lp.set_col_bounds(1 + int(o), 0.0, 0.0)  # the unit is not its own peer
        sol = lp.solve()
        lp.set_col_bounds(1 + int(o), 0.0, INF)
        words.append(sol.status)
        if sol.status == "optimal":
            delta[j] = sol.objective
    return delta, words


def _sbm_block(task: tuple[Any, ...]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """SBM of the units ``rows`` against the reference columns ``units`` (Charnes-Cooper LP, built once)."""
    x, yg, yb, units, rows, rts, solver = task
    m, s1, s2 = x.shape[1], yg.shape[1], yb.shape[1]
    n = units.size
    # columns: t, Lambda (n), S- (m), Sg (s1), Sb (s2); rows: normalization, inputs, goods, bads[, VRS]
    n_cols = 1 + n + m + s1 + s2
    a = np.zeros((1 + m + s1 + s2 + (rts == "vrs"), n_cols))
    a[0, 0] = 1.0
    lam, sm, sg, sb = slice(1, 1 + n), slice(1 + n, 1 + n + m), slice(1 + n + m, 1 + n + m + s1), slice(
        1 + n + m + s1, n_cols)
    a[1:1 + m, lam], a[1:1 + m, sm] = x[units].T, np.eye(m)
    a[1 + m:1 + m + s1, lam], a[1 + m:1 + m + s1, sg] = yg[units].T, -np.eye(s1)
    a[1 + m + s1:1 + m + s1 + s2, lam], a[1 + m + s1:1 + m + s1 + s2, sb] = yb[units].T, np.eye(s2)
    if rts == "vrs":
        a[-1, lam], a[-1, 0] = 1.0, -1.0
    lower, upper = np.zeros(a.shape[0]), np.zeros(a.shape[0])
    lower[0] = upper[0] = 1.0
    cost = np.zeros(n_cols)
    cost[0] = 1.0
    lp = LPTemplate(cost, a, lower, upper, np.r_[1e-12, np.zeros(n_cols - 1)], np.full(n_cols, INF), solver=solver)
    rho = np.full(rows.size, np.nan)
    statuses = []
    slacks = np.full((rows.size, m + s1 + s2), np.nan)
    for j, o in enumerate(rows):
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
            rho[j] = sol.objective
            slacks[j] = sol.values[1 + n:] / sol.values[0]  # back from the Charnes-Cooper variables
    return rho, statuses, slacks


def _sbm_columns(x: np.ndarray, yg: np.ndarray, yb: np.ndarray, rts: str, bound_rows: int = 0) -> np.ndarray:
    """Each unit's lambda column in the Charnes-Cooper rows: normalization (0), inputs, goods, bads, then
    ``bound_rows`` rows without lambdas and the VRS row."""
    n = x.shape[0]
    parts = [np.zeros((n, 1)), x, yg, yb, np.zeros((n, bound_rows))] + ([np.ones((n, 1))] if rts == "vrs" else [])
    return np.column_stack(parts)


def _sbm_priced_block(task: tuple[Any, ...]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """SBM of the units ``rows`` against all units by column generation (:class:`~.column_generation.PricedLP`);
    the LP of :func:`_sbm_block` with the reference columns priced in."""
    x, yg, yb, rows, rts = task
    m, s1, s2 = x.shape[1], yg.shape[1], yb.shape[1]
    p = m + s1 + s2
    # fixed columns t, S- (m), Sg (s1), Sb (s2); rows: normalization, inputs, goods, bads[, VRS]; all equalities
    a = np.zeros((1 + p + (rts == "vrs"), 1 + p))
    a[0, 0] = 1.0
    a[1 + np.arange(p), 1 + np.arange(p)] = np.r_[np.ones(m), -np.ones(s1), np.ones(s2)]
    if rts == "vrs":
        a[-1, 0] = -1.0
    bounds = np.zeros(a.shape[0])
    bounds[0] = 1.0
    lp = PricedLP(_sbm_columns(x, yg, yb, rts), np.r_[1.0, np.zeros(p)], a, np.r_[1e-12, np.zeros(p)],
                  np.full(1 + p, INF), bounds, bounds)
    rho = np.full(rows.size, np.nan)
    statuses = [""] * rows.size
    slacks = np.full((rows.size, p), np.nan)
    for j in locality_order(np.column_stack([x[rows], yg[rows], yb[rows]])):
        o = rows[j]
        _set_unit(lp, x[o], yg[o], yb[o], sign=1.0)
        word, objective, values = lp.solve(own=int(o))
        statuses[j] = word
        if word == "optimal":
            rho[j] = objective
            slacks[j] = values[1:] / values[0]  # back from the Charnes-Cooper variables
    return rho, statuses, slacks


def _set_unit(lp: PricedLP, x_o: np.ndarray, yg_o: np.ndarray, yb_o: np.ndarray, sign: float,
              bound_start: int | None = None) -> None:
    """Unit o's entries in the SBM (``sign`` 1) or super-SBM (``sign`` -1) LP: the costs of S-, the
    normalization row's goods and bads, t's column."""
    m, s1, s2 = x_o.size, yg_o.size, yb_o.size
    for i in range(m):
        lp.change_cost(1 + i, -sign / (m * x_o[i]))
        lp.change_coefficient(1 + i, 0, -x_o[i])
    for r in range(s1):
        lp.change_coefficient(0, 1 + m + r, sign / ((s1 + s2) * yg_o[r]))
        lp.change_coefficient(1 + m + r, 0, -yg_o[r])
        if bound_start is not None:
            lp.change_coefficient(bound_start + r, 0, -yg_o[r])
    for k in range(s2):
        lp.change_coefficient(0, 1 + m + s1 + k, sign / ((s1 + s2) * yb_o[k]))
        lp.change_coefficient(1 + m + s1 + k, 0, -yb_o[k])


def _super_sbm_priced(x: np.ndarray, yg: np.ndarray, yb: np.ndarray, units: np.ndarray, rts: str,
                      solver: str) -> tuple[np.ndarray, list[str]]:
    """:func:`_super_sbm` by column generation: each unit against all the others, the reference columns
    priced in (the unit itself never)."""
    m, s1, s2 = x.shape[1], yg.shape[1], yb.shape[1]
    p = m + s1 + s2
    # fixed columns t, S-, Sg, Sb; rows: normalization (= 1), inputs (<= 0), goods (>= 0), bads (<= 0),
    # goods' bound Sg <= t yg_o (<= 0)[, VRS (= 0)]
    a = np.zeros((1 + p + s1 + (rts == "vrs"), 1 + p))
    a[0, 0] = 1.0
    a[1 + np.arange(p), 1 + np.arange(p)] = np.r_[-np.ones(m), np.ones(s1), -np.ones(s2)]
    bound = 1 + p
    a[bound + np.arange(s1), 1 + m + np.arange(s1)] = 1.0
    lower = np.r_[1.0, np.full(m, -INF), np.zeros(s1), np.full(s2, -INF), np.full(s1, -INF)]
    upper = np.r_[1.0, np.zeros(m), np.full(s1, INF), np.zeros(s2), np.zeros(s1)]
    if rts == "vrs":
        a[-1, 0] = -1.0
        lower, upper = np.r_[lower, 0.0], np.r_[upper, 0.0]
    lp = PricedLP(_sbm_columns(x, yg, yb, rts, bound_rows=s1), np.r_[1.0, np.zeros(p)], a,
                  np.r_[1e-12, np.zeros(p)], np.full(1 + p, INF), lower, upper)
    delta = np.full(units.size, np.nan)
    words = [""] * units.size
    for j in locality_order(np.column_stack([x[units], yg[units], yb[units]])):
        o = units[j]
        _set_unit(lp, x[o], yg[o], yb[o], sign=-1.0, bound_start=bound)
        words[j], objective, _ = lp.solve(exclude=int(o))
        if words[j] == "optimal":
            delta[j] = objective
    return delta, words
