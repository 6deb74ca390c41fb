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
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import ConvergenceWarning, PanelWarning, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import few, observation_index, plain
from ..parallel import check_n_jobs
from .dea_results import DEADiagnostics, DEAResults
from .frame import Frame, build_frame, parallel_frame
from .lp import INF, LPTemplate, check_solver, uses_highspy
from .radial import radial_scores, scores_in_blocks
from .variables import check_reference_scales, roles
from .variables import values as column_values

__all__ = ["DEADiagnostics", "DEAResults", "dea"]  # the results classes live in dea_results


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
    d = _DEAData.build(data, inputs, outputs, rts, orientation, reference, super_efficiency, solver, frame, n_jobs,
                       backend, entity, time)
    scorer = _Scorer(d)
    values, statuses, lambdas = scorer.scores(d.rts)
    efficiency = values if d.orientation == "input" else 1.0 / values
    frame_out = pd.DataFrame({"efficiency": efficiency, "status": statuses}, index=d.labels)
    if d.rts == "vrs":
        for name, column in _scale_columns(scorer, efficiency).items():
            frame_out[name] = column
    if slacks:
        for name, column in _slack_columns(d, scorer, values, statuses).items():
            frame_out[name] = column
    rows, cols, weights = lambdas
    peers = pd.DataFrame({"dmu": d.labels[rows], "peer": d.ref_labels[cols], "lambda": weights})
    numeric = frame_out.select_dtypes("number").columns
    frame_out[numeric] = frame_out[numeric] + 0.0  # + 0.0: a score of -0.0 would print as "-0.000"
    idle = np.all(d.y == 0, axis=1)  # units that produce nothing
    if idle.any():
        shown = few([repr(plain(v)) for v in d.labels[idle]])
        if d.orientation == "input":
            reason = ("their input-oriented efficiency compares inputs alone (under constant returns it is 0: every "
                      "input can shrink to nothing)")
        else:
            frame_out.loc[idle, "status"] = "zero output"
            reason = "their output expansion is unbounded, so the output-oriented efficiency is undefined (NaN)"
        warn(f"DEA: {int(idle.sum())} unit(s) have zero output ({', '.join(repr(c) for c in d.names[1])} all 0), "
             f"e.g. {shown}: {reason}.", PanelWarning)
    not_optimal = int(sum(st not in ("optimal", "zero output") for st in frame_out["status"]))
    if not_optimal:
        warn(f"DEA: {not_optimal} unit(s) have no optimal LP ({sorted(set(statuses) - {'optimal'})}); their scores "
             "are NaN (see status). Super-efficiency under VRS and cross-period frontiers can be infeasible: use a "
             "global or biennial reference set.", ConvergenceWarning)
    diagnostics = DEADiagnostics(d.rts, d.orientation, d.xs.shape[0], d.xrs.shape[0], not_optimal,
                                 "highspy" if uses_highspy(d.solver) else "scipy", d.super_efficiency,
                                 _time.perf_counter() - start,
                                 int(scorer.frame_units[d.rts].size) if d.use_frame else None)
    return DEAResults(frame_out, peers, diagnostics)


@dataclass(frozen=True)
class _DEAData:
    """The checked options and the scaled arrays of one DEA run."""

    rts: str
    orientation: str
    solver: str
    super_efficiency: bool
    use_frame: bool
    parallel: bool
    n_jobs: int
    backend: str
    with_reference: bool
    names: tuple[list[str], list[str]]  # inputs, outputs
    x: np.ndarray  # evaluated units in the data's units
    y: np.ndarray
    xs: np.ndarray  # evaluated units, scaled by the reference means
    ys: np.ndarray
    xrs: np.ndarray  # reference units, scaled
    yrs: np.ndarray
    scales: tuple[np.ndarray, np.ndarray]
    labels: pd.Index
    ref_labels: pd.Index

    @classmethod
    def build(cls, data: pd.DataFrame, inputs: Any, outputs: Any, rts: str, orientation: str,
              reference: pd.DataFrame | None, super_efficiency: Any, solver: str, frame: Any, n_jobs: Any,
              backend: str, entity: Any, time: Any) -> _DEAData:
        rts = check_option("dea_rts", rts)
        orientation = check_option("dea_orientation", orientation)
        solver = check_solver(solver)
        require_frame(data, "data")
        ins, outs, _ = roles(inputs, outputs, what="DEA")
        if super_efficiency and reference is not None:
            raise SpecificationError("super_efficiency=True leaves each unit out of its own data: use "
                                     "reference=None.")
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
        check_reference_scales((scale_x, scale_y), (ins, outs))
        use_frame = bool(frame) and not super_efficiency
        n_jobs = check_n_jobs(n_jobs)
        backend = check_option("backend", backend)
        return cls(rts, orientation, solver, bool(super_efficiency), use_frame,
                   use_frame and (n_jobs > 1 or backend == "dask"), n_jobs, backend, reference is not None,
                   (ins, outs), x, y, x / scale_x, y / scale_y, x_ref / scale_x, y_ref / scale_y, (scale_x, scale_y),
                   labels, ref_labels)


