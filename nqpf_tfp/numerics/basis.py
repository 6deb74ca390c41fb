"""Polynomial bases for control functions and Markov processes."""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations_with_replacement

import numpy as np

__all__ = [
    "derivative_map", "markov_basis", "markov_powers", "monomial_table", "monomials", "polynomial",
    "polynomial_derivative",
    "polynomial_names", "production_term_names", "production_terms", "standardised_powers", "translog_elasticities",
    "translog_rts_weights",
]


def _powers(n_vars: int, degree: int) -> list[tuple[int, ...]]:
    """Index tuples of all monomials of total degree 1..degree, by degree."""
    return [c for d in range(1, degree + 1) for c in combinations_with_replacement(range(n_vars), d)]


@lru_cache(maxsize=64)
def monomial_table(n_vars: int, degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All monomials of degree 0..``degree`` in :func:`polynomial` order, row 0 the constant.

    Returns the exponents (monomials x variables); for each monomial the one it
    extends and the variable it multiplies that by (so each is one product to
    evaluate); and ``lowered[v, i]``, the monomial that ``d/dx_v`` of monomial
    ``i`` is a multiple of (0, the constant, when ``x_v`` is absent). Read-only.
    """
    exponents = np.array([np.zeros(n_vars, dtype=int)] + [np.bincount(c, minlength=n_vars)
                                                           for c in _powers(n_vars, degree)])
    index = {tuple(e): i for i, e in enumerate(exponents)}
    parent = np.zeros(len(exponents), dtype=int)
    var = np.zeros(len(exponents), dtype=int)
    lowered = np.zeros((n_vars, len(exponents)), dtype=int)
    for i, e in enumerate(exponents):
        for v in np.flatnonzero(e):
            down = e.copy()
            down[v] -= 1
            lowered[v, i] = index[tuple(down)]
        if i:
            var[i] = int(np.flatnonzero(e)[0])
            parent[i] = lowered[var[i], i]
    for arr in (exponents, parent, var, lowered):
        arr.setflags(write=False)
    return exponents, parent, var, lowered


def monomials(x: np.ndarray, degree: int, out: np.ndarray | None = None) -> np.ndarray:
    """All monomials of degree 0..``degree`` of the columns of ``x`` (rows x monomials, constant first).

    Each column is its parent column times one variable. ``out`` (Fortran
    order, at least as many rows) can be reused across calls: on small
    machines the page faults of fresh large allocations dominate.
    """
    _, parent, var, _ = monomial_table(x.shape[1], degree)
    if out is None or out.shape[0] < x.shape[0] or out.shape[1] != parent.size:
        out = np.empty((x.shape[0], parent.size), order="F")  # columns contiguous: built one at a time
    out = out[: x.shape[0]]
    x = np.asfortranarray(x)
    out[:, 0] = 1.0
    for i in range(1, parent.size):
        np.multiply(out[:, parent[i]], x[:, var[i]], out=out[:, i])
    return out


def polynomial(x: np.ndarray, degree: int) -> np.ndarray:
    """All monomials of the columns of ``x`` of total degree 1..``degree`` (no constant).

    Degree 2 in (k, m) gives k, m, k², k·m, m²: R prodest's first stage
    (``model.matrix(~.^2 - 1)`` plus squares), in another column order.
    """
    x = x[:, None] if x.ndim == 1 else x
    return np.ascontiguousarray(monomials(x, degree)[:, 1:])


def polynomial_derivative(x: np.ndarray, degree: int, var: int) -> np.ndarray:
    """``d/dx_var`` of each column of :func:`polynomial` (rows x monomials)."""
    exponents, _, _, lowered = monomial_table(x.shape[1], degree)
    return monomials(x, degree)[:, lowered[var, 1:]] * exponents[1:, var]


def derivative_map(n_vars: int, degree: int, var: int) -> np.ndarray:
    """``M`` with ``polynomial_derivative(x, degree, var) == monomials(x, degree) @ M`` (monomials x terms).

    The derivative of each non-constant monomial is a multiple of a lower one, so derivatives (and
    their products with coefficients) come from the monomials already built, with no new columns.
    """
    exponents, _, _, lowered = monomial_table(n_vars, degree)
    out = np.zeros((exponents.shape[0], exponents.shape[0] - 1))
    out[lowered[var, 1:], np.arange(exponents.shape[0] - 1)] = exponents[1:, var]
    return out


def markov_powers(omega_lag: np.ndarray, degree: int) -> tuple[np.ndarray, np.ndarray]:
    """``[1, u, ..., u^degree]`` with ``u`` the standardised ``omega_lag``, and its derivative in ``omega_lag``.

    Standardising leaves the fitted values of g unchanged and makes the least
    squares far better conditioned; the derivative holds mean and scale fixed.
    """
    sd = omega_lag.std()
    scale = sd if sd > 0 else 1.0
    return standardised_powers((omega_lag - omega_lag.mean()) / scale, degree, scale)


def standardised_powers(u: np.ndarray, degree: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """``[1, u, ..., u^degree]`` and its derivative in ``w``, for ``u = (w - centre) / scale`` already standardised.

    :func:`markov_powers` standardises on the data it is given; a pass over blocks of rows standardises once,
    on all of them, and calls this per block.
    """
    basis = np.empty((u.size, degree + 1))  # the powers one column from the last (as np.vander, in half the time)
    basis[:, 0] = 1.0
    if degree:
        basis[:, 1] = u
    for k in range(2, degree + 1):
        np.multiply(basis[:, k - 1], u, out=basis[:, k])
    dbasis = np.zeros_like(basis)
    dbasis[:, 1:] = basis[:, :-1] * np.arange(1, degree + 1) / scale
    return basis, dbasis


def markov_basis(omega_lag: np.ndarray, degree: int, extra: np.ndarray | None = None) -> np.ndarray:
    """``[1, polynomial of degree `degree` in (omega_lag[, extra])]`` for g(omega_{t-1}).

    ``omega_lag`` is standardised first (see :func:`markov_powers`).
    """
    if extra is None:
        return markov_powers(omega_lag, degree)[0]
    sd = omega_lag.std()
    z = (omega_lag - omega_lag.mean()) / (sd if sd > 0 else 1.0)
    return monomials(np.column_stack([z, extra]), degree)


def polynomial_names(names: list[str], degree: int) -> list[str]:
    """Names of the columns of :func:`polynomial`, e.g. ``"k*m"``, ``"k^2"``."""
    out = []
    for idx in _powers(len(names), degree):
        counts = {i: idx.count(i) for i in dict.fromkeys(idx)}
        out.append("*".join(names[i] + (f"^{c}" if c > 1 else "") for i, c in counts.items()))
    return out


def translog_elasticities(x: np.ndarray, linear: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Output elasticities of a translog, one row per observation.

    With ``ln y = sum_i b_i x_i + sum_{i<=j} b_ij x_i x_j`` (the terms of
    :func:`polynomial` of degree 2 after the linear ones, ``second`` their
    coefficients), ``d ln y / d x_i = b_i + 2 b_ii x_i + sum_{j != i} b_ij x_j``.
    """
    n_vars = x.shape[1]
    out = np.tile(linear, (x.shape[0], 1)).astype(float)
    pairs = [idx for idx in _powers(n_vars, 2) if len(idx) == 2]
    for coef, (i, j) in zip(second, pairs):
        if i == j:
            out[:, i] += 2.0 * coef * x[:, i]
        else:
            out[:, i] += coef * x[:, j]
            out[:, j] += coef * x[:, i]
    return out


def production_terms(inputs: np.ndarray, form: str) -> np.ndarray:
    """Regressors of a production function: the log inputs (Cobb-Douglas), or the log inputs
    followed by their squares and cross products (translog), in :func:`polynomial` order."""
    return polynomial(inputs, 2) if form == "translog" else inputs


def production_term_names(names: list[str], form: str) -> list[str]:
    """Names of the columns of :func:`production_terms`."""
    return polynomial_names(names, 2) if form == "translog" else list(names)


def translog_rts_weights(means: np.ndarray) -> np.ndarray:
    """Weights ``r`` over the translog terms with mean returns to scale ``r'b``.

    At the input means, ``sum_i e_i = sum_i b_i + sum_{i<=j} b_ij (x_i + x_j)``
    (``2 x_i`` when ``i = j``), so the returns to scale are linear in ``b``.
    """
    k = means.size
    pairs = [idx for idx in _powers(k, 2) if len(idx) == 2]
    return np.r_[np.ones(k), [means[i] + means[j] for i, j in pairs]]
