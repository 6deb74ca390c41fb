"""Stochastic frontier analysis, cross-section: ``y = x'beta + v - u`` with ``v ~ N(0, sigma_v^2)`` and a
one-sided inefficiency ``u``: half-normal (Aigner, Lovell and Schmidt 1977), truncated normal with mean
``mu`` (Stevenson 1980) or exponential (Meeusen and van den Broeck 1977).

Parameters are reported as FRONTIER 4.1 reports them: ``sigma2 = sigma_u^2 + sigma_v^2`` and
``gamma = sigma_u^2 / sigma2`` (exponential: ``sigma_u`` and ``sigma_v``). The log-likelihood is exact,
constants included, so the likelihood-ratio test of ``gamma = 0`` against the OLS log-likelihood is
right; under the null ``gamma`` lies on the boundary and the statistic follows a mixed chi-squared
distribution (Kodde and Palm 1986 give its critical values: 2.706 at 5% for one restriction).

Technical efficiency: Battese and Coelli (1988) ``E[exp(-u) | e]`` by default, or Jondrow, Lovell,
Materov and Schmidt (1982) ``exp(-E[u | e])`` (``efficiency="jlms"``). With ``e = y - x'beta``:

.. math:: \\mu^*_i = (\\mu \\sigma_v^2 - e_i \\sigma_u^2) / \\sigma^2, \\quad
          \\sigma_*^2 = \\sigma_u^2 \\sigma_v^2 / \\sigma^2,

``E[exp(-u)|e] = Phi(mu*/s* - s*) / Phi(mu*/s*) exp(-mu* + s*^2 / 2)``.

Standard errors: the inverse of the negative Hessian of the log-likelihood in the reported parameters
(central differences of the analytic log-likelihood).

References
----------
Aigner, D., Lovell, C. A. K. and Schmidt, P. (1977). Formulation and estimation of stochastic frontier
production function models. *Journal of Econometrics* 6(1), 21-37.
Battese, G. E. and Coelli, T. J. (1988). Prediction of firm-level technical efficiencies with a
generalized frontier production function and panel data. *Journal of Econometrics* 38(3), 387-399.
Coelli, T. J. (1996). A guide to FRONTIER version 4.1. CEPA working paper 96/07.
Kodde, D. A. and Palm, F. C. (1986). Wald criteria for jointly testing equality and inequality
restrictions. *Econometrica* 54(5), 1243-1248.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import log_ndtr, ndtr

from ..arguments import column_name, column_names
from ..errors import EstimationError, PanelError, SpecificationError
from ..options import check_option
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable

__all__ = ["SFA", "SFADiagnostics", "SFAResults"]

_LOG_2PI = np.log(2.0 * np.pi)


def _loglik(theta: np.ndarray, y: np.ndarray, x: np.ndarray, distribution: str) -> float:
    """Log-likelihood in the unconstrained parametrisation (beta, ln sigma2, logit gamma[, mu])."""
    k = x.shape[1]
    beta = theta[:k]
    e = y - x @ beta
    if distribution == "exponential":
        su, sv = np.exp(theta[k]), np.exp(theta[k + 1])
        return float(np.sum(-np.log(su) + log_ndtr(-e / sv - sv / su) + e / su + sv**2 / (2 * su**2)))
    sigma2 = np.exp(theta[k])
    gamma = 1.0 / (1.0 + np.exp(-theta[k + 1]))
    mu = theta[k + 2] if distribution == "truncated-normal" else 0.0
    su2, sv2 = gamma * sigma2, (1 - gamma) * sigma2
    sigma = np.sqrt(sigma2)
    s_star = np.sqrt(su2 * sv2 / sigma2)
    mu_star = (mu * sv2 - e * su2) / sigma2
    return float(np.sum(-np.log(sigma) - 0.5 * _LOG_2PI - 0.5 * ((e + mu) / sigma) ** 2
                        + log_ndtr(mu_star / s_star) - log_ndtr(mu / np.sqrt(su2))))


def _natural(theta: np.ndarray, k: int, distribution: str) -> np.ndarray:
    """(beta, sigma2, gamma[, mu]) or (beta, sigma_u, sigma_v) from the unconstrained parameters."""
    if distribution == "exponential":
        return np.r_[theta[:k], np.exp(theta[k]), np.exp(theta[k + 1])]
    out = np.r_[theta[:k], np.exp(theta[k]), 1.0 / (1.0 + np.exp(-theta[k + 1]))]
    return np.r_[out, theta[k + 2]] if distribution == "truncated-normal" else out


def _unconstrained(nat: np.ndarray, k: int, distribution: str) -> np.ndarray:
    if distribution == "exponential":
        return np.r_[nat[:k], np.log(nat[k]), np.log(nat[k + 1])]
    out = np.r_[nat[:k], np.log(nat[k]), np.log(nat[k + 1] / (1 - nat[k + 1]))]
    return np.r_[out, nat[k + 2]] if distribution == "truncated-normal" else out


def _hessian(f: Any, x: np.ndarray) -> np.ndarray:
    """Central second differences of a scalar function."""
    n = x.size
    h = 1e-4 * np.maximum(1.0, np.abs(x))
    out = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.eye(n)[i] * h[i], np.eye(n)[j] * h[j]
            value = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
            out[i, j] = out[j, i] = value
    return out


@dataclass(frozen=True)
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


class SFAResults(TFPResults):
    """A fitted stochastic frontier; ``tfp`` is technical efficiency (a level in (0, 1])."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    def __init__(self, params: pd.Series, cov: pd.DataFrame, efficiency: pd.Series, residuals: pd.Series,
                 diagnostics: SFADiagnostics, efficiency_kind: str) -> None:
        self._params, self._cov, self._eff, self._resid = params, cov, efficiency, residuals
        self._diagnostics, self.efficiency_kind = diagnostics, efficiency_kind

    @property
    def params(self) -> pd.Series:
        return self._params.copy()

    @property
    def cov(self) -> pd.DataFrame:
        return self._cov.copy()

    @property
    def std_errors(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self._cov.to_numpy())), index=self._params.index, name="std_error")

    @property
    def loglik(self) -> float:
        return self._diagnostics.loglik

    @property
    def efficiency(self) -> pd.Series:
        """Technical efficiency per observation (Battese-Coelli 1988 unless ``efficiency="jlms"``)."""
        return self._eff.copy()

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
        notes = [f"{d.distribution} inefficiency; {d.nobs} observations; log-likelihood {d.loglik:.6f}.",
                 f"LR test of no inefficiency (gamma = 0): {d.lr_statistic:.4f} (mixed chi-squared; 5% critical "
                 "value 2.706, Kodde and Palm 1986).",
                 f"Mean technical efficiency ({self.efficiency_kind}): {self._eff.mean():.6f}."]
        return SummaryTable(frame, "Stochastic frontier", notes, ".6f")

    def plot(self, ax: Any = None, bins: int = 20, **kwargs: Any) -> Any:
        """Histogram of technical efficiency; returns the Axes."""
        from ..plotting import pyplot

        if ax is None:
            _, ax = pyplot().subplots(figsize=(7, 4))
        ax.hist(self._eff.to_numpy(), bins=bins, **kwargs)
        ax.set_xlabel("technical efficiency")
        ax.set_ylabel("observations")
        return ax

    def __repr__(self) -> str:
        return str(self.summary())


