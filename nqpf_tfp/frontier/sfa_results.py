"""Results of :class:`~nqpf_tfp.frontier.SFA` (read-only): the estimates, technical efficiency and the
diagnostics of the search (see :mod:`nqpf_tfp.frontier.sfa`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from ..keywords import strict_class
from ..results import Diagnostics, ParameterEstimates, TFPResults
from ..tables import SummaryTable

__all__ = ["FitContext", "SFADiagnostics", "SFAResults", "rescaled"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class SFADiagnostics(Diagnostics):
    """Facts about a stochastic frontier fit."""

    distribution: str
    nobs: int
    #: log-likelihood of the frontier and of OLS (no inefficiency), and the LR statistic of gamma = 0
    loglik: float
    ols_loglik: float
    lr_statistic: float
    converged: bool
    iterations: int
    #: the ``model=`` of :class:`~nqpf_tfp.frontier.SFA` ("cross-section", "bc95", "pitt-lee", "bc92", ...);
    #: firms in a panel model
    model: str = "cross-section"
    n_entities: int | None = None
    #: restrictions of the LR test (gamma and the parameters of u that vanish with it)
    lr_restrictions: int = 1
    #: where the maximum lies on the boundary of the parameters ("" inside): "gamma = 0 (wrong skewness)"
    #: or "gamma -> 1 (sigma_v^2 -> 0)" (exponential: "sigma_v -> 0")
    boundary: str = ""
    #: skewness of the OLS residuals on the production side (a production frontier's are skewed to the left:
    #: negative; for a cost frontier, of minus the residuals)
    ols_skewness: float = float("nan")
    #: "production" (y = x'beta + v - u) or "cost" (y = x'beta + v + u)
    frontier: str = "production"


class SFAResults(ParameterEstimates, TFPResults):
    """A fitted stochastic frontier; ``tfp`` is technical efficiency (a level in (0, 1])."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "efficiency"

    def __init__(self, params: pd.Series, cov: pd.DataFrame, efficiency: pd.Series, residuals: pd.Series,
                 diagnostics: SFADiagnostics, efficiency_kind: str,
                 decomposition: pd.DataFrame | None = None, inefficiency: pd.Series | None = None,
                 marginal_effects: pd.DataFrame | None = None, components: pd.DataFrame | None = None) -> None:
        self._params, self._cov, self._eff, self._resid = params, cov, efficiency, residuals
        self._components = components
        self._u = inefficiency
        self._marginal = marginal_effects
        self._diagnostics, self.efficiency_kind = diagnostics, efficiency_kind
        self._decomposition = decomposition

    def decomposition(self) -> pd.DataFrame:
        """Kumbhakar-Lovell decomposition of TFP growth per firm-year with a previous period.

        Columns ``tfp_growth = technical_change + efficiency_change + scale_change + noise`` (log
        points) and ``returns_to_scale``; see :mod:`nqpf_tfp.frontier.kumbhakar_lovell`. Technical
        change is zero without ``trend=True``. Needs ``entity=`` and ``time=``.

        Returns
        -------
        pandas.DataFrame
            One row per firm-year with a previous period, labelled by (entity, time).
        """
        if self._diagnostics.frontier == "cost":
            raise SpecificationError("the Kumbhakar-Lovell decomposition splits the growth of a production "
                                     "frontier's TFP; this is a cost frontier.")
        if self._decomposition is None:
            raise SpecificationError("the decomposition of TFP growth needs a panel: pass entity= and time= "
                                     "(and trend=True for technical change).")
        return self._decomposition.copy()

    @property
    def loglik(self) -> float:
        return self._diagnostics.loglik

    @property
    def method(self) -> str:
        """``"SFA"`` with the model and the inefficiency distribution, e.g. ``"SFA (bc92, truncated-normal)"``."""
        d = self._diagnostics
        return f"SFA ({d.model}, {d.distribution})"

    @property
    def nobs(self) -> int:
        """Observations in the likelihood."""
        return int(self._diagnostics.nobs)

    #: the covariance of ``params``: the inverse of the negative Hessian of the log-likelihood
    cov_type = "inverse Hessian"

    @property
    def efficiency(self) -> pd.Series:
        """Technical efficiency per observation (Battese-Coelli 1988 unless ``efficiency="jlms"``)."""
        return self._eff.copy()

    @property
    def inefficiency(self) -> pd.Series:
        """Jondrow et al.'s (1982) ``E[u | e]`` per observation, in the output's units (log points for a log
        output); 0 where the fit has no inefficiency (wrong skewness)."""
        if self._u is None:
            raise AttributeError("this fit carries no conditional inefficiency.")
        return self._u.copy()

    @property
    def marginal_effects(self) -> pd.DataFrame:
        """``dE[u_it] / dz`` per observation and inefficiency variable (log points of output per unit of ``z``;
        positive raises inefficiency): Wang-Ho's scaling variables, or the determinants of ``mu_i`` in a
        panel model with a time profile, ``h_it delta (1 - L(a)(a + L(a)))``, ``a = mu_i / sigma_u``,
        ``L = phi / Phi``."""
        if self._marginal is None:
            raise AttributeError("marginal effects of inefficiency variables come with model='wang-ho', or with "
                                 "inefficiency= in a panel model with a time profile.")
        return self._marginal.copy()

    @property
    def efficiency_components(self) -> pd.DataFrame:
        """Four-component model: ``persistent``, ``transient`` and ``overall`` efficiency per observation
        (``efficiency`` is the overall one)."""
        if self._components is None:
            raise AttributeError("persistent and transient efficiency come with model='filippini-greene', "
                                 "'closed-skew-normal' or 'kumbhakar-lien-hardaker'.")
        return self._components.copy()

    @property
    def tfp(self) -> pd.Series:
        return self.efficiency

    @property
    def diagnostics(self) -> SFADiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"efficiency": self._eff, "residual": self._resid})

    def summary(self) -> SummaryTable:
        se = self.std_errors
        frame = pd.DataFrame({"coef": self._params, "std err": se, "t": self._params / se})
        d = self._diagnostics
        head = (f"{d.model} model" + (" (cost frontier: inefficiency raises cost)" if d.frontier == "cost" else "")
                + f", {d.distribution} inefficiency; {d.nobs} observations"
                + (f" of {d.n_entities} firms" if d.n_entities else ""))
        if d.model == "kumbhakar-lien-hardaker":
            notes = [head + "; three steps (random-effects GLS, then half-normal frontiers on its residuals and "
                     "predicted firm effects), no joint likelihood. Standard errors are each step's, conditional on "
                     "the earlier steps; the constant combines all three and has none.",
                     f"Mean technical efficiency ({self.efficiency_kind}, persistent x transient): "
                     f"{self._eff.mean():.6f}."]
        elif np.isnan(d.loglik):  # Schmidt-Sickles: least squares, no likelihood
            notes = [head + "; least squares, no likelihood. The constant is the best firm's intercept (no "
                     "standard error); efficiency is measured against that firm.",
                     f"Mean technical efficiency: {self._eff.mean():.6f}."]
        else:
            critical = {1: 2.706, 2: 5.138, 3: 7.045, 4: 8.761, 5: 10.371}.get(d.lr_restrictions)
            notes = [head + f"; log-likelihood {d.loglik:.6f}.",
                     f"LR test of no inefficiency ({d.lr_restrictions} restriction(s)): {d.lr_statistic:.4f} (mixed "
                     "chi-squared" + (f"; 5% critical value {critical}, Kodde and Palm 1986" if critical else "")
                     + ").",
                     f"Mean technical efficiency ({self.efficiency_kind}): {self._eff.mean():.6f}."]
        if d.boundary:
            notes.append(f"The maximum is on the boundary: {d.boundary}; standard errors there are NaN.")
        if not d.converged:
            notes.append("The search did NOT converge: the gradient does not vanish or the information matrix is "
                         "not positive definite at the estimate.")
        return SummaryTable(frame, "Stochastic frontier", notes, ".6f")

    def plot(self, ax: Any = None, bins: int = 20, **kwargs: Any) -> Any:
        """Histogram of technical efficiency.

        Parameters
        ----------
        bins : int
            Number of histogram bins.
        """
        from ..plotting import plot_histogram

        return plot_histogram(self._eff, ax=ax, bins=bins, xlabel="technical efficiency", ylabel="observations",
                              **kwargs)


