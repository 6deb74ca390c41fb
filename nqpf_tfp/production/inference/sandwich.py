"""Inference for ACF: the firm-clustered sandwich of the stacked estimating equations.

The first stage, the regression of productivity on its lag (the coefficients of
``g``) and the GMM second stage are one system of estimating equations; its
sandwich accounts for the first stage's estimation error in the second-stage
standard errors (Ackerberg, Caves and Frazer 2015, section 4.3; Newey and
McFadden 1994, section 6).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..numerics.linalg import cluster_sums, n_clusters, whole_firm_blocks

__all__ = ["sandwich_from_parts", "sandwich_parts", "stacked_sandwich"]


def stacked_sandwich(problem: Any, theta: np.ndarray) -> np.ndarray:
    """Firm-clustered sandwich of the stacked first stage, Markov regression and GMM equations.

    Returns the covariance of (theta, control coefficients); the controls' come from the first stage.
    See :func:`sandwich_parts`; in memory there is one part.
    """
    return sandwich_from_parts([sandwich_parts(problem, theta, problem.fast.markov_fit(theta))],
                               problem.weight, theta.size, problem.data.controls.shape[1])


BLOCK_ROWS = 1 << 19  # rows of whole firms per block: bounded temporaries, same sums


def sandwich_parts(problem: Any, theta: np.ndarray, fit: tuple[float, float, np.ndarray]
                   ) -> tuple[np.ndarray, np.ndarray, int]:
    """The Jacobian (a sum over rows) and the meat (a sum over firms) of a sample of whole firms.

    Equations: ``X'(y - X b) = 0`` (first stage), ``B'xi = 0`` (g's coefficients
    ``rho``; ``B`` the polynomial in ``u = (omega_p - mu) / s``, ``fit = (mu,
    s, rho)`` from the whole sample) and the raw moments ``Z'xi``; theta's
    equations ``A Z'xi = 0``, ``A = (dZ'xi/dtheta)' W``, are formed from the
    sums by :func:`sandwich_from_parts` (``A`` is a whole-sample quantity).
    The Jacobian is analytic, with ``d xi / d b = X_t - g' X_p`` and
    ``d xi / d theta = -x_t + g' x_p`` (``X`` the first-stage regressors
    entering ``phi``), and ``dB/d omega_p`` for the terms through ``B``.
    Both add up over blocks of whole firms: the rows are taken in blocks of
    about ``BLOCK_ROWS`` (bounded memory), and the out-of-core path sums the
    parts of its partitions.
    """
    data = problem.data
    phi = problem.phi(problem.b)  # x_fs b without the controls' part: d phi / d b = x_fs with those columns zero
    parts = [_block_parts(problem, theta, fit, phi, lo, hi) for lo, hi in whole_firm_blocks(data.codes, BLOCK_ROWS)]
    return _total([p[0] for p in parts]), _total([p[1] for p in parts]), sum(p[2] for p in parts)


def _block_parts(problem: Any, theta: np.ndarray, fit: tuple[float, float, np.ndarray], phi: np.ndarray,
                 lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`sandwich_parts` of the data rows ``lo:hi`` (whole firms) and their moment rows."""
    data = problem.data
    m_lo, m_hi = np.searchsorted(problem.rows, [lo, hi])  # moment rows are sorted, as are their firms
    rows, prev = problem.rows[m_lo:m_hi] - lo, problem.prev[m_lo:m_hi] - lo
    x_t, x_p, z = problem.x_t[m_lo:m_hi], problem.x_p[m_lo:m_hi], problem.z[m_lo:m_hi]
    x_fs, phi = problem.x_fs[lo:hi], phi[lo:hi]
    codes = data.codes[lo:hi] - data.codes[lo]
    b0 = problem.b
    n_ctrl = data.controls.shape[1]
    mu, s, rho = fit
    om_p = phi[prev] - x_p @ theta
    om_t = phi[rows] - x_t @ theta
    degree = rho.size - 1
    basis = np.vander((om_p - mu) / s, degree + 1, increasing=True)
    dbasis = np.zeros_like(basis)  # d basis / d omega_p
    dbasis[:, 1:] = basis[:, :-1] * np.arange(1, degree + 1) / s
    xi = om_t - basis @ rho
    slope = dbasis @ rho  # g'(omega_p)
    dxi_dth = -x_t + slope[:, None] * x_p
    bxi = dbasis * xi[:, None]
    nb, nr, nt, m = b0.size, rho.size, theta.size, z.shape[1]
    # d xi / d b = X_t - g' X_p: the block over b is (left_t)'X_fs[rows] + (left_p)'X_fs[prev]; gathering the
    # moment rows of X_fs costs two row gathers, where scattering into an (equations x rows) array would
    # walk it column by column
    left_t = np.column_stack([basis, z])
    left_p = np.column_stack([bxi - basis * slope[:, None], -(z * slope[:, None])])
    jac = np.zeros((nb + nr + m, nb + nr + nt))
    jac[:nb, :nb] = -x_fs.T @ x_fs
    jac[nb:, :nb] = left_t.T @ x_fs[rows] + left_p.T @ x_fs[prev]
    jac[nb:, 1:1 + n_ctrl] = 0.0
    jac[nb:nb + nr, nb:nb + nr] = -basis.T @ basis
    jac[nb:nb + nr, nb + nr:] = basis.T @ dxi_dth - bxi.T @ x_p
    jac[nb + nr:, nb:nb + nr] = -z.T @ basis
    jac[nb + nr:, nb + nr:] = z.T @ dxi_dth
    g = int(codes[-1]) + 1
    sums = np.column_stack([
        cluster_sums(x_fs * (data.y[lo:hi] - x_fs @ b0)[:, None], codes, g),
        cluster_sums(left_t * xi[:, None], codes[rows], g),
    ])
    return jac, sums.T @ sums, n_clusters(codes)


def sandwich_from_parts(parts: list[tuple[np.ndarray, np.ndarray, int]], weight: np.ndarray, n_theta: int,
                        n_ctrl: int) -> np.ndarray:
    """``J^-1 S J^-T G/(G-1)`` from the summed parts, theta's equations ``A Z'xi`` formed here:
    the block of (theta, controls)."""
    raw = _total([p[0] for p in parts])
    meat_raw = _total([p[1] for p in parts])
    present = sum(p[2] for p in parts)
    m = weight.shape[0]
    head = raw.shape[0] - m  # first-stage and rho equations
    a = raw[head:, -n_theta:].T @ weight  # A = (dZ'xi/dtheta)' W
    transform = np.zeros((head + n_theta, raw.shape[0]))
    transform[:head, :head] = np.eye(head)
    transform[head:, head:] = a
    jac = transform @ raw
    meat = transform @ meat_raw @ transform.T
    inv = np.linalg.inv(jac)
    total = jac.shape[0]
    keep = np.r_[np.arange(total - n_theta, total), 1 + np.arange(n_ctrl)]  # theta (last), controls (in b)
    return (inv @ meat @ inv.T * (present / (present - 1)))[np.ix_(keep, keep)]


def _total(arrays: list[np.ndarray]) -> np.ndarray:
    """The sum of equally shaped arrays (of one block or many partitions)."""
    return np.sum(arrays, axis=0)
