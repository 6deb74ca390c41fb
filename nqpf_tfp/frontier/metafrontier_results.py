"""Results of :func:`~nqpf_tfp.frontier.metafrontier` (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..keywords import strict_class
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable

__all__ = ["MetafrontierDiagnostics", "MetafrontierResults"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class MetafrontierDiagnostics(Diagnostics):
    """How the frontiers were built."""

    #: "dea", "sbm", "ddf" or "nonradial_ddf"
    distance: str
    #: "global" (all periods pooled) or "contemporaneous" (one set of frontiers per period); for stochastic
    #: group frontiers the metafrontier: "lp envelope", "qp envelope" or "stochastic metafrontier"
    frontier: str
    #: the column of technology groups
    group: str
    #: technology groups
    n_groups: int
    #: units scored (rows of the data)
    n_units: int
    #: units without a technology gap ratio (an LP not solved at one of their frontiers)
    not_optimal: int
    #: sets of frontiers built (1 with a global frontier, the periods with contemporaneous ones)
    periods: int


class MetafrontierResults(TFPResults):
    """Group-frontier and metafrontier efficiency and the technology gap ratio per unit.

    Attributes
    ----------
    group_efficiency, meta_efficiency, tgr : pandas.Series
        Per unit, labelled by (entity, time) when those were given; ``meta_efficiency = group_efficiency
        x tgr``.
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"
    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "efficiency"

    def __init__(self, frame: pd.DataFrame, diagnostics: MetafrontierDiagnostics, *, time_name: Any = None) -> None:
        self._frame, self._diagnostics, self._time = frame.copy(), diagnostics, time_name

    group_efficiency = property(lambda self: self._frame["group_efficiency"].copy(),
                                doc="Efficiency against the unit's own group frontier.")
    meta_efficiency = property(lambda self: self._frame["meta_efficiency"].copy(),
                               doc="Efficiency against the metafrontier of all groups.")
    tgr = property(lambda self: self._frame["tgr"].copy(),
                   doc="The technology gap ratio, meta efficiency over group efficiency, in (0, 1].")

    @property
    def tfp(self) -> pd.Series:
        """The metafrontier efficiency (the measure comparable across groups)."""
        return self.meta_efficiency

    @property
    def diagnostics(self) -> MetafrontierDiagnostics:
        """How the frontiers were built."""
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        """Per unit: ``group``, ``group_efficiency``, ``meta_efficiency``, ``tgr`` (and, with contemporaneous
        frontiers, the ``period`` whose frontiers scored it)."""
        return self._frame.copy()

    def by_group(self) -> pd.DataFrame:
        """Means of the efficiencies and the technology gap ratio by group (and period with contemporaneous
        frontiers), with the units counted.

        Returns
        -------
        pandas.DataFrame
            Columns ``group_efficiency``, ``meta_efficiency``, ``tgr``, ``units``.
        """
        keys = ["group", "period"] if "period" in self._frame else ["group"]
        cells = self._frame.groupby(keys, sort=True)
        out = cells[["group_efficiency", "meta_efficiency", "tgr"]].mean()
        out["units"] = cells.size()
        if "period" in self._frame:
            out.index = out.index.set_names([self._diagnostics.group, self._time or "period"])
        else:
            out.index.name = self._diagnostics.group
        return out

    def summary(self) -> SummaryTable:
        """Mean efficiencies and technology gap ratios by group."""
        d = self._diagnostics
        table = self.by_group()
        if d.distance == "sfa":
            source = ("Huang, Huang and Liu 2014" if d.frontier == "stochastic metafrontier"
                      else "Battese, Rao and O'Donnell 2004")
            built = f"stochastic group frontiers (sfa); metafrontier: {d.frontier} ({source})"
        else:
            built = f"Distance {d.distance}; {d.frontier} frontiers"
        notes = [f"{built}; {d.n_groups} groups of {d.group!r}, {d.n_units} units.",
                 "tgr = meta_efficiency / group_efficiency (Battese, Rao and O'Donnell 2004); 1 - tgr is the "
                 "technology gap."]
        if d.not_optimal:
            notes.append(f"{d.not_optimal} unit(s) without a ratio (an LP not solved): left out of the means.")
        return SummaryTable(table, "Metafrontier: efficiency and technology gap ratios by group", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The technology gap ratios of each group's units, one box per group.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when ``None``.
        **kwargs
            Passed to ``Axes.boxplot``.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.
        """
        from ..plotting import pyplot

        if ax is None:
            _, ax = pyplot().subplots(figsize=(6, 4))
        groups = sorted(self._frame["group"].astype(str).unique())
        values = [self._frame.loc[self._frame["group"].astype(str) == g, "tgr"].dropna().to_numpy() for g in groups]
        ax.boxplot(values, **kwargs)
        ax.set_xticks(np.arange(1, len(groups) + 1), groups)
        ax.set_ylabel("technology gap ratio")
        ax.set_xlabel(self._diagnostics.group)
        return ax

    def __repr__(self) -> str:
        return str(self.summary())
