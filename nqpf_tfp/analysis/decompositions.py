"""Aggregate productivity and its decompositions: Olley-Pakes (static), Melitz-Polanec, Foster-Haltiwanger-
Krizan, Griliches-Regev and Baily-Hulten-Campbell (dynamic).

Within a group (industry) and period, firm ``i`` has productivity ``w_i`` (the user's TFP column, usually
log TFP) and share ``s_i = x_i / sum x`` of a size variable ``x`` (output, employment, inputs). The
aggregate is ``W = sum s_i w_i``.

* Olley and Pakes (1996), per period: ``W = mean(w) + sum (s_i - mean(s))(w_i - mean(w))`` -- the
  unweighted mean and the covariance term.

Between consecutive periods 1 and 2 firms are survivors ``S`` (present in both), entrants ``E`` (in 2 only)
and exiters ``X`` (in 1 only); a firm absent in period 1 but present in 2 is an entrant for that pair even
if it was present earlier (re-entry after a gap), and one present in 1 and absent in 2 an exiter.
``s_G`` is group ``G``'s share, ``W_G`` its share-weighted mean, ``dW = W_2 - W_1``:

* Melitz and Polanec (2015): ``dW = (W_S2 - W_S1) + s_E2 (W_E2 - W_S2) + s_X1 (W_S1 - W_X1)``, the
  survivors' change split as Olley-Pakes into the change of their unweighted mean (``within``) and of
  their covariance term (``covariance``), then ``entry`` and ``exit``;
* Foster, Haltiwanger and Krizan (2001): ``within = sum_S s_i1 dw_i``, ``between = sum_S ds_i (w_i1 - W_1)``,
  ``cross = sum_S ds_i dw_i``, ``entry = sum_E s_i2 (w_i2 - W_1)``, ``exit = -sum_X s_i1 (w_i1 - W_1)``;
* Griliches and Regev (1995), with two-period averages (bars): ``within = sum_S sbar_i dw_i``,
  ``between = sum_S ds_i (wbar_i - Wbar)``, ``entry = sum_E s_i2 (w_i2 - Wbar)``,
  ``exit = -sum_X s_i1 (w_i1 - Wbar)``;
* Baily, Hulten and Campbell (1992): ``within = sum_S s_i1 dw_i``, ``between = sum_S ds_i w_i2``,
  ``entry = sum_E s_i2 w_i2``, ``exit = -sum_X s_i1 w_i1``.

Every decomposition adds up to ``dW`` exactly. "Consecutive periods" are consecutive periods of the data
(the sorted distinct values of the time column: years, or every fifth year); unevenly spaced periods and a
group with no firm in a period inside its span are computed as described with a
:class:`~nqpf_tfp.errors.PanelWarning` naming them (the group's changes into and out of that period are
not reported). Melitz-Polanec's terms need survivors with positive weight in both periods: a (group,
period) without them is an error naming it (the other dynamic methods add up without survivors). All sums
are vectorised group operations: one sort, no Python loop over groups, periods or firms.

References
----------
Olley, G. S. and Pakes, A. (1996). *Econometrica* 64(6), 1263-1297.
Melitz, M. J. and Polanec, S. (2015). Dynamic Olley-Pakes productivity decomposition with entry and exit.
*RAND Journal of Economics* 46(2), 362-375.
Foster, L., Haltiwanger, J. and Krizan, C. J. (2001). Aggregate productivity growth: lessons from
microeconomic evidence. In *New Developments in Productivity Analysis*, NBER, 303-372.
Griliches, Z. and Regev, H. (1995). Firm productivity in Israeli industry 1979-1988. *Journal of
Econometrics* 65(1), 175-203.
Baily, M. N., Hulten, C. and Campbell, D. (1992). Productivity dynamics in manufacturing plants.
*Brookings Papers on Economic Activity: Microeconomics*, 187-267.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..arguments import column_name, finite_column, require_columns
from ..errors import PanelError, PanelWarning, warn
from ..keywords import strict_class, strict_keywords
from ..options import check_option
from ..panel import few, key_columns, period_numbers, period_positions, plain, unique_keys
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable

__all__ = ["DecompositionDiagnostics", "DecompositionResults", "productivity_decomposition"]

COMPONENTS = {
    "olley-pakes": ["unweighted_mean", "covariance"],
    "melitz-polanec": ["within", "covariance", "entry", "exit"],
    "fhk": ["within", "between", "cross", "entry", "exit"],
    "griliches-regev": ["within", "between", "entry", "exit"],
    "bhc": ["within", "between", "entry", "exit"],
}


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class DecompositionDiagnostics(Diagnostics):
    """Facts about a productivity decomposition."""

    method: str
    n_groups: int
    n_periods: int
    n_firms: int
    nobs: int
    #: firm-period pairs classified as survivors, entrants (including re-entrants) and exiters
    survivors: int = 0
    entrants: int = 0
    exiters: int = 0


class DecompositionResults(TFPResults):
    """Aggregate productivity by (group, period) and its components (see :mod:`nqpf_tfp.analysis.decompositions`).

    ``tfp`` is the share-weighted aggregate ``W`` by (group, period), on the scale of the input column;
    ``components`` the terms (for the dynamic methods, of ``W_t - W_{t-1}``, indexed by the later period).
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "log"

    def __init__(self, aggregate: pd.Series, components: pd.DataFrame, diagnostics: DecompositionDiagnostics) -> None:
        self._aggregate, self._components, self._diagnostics = aggregate.copy(), components.copy(), diagnostics

    @property
    def tfp(self) -> pd.Series:
        return self._aggregate.copy()

    @property
    def aggregate(self) -> pd.Series:
        return self._aggregate.copy()

    @property
    def components(self) -> pd.DataFrame:
        """The terms by (group, period), with ``total`` (their sum: the aggregate or its change)."""
        return self._components.copy()

    @property
    def diagnostics(self) -> DecompositionDiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        frame = self._components.reindex(self._aggregate.index)
        frame.insert(0, "aggregate", self._aggregate)
        return frame

    def summary(self) -> SummaryTable:
        by_period = self._components.groupby(level=-1).mean()
        d = self._diagnostics
        notes = [f"{d.method}: {d.n_groups} group(s), {d.n_periods} periods, {d.n_firms} firms, {d.nobs} "
                 "firm-periods; means over groups.",
                 f"Survivors {d.survivors}, entrants {d.entrants}, exiters {d.exiters} (firm-period pairs)."
                 if d.method != "olley-pakes" else "aggregate = unweighted_mean + covariance."]
        return SummaryTable(by_period, f"Productivity decomposition ({d.method})", notes, ".4f")

    def plot(self, ax: Any = None, group: Any = None, **kwargs: Any) -> Any:
        """The components over time (stacked bars) for one group.

        Parameters
        ----------
        group : object, optional
            The group to draw (default: the mean over groups).
        """
        from ..plotting import pyplot, style

        style(kwargs, "bar")
        frame = self._components.drop(columns="total")
        data = frame.groupby(level=-1).mean() if group is None else frame.xs(group, level=0)
        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        data.plot(kind="bar", stacked=True, ax=ax, **kwargs)
        ax.set_ylabel(f"contribution ({self._diagnostics.method})")
        return ax



