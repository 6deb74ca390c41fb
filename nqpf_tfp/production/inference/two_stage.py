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
summed equations, ``S`` the sum over firms of the outer products of their
summed equations. First-stage estimation error is accounted for.

Everything comes from one pass over the rows (:func:`sandwich_pieces`). The
Jacobian is analytic, by the chain rule through ``phi`` and ``omega_{t-1}``:
with ``W = d omega_{t-1} / d theta = [X_phi,p, 0, -k_{t-1}]`` (``X_phi`` the
first-stage columns that enter ``phi``), ``B'`` and ``B''`` the derivatives of
the basis in ``omega_{t-1}``, ``g' = B' rho`` and ``g'' = B'' rho``, every block
is a product of a few row-wise factors with ``X``, ``k`` or ``B``. ``R``
enters the third block linearly (``psi3 = xi d - xi B R``), so the pass keeps
the parts that multiply ``R`` apart and ``R`` itself, from the second block's
Jacobian (``B'B R = d(B'eta)/d gamma``), is solved afterwards: out of core the
sandwich is a single pass over the partitions.

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

from ..numerics.linalg import cluster_sums, n_clusters, whole_firm_blocks

__all__ = ["SandwichPieces", "TwoStageProblem", "markov_terms", "sandwich_from_pieces", "sandwich_pieces",
           "two_stage_sandwich"]

BLOCK_ROWS = 1 << 19  # rows of whole firms per block: bounded temporaries, same sums


@dataclass(frozen=True)
class TwoStageProblem:
    """The data of an OP/LP estimation in the order of its first-stage design ``x``.

    ``x`` columns: constant, ``n_free`` free inputs, ``n_ctrl`` controls, then the
    polynomial in (state, proxy); ``rows``/``prev`` the firm-years with a previous
    year and that year (sorted); ``codes`` the firm of every row (rows sorted by firm).
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


Fit = tuple[float, float, np.ndarray]  # g: (mu, s, rho), g(w) = sum_j rho_j ((w - mu) / s)^j


@dataclass(frozen=True)
class SandwichPieces:
    """Sums over rows (and over firms, for the meat) that :func:`sandwich_from_pieces` assembles.

    With ``theta = (b, rho, gamma)``: ``xx = X'X``; ``j2`` the Jacobian of the
    ``rho`` equations; ``j3a`` and ``j3b`` that of the ``gamma`` equations,
    which is ``j3a - R' j3b``; ``meat`` the sum over firms of ``s s'`` with
    ``s`` the firm's sums of ``(psi1, psi2, xi d, xi B)``; ``firms`` the number
    of firms present. All add up over samples of whole firms (blocks, partitions).
    """

    xx: np.ndarray
    j2: np.ndarray
    j3a: np.ndarray
    j3b: np.ndarray
    meat: np.ndarray
    firms: int

    @classmethod
    def total(cls, parts: list[SandwichPieces]) -> SandwichPieces:
        def add(name: str) -> np.ndarray:
            return np.sum([getattr(p, name) for p in parts], axis=0)

        return cls(add("xx"), add("j2"), add("j3a"), add("j3b"), add("meat"), sum(p.firms for p in parts))


def markov_terms(u: np.ndarray, p: np.ndarray | None, degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The basis of ``g``: the monomials ``u^a p^c`` (``a + c <= degree``; ``c = 0`` without ``p``), and
    their first and second derivatives in ``u``."""
    pairs = [(a, c) for total in range(degree + 1) for c in range(total + 1) for a in [total - c]
             if p is not None or c == 0]
    a = np.array([e[0] for e in pairs])
    c = np.array([e[1] for e in pairs])
    up = np.vander(u, degree + 1, increasing=True)
    p_part = 1.0 if p is None else np.vander(p, degree + 1, increasing=True)[:, c]
    basis = up[:, a] * p_part
    first = up[:, np.maximum(a - 1, 0)] * p_part * a
    second = up[:, np.maximum(a - 2, 0)] * p_part * (a * (a - 1))
    return basis, first, second


def sandwich_pieces(pr: TwoStageProblem, b: np.ndarray, gamma: np.ndarray, fit: Fit) -> SandwichPieces:
    """The pieces of the sandwich at ``(b, rho, gamma)`` from one pass, in blocks of whole firms."""
    phi = b[0] + pr.x[:, pr.first:] @ b[pr.first:]
    parts = [_block(pr, b, gamma, fit, phi, lo, hi) for lo, hi in whole_firm_blocks(pr.codes, BLOCK_ROWS)]
    return SandwichPieces.total(parts)


