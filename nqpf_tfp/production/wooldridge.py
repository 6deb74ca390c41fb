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
  every other estimator, and Sargan's J = 92.9 on 3 df against 3.4 on 2 df
  without the restriction; on a simulated panel with beta_k = 0.3 it gives
  0.276 with J = 180). Kept only to reproduce prodest's tables.
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

from ..errors import EstimationError
from ..options import check_option
from .base import Estimate, ProductionEstimator
from .basis import polynomial
from .linalg import cluster_meat, gmm, n_clusters
from .spec import ModelData

__all__ = ["Wooldridge", "RobinsonWooldridge"]


class _LinearSystem(ProductionEstimator):
    default_cov: ClassVar[str] = "cluster"

    def _lagged_sample(self, data: ModelData) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Rows with a previous year, the polynomial c, its lag and the lagged free inputs there."""
        c = polynomial(np.column_stack([data.state, data.proxy]), self.spec.poly_degree)
        c_lag = data.lagged(c)
        free_lag = data.lagged(data.free)
        rows = np.flatnonzero(data.lag(1).valid)
        if rows.size == 0:
            raise EstimationError(f"{self.method}: no firm-year has a previous year.")
        return rows, c[rows], c_lag[rows], free_lag[rows]


class Wooldridge(_LinearSystem):
    """Wooldridge (2009) system estimator; ``method="iv"``, ``"gmm"`` or ``"prodest-gmm"``.

    See the module docstring for the equations and the three methods.

    Parameters
    ----------
    method : {"iv", "gmm", "prodest-gmm"}
    **kwargs
        As :class:`~nqpf_tfp.production.base.ProductionEstimator`.
    """

    method: ClassVar[str] = "Wooldridge"

    def __init__(self, data: pd.DataFrame, output: str, free: Any = None, state: Any = None, proxy: Any = None,
                 controls: Any = None, *, method: str = "iv", **kwargs: Any) -> None:
        self.variant = check_option("wooldridge_method", method)
        super().__init__(data, output, free, state, proxy, controls, **kwargs)
        self.method = f"Wooldridge ({self.variant})"  # type: ignore[misc]

    def _cov_types(self) -> tuple[str, ...]:
        prodest = self.variant.startswith("prodest")
        return ("cluster", "unadjusted", "prodest") if prodest else ("cluster", "unadjusted")

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        if self.variant == "prodest-iv":
            return self._prodest_iv(data, cov_type)
        rows, c, c_lag, free_lag = self._lagged_sample(data)
        n = rows.size
        ns = data.state.shape[1]
        one, zero = np.ones((n, 1)), np.zeros((n, 1))
        shared1 = np.column_stack([one, data.free[rows], data.state[rows], data.controls[rows]])
        z1 = np.column_stack([one, data.free[rows], data.controls[rows], c])
        z2 = np.column_stack([one, free_lag, data.state[rows], data.controls[rows], c_lag])
        c_own = c[:, ns:] if self.variant == "prodest-gmm" else c
        x1 = np.column_stack([shared1, c_own, zero, np.zeros_like(c_lag)])
        x2 = np.column_stack([shared1, np.zeros_like(c_own), one, c_lag])
        x = np.vstack([x1, x2])
        z = np.block([[z1, np.zeros((n, z2.shape[1]))], [np.zeros((n, z1.shape[1])), z2]])
        y = np.r_[data.y[rows], data.y[rows]]
        clusters = np.r_[data.codes[rows], data.codes[rows]]
        weight = None
        if self.variant == "gmm":
            first = gmm(y, x, z, weight=None, cov_type="unadjusted", clusters=clusters, n_units=n)
            weight = np.linalg.pinv(cluster_meat(z * first.resid[:, None], clusters))
        fit = gmm(y, x, z, weight=weight, cov_type=cov_type, clusters=clusters, n_units=n)
        k = shared1.shape[1]
        params, cov = fit.params[1:k], fit.cov[1:k, 1:k]
        diag = {"estimation_nobs": int(n), "instruments": int(z.shape[1]), "parameters": int(x.shape[1])}
        return Estimate(params, data.log_tfp(params), int(n), cov, j_stat=fit.j_stat, j_df=fit.j_df,
                        diagnostics=diag)


    def _prodest_iv(self, data: ModelData, cov_type: str) -> Estimate:
        """R prodest 1.0.1's prodestWRDG: one 2SLS on both equations' rows (see the module docstring).

        As prodest does it: the first stage regresses the stacked regressors on the stacked
        instruments without a constant (``lm.fit``), the second adds one (``lm(y ~ fitted)``).
        """
        rows, c, c_lag, free_lag = self._lagged_sample(data)
        n = rows.size
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
        return Estimate(params, data.log_tfp(params), int(n), cov[1:k, 1:k],
                        diagnostics={"estimation_nobs": int(n)})


class RobinsonWooldridge(_LinearSystem):
    """Robinson-Wooldridge IV (R prodest's ``prodestROB``): the second Wooldridge equation by 2SLS.

    ``y_t`` on ``w_t``, ``k_t`` and ``c(k_{t-1}, m_{t-1})`` with ``w_{t-1}``
    instrumenting ``w_t``; valid under ACF's timing, where the first
    equation identifies nothing (see the module docstring of
    :mod:`nqpf_tfp.production.wooldridge`).
    """

    method: ClassVar[str] = "RobinsonWooldridge"

    def _cov_types(self) -> tuple[str, ...]:
        return ("cluster", "unadjusted")

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        rows, _, c_lag, free_lag = self._lagged_sample(data)
        n = rows.size
        one = np.ones((n, 1))
        x = np.column_stack([one, data.free[rows], data.state[rows], data.controls[rows], c_lag])
        z = np.column_stack([one, free_lag, data.state[rows], data.controls[rows], c_lag])
        fit = gmm(data.y[rows], x, z, weight=None, cov_type=cov_type, clusters=data.codes[rows], n_units=n)
        k = 1 + data.free.shape[1] + data.state.shape[1] + data.controls.shape[1]
        params, cov = fit.params[1:k], fit.cov[1:k, 1:k]
        return Estimate(params, data.log_tfp(params), int(n), cov, j_stat=fit.j_stat, j_df=fit.j_df,
                        diagnostics={"estimation_nobs": int(n)})
