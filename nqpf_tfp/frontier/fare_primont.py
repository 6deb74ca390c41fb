"""The Färe-Primont TFP index with DEA components (O'Donnell 2012).

The Färe-Primont index is multiplicatively complete and transitive: it aggregates outputs with Shephard's
output distance function and inputs with the input distance function, both at a representative input-output
point ``(x0, y0)`` and a representative technology ``T0``:

.. math::

    Q(y) = D_O(x_0, y, T_0), \\qquad X(x) = D_I(x, y_0, T_0), \\qquad \\text{TFP} = Q(y) / X(x).

With a DEA technology O'Donnell (2012) takes the distance functions as locally linear around the
representative point: their linear programs in multiplier form at ``(x0, y0)`` give the aggregator weights.

* Outputs: ``min v.x0 + omega`` over ``u, v >= 0`` s.t. ``u.y0 = 1`` and ``u.y_j - v.x_j - omega <= 0`` for
  every unit ``j`` of ``T0`` (the dual of the output-oriented DEA program); ``Q(y) = u.y / (v.x0 + omega)``,
  so that ``Q(y0) = D_O(x0, y0)``.
* Inputs: ``max u.y0 + omega`` s.t. ``v.x0 = 1`` and ``u.y_j - v.x_j + omega <= 0``; ``X(x) = v.x / (u.y0 +
  omega)``, so that ``X(x0) = D_I(x0, y0)``.

``omega`` is free under variable returns, zero under constant returns, and signed under NIRS and NDRS (the
duals of ``sum l <= 1`` and ``sum l >= 1``). As in O'Donnell's DPIN program and the R package
*productivity* (``fareprim``), the representative point is the sample mean of every observation and ``T0``
is formed by all of them (every period pooled).

The multiplier programs can have more than one optimal solution: when the projection of ``(x0, y0)`` lands
on a vertex or an edge of the frontier, a range of supporting hyperplanes is optimal, and a solver returns
whichever vertex it reaches first. Here each weight is minimised and maximised over the optimal face (the
optimal value held fixed); when a range is wider than 1e-6 of the normalised weights, the weights used are
the mean of those extreme solutions, which is itself optimal and does not depend on the solver, a warning
says so, ``diagnostics.weights_unique`` is False and ``weight_ranges`` lists the ranges.

With these linear aggregators the index is decomposed exactly as the Lowe index is
(:mod:`nqpf_tfp.frontier.lowe_decomposition`): against the DEA technology of each period,
``TFP = TFP* x OTE x OME x ROSE`` (output orientation) or ``TFP* x ITE x IME x RISE`` (input orientation).

References
----------
O'Donnell, C. J. (2012). Nonparametric estimates of the components of productivity and profitability change
in U.S. agriculture. *American Journal of Agricultural Economics* 94(4), 873-890.
O'Donnell, C. J. (2011). DPIN 3.0: A program for decomposing productivity index numbers. Centre for
Efficiency and Productivity Analysis, University of Queensland.
Färe, R. and Primont, D. (1995). *Multi-Output Production and Duality: Theory and Applications*. Kluwer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import numpy as np
import pandas as pd

from ..arguments import column_names, finite_column, require_frame
from ..docstrings import parameters_from
from ..errors import ConvergenceWarning, EstimationError, SpecificationError, warn
from ..keywords import strict_class, strict_keywords
from ..options import check_option
from ..panel import Panel, observation_index
from .lowe_decomposition import LoweEfficiency, LoweEfficiencyDiagnostics, efficiency_components, lowe_efficiency
from .lp import LPTemplate

__all__ = ["FarePrimontDiagnostics", "FarePrimontEfficiency", "fare_primont_efficiency"]

#: a normalised weight whose range over the optimal face is wider than this is not unique
WEIGHT_TOLERANCE = 1e-6
#: the optimal value is held within this relative distance while the weights are ranged
OPTIMUM_TOLERANCE = 1e-10

# bounds of the multiplier of the returns-to-scale row in the output and the input program
_OMEGA_BOUNDS = {"output": {"crs": (0.0, 0.0), "vrs": (-np.inf, np.inf), "nirs": (0.0, np.inf),
                            "ndrs": (-np.inf, 0.0)},
                 "input": {"crs": (0.0, 0.0), "vrs": (-np.inf, np.inf), "nirs": (-np.inf, 0.0),
                           "ndrs": (0.0, np.inf)}}


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class FarePrimontDiagnostics(LoweEfficiencyDiagnostics):
    """Facts about a decomposed Färe-Primont index."""

    #: whether both multiplier programs at the representative point have a unique solution
    weights_unique: bool = True


@dataclass(frozen=True)
class _Weights:
    """Aggregator weights of one side in the data's units, with their ranges over the optimal face, and which
    of them vary there (judged on the normalised weights, which sum to 1 at the mean point)."""

    values: np.ndarray
    low: np.ndarray
    high: np.ndarray
    varies: np.ndarray

    @property
    def unique(self) -> bool:
        return not bool(self.varies.any())


class FarePrimontEfficiency(LoweEfficiency):
    """Färe-Primont TFP levels with their maximum and efficiency components per (entity, time) (see
    :mod:`nqpf_tfp.frontier.fare_primont`): ``tfp = tfp_max x tfp_efficiency`` and ``tfp_efficiency =
    technical_efficiency x mix_efficiency x residual_scale_efficiency``."""

    index_name: ClassVar[str] = "Färe-Primont"

    def __init__(self, frame: pd.DataFrame, diagnostics: FarePrimontDiagnostics, output_weights: pd.Series,
                 input_weights: pd.Series, weight_ranges: pd.DataFrame) -> None:
        super().__init__(frame, diagnostics)
        self._output_weights = output_weights.copy()
        self._input_weights = input_weights.copy()
        self._weight_ranges = weight_ranges.copy()

    @property
    def tfp(self) -> pd.Series:
        """The Färe-Primont TFP level ``Q(y) / X(x)`` (transitive: ratios compare any two rows)."""
        return self._frame["tfp"].copy()

    @property
    def diagnostics(self) -> FarePrimontDiagnostics:
        return cast(FarePrimontDiagnostics, self._diagnostics)

    @property
    def output_weights(self) -> pd.Series:
        """The output aggregator's weights per output column: ``Q(y) = output_weights . y``."""
        return self._output_weights.copy()

    @property
    def input_weights(self) -> pd.Series:
        """The input aggregator's weights per input column: ``X(x) = input_weights . x``."""
        return self._input_weights.copy()

    @property
    def weight_ranges(self) -> pd.DataFrame:
        """Each weight's smallest and largest value over the optimal solutions of its multiplier program
        (equal when the weights are unique), with the value used."""
        return self._weight_ranges.copy()


