"""The four-component stochastic frontier by exact maximum likelihood (Colombi, Kumbhakar, Martini and
Vittadini 2014), and Greene's (2005) true random effects (``h_i = 0``) by the same route.

.. math::

    y_{it} = \\alpha + x_{it}'\\beta + (w_i - h_i) + (v_{it} - u_{it}),\\qquad
    w_i \\sim N(0, \\sigma_w^2),\\ h_i \\sim N^+(0, \\sigma_h^2),\\ v_{it} \\sim N(0, \\sigma_v^2),\\
    u_{it} \\sim N^+(0, \\sigma_u^2).

Colombi et al. show that a firm's composed errors ``e_i = y_i - alpha - X_i beta`` are closed-skew normal,
with a density that involves a ``(T_i + 1)``-variate normal distribution function. The same density is
a one-dimensional integral: given the persistent part ``c = w_i - h_i``, the rows are independent
normal-half-normal frontiers, and ``c`` is itself normal-half-normal, so

.. math::

    L_i = \\int g(c;\\ \\sigma_w, \\sigma_h) \\prod_t g(e_{it} - c;\\ \\sigma_v, \\sigma_u)\\, dc,\\qquad
    g(e; \\sigma_v, \\sigma_u) = \\frac{2}{\\sigma} \\phi\\Big(\\frac{e}{\\sigma}\\Big)
    \\Phi\\Big(-\\frac{\\sigma_u}{\\sigma_v} \\frac{e}{\\sigma}\\Big),\\ \\sigma^2 = \\sigma_u^2 + \\sigma_v^2,

which is computed here by adaptive Gauss-Hermite quadrature (Liu and Pierce 1994): ``NODES`` nodes per firm,
centred at the mean of ``c`` given the firm's residuals and scaled by its standard deviation, both under
the normal approximation that matches the first two moments of every component. The quadrature is
deterministic, so the likelihood is smooth and exact up to its error, measured in the tests against
SciPy's adaptive integration (1e-12 per firm in log-likelihood across short and long panels and small
and large persistent components; 1.5e-7 when ``w_i`` is almost absent beside a large ``h_i``, where the
density of ``c`` has a near-corner at 0). Without persistent inefficiency ``c = w_i`` is normal and this is
the exact likelihood of true random effects (``model="true-random-effects", integration="quadrature"``),
which Greene (2005) simulates. The likelihood is then maximised from the starting grid of the
simulated-likelihood version (``model="filippini-greene"``), by BFGS and Newton steps, with standard errors
from the inverse Hessian in the reported parameters ``(beta, sigma2, gamma, sigma_w, sigma_h)``
(``sigma2 = sigma_u^2 + sigma_v^2``, ``gamma = sigma_u^2 / sigma2``).

Efficiency, at each node ``c`` of a firm's integral weighted by its share of ``L_i``: persistent
``E[exp(-h_i) | e_i]`` (the normal-half-normal Battese-Coelli measure of ``h`` given ``c``), transient
``E[exp(-u_it) | e_i]`` (that of ``u_it`` given ``e_it - c``) and overall ``E[exp(-h_i - u_it) | e_i]``, the
two being independent given ``c``; JLMS: ``exp`` of minus the posterior means. These are Colombi et al.'s
conditional expectations, evaluated by the same quadrature.

References
----------
Colombi, R., Kumbhakar, S. C., Martini, G. and Vittadini, G. (2014). Closed-skew normality in stochastic
frontiers with individual effects and long/short-run efficiency. *Journal of Productivity Analysis* 42(2),
123-136.
Liu, Q. and Pierce, D. A. (1994). A note on Gauss-Hermite quadrature. *Biometrika* 81(3), 624-629.
Filippini, M. and Greene, W. (2016). Persistent and transient productive inefficiency: a maximum simulated
likelihood approach. *Journal of Productivity Analysis* 45(2), 187-196.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.polynomial.hermite_e import hermegauss
from scipy import sparse
from scipy.special import expit, logsumexp

from .sfa_likelihood import half_normal_logdensity, posterior_efficiency
from .sfa_results import FitContext, SFADiagnostics, SFAResults
from .sfa_search import ascend, convergence_verdict, natural_covariance, pooled_ols, stationary
from .sfa_true_random_effects import firm_effect_starts

__all__ = ["NODES", "ClosedSkewNormal", "fit", "loglik"]

#: Gauss-Hermite nodes per firm
NODES = 64

_Z, _W = hermegauss(NODES)
_LOG_W = np.log(_W) + 0.5 * _Z**2  # the weight function exp(-z^2 / 2) divided out
_SHIFT = np.sqrt(2.0 / np.pi)  # E|N(0, 1)|
_HALF_VARIANCE = 1.0 - 2.0 / np.pi  # var|N(0, 1)|


@dataclass(frozen=True)
class ClosedSkewNormal:
    """The output, the regressors with the constant, firm codes, rows per firm, the sparse firms x rows matrix
    that sums rows into firms (made once), and whether the firm effect carries persistent inefficiency (else
    ``h_i = 0``: Greene's true random effects, ``w_i`` normal)."""

    y: np.ndarray
    x: np.ndarray
    firms: np.ndarray
    n_firms: int
    counts: np.ndarray
    summer: sparse.csr_matrix
    persistent: bool = True

    @classmethod
    def build(cls, y: np.ndarray, x: np.ndarray, firms: np.ndarray, n_firms: int,
              persistent: bool = True) -> ClosedSkewNormal:
        summer = sparse.csr_matrix((np.ones(firms.size), (firms, np.arange(firms.size))), shape=(n_firms, firms.size))
        return cls(y, x, firms, n_firms, np.bincount(firms, minlength=n_firms).astype(float), summer, persistent)


def _standard_deviations(theta: np.ndarray, k: int) -> tuple[float, float, float, float]:
    """``(sigma_u, sigma_v, sigma_w, sigma_h)`` from ``theta = (beta, ln sigma2, logit gamma, ln sigma_w[,
    ln sigma_h])`` (``sigma_h = 0`` without it)."""
    sigma2, share = float(np.exp(theta[k])), float(expit(-theta[k + 1]))  # share = 1 - gamma, to full precision
    sigma_h = float(np.exp(theta[k + 3])) if theta.size > k + 3 else 0.0
    return float(np.sqrt((1.0 - share) * sigma2)), float(np.sqrt(share * sigma2)), float(np.exp(theta[k + 2])), sigma_h


def _nodes(theta: np.ndarray, model: ClosedSkewNormal) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The log of each firm's integrand at its nodes (firms x nodes, quadrature weights and the change of
    variable included), the nodes ``c`` and the rows' ``e - c`` (rows x nodes)."""
    k = model.x.shape[1]
    su, sv, sw, sh = _standard_deviations(theta, k)
    e = model.y - model.x @ theta[:k]
    # the normal approximation of c given the firm's residuals: centre and scale of the nodes
    prior_var = sw**2 + _HALF_VARIANCE * sh**2
    row_var = sv**2 + _HALF_VARIANCE * su**2
    sums = np.bincount(model.firms, weights=e + _SHIFT * su, minlength=model.n_firms)
    scale = 1.0 / np.sqrt(1.0 / prior_var + model.counts / row_var)
    centre = scale**2 * (-_SHIFT * sh / prior_var + sums / row_var)
    c = centre[:, None] + scale[:, None] * _Z[None, :]  # firms x nodes
    rest = e[:, None] - c[model.firms]  # rows x nodes: v - u
    rows = half_normal_logdensity(rest, su**2 + sv**2, su / sv)
    logs = (np.asarray(model.summer @ rows) + half_normal_logdensity(c, sw**2 + sh**2, sh / sw)
            + _LOG_W[None, :] + np.log(scale)[:, None])
    return logs, c, rest


