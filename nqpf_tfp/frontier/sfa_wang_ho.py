"""Wang and Ho's (2010) fixed-effects stochastic frontier: the firm effects removed by the within transform.

.. math::

    y_{it} = \\alpha_i + x_{it}'\\beta + v_{it} - u_{it},\\qquad u_{it} = h_{it} u_i^*,\\quad
    h_{it} = \\exp(z_{it}'\\delta),\\quad u_i^* \\sim N^+(\\mu, \\sigma_u^2),\\quad v_{it} \\sim N(0, \\sigma_v^2).

Because the scaling ``h_it`` multiplies one draw ``u_i*`` per firm, deviations from the firm's means keep
the model's form: ``e'_i = v'_i - h'_i u_i*`` with ``e' = y' - x'' beta`` and every ``'`` a deviation
from the firm mean; ``alpha_i`` is gone, so there is no incidental-parameter problem. ``v'_i`` has a
singular covariance ``sigma_v^2 (I - 11'/T_i)`` of rank ``T_i - 1``; on an orthonormal basis of that space
the firm's likelihood, integrated over ``u_i*`` in closed form, is

.. math::

    \\ell_i = -\\tfrac{T_i - 1}{2}\\ln(2\\pi\\sigma_v^2) - \\frac{e_i'{}'e_i'}{2\\sigma_v^2}
    + \\frac{\\mu_*^2}{2\\sigma_*^2} - \\frac{\\mu^2}{2\\sigma_u^2} + \\ln\\frac{\\sigma_*}{\\sigma_u}
    + \\ln\\Phi\\Big(\\frac{\\mu_*}{\\sigma_*}\\Big) - \\ln\\Phi\\Big(\\frac{\\mu}{\\sigma_u}\\Big),

    \\frac{1}{\\sigma_*^2} = \\frac{h_i'{}'h_i'}{\\sigma_v^2} + \\frac{1}{\\sigma_u^2},\\qquad
    \\mu_* = \\sigma_*^2\\Big(\\frac{\\mu}{\\sigma_u^2} - \\frac{e_i'{}'h_i'}{\\sigma_v^2}\\Big),

the within-transformed likelihood of Wang and Ho (their first-difference form gives the same). ``z`` has
no constant (a constant in ``h`` is a scale of ``u*``, which ``sigma_u`` already is) and must vary within
firms. Parameters are reported as the other frontiers report them, ``sigma2 = sigma_u^2 + sigma_v^2`` and
``gamma = sigma_u^2 / sigma2``. Efficiency uses ``u_it | e'_i``: ``h_it`` times a normal with mean
``mu_*`` and scale ``sigma_*`` truncated at zero (Battese-Coelli 1988 or JLMS).

Marginal effect of ``z`` on mean inefficiency: ``dE[u_it] / dz_it = delta h_it E[u*]`` with
``E[u*] = mu + sigma_u phi(mu / sigma_u) / Phi(mu / sigma_u)``.

References
----------
Wang, H.-J. and Ho, C.-W. (2010). Estimating fixed-effect panel stochastic frontier models by model
transformation. *Journal of Econometrics* 157(2), 286-296.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, log_ndtr

from .sfa_likelihood import LOG_2PI, demean_by_firm, mills_ratio, posterior_efficiency
from .sfa_results import FitContext, SFADiagnostics, SFAResults
from .sfa_search import ascend, convergence_verdict, natural_covariance, stationary

__all__ = ["WangHo", "fit", "loglik", "marginal_effects", "posterior"]



@dataclass(frozen=True)
class WangHo:
    """The within-transformed arrays: output and regressors (no constant) and ``z``, with firm codes."""

    y: np.ndarray  # deviations from firm means
    x: np.ndarray
    z: np.ndarray  # levels (h = exp(z'delta) is demeaned inside the likelihood)
    firms: np.ndarray
    n_firms: int
    truncated: bool

    @classmethod
    def build(cls, y: np.ndarray, x: np.ndarray, z: np.ndarray, firms: np.ndarray, n_firms: int,
              truncated: bool) -> WangHo:
        return cls(demean_by_firm(y, firms, n_firms), demean_by_firm(x, firms, n_firms), z, firms, n_firms, truncated)


def _split(theta: np.ndarray, model: WangHo) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """``beta``, ``delta``, ``sigma_u^2``, ``sigma_v^2``, ``mu`` from ``(beta, delta, ln sigma2, logit gamma
    [, mu])``."""
    k, q = model.x.shape[1], model.z.shape[1]
    sigma2, gamma = float(np.exp(theta[k + q])), float(expit(theta[k + q + 1]))
    mu = float(theta[k + q + 2]) if model.truncated else 0.0
    return theta[:k], theta[k:k + q], gamma * sigma2, float(expit(-theta[k + q + 1])) * sigma2, mu


def _firm_sums(theta: np.ndarray, model: WangHo) -> tuple[np.ndarray, ...]:
    beta, delta, su2, sv2, mu = _split(theta, model)
    e = model.y - model.x @ beta
    h = np.exp(model.z @ delta)
    h_dot = demean_by_firm(h, model.firms, model.n_firms)
    n = model.n_firms
    ee = np.bincount(model.firms, weights=e * e, minlength=n)
    eh = np.bincount(model.firms, weights=e * h_dot, minlength=n)
    hh = np.bincount(model.firms, weights=h_dot * h_dot, minlength=n)
    s2_star = 1.0 / (hh / sv2 + 1.0 / su2)
    mu_star = s2_star * (mu / su2 - eh / sv2)
    return ee, s2_star, mu_star, h, np.asarray([su2, sv2, mu])


def loglik(theta: np.ndarray, model: WangHo) -> float:
    """The within-transformed log-likelihood at ``theta = (beta, delta, ln sigma2, logit gamma[, mu])``."""
    ee, s2_star, mu_star, _, (su2, sv2, mu) = _firm_sums(theta, model)
    rows = np.bincount(model.firms, minlength=model.n_firms) - 1.0  # T_i - 1 dimensions per firm
    s_star, s_u = np.sqrt(s2_star), np.sqrt(su2)
    value = (-0.5 * rows * (LOG_2PI + np.log(sv2)) - 0.5 * ee / sv2 + 0.5 * mu_star**2 / s2_star
             - 0.5 * mu**2 / su2 + np.log(s_star / s_u) + log_ndtr(mu_star / s_star) - log_ndtr(mu / s_u))
    return float(np.sum(value))


def posterior(theta: np.ndarray, model: WangHo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``u*_i | e'_i`` mean and scale (of the normal truncated at zero) and ``h_it``."""
    _, s2_star, mu_star, h, _ = _firm_sums(theta, model)
    return mu_star[model.firms], np.sqrt(s2_star)[model.firms], h


