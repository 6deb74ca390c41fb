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
by the number of terms for scaling; BFGS started at the first-stage
coefficients of the state variables, with a Nelder-Mead polish if BFGS
reports failure; ``diagnostics["objective"]`` is the sum). With
``exit``, the polynomial is in (omega_{t-1}, P_hat), P_hat the probit
probability of exit given lagged (state, proxy) (Olley and Pakes 1996, section 4).

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

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ..errors import EstimationError, PanelError, SpecificationError
from .base import Estimate, ProductionEstimator
from .basis import markov_basis, polynomial
from .spec import ModelData

__all__ = ["OlleyPakes", "LevinsohnPetrin", "first_stage"]


@dataclass(frozen=True)
class FirstStage:
    beta_free: np.ndarray
    delta_controls: np.ndarray
    gamma_start: np.ndarray
    phi: np.ndarray
    nobs: int


def first_stage(data: ModelData, poly_degree: int) -> FirstStage:
    """OLS of y on [1, free, controls, polynomial(state, proxy)]."""
    nf, nc, ns = data.free.shape[1], data.controls.shape[1], data.state.shape[1]
    poly = polynomial(np.column_stack([data.state, data.proxy]), poly_degree)
    x = np.column_stack([np.ones(data.n), data.free, data.controls, poly])
    coef, _, rank, _ = np.linalg.lstsq(x, data.y, rcond=None)
    if rank < x.shape[1]:
        raise EstimationError(
            f"the first stage is singular (rank {rank} of {x.shape[1]}): inputs, controls and the "
            f"degree-{poly_degree} polynomial in (state, proxy) are collinear."
        )
    beta = coef[1:1 + nf]
    delta = coef[1 + nf:1 + nf + nc]
    phi = x @ coef - data.free @ beta - data.controls @ delta
    return FirstStage(beta, delta, coef[1 + nf + nc:1 + nf + nc + ns], phi, data.n)


def _minimize(criterion: Any, start: np.ndarray) -> Any:
    """BFGS; where it reports failure (e.g. a line search that stalls on a flat
    stretch), Nelder-Mead from its end point, keeping the better of the two."""
    with warnings.catch_warnings():
        # scipy's (private) LineSearchWarning; a stalled line search is reported through .success instead
        warnings.filterwarnings("ignore", message="The line search algorithm", category=RuntimeWarning)
        # central-difference gradients and a tight gtol on the mean criterion: the optimum is located to
        # ~3e-8 (the gradient's finite-difference precision), whatever path shifted inputs make BFGS take
        opt = minimize(criterion, start, method="BFGS", jac="3-point", options={"gtol": 1e-9})
        if not opt.success:
            polish = minimize(criterion, opt.x, method="Nelder-Mead",
                              options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": 20_000})
            if polish.fun <= opt.fun:
                polish.nit += opt.nit
                opt = polish
    if not np.all(np.isfinite(opt.x)):
        raise EstimationError(f"the second-stage optimiser returned {opt.x}.")
    return opt


class _ControlFunction(ProductionEstimator):
    default_cov: ClassVar[str] = "bootstrap"

    def _exit_probability(self, data: ModelData) -> np.ndarray | None:
        return None

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
        k, k_lag = data.state[rows], data.state[prev]
        phi, phi_lag = fs.phi[rows], fs.phi[prev]
        res = (data.y - data.free @ fs.beta_free - data.controls @ fs.delta_controls)[rows]
        p = None if p_exit is None else p_exit[rows]

        def criterion(gamma: np.ndarray) -> float:
            basis = markov_basis(phi_lag - k_lag @ gamma, self.spec.markov_degree, p)
            g, *_ = np.linalg.lstsq(basis, phi - k @ gamma, rcond=None)
            xi = res - k @ gamma - basis @ g
            return float(xi @ xi) / xi.size  # the mean: prodest's sum has the same minimiser, worse scaling

        opt = _minimize(criterion, fs.gamma_start)
        gamma = opt.x
        params = np.r_[fs.beta_free, gamma, fs.delta_controls]
        diag: dict[str, Any] = {
            "first_stage_nobs": fs.nobs, "second_stage_nobs": int(rows.size), "converged": bool(opt.success),
            "objective": float(opt.fun) * rows.size, "iterations": int(opt.nit), "start": fs.gamma_start.tolist(),
            "optimizer_message": str(opt.message),
        }
        warn = [] if opt.success else [f"{self.method}: the optimiser did not converge ({opt.message}); see diagnostics."]
        return Estimate(params, data.log_tfp(params), data.n, None, diagnostics=diag, warnings=warn)


class LevinsohnPetrin(_ControlFunction):
    """Levinsohn and Petrin (2003): an intermediate input (materials, energy) as the proxy.

    Standard errors by firm-cluster bootstrap (``fit(bootstrap=B, seed=...)``),
    as in R and Stata prodest. See the module docstring for the two stages.
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
        As :class:`~nqpf_tfp.production.base.ProductionEstimator`.

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
        if self._exit is False:
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