@strict_keywords
def productivity_decomposition(data: pd.DataFrame, tfp: str, weight: str, *, entity: Any = None, time: Any = None,
                               group: str | None = None, method: str = "melitz-polanec") -> DecompositionResults:
    """Aggregate productivity and its decomposition by group and period.

    The formulas are in :mod:`nqpf_tfp.analysis.decompositions`.

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel, one row per (group, entity, time); never modified.
    tfp : str
        Firm productivity (log TFP, e.g. ``results.tfp`` joined to the data, or a level).
    weight : str
        Size variable whose shares weight firms (output, employment, ...); non-negative, positive in sum.
    entity, time : str, optional
        Firm and period columns (omit both with a two-level (entity, time) index); periods are whole
        numbers (years), consecutive periods differ by 1.
    group : str, optional
        Industry column; default one group.
    method : {"olley-pakes", "melitz-polanec", "fhk", "griliches-regev", "bhc"}
        The decomposition (formulas in :mod:`nqpf_tfp.analysis.decompositions`).

    Returns
    -------
    DecompositionResults
        The aggregate and its components by (group and) period.
    """
    method = check_option("decomposition_method", method, "method")
    data, entity, time = key_columns(data, entity, time)
    names = {"tfp": column_name(tfp, "tfp"), "weight": column_name(weight, "weight"),
             "entity": column_name(entity, "entity"), "time": column_name(time, "time")}
    if group is not None:
        names["group"] = column_name(group, "group")
    require_columns(data, names)
    panel = _Sorted.build(data, names, dynamic=method != "olley-pakes")
    aggregate, mean = panel.aggregate, panel.mean
    counts = {"survivors": 0, "entrants": 0, "exiters": 0}
    if method == "olley-pakes":
        components = pd.DataFrame({"unweighted_mean": mean, "covariance": aggregate - mean})
    else:
        if panel.n_times < 2:
            raise PanelError(f"method={method!r} decomposes changes between periods: the data have one period of "
                             f"{names['time']!r}; method='olley-pakes' decomposes a single period.")
        pair = panel.check_periods(names["time"], names.get("group"))
        components, counts = _dynamic(panel, method, pair, names.get("group"))
    n_groups, n_periods = panel.groups.size, panel.n_times
    components["total"] = components[COMPONENTS[method]].sum(axis=1)
    index_names = [names.get("group", "group"), names["time"]]
    aggregate.index.names = index_names
    components.index.names = index_names
    if group is None:
        aggregate, components = aggregate.droplevel(0), components.droplevel(0)
    diagnostics = DecompositionDiagnostics(method, n_groups, n_periods, panel.n_firms, panel.t.size, **counts)
    return DecompositionResults(aggregate.rename("aggregate"), components, diagnostics)


