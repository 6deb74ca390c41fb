"""Results of the per-unit frontier measures with undesirable outputs: SBM and directional distances.

One class on the results contract for :func:`~nqpf_tfp.frontier.sbm`, :func:`~nqpf_tfp.frontier.ddf`
and :func:`~nqpf_tfp.frontier.nonradial_ddf`. ``tfp`` is an efficiency level in (0, 1], 1 on the
frontier: SBM's ``rho`` (super-SBM scores of efficient units exceed 1), and ``1 / (1 + D)`` for a
directional distance ``D`` (with direction ``(0, y, b)`` and no bad outputs, Farrell's output
efficiency; the ratio the Malmquist-Luenberger index is built from).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import pandas as pd

from ..keywords import strict_class
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable
from .variables import prefixed

__all__ = ["ScoreDiagnostics", "ScoreResults"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class ScoreDiagnostics(Diagnostics):
    """Facts about an SBM or directional-distance computation."""

    #: "sbm", "ddf" (radial directional distance) or "nonradial_ddf"
    measure: str
    rts: str
    n_dmus: int
    n_reference: int
    #: units whose LP was not solved to optimality (their scores are NaN)
    not_optimal: int
    #: the direction of a distance ("outputs" or "all"); None for the SBM
    direction: str | None = None
    #: SBM: whether efficient units got super-SBM scores
    super_efficiency: bool = False


class ScoreResults(TFPResults):
    """Per-unit scores labelled by (entity, time) when those were given, else by the evaluated data's index
    (see :mod:`nqpf_tfp.frontier.score_results`)."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "efficiency"

    def __init__(self, frame: pd.DataFrame, diagnostics: ScoreDiagnostics) -> None:
        self._frame, self._diagnostics = frame.copy(), diagnostics

    def _column(self, name: str) -> pd.Series:
        if name not in self._frame:
            raise AttributeError(f"{self._diagnostics.measure} results have no {name!r}; columns are "
                                 f"{list(self._frame.columns)}.")
        return self._frame[name].copy()

    @property
    def efficiency(self) -> pd.Series:
        """SBM: ``rho`` (super-SBM where ``super``); a distance ``D``: ``1 / (1 + D)``."""
        if "efficiency" in self._frame:
            return self._frame["efficiency"].copy()
        return (1.0 / (1.0 + self._frame["distance"])).rename("efficiency")

    @property
    def distance(self) -> pd.Series:
        """The directional distance (0 on the frontier; NaN where the LP is not optimal)."""
        return self._column("distance")

    @property
    def status(self) -> pd.Series:
        """The LP status per unit: "optimal", "infeasible", ..."""
        return self._column("status")

    @property
    def slacks(self) -> pd.DataFrame:
        """SBM slacks (data units)."""
        return prefixed(self._frame, "slack_")

    @property
    def betas(self) -> pd.DataFrame:
        """Non-radial distance: the share by which each variable can improve."""
        return prefixed(self._frame, "beta_")

    @property
    def super(self) -> pd.Series:
        """Super-SBM: whether the unit was efficient and got the super-efficiency score."""
        return self._column("super")

    @property
    def tfp(self) -> pd.Series:
        return self.efficiency

    @property
    def diagnostics(self) -> ScoreDiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def summary(self) -> SummaryTable:
        columns = {"efficiency": self.efficiency}
        if "distance" in self._frame:
            columns["distance"] = self._frame["distance"]
        frame = pd.DataFrame(columns).describe().T[["count", "mean", "std", "min", "max"]]
        frame["on frontier"] = [int((self.efficiency >= 1 - 1e-9).sum())] * len(frame)
        d = self._diagnostics
        what = {"sbm": "slacks-based measure" + (" (super-SBM for efficient units)" if d.super_efficiency else ""),
                "ddf": "radial directional distance", "nonradial_ddf": "weighted non-radial directional distance"}
        notes = [f"{what[d.measure]}, {d.rts.upper()}" + (f", direction {d.direction!r}" if d.direction else "")
                 + f"; {d.n_dmus} units against {d.n_reference} reference units.",
                 f"{d.not_optimal} unit(s) without an optimal LP (NaN). Efficiency: rho, or 1 / (1 + D)."]
        return SummaryTable(frame, {"sbm": "SBM efficiency", "ddf": "Directional distance",
                                    "nonradial_ddf": "Non-radial directional distance"}[d.measure], notes, ".4f")

    def plot(self, ax: Any = None, bins: int = 20, **kwargs: Any) -> Any:
        """Histogram of the efficiency levels.

        Parameters
        ----------
        bins : int
            Number of histogram bins.
        """
        from ..plotting import plot_histogram

        return plot_histogram(self.efficiency, ax=ax, bins=bins, **kwargs)

    def __repr__(self) -> str:
        return str(self.summary())