def loglik(theta: np.ndarray, model: ClosedSkewNormal) -> float:
    """The log-likelihood at ``theta = (beta, ln sigma2, logit gamma, ln sigma_w, ln sigma_h)``."""
    logs, *_ = _nodes(theta, model)
    return float(np.sum(logsumexp(logs, axis=1)))


def _efficiency(theta: np.ndarray, model: ClosedSkewNormal,
                kind: str) -> tuple[np.ndarray, np.ndarray, pd.DataFrame | None]:
    """Overall efficiency and inefficiency per row, and the persistent, transient and overall efficiency
    (with persistent inefficiency)."""
    k = model.x.shape[1]
    su, sv, sw, sh = _standard_deviations(theta, k)
    logs, c, rest = _nodes(theta, model)
    weights = np.exp(logs - logsumexp(logs, axis=1, keepdims=True))  # firms x nodes
    # h given c = w - h, and u_it given e_it - c: normal-half-normal posteriors
    s2p, s2t = sw**2 + sh**2, su**2 + sv**2
    eff_u, u_hat = posterior_efficiency(-rest * su**2 / s2t, np.full(rest.shape, su * sv / np.sqrt(s2t)), 1.0, "bc")
    row_weights = weights[model.firms]
    transient_u = np.sum(row_weights * u_hat, axis=1)
    if not model.persistent:
        transient = np.sum(row_weights * eff_u, axis=1) if kind == "bc" else np.exp(-transient_u)
        return transient, transient_u, None
    eff_h, h_hat = posterior_efficiency(-c * sh**2 / s2p, np.full(c.shape, sh * sw / np.sqrt(s2p)), 1.0, "bc")
    persistent_h = np.sum(weights * h_hat, axis=1)[model.firms]
    if kind == "bc":
        persistent = np.sum(weights * eff_h, axis=1)[model.firms]
        transient = np.sum(row_weights * eff_u, axis=1)
        overall = np.sum(row_weights * eff_u * eff_h[model.firms], axis=1)
    else:
        persistent, transient = np.exp(-persistent_h), np.exp(-transient_u)
        overall = np.exp(-persistent_h - transient_u)
    parts = pd.DataFrame({"persistent": persistent, "transient": transient, "overall": overall})
    return overall, persistent_h + transient_u, parts


