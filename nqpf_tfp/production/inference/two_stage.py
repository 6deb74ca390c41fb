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

__all__ = ["TwoStageProblem", "response_parts", "sandwich_from_parts", "sandwich_parts", "two_stage_sandwich"]

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


Fit = tuple[float, float, np.ndarray]  # g: (mu, s, rho), g(w) = sum_j rho_j ((w - mu) / s)^j


def response_parts(pr: TwoStageProblem, b: np.ndarray, gamma: np.ndarray, fit: Fit) -> tuple[np.ndarray, np.ndarray]:
    """``B'B`` and the right-hand side of ``R = d rho / d gamma`` (additive over blocks of rows).

    From the normal equations ``B'(omega_t - B rho) = 0``:
    ``(B'B) R = (dB/d gamma)' eta + B' (d omega_t / d gamma - (dB/d gamma) rho)``.
    """
    mu, s, rho = fit
    first = pr.first
    k_t, k_p = pr.state[pr.rows], pr.state[pr.prev]
    phi = b[0] + pr.x[:, first:] @ b[first:]
    basis, d_basis = _basis((phi[pr.prev] - k_p @ gamma - mu) / s, pr.degree)
    eta = phi[pr.rows] - k_t @ gamma - basis @ rho
    slope = (d_basis @ rho) / s
    rhs = (d_basis / s * eta[:, None]).T @ (-k_p) + basis.T @ (-k_t + slope[:, None] * k_p)
    return basis.T @ basis, rhs


def sandwich_parts(pr: TwoStageProblem, b: np.ndarray, gamma: np.ndarray, fit: Fit,
                   r: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The Jacobian of the summed equations (exact, by complex step) and the meat ``sum_g s_g s_g'`` of a
    sample of whole firms, and the number of firms present; all additive over such samples."""
    mu, s, rho = fit
    theta = np.r_[b, rho, gamma]

    def totals(t: np.ndarray) -> np.ndarray:
        return np.concatenate([block.sum(axis=0) for block in _equations(pr, t, (mu, s), r)])

    jac = np.column_stack([totals(theta + 1j * _STEP * e).imag / _STEP for e in np.eye(theta.size)])
    psi1, psi2, psi3 = _equations(pr, theta, (mu, s), r)
    groups = int(pr.codes.max()) + 1
    scores = np.column_stack([cluster_sums(psi1, pr.codes, groups),
                              cluster_sums(np.column_stack([psi2, psi3]), pr.codes[pr.rows], groups)])
    return jac, scores.T @ scores, n_clusters(pr.codes)


def sandwich_from_parts(parts: list[tuple[np.ndarray, np.ndarray, int]], n_free: int, n_ctrl: int, n_state: int,
                        degree: int) -> np.ndarray:
    """``H^-1 S H^-T G/(G-1)``, the block of (free, state, control coefficients)."""
    jac = np.sum([p[0] for p in parts], axis=0)
    meat = np.sum([p[1] for p in parts], axis=0)
    g = sum(p[2] for p in parts)
    bread = np.linalg.inv(jac)
    cov = bread @ meat @ bread.T * g / (g - 1)
    p1 = jac.shape[0] - (degree + 1) - n_state
    first = 1 + n_free + n_ctrl
    keep = np.r_[np.arange(1, 1 + n_free), p1 + degree + 1 + np.arange(n_state), np.arange(1 + n_free, first)]
    return cov[np.ix_(keep, keep)]


def two_stage_sandwich(pr: TwoStageProblem, b: np.ndarray, gamma: np.ndarray, fit: Fit) -> np.ndarray:
    """Firm-clustered covariance of (free coefficients, state coefficients, control coefficients) in memory.

    ``b`` the first-stage coefficients, ``gamma`` the state coefficients, ``fit`` the process ``g`` at
    ``gamma`` (:meth:`~nqpf_tfp.production.gmm.moments.MarkovMoments.markov_fit`).
    """
    btb, rhs = response_parts(pr, b, gamma, fit)
    r = np.linalg.solve(btb, rhs)
    return sandwich_from_parts([sandwich_parts(pr, b, gamma, fit, r)], pr.n_free, pr.n_ctrl, pr.state.shape[1],
                               pr.degree)
