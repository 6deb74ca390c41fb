"""The checked options of an EBM, and the epsilon and weights they give on a set of units.

:func:`~nqpf_tfp.frontier.ebm`, the metafrontiers and the productivity indices on the EBM share these:
every option is checked before any data are read (:class:`EBMSettings`), and ``calibrate`` computes the
affinity matrices of the sides (inputs; good and bad outputs together, or apart) on the calibration data of
:mod:`~nqpf_tfp.frontier.ebm_calibration`, with any epsilon or weights the caller gave in place of the
computed ones. The definitions are in :mod:`~nqpf_tfp.frontier.ebm` and :mod:`~nqpf_tfp.frontier.affinity`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from ..options import check_option
from .affinity import affinity_matrix, epsilon_and_weights
from .ebm_calibration import calibration_data
from .ebm_program import EBMWeights
from .lp import check_solver
from .variables import roles, values

__all__ = ["Arrays", "Columns", "EBMSettings", "ebm_settings", "pooled_parameters", "unit_arrays"]

Columns = tuple[list[str], list[str], list[str]]
Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]


class EBMSettings:
    """The checked options of an EBM, shared by :func:`ebm` and the indices built on it."""

    def __init__(self, orientation: str, rts: str, epsilon: object, weights: Mapping[str, float] | None,
                 projection: str, bounded: object, bad_output_factor: str, bad_output_affinity: str,
                 solver: str, columns: Columns) -> None:
        self.orientation = check_option("ebm_orientation", orientation, "orientation")
        self.rts = check_option("dea_rts", rts)
        if self.rts not in ("crs", "vrs"):
            raise SpecificationError(f"rts={rts!r}: the EBM takes 'crs' or 'vrs'.")
        self.projection = check_option("ebm_projection", projection, "projection")
        self.bad_factor = check_option("ebm_bad_output_factor", bad_output_factor, "bad_output_factor")
        self.affinity = check_option("ebm_bad_output_affinity", bad_output_affinity, "bad_output_affinity")
        if not isinstance(bounded, (bool, np.bool_)):
            raise SpecificationError(f"bounded must be True or False, not {bounded!r}.")
        self.bounded = bool(bounded)
        self.solver = check_solver(solver)
        self.columns = columns
        self.separate = bool(columns[2]) and self.affinity == "separate"
        self.epsilon = _epsilons(epsilon, self.separate, bool(columns[2]))
        self.given_weights = weights
        unknown = sorted(set(weights or {}) - {c for cols in columns for c in cols})
        if unknown:
            raise SpecificationError(f"weights= names {unknown}, which are not among the inputs {columns[0]}, "
                                     f"outputs {columns[1]} or bad outputs {columns[2]}.")

    @property
    def sides(self) -> list[tuple[str, list[str]]]:
        """The sides that each have one epsilon and weights summing to 1."""
        ins, outs, bads = self.columns
        if self.separate:
            return [("inputs", ins), ("outputs", outs), ("bad outputs", bads)]
        return [("inputs", ins), ("outputs", outs + bads)]

    @property
    def all_given(self) -> bool:
        """Whether epsilon and every weight were given: nothing is computed from the data."""
        weights = self.given_weights or {}
        return self.epsilon is not None and all(c in weights for cols in self.columns for c in cols)

    def calibrate(self, data: pd.DataFrame, arrays: Arrays) -> tuple[Arrays | None, list[np.ndarray] | None,
                                                                    tuple[float, ...], list[np.ndarray]]:
        """The calibration data, the affinity matrices of the sides, and the epsilons and weights used
        (given ones in place of computed ones). With everything given, the projection LPs are not solved
        (a metafrontier or an index scores many frontiers with one epsilon and one set of weights): the data
        and matrices are then None."""
        if self.all_given:
            assert self.epsilon is not None
            return None, None, self.epsilon, [_given_weights(self.given_weights, cols, np.empty(0), side)
                                              for side, cols in self.sides]
        projected = calibration_data(data, self.columns, arrays, self.projection, self.solver)
        x_bar, y_bar, b_bar = projected
        blocks = [x_bar, y_bar, b_bar] if self.separate else [x_bar, np.column_stack([y_bar, b_bar])]
        affinity = [affinity_matrix(block) for block in blocks]
        found = [epsilon_and_weights(a) for a in affinity]
        eps = self.epsilon if self.epsilon is not None else tuple(e for e, _ in found)
        weights = [_given_weights(self.given_weights, cols, w, side)
                   for (side, cols), (_, w) in zip(self.sides, found)]
        return projected, affinity, eps, weights

    def lp_weights(self, eps: tuple[float, ...], weights: list[np.ndarray]) -> EBMWeights:
        """The LP's weights: ``(eps_x, eps_y, eps_b)`` and each variable's weight."""
        s = len(self.columns[1])
        if self.separate:
            return EBMWeights((eps[0], eps[1], eps[2]), weights[0], weights[1], weights[2])
        return EBMWeights((eps[0], eps[1], eps[1]), weights[0], weights[1][:s], weights[1][s:])


def ebm_settings(inputs: object, outputs: object, bad_outputs: object, *, orientation: str = "non",
                 rts: str = "crs", epsilon: object = None, weights: Mapping[str, float] | None = None,
                 projection: str = "additive", bounded: object = False, bad_output_factor: str = "contract",
                 bad_output_affinity: str = "joint", solver: str = "auto", what: str = "the EBM") -> EBMSettings:
    """:class:`EBMSettings` from :func:`ebm`'s keywords, every option checked before any data are read."""
    columns = roles(inputs, outputs, bad_outputs, what=what)
    return EBMSettings(orientation, rts, epsilon, weights, projection, bounded, bad_output_factor,
                       bad_output_affinity, solver, columns)


