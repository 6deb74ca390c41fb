"""The EBM's linear program against a reference set, built once and re-used for every evaluated unit.

The model is :mod:`nqpf_tfp.frontier.ebm`'s. With undesirable outputs ``b`` (k of them) the non-oriented
program, after the Charnes-Cooper transformation (``t`` the scale, tilde variables multiplied by it), is

.. math::

    \\min\\ \\tilde\\theta - \\varepsilon_x \\sum_i \\frac{w^-_i \\tilde s^-_i}{x_{io}}\\quad\\text{s.t.}\\quad
    \\tilde\\eta + \\varepsilon_y \\sum_r \\frac{w^+_r \\tilde s^+_r}{y_{ro}}
    + \\varepsilon_b \\sum_p \\frac{w^b_p \\tilde s^b_p}{b_{po}} = 1,

    \\tilde\\theta x_o - X\\lambda - \\tilde s^- = 0,\\quad \\tilde\\eta y_o - Y\\lambda + \\tilde s^+ = 0,\\quad
    f(\\tilde\\eta, t)\\, b_o - B\\lambda - \\tilde s^b = 0,

with ``f = 2t - eta`` (``bad_output_factor="contract"``), ``eta`` (``"expand"``) or ``t`` (``"none"``), and
``sum lambda = t`` under VRS. The oriented programs fix ``t = 1`` and drop the side they do not score.

With ``"contract"`` or ``"none"`` the output factor is held at ``eta >= 1`` (``eta >= t``) whatever ``bounded``
says. Free, ``eta`` could fall to 0 and every good output with it, while the bad outputs' slacks, which
the score rewards, take the bad outputs to 0: inaction (``lambda = 0``, the origin of a CRS technology)
would be feasible and score every unit 0. With ``"expand"`` the bad outputs fall with ``eta`` and no slack
is left to reward, so ``eta`` stays as free as ``bounded`` leaves it.
"""

from __future__ import annotations

import numpy as np

from .column_generation import PricedLP, PricedTemplate
from .lp import INF, LPTemplate

__all__ = ["EBMProgram", "EBMWeights"]

#: the coefficients of (eta, t) in a bad output's row, per bad_output_factor: f(eta, t) = a eta + c t
BAD_FACTOR = {"contract": (-1.0, 2.0), "expand": (1.0, 0.0), "none": (0.0, 1.0)}


class EBMWeights:
    """``epsilon`` and the slack weights of the inputs, good outputs and bad outputs, as the LP uses them:
    each weight already multiplied by its side's ``epsilon``."""

    def __init__(self, eps: tuple[float, float, float], w_x: np.ndarray, w_y: np.ndarray, w_b: np.ndarray) -> None:
        self.eps = eps
        self.x, self.y, self.b = eps[0] * w_x, eps[1] * w_y, eps[2] * w_b


