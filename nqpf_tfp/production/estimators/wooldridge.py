"""Wooldridge (2009): both control-function stages as one linear system.

With the Levinsohn-Petrin inversion ``omega = c(k, m)'lambda``, ``c`` a
polynomial of degree ``poly_degree`` in (state, proxy), and a linear Markov
process, the two equations

.. math::

    y_{it} &= \\alpha + w_{it}'\\beta + k_{it}'\\gamma + c_{it}'\\lambda_1 + e_{it},
    \\qquad Z_1 = (1, w_{it}, c_{it}) \\\\
    y_{it} &= \\alpha_2 + w_{it}'\\beta + k_{it}'\\gamma + c_{i,t-1}'\\lambda_2 + u_{it},
    \\qquad Z_2 = (1, w_{i,t-1}, k_{it}, c_{i,t-1})

share ``beta`` and ``gamma`` (``k`` enters the first equation twice, through
``k'gamma`` and through ``c``, so only the second equation identifies
``gamma``) and are estimated together on firm-years with a previous year, the
two rows of a firm-year stacked, a firm's rows forming one cluster.

* ``method="iv"``: one-step 2SLS of the stacked system.
* ``method="gmm"``: two-step GMM with the efficient weight from firm-clustered
  moments of the first step.
* ``method="prodest-gmm"``: R prodest's ``prodestWRDG_GMM``, which drops
  ``k`` from the first equation's own polynomial, i.e. forces the first
  equation's coefficient on ``k`` to be ``gamma``. That restriction is false
  whenever productivity depends on ``k`` (``lambda_k != 0``) and biases
  ``gamma`` (on R prodest's Chilean data it gives 0.058 against 0.13-0.17 for
  every other estimator, and Hansen's J = 21.0 on 3 df against 9.2 on 2 df
  without the restriction; on a simulated panel with beta_k = 0.3 it gives
  0.276 with J = 130). Kept only to reproduce prodest's tables.
* ``method="prodest-iv"``: R prodest 1.0.1's ``prodestWRDG``, which (unlike its
  documentation's system) pools both equations into a single 2SLS on the
  stacked rows: one intercept, the same polynomial coefficients for ``c_t`` and
  ``c_{t-1}`` (productivity a random walk), and ``w_{t-1}`` instrumenting
  ``w_t`` in the first equation too. Its ``cov_type="prodest"`` is ``lm()`` on
  the fitted regressors, whose residuals use the fitted rather than the actual
  ``w`` (the textbook mistake of manual 2SLS). Kept only to reproduce prodest.

:class:`RobinsonWooldridge` uses the second equation alone (R prodest's
``prodestROB``): 2SLS of ``y`` on ``w``, ``k``, ``c_{t-1}`` with instruments
``w_{t-1}``, ``k``, ``c_{t-1}``.

Hansen's J (``j_stat``) uses the firm-clustered efficient weight whatever the
covariance: for ``"iv"`` it is the criterion of the two-step estimator started
from 2SLS, as Stata's ``ivreg2`` reports it with clustering (Sargan's
homoskedastic J over-rejects when a firm's two rows and years are correlated).
The fit's model checks (:mod:`nqpf_tfp.production.model_checks`) warn when J
rejects, when the free inputs are nearly functions of the first equation's
polynomial (R² of ``w`` on ``(1, controls, c)``), and, for Robinson-Wooldridge,
when ``w_{t-1}`` hardly predicts ``w_t`` (first-stage F).

Covariances: ``"cluster"`` by firm (default: the two equations of a firm-year
and all years of a firm share a cluster), ``"unadjusted"``, and for
``method="prodest-gmm"`` also ``"prodest"``, R prodest's formula
``(u'u/N)(X'Z(Z'Z)^-1 Z'X)^-1``, kept to reproduce its tables: it is twice the
homoskedastic variance and ignores within-firm correlation.

References
----------
Wooldridge, J. M. (2009). On estimating firm-level production functions using
proxy variables to control for unobservables. *Economics Letters* 104(3), 112-114.
Robinson, P. M. (1988). Root-N-consistent semiparametric regression.
*Econometrica* 56(4), 931-954.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...errors import EstimationError, SpecificationError
from ...numerics.basis import polynomial, polynomial_names
from ...options import check_option
from ..estimate import Estimate
from ..gmm.linear import LinearSystem, gmm, solve_gmm
from ..model_checks import first_stage_f
from ..numerics.linalg import cluster_meat, collinearity_r2, n_clusters
from ..outofcore.linear import PartitionedLinearModel, fit_linear_partitioned
from ..spec import ModelData
from .base import ProductionEstimator

__all__ = ["Wooldridge", "RobinsonWooldridge"]


class _LinearSystem(ProductionEstimator):
    default_cov: ClassVar[str] = "cluster"
    supports_dask: ClassVar[bool] = True
    n_equations: ClassVar[int] = 1

    def _partitioned_estimate(self, ddf: Any, cov_type: str) -> Estimate:
        """On a Dask DataFrame partitioned by firm: the sums of each partition
        (see :mod:`nqpf_tfp.production.outofcore.linear`)."""
        lin = PartitionedLinearModel(self._partitioned_model(), self._system, self._efficient(), self.n_equations,
                                     self._dependence_block())
        return fit_linear_partitioned(lin, ddf, cov_type)

    def linear_system(self) -> LinearSystem:
        """The estimating equations on the full sample as a :class:`~nqpf_tfp.production.gmm.linear.LinearSystem`
        (the sums ``Z'X``, ``Z'y``, ``Z'Z`` accumulated in row chunks), for inspection.

        Returns
        -------
        LinearSystem
            The accumulated sums and the solver of the system.
        """
        self._require_in_memory("linear_system()")
        return self._system(self._data)

    def _lagged_sample(self, data: ModelData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows with a previous year, their previous rows, and the polynomial c of every row."""
        c = polynomial(np.column_stack([data.state, data.proxy]), self.spec.poly_degree)
        lag = data.lag(1)
        rows = np.flatnonzero(lag.valid)
        if rows.size == 0:
            raise EstimationError(f"{self.method}: no firm-year has a previous year.")
        return rows, lag.index[rows], c

    def _system(self, data: ModelData) -> LinearSystem:
        raise NotImplementedError

    def _n_params(self, data: ModelData) -> int:
        """Parameters reported: inputs and controls (after the constant)."""
        return data.free.shape[1] + data.state.shape[1] + data.controls.shape[1]

    def _efficient(self) -> bool:
        return False

    def _dependence_block(self) -> int | None:
        """Size of the first equation's instrument block ``(1, w, controls, c)``: the first-stage basis whose
        free-input columns measure functional dependence; ``None`` for an estimator without that equation."""
        return None

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        system = self._system(data)
        fit = gmm(system, efficient=self._efficient(), cov_type=cov_type, n_units=system.n)
        k = 1 + self._n_params(data)
        params, cov = fit.params[1:k], fit.cov[1:k, 1:k]
        if data is self._data:
            self._full_system = system  # the bootstrap reweights its per-firm sums
        diag: dict[str, Any] = {"estimation_nobs": int(system.n), "instruments": int(system.m),
                                "parameters": int(system.p)}
        block = self._dependence_block()
        if block is not None:
            diag["free_input_r2"] = collinearity_r2(system.zz[:block, :block], range(1, 1 + data.free.shape[1]))
        return Estimate(params, data.log_tfp(params), int(system.n), cov, j_stat=fit.j_stat, j_df=fit.j_df,
                        first_stage_residuals=self._first_equation_residuals(data, fit.params), diagnostics=diag)

    def _first_equation_residuals(self, data: ModelData, params: np.ndarray) -> np.ndarray | None:
        """``eps`` of every row from the first equation (``None`` for an estimator without one)."""
        return None

    def _reweights(self) -> bool:
        return True

    def _prepare_bootstrap(self) -> None:
        self._firm_sums = self._full_system.entity_sums()

    def _replicate(self, firms: np.ndarray) -> np.ndarray:
        """Both steps from the firm-weighted per-firm sums ``Z_i'X_i``, ``Z_i'y_i``, ``Z_i'Z_i`` (no rows)."""
        zx_f, zy_f, zz_f = self._firm_sums
        counts = np.bincount(firms, minlength=zx_f.shape[0]).astype(float)
        zx, zy = np.tensordot(counts, zx_f, axes=1), counts @ zy_f
        params = solve_gmm(zx, zy, np.linalg.pinv(np.tensordot(counts, zz_f, axes=1)))
        if self._efficient():  # each drawn copy of a firm is its own cluster
            scores = zy_f - zx_f @ params
            params = solve_gmm(zx, zy, np.linalg.pinv((scores * counts[:, None]).T @ scores))
        assert self._full is not None
        return params[1:1 + self._full.params.size]


class Wooldridge(_LinearSystem):
    """Wooldridge (2009) system estimator; ``method="iv"``, ``"gmm"`` or ``"prodest-gmm"``.

    See :mod:`nqpf_tfp.production.estimators.wooldridge` for the equations and the methods.

    Parameters
    ----------
    method : {"iv", "gmm", "prodest-gmm"}
    """

    method: ClassVar[str] = "Wooldridge"
    n_equations: ClassVar[int] = 2

    def __init__(self, data: pd.DataFrame, output: str, free: Any = None, state: Any = None, proxy: Any = None,
                 controls: Any = None, *, method: str = "iv", **kwargs: Any) -> None:
        self.variant = check_option("wooldridge_method", method)
        super().__init__(data, output, free, state, proxy, controls, **kwargs)
        self.method = f"Wooldridge ({self.variant})"  # type: ignore[misc]

    def _cov_types(self) -> tuple[str, ...]:
        prodest = self.variant.startswith("prodest")
        return ("cluster", "unadjusted", "prodest") if prodest else ("cluster", "unadjusted")

    def _efficient(self) -> bool:
        return self.variant == "gmm"

    def _dependence_block(self) -> int | None:
        spec = self.spec
        terms = len(polynomial_names([*spec.state, *spec.proxy], spec.poly_degree))
        return 1 + len(spec.free) + len(spec.controls) + terms

    def _first_equation_residuals(self, data: ModelData, params: np.ndarray) -> np.ndarray:
        """``y - alpha - w'beta - k'gamma - controls'delta - c'lambda_1`` on every row (the first equation needs
        no previous year): the estimate of ``eps`` that De Loecker and Warzynski's correction divides out."""
        c = polynomial(np.column_stack([data.state, data.proxy]), self.spec.poly_degree)
        own = c[:, data.state.shape[1]:] if self.variant == "prodest-gmm" else c
        x1 = np.column_stack([np.ones(data.n), data.free, data.state, data.controls, own])
        return data.y - x1 @ params[:x1.shape[1]]

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        if self.variant == "prodest-iv":
            return self._prodest_iv(data, cov_type)
        return super()._estimate(data, cov_type)

    def _replicate(self, firms: np.ndarray) -> np.ndarray:
        if self.variant == "prodest-iv":
            return ProductionEstimator._replicate(self, firms)
        return super()._replicate(firms)

    def _reweights(self) -> bool:
        return self.variant != "prodest-iv"

    def _prepare_bootstrap(self) -> None:
        if self.variant != "prodest-iv":
            super()._prepare_bootstrap()

    def _partitioned_estimate(self, ddf: Any, cov_type: str) -> Estimate:
        if self.variant == "prodest-iv":  # prodest's pooled 2SLS is not a system of sums by equation
            raise SpecificationError("method='prodest-iv' does not take a Dask DataFrame; use 'iv' or 'gmm'.")
        return super()._partitioned_estimate(ddf, cov_type)

    def _system(self, data: ModelData) -> LinearSystem:
        """The two equations of the module's docstring on the rows with a previous year."""
        rows, prev, c = self._lagged_sample(data)
        ns = data.state.shape[1]
        own = slice(ns, None) if self.variant == "prodest-gmm" else slice(None)

        def build(sl: slice) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
            r, q = rows[sl], prev[sl]
            n = r.size
            one, zero = np.ones((n, 1)), np.zeros((n, 1))
            shared = np.column_stack([one, data.free[r], data.state[r], data.controls[r]])
            c_t, c_p = c[r], c[q]
            c_own = c_t[:, own]
            x1 = np.column_stack([shared, c_own, zero, np.zeros_like(c_p)])
            x2 = np.column_stack([shared, np.zeros_like(c_own), one, c_p])
            z1 = np.column_stack([one, data.free[r], data.controls[r], c_t])
            z2 = np.column_stack([one, data.free[q], data.state[r], data.controls[r], c_p])
            return data.y[r], [x1, x2], [z1, z2]

        return LinearSystem(rows.size, build, data.codes[rows], data.n_entities)

    def _prodest_iv(self, data: ModelData, cov_type: str) -> Estimate:
        """R prodest 1.0.1's prodestWRDG: one 2SLS on both equations' rows (see the module's docstring).

        As prodest does it: the first stage regresses the stacked regressors on the stacked
        instruments without a constant (``lm.fit``), the second adds one (``lm(y ~ fitted)``).
        """
        rows, prev, c_all = self._lagged_sample(data)
        n = rows.size
        c, c_lag, free_lag = c_all[rows], c_all[prev], data.free[prev]
        shared = np.column_stack([data.free[rows], data.state[rows], data.controls[rows]])
        x = np.vstack([np.column_stack([shared, c]), np.column_stack([shared, c_lag])])
        inst = np.column_stack([free_lag, data.state[rows], data.controls[rows]])
        z = np.vstack([np.column_stack([inst, c]), np.column_stack([inst, c_lag])])
        y = np.r_[data.y[rows], data.y[rows]]
        clusters = np.r_[data.codes[rows], data.codes[rows]]
        x_hat = np.column_stack([np.ones(y.size), z @ np.linalg.lstsq(z, x, rcond=None)[0]])
        params_all, *_ = np.linalg.lstsq(x_hat, y, rcond=None)
        structural = y - np.column_stack([np.ones(y.size), x]) @ params_all
        bread = np.linalg.inv(x_hat.T @ x_hat)
        if cov_type == "prodest":  # lm(y ~ fitted X): residuals from the fitted regressors, df = 2N - p
            naive = y - x_hat @ params_all
            cov = bread * (naive @ naive / (y.size - x_hat.shape[1]))
        elif cov_type == "unadjusted":
            cov = bread * (structural @ structural / y.size)
        else:
            g = n_clusters(clusters)
            cov = bread @ cluster_meat(x_hat * structural[:, None], clusters) @ bread * (g / (g - 1))
        k = 1 + shared.shape[1]
        params = params_all[1:k]
        basis = np.column_stack([np.ones(n), data.free[rows], data.controls[rows], c])  # first-stage basis
        r2 = collinearity_r2(basis.T @ basis, range(1, 1 + data.free.shape[1]))
        return Estimate(params, data.log_tfp(params), int(n), cov[1:k, 1:k],
                        diagnostics={"estimation_nobs": int(n), "free_input_r2": r2})


class RobinsonWooldridge(_LinearSystem):
    """Robinson-Wooldridge IV (R prodest's ``prodestROB``): the second Wooldridge equation by 2SLS.

    ``y_t`` on ``w_t``, ``k_t`` and ``c(k_{t-1}, m_{t-1})`` with ``w_{t-1}``
    instrumenting ``w_t``; valid under ACF's timing, where the first
    equation identifies nothing (see :mod:`nqpf_tfp.production.estimators.wooldridge` of
    :mod:`nqpf_tfp.production.estimators.wooldridge`).
    """

    method: ClassVar[str] = "RobinsonWooldridge"

    def _cov_types(self) -> tuple[str, ...]:
        return ("cluster", "unadjusted")

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        est = super()._estimate(data, cov_type)
        if data is self._data:  # the full sample: the weak-identification check
            _, [x], [z] = self._full_system.build(slice(None))
            nf = data.free.shape[1]
            exogenous = np.delete(z, np.s_[1:1 + nf], axis=1)
            est.diagnostics["first_stage_f"] = first_stage_f(x[:, 1:1 + nf], exogenous, z[:, 1:1 + nf],
                                                             self._full_system.clusters)
        return est

    def _system(self, data: ModelData) -> LinearSystem:
        rows, prev, c = self._lagged_sample(data)

        def build(sl: slice) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
            r, q = rows[sl], prev[sl]
            one = np.ones((r.size, 1))
            x = np.column_stack([one, data.free[r], data.state[r], data.controls[r], c[q]])
            z = np.column_stack([one, data.free[q], data.state[r], data.controls[r], c[q]])
            return data.y[r], [x], [z]

        return LinearSystem(rows.size, build, data.codes[rows], data.n_entities)