class _Scorer:
    """Radial scores under any returns to scale, each reference frame found once (Dulá 2011)."""

    def __init__(self, d: _DEAData) -> None:
        self.d = d
        self.frames: dict[str, Frame] = {}
        self.frame_units: dict[str, np.ndarray] = {}

    def scores(self, model_rts: str) -> tuple[np.ndarray, list[str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
        d = self.d
        if not d.use_frame:
            return radial_scores(d.xs, d.ys, d.xrs, d.yrs, model_rts, d.orientation, d.super_efficiency, d.solver)
        if model_rts not in self.frames:
            self.frames[model_rts] = (
                parallel_frame(d.xrs, d.yrs, model_rts, d.solver, n_jobs=d.n_jobs, backend=d.backend)
                if d.parallel else build_frame(d.xrs, d.yrs, model_rts, d.solver))
            self.frame_units[model_rts] = self.frames[model_rts].units
        fr = self.frames[model_rts]
        if not d.with_reference and d.orientation == "input":  # the frame's own LPs are the scores
            return fr.theta, fr.status, fr.lambdas
        if d.parallel:
            return scores_in_blocks(d.xs, d.ys, d.xrs, d.yrs, fr.units, model_rts, d.orientation, d.solver,
                                    d.n_jobs, d.backend)
        values, statuses, (rows, cols, weights) = radial_scores(
            d.xs, d.ys, d.xrs[fr.units], d.yrs[fr.units], model_rts, d.orientation, False, d.solver)
        return values, statuses, (rows, fr.units[cols], weights)


def _scale_columns(scorer: _Scorer, efficiency: np.ndarray) -> dict[str, Any]:
    """Under VRS: CRS efficiency, scale efficiency and the returns to scale (from the NIRS score)."""
    invert = scorer.d.orientation != "input"
    crs, _, _ = scorer.scores("crs")
    nirs, _, _ = scorer.scores("nirs")
    crs_eff = 1.0 / crs if invert else crs
    nirs_eff = 1.0 / nirs if invert else nirs
    scale = crs_eff / efficiency
    returns = np.where(np.abs(scale - 1) < 1e-9, "crs", np.where(np.abs(nirs_eff - efficiency) < 1e-9, "drs", "irs"))
    return {"crs_efficiency": crs_eff, "scale_efficiency": scale,
            "returns": pd.Series(returns).where(np.isfinite(scale)).to_numpy()}


def _slack_columns(d: _DEAData, scorer: _Scorer, values: np.ndarray, statuses: list[str]) -> dict[str, np.ndarray]:
    """Phase two at the radial optimum: slacks and targets in the data's units."""
    reduced = scorer.frame_units[d.rts] if d.use_frame else slice(None)
    phase2 = _Slacks(d.xrs[reduced], d.yrs[reduced], d.rts, d.solver)
    s_in, s_out = np.full(d.xs.shape, np.nan), np.full(d.ys.shape, np.nan)
    for o in np.flatnonzero(np.array(statuses) == "optimal"):
        radial = values[o]
        x_t, y_t = (radial * d.xs[o], d.ys[o]) if d.orientation == "input" else (d.xs[o], radial * d.ys[o])
        status, si, so, _ = phase2.evaluate(x_t, y_t, int(o) if d.super_efficiency else None)
        if status == "optimal":
            s_in[o], s_out[o] = si, so
    (ins, outs), (scale_x, scale_y) = d.names, d.scales
    s_in_data, s_out_data = s_in * scale_x, s_out * scale_y
    out: dict[str, np.ndarray] = {}
    for j, name in enumerate(ins):
        out[f"slack_{name}"] = np.where(np.abs(s_in_data[:, j]) < 1e-9 * scale_x[j], 0.0, s_in_data[:, j])
    for j, name in enumerate(outs):
        out[f"slack_{name}"] = np.where(np.abs(s_out_data[:, j]) < 1e-9 * scale_y[j], 0.0, s_out_data[:, j])
    radial_x = d.x * (values[:, None] if d.orientation == "input" else 1.0)
    radial_y = d.y * (values[:, None] if d.orientation == "output" else 1.0)
    for j, name in enumerate(ins):
        out[f"target_{name}"] = radial_x[:, j] - out[f"slack_{name}"]
    for j, name in enumerate(outs):
        out[f"target_{name}"] = radial_y[:, j] + out[f"slack_{name}"]
    return out
