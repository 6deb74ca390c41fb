"""Dispersion and dynamics of firm productivity: percentile gaps, persistence, transition matrices.

* Dispersion by group and period: the 90-10 and 75-25 percentile gaps and the standard deviation of
  the productivity column (for log TFP the gaps are log ratios: 90-10 = ln(TFP_90 / TFP_10); Syverson
  2004 finds about 1 in US manufacturing), with the number of firms.
* Persistence by group: the OLS slope of ``w_it`` on ``w_i,t-1`` with a constant, over firms observed in
  consecutive periods of the data (the AR(1) coefficient of productivity), with its firm-clustered standard error.
* Transitions: firms sorted into ``classes`` quantile classes of productivity within each group and
  period; the share of firms of class ``a`` in period ``t`` found in class ``b`` in period ``t + horizon``,
  with ``exit`` (absent then) and ``entry`` (absent in ``t``, present in ``t + horizon``) as states.

References
----------
Syverson, C. (2004). Product substitutability and productivity dispersion. *Review of Economics and
Statistics* 86(2), 534-550.
Bartelsman, E. J. and Doms, M. (2000). Understanding productivity: lessons from longitudinal microdata.
*Journal of Economic Literature* 38(3), 569-594.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..arguments import column_name, finite_column, require_columns, whole_number
from ..docstrings import parameters_from
from ..errors import PanelError, SpecificationError, UndefinedStatisticWarning, warn
from ..keywords import strict_keywords
from ..panel import few, key_columns, period_numbers, period_positions, plain, unique_keys
from .persistence_results import Persistence, PersistenceDiagnostics

__all__ = ["productivity_dispersion", "productivity_persistence", "productivity_transitions"]


def _frame(data: pd.DataFrame, tfp: str, entity: str, time: str, group: str | None,
           what: str) -> tuple[pd.DataFrame, np.ndarray]:
    """(g, i, t, y) checked: columns present, productivity finite, whole periods, unique keys; sorted. ``t`` is
    the period's position among the data's distinct periods (consecutive periods of the data are compared);
    also returned: the time label of each position."""
    names = [column_name(tfp, "tfp"), column_name(entity, "entity"), column_name(time, "time")]
    if group is not None:
        names.append(column_name(group, "group"))
    require_columns(data, names, dict(zip(names, ("tfp", "entity", "time", "group"))))
    y = finite_column(data, tfp, "tfp")
    unique_keys(data, ([group] if group is not None else []) + [entity, time],
                (["group"] if group is not None else []) + ["entity", "time"])
    labels = data[time].to_numpy()
    positions = period_positions(period_numbers(labels, time), labels, time, what)
    out = pd.DataFrame({"g": data[group].to_numpy() if group is not None else 0, "i": data[entity].to_numpy(),
                        "t": positions.positions, "y": y})
    return out.sort_values(["g", "i", "t"], kind="stable").reset_index(drop=True), positions.labels


def _where(cells: list[tuple[Any, Any]], group: str | None) -> str:
    """(group, period) cells for messages: "group 'a' in 2001" or "2001"; a few of them."""
    return few([(f"group {plain(g)!r} in " if group is not None else "") + str(plain(t)) for g, t in cells])


def _by_cell(frame: pd.DataFrame, group: str | None, time: str, labels: np.ndarray) -> pd.DataFrame:
    """A (g, t)-indexed table labelled with the caller's group and time values (only time without groups)."""
    g = frame.index.get_level_values(0)
    t = labels[frame.index.get_level_values(1)]
    if group is None:
        frame.index = pd.Index(t, name=time)
    else:
        frame.index = pd.MultiIndex.from_arrays([g, t], names=[group, time])
    return frame


