"""Polynomial bases for control functions and Markov processes."""

from __future__ import annotations

from itertools import combinations_with_replacement

import numpy as np

__all__ = [
    "polynomial", "polynomial_names", "markov_basis", "production_terms", "production_term_names",
    "translog_elasticities", "translog_rts_weights",
]


def _powers(n_vars: int, degree: int) -> list[tuple[int, ...]]:
    """Index tuples of all monomials of total degree 1..degree, by degree."""
    return [c for d in range(1, degree + 1) for c in combinations_with_replacement(range(n_vars), d)]


def polynomial(x: np.ndarray, degree: int) -> np.ndarray:
    """All monomials of the columns of ``x`` of total degree 1..``degree`` (no constant).

    Degree 2 in (k, m) gives k, m, k², k·m, m²: R prodest's first stage
    (``model.matrix(~.^2 - 1)`` plus squares), in another column order.
    """
    x = np.atleast_2d(x.T).T if x.ndim == 1 else x
    cols = [np.prod(x[:, list(idx)], axis=1) for idx in _powers(x.shape[1], degree)]
    return np.column_stack(cols) if cols else np.empty((x.shape[0], 0))


def markov_basis(omega_lag: np.ndarray, degree: int, extra: np.ndarray | None = None) -> np.ndarray:
    """``[1, polynomial of degree `degree` in (omega_lag[, extra])]`` for g(omega_{t-1}).

    ``omega_lag`` is standardised first: the fitted values are the same, the
    least-squares problem far better conditioned.
    """
    sd = omega_lag.std()
    z = (omega_lag - omega_lag.mean()) / (sd if sd > 0 else 1.0)
    cols = z[:, None] if extra is None else np.column_stack([z, extra])
    return np.column_stack([np.ones(z.size), polynomial(cols, degree)])


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
