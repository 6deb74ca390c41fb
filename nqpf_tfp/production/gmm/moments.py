"""Sufficient statistics for the Markov-innovation GMM: one pass over the data, then O(1) per evaluation.

For a candidate ``theta`` with ``a = (1, -theta)``, today's productivity is
``omega_t = v_t'a`` and last period's ``omega_p = v_p'a`` with ``v = (phi, x)``.
Everything the criterion needs is a polynomial in ``a`` whose coefficients are
sums over rows:

* ``g`` is fitted on ``u^0..u^D`` with ``u = (omega_p - mean) / sd``; its normal
  equations need ``sum u^r`` for ``r <= 2D`` and ``sum u^j omega_t``;
* the moments need ``sum z u^j`` and ``sum z omega_t``.

With ``w = v_p - mean(v_p)`` (centred once), ``(w'a)^r = sum_{|alpha| = r}
r!/alpha! a^alpha w^alpha``, so the sums of the monomials ``w^alpha``
(``|alpha| <= 2D``), of ``w^alpha v_t`` and ``w^alpha z`` (``|alpha| <= D``) and
of ``z v_t'`` are sufficient. They are accumulated in chunks (bounded memory),
optionally with row weights (the bootstrap's firm weights). Evaluating the
criterion then costs a few hundred flops, whatever the number of rows; it
equals the row-by-row computation of :class:`~.markov_gmm.MarkovGMM` to rounding.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from math import factorial

import numpy as np

from ...numerics.basis import monomial_table, monomials
from ...parallel.blocks import map_blocks
from .markov import GMMCriterion
from .product_basis import DegenerateBasis, LaggedProductBasis

__all__ = ["LaggedRows", "MarkovMoments", "Reparametrised", "complex_steps"]

_CELLS = 1 << 18  # rows x monomials per chunk (2 MB of float64: the chunk stays in cache)
_GRAM_CELLS = 1 << 20  # larger chunks for the Gram matrix: BLAS is faster on longer products
# build the sums of the degree-2D monomials from the Gram matrix of the degree-D ones (a BLAS
# product) when there are this many times more of them than of the degree-D ones
_GRAM_RATIO = 4


@lru_cache(maxsize=32)
def _multinomial(n_vars: int, degree: int) -> np.ndarray:
    """``r!/alpha!`` for every monomial of :func:`~.basis.monomial_table` (``r = |alpha|``)."""
    exponents = monomial_table(n_vars, degree)[0]
    coef = np.array([factorial(int(e.sum())) / np.prod([factorial(int(k)) for k in e]) for e in exponents])
    coef.setflags(write=False)
    return coef


@lru_cache(maxsize=32)
def _levels(n_vars: int, degree: int) -> tuple[slice, ...]:
    """The positions of the monomials of degree 1, 2, ..., ``degree`` (contiguous: the table is by degree)."""
    counts = np.bincount(monomial_table(n_vars, degree)[0].sum(axis=1), minlength=degree + 1)
    ends = np.cumsum(counts)
    return tuple(slice(int(ends[d - 1]), int(ends[d])) for d in range(1, degree + 1))


@lru_cache(maxsize=32)
def _gram_pairs(n_vars: int, degree: int) -> tuple[np.ndarray, np.ndarray]:
    """For each monomial of degree <= 2D, two of degree <= D whose product it is (positions in the table)."""
    exponents = monomial_table(n_vars, 2 * degree)[0]
    low = {tuple(e): i for i, e in enumerate(exponents) if e.sum() <= degree}
    left, right = np.zeros(len(exponents), dtype=int), np.zeros(len(exponents), dtype=int)
    for i, e in enumerate(exponents):
        first = np.minimum(e, np.maximum(degree - np.r_[0, np.cumsum(e)[:-1]], 0))  # degree <= D, greedily
        left[i], right[i] = low[tuple(first)], low[tuple(e - first)]
    return left, right


@dataclass(frozen=True)
class LaggedRows:
    """The moment rows, given block by block, so that no statistic needs all of them in memory at once.

    ``current(rows)`` gives ``(v_t, z)`` and ``previous(rows)`` gives ``v_p`` at the moment rows
    ``rows`` (a slice or positions, ``0 <= rows < n_rows``); ``centre`` and ``centre_t`` are the
    points ``v_p`` and ``v_t`` are centred on (their weighted means, for the fewest digits lost).
    ``z_is_centred_x``: the instruments are ``v_t[:, 1:] - centre_t[1:]`` (GNR's), so their sums
    are read from those of ``v_t``.
    """

    n_rows: int
    current: Callable[[slice | np.ndarray], tuple[np.ndarray, np.ndarray]]
    previous: Callable[[slice | np.ndarray], np.ndarray]
    centre: np.ndarray
    centre_t: np.ndarray
    z_is_centred_x: bool = False


class MarkovMoments(GMMCriterion):
    """The criterion of :class:`~.markov_gmm.MarkovGMM` from sufficient statistics.

    Parameters
    ----------
    phi_t, phi_p, x_t, x_p, z : arrays
        As :class:`~.markov_gmm.MarkovGMM` (rows with a previous period).
    degree : int
        Degree ``D`` of ``g``.
    weights : array, optional
        Row weights (e.g. bootstrap firm multiplicities); default 1.
    centre : (array, array), optional
        The points ``v_p`` and ``v_t`` are centred on; default their (weighted)
        means. Statistics of row blocks accumulated with one common centre
        add up (:meth:`combine`): the map-reduce of the out-of-core path.
    gram : bool, optional
        Accumulate the sums of the degree-``2D`` monomials as the Gram
        matrix of the degree-``D`` ones (one BLAS product per chunk) rather
        than building them row by row; default: when there are many more of
        them (many production terms, as GNR's constant of integration has).
        The sums are the same; only rounding differs.
    """

    #: the statistics went through a :class:`~.product_basis.LaggedProductBasis` (:meth:`from_rows`)
    through_basis = False

    def __init__(self, phi_t: np.ndarray, phi_p: np.ndarray, x_t: np.ndarray, x_p: np.ndarray, z: np.ndarray,
                 degree: int, weights: np.ndarray | None = None,
                 centre: tuple[np.ndarray, np.ndarray] | None = None, gram: bool | None = None) -> None:
        self._accumulate(np.column_stack([phi_t, x_t]), np.column_stack([phi_p, x_p]), z, degree, weights, centre,
                         gram)

    @classmethod
    def from_points(cls, v_t: np.ndarray, v_p: np.ndarray, z: np.ndarray, degree: int,
                    weights: np.ndarray | None = None) -> MarkovMoments:
        """From ``v = (phi, x)`` already side by side (Fortran order spares a copy per chunk)."""
        out = cls.__new__(cls)
        out._accumulate(v_t, v_p, z, degree, weights, None, None)
        return out

    @classmethod
    def from_rows(cls, source: LaggedRows, degree: int, weights: np.ndarray | None = None,
                  basis: LaggedProductBasis | None = None, threads: int = 1) -> MarkovMoments:
        """From moment rows given block by block, through ``basis`` when the data support it.

        ``basis``: functions of the rows whose span holds the degree-``D``
        monomials of ``v_p`` (when ``v_p`` holds polynomial terms of a few
        variables). The Gram matrix is then accumulated on the basis, ``F'F``,
        and mapped to the monomials' as ``T F'F T'`` with ``T`` their
        coordinates in it: with 94 functions for GNR's 286 monomials, a ninth
        of the flops, and no row of the monomials is ever built. Without a
        basis, or when the data do not support it
        (:class:`~.product_basis.DegenerateBasis`), the monomials are built
        as :meth:`from_points` does. ``threads``: the chunks of rows are spread
        over that many threads (the same sums on any number).
        """
        out = cls.__new__(cls)
        if basis is not None:
            out._tables(source.centre.size, degree)
            if basis.size < out.low.size:
                try:
                    coords = basis.coordinates(lambda rows: monomials(source.previous(rows) - source.centre, degree))
                except DegenerateBasis:
                    pass
                else:
                    out._accumulate_on_basis(source, degree, weights, basis, coords, threads)
                    return out
        v_t, z = source.current(slice(None))
        out._accumulate(v_t, source.previous(slice(None)), z, degree, weights, (source.centre, source.centre_t), None)
        return out

    def _accumulate(self, v_t: np.ndarray, v_p: np.ndarray, z: np.ndarray, degree: int,
                    weights: np.ndarray | None, centre: tuple[np.ndarray, np.ndarray] | None,
                    gram: bool | None) -> None:
        w8 = None if weights is None else np.asarray(weights, dtype=float)
        self.n = float(v_t.shape[0] if w8 is None else w8.sum())
        q = v_p.shape[1]

        def mean(v: np.ndarray) -> np.ndarray:
            return (v.sum(axis=0) if w8 is None else w8 @ v) / self.n

        # both centred: g has a constant, so xi does not change; the sums lose fewer digits to cancellation
        self.centre, self.centre_t = (mean(v_p), mean(v_t)) if centre is None else centre
        self._tables(q, degree)
        low = self.low
        k_all = self.exponents.shape[0]
        self.m_all = np.zeros(k_all)
        self.m_t = np.zeros((low.size, q))
        self.m_z = np.zeros((low.size, z.shape[1]))
        self.zv = np.zeros((z.shape[1], q))
        self.vv = np.zeros((q, q))
        by_gram = _GRAM_RATIO * low.size < k_all if gram is None else gram
        width = low.size if by_gram else k_all
        gram_low = np.zeros((low.size, low.size)) if by_gram else None
        chunk = max(1024, (_GRAM_CELLS if by_gram else _CELLS) // width)
        buffer = np.empty((min(chunk, v_t.shape[0]), width), order="F")
        root_w = None if w8 is None or not by_gram else np.sqrt(w8)
        for start in range(0, v_t.shape[0], chunk):
            sl = slice(start, start + chunk)
            mono = monomials(v_p[sl] - self.centre, degree if by_gram else 2 * degree, buffer)
            vt = v_t[sl] - self.centre_t
            # weights go on the few columns of v_t and z, not on the many monomials
            wvt, wz = (vt, z[sl]) if w8 is None else (vt * w8[sl, None], z[sl] * w8[sl, None])
            lowm = mono[:, :low.size]  # monomials are ordered by degree: the low ones are a prefix (a view)
            if gram_low is not None:
                scaled = lowm if root_w is None else lowm * root_w[sl, None]
                gram_low += scaled.T @ scaled  # every sum w^alpha, |alpha| <= 2D, as w^beta w^gamma
            else:
                self.m_all += mono.sum(axis=0) if w8 is None else w8[sl] @ mono
            both = lowm.T @ np.column_stack([wvt, wz])  # one product for m_t and m_z
            self.m_t += both[:, :q]
            self.m_z += both[:, q:]
            self.zv += wz.T @ vt
            self.vv += wvt.T @ vt
        if gram_low is not None:
            self.m_all = gram_low[_gram_pairs(q, degree)]
        self.set_weight(np.eye(z.shape[1]))

    def _accumulate_on_basis(self, source: LaggedRows, degree: int, weights: np.ndarray | None,
                             basis: LaggedProductBasis, coords: np.ndarray, threads: int = 1) -> None:
        """The sums through the basis: ``F'F`` and ``F'(v_t, z)`` block by block, then mapped by ``T``."""
        w8 = None if weights is None else np.asarray(weights, dtype=float)
        self.through_basis = True
        self.n = float(source.n_rows if w8 is None else w8.sum())
        self.centre, self.centre_t = source.centre, source.centre_t
        size, q = basis.size, source.centre.size
        shared = source.z_is_centred_x
        chunk = max(1024, _GRAM_CELLS // size)

        def chunk_sums(start: int) -> tuple[np.ndarray, ...]:
            sl = slice(start, min(start + chunk, source.n_rows))
            f = basis.values(sl)
            v_t, z = source.current(sl)
            vt = v_t - self.centre_t
            wvt = vt if w8 is None else vt * w8[sl, None]
            scaled = f if w8 is None else f * np.sqrt(w8[sl, None])
            if shared:
                return scaled.T @ scaled, wvt.T @ vt, f.T @ wvt
            wz = z if w8 is None else z * w8[sl, None]
            return scaled.T @ scaled, wvt.T @ vt, f.T @ np.column_stack([wvt, wz]), wz.T @ vt

        gram_f = np.zeros((size, size))
        self.vv = np.zeros((q, q))
        cross: np.ndarray | None = None
        # added in chunk order: the same sums on any number of threads
        for part in map_blocks(chunk_sums, range(0, source.n_rows, chunk), threads):
            gram_f += part[0]
            self.vv += part[1]
            if cross is None:  # the first chunk fixes the number of instruments
                cross = part[2].copy()
                if not shared:
                    self.zv = part[3].copy()
            else:
                cross += part[2]
                if not shared:
                    self.zv += part[3]
        assert cross is not None
        self.m_all = (coords @ gram_f @ coords.T)[_gram_pairs(q, degree)]
        both = coords @ cross
        self.m_t, self.m_z = both[:, :q], (both[:, 1:q] if shared else both[:, q:])
        if shared:
            self.zv = self.vv[1:].copy()
        self.set_weight(np.eye(self.m_z.shape[1]))

    def _tables(self, q: int, degree: int) -> None:
        self.degree = degree
        self.exponents = monomial_table(q, 2 * degree)[0]
        self.coef = _multinomial(q, 2 * degree)
        self.degree_of = self.exponents.sum(axis=1)
        self.low = np.flatnonzero(self.degree_of <= degree)
        assert np.array_equal(self.low, np.arange(self.low.size))  # ordered by degree: a prefix
        self.by_degree = (self.degree_of[:, None] == np.arange(2 * degree + 1)).astype(float)
        self.low_by_degree = self.by_degree[self.low, :degree + 1]

    def _powers(self, a: np.ndarray) -> np.ndarray:
        """``r!/alpha! a^alpha`` for every monomial, rows of ``a`` a batch: degree by degree, each
        monomial its parent's power times one coordinate (one product each, not a power per variable)."""
        _, parent, var, _ = monomial_table(a.shape[1], 2 * self.degree)
        out = np.empty((a.shape[0], parent.size), dtype=a.dtype)
        out[:, 0] = 1.0
        for level in _levels(a.shape[1], 2 * self.degree):
            out[:, level] = out[:, parent[level]] * a[:, var[level]]
        return out * self.coef

    @property
    def nobs(self) -> float:  # type: ignore[override]
        return self.n

    _SUMS = ("m_all", "m_t", "m_z", "zv", "vv")

    @classmethod
    def combine(cls, parts: list[MarkovMoments]) -> MarkovMoments:
        """The statistics of the union of the row blocks (accumulated with one common ``centre``)."""
        out = copy.copy(parts[0])
        for name in cls._SUMS:
            setattr(out, name, sum(getattr(p, name) for p in parts))
        out.n = float(sum(p.n for p in parts))
        out.set_weight(parts[0].weight)
        return out

    def markov_fit(self, theta: np.ndarray) -> tuple[float, float, np.ndarray]:
        """``g`` at ``theta``: ``(mu, s, rho)`` with ``g(w) = sum_j rho_j ((w - mu) / s)^j``.

        ``mu`` and ``s`` are the mean and standard deviation of ``omega_{t-1}``
        (the standardisation of :func:`~.basis.markov_powers`).
        """
        d = self.degree
        a = np.r_[1.0, -np.asarray(theta, dtype=float)]
        powers = self._powers(a[None, :])[0]
        sums = (powers * self.m_all) @ self.by_degree
        sd = float(np.sqrt(max(sums[2], 0.0) / self.n)) or 1.0
        scale = sd ** -np.arange(2 * d + 1)
        u_sums = sums * scale
        gram = u_sums[np.add.outer(np.arange(d + 1), np.arange(d + 1))]
        lowp = powers[self.low]
        b_omega = (lowp * (self.m_t @ a)) @ self.low_by_degree * scale[:d + 1]
        rho = np.linalg.solve(gram, b_omega)
        rho[0] += self.centre_t @ a  # back from centred omega_t
        return float(self.centre @ a), sd, rho

    def moments(self, theta: np.ndarray) -> np.ndarray:
        """``Z'xi`` at ``theta``."""
        return self.evaluate(np.atleast_2d(theta))[0][0]

    def innovation_variance(self, theta: np.ndarray) -> float:
        """``xi'xi / n`` (xi has mean zero): ``(omega'omega - rho'B'omega) / n``."""
        return float(self.evaluate(np.atleast_2d(theta))[1][0])

    def evaluate(self, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Moments ``Z'xi`` and innovation variances ``xi'xi / n`` at a batch of thetas (rows).

        All in array operations, and analytic in ``theta``: complex thetas give
        complex-step derivatives (the standardisation of ``g``'s basis is taken
        from the real part; ``xi`` does not depend on it).
        """
        d = self.degree
        thetas = np.asarray(thetas)
        a = np.column_stack([np.ones(thetas.shape[0]), -thetas])  # (P, q)
        powers = self._powers(a)  # r!/alpha! a^alpha
        sums = (powers * self.m_all) @ self.by_degree  # (P, 2D+1): sum (w'a)^r
        sd = np.sqrt(np.maximum(sums[:, 2].real, 0.0) / self.n)
        sd = np.where(sd > 0, sd, 1.0)
        scale = sd[:, None] ** -np.arange(2 * d + 1)
        u_sums = sums * scale
        gram = u_sums[:, np.add.outer(np.arange(d + 1), np.arange(d + 1))]  # (P, D+1, D+1)
        lowp = powers[:, self.low]
        b_omega = (lowp * (a @ self.m_t.T)) @ self.low_by_degree * scale[:, :d + 1]  # (P, D+1)
        z_b = np.einsum("pk,km,kj->pmj", lowp, self.m_z, self.low_by_degree) * scale[:, None, :d + 1]
        rho = np.linalg.solve(gram, b_omega[..., None])[..., 0]
        moments = a @ self.zv.T - np.einsum("pmj,pj->pm", z_b, rho)
        variance = (np.einsum("pi,ij,pj->p", a, self.vv, a) - np.einsum("pj,pj->p", rho, b_omega)) / self.n
        return moments, variance

    def moments_jacobian(self, theta: np.ndarray) -> np.ndarray:
        """Exact to rounding by the complex step (Squire and Trapp 1998), all k points in one batch."""
        moments, _ = self.evaluate(complex_steps(theta))
        return moments.imag.T / COMPLEX_STEP


COMPLEX_STEP = 1e-30


def complex_steps(theta: np.ndarray) -> np.ndarray:
    """``theta + i h e_j`` for each coordinate ``j`` (rows): ``f(.).imag / h`` is ``df/dtheta_j`` to rounding.

    Squire, W. and Trapp, G. (1998). Using complex variables to estimate
    derivatives of real functions. *SIAM Review* 40(1), 110-112.
    """
    theta = np.asarray(theta, dtype=float)
    return theta[None, :] + 1j * COMPLEX_STEP * np.eye(theta.size)


class Reparametrised(GMMCriterion):
    """The criterion of ``inner`` in the coordinates ``theta = R^-1 theta_inner``.

    With ``inner`` built on the terms ``x R^-1`` (for instance centred and
    whitened polynomial terms, whose powers the sufficient statistics can
    expand without cancelling digits) and instruments ``z R^-1``, ``xi`` is the
    same at ``theta`` and ``R theta``, and the moments map as ``Z'xi = R' (Z R^-1)'xi``:
    roots, criterion (with the weight set here) and Jacobian are those of the
    original problem.
    """

    def __init__(self, inner: MarkovMoments, r: np.ndarray) -> None:
        self.inner, self.r = inner, r

    @property
    def nobs(self) -> float:  # type: ignore[override]
        return self.inner.nobs

    def evaluate(self, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As :meth:`MarkovMoments.evaluate`, at a batch of thetas (rows) in these coordinates."""
        moments, variance = self.inner.evaluate(np.asarray(thetas) @ self.r.T)
        return moments @ self.r, variance

    def moments(self, theta: np.ndarray) -> np.ndarray:
        return self.r.T @ self.inner.moments(self.r @ theta)

    def moments_jacobian(self, theta: np.ndarray) -> np.ndarray:
        return self.r.T @ self.inner.moments_jacobian(self.r @ theta) @ self.r
