"""Results of a production-function estimation (immutable), with typed diagnostics."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..docstrings import mark_returned
from ..keywords import strict_class
from ..results import Diagnostics, ParameterEstimates, TFPResults
from ..tables import SummaryTable
from .model_checks import CheckOutcome

__all__ = ["Optimum", "ProductionDiagnostics", "ProductionResults"]


@mark_returned
@strict_class
@dataclasses.dataclass(frozen=True)
class Optimum:
    """One distinct local optimum of a GMM criterion (ACF, GNR).

    ``params`` rounded to 6 decimals; ``labor_response_t`` (ACF) the
    firm-clustered t-statistics of cov(innovation, free input), one per free
    input, for the best few optima (``None`` for the others).
    """

    params: tuple[float, ...]
    objective: float
    innovation_variance: float | None = None
    labor_response_t: tuple[float, ...] | None = None

    def __getitem__(self, key: str) -> Any:  # 0.1.0 returned dicts
        key = {"labour_response_t": "labor_response_t"}.get(key, key)  # the 0.1.0 spelling
        if key not in {f.name for f in dataclasses.fields(self)}:
            raise KeyError(key)
        return getattr(self, key)


@strict_class
@dataclasses.dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class ProductionDiagnostics(Diagnostics):
    """What happened in a production-function fit; fields that do not apply are ``None``."""

    method: str
    #: firms in the estimation sample
    n_entities: int | None = None
    #: wall-clock seconds of ``fit()``
    seconds: float | None = None
    #: observations entering the final (GMM or system) stage, after lags
    estimation_nobs: int | None = None
    #: criterion at the returned optimum (GMM estimators; OP/LP: the second stage's sum of squares)
    objective: float | None = None
    #: ACF: points of the global search design (Sobol points and the OLS, first-stage and user starts)
    starts: int | None = None
    #: ACF: design points refined locally
    refined: int | None = None
    #: ACF / GNR: every distinct optimum found, best (returned) first
    optima: tuple[Optimum, ...] | None = None
    #: ACF: optima tied with the returned one within ``tie_tolerance``
    ties: int | None = None
    #: ACF: ``"standard"`` or ``"overidentified"``
    moments: str | None = None
    #: bootstrap replications that succeeded (when ``fit(bootstrap=B)``)
    bootstrap_replications: int | None = None
    #: failed bootstrap replications as (index, message), with ``on_failure="warn"``
    bootstrap_failures: tuple[tuple[int, str], ...] | None = None
    #: ``"reweighted firms"`` (per-firm sums) or ``"copied rows"``
    bootstrap_resampling: str | None = None
    #: out of core: partitions of the Dask DataFrame
    partitions: int | None = None
    #: out of core: each pass over the partitions, as (what it computed, wall-clock seconds), in order
    passes: tuple[tuple[str, float], ...] | None = None
    #: Wooldridge systems: instruments and parameters of the stacked system
    instruments: int | None = None
    parameters: int | None = None
    #: OP / LP: rows of the first stage and of the second stage (with a previous period)
    first_stage_nobs: int | None = None
    second_stage_nobs: int | None = None
    #: OP / LP: whether the second-stage optimiser converged, its iterations, start and message
    converged: bool | None = None
    iterations: int | None = None
    start: tuple[float, ...] | None = None
    optimizer_message: str | None = None
    #: GNR: share-regression coefficients, its Gauss-Newton iterations and sum of squared residuals
    share_coefficients: tuple[float, ...] | None = None
    share_iterations: int | None = None
    share_ssr: float | None = None
    #: GNR: E[exp(eps)], the correction of the share regression
    mean_exp_eps: float | None = None
    #: GNR: coefficients of the constant of integration (the fixed inputs' polynomial)
    constant_coefficients: tuple[float, ...] | None = None
    #: GNR: how the second stage's sums were accumulated, ``"product basis"`` (from 50,000 rows) or
    #: ``"monomials"``: the same sums, at different cost
    second_stage_statistics: Literal["product basis", "monomials"] | None = None
    #: OP / LP / Wooldridge: R² of each free input on the other first-stage regressors (functional dependence)
    free_input_r2: tuple[float, ...] | None = None
    #: Robinson-Wooldridge: firm-clustered Sanderson-Windmeijer first-stage F of each free input
    first_stage_f: tuple[float, ...] | None = None
    #: the model checks of :mod:`~nqpf_tfp.production.model_checks` (fired or not, silenced or not)
    model_checks: tuple[CheckOutcome, ...] | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        """Messages of the model checks that fired and were not silenced (the summary's "Warnings")."""
        return tuple(c.message for c in self.model_checks or () if c.speaks)

    @classmethod
    def build(cls, values: Mapping[str, Any]) -> ProductionDiagnostics:
        """From an estimator's facts; arrays become tuples, optima :class:`Optimum` objects.

        Parameters
        ----------
        values : mapping
            Field name to value (unknown names are an error).

        Returns
        -------
        ProductionDiagnostics
            The frozen diagnostics.
        """
        known = set(cls._names())
        unknown = set(values) - known
        if unknown:
            raise TypeError(f"unknown diagnostics {sorted(unknown)}")
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key == "optima" and value is not None:
                value = tuple(o if isinstance(o, Optimum) else Optimum(**o) for o in value)
            elif isinstance(value, np.ndarray):
                value = tuple(float(x) for x in value.ravel())
            elif key in ("start",) and value is not None:
                value = tuple(float(x) for x in value)
            elif key == "bootstrap_failures" and value is not None:
                value = tuple((int(b), str(m)) for b, m in value)
            elif isinstance(value, np.generic):
                value = value.item()
            clean[key] = value
        return cls(**clean)


class ProductionResults(ParameterEstimates, TFPResults):
    """Estimates of a production function (the :class:`~nqpf_tfp.results.TFPResults` contract).

    Attributes
    ----------
    params : pandas.Series
        Output elasticities (and, for OLS, the constant and controls).
    std_errors, tstats, pvalues : pandas.Series
        Inference; ``pvalues`` are two-sided, normal.
    cov : pandas.DataFrame
        Covariance matrix of ``params``.
    cov_type : str
        How ``cov`` was obtained (``"cluster"``, ``"bootstrap"``, ...).
    nobs : int
        Observations used by the estimator (after lags).
    tfp : pandas.Series
        Log TFP per observation, labelled by (entity, time):
        ``y - free·beta - state·gamma (- controls·delta)`` (``tfp_scale = "log"``).
    elasticities : pandas.DataFrame
        Output elasticities per observation (constant for Cobb-Douglas).
    diagnostics : ProductionDiagnostics
        Method-specific facts: convergence, objective, optima, first-stage size,
        bootstrap replications and failures, time.
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "log"

    def __init__(
        self,
        *,
        method: str,
        params: pd.Series,
        cov: pd.DataFrame,
        cov_type: str,
        nobs: int,
        tfp: pd.Series,
        elasticities: pd.DataFrame,
        rts_weights: pd.Series,
        inputs: list[str],
        diagnostics: ProductionDiagnostics | Mapping[str, Any],
        j_stat: float | None = None,
        j_df: int | None = None,
        first_stage_residuals: pd.Series | None = None,
        value_added: bool = True,
        flexible_input: str | None = None,
    ) -> None:
        self.method = method
        self._params = params.copy()
        self._cov = cov.copy()
        self.cov_type = cov_type
        self.nobs = int(nobs)
        self._tfp = tfp.copy()
        self._elasticities = elasticities.copy()
        self._rts_weights = rts_weights.copy()
        self.inputs = list(inputs)
        self._diagnostics = (diagnostics if isinstance(diagnostics, ProductionDiagnostics)
                             else ProductionDiagnostics.build(diagnostics))
        self.j_stat = j_stat
        self.j_df = j_df
        self._first_stage_residuals = None if first_stage_residuals is None else first_stage_residuals.copy()
        #: whether ``output`` was value added (the elasticities are of value added, not gross output)
        self.value_added = bool(value_added)
        #: GNR: the flexible input whose elasticity comes from its revenue share (``None`` otherwise)
        self.flexible_input = flexible_input

    @property
    def diagnostics(self) -> ProductionDiagnostics:
        """Typed facts about the fit (see :class:`ProductionDiagnostics`)."""
        return self._diagnostics

    @property
    def tfp(self) -> pd.Series:
        return self._tfp.copy()

    @property
    def first_stage_residuals(self) -> pd.Series | None:
        """The first stage's estimate of the output error ``eps`` per observation, labelled by (entity, time).

        ``y - phi_hat`` for ACF, Olley-Pakes and Levinsohn-Petrin; the first equation's residual for
        Wooldridge; the share regression's ``eps`` for GNR. ``None`` where the estimator has no stage that
        separates ``eps`` from productivity (OLS, fixed effects, Robinson-Wooldridge, out of core). De Loecker
        and Warzynski's markups divide revenue by ``exp(eps)``.
        """
        return None if self._first_stage_residuals is None else self._first_stage_residuals.copy()

    @property
    def elasticities(self) -> pd.DataFrame:
        """Output elasticity of each input per observation, labelled by (entity, time).

        Constant for Cobb-Douglas; for a translog
        ``b_i + 2 b_ii x_i + sum_{j != i} b_ij x_j``.
        """
        return self._elasticities.copy()

    @property
    def returns_to_scale(self) -> float:
        """Sum of the input elasticities (their means, for a translog): ``rts_weights @ params``, linear in them."""
        return float(self._rts_weights.to_numpy() @ self._params.to_numpy())

    def crs_test(self) -> tuple[float, float]:
        """Wald test of constant returns to scale (sum of mean input elasticities = 1): (chi2(1), p-value).

        Returns to scale are linear in the coefficients, ``r'b`` (``r`` = 1 on the
        inputs for Cobb-Douglas; for a translog, at the sample means of the inputs).

        Returns
        -------
        tuple of float
            The Wald statistic, chi-squared with 1 degree of freedom, and its p-value.
        """
        r = self._rts_weights.reindex(self._params.index).to_numpy()
        var = float(r @ self._cov.to_numpy() @ r)
        if not var > 0:
            return float("nan"), float("nan")
        wald = (self.returns_to_scale - 1.0) ** 2 / var
        return wald, math.erfc(math.sqrt(wald / 2.0))

    def summary(self) -> SummaryTable:
        """Coefficient table in the style of Stata's prodest; ``.as_latex()`` for LaTeX."""
        ci = self.conf_int()
        frame = pd.DataFrame({
            "coef": self._params, "std err": self.std_errors, "z": self.tstats, "P>|z|": self.pvalues,
            "[0.025": ci["lower"], "0.975]": ci["upper"],
        })
        frame.index.name = "input"
        wald, p = self.crs_test()
        d = self.diagnostics
        notes = [
            f"Method: {self.method}. Observations used: {self.nobs}; entities: {d.get('n_entities', '?')}.",
            f"Covariance: {self.cov_type}"
            + (f" ({d['bootstrap_replications']} firm-cluster bootstrap replications)"
               if "bootstrap_replications" in d else "")
            + ".",
            f"Returns to scale: {self.returns_to_scale:.3f}; "
            f"Wald test of constant returns: chi2(1) = {wald:.3f}, p = {p:.4f}.",
        ]
        if self.j_stat is not None:
            jp = _chi2_sf(self.j_stat, self.j_df or 1)
            notes.append(f"Hansen's J (firm-clustered weight) = {self.j_stat:.3f}, df = {self.j_df}, p = {jp:.4f}.")
        if d.warnings:
            notes.append("Warnings:")
            notes += [f"[{i}] {m}" for i, m in enumerate(d.warnings, 1)]
        return SummaryTable(frame, f"Production function: {self.method}", notes, ".4f")

    def to_frame(self) -> pd.DataFrame:
        """Log TFP and the output elasticities per observation, labelled by (entity, time).

        Out of core (a Dask DataFrame was estimated) the frame is a Dask DataFrame on its partitions' index.
        """
        frame = self._elasticities.rename(columns=lambda c: f"elasticity_{c}")
        if hasattr(frame, "assign") and not isinstance(frame, pd.DataFrame):  # Dask: stay lazy
            return frame.assign(tfp=self._tfp)
        return pd.concat([self._tfp.rename("tfp"), frame], axis=1)

    def plot(self, ax: Any = None, bins: int = 50, **kwargs: Any) -> Any:
        """Histogram of log TFP (needs matplotlib: ``pip install nqpf-tfp[plot]``).

        Parameters
        ----------
        bins : int
            Number of histogram bins.
        """
        from ..plotting import pyplot, style

        style(kwargs, "hist")
        tfp = self._tfp
        if not isinstance(tfp, pd.Series):
            tfp = tfp.compute()
        if ax is None:
            _, ax = pyplot().subplots(figsize=(7, 4))
        values = tfp.to_numpy(dtype=float)
        ax.hist(values[np.isfinite(values)], bins=bins, **kwargs)
        ax.set_xlabel(f"log TFP ({self.method})")
        ax.set_ylabel("observations")
        return ax



def _chi2_sf(x: float, df: int) -> float:
    from scipy.stats import chi2

    return float(chi2.sf(x, df))
