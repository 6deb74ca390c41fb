"""Results of :func:`~nqpf_tfp.indices.moran` and :func:`~nqpf_tfp.indices.local_moran` (read-only)."""

from __future__ import annotations

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

    def plot(self, ax: Any = None, period: Any = None, **kwargs: Any) -> Any:
        """The Moran scatterplot of one period: deviation against spatial lag.

        Parameters
        ----------
        period : object, optional
            The period to draw (default: the last).
        """
        from ..plotting import pyplot, style

        style(kwargs, "scatter")
        time = self._frame.index.get_level_values(1)
        period = time.max() if period is None else period
        rows = self._frame[time == period]
        if rows.empty:
            raise SpecificationError(f"no period {period!r}; periods are {sorted(set(time))}.")
        if ax is None:
            _, ax = pyplot().subplots(figsize=(5.5, 5))
        ax.scatter(rows["deviation"], rows["lag"], **kwargs)
        ax.axhline(0.0, color="grey", lw=0.5)
        ax.axvline(0.0, color="grey", lw=0.5)
        ax.set_xlabel(f"deviation from the mean ({period})")
        ax.set_ylabel("spatial lag")
        return ax
