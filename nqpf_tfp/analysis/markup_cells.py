"""Markup aggregates by (group, period) cell with bincounts, and one bootstrap replication of them.

A replication draws firms, re-estimates every stage of the production function on them
(:meth:`~nqpf_tfp.production.estimators.base.ProductionEstimator.resample_elasticities`), recomputes the
markups of the drawn rows and their sales-weighted, cost-weighted and plain means per cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import PanelError, SpecificationError
from ..production.estimators.base import ProductionEstimator
from .markup_results import AGGREGATES

__all__ = ["Cells", "Replicate", "weighted_means"]


@dataclass(frozen=True)
class Cells:
    """Integer codes of the (group, period) cells and of the periods, for the rows with a markup."""

    codes: np.ndarray  # (group, period) cell of each used row
    codes_all: np.ndarray  # period of each used row
    rows: np.ndarray  # positions of the used rows in the data
    lookup: np.ndarray  # for every data row, its position among ``rows`` (-1: no markup)
    index: pd.Index  # labels of the cells
    periods: pd.Index
    n_groups: int
    grouped: bool

    @classmethod
    def build(cls, data: pd.DataFrame, group: str | None, period: np.ndarray, used: np.ndarray,
              time_name: Any = "time") -> Cells:
        rows = np.flatnonzero(used)
        t_codes, periods = pd.factorize(pd.Series(period[rows]), sort=True)
        if group is None:
            g_codes, groups = np.zeros(rows.size, dtype=np.int64), pd.Index([0])
        else:
            labels = data[group].to_numpy()[rows]
            if pd.isna(labels).any():
                raise PanelError(f"group column {group!r} has missing values among the rows with an estimate.")
            g_codes, groups = pd.factorize(pd.Series(labels), sort=True)
        n_t = len(periods)
        codes = g_codes * n_t + t_codes
        present = np.unique(codes)
        dense = np.full(len(groups) * n_t, -1)
        dense[present] = np.arange(present.size)
        index = pd.MultiIndex.from_arrays([np.asarray(groups)[present // n_t], np.asarray(periods)[present % n_t]],
                                          names=[group or "group", time_name])
        if group is None:
            index = index.droplevel(0)
        lookup = np.full(used.size, -1)
        lookup[rows] = np.arange(rows.size)
        return cls(dense[codes], t_codes, rows, lookup, index, pd.Index(np.asarray(periods), name=time_name),
                   len(groups), group is not None)

    @property
    def n_periods(self) -> int:
        return len(self.periods)

    @property
    def n_values(self) -> int:
        """Bootstrap draw length: the aggregates of every cell, then of every period."""
        return len(AGGREGATES) * (len(self.index) + len(self.periods))

    def statistics(self, mu: np.ndarray, rev: np.ndarray, weight: np.ndarray, cell: np.ndarray,
                   period: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The aggregates by cell and by period, with medians and firm counts (point estimates)."""
        frames = []
        for codes, index in ((cell, self.index), (period, self.periods)):
            values = weighted_means(mu, rev, weight, codes, len(index))
            frame = pd.DataFrame(values.reshape(len(AGGREGATES), -1).T, index=index, columns=list(AGGREGATES))
            frame["median"] = pd.Series(mu).groupby(codes).median().reindex(range(len(index))).to_numpy()
            frame["firms"] = np.bincount(codes, minlength=len(index))
            frames.append(frame)
        return frames[0], frames[1]

    def frames(self, values: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        """A bootstrap draw (or its standard errors) as the cell and period frames."""
        k = len(AGGREGATES) * len(self.index)
        cell = pd.DataFrame(values[:k].reshape(len(AGGREGATES), -1).T, index=self.index, columns=list(AGGREGATES))
        period = pd.DataFrame(values[k:].reshape(len(AGGREGATES), -1).T, index=self.periods,
                              columns=list(AGGREGATES))
        return cell, period


def weighted_means(mu: np.ndarray, rev: np.ndarray, weight: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Sales-weighted, cost-weighted and plain means by code, stacked (NaN for an empty code)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.bincount(codes, minlength=size)
        sales = np.bincount(codes, rev * mu, minlength=size) / np.bincount(codes, rev, minlength=size)
        costs = np.bincount(codes, weight * mu, minlength=size) / np.bincount(codes, weight, minlength=size)
        plain = np.bincount(codes, mu, minlength=size) / n
    return np.concatenate([np.where(n > 0, v, np.nan) for v in (sales, costs, plain)])


@dataclass(frozen=True)
class Replicate:
    """One bootstrap replication: re-estimate the production function on the drawn firms, then the aggregates."""

    model: ProductionEstimator
    position: int
    correction: str
    rev: np.ndarray
    cost: np.ndarray
    weight: np.ndarray
    cells: Cells
    caller_positions: np.ndarray  # data position of each estimation-sample row

    def __call__(self, firms: np.ndarray) -> np.ndarray:
        rows, elasticities, eps = self.model.resample_elasticities(firms)
        pos = self.caller_positions[rows]
        at = self.cells.lookup[pos]
        keep = at >= 0  # rows without a markup in the full sample stay out
        theta = elasticities[keep, self.position]
        share = self.cost[pos[keep]] / self.rev[pos[keep]]
        if self.correction == "dlw":
            if eps is None:
                raise SpecificationError("the re-estimated model gives no first-stage residuals")
            share = share * np.exp(eps[keep])
        mu = theta / share
        cell, period = self.cells.codes[at[keep]], self.cells.codes_all[at[keep]]
        rev, weight = self.rev[pos[keep]], self.weight[pos[keep]]
        return np.concatenate([weighted_means(mu, rev, weight, cell, len(self.cells.index)),
                               weighted_means(mu, rev, weight, period, len(self.cells.periods))])
