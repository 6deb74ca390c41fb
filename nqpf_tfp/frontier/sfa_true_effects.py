"""Greene's (2005) true fixed-effects stochastic frontier: a firm intercept beside inefficiency.

.. math::

    y_{it} = \\alpha_i + x_{it}'\\beta + v_{it} - u_{it},\\qquad v_{it} \\sim N(0, \\sigma_v^2),\\quad
    u_{it} \\sim N^+(0, \\sigma_u^2)\\ \\text{independent over } i \\text{ and } t.

The firm intercepts ``alpha_i`` take up persistent heterogeneity, so that only the transient part of a
firm's shortfall counts as inefficiency. Every ``alpha_i`` enters only its firm's rows, and the
half-normal log-likelihood is concave in the residual, so for given ``(beta, sigma2, gamma)`` each
``alpha_i`` is the root of a one-dimensional concave problem, solved for all firms at once by Newton's
method; the parameters are estimated by maximising this profile likelihood (the full maximum likelihood
estimate, all ``N`` dummies included, as Greene computes it). The covariance of ``(beta, sigma2, gamma)``
is the inverse of the negative Hessian of the profile likelihood, which equals that block of the full
inverse information matrix.

The incidental-parameter problem: with few periods per firm the ``alpha_i`` are estimated from ``T``
rows each, and the maximum likelihood estimate of the variances is biased (``sigma_v`` towards zero in
short panels), which biases inefficiency; ``beta`` is much less affected (Greene 2005; Chen, Schmidt and
Wang 2014, whose within-transformed likelihood removes the ``alpha_i``). The tests and the Monte Carlo
benchmark report the bias instead of hiding it.

Technical efficiency: Battese and Coelli's (1988) ``E[exp(-u_it) | e_it]`` or JLMS, row by row, at the
firm's estimated intercept.

References
----------
Greene, W. (2005). Reconsidering heterogeneity in panel data estimators of the stochastic frontier model.
*Journal of Econometrics* 126(2), 269-303.
Chen, Y.-Y., Schmidt, P. and Wang, H.-J. (2014). Consistent estimation of the fixed effects stochastic
frontier model. *Journal of Econometrics* 181(2), 65-76.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ..errors import FrontierBoundaryWarning, warn
from .sfa_likelihood import LOG_2PI, demean_by_firm, half_normal_logdensity, mills_ratio, posterior_efficiency
from .sfa_results import FitContext, SFADiagnostics, SFAResults
from .sfa_search import ascend, convergence_verdict, gradient, natural_covariance

__all__ = ["TrueFixedEffects", "covariance", "fit", "maximise", "profile_loglik", "row_efficiency", "starting_values",
           "within_alphas"]

#: Newton steps for the firm intercepts, and the step size below which they stop
NEWTON_STEPS, NEWTON_TOL = 50, 1e-12


@dataclass(frozen=True)
class TrueFixedEffects:
    """Arrays of the model: the output, the regressors without a constant, firm codes 0..N-1."""

    y: np.ndarray
    x: np.ndarray
    firms: np.ndarray
    n_firms: int


def within_alphas(model: TrueFixedEffects, beta: np.ndarray, sigma2: float, gamma: float,
                  start: np.ndarray | None = None) -> np.ndarray:
    """Each firm's intercept maximising its rows' likelihood given the other parameters (Newton, all firms
    at once; the problem is concave)."""
    lam = np.sqrt(gamma / (1.0 - gamma))
    sigma = np.sqrt(sigma2)
    partial = model.y - model.x @ beta
    counts = np.bincount(model.firms, minlength=model.n_firms)
    if start is None:  # the firm mean of y - x'beta, plus the mean of u
        start = np.bincount(model.firms, weights=partial, minlength=model.n_firms) / counts
        start = start + np.sqrt(2.0 / np.pi) * np.sqrt(gamma * sigma2)
    alpha = start.copy()
    for _ in range(NEWTON_STEPS):
        e = partial - alpha[model.firms]
        z = -lam * e / sigma
        m = mills_ratio(z)
        first = e / sigma2 + (lam / sigma) * m  # d loglik / d alpha, per row
        second = -1.0 / sigma2 - (lam / sigma) ** 2 * m * (z + m)  # d2 loglik / d alpha2 (< 0)
        step = np.bincount(model.firms, weights=first, minlength=model.n_firms) / np.bincount(
            model.firms, weights=second, minlength=model.n_firms)
        alpha = alpha - step
        if np.max(np.abs(step)) < NEWTON_TOL:
            break
    return alpha


def profile_loglik(theta: np.ndarray, model: TrueFixedEffects,
                   alphas: list[np.ndarray] | None = None) -> float:
    """The log-likelihood maximised over the firm intercepts, at ``theta = (beta, ln sigma2, logit gamma)``;
    ``alphas`` (a one-element list) carries the intercepts between calls as a warm start."""
    k = model.x.shape[1]
    beta, sigma2, gamma = theta[:k], float(np.exp(theta[k])), float(expit(theta[k + 1]))
    if not (np.isfinite(sigma2) and 0.0 < gamma < 1.0):
        return -np.inf
    start = alphas[0] if alphas else None
    alpha = within_alphas(model, beta, sigma2, gamma, start)
    if alphas is not None:
        alphas[:] = [alpha]
    e = model.y - model.x @ beta - alpha[model.firms]
    return float(np.sum(half_normal_logdensity(e, sigma2, np.sqrt(gamma / (1.0 - gamma)))))


def maximise(model: TrueFixedEffects, start: np.ndarray) -> tuple[np.ndarray, float, bool, int]:
    """The profile likelihood's maximum from ``start``: ``(theta, value, converged, iterations)``."""
    cache: list[np.ndarray] = []  # the firm intercepts of the last evaluation: a warm start for the next
    # no Newton polish: near gamma -> 1 (short panels) its steps leave the likelihood's domain
    theta, value, iterations = ascend(lambda t: profile_loglik(t, model, cache), start, polish=False, gtol=1e-8)
    slope = gradient(lambda t: profile_loglik(t, model), theta)
    converged = bool(np.max(np.abs(slope)) < 1e-4 * max(1.0, abs(value)) ** 0.5)
    return theta, value, converged, iterations


