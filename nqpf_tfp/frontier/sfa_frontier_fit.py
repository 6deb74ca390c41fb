"""One maximum-likelihood fit of a frontier from :mod:`nqpf_tfp.frontier.sfa_likelihood`, with its boundary
rules: the model's own frontier (:class:`~nqpf_tfp.frontier.SFA`) or a step of a multi-step estimator (a
frontier on a constant, :mod:`nqpf_tfp.frontier.sfa_kumbhakar_lien_hardaker`).

From FRONTIER 4.1's grid (or a caller's start), the search of :mod:`nqpf_tfp.frontier.sfa_search`; then
Waldman's (1982) rule (OLS residuals skewed the wrong way and a likelihood no higher than OLS's: no
inefficiency, ``gamma = 0``, efficiency 1), the no-noise boundary (standard errors undefined), the
covariance, the convergence verdict, and Battese-Coelli or JLMS efficiency with JLMS inefficiency. Each
rule warns in the caller's words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ..errors import FrontierBoundaryWarning, warn
from .sfa_likelihood import LOG_2PI, FrontierData, efficiency, inefficiency, natural
from .sfa_search import SMALL_SAMPLE, convergence_verdict, covariance, grid_starts, maximise, ols_limit, parameters_of_u

__all__ = ["FrontierFit", "fit_frontier"]


@dataclass(frozen=True)
class FrontierFit:
    """Reported parameters and their covariance, the log-likelihood and OLS's, whether the search converged,
    the boundary it ended on ("" inside), the OLS residuals' skewness, BFGS iterations, and efficiency and
    ``E[u | e]`` per row."""

    params: np.ndarray
    cov: np.ndarray
    value: float
    ols_loglik: float
    converged: bool
    boundary: str
    skewness: float
    iterations: int
    efficiency: np.ndarray
    inefficiency: np.ndarray


def fit_frontier(d: FrontierData, kind: str, names: list[str], skew: Callable[[float], str], *,
                 start: np.ndarray | None = None, speaker: str = "SFA",
                 residuals: str = "the OLS residuals") -> FrontierFit:
    """Maximum likelihood of the frontier ``d`` with the boundary rules; ``kind`` the efficiency ("bc" or
    "jlms"), ``names`` the parameters (for the warnings), ``skew`` words a skewness, ``start`` replaces the grid,
    and ``speaker`` and ``residuals`` name the fit and its OLS residuals in the warnings."""
    y, x = d.y, d.x
    n = y.size
    ols, *_ = np.linalg.lstsq(x, y, rcond=None)
    e_ols = y - x @ ols
    s2_ols = float(e_ols @ e_ols / n)
    ols_loglik = float(-0.5 * n * (LOG_2PI + np.log(s2_ols) + 1.0))
    skewness = float(np.mean(e_ols**3) / np.mean(e_ols**2) ** 1.5) if s2_ols > 0 else 0.0
    optimum = maximise(d, grid_starts(d, ols, s2_ols) if start is None else [start], try_boundary=n <= SMALL_SAMPLE)
    estimate, value, boundary = natural(optimum.theta, d), optimum.value, optimum.boundary
    converged = optimum.stationary or bool(boundary)
    if skewness > 0 and value <= ols_loglik + 1e-8:  # Waldman (1982): OLS, no inefficiency, is the maximum
        estimate, cov, zero = ols_limit(ols, s2_ols, d)
        undefined = ", ".join(name for name, u in zip(names, parameters_of_u(d)) if u)
        warn(f"{speaker}: {residuals} are {skew(skewness)}, and the likelihood is highest with no inefficiency: "
             f"the estimates are OLS with {zero} = 0 (Waldman 1982). This usually indicates that there is no "
             f"inefficiency or that the model is misspecified. Efficiency is 1; the standard errors of {undefined} "
             "are undefined (NaN).", FrontierBoundaryWarning)
        return FrontierFit(estimate, cov, ols_loglik, ols_loglik, True, f"{zero} = 0 (wrong skewness)", skewness,
                           optimum.iterations, np.ones(n), np.zeros(n))
    if skewness > 0 and not d.panel:  # a panel identifies u_i from a firm's rows
        warn(f"{speaker}: {residuals} are {skew(skewness)}; the estimated inefficiency rests on the "
             "distributional assumption alone. This might indicate that there is no inefficiency or that the "
             "model is misspecified.", FrontierBoundaryWarning)
    if boundary:  # the likelihood is not smooth in the limit: no curvature to invert
        cov = np.full((estimate.size, estimate.size), np.nan)
        warn(f"{speaker}: the likelihood rises all the way to the boundary {boundary}: the frontier is "
             "deterministic in the limit, which is returned (the supremum of the likelihood); the likelihood is "
             "not smooth there, so the standard errors are undefined (NaN).", FrontierBoundaryWarning)
    else:
        cov = covariance(estimate, d)
        converged = convergence_verdict(cov, converged, speaker=speaker,
                                        hint="the model may not be identified by these data")
    share = None if d.distribution == "exponential" else float(expit(-optimum.theta[d.k + d.q + 1]))  # 1 - gamma
    return FrontierFit(estimate, cov, value, ols_loglik, converged, boundary, skewness, optimum.iterations,
                       efficiency(estimate, d, kind, share), inefficiency(estimate, d, share))
