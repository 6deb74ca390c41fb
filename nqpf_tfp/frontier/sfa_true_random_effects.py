"""Greene's (2005) true random-effects stochastic frontier, by maximum simulated likelihood.

.. math::

    y_{it} = \\alpha + w_i + x_{it}'\\beta + v_{it} - u_{it},\\qquad w_i \\sim N(0, \\sigma_w^2),\\quad
    v_{it} \\sim N(0, \\sigma_v^2),\\quad u_{it} \\sim N^+(0, \\sigma_u^2).

A firm's random intercept ``w_i`` takes up persistent heterogeneity, and ``u_it`` is transient
inefficiency. Given ``w_i`` the rows are independent half-normal frontiers; the firm's likelihood is the
integral over ``w_i``, which has no closed form and is simulated:

.. math::

    L_i = \\frac1R \\sum_{r=1}^R \\prod_t f(y_{it} - \\alpha - x_{it}'\\beta - \\sigma_w \\zeta_{ir}),

``f`` the half-normal frontier density and ``zeta_ir = Phi^-1(h_ir)`` with ``h_ir`` scrambled Halton
points (SciPy's ``qmc.Halton``, scrambled with the seed), ``R`` of them per firm (``draws=``). The same
points are used at every parameter value, so the simulated likelihood is smooth; the same seed gives the
same estimates. Technical efficiency averages the row's Battese-Coelli (or JLMS) measure at each draw of
``w_i``, weighted by the draw's posterior weight ``prod_t f(.)`` (Greene 2005).

Parameters are reported as ``(beta, sigma2, gamma, sigma_w)`` with ``sigma2 = sigma_u^2 + sigma_v^2`` and
``gamma = sigma_u^2 / sigma2``.

References
----------
Greene, W. (2005). Reconsidering heterogeneity in panel data estimators of the stochastic frontier model.
*Journal of Econometrics* 126(2), 269-303.
Train, K. (2009). *Discrete Choice Methods with Simulation*, 2nd ed. Cambridge University Press, ch. 9
(Halton draws).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit, logsumexp, ndtri
from scipy.stats import qmc

from ..errors import ConvergenceWarning, warn
from .sfa_likelihood import half_normal_logdensity, posterior_efficiency
from .sfa_results import FitContext, SFADiagnostics, SFAResults
from .sfa_search import ascend, natural_covariance, pooled_ols

__all__ = ["TrueRandomEffects", "fit", "halton_normals", "simulated_loglik"]



def halton_normals(n_firms: int, draws: int, seed: np.random.SeedSequence) -> np.ndarray:
    """``n_firms x draws`` standard normal draws from a scrambled one-dimensional Halton sequence."""
    points = qmc.Halton(d=1, scramble=True, seed=np.random.default_rng(seed)).random(n_firms * draws)[:, 0]
    return np.asarray(ndtri(points)).reshape(n_firms, draws)


@dataclass(frozen=True)
class TrueRandomEffects:
    """The output, the regressors with the constant, firm codes, each row's normal draws (its firm's) and the
    sparse firms x rows matrix that sums rows into firms."""

    y: np.ndarray
    x: np.ndarray
    firms: np.ndarray
    n_firms: int
    row_normals: np.ndarray  # rows x draws
    summer: sparse.csr_matrix

    @classmethod
    def build(cls, y: np.ndarray, x: np.ndarray, firms: np.ndarray, n_firms: int,
              normals: np.ndarray) -> TrueRandomEffects:
        """From the ``n_firms x draws`` normals; the gather and the summing matrix are made once, not per
        likelihood evaluation."""
        summer = sparse.csr_matrix((np.ones(firms.size), (firms, np.arange(firms.size))), shape=(n_firms, firms.size))
        return cls(y, x, firms, n_firms, normals[firms], summer)


def _firm_draw_logs(theta: np.ndarray, model: TrueRandomEffects) -> tuple[np.ndarray, np.ndarray, float, float]:
    """``log prod_t f`` per firm and draw, the rows' residuals at each draw, ``sigma2`` and ``gamma``."""
    k = model.x.shape[1]
    sigma2, gamma, sigma_w = float(np.exp(theta[k])), float(expit(theta[k + 1])), float(np.exp(theta[k + 2]))
    e = (model.y - model.x @ theta[:k])[:, None] - sigma_w * model.row_normals  # rows x draws
    rows = half_normal_logdensity(e, sigma2, np.sqrt(gamma / (1.0 - gamma)))
    return np.asarray(model.summer @ rows), e, sigma2, gamma