def fit(context: FitContext, model: ClosedSkewNormal) -> SFAResults:
    """Maximum likelihood from the four-component starting grid: estimates, covariance and the three
    efficiencies."""
    k = model.x.shape[1]
    ols, resid, s2, ols_loglik, skewness = pooled_ols(model.y, model.x, context.skew)
    starts = firm_effect_starts(ols, resid, s2, model.firms, model.n_firms, model.persistent)
    start = max(starts, key=lambda t: loglik(t, model))
    theta, value, iterations = ascend(lambda t: loglik(t, model), start)
    params = np.r_[theta[:k], np.exp(theta[k]), expit(theta[k + 1]), np.exp(theta[k + 2:])]

    def in_natural(p: np.ndarray) -> float:
        if np.any(p[k + 2:] <= 0):
            return -np.inf
        return loglik(np.r_[p[:k], np.log(p[k]), np.log(p[k + 1] / (1 - p[k + 1])), np.log(p[k + 2:])], model)

    cov = natural_covariance(in_natural, params, k)
    converged = convergence_verdict(cov, lambda: stationary(lambda t: loglik(t, model), theta, value),
                                    hint="sigma_w" + (" or sigma_h" if model.persistent else "")
                                    + " may be zero or not identified")
    eff, u_hat, parts = _efficiency(theta, model, context.efficiency_kind)
    if parts is not None:
        parts.index = context.index
    names = ["const", *context.terms, "sigma2", "gamma", "sigma_w", *["sigma_h"] * model.persistent]
    diag = SFADiagnostics(context.distribution, resid.size, value, float(ols_loglik),
                          float(max(0.0, 2 * (value - ols_loglik))), converged, iterations, context.model,
                          model.n_firms, 2 + model.persistent, "", skewness, frontier=context.frontier)
    return context.results(params, names, cov, eff, model.y - model.x @ params[:k], diag, u_hat, slopes=params[1:k],
                           components=parts)
