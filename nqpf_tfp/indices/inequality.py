"""Regional inequality of an index: Dagum's Gini decomposition and Theil's T and L, by period.

**Dagum (1997).** With ``n`` units in ``k`` groups (regions), group ``j`` of ``n_j`` units with mean
``mu_j``, ``p_j = n_j / n`` and ``s_j = n_j mu_j / (n mu)``:

* overall ``G = sum_{i,r} |y_i - y_r| / (2 n^2 mu)``;
* within group ``G_jj = sum |y_ji - y_jr| / (2 n_j^2 mu_j)``; between ``G_jh = sum |y_ji - y_hr| /
  (n_j n_h (mu_j + mu_h))``;
* ``G_w = sum_j G_jj p_j s_j``; with ``D_jh = (d_jh - p_jh) / (d_jh + p_jh)``, ``d_jh`` the mean of
  ``(y_j - y_h)+`` and ``p_jh`` of ``(y_h - y_j)+`` over pairs (``j`` the group with the higher mean),
  net between ``G_nb = sum_{j>h} G_jh (p_j s_h + p_h s_j) D_jh`` and transvariation
  ``G_t = sum_{j>h} G_jh (p_j s_h + p_h s_j) (1 - D_jh)``; ``G = G_w + G_nb + G_t`` exactly.

Pair sums come from one sort and cumulative sums (no ``n^2`` pair matrix), so firm-level panels work.

**Theil.** ``T = (1/n) sum (y/mu) ln(y/mu) = sum_g s_g T_g + sum_g s_g ln(mu_g / mu)``;
``L = (1/n) sum ln(mu / y) = sum_g p_g L_g + sum_g p_g ln(mu / mu_g)``: within and between parts.

References
----------
Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality ratio. *Empirical
Economics* 22(4), 515-531.
Theil, H. (1967). *Economics and Information Theory*. North-Holland.
Shorrocks, A. F. (1980). The class of additively decomposable inequality measures. *Econometrica* 48(3),
613-625.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..docstrings import parameters_from
from ..errors import PanelError, SpecificationError, UndefinedStatisticWarning, warn
from ..keywords import strict_class, strict_keywords
from ..panel import few, plain
from ..results import Diagnostics, Results
from ..tables import SummaryTable
from .panel_arrays import long_values

__all__ = ["DagumGini", "InequalityDiagnostics", "Theil", "dagum_gini", "theil"]


def _pair_sums(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``sum_{i,r} (x_i - y_r)+`` and ``sum_{i,r} (y_r - x_i)+`` by sorting ``y`` once."""
    ys = np.sort(y)
    cum = np.r_[0.0, np.cumsum(ys)]
    below = np.searchsorted(ys, x, side="left")  # y_r < x_i
    plus = float(np.sum(x * below - cum[below]))
    above = ys.size - np.searchsorted(ys, x, side="right")  # y_r > x_i
    minus = float(np.sum((cum[-1] - cum[ys.size - above]) - x * above))
    return plus, minus


def _dagum_one(y: np.ndarray, g: np.ndarray, labels: list) -> dict[str, Any]:
    n, mu = y.size, y.mean()
    groups = [y[g == k] for k in range(len(labels))]
    means = np.array([v.mean() for v in groups])
    sizes = np.array([v.size for v in groups], dtype=float)
    p, s = sizes / n, sizes * means / (n * mu)
    k = len(labels)
    within = np.array([sum(_pair_sums(v, v)) / (2 * v.size**2 * m) for v, m in zip(groups, means)])
    between = np.full((k, k), np.nan)
    g_w = float(np.sum(within * p * s))
    g_nb = g_t = 0.0
    net = np.full((k, k), np.nan)
    for j in range(k):
        between[j, j] = within[j]
        for h in range(j):
            hi, lo = (j, h) if means[j] >= means[h] else (h, j)
            d, q = _pair_sums(groups[hi], groups[lo])
            gjh = (d + q) / (sizes[j] * sizes[h] * (means[j] + means[h]))
            between[j, h] = between[h, j] = gjh
            djh = (d - q) / (d + q) if d + q > 0 else 0.0
            net[j, h] = net[h, j] = djh
            weight = p[j] * s[h] + p[h] * s[j]
            g_nb += gjh * weight * djh
            g_t += gjh * weight * (1.0 - djh)
    total = sum(_pair_sums(y, y)) / (2 * n**2 * mu)
    return {"gini": total, "within": g_w, "net_between": g_nb, "transvariation": g_t, "group_gini": within,
            "between_gini": between, "relative_difference": net}


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class InequalityDiagnostics(Diagnostics):
    """Facts about an inequality decomposition."""

    #: "dagum" or "theil"
    measure: str
    n_groups: int
    n_periods: int
    nobs: int


