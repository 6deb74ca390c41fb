"""Kumbhakar, Lien and Hardaker's (2014) multi-step estimator of the four-component stochastic frontier.

.. math::

    y_{it} = \\beta_0 + x_{it}'\\beta + (w_i - h_i) + (v_{it} - u_{it}),\\qquad
    w_i \\sim N(0, \\sigma_w^2),\\ h_i \\sim N^+(0, \\sigma_h^2),\\ v_{it} \\sim N(0, \\sigma_v^2),\\
    u_{it} \\sim N^+(0, \\sigma_u^2).

With the inefficiencies' means moved into the constant the model is a random-effects regression with
errors of mean zero,

.. math::

    y_{it} = a_0 + x_{it}'\\beta + \\alpha_i + \\varepsilon_{it},\\qquad a_0 = \\beta_0 - E h_i - E u_{it},\\quad
    \\alpha_i = w_i - h_i + E h_i,\\quad \\varepsilon_{it} = v_{it} - u_{it} + E u_{it},

which the three steps estimate:

1. ``a_0`` and ``beta`` by feasible GLS with Swamy and Arora's variance components (as
   ``model="schmidt-sickles-random"``; the inefficiencies must be uncorrelated with the inputs); the firm
   effects predicted by their best linear unbiased predictor
   ``alpha_i = psi_i mean_t(y_it - a_0 - x_it'beta)``, ``psi_i = T_i s_alpha^2 / (T_i s_alpha^2 + s_v^2)``,
   and ``eps_it = y_it - a_0 - x_it'beta - alpha_i``;
2. **transient**: the half-normal frontier ``eps_it = c_u + v_it - u_it`` on a constant, by maximum
   likelihood (FRONTIER 4.1's grid and search, :mod:`nqpf_tfp.frontier.sfa_search`), with ``u_it``
   predicted by Battese-Coelli or JLMS;
3. **persistent**: the same frontier on one predicted effect per firm, ``alpha_i = c_h + w_i - h_i``.

The frontier's constant is ``beta_0 = a_0 + c_u + c_h`` (``c_u`` and ``c_h`` estimate ``E u`` and ``E h``).
Overall efficiency is the product of the persistent and transient efficiencies (``inefficiency`` the sum
of ``h_i`` and ``u_it``), as Kumbhakar, Lien and Hardaker compute it. Parameters are named as
``model="filippini-greene"`` names them: ``sigma2 = sigma_u^2 + sigma_v^2`` and ``gamma`` from step 2,
``sigma_w`` and ``sigma_h`` from step 3.

Standard errors are each step's own, conditional on the earlier steps' predictions (which the later
steps treat as data): GLS's for the slopes, the inverse Hessian of step 2 for ``sigma2`` and ``gamma``,
that of step 3 mapped by the delta method for ``sigma_w`` and ``sigma_h``. The steps' covariances with
each other, and the constant's standard error, which sums estimates of all three steps, are not
estimated (NaN); there is no joint likelihood, so ``loglik`` and the LR test are NaN. A step whose
values are skewed the wrong way has no inefficiency (Waldman 1982): that step's ``gamma`` (or
``sigma_h``) is 0, its efficiency 1, with a :class:`~nqpf_tfp.errors.FrontierBoundaryWarning`.

Step 1's residuals are nearly deviations from each firm's mean residual (the BLUP is that mean, shrunk a
little), so they keep only about ``1 - 1/T`` of the transient error's spread, and the predicted firm effects
carry the firm's mean transient error. In short panels step 2 therefore understates ``sigma_u`` by about
``sigma_u / T``, and the constant with it; ``sigma_v`` and the slopes are unaffected. Measured over 100
panels of 500 firms (``benchmarks/bench_sfa_four_component.py``, the four-component Monte Carlo's panels):
``sigma_u`` 0.3 comes out at 0.238, 0.271 and 0.284 with 5, 10 and 20 years; ``sigma_w`` and ``sigma_h`` are
told apart only by the skewness of the firm effects, as in the simulated likelihood. The simulated
likelihood of ``model="filippini-greene"`` estimates everything jointly and has no such bias; this
estimator needs no simulation and takes a fraction of its time.

References
----------
Kumbhakar, S. C., Lien, G. and Hardaker, J. B. (2014). Technical efficiency in competing panel data models:
a study of Norwegian grain farming. *Journal of Productivity Analysis* 41(2), 321-337.
Kumbhakar, S. C., Wang, H.-J. and Horncastle, A. P. (2015). *A Practitioner's Guide to Stochastic Frontier
Analysis Using Stata*. Cambridge University Press, ch. 10.
Swamy, P. A. V. B. and Arora, S. S. (1972). The exact finite sample properties of the estimators of
coefficients in the error components regression models. *Econometrica* 40(2), 261-275.
Waldman, D. M. (1982). A stationary point for the stochastic frontier likelihood. *Journal of
Econometrics* 18(2), 275-279.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import PanelError
from .sfa_frontier_fit import FrontierFit, fit_frontier
from .sfa_likelihood import FrontierData
from .sfa_results import FitContext, SFADiagnostics, SFAResults
from .sfa_schmidt_sickles import random_effects_gls

__all__ = ["first_step", "fit", "mean_frontier"]

MODEL = "kumbhakar-lien-hardaker"


def mean_frontier(values: np.ndarray, kind: str, what: str, skew: Callable[[float], str]) -> FrontierFit:
    """The half-normal frontier ``values = c + v - u`` on a constant, ``(c, sigma2, gamma)``, with the package's
    boundary rules (:mod:`nqpf_tfp.frontier.sfa_frontier_fit`); ``what`` names the values in warnings."""
    if np.ptp(values) == 0:
        raise PanelError(f"SFA (model={MODEL!r}): the {what} are all equal: there is no frontier to fit to them.")
    d = FrontierData(values, np.ones((values.size, 1)), "cross-section", "half-normal")
    return fit_frontier(d, kind, ["c", "sigma2", "gamma"], skew, speaker=f"SFA (model={MODEL!r}, the frontier of "
                        f"the {what})", residuals=f"the {what}")


def _standard_deviations(step: FrontierFit) -> tuple[np.ndarray, np.ndarray]:
    """``(sigma_w, sigma_h)`` from ``(sigma2, gamma)`` of a step and their covariance by the delta method."""
    sigma2, gamma = step.params[1], step.params[2]
    sd = np.array([np.sqrt((1.0 - gamma) * sigma2), np.sqrt(gamma * sigma2)])
    with np.errstate(divide="ignore", invalid="ignore"):
        jacobian = np.array([[(1.0 - gamma) / (2 * sd[0]), -sigma2 / (2 * sd[0])],
                             [gamma / (2 * sd[1]), sigma2 / (2 * sd[1])]])
        cov = jacobian @ step.cov[1:, 1:] @ jacobian.T
    return sd, cov


def first_step(y: np.ndarray, x: np.ndarray, firms: np.ndarray,
               n_firms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step 1: the random-effects GLS coefficients and their covariance, each firm's predicted effect (the
    BLUP) and each row's remaining residual."""
    coef, cov_gls, sigma2_v, sigma2_alpha = random_effects_gls(y, x, firms, n_firms, MODEL)
    counts = np.bincount(firms, minlength=n_firms).astype(float)
    resid = y - x @ coef
    psi = counts * sigma2_alpha / (counts * sigma2_alpha + sigma2_v)
    alpha = psi * np.bincount(firms, weights=resid, minlength=n_firms) / counts
    return coef, cov_gls, alpha, resid - alpha[firms]


