"""O'Donnell's decomposition of a multiplicatively complete TFP index: the Lowe index with DEA components.

A TFP index is *multiplicatively complete* when it is the ratio of an aggregate output to an aggregate input,
``TFP = Q(y) / X(x)``, with non-negative, non-decreasing, linearly homogeneous aggregators (O'Donnell 2012).
The Lowe index aggregates with fixed representative prices, here the sample means of the prices:
``Q(y) = p_bar . y`` and ``X(x) = w_bar . x``. Its levels are transitive, so the change between any two
observations (other units, other periods) is the ratio of their levels.

Against the technology of its period ``t`` (all units observed in ``t``; DEA, ``rts=``), each observation's
TFP is the maximum TFP the technology allows times its TFP efficiency, ``TFP = TFP*_t x TFPE``. With
free disposability and convexity (or constant returns) the maximum of ``Q/X`` over the technology is
reached at an observed unit: ``TFP*_t`` is the largest TFP observed in period ``t``. TFP efficiency splits
into technical, mix and residual scale efficiency (O'Donnell 2012, eqs. 12-13):

* output orientation: ``TFPE = OTE x OME x ROSE`` with ``OTE = D_O(x, y)`` (output technical efficiency),
  ``OME = Q(y / D_O) / Q_bar`` (output mix efficiency; ``Q_bar = max Q(z)`` over outputs ``z`` producible
  from ``x``, the mix free: a linear program) and ``ROSE = (Q_bar / X(x)) / TFP*_t``;
* input orientation: ``TFPE = ITE x IME x RISE`` with ``ITE = 1 / D_I(x, y)``, ``IME = X_bar / X(x / D_I)``
  (``X_bar = min X(z)`` over inputs ``z`` that produce ``y``) and ``RISE = (Q(y) / X_bar) / TFP*_t``.

Each component lies in (0, 1], and the identity holds exactly. Changes between consecutive periods
(``changes()``) are ratios of levels: TFP change = technical change (``TFP*``) x efficiency change, the
latter the product of the components' changes.

References
----------
O'Donnell, C. J. (2012). Nonparametric estimates of the components of productivity and profitability change
in U.S. agriculture. *American Journal of Agricultural Economics* 94(4), 873-890.
O'Donnell, C. J. (2012). An aggregate quantity framework for measuring and decomposing productivity change.
*Journal of Productivity Analysis* 38(3), 255-272.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import ConvergenceWarning, SpecificationError, warn
from ..keywords import strict_class, strict_keywords
from ..options import check_option
from ..panel import Panel, observation_index
from ..quantities import validated_side
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable
from .dea import dea
from .lp import LPTemplate

__all__ = ["LoweEfficiency", "LoweEfficiencyDiagnostics", "lowe_efficiency"]

@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class LoweEfficiencyDiagnostics(Diagnostics):
    """Facts about a decomposed Lowe index."""

    #: "output" or "input": which mix and scale efficiencies
    orientation: str
    #: returns to scale of each period's DEA technology
    rts: str
    nobs: int
    n_entities: int
    #: observations whose programs had no optimal solution (components NaN)
    failed: int


class LoweEfficiency(TFPResults):
    """Lowe TFP levels with their maximum and efficiency components per (entity, time) (see
    :mod:`nqpf_tfp.frontier.lowe_decomposition`): ``tfp = tfp_max x tfp_efficiency`` and ``tfp_efficiency =
    technical_efficiency x mix_efficiency x residual_scale_efficiency``."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"
    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "productivity"
    #: the index's name in printed tables
    index_name: ClassVar[str] = "Lowe"

    def __init__(self, frame: pd.DataFrame, diagnostics: LoweEfficiencyDiagnostics) -> None:
        self._frame = frame.copy()
        self._diagnostics = diagnostics

    @property
    def tfp(self) -> pd.Series:
        """The Lowe TFP level ``p_bar . y / w_bar . x`` (transitive: ratios compare any two rows)."""
        return self._frame["tfp"].copy()

    @property
    def diagnostics(self) -> LoweEfficiencyDiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def changes(self) -> pd.DataFrame:
        """Every column's change from each entity's previous period (ratios of levels).

        Returns
        -------
        pandas.DataFrame
            ``tfp`` change = ``tfp_max`` change (technical change) x ``tfp_efficiency`` change, per (entity,
            time) with the previous period; the first period of each entity is dropped.
        """
        entity = self._frame.index.get_level_values(0)
        previous = self._frame.groupby(entity, sort=False).shift(1)
        return (self._frame / previous).dropna(how="all")

    def summary(self) -> SummaryTable:
        d = self._diagnostics
        table = self._frame.describe().T[["count", "mean", "std", "min", "max"]]
        return SummaryTable(table, f"{self.index_name} TFP and its efficiency components", [
            f"{d.orientation.capitalize()}-oriented components against each period's DEA technology ({d.rts}); "
            "tfp = tfp_max x technical_efficiency x mix_efficiency x residual_scale_efficiency (O'Donnell 2012).",
            f"{d.nobs} observations of {d.n_entities} entities; {d.failed} without an optimal program."], ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Mean TFP, maximum TFP and TFP efficiency by period.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw.
        **kwargs
            Passed to ``Axes.plot``.
        """
        from ..plotting import pyplot

        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        means = self._frame[["tfp", "tfp_max", "tfp_efficiency"]].groupby(level=-1).mean()
        labels = [str(p) for p in means.index]
        for column in means:
            ax.plot(labels, means[column].to_numpy(), marker="o", label=column.replace("_", " "), **kwargs)
        ax.set_ylabel("mean over units")
        ax.legend()
        return ax


def _best_aggregate(x: np.ndarray, y: np.ndarray, members: np.ndarray, evaluated: np.ndarray, weights: np.ndarray,
                    orientation: str, rts: str) -> tuple[np.ndarray, int]:
    """``Q_bar`` (output orientation: max ``weights . Y'l`` s.t. ``X'l <= x_o``) or ``X_bar`` (input: min
    ``weights . X'l`` s.t. ``Y'l >= y_o``) for every evaluated row against the reference ``members``, with
    ``sum l = 1`` under VRS (``<= 1`` NIRS, ``>= 1`` NDRS); the number of failed programs."""
    # quantities in units of the reference means (as dea scales them): HiGHS stalls on raw magnitudes near 1e7
    sx, sy = x[members].mean(axis=0), y[members].mean(axis=0)
    x, y = x / sx, y / sy
    weights = weights * (sy if orientation == "output" else sx)
    ref_x, ref_y = x[members], y[members]
    n = members.size
    if orientation == "output":
        cost, a, fixed = -(ref_y @ weights), ref_x.T, x[evaluated]  # rows: X'l <= x_o
        lower, upper = np.full(a.shape[0], -np.inf), fixed[0].copy()
    else:
        cost, a, fixed = ref_x @ weights, ref_y.T, y[evaluated]  # rows: Y'l >= y_o
        lower, upper = fixed[0].copy(), np.full(a.shape[0], np.inf)
    bound = {"vrs": (1.0, 1.0), "nirs": (-np.inf, 1.0), "ndrs": (1.0, np.inf)}.get(rts)
    if bound is not None:
        a = np.vstack([a, np.ones(n)])
        lower, upper = np.r_[lower, bound[0]], np.r_[upper, bound[1]]
    template = LPTemplate(cost, a, lower, upper, np.zeros(n), np.full(n, np.inf))
    out = np.full(evaluated.size, np.nan)
    failed = 0
    rows = fixed.shape[1]
    for k in range(evaluated.size):  # one re-solve per unit of the template built once (warm start)
        for r in range(rows):
            if orientation == "output":
                template.set_row_bounds(r, -np.inf, float(fixed[k, r]))
            else:
                template.set_row_bounds(r, float(fixed[k, r]), np.inf)
        solution = template.solve()
        if solution.status == "optimal":
            out[k] = -solution.objective if orientation == "output" else solution.objective
        else:
            failed += 1
    return out, failed


def efficiency_components(panel: Panel, x: np.ndarray, y: np.ndarray, output_weights: np.ndarray,
                          input_weights: np.ndarray, orientation: str, rts: str,
                          caller: str) -> tuple[dict[str, np.ndarray], int]:
    """TFP ``Q(y) / X(x)`` with the linear aggregators ``output_weights . y`` and ``input_weights . x``, and its
    components against each period's DEA technology, for rows sorted as ``panel.positions``; the number of
    observations without an optimal program (their components NaN, warned)."""
    q_agg = y @ output_weights
    x_agg = x @ input_weights
    tfp = q_agg / x_agg
    n = tfp.size
    tfp_max, technical, best = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    failed = 0
    names_x = [f"x{i}" for i in range(x.shape[1])]
    names_y = [f"y{j}" for j in range(y.shape[1])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted below
        for period in np.unique(panel.time):
            members = np.flatnonzero(panel.time == period)
            tfp_max[members] = tfp[members].max()
            frame = pd.DataFrame(np.column_stack([x[members], y[members]]), columns=names_x + names_y)
            scores = dea(frame, names_x, names_y, rts=rts, orientation=orientation, slacks=False).efficiency
            technical[members] = scores.to_numpy()  # output: D_O = 1 / phi; input: theta = 1 / D_I
            best[members], bad = _best_aggregate(x, y, members, members,
                                                 output_weights if orientation == "output" else input_weights,
                                                 orientation, rts)
            failed += bad
    if orientation == "output":
        mix = (q_agg / technical) / best  # Q(y / D_O) / Q_bar
        residual = (best / x_agg) / tfp_max
    else:
        mix = best / (x_agg * technical)  # X_bar / X(theta x)
        residual = (q_agg / best) / tfp_max
    failed = max(failed, int(np.sum(~np.isfinite(technical))))
    if failed:
        warn(f"{caller}: {failed} observation(s) have no optimal program; their components are NaN.",
             ConvergenceWarning)
    return {"tfp": tfp, "tfp_max": tfp_max, "tfp_efficiency": tfp / tfp_max, "technical_efficiency": technical,
            "mix_efficiency": mix, "residual_scale_efficiency": residual}, failed


@strict_keywords
def lowe_efficiency(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
                    input_prices: Any, output_prices: Any, entity: Any = None, time: Any = None,
                    orientation: str = "output", rts: str = "vrs") -> LoweEfficiency:
    """Lowe TFP levels decomposed into maximum TFP and efficiency components (see
    :mod:`nqpf_tfp.frontier.lowe_decomposition`).

    .. math::

        \\text{TFP}_{it} = \\frac{\\bar p \\cdot y_{it}}{\\bar w \\cdot x_{it}}
        = \\text{TFP}^*_t \\times OTE_{it} \\times OME_{it} \\times ROSE_{it}

    Parameters
    ----------
    data : pandas.DataFrame
        One row per (entity, time); never modified.
    inputs, outputs : str or list of str
        Quantity columns, strictly positive.
    input_prices, output_prices : list of str or dict
        Price columns (the representative prices are their sample means), in the order of the quantities or
        as ``{quantity: price column}``.
    entity, time : str, optional
        The panel keys; omit both to use a two-level MultiIndex.
    orientation : {"output", "input"}
        Output technical, mix and residual scale efficiency, or their input-oriented counterparts.
    rts : {"vrs", "crs", "nirs", "ndrs"}
        Returns to scale of each period's technology.

    Returns
    -------
    LoweEfficiency
        Per (entity, time): ``tfp``, ``tfp_max``, ``tfp_efficiency``, ``technical_efficiency``,
        ``mix_efficiency``, ``residual_scale_efficiency``; ``changes()`` for changes between periods.
    """
    require_frame(data, "data")
    orientation = check_option("dea_orientation", orientation, "orientation")
    rts = check_option("dea_rts", rts, "rts")
    if input_prices is None or output_prices is None:
        raise SpecificationError("the Lowe index values quantities at representative prices: give input_prices= "
                                 "and output_prices=.")
    outs = validated_side(data, outputs, output_prices, None, "output")
    ins = validated_side(data, inputs, input_prices, None, "input")
    panel = Panel(data, entity=entity, time=time)
    order = panel.positions
    columns, failed = efficiency_components(panel, ins.q[order], outs.q[order], outs.p.mean(axis=0),
                                            ins.p.mean(axis=0), orientation, rts, "lowe_efficiency")
    table = pd.DataFrame(columns, index=observation_index(data, entity, time)[order])
    diagnostics = LoweEfficiencyDiagnostics(orientation, rts, order.size, panel.n_entities, failed)
    return LoweEfficiency(table, diagnostics)
