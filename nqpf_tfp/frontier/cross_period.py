"""Radial DEA scores of mixed bundles ``(x_a, y_b)`` against the technology of either period of a link.

The DEA-based index numbers (:mod:`nqpf_tfp.frontier.tfp_index_decomposition`,
:mod:`nqpf_tfp.frontier.hicks_moorsteen_index`) compare an entity's bundle in period ``t-1`` (``0``) with its
bundle in ``t`` (``1``) through distance functions evaluated at mixed points, such as the inputs of one
period with the outputs of the other, against the technology of period ``t-1`` or ``t`` (all units observed
in that period). :func:`link_scores` computes them for every link of a panel with one
:func:`~nqpf_tfp.frontier.dea` call per period, technology and point; programs that are infeasible
(possible under VRS) give NaN, counted by the caller.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import ConvergenceWarning
from .dea import dea

__all__ = ["Point", "link_scores"]

#: ``(tau, a, b)``: the bundle (inputs of period a, outputs of period b) against period tau's technology
Point = tuple[int, int, int]


def link_scores(x: np.ndarray, y: np.ndarray, time: np.ndarray, before: np.ndarray, now: np.ndarray,
                points: Iterable[Point], orientation: str, rts: str) -> dict[Point, np.ndarray]:
    """The radial efficiency of each point for every link ``before[k] -> now[k]`` (rows of ``x``, ``y`` and
    ``time``, integer periods): the input efficiency ``theta`` (``orientation="input"``) or the output
    distance ``1 / phi`` (``"output"``), as :func:`~nqpf_tfp.frontier.dea` reports them."""
    points = list(points)
    names_x = [f"x{i}" for i in range(x.shape[1])]
    names_y = [f"y{j}" for j in range(y.shape[1])]
    periods = time[now]
    scores = {point: np.full(now.size, np.nan) for point in points}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # infeasible cross-period programs: NaN, counted
        for period in np.unique(periods):
            links = np.flatnonzero(periods == period)
            rows = {0: before[links], 1: now[links]}
            for tau, technology in ((0, period - 1), (1, period)):
                members = np.flatnonzero(time == technology)
                reference = pd.DataFrame(np.column_stack([x[members], y[members]]), columns=names_x + names_y)
                for point in (p for p in points if p[0] == tau):
                    _, a, b = point
                    evaluated = pd.DataFrame(np.column_stack([x[rows[a]], y[rows[b]]]), columns=names_x + names_y)
                    found = dea(evaluated, names_x, names_y, rts=rts, orientation=orientation, reference=reference,
                                slacks=False, frame=False)
                    scores[point][links] = found.efficiency.to_numpy()
    return scores
