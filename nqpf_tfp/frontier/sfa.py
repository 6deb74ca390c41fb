"""Stochastic frontier analysis: ``y = x'beta + v - u``, cross-section and panel (BC92, BC95).

The models and their exact log-likelihoods are in :mod:`nqpf_tfp.frontier.sfa_likelihood`:
the cross-section model with half-normal (Aigner, Lovell and Schmidt 1977), truncated-normal (Stevenson
1980) or exponential (Meeusen and van den Broeck 1977) inefficiency; Battese and Coelli's (1992)
time-varying panel model ``u_it = exp(-eta (t - T)) u_i``; Battese and Coelli's (1995) inefficiency
effects ``u_it ~ N+(z_it'delta, sigma_u^2)``. The frontier is Cobb-Douglas or translog in the log inputs.

Parameters are reported as FRONTIER 4.1 reports them: ``sigma2 = sigma_u^2 + sigma_v^2`` and
``gamma = sigma_u^2 / sigma2`` (exponential: ``sigma_u`` and ``sigma_v``). The log-likelihood is exact,
constants included, so the likelihood-ratio test of no inefficiency (``gamma = 0`` and the parameters of
``u`` that vanish with it: ``mu``, ``eta`` or ``delta``) against OLS is right; under the null ``gamma``
lies on the boundary and the statistic follows a mixed chi-squared distribution (Kodde and Palm 1986
give its critical values: 2.706 at 5% for one restriction, 5.138 for two, 7.045 for three).

Technical efficiency: Battese and Coelli (1988) ``E[exp(-u) | e]`` by default (for BC92 with the whole
firm's residuals, period by period), or Jondrow, Lovell, Materov and Schmidt (1982) ``exp(-E[u | e])``
(``efficiency="jlms"``).

Estimation: FRONTIER 4.1's route, a grid search over ``gamma`` from the OLS estimates (corrected
constant and ``sigma2``) and a quasi-Newton ascent from the best grid point (here BFGS in unconstrained
parameters, to a gradient of 1e-10). Maxima on the boundary (OLS residuals with the wrong skewness:
``gamma = 0``; no noise: ``gamma -> 1``) are reached and reported with a
:class:`~nqpf_tfp.errors.FrontierBoundaryWarning` (:mod:`nqpf_tfp.frontier.sfa_search`). Standard errors:
the inverse of the negative Hessian of the log-likelihood in the reported parameters (central
differences, kept inside the parameters' ranges). Models the data cannot identify are refused: fewer
observations than parameters, a constant output, the output among the regressors, collinear regressors,
BC92 without a firm observed in two periods.

References
----------
Aigner, D., Lovell, C. A. K. and Schmidt, P. (1977). Formulation and estimation of stochastic frontier
production function models. *Journal of Econometrics* 6(1), 21-37.
Battese, G. E. and Coelli, T. J. (1988, 1992, 1995): see :mod:`nqpf_tfp.frontier.sfa_likelihood`.
Coelli, T. J. (1996). A guide to FRONTIER version 4.1. CEPA working paper 96/07.
Kodde, D. A. and Palm, F. C. (1986). Wald criteria for jointly testing equality and inequality
restrictions. *Econometrica* 54(5), 1243-1248.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from scipy.special import expit

from ..arguments import column_name, column_names, require_columns, require_frame
from ..errors import ConvergenceWarning, EstimationError, FrontierBoundaryWarning, PanelError, SpecificationError, warn
from ..keywords import strict_class
from ..numerics.basis import production_term_names, production_terms, translog_elasticities
from ..options import check_option
from ..panel import observation_index, period_numbers, unique_keys
from ..results import Diagnostics, ParameterEstimates, TFPResults
from ..tables import SummaryTable
from .kumbhakar_lovell import decompose
from .sfa_likelihood import (
    LOG_2PI,
    FrontierData,
    efficiency,
    inefficiency,
    loglik,
    natural,
    parameter_tail,
    unconstrained,
)
from .sfa_search import SMALL_SAMPLE, covariance, maximise, ols_limit, parameters_of_u

__all__ = ["SFA", "SFADiagnostics", "SFAResults"]

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
    #: "cross-section", "bc92" or "bc95"; firms in a panel model
    model: str = "cross-section"
    n_entities: int | None = None
    #: restrictions of the LR test (gamma and the parameters of u that vanish with it)
    lr_restrictions: int = 1
    #: where the maximum lies on the boundary of the parameters ("" inside): "gamma = 0 (wrong skewness)"
    #: or "gamma -> 1 (sigma_v^2 -> 0)" (exponential: "sigma_v -> 0")
    boundary: str = ""
    #: skewness of the OLS residuals (a production frontier's are skewed to the left: negative)
    ols_skewness: float = float("nan")


class SFAResults(ParameterEstimates, TFPResults):
    """A fitted stochastic frontier; ``tfp`` is technical efficiency (a level in (0, 1])."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "efficiency"

    def __init__(self, params: pd.Series, cov: pd.DataFrame, efficiency: pd.Series, residuals: pd.Series,
                 diagnostics: SFADiagnostics, efficiency_kind: str,
                 decomposition: pd.DataFrame | None = None, inefficiency: pd.Series | None = None) -> None:
        self._params, self._cov, self._eff, self._resid = params, cov, efficiency, residuals
        self._u = inefficiency
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
        critical = {1: 2.706, 2: 5.138, 3: 7.045, 4: 8.761, 5: 10.371}.get(d.lr_restrictions)
        notes = [f"{d.model} model, {d.distribution} inefficiency; {d.nobs} observations"
                 + (f" of {d.n_entities} firms" if d.n_entities else "") + f"; log-likelihood {d.loglik:.6f}.",
                 f"LR test of no inefficiency ({d.lr_restrictions} restriction(s)): {d.lr_statistic:.4f} (mixed "
                 "chi-squared" + (f"; 5% critical value {critical}, Kodde and Palm 1986" if critical else "") + ").",
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



@strict_class
class SFA:
    """Stochastic production frontier (see :mod:`nqpf_tfp.frontier.sfa`), cross-section or panel.

    Parameters
    ----------
    data : pandas.DataFrame
        Never modified; results on its index.
    output : str
        Log output (``take_logs=True`` for levels).
    inputs : str or list of str
        Log inputs; a constant is added.
    entity, time : str, optional
        Firm and period columns: needed by ``model="bc92"`` (periods are integers, e.g. years).
    model : {"cross-section", "bc92", "bc95"}
        Independent rows; Battese-Coelli (1992) time-varying inefficiency ``exp(-eta (t - T)) u_i``;
        Battese-Coelli (1995) inefficiency effects ``u_it ~ N+(z_it'delta, sigma_u^2)``.
    distribution : {"half-normal", "truncated-normal", "exponential"}, optional
        Default half-normal; BC95 is truncated-normal by construction; BC92 takes the first two.
    efficiency : {"bc", "jlms"}
        Battese-Coelli ``E[exp(-u)|e]`` or JLMS ``exp(-E[u|e])``.
    inefficiency : str or list of str, optional
        BC95's determinants ``z`` of mean inefficiency (used as given, not logged).
    inefficiency_constant : bool
        BC95: a constant ``delta_0`` in ``z'delta`` (R frontier's ``mu = TRUE`` / formula intercept).
    form : {"cobb-douglas", "translog"}
        Translog: the log inputs, their squares and cross products
        (``ln y = b_0 + sum_i b_i x_i + sum_{i<=j} b_ij x_i x_j``).
    take_logs : bool
        The output and inputs are levels: take logs (each must be positive).
    trend : bool
        Add a time trend ``t`` (periods counted from 1; needs ``time=``) to the frontier: ``b_t t`` for
        Cobb-Douglas; for a translog also ``t^2`` and each input times ``t``, so technical change may be
        non-neutral. With ``entity=`` and ``time=``, ``results.decomposition()`` splits TFP growth
        (Kumbhakar and Lovell 2000; :mod:`nqpf_tfp.frontier.kumbhakar_lovell`).
    """

    def __init__(self, data: pd.DataFrame, output: str, inputs: str | list[str], *, entity: str | None = None,
                 time: str | None = None, model: str = "cross-section", distribution: str | None = None,
                 efficiency: str = "bc", inefficiency: str | list[str] | None = None,
                 inefficiency_constant: bool = True, form: str = "cobb-douglas", take_logs: bool = False,
                 trend: bool = False) -> None:
        require_frame(data, "data")
        self.model = check_option("sfa_model", model, "model")
        default = "truncated-normal" if self.model == "bc95" else "half-normal"
        self.distribution = check_option("sfa_distribution", default if distribution is None else distribution)
        if self.model == "bc95" and self.distribution != "truncated-normal":
            raise SpecificationError("model='bc95' has truncated-normal inefficiency with mean z'delta: omit "
                                     "distribution= or pass 'truncated-normal'.")
        if self.model == "bc92" and self.distribution == "exponential":
            raise SpecificationError("model='bc92' takes distribution='half-normal' or 'truncated-normal'.")
        self.efficiency_kind = check_option("sfa_efficiency", efficiency)
        self.form = check_option("form", form)
        self.output = column_name(output, "output")
        self.inputs = list(column_names(inputs, "inputs"))
        if not self.inputs:
            raise SpecificationError("SFA needs at least one input (inputs=).")
        z_names = [] if inefficiency is None else list(column_names(inefficiency, "inefficiency"))
        if self.output in [*self.inputs, *z_names]:
            raise SpecificationError(f"the output column {self.output!r} is also among the regressors (inputs= or "
                                     "inefficiency=): a frontier explains the output by other columns.")
        if z_names and self.model != "bc95":
            raise SpecificationError("inefficiency= (determinants of inefficiency) needs model='bc95'.")
        if self.model == "bc95" and not z_names and not inefficiency_constant:
            raise SpecificationError("model='bc95' needs inefficiency= columns or inefficiency_constant=True.")
        keys = [c for c in (entity, time) if c is not None]
        for key, what in ((entity, "entity"), (time, "time")):
            if key is not None:
                column_name(key, what)
        if self.model == "bc92" and (entity is None or time is None):
            raise SpecificationError("model='bc92' needs entity= and time= columns (firm and period).")
        if trend and time is None:
            raise SpecificationError("trend=True needs the time= column (periods).")
        columns = [self.output, *self.inputs]
        roles = {self.output: "output"} | dict.fromkeys(self.inputs, "input") | dict.fromkeys(z_names, "inefficiency")
        roles |= {k: w for k, w in zip(keys, ("entity", "time")) if k is not None}
        require_columns(data, [*columns, *z_names, *keys], roles)
        values = self._numeric(data, columns)
        if len(data) and np.ptp(values[:, 0]) == 0:
            raise PanelError(f"output column {self.output!r} is constant: there is no frontier to estimate.")
        if take_logs:
            if np.any(values <= 0):
                bad = columns[int(np.flatnonzero((values <= 0).any(axis=0))[0])]
                raise PanelError(f"take_logs=True: column {bad!r} has non-positive values.")
            values = np.log(values)
        self._index = observation_index(data, entity, time)  # results labelled by (entity, time)
        self._log_y, self._log_inputs = values[:, 0], values[:, 1:]
        self._periods: np.ndarray | None = None
        if time is not None:
            self._periods = pd.to_numeric(data[time], errors="coerce").to_numpy(dtype=float)
            if not np.isfinite(self._periods).all():
                raise PanelError(f"time column {time!r} has missing or non-numeric values.")
        self.trend = bool(trend)
        variables, names = self._log_inputs, list(self.inputs)
        if self.trend:
            assert self._periods is not None
            variables = np.column_stack([variables, self._periods - self._periods.min() + 1.0])
            names.append("t")
        self._variables = variables
        self.terms = production_term_names(names, self.form)
        x = np.column_stack([np.ones(len(data)), production_terms(variables, self.form)])
        if np.linalg.matrix_rank(x) < x.shape[1]:
            raise EstimationError(f"SFA: the terms {self.terms} are collinear (with the constant).")
        z = None
        self.z_names: list[str] = []
        if self.model == "bc95":
            z_values = self._numeric(data, z_names) if z_names else np.empty((len(data), 0))
            z = np.column_stack([np.ones(len(data))] * bool(inefficiency_constant) + [z_values])
            self.z_names = (["delta_const"] if inefficiency_constant else []) + [f"delta_{n}" for n in z_names]
            if np.linalg.matrix_rank(z) < z.shape[1]:
                raise EstimationError(f"SFA: the inefficiency determinants {self.z_names} are collinear.")
        firms = periods = None
        n_firms = 0
        if entity is not None and time is not None:
            firms, periods, n_firms = self._panel_keys(data, entity, time)
        self._firms = firms
        self._data = FrontierData(values[:, 0], x, self.model, self.distribution, z, firms, periods, n_firms)
        n_params = x.shape[1] + (0 if z is None else z.shape[1]) + len(parameter_tail(self._data))
        if len(data) <= n_params:
            raise PanelError(f"SFA: {len(data)} observation(s) for {n_params} parameters ({', '.join(self._names())})"
                             ": the likelihood needs more observations than parameters.")
        if self.model == "bc92":
            assert firms is not None and periods is not None
            if np.unique(periods).size < 2 or np.bincount(firms).max() < 2:
                lacking = (f"the data have one period of {time!r}" if np.unique(periods).size < 2
                           else "no firm is observed in two periods")
                raise PanelError(f"model='bc92' estimates eta from how a firm's inefficiency changes over time: "
                                 f"{lacking}; use model='cross-section'.")

    @staticmethod
    def _numeric(data: pd.DataFrame, columns: list[str]) -> np.ndarray:
        values = data[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(values).all():
            bad = columns[int(np.flatnonzero(~np.isfinite(values).all(axis=0))[0])]
            raise PanelError(f"column {bad!r} has missing, non-numeric or infinite values.")
        return values

    @staticmethod
    def _panel_keys(data: pd.DataFrame, entity: str, time: str) -> tuple[np.ndarray, np.ndarray, int]:
        """Firm codes and ``t - T`` (periods before the last period of the data)."""
        unique_keys(data, [entity, time], ["entity", "time"])
        t = period_numbers(data[time], time).astype(float)
        firms, uniques = pd.factorize(data[entity], sort=True)
        return firms.astype(np.int64), t - t.max(), len(uniques)

    def _names(self) -> list[str]:
        return ["const", *self.terms, *self.z_names, *parameter_tail(self._data)]

    def _starts(self, ols: np.ndarray, s2_ols: float) -> list[np.ndarray]:
        """FRONTIER 4.1's grid: gamma from 0.05 to 0.95 with the constant and sigma2 corrected by the
        moments of the half-normal; the best grid point and, for small samples, four more."""
        d = self._data
        k, q = d.k, d.q
        extra = len(parameter_tail(d)) - 2
        starts = []
        for g in np.arange(0.05, 0.951, 0.05):
            if d.distribution == "exponential":
                su = np.sqrt(g * s2_ols)
                nat = np.r_[ols + np.r_[su, np.zeros(k - 1)], su, np.sqrt((1 - g) * s2_ols)]
            else:
                su = np.sqrt(g * s2_ols / (1 - 2 / np.pi))
                nat = np.r_[ols + np.r_[np.sqrt(2 / np.pi) * su, np.zeros(k - 1)], np.zeros(q),
                            s2_ols / (1 - 2 / np.pi * g), g, np.zeros(extra)]
            starts.append(unconstrained(nat, d))
        values = [loglik(t, d) for t in starts]
        best = int(np.nanargmax(values))
        chosen = [starts[best]]
        if d.y.size <= SMALL_SAMPLE:
            chosen += [starts[i] for i in (1, 5, 9, 13, 17) if i != best]
        return chosen

    def __repr__(self) -> str:
        return (f"<SFA: {self.output} ~ {' + '.join(map(str, self.inputs))}; {self.model}, {self.distribution}, "
                f"{self.form}; {len(self._index)} rows>")

    def fit(self) -> SFAResults:
        """Maximum likelihood from FRONTIER's grid of starting values.

        The likelihood, the search and the boundary rules are in
        :mod:`nqpf_tfp.frontier.sfa`.

        Returns
        -------
        SFAResults
            Coefficients with standard errors, technical efficiency per
            observation and the diagnostics of the search.
        """
        d, dist = self._data, self.distribution
        y, x = d.y, d.x
        k = x.shape[1]
        n = y.size
        ols, *_ = np.linalg.lstsq(x, y, rcond=None)
        e_ols = y - x @ ols
        s2_ols = float(e_ols @ e_ols / n)
        ols_loglik = -0.5 * n * (LOG_2PI + np.log(s2_ols) + 1.0)

        skewness = float(np.mean(e_ols**3) / np.mean(e_ols**2) ** 1.5) if s2_ols > 0 else 0.0
        optimum = maximise(d, self._starts(ols, s2_ols), try_boundary=n <= SMALL_SAMPLE)
        estimate, value, boundary = natural(optimum.theta, d), optimum.value, optimum.boundary
        converged = optimum.stationary or bool(boundary)
        if skewness > 0 and value <= ols_loglik + 1e-8:  # Waldman (1982): OLS, no inefficiency, is the maximum
            estimate, cov, zero = ols_limit(ols, s2_ols, d)
            value, boundary, converged = float(ols_loglik), f"{zero} = 0 (wrong skewness)", True
            undefined = ", ".join(name for name, u in zip(self._names(), parameters_of_u(d)) if u)
            warn(f"SFA: the OLS residuals are skewed to the right (skewness {skewness:.4f}; a production frontier's "
                 "are skewed to the left), and the likelihood is highest with no inefficiency: the estimates are OLS "
                 f"with {zero} = 0 (Waldman 1982). This usually indicates that there is no inefficiency or that the "
                 f"model is misspecified. Efficiency is 1; the standard errors of {undefined} are undefined (NaN).",
                 FrontierBoundaryWarning)
            eff, u_hat = np.ones(n), np.zeros(n)
        else:
            if skewness > 0 and self.model != "bc92":  # BC92 identifies u_i from a firm's repeated rows
                warn(f"SFA: the OLS residuals are skewed to the right (skewness {skewness:.4f}; a production "
                     "frontier's are skewed to the left); the estimated inefficiency rests on the distributional "
                     "assumption alone. This might indicate that there is no inefficiency or that the model is "
                     "misspecified.", FrontierBoundaryWarning)
            if boundary:  # the likelihood is not smooth in the limit: no curvature to invert
                cov = np.full((estimate.size, estimate.size), np.nan)
                warn(f"SFA: the likelihood rises all the way to the boundary {boundary}: the frontier is "
                     "deterministic in the limit, which is returned (the supremum of the likelihood); the "
                     "likelihood is not smooth there, so the standard errors are undefined (NaN).",
                     FrontierBoundaryWarning)
            else:
                cov = covariance(estimate, d)
                converged = converged and bool(np.isfinite(cov).all())
                if not converged:
                    warn("SFA: the maximum likelihood search did not converge: the gradient does not vanish, or the "
                         "information matrix is not positive definite (standard errors NaN; the model may not be "
                         "identified by these data). See summary().", ConvergenceWarning)
            share = None if dist == "exponential" else float(expit(-optimum.theta[k + d.q + 1]))  # 1 - gamma
            eff = efficiency(estimate, d, self.efficiency_kind, share)
            u_hat = inefficiency(estimate, d, share)
        names = self._names()
        params = pd.Series(estimate, index=names, name="coef")
        residual = y - x @ estimate[:k]
        restrictions = len(parameter_tail(d)) - 1 + d.q if dist != "exponential" else 1
        decomposition = None
        if self._firms is not None and self._periods is not None:
            decomposition = self._decomposition(estimate[1:k], np.log(eff))
        diag = SFADiagnostics(dist, n, value, float(ols_loglik), float(max(0.0, 2 * (value - ols_loglik))),
                              converged, optimum.iterations, self.model,
                              d.n_firms or None, restrictions, boundary, skewness)
        return SFAResults(params, pd.DataFrame(cov, index=names, columns=names),
                          pd.Series(eff, index=self._index, name="efficiency"),
                          pd.Series(residual, index=self._index, name="residual"), diag, self.efficiency_kind,
                          decomposition, pd.Series(u_hat, index=self._index, name="inefficiency"))

    def _decomposition(self, coefficients: np.ndarray, log_te: np.ndarray) -> pd.DataFrame:
        """Kumbhakar-Lovell's split of TFP growth at the estimated frontier (``coefficients`` without the constant)."""
        n_vars = self._variables.shape[1]
        if self.form == "translog":
            grad = translog_elasticities(self._variables, coefficients[:n_vars], coefficients[n_vars:])
        else:
            grad = np.tile(coefficients[:n_vars], (self._variables.shape[0], 1))
        n_inputs = len(self.inputs)
        change = grad[:, n_inputs] if self.trend else np.zeros(grad.shape[0])
        assert self._firms is not None and self._periods is not None
        return decompose(self._index, self._firms, self._periods, self._log_y, self._log_inputs,
                         grad[:, :n_inputs], change, log_te)
