"""Index-number TFP: bilateral Laspeyres, Paasche, Fisher and Törnqvist indices, and transitive multilateral
CCD and GEKS levels, over many inputs and outputs weighted by prices or value shares.

TFP is an output quantity index over an input quantity index, ``TFP = Q_out / Q_in``, each index built by
the formulas of :mod:`~nqpf_tfp.growth.index_formulas` from the quantities and either their prices or
their value shares (revenue shares of the outputs, cost shares of the inputs). A side with one quantity
needs neither (its share is 1).

:func:`tfp_index` compares each entity with itself over time: chained (period ``t`` against ``t-1``, the
links multiplied into a level) or fixed-base (every period against the entity's first). Bilateral
indices are not transitive: a chained Fisher index drifts from the fixed-base one. :func:`multilateral_tfp`
gives every observation (entity-period, or unit of a cross-section) a level such that the ratio of any two
is their transitive comparison (CCD or GEKS), the form used to compare productivity levels across
regions and firms.

References
----------
Caves, D. W., Christensen, L. R. and Diewert, W. E. (1982). Multilateral comparisons of output, input, and
productivity using superlative index numbers. *Economic Journal* 92(365), 73-86.
Diewert, W. E. (1976). Exact and superlative index numbers. *Journal of Econometrics* 4(2), 115-145.
Coelli, T. J., Rao, D. S. P., O'Donnell, C. J. and Battese, G. E. (2005). *An Introduction to Efficiency
and Productivity Analysis*, 2nd ed. Springer, chapters 4 and 5.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import PanelError, SpecificationError
from ..index_tables import IndexNumberDiagnostics, IndexNumberTFP, consecutive_links, cumulate
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import Panel, observation_index
from ..quantities import QuantitySide, Weights, validated_side
from .index_formulas import bilateral_log_index, ccd_log_levels, geks_fisher_log_levels, lowe_log_levels
from .index_results import MultilateralTFP

__all__ = ["multilateral_tfp", "tfp_index"]


@strict_keywords
def tfp_index(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
              input_prices: Weights = None, output_prices: Weights = None, input_shares: Weights = None,
              output_shares: Weights = None, entity: Any = None, time: Any = None, formula: str = "tornqvist",
              base: str = "chained") -> IndexNumberTFP:
    """Bilateral TFP index of every entity over time (see :mod:`nqpf_tfp.growth.index_numbers`).

    .. math::

        \\text{TFP}_{t} = \\frac{Q_{out}(t-1 \\to t)}{Q_{in}(t-1 \\to t)}\\ \\text{(chained)},\\qquad
        \\frac{Q_{out}(t_0 \\to t)}{Q_{in}(t_0 \\to t)}\\ \\text{(fixed base)}

    Parameters
    ----------
    data : pandas.DataFrame
        One row per (entity, time); never modified.
    inputs, outputs : str or list of str
        Quantity columns, strictly positive.
    input_prices, output_prices : list of str or dict, optional
        Price columns, in the order of the quantities or as ``{quantity: price column}``; non-negative, with
        a positive value ``sum(p q)`` in every row.
    input_shares, output_shares : list of str or dict, optional
        Value-share columns instead of prices (cost shares of the inputs, revenue shares of the outputs),
        summing to 1 in every row. Give prices or shares for a side with more than one quantity.
    entity, time : str, optional
        The panel keys, time in consecutive integers (years) or pandas Periods; omit both to use a two-level
        (entity, time) MultiIndex.
    formula : {"tornqvist", "fisher", "laspeyres", "paasche"}
        The bilateral quantity index.
    base : {"chained", "fixed"}
        Each period against the previous one (links multiplied into the level; an entity's gap is an
        error), or against the entity's first period.

    Returns
    -------
    IndexNumberTFP
        Per (entity, time): ``output_index``, ``input_index`` and ``tfp_change`` (against the previous
        period, or the base), and ``tfp``, the level (1 in each entity's first period).

    Examples
    --------
    >>> import pandas as pd
    >>> import nqpf_tfp as nt
    >>> farms = pd.DataFrame({"farm": ["a", "a", "b", "b"], "year": [2020, 2021, 2020, 2021],
    ...                       "crop": [10.0, 12.0, 8.0, 8.0], "land": [5.0, 5.0, 4.0, 4.0],
    ...                       "labour": [2.0, 2.2, 3.0, 2.5], "land_share": [0.4, 0.5, 0.3, 0.3]})
    >>> farms["labour_share"] = 1 - farms["land_share"]
    >>> found = nt.growth.tfp_index(farms, ["land", "labour"], "crop", entity="farm", time="year",
    ...                             input_shares=["land_share", "labour_share"])
    >>> found.tfp.round(4).tolist()
    [1.0, 1.1387, 1.0, 1.1361]
    """
    require_frame(data, "data")
    formula = check_option("index_formula", formula, "formula")
    base = check_option("index_base", base, "base")
    outs = validated_side(data, outputs, output_prices, output_shares, "output")
    ins = validated_side(data, inputs, input_prices, input_shares, "input")
    panel = Panel(data, entity=entity, time=time)
    order = panel.positions
    sorted_already = bool(np.array_equal(order, np.arange(order.size)))
    if base == "chained":
        first = consecutive_links(panel, "a chained index", "Fill the gap, or pass base='fixed'.")
        previous = None  # the row above (an entity's first row is compared with itself)
    else:
        first = np.r_[True, panel.entity_codes[1:] != panel.entity_codes[:-1]]
        starts = np.flatnonzero(first)
        previous = starts[np.cumsum(first) - 1]  # each row's entity's first row
    log_out = _log_index(outs, None if sorted_already else order, previous, first, formula)
    log_in = _log_index(ins, None if sorted_already else order, previous, first, formula)
    log_change = log_out - log_in
    starts = np.flatnonzero(first)[np.cumsum(first) - 1]  # each row's entity's first row
    log_level = cumulate(log_change, ~first, starts, ratio=False) if base == "chained" else log_change
    index = observation_index(data, entity, time)[order]
    table = pd.DataFrame({"output_index": np.exp(log_out), "input_index": np.exp(log_in),
                          "tfp_change": np.exp(log_change), "tfp": np.exp(log_level)}, index=index)
    table.loc[first, ["output_index", "input_index", "tfp_change"]] = np.nan
    diagnostics = IndexNumberDiagnostics(formula, base, panel.nobs, int(first.sum()), ins.weighting, outs.weighting)
    return IndexNumberTFP(table, diagnostics, ins.names, outs.names)


@strict_keywords
def multilateral_tfp(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
                     input_prices: Weights = None, output_prices: Weights = None, input_shares: Weights = None,
                     output_shares: Weights = None, entity: Any = None, time: Any = None,
                     method: str = "ccd") -> MultilateralTFP:
    """Transitive multilateral TFP levels of every row (see :mod:`nqpf_tfp.growth.index_formulas`).

    .. math::

        \\ln \\text{TFP}_k = \\ln Q^{out}_k - \\ln Q^{in}_k,\\qquad
        \\frac{\\text{TFP}_l}{\\text{TFP}_k} = \\text{the CCD or GEKS comparison of } k \\text{ and } l

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (entity, or entity-period); never modified.
    inputs, outputs, input_prices, output_prices, input_shares, output_shares
        As :func:`tfp_index`.
    entity : str, optional
        The unit column (labels the results).
    time : str, optional
        The period column, for a panel (labels the results).
    method : {"ccd", "geks", "lowe"}
        Caves-Christensen-Diewert (Törnqvist against the sample average; the GEKS on Törnqvist indices),
        GEKS on Fisher indices, or Lowe (quantities valued at the sample's mean prices; needs prices).

    Returns
    -------
    MultilateralTFP
        ``output_index``, ``input_index`` and ``tfp`` per row, levels whose logs average 0 over the rows;
        ``relative_to(label)`` rescales them to one row.

    Examples
    --------
    >>> import pandas as pd
    >>> import nqpf_tfp as nt
    >>> regions = pd.DataFrame({"region": ["east", "centre", "west"], "gdp": [12.0, 8.0, 5.0],
    ...                         "capital": [30.0, 18.0, 14.0], "labour": [5.0, 4.0, 3.0]})
    >>> regions["labour_share"] = [0.5, 0.55, 0.6]
    >>> regions["capital_share"] = 1 - regions["labour_share"]
    >>> levels = nt.growth.multilateral_tfp(regions, ["capital", "labour"], "gdp", entity="region",
    ...                                     input_shares=["capital_share", "labour_share"])
    >>> levels.relative_to("west").round(3).tolist()
    [1.283, 1.222, 1.0]
    """
    require_frame(data, "data")
    method = check_option("multilateral_method", method, "method")
    outs = validated_side(data, outputs, output_prices, output_shares, "output")
    ins = validated_side(data, inputs, input_prices, input_shares, "input")
    index = observation_index(data, entity, time)  # labels, and duplicate keys are an error
    if len(data) < 2:
        raise PanelError("multilateral_tfp compares units: data has one row.")
    if method == "ccd":
        log_out, log_in = ccd_log_levels(outs.q, outs.s), ccd_log_levels(ins.q, ins.s)
    elif method == "lowe":
        log_out, log_in = _lowe(outs), _lowe(ins)
    else:
        log_out, log_in = geks_fisher_log_levels(outs.q, outs.p), geks_fisher_log_levels(ins.q, ins.p)
    table = pd.DataFrame({"output_index": np.exp(log_out), "input_index": np.exp(log_in),
                          "tfp": np.exp(log_out - log_in)}, index=index)
    diagnostics = IndexNumberDiagnostics(method, "multilateral", len(data),
                                         int(data[entity].nunique()) if entity is not None else len(data),
                                         ins.weighting, outs.weighting)
    return MultilateralTFP(table, diagnostics, ins.names, outs.names)


def _lowe(side: QuantitySide) -> np.ndarray:
    """Lowe log levels of one side: prices are needed (value shares fix no common price level)."""
    if side.weighting == "shares":
        raise SpecificationError(f"method='lowe' values every row at the sample's mean prices, which value "
                                 f"shares do not give: pass {side.role}_prices= for {side.names}.")
    if side.weighting == "single":
        logs = np.log(side.q[:, 0])
        return logs - logs.mean()
    return lowe_log_levels(side.q, side.p)


def _log_index(side: QuantitySide, order: np.ndarray | None, previous: np.ndarray | None, first: np.ndarray,
               formula: str) -> np.ndarray:
    """The log quantity index of each panel row from its ``previous`` row (panel order; ``None``: the row
    above, an entity's first row compared with itself). ``order`` puts the caller's rows in panel order
    (``None``: they are in it)."""
    q, s = (side.q, side.s) if order is None else (side.q[order], side.s[order])
    if previous is None:  # a shift by one row copies memory instead of gathering it
        q_a, s_a = np.empty_like(q), np.empty_like(s)
        q_a[1:], s_a[1:] = q[:-1], s[:-1]
        q_a[first], s_a[first] = q[first], s[first]
    else:
        q_a, s_a = q[previous], s[previous]
    return bilateral_log_index(q_a, q, s_a, s, formula)


