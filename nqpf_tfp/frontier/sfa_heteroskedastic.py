"""Determinants of inefficiency and heteroskedastic noise and inefficiency (Caudill, Ford and Gropper 1995;
Wang 2002).

.. math::

    y_i = x_i'\\beta + v_i - u_i,\\qquad v_i \\sim N(0, \\sigma_{v,i}^2),\\quad u_i \\sim N^+(\\mu_i, \\sigma_{u,i}^2),

    \\mu_i = z_i'\\delta,\\quad \\ln\\sigma_{u,i}^2 = w_{u,i}'\\gamma_u,\\quad \\ln\\sigma_{v,i}^2 = w_{v,i}'\\gamma_v.

With ``mu_i = 0`` and ``sigma_u`` depending on ``w_u`` this is Caudill, Ford and Gropper's half-normal
model; with the same variables in ``z`` and ``w_u`` it is Wang's (2002), in which a variable can raise
inefficiency at some values and lower it at others. Each row's log-likelihood is the cross-section one
(:mod:`nqpf_tfp.frontier.sfa_likelihood`) with its own ``mu_i``, ``sigma_u,i`` and ``sigma_v,i``. The
scale equations carry a constant; the mean equation one unless ``inefficiency_constant=False``.

Marginal effects on mean inefficiency (Wang 2002), with ``Lambda = mu / sigma_u`` and ``m = phi(Lambda) /
Phi(Lambda)``, from ``E[u] = mu + sigma_u m``:

.. math::

    \\frac{\\partial E[u_i]}{\\partial s_{k,i}} = \\delta_k \\big(1 - \\Lambda m - m^2\\big)
    + \\frac{\\gamma_{u,k}\\,\\sigma_{u,i}}{2}\\, m \\big(1 + \\Lambda^2 + \\Lambda m\\big)

for a variable ``s_k`` in ``z`` (coefficient ``delta_k``) and in ``w_u`` (``gamma_u,k``); zero for a
term it is absent from.

References
----------
Caudill, S. B., Ford, J. M. and Gropper, D. M. (1995). Frontier estimation and firm-specific inefficiency
measures in the presence of heteroscedasticity. *Journal of Business & Economic Statistics* 13(1), 105-111.
Wang, H.-J. (2002). Heteroscedasticity and non-monotonic efficiency effects of a stochastic frontier model.
*Journal of Productivity Analysis* 18(3), 241-253.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import log_ndtr

from .sfa_likelihood import LOG_2PI, mills_ratio, posterior_efficiency
from .sfa_results import FitContext, SFADiagnostics, SFAResults
from .sfa_search import ascend, convergence_verdict, gradient, hessian, pooled_ols

__all__ = ["Heteroskedastic", "fit", "loglik", "marginal_effects", "moments"]



@dataclass(frozen=True)
class Heteroskedastic:
    """Arrays: output, frontier regressors (with the constant), the mean (``z``), inefficiency-scale
    (``w_u``) and noise-scale (``w_v``) regressors, each scale matrix with its constant first."""

    y: np.ndarray
    x: np.ndarray
    z: np.ndarray  # (n, 0) for a half-normal inefficiency
    w_u: np.ndarray
    w_v: np.ndarray

    @property
    def sizes(self) -> tuple[int, int, int, int]:
        return self.x.shape[1], self.z.shape[1], self.w_u.shape[1], self.w_v.shape[1]


def moments(theta: np.ndarray, model: Heteroskedastic) -> tuple[np.ndarray, ...]:
    """Each row's residual ``e``, ``mu``, ``sigma_u^2`` and ``sigma_v^2`` at ``theta = (beta, delta, gamma_u,
    gamma_v)``."""
    k, q, a, b = model.sizes
    beta, delta = theta[:k], theta[k:k + q]
    gamma_u, gamma_v = theta[k + q:k + q + a], theta[k + q + a:k + q + a + b]
    e = model.y - model.x @ beta
    mu = model.z @ delta if q else np.zeros(e.size)
    return e, mu, np.exp(model.w_u @ gamma_u), np.exp(model.w_v @ gamma_v)


def loglik(theta: np.ndarray, model: Heteroskedastic) -> float:
    """The exact log-likelihood (every parameter is unconstrained: the variances are exponentials)."""
    e, mu, su2, sv2 = moments(theta, model)
    sigma2 = su2 + sv2
    s_star = np.sqrt(su2 * sv2 / sigma2)
    mu_star = (mu * sv2 - e * su2) / sigma2
    return float(np.sum(-0.5 * (LOG_2PI + np.log(sigma2)) - 0.5 * (e + mu) ** 2 / sigma2
                        + log_ndtr(mu_star / s_star) - log_ndtr(mu / np.sqrt(su2))))


def marginal_effects(theta: np.ndarray, model: Heteroskedastic, z_columns: list[str], u_columns: list[str],
                     names: list[str]) -> np.ndarray:
    """``dE[u_i] / ds`` per row and variable ``s`` of ``names`` (see the module); ``z_columns`` and
    ``u_columns`` name the columns of ``z`` and ``w_u`` (``None`` for a constant)."""
    k, q, a, _ = model.sizes
    _, mu, su2, _ = moments(theta, model)
    su = np.sqrt(su2)
    lam = mu / su
    m = mills_ratio(lam)
    through_mean = 1.0 - lam * m - m * m
    through_scale = 0.5 * su * m * (1.0 + lam * lam + lam * m)
    out = np.zeros((model.y.size, len(names)))
    for j, name in enumerate(names):
        if name in z_columns:
            out[:, j] += theta[k + z_columns.index(name)] * through_mean
        if name in u_columns:
            out[:, j] += theta[k + q + u_columns.index(name)] * through_scale
    return out


def _posterior(theta: np.ndarray, model: Heteroskedastic) -> tuple[np.ndarray, np.ndarray]:
    e, mu, su2, sv2 = moments(theta, model)
    sigma2 = su2 + sv2
    return (mu * sv2 - e * su2) / sigma2, np.sqrt(su2 * sv2 / sigma2)


def fit(context: FitContext, model: Heteroskedastic, names: list[str], z_columns: list[str], u_columns: list[str],
        effect_names: list[str]) -> SFAResults:
    """Maximum likelihood from the homoskedastic half-normal fit's grid: estimates, covariance, efficiency and
    the marginal effects on mean inefficiency."""
    k, q, a, b = model.sizes
    ols, resid, s2, ols_loglik, skewness = pooled_ols(model.y, model.x, context.skew)
    n = resid.size
    starts = []
    for g in np.arange(0.05, 0.951, 0.05):
        su2 = g * s2 / (1 - 2 / np.pi)
        shift = np.r_[np.sqrt(2 / np.pi * su2), np.zeros(k - 1)]
        starts.append(np.r_[ols + shift, np.zeros(q), np.log(su2), np.zeros(a - 1),
                            np.log(max((1 - g) * s2, 1e-8)), np.zeros(b - 1)])
    start = max(starts, key=lambda t: loglik(t, model))

    theta, value, iterations = ascend(lambda t: loglik(t, model), start)
    information = -hessian(lambda t: loglik(t, model), theta)
    information = 0.5 * (information + information.T)
    slope = gradient(lambda t: loglik(t, model), theta)
    converged = bool(np.all(np.isfinite(information)) and np.linalg.eigvalsh(information).min() > 0
                     and np.max(np.abs(slope)) < 1e-3)
    cov = np.linalg.inv(information) if converged else np.full((theta.size, theta.size), np.nan)
    convergence_verdict(cov, converged,
                        hint="the scale or mean variables may not be identified by these data")
    mu_star, s_star = _posterior(theta, model)
    eff, u_hat = posterior_efficiency(mu_star, s_star, 1.0, context.efficiency_kind)
    diag = SFADiagnostics(context.distribution, n, value, float(ols_loglik), float(max(0.0, 2 * (value - ols_loglik))),
                          converged, iterations, context.model, None, q + a, "", skewness,
                          frontier=context.frontier)
    effects = pd.DataFrame(marginal_effects(theta, model, z_columns, u_columns, effect_names), index=context.index,
                           columns=effect_names)
    return context.results(theta, names, cov, eff, model.y - model.x @ theta[:k], diag, u_hat, effects)