def _multiplier_weights(x: np.ndarray, y: np.ndarray, side: str, rts: str) -> _Weights:
    """The aggregator weights of ``side`` ("output" or "input") from the multiplier program at the mean point
    against all rows, in the units of ``x`` and ``y``."""
    # solved in units of the means (the representative point becomes ones; HiGHS stalls on raw magnitudes)
    x_mean, y_mean = x.mean(axis=0), y.mean(axis=0)
    xs, ys = x / x_mean, y / y_mean
    m, s, n = xs.shape[1], ys.shape[1], xs.shape[0]
    # columns: the weights of this side first (k of them), then those of the other side, then omega
    if side == "output":
        k, cost = s, np.r_[np.zeros(s), np.ones(m), 1.0]  # min v.x0 + omega (x0 = ones)
        rows = np.column_stack([ys, -xs, -np.ones(n)])  # u.y_j - v.x_j - omega <= 0
    else:
        k, cost = m, -np.r_[np.zeros(m), np.ones(s), 1.0]  # max u.y0 + omega
        rows = np.column_stack([-xs, ys, np.ones(n)])  # u.y_j - v.x_j + omega <= 0
    normalise = np.r_[np.ones(k), np.zeros(m + s - k + 1)]  # the own weights sum to 1 at the mean point
    a = np.vstack([rows, normalise])
    lower = np.r_[np.full(n, -np.inf), 1.0]
    upper = np.r_[np.zeros(n), 1.0]
    col_lower = np.r_[np.zeros(m + s), _OMEGA_BOUNDS[side][rts][0]]
    col_upper = np.r_[np.full(m + s, np.inf), _OMEGA_BOUNDS[side][rts][1]]
    template = LPTemplate(cost, a, lower, upper, col_lower, col_upper)
    solution = template.solve()
    if solution.status != "optimal":
        raise EstimationError(f"fare_primont_efficiency: the {side} multiplier program at the mean point is "
                            f"{solution.status}; check that every {side} varies across the observations.")
    optimum = solution.objective
    # the optimal face: the objective held at its optimum; then each own weight minimised and maximised on it
    template = LPTemplate(np.zeros(cost.size), np.vstack([a, cost]), np.r_[lower, -np.inf],
                          np.r_[upper, optimum + OPTIMUM_TOLERANCE * max(1.0, abs(optimum))], col_lower, col_upper)
    extremes = []
    for j in range(k):
        for sign in (1.0, -1.0):
            template.set_cost(j, sign)
            found = template.solve()
            if found.status == "optimal":
                extremes.append(found.values[:k])
        template.set_cost(j, 0.0)
    extremes_array = np.array(extremes) if extremes else solution.values[None, :k]
    low, high = extremes_array.min(axis=0), extremes_array.max(axis=0)
    varies = high - low > WEIGHT_TOLERANCE
    chosen = extremes_array.mean(axis=0) if varies.any() else solution.values[:k]
    # Q(y) = u.y / (v.x0 + omega) for outputs, X(x) = v.x / (u.y0 + omega) for inputs, with |optimum| that
    # denominator; back to the units of the data
    scale = abs(optimum) * (y_mean if side == "output" else x_mean)
    return _Weights(chosen / scale, low / scale, high / scale, varies)


