"""Analytic standard errors of GNR: the firm-clustered sandwich of its stacked estimating equations.

The estimator of Gandhi, Navarro and Rivers (2020) solves, with ``G`` the share
polynomial's terms, ``D = G'gamma`` (``gamma`` the share regression's raw
coefficients), ``eps = ln D - s`` and ``E`` the mean of ``exp(eps)``:

1. the share regression's normal equations: ``(G / D)(s - ln D) = 0``;
2. ``exp(eps) - E = 0``;
3. with ``Y = y - eps - m (G / a)'gamma / E`` (the integral of the flexible
   elasticity ``D / E`` over ``m``; ``a`` one plus the power of ``m`` in each
   term) and ``omega = Y - C'alpha``: the least squares of ``omega_t`` on the
   basis ``B`` of ``g`` in ``omega_{t-1}``, ``B (omega_t - B'rho) = 0``, and the
   just-identified moments ``C_t xi = 0``, ``xi = omega_t - B'rho``;
4. the mean elasticities, ``el(gamma, E, alpha) - mu = 0`` (fixed inputs:
   ``dC/dx alpha + m (dG/dx / a)'gamma / E``; flexible: ``D / E``).

Treating the polynomials as parametric (Ackerberg, Chen and Hahn 2012), the
covariance of ``mu`` is the firm-clustered sandwich ``H^-1 S H^-T G/(G-1)``
(``H`` the Jacobian of the summed equations, ``S`` the sum over firms of the
outer products of their summed equations): the share regression's and the
scale's estimation error are accounted for in the elasticities. ``H`` is
analytic: every block is a product of a few row-wise factors with ``G``,
``C`` or ``B``; the blocks through ``omega`` are formed as one product of
``G`` with the factors of the current and previous years scattered back onto
their rows.

References
----------
Gandhi, A., Navarro, S. and Rivers, D. A. (2020). On the identification of
gross output production functions. *Journal of Political Economy* 128(8),
2973-3016.
Ackerberg, D., Chen, X. and Hahn, J. (2012). A practical asymptotic variance
estimator for two-step semiparametric estimators. *Review of Economics and
Statistics* 94(2), 481-498.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...numerics.basis import markov_powers
from ..numerics.linalg import cluster_sums, n_clusters, whole_firm_blocks

__all__ = ["GNRProblem", "gnr_sandwich"]

BLOCK_ROWS = 1 << 16  # rows of whole firms per block


@dataclass(frozen=True)
class GNRProblem:
    """The arrays of a GNR estimate, rows sorted by firm.

    ``design`` the share polynomial's terms (constant first), ``divisors`` one plus the power of the
    flexible input in each, ``fixed_maps[v]`` the map from ``design`` to the derivatives of its
    non-constant terms in fixed input ``v`` (:func:`~nqpf_tfp.numerics.basis.derivative_map`);
    ``c_full`` the constant and the terms of ``C``, ``c_maps[v]`` its derivative maps;
    ``rows``/``prev`` the firm-years with a previous year and that year; ``codes`` the firm of every row.
    """

    design: np.ndarray
    divisors: np.ndarray
    fixed_maps: list[np.ndarray]
    share: np.ndarray
    y: np.ndarray
    flexible: np.ndarray
    c_full: np.ndarray
    c_maps: list[np.ndarray]
    rows: np.ndarray
    prev: np.ndarray
    codes: np.ndarray
    markov_degree: int


def gnr_sandwich(pr: GNRProblem, gamma_raw: np.ndarray, scale: float, alpha: np.ndarray) -> np.ndarray:
    """Firm-clustered covariance of the mean elasticities (fixed inputs, then the flexible one).

    ``gamma_raw`` the share regression's coefficients (before division by ``scale``, the mean of
    ``exp(eps)``), ``alpha`` the coefficients of ``C`` at a root of the second-stage moments.
    """
    g, flex, c = pr.design, pr.flexible, pr.c_full[:, 1:]
    n, ng, na = g.shape[0], g.shape[1], c.shape[1]
    nfix = len(pr.fixed_maps)
    d = g @ gamma_raw
    resid = pr.share - np.log(d)  # s - ln D = -eps
    inv_d = 1.0 / d
    e_eps = np.exp(-resid)
    integral = flex * (g @ (gamma_raw / pr.divisors)) / scale
    omega = pr.y + resid - integral - c @ alpha
    om_t, om_p = omega[pr.rows], omega[pr.prev]
    basis, d1 = markov_powers(om_p, pr.markov_degree)  # d1: the derivative in omega_{t-1}
    rho = np.linalg.solve(basis.T @ basis, basis.T @ om_t)
    xi = om_t - basis @ rho
    slope = d1 @ rho
    nq = rho.size
    z = c[pr.rows]
    # elasticities per row: the fixed inputs' through the derivative maps of the terms already built
    gamma_m = gamma_raw / pr.divisors
    slopes_gamma = [g @ (m @ gamma_m[1:]) for m in pr.fixed_maps]
    fixed_el = [pr.c_full @ (cm @ alpha) + flex * sg / scale for cm, sg in zip(pr.c_maps, slopes_gamma)]
    el = np.column_stack([*fixed_el, d / scale])
    mean_el = el.mean(axis=0)

    # parameters (gamma, E, alpha, rho, mu); equations in the same order
    o_g, o_e, o_a, o_r, o_m = 0, ng, ng + 1, ng + 1 + na, ng + 1 + na + nq
    size = o_m + nfix + 1
    jac = np.zeros((size, size))
    jac[o_e, o_e] = -n
    jac[o_a:o_r, o_r:o_m] = -z.T @ basis
    jac[o_r:o_m, o_r:o_m] = -basis.T @ basis
    flex_g, c_sums = flex @ g, pr.c_full.sum(axis=0)
    for v, (m, cm) in enumerate(zip(pr.fixed_maps, pr.c_maps)):
        jac[o_m + v, o_g + 1:o_e] = (flex_g @ m) / (pr.divisors[1:] * scale)
        jac[o_m + v, o_e] = -(flex @ slopes_gamma[v]) / scale**2
        jac[o_m + v, o_a:o_r] = c_sums @ cm
    jac[o_m + nfix, o_g:o_e] = g.sum(axis=0) / scale
    jac[o_m + nfix, o_e] = -d.sum() / scale**2
    jac[o_m:, o_m:] = -n * np.eye(nfix + 1)
    whole_eqs = np.column_stack([e_eps - scale, el - mean_el])
    # the rest in blocks of whole firms: bounded temporaries that stay in cache, the same sums
    meat = np.zeros((size, size))
    # meat in the order of the equations: (share, E, alpha, rho, mu) from (share, E, mu, alpha, rho)
    order = np.r_[np.arange(ng + 1), ng + 1 + nfix + 1 + np.arange(na + nq), ng + 1 + np.arange(nfix + 1)]
    for lo, hi in whole_firm_blocks(pr.codes, BLOCK_ROWS):
        m_lo, m_hi = np.searchsorted(pr.rows, [lo, hi])
        g_b, inv_b, codes = g[lo:hi], inv_d[lo:hi], pr.codes[lo:hi] - pr.codes[lo]
        # the alpha and rho equations through omega: d omega = -G/D d gamma - m G/(a E) d gamma
        # + integral / E dE - C d alpha, at the moment rows (factor on_t) and their previous years (on_p)
        z_b, b_b, xi_b, sl_b = z[m_lo:m_hi], basis[m_lo:m_hi], xi[m_lo:m_hi, None], slope[m_lo:m_hi, None]
        on_t = np.column_stack([z_b, b_b])
        jac[o_g:o_e, o_g:o_e] -= (g_b.T * ((1.0 + resid[lo:hi]) * inv_b**2)) @ g_b
        jac[o_e, o_g:o_e] += (e_eps[lo:hi] * inv_b) @ g_b
        scattered = np.zeros((hi - lo, na + nq))
        scattered[pr.rows[m_lo:m_hi] - lo] = on_t
        scattered[pr.prev[m_lo:m_hi] - lo] += np.column_stack([-z_b * sl_b, d1[m_lo:m_hi] * xi_b - b_b * sl_b])
        jac[o_a:o_m, o_g:o_e] -= ((scattered.T * inv_b) @ g_b
                                  + ((scattered.T * flex[lo:hi]) @ g_b) / (pr.divisors * scale))
        jac[o_a:o_m, o_e] += scattered.T @ (integral[lo:hi] / scale)
        jac[o_a:o_m, o_a:o_r] -= scattered.T @ c[lo:hi]
        groups = int(codes[-1]) + 1
        sums = np.column_stack([
            cluster_sums(g_b * (resid[lo:hi] * inv_b)[:, None], codes, groups),
            cluster_sums(whole_eqs[lo:hi], codes, groups),
            cluster_sums(on_t * xi_b, pr.codes[pr.rows[m_lo:m_hi]] - pr.codes[lo], groups),
        ])[:, order]
        meat += sums.T @ sums
    bread = np.linalg.inv(jac)
    firms = n_clusters(pr.codes)
    cov = bread @ meat @ bread.T * firms / (firms - 1)
    return cov[o_m:, o_m:]
