"""Pooled OLS and the within (fixed-effects) estimator of a production function."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ...errors import PanelError
from ...numerics.basis import production_term_names, production_terms, translog_elasticities, translog_rts_weights
from ..estimate import Estimate
from ..numerics.linalg import check_rank, ols
from ..spec import ModelData
from .base import ProductionEstimator

__all__ = ["OLS", "FixedEffects"]


class _LeastSquares(ProductionEstimator):
    needs_state: ClassVar[bool] = False
    needs_proxy: ClassVar[bool] = False
    needs_lags: ClassVar[bool] = False
    varies_within: ClassVar[tuple[str, ...]] = ()
    supports_translog: ClassVar[bool] = True
    default_cov: ClassVar[str] = "cluster"

    def _cov_types(self) -> tuple[str, ...]:
        return ("cluster", "robust", "unadjusted")

    def _regressors(self, data: ModelData) -> np.ndarray:
        return np.column_stack([production_terms(np.column_stack([data.free, data.state]), self.spec.form),
                                data.controls])

    def _regressor_names(self) -> list[str]:
        return production_term_names(list(self.spec.inputs), self.spec.form) + list(self.spec.controls)

    def _param_names(self) -> list[str]:
        return self._regressor_names()

    def _translog(self, data: ModelData, slopes: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Per-observation elasticities and returns-to-scale weights over the slopes (translog only)."""
        if self.spec.form != "translog":
            return None, None
        inputs = np.column_stack([data.free, data.state])
        k = inputs.shape[1]
        n_second = k * (k + 1) // 2
        elasticities = translog_elasticities(inputs, slopes[:k], slopes[k:k + n_second])
        weights = translog_rts_weights(inputs.mean(axis=0))
        return elasticities, np.r_[weights, np.zeros(slopes.size - weights.size)]


class OLS(_LeastSquares):
    """Pooled OLS of log output on log inputs (with a constant).

    .. math:: y_{it} = \\beta_0 + x_{it}'\\beta + c_{it}'\\delta + u_{it}

    Biased upwards for freely chosen inputs when productivity is known to
    the firm (Marschak and Andrews 1944): the benchmark the control-function
    estimators correct. ``cov_type`` is ``"cluster"`` (by firm, default),
    ``"robust"`` (HC1) or ``"unadjusted"``; these equal statsmodels' ``OLS``
    with ``cov_type="cluster"`` / ``"HC1"`` / ``"nonrobust"``.
    """

    method: ClassVar[str] = "OLS"

    def _param_names(self) -> list[str]:
        return ["const", *self._regressor_names()]

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        x = np.column_stack([np.ones(data.n), self._regressors(data)])
        gram = x.T @ x
        check_rank(x, self._param_names(), "OLS", gram)
        fit = ols(data.y, x, cov_type=cov_type, clusters=data.codes, gram=gram)
        elasticities, weights = self._translog(data, fit.params[1:])
        return Estimate(fit.params, data.y - x[:, 1:] @ fit.params[1:], data.n, fit.cov, elasticities=elasticities,
                        rts_weights=None if weights is None else np.r_[0.0, weights])


class FixedEffects(_LeastSquares):
    """Within (firm fixed-effects) estimator.

    .. math:: y_{it} - \\bar y_i = (x_{it} - \\bar x_i)'\\beta + (u_{it} - \\bar u_i)

    Removes time-invariant productivity; consistent when productivity is
    constant within a firm. Covariances match linearmodels' ``PanelOLS`` with
    ``entity_effects=True`` (``"unadjusted"``, ``"robust"``, ``"cluster"`` by
    entity; the clustered one scaled by n/(n-k) as linearmodels does, where
    Stata's ``xtreg, fe vce(cluster)`` uses G/(G-1)(n-1)/(n-k)). Log TFP is ``y - x'beta``, so it
    includes the firm effect.
    """

    method: ClassVar[str] = "FixedEffects"
    needs_lags: ClassVar[bool] = False
    varies_within: ClassVar[tuple[str, ...]] = ("free", "state", "controls")
    within_reason: ClassVar[str] = "the firm fixed effects absorb it, so its coefficient is not identified."

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        x = self._regressors(data)
        starts, counts = data.entity_blocks()  # rows are sorted by firm: each firm is one block
        if counts.max() < 2:
            raise PanelError("FixedEffects needs firms observed more than once; every firm has one row.")
        stacked = np.column_stack([data.y, x])
        stacked -= np.repeat(np.add.reduceat(stacked, starts, axis=0) / counts[:, None], counts, axis=0)
        yw, xw = stacked[:, 0], stacked[:, 1:]
        gram = xw.T @ xw
        check_rank(xw, self._param_names(), "FixedEffects (within-firm variation)", gram)
        fit = ols(yw, xw, cov_type=cov_type, clusters=data.codes, df_absorbed=int(counts.size),
                  cluster_scale="linearmodels", gram=gram)
        elasticities, weights = self._translog(data, fit.params)
        return Estimate(fit.params, data.y - x @ fit.params, data.n, fit.cov, elasticities=elasticities,
                        rts_weights=weights)
