"""Directional distance functions with undesirable outputs.

Radial directional distance of unit ``o`` (Chung, Färe and Grosskopf 1997), with inputs ``x``, good
outputs ``y``, bad outputs ``b`` and direction ``g = (g_x, g_y, g_b)``:

.. math::

    D_o = \\max \\beta \\ \\text{s.t.}\\ X\\lambda \\le x_o - \\beta g_x,\\ Y\\lambda \\ge y_o + \\beta g_y,\\
    B\\lambda = b_o - \\beta g_b,\\ \\lambda \\ge 0

(``sum lambda = 1`` for VRS). Sign convention: a positive direction contracts inputs, expands good
outputs and contracts bad outputs; the default ``g = (0, y_o, b_o)`` expands good and contracts bad
outputs in proportion (Chung et al. 1997). The bad outputs' equality is weak disposability: cutting
pollution is not free. ``D = 0`` on the frontier; cross-period problems can be infeasible, reported
as NaN with the status.

The Malmquist-Luenberger and Luenberger indices built on these distances are in
:mod:`nqpf_tfp.frontier.green_indices`.

References
----------
Chung, Y. H., Färe, R. and Grosskopf, S. (1997). Productivity and undesirable outputs: a directional
distance function approach. *Journal of Environmental Management* 51(3), 229-240.
Wang, D., Du, K. and Zhang, N. (2022). Measuring technical efficiency and total factor productivity
change with undesirable outputs in Stata. *Stata Journal* 22(1), 103-124.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..docstrings import parameters_from
from ..errors import ConvergenceWarning, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import observation_index
from ..parallel import check_n_jobs, map_tasks, split_blocks
from .column_generation import priced_distances_in_blocks
from .frame import build_frame
from .lp import INF, LPTemplate, check_solver, uses_highspy
from .nonradial import NonRadialLP, nonradial_ddf
from .score_results import ScoreDiagnostics, ScoreResults
from .variables import check_reference_scales, roles, values

__all__ = ["ReferenceSet", "ddf"]


class _DDF:
    """The directional distance LP over a reference set, built once."""

    def __init__(self, x: np.ndarray, y: np.ndarray, b: np.ndarray, rts: str, solver: str) -> None:
        n, m = x.shape
        s, k = y.shape[1], b.shape[1]
        self.m, self.s, self.k = m, s, k
        a = np.zeros((m + s + k + (rts == "vrs"), 1 + n))
        a[:m, 1:], a[m:m + s, 1:], a[m + s:m + s + k, 1:] = x.T, y.T, b.T
        rows = a.shape[0]
        lower, upper = np.full(rows, -INF), np.full(rows, INF)
        if rts == "vrs":
            a[-1, 1:] = 1.0
            lower[-1] = upper[-1] = 1.0
        cost = np.zeros(1 + n)
        cost[0] = -1.0  # maximise beta
        self.lp = LPTemplate(cost, a, lower, upper, np.r_[-INF, np.zeros(n)], np.full(1 + n, INF), solver=solver)

    def distance(self, x: np.ndarray, y: np.ndarray, b: np.ndarray,
                 g: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[str, float]:
        lp, m, s, k = self.lp, self.m, self.s, self.k
        gx, gy, gb = g
        for i in range(m):  # X lambda + beta g_x <= x_o
            lp.set_coefficient(i, 0, gx[i])
            lp.set_row_bounds(i, -INF, x[i])
        for r in range(s):  # Y lambda - beta g_y >= y_o
            lp.set_coefficient(m + r, 0, -gy[r])
            lp.set_row_bounds(m + r, y[r], INF)
        for j in range(k):  # B lambda + beta g_b = b_o
            lp.set_coefficient(m + s + j, 0, gb[j])
            lp.set_row_bounds(m + s + j, b[j], b[j])
        sol = lp.solve()
        return sol.status, -sol.objective if sol.status == "optimal" else np.nan


Direction = str | tuple[np.ndarray, np.ndarray, np.ndarray]


def _direction(direction: Direction, x: np.ndarray, y: np.ndarray, b: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """g = (0, y, b) for "outputs", (x, y, b) for "all"; a tuple of arrays is a given direction."""
    if isinstance(direction, tuple):
        return direction
    return (np.zeros_like(x) if direction == "outputs" else x), y, b


def _given_direction(data: pd.DataFrame, direction: Mapping[str, float | str], groups: list[list[str]],
                     scales: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A direction from a mapping {variable: number or column}, in the variables' scaled units."""
    names = [n for g in groups for n in g]
    unknown = sorted(set(direction) - set(names))
    if unknown:
        raise SpecificationError(f"direction names {unknown}, which are not among the variables {names}.")
    out = []
    for group, scale in zip(groups, scales):
        columns = []
        for name in group:
            value = direction.get(name, 0.0)
            if isinstance(value, str):
                column = values(data, [value], f"direction for {name!r}")[:, 0]
            elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
                    and np.isfinite(value) and value >= 0:
                column = np.full(len(data), float(value))
            else:
                raise SpecificationError(f"direction for {name!r} must be a non-negative number or a column name, "
                                         f"not {value!r}.")
            columns.append(column)
        out.append(np.column_stack(columns) / scale if columns else np.empty((len(data), 0)))
    g = (out[0], out[1], out[2])
    zero = ~np.column_stack(g).any(axis=1)
    if zero.any():
        raise SpecificationError(f"the direction is zero for {int(zero.sum())} unit(s) (e.g. row "
                                 f"{int(np.argmax(zero))}): the distance is unbounded; give each unit a positive "
                                 "direction in some variable.")
    return g


