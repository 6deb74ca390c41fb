"""The data the EBM's affinity is computed on: the units projected to the VRS-efficient frontier, or as observed.

Tone and Tsutsui (2010, section 4) compute the affinity of the inputs (outputs) on data that lie on the
efficient frontier, so that inefficiency does not blur the diversity of the columns. They project each unit
``o`` with slacks under variable returns to scale,

.. math::

    \\bar x_o = x_o - s^{-*},\\qquad \\bar y_o = y_o + s^{+*},

where the slacks maximise the observation-normalised additive model (their eq. 19; ``projection="additive"``,
the model of their numerical examples)

.. math::

    \\max\\ \\sum_i \\frac{s^-_i}{x_{io}} + \\sum_r \\frac{s^+_r}{y_{ro}} + \\sum_p \\frac{s^b_p}{b_{po}}
    \\quad\\text{s.t.}\\quad X\\lambda + s^- = x_o,\\ Y\\lambda - s^+ = y_o,\\ B\\lambda + s^b = b_o,\\
    \\textstyle\\sum\\lambda = 1,\\ \\lambda, s \\ge 0,

or are those of the non-oriented VRS SBM (their eq. 20; ``projection="sbm"``, as the Dearun program
computes them). Undesirable outputs ``b``, which the paper does not have, are projected as the SBM with
undesirable outputs (Tone 2003) treats them, like inputs: ``b_o - s^{b*}``, their slacks in the additive
objective. Their footnote allows the observed data instead (``projection="observed"``). The paper
names no rule for a unit whose additive (or SBM) projection is not unique; the projection is then the
optimum HiGHS returns, and the affinity can move with it.

References
----------
Tone, K. and Tsutsui, M. (2010). An epsilon-based measure of efficiency in DEA - a third pole of technical
efficiency. *European Journal of Operational Research* 207(3), 1554-1563.
Tone, K. (2003). Dealing with undesirable outputs in DEA: a slacks-based measure (SBM) approach.
GRIPS Research Report I-2003-0005.
Charnes, A., Cooper, W. W., Golany, B., Seiford, L. and Stutz, J. (1985). Foundations of data envelopment
analysis for Pareto-Koopmans efficient empirical production functions. *Journal of Econometrics* 30(1-2),
91-107.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import EstimationError
from .column_generation import PricedLP, PricedTemplate, locality_order
from .frame import build_frame
from .lp import LPTemplate, uses_highspy
from .sbm import sbm

__all__ = ["additive_projection", "calibration_data"]


def calibration_data(data: pd.DataFrame, columns: tuple[list[str], list[str], list[str]],
                     arrays: tuple[np.ndarray, np.ndarray, np.ndarray], projection: str,
                     solver: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The inputs, outputs and bad outputs the affinity matrices are computed on (see the module)."""
    x, y, b = arrays
    if projection == "observed":
        return x, y, b
    if projection == "additive":
        return additive_projection(x, y, b, solver)
    ins, outs, bads = columns
    found = sbm(data[ins + outs + bads], ins, outs, bads or None, rts="vrs", solver=solver)
    slacks = found.slacks.to_numpy()
    m, s = len(ins), len(outs)
    return x - slacks[:, :m], y + slacks[:, m:m + s], b - slacks[:, m + s:]


def additive_projection(x: np.ndarray, y: np.ndarray, b: np.ndarray | None = None,
                        solver: str = "auto") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unit projected by the observation-normalised additive model under VRS (Tone and Tsutsui's eq. 19),
    bad outputs ``b`` (optional) treated like inputs.

    Every unit belongs to the reference set, so with highspy each LP prices the reference units in as they
    are needed (:mod:`~nqpf_tfp.frontier.column_generation`); otherwise the reference columns are the frame
    of the VRS technology (Dulá 2011), which dominates every unit. Both give the optimal value over all units.
    """
    b = np.empty((x.shape[0], 0)) if b is None else b
    # bad outputs enter the additive model as inputs do (B lambda + s^b = b_o)
    inputs = np.column_stack([x, b])
    scale_x, scale_y = inputs.mean(axis=0), y.mean(axis=0)
    xs, ys = inputs / scale_x, y / scale_y
    n, m, s = xs.shape[0], xs.shape[1], ys.shape[1]
    # fixed columns s- (m), s+ (s); rows: X lambda + s- = x_o, Y lambda - s+ = y_o, sum lambda = 1
    fixed = np.zeros((m + s + 1, m + s))
    fixed[:m, :m], fixed[m:m + s, m:] = np.eye(m), -np.eye(s)
    bounds = np.r_[np.zeros(m + s), 1.0]
    columns = np.column_stack([xs, ys, np.ones(n)])  # each unit's entries in the rows
    priced = uses_highspy(solver)
    if priced:
        lp: PricedTemplate | LPTemplate = PricedTemplate(PricedLP(columns, np.zeros(m + s), fixed, np.zeros(m + s),
                                                                  np.full(m + s, np.inf), bounds, bounds.copy()))
        order = locality_order(np.column_stack([xs, ys]))
    else:
        ref = build_frame(xs, ys, "vrs", solver).units
        lp = LPTemplate(np.zeros(m + s + ref.size), np.c_[fixed, columns[ref].T], bounds, bounds.copy(),
                        np.zeros(m + s + ref.size), np.full(m + s + ref.size, np.inf), solver=solver)
        order = np.arange(n)
    slack = np.zeros((n, m + s))
    for o in order:
        for row, value in enumerate(np.r_[xs[o], ys[o]]):
            lp.set_row_bounds(row, value, value)
            lp.set_cost(row, -1.0 / value)
        solution = lp.solve(own=int(o)) if isinstance(lp, PricedTemplate) else lp.solve()
        if solution.status != "optimal":  # unit o itself is feasible, and the slacks are bounded by its data
            raise EstimationError(f"the additive projection LP of unit {o} ended '{solution.status}'; try "
                                  "projection='observed' or solver='scipy'.")
        slack[o] = solution.values[:m + s]
    projected = (xs - slack[:, :m]) * scale_x
    return projected[:, :x.shape[1]], (ys + slack[:, m:]) * scale_y, projected[:, x.shape[1]:]
