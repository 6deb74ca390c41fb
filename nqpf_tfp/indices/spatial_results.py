"""Results of :func:`~nqpf_tfp.indices.moran` and :func:`~nqpf_tfp.indices.local_moran` (read-only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from ..keywords import strict_class
from ..results import Diagnostics, Results
from ..tables import SummaryTable

__all__ = ["QUADRANTS", "LocalMoran", "Moran", "MoranDiagnostics"]

#: the Moran-scatterplot quadrant codes of local Moran's I (Anselin 1995): the unit's value above or below
#: the period's mean, and its spatial lag (the neighbours' weighted mean deviation) above or below zero
QUADRANTS = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class MoranDiagnostics(Diagnostics):
    """How Moran's I was computed."""

    n_entities: int
    n_periods: int
    #: "r" (row-standardised) or "b" (binary) weights
    transformation: str
    #: random relabellings behind the pseudo p-values (0: none)
    permutations: int


class Moran(Results):
    """Global Moran's I by period (see :mod:`nqpf_tfp.indices.spatial`).

    Attributes
    ----------
    statistics : pandas.DataFrame
        By period: ``I``, its expectation under no autocorrelation, variance, z-value and two-sided p-value
        under normality (``*_norm``) and under randomisation (``*_rand``), and ``p_sim`` (the folded
        permutation pseudo p-value) when permutations were drawn.
    """

    def __init__(self, statistics: pd.DataFrame, diagnostics: MoranDiagnostics) -> None:
        self._stats, self._diagnostics = statistics.copy(), diagnostics

    statistics = property(lambda self: self._stats.copy(), doc="The statistics by period.")

    @property
    def diagnostics(self) -> MoranDiagnostics:
        """Units, periods, weights, permutations."""
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        """The statistics by period."""
        return self._stats.copy()

    def summary(self) -> SummaryTable:
        """I, its expectation, z and p under randomisation (and the permutation p-value) by period."""
        columns = ["I", "expected", "z_rand", "p_rand"] + (["p_sim"] if "p_sim" in self._stats else [])
        d = self._diagnostics
        notes = [f"{d.n_entities} units, {d.n_periods} periods; weights "
                 f"{'row-standardised' if d.transformation == 'r' else 'binary'}.",
                 "z and p under randomisation (Cliff and Ord 1981); to_frame() has the normality ones too."]
        if d.permutations:
            notes.append(f"p_sim: folded pseudo p-value from {d.permutations} random relabellings.")
        return SummaryTable(self._stats[columns], "Global Moran's I", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Moran's I over time with its expectation under no spatial autocorrelation."""
        from ..plotting import pyplot, style

        style(kwargs, "line")
        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        x = np.asarray(self._stats.index)
        ax.plot(x, self._stats["I"].to_numpy(), marker="o", label="Moran's I", **kwargs)
        ax.plot(x, self._stats["expected"].to_numpy(), color="grey", linestyle="--", label="E[I]")
        ax.set_ylabel("Moran's I")
        ax.legend()
        return ax


class LocalMoran(Results):
    """Local Moran's I of every unit in every period (see :mod:`nqpf_tfp.indices.spatial`).

    ``to_frame()`` is labelled by (entity, time): ``I``, ``deviation`` (the value minus the period's mean),
    ``lag`` (the neighbours' weighted deviation), ``quadrant`` (a code of :data:`QUADRANTS`: 1 high-high,
    2 low-high, 3 low-low, 4 high-low), ``cluster`` (its name) and, with permutations, ``p_sim``.
    """

    def __init__(self, frame: pd.DataFrame, diagnostics: MoranDiagnostics) -> None:
        self._frame, self._diagnostics = frame.copy(), diagnostics

    @property
    def diagnostics(self) -> MoranDiagnostics:
        """Units, periods, weights, permutations."""
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        """Per (entity, time): I, deviation, lag, quadrant, cluster and p_sim."""
        return self._frame.copy()

    def clusters(self, alpha: float = 0.05) -> pd.Series:
        """The cluster name of every unit-period whose permutation p-value is below ``alpha``.

        Needs ``permutations`` in :func:`~nqpf_tfp.indices.local_moran`.

        Parameters
        ----------
        alpha : float
            Significance level of the pseudo p-values (default 0.05).

        Returns
        -------
        pandas.Series
            ``"high-high"``, ``"low-high"``, ``"low-low"``, ``"high-low"`` or
            ``"not significant"``, labelled by (entity, time).
        """
        from ..arguments import confidence_level

        alpha = confidence_level(alpha, "alpha")
        if "p_sim" not in self._frame:
            raise SpecificationError("significant clusters need permutation p-values: pass permutations= "
                                     "(e.g. 999) and a seed to local_moran.")
        significant = self._frame["p_sim"] < alpha
        return self._frame["cluster"].where(significant, "not significant").rename("cluster")

    def summary(self) -> SummaryTable:
        """Units in each quadrant by period (significant at 5% when permutations were drawn)."""
        d = self._diagnostics
        labels = self.clusters() if "p_sim" in self._frame else self._frame["cluster"]
        time = self._frame.index.names[1]
        counts = labels.groupby(level=time).value_counts().unstack(fill_value=0)
        order = [name for name in [*QUADRANTS.values(), "not significant"] if name in counts.columns]
        notes = ["Quadrants of the Moran scatterplot: high-high and low-low are clusters of similar values, "
                 "low-high and high-low spatial outliers (Anselin 1995)."]
        notes.append(f"Counted where the permutation p-value ({d.permutations} relabellings) is below 0.05."
                     if d.permutations else "All units counted (no permutation p-values).")
        return SummaryTable(counts[order], "Local Moran's I: units by quadrant", notes, ".0f")

    def _period_rows(self, period: Any) -> tuple[Any, pd.DataFrame]:
        time = self._frame.index.get_level_values(1)
        period = time.max() if period is None else period
        rows = self._frame[time == period]
        if rows.empty:
            raise SpecificationError(f"no period {period!r}; periods are {sorted(set(time))}.")
        return period, rows

    def plot(self, ax: Any = None, period: Any = None, labels: bool = False, **kwargs: Any) -> Any:
        """The Moran scatterplot of one period: spatial lag against deviation, by quadrant.

        Each unit is a point coloured by its quadrant (:data:`CLUSTER_COLOURS`); the line through the
        origin has the least-squares slope ``z'Wz / z'z``, Moran's I itself for row-standardised
        weights (Anselin 1996).

        Parameters
        ----------
        period : object, optional
            The period to draw (default: the last).
        labels : bool
            Write each unit's name beside its point.
        """
        from ..plotting import pyplot, style
        from .figures import CLUSTER_COLOURS

        style(kwargs, "scatter")
        if not isinstance(labels, bool):
            raise SpecificationError(f"labels must be True or False, not {labels!r}.")
        period, rows = self._period_rows(period)
        if ax is None:
            _, ax = pyplot().subplots(figsize=(5.5, 5))
        z, lag = rows["deviation"].to_numpy(dtype=float), rows["lag"].to_numpy(dtype=float)
        colours = [CLUSTER_COLOURS.get(str(c), "#999999") for c in rows["cluster"]]
        kwargs.setdefault("c", colours)
        kwargs.setdefault("edgecolors", "0.3")
        ax.scatter(z, lag, **kwargs)
        zz = float(z @ z)
        if zz > 0:
            slope = float(z @ lag) / zz
            edge = np.array([z.min(), z.max()])
            name = "Moran's I" if self._diagnostics.transformation == "r" else "slope"
            ax.plot(edge, slope * edge, color="black", lw=1.2, label=f"{name} = {slope:.3f}")
            ax.legend(frameon=False, fontsize=8, loc="upper left")
        if labels:
            for unit, x, y in zip(rows.index.get_level_values(0), z, lag):
                ax.annotate(str(unit), (x, y), fontsize=6, xytext=(2, 2), textcoords="offset points")
        ax.axhline(0.0, color="grey", lw=0.5)
        ax.axvline(0.0, color="grey", lw=0.5)
        ax.set_xlabel(f"deviation from the mean ({period})")
        ax.set_ylabel("spatial lag")
        return ax

    def cluster_map(self, period: Any = None, alpha: float = 0.05, ax: Any = None, *, columns: int | None = None,
                    positions: Mapping[Any, tuple[float, float]] | None = None) -> Any:
        """A map of the local Moran clusters of one period: each unit a tile coloured by its cluster.

        Without a geometry the units are a grid of labelled tiles, in the panel's order (``columns`` per
        row) or at the given ``positions`` (a tile-grid map: one (column, row) per unit, row 0 on top).
        Significance uses the permutation p-values when they were drawn; otherwise every unit shows its
        quadrant and the title says so.

        Parameters
        ----------
        period : object, optional
            The period to draw (default: the last).
        alpha : float
            Significance level of the pseudo p-values (default 0.05).
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when ``None``.
        columns : int, optional
            Tiles per row of the grid (default: about the square root of the number of units).
        positions : mapping, optional
            Unit to its (column, row) on the grid.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.
        """
        from .figures import plot_cluster_map

        period, rows = self._period_rows(period)
        if "p_sim" in self._frame:
            labels = self.clusters(alpha)[rows.index]
            title = f"Local Moran clusters, {period} (p < {alpha:g}, {self._diagnostics.permutations} permutations)"
        else:
            labels = rows["cluster"]
            title = f"Moran scatterplot quadrants, {period} (no permutation p-values: all units shown)"
        labels = pd.Series(labels.to_numpy(), index=rows.index.get_level_values(0))
        return plot_cluster_map(labels, ax=ax, columns=columns, positions=positions, title=title)
