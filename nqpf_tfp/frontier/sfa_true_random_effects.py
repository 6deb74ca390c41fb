"""Greene's (2005) true random-effects stochastic frontier and its four-component extension (Filippini and
Greene 2016), by maximum simulated likelihood.

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

**Four components** (Colombi, Kumbhakar, Martini and Vittadini 2014; Kumbhakar, Lien and Hardaker 2014;
estimated as Filippini and Greene 2016 do): the firm effect is itself a frontier, ``w_i - h_i`` with
persistent inefficiency ``h_i ~ N+(0, sigma_h^2)``:

.. math::

    y_{it} = \alpha + x_{it}'\beta + (w_i - h_i) + (v_{it} - u_{it}).

The persistent part is simulated from two dimensions of the same scrambled Halton sequence,
``w_i = sigma_w zeta_1``, ``h_i = sigma_h |zeta_2|``, and the likelihood is as above with
``e_it - w_ir + h_ir``. Posterior weights of the draws give transient efficiency (each draw's
``E[exp(-u_it) | .]`` averaged), persistent efficiency ``E[exp(-h_i) | firm's data]``, and overall
efficiency ``E[exp(-h_i - u_it) | .]`` (JLMS: ``exp`` of minus the posterior means). Parameters add
``sigma_h``.

References
----------
Greene, W. (2005). Reconsidering heterogeneity in panel data estimators of the stochastic frontier model.
*Journal of Econometrics* 126(2), 269-303.
Colombi, R., Kumbhakar, S. C., Martini, G. and Vittadini, G. (2014). Closed-skew normality in stochastic
frontiers with individual effects and long/short-run efficiency. *Journal of Productivity Analysis* 42(2),
123-136.
Filippini, M. and Greene, W. (2016). Persistent and transient productive inefficiency: a maximum simulated
likelihood approach. *Journal of Productivity Analysis* 45(2), 187-196.
Kumbhakar, S. C., Lien, G. and Hardaker, J. B. (2014). Technical efficiency in competing panel data models:
a study of Norwegian grain farming. *Journal of Productivity Analysis* 41(2), 321-337.
Train, K. (2009). *Discrete Choice Methods with Simulation*, 2nd ed. Cambridge University Press, ch. 9
(Halton draws).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit, logsumexp, ndtri
from scipy.stats import qmc

from .sfa_likelihood import half_normal_logdensity, posterior_efficiency
from .sfa_results import FitContext, SFADiagnostics, SFAResults
from .sfa_search import ascend, convergence_verdict, natural_covariance, pooled_ols, stationary

__all__ = ["TrueRandomEffects", "firm_effect_starts", "fit", "halton_normals", "simulated_loglik"]



def halton_normals(n_firms: int, draws: int, seed: np.random.SeedSequence, dimensions: int = 1) -> np.ndarray:
    """``dimensions x n_firms x draws`` standard normal draws from a scrambled Halton sequence of that many
    dimensions."""
    points = qmc.Halton(d=dimensions, scramble=True, seed=np.random.default_rng(seed)).random(n_firms * draws)
    return np.asarray(ndtri(points)).T.reshape(dimensions, n_firms, draws)


@dataclass(frozen=True)
class TrueRandomEffects:
    """The output, the regressors with the constant, firm codes, each row's normal draws (its firm's), the
    sparse firms x rows matrix that sums rows into firms, and, with persistent inefficiency, each row's
    half-normal draws ``|zeta_2|``."""

    y: np.ndarray
    x: np.ndarray
    firms: np.ndarray
    n_firms: int
    row_normals: np.ndarray  # rows x draws
    summer: sparse.csr_matrix
    row_persistent: np.ndarray | None = None  # rows x draws

    @classmethod
    def build(cls, y: np.ndarray, x: np.ndarray, firms: np.ndarray, n_firms: int, normals: np.ndarray,
              persistent: bool = False) -> TrueRandomEffects:
        """From :func:`halton_normals` (one dimension, or two with ``persistent``); the gathers and the summing
        matrix are made once, not per likelihood evaluation."""
        summer = sparse.csr_matrix((np.ones(firms.size), (firms, np.arange(firms.size))), shape=(n_firms, firms.size))
        half = np.abs(normals[1][firms]) if persistent else None
        return cls(y, x, firms, n_firms, normals[0][firms], summer, half)

    @property
    def persistent(self) -> bool:
        """Whether the firm effect carries persistent inefficiency (four components)."""
        return self.row_persistent is not None


def _firm_draw_logs(theta: np.ndarray, model: TrueRandomEffects) -> tuple[np.ndarray, np.ndarray, float, float]:
    """``log prod_t f`` per firm and draw, the rows' residuals at each draw, ``sigma2`` and ``gamma``."""
    k = model.x.shape[1]
    sigma2, gamma, sigma_w = float(np.exp(theta[k])), float(expit(theta[k + 1])), float(np.exp(theta[k + 2]))
    e = (model.y - model.x @ theta[:k])[:, None] - sigma_w * model.row_normals  # rows x draws
    if model.row_persistent is not None:
        e = e + float(np.exp(theta[k + 3])) * model.row_persistent
    rows = half_normal_logdensity(e, sigma2, np.sqrt(gamma / (1.0 - gamma)))
    return np.asarray(model.summer @ rows), e, sigma2, gamma


def simulated_loglik(theta: np.ndarray, model: TrueRandomEffects) -> float:
    """The simulated log-likelihood at ``theta = (beta, ln sigma2, logit gamma, ln sigma_w[, ln sigma_h])``."""
    per_firm, *_ = _firm_draw_logs(theta, model)
    draws = per_firm.shape[1]
    return float(np.sum(logsumexp(per_firm, axis=1) - np.log(draws)))


