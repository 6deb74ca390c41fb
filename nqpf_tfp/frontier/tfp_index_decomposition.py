"""The Törnqvist and Fisher TFP indices decomposed with DEA: efficiency change, technical change, a scale
effect and a mix effect (Balk and Zofío 2018, "complete" decomposition).

The Törnqvist index of an entity from period 0 to period 1 is the geometric mean of the geometric
Laspeyres and Paasche indices, ``G_tau = prod_j (y_1j / y_0j)^{r_j,tau} / prod_i (x_1i / x_0i)^{s_i,tau}``
with the value shares ``r`` and ``s`` of period ``tau``. Each ``G_tau`` is split with the distance
functions of period ``tau``'s technology (all units of that period, variable returns to scale, estimated
by DEA). Input orientation, with ``theta^tau(x, y)`` the radial input efficiency (``1 / D_I``):

.. math::

    EC = \\frac{\\theta^1(x_1, y_1)}{\\theta^0(x_0, y_0)},\\qquad
    TC = \\Big[\\frac{\\theta^0(x_1, y_1)\\,\\theta^0(x_0, y_0)}{\\theta^1(x_1, y_1)\\,\\theta^1(x_0, y_0)}\\Big]^{1/2},

    SEC_\\tau = \\Big[\\frac{\\theta^\\tau(x_1, y_0)}{\\theta^\\tau(x_1, y_1)}\\,
                    \\frac{\\theta^\\tau(x_0, y_0)}{\\theta^\\tau(x_0, y_1)}\\Big]^{1/2} Y_\\tau,\\qquad
    IME_\\tau = \\Big[\\frac{\\theta^\\tau(x_0, y_0)}{\\theta^\\tau(x_1, y_0)}\\,
                    \\frac{\\theta^\\tau(x_0, y_1)}{\\theta^\\tau(x_1, y_1)}\\Big]^{1/2} / X_\\tau,

``Y_tau = prod_j (y_1j / y_0j)^{r_j,tau}``, ``X_tau = prod_i (x_1i / x_0i)^{s_i,tau}``, and the scale and
input-mix effects are the geometric means of ``SEC_tau`` and ``IME_tau`` over ``tau = 0, 1`` (each the
mean of the two paths through ``(x_1, y_0)`` and ``(x_0, y_1)``). Output orientation, with
``phi^tau`` the radial output expansion (``1 / D_O``): ``EC = phi^0(x_0, y_0) / phi^1(x_1, y_1)``,
``TC = [phi^1(x_1, y_1) phi^1(x_0, y_0) / (phi^0(x_1, y_1) phi^0(x_0, y_0))]^{1/2}``, the scale effect
``[phi^tau(x_1, y_0) / phi^tau(x_0, y_0) . phi^tau(x_1, y_1) / phi^tau(x_0, y_1)]^{1/2} / X_tau`` and the
output-mix effect ``[phi^tau(x_1, y_1) / phi^tau(x_1, y_0) . phi^tau(x_0, y_1) / phi^tau(x_0, y_0)]^{1/2}
Y_tau``. In both orientations ``Törnqvist = EC x TC x scale x mix`` exactly (the distance functions
cancel), and EC x TC is the VRS Malmquist index of the same orientation.

The Fisher index (``formula="fisher"``) is the geometric mean of the Laspeyres and Paasche indices, and
splits the same way with ``Y_tau = p_tau . y_1 / p_tau . y_0`` and ``X_tau = w_tau . x_1 / w_tau . x_0``,
the quantity indices at period ``tau``'s prices, in place of the geometric ones (Balk and Zofío's
"price-weighted" index; with value shares only, the prices they imply).

Cross-period VRS programs can be infeasible; the components of that entity and period are then NaN (with
a warning), while ``tfp_change``, the index itself, is always given.

References
----------
Balk, B. M. and Zofío, J. L. (2018). The many decompositions of total factor productivity change. ERIM
Report Series ERS-2018-003-LIS, Erasmus University Rotterdam.
Balk, B. M., Barbero, J. and Zofío, J. L. (2020). A toolbox for calculating and decomposing total factor
productivity indices. *Computers & Operations Research* 115, 104853.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import ConvergenceWarning, PanelError, SpecificationError, warn
from ..index_tables import consecutive_links
from ..keywords import strict_class, strict_keywords
from ..options import check_option
from ..panel import Panel, observation_index
from ..quantities import row_dot, validated_side
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable
from .cross_period import link_scores

__all__ = ["IndexDecompositionDiagnostics", "TFPIndexDecomposition", "index_decomposition"]

_COLUMNS = ["tfp_change", "efficiency_change", "technical_change", "scale_effect", "mix_effect"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class IndexDecompositionDiagnostics(Diagnostics):
    """Facts about a decomposed TFP index."""

    #: "input" or "output": the distance functions, and so the mix effect
    orientation: str
    #: "tornqvist" or "fisher": the index decomposed
    formula: str
    #: entity-periods with a previous period (the rows of the results)
    links: int
    #: of them, those with an infeasible cross-period program (NaN components)
    infeasible: int


class TFPIndexDecomposition(TFPResults):
    """A Törnqvist or Fisher TFP index and its DEA decomposition per (entity, period) with a previous period (see
    :mod:`nqpf_tfp.frontier.tfp_index_decomposition`): ``tfp_change = efficiency_change x technical_change x
    scale_effect x mix_effect`` (the mix of inputs under input orientation, of outputs under output
    orientation)."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"
    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "index"

    def __init__(self, frame: pd.DataFrame, diagnostics: IndexDecompositionDiagnostics) -> None:
        self._frame = frame.copy()
        self._diagnostics = diagnostics

    @property
    def diagnostics(self) -> IndexDecompositionDiagnostics:
        return self._diagnostics

    @property
    def tfp(self) -> pd.Series:
        """The TFP index (Törnqvist or Fisher) against the previous period."""
        return self._frame["tfp_change"].copy()

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def summary(self) -> SummaryTable:
        table = self._frame.describe().T[["count", "mean", "std", "min", "max"]]
        d = self._diagnostics
        mix = "inputs" if d.orientation == "input" else "outputs"
        name = "Törnqvist" if d.formula == "tornqvist" else "Fisher"
        return SummaryTable(table, f"{name} TFP index decomposed", [
            f"{d.orientation.capitalize()}-oriented, VRS technology of each period (Balk and Zofio 2018); the "
            f"mix effect is that of the {mix}; tfp_change = efficiency_change x technical_change x scale_effect x "
            f"mix_effect.", f"{d.links} entity-periods; {d.infeasible} with infeasible cross-period "
            "programs (components NaN)."], ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Mean log contribution of each component by period (stacked bars) with the mean log TFP change.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw.
        **kwargs
            Passed to ``Axes.bar``.
        """
        from ..plotting import pyplot

        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        logs = np.log(self._frame).groupby(level=-1).mean()
        bottom_pos = np.zeros(len(logs))
        bottom_neg = np.zeros(len(logs))
        labels = [str(p) for p in logs.index]
        for column in _COLUMNS[1:]:
            values = logs[column].to_numpy()
            base = np.where(values >= 0, bottom_pos, bottom_neg)
            ax.bar(labels, values, bottom=base, label=column.replace("_", " "), **kwargs)
            bottom_pos += np.where(values >= 0, values, 0)
            bottom_neg += np.where(values < 0, values, 0)
        ax.plot(labels, logs["tfp_change"].to_numpy(), "ko-", label="TFP change")
        ax.set_ylabel("mean log change")
        ax.legend()
        return ax


@strict_keywords
def index_decomposition(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
                        input_prices: Any = None, output_prices: Any = None, input_shares: Any = None,
                        output_shares: Any = None, entity: Any = None, time: Any = None,
                        orientation: str = "input", formula: str = "tornqvist") -> TFPIndexDecomposition:
    """The chained Törnqvist or Fisher TFP index of every entity, decomposed with DEA (see
    :mod:`nqpf_tfp.frontier.tfp_index_decomposition`).

    .. math::

        \\text{TFP index} = EC \\times TC \\times \\text{scale effect} \\times \\text{mix effect}

    Parameters
    ----------
    data : pandas.DataFrame
        One row per (entity, period); never modified.
    inputs, outputs : str or list of str
        Quantity columns, strictly positive.
    input_prices, output_prices, input_shares, output_shares : list of str or dict, optional
        Prices or value shares, as :func:`nqpf_tfp.growth.tfp_index` takes them.
    entity, time : str, optional
        The panel keys (consecutive integer periods); omit both to use a two-level MultiIndex.
    orientation : {"input", "output"}
        The distance functions: input orientation gives an input-mix effect, output orientation an
        output-mix effect.
    formula : {"tornqvist", "fisher"}
        The index decomposed (the other bilateral formulas have no two-period decomposition here).

    Returns
    -------
    TFPIndexDecomposition
        ``tfp_change``, ``efficiency_change``, ``technical_change``, ``scale_effect`` and ``mix_effect`` per
        (entity, period) with a previous period.
    """
    require_frame(data, "data")
    orientation = check_option("dea_orientation", orientation, "orientation")
    formula = check_option("index_formula", formula, "formula")
    if formula not in ("tornqvist", "fisher"):
        raise SpecificationError(f"formula={formula!r}: the decomposition splits the Törnqvist or the Fisher index "
                                 "(geometric means over the two periods' technologies); pass 'tornqvist' or "
                                 "'fisher'.")
    outs = validated_side(data, outputs, output_prices, output_shares, "output")
    ins = validated_side(data, inputs, input_prices, input_shares, "input")
    panel = Panel(data, entity=entity, time=time)
    order = panel.positions
    x, y, sx, sy = ins.q[order], outs.q[order], ins.s[order], outs.s[order]
    now = np.flatnonzero(~consecutive_links(panel, "the decomposition"))  # rows with the previous period
    if now.size == 0:
        raise PanelError("index_decomposition compares consecutive periods: no entity is observed in two "
                         "consecutive periods.")
    before = now - 1  # the panel is sorted by entity and period: the previous period is the row above
    # each period's quantity indices of the link: geometric (Törnqvist) or at that period's prices (Fisher)
    if formula == "tornqvist":
        log_y, log_x = np.log(y[now] / y[before]), np.log(x[now] / x[before])
        ly = {0: np.sum(sy[before] * log_y, axis=1), 1: np.sum(sy[now] * log_y, axis=1)}
        lx = {0: np.sum(sx[before] * log_x, axis=1), 1: np.sum(sx[now] * log_x, axis=1)}
    else:
        py, px = outs.p[order], ins.p[order]
        ly = {t: np.log(row_dot(py[r], y[now]) / row_dot(py[r], y[before])) for t, r in ((0, before), (1, now))}
        lx = {t: np.log(row_dot(px[r], x[now]) / row_dot(px[r], x[before])) for t, r in ((0, before), (1, now))}
    log_tfp = 0.5 * (ly[0] + ly[1] - lx[0] - lx[1])
    points = [(tau, a, b) for tau in (0, 1) for a in (0, 1) for b in (0, 1)]
    found = link_scores(x, y, panel.time, before, now, points, orientation, "vrs")
    # theta (input orientation) or phi = 1 / (output distance) of (x_a, y_b) against period tau's technology
    score = {tau: {(a, b): found[tau, a, b] if orientation == "input" else 1.0 / found[tau, a, b]
                   for a in (0, 1) for b in (0, 1)} for tau in (0, 1)}
    s = score
    if orientation == "input":
        log_ec = np.log(s[1][(1, 1)] / s[0][(0, 0)])
        log_tc = 0.5 * np.log(s[0][(1, 1)] * s[0][(0, 0)] / (s[1][(1, 1)] * s[1][(0, 0)]))
        log_scale = [0.5 * np.log(s[t][(1, 0)] / s[t][(1, 1)] * s[t][(0, 0)] / s[t][(0, 1)]) + ly[t] for t in (0, 1)]
        log_mix = [0.5 * np.log(s[t][(0, 0)] / s[t][(1, 0)] * s[t][(0, 1)] / s[t][(1, 1)]) - lx[t] for t in (0, 1)]
    else:
        log_ec = np.log(s[0][(0, 0)] / s[1][(1, 1)])
        log_tc = 0.5 * np.log(s[1][(1, 1)] * s[1][(0, 0)] / (s[0][(1, 1)] * s[0][(0, 0)]))
        log_scale = [0.5 * np.log(s[t][(1, 0)] / s[t][(0, 0)] * s[t][(1, 1)] / s[t][(0, 1)]) - lx[t] for t in (0, 1)]
        log_mix = [0.5 * np.log(s[t][(1, 1)] / s[t][(1, 0)] * s[t][(0, 1)] / s[t][(0, 0)]) + ly[t] for t in (0, 1)]
    table = pd.DataFrame({"tfp_change": np.exp(log_tfp), "efficiency_change": np.exp(log_ec),
                          "technical_change": np.exp(log_tc),
                          "scale_effect": np.exp(0.5 * (log_scale[0] + log_scale[1])),
                          "mix_effect": np.exp(0.5 * (log_mix[0] + log_mix[1]))},
                         index=observation_index(data, entity, time)[order][now])
    infeasible = int(table[_COLUMNS[1:]].isna().any(axis=1).sum())
    if infeasible:
        warn(f"index_decomposition: {infeasible} of {len(table)} entity-period(s) have an infeasible cross-period "
             "VRS program (a unit outside the other period's technology); their components are NaN, their "
             "tfp_change is the index.", ConvergenceWarning)
    return TFPIndexDecomposition(table, IndexDecompositionDiagnostics(orientation, formula, len(table), infeasible))
