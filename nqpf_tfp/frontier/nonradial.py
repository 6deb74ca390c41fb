"""Weighted non-radial directional distances with undesirable outputs (Zhou, Ang and Wang 2012).

Each variable moves by its own share: for unit ``o``, direction ``g = (g_x, g_y, g_b)`` and weights
``w`` (non-negative, summing to 1),

.. math::

    \\vec{D}(x_o, y_o, b_o; g) = \\max\\ w_x'\\beta_x + w_y'\\beta_y + w_b'\\beta_b \\ \\text{s.t.}\\
    X\\lambda \\le x_o - \\beta_x \\circ g_x,\\ Y\\lambda \\ge y_o + \\beta_y \\circ g_y,\\
    B\\lambda = b_o - \\beta_b \\circ g_b,\\ \\lambda, \\beta \\ge 0

(``sum lambda = 1`` for VRS). With ``g = (x_o, y_o, b_o)`` (``direction="all"``) ``beta_x`` is the share
by which each input could shrink, ``beta_y`` each good output grow, ``beta_b`` each bad output shrink.
Default weights give each group of variables that moves an equal share, split equally within the group:
``(1/9, 1/9, 1/9; 1/3; 1/3)`` for capital, labor, energy, GDP and CO2, Zhou, Ang and Wang's choice
(weights summing to 1; Stata's ``teddf`` and ``gtfpch`` weigh every moving variable 1, which scales the
distance, not the betas). The radial distance (one ``beta`` for all) is a feasible point, so the
non-radial distance is at least the radial one when the weights sum to 1; 0 means no variable can improve.

References
----------
Zhou, P., Ang, B. W. and Wang, H. (2012). Energy and CO2 emission performance in electricity generation:
a non-radial directional distance function approach. *European Journal of Operational Research* 221(3),
625-635.
Färe, R. and Grosskopf, S. (2010). Directional distance functions and slacks-based measures of
efficiency. *European Journal of Operational Research* 200(1), 320-322.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import ConvergenceWarning, SpecificationError, UndefinedStatisticWarning, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import few, observation_index, plain
from ..parallel import check_n_jobs, map_tasks, split_blocks
from .column_generation import UNDEFINED_DIRECTION, priced_distances_in_blocks
from .frame import build_frame
from .lp import INF, LPTemplate, check_solver, uses_highspy
from .score_results import ScoreDiagnostics, ScoreResults
from .variables import check_reference_scales, roles, values

__all__ = ["NonRadialLP", "nonradial_ddf", "nonradial_weights", "slacks_based_weights"]


def slacks_based_weights(inputs: Sequence[str], outputs: Sequence[str], bad_outputs: Sequence[str]) -> np.ndarray:
    """Fukuyama and Weber's (2009) slacks-based directional distance as a weighted non-radial one.

    Their measure, ``max 1/2 [1/N sum s_x/g_x + 1/(M+J) (sum s_y/g_y + sum s_b/g_b)]`` subject to
    ``X lambda + s_x = x_o``, ``Y lambda - s_y = y_o``, ``B lambda + s_b = b_o``, is the non-radial
    distance with ``beta = s / g``, direction ``g = (x_o, y_o, b_o)`` and weights ``1/(2N)`` per input
    and ``1/(2(M+J))`` per output (with positive weights the inequalities of the non-radial LP bind,
    so the two LPs have the same optimum)."""
    n_in, n_out = len(inputs), len(outputs) + len(bad_outputs)
    return np.r_[np.full(n_in, 0.5 / n_in), np.full(n_out, 0.5 / n_out)]


def zero_direction(g: np.ndarray, weights: np.ndarray, names: Sequence[str]) -> tuple[np.ndarray, str]:
    """Rows of the direction ``g`` (units x variables) that are 0 for a variable with positive weight, and a
    sentence for the warning. That variable's share ``beta`` multiplies 0 in its constraint, so it can grow
    without bound: the distance is undefined (the LP is unbounded), not an LP failure."""
    hit = (g == 0) & (weights > 0)
    rows = hit.any(axis=1)
    columns = [repr(names[int(j)]) for j in np.flatnonzero(hit.any(axis=0))]
    return rows, (f"the direction is 0 for {', '.join(columns)} (a zero value), a variable with positive weight, so "
                  "its share could grow without bound and the non-radial distance is undefined (NaN); give it "
                  "weight 0 in direction_weights=, or use the radial distance")


def nonradial_weights(inputs: Sequence[str], outputs: Sequence[str], bad_outputs: Sequence[str], direction: str,
                      weights: Mapping[str, float] | None = None) -> np.ndarray:
    """The weights in the order inputs, good outputs, bad outputs (the default: :mod:`nqpf_tfp.frontier.nonradial`).

    ``weights`` maps column names to non-negative numbers (missing columns: 0), used as given: Zhou, Ang
    and Wang's normalization sums them to 1, Stata's ``teddf``/``gtfpch`` default is 1 for every variable
    that moves; the optimal betas are the same and the distance scales with the weights. Inputs get no
    weight when they do not move (``direction="outputs"``).
    """
    names = [*inputs, *outputs, *bad_outputs]
    if weights is None:
        groups = [list(outputs), list(bad_outputs)] + ([list(inputs)] if direction == "all" else [])
        groups = [g for g in groups if g]
        share = {n: 1.0 / len(groups) / len(g) for g in groups for n in g}
        return np.array([share.get(n, 0.0) for n in names])
    if not isinstance(weights, Mapping):
        raise SpecificationError(f"weights must map column names to numbers, not {type(weights).__name__}.")
    unknown = sorted(set(weights) - set(names))
    if unknown:
        raise SpecificationError(f"weights name {unknown}, which are not among the variables {names}.")
    try:
        w = np.array([float(weights.get(n, 0.0)) for n in names])
    except (TypeError, ValueError):
        raise SpecificationError(f"weights must be numbers: {dict(weights)!r}.") from None
    if not np.isfinite(w).all() or np.any(w < 0) or not np.any(w > 0):
        raise SpecificationError(f"weights must be non-negative, finite and not all zero: {dict(weights)!r}.")
    if direction == "outputs" and np.any(w[:len(inputs)] > 0):
        raise SpecificationError("direction='outputs' does not move the inputs: give them no weight, or use "
                                 "direction='all'.")
    return w


class NonRadialLP:
    """The LP over a reference set, built once; per unit only the direction's diagonal and bounds change."""

    def __init__(self, x: np.ndarray, y: np.ndarray, b: np.ndarray, weights: np.ndarray, rts: str,
                 solver: str) -> None:
        n, m = x.shape
        s, k = y.shape[1], b.shape[1]
        p = m + s + k
        self.m, self.s, self.k, self.n = m, s, k, n
        a = np.zeros((p + (rts == "vrs"), n + p))
        a[:m, :n], a[m:m + s, :n], a[m + s:p, :n] = x.T, y.T, b.T
        a[np.arange(p), n + np.arange(p)] = 1.0  # the beta columns' diagonal, set per unit
        lower, upper = np.full(a.shape[0], -INF), np.full(a.shape[0], INF)
        if rts == "vrs":
            a[-1, :n] = 1.0
            lower[-1] = upper[-1] = 1.0
        self.weights = weights
        cost = np.r_[np.zeros(n), -weights]  # maximise w'beta
        self.lp = LPTemplate(cost, a, lower, upper, np.zeros(n + p), np.full(n + p, INF), solver=solver)

    def solve(self, x: np.ndarray, y: np.ndarray, b: np.ndarray, g: np.ndarray) -> tuple[str, float, np.ndarray]:
        lp, m, s, k, n = self.lp, self.m, self.s, self.k, self.n
        if np.any((g == 0) & (self.weights > 0)):  # a weighted share with no direction: unbounded, say why
            return UNDEFINED_DIRECTION, np.nan, np.full(m + s + k, np.nan)
        for i in range(m):  # X lambda + beta_i g_i <= x_i
            lp.set_coefficient(i, n + i, g[i])
            lp.set_row_bounds(i, -INF, x[i])
        for r in range(s):  # Y lambda - beta_r g_r >= y_r
            lp.set_coefficient(m + r, n + m + r, -g[m + r])
            lp.set_row_bounds(m + r, y[r], INF)
        for j in range(k):  # B lambda + beta_j g_j = b_j
            lp.set_coefficient(m + s + j, n + m + s + j, g[m + s + j])
            lp.set_row_bounds(m + s + j, b[j], b[j])
        sol = lp.solve()
        if sol.status != "optimal":
            return sol.status, np.nan, np.full(m + s + k, np.nan)
        return sol.status, -sol.objective, sol.values[n:]