@dataclass(frozen=True)
class _Sorted:
    """The panel sorted once by (group, firm, time), with integer (group, period) cell codes."""

    g: np.ndarray  # group codes 0..G-1
    i: np.ndarray  # firm codes
    t: np.ndarray  # period positions 0..T-1 among the data's distinct periods
    y: np.ndarray
    s: np.ndarray  # shares within the cell
    cell: np.ndarray  # g * n_times + t
    groups: np.ndarray  # group labels, sorted
    periods: np.ndarray  # the data's distinct periods (labels of the positions)
    n_times: int
    n_firms: int
    aggregate: pd.Series  # by (group label, period), present cells only
    mean: pd.Series

    @classmethod
    def build(cls, data: pd.DataFrame, names: dict[str, str], dynamic: bool) -> _Sorted:
        y, w = (finite_column(data, names[label], label) for label in ("tfp", "weight"))
        if (w < 0).any():
            raise PanelError(f"weight column {names['weight']!r} has negative values.")
        roles = [k for k in ("group", "entity", "time") if k in names]
        unique_keys(data, [names[k] for k in roles], roles)
        t = period_numbers(data[names["time"]], names["time"])
        if "group" in names:
            g, groups = pd.factorize(data[names["group"]], sort=True)
        else:
            g, groups = np.zeros(len(data), dtype=np.int64), pd.Index([0])
        i, firms = pd.factorize(data[names["entity"]], sort=False)
        order = np.lexsort((t, i, g))
        g, i, t, y, w = g[order], i[order], t[order], y[order], w[order]
        # one period at a time (Olley-Pakes), the spacing does not matter
        positions = period_positions(t, np.asarray(data[names["time"]])[order], names["time"],
                                     "productivity_decomposition", warn_uneven=dynamic)
        t, period_labels = positions.positions, positions.labels
        n_times = period_labels.size
        cell = g * n_times + t
        size = len(groups) * n_times
        total_w = np.bincount(cell, w, minlength=size)
        count = np.bincount(cell, minlength=size)
        present = count > 0
        zero = np.flatnonzero(present & (total_w <= 0))
        if zero.size:
            where = _cells(np.asarray(groups), period_labels, zero)
            raise PanelError(f"weight column {names['weight']!r} sums to zero in {where}: shares are undefined "
                             "there; drop those rows or use a positive size variable.")
        share = w / total_w[cell]
        codes = np.flatnonzero(present)
        index = pd.MultiIndex.from_arrays([np.asarray(groups)[codes // n_times], period_labels[codes % n_times]],
                                          names=["g", "t"])
        aggregate = pd.Series(np.bincount(cell, share * y, minlength=size)[codes], index=index)
        mean = pd.Series(np.bincount(cell, y, minlength=size)[codes] / count[codes], index=index)
        return cls(g, i, t, y, share, cell, np.asarray(groups), period_labels, n_times, len(firms), aggregate, mean)

    def check_periods(self, time_name: str, group_name: str | None) -> np.ndarray:
        """Warn about groups without firms inside their span; the (group, t) cells whose group is present in
        t - 1 and t."""
        size = self.groups.size * self.n_times
        present = (np.bincount(self.cell, minlength=size) > 0).reshape(self.groups.size, self.n_times)
        after_first = np.maximum.accumulate(present, axis=1)
        before_last = np.maximum.accumulate(present[:, ::-1], axis=1)[:, ::-1]
        holes = np.flatnonzero((after_first & before_last & ~present).ravel())
        if holes.size:
            where = _cells(self.groups if group_name else None, self.periods, holes)
            warn(f"productivity_decomposition: no firm is observed in {where}, a period of {time_name!r} inside "
                 "the group's span: its changes into and out of that period are not reported.", PanelWarning)
        pair = np.zeros_like(present)
        pair[:, 1:] = present[:, 1:] & present[:, :-1]
        return pair.ravel()


def _cells(groups: np.ndarray | None, periods: np.ndarray, codes: np.ndarray) -> str:
    """(group, period) cells by code, a few of them, for messages."""
    n_times = periods.size
    return few([(f"group {plain(groups[c // n_times])!r} in " if groups is not None and groups.size > 1 else "")
                + str(periods[c % n_times]) for c in codes])


def _dynamic(panel: _Sorted, method: str, pair: np.ndarray, group_name: str | None) -> tuple[pd.DataFrame,
                                                                                          dict[str, int]]:
    """The terms of ``W_t - W_{t-1}`` for every (group, t) cell in ``pair`` (the group present in t - 1 and t)."""
    g, t, y, sh, cell = panel.g, panel.t, panel.y, panel.s, panel.cell
    size = panel.groups.size * panel.n_times
    agg = np.bincount(cell, sh * y, minlength=size)
    # a firm's row in t - 1 is the row just before its row in t (sorted by group, firm, time)
    same_firm = (g[1:] == g[:-1]) & (panel.i[1:] == panel.i[:-1])
    has_next = np.r_[same_firm & (t[1:] == t[:-1] + 1), False]
    has_prev = np.r_[False, has_next[:-1]]
    idx = np.arange(g.size)
    surv, entr, exits = idx[has_next], idx[~has_prev], idx[~has_next]
    later = np.r_[cell[surv] + 1, cell[entr], cell[exits] + 1]  # each pair keyed by its later cell
    n_s, n_e = surv.size, entr.size
    kind = np.r_[np.zeros(n_s, np.int8), np.ones(n_e, np.int8), np.full(exits.size, 2, np.int8)]
    last = t[exits] == panel.n_times - 1  # exiters in the last period: no later cell
    valid = np.r_[np.ones(n_s + n_e, dtype=bool), ~last]
    later = np.where(valid, later, 0)
    inside = valid & pair[later]
    s1 = np.r_[sh[surv], np.zeros(n_e), sh[exits]][inside]
    s2 = np.r_[sh[surv + 1], sh[entr], np.zeros(exits.size)][inside]
    y1 = np.r_[y[surv], np.zeros(n_e), y[exits]][inside]
    y2 = np.r_[y[surv + 1], y[entr], np.zeros(exits.size)][inside]
    key, kind = later[inside], kind[inside]
    W1, W2 = agg[key - 1], agg[key]
    S, E, X = kind == 0, kind == 1, kind == 2
    counts = {"survivors": int(S.sum()), "entrants": int(E.sum()), "exiters": int(X.sum())}
    if method == "melitz-polanec":
        terms = {"sS1": S * s1, "sS2": S * s2, "sE2": E * s2, "sX1": X * s1, "yS1": S * s1 * y1,
                 "yS2": S * s2 * y2, "yE2": E * s2 * y2, "yX1": X * s1 * y1, "nS": S * 1.0, "mS1": S * y1,
                 "mS2": S * y2}
    elif method == "fhk":
        terms = {"within": S * s1 * (y2 - y1), "between": S * (s2 - s1) * (y1 - W1),
                 "cross": S * (s2 - s1) * (y2 - y1), "entry": E * s2 * (y2 - W1), "exit": -(X * s1 * (y1 - W1))}
    elif method == "griliches-regev":
        Wbar = 0.5 * (W1 + W2)
        terms = {"within": S * 0.5 * (s1 + s2) * (y2 - y1), "between": S * (s2 - s1) * (0.5 * (y1 + y2) - Wbar),
                 "entry": E * s2 * (y2 - Wbar), "exit": -(X * s1 * (y1 - Wbar))}
    else:  # bhc
        terms = {"within": S * s1 * (y2 - y1), "between": S * (s2 - s1) * y2, "entry": E * s2 * y2,
                 "exit": -(X * s1 * y1)}
    codes = np.flatnonzero(pair)
    sums = pd.DataFrame({name: np.bincount(key, v, minlength=size)[codes] for name, v in terms.items()})
    if method == "melitz-polanec":
        lacking = (sums.sS1.to_numpy() <= 0) | (sums.sS2.to_numpy() <= 0)
        if lacking.any():
            where = _cells(panel.groups if group_name else None, panel.periods, codes[lacking])
            raise PanelError(f"melitz-polanec splits the survivors' change, but {where} has no survivor from the "
                             "previous period with positive weight in both periods; method='fhk', "
                             "'griliches-regev' or 'bhc' add up without survivors.")
        WS1, WS2 = sums.yS1 / sums.sS1, sums.yS2 / sums.sS2
        WE2 = (sums.yE2 / sums.sE2).where(sums.sE2 > 0, 0.0)
        WX1 = (sums.yX1 / sums.sX1).where(sums.sX1 > 0, 0.0)
        mean1, mean2 = sums.mS1 / sums.nS, sums.mS2 / sums.nS
        out = pd.DataFrame({"within": mean2 - mean1, "covariance": (WS2 - mean2) - (WS1 - mean1),
                            "entry": sums.sE2 * (WE2 - WS2), "exit": sums.sX1 * (WS1 - WX1)})
    else:
        out = sums
    out.index = pd.MultiIndex.from_arrays([panel.groups[codes // panel.n_times], panel.periods[codes % panel.n_times]],
                                          names=["g", "t"])
    return out + 0.0, counts  # + 0.0: a zero share times a negative gap is -0.0, printed "-0.0000"
