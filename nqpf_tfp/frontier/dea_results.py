"""Results of :func:`~nqpf_tfp.frontier.dea` (read-only): scores, slacks, targets, peers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import pandas as pd

from ..keywords import strict_class
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable
from .variables import prefixed

__all__ = ["DEADiagnostics", "DEAResults"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class DEADiagnostics(Diagnostics):
    """Facts about a DEA run."""

    #: returns to scale and orientation as requested
    rts: str
    orientation: str
    #: evaluated units and reference units
    n_dmus: int
    n_reference: int
    #: units whose LP was not solved to optimality (their scores are NaN)
    not_optimal: int
    #: "highspy" (HiGHS, model built once, warm starts) or "scipy" (linprog, HiGHS inside)
    solver: str
    super_efficiency: bool
    seconds: float
    #: reference units in the frame (Dulá 2011) that the per-unit LPs used; None without ``frame=True``
    frame_units: int | None = None


class DEAResults(TFPResults):
    """DEA scores and what goes with them, labelled by (entity, time) when those were given, else by the
    evaluated data's index.

    ``tfp`` is the efficiency score (``tfp_scale = "level"``): the unit's productivity relative to the
    frontier, 1 on it. Input orientation: ``theta``; output orientation: ``1/phi``.
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "efficiency"

    def __init__(self, frame: pd.DataFrame, peers: pd.DataFrame, diagnostics: DEADiagnostics) -> None:
        self._frame = frame
        self._peers = peers
        self._diagnostics = diagnostics

    @property
    def efficiency(self) -> pd.Series:
        """The radial efficiency score per unit (NaN where the LP is not optimal: see ``status``)."""
        return self._frame["efficiency"].copy()

    @property
    def tfp(self) -> pd.Series:
        return self.efficiency

    @property
    def status(self) -> pd.Series:
        """The LP status per unit: "optimal", "infeasible", "unbounded", ..."""
        return self._frame["status"].copy()

    @property
    def slacks(self) -> pd.DataFrame:
        """Phase-two input excesses and output shortfalls (data units)."""
        return prefixed(self._frame, "slack_")

    @property
    def targets(self) -> pd.DataFrame:
        """Projections onto the frontier: radial contraction (or expansion) less (plus) the slacks."""
        return prefixed(self._frame, "target_")

    @property
    def peers(self) -> pd.DataFrame:
        """Long table of (unit, peer, lambda) with lambda > 0 from the radial stage."""
        return self._peers.copy()

    @property
    def diagnostics(self) -> DEADiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def summary(self) -> SummaryTable:
        eff = self._frame["efficiency"]
        cols = ["efficiency"] + [c for c in ("crs_efficiency", "scale_efficiency") if c in self._frame]
        frame = self._frame[cols].describe().T[["count", "mean", "std", "min", "max"]]
        frame["on frontier"] = [(self._frame[c] >= 1 - 1e-9).sum() for c in cols]
        d = self._diagnostics
        notes = [f"{d.rts.upper()} {d.orientation}-oriented radial DEA; {d.n_dmus} units against {d.n_reference} "
                 f"reference units; solver {d.solver}.",
                 f"Mean efficiency {eff.mean():.4f}; {d.not_optimal} unit(s) without an optimal LP (NaN)."]
        return SummaryTable(frame, "Data envelopment analysis", notes, ".4f")

    def plot(self, ax: Any = None, bins: int = 20, **kwargs: Any) -> Any:
        """Histogram of the efficiency scores.

        Parameters
        ----------
        bins : int
            Number of histogram bins.
        """
        from ..plotting import plot_histogram

        return plot_histogram(self._frame["efficiency"], ax=ax, bins=bins, **kwargs)
