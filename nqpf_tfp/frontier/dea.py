"""Data envelopment analysis: radial efficiency, slacks, peers, targets, super- and scale efficiency.

Envelopment form for the evaluated unit ``o`` against the reference units ``j`` (inputs ``x``,
outputs ``y``), input orientation:

.. math::

    \\theta_o = \\min \\theta \\ \\text{s.t.}\\ \\sum_j \\lambda_j x_{ij} \\le \\theta x_{io},\\
    \\sum_j \\lambda_j y_{rj} \\ge y_{ro},\\ \\lambda \\ge 0

(Charnes, Cooper and Rhodes 1978), with ``sum lambda = 1`` for variable returns to scale (Banker,
Charnes and Cooper 1984), ``<= 1`` for non-increasing and ``>= 1`` for non-decreasing returns.
Output orientation maximises ``phi`` with ``sum lambda y >= phi y_o`` at given inputs; the
efficiency reported is ``1 / phi`` (Farrell's output measure inverted, as DEAP 2.1 prints it), so
both orientations give scores in (0, 1] for units inside the reference set and equal ones under
CRS. Slacks come from a second phase that maximises the sum of input and output slacks at the
radial optimum (the two-phase method). Super-efficiency (Andersen and Petersen 1993) leaves the
evaluated unit out of its own reference set; it can be infeasible under VRS, which is reported as
a status with a NaN score, never a number. Scale efficiency is CRS over VRS efficiency, with the
nature of the returns read from a NIRS run (DEAP's convention).

Variables are divided by their reference means before solving, so units of measurement do not
change a score; slacks and targets are reported in the data's units.

References
----------
Charnes, A., Cooper, W. W. and Rhodes, E. (1978). Measuring the efficiency of decision making units.
*European Journal of Operational Research* 2(6), 429-444.
Banker, R. D., Charnes, A. and Cooper, W. W. (1984). Some models for estimating technical and scale
inefficiencies in data envelopment analysis. *Management Science* 30(9), 1078-1092.
Andersen, P. and Petersen, N. C. (1993). A procedure for ranking efficient units in data envelopment
analysis. *Management Science* 39(10), 1261-1264.
Coelli, T. J. (1996). A guide to DEAP version 2.1. CEPA working paper 96/08, University of New England.
"""

from __future__ import annotations

import time as _time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import ConvergenceWarning, PanelError, SpecificationError, warn
from ..keywords import strict_class, strict_keywords
from ..options import check_option
from ..panel import observation_index
from ..parallel import check_n_jobs
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable
from .frame import Frame, build_frame, parallel_frame
from .lp import INF, LPTemplate, check_solver
from .radial import radial_scores, scores_in_blocks
from .variables import roles
from .variables import values as column_values

__all__ = ["DEADiagnostics", "DEAResults", "dea"]


class _Slacks:
    """Phase two: the largest sum of slacks at the radial optimum."""

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, rts: str, solver: str) -> None:
        n, m = x_ref.shape
        s = y_ref.shape[1]
        self.m, self.s, self.n = m, s, n
        a = np.zeros((m + s + (rts != "crs"), n + m + s))
        a[:m, :n] = x_ref.T
        a[:m, n:n + m] = np.eye(m)
        a[m:m + s, :n] = y_ref.T
        a[m:m + s, n + m:] = -np.eye(s)
        lower, upper = np.zeros(m + s), np.zeros(m + s)
        if rts != "crs":
            a[-1, :n] = 1.0
            lo, hi = {"vrs": (1.0, 1.0), "nirs": (-INF, 1.0), "ndrs": (1.0, INF)}[rts]
            lower, upper = np.r_[lower, lo], np.r_[upper, hi]
        cost = np.r_[np.zeros(n), -np.ones(m + s)]
        self.lp = LPTemplate(cost, a, lower, upper, np.zeros(n + m + s), np.full(n + m + s, INF), solver=solver)

    def evaluate(self, x_target: np.ndarray, y_target: np.ndarray,
                 exclude: int | None) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
        lp, m, s, n = self.lp, self.m, self.s, self.n
        for i in range(m):
            lp.set_row_bounds(i, x_target[i], x_target[i])
        for r in range(s):
            lp.set_row_bounds(m + r, y_target[r], y_target[r])
        if exclude is not None:
            lp.set_col_bounds(exclude, 0.0, 0.0)
        sol = lp.solve()
        if exclude is not None:
            lp.set_col_bounds(exclude, 0.0, INF)
        return sol.status, sol.values[n:n + m], sol.values[n + m:], sol.values[:n]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class DEADiagnostics(Diagnostics):
    """Facts about a DEA run."""

    #: returns to scale and orientation as requested
    rts: str
    orientation: str
    #: evaluated units and reference units
    n_dmus: int
    n_reference: int
    #: units whose LP was not solved to optimality (their scores are NaN)
    not_optimal: int
    #: "highspy" (HiGHS, model built once, warm starts) or "scipy" (linprog, HiGHS inside)
    solver: str
    super_efficiency: bool
    seconds: float
    #: reference units in the frame (Dulá 2011) that the per-unit LPs used; None without ``frame=True``
    frame_units: int | None = None