@strict_keywords
def nonradial_ddf(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
                  bad_outputs: str | Sequence[str] | None = None, *, rts: str = "crs", direction: str = "all",
                  direction_weights: Mapping[str, float] | str | None = None, reference: pd.DataFrame | None = None,
                  solver: str = "auto", frame: bool = True, n_jobs: int = 1,
                  backend: str = "processes", entity: Any = None, time: Any = None) -> ScoreResults:
    """Weighted non-radial directional distance of every row (see :mod:`nqpf_tfp.frontier.nonradial`).

    Parameters
    ----------
    direction : {"all", "outputs"}
        ``g = (x_o, y_o, b_o)`` or ``(0, y_o, b_o)``.
    direction_weights : dict or "sbm", optional
        Column name -> weight (non-negative, summing to 1); default: equal shares by group. ``"sbm"``:
        Fukuyama and Weber's (2009) slacks-based directional distance (with ``direction="all"``; see
        :func:`slacks_based_weights`).
    reference, solver, frame, n_jobs, backend
        As :func:`~nqpf_tfp.frontier.ddf`.
    entity, time : str, optional
        Key columns that label the results, as in :func:`~nqpf_tfp.frontier.ddf`.

    Returns
    -------
    ScoreResults
        ``distance`` (the weighted sum; 0 on the frontier), ``betas`` (``beta_<column>``: the share by
        which each variable can improve), ``status`` and ``efficiency = 1 / (1 + distance)``.
    """
    rts = check_option("dea_rts", rts)
    solver = check_solver(solver)
    direction = check_option("ddf_direction", direction)
    if rts not in ("crs", "vrs"):
        raise SpecificationError(f"rts={rts!r}: directional distances take 'crs' or 'vrs'.")
    require_frame(data, "data")
    ins, goods, bads = roles(inputs, outputs, bad_outputs, what="a directional distance")
    if isinstance(direction_weights, str):
        if direction_weights != "sbm" or direction != "all":
            raise SpecificationError(f"direction_weights={direction_weights!r}: give a mapping of column weights, "
                                     "or 'sbm' (Fukuyama and Weber's slacks-based distance) with direction='all'.")
        w = slacks_based_weights(ins, goods, bads)
    else:
        w = nonradial_weights(ins, goods, bads, direction, direction_weights)
    ref = data if reference is None else reference
    ev = [values(data, c, what) for c, what in ((ins, "input"), (goods, "output"), (bads, "bad output"))]
    sp = [values(ref, c, what) for c, what in ((ins, "input"), (goods, "output"), (bads, "bad output"))]
    scales = [v.mean(axis=0) if v.size else np.ones(v.shape[1]) for v in sp]
    check_reference_scales(scales, (ins, goods, bads))
    x, y, b = (v / sc for v, sc in zip(ev, scales))
    xr, yr, br = (v / sc for v, sc in zip(sp, scales))
    g = np.column_stack([x if direction == "all" else np.zeros_like(x), y, b])
    n_jobs, backend = check_n_jobs(n_jobs), check_option("backend", backend)
    if reference is None and frame and uses_highspy(solver):
        # every unit against all units by column generation (one small LP each)
        status, distance, betas = priced_distances_in_blocks(x, y, b, g, rts, np.arange(len(data)), w, n_jobs,
                                                             backend)
    else:
        if frame:
            units = build_frame(xr, yr, rts, solver, br).units
            xr, yr, br = xr[units], yr[units], br[units]
        blocks = split_blocks(len(data), n_jobs, backend)
        tasks = [((xr, yr, br), w, rts, solver, (x[r], y[r], b[r]), g[r]) for r in blocks]
        out = [row for part in map_tasks(_nonradial_block, tasks, backend=backend, n_jobs=n_jobs) for row in part]
        status = [st for st, _, _ in out]
        distance = np.array([d for _, d, _ in out])
        betas = np.array([bt for _, _, bt in out]).reshape(len(data), -1)
    distance[np.abs(distance) < 1e-10] = 0.0
    betas[np.abs(betas) < 1e-10] = 0.0
    frame_out = pd.DataFrame({"distance": distance}, index=observation_index(data, entity, time))
    for j, name in enumerate([*ins, *goods, *bads]):
        frame_out[f"beta_{name}"] = betas[:, j]
    frame_out["status"] = status
    undefined, reason = zero_direction(g, w, [*ins, *goods, *bads])
    if undefined.any():
        shown = few([repr(plain(v)) for v in frame_out.index[undefined]])
        warn(f"nonradial_ddf: for {int(undefined.sum())} unit(s) (e.g. {shown}) {reason}.", UndefinedStatisticWarning)
    bad = int((frame_out.status != "optimal").sum()) - int(undefined.sum())
    if bad:
        warn(f"nonradial_ddf: {bad} unit(s) have no optimal LP; their distances are NaN (see status).",
             ConvergenceWarning)
    return ScoreResults(frame_out, ScoreDiagnostics("nonradial_ddf", rts, len(data), len(ref), bad, direction))


def _nonradial_block(task: tuple[Any, ...]) -> list[tuple[str, float, np.ndarray]]:
    (xr, yr, br), weights, rts, solver, (x, y, b), g = task
    model = NonRadialLP(xr, yr, br, weights, rts, solver)
    return [model.solve(x[o], y[o], b[o], g[o]) for o in range(x.shape[0])]