@strict_keywords
@parameters_from(lowe_efficiency)
def fare_primont_efficiency(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
                            entity: Any = None, time: Any = None, orientation: str = "output",
                            rts: str = "vrs") -> FarePrimontEfficiency:
    """Färe-Primont TFP levels decomposed into maximum TFP and efficiency components (see
    :mod:`nqpf_tfp.frontier.fare_primont`).

    .. math::

        \\text{TFP}_{it} = \\frac{D_O(x_0, y_{it}, T_0)}{D_I(x_{it}, y_0, T_0)}
        = \\text{TFP}^*_t \\times OTE_{it} \\times OME_{it} \\times ROSE_{it}

    Parameters
    ----------
    rts : {"vrs", "crs", "nirs", "ndrs"}
        Returns to scale of the representative technology (all observations) and of each period's technology.

    Returns
    -------
    FarePrimontEfficiency
        Per (entity, time): ``tfp``, ``tfp_max``, ``tfp_efficiency``, ``technical_efficiency``,
        ``mix_efficiency``, ``residual_scale_efficiency``; ``changes()`` for changes between periods; the
        aggregator weights in ``output_weights`` and ``input_weights``.

    Raises
    ------
    EstimationError
        When a multiplier program at the mean point has no optimal solution.
    """
    require_frame(data, "data")
    orientation = check_option("dea_orientation", orientation, "orientation")
    rts = check_option("dea_rts", rts, "rts")
    names_x, names_y = list(column_names(inputs, "inputs")), list(column_names(outputs, "outputs"))
    if not names_x or not names_y:
        raise SpecificationError("fare_primont_efficiency needs at least one input (inputs=) and one output "
                                 "(outputs=).")
    for side, names in (("inputs", names_x), ("outputs", names_y)):
        if len(set(names)) < len(names):
            raise SpecificationError(f"{side}= names a column twice: {names}.")
    panel = Panel(data, entity=entity, time=time)
    order = panel.positions
    x = np.column_stack([finite_column(data, c, "input", positive=True) for c in names_x])[order]
    y = np.column_stack([finite_column(data, c, "output", positive=True) for c in names_y])[order]
    weights_y = _multiplier_weights(x, y, "output", rts)
    weights_x = _multiplier_weights(x, y, "input", rts)
    unique = weights_y.unique and weights_x.unique
    ranges = pd.DataFrame({"weight": np.r_[weights_y.values, weights_x.values],
                           "low": np.r_[weights_y.low, weights_x.low],
                           "high": np.r_[weights_y.high, weights_x.high]},
                          index=pd.MultiIndex.from_tuples([("output", c) for c in names_y]
                                                          + [("input", c) for c in names_x], names=["side", "column"]))
    if not unique:
        wide = ranges.index[np.r_[weights_y.varies, weights_x.varies]][:3].tolist()
        warn(f"fare_primont_efficiency: the multiplier programs at the mean point have more than one optimal "
             f"solution (weights of {wide} vary); the mean of the extreme solutions is used. See weight_ranges.",
             ConvergenceWarning)
    columns, failed = efficiency_components(panel, x, y, weights_y.values, weights_x.values, orientation, rts,
                                            "fare_primont_efficiency")
    table = pd.DataFrame(columns, index=observation_index(data, entity, time)[order])
    diagnostics = FarePrimontDiagnostics(orientation, rts, order.size, panel.n_entities, failed, unique)
    return FarePrimontEfficiency(table, diagnostics, pd.Series(weights_y.values, index=names_y, name="weight"),
                                 pd.Series(weights_x.values, index=names_x, name="weight"), ranges)