@strict_keywords
def productivity_dispersion(data: pd.DataFrame, tfp: str, *, entity: Any = None, time: Any = None,
                            group: str | None = None) -> pd.DataFrame:
    """90-10 and 75-25 percentile gaps, standard deviation and firm count of ``tfp`` by group and period.

    A plain table is the whole answer here (no estimate, no inference). A
    (group, period) with one firm has no dispersion: its statistics are NaN,
    with an :class:`~nqpf_tfp.errors.UndefinedStatisticWarning` naming it.

    Parameters
    ----------
    data : pandas.DataFrame
        Firm panel, one row per (entity, time); never modified.
    tfp : str
        The productivity column (log TFP for log-ratio gaps).
    entity, time : str, optional
        Key columns; omit both when the data have a two-level (entity, time) index.
    group : str, optional
        Industry (or other grouping) column.

    Returns
    -------
    pandas.DataFrame
        Columns ``p90_p10``, ``p75_p25``, ``sd``, ``firms``; rows (group and) period.
    """
    data, entity, time = key_columns(data, entity, time)
    frame, labels = _frame(data, tfp, entity, time, group, "productivity_dispersion")
    cells = frame.groupby(["g", "t"]).y
    q = cells.quantile(np.array([0.1, 0.25, 0.75, 0.9])).unstack()
    out = pd.DataFrame({"p90_p10": q[0.9] - q[0.1], "p75_p25": q[0.75] - q[0.25], "sd": cells.std(ddof=1),
                        "firms": cells.size()})
    alone = out["firms"].to_numpy() < 2
    if alone.any():  # one firm has no spread: gaps of 0 would read as a measured absence of dispersion
        out.loc[alone, ["p90_p10", "p75_p25", "sd"]] = np.nan
        where = [(g, labels[t]) for g, t in out.index[alone]]
        warn(f"productivity_dispersion: one firm only in {_where(where, group)}: its dispersion is undefined "
             "(NaN).", UndefinedStatisticWarning)
    return _by_cell(out, group, time, labels)


@strict_keywords
@parameters_from(productivity_dispersion)
def productivity_persistence(data: pd.DataFrame, tfp: str, *, entity: Any = None, time: Any = None,
                             group: str | None = None) -> Persistence:
    """AR(1) slope of ``tfp`` on its previous period by group.

    OLS with a constant over consecutive periods of the data, with its
    firm-clustered standard error (``G/(G-1)`` small-sample factor) and the
    pairs used. A group whose lagged productivity does not vary has no slope,
    and one with pairs from a single firm no clustered standard error: NaN,
    with an :class:`~nqpf_tfp.errors.UndefinedStatisticWarning` naming the group.

    Returns
    -------
    Persistence
        ``params`` (``rho`` per group), ``std_errors``, ``conf_int()``, ``to_frame()`` (``rho``,
        ``std_error``, ``pairs``, ``firms`` by group), ``summary()``, ``plot()``.
    """
    data, entity, time = key_columns(data, entity, time)
    frame, _ = _frame(data, tfp, entity, time, group, "productivity_persistence")
    g, i, t, y = (frame[c].to_numpy() for c in ("g", "i", "t", "y"))
    follows = np.r_[False, (g[1:] == g[:-1]) & (i[1:] == i[:-1]) & (t[1:] == t[:-1] + 1)]
    now = np.flatnonzero(follows)
    pairs = pd.DataFrame({"g": g[now], "i": i[now], "x": y[now - 1], "y": y[now]})
    if pairs.empty:
        raise PanelError(f"productivity_persistence needs firms observed in two consecutive periods of {time!r}; "
                         "none is.")
    by = pairs.groupby("g")
    x_bar, y_bar = by.x.transform("mean"), by.y.transform("mean")
    dx, dy = pairs.x - x_bar, pairs.y - y_bar
    sxx = (dx * dx).groupby(pairs.g).sum()
    flat = sxx.to_numpy() <= 1e-14 * np.maximum(1.0, (pairs.x**2).groupby(pairs.g).sum().to_numpy())
    slope = ((dx * dy).groupby(pairs.g).sum() / sxx.where(~flat)).astype(float)
    resid = dy - slope.reindex(pairs.g).to_numpy() * dx
    score = (dx * resid).groupby([pairs.g, pairs.i]).sum()  # firm sums of the slope's score
    firms = score.groupby(level=0).size()
    single = firms.to_numpy() < 2
    meat = (score**2).groupby(level=0).sum() * firms / (firms - 1).where(~single)
    out = pd.DataFrame({"rho": slope, "std_error": np.sqrt(meat) / sxx.where(~flat), "pairs": by.size(),
                        "firms": firms})
    for mask, reason in ((flat, "the lagged productivity does not vary: no slope"),
                         (single & ~flat, "the pairs come from one firm: no firm-clustered standard error")):
        if mask.any():
            names = ", ".join(repr(plain(v)) for v in out.index[mask][:3]) if group is not None else "the data"
            warn(f"productivity_persistence: in {'group(s) ' if group is not None else ''}{names}, {reason} "
                 "(NaN).", UndefinedStatisticWarning)
    out.index.name = group or "group"
    if group is None:
        out.index = pd.Index(["rho"], name=None)
    diagnostics = PersistenceDiagnostics(len(out), int(out["pairs"].sum()), int(pairs["i"].nunique()))
    return Persistence(out, diagnostics)


