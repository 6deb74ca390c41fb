"""Capital stocks by the perpetual inventory method, with the Zhang Jun et al. (2004) convention as a preset.

.. math:: K_{it} = (1 - \\delta_{it}) K_{i,t-1} + I_{it},

``I`` real gross investment (e.g. gross fixed capital formation deflated by
its price index, which the user supplies), ``K`` the end-of-year stock. The
stock in each entity's first year ``t0`` is, by ``initial``:

* ``"growth"`` (Harberger 1978; Hall and Jones 1999):
  ``K_{t0} = I_{t0} / (g + delta)``, ``g`` the average (geometric) annual
  growth rate of investment over the entity's first ``growth_years`` years;
* ``"ratio"``: ``K_{t0} = kappa * Y_{t0}``, a capital-output ratio ``kappa``
  times output (same prices as investment);
* ``"divide"``: ``K_{t0} = I_{t0} / divisor``.

Preset ``"zhang2004"`` (Zhang, Wu and Zhang 2004, provincial China 1952-2000):
depreciation 9.6 % a year, and the 1952 stock equal to 1952 investment divided
by 10 % (``initial="divide"``, ``divisor=0.10``); their investment series is
gross fixed capital formation at 1952 prices (from the NBS provincial
accounts), which the user supplies.

References
----------
Zhang, J., Wu, G. and Zhang, J. (2004). 中国省际物质资本存量估算：1952—2000
[The estimation of China's provincial capital stock: 1952-2000]. *Economic
Research Journal (经济研究)* 2004(10), 35-44.
Harberger, A. C. (1978). Perspectives on capital and technology in less
developed countries. In Artis and Nobay (eds.), *Contemporary Economic
Analysis*, 42-72. Croom Helm.
Hall, R. E. and Jones, C. I. (1999). Why do some countries produce so much
more output per worker than others? *Quarterly Journal of Economics* 114(1), 83-116.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import PanelError, SpecificationError
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import Panel

__all__ = ["PIM_PRESETS", "perpetual_inventory"]


@dataclass(frozen=True)
class PimPreset:
    """A published convention: depreciation rate and initial-stock rule."""

    depreciation: float
    initial: str
    divisor: float | None = None
    reference: str = ""


#: named perpetual-inventory settings (initial stock rule, depreciation, deflator) of published
#: capital-stock series: the preset's name is the ``preset=`` of :func:`perpetual_inventory`
PIM_PRESETS: dict[str, PimPreset] = {
    "zhang2004": PimPreset(
        depreciation=0.096, initial="divide", divisor=0.10,
        reference="Zhang, Wu and Zhang (2004), Economic Research Journal 2004(10): delta = 9.6 %, "
                  "K(1952) = I(1952) / 10 %",
    ),
}


@strict_keywords
def perpetual_inventory(
    data: pd.DataFrame,
    investment: str,
    *,
    entity: str | None = None,
    time: str | None = None,
    depreciation: float | str | None = None,
    initial: str | None = None,
    growth_years: int = 10,
    output: str | None = None,
    capital_output_ratio: float | None = None,
    divisor: float | None = None,
    preset: str | None = None,
) -> pd.Series:
    """Capital stock ``K_t = (1 - delta) K_{t-1} + I_t`` per entity (see :mod:`nqpf_tfp.growth.capital`).

    Parameters
    ----------
    data : pandas.DataFrame
        Panel (or one entity's time series) of real investment; never modified.
    investment : str
        Real gross investment (non-negative; constant prices).
    entity, time : str, optional
        Key columns; omit both to use a two-level (entity, time) MultiIndex.
    depreciation : float or str
        Annual rate in [0, 1), or a column of rates (one per entity-year).
    initial : {"growth", "ratio", "divide"}
        Initial-stock rule.
    growth_years : int
        ``"growth"``: years over which investment growth ``g`` is averaged (default 10).
    output, capital_output_ratio : str, float
        ``"ratio"``: the output column and the ratio ``kappa``.
    divisor : float
        ``"divide"``: ``K_{t0} = I_{t0} / divisor``.
    preset : {"zhang2004"}, optional
        A published convention (see :data:`PIM_PRESETS`); explicit arguments
        may not contradict it.

    Returns
    -------
    pandas.Series
        Capital stock on the (entity, time) index, sorted, named ``"capital"``;
        ``attrs`` records the convention used.
    """
    depreciation, initial, divisor = _resolve(preset, depreciation, initial, divisor)
    if not isinstance(depreciation, str) and (isinstance(depreciation, (bool, np.bool_)) or not isinstance(
            depreciation, (int, float, np.integer, np.floating)) or not 0.0 <= float(depreciation) < 1.0):
        raise SpecificationError(f"depreciation must be a rate in [0, 1) or a column name, not {depreciation!r}.")
    initial = check_option("pim_initial", initial)
    columns = [investment] + ([depreciation] if isinstance(depreciation, str) else [])
    if initial == "ratio":
        if output is None or capital_output_ratio is None or not capital_output_ratio > 0:
            raise SpecificationError("initial='ratio' needs output= (a column) and capital_output_ratio= (> 0).")
        columns.append(output)
    elif initial == "divide" and (divisor is None or not divisor > 0):
        raise SpecificationError(f"initial='divide' needs divisor > 0, not {divisor!r}.")
    roles = {investment: "investment", depreciation: "depreciation", output: "output"}
    panel = Panel(data, entity=entity, time=time, columns=columns, missing="raise", roles=roles)
    inv = panel[investment]
    if np.any(inv < 0):
        raise PanelError(f"investment column {investment!r} has negative values; gross investment is >= 0.")
    first = np.r_[True, panel.entity_codes[1:] != panel.entity_codes[:-1]] if panel.nobs else np.zeros(0, bool)
    if not np.all(panel.lag(1).valid | first):
        raise PanelError("the perpetual inventory needs consecutive years within each entity; the panel has gaps.")
    delta = panel[depreciation] if isinstance(depreciation, str) else np.full(panel.nobs, float(depreciation))
    if not np.all((delta >= 0) & (delta < 1)):
        raise SpecificationError("depreciation rates must lie in [0, 1).")
    k0 = _initial_stock(panel, inv, delta, first, initial, growth_years, output, capital_output_ratio, divisor)
    capital = _accumulate(panel.entity_codes, inv, delta, first, k0)
    out = panel.series(capital, "capital")
    out.attrs.update({"method": "perpetual inventory", "initial": initial, "preset": preset,
                      "depreciation": depreciation if isinstance(depreciation, str) else float(depreciation)})
    return out


def _resolve(preset: str | None, depreciation: float | str | None, initial: str | None,
             divisor: float | None) -> tuple[float | str, str, float | None]:
    if preset is None:
        if depreciation is None or initial is None:
            raise SpecificationError("give depreciation= and initial=, or a preset (e.g. preset='zhang2004').")
        return depreciation, initial, divisor
    if preset not in PIM_PRESETS:
        raise SpecificationError(f"unknown preset {preset!r}; presets are {sorted(PIM_PRESETS)}.")
    p = PIM_PRESETS[preset]
    for name, given, fixed in (("depreciation", depreciation, p.depreciation), ("initial", initial, p.initial),
                               ("divisor", divisor, p.divisor)):
        if given is not None and given != fixed:
            raise SpecificationError(f"preset {preset!r} sets {name}={fixed!r}; do not pass {name}={given!r}.")
    return p.depreciation, p.initial, p.divisor


def _initial_stock(panel: Panel, inv: np.ndarray, delta: np.ndarray, first: np.ndarray, initial: str,
                   growth_years: int, output: str | None, ratio: float | None, divisor: float | None) -> np.ndarray:
    """The stock in each entity's first year (one value per entity, in code order)."""
    starts = np.flatnonzero(first)
    if initial == "divide":
        return inv[starts] / divisor
    if initial == "ratio":
        assert output is not None  # checked with initial='ratio' above
        return ratio * panel[output][starts]
    if not (isinstance(growth_years, int) and growth_years >= 1):
        raise SpecificationError(f"growth_years must be a whole number >= 1, not {growth_years!r}.")
    lengths = np.diff(np.r_[starts, panel.nobs])
    span = np.minimum(growth_years, lengths - 1)
    if np.any(span < 1):
        raise PanelError("initial='growth' needs at least two years of investment per entity.")
    i0, i_end = inv[starts], inv[starts + span]
    if np.any(i0 <= 0) or np.any(i_end <= 0):
        raise PanelError("initial='growth' needs positive investment in the first and last year of the growth window.")
    g = (i_end / i0) ** (1.0 / span) - 1.0
    denominator = g + delta[starts]
    if np.any(denominator <= 0):
        raise PanelError("initial='growth': investment shrinks faster than capital depreciates (g + delta <= 0); "
                         "use initial='ratio' or 'divide'.")
    return i0 / denominator


def _accumulate(codes: np.ndarray, inv: np.ndarray, delta: np.ndarray, first: np.ndarray,
                k0: np.ndarray) -> np.ndarray:
    """``K_t = (1 - delta_t) K_{t-1} + I_t`` from ``K_{t0} = k0``, all entities at once, one step per year."""
    starts = np.flatnonzero(first)
    lengths = np.diff(np.r_[starts, codes.size])
    capital = np.empty(codes.size)
    capital[starts] = k0
    for step in range(1, int(lengths.max()) if lengths.size else 0):  # a loop over years, not rows
        rows = starts[lengths > step] + step
        capital[rows] = (1.0 - delta[rows]) * capital[rows - 1] + inv[rows]
    return capital
