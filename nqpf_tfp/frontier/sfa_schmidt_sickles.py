"""Schmidt and Sickles's (1984) distribution-free panel frontiers: fixed and random firm effects.

.. math::

    y_{it} = \\alpha + x_{it}'\\beta + v_{it} - u_i = \\alpha_i + x_{it}'\\beta + v_{it},\\qquad
    \\alpha_i = \\alpha - u_i .

Time-invariant inefficiency is a firm effect, estimated without an assumption on its distribution:

* **fixed effects** (``model="schmidt-sickles-fixed"``): ``beta`` by the within regression, which allows
  inefficiency to be correlated with the inputs; ``alpha_i = mean_t(y_it - x_it'beta)``;
* **random effects** (``model="schmidt-sickles-random"``): ``beta`` by feasible GLS with Swamy and Arora's
  (1972) variance components (the within regression's ``sigma_v^2`` on ``n - N - k`` degrees of freedom,
  the between regression's for ``sigma_alpha^2``, with the harmonic mean of the ``T_i`` when the panel is
  unbalanced, as linearmodels' ``RandomEffects`` and Stata's ``xtreg, re`` compute them); inefficiency
  uncorrelated with the inputs; ``alpha_i`` the firm's mean GLS residual plus the constant.

Inefficiency is measured against the best firm in the sample: ``u_i = max_j alpha_j - alpha_i`` and
technical efficiency ``exp(-u_i)`` (Schmidt and Sickles 1984; Kumbhakar and Lovell 2000, section 3.3.1).
The best firm is 100% efficient by construction, and with few periods per firm the ``alpha_i`` are noisy,
so the maximum is biased upwards (efficiency biased down). The reported ``const`` is the frontier's
intercept ``max_j alpha_j``, which has no standard error here (NaN); the slopes have the usual least
squares standard errors (the within estimator's, or GLS's with the GLS residual variance on ``n - k``
degrees of freedom). There is no likelihood: ``loglik`` and the LR test are NaN.

References
----------
Schmidt, P. and Sickles, R. C. (1984). Production frontiers and panel data. *Journal of Business &
Economic Statistics* 2(4), 367-374.
Swamy, P. A. V. B. and Arora, S. S. (1972). The exact finite sample properties of the estimators of
coefficients in the error components regression models. *Econometrica* 40(2), 261-275.
Kumbhakar, S. C. and Lovell, C. A. K. (2000). *Stochastic Frontier Analysis*. Cambridge University Press.
"""

from __future__ import annotations

import numpy as np

from ..errors import PanelError
from .sfa_likelihood import demean_by_firm
from .sfa_results import FitContext, SFADiagnostics, SFAResults

__all__ = ["fit", "random_effects_gls", "variance_components"]


def _firm_means(values: np.ndarray, firms: np.ndarray, n_firms: int, counts: np.ndarray) -> np.ndarray:
    if values.ndim == 1:
        return np.bincount(firms, weights=values, minlength=n_firms) / counts
    return np.stack([np.bincount(firms, weights=c, minlength=n_firms) for c in values.T], axis=1) / counts[:, None]


def variance_components(y: np.ndarray, x: np.ndarray, firms: np.ndarray, n_firms: int,
                        model: str = "schmidt-sickles-random") -> tuple[float, float]:
    """Swamy and Arora's ``(sigma_v^2, sigma_alpha^2)`` from the within and between regressions (``x`` with the
    constant first); ``model`` names the caller's model in errors."""
    counts = np.bincount(firms, minlength=n_firms).astype(float)
    slopes = x[:, 1:]
    yd, xd = demean_by_firm(y, firms, n_firms), demean_by_firm(slopes, firms, n_firms)
    beta = np.linalg.lstsq(xd, yd, rcond=None)[0]
    resid = yd - xd @ beta
    dof_within = y.size - n_firms - slopes.shape[1]
    if dof_within <= 0:
        raise PanelError(f"SFA: the within regression has {dof_within} degrees of freedom ({y.size} rows, "
                         f"{n_firms} firms, {slopes.shape[1]} slopes): sigma_v^2 cannot be estimated.")
    sigma2_v = float(resid @ resid) / dof_within
    ybar, xbar = _firm_means(y, firms, n_firms, counts), _firm_means(x, firms, n_firms, counts)
    between = ybar - xbar @ np.linalg.lstsq(xbar, ybar, rcond=None)[0]
    dof_between = n_firms - x.shape[1]
    if dof_between <= 0:
        raise PanelError(f"model={model!r} needs more firms ({n_firms}) than coefficients "
                         f"({x.shape[1]}) for the between regression behind the variance of the firm effects.")
    harmonic = n_firms / float(np.sum(1.0 / counts))
    return sigma2_v, max(0.0, float(between @ between) / dof_between - sigma2_v / harmonic)