class EBMProgram:
    """The EBM LP against the reference columns ``(x_ref, y_ref, b_ref)`` (scaled data), built once;
    ``evaluate`` sets unit ``o``'s data.

    Columns: ``theta, eta, t, s- (m), s+ (s), s^b (k)`` (fixed), then ``lambda`` (n). Rows: the normalisation,
    the m input rows, the s output rows, the k bad-output rows, the VRS row, the two bounds on the radial
    factors. ``priced=True`` (highspy) prices the reference columns in as they are needed
    (:mod:`~nqpf_tfp.frontier.column_generation`): for units of the reference set itself, which ``evaluate``
    names with ``own`` (or ``leave_out``).
    """

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray, rts: str, orientation: str,
                 bounded: bool, bad_factor: str, solver: str, priced: bool = False) -> None:
        n, m = x_ref.shape
        s, k = y_ref.shape[1], b_ref.shape[1]
        self.n, self.m, self.s, self.k, self.orientation = n, m, s, k, orientation
        self.bad_factor = BAD_FACTOR[bad_factor]
        self.sm = slice(3, 3 + m)
        self.sp = slice(3 + m, 3 + m + s)
        self.sb = slice(3 + m + s, 3 + m + s + k)
        n_fixed = self.n_fixed = 3 + m + s + k
        rows = 1 + m + s + k + 1 + 2  # rows a model does not use stay empty (0 = 0): one layout for every variant
        a = np.zeros((rows, n_fixed))
        columns = np.zeros((n, rows))  # each reference unit's entries in the rows
        lower, upper = np.zeros(rows), np.zeros(rows)
        col_lower, col_upper = np.zeros(n_fixed), np.full(n_fixed, INF)
        bad = slice(1 + m + s, 1 + m + s + k)
        columns[:, 1:1 + m], columns[:, 1 + m:1 + m + s], columns[:, bad] = -x_ref, -y_ref, -b_ref
        # input rows: theta x_o - X lambda - s- = 0 (input, non) or X lambda <= x_o (output)
        if orientation == "output":
            lower[1:1 + m] = -INF  # -X lambda >= -x_o: set per unit
            col_upper[self.sm] = 0.0
        else:
            a[1:1 + m, self.sm] = -np.eye(m)
        # output rows: eta y_o - Y lambda + s+ = 0 (output, non) or Y lambda >= y_o (input)
        if orientation == "input":
            lower[1 + m:1 + m + s], upper[1 + m:1 + m + s] = -INF, 0.0  # -Y lambda <= -y_o: set per unit
            col_upper[self.sp] = 0.0
        else:
            a[1 + m:1 + m + s, self.sp] = np.eye(s)
        # bad-output rows: f b_o - B lambda - s^b = 0 (the right-hand side is set per unit when t = 1);
        # input orientation keeps eta = 1 and does not score them: B lambda <= b_o
        if orientation == "input":
            lower[bad] = -INF
            col_upper[self.sb] = 0.0
        else:
            a[bad, self.sb] = -np.eye(k)
        vrs, bound_theta, bound_eta = 1 + m + s + k, 2 + m + s + k, 3 + m + s + k
        eta_floor = bounded or (k > 0 and bad_factor != "expand")  # see the module: no trade into inaction
        if rts == "vrs":  # sum lambda = t (non-oriented, Charnes-Cooper) or = 1
            columns[:, vrs] = 1.0
            if orientation == "non":
                a[vrs, 2] = -1.0
            else:
                lower[vrs] = upper[vrs] = 1.0
        cost = np.zeros(n_fixed)
        if orientation == "non":  # eta + eps_y sum w s+ / y_o + eps_b sum w s^b / b_o = 1 (per unit)
            a[0, 1] = 1.0
            lower[0] = upper[0] = 1.0
            cost[0] = 1.0
            if bounded:  # theta <= t
                a[bound_theta, 0], a[bound_theta, 2] = 1.0, -1.0
                lower[bound_theta], upper[bound_theta] = -INF, 0.0
            if eta_floor:  # eta >= t
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
            if eta_floor:
                col_lower[1] = 1.0
        self.bad_rows = bad
        self.priced = priced
        self.lp: LPTemplate | PricedTemplate
        if priced:
            self.lp = PricedTemplate(PricedLP(columns, cost, a, col_lower, col_upper, lower, upper))
        else:
            self.lp = LPTemplate(np.r_[cost, np.zeros(n)], np.c_[a, columns.T], lower, upper,
                                 np.r_[col_lower, np.zeros(n)], np.r_[col_upper, np.full(n, INF)], solver=solver)

    @property
    def columns_in_use(self) -> int:
        """Reference units in the LP: those priced in so far, or all of them."""
        return len(self.lp.lp.gathered) if isinstance(self.lp, PricedTemplate) else self.n

    def evaluate(self, x_o: np.ndarray, y_o: np.ndarray, b_o: np.ndarray, weights: EBMWeights,
                 leave_out: int | None = None, own: int | None = None) -> tuple[str, float, np.ndarray, np.ndarray]:
        """Status, score, ``(theta, eta)`` and the slacks ``(s-, s+, s^b)`` (scaled data) of unit ``o``; the
        reference column ``leave_out`` is shut for this unit (super-efficiency); ``own``: the unit is the
        reference's unit ``own`` (the priced program brings it in when its LP is infeasible)."""
        lp, m, s, k, orientation = self.lp, self.m, self.s, self.k, self.orientation
        if orientation != "output":
            for i in range(m):
                lp.set_coefficient(1 + i, 0, x_o[i])
                lp.set_cost(self.sm.start + i, -weights.x[i] / x_o[i])
        else:
            for i in range(m):
                lp.set_row_bounds(1 + i, -x_o[i], INF)
        if orientation != "input":
            for r in range(s):
                lp.set_coefficient(1 + m + r, 1, y_o[r])
                if orientation == "non":
                    lp.set_coefficient(0, self.sp.start + r, weights.y[r] / y_o[r])
                else:
                    lp.set_cost(self.sp.start + r, -weights.y[r] / y_o[r])
        else:
            for r in range(s):
                lp.set_row_bounds(1 + m + r, -INF, -y_o[r])
        self._set_bad_outputs(b_o, weights)
        if isinstance(lp, PricedTemplate):
            sol = lp.solve(own=own, exclude=leave_out)
        else:
            if leave_out is not None:
                lp.set_col_bounds(self.n_fixed + leave_out, 0.0, 0.0)
            sol = lp.solve()
            if leave_out is not None:
                lp.set_col_bounds(self.n_fixed + leave_out, 0.0, INF)
        if sol.status != "optimal":
            return sol.status, np.nan, np.full(2, np.nan), np.full(m + s + k, np.nan)
        v = sol.values
        if orientation == "input":
            return "optimal", sol.objective, np.array([v[0], np.nan]), np.r_[v[self.sm], np.zeros(s + k)]
        if orientation == "output":
            return "optimal", 1.0 / -sol.objective, np.array([np.nan, v[1]]), np.r_[np.zeros(m), v[self.sp],
                                                                                     v[self.sb]]
        t = v[2] if v[2] > 0 else 1.0  # CRS: any scaling of an optimum is optimal; the one with eta + ... = 1
        return "optimal", sol.objective, np.array([v[0], v[1]]) / t, np.r_[v[self.sm], v[self.sp], v[self.sb]] / t

    def _set_bad_outputs(self, b_o: np.ndarray, weights: EBMWeights) -> None:
        """Unit ``o``'s bad-output rows: ``f(eta, t) b_o - B lambda - s^b = 0``, scored in the denominator."""
        lp, orientation, start = self.lp, self.orientation, self.bad_rows.start
        on_eta, on_t = self.bad_factor
        for p in range(self.k):
            row = start + p
            if orientation == "input":  # -B lambda >= -b_o
                lp.set_row_bounds(row, -b_o[p], INF)
            elif orientation == "output":  # t = 1 moves to the right-hand side
                lp.set_coefficient(row, 1, on_eta * b_o[p])
                lp.set_row_bounds(row, -on_t * b_o[p], -on_t * b_o[p])
                lp.set_cost(self.sb.start + p, -weights.b[p] / b_o[p])
            else:
                lp.set_coefficient(row, 1, on_eta * b_o[p])
                lp.set_coefficient(row, 2, on_t * b_o[p])
                lp.set_coefficient(0, self.sb.start + p, weights.b[p] / b_o[p])