@strict_keywords
def ddf(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
        bad_outputs: str | Sequence[str] | None = None, *, rts: str = "crs",
        direction: str | Mapping[str, float | str] = "outputs", reference: pd.DataFrame | None = None,
        solver: str = "auto", frame: bool = True, n_jobs: int = 1, backend: str = "processes",
        entity: Any = None, time: Any = None) -> ScoreResults:
    """Radial directional distance of every row of ``data`` (see :mod:`nqpf_tfp.frontier.ddf`).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per evaluated unit; never modified.
    inputs, outputs : str or list of str
        Input and good-output columns, non-negative.
    bad_outputs : str or list of str, optional
        Undesirable outputs, weakly disposable (equality rows).
    rts : {"crs", "vrs"}
        Constant or variable returns to scale.
    direction : {"outputs", "all"} or dict
        ``"outputs"`` (``g = (0, y_o, b_o)``), ``"all"`` (``g = (x_o, y_o, b_o)``), or a mapping
        ``{variable: number or column}`` giving ``g`` in the data's units (0 for variables not named;
        non-negative: a positive value contracts an input or a bad output and expands a good output),
        e.g. ``{"gdp": 1.0, "co2": 1.0}`` for Färe et al.'s unit direction.
    reference : pandas.DataFrame, optional
        The units spanning the frontier (same columns); default ``data``.
    solver : {"auto", "highspy", "scipy"}
        HiGHS through highspy when installed, else SciPy's linprog.
    frame : bool
        Reduce the reference set to its frame first (Dulá 2011, with the bad outputs' equality rows;
        :mod:`nqpf_tfp.frontier.frame`): the same distances from small LPs.
    n_jobs : int
        Split the evaluated units into blocks on this many workers (the same distances).
    backend : {"processes", "threads", "dask"}
        Where the blocks run.
    entity, time : str, optional
        Key columns: results are labelled by (entity, time), or by entity alone when ``time`` is not
        given (each entity once); without them, by ``data``'s own index.

    Returns
    -------
    ScoreResults
        ``distance`` (0 on the frontier; NaN where not optimal, with a warning), ``status``,
        ``efficiency = 1 / (1 + distance)``.
    """
    rts = check_option("dea_rts", rts)
    solver = check_solver(solver)
    given = isinstance(direction, Mapping)
    if not given:
        direction = check_option("ddf_direction", direction)
    if rts not in ("crs", "vrs"):
        raise SpecificationError(f"rts={rts!r}: directional distances take 'crs' or 'vrs'.")
    require_frame(data, "data")
    ins, goods, bads = roles(inputs, outputs, bad_outputs, what="a directional distance")
    ref = data if reference is None else reference
    evaluated = tuple(values(data, c, w) for c, w in ((ins, "input"), (goods, "output"), (bads, "bad output")))
    spanning = tuple(values(ref, c, w) for c, w in ((ins, "input"), (goods, "output"), (bads, "bad output")))
    reduced = ReferenceSet(spanning, rts, solver, bool(frame), None, check_n_jobs(n_jobs),
                           check_option("backend", backend), (ins, goods, bads))
    g: Direction = direction if isinstance(direction, str) else _given_direction(
        data, direction, [ins, goods, bads], reduced.scales)
    status, distance = (reduced.own_distances(np.arange(len(data)), g) if reference is None
                        else reduced.distances(evaluated, g))
    not_optimal = sum(st != "optimal" for st in status)
    if not_optimal:
        warn(f"ddf: {not_optimal} unit(s) have no optimal LP; their distances are NaN (see status). Units outside "
             "the reference set's range can be infeasible under weak disposability: use a larger (global) "
             "reference set.", ConvergenceWarning)
    return ScoreResults(pd.DataFrame({"distance": distance, "status": status},
                                     index=observation_index(data, entity, time)),
                        ScoreDiagnostics("ddf", rts, len(data), len(ref), not_optimal,
                                         direction if isinstance(direction, str) else "given"))


