"""Penn World Table's own TFP conventions, reproduced.

PWT publishes four TFP measures (Feenstra, Inklaar and Timmer 2015, section
IV; Inklaar and Timmer 2013, "Capital, labor and TFP in PWT8.0"):

``rtfpna``
    Törnqvist growth accounting at constant national prices, chained, = 1 in
    the base year (2017 in PWT 10): output ``rgdpna``, capital services
    ``rkna``, labor ``emp x avh* x hc``, labor share ``labsh`` averaged over
    t-1 and t, capital share ``1 - labsh``.
``rwtfpna``
    The same with real domestic absorption ``rdana`` as output.
``ctfp``
    Cross-country TFP level at current PPPs relative to the USA: a
    multilateral Törnqvist (Caves, Christensen and Diewert 1982) comparison of
    each country with the unweighted mean of all countries of that year,
    output ``cgdpo``, capital services ``ck``, labor as above, each country's
    labor share averaged with the mean share; then divided by the USA value.
``cwtfp``
    The same with ``cda`` as output.

Hours ``avh*`` are filled where PWT has none (:func:`pwt_hours`).

References
----------
Feenstra, R. C., Inklaar, R. and Timmer, M. P. (2015). The next generation of
the Penn World Table. *American Economic Review* 105(10), 3150-3182.
Caves, D. W., Christensen, L. R. and Diewert, W. E. (1982). Multilateral
comparisons of output, input, and productivity using superlative index
numbers. *Economic Journal* 92(365), 73-86.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..arguments import missing_columns_error, require_frame
from ..errors import NqpfTfpWarning, PanelError, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import Panel
from .accounting import growth_accounting
from .results import GrowthAccounting

__all__ = ["pwt_hours", "pwt_tfp", "pwt_growth_accounting"]

_OUTPUT = {"rtfpna": "rgdpna", "rwtfpna": "rdana", "ctfp": "cgdpo", "cwtfp": "cda"}
_CAPITAL = {"rtfpna": "rkna", "rwtfpna": "rkna", "ctfp": "ck", "cwtfp": "ck"}


@strict_keywords
def pwt_hours(
    pwt: pd.DataFrame,
    *,
    hours: str = "avh",
    entity: str = "countrycode",
    time: str = "year",
    reference: str = "USA",
) -> pd.Series:
    """Average hours with PWT's fill rule, on the input's index.

    PWT's TFP uses hours for every country although ``avh`` is published for
    about a third of them. The fill rule (reverse-engineered and verified on
    all 118 countries with TFP in PWT 10.01, see the tests):

    * between a country's first and last observation, gaps are interpolated
      linearly in levels;
    * before the first (after the last) observation, hours move with the
      reference country: ``avh*_t = avh_first * avh_ref,t / avh_ref,first``;
    * a country with no hours at all takes the reference country's hours.

    Parameters
    ----------
    pwt : pandas.DataFrame
        PWT-like table with ``entity``, ``time`` and ``hours`` columns.
    hours, entity, time : str
        Column names.
    reference : str
        The country whose hours fill the gaps (PWT: ``"USA"``).

    Returns
    -------
    pandas.Series
        Filled hours, named ``"<hours>_filled"``, on ``pwt.index``; NaN where
        the reference country has no hours either.
    """
    require_frame(pwt, "pwt")
    if hours not in pwt.columns:
        raise missing_columns_error([hours], "hours", pwt.columns)
    panel = Panel(pwt, entity=entity, time=time)
    raw = panel.align(pd.to_numeric(pwt[hours], errors="raise").to_numpy(dtype=np.float64, na_value=np.nan))
    observed = np.isfinite(raw) & (raw > 0)
    t = panel.time

    is_ref = panel.entities == reference
    if not (is_ref & observed).any():
        raise SpecificationError(
            f"PWT's hours rule needs the hours of reference={reference!r}, which has none in this data."
        )
    t0 = int(t.min())
    ref_by_time = np.full(int(t.max()) - t0 + 1, np.nan)
    ref_by_time[t[is_ref & observed] - t0] = raw[is_ref & observed]
    ref = ref_by_time[t - t0]

    prev = panel.previous_where(observed)
    nxt = panel.next_where(observed)
    filled = np.where(observed, raw, np.nan)
    inside = ~observed & (prev >= 0) & (nxt >= 0)
    p, q = prev[inside], nxt[inside]
    filled[inside] = raw[p] + (raw[q] - raw[p]) * (t[inside] - t[p]) / (t[q] - t[p])
    before = (prev < 0) & (nxt >= 0)
    filled[before] = raw[nxt[before]] * ref[before] / ref[nxt[before]]
    after = (prev >= 0) & (nxt < 0)
    filled[after] = raw[prev[after]] * ref[after] / ref[prev[after]]
    none = (prev < 0) & (nxt < 0)
    filled[none] = ref[none]
    return panel.series(filled, f"{hours}_filled", on="index")


@strict_keywords
def pwt_tfp(
    pwt: pd.DataFrame,
    measure: str = "rtfpna",
    *,
    base: int = 2017,
    reference: str = "USA",
    entity: str = "countrycode",
    time: str = "year",
) -> pd.Series:
    """Recompute one of PWT's TFP measures from its inputs, by PWT's conventions.

    Parameters
    ----------
    pwt : pandas.DataFrame
        A PWT main table (e.g. :func:`nqpf_tfp.datasets.load_pwt`), or any
        table with the same columns (``rgdpna``/``rdana``/``cgdpo``/``cda``,
        ``rkna``/``ck``, ``emp``, ``avh``, ``hc``, ``labsh``).
    measure : {"rtfpna", "rwtfpna", "ctfp", "cwtfp"}
        Which series (see :mod:`nqpf_tfp.growth.pwt` for definitions).
    base : int
        Base year of ``rtfpna``/``rwtfpna`` (= 1 there); PWT 10 uses 2017.
    reference : str
        Reference country: the hours fill rule and the ``ctfp``/``cwtfp``
        numeraire (= 1). PWT uses the USA.
    entity, time : str
        Key columns.

    Returns
    -------
    pandas.Series
        Named ``measure``, on (entity, time), for every country-year where all
        inputs are present (PWT publishes TFP exactly there; rows outside that
        coverage are not part of the computation).

    Notes
    -----
    Verified against PWT 10.01 for all 118 countries: annual Δln of
    ``rtfpna``/``rwtfpna`` within 2e-7 and ln levels of ``ctfp``/``cwtfp``
    within 1.5e-6 (float32 storage of PWT's inputs and outputs).
    """
    measure = check_option("pwt_measure", measure)
    frame = _pwt_inputs(pwt, measure, entity, time, reference)
    if measure in ("rtfpna", "rwtfpna"):
        return _accounting(frame, measure, entity, time).tfp_index(base=base).rename(measure)
    return _multilateral_level(frame, measure, _OUTPUT[measure], _CAPITAL[measure], reference, entity, time)


@strict_keywords
def pwt_growth_accounting(
    pwt: pd.DataFrame,
    measure: str = "rtfpna",
    *,
    reference: str = "USA",
    entity: str = "countrycode",
    time: str = "year",
) -> GrowthAccounting:
    """Growth accounting with PWT's conventions, the accounting behind ``rtfpna``/``rwtfpna``.

    Labor input is split into persons engaged (``labor``), hours
    (``hours``, filled by :func:`pwt_hours`) and human capital
    (``human_capital``); capital is ``rkna``; shares are Törnqvist averages of
    ``labsh``. ``tfp_index(base=2017)`` of the result is PWT's series.

    Parameters
    ----------
    pwt : pandas.DataFrame
        A PWT main table.
    measure : {"rtfpna", "rwtfpna"}
        Output ``rgdpna`` or ``rdana``.
    reference, entity, time : str
        As in :func:`pwt_tfp`.

    Returns
    -------
    GrowthAccounting
        The accounting on PWT's coverage; its TFP index reproduces
        ``rtfpna`` (or ``rwtfpna``).
    """
    measure = check_option("pwt_measure", measure)
    if measure not in ("rtfpna", "rwtfpna"):
        raise SpecificationError(
            f"measure={measure!r} is a cross-country level, not a growth accounting; use pwt_tfp() for it, "
            "or measure='rtfpna' / 'rwtfpna' here."
        )
    return _accounting(_pwt_inputs(pwt, measure, entity, time, reference), measure, entity, time)


def _pwt_inputs(pwt: pd.DataFrame, measure: str, entity: str, time: str, reference: str) -> pd.DataFrame:
    """The inputs of one measure, with filled hours, on PWT's coverage (all inputs present)."""
    require_frame(pwt, "pwt")
    output, capital = _OUTPUT[measure], _CAPITAL[measure]
    needed = [entity, time, output, capital, "emp", "avh", "hc", "labsh"]
    missing_cols = [c for c in needed if c not in pwt.columns]
    if missing_cols:
        raise SpecificationError(f"{measure} needs PWT columns {missing_cols}, which are not in the data.")
    frame = pwt[[entity, time, output, capital, "emp", "hc", "labsh"]].copy()
    frame["avh_filled"] = pwt_hours(pwt, entity=entity, time=time, reference=reference)
    return frame[frame.drop(columns=[entity, time]).notna().all(axis=1)]


def _accounting(frame: pd.DataFrame, measure: str, entity: str, time: str) -> GrowthAccounting:
    return growth_accounting(
        frame, _OUTPUT[measure], capital=_CAPITAL[measure], labor="emp", hours="avh_filled",
        human_capital="hc", labor_share="labsh", entity=entity, time=time, missing="raise",
    )


def _multilateral_level(
    frame: pd.DataFrame, measure: str, output: str, capital: str, reference: str, entity: str, time: str
) -> pd.Series:
    """CCD multilateral Törnqvist level against each year's cross-country mean, reference = 1."""
    panel = Panel(
        frame, entity=entity, time=time,
        columns=[output, capital, "emp", "hc", "labsh", "avh_filled"],
        positive=[output, capital, "emp", "hc", "avh_filled"],
    )
    years, year_code = np.unique(panel.time, return_inverse=True)
    counts = np.bincount(year_code)

    def centred(x: np.ndarray) -> np.ndarray:
        return x - (np.bincount(year_code, weights=x) / counts)[year_code]

    alpha = panel["labsh"]
    alpha_bar = 0.5 * (alpha + (np.bincount(year_code, weights=alpha) / counts)[year_code])
    ln_labor = np.log(panel["emp"] * panel["avh_filled"] * panel["hc"])
    ln_tfp = (
        centred(panel.log(output))
        - alpha_bar * centred(ln_labor)
        - (1.0 - alpha_bar) * centred(panel.log(capital))
    )
    is_ref = panel.entities == reference
    if not is_ref.any():
        raise PanelError(f"{measure} is relative to reference={reference!r}, which has no complete year in the data.")
    ref_by_year = np.full(years.size, np.nan)
    ref_by_year[year_code[is_ref]] = ln_tfp[is_ref]
    level = np.exp(ln_tfp - ref_by_year[year_code])
    if np.isnan(level).any():
        lost = years[np.isnan(ref_by_year)]
        warn(f"{measure}: no {reference} data in {list(lost)}; those years are NaN.", NqpfTfpWarning)
    return panel.series(level, measure)
