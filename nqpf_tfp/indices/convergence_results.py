"""Results of :func:`~nqpf_tfp.indices.sigma_convergence` and :func:`~nqpf_tfp.indices.beta_convergence`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..keywords import strict_class
from ..results import Diagnostics, ParameterEstimates, Results
from ..tables import SummaryTable

__all__ = ["BetaConvergence", "ConvergenceDiagnostics", "SigmaConvergence"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class ConvergenceDiagnostics(Diagnostics):
    """The sample of a convergence analysis."""

    #: "sigma" or "beta"
    kind: str
    nobs: int
    n_entities: int
    n_periods: int
    #: beta: "none" (pooled OLS), "entity" or "twoways" fixed effects
    effects: str | None = None
    #: beta: R-squared (within R-squared with fixed effects)
    r_squared: float | None = None
    #: sigma: groups (None without group=)
    n_groups: int | None = None


class SigmaConvergence(Results):
    """Dispersion of the value across units by (group and) period: ``sd``, ``cv`` (coefficient of variation),
    ``sd_log`` and ``units``. Falling dispersion is sigma-convergence."""

    def __init__(self, table: pd.DataFrame, diagnostics: ConvergenceDiagnostics) -> None:
        self._table, self._diagnostics = table.copy(), diagnostics

    @property
    def diagnostics(self) -> ConvergenceDiagnostics:
        """Observations, units, periods, groups."""
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        """The dispersion table by (group and) period."""
        return self._table.copy()

    def summary(self) -> SummaryTable:
        """The table, and the change of ``sd_log`` from the first to the last period."""
        table = self._table
        notes = ["sd_log: the standard deviation of the log value across units; falling is sigma-convergence."]
        if self._diagnostics.n_groups is None:
            first, last = table["sd_log"].iloc[0], table["sd_log"].iloc[-1]
            notes.append(f"sd_log from {first:.4f} ({table.index[0]}) to {last:.4f} ({table.index[-1]}): "
                         + ("falling (sigma-convergence)." if last < first else "not falling (no sigma-convergence)."))
        return SummaryTable(table, "Sigma convergence", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The coefficient of variation and the sd of logs over time (one pair of lines per group)."""
        from ..plotting import pyplot, style

        style(kwargs, "line")
        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        table = self._table
        groups = [(None, table)] if table.index.nlevels == 1 else list(table.groupby(level=0))
        for key, part in groups:
            x = np.asarray(part.index.get_level_values(-1))
            for column in ("cv", "sd_log"):
                label = column if key is None else f"{column} ({key})"
                ax.plot(x, part[column].to_numpy(), label=label, **kwargs)
        ax.set_ylabel("dispersion")
        ax.legend()
        return ax


class BetaConvergence(ParameterEstimates, Results):
    """A beta-convergence regression (see :mod:`nqpf_tfp.indices.convergence`).

    ``params`` holds ``beta`` (the coefficient of the initial log level), the controls and, pooled, the
    constant; unit-clustered standard errors. ``beta < 0`` is convergence; ``speed = -ln(1 + beta)`` per
    period and ``half_life = ln 2 / speed`` exist only for ``-1 < beta < 0`` (see :meth:`summary`).
    """

    def __init__(self, params: pd.Series, cov: pd.DataFrame, sample: pd.DataFrame,
                 diagnostics: ConvergenceDiagnostics) -> None:
        self._params, self._cov = params.copy(), cov.copy()
        self._sample, self._diagnostics = sample.copy(), diagnostics

    @property
    def diagnostics(self) -> ConvergenceDiagnostics:
        """Observations, units, periods, effects, R-squared."""
        return self._diagnostics

    @property
    def nobs(self) -> int:
        """Unit-periods with a following period (growth observed)."""
        return self._diagnostics.nobs

    @property
    def beta(self) -> float:
        """The convergence coefficient."""
        return float(self._params["beta"])

    @property
    def speed(self) -> float:
        """``-ln(1 + beta)`` per period; NaN when ``beta <= -1`` (the gap overshoots; no speed is defined)."""
        return -math.log1p(self.beta) if self.beta > -1 else float("nan")

    @property
    def half_life(self) -> float:
        """``ln 2 / speed`` periods; ``inf`` without convergence (``beta >= 0``), NaN when ``beta <= -1``."""
        speed = self.speed
        if math.isnan(speed):
            return float("nan")
        return math.log(2.0) / speed if speed > 0 else float("inf")

    def to_frame(self) -> pd.DataFrame:
        """Per (entity, time) in the regression: ``log_level``, ``growth`` (to the next period), ``fitted`` and
        ``residual`` (after the fixed effects, if any)."""
        return self._sample.copy()

    def summary(self) -> SummaryTable:
        """Coefficients with unit-clustered standard errors, and what beta says about convergence."""
        ci = self.conf_int()
        frame = pd.DataFrame({"coef": self._params, "std err": self.std_errors, "z": self.tstats,
                              "P>|z|": self.pvalues, "[0.025": ci["lower"], "0.975]": ci["upper"]})
        d = self._diagnostics
        effects = {"none": "pooled OLS (absolute convergence)", "entity": "unit fixed effects (conditional)",
                   "twoways": "unit and period fixed effects (conditional)"}[d.effects or "none"]
        notes = [f"{effects}; {d.nobs} unit-periods of {d.n_entities} units; R-squared {d.r_squared:.4f}"
                 f"{' (within)' if d.effects != 'none' else ''}; standard errors clustered by unit."]
        beta = self.beta
        if beta <= -1:
            notes.append(f"beta = {beta:.4f} <= -1: the gap to the mean overshoots each period, so neither a speed "
                         "-ln(1 + beta) nor a half-life is defined.")
        elif beta >= 0:
            notes.append(f"beta = {beta:.4f} >= 0: no beta-convergence (speed {self.speed:.4f}); the half-life is "
                         "infinite.")
        else:
            notes.append(f"beta-convergence: speed -ln(1 + beta) = {self.speed:.4f} per period; half-life "
                         f"{self.half_life:.2f} periods.")
        p = float(self.pvalues["beta"])
        if p >= 0.05:
            notes.append(f"beta is not significantly different from 0 at 5% (p = {p:.3f}): the data do not tell "
                         "convergence from divergence.")
        return SummaryTable(frame, "Beta convergence", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Growth against the initial log level, with the fitted slope beta (scatter style ``kwargs``)."""
        from ..plotting import pyplot, style

        style(kwargs, "scatter")
        if ax is None:
            _, ax = pyplot().subplots(figsize=(6, 4.5))
        x, y = self._sample["log_level"].to_numpy(), self._sample["growth"].to_numpy()
        ax.scatter(x, y, alpha=kwargs.pop("alpha", 0.5), **kwargs)
        grid = np.linspace(x.min(), x.max(), 2)
        ax.plot(grid, y.mean() + self.beta * (grid - x.mean()), color="black", label=f"beta = {self.beta:.3f}")
        ax.set_xlabel("log level at t")
        ax.set_ylabel("growth to t + 1")
        ax.legend()
        return ax