@strict_keywords
@parameters_from(productivity_dispersion)
def productivity_transitions(data: pd.DataFrame, tfp: str, *, entity: Any = None, time: Any = None,
                             group: str | None = None, classes: int = 5, horizon: int = 1) -> pd.DataFrame:
    """Transition shares between productivity quantile classes over ``horizon`` periods of the data.

    Pooled over groups and periods, with ``entry`` and ``exit`` states (the
    rules are in :mod:`nqpf_tfp.analysis.dynamics`). A plain table is the whole
    answer (a matrix of shares, no estimate).

    Classes are quantiles of ``tfp`` within each group and period (ranks, ties
    by order), so every (group, period) needs at least ``classes`` firms (an
    error names those that have fewer), and ``horizon`` counts periods of the
    data (every fifth year: ``horizon=1`` is five years) and must be shorter
    than the panel.

    Parameters
    ----------
    classes : int
        Number of quantile classes (at least 2; default 5, quintiles).
    horizon : int
        Periods of the data between the two classifications (default 1).

    Returns
    -------
    pandas.DataFrame
        Rows: the class in ``t`` (1 = lowest) and ``entry``; columns: the class
        in ``t + horizon`` and ``exit``; each row sums to 1.
    """
    classes = whole_number(classes, "classes")
    horizon = whole_number(horizon, "horizon")
    if classes < 2:
        raise SpecificationError(f"classes={classes}: quantile classes need at least 2.")
    if horizon < 1:
        raise SpecificationError(f"horizon={horizon}: transitions look at least 1 period ahead.")
    data, entity, time = key_columns(data, entity, time)
    frame, labels = _frame(data, tfp, entity, time, group, "productivity_transitions")
    if horizon >= labels.size:
        raise SpecificationError(f"horizon={horizon} is not shorter than the panel: {time!r} has {labels.size} "
                                 f"period(s), {labels[0]} to {labels[-1]}; use horizon <= "
                                 f"{labels.size - 1}.")
    size = frame.groupby(["g", "t"]).size()
    small = size[size < classes]
    if len(small):
        where = [(g, labels[t]) for g, t in small.index]
        raise PanelError(f"productivity_transitions: classes={classes} quantile classes need at least {classes} "
                         f"firms in each group and period; {_where(where, group)} "
                         f"{'has' if len(small) == 1 else 'have'} fewer ({int(small.min())} at least). Use fewer "
                         "classes or drop those cells.")
    pct = frame.groupby(["g", "t"]).y.rank(method="first", pct=True)
    frame["c"] = np.minimum(np.ceil(pct * classes).astype(int), classes)
    later = frame.assign(t=frame.t - horizon)[["g", "i", "t", "c"]]
    both = frame[["g", "i", "t", "c"]].merge(later, on=["g", "i", "t"], how="outer", suffixes=("", "_later"),
                                             indicator=True)
    periods = frame.groupby("g").t.agg(["min", "max"])
    lo, hi = periods["min"].reindex(both.g).to_numpy(), periods["max"].reindex(both.g).to_numpy()
    inside = (both.t.to_numpy() >= lo) & (both.t.to_numpy() + horizon <= hi)  # both periods in the data
    both = both[inside]
    if both.empty:
        raise PanelError(f"productivity_transitions: no group spans {horizon + 1} periods of {time!r}; use a "
                         "shorter horizon.")
    start = both.c.astype("Int64").astype(str).where(both["_merge"] != "right_only", "entry")
    end = both.c_later.astype("Int64").astype(str).where(both["_merge"] != "left_only", "exit")
    table = pd.crosstab(start, end, normalize="index")
    order = [str(k) for k in range(1, classes + 1)]
    rows = [r for r in [*order, "entry"] if r in table.index]
    cols = [c for c in [*order, "exit"] if c in table.columns]
    return table.reindex(index=rows, columns=cols, fill_value=0.0).rename_axis(index="from", columns="to")
