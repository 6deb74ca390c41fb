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
``G`` with the factors of the current years plus those of their previous
years, one row up.

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

from ...errors import EstimationError
from ...numerics.basis import standardised_powers
from ...parallel.blocks import map_blocks
from ..numerics.linalg import cluster_sums, n_clusters, whole_firm_blocks

__all__ = ["GNRProblem", "gnr_sandwich"]

BLOCK_ROWS = 1 << 13  # rows of whole firms per block (measured: 8,192 beats 4,096 and 65,536)


@dataclass(frozen=True)
class GNRProblem:
    """The arrays of a GNR estimate, rows sorted by firm.

    ``design`` the share polynomial's terms (constant first), ``divisors`` one plus the power of the
    flexible input in each, ``fixed_maps[v]`` the map from ``design`` to the derivatives of its
    non-constant terms in fixed input ``v`` (:func:`~nqpf_tfp.numerics.basis.derivative_map`);
    ``fitted`` the products of ``design`` with the raw coefficients ``gamma``, with ``gamma / divisors`` and
    with its slopes in each fixed input (``fixed_maps[v] @ (gamma / divisors)[1:]``), as the estimator built them;
    ``c_full`` the constant and the terms of ``C``, ``c_maps[v]`` its derivative maps;
    ``rows``/``prev`` the firm-years with a previous year and that year; ``codes`` the firm of every row.
    """

    design: np.ndarray
    divisors: np.ndarray
    fixed_maps: list[np.ndarray]
    fitted: np.ndarray
    share: np.ndarray
    y: np.ndarray
    flexible: np.ndarray
    c_full: np.ndarray
    c_maps: list[np.ndarray]
    rows: np.ndarray
    prev: np.ndarray
    codes: np.ndarray
    markov_degree: int