def marginal_effects(theta: np.ndarray, model: WangHo) -> np.ndarray:
    """``dE[u_it] / dz_it`` per row and column of ``z``: ``delta h_it E[u*]``."""
    k, q = model.x.shape[1], model.z.shape[1]
    _, delta, su2, _, mu = _split(theta, model)
    s_u = np.sqrt(su2)
    mean_u = mu + s_u * mills_ratio(np.asarray(mu / s_u))
    h = np.exp(model.z @ theta[k:k + q])
    return np.outer(h * mean_u, delta)


def _uncentred(theta_c: np.ndarray, model: WangHo, z_mean: np.ndarray) -> np.ndarray:
    """The likelihood's ``theta`` from the search's, in which the scale is that of ``exp((z - zbar)'delta) u*``:
    ``u_it = exp(z'delta) u*`` with ``u* = exp(-zbar'delta) u*_c``, so ``sigma_u`` and ``mu`` are those of the
    search times ``exp(-zbar'delta)``, in logs (``gamma`` may lie within 1e-4 of 1 in the data's scale)."""
    k, q = model.x.shape[1], model.z.shape[1]
    shift = -float(z_mean @ theta_c[k:k + q])
    log_su2 = theta_c[k + q] - np.logaddexp(0.0, -theta_c[k + q + 1]) + 2.0 * shift
    log_sv2 = theta_c[k + q] - np.logaddexp(0.0, theta_c[k + q + 1])
    theta = theta_c.copy()
    theta[k + q], theta[k + q + 1] = np.logaddexp(log_su2, log_sv2), log_su2 - log_sv2
    if model.truncated:
        theta[k + q + 2] = theta_c[k + q + 2] * np.exp(shift)
    return theta


