"""The maximum of a stochastic frontier's likelihood, on the boundary of its parameters included.

The interior search is FRONTIER 4.1's route (a grid over ``gamma``, then a quasi-Newton ascent, here BFGS
and a few Newton steps). Two maxima lie on the boundary, where that search only creeps towards them:

* **Wrong skewness.** The likelihood always has a stationary point at the OLS estimates with no
  inefficiency (``gamma = 0``); when the OLS residuals of a production frontier are skewed to the right,
  that point is a local maximum and, in practice, the global one (Waldman 1982). The model then says
  there is no inefficiency; ``gamma``, and the parameters of ``u`` that vanish with it (``mu``, ``eta``,
  ``delta``), have no standard errors.
* **No noise.** The likelihood can rise all the way to ``sigma_v^2 -> 0`` (``gamma -> 1``; exponential:
  ``sigma_v -> 0``), where the model becomes a deterministic frontier. The supremum is the limit of the
  maxima over the other parameters as the noise share shrinks; it is followed by continuation (the
  noise share fixed at ``e^-8, e^-12, ...`` with the other parameters re-maximised from the previous
  solution) and taken when it beats the interior maximum. ``gamma``'s standard error is then undefined;
  the others are conditional on the limit.

``converged`` describes the final optimum: the gradient of the log-likelihood in the unconstrained
parameters vanishes (relative to the log-likelihood) and the information matrix that gives the standard
errors is positive definite there (:func:`covariance`).

References
----------
Waldman, D. M. (1982). A stationary point for the stochastic frontier likelihood. *Journal of
Econometrics* 18(2), 275-279.
Coelli, T. J. (1996). A guide to FRONTIER version 4.1. CEPA working paper 96/07.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import solve_triangular
from scipy.optimize import minimize

from ..errors import ConvergenceWarning, FrontierBoundaryWarning, warn
from .sfa_likelihood import FrontierData, loglik, parameter_tail, tail_start, unconstrained

__all__ = ["SMALL_SAMPLE", "Optimum", "ascend", "boundary_limit", "covariance", "gradient", "grid_starts",
           "hessian", "maximise", "natural_covariance", "newton_polish", "ols_limit", "parameters_of_u", "pooled_ols",
           "stationary"]

#: up to this many observations the search tries more starting points and the no-noise limit
SMALL_SAMPLE = 5000

#: noise shares ``e^-level`` the continuation towards ``sigma_v -> 0`` passes through
_LEVELS = tuple(float(v) for v in range(8, 81, 4))


@dataclass(frozen=True)
class Optimum:
    """Where the search ended: unconstrained parameters, log-likelihood, BFGS iterations, whether the
    gradient vanishes there, and the boundary it lies on ("" inside)."""

    theta: np.ndarray
    value: float
    iterations: int
    stationary: bool
    boundary: str = ""


def hessian(f: Any, x: np.ndarray, h: np.ndarray | None = None) -> np.ndarray:
    """Central second differences of a scalar function (steps ``h``, default ``1e-4 max(1, |x|)``)."""
    n = x.size
    h = 1e-4 * np.maximum(1.0, np.abs(x)) if h is None else h
    out = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.eye(n)[i] * h[i], np.eye(n)[j] * h[j]
            value = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
            out[i, j] = out[j, i] = value
    return out


def gradient(f: Any, x: np.ndarray) -> np.ndarray:
    """Central first differences of a scalar function (steps ``1e-6 max(1, |x|)``)."""
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    return np.array([(f(x + e) - f(x - e)) / (2 * hi) for e, hi in zip(np.diag(h), h)])


def newton_polish(f: Any, theta: np.ndarray, steps: int = 20) -> np.ndarray:
    """Newton steps on ``f`` (to be maximised) from ``theta`` with central-difference derivatives.

    BFGS stops where its own gradient estimate is small; along flat directions of the likelihood (an
    inefficiency determinant with a standard error of 8, say) that leaves the optimum uncertain in the
    fourth digit and dependent on the platform's floating point. A few Newton steps, each kept only if
    the likelihood rises, put it where the gradient vanishes to the differences' precision.
    """
    current, value = theta.copy(), f(theta)
    for _ in range(steps):
        grad = gradient(f, current)
        try:
            step = np.linalg.solve(hessian(f, current), -grad)
        except np.linalg.LinAlgError:
            break
        candidate = current + step
        new = f(candidate)
        if not (np.isfinite(new) and new >= value):
            break
        current, value = candidate, new
        if np.max(np.abs(step)) < 1e-10 * max(1.0, float(np.max(np.abs(current)))):
            break
    return current


def grid_starts(data: FrontierData, ols: np.ndarray, s2_ols: float) -> list[np.ndarray]:
    """FRONTIER 4.1's grid of starting values: ``gamma`` from 0.05 to 0.95 with the constant and ``sigma2``
    corrected by the moments of the half-normal (``ols`` the OLS coefficients, ``s2_ols`` the ML residual
    variance); the best grid point and, for small samples, four more (unconstrained parameters)."""
    d = data
    k, q = d.k, d.q
    profile = tail_start(d)
    mu = np.zeros(len(parameter_tail(d)) - 2 - profile.size)
    starts = []
    for g in np.arange(0.05, 0.951, 0.05):
        if d.distribution == "exponential":
            su = np.sqrt(g * s2_ols)
            nat = np.r_[ols + np.r_[su, np.zeros(k - 1)], su, np.sqrt((1 - g) * s2_ols)]
        else:
            su = np.sqrt(g * s2_ols / (1 - 2 / np.pi))
            nat = np.r_[ols + np.r_[np.sqrt(2 / np.pi) * su, np.zeros(k - 1)], np.zeros(q),
                        s2_ols / (1 - 2 / np.pi * g), g, mu, profile]
        starts.append(unconstrained(nat, d))
    values = [loglik(t, d) for t in starts]
    best = int(np.nanargmax(values))
    chosen = [starts[best]]
    if d.y.size <= SMALL_SAMPLE:
        chosen += [starts[i] for i in (1, 5, 9, 13, 17) if i != best]
    return chosen


def stationary(f: Any, theta: np.ndarray, value: float) -> bool:
    """Whether the gradient of ``f`` (central differences) vanishes at ``theta``: every element within
    ``1e-5 max(1, |f(theta)|)``, which confirms that the search ended at a maximum and not where the
    quasi-Newton steps stalled."""
    grad = gradient(f, theta)
    return bool(np.all(np.isfinite(grad)) and np.max(np.abs(grad)) <= 1e-5 * max(1.0, abs(value)))


def convergence_verdict(cov: np.ndarray, is_stationary: bool | Callable[[], bool], *, speaker: str = "SFA",
                        search: str = "maximum likelihood", hint: str = "") -> bool:
    """Whether a search converged: a finite covariance (a positive definite information matrix) and a stationary
    point (``is_stationary``, or its check, run only when the covariance is finite); otherwise a
    :class:`~nqpf_tfp.errors.ConvergenceWarning` in one wording for every model, ``hint`` saying what may not be
    identified."""
    converged = bool(np.isfinite(cov).all()) and (is_stationary() if callable(is_stationary) else is_stationary)
    if not converged:
        warn(f"{speaker}: the {search} search did not converge: the gradient does not vanish, or the information "
             "matrix is not positive definite at the estimate (standard errors NaN"
             + (f"; {hint}" if hint else "") + "). See summary().", ConvergenceWarning)
    return converged


def _negative(data: FrontierData) -> Any:
    def negative(theta: np.ndarray) -> float:
        value = loglik(theta, data)
        return -value if np.isfinite(value) else 1e300
    return negative


def maximise(data: FrontierData, starts: list[np.ndarray], try_boundary: bool) -> Optimum:
    """The interior maximum from ``starts`` (BFGS, then Newton steps), replaced by the no-noise limit
    (:func:`boundary_limit`) when ``try_boundary`` and that limit is higher."""
    negative = _negative(data)
    best = None
    for start in starts:
        opt = minimize(negative, start, method="BFGS", options={"gtol": 1e-10, "maxiter": 10_000})
        if best is None or opt.fun < best.fun:
            best = opt
    assert best is not None
    theta, value = best.x, -float(best.fun)
    polished = newton_polish(lambda t: loglik(t, data), theta)
    if loglik(polished, data) >= value:
        theta, value = polished, loglik(polished, data)
    if try_boundary:
        limit, limit_value = boundary_limit(data, theta, beat=value)
        if limit_value > value + 1e-9:
            what = "sigma_v -> 0" if data.distribution == "exponential" else "gamma -> 1 (sigma_v^2 -> 0)"
            return Optimum(limit, limit_value, int(best.nit), True, what)
    return Optimum(theta, value, int(best.nit), stationary(lambda t: loglik(t, data), theta, value))


def _noise_coordinate(data: FrontierData) -> int:
    """Index of the noise share in the unconstrained parameters: logit gamma, or ln sigma_v."""
    return data.k + data.q + 1


def _set_noise(data: FrontierData, theta: np.ndarray, level: float) -> np.ndarray:
    """``theta`` with the noise share at ``e^-level``: logit gamma = level; exponential: sigma_v / sigma_u =
    e^(-level / 2)."""
    out = theta.copy()
    at = _noise_coordinate(data)
    out[at] = out[at - 1] - level / 2 if data.distribution == "exponential" else level
    return out


def boundary_limit(data: FrontierData, theta: np.ndarray, beat: float = -np.inf) -> tuple[np.ndarray, float]:
    """The supremum of the likelihood as the noise share goes to zero, by continuation from ``theta``.

    Each level is maximised by BFGS, then Powell's method (the no-noise likelihood is steep along the
    frontier's coefficients, where BFGS's line searches stall). The rise from level to level shrinks
    geometrically; the continuation stops when it is below 1e-11, or as soon as twice the last rise
    could not lift the value above ``beat`` (the interior maximum).
    """
    at = _noise_coordinate(data)
    free = np.ones(theta.size, dtype=bool)
    free[at] = False
    current = theta.copy()
    # start with every residual <= 0, where the no-noise likelihood is finite
    current[0] += max(0.0, float(np.max(data.y - data.x @ current[:data.k])))
    best_theta, best_value = current, -np.inf
    for level in _LEVELS:
        def negative(values: np.ndarray, level: float = level, base: np.ndarray = current) -> float:
            trial = base.copy()
            trial[free] = values
            value = loglik(_set_noise(data, trial, level), data)
            return -value if np.isfinite(value) else 1e300

        opt = minimize(negative, current[free], method="BFGS", options={"gtol": 1e-9, "maxiter": 2_000})
        opt = minimize(negative, opt.x, method="Powell", options={"xtol": 1e-12, "ftol": 1e-14, "maxiter": 20_000})
        current[free] = opt.x
        current = _set_noise(data, current, level)
        value = -float(opt.fun)
        rise = value - best_value
        if rise < 1e-11:
            break
        best_theta, best_value = current.copy(), value
        if np.isfinite(rise) and value + 2 * rise < beat:
            break
    return best_theta, best_value


def _steps(params: np.ndarray, data: FrontierData) -> np.ndarray:
    """Difference steps that keep every bounded parameter inside its range (sigma2 > 0, 0 < gamma < 1)."""
    h = 1e-5 * np.maximum(1.0, np.abs(params))
    at = data.k + data.q
    if data.distribution == "exponential":
        h[at:at + 2] = np.minimum(h[at:at + 2], 0.5 * params[at:at + 2])
    else:
        h[at] = min(h[at], 0.5 * params[at])
        h[at + 1] = min(h[at + 1], 0.5 * min(params[at + 1], 1.0 - params[at + 1]))
    return h


def _orthogonalising(params: np.ndarray, data: FrontierData) -> np.ndarray:
    """``A`` with ``params = A theta`` where ``theta`` are the frontier's coefficients on orthogonal regressors
    of unit mean square (``x = Q R``, ``theta = R beta / sqrt(n)``); the other parameters unchanged.

    A translog in uncentred logs makes the information matrix nearly singular (squares near 100, almost
    linear in the logs over the data's range, beside the constant): second differences there lose digits
    that its inverse then multiplies. On orthogonal regressors the matrix is well conditioned, and
    ``A cov_theta A'`` is the same covariance exactly."""
    a = np.eye(params.size)
    r = np.linalg.qr(data.x, mode="r") / np.sqrt(data.y.size)
    a[:data.k, :data.k] = solve_triangular(r, np.eye(data.k))
    return a


def covariance(params: np.ndarray, data: FrontierData) -> np.ndarray:
    """Inverse of the negative Hessian of the log-likelihood in the reported parameters (differenced in
    orthogonal coordinates, :func:`_orthogonalising`); NaN when that information matrix is not positive
    definite (not a maximum, or a model the data do not identify)."""
    a = _orthogonalising(params, data)
    theta = np.linalg.solve(a, params)
    information = -hessian(lambda t: loglik(unconstrained(a @ t, data), data), theta, _steps(theta, data))
    information = 0.5 * (information + information.T)
    if not np.all(np.isfinite(information)) or np.linalg.eigvalsh(information).min() <= 0:
        return np.full((params.size, params.size), np.nan)
    return a @ np.linalg.inv(information) @ a.T


def ascend(f: Any, start: np.ndarray, polish: bool = True, gtol: float | None = None) -> tuple[np.ndarray, float, int]:
    """The maximum of ``f`` from ``start`` by BFGS to the gradient norm ``gtol`` (default 1e-8 with ``polish``,
    1e-6 without; a non-finite value counts as minus infinity), then, with ``polish``, Newton steps
    (:func:`newton_polish`): ``(theta, value, iterations)``."""

    def negative(theta: np.ndarray) -> float:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # trial points far out overflow
            value = f(theta)
        return 1e300 if not np.isfinite(value) else -value

    if gtol is None:
        gtol = 1e-8 if polish else 1e-6
    best = minimize(negative, start, method="BFGS", options={"gtol": gtol, "maxiter": 5000})
    theta = newton_polish(f, best.x) if polish else best.x
    return theta, float(f(theta)), int(best.nit)


def pooled_ols(y: np.ndarray, x: np.ndarray, skew: Any) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """OLS of the frontier without inefficiency: coefficients, residuals, the ML variance, the log-likelihood
    and the residuals' skewness, warning (in ``skew``'s words) when it has the wrong sign."""
    ols, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ ols
    s2 = float(resid @ resid / resid.size)
    ols_loglik = -0.5 * resid.size * (np.log(2.0 * np.pi) + np.log(s2) + 1.0)
    skewness = float(np.mean(resid**3) / np.mean(resid**2) ** 1.5)
    if skewness > 0:
        warn(f"SFA: the OLS residuals are {skew(skewness)}; the estimated inefficiency rests on the "
             "distributional assumption alone.", FrontierBoundaryWarning)
    return ols, resid, s2, float(ols_loglik), skewness


def natural_covariance(f: Any, params: np.ndarray, at: int) -> np.ndarray:
    """Inverse of the negative Hessian of ``f`` (a log-likelihood in reported parameters with ``sigma2`` at
    ``at`` and ``gamma`` at ``at + 1``), with steps kept inside their ranges; NaN when not positive definite."""
    h = 1e-4 * np.maximum(1.0, np.abs(params))
    h[at] = min(h[at], 0.5 * params[at])
    h[at + 1] = min(h[at + 1], 0.5 * min(params[at + 1], 1.0 - params[at + 1]))
    information = -hessian(f, params, h)
    information = 0.5 * (information + information.T)
    if not np.all(np.isfinite(information)) or np.linalg.eigvalsh(information).min() <= 0:
        return np.full((params.size, params.size), np.nan)
    return np.linalg.inv(information)


def ols_limit(ols: np.ndarray, s2_ols: float, data: FrontierData) -> tuple[np.ndarray, np.ndarray, str]:
    """The maximum under wrong skewness (Waldman 1982): the OLS coefficients, the ML noise variance
    ``s2_ols`` (``sigma2``, or ``sigma_v^2``) and no inefficiency (``gamma`` or ``sigma_u`` 0; ``mu``, ``eta``
    and BC95's deltas, not identified without inefficiency, NaN). Returns the reported parameters, their
    covariance (OLS's for the coefficients, ``2 s^4 / n`` for ``sigma2`` or ``s^2 / 2n`` for ``sigma_v``, NaN
    for the parameters of ``u``) and the name of the parameter at zero."""
    n, k, q = data.y.size, data.k, data.q
    if data.distribution == "exponential":
        params, noise, variance, zero = np.r_[ols, 0.0, np.sqrt(s2_ols)], k + 1, s2_ols / (2 * n), "sigma_u"
    else:
        tail = parameter_tail(data)
        params = np.r_[ols, np.full(q, np.nan), s2_ols, 0.0, np.full(len(tail) - 2, np.nan)]
        noise, variance, zero = k + q, 2 * s2_ols**2 / n, "gamma"
    cov = np.full((params.size, params.size), np.nan)
    cov[:k, :k] = s2_ols * np.linalg.inv(data.x.T @ data.x)
    cov[noise, noise] = variance
    return params, cov, zero


def parameters_of_u(data: FrontierData) -> np.ndarray:
    """Mask of the parameters that vanish with inefficiency: gamma (sigma_u), mu, the time profile (eta, ...)
    and BC95's deltas."""
    names = parameter_tail(data)
    mask = np.zeros(data.k + data.q + len(names), dtype=bool)
    mask[data.k:data.k + data.q] = True
    for i, name in enumerate(names):
        mask[data.k + data.q + i] = name not in ("sigma2", "sigma_v")  # gamma or sigma_u, mu, the time profile
    return mask

