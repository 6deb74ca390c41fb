"""Results of :func:`~nqpf_tfp.frontier.simar_wilson` (read-only): the truncated regression and its bootstrap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import confidence_level
from ..keywords import strict_class
from ..options import check_option
from ..results import Diagnostics, ParameterEstimates, Results
from ..tables import SummaryTable
from .bootstrap_results import interval

__all__ = ["SimarWilsonDiagnostics", "SimarWilsonResults"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class SimarWilsonDiagnostics(Diagnostics):
    """Facts about a Simar-Wilson second stage."""

    #: 1 or 2 (Simar and Wilson 2007)
    algorithm: int
    rts: str
    orientation: str
    n_dmus: int
    #: units in the truncated regression (algorithm 1: those off the frontier)
    nobs: int
    #: parameter bootstrap: replications asked for and those whose regression converged
    replications: int
    replications_used: int
    #: algorithm 2's bias replications (L1); None for algorithm 1
    bias_replications: int | None
    loglik: float
    level: float
    method: str
    #: the entropy of the seed sequence the replications were spawned from
    seed_entropy: int | None
    seconds: float


class SimarWilsonResults(ParameterEstimates, Results):
    """The truncated regression of DEA distances on the environment, with bootstrap inference.

    A positive coefficient raises the distance ``delta >= 1``, so it *lowers* efficiency. ``cov`` and
    ``std_errors`` come from the bootstrap draws; ``pvalues`` are normal approximations on those standard
    errors, and ``conf_int`` gives the bootstrap intervals Simar and Wilson (2007) recommend.
    """

    def __init__(self, params: pd.Series, draws: pd.DataFrame, units: pd.DataFrame,
                 diagnostics: SimarWilsonDiagnostics) -> None:
        self._params = params
        self._draws = draws
        self._units = units
        self._diagnostics = diagnostics
        names = list(params.index)
        self._cov = pd.DataFrame(np.atleast_2d(np.cov(draws.to_numpy(), rowvar=False, ddof=1)), index=names,
                                 columns=names)

    @property
    def nobs(self) -> int:
        """Units in the truncated regression."""
        return self._diagnostics.nobs

    @property
    def draws(self) -> pd.DataFrame:
        """The bootstrap estimates: one row per successful replication, one column per parameter."""
        return self._draws.copy()

    @property
    def efficiency(self) -> pd.Series:
        """The first stage's DEA efficiency per unit."""
        return self._units["efficiency"].copy()

    @property
    def distance(self) -> pd.Series:
        """``delta_hat = 1 / efficiency``, the dependent variable of algorithm 1."""
        return self._units["distance"].copy()

    @property
    def bias_corrected(self) -> pd.Series:
        """Algorithm 2's bias-corrected distance ``2 delta_hat - mean(delta_hat*)``."""
        if "bias_corrected" not in self._units:
            raise AttributeError("bias-corrected distances come from algorithm=2.")
        return self._units["bias_corrected"].copy()

    @property
    def diagnostics(self) -> SimarWilsonDiagnostics:
        return self._diagnostics

    def conf_int(self, level: float = 0.95, method: str = "basic") -> pd.DataFrame:
        """Bootstrap confidence intervals for the parameters.

        Parameters
        ----------
        level : float
            Coverage, strictly between 0 and 1.
        method : {"basic", "percentile"}
            Simar and Wilson's interval or Efron's percentile interval.

        Returns
        -------
        pandas.DataFrame
            Columns ``lower`` and ``upper``, one row per parameter.
        """
        level = confidence_level(level, "level")
        method = check_option("bootstrap_interval", method, "method")
        lower, upper = interval(self._params.to_numpy(), self._draws.to_numpy(), level, method)
        return pd.DataFrame({"lower": lower, "upper": upper}, index=self._params.index)

    def to_frame(self) -> pd.DataFrame:
        return self._units.copy()

    def summary(self) -> SummaryTable:
        d = self._diagnostics
        ci = self.conf_int(d.level, d.method)
        table = pd.DataFrame({"coef": self._params, "std err": self.std_errors,
                              f"[{(1 - d.level) / 2:g}": ci["lower"], f"{1 - (1 - d.level) / 2:g}]": ci["upper"]})
        what = "bias-corrected distances" if d.algorithm == 2 else "DEA distances of the units off the frontier"
        notes = [f"Simar-Wilson (2007) algorithm {d.algorithm}: truncated regression of {what} (>= 1) on the "
                 f"environment; {d.nobs} of {d.n_dmus} units; {d.orientation}-oriented DEA, {d.rts.upper()}.",
                 f"Bootstrap: {d.replications_used} of {d.replications} replications"
                 + (f", {d.bias_replications} for the bias" if d.bias_replications else "")
                 + f"; {d.method} intervals. A positive coefficient lowers efficiency."]
        return SummaryTable(table, "Truncated regression of DEA distances", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The bootstrap distribution of each environmental coefficient (histograms, one panel each)."""
        from ..plotting import pyplot, style

        plt = pyplot()
        style(kwargs, "hist")
        shown = [c for c in self._draws.columns if c not in ("const", "sigma")]
        if ax is None:
            _, axes = plt.subplots(1, len(shown), figsize=(3.2 * len(shown), 3), squeeze=False)
            axes = axes[0]
        else:
            axes = np.atleast_1d(ax)
        for name, axis in zip(shown, axes):
            axis.hist(self._draws[name], bins=30, **kwargs)
            axis.axvline(self._params[name], color="black")
            axis.set_xlabel(name)
        return axes[0] if len(axes) == 1 else axes
