"""Results of :func:`~nqpf_tfp.frontier.three_stage_dea` (read-only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import pandas as pd

from ..keywords import strict_class
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable
from .sfa import SFAResults

__all__ = ["ThreeStageDiagnostics", "ThreeStageResults"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class ThreeStageDiagnostics(Diagnostics):
    """Facts about a three-stage DEA."""

    #: stages 1 and 3: "dea" (input-oriented radial) or "sbm"
    distance: str
    rts: str
    n_dmus: int
    inputs: tuple[str, ...]
    environment: tuple[str, ...]
    #: inputs whose slack did not vary, left as observed
    unadjusted: tuple[str, ...]


class ThreeStageResults(TFPResults):
    """Stage-3 efficiency (``tfp``, a level in (0, 1]) beside stage 1, with the slack decomposition per input
    (see :mod:`nqpf_tfp.frontier.three_stage`)."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "efficiency"

    def __init__(self, frame: pd.DataFrame, regressions: Mapping[str, SFAResults],
                 diagnostics: ThreeStageDiagnostics) -> None:
        self._frame = frame
        self._regressions = dict(regressions)
        self._diagnostics = diagnostics

    def _by_input(self, prefix: str) -> pd.DataFrame:
        columns = {f"{prefix}_{k}": k for k in self._diagnostics.inputs}
        return self._frame[list(columns)].rename(columns=columns)

    @property
    def efficiency(self) -> pd.Series:
        """Stage 3: the efficiency on the adjusted inputs."""
        return self._frame["efficiency"].copy()

    @property
    def first_stage(self) -> pd.Series:
        """Stage 1: the efficiency on the observed inputs."""
        return self._frame["first_stage"].copy()

    @property
    def slacks(self) -> pd.DataFrame:
        """Stage 1's total input slacks, one column per input (data units)."""
        return self._by_input("slack")

    @property
    def adjusted_inputs(self) -> pd.DataFrame:
        """The inputs of stage 3, one column per input."""
        return self._by_input("adjusted")

    @property
    def environmental(self) -> pd.DataFrame:
        """The slack the environment explains, ``f^k(z_i; beta_hat)`` (0 for an unadjusted input)."""
        return self._by_input("environmental")

    @property
    def managerial(self) -> pd.DataFrame:
        """The managerial slack ``E[u | eps]`` (0 for an unadjusted input)."""
        return self._by_input("managerial")

    @property
    def noise(self) -> pd.DataFrame:
        """The statistical noise in the slack, ``v_hat`` (0 for an unadjusted input)."""
        return self._by_input("noise")

    @property
    def slack_regressions(self) -> Mapping[str, SFAResults]:
        """Each adjusted input's stochastic frontier, fitted to its negated slack (a production frontier
        with error ``-v - u``): its coefficients are those of ``f^k`` with the sign turned."""
        return MappingProxyType(self._regressions)

    @property
    def tfp(self) -> pd.Series:
        return self.efficiency

    @property
    def diagnostics(self) -> ThreeStageDiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def summary(self) -> SummaryTable:
        d = self._diagnostics
        rows = {}
        for name, fit in self._regressions.items():
            coefficients = -fit.params[[c for c in fit.params.index if c not in ("sigma2", "gamma")]]
            rows[name] = pd.concat([coefficients, fit.params[["sigma2", "gamma"]]])
        table = pd.DataFrame(rows)
        table.loc["mean slack"] = [self._frame[f"slack_{k}"].mean() for k in table.columns]
        notes = [f"Fried, Lovell, Schmidt and Yaisawarng (2002): stage 1 and 3 {d.distance.upper()} ({d.rts.upper()}), "
                 f"{d.n_dmus} units; stage 2 SFA of each input's slack on {', '.join(d.environment)} (coefficients "
                 "of the slack frontier; a positive one: that variable wastes the input).",
                 f"Mean efficiency: stage 1 {self._frame['first_stage'].mean():.4f}, stage 3 "
                 f"{self._frame['efficiency'].mean():.4f}."
                 + (f" Not adjusted (constant slack): {', '.join(d.unadjusted)}." if d.unadjusted else "")]
        return SummaryTable(table, "Three-stage DEA: slack regressions", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Stage-3 against stage-1 efficiency, one point per unit, with the diagonal."""
        from ..plotting import pyplot, style

        plt = pyplot()
        style(kwargs, "line")
        if ax is None:
            _, ax = plt.subplots(figsize=(5, 5))
        ax.plot(self._frame["first_stage"], self._frame["efficiency"], "o", markersize=3, **kwargs)
        ax.plot([0, 1], [0, 1], color="0.6", linewidth=1)
        ax.set_xlabel("stage 1 efficiency")
        ax.set_ylabel("stage 3 efficiency")
        return ax