def _reported(theta: np.ndarray, k: int, q: int) -> np.ndarray:
    """``(beta, delta, sigma2, gamma[, mu])`` from ``(beta, delta, ln sigma2, logit gamma[, mu])``."""
    return np.r_[theta[:k + q], np.exp(theta[k + q]), expit(theta[k + q + 1]), theta[k + q + 2:]]


def _searched(params: np.ndarray, k: int, q: int) -> np.ndarray:
    return np.r_[params[:k + q], np.log(params[k + q]), np.log(params[k + q + 1] / (1 - params[k + q + 1])),
                 params[k + q + 2:]]


def fit(context: FitContext, model: WangHo) -> SFAResults:
    """Maximum likelihood of the within-transformed model: estimates, covariance, efficiency, marginal
    effects.

    The search runs on ``z`` centred at its mean (the scale of ``u*`` absorbs ``exp(zbar'delta)``): with ``z`` far
    from 0 (a log income near 9, say) the scale and ``delta`` otherwise move along a narrow ridge, where
    BFGS stalls and differenced Hessians lose their digits. The covariance is differenced there too and
    mapped to the reported parameters by the Jacobian of the map."""
    truncated = model.truncated
    k, q = model.x.shape[1], model.z.shape[1]
    z_mean = model.z.mean(axis=0)
    beta, *_ = np.linalg.lstsq(model.x, model.y, rcond=None)
    resid = model.y - model.x @ beta
    s2 = float(resid @ resid / (resid.size - model.n_firms))
    # delta = 0 at every start, where the centred and the data's scales agree
    starts = [np.r_[beta, np.zeros(q), np.log(s2 / (1 - 2 / np.pi * g)), np.log(g / (1 - g)),
                    [0.0] * truncated] for g in np.arange(0.05, 0.951, 0.05)]

    def centred(theta_c: np.ndarray) -> float:
        return loglik(_uncentred(theta_c, model, z_mean), model)

    start = max(starts, key=centred)
    theta_c, value, iterations = ascend(centred, start)
    theta = _uncentred(theta_c, model, z_mean)
    params = _reported(theta, k, q)
    params_c = _reported(theta_c, k, q)

    def in_natural(p: np.ndarray) -> float:
        return centred(_searched(p, k, q))

    cov_c = natural_covariance(in_natural, params_c, k + q)
    jacobian = np.empty((params.size, params.size))
    for j in range(params.size):
        step = 1e-6 * max(1.0, abs(params_c[j]))
        if j == k + q + 1:  # gamma stays inside (0, 1)
            step = min(step, 0.5 * min(params_c[j], 1.0 - params_c[j]))
        up, down = params_c.copy(), params_c.copy()
        up[j] += step
        down[j] -= step
        jacobian[:, j] = (_reported(_uncentred(_searched(up, k, q), model, z_mean), k, q)
                          - _reported(_uncentred(_searched(down, k, q), model, z_mean), k, q)) / (2 * step)
    cov = jacobian @ cov_c @ jacobian.T
    converged = convergence_verdict(cov, lambda: stationary(centred, theta_c, value),
                                    hint="the scaling variables may not identify delta")
    eff, u_hat = posterior_efficiency(*posterior(theta, model), kind=context.efficiency_kind)
    names = [*context.terms, *context.z_names, "sigma2", "gamma", *(["mu"] if truncated else [])]
    e_within = model.y - model.x @ beta
    ols_loglik = -0.5 * (resid.size - model.n_firms) * (LOG_2PI + np.log(s2) + 1.0)
    skewness = float(np.mean(e_within**3) / np.mean(e_within**2) ** 1.5)
    diag = SFADiagnostics(context.distribution, model.y.size, value, float(ols_loglik),
                          float(max(0.0, 2 * (value - ols_loglik))), converged, iterations, context.model,
                          model.n_firms, 1 + q + truncated, "", skewness, frontier=context.frontier)
    effects = pd.DataFrame(marginal_effects(theta, model), index=context.index,
                           columns=[n.removeprefix("delta_") for n in context.z_names])
    return context.results(params, names, cov, eff, model.y - model.x @ params[:k], diag, u_hat, effects)