def simulated_loglik(theta: np.ndarray, model: TrueRandomEffects) -> float:
    """The simulated log-likelihood at ``theta = (beta, ln sigma2, logit gamma, ln sigma_w)``."""
    per_firm, *_ = _firm_draw_logs(theta, model)
    draws = per_firm.shape[1]
    return float(np.sum(logsumexp(per_firm, axis=1) - np.log(draws)))


def _efficiency(theta: np.ndarray, model: TrueRandomEffects, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Each row's efficiency and ``E[u | data]``, averaged over the draws of ``w_i`` with posterior weights."""
    per_firm, e, sigma2, gamma = _firm_draw_logs(theta, model)
    weights = np.exp(per_firm - logsumexp(per_firm, axis=1, keepdims=True))[model.firms]  # rows x draws
    su2, sv2 = gamma * sigma2, (1.0 - gamma) * sigma2
    eff, u_hat = posterior_efficiency(-e * su2 / sigma2, np.full(e.shape, np.sqrt(su2 * sv2 / sigma2)), 1.0, "bc")
    u_hat = np.sum(weights * u_hat, axis=1)
    return (np.sum(weights * eff, axis=1) if kind == "bc" else np.exp(-u_hat)), u_hat


def fit(context: FitContext, model: TrueRandomEffects) -> SFAResults:
    """Maximum simulated likelihood from the pooled half-normal frontier's grid: estimates, covariance and
    efficiency."""
    k = model.x.shape[1]
    ols, resid, s2, ols_loglik, skewness = pooled_ols(model.y, model.x, context.skew)
    n = resid.size
    firm_means = np.bincount(model.firms, weights=resid, minlength=model.n_firms) / np.bincount(model.firms)
    sigma_w = max(float(np.std(firm_means)), 1e-3)
    starts = []
    for g in np.arange(0.05, 0.951, 0.05):
        sigma2 = max(s2 - sigma_w**2, 1e-4) / (1 - 2 / np.pi * g)
        shift = np.r_[np.sqrt(2 / np.pi * g * sigma2), np.zeros(k - 1)]
        starts.append(np.r_[ols + shift, np.log(sigma2), np.log(g / (1 - g)), np.log(sigma_w)])
    start = max(starts, key=lambda t: simulated_loglik(t, model))

    # each evaluation sums rows x draws: no Newton polish here
    theta, value, iterations = ascend(lambda t: simulated_loglik(t, model), start, polish=False)
    params = np.r_[theta[:k], np.exp(theta[k]), expit(theta[k + 1]), np.exp(theta[k + 2])]

    def in_natural(p: np.ndarray) -> float:
        if p[k + 2] <= 0:
            return -np.inf
        return simulated_loglik(np.r_[p[:k], np.log(p[k]), np.log(p[k + 1] / (1 - p[k + 1])), np.log(p[k + 2])],
                                model)

    cov = natural_covariance(in_natural, params, k)
    converged = bool(np.isfinite(cov).all())
    if not converged:
        warn("SFA: the maximum simulated likelihood search did not converge: the information matrix is not "
             "positive definite at the estimate (standard errors NaN; sigma_w may be zero or not identified).",
             ConvergenceWarning)
    eff, u_hat = _efficiency(theta, model, context.efficiency_kind)
    names = ["const", *context.terms, "sigma2", "gamma", "sigma_w"]
    diag = SFADiagnostics(context.distribution, n, value, float(ols_loglik), float(max(0.0, 2 * (value - ols_loglik))),
                          converged, iterations, context.model, model.n_firms, 1, "", skewness,
                          frontier=context.frontier)
    return context.results(params, names, cov, eff, model.y - model.x @ params[:k], diag, u_hat, slopes=params[1:k])
