"""Chen, Schmidt and Wang's (2014) fixed-effects stochastic frontier: the within likelihood of Greene's model.

.. math::

    y_{it} = \\alpha_i + x_{it}'\\beta + \\varepsilon_{it},\\qquad \\varepsilon_{it} = v_{it} - u_{it},\\quad
    v_{it} \\sim N(0, \\sigma_v^2),\\quad u_{it} \\sim N^+(0, \\sigma_u^2)\\ \\text{i.i.d. over } i, t.

This is Greene's true fixed-effects model (:mod:`nqpf_tfp.frontier.sfa_true_effects`), estimated without
the incidental parameters ``alpha_i``. A firm's composed errors ``e_i`` (``T_i`` of them) have a closed
skew-normal distribution, a family closed under linear maps; so do their deviations from the firm mean,
``e~_i = M e_i`` (``M = I - 11'/T_i``), which do not contain ``alpha_i``. On an orthonormal basis of the
within space (``T_i - 1`` dimensions) their log-density is

.. math::

    \\ell_i = -\\tfrac{T_i - 1}{2}\\ln(2\\pi\\sigma^2) - \\frac{\\tilde e_i'\\tilde e_i}{2\\sigma^2} + T_i\\ln 2
    + \\ln\\Phi_{T_i}\\Big(-\\frac{\\lambda}{\\sigma}\\tilde e_i;\\ 0,\\ I + \\frac{\\lambda^2}{T_i}11'\\Big),

``sigma^2 = sigma_u^2 + sigma_v^2``, ``lambda = sigma_u / sigma_v`` and ``Phi_T`` the ``T``-variate normal
distribution function (Chen, Schmidt and Wang 2014, section 3). Its covariance is equicorrelated, so
``Phi_T(a; 0, I + c 11') = E_s[prod_t Phi(a_t - sqrt(c) s)]`` over a standard normal ``s``: a
one-dimensional integral, computed here by Gauss-Legendre quadrature around its mode, in logs
(:func:`log_equicorrelated_cdf`; tested against SciPy's Genz integration of the ``T``-variate
distribution).

Parameters are reported as the other frontiers report them, ``sigma2`` and ``gamma = sigma_u^2 /
sigma2``. Efficiency: the firm intercept is estimated as ``alpha_i = mean_t(y_it - x_it'beta) + E[u]``
(the within residuals' firm mean is ``-E[u] = -sigma_u sqrt(2/pi)`` in expectation; consistent as ``T_i``
grows), and each row's ``e_it = y_it - alpha_i - x_it'beta`` gives Battese and Coelli's (1988) or JLMS's
measure. With few periods that intercept is noisy, so the efficiency of a single row is too; the
parameters are consistent for fixed ``T`` as the number of firms grows.

References
----------
Chen, Y.-Y., Schmidt, P. and Wang, H.-J. (2014). Consistent estimation of the fixed effects stochastic
frontier model. *Journal of Econometrics* 181(2), 65-76.
Gonzalez-Farias, G., Dominguez-Molina, J. A. and Gupta, A. K. (2004). The closed skew-normal
distribution. In M. Genton (ed.), *Skew-Elliptical Distributions and Their Applications*, ch. 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit, log_ndtr, logsumexp

from ..errors import FrontierBoundaryWarning, warn
from .sfa_likelihood import LOG_2PI, demean_by_firm, mills_ratio, posterior_efficiency
from .sfa_results import FitContext, SFADiagnostics, SFAResults
from .sfa_search import ascend, convergence_verdict, natural_covariance, stationary

__all__ = ["QUADRATURE_NODES", "ChenSchmidtWang", "fit", "log_equicorrelated_cdf", "loglik"]

#: Gauss-Legendre nodes on each side of the mode of the one-dimensional integral behind the equicorrelated
#: normal distribution function
QUADRATURE_NODES = 48

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
#: the integrand is integrated where it is within e^-40 of its maximum
_DROP = 40.0


def log_equicorrelated_cdf(a: np.ndarray, scale: np.ndarray, firms: np.ndarray, n_firms: int,
                           summer: sparse.csr_matrix) -> np.ndarray:
    """``ln Phi_T(a_i; 0, I + c_i 11')`` per firm: ``a`` per row, ``scale = sqrt(c)`` per row (constant within a
    firm), ``summer`` the sparse firms x rows matrix that sums rows into firms.

    ``Phi_T = int phi(s) prod_t Phi(a_t - sqrt(c) s) ds``. The log-integrand ``g`` is concave with ``g'' <= -1``
    and grows more curved to the right of its mode (the product is a step of width ``1 / sqrt(c)``), so
    Gauss-Hermite nodes around zero miss the step when ``c`` is large. Instead: the mode by Newton's method;
    on each side the point where ``g`` has fallen by 40 (Newton's method from outside, which approaches the
    root monotonically for a concave function; a smooth function of the parameters, unlike a bisection);
    Gauss-Legendre nodes on both intervals, summed in logs. Accurate to about 1e-9 in ``ln Phi_T`` for
    ``c`` up to 300 (tested against adaptive quadrature and Genz's integration).
    """

    def sums(values: np.ndarray) -> np.ndarray:
        return np.bincount(firms, weights=values, minlength=n_firms)

    def logs(s: np.ndarray) -> np.ndarray:
        return sums(log_ndtr(a - scale * s[firms])) - 0.5 * s * s

    def slope_and_curvature(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = a - scale * s[firms]
        m = mills_ratio(z)
        return -s - sums(scale * m), -1.0 - sums(scale * scale * m * (z + m))

    mode = np.zeros(n_firms)
    for _ in range(100):
        slope, curvature = slope_and_curvature(mode)
        step = slope / curvature
        mode -= step
        if np.max(np.abs(step), initial=0.0) < 1e-12:
            break
    top = logs(mode) - _DROP
    laplace = 1.0 / np.sqrt(-slope_and_curvature(mode)[1])
    total = np.full(n_firms, -np.inf)
    # right of the mode the curvature only grows: the drop by 40 lies within 9 Laplace scales; left within 9
    for side, start in ((-1.0, 9.0), (1.0, 9.0 * laplace)):
        edge = mode + side * start
        for _ in range(100):
            step = (logs(edge) - top) / slope_and_curvature(edge)[0]
            edge -= step
            if np.max(np.abs(step), initial=0.0) < 1e-13:
                break
        width = np.abs(edge - mode)
        s = mode[:, None] + side * width[:, None] * 0.5 * (_NODES[None, :] + 1.0)  # firms x nodes
        rows = log_ndtr(a[:, None] - scale[:, None] * s[firms])
        values = np.asarray(summer @ rows) - 0.5 * s * s + np.log(0.5 * _WEIGHTS)[None, :]
        total = np.logaddexp(total, logsumexp(values, axis=1) + np.log(width))
    return np.asarray(total - 0.5 * LOG_2PI)


@dataclass(frozen=True)
class ChenSchmidtWang:
    """Within-transformed output and regressors (no constant), levels for the intercepts, firm codes, rows per
    firm and the firms x rows summing matrix."""

    y: np.ndarray
    x: np.ndarray
    y_level: np.ndarray
    x_level: np.ndarray
    firms: np.ndarray
    n_firms: int
    counts: np.ndarray
    summer: sparse.csr_matrix

    @classmethod
    def build(cls, y: np.ndarray, x: np.ndarray, firms: np.ndarray, n_firms: int) -> ChenSchmidtWang:
        summer = sparse.csr_matrix((np.ones(firms.size), (firms, np.arange(firms.size))), shape=(n_firms, firms.size))
        return cls(demean_by_firm(y, firms, n_firms), demean_by_firm(x, firms, n_firms), y, x, firms, n_firms,
                   np.bincount(firms, minlength=n_firms).astype(float), summer)


def loglik(theta: np.ndarray, model: ChenSchmidtWang) -> float:
    """The within log-likelihood at ``theta = (beta, ln sigma2, logit gamma)``."""
    k = model.x.shape[1]
    sigma2, gamma = float(np.exp(theta[k])), float(expit(theta[k + 1]))
    lam = np.sqrt(gamma / (1.0 - gamma))
    e = model.y - model.x @ theta[:k]
    ee = np.bincount(model.firms, weights=e * e, minlength=model.n_firms)
    scale = (lam / np.sqrt(model.counts))[model.firms]
    value = (-0.5 * (model.counts - 1.0) * (LOG_2PI + np.log(sigma2)) - 0.5 * ee / sigma2
             + model.counts * np.log(2.0)
             + log_equicorrelated_cdf(-lam / np.sqrt(sigma2) * e, scale, model.firms, model.n_firms, model.summer))
    return float(np.sum(value))


def _efficiency(params: np.ndarray, model: ChenSchmidtWang, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Each row's efficiency and ``E[u | e]`` at ``alpha_i = mean(y - x'beta) + E[u]``."""
    k = model.x.shape[1]
    sigma2, gamma = params[k], params[k + 1]
    su2, sv2 = gamma * sigma2, (1.0 - gamma) * sigma2
    r = model.y_level - model.x_level @ params[:k]
    alpha = np.bincount(model.firms, weights=r, minlength=model.n_firms) / model.counts + np.sqrt(2 * su2 / np.pi)
    e = r - alpha[model.firms]
    return posterior_efficiency(-e * su2 / sigma2, np.full(e.size, np.sqrt(su2 * sv2 / sigma2)), 1.0, kind)


def fit(context: FitContext, model: ChenSchmidtWang) -> SFAResults:
    """Maximum likelihood of the within-transformed model from the within estimator and a grid over ``gamma``:
    estimates, covariance and efficiency."""
    k = model.x.shape[1]
    beta, *_ = np.linalg.lstsq(model.x, model.y, rcond=None)
    resid = model.y - model.x @ beta
    dof = float(np.sum(model.counts - 1.0))
    s2 = float(resid @ resid / dof)
    within_loglik = -0.5 * dof * (LOG_2PI + np.log(s2) + 1.0)  # gamma = 0: the within regression
    skewness = float(np.mean(resid**3) / np.mean(resid**2) ** 1.5)
    names = [*context.terms, "sigma2", "gamma"]
    # E[e~'e~] = sum (T_i - 1) var(e) with var(e) = sigma2 (1 - 2 gamma / pi)
    starts = [np.r_[beta, np.log(s2 / (1 - 2 / np.pi * g)), np.log(g / (1 - g))] for g in np.arange(0.05, 0.951, 0.05)]
    start = max(starts, key=lambda t: loglik(t, model))
    theta, value, iterations = ascend(lambda t: loglik(t, model), start)
    if skewness > 0 and value <= within_loglik + 1e-8:  # Waldman (1982) in the within space
        warn(f"SFA: the within residuals are {context.skew(skewness)}, and the likelihood is highest with no "
             "inefficiency: the estimates are the within regression with gamma = 0 (Waldman 1982); efficiency is 1 "
             "and the standard error of gamma is undefined (NaN).", FrontierBoundaryWarning)
        params = np.r_[beta, s2, 0.0]
        cov = np.full((k + 2, k + 2), np.nan)
        cov[:k, :k] = s2 * np.linalg.inv(model.x.T @ model.x)
        cov[k, k] = 2 * s2**2 / dof
        diag = SFADiagnostics(context.distribution, model.y.size, float(within_loglik), float(within_loglik), 0.0,
                              True, iterations, context.model, model.n_firms, 1, "gamma = 0 (wrong skewness)",
                              skewness, frontier=context.frontier)
        return context.results(params, names, cov, np.ones(resid.size), resid, diag, np.zeros(resid.size),
                               slopes=beta)
    if skewness > 0:
        warn(f"SFA: the within residuals are {context.skew(skewness)}; the estimated inefficiency rests on the "
             "distributional assumption alone.", FrontierBoundaryWarning)
    params = np.r_[theta[:k], np.exp(theta[k]), expit(theta[k + 1])]

    def in_natural(p: np.ndarray) -> float:
        return loglik(np.r_[p[:k], np.log(p[k]), np.log(p[k + 1] / (1 - p[k + 1]))], model)

    cov = natural_covariance(in_natural, params, k)
    converged = convergence_verdict(cov, lambda: stationary(lambda t: loglik(t, model), theta, value),
                                    hint="gamma may be near a boundary: no noise")
    eff, u_hat = _efficiency(params, model, context.efficiency_kind)
    diag = SFADiagnostics(context.distribution, model.y.size, value, float(within_loglik),
                          float(max(0.0, 2 * (value - within_loglik))), converged, iterations, context.model,
                          model.n_firms, 1, "", skewness, frontier=context.frontier)
    return context.results(params, names, cov, eff, model.y - model.x @ params[:k], diag, u_hat,
                           slopes=params[:k])