class ReferenceSet:
    """A reference set on a common scale (its means). Its own units' distances come by column generation
    (:mod:`~nqpf_tfp.frontier.column_generation`); other units' against the set reduced to its frame
    (:mod:`~nqpf_tfp.frontier.frame`), built on first use. Both give the whole set's distances."""

    def __init__(self, spanning: tuple[np.ndarray, ...], rts: str, solver: str, frame: bool,
                 weights: np.ndarray | None = None, n_jobs: int = 1, backend: str = "processes",
                 names: tuple[list[str], ...] | None = None, where: str = "") -> None:
        """``weights``: the non-radial distance's (Zhou, Ang and Wang 2012); ``None``: the radial one.
        ``n_jobs`` / ``backend``: the evaluated units are split into blocks run on the workers. ``names`` (the
        columns by role) and ``where`` (which reference set) name a column that is 0 for every unit."""
        self.n_jobs, self.backend = n_jobs, backend
        self.scales = [v.mean(axis=0) if v.size else np.ones(v.shape[1]) for v in spanning]
        check_reference_scales(self.scales, names, where)
        self.arrays = tuple(v / s for v, s in zip(spanning, self.scales))
        self.rts, self.solver, self.frame, self.weights = rts, solver, frame, weights
        self._model: _DDF | NonRadialLP | None = None
        self._reduced: tuple[np.ndarray, ...] | None = None

    def _spanning(self) -> tuple[np.ndarray, ...]:
        """The scaled reference arrays, reduced to the frame (once)."""
        if self._reduced is None:
            xr, yr, br = self.arrays
            if self.frame:
                units = build_frame(xr, yr, self.rts, self.solver, br).units
                xr, yr, br = xr[units], yr[units], br[units]
            self._reduced = (xr, yr, br)
        return self._reduced

    @property
    def model(self) -> _DDF | NonRadialLP:
        if self._model is None:
            self._model = _build_model(self._spanning(), self.rts, self.solver, self.weights)
        return self._model

    def distances(self, evaluated: tuple[np.ndarray, ...], direction: Direction) -> tuple[list[str], np.ndarray]:
        """Distances of units given in the data's units."""
        return self._solve(tuple(v / s for v, s in zip(evaluated, self.scales)), direction)

    def own_distances(self, positions: np.ndarray, direction: Direction) -> tuple[list[str], np.ndarray]:
        """Distances of the reference set's own units at ``positions``."""
        own = tuple(a[positions] for a in self.arrays)
        if not self.frame or self._model is not None or not uses_highspy(self.solver):
            return self._solve(own, direction)
        x, y, b = self.arrays
        g = np.column_stack(_direction(direction, *own))
        status, distance, _ = priced_distances_in_blocks(x, y, b, g, self.rts, positions, self.weights, self.n_jobs,
                                                         self.backend)
        return status, _clean(distance)

    def _blocks(self, n: int) -> list[np.ndarray]:
        return split_blocks(n, self.n_jobs, self.backend) or [np.arange(n)]

    def _solve(self, scaled: tuple[np.ndarray, ...], direction: Direction) -> tuple[list[str], np.ndarray]:
        x, y, b = scaled
        g = _direction(direction, x, y, b)
        blocks = self._blocks(x.shape[0])
        if len(blocks) > 1:
            spanning = self._spanning()  # reduced to its frame once, here; each worker builds its LP on it
            tasks = [(spanning, self.rts, self.solver, self.weights, tuple(a[rows] for a in scaled),
                      tuple(v[rows] for v in g)) for rows in blocks]
            parts = list(map_tasks(_solve_block, tasks, backend=self.backend, n_jobs=self.n_jobs))
            return [st for p in parts for st in p[0]], _clean(np.concatenate([p[1] for p in parts]))
        status, distance = _evaluate(self.model, (x, y, b), g)
        return status, _clean(distance)


def _build_model(spanning: tuple[np.ndarray, ...], rts: str, solver: str,
                 weights: np.ndarray | None) -> _DDF | NonRadialLP:
    xr, yr, br = spanning
    return _DDF(xr, yr, br, rts, solver) if weights is None else NonRadialLP(xr, yr, br, weights, rts, solver)


def _solve_block(task: tuple[Any, ...]) -> tuple[list[str], np.ndarray]:
    spanning, rts, solver, weights, scaled, g = task
    return _evaluate(_build_model(spanning, rts, solver, weights), scaled, g)


def _evaluate(model: _DDF | NonRadialLP, scaled: tuple[np.ndarray, ...],
              g: tuple[np.ndarray, ...]) -> tuple[list[str], np.ndarray]:
    """Status and distance of every unit (scaled arrays) against one built model, direction ``g``."""
    x, y, b = scaled
    if isinstance(model, NonRadialLP):
        gs = np.column_stack(g)
        out = [model.solve(x[o], y[o], b[o], gs[o])[:2] for o in range(x.shape[0])]
    else:
        out = [model.distance(x[o], y[o], b[o], (g[0][o], g[1][o], g[2][o])) for o in range(x.shape[0])]
    return [st for st, _ in out], np.array([d for _, d in out], dtype=float)


def _clean(distance: np.ndarray) -> np.ndarray:
    """Frontier units: exact zeros, without signed rounding noise."""
    distance[np.abs(distance) < 1e-10] = 0.0
    return distance


# the non-radial distance takes the radial one's data and roles (its module is imported by this one)
parameters_from(ddf)(nonradial_ddf)
