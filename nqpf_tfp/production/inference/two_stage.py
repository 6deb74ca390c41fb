"""Analytic standard errors of Olley-Pakes and Levinsohn-Petrin: the stacked two-stage sandwich.

The estimator solves three sets of estimating equations, row by row:

1. the first stage, OLS: ``X_i (y_i - X_i'b) = 0`` (``X = [1, w, c, poly(k, proxy)]``),
   ``phi_i(b) = b_0 + poly_i'b_poly``;
2. the productivity process, least squares of ``omega_t = phi_t - k_t'gamma`` on
   the polynomial basis ``B_i`` of ``omega_{t-1} = phi_{t-1} - k_{t-1}'gamma``:
   ``B_i (omega_{t,i} - B_i'rho) = 0``;
3. the second stage, the first-order condition of the concentrated criterion
   ``sum xi_i^2`` with ``xi = y - w'beta - c'delta - k_t'gamma - B'rho``:
   ``xi_i (d xi_i / d gamma + d xi_i / d rho . R) = 0``, ``R = d rho(gamma) / d gamma``
   (in closed form; held at its estimate, whose sampling error enters only at
   higher order).

Treating the polynomial sieves as parametric, the estimate is a just-identified
M-estimator (Ackerberg, Chen and Hahn 2012), so its covariance is the
firm-clustered sandwich ``H^-1 S H^-T G/(G-1)``: ``H`` the Jacobian of the
summed equations (exact, by complex step), ``S`` the sum over firms of the
outer products of their summed equations. First-stage estimation error is
accounted for.

References
----------
Ackerberg, D., Chen, X. and Hahn, J. (2012). A practical asymptotic variance
estimator for two-step semiparametric estimators. *Review of Economics and
Statistics* 94(2), 481-498.
Newey, W. K. and McFadden, D. (1994). Large sample estimation and hypothesis
testing. *Handbook of Econometrics* 4, chapter 36, section 6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..numerics.linalg import cluster_sums, n_clusters

__all__ = ["TwoStageProblem", "two_stage_sandwich"]

_STEP = 1e-30  # complex step: exact derivatives of the (analytic) summed equations


@dataclass(frozen=True)
class TwoStageProblem:
    """The data of an OP/LP estimation in the order of its first-stage design ``x``.

    ``x`` columns: constant, ``n_free`` free inputs, ``n_ctrl`` controls, then the
    polynomial in (state, proxy); ``rows``/``prev`` the firm-years with a previous
    year and that year; ``codes`` the firm of every row.
    """

    x: np.ndarray
    y: np.ndarray
    state: np.ndarray
    rows: np.ndarray
    prev: np.ndarray
    codes: np.ndarray
    n_free: int
    n_ctrl: int
    degree: int

    @property
    def first(self) -> int:
        return 1 + self.n_free + self.n_ctrl


def _basis(u: np.ndarray, degree: int) -> tuple[np.ndarray, np.ndarray]:
    """``[1, u, ..., u^d]`` and its derivative in u."""
    powers = np.stack([u**j for j in range(degree + 1)], axis=1)
    derivative = np.stack([j * u ** (j - 1) if j else np.zeros_like(u) for j in range(degree + 1)], axis=1)
    return powers, derivative


def _equations(pr: TwoStageProblem, theta: np.ndarray, centre: tuple[float, float],
               r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row contributions of the three blocks at ``theta = (b, rho, gamma)`` (``R`` held fixed)."""
    p1, q = pr.x.shape[1], pr.degree + 1
    b, rho, gamma = theta[:p1], theta[p1:p1 + q], theta[p1 + q:]
    mu, s = centre
    first = pr.first
    phi = b[0] + pr.x[:, first:] @ b[first:]
    k_t, k_p = pr.state[pr.rows], pr.state[pr.prev]
    om_t = phi[pr.rows] - k_t @ gamma
    basis, d_basis = _basis((phi[pr.prev] - k_p @ gamma - mu) / s, pr.degree)
    psi1 = pr.x * (pr.y - pr.x @ b)[:, None]
    psi2 = basis * (om_t - basis @ rho)[:, None]
    rest = pr.x[pr.rows, 1:first] @ b[1:first]  # w'beta + c'delta
    xi = pr.y[pr.rows] - rest - k_t @ gamma - basis @ rho
    slope = (d_basis @ rho) / s  # g'(omega_{t-1})
    d_xi = -k_t + slope[:, None] * k_p
    psi3 = xi[:, None] * (d_xi - basis @ r)
    return psi1, psi2, psi3


def two_stage_sandwich(pr: TwoStageProblem, b: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Firm-clustered covariance of (free coefficients, state coefficients, control coefficients).

    ``b`` the first-stage coefficients, ``gamma`` the second stage's state coefficients.
    """
    p1, q, ns = pr.x.shape[1], pr.degree + 1, pr.state.shape[1]
    first = pr.first
    k_t, k_p = pr.state[pr.rows], pr.state[pr.prev]
    phi = b[0] + pr.x[:, first:] @ b[first:]
    om_p = phi[pr.prev] - k_p @ gamma
    centre = (float(om_p.mean()), float(om_p.std()) or 1.0)
    basis, d_basis = _basis((om_p - centre[0]) / centre[1], pr.degree)
    om_t = phi[pr.rows] - k_t @ gamma
    rho = np.linalg.solve(basis.T @ basis, basis.T @ om_t)
    eta = om_t - basis @ rho
    slope = (d_basis @ rho) / centre[1]
    # R = d rho / d gamma from the normal equations B'(omega_t - B rho) = 0
    d_b_eta = (d_basis / centre[1] * eta[:, None]).T @ (-k_p)
    r = np.linalg.solve(basis.T @ basis, d_b_eta + basis.T @ (-k_t + slope[:, None] * k_p))
    theta = np.r_[b, rho, gamma]

    def totals(t: np.ndarray) -> np.ndarray:
        return np.concatenate([block.sum(axis=0) for block in _equations(pr, t, centre, r)])

    jac = np.column_stack([totals(theta + 1j * _STEP * e).imag / _STEP for e in np.eye(theta.size)])
    psi1, psi2, psi3 = _equations(pr, theta, centre, r)
    groups = int(pr.codes.max()) + 1
    scores = cluster_sums(psi1, pr.codes, groups)
    scores = np.column_stack([scores, cluster_sums(np.column_stack([psi2, psi3]), pr.codes[pr.rows], groups)])
    g = n_clusters(pr.codes)
    bread = np.linalg.inv(jac)
    cov = bread @ (scores.T @ scores) @ bread.T * g / (g - 1)
    keep = np.r_[np.arange(1, 1 + pr.n_free), p1 + q + np.arange(ns), np.arange(1 + pr.n_free, first)]
    return cov[np.ix_(keep, keep)]
