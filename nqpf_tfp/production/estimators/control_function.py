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
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ...errors import EstimationError, PanelError, SpecificationError
from ..estimate import Estimate
from ..gmm.moments import COMPLEX_STEP, MarkovMoments, complex_steps
from ..inference.two_stage import TwoStageProblem, two_stage_sandwich
from ..numerics.basis import markov_basis, polynomial
from ..numerics.linalg import EntityCrossProducts
from ..spec import ModelData
from .base import ProductionEstimator

__all__ = ["FirstStage", "LevinsohnPetrin", "OlleyPakes", "SecondStage", "direct_criterion", "first_stage"]


@dataclass(frozen=True)
class FirstStage:
    """OLS of y on ``design = [1, free, controls, polynomial(state, proxy)]``."""

    design: np.ndarray
    coef: np.ndarray
    n_free: int
    n_controls: int
    n_state: int

    @property
    def beta_free(self) -> np.ndarray:
        return self.coef[1:1 + self.n_free]

    @property
    def delta_controls(self) -> np.ndarray:
        return self.coef[1 + self.n_free:1 + self.n_free + self.n_controls]

    @property
    def gamma_start(self) -> np.ndarray:
        """The linear state terms of the polynomial: prodest's starting values."""
        first = 1 + self.n_free + self.n_controls
        return self.coef[first:first + self.n_state]

    def phi(self, coef: np.ndarray | None = None) -> np.ndarray:
        """``y_hat - w'beta - c'delta``: the constant and the polynomial's part of the fit."""
        coef = self.coef if coef is None else coef
        first = 1 + self.n_free + self.n_controls
        return coef[0] + self.design[:, first:] @ coef[first:]


def first_stage(data: ModelData, poly_degree: int) -> FirstStage:
    """OLS of y on [1, free, controls, polynomial(state, proxy)]."""
    poly = polynomial(np.column_stack([data.state, data.proxy]), poly_degree)
    x = np.column_stack([np.ones(data.n), data.free, data.controls, poly])
    coef, _, rank, _ = np.linalg.lstsq(x, data.y, rcond=None)
    if rank < x.shape[1]:
        raise EstimationError(
            f"the first stage is singular (rank {rank} of {x.shape[1]}): inputs, controls and the "
            f"degree-{poly_degree} polynomial in (state, proxy) are collinear."
        )
    return FirstStage(x, coef, data.free.shape[1], data.controls.shape[1], data.state.shape[1])


class SecondStage:
    """The mean squared innovation of prodest's criterion from sufficient statistics.

    With ``e = y - x'b`` the first-stage residual, ``y - w'beta - c'delta =
    phi + e``, so the residual of the criterion is ``xi = eta + e`` with ``eta
    = omega_t - g(omega_{t-1})``, and ``xi'xi = eta'eta + 2 e'eta + e'e``.
    :class:`~.moments.MarkovMoments` with the single instrument ``e`` gives
    ``eta'eta`` and ``e'eta`` from sums accumulated in one pass; each
    evaluation is then O(1) in the number of rows, and the gradient is exact
    (complex step). Leaving the constant ``e'e`` out of the sums keeps the
    digits that cancellation would otherwise cost.
    """

    def __init__(self, phi: np.ndarray, resid: np.ndarray, state: np.ndarray, rows: np.ndarray, prev: np.ndarray,
                 degree: int, weights: np.ndarray | None = None) -> None:
        e = resid[rows]
        self.stats = MarkovMoments(phi[rows], phi[prev], state[rows], state[prev], e[:, None], degree, weights)
        self.constant = float(e @ e if weights is None else (weights * e) @ e) / self.stats.nobs

    def _values(self, gammas: np.ndarray) -> np.ndarray:
        moments, variance = self.stats.evaluate(gammas)
        return variance + 2.0 * moments[:, 0] / self.stats.nobs

    def criterion(self, gamma: np.ndarray) -> float:
        """``xi'xi / n`` (weighted)."""
        return float(self._values(np.atleast_2d(gamma))[0]) + self.constant

    def gradient(self, gamma: np.ndarray) -> np.ndarray:
        return self._values(complex_steps(gamma)).imag / COMPLEX_STEP


def direct_criterion(phi: np.ndarray, resid: np.ndarray, state: np.ndarray, rows: np.ndarray, prev: np.ndarray,
                     degree: int, extra: np.ndarray | None = None) -> Any:
    """The same criterion row by row (for the exit correction, whose ``g`` also takes ``P_hat``)."""
    k, k_lag, phi_t, phi_p = state[rows], state[prev], phi[rows], phi[prev]
    res = phi_t + resid[rows]

    def criterion(gamma: np.ndarray) -> float:
        basis = markov_basis(phi_p - k_lag @ gamma, degree, extra)
        g, *_ = np.linalg.lstsq(basis, phi_t - k @ gamma, rcond=None)
        xi = res - k @ gamma - basis @ g
        return float(xi @ xi) / xi.size  # the mean: prodest's sum has the same minimiser, worse scaling

    return criterion