def fit(context: FitContext, y: np.ndarray, x: np.ndarray, firms: np.ndarray, n_firms: int) -> SFAResults:
    """The three steps on the frontier's arrays (``x`` with the constant column first, production side)."""
    k = x.shape[1]
    if n_firms <= 3:
        raise PanelError(f"SFA (model={MODEL!r}): step 3 fits a frontier with 3 parameters to one predicted effect "
                         f"per firm; the data have {n_firms} firms.")
    coef, cov_gls, alpha, eps = first_step(y, x, firms, n_firms)
    transient = mean_frontier(eps, context.efficiency_kind, "first step's residuals (transient part)", context.skew)
    persistent = mean_frontier(alpha, context.efficiency_kind, "predicted firm effects (persistent part)",
                               context.skew)
    sign = float(x[0, 0])  # the constant column: -1 for a cost frontier estimated on (-y, -x)
    params = np.r_[coef[0] + sign * (transient.params[0] + persistent.params[0]), coef[1:],
                   transient.params[1:], np.zeros(2)]
    cov = np.full((k + 4, k + 4), np.nan)
    cov[1:k, 1:k] = cov_gls[1:, 1:]
    cov[k:k + 2, k:k + 2] = transient.cov[1:, 1:]
    params[k + 2:], cov[k + 2:, k + 2:] = _standard_deviations(persistent)

    parts = pd.DataFrame({"persistent": persistent.efficiency[firms], "transient": transient.efficiency},
                         index=context.index)
    parts["overall"] = parts["persistent"] * parts["transient"]
    u_hat = persistent.inefficiency[firms] + transient.inefficiency
    converged = transient.converged and persistent.converged  # a step that did not converge has warned
    boundary = "; ".join(f"{name}: {step.boundary}" for name, step in (("transient", transient),
                                                                        ("persistent", persistent)) if step.boundary)
    diag = SFADiagnostics(context.distribution, y.size, float("nan"), float("nan"), float("nan"), converged, 0,
                          context.model, n_firms, 2, boundary, transient.skewness, frontier=context.frontier)
    names = ["const", *context.terms, "sigma2", "gamma", "sigma_w", "sigma_h"]
    return context.results(params, names, cov, parts["overall"].to_numpy(), y - x @ params[:k], diag, u_hat,
                           slopes=params[1:k], components=parts)