def gnr_sandwich(pr: GNRProblem, gamma_raw: np.ndarray, scale: float, alpha: np.ndarray,
                 threads: int = 1) -> np.ndarray:
    """Firm-clustered covariance of the mean elasticities (fixed inputs, then the flexible one).

    ``gamma_raw`` the share regression's coefficients (before division by ``scale``, the mean of
    ``exp(eps)``), ``alpha`` the coefficients of ``C`` at a root of the second-stage moments;
    ``threads`` for the blocks of firms (the same numbers on any number).
    """
    g, flex, c_full = pr.design, pr.flexible, pr.c_full
    n, ng, na = g.shape[0], g.shape[1], c_full.shape[1] - 1
    nfix = len(pr.fixed_maps)
    gw = pr.fitted  # per row: D, the integral's polynomial and its slopes in the fixed inputs
    d = gw[:, 0]
    resid = pr.share - np.log(d)  # s - ln D = -eps
    integral = flex * gw[:, 1] / scale
    omega = pr.y + resid - integral - c_full @ np.r_[0.0, alpha]
    om_t, om_p = omega[pr.rows], omega[pr.prev]
    # g's least squares on the standardised powers of omega_{t-1} (as markov_powers), from power sums
    degree = pr.markov_degree
    sd = float(om_p.std())
    sd = sd if sd > 0 else 1.0
    u = (om_p - om_p.mean()) / sd
    power = np.ones_like(u)
    sums_u, sums_t = np.zeros(2 * degree + 1), np.zeros(degree + 1)
    for k in range(2 * degree + 1):
        sums_u[k] = power.sum()
        if k <= degree:
            sums_t[k] = power @ om_t
        power = power * u
    rho = np.linalg.solve(sums_u[np.add.outer(np.arange(degree + 1), np.arange(degree + 1))], sums_t)
    nq = rho.size
    c_slopes = np.column_stack([cm @ alpha for cm in pr.c_maps])  # dC/dx_v = c_full @ c_slopes[:, v]
    c_sums, flex_slopes = c_full.sum(axis=0), flex @ gw[:, 2:]
    # mean elasticities from sums (fixed inputs: dC/dx + m d(integral)/dx; flexible: D / E)
    mean_el = np.r_[(c_sums @ c_slopes + flex_slopes / scale) / n, d.sum() / (scale * n)]

    # parameters (gamma, E, alpha, rho, mu); equations in the same order
    o_g, o_e, o_a, o_r, o_m = 0, ng, ng + 1, ng + 1 + na, ng + 1 + na + nq
    size = o_m + nfix + 1
    jac = np.zeros((size, size))
    jac[o_e, o_e] = -n
    for v in range(nfix):  # (the rows in gamma need sums of G: after the pass over the blocks)
        jac[o_m + v, o_e] = -flex_slopes[v] / scale**2
        jac[o_m + v, o_a:o_r] = c_sums @ pr.c_maps[v]
    jac[o_m + nfix, o_e] = -d.sum() / scale**2
    jac[o_m:, o_m:] = -n * np.eye(nfix + 1)
    # the rest in blocks of whole firms (bounded temporaries that stay in cache), spread over ``threads``;
    # each block's part of the Jacobian and of the meat, added in block order (the same sums on any threads).
    # Rows are sorted by firm and year, so a moment row's previous year is the row above it: every factor is
    # formed on all rows of the block (zero where a row has no previous year) and the previous years' factors
    # are added one row up, with slices instead of gathers and scatters (which hold the interpreter lock)
    if not np.array_equal(pr.prev, pr.rows - 1):
        raise EstimationError("gnr_sandwich: the previous years must be the rows just above the moment rows.")
    through_m = 1.0 / (pr.divisors * scale)  # d integral / d gamma = m G / (a E)
    moment = np.zeros(n)
    moment[pr.rows] = 1.0
    u_rows = np.zeros(n)  # omega_{t-1} standardised, on the moment rows
    u_rows[pr.rows] = u

    def block_parts(block: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo, hi = block
        part = np.zeros((size, size))
        g_b, mask = g[lo:hi], moment[lo:hi]
        inv_b, resid_b = 1.0 / d[lo:hi], resid[lo:hi]
        b_b, d1_b = standardised_powers(u_rows[lo:hi], degree, sd)  # g's basis, its derivative in omega_{t-1}
        xi_b, sl_b = (omega[lo:hi] - b_b @ rho) * mask, (d1_b @ rho) * mask
        b_b *= mask[:, None]
        z_b = c_full[lo:hi, 1:]  # C's terms (the instruments) on every row; weighted by mask or xi below
        part[o_a:o_r, o_r:o_m] -= z_b.T @ b_b
        part[o_r:o_m, o_r:o_m] -= b_b.T @ b_b
        part[o_g:o_e, o_g:o_e] -= (g_b.T * ((1.0 + resid_b) * inv_b**2)) @ g_b
        e_eps = np.exp(-resid_b)
        part[o_e, o_g:o_e] += (e_eps * inv_b) @ g_b
        # the alpha and rho equations through omega: d omega = -G/D d gamma - m G/(a E) d gamma
        # + integral / E dE - C d alpha, at the moment rows (factor (C, B)) and their previous years (one row up)
        factors = np.empty((hi - lo, na + nq))
        np.multiply(z_b, mask[:, None], out=factors[:, :na])
        factors[:, na:] = b_b
        factors[:-1, :na] -= (z_b[1:] * sl_b[1:, None])
        factors[:-1, na:] += d1_b[1:] * xi_b[1:, None] - b_b[1:] * sl_b[1:, None]
        part[o_a:o_m, o_g:o_e] -= factors.T @ (g_b * (inv_b[:, None] + flex[lo:hi, None] * through_m))
        part[o_a:o_m, o_e] += factors.T @ (integral[lo:hi] / scale)
        part[o_a:o_m, o_a:o_r] -= factors.T @ z_b
        # every estimating equation of every row of the block, in the parameters' order; summed by firm
        eqs = np.empty((hi - lo, size))
        np.multiply(g_b, (resid_b * inv_b)[:, None], out=eqs[:, o_g:o_e])
        eqs[:, o_e] = e_eps - scale
        np.multiply(z_b, xi_b[:, None], out=eqs[:, o_a:o_r])
        np.multiply(b_b, xi_b[:, None], out=eqs[:, o_r:o_m])
        eqs[:, o_m:o_m + nfix] = c_full[lo:hi] @ c_slopes + flex[lo:hi, None] * gw[lo:hi, 2:] / scale
        eqs[:, o_m + nfix] = d[lo:hi] / scale
        eqs[:, o_m:] -= mean_el
        codes = pr.codes[lo:hi] - pr.codes[lo]
        sums = cluster_sums(eqs, codes, int(codes[-1]) + 1)
        return part, sums.T @ sums, np.vstack([np.ones(hi - lo), flex[lo:hi]]) @ g_b  # sums of G and m G

    meat = np.zeros((size, size))
    g_sums = np.zeros((2, ng))  # sums of G and of m G
    for jac_part, meat_part, g_part in map_blocks(block_parts, whole_firm_blocks(pr.codes, BLOCK_ROWS), threads):
        jac += jac_part
        meat += meat_part
        g_sums += g_part
    for v, m in enumerate(pr.fixed_maps):
        jac[o_m + v, o_g + 1:o_e] = (g_sums[1] @ m) / (pr.divisors[1:] * scale)
    jac[o_m + nfix, o_g:o_e] = g_sums[0] / scale
    bread = np.linalg.inv(jac)
    firms = n_clusters(pr.codes)
    cov = bread @ meat @ bread.T * firms / (firms - 1)
    return cov[o_m:, o_m:]