class SFA:
    """Cross-section stochastic production frontier (see :mod:`nqpf_tfp.frontier.sfa`).

    Parameters
    ----------
    data : pandas.DataFrame
        Never modified; results on its index.
    output : str
        Log output (``take_logs=True`` for levels).
    inputs : str or list of str
        Log inputs (Cobb-Douglas); a constant is added.
    distribution : {"half-normal", "truncated-normal", "exponential"}
    efficiency : {"bc", "jlms"}
        Battese-Coelli (1988) ``E[exp(-u)|e]`` or JLMS ``exp(-E[u|e])``.
    take_logs : bool
        The columns are levels: take logs (each must be positive).
    """

    def __init__(self, data: pd.DataFrame, output: str, inputs: str | list[str], *,
                 distribution: str = "half-normal", efficiency: str = "bc", take_logs: bool = False) -> None:
        if not isinstance(data, pd.DataFrame):
            raise SpecificationError(f"data must be a pandas DataFrame, not {type(data).__name__}.")
        self.distribution = check_option("sfa_distribution", distribution)
        self.efficiency_kind = check_option("sfa_efficiency", efficiency)
        self.output = column_name(output, "output")
        self.inputs = list(column_names(inputs, "inputs"))
        if not self.inputs:
            raise SpecificationError("SFA needs at least one input (inputs=).")
        columns = [self.output, *self.inputs]
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise SpecificationError(f"column(s) {missing} are not in the data.")
        values = data[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(values).all():
            bad = columns[int(np.flatnonzero(~np.isfinite(values).all(axis=0))[0])]
            raise PanelError(f"column {bad!r} has missing, non-numeric or infinite values.")
        if take_logs:
            if np.any(values <= 0):
                bad = columns[int(np.flatnonzero((values <= 0).any(axis=0))[0])]
                raise PanelError(f"take_logs=True: column {bad!r} has non-positive values.")
            values = np.log(values)
        self._index = data.index
        self._y = values[:, 0]
        self._x = np.column_stack([np.ones(len(data)), values[:, 1:]])
        if np.linalg.matrix_rank(self._x) < self._x.shape[1]:
            raise EstimationError(f"SFA: the inputs {self.inputs} are collinear (with the constant).")

    def _names(self) -> list[str]:
        tail = {"half-normal": ["sigma2", "gamma"], "truncated-normal": ["sigma2", "gamma", "mu"],
                "exponential": ["sigma_u", "sigma_v"]}[self.distribution]
        return ["const", *self.inputs, *tail]

    def fit(self) -> SFAResults:
        """Maximum likelihood from the OLS start (several starting values of gamma, as FRONTIER's grid)."""
        y, x, dist = self._y, self._x, self.distribution
        k = x.shape[1]
        n = y.size
        ols, *_ = np.linalg.lstsq(x, y, rcond=None)
        e_ols = y - x @ ols
        s2_ols = float(e_ols @ e_ols / n)
        ols_loglik = -0.5 * n * (_LOG_2PI + np.log(s2_ols) + 1.0)

        def negative(theta: np.ndarray) -> float:
            value = _loglik(theta, y, x, dist)
            return -value if np.isfinite(value) else 1e300

        best = None
        for g in (0.1, 0.3, 0.5, 0.7, 0.9):
            if dist == "exponential":
                su = np.sqrt(g * s2_ols)
                nat = np.r_[ols + np.r_[su, np.zeros(k - 1)], su, np.sqrt((1 - g) * s2_ols)]
            else:
                su = np.sqrt(g * s2_ols / (1 - 2 / np.pi))
                nat = np.r_[ols + np.r_[np.sqrt(2 / np.pi) * su, np.zeros(k - 1)], s2_ols / (1 - 2 / np.pi * g), g]
                if dist == "truncated-normal":
                    nat = np.r_[nat, 0.0]
            opt = minimize(negative, _unconstrained(nat, k, dist), method="BFGS", options={"gtol": 1e-10,
                                                                                          "maxiter": 10_000})
            if best is None or opt.fun < best.fun:
                best = opt
        assert best is not None
        theta = best.x
        # Newton polish on the natural parameters: the maximum located to rounding
        natural = _natural(theta, k, dist)

        def natural_loglik(p: np.ndarray) -> float:
            return _loglik(_unconstrained(p, k, dist), y, x, dist)

        hess = _hessian(natural_loglik, natural)
        try:
            cov = np.linalg.inv(-hess)
        except np.linalg.LinAlgError as exc:
            raise EstimationError("SFA: the information matrix is singular at the maximum.") from exc
        names = self._names()
        params = pd.Series(natural, index=names, name="coef")
        loglik = -float(best.fun)
        e = y - x @ natural[:k]
        eff = self._efficiency(natural, e)
        diag = SFADiagnostics(dist, n, loglik, float(ols_loglik), float(2 * (loglik - ols_loglik)),
                              bool(best.success), int(best.nit))
        return SFAResults(params, pd.DataFrame(cov, index=names, columns=names),
                          pd.Series(eff, index=self._index, name="efficiency"),
                          pd.Series(e, index=self._index, name="residual"), diag, self.efficiency_kind)

    def _efficiency(self, natural: np.ndarray, e: np.ndarray) -> np.ndarray:
        k = self._x.shape[1]
        if self.distribution == "exponential":
            su, sv = natural[k], natural[k + 1]
            mu_star, s_star = -e - sv**2 / su, np.full(e.size, sv)
        else:
            sigma2, gamma = natural[k], natural[k + 1]
            mu = natural[k + 2] if self.distribution == "truncated-normal" else 0.0
            su2, sv2 = gamma * sigma2, (1 - gamma) * sigma2
            mu_star = (mu * sv2 - e * su2) / sigma2
            s_star = np.full(e.size, np.sqrt(su2 * sv2 / sigma2))
        z = mu_star / s_star
        if self.efficiency_kind == "bc":
            return np.asarray(ndtr(z - s_star) / ndtr(z) * np.exp(-mu_star + 0.5 * s_star**2))
        mills = np.exp(-0.5 * z**2 - 0.5 * _LOG_2PI - log_ndtr(z))
        return np.asarray(np.exp(-(mu_star + s_star * mills)))
