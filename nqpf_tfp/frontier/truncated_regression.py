"""The truncated-normal regression of Simar and Wilson's second stage, by maximum likelihood.

The model (Simar and Wilson 2007, eq. 12): ``delta_i = z_i'beta + eps_i`` with ``eps_i ~ N(0, sigma^2)``
left-truncated at ``1 - z_i'beta``, so ``delta_i >= 1``. Observation ``i``'s log-likelihood is

.. math::

    \\ell_i = -\\log\\sigma - \\tfrac12\\log 2\\pi - \\tfrac12 r_i^2 - \\log\\Phi(c_i),\\qquad
    r_i = (\\delta_i - z_i'\\beta)/\\sigma,\\quad c_i = (z_i'\\beta - 1)/\\sigma,

the normal density divided by the probability of the untruncated region (Amemiya 1973). It is maximised
in ``(beta, log sigma)`` by BFGS with the analytic gradient

.. math::

    \\partial\\ell_i/\\partial\\beta = (r_i - \\lambda(c_i)) z_i/\\sigma,\\qquad
    \\partial\\ell_i/\\partial\\log\\sigma = r_i^2 - 1 + \\lambda(c_i) c_i,\\qquad \\lambda = \\phi/\\Phi,

from the OLS estimates, with ``log Phi`` and the inverse Mills ratio evaluated in logs (stable far in the
tails). Draws from the truncated error use the inverse CDF in logs as well.

References
----------
Amemiya, T. (1973). Regression analysis when the dependent variable is truncated normal. *Econometrica*
41(6), 997-1016.
Simar, L. and Wilson, P. W. (2007). Estimation and inference in two-stage, semi-parametric models of
production processes. *Journal of Econometrics* 136(1), 31-64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_ndtr, ndtri_exp

__all__ = ["TruncatedFit", "draw_truncated_errors", "fit_truncated", "truncated_loglik"]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


@dataclass(frozen=True)
class TruncatedFit:
    """``beta``, ``sigma``, the log-likelihood and whether BFGS met its gradient tolerance."""

    beta: np.ndarray
    sigma: float
    loglik: float
    converged: bool


def truncated_loglik(theta: np.ndarray, delta: np.ndarray, z: np.ndarray, lower: float = 1.0
                     ) -> tuple[float, np.ndarray]:
    """The log-likelihood and its gradient at ``theta = (beta, log sigma)``."""
    beta, log_sigma = theta[:-1], theta[-1]
    sigma = math.exp(log_sigma)
    mean = z @ beta
    r = (delta - mean) / sigma
    c = (mean - lower) / sigma
    log_cdf = log_ndtr(c)
    mills = np.exp(-0.5 * c * c - _HALF_LOG_2PI - log_cdf)
    value = float(np.sum(-log_sigma - _HALF_LOG_2PI - 0.5 * r * r - log_cdf))
    grad = np.r_[z.T @ (r - mills) / sigma, np.sum(r * r - 1.0 + mills * c)]
    return value, grad


def fit_truncated(delta: np.ndarray, z: np.ndarray, start: np.ndarray | None = None,
                  lower: float = 1.0) -> TruncatedFit:
    """Maximum likelihood of the truncated regression of ``delta`` on ``z`` (a constant is not added).

    ``start`` is ``(beta, sigma)``; by default OLS.
    """
    if start is None:
        beta0, *_ = np.linalg.lstsq(z, delta, rcond=None)
        resid = delta - z @ beta0
        start = np.r_[beta0, max(float(np.sqrt(resid @ resid / delta.size)), 1e-3)]
    theta0 = np.r_[start[:-1], math.log(start[-1])]

    def negative(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = truncated_loglik(theta, delta, z, lower)
        return -value, -grad

    found = minimize(negative, theta0, jac=True, method="BFGS", options={"gtol": 1e-8, "maxiter": 1000})
    value, grad = truncated_loglik(found.x, delta, z, lower)
    converged = bool(np.all(np.isfinite(found.x)) and np.max(np.abs(grad)) < 1e-4 * max(1.0, delta.size ** 0.5))
    return TruncatedFit(found.x[:-1].copy(), float(math.exp(found.x[-1])), value, converged)


def draw_truncated_errors(rng: np.random.Generator, sigma: float, bound: np.ndarray) -> np.ndarray:
    """``eps_i ~ N(0, sigma^2)`` conditioned on ``eps_i >= bound_i``, by the inverse CDF in logs:
    ``eps = -sigma Phi^{-1}(u Phi(-bound / sigma))``."""
    u = rng.random(bound.size)
    return -sigma * ndtri_exp(np.log(u) + log_ndtr(-bound / sigma))
