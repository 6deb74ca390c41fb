"""Results of :func:`~nqpf_tfp.indices.composite_index` (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from ..keywords import strict_class
from ..results import Diagnostics, Results
from ..tables import SummaryTable
from . import scores as sc
from .indicators import IndicatorData

__all__ = ["CompositeIndex", "CompositeIndexDiagnostics"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class CompositeIndexDiagnostics(Diagnostics):
    """The choices behind a composite index and facts about it."""

    normalization: str
    scope: str
    shift: float
    weights: str
    weights_scope: str
    score: str
    ideal: str
    hierarchical: bool
    nobs: int
    n_entities: int
    n_periods: int
    #: PCA weights: components kept, the variance share they explain, KMO, Bartlett's chi-square and p-value
    pca_components: int | None = None
    pca_explained: float | None = None
    kmo: float | None = None
    bartlett: float | None = None
    bartlett_pvalue: float | None = None


class CompositeIndex(Results):
    """A composite index: scores per (entity, period), the normalized indicators, the weights.

    Attributes
    ----------
    scores : pandas.Series
        The index, labelled by (entity, time).
    weights : pandas.Series or pandas.DataFrame
        One weight per indicator, or one row per period (``weights_scope="period"``).
    """

    def __init__(self, *, data: IndicatorData, normalized: np.ndarray, weights: pd.Series | pd.DataFrame,
                 weight_rows: np.ndarray, scores: np.ndarray, distances: pd.DataFrame | None,
                 diagnostics: CompositeIndexDiagnostics) -> None:
        self._data = data
        self._z = normalized.copy()
        self._weights = weights.copy()
        self._w_rows = np.array(weight_rows, copy=True)
        self._scores = pd.Series(scores, index=data.index, name="index")
        self._distances = None if distances is None else distances.copy()
        self._diagnostics = diagnostics

    @property
    def scores(self) -> pd.Series:
        return self._scores.copy()

    @property
    def weights(self) -> pd.Series | pd.DataFrame:
        return self._weights.copy()

    @property
    def normalized(self) -> pd.DataFrame:
        """The normalized indicators (larger is better), labelled by (entity, time)."""
        return pd.DataFrame(self._z, index=self._data.index, columns=self._data.system.columns)

    @property
    def diagnostics(self) -> CompositeIndexDiagnostics:
        return self._diagnostics

    @property
    def system(self) -> Any:
        return self._data.system

    def keys(self) -> pd.DataFrame:
        """The (entity, period) of every row as columns, labelled by (entity, time).

        Returns
        -------
        pandas.DataFrame
            Two columns, the entity and the period.
        """
        return pd.DataFrame({self._data.entity_name: self._data.entity,
                             self._data.time_name: np.asarray(self._data.periods)[self._data.period]},
                            index=self._data.index)

    def dimension_scores(self, level: int = 0) -> pd.DataFrame:
        """Contributions of each dimension: ``sum_{j in D} w_j z_j`` (they add up to a weighted-sum index).

        Parameters
        ----------
        level : int
            Depth in the hierarchy of dimensions (0: the top dimensions).

        Returns
        -------
        pandas.DataFrame
            One column per dimension, labelled by (entity, time).
        """
        labels = self._data.system.dimension_labels(level)
        contrib = self._z * (np.broadcast_to(self._w_rows, self._z.shape))
        dims = list(dict.fromkeys(labels))
        columns = {dim: contrib[:, [i for i, lab in enumerate(labels) if lab == dim]].sum(axis=1) for dim in dims}
        return pd.DataFrame(columns, index=self._data.index)

    def obstacle_degree(self, level: int | None = None) -> pd.DataFrame:
        """Obstacle degree of each indicator (or of each dimension at ``level``) per row; rows sum to 1.

        Parameters
        ----------
        level : int, optional
            Aggregate the indicators' obstacle degrees to the dimensions at this
            depth (``None``: per indicator).

        Returns
        -------
        pandas.DataFrame
            One column per indicator (or dimension), labelled by (entity, time).
        """
        if self._diagnostics.normalization != "minmax" or self._diagnostics.shift:
            raise SpecificationError("obstacle degrees need min-max normalization without a shift.")
        o = sc.obstacle_degree(self._z, self._w_rows)
        frame = pd.DataFrame(o, index=self._data.index, columns=self._data.system.columns)
        if level is None:
            return frame
        labels = self._data.system.dimension_labels(level)
        return frame.T.groupby(np.array(labels), sort=False).sum(min_count=1).T

    def to_frame(self) -> pd.DataFrame:
        """The index, TOPSIS distances (when scored by TOPSIS) and the normalized indicators, by (entity, time)."""
        parts: list[pd.Series | pd.DataFrame] = [self._scores]
        if self._distances is not None:
            parts.append(self._distances)
        parts.append(self.normalized.add_prefix("z_"))
        return pd.concat(parts, axis=1)

    def by_period(self) -> pd.DataFrame:
        """Mean, standard deviation, minimum and maximum of the index by period.

        Returns
        -------
        pandas.DataFrame
            One row per period.
        """
        frame = pd.DataFrame({"period": np.asarray(self._data.periods)[self._data.period], "index": self._scores})
        out = frame.groupby("period")["index"].agg(["mean", "std", "min", "max"])
        out.index.name = self._data.time_name
        return out

    def summary(self) -> SummaryTable:
        """The weights by indicator (direction, dimension) and how the index was built."""
        system = self._data.system
        table = pd.DataFrame({"direction": [i.direction for i in system],
                              "dimension": ["/".join(i.dimension) for i in system]}, index=system.columns)
        if isinstance(self._weights, pd.Series):
            table["weight"] = self._weights
        else:
            table["mean weight"] = self._weights.mean(axis=0)
        table.index.name = "indicator"
        d = self._diagnostics
        notes = [f"Normalization {d.normalization} ({d.scope}{f', shift {d.shift}' if d.shift else ''}); weights "
                 f"{d.weights} ({d.weights_scope}{', hierarchical' if d.hierarchical else ''}); score {d.score}"
                 + (f" (ideal {d.ideal})" if d.score != "weighted-sum" else "") + ".",
                 f"{d.nobs} rows, {d.n_entities} entities, {d.n_periods} periods; index mean "
                 f"{self._scores.mean():.4f}."]
        if d.kmo is not None:
            notes.append(f"PCA: {d.pca_components} component(s), {d.pca_explained:.1%} of the variance; KMO "
                         f"{d.kmo:.3f}; Bartlett chi2 = {d.bartlett:.2f}, p = {d.bartlett_pvalue:.4g}.")
        return SummaryTable(table, "Composite index", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The index's mean by period with its range across entities."""
        from ..plotting import pyplot, style

        style(kwargs, "line")
        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        stats = self.by_period()
        x = np.asarray(stats.index)
        ax.plot(x, stats["mean"], label="mean", **kwargs)
        ax.fill_between(x, stats["min"], stats["max"], alpha=0.2, label="range")
        ax.set_ylabel("composite index")
        ax.legend()
        return ax