def rescaled(results: SFAResults, scales: pd.Series) -> SFAResults:
    """``results`` with the coefficients named in ``scales`` divided by it, and their covariance by the outer
    product: a fit on regressors ``x_j / s_j`` reported in the units of ``x_j`` (coefficients not named are
    unchanged; efficiency, residuals and diagnostics are the same)."""
    factors = pd.Series(1.0, index=results._params.index)
    factors[scales.index] = scales.to_numpy()
    f = factors.to_numpy()
    cov = pd.DataFrame(results._cov.to_numpy() / np.outer(f, f), index=results._cov.index,
                       columns=results._cov.columns)
    return SFAResults(results._params / f, cov, results._eff, results._resid, results._diagnostics,
                      results.efficiency_kind, results._decomposition, results._u, results._marginal,
                      results._components)


@dataclass(frozen=True)
class FitContext:
    """What a model's fitting routine needs from :class:`~nqpf_tfp.frontier.SFA`, and how it labels results."""

    index: pd.Index
    terms: list[str]
    z_names: list[str]
    model: str
    distribution: str
    efficiency_kind: str
    #: -1 for a cost frontier (estimated on (-y, -x)), else 1
    sign: float
    frontier: str
    #: the wrong skewness in words, from the production side's skewness
    skew: Callable[[float], str]
    #: the Kumbhakar-Lovell decomposition from (slope coefficients, log efficiency), if it applies
    decompose_growth: Callable[[np.ndarray, np.ndarray], pd.DataFrame] | None

    def results(self, params: np.ndarray, names: list[str], cov: np.ndarray, efficiency: np.ndarray,
                residual: np.ndarray, diagnostics: SFADiagnostics, inefficiency: np.ndarray,
                marginal_effects: pd.DataFrame | None = None, slopes: np.ndarray | None = None,
                components: pd.DataFrame | None = None) -> SFAResults:
        """The results object; ``residual`` is on the production side (the caller's sign is restored); with the
        frontier's ``slopes`` (its coefficients but the constant), the Kumbhakar-Lovell decomposition."""
        decomposition = None
        if self.decompose_growth is not None and slopes is not None:
            decomposition = self.decompose_growth(slopes, np.log(efficiency))
        return SFAResults(pd.Series(params, index=names, name="coef"), pd.DataFrame(cov, index=names, columns=names),
                          pd.Series(efficiency, index=self.index, name="efficiency"),
                          pd.Series(self.sign * residual, index=self.index, name="residual"), diagnostics,
                          self.efficiency_kind, decomposition,
                          pd.Series(inefficiency, index=self.index, name="inefficiency"), marginal_effects,
                          components)
