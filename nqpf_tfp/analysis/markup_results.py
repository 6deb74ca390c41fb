"""Results of :func:`~nqpf_tfp.analysis.markups` (immutable): firm-year markups, aggregates, standard errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..keywords import strict_class
from ..results import Diagnostics, Results
from ..tables import SummaryTable

__all__ = ["AGGREGATES", "MarkupDiagnostics", "MarkupResults"]

AGGREGATES = ("sales_weighted", "cost_weighted", "mean")  # the statistics with bootstrap standard errors


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class MarkupDiagnostics(Diagnostics):
    """Facts about a markup computation."""

    #: where the elasticities come from: the estimator's name or ``"given elasticities"``
    source: str
    input: str
    correction: str
    nobs: int
    n_firms: int
    n_groups: int
    n_periods: int
    #: whether the elasticities are of value added (see :mod:`nqpf_tfp.analysis.markup_results`)
    value_added: bool = False
    #: rows of the data without an estimate (outside the estimation sample), left out
    dropped: int = 0
    #: rows whose elasticity is not positive (their markups are not positive)
    non_positive_elasticity: int = 0
    bootstrap_replications: int | None = None
    bootstrap_failures: tuple[tuple[int, str], ...] | None = None


class MarkupResults(Results):
    """Firm-level markups and their aggregates (see :mod:`nqpf_tfp.analysis.firm_markups`); read-only."""

    def __init__(self, firms: pd.DataFrame, aggregate: pd.DataFrame, overall: pd.DataFrame,
                 aggregate_se: pd.DataFrame | None, overall_se: pd.DataFrame | None,
                 diagnostics: MarkupDiagnostics) -> None:
        self._firms, self._aggregate, self._overall = firms.copy(), aggregate.copy(), overall.copy()
        self._aggregate_se = None if aggregate_se is None else aggregate_se.copy()
        self._overall_se = None if overall_se is None else overall_se.copy()
        self._diagnostics = diagnostics

    @property
    def markups(self) -> pd.Series:
        """Markup per firm-year, labelled by (entity, time) (rows with an estimate)."""
        return self._firms["markup"].copy()

    @property
    def aggregate(self) -> pd.DataFrame:
        """By (group, period) (by period without groups): ``sales_weighted``, ``cost_weighted``, ``mean``,
        ``median``, ``firms``."""
        return self._aggregate.copy()

    @property
    def overall(self) -> pd.DataFrame:
        """The aggregates over all groups, by period."""
        return self._overall.copy()

    @property
    def aggregate_std_errors(self) -> pd.DataFrame | None:
        """Bootstrap standard errors of ``sales_weighted``, ``cost_weighted`` and ``mean`` by (group, period);
        ``None`` without ``bootstrap``."""
        return None if self._aggregate_se is None else self._aggregate_se.copy()

    @property
    def overall_std_errors(self) -> pd.DataFrame | None:
        """Bootstrap standard errors of the overall aggregates, by period."""
        return None if self._overall_se is None else self._overall_se.copy()

    @property
    def diagnostics(self) -> MarkupDiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        """Per firm-year, labelled by (entity, time): ``group`` (when given), ``elasticity``, ``share`` (the
        input's share of revenue, corrected as asked) and ``markup``."""
        return self._firms.copy()

    def summary(self) -> SummaryTable:
        """The overall aggregates by period, with bootstrap standard errors when computed."""
        frame = self._overall.copy()
        if self._overall_se is not None:
            for name in AGGREGATES:
                frame.insert(frame.columns.get_loc(name) + 1, f"se({name})", self._overall_se[name])
        d = self._diagnostics
        notes = [f"Input {d.input!r}; elasticities from {d.source}; correction {d.correction!r}.",
                 f"{d.nobs} firm-years, {d.n_firms} firms, {d.n_groups} group(s), {d.n_periods} periods."]
        if d.bootstrap_replications:
            notes.append(f"Standard errors: firm-cluster bootstrap, {d.bootstrap_replications} replications, "
                         "production function re-estimated in each.")
        if d.value_added:
            notes.append("Elasticities of value added: markups over value added (see the docs).")
        return SummaryTable(frame, "Markups (De Loecker and Warzynski 2012)", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Sales- and cost-weighted markups over time (all groups), with 95% bootstrap bands when computed."""
        from ..plotting import pyplot, style

        style(kwargs, "line")
        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        x = np.asarray(self._overall.index)
        for name in ("sales_weighted", "cost_weighted"):
            values = self._overall[name].to_numpy()
            ax.plot(x, values, label=name.replace("_", "-"), **kwargs)
            if self._overall_se is not None:
                se = self._overall_se[name].to_numpy()
                ax.fill_between(x, values - 1.96 * se, values + 1.96 * se, alpha=0.2)
        ax.set_ylabel(f"markup ({self._diagnostics.input})")
        ax.legend()
        return ax

    def __repr__(self) -> str:
        return str(self.summary())