def unit_arrays(data: pd.DataFrame, columns: Columns) -> Arrays:
    """The inputs, good outputs and bad outputs of ``data``, each strictly positive."""
    ins, outs, bads = columns
    x = values(data, ins, "input", positive=True)
    y = values(data, outs, "output", positive=True)
    b = values(data, bads, "bad output", positive=True) if bads else np.empty((len(data), 0))
    return x, y, b


def pooled_parameters(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
                      bad_outputs: str | Sequence[str] | None = None, *, projection: str = "additive",
                      bad_output_affinity: str = "joint",
                      solver: str = "auto") -> tuple[tuple[float, ...], dict[str, float]]:
    """The epsilons (inputs, outputs[, bad outputs]) and the weights (column -> weight) that :func:`ebm` computes
    from the affinity of ``data``, without solving its LPs (a metafrontier or an index uses them at every
    frontier)."""
    settings = ebm_settings(inputs, outputs, bad_outputs, projection=projection,
                            bad_output_affinity=bad_output_affinity, solver=solver)
    _, _, eps, weights = settings.calibrate(data, unit_arrays(data, settings.columns))
    named = {c: float(w) for (_, cols), side in zip(settings.sides, weights) for c, w in zip(cols, side)}
    return tuple(float(e) for e in eps), named


def _epsilons(epsilon: object, separate: bool, has_bad: bool) -> tuple[float, ...] | None:
    """``epsilon=`` per side (inputs, outputs[, bad outputs]), each in [0, 1]."""
    if epsilon is None:
        return None
    sides = 3 if separate else 2
    pair: tuple[Any, ...] = epsilon if isinstance(epsilon, tuple) else (epsilon,) * sides
    if not all(isinstance(e, Real) and not isinstance(e, bool) and 0.0 <= float(e) <= 1.0 for e in pair):
        raise SpecificationError(f"epsilon must be a number in [0, 1] or a tuple of them, one per side, not "
                                 f"{epsilon!r}.")
    if len(pair) != sides:
        which = ("(inputs, outputs, bad outputs): bad_output_affinity='separate' gives the bad outputs their own"
                 if separate else "(inputs, outputs)" + (": bad_output_affinity='joint' scores good and bad "
                                                         "outputs with one epsilon" if has_bad else ""))
        raise SpecificationError(f"epsilon={epsilon!r}: give one number or {sides} {which}.")
    return tuple(float(e) for e in pair)


def _given_weights(weights: Mapping[str, float] | None, columns: list[str], default: np.ndarray,
                   side: str) -> np.ndarray:
    """The weights of one side: those given (all of the side's columns, positive, rescaled to sum 1) or the
    affinity's."""
    if not weights or not any(c in weights for c in columns):
        return default
    missing = [c for c in columns if c not in weights]
    if missing:
        raise SpecificationError(f"weights= gives some {side} columns but not {missing}: give every {side[:-1]} "
                                 "or none.")
    chosen = np.array([weights[c] for c in columns], dtype=float)
    if not (np.isfinite(chosen).all() and (chosen > 0).all()):
        raise SpecificationError(f"the {side[:-1]} weights must be positive numbers, not "
                                 f"{dict(zip(columns, chosen))}.")
    return chosen / chosen.sum()
