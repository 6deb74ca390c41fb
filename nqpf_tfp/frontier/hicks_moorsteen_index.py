"""The Hicks-Moorsteen TFP index: a DEA output quantity index over a DEA input quantity index.

Without prices, the quantities can be aggregated by the technology itself. With Shephard's output and
input distance functions ``D_O^tau`` and ``D_I^tau`` of period ``tau``'s technology, the index of an entity
from period 0 to period 1 seen from period ``tau`` (Bjurek 1996) is

.. math::

    HM^\\tau = \\frac{D_O^\\tau(x_\\tau, y_1) / D_O^\\tau(x_\\tau, y_0)}
                     {D_I^\\tau(x_1, y_\\tau) / D_I^\\tau(x_0, y_\\tau)},
    \\qquad HM = (HM^0\\, HM^1)^{1/2}:

the output quantity index holds the inputs at period ``tau``'s, the input quantity index holds the outputs
at period ``tau``'s. Unlike the Malmquist index it is a ratio of an output to an input index (Briec and
Kerstens 2011 call it multiplicatively complete), and every distance it needs is feasible also under
variable returns to scale: each evaluated bundle keeps the inputs (output orientation) or the outputs
(input orientation) of a unit of the reference period. The technology of each period is formed by all
units observed in it (``rts=`` as in :func:`~nqpf_tfp.frontier.dea`).

With one input and one output under constant returns the index is the ratio of the average products,
``(y_1 / x_1) / (y_0 / x_0)`` (tested).

References
----------
Bjurek, H. (1996). The Malmquist total factor productivity index. *Scandinavian Journal of Economics* 98(2),
303-313.
Briec, W. and Kerstens, K. (2011). The Hicks-Moorsteen productivity index satisfies the determinateness
axiom. *The Manchester School* 79(4), 765-775.
O'Donnell, C. J. (2012). An aggregate quantity framework for measuring and decomposing productivity change.
*Journal of Productivity Analysis* 38(3), 255-272.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import column_names, finite_column, require_frame
from ..errors import ConvergenceWarning, PanelError, SpecificationError, warn
from ..index_tables import IndexNumberDiagnostics, IndexNumberTFP, consecutive_links, cumulate
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import Panel, observation_index
from .cross_period import link_scores

__all__ = ["hicks_moorsteen"]


@strict_keywords
def hicks_moorsteen(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
                    entity: Any = None, time: Any = None, rts: str = "vrs") -> IndexNumberTFP:
    """The chained Hicks-Moorsteen TFP index of every entity (see :mod:`nqpf_tfp.frontier.hicks_moorsteen_index`).

    .. math::

        HM = \\Big[\\prod_{\\tau=0,1} \\frac{D_O^\\tau(x_\\tau, y_1) / D_O^\\tau(x_\\tau, y_0)}
             {D_I^\\tau(x_1, y_\\tau) / D_I^\\tau(x_0, y_\\tau)}\\Big]^{1/2}

    Parameters
    ----------
    data : pandas.DataFrame
        One row per (entity, period); never modified.
    inputs, outputs : str or list of str
        Quantity columns, strictly positive.
    entity, time : str, optional
        The panel keys (consecutive integer periods); omit both to use a two-level MultiIndex.
    rts : {"vrs", "crs", "nirs", "ndrs"}
        Returns to scale of each period's technology.

    Returns
    -------
    IndexNumberTFP
        Per (entity, time): ``output_index``, ``input_index`` and ``tfp_change`` (against the previous period;
        NaN in the first) and ``tfp``, the chained level (1 in each entity's first period), as
        :func:`nqpf_tfp.growth.tfp_index` returns them (``diagnostics.formula`` "hicks-moorsteen").
    """
    require_frame(data, "data")
    rts = check_option("dea_rts", rts, "rts")
    names_x, names_y = list(column_names(inputs, "inputs")), list(column_names(outputs, "outputs"))
    if not names_x or not names_y:
        raise SpecificationError("hicks_moorsteen needs at least one input (inputs=) and one output (outputs=).")
    panel = Panel(data, entity=entity, time=time)
    order = panel.positions
    x = np.column_stack([finite_column(data, c, "input", positive=True) for c in names_x])[order]
    y = np.column_stack([finite_column(data, c, "output", positive=True) for c in names_y])[order]
    first = consecutive_links(panel, "the Hicks-Moorsteen index")
    now = np.flatnonzero(~first)
    if now.size == 0:
        raise PanelError("hicks_moorsteen compares consecutive periods: no entity is observed twice.")
    before = now - 1  # sorted by entity and period: the previous period is the row above
    time_codes = panel.time
    # output distances at (x_tau, y_b) and input efficiencies (1 / D_I) at (x_a, y_tau), against period tau
    out = link_scores(x, y, time_codes, before, now, [(t, t, b) for t in (0, 1) for b in (0, 1)], "output", rts)
    inp = link_scores(x, y, time_codes, before, now, [(t, a, t) for t in (0, 1) for a in (0, 1)], "input", rts)
    log_out = 0.5 * sum(np.log(out[t, t, 1] / out[t, t, 0]) for t in (0, 1))
    log_in = 0.5 * sum(np.log(inp[t, 0, t] / inp[t, 1, t]) for t in (0, 1))  # D_I ratio = theta ratio inverted
    failed = int(np.sum(~np.isfinite(log_out - log_in)))
    if failed:
        warn(f"hicks_moorsteen: {failed} link(s) have no finite distance (an unbounded or infeasible program); "
             "their index is NaN.", ConvergenceWarning)
    n = order.size
    columns = {name: np.full(n, np.nan) for name in ("output_index", "input_index", "tfp_change")}
    columns["output_index"][now], columns["input_index"][now] = np.exp(log_out), np.exp(log_in)
    columns["tfp_change"][now] = np.exp(log_out - log_in)
    level = cumulate(columns["tfp_change"], ~first, np.flatnonzero(first)[np.cumsum(first) - 1], ratio=True)
    table = pd.DataFrame(columns | {"tfp": level}, index=observation_index(data, entity, time)[order])
    diagnostics = IndexNumberDiagnostics("hicks-moorsteen", "chained", panel.nobs, int(first.sum()), "technology",
                                         "technology")
    return IndexNumberTFP(table, diagnostics, names_x, names_y)
