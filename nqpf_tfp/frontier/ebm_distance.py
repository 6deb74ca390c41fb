"""EBM distances against the reference sets of a productivity index.

The Malmquist-Luenberger and Luenberger indices (:mod:`nqpf_tfp.frontier.green_indices`) take the
epsilon-based measure as their distance with ``distance="ebm"``. A unit's EBM score ``kappa`` against a
frontier (:func:`~nqpf_tfp.frontier.ebm`) becomes the distance

.. math:: D = 1 / \\kappa - 1,

so that ``1 + D = 1 / kappa`` and the ratio index is a ratio of EBM scores, ``(1 + D^t(t)) / (1 + D^t(t+1))
= kappa^t(t+1) / kappa^t(t)``, as ``efficiency = 1 / (1 + D)`` reads every directional distance of the
package. ``D = 0`` on the frontier; a unit beyond another period's frontier has ``kappa > 1`` and ``D < 0``
(free radial factors, the default, let its score rise above 1).

``direction="outputs"`` is the output-oriented EBM (good outputs expand, bad outputs follow
``bad_output_factor``), ``direction="all"`` the non-oriented one (inputs contract too). Epsilon and the
weights are computed once, from the affinity of every row of the panel, and used at every frontier, so that
the periods' scores are one measure; ``ebm_options`` can give them instead, with the EBM's other choices
(``bounded``, ``projection``, ``bad_output_factor``, ``bad_output_affinity``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import SpecificationError
from ..parallel import map_tasks, split_blocks
from .ebm import EBMScorer
from .ebm_program import EBMWeights
from .ebm_settings import Arrays, EBMSettings, ebm_settings

__all__ = ["EBM_OPTIONS", "EBMReferenceSet", "index_ebm_settings"]

#: the EBM's own options an index takes in ``ebm_options``
EBM_OPTIONS = ("epsilon", "weights", "bounded", "projection", "bad_output_factor", "bad_output_affinity")


def index_ebm_settings(options: Mapping[str, Any] | None, direction: str, rts: str, solver: str,
                       columns: tuple[list[str], list[str], list[str]], name: str) -> EBMSettings:
    """The checked EBM settings of an index: the orientation from ``direction``, the rest from ``options``."""
    options = dict(options or {})
    unknown = sorted(set(options) - set(EBM_OPTIONS))
    if unknown:
        raise SpecificationError(f"{name}: ebm_options {unknown} are not EBM options here; it takes "
                                 f"{list(EBM_OPTIONS)} (the orientation comes from direction=, rts and solver are "
                                 "the index's own).")
    orientation = "output" if direction == "outputs" else "non"
    return ebm_settings(*columns, orientation=orientation, rts=rts, solver=solver, what=name, **options)


class EBMReferenceSet:
    """EBM distances ``D = 1 / kappa - 1`` against one reference set, with one epsilon and one set of weights:
    the interface of :class:`~nqpf_tfp.frontier.ddf.ReferenceSet` that the indices call."""

    def __init__(self, spanning: Arrays, settings: EBMSettings, weights: EBMWeights, n_jobs: int = 1,
                 backend: str = "processes") -> None:
        self.spanning, self.settings, self.weights = spanning, settings, weights
        self.n_jobs, self.backend = n_jobs, backend
        self._scorer: EBMScorer | None = None

    def own_distances(self, positions: np.ndarray, direction: object = None) -> tuple[list[str], np.ndarray]:
        """Distances of the reference set's own units at ``positions`` (by column generation)."""
        return self._distances(positions.size, positions, None)

    def distances(self, evaluated: tuple[np.ndarray, ...], direction: object = None) -> tuple[list[str], np.ndarray]:
        """Distances of units given in the data's units (the orientation is the settings')."""
        return self._distances(evaluated[0].shape[0], None, evaluated)

    def _distances(self, n: int, positions: np.ndarray | None,
                   evaluated: tuple[np.ndarray, ...] | None) -> tuple[list[str], np.ndarray]:
        blocks = split_blocks(n, self.n_jobs, self.backend) or [np.arange(n)]
        if len(blocks) > 1:
            tasks = [(self.spanning, self.settings, self.weights, None if positions is None else positions[rows],
                      None if evaluated is None else tuple(a[rows] for a in evaluated)) for rows in blocks]
            parts = list(map_tasks(_score_block, tasks, backend=self.backend, n_jobs=self.n_jobs))
            status, score = [st for p in parts for st in p[0]], np.concatenate([p[1] for p in parts])
        else:
            if self._scorer is None:
                self._scorer = EBMScorer(self.spanning, self.settings, self.weights)
            status, score = _score(self._scorer, positions, evaluated)
        with np.errstate(divide="ignore", invalid="ignore"):
            distance = 1.0 / score - 1.0
        distance[np.abs(distance) < 1e-10] = 0.0  # frontier units: exact zeros
        return status, distance


def _score(scorer: EBMScorer, positions: np.ndarray | None,
           evaluated: tuple[np.ndarray, ...] | None) -> tuple[list[str], np.ndarray]:
    """The scores of the reference's units at ``positions``, or of the ``evaluated`` units."""
    if positions is not None:
        status, score, _, _ = scorer.score_own(positions)
    else:
        assert evaluated is not None
        x, y, b = evaluated
        status, score, _, _ = scorer.score((x, y, b))
    return status, score


def _score_block(task: tuple[Any, ...]) -> tuple[list[str], np.ndarray]:
    """One worker's units against the reference set (its LP built there)."""
    spanning, settings, weights, positions, evaluated = task
    return _score(EBMScorer(spanning, settings, weights), positions, evaluated)
