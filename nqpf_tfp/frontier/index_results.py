"""Results of the Malmquist-Luenberger index and the Luenberger indicator (the results contract).

The index is a ratio: its averages are geometric means and it chains by multiplication (cumulative
index, first period = 1). The indicator is a difference: arithmetic means, chained by addition
(cumulative indicator, first period = 0). Columns are named as Stata's ``gtfpch`` names them:
``tfpch`` the productivity change, ``tech`` efficiency change, ``tecch`` technical change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..keywords import strict_class
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable

__all__ = ["ChangeResults", "DirectionalIndexDiagnostics", "LuenbergerResults", "MalmquistLuenbergerResults",
]

COLUMNS = ["tfpch", "tech", "tecch"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class DirectionalIndexDiagnostics(Diagnostics):
    """Facts about a Malmquist-Luenberger or Luenberger computation."""

    #: "malmquist-luenberger" or "luenberger"
    index: str
    frontier: str
    #: "radial" or "nonradial" directional distances
    distance: str
    direction: str
    rts: str
    n_entities: int
    n_periods: int
    #: entity-period changes that are NaN (the entity missing in the previous period, a zero good output, or an
    #: infeasible cross-period distance)
    missing_pairs: int
    #: wall-clock seconds
    seconds: float


class ChangeResults(TFPResults):
    """Changes from the previous period per (entity, time) and their cumulation, as a ratio (geometric
    means, chained by products from 1) or a difference (arithmetic means, summed from 0)."""

    _ratio: ClassVar[bool] = True
    _title: ClassVar[str] = ""

    def __init__(self, changes: pd.DataFrame, cumulative: pd.Series, diagnostics: Diagnostics) -> None:
        self._changes, self._cumulative, self._diagnostics = changes.copy(), cumulative.copy(), diagnostics

    @property
    def changes(self) -> pd.DataFrame:
        """The changes from the previous period, on (entity, time)."""
        return self._changes.copy()

    @property
    def tfp(self) -> pd.Series:
        return self._cumulative.copy()

    @property
    def diagnostics(self) -> Any:
        return self._diagnostics

    def _mean(self, frame: pd.DataFrame, level: int | None) -> pd.DataFrame | pd.Series:
        if self._ratio:
            logs = frame.transform(np.log)
            return (logs.mean() if level is None else logs.groupby(level=level).mean()).transform(np.exp)
        return frame.mean() if level is None else frame.groupby(level=level).mean()

    def by_period(self) -> pd.DataFrame:
        """Means over entities per period (geometric for a ratio, arithmetic for a difference).

        Returns
        -------
        pandas.DataFrame
            One row per period, one column per component.
        """
        out = self._mean(self._changes, 1)
        assert isinstance(out, pd.DataFrame)
        return out

    def by_entity(self) -> pd.DataFrame:
        """Means over periods per entity (geometric for a ratio, arithmetic for a difference).

        Returns
        -------
        pandas.DataFrame
            One row per entity, one column per component.
        """
        out = self._mean(self._changes, 0)
        assert isinstance(out, pd.DataFrame)
        return out

    def _summary_frame(self) -> pd.DataFrame:
        mean = self._mean(self._changes, None)
        assert isinstance(mean, pd.Series)
        return pd.concat([self.by_period(), mean.to_frame("mean").T])

    def to_frame(self) -> pd.DataFrame:
        frame = self._changes.reindex(self._cumulative.index)
        frame["cumulative_tfp"] = self._cumulative
        return frame

    def plot(self, ax: Any = None, entities: Sequence[Any] | None = None, highlight: Sequence[Any] | None = None,
             **kwargs: Any) -> Any:
        """The cumulative index per entity, with a legend.

        Up to twelve entities each get a colour; with more, all are grey with their median in black,
        or the ``highlight`` ones in colour over the grey others.

        Parameters
        ----------
        entities : sequence, optional
            The entities to draw (default: all).
        highlight : sequence, optional
            Entities drawn in colour, and named in the legend, over the others in grey.
        """
        from ..plotting import plot_index

        label = f"cumulative {self._title.lower()}"
        return plot_index(self._cumulative, entities=entities, highlight=highlight, ax=ax, ylabel=label, **kwargs)

    def __repr__(self) -> str:
        return str(self.summary())


class _IndexResults(ChangeResults):
    """``tfpch``, ``tech``, ``tecch`` of a Malmquist-Luenberger index or Luenberger indicator."""

    @property
    def diagnostics(self) -> DirectionalIndexDiagnostics:
        assert isinstance(self._diagnostics, DirectionalIndexDiagnostics)
        return self._diagnostics

    @property
    def tfpch(self) -> pd.Series:
        return self._changes["tfpch"].copy()

    @property
    def tech(self) -> pd.Series:
        return self._changes["tech"].copy()

    @property
    def tecch(self) -> pd.Series:
        return self._changes["tecch"].copy()

    def summary(self) -> SummaryTable:
        d = self.diagnostics
        kind = "Geometric means; tfpch = tech x tecch; above 1" if self._ratio else \
            "Arithmetic means; tfpch = tech + tecch; above 0"
        notes = [f"{d.frontier} frontier, {d.distance} directional distances, direction {d.direction!r}, "
                 f"{d.rts.upper()}; {d.n_entities} entities x {d.n_periods} periods; {d.missing_pairs} missing.",
                 f"{kind} = improvement (tech: efficiency change, tecch: technical change)."]
        return SummaryTable(self._summary_frame(), self._title, notes, ".4f")


class MalmquistLuenbergerResults(_IndexResults):
    """Malmquist-Luenberger index per (entity, time); ``tfp`` chains it (first period = 1): a level."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "index"
    _ratio: ClassVar[bool] = True
    _title: ClassVar[str] = "Malmquist-Luenberger index"


class LuenbergerResults(_IndexResults):
    """Luenberger indicator per (entity, time); ``tfp`` sums it (first period = 0).

    The indicator is a difference of distances, so its cumulation is additive, on the scale of a log
    change (``tfp_scale = "log"``), not a ratio.
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "log"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "index"
    _ratio: ClassVar[bool] = False
    _title: ClassVar[str] = "Luenberger indicator"