class DEAResults(TFPResults):
    """DEA scores and what goes with them, labelled by (entity, time) when those were given, else by the
    evaluated data's index.

    ``tfp`` is the efficiency score (``tfp_scale = "level"``): the unit's productivity relative to the
    frontier, 1 on it. Input orientation: ``theta``; output orientation: ``1/phi``.
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "efficiency"

    def __init__(self, frame: pd.DataFrame, peers: pd.DataFrame, diagnostics: DEADiagnostics) -> None:
        self._frame = frame
        self._peers = peers
        self._diagnostics = diagnostics

    @property
    def efficiency(self) -> pd.Series:
        """The radial efficiency score per unit (NaN where the LP is not optimal: see ``status``)."""
        return self._frame["efficiency"].copy()

    @property
    def tfp(self) -> pd.Series:
        return self.efficiency

    @property
    def status(self) -> pd.Series:
        """The LP status per unit: "optimal", "infeasible", "unbounded", ..."""
        return self._frame["status"].copy()

    @property
    def slacks(self) -> pd.DataFrame:
        """Phase-two input excesses and output shortfalls (data units)."""
        return self._frame[[c for c in self._frame if str(c).startswith("slack_")]].copy()

    @property
    def targets(self) -> pd.DataFrame:
        """Projections onto the frontier: radial contraction (or expansion) less (plus) the slacks."""
        return self._frame[[c for c in self._frame if str(c).startswith("target_")]].copy()

    @property
    def peers(self) -> pd.DataFrame:
        """Long table of (unit, peer, lambda) with lambda > 0 from the radial stage."""
        return self._peers.copy()

    @property
    def diagnostics(self) -> DEADiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def summary(self) -> SummaryTable:
        eff = self._frame["efficiency"]
        cols = ["efficiency"] + [c for c in ("crs_efficiency", "scale_efficiency") if c in self._frame]
        frame = self._frame[cols].describe().T[["count", "mean", "std", "min", "max"]]
        frame["on frontier"] = [(self._frame[c] >= 1 - 1e-9).sum() for c in cols]
        d = self._diagnostics
        notes = [f"{d.rts.upper()} {d.orientation}-oriented radial DEA; {d.n_dmus} units against {d.n_reference} "
                 f"reference units; solver {d.solver}.",
                 f"Mean efficiency {eff.mean():.4f}; {d.not_optimal} unit(s) without an optimal LP (NaN)."]
        return SummaryTable(frame, "Data envelopment analysis", notes, ".4f")

    def plot(self, ax: Any = None, bins: int = 20, **kwargs: Any) -> Any:
        """Histogram of the efficiency scores; returns the Axes."""
        from ..plotting import plot_histogram

        return plot_histogram(self._frame["efficiency"], ax=ax, bins=bins, **kwargs)



@strict_keywords
def dea(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *, rts: str = "crs",
        orientation: str = "input", reference: pd.DataFrame | None = None, super_efficiency: bool = False,
        slacks: bool = True, solver: str = "auto", frame: bool = True, n_jobs: int = 1,
        backend: str = "processes", entity: Any = None, time: Any = None) -> DEAResults:
    """Radial DEA efficiency of every row of ``data`` (see :mod:`nqpf_tfp.frontier.dea` for the LPs).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per evaluated unit (DMU); never modified.
    inputs, outputs : str or list of str
        Columns, non-negative.
    rts : {"crs", "vrs", "nirs", "ndrs"}
    orientation : {"input", "output"}
    reference : pandas.DataFrame, optional
        The units spanning the frontier (same columns); default ``data`` itself. A separate set gives
        cross-period or other-group frontiers, where scores may exceed 1.
    super_efficiency : bool
        Andersen-Petersen: each unit is left out of its own reference set (``reference`` must be
        ``None``).
    slacks : bool
        Run phase two (slacks and targets).
    solver : {"auto", "highspy", "scipy"}
        HiGHS through highspy (model built once, warm-started) when installed, else SciPy's linprog.
    frame : bool
        Reduce the reference set to its frame, the extreme-efficient units that span the technology
        (Dulá 2011; :mod:`nqpf_tfp.frontier.frame`), before the per-unit LPs: the same scores, slacks and
        targets, with small LPs (at 10,000 units a tenth of the time or less). Peers are then frame
        units. Not used with ``super_efficiency`` (leaving a frame unit out changes the technology).
    n_jobs : int
        With ``frame=True``, split the units over ``n_jobs`` workers: blocks find their frames in
        parallel, the frame of their union is the frame of all units, then blocks of units are scored
        against it. The scores are the same (to the LPs' tolerance) whatever ``n_jobs``.
    backend : {"processes", "threads", "dask"}
        Where the blocks run: forked local processes (default; the LP loops hold the GIL between
        solves), threads, or the workers of the running ``dask.distributed`` client.
    entity, time : str, optional
        Key columns: results are labelled by (entity, time), or by entity alone when ``time`` is not
        given (each entity once); without them, by ``data``'s own index.

    Returns
    -------
    DEAResults
        ``efficiency`` (and, with ``rts="vrs"``, ``crs_efficiency``, ``scale_efficiency`` and
        ``returns``: "crs", "irs" or "drs"), ``status``, ``slacks``, ``targets``, ``peers``.
    """
    start = _time.perf_counter()
    rts = check_option("dea_rts", rts)
    orientation = check_option("dea_orientation", orientation)
    solver = check_solver(solver)
    require_frame(data, "data")
    ins, outs, _ = roles(inputs, outputs, what="DEA")
    if super_efficiency and reference is not None:
        raise SpecificationError("super_efficiency=True leaves each unit out of its own data: use reference=None.")
    x, y = column_values(data, ins, "input"), column_values(data, outs, "output")
    ref = data if reference is None else reference
    require_frame(ref, "reference")
    labels = observation_index(data, entity, time)
    # the reference units are labelled the same way when they carry the key columns, else by their own index
    ref_labels = labels if reference is None else (
        observation_index(ref, entity, time) if entity is not None and entity in ref.columns
        and (time is None or time in ref.columns) else ref.index)
    x_ref, y_ref = (x, y) if reference is None else (column_values(ref, ins, "input"),
                                                     column_values(ref, outs, "output"))
    if x_ref.shape[0] == 0 or x.shape[0] == 0:
        raise SpecificationError("DEA needs at least one evaluated and one reference unit.")
    scale_x, scale_y = x_ref.mean(axis=0), y_ref.mean(axis=0)
    for names, scale, what in ((ins, scale_x, "input"), (outs, scale_y, "output")):
        if np.any(scale <= 0):
            raise PanelError(f"{what} column {names[int(np.argmin(scale))]!r} is 0 for every reference unit.")
    if not isinstance(frame, (bool, np.bool_)):
        raise SpecificationError(f"frame must be True or False, not {frame!r}.")
    xs, ys, xrs, yrs = x / scale_x, y / scale_y, x_ref / scale_x, y_ref / scale_y
    use_frame = bool(frame) and not super_efficiency
    frames: dict[str, Frame] = {}
    frame_units: dict[str, np.ndarray] = {}

    n_jobs = check_n_jobs(n_jobs)
    backend = check_option("backend", backend)
    parallel = use_frame and (n_jobs > 1 or backend == "dask")

    def scores(model_rts: str) -> tuple[np.ndarray, list[str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
        if not use_frame:
            return radial_scores(xs, ys, xrs, yrs, model_rts, orientation, super_efficiency, solver)
        if model_rts not in frames:
            frames[model_rts] = (parallel_frame(xrs, yrs, model_rts, solver, n_jobs=n_jobs, backend=backend)
                                 if parallel else build_frame(xrs, yrs, model_rts, solver))
            frame_units[model_rts] = frames[model_rts].units
        fr = frames[model_rts]
        if reference is None and orientation == "input":  # the frame's own LPs are the scores
            return fr.theta, fr.status, fr.lambdas
        if parallel:
            return scores_in_blocks(xs, ys, xrs, yrs, fr.units, model_rts, orientation, solver, n_jobs, backend)
        values, statuses, (rows, cols, weights) = radial_scores(
            xs, ys, xrs[fr.units], yrs[fr.units], model_rts, orientation, False, solver)
        return values, statuses, (rows, fr.units[cols], weights)

    values, statuses, lambdas = scores(rts)
    efficiency = values if orientation == "input" else 1.0 / values
    frame_out = pd.DataFrame({"efficiency": efficiency, "status": statuses}, index=labels)
    if rts == "vrs":
        crs, _, _ = scores("crs")
        nirs, _, _ = scores("nirs")
        crs_eff = crs if orientation == "input" else 1.0 / crs
        nirs_eff = nirs if orientation == "input" else 1.0 / nirs
        frame_out["crs_efficiency"] = crs_eff
        frame_out["scale_efficiency"] = crs_eff / efficiency
        returns = np.where(np.abs(frame_out["scale_efficiency"] - 1) < 1e-9, "crs",
                           np.where(np.abs(nirs_eff - efficiency) < 1e-9, "drs", "irs"))
        frame_out["returns"] = pd.Series(returns, index=frame_out.index).where(
            np.isfinite(frame_out["scale_efficiency"]))
    if slacks:
        reduced = frame_units[rts] if use_frame else slice(None)
        phase2 = _Slacks(xrs[reduced], yrs[reduced], rts, solver)
        s_in = np.full(x.shape, np.nan)
        s_out = np.full(y.shape, np.nan)
        for o in np.flatnonzero(np.array(statuses) == "optimal"):
            radial = values[o]
            x_t, y_t = (radial * xs[o], ys[o]) if orientation == "input" else (xs[o], radial * ys[o])
            status, si, so, _ = phase2.evaluate(x_t, y_t, int(o) if super_efficiency else None)
            if status == "optimal":
                s_in[o], s_out[o] = si, so
        s_in_data, s_out_data = s_in * scale_x, s_out * scale_y
        for j, name in enumerate(ins):
            frame_out[f"slack_{name}"] = np.where(np.abs(s_in_data[:, j]) < 1e-9 * scale_x[j], 0.0, s_in_data[:, j])
        for j, name in enumerate(outs):
            frame_out[f"slack_{name}"] = np.where(np.abs(s_out_data[:, j]) < 1e-9 * scale_y[j], 0.0, s_out_data[:, j])
        radial_x = x * (values[:, None] if orientation == "input" else 1.0)
        radial_y = y * (values[:, None] if orientation == "output" else 1.0)
        for j, name in enumerate(ins):
            frame_out[f"target_{name}"] = radial_x[:, j] - frame_out[f"slack_{name}"].to_numpy()
        for j, name in enumerate(outs):
            frame_out[f"target_{name}"] = radial_y[:, j] + frame_out[f"slack_{name}"].to_numpy()
    rows, cols, weights = lambdas
    peers = pd.DataFrame({"dmu": labels[rows], "peer": ref_labels[cols], "lambda": weights})
    not_optimal = int(sum(s != "optimal" for s in statuses))
    if not_optimal:
        warn(f"DEA: {not_optimal} unit(s) have no optimal LP ({sorted(set(statuses) - {'optimal'})}); their scores "
             "are NaN (see status). Super-efficiency under VRS and cross-period frontiers can be infeasible: use a "
             "global or biennial reference set.", ConvergenceWarning)
    diagnostics = DEADiagnostics(rts, orientation, x.shape[0], x_ref.shape[0], not_optimal,
                                 "highspy" if _uses_highspy(solver) else "scipy", bool(super_efficiency),
                                 _time.perf_counter() - start,
                                 int(frame_units[rts].size) if use_frame else None)
    return DEAResults(frame_out, peers, diagnostics)


def _uses_highspy(solver: str) -> bool:
    from .lp import has_highspy

    return solver == "highspy" or (solver == "auto" and has_highspy())
