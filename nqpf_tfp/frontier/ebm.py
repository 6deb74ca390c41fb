"""Tone and Tsutsui's (2010) epsilon-based measure (EBM): radial and non-radial efficiency in one model.

For unit ``o`` with inputs ``x`` (m) and outputs ``y`` (s), input orientation:

.. math::

    \\gamma^* = \\min_{\\theta,\\lambda,s^-}\\ \\theta - \\varepsilon_x \\sum_i \\frac{w^-_i s^-_i}{x_{io}}
    \\quad\\text{s.t.}\\quad \\theta x_o - X\\lambda - s^- = 0,\\ Y\\lambda \\ge y_o,\\ \\lambda, s^- \\ge 0;

output orientation, reported as ``1 / phi*``:

.. math::

    \\phi^* = \\max_{\\eta,\\lambda,s^+}\\ \\eta + \\varepsilon_y \\sum_r \\frac{w^+_r s^+_r}{y_{ro}}
    \\quad\\text{s.t.}\\quad X\\lambda \\le x_o,\\ \\eta y_o - Y\\lambda + s^+ = 0;

non-oriented,

.. math::

    \\kappa^* = \\min \\frac{\\theta - \\varepsilon_x \\sum_i w^-_i s^-_i / x_{io}}
                           {\\eta + \\varepsilon_y \\sum_r w^+_r s^+_r / y_{ro}}
    \\quad\\text{s.t.}\\quad \\theta x_o - X\\lambda - s^- = 0,\\ \\eta y_o - Y\\lambda + s^+ = 0,

solved as one LP by the Charnes-Cooper transformation; ``sum lambda = 1`` under VRS. The weights ``w``
sum to 1 on each side. ``epsilon`` and ``w`` come from the affinity of the inputs (outputs) across the units
(:mod:`~nqpf_tfp.frontier.affinity`), or are given. ``epsilon = 0`` is the radial (CCR/BCC) measure; with
the radial factors bounded, in the input orientation ``epsilon_x = 1`` is the weighted input SBM ``1 -
sum_i w_i s_i / x_io`` (substitute ``s' = s^- + (1 - theta) x_o``), and non-oriented ``epsilon = 1`` with equal
weights is Tone's (2001) SBM.

The paper leaves three choices open; each is an option here:

- ``projection``: the data the affinity is computed on, projected to the VRS frontier by the additive model
  (the paper's examples, the default) or the SBM, or as observed (:mod:`~nqpf_tfp.frontier.ebm_calibration`);
- ``bounded``: whether the radial factors are bounded, ``theta <= 1`` and ``eta >= 1``. Free (the default)
  is the paper's model: its hospital example has ``theta = 1.016`` for hospital D, which gives up doctors
  for nurses. Bounded is the variant of the Dearun program, which lies exactly between the two poles:
  ``epsilon = 1`` gives the SBM. Free, ``epsilon = 1`` removes the dominance constraints altogether
  (``theta x_o >= X lambda`` holds for a large enough ``theta``), and the input score becomes a weighted
  ratio of the reference's inputs to the unit's, below the SBM;
- ties: a repeated largest eigenvalue of the affinity matrix gives equal weights (see
  :mod:`~nqpf_tfp.frontier.affinity`), the weights the paper prints for its example 2.

Super-efficiency (``super_efficiency=True``) leaves each unit out of its own reference set (Andersen and
Petersen 1993), so an efficient unit scores above 1 and an inefficient one keeps its score; with
``epsilon = 0`` it is their radial super-efficiency. It needs free radial factors (a bounded factor cannot
score an efficient unit above 1), and under VRS an efficient unit's LP can be infeasible (status reported).

Every input and output must be positive (the slacks are divided by the unit's own values, and the affinity
takes logs). The reference set is reduced to its frame first (Dulá 2011): the same scores from smaller LPs.

References
----------
Tone, K. and Tsutsui, M. (2010). An epsilon-based measure of efficiency in DEA - a third pole of technical
efficiency. *European Journal of Operational Research* 207(3), 1554-1563.
Andersen, P. and Petersen, N. C. (1993). A procedure for ranking efficient units in data envelopment
analysis. *Management Science* 39(10), 1261-1264.
Tone, K. (2001). A slacks-based measure of efficiency in data envelopment analysis. *European Journal of
Operational Research* 130(3), 498-509.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import ConvergenceWarning, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import observation_index
from .affinity import affinity_matrix, epsilon_and_weights
from .ebm_calibration import calibration_data
from .ebm_results import EBMDiagnostics, EBMResults
from .frame import build_frame
from .lp import INF, LPTemplate, check_solver
from .variables import roles, values

__all__ = ["EBMDiagnostics", "EBMResults", "ebm"]


@strict_keywords
def ebm(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
        orientation: str = "non", rts: str = "crs", epsilon: float | tuple[float, float] | None = None,
        weights: Mapping[str, float] | None = None, projection: str = "additive", bounded: bool = False,
        super_efficiency: bool = False, solver: str = "auto", frame: bool = True, entity: Any = None,
        time: Any = None) -> EBMResults:
    """The epsilon-based measure of every row of ``data`` (see :mod:`nqpf_tfp.frontier.ebm`).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit; never modified.
    inputs, outputs : str or list of str
        Columns, strictly positive.
    orientation : {"input", "output", "non"}
        Input-oriented, output-oriented or non-oriented EBM.
    rts : {"crs", "vrs"}
        Constant or variable returns to scale.
    epsilon : float or (float, float), optional
        ``epsilon`` in [0, 1] for both sides, or ``(epsilon_inputs, epsilon_outputs)``; default from the
        affinity matrices.
    weights : dict, optional
        Column -> weight (positive); each side's weights are rescaled to sum to 1. A side not given takes
        the affinity weights.
    projection : {"additive", "sbm", "observed"}
        The data the affinity is computed on: projected to the VRS frontier by the additive model or the
        SBM, or as observed.
    bounded : bool
        Bound the radial factors, ``theta <= 1`` and ``eta >= 1``, or leave them free as the paper does
        (default).
    super_efficiency : bool
        Leave each unit out of its own reference set (Andersen and Petersen 1993): efficient units score
        above 1. Needs ``bounded=False``; the frame is not used.
    solver : {"auto", "highspy", "scipy"}
        The LP solver.
    frame : bool
        Reduce the reference set to its frame first (the same scores).
    entity, time : str, optional
        Key columns that label the results.

    Returns
    -------
    EBMResults
        ``efficiency``, ``theta`` and ``eta`` (the radial parts), ``slacks``, ``status``; ``epsilon``,
        ``weights``, the ``affinity`` matrices and the ``calibration`` data they come from.
    """
    require_frame(data, "data")
    orientation = check_option("ebm_orientation", orientation, "orientation")
    rts = check_option("dea_rts", rts)
    if rts not in ("crs", "vrs"):
        raise SpecificationError(f"rts={rts!r}: the EBM takes 'crs' or 'vrs'.")
    projection = check_option("ebm_projection", projection, "projection")
    for name, flag in (("bounded", bounded), ("super_efficiency", super_efficiency), ("frame", frame)):
        if not isinstance(flag, (bool, np.bool_)):
            raise SpecificationError(f"{name} must be True or False, not {flag!r}.")
    if super_efficiency and bounded:
        raise SpecificationError("super_efficiency=True scores efficient units above 1, which bounded radial "
                                 "factors forbid: pass bounded=False.")
    solver = check_solver(solver)
    ins, outs, _ = roles(inputs, outputs, what="the EBM")
    x = values(data, ins, "input", positive=True)
    y = values(data, outs, "output", positive=True)
    labels = observation_index(data, entity, time)
    eps_given = _epsilons(epsilon)
    x_bar, y_bar, affinity, (eps_x, w_x), (eps_y, w_y) = _calibrate(data, ins, outs, x, y, projection, solver)
    if eps_given is not None:
        eps_x, eps_y = eps_given
    w_x = _given_weights(weights, ins, w_x, "input")
    w_y = _given_weights(weights, outs, w_y, "output")
    unknown = sorted(set(weights or {}) - set(ins + outs))
    if unknown:
        raise SpecificationError(f"weights= names {unknown}, which are not among the inputs {ins} or outputs {outs}.")
    scale_x, scale_y = x.mean(axis=0), y.mean(axis=0)
    xs, ys = x / scale_x, y / scale_y
    # leaving a frame unit out changes the technology, so super-efficiency keeps every unit as a column
    units = build_frame(xs, ys, rts, solver).units if frame and not super_efficiency else np.arange(xs.shape[0])
    model = _EBMProgram(xs[units], ys[units], rts, orientation, bounded, solver)
    scores = np.full(xs.shape[0], np.nan)
    radial = np.full((xs.shape[0], 2), np.nan)
    slacks = np.full((xs.shape[0], xs.shape[1] + ys.shape[1]), np.nan)
    statuses = []
    for o in range(xs.shape[0]):
        status, score, parts, slack = model.evaluate(xs[o], ys[o], eps_x, w_x, eps_y, w_y,
                                                     leave_out=o if super_efficiency else None)
        statuses.append(status)
        if status == "optimal":
            scores[o], radial[o], slacks[o] = score, parts, slack
    table = pd.DataFrame({"efficiency": scores, "theta": radial[:, 0], "eta": radial[:, 1], "status": statuses},
                         index=labels)
    unit_scale = np.r_[scale_x, scale_y]
    for j, name in enumerate(ins + outs):
        value = slacks[:, j] * unit_scale[j]
        table[f"slack_{name}"] = np.where(np.abs(value) < 1e-9 * unit_scale[j], 0.0, value)
    not_optimal = int(sum(st != "optimal" for st in statuses))
    if not_optimal:
        warn(f"ebm: {not_optimal} unit(s) have no optimal LP; their scores are NaN (see status).", ConvergenceWarning)
    diagnostics = EBMDiagnostics(orientation, rts, xs.shape[0], int(units.size), not_optimal, float(eps_x),
                                 float(eps_y), projection, bool(bounded), eps_given is not None,
                                 bool(super_efficiency))
    calibration = pd.DataFrame(np.c_[x_bar, y_bar], index=labels, columns=ins + outs)
    return EBMResults(table, diagnostics, pd.Series(w_x, index=ins, name="weight"),
                      pd.Series(w_y, index=outs, name="weight"),
                      (pd.DataFrame(affinity[0], index=ins, columns=ins),
                       pd.DataFrame(affinity[1], index=outs, columns=outs)), calibration)


def pooled_parameters(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
                      projection: str = "additive",
                      solver: str = "auto") -> tuple[tuple[float, float], dict[str, float]]:
    """``(epsilon_inputs, epsilon_outputs)`` and the weights (column -> weight) that :func:`ebm` computes from
    the affinity of ``data``, without solving its LPs (a metafrontier uses them at every frontier)."""
    projection = check_option("ebm_projection", projection, "projection")
    solver = check_solver(solver)
    ins, outs, _ = roles(inputs, outputs, what="the EBM")
    x, y = values(data, ins, "input", positive=True), values(data, outs, "output", positive=True)
    *_, (eps_x, w_x), (eps_y, w_y) = _calibrate(data, ins, outs, x, y, projection, solver)
    return (eps_x, eps_y), dict(zip(ins, map(float, w_x))) | dict(zip(outs, map(float, w_y)))


def _calibrate(data: pd.DataFrame, ins: list[str], outs: list[str], x: np.ndarray, y: np.ndarray, projection: str,
               solver: str) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray], tuple[float, np.ndarray],
                                     tuple[float, np.ndarray]]:
    """The calibration data, their affinity matrices, and (epsilon, weights) of the inputs and of the outputs."""
    x_bar, y_bar = calibration_data(data, ins, outs, x, y, projection, solver)
    affinity = affinity_matrix(x_bar), affinity_matrix(y_bar)
    return x_bar, y_bar, affinity, epsilon_and_weights(affinity[0]), epsilon_and_weights(affinity[1])


def _epsilons(epsilon: object) -> tuple[float, float] | None:
    """``epsilon=`` as (inputs, outputs), each in [0, 1]."""
    if epsilon is None:
        return None
    pair = epsilon if isinstance(epsilon, tuple) else (epsilon, epsilon)
    if len(pair) != 2 or not all(isinstance(e, Real) and not isinstance(e, bool) and 0.0 <= float(e) <= 1.0
                                 for e in pair):
        raise SpecificationError(f"epsilon must be a number in [0, 1] or a pair (inputs, outputs) of them, not "
                                 f"{epsilon!r}.")
    return float(pair[0]), float(pair[1])


def _given_weights(weights: Mapping[str, float] | None, columns: list[str], default: np.ndarray,
                   side: str) -> np.ndarray:
    """The weights of one side: those given (all of the side's columns, positive, rescaled to sum 1) or the
    affinity's."""
    if not weights or not any(c in weights for c in columns):
        return default
    missing = [c for c in columns if c not in weights]
    if missing:
        raise SpecificationError(f"weights= gives some {side} columns but not {missing}: give every {side} or none.")
    chosen = np.array([weights[c] for c in columns], dtype=float)
    if not (np.isfinite(chosen).all() and (chosen > 0).all()):
        raise SpecificationError(f"the {side} weights must be positive numbers, not {dict(zip(columns, chosen))}.")
    return chosen / chosen.sum()


class _EBMProgram:
    """The EBM LP against the reference columns, built once; ``evaluate`` sets unit ``o``'s data.

    Columns: ``theta, eta, t, lambda (n), s- (m), s+ (s)`` (the Charnes-Cooper variables when
    non-oriented). Rows: the normalisation, the m input rows, the s output rows, the VRS row, the bounds.
    """

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, rts: str, orientation: str, bounded: bool,
                 solver: str) -> None:
        n, m = x_ref.shape
        s = y_ref.shape[1]
        self.n, self.m, self.s, self.orientation = n, m, s, orientation
        lam, sm, sp = slice(3, 3 + n), slice(3 + n, 3 + n + m), slice(3 + n + m, 3 + n + m + s)
        self.sm, self.sp = sm, sp
        n_cols = 3 + n + m + s
        rows = 1 + m + s + 1 + 2  # rows a model does not use stay empty (0 = 0): one layout for every variant
        a = np.zeros((rows, n_cols))
        lower, upper = np.zeros(rows), np.zeros(rows)
        col_lower, col_upper = np.zeros(n_cols), np.full(n_cols, INF)
        # input rows: theta x_o - X lambda - s- = 0 (input, non) or X lambda <= x_o (output)
        a[1:1 + m, lam] = -x_ref.T
        if orientation == "output":
            lower[1:1 + m] = -INF  # -X lambda >= -x_o: set per unit
            col_upper[sm] = 0.0
        else:
            a[1:1 + m, sm] = -np.eye(m)
        # output rows: eta y_o - Y lambda + s+ = 0 (output, non) or Y lambda >= y_o (input)
        a[1 + m:1 + m + s, lam] = -y_ref.T
        if orientation == "input":
            lower[1 + m:1 + m + s], upper[1 + m:1 + m + s] = -INF, 0.0  # -Y lambda <= -y_o: set per unit
            col_upper[sp] = 0.0
        else:
            a[1 + m:1 + m + s, sp] = np.eye(s)
        vrs, bound_theta, bound_eta = 1 + m + s, 2 + m + s, 3 + m + s
        if rts == "vrs":  # sum lambda = t (non-oriented, Charnes-Cooper) or = 1
            a[vrs, lam] = 1.0
            if orientation == "non":
                a[vrs, 2] = -1.0
            else:
                lower[vrs] = upper[vrs] = 1.0
        cost = np.zeros(n_cols)
        if orientation == "non":  # eta + eps_y sum w s+ / y_o = 1 (coefficients per unit)
            a[0, 1] = 1.0
            lower[0] = upper[0] = 1.0
            cost[0] = 1.0
            if bounded:  # theta <= t, eta >= t
                a[bound_theta, 0], a[bound_theta, 2] = 1.0, -1.0
                lower[bound_theta], upper[bound_theta] = -INF, 0.0
                a[bound_eta, 1], a[bound_eta, 2] = 1.0, -1.0
                lower[bound_eta], upper[bound_eta] = 0.0, INF
        elif orientation == "input":
            cost[0] = 1.0
            col_upper[1] = col_upper[2] = 0.0  # no eta, no t
            if bounded:
                col_upper[0] = 1.0
        else:
            cost[1] = -1.0  # maximise eta + ...
            col_upper[0] = col_upper[2] = 0.0
            if bounded:
                col_lower[1] = 1.0
        self.lp = LPTemplate(cost, a, lower, upper, col_lower, col_upper, solver=solver)

    def evaluate(self, x_o: np.ndarray, y_o: np.ndarray, eps_x: float, w_x: np.ndarray, eps_y: float,
                 w_y: np.ndarray, leave_out: int | None = None) -> tuple[str, float, np.ndarray, np.ndarray]:
        """Status, score, ``(theta, eta)`` and the slacks ``(s-, s+)`` (scaled data) of unit ``o``; the
        reference column ``leave_out`` is shut for this unit (super-efficiency)."""
        lp, m, s = self.lp, self.m, self.s
        if leave_out is not None:
            lp.set_col_bounds(3 + leave_out, 0.0, 0.0)
        if self.orientation != "output":
            for i in range(m):
                lp.set_coefficient(1 + i, 0, x_o[i])
                lp.set_cost(self.sm.start + i, -eps_x * w_x[i] / x_o[i])
        else:
            for i in range(m):
                lp.set_row_bounds(1 + i, -x_o[i], INF)
        if self.orientation != "input":
            for r in range(s):
                lp.set_coefficient(1 + m + r, 1, y_o[r])
                if self.orientation == "non":
                    lp.set_coefficient(0, self.sp.start + r, eps_y * w_y[r] / y_o[r])
                else:
                    lp.set_cost(self.sp.start + r, -eps_y * w_y[r] / y_o[r])
        else:
            for r in range(s):
                lp.set_row_bounds(1 + m + r, -INF, -y_o[r])
        sol = lp.solve()
        if leave_out is not None:
            lp.set_col_bounds(3 + leave_out, 0.0, INF)
        if sol.status != "optimal":
            return sol.status, np.nan, np.full(2, np.nan), np.full(m + s, np.nan)
        v = sol.values
        if self.orientation == "input":
            return "optimal", sol.objective, np.array([v[0], np.nan]), np.r_[v[self.sm], np.zeros(s)]
        if self.orientation == "output":
            return "optimal", 1.0 / -sol.objective, np.array([np.nan, v[1]]), np.r_[np.zeros(m), v[self.sp]]
        t = v[2] if v[2] > 0 else 1.0  # CRS: any scaling of an optimum is optimal; the one with eta + ... = 1
        return "optimal", sol.objective, np.array([v[0], v[1]]) / t, np.r_[v[self.sm], v[self.sp]] / t