def random_effects_gls(y: np.ndarray, x: np.ndarray, firms: np.ndarray, n_firms: int,
                       model: str = "schmidt-sickles-random") -> tuple[np.ndarray, np.ndarray, float, float]:
    """Feasible GLS of the random-effects regression (``x`` with the constant first): the coefficients, their
    covariance (the GLS residual variance on ``n - k`` degrees of freedom), ``sigma_v^2`` and
    ``sigma_alpha^2``."""
    counts = np.bincount(firms, minlength=n_firms).astype(float)
    sigma2_v, sigma2_alpha = variance_components(y, x, firms, n_firms, model)
    theta = (1.0 - np.sqrt(sigma2_v / (counts * sigma2_alpha + sigma2_v)))[firms]
    ys = y - theta * _firm_means(y, firms, n_firms, counts)[firms]
    xs = x - theta[:, None] * _firm_means(x, firms, n_firms, counts)[firms]
    coef = np.linalg.lstsq(xs, ys, rcond=None)[0]
    gls_resid = ys - xs @ coef
    s2 = float(gls_resid @ gls_resid) / (y.size - x.shape[1])
    return coef, s2 * np.linalg.inv(xs.T @ xs), sigma2_v, sigma2_alpha


def fit(context: FitContext, y: np.ndarray, x: np.ndarray, firms: np.ndarray, n_firms: int,
        random: bool) -> SFAResults:
    """The within (``random=False``) or GLS estimates, the firm intercepts and efficiency against the best firm."""
    counts = np.bincount(firms, minlength=n_firms).astype(float)
    k = x.shape[1]
    if random:
        coef, cov_coef, *_ = random_effects_gls(y, x, firms, n_firms)
        cov_slopes = cov_coef[1:, 1:]
        beta = coef[1:]
        alpha = coef[0] + _firm_means(y - x @ coef, firms, n_firms, counts)
    else:
        yd, xd = demean_by_firm(y, firms, n_firms), demean_by_firm(x[:, 1:], firms, n_firms)
        beta = np.linalg.lstsq(xd, yd, rcond=None)[0]
        resid = yd - xd @ beta
        dof = y.size - n_firms - (k - 1)
        if dof <= 0:
            raise PanelError(f"model='schmidt-sickles-fixed': {y.size} rows leave no degrees of freedom after "
                             f"{n_firms} firm intercepts and {k - 1} slopes.")
        cov_slopes = float(resid @ resid) / dof * np.linalg.inv(xd.T @ xd)
        alpha = _firm_means(y - x[:, 1:] @ beta, firms, n_firms, counts)
    best = float(np.max(alpha))
    u = (best - alpha)[firms]
    params = np.r_[best, beta]
    cov = np.full((k, k), np.nan)
    cov[1:, 1:] = cov_slopes
    residual = y - x @ params  # against the frontier: v_it - u_i
    diag = SFADiagnostics(context.distribution, y.size, float("nan"), float("nan"), float("nan"), True, 0,
                          context.model, n_firms, 1, "", float("nan"), frontier=context.frontier)
    return context.results(params, ["const", *context.terms], cov, np.exp(-u), residual, diag, u,
                           slopes=beta)
