"""A small, well-conditioned basis for the products of polynomial terms of a few variables.

The second stage of Gandhi, Navarro and Rivers (2020) fits the Markov process of
``omega = Y - C(x)`` with ``C`` a polynomial of degree ``c`` in the fixed inputs
``x``; its sufficient statistics (:class:`~.moments.MarkovMoments`) are sums of the
monomials of degree ``<= D`` in ``(Y, q_1(x), ..., q_K(x))``, the terms of ``C``
(whitened), and the sums of their pairwise products. With two fixed inputs and
``c = D = 3`` there are 286 such monomials, but they are functions of three
variables only: a monomial with ``Y`` to the power ``j`` is ``Y^j`` times a
polynomial of degree ``<= c (D - j)`` in ``x``. So they all lie in the span of

    ``P_j(r) A_a(u)``,   ``j <= D``,  ``|a| <= c (D - j)``

(94 functions for two fixed inputs), where ``u`` are the fixed inputs centred and
whitened, ``r`` is ``Y`` minus a polynomial of degree ``c`` in them (the span does
not change, as ``(r + h)^j`` only trades powers of ``Y`` for powers of ``x`` that
the span already holds), ``P_j`` and ``A_a`` products of univariate polynomials
orthonormal on a sample of the rows (discrete Stieltjes procedure; Gautschi
2004, section 2.2.3). Decorrelating ``Y`` from ``x`` and ``x`` among themselves,
and orthonormal instead of raw powers, keep the basis close to orthogonal, so the
monomials' coordinates in it (fitted on a sample of the rows, where they are an
exact polynomial identity) carry no cancellation to the rest.

References
----------
Gautschi, W. (2004). *Orthogonal Polynomials: Computation and Approximation*.
Oxford University Press.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.linalg import solve_triangular

from ...numerics.basis import monomial_table, monomials
from ...parallel.blocks import single_blas_thread

__all__ = ["DegenerateBasis", "LaggedProductBasis", "OrthonormalPolynomials"]

SAMPLE_ROWS = 4096  # rows the recurrences and the coordinates are fitted on


class DegenerateBasis(ValueError):
    """The data do not support the basis (too few distinct values); the caller builds the monomials instead."""


class OrthonormalPolynomials:
    """Polynomials in one variable orthonormal on a sample, by the discrete Stieltjes procedure.

    ``p_0 = 1``, ``b_{k+1} p_{k+1}(t) = (t - a_k) p_k(t) - b_k p_{k-1}(t)`` with ``a_k`` the sample
    mean of ``t p_k^2`` and ``b_{k+1}`` the root mean square of the right-hand side.
    """

    def __init__(self, sample: np.ndarray, degree: int) -> None:
        self.degree = degree
        self.a, self.b = np.zeros(degree), np.zeros(degree + 1)
        prev, cur = np.zeros_like(sample), np.ones_like(sample)
        for k in range(degree):
            self.a[k] = np.mean(sample * cur * cur)
            nxt = (sample - self.a[k]) * cur - self.b[k] * prev
            self.b[k + 1] = np.sqrt(np.mean(nxt * nxt))
            if not self.b[k + 1] > 1e-8 * (1.0 + abs(self.a[k])):
                raise DegenerateBasis(f"{k + 1} distinct values cannot carry degree {degree}")
            prev, cur = cur, nxt / self.b[k + 1]

    def values(self, t: np.ndarray) -> np.ndarray:
        """``p_0(t), ..., p_degree(t)`` (rows x degree + 1, Fortran order)."""
        out = np.empty((t.size, self.degree + 1), order="F")
        out[:, 0] = 1.0
        if self.degree:
            out[:, 1] = (t - self.a[0]) / self.b[1]
        for k in range(1, self.degree):
            out[:, k + 1] = ((t - self.a[k]) * out[:, k] - self.b[k] * out[:, k - 1]) / self.b[k + 1]
        return out


class LaggedProductBasis:
    """Functions of ``(y, x)`` whose span holds every product of at most ``D`` of ``(y, q_1(x), ...)``.

    Parameters
    ----------
    y : array (N,)
        The variable that enters linearly (GNR's ``Y``).
    x : array (N, p)
        The variables of the polynomial terms (the fixed inputs).
    term_degree : int
        ``c``, the degree of the terms ``q_k`` in ``x``.
    degree : int
        ``D``, the largest number of factors in a product.
    index : array of int, optional
        The rows of ``y`` and ``x`` the basis is taken at (GNR: the previous years of the moment rows);
        default all. Row ``i`` of the basis is at ``index[i]``.
    """

    def __init__(self, y: np.ndarray, x: np.ndarray, term_degree: int, degree: int,
                 index: np.ndarray | None = None) -> None:
        self.y, self.x = y, x
        self.index = np.arange(y.size) if index is None else np.asarray(index)
        n, p = self.index.size, x.shape[1]
        grid = np.linspace(0, n - 1, min(n, SAMPLE_ROWS))
        self.sample = np.unique(grid.astype(np.intp))
        # rows between the sample's, to check the coordinates away from where they were fitted
        self.check = np.setdiff1d(np.unique((grid + 0.5 * (n - 1) / max(grid.size - 1, 1)).astype(np.intp)),
                                  self.sample)
        self.check = self.check[self.check < n]
        xs = x[self.index[self.sample]]
        self.x_mean = xs.mean(axis=0)
        cov = np.atleast_2d(np.cov(xs, rowvar=False))
        try:
            self.x_white = np.linalg.inv(np.linalg.cholesky(cov)).T  # u = (x - mean) W: unit covariance
        except np.linalg.LinAlgError as exc:
            raise DegenerateBasis("the variables are collinear on the sample") from exc
        self.term_degree = term_degree
        us = (xs - self.x_mean) @ self.x_white
        terms = monomials(us, term_degree)
        ys = y[self.index[self.sample]]
        self.y_fit = np.linalg.lstsq(terms, ys, rcond=None)[0]  # r = y - h(u), deg h <= c
        rs = ys - terms @ self.y_fit
        self.r_poly = OrthonormalPolynomials(rs, degree)
        self.u_polys = [OrthonormalPolynomials(us[:, v], term_degree * degree) for v in range(p)]
        self.exponents = np.vstack([
            np.column_stack([np.full(len(e), j), e])
            for j in range(degree + 1) for e in [monomial_table(p, term_degree * (degree - j))[0]]
        ])
        if self.exponents.shape[0] > self.sample.size:
            raise DegenerateBasis("fewer sample rows than basis functions")

    @property
    def size(self) -> int:
        return int(self.exponents.shape[0])

    def values(self, rows: slice | np.ndarray) -> np.ndarray:
        """The basis at ``rows`` (rows x :attr:`size`, Fortran order)."""
        at = self.index[rows]
        u = (self.x[at] - self.x_mean) @ self.x_white
        r = self.y[at] - monomials(u, self.term_degree) @ self.y_fit
        tables = [self.r_poly.values(r)] + [poly.values(u[:, v]) for v, poly in enumerate(self.u_polys)]
        out = np.empty((r.size, self.size), order="F")
        for i, e in enumerate(self.exponents):  # a product of one column of each variable's table
            col = out[:, i]
            np.multiply(tables[0][:, e[0]], tables[1][:, e[1]], out=col)
            for v in range(2, e.size):
                if e[v]:
                    np.multiply(col, tables[v][:, e[v]], out=col)
        return out

    def coordinates(self, targets: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """``T`` with ``targets(rows) == values(rows) @ T.T`` to rounding, for every row.

        ``targets(rows)`` gives the functions to represent at the given rows. ``T`` is fitted on
        :attr:`sample` (QR) and checked on the rows between (:attr:`check`), or on the sample when it holds
        every row. Raises :class:`DegenerateBasis` when the basis is numerically rank deficient on the
        sample or the targets are not in its span (to 1e-9 of their size).
        """
        with single_blas_thread():  # small products, one after another
            return self._coordinates(targets)

    def _coordinates(self, targets: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        f = self.values(self.sample)
        q, r = np.linalg.qr(f)
        diagonal = np.abs(np.diag(r))
        if diagonal.min() < 1e-8 * diagonal.max():
            raise DegenerateBasis("the basis is rank deficient on the sample")
        fitted = targets(self.sample)
        coef = solve_triangular(r, q.T @ fitted)
        # checked on the rows between the sample's (a target outside the span misses them too), or on the
        # sample itself when it is every row (more rows than functions: a target outside leaves residuals)
        if self.check.size:
            wanted, found = targets(self.check), self.values(self.check) @ coef
        else:
            wanted, found = fitted, f @ coef
        error = np.abs(wanted - found).max(axis=0, initial=0.0)
        if np.any(error > 1e-9 * (1.0 + np.abs(wanted).max(axis=0, initial=0.0))):
            raise DegenerateBasis("the targets are not in the span of the basis")
        return coef.T
