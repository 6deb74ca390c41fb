"""Olley-Pakes and Levinsohn-Petrin: the two-stage control-function estimators.

Model (value added, Cobb-Douglas): ``y = w'beta + k'gamma + omega + eps``, with
productivity ``omega`` inverted from a proxy that rises with it, investment
(Olley and Pakes 1996) or an intermediate input (Levinsohn and Petrin 2003):
``omega = h(k, proxy)``.

First stage: OLS of ``y`` on the free inputs, the controls and a polynomial
of degree ``poly_degree`` in (state, proxy) gives ``beta`` and
``phi = y_hat - w'beta - c'delta``, an estimate of ``k'gamma + omega``.

Second stage: with ``omega_t(gamma) = phi_t - k_t'gamma`` and
``omega_{t-1}(gamma) = phi_{t-1} - k_{t-1}'gamma``, productivity follows
``omega_t = g(omega_{t-1}) + xi_t``, ``g`` a polynomial of degree
``markov_degree`` with a constant. For each ``gamma``, ``g`` is the least
squares fit of ``omega_t`` on that polynomial, and ``gamma`` minimises

.. math:: \\sum_{it} \\big(y_{it} - w_{it}'\\beta - k_{it}'\\gamma - \\hat g(\\omega_{i,t-1}(\\gamma))\\big)^2 ,

over firm-years with a previous year (R prodest's ``gOPLP`` criterion, divided
by the number of terms for scaling, minimised from the first-stage
coefficients of the state variables, as prodest starts; ``diagnostics["objective"]``
is the sum). With
``exit``, the polynomial is in (omega_{t-1}, P_hat), P_hat the probit
probability of exit given lagged (state, proxy) (Olley and Pakes 1996, section 4).

The criterion is computed from sufficient statistics (:class:`SecondStage`):
one pass over the data, then O(1) per evaluation, with an exact gradient: a
trust-region Newton method, then Newton steps to the gradient's rounding floor
(R prodest uses BFGS; the optimum is the same, located more precisely). The
firm-cluster bootstrap re-estimates both stages with firm weights (per-firm
first-stage cross-products, weighted sums), starting from the full-sample
optimum. The exit correction evaluates row by row (L-BFGS-B) and copies rows.
The analytic standard errors (the default) are the firm-clustered sandwich of
the stacked estimating equations, the exit probit's included
(``nqpf_tfp.production.inference.two_stage``,
``nqpf_tfp.production.inference.exit_sandwich``).

References
----------
Olley, G. S. and Pakes, A. (1996). The dynamics of productivity in the
telecommunications equipment industry. *Econometrica* 64(6), 1263-1297.
Levinsohn, J. and Petrin, A. (2003). Estimating production functions using
inputs to control for unobservables. *Review of Economic Studies* 70(2), 317-341.
Rovigatti, G. and Mollisi, V. (2018). Theory and practice of total-factor
productivity estimation: the control function approach using Stata. *Stata
Journal* 18(3), 618-662.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...errors import EstimationError, PanelError, SpecificationError
from ...numerics.basis import polynomial
from ..estimate import Estimate
from ..gmm.control_function import SecondStage, direct_criterion, first_stage, minimize_second_stage
from ..inference.exit_sandwich import exit_sandwich
from ..inference.two_stage import TwoStageProblem, two_stage_sandwich
from ..numerics.linalg import EntityCrossProducts, collinearity_r2
from ..outofcore.control_function import PartitionedControlFunction, fit_control_function_partitioned
from ..spec import ModelData
from .base import ProductionEstimator

__all__ = ["LevinsohnPetrin", "OlleyPakes"]


class _ControlFunction(ProductionEstimator):
    default_cov: ClassVar[str] = "cluster"
    supports_dask: ClassVar[bool] = True

    def _partitioned_estimate(self, ddf: Any, cov_type: str) -> Estimate:
        """On a Dask DataFrame partitioned by firm (see :mod:`nqpf_tfp.production.outofcore.control_function`)."""
        cf = PartitionedControlFunction(self._partitioned_model(), self.spec.poly_degree, self.spec.markov_degree)
        return fit_control_function_partitioned(cf, ddf, cov_type, self.method)

    def _cov_types(self) -> tuple[str, ...]:
        return ("cluster",)

    def _exit_probability(self, data: ModelData) -> tuple[np.ndarray, np.ndarray] | None:
        return None

    def _corrects_exit(self) -> bool:
        return False

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        fs = first_stage(data, self.spec.poly_degree)
        lag = data.lag(1)
        use = lag.valid.copy()
        probit = self._exit_probability(data)
        p_exit = None if probit is None else probit[0]
        if p_exit is not None:
            use &= np.isfinite(p_exit)
        if use.sum() <= data.state.shape[1] + self.spec.markov_degree + 1:
            raise EstimationError(f"{self.method}: only {int(use.sum())} firm-years with a previous year.")
        rows, prev = np.flatnonzero(use), lag.index[use]
        phi, resid = fs.phi(), data.y - fs.design @ fs.coef
        if p_exit is None:
            second = SecondStage(phi, resid, data.state, rows, prev, self.spec.markov_degree)
            opt = minimize_second_stage(second.criterion, fs.gamma_start, second.gradient)
            if data is self._data:
                self._stages = (fs, rows, prev)  # the bootstrap reweights these
        else:
            criterion = direct_criterion(phi, resid, data.state, rows, prev, self.spec.markov_degree, p_exit[rows])
            opt = minimize_second_stage(criterion, fs.gamma_start)
        gamma = opt.x
        params = np.r_[fs.beta_free, gamma, fs.delta_controls]
        cov = None
        if cov_type == "cluster":
            problem = TwoStageProblem(fs.design, data.y, data.state, rows, prev, data.codes, fs.n_free,
                                      fs.n_controls, self.spec.markov_degree)
            if probit is None:
                cov = two_stage_sandwich(problem, fs.coef, gamma, second.stats.markov_fit(gamma))
            else:
                cov = exit_sandwich(problem, fs.coef, gamma, probit[1], data.extra["_exit"])
        diag: dict[str, Any] = {
            "first_stage_nobs": data.n, "second_stage_nobs": int(rows.size), "converged": bool(opt.success),
            "objective": float(opt.fun) * rows.size, "iterations": int(opt.nit), "start": fs.gamma_start.tolist(),
            "optimizer_message": str(opt.message),
        }
        if data is self._data:  # the full sample: the functional-dependence check
            diag["free_input_r2"] = collinearity_r2(fs.design.T @ fs.design, range(1, 1 + fs.n_free))
        warn = [] if opt.success else [
            f"{self.method}: the optimiser did not converge ({opt.message}); see diagnostics."]
        return Estimate(params, data.log_tfp(params), data.n, cov, first_stage_residuals=resid, diagnostics=diag,
                        warnings=warn)

    def _reweights(self) -> bool:
        return not self._corrects_exit()

    def _prepare_bootstrap(self) -> None:
        if self._corrects_exit():
            return  # the exit probit is re-estimated on copied rows (the default replication)
        fs = self._stages[0]
        self._cross = EntityCrossProducts.build(fs.design, self._data.y, self._data.entity_blocks()[0])

    def _replicate(self, firms: np.ndarray) -> np.ndarray:
        """Both stages on the drawn firms, with firm weights instead of copied rows (see ``ACF._replicate``):
        the first stage from per-firm cross-products, the second from weighted sufficient statistics,
        the optimiser started at the full-sample optimum."""
        if self._corrects_exit():
            return super()._replicate(firms)
        fs, rows, prev = self._stages
        assert self._full is not None
        data = self._data
        counts = np.bincount(firms, minlength=data.n_entities).astype(float)
        coef = self._cross.solve(counts)
        weight = counts[data.codes[rows]]
        use = weight > 0
        second = SecondStage(fs.phi(coef), data.y - fs.design @ coef, data.state, rows[use], prev[use],
                             self.spec.markov_degree, weight[use])
        nf, ns = fs.n_free, fs.n_state
        opt = minimize_second_stage(second.criterion, self._full.params[nf:nf + ns], second.gradient)
        return np.r_[coef[1:1 + nf], opt.x, coef[1 + nf:1 + nf + fs.n_controls]]


class LevinsohnPetrin(_ControlFunction):
    """Levinsohn and Petrin (2003): an intermediate input (materials, energy) as the proxy.

    Standard errors: by default the firm-clustered sandwich of the two stages stacked
    (``nqpf_tfp.production.inference.two_stage``); the firm-cluster bootstrap of R and Stata
    prodest with ``fit(bootstrap=B, seed=...)``. See :mod:`nqpf_tfp.production.estimators.control_function`
    for the two stages.
    """

    method: ClassVar[str] = "LevinsohnPetrin"


class OlleyPakes(_ControlFunction):
    """Olley and Pakes (1996): investment as the proxy, optionally corrected for exit.

    Parameters
    ----------
    exit : bool or str
        ``False`` (default): no attrition correction. ``True``: a firm exits in
        its last observed period when that period is before the last period of
        the data (R prodest's ``exit=TRUE``). A column name: a 0/1 exit
        indicator. The exit probability is a probit on the lagged first-stage
        polynomial in (state, proxy), and the productivity process becomes a
        polynomial in (omega_{t-1}, P_hat). The analytic standard errors stack
        the probit's score equations with the two stages, so the probit's
        estimation error is accounted for.

    Notes
    -----
    Investment must be positive for the inversion (zero-investment firm-years
    are outside the model): drop them, or pass logs in which they are missing
    and ``missing="drop"``.
    """

    method: ClassVar[str] = "OlleyPakes"

    def __init__(self, data: pd.DataFrame, output: str, free: Any = None, state: Any = None, proxy: Any = None,
                 controls: Any = None, *, exit: bool | str = False, **kwargs: Any) -> None:
        if not isinstance(exit, (bool, str)):
            raise SpecificationError(f"exit must be True, False or a column name, not {exit!r}.")
        self._exit = exit
        super().__init__(data, output, free, state, proxy, controls, **kwargs)
        if exit is not False and self._ddf is not None:
            raise SpecificationError("OlleyPakes with exit= does not take a Dask DataFrame (the exit probit is not "
                                     "a sum over partitions yet); pass a pandas DataFrame.")
        if exit is not False:
            self._add_exit_indicator()

    def _corrects_exit(self) -> bool:
        return self._exit is not False

    def _extra_columns(self) -> Sequence[str]:
        return [self._exit] if isinstance(self._exit, str) else []

    def _add_exit_indicator(self) -> None:
        d = self._data
        if isinstance(self._exit, str):
            flag = d.extra[self._exit]
            if not np.isin(flag, (0.0, 1.0)).all():
                raise PanelError(f"exit column {self._exit!r} must hold only 0 and 1.")
        else:
            last_row = np.r_[d.codes[1:] != d.codes[:-1], True]
            flag = (last_row & (d.time < d.time.max())).astype(float)
        if flag.min() == flag.max():
            raise PanelError("exit: no firm exits the sample (or every firm does); estimate without exit.")
        d.extra["_exit"] = flag

    def _exit_probability(self, data: ModelData) -> tuple[np.ndarray, np.ndarray] | None:
        """The probit probability of exit at every row (NaN without a previous year) and its coefficients."""
        if not self._corrects_exit():
            return None
        import statsmodels.api as sm

        lagged = data.lagged(polynomial(np.column_stack([data.state, data.proxy]), self.spec.poly_degree))
        ok = np.isfinite(lagged).all(axis=1)
        x = np.column_stack([np.ones(int(ok.sum())), lagged[ok]])
        flag = data.extra["_exit"][ok]
        if flag.min() == flag.max():
            raise EstimationError("exit: no exit among firm-years with a previous year; the probit is not identified.")
        fit = sm.Probit(flag, x).fit(disp=0)
        out = np.full(data.n, np.nan)
        out[ok] = fit.predict(x)
        return out, np.asarray(fit.params)
