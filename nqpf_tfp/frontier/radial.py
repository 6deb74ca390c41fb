"""The radial envelopment LP of DEA over a reference set, built once and re-solved per evaluated unit.

Input orientation ``min theta s.t. X lambda <= theta x_o, Y lambda >= y_o, lambda >= 0`` (with the VRS,
NIRS or NDRS row on ``sum lambda``); output orientation ``max phi`` with ``Y lambda >= phi y_o`` at given
inputs. Shared by :mod:`~nqpf_tfp.frontier.dea`, :mod:`~nqpf_tfp.frontier.malmquist` and the frame's
parallel route (:mod:`~nqpf_tfp.frontier.frame`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..parallel import map_tasks, split_blocks
from .lp import INF, LPTemplate

__all__ = ["radial_scores", "scores_in_blocks"]


class _Radial:
    """The radial envelopment LP over a reference set, built once; ``evaluate`` changes only unit ``o``'s data."""

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, rts: str, orientation: str, solver: str) -> None:
        n, m = x_ref.shape
        s = y_ref.shape[1]
        self.m, self.s, self.orientation = m, s, orientation
        a = np.zeros((m + s + (rts != "crs"), 1 + n))
        a[:m, 1:] = x_ref.T
        a[m:m + s, 1:] = y_ref.T
        lower = np.r_[np.full(m, -INF), np.zeros(s)]
        upper = np.r_[np.zeros(m), np.full(s, INF)]
        if rts != "crs":
            a[-1, 1:] = 1.0
            lo, hi = {"vrs": (1.0, 1.0), "nirs": (-INF, 1.0), "ndrs": (1.0, INF)}[rts]
            lower, upper = np.r_[lower, lo], np.r_[upper, hi]
        cost = np.zeros(1 + n)
        cost[0] = 1.0 if orientation == "input" else -1.0
        self.lp = LPTemplate(cost, a, lower, upper, np.zeros(1 + n), np.full(1 + n, INF), solver=solver)

    def evaluate(self, x_o: np.ndarray, y_o: np.ndarray, exclude: int | None) -> tuple[str, float, np.ndarray]:
        lp, m, s = self.lp, self.m, self.s
        if self.orientation == "input":
            for i in range(m):
                lp.set_coefficient(i, 0, -x_o[i])
            for r in range(s):
                lp.set_row_bounds(m + r, y_o[r], INF)
        else:
            for i in range(m):
                lp.set_row_bounds(i, -INF, x_o[i])
            for r in range(s):
                lp.set_coefficient(m + r, 0, -y_o[r])
        if exclude is not None:
            lp.set_col_bounds(1 + exclude, 0.0, 0.0)
        sol = lp.solve()
        if exclude is not None:
            lp.set_col_bounds(1 + exclude, 0.0, INF)
        return sol.status, float(sol.values[0]), sol.values[1:]


def radial_scores(x: np.ndarray, y: np.ndarray, x_ref: np.ndarray, y_ref: np.ndarray, rts: str, orientation: str,
                  exclude_self: bool = False, solver: str = "auto"
                  ) -> tuple[np.ndarray, list[str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The radial optimum (theta, or phi for output orientation), LP status and the positive lambdas
    ``(unit, reference unit, lambda)`` of each row of ``(x, y)`` against the reference rows (arrays
    already on a common scale); NaN where not optimal. Lambdas are kept sparse: a dense units x
    reference matrix would need 800 MB at 10,000 units."""
    model = _Radial(x_ref, y_ref, rts, orientation, solver)
    values = np.full(x.shape[0], np.nan)
    statuses = []
    units: list[np.ndarray] = []
    peers: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for o in range(x.shape[0]):
        status, value, lam = model.evaluate(x[o], y[o], o if exclude_self else None)
        statuses.append(status)
        if status == "optimal":
            values[o] = value
            positive = np.flatnonzero(lam > 1e-10)
            units.append(np.full(positive.size, o))
            peers.append(positive)
            weights.append(lam[positive])
    empty = np.empty(0, dtype=np.int64)
    lambdas = (np.concatenate(units) if units else empty, np.concatenate(peers) if peers else empty,
               np.concatenate(weights) if weights else np.empty(0))
    return values, statuses, lambdas


def _score_block(task: tuple[Any, ...]) -> tuple[np.ndarray, list[str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    xs, ys, x_frame, y_frame, rows, rts, orientation, solver = task
    return radial_scores(xs[rows], ys[rows], x_frame, y_frame, rts, orientation, False, solver)


def scores_in_blocks(xs: np.ndarray, ys: np.ndarray, xrs: np.ndarray, yrs: np.ndarray, units: np.ndarray,
                      rts: str, orientation: str, solver: str, n_jobs: int, backend: str
                      ) -> tuple[np.ndarray, list[str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Radial scores of blocks of units against the frame ``units`` on the workers, reassembled."""
    blocks = split_blocks(xs.shape[0], n_jobs, backend)
    tasks = [(xs, ys, xrs[units], yrs[units], rows, rts, orientation, solver) for rows in blocks]
    parts = list(map_tasks(_score_block, tasks, backend=backend, n_jobs=n_jobs))
    values = np.concatenate([p[0] for p in parts])
    statuses = [st for p in parts for st in p[1]]
    rows = np.concatenate([block[p[2][0]] for block, p in zip(blocks, parts)])
    cols = units[np.concatenate([p[2][1] for p in parts])]
    weights = np.concatenate([p[2][2] for p in parts])
    return values, statuses, (rows, cols, weights)