def covariance(params: np.ndarray, model: TrueFixedEffects) -> np.ndarray:
    """Inverse of the negative Hessian of the profile likelihood in ``(beta, sigma2, gamma)``; NaN where it is
    not positive definite."""
    k = model.x.shape[1]

    def in_natural(p: np.ndarray) -> float:
        return profile_loglik(np.r_[p[:k], np.log(p[k]), np.log(p[k + 1] / (1 - p[k + 1]))], model)

    return natural_covariance(in_natural, params, k)


def starting_values(model: TrueFixedEffects) -> np.ndarray:
    """``(beta, ln sigma2, logit gamma)`` to start from: the within (dummy-variable) regression and the best
    point of a grid over ``gamma`` with ``sigma2`` matched to the within residuals' variance."""
    x_within = demean_by_firm(model.x, model.firms, model.n_firms)
    y_within = demean_by_firm(model.y, model.firms, model.n_firms)
    beta, *_ = np.linalg.lstsq(x_within, y_within, rcond=None)
    resid = y_within - x_within @ beta
    s2 = float(resid @ resid / resid.size)
    best, best_value = None, -np.inf
    for gamma in np.arange(0.05, 0.951, 0.05):
        sigma2 = s2 / (1.0 - 2.0 / np.pi * gamma)
        theta = np.r_[beta, np.log(sigma2), np.log(gamma / (1.0 - gamma))]
        value = profile_loglik(theta, model)
        if value > best_value:
            best, best_value = theta, value
    assert best is not None
    return best


def row_efficiency(e: np.ndarray, sigma2: float, gamma: float, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Battese-Coelli (``kind="bc"``) or JLMS efficiency, and JLMS's ``E[u | e]``, of every row: ``u | e`` is a
    normal with mean ``-e sigma_u^2 / sigma2`` and scale ``sigma_u sigma_v / sigma`` truncated at zero."""
    su2, sv2 = gamma * sigma2, (1.0 - gamma) * sigma2
    return posterior_efficiency(-e * su2 / sigma2, np.full(e.size, np.sqrt(su2 * sv2 / sigma2)), 1.0, kind)


def fit(context: FitContext, model: TrueFixedEffects) -> SFAResults:
    """Greene's true fixed effects by the profile likelihood: estimates, covariance, efficiency."""
    start = starting_values(model)
    k = model.x.shape[1]
    e_within = demean_by_firm(model.y - model.x @ start[:k], model.firms, model.n_firms)
    s2 = float(e_within @ e_within / e_within.size)
    ols_loglik = -0.5 * e_within.size * (LOG_2PI + np.log(s2) + 1.0)
    skewness = float(np.mean(e_within**3) / np.mean(e_within**2) ** 1.5)
    if skewness > 0:
        warn(f"SFA: the within residuals are {context.skew(skewness)}; the estimated inefficiency rests on the "
             "distributional assumption alone.", FrontierBoundaryWarning)
    theta, value, converged, iterations = maximise(model, start)
    params = np.r_[theta[:k], np.exp(theta[k]), expit(theta[k + 1])]
    boundary = "gamma -> 1 (sigma_v^2 -> 0)" if params[k + 1] > 1 - 1e-6 else ""
    if boundary:  # the incidental-parameter problem at its worst: a deterministic frontier per firm
        cov, converged = np.full((k + 2, k + 2), np.nan), True
        warn("SFA: the true fixed-effects likelihood rises all the way to gamma -> 1 (sigma_v -> 0): with "
             f"{model.y.size / model.n_firms:.1f} periods per firm the firm intercepts absorb the noise (the "
             "incidental-parameter problem of Greene's estimator in short panels); the limit is returned and "
             "its standard errors are undefined (NaN).", FrontierBoundaryWarning)
    else:
        cov = covariance(params, model)
        converged = convergence_verdict(cov, converged)
    alpha = within_alphas(model, params[:k], params[k], params[k + 1])
    residual = model.y - model.x @ params[:k] - alpha[model.firms]  # of the production side: -e for a cost frontier
    eff, u_hat = row_efficiency(residual, params[k], params[k + 1], context.efficiency_kind)
    names = [*context.terms, "sigma2", "gamma"]
    diag = SFADiagnostics(context.distribution, model.y.size, value, float(ols_loglik),
                          float(max(0.0, 2 * (value - ols_loglik))), converged, iterations, context.model,
                          model.n_firms, 1, boundary, skewness, frontier=context.frontier)
    return context.results(params, names, cov, eff, residual, diag, u_hat, slopes=params[:k])