class DagumGini(Results):
    """Dagum's decomposition by period (see :mod:`nqpf_tfp.indices.inequality`); read-only."""

    def __init__(self, components: pd.DataFrame, group_gini: pd.DataFrame, between_gini: dict[Any, pd.DataFrame],
                 diagnostics: InequalityDiagnostics) -> None:
        self._components, self._group, self._between = components.copy(), group_gini.copy(), dict(between_gini)
        self._diagnostics = diagnostics

    @property
    def diagnostics(self) -> InequalityDiagnostics:
        """Groups, periods and observations."""
        return self._diagnostics

    @property
    def components(self) -> pd.DataFrame:
        """By period: ``gini``, ``within``, ``net_between``, ``transvariation`` (adding up to ``gini``)."""
        return self._components.copy()

    @property
    def contributions(self) -> pd.DataFrame:
        """The three parts as shares of the overall Gini."""
        parts = self._components[["within", "net_between", "transvariation"]]
        return parts.div(self._components["gini"], axis=0)

    @property
    def group_gini(self) -> pd.DataFrame:
        """Within-group Gini ``G_jj`` by period (rows) and group (columns)."""
        return self._group.copy()

    def between_gini(self, period: Any) -> pd.DataFrame:
        """The matrix of between-group Gini coefficients ``G_jh`` (diagonal: within, ``G_jj``) in ``period``.

        Parameters
        ----------
        period : object
            A period of the time column.

        Returns
        -------
        pandas.DataFrame
            Groups by groups.
        """
        if period not in self._between:
            raise SpecificationError(f"no period {period!r}; periods are {list(self._between)}.")
        return self._between[period].copy()

    def to_frame(self) -> pd.DataFrame:
        return pd.concat([self._components, self.contributions.add_suffix("_share")], axis=1)

    def summary(self) -> SummaryTable:
        return SummaryTable(self.to_frame(), "Dagum Gini decomposition",
                            ["G = within + net_between + transvariation (Dagum 1997)."], ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The overall Gini and the within-group Gini of each group over time."""
        from ..plotting import pyplot, style

        style(kwargs, "line")
        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        ax.plot(self._components.index, self._components["gini"], label="overall", linewidth=2, **kwargs)
        for column in self._group.columns:
            ax.plot(self._group.index, self._group[column], label=str(column), **kwargs)
        ax.set_ylabel("Gini")
        ax.legend()
        return ax



@strict_keywords
def dagum_gini(data: pd.DataFrame, value: Any, group: Any, *, time: Any = None) -> DagumGini:
    """Dagum's Gini decomposition of ``value`` by ``group`` (e.g. region), per period of ``time``.

    Groups are ordered by label; every group must have units in every period.

    Parameters
    ----------
    data : pandas.DataFrame
        The panel, one row per unit and period; never modified.
    value : str
        The column whose inequality is measured (positive values).
    group : str
        The column of groups (regions, say).
    time : str, optional
        The period column (one cross-section when omitted).

    Returns
    -------
    DagumGini
        The overall Gini, within- and between-group Ginis and the
        contributions per period: ``to_frame()``, ``summary()``, ``plot()``.
    """
    frame = long_values(data, value, group, time, positive=True)
    labels = sorted(pd.unique(frame["g"]).tolist(), key=str)
    codes = pd.Categorical(frame["g"], categories=labels).codes
    rows, group_rows, between = [], [], {}
    periods = sorted(pd.unique(frame["t"]).tolist())
    for period in periods:
        sel = frame["t"].to_numpy() == period
        present = np.unique(codes[sel])
        if present.size < len(labels):
            absent = [labels[k] for k in range(len(labels)) if k not in present]
            raise PanelError(f"group(s) {absent} have no units in period {period!r}.")
        out = _dagum_one(frame["y"].to_numpy()[sel], codes[sel], labels)
        rows.append({k: out[k] for k in ("gini", "within", "net_between", "transvariation")})
        group_rows.append(out["group_gini"])
        between[period] = pd.DataFrame(out["between_gini"], index=labels, columns=labels)
    index = pd.Index(periods, name=time if time is not None else "period")
    _no_inequality(pd.Series([r["gini"] for r in rows], index=index), "dagum_gini")
    diagnostics = InequalityDiagnostics("dagum", len(labels), len(periods), len(frame))
    return DagumGini(pd.DataFrame(rows, index=index), pd.DataFrame(group_rows, index=index, columns=labels), between,
                     diagnostics)


def _no_inequality(total: pd.Series, what: str) -> None:
    """Periods without inequality (one unit, or equal values): the index is 0, its shares 0/0, said."""
    flat = total.index[total.to_numpy() <= 1e-15]
    if len(flat):
        warn(f"{what}: no inequality in period(s) {few([str(plain(p)) for p in flat])} (one unit, or every unit "
             "equal): the index is 0 there and the shares of its parts are undefined (NaN).",
             UndefinedStatisticWarning)


@strict_keywords
@parameters_from(dagum_gini)
def theil(data: pd.DataFrame, value: Any, group: Any, *, time: Any = None) -> Theil:
    """Theil's T and L with their within- and between-group parts, per period (see :mod:`nqpf_tfp.indices.inequality`).

    Returns
    -------
    Theil
        ``components`` (the table by period), ``summary()``, ``plot()``.
    """
    frame = long_values(data, value, group, time, positive=True)
    y = frame["y"].to_numpy()
    by_t, by_gt = frame.groupby("t", sort=True)["y"], frame.groupby(["t", "g"], sort=True)["y"]
    mu_t, mu_gt = by_t.transform("mean").to_numpy(), by_gt.transform("mean").to_numpy()
    n_t, n_gt = by_t.transform("size").to_numpy(), by_gt.transform("size").to_numpy()
    first = ~frame.duplicated(["t", "g"]).to_numpy()  # one row per (period, group) carries the group's terms
    s_g = n_gt / n_t * mu_gt / mu_t  # the group's share of the period's total
    p_g = n_gt / n_t  # the group's share of the period's units
    t_g = pd.Series(y / mu_gt * np.log(y / mu_gt)).groupby([frame["t"], frame["g"]]).transform("mean").to_numpy()
    l_g = pd.Series(np.log(mu_gt / y)).groupby([frame["t"], frame["g"]]).transform("mean").to_numpy()
    terms = pd.DataFrame({
        "theil_t": y / mu_t * np.log(y / mu_t) / n_t, "t_within": np.where(first, s_g * t_g, 0.0),
        "t_between": np.where(first, s_g * np.log(mu_gt / mu_t), 0.0), "theil_l": np.log(mu_t / y) / n_t,
        "l_within": np.where(first, p_g * l_g, 0.0), "l_between": np.where(first, p_g * np.log(mu_t / mu_gt), 0.0)})
    out = terms.groupby(frame["t"].to_numpy(), sort=True).sum().rename_axis("period").reset_index()
    result = out.set_index("period")
    result.index.name = time if time is not None else "period"
    _no_inequality(result["theil_t"], "theil")
    diagnostics = InequalityDiagnostics("theil", int(frame["g"].nunique()), len(result), len(frame))
    return Theil(result, diagnostics)


class Theil(Results):
    """Theil's T and L by period with their within- and between-group parts; read-only."""

    def __init__(self, components: pd.DataFrame, diagnostics: InequalityDiagnostics) -> None:
        self._components, self._diagnostics = components.copy(), diagnostics

    @property
    def components(self) -> pd.DataFrame:
        """By period: ``theil_t = t_within + t_between`` and ``theil_l = l_within + l_between``."""
        return self._components.copy()

    @property
    def diagnostics(self) -> InequalityDiagnostics:
        """Groups, periods and observations."""
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        """The components and the between-group share of each index, by period."""
        c = self._components
        return c.assign(t_between_share=c["t_between"] / c["theil_t"], l_between_share=c["l_between"] / c["theil_l"])

    def summary(self) -> SummaryTable:
        return SummaryTable(self.to_frame(), "Theil decomposition",
                            ["T = T_within + T_between; L = L_within + L_between (Shorrocks 1980)."], ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Theil's T and L over time with their between-group parts."""
        from ..plotting import pyplot, style

        style(kwargs, "line")
        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        x = np.asarray(self._components.index)
        for column in ("theil_t", "t_between", "theil_l", "l_between"):
            ax.plot(x, self._components[column].to_numpy(), label=column, **kwargs)
        ax.set_ylabel("Theil index")
        ax.legend()
        return ax