def _block(pr: TwoStageProblem, b: np.ndarray, gamma: np.ndarray, fit: Fit, phi: np.ndarray, lo: int,
           hi: int) -> SandwichPieces:
    """:func:`sandwich_pieces` of the data rows ``lo:hi`` (whole firms) and their moment rows."""
    mu, s, rho = fit
    m_lo, m_hi = np.searchsorted(pr.rows, [lo, hi])
    rows, prev = pr.rows[m_lo:m_hi] - lo, pr.prev[m_lo:m_hi] - lo
    x, y, state, codes = pr.x[lo:hi], pr.y[lo:hi], pr.state[lo:hi], pr.codes[lo:hi] - pr.codes[lo]
    phi = phi[lo:hi]
    first, p1, q, ns = pr.first, x.shape[1], rho.size, gamma.size
    k_t, k_p = state[rows], state[prev]
    basis, d1, d2 = markov_terms((phi[prev] - k_p @ gamma - mu) / s, None, pr.degree)
    d1 /= s  # derivatives in omega_{t-1}
    d2 /= s * s
    slope, curv = d1 @ rho, d2 @ rho  # g', g''
    g = basis @ rho
    eta = phi[rows] - k_t @ gamma - g  # the rho equations' residual
    x_t = x[rows]
    xi = y[rows] - x_t[:, 1:first] @ b[1:first] - k_t @ gamma - g
    d = -k_t + slope[:, None] * k_p  # d xi / d gamma at fixed rho
    a2 = d1 * eta[:, None] - basis * slope[:, None]
    a3 = (xi * curv)[:, None] * k_p - d * slope[:, None]
    b3 = d1 * xi[:, None] - basis * slope[:, None]
    # the b columns: products with X at the moment rows (phi's columns) and at their previous years
    on_prev = np.column_stack([a2, a3, b3]).T @ x[prev]
    on_rows = np.column_stack([basis, d]).T @ x_t
    phi_cols = np.r_[0, first:p1]
    rest_cols = np.arange(1, first)
    nth = p1 + q + ns
    j2, j3a, j3b = np.zeros((q, nth)), np.zeros((ns, nth)), np.zeros((q, nth))
    j2[:, phi_cols] = on_prev[:q, phi_cols] + on_rows[:q, phi_cols]
    j3a[:, phi_cols] = on_prev[q:q + ns, phi_cols]
    j3a[:, rest_cols] = -on_rows[q:, rest_cols]
    j3b[:, phi_cols] = on_prev[q + ns:, phi_cols]
    j3b[:, rest_cols] = -on_rows[:q, rest_cols]
    btb = basis.T @ basis
    rho_c, gam_c = slice(p1, p1 + q), slice(p1 + q, nth)
    j2[:, rho_c] = -btb
    j3a[:, rho_c] = -d.T @ basis + (xi[:, None] * k_p).T @ d1
    j3b[:, rho_c] = -btb
    j2[:, gam_c] = -a2.T @ k_p - basis.T @ k_t
    j3a[:, gam_c] = d.T @ d - ((xi * curv)[:, None] * k_p).T @ k_p
    j3b[:, gam_c] = basis.T @ d - (d1 * xi[:, None]).T @ k_p
    n_g = int(codes[-1]) + 1
    sums = np.column_stack([
        cluster_sums(x * (y - x @ b)[:, None], codes, n_g),
        cluster_sums(np.column_stack([basis * eta[:, None], d * xi[:, None], basis * xi[:, None]]), codes[rows],
                     n_g),
    ])
    return SandwichPieces(x.T @ x, j2, j3a, j3b, sums.T @ sums, n_clusters(codes))


def sandwich_from_pieces(pieces: SandwichPieces, n_free: int, n_ctrl: int) -> np.ndarray:
    """``H^-1 S H^-T G/(G-1)``: the covariance of (free, state, control coefficients).

    ``R = (B'B)^-1 d(B'eta)/d gamma`` comes from the ``rho`` equations' Jacobian
    (``-B'B`` and ``d(B'eta)/d gamma`` are two of its blocks).
    """
    p1, q, ns = pieces.xx.shape[0], pieces.j2.shape[0], pieces.j3a.shape[0]
    rho_c, gam_c = slice(p1, p1 + q), slice(p1 + q, p1 + q + ns)
    r = np.linalg.solve(-pieces.j2[:, rho_c], pieces.j2[:, gam_c])
    head = p1 + q + ns
    jac = np.zeros((head, head))
    jac[:p1, :p1] = -pieces.xx
    jac[p1:p1 + q] = pieces.j2
    jac[p1 + q:] = pieces.j3a - r.T @ pieces.j3b
    transform = np.zeros((head, head + q))  # (s1, s2, s3a, s3b) -> (s1, s2, s3a - R's3b)
    transform[:, :head] = np.eye(head)
    transform[p1 + q:, head:] = -r.T
    meat = transform @ pieces.meat @ transform.T
    bread = np.linalg.inv(jac)
    g = pieces.firms
    cov = bread @ meat @ bread.T * g / (g - 1)
    first = 1 + n_free + n_ctrl
    keep = np.r_[np.arange(1, 1 + n_free), np.arange(p1 + q, head), np.arange(1 + n_free, first)]
    return cov[np.ix_(keep, keep)]


def two_stage_sandwich(pr: TwoStageProblem, b: np.ndarray, gamma: np.ndarray, fit: Fit) -> np.ndarray:
    """Firm-clustered covariance of (free coefficients, state coefficients, control coefficients) in memory.

    ``b`` the first-stage coefficients, ``gamma`` the state coefficients, ``fit`` the process ``g`` at
    ``gamma`` (:meth:`~nqpf_tfp.production.gmm.moments.MarkovMoments.markov_fit`).
    """
    return sandwich_from_pieces(sandwich_pieces(pr, b, gamma, fit), pr.n_free, pr.n_ctrl)