def _minimize(criterion: Any, start: np.ndarray, gradient: Any = None) -> Any:
    """Minimise the second-stage criterion from ``start``.

    With an exact ``gradient`` (the sufficient-statistics path): a trust-region
    Newton method (Hessian by central differences of the gradient), then Newton
    steps to the gradient's rounding floor. Without (the exit correction):
    L-BFGS-B on central-difference gradients. Where the method reports failure,
    Nelder-Mead from its end point, keeping the better of the two. None of these
    emits warnings, so nothing here touches the (process-wide, not thread-safe)
    warning filters while bootstrap replications run in threads.
    """
    if gradient is None:
        opt = minimize(criterion, start, method="L-BFGS-B", jac="3-point",
                       options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 10_000})
    else:
        opt = minimize(criterion, start, method="trust-exact", jac=gradient, hess=_hessian(gradient),
                       options={"gtol": 1e-10})
    if not opt.success:
        polish = minimize(criterion, opt.x, method="Nelder-Mead",
                          options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": 20_000})
        if polish.fun <= opt.fun:
            polish.nit += opt.nit
            opt = polish
    if gradient is not None:
        opt.x = _newton_polish(gradient, opt.x)
        opt.fun = criterion(opt.x)
    if not np.all(np.isfinite(opt.x)):
        raise EstimationError(f"the second-stage optimiser returned {opt.x}.")
    return opt


def _hessian(gradient: Any) -> Any:
    """Central differences of an exact gradient (accurate to ~1e-10 relative)."""
    def hess(x: np.ndarray) -> np.ndarray:
        h = 1e-5 * np.maximum(1.0, np.abs(x))
        cols = [(gradient(x + e) - gradient(x - e)) / (2 * e[j]) for j, e in enumerate(np.diag(h))]
        out = np.column_stack(cols)
        return 0.5 * (out + out.T)
    return hess


def _newton_polish(gradient: Any, x: np.ndarray, steps: int = 6) -> np.ndarray:
    """Newton's method on an exact gradient; a step is kept only while it shrinks the gradient,
    so a point that is not near a minimum is returned unchanged."""
    hessian = _hessian(gradient)
    g = gradient(x)
    for _ in range(steps):
        hess = hessian(x)
        if not np.all(np.linalg.eigvalsh(hess) > 0):
            break
        trial = x - np.linalg.solve(hess, g)
        g_trial = gradient(trial)
        if not np.linalg.norm(g_trial) < np.linalg.norm(g):
            break
        x, g = trial, g_trial
    return x


class _ControlFunction(ProductionEstimator):
    default_cov: ClassVar[str] = "cluster"

    def _cov_types(self) -> tuple[str, ...]:
        return ("bootstrap",) if self._corrects_exit() else ("cluster",)

    def _default_cov(self) -> str:
        return "bootstrap" if self._corrects_exit() else "cluster"

    def _exit_probability(self, data: ModelData) -> np.ndarray | None:
        return None

    def _corrects_exit(self) -> bool:
        return False

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        fs = first_stage(data, self.spec.poly_degree)
        lag = data.lag(1)
        use = lag.valid.copy()
        p_exit = self._exit_probability(data)
        if p_exit is not None:
            use &= np.isfinite(p_exit)
        if use.sum() <= data.state.shape[1] + self.spec.markov_degree + 1:
            raise EstimationError(f"{self.method}: only {int(use.sum())} firm-years with a previous year.")
        rows, prev = np.flatnonzero(use), lag.index[use]
        phi, resid = fs.phi(), data.y - fs.design @ fs.coef
        if p_exit is None:
            second = SecondStage(phi, resid, data.state, rows, prev, self.spec.markov_degree)
            opt = _minimize(second.criterion, fs.gamma_start, second.gradient)
            if data is self._data:
                self._stages = (fs, rows, prev)  # the bootstrap reweights these
        else:
            criterion = direct_criterion(phi, resid, data.state, rows, prev, self.spec.markov_degree, p_exit[rows])
            opt = _minimize(criterion, fs.gamma_start)
        gamma = opt.x
        params = np.r_[fs.beta_free, gamma, fs.delta_controls]
        cov = None
        if cov_type == "cluster":  # p_exit is None: the exit correction has bootstrap errors only
            problem = TwoStageProblem(fs.design, data.y, data.state, rows, prev, data.codes, fs.n_free,
                                      fs.n_controls, self.spec.markov_degree)
            cov = two_stage_sandwich(problem, fs.coef, gamma)
        diag: dict[str, Any] = {
            "first_stage_nobs": data.n, "second_stage_nobs": int(rows.size), "converged": bool(opt.success),
            "objective": float(opt.fun) * rows.size, "iterations": int(opt.nit), "start": fs.gamma_start.tolist(),
            "optimizer_message": str(opt.message),
        }
        warn = [] if opt.success else [
            f"{self.method}: the optimiser did not converge ({opt.message}); see diagnostics."]
        return Estimate(params, data.log_tfp(params), data.n, cov, diagnostics=diag, warnings=warn)

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
        the optimiser (see :func:`_minimize`) started at the full-sample optimum."""
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
        opt = _minimize(second.criterion, self._full.params[nf:nf + ns], second.gradient)
        return np.r_[coef[1:1 + nf], opt.x, coef[1 + nf:1 + nf + fs.n_controls]]


class LevinsohnPetrin(_ControlFunction):
    """Levinsohn and Petrin (2003): an intermediate input (materials, energy) as the proxy.

    Standard errors by firm-cluster bootstrap (``fit(bootstrap=B, seed=...)``),
    as in R and Stata prodest. See :mod:`nqpf_tfp.production.estimators.control_function` for the two stages.
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
        polynomial in (omega_{t-1}, P_hat).
    **kwargs
        As :class:`~nqpf_tfp.production.estimators.base.ProductionEstimator`.

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

    def _exit_probability(self, data: ModelData) -> np.ndarray | None:
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
        return out
