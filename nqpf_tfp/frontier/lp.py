"""Linear programs built once and re-solved per evaluated unit: HiGHS through ``highspy``, SciPy as fallback.

An :class:`LPTemplate` is a linear program ``min c'z`` subject to ``lower <= A z <= upper`` and column
bounds, whose structure is the same for every evaluated unit; only a few coefficients, row bounds and
column bounds change from one unit to the next. With ``highspy`` the model is passed to HiGHS once and
each unit is a sequence of ``changeCoeff`` / ``changeRowBounds`` / ``changeColBounds`` calls followed by
a re-solve that starts from the previous optimal basis (a warm start). Without ``highspy`` every unit is
solved from scratch by :func:`scipy.optimize.linprog` (method ``"highs"``): the same solver, slower.

An LP that is infeasible or unbounded is reported by its status; its values are NaN.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["LPSolution", "LPTemplate", "check_solver", "has_highspy", "quiet_highs", "uses_highspy"]

INF = np.inf


def has_highspy() -> bool:
    """Whether the ``highspy`` package (HiGHS's own Python interface) can be imported."""
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def uses_highspy(solver: str) -> bool:
    """Whether the checked ``solver`` option ("auto", "highspy" or "scipy") runs HiGHS through highspy."""
    return solver == "highspy" or (solver == "auto" and has_highspy())


def quiet_highs() -> Any:
    """A ``highspy.Highs`` instance with its logging off, without the banner HiGHS prints on creation.

    HiGHS writes "Running HiGHS ...: Copyright ..." to the process's standard output when an instance
    is created, before any option can be set (its maintainers keep it that way); file descriptor 1 is
    pointed at the null device for that moment only.
    """
    import highspy

    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (an embedded interpreter): accept the banner
        h = highspy.Highs()
    else:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
    h.setOptionValue("output_flag", False)
    return h


@dataclass(frozen=True)
class LPSolution:
    """One solve: ``status`` is "optimal", "infeasible", "unbounded" or the solver's word."""

    status: str
    objective: float
    values: np.ndarray



def check_solver(solver: object) -> str:
    """``solver`` checked against :data:`nqpf_tfp.OPTIONS` ``["lp_solver"]``; ``"highspy"`` needs highspy."""
    from ..options import check_option

    chosen = check_option("lp_solver", solver, "solver")
    if chosen == "highspy" and not has_highspy():
        raise ImportError("solver='highspy' needs highspy: pip install 'nqpf-tfp[frontier]' (or solver='auto').")
    return chosen

@dataclass
class LPTemplate:
    """``min cost'z`` s.t. ``row_lower <= a z <= row_upper``, ``col_lower <= z <= col_upper`` (``a`` dense)."""

    cost: np.ndarray
    a: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    solver: str = "auto"
    _highs: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.a = np.asarray(self.a, dtype=float)
        for name in ("cost", "row_lower", "row_upper", "col_lower", "col_upper"):
            setattr(self, name, np.array(getattr(self, name), dtype=float))
        if self.solver == "auto":
            self.solver = "highspy" if has_highspy() else "scipy"
        if self.solver == "highspy":
            self._highs = self._build()

    # ------------------------------------------------------------------ HiGHS
    def _build(self) -> object:
        import highspy

        h = quiet_highs()
        lp = highspy.HighsLp()
        n_rows, n_cols = self.a.shape
        lp.num_col_, lp.num_row_ = n_cols, n_rows
        lp.col_cost_ = self.cost
        lp.col_lower_, lp.col_upper_ = _finite(self.col_lower), _finite(self.col_upper)
        lp.row_lower_, lp.row_upper_ = _finite(self.row_lower), _finite(self.row_upper)
        rows, cols = np.nonzero(self.a.T)  # column-wise: for each column its rows
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.r_[0, np.cumsum(np.bincount(rows, minlength=n_cols))].astype(np.int32)
        lp.a_matrix_.index_ = cols.astype(np.int32)
        lp.a_matrix_.value_ = self.a.T[rows, cols]
        h.passModel(lp)
        return h

    def set_coefficient(self, row: int, col: int, value: float) -> None:
        self.a[row, col] = value
        if self._highs is not None:
            self._highs.changeCoeff(row, col, float(value))  # type: ignore[attr-defined]

    def set_cost(self, col: int, value: float) -> None:
        self.cost[col] = value
        if self._highs is not None:
            self._highs.changeColCost(col, float(value))  # type: ignore[attr-defined]

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        self.row_lower[row], self.row_upper[row] = lower, upper
        if self._highs is not None:
            self._highs.changeRowBounds(row, *_finite(np.array([lower, upper])))  # type: ignore[attr-defined]

    def set_col_bounds(self, col: int, lower: float, upper: float) -> None:
        self.col_lower[col], self.col_upper[col] = lower, upper
        if self._highs is not None:
            self._highs.changeColBounds(col, *_finite(np.array([lower, upper])))  # type: ignore[attr-defined]

    def solve(self) -> LPSolution:
        if self._highs is not None:
            return self._solve_highs()
        return self._solve_scipy()

    def _solve_highs(self) -> LPSolution:
        import highspy

        h = self._highs
        h.run()  # type: ignore[attr-defined]
        status = h.getModelStatus()  # type: ignore[attr-defined]
        if status == highspy.HighsModelStatus.kOptimal:
            values = np.array(h.getSolution().col_value)  # type: ignore[attr-defined]
            return LPSolution("optimal", float(h.getInfo().objective_function_value), values)  # type: ignore
        words = {highspy.HighsModelStatus.kInfeasible: "infeasible",
                 highspy.HighsModelStatus.kUnbounded: "unbounded",
                 highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible or unbounded"}
        word = words.get(status) or str(h.modelStatusToString(status)).lower()  # type: ignore[attr-defined]
        return LPSolution(word, np.nan, np.full(self.cost.size, np.nan))

    # ------------------------------------------------------------------ SciPy
    def _solve_scipy(self) -> LPSolution:
        from scipy.optimize import linprog

        lower_rows = np.isfinite(self.row_lower)
        upper_rows = np.isfinite(self.row_upper)
        equal = lower_rows & upper_rows & (self.row_lower == self.row_upper)
        le = upper_rows & ~equal
        ge = lower_rows & ~equal
        a_ub = np.vstack([self.a[le], -self.a[ge]])
        b_ub = np.r_[self.row_upper[le], -self.row_lower[ge]]
        bounds = [(None if not np.isfinite(lo) else lo, None if not np.isfinite(hi) else hi)
                  for lo, hi in zip(self.col_lower, self.col_upper)]
        res = linprog(self.cost, A_ub=a_ub if a_ub.size else None, b_ub=b_ub if b_ub.size else None,
                      A_eq=self.a[equal] if equal.any() else None, b_eq=self.row_lower[equal] if equal.any() else None,
                      bounds=bounds, method="highs")
        if res.status == 0:
            return LPSolution("optimal", float(res.fun), np.asarray(res.x))
        word = {2: "infeasible", 3: "unbounded"}.get(res.status, str(res.message).lower())
        return LPSolution(word, np.nan, np.full(self.cost.size, np.nan))


def _finite(values: np.ndarray) -> np.ndarray:
    """HiGHS's infinity for infinite bounds."""
    import highspy

    out = np.array(values, dtype=float)
    out[np.isposinf(out)] = highspy.kHighsInf
    out[np.isneginf(out)] = -highspy.kHighsInf
    return out
