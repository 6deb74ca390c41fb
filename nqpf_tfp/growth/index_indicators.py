"""Additive TFP indicators: Bennet's (1920) quantity indicator and the Bennet-Bowley productivity indicator.

An indicator measures change as a difference, not a ratio. From period ``a`` to ``b``, with output prices
``p`` and input prices ``w``:

.. math::

    B_{out} = \\tfrac12 (p_a + p_b) \\cdot (y_b - y_a),\\qquad B_{in} = \\tfrac12 (w_a + w_b) \\cdot (x_b - x_a),
    \\qquad \\text{TFP indicator} = B_{out} - B_{in}.

With Bennet's price indicators ``P_out = (y_a + y_b) . (p_b - p_a) / 2`` (and ``P_in`` alike), the change in
profit ``pi = p . y - w . x`` splits exactly into quantity and price parts:
``pi_b - pi_a = (B_out - B_in) + (P_out - P_in)`` (Bennet 1920; Diewert 2005).

``formula="bennet"`` reports the indicator in money units. ``formula="bennet-bowley"`` normalises each
period's prices by the value of a reference bundle at those prices, ``(p_t, w_t) / (p_t . g_y + w_t . g_x)``
(Chambers 2002; Balk 2003), so that the indicator is unit-free and does not move when all prices of a
period are scaled. The reference bundle ``g`` is the entity's mean bundle over the two periods, the same for
both, so the indicator is symmetric in them; with prices constant over time it is the Bennet indicator
divided by the value of that bundle.

Levels (``tfp``) are the cumulative sums of the chained indicators, 0 in each entity's first period.

References
----------
Bennet, T. L. (1920). The theory of measurement of changes in cost of living. *Journal of the Royal
Statistical Society* 83(3), 455-462.
Chambers, R. G. (2002). Exact nonradial input, output, and productivity measurement. *Economic Theory*
20(4), 751-765.
Balk, B. M. (2003). The residual: on monitoring and benchmarking firms, industries, and economies with
respect to productivity. *Journal of Productivity Analysis* 20(1), 5-47.
Diewert, W. E. (2005). Index number theory using differences rather than ratios. *American Journal of
Economics and Sociology* 64(1), 311-360.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import SpecificationError
from ..index_tables import IndexNumberDiagnostics, IndexNumberTFP, consecutive_links, cumulate
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import Panel, observation_index
from ..quantities import row_dot, validated_side
from ..tables import SummaryTable

__all__ = ["TFPIndicator", "tfp_indicator"]


class TFPIndicator(IndexNumberTFP):
    """Additive TFP indicators of each entity over time (see :mod:`nqpf_tfp.growth.index_indicators`):
    ``tfp_change`` per period (a difference), ``tfp`` its cumulative sum (0 in each entity's first period)."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "log"  # a change by difference, like the Luenberger indicator
    level_label: ClassVar[str] = "cumulative TFP indicator (first period = 0)"

    @property
    def output_index(self) -> pd.Series:
        """The output quantity indicator (a difference)."""
        return self._frame["output_indicator"].copy()

    @property
    def input_index(self) -> pd.Series:
        """The input quantity indicator (a difference)."""
        return self._frame["input_indicator"].copy()

    def summary(self) -> SummaryTable:
        d = self._diagnostics
        columns = ["output_indicator", "input_indicator", "tfp_change", "price_effect", "profit_change"]
        table = self._frame[[c for c in columns if c in self._frame]].describe().T[["count", "mean", "std", "min",
                                                                                      "max"]]
        unit = "money units" if d.formula == "bennet" else "normalised by the value of the mean bundle"
        return SummaryTable(table, "TFP indicator", [
            f"{'Bennet' if d.formula == 'bennet' else 'Bennet-Bowley'} indicators ({unit}); outputs {self.outputs}, "
            f"inputs {self.inputs}; TFP indicator = output indicator - input indicator.",
            f"{d.nobs} observations of {d.n_entities} entities; profit change = TFP indicator + price effect."],
            ".4f")


@strict_keywords
def tfp_indicator(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
                  input_prices: Any, output_prices: Any, entity: Any = None, time: Any = None,
                  formula: str = "bennet-bowley") -> TFPIndicator:
    """Chained additive TFP indicators of every entity (see :mod:`nqpf_tfp.growth.index_indicators`).

    .. math::

        \\text{TFP}_{a \\to b} = \\tfrac12 (p_a + p_b) \\cdot (y_b - y_a) - \\tfrac12 (w_a + w_b) \\cdot (x_b - x_a)

    Parameters
    ----------
    data : pandas.DataFrame
        One row per (entity, time); never modified.
    inputs, outputs : str or list of str
        Quantity columns, strictly positive.
    input_prices, output_prices : list of str or dict
        Price columns, in the order of the quantities or as ``{quantity: price column}``: indicators add up
        values, so they need prices (value shares carry no money units).
    entity, time : str, optional
        The panel keys (consecutive integer periods); omit both to use a two-level MultiIndex.
    formula : {"bennet-bowley", "bennet"}
        Prices normalised by the value of the entity's mean bundle (unit-free), or as they are (money).

    Returns
    -------
    TFPIndicator
        Per (entity, time): ``output_indicator``, ``input_indicator``, ``tfp_change``, ``price_effect`` and
        ``profit_change`` against the previous period (NaN in the first), and ``tfp``, their cumulative sum.
    """
    require_frame(data, "data")
    formula = check_option("indicator_formula", formula, "formula")
    if input_prices is None or output_prices is None:
        raise SpecificationError("tfp_indicator adds values: give input_prices= and output_prices=.")
    outs = validated_side(data, outputs, output_prices, None, "output")
    ins = validated_side(data, inputs, input_prices, None, "input")
    panel = Panel(data, entity=entity, time=time)
    order = panel.positions
    y, p, x, w = outs.q[order], outs.p[order], ins.q[order], ins.p[order]
    first = consecutive_links(panel, "an indicator")
    b = np.flatnonzero(~first)
    a = b - 1  # sorted by entity and period: the previous period is the row above
    if formula == "bennet-bowley":
        g_y, g_x = 0.5 * (y[a] + y[b]), 0.5 * (x[a] + x[b])
        scale_a = row_dot(p[a], g_y) + row_dot(w[a], g_x)
        scale_b = row_dot(p[b], g_y) + row_dot(w[b], g_x)
    else:
        scale_a = scale_b = np.ones(b.size)
    pa, pb = p[a] / scale_a[:, None], p[b] / scale_b[:, None]
    wa, wb = w[a] / scale_a[:, None], w[b] / scale_b[:, None]
    out_q = row_dot(0.5 * (pa + pb), y[b] - y[a])
    in_q = row_dot(0.5 * (wa + wb), x[b] - x[a])
    price = row_dot(0.5 * (y[a] + y[b]), pb - pa) - row_dot(0.5 * (x[a] + x[b]), wb - wa)
    profit = (row_dot(pb, y[b]) - row_dot(wb, x[b])) - (row_dot(pa, y[a]) - row_dot(wa, x[a]))
    n = order.size
    columns = {name: np.full(n, np.nan) for name in ("output_indicator", "input_indicator", "tfp_change",
                                                    "price_effect", "profit_change")}
    for name, values in (("output_indicator", out_q), ("input_indicator", in_q), ("tfp_change", out_q - in_q),
                         ("price_effect", price), ("profit_change", profit)):
        columns[name][b] = values
    level = cumulate(columns["tfp_change"], ~first, np.flatnonzero(first)[np.cumsum(first) - 1], ratio=False)
    table = pd.DataFrame(columns | {"tfp": level}, index=observation_index(data, entity, time)[order])
    diagnostics = IndexNumberDiagnostics(formula, "chained", panel.nobs, int(first.sum()), "prices", "prices")
    return TFPIndicator(table, diagnostics, ins.names, outs.names)