def _efficiency(theta: np.ndarray, model: TrueRandomEffects, kind: str) -> tuple[np.ndarray, np.ndarray,
                                                                                 pd.DataFrame | None]:
    """Each row's efficiency and posterior mean inefficiency, averaged over the draws of the firm effect with
    posterior weights; with persistent inefficiency also the persistent, transient and overall efficiency."""
    per_firm, e, sigma2, gamma = _firm_draw_logs(theta, model)
    weights = np.exp(per_firm - logsumexp(per_firm, axis=1, keepdims=True))[model.firms]  # rows x draws
    su2, sv2 = gamma * sigma2, (1.0 - gamma) * sigma2
    eff, u_hat = posterior_efficiency(-e * su2 / sigma2, np.full(e.shape, np.sqrt(su2 * sv2 / sigma2)), 1.0, "bc")
    transient_u = np.sum(weights * u_hat, axis=1)
    transient = np.sum(weights * eff, axis=1) if kind == "bc" else np.exp(-transient_u)
    if model.row_persistent is None:
        return transient, transient_u, None
    h = float(np.exp(theta[model.x.shape[1] + 3])) * model.row_persistent
    persistent_h = np.sum(weights * h, axis=1)
    if kind == "bc":
        persistent = np.sum(weights * np.exp(-h), axis=1)
        overall = np.sum(weights * eff * np.exp(-h), axis=1)
    else:
        persistent, overall = np.exp(-persistent_h), np.exp(-persistent_h - transient_u)
    components = pd.DataFrame({"persistent": persistent, "transient": transient, "overall": overall})
    return overall, transient_u + persistent_h, components


def firm_effect_starts(ols: np.ndarray, resid: np.ndarray, s2: float, firms: np.ndarray, n_firms: int,
                       persistent: bool) -> list[np.ndarray]:
    """Starting points ``(beta, ln sigma2, logit gamma, ln sigma_w[, ln sigma_h])`` from pooled OLS: the spread of
    the firms' mean residuals split between ``w_i`` and ``h_i`` (a quarter, half or three quarters to ``h_i``
    with persistent inefficiency), ``gamma`` on FRONTIER's grid, the constant shifted by the inefficiencies'
    means."""
    k = ols.size
    firm_means = np.bincount(firms, weights=resid, minlength=n_firms) / np.bincount(firms, minlength=n_firms)
    spread = max(float(np.std(firm_means)), 1e-3)
    starts = []
    for share in (0.25, 0.5, 0.75) if persistent else (0.0,):
        sigma_h = np.sqrt(share / (1 - 2 / np.pi)) * spread
        sigma_w = np.sqrt(1 - share) * spread
        for g in np.arange(0.05, 0.951, 0.05):
            sigma2 = max(s2 - spread**2, 1e-4) / (1 - 2 / np.pi * g)
            shift = np.r_[np.sqrt(2 / np.pi * g * sigma2) + np.sqrt(2 / np.pi) * sigma_h, np.zeros(k - 1)]
            starts.append(np.r_[ols + shift, np.log(sigma2), np.log(g / (1 - g)), np.log(sigma_w),
                                np.log([sigma_h] * persistent)])
    return starts


def fit(context: FitContext, model: TrueRandomEffects) -> SFAResults:
    """Maximum simulated likelihood from the pooled half-normal frontier's grid: estimates, covariance and
    efficiency (with persistent inefficiency, its components)."""
    k = model.x.shape[1]
    extra = int(model.persistent)
    ols, resid, s2, ols_loglik, skewness = pooled_ols(model.y, model.x, context.skew)
    n = resid.size
    starts = firm_effect_starts(ols, resid, s2, model.firms, model.n_firms, model.persistent)
    start = max(starts, key=lambda t: simulated_loglik(t, model))

    # each evaluation sums rows x draws: no Newton polish here
    theta, value, iterations = ascend(lambda t: simulated_loglik(t, model), start, polish=False)
    params = np.r_[theta[:k], np.exp(theta[k]), expit(theta[k + 1]), np.exp(theta[k + 2:])]

    def in_natural(p: np.ndarray) -> float:
        if np.any(p[k + 2:] <= 0):
            return -np.inf
        return simulated_loglik(np.r_[p[:k], np.log(p[k]), np.log(p[k + 1] / (1 - p[k + 1])), np.log(p[k + 2:])],
                                model)

    cov = natural_covariance(in_natural, params, k)
    converged = convergence_verdict(cov, lambda: stationary(lambda t: simulated_loglik(t, model), theta, value),
                                    search="maximum simulated likelihood",
                                    hint=f"sigma_w{' or sigma_h' if extra else ''} may be zero or not identified")
    eff, u_hat, components = _efficiency(theta, model, context.efficiency_kind)
    names = ["const", *context.terms, "sigma2", "gamma", "sigma_w", *(["sigma_h"] * extra)]
    # against pooled OLS: gamma, sigma_w (and sigma_h) are zero there, all on the boundary
    diag = SFADiagnostics(context.distribution, n, value, float(ols_loglik), float(max(0.0, 2 * (value - ols_loglik))),
                          converged, iterations, context.model, model.n_firms, 2 + extra, "", skewness,
                          frontier=context.frontier)
    if components is not None:
        components.index = context.index
    return context.results(params, names, cov, eff, model.y - model.x @ params[:k], diag, u_hat, slopes=params[1:k],
                           components=components)
