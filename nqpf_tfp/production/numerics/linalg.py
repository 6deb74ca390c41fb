"""Least squares and its covariance matrices, cluster sums and per-entity cross-products, on numpy arrays.

Solves use ``lstsq``/``solve`` on the normal equations of small matrices;
nothing is inverted that a solve can do instead, except the final (k x k)
bread of a sandwich.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...errors import EstimationError

__all__ = [
    "EntityCrossProducts", "LinearFit", "check_rank", "cluster_meat", "cluster_sums", "collinearity_r2",
    "least_squares", "ols", "whole_firm_blocks",
]


@dataclass(frozen=True)
class LinearFit:
    """Coefficients, covariance and residuals of a linear estimator."""

    params: np.ndarray
    cov: np.ndarray
    resid: np.ndarray


def check_rank(x: np.ndarray, names: list[str], what: str, gram: np.ndarray | None = None) -> None:
    """Raise naming the first column that is a linear combination of earlier ones.

    A column fails when the diagonal of R in the QR decomposition of the design with unit-length
    columns falls below ``max(n, k) * eps * 1e3``. That diagonal, squared, is the column's residual
    after projection on the earlier ones, never below the smallest eigenvalue of the scaled Gram
    matrix ``X'X``; so when that eigenvalue clears the tolerance (the usual case) one pass of
    cross-products settles it, and the QR runs only to name the culprit. ``gram``: ``X'X`` when the
    caller has it (the least-squares fit that follows reuses it).
    """
    if x.shape[0] < x.shape[1]:
        raise EstimationError(f"{what}: {x.shape[0]} observations for {x.shape[1]} coefficients.")
    tol = max(x.shape) * np.finfo(float).eps * 1e3
    gram = x.T @ x if gram is None else gram
    scale = np.sqrt(np.diag(gram).copy())
    scale[scale == 0] = 1.0
    smallest = np.linalg.eigvalsh(gram / np.outer(scale, scale))[0] if x.shape[1] else 1.0
    if smallest > 2 * tol**2 + 100 * x.shape[1] * np.finfo(float).eps:
        return
    xs = x / scale
    _, r = np.linalg.qr(xs)
    diag = np.abs(np.diag(r))
    tol = max(x.shape) * np.finfo(float).eps * 1e3
    bad = np.flatnonzero(diag < tol)
    if bad.size:
        j = int(bad[0])
        raise EstimationError(
            f"{what}: column {names[j]!r} is collinear with the columns before it ({names[:j]}); "
            "drop it or one of those columns."
        )


def cluster_sums(scores: np.ndarray, clusters: np.ndarray, n_groups: int | None = None) -> np.ndarray:
    """Sum of the scores within each cluster code 0..n_groups-1 (zero rows for absent codes).

    One product with a sparse indicator matrix (groups x rows): rows are added in their order within a
    group, sorted or not, and unlike ``np.add.reduceat`` or ``np.add.at`` the product lets other threads run
    meanwhile (the sandwiches' passes over row blocks run on several).
    """
    from scipy.sparse import csr_matrix

    n_groups = int(clusters.max()) + 1 if n_groups is None else n_groups
    if clusters.size == 0:
        return np.zeros((n_groups, scores.shape[1]))
    rows = np.arange(clusters.size)
    indicator = csr_matrix((np.ones(clusters.size), (clusters, rows)), shape=(n_groups, clusters.size))
    return np.asarray(indicator @ scores)


def whole_firm_blocks(codes: np.ndarray, block_rows: int) -> list[tuple[int, int]]:
    """Row ranges ``(lo, hi)`` of about ``block_rows`` rows that never split a firm (``codes`` sorted).

    Sums over rows and over firms computed block by block then add up to the whole sample's, with
    temporaries bounded by the block (they stay in cache and reuse the same memory).
    """
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    cuts = np.unique(np.r_[starts[np.searchsorted(starts, np.arange(0, codes.size, block_rows))], codes.size])
    return list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))


def cluster_meat(scores: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Sum over clusters of (sum of scores in the cluster) outer itself."""
    sums = cluster_sums(scores, clusters)
    return sums.T @ sums


@dataclass(frozen=True)
class EntityCrossProducts:
    """``X_i'X_i`` and ``X_i'y_i`` of each entity (rows sorted by entity, ``starts`` its first rows).

    Least squares on any reweighting of the entities (a firm-cluster bootstrap
    draw) is then ``(sum_i c_i X_i'X_i)^-1 sum_i c_i X_i'y_i``: no rows copied.
    Memory: entities x p x p.
    """

    xx: np.ndarray
    xy: np.ndarray

    @classmethod
    def build(cls, x: np.ndarray, y: np.ndarray, starts: np.ndarray) -> EntityCrossProducts:
        xx = np.stack([np.add.reduceat(x * x[:, [j]], starts, axis=0) for j in range(x.shape[1])], axis=1)
        return cls(xx, np.add.reduceat(x * y[:, None], starts, axis=0))

    def solve(self, counts: np.ndarray) -> np.ndarray:
        """Coefficients with entity ``i`` counted ``counts[i]`` times."""
        try:
            return np.linalg.solve(np.tensordot(counts, self.xx, axes=1), counts @ self.xy)
        except np.linalg.LinAlgError as exc:
            raise EstimationError("the resampled first stage is singular (a regressor is constant or collinear "
                                  "among the drawn firms).") from exc


def collinearity_r2(cross: np.ndarray, columns: Sequence[int]) -> np.ndarray:
    """R² of each of ``columns`` on all the other columns of a design, from its cross-products ``X'X``.

    Column 0 of the design must be the constant (``cross[0, 0]`` = rows). The
    regression is on the centred columns scaled to unit variance, with a
    pseudo-inverse, so an exact dependence gives R² = 1 rather than an error.
    """
    n = cross[0, 0]
    mean = cross[0, 1:] / n
    centred = cross[1:, 1:] - n * np.outer(mean, mean)
    spread = np.sqrt(np.clip(np.diag(centred), 0.0, None))
    varies = spread > 1e-12 * np.maximum(1.0, np.abs(mean))
    out = np.full(len(columns), np.nan)
    unit = np.where(varies, spread, 1.0)
    corr = centred / np.outer(unit, unit)
    for i, col in enumerate(columns):  # a few free inputs
        j = col - 1
        if not varies[j]:
            continue  # a constant free input is an error raised before estimation
        others = np.flatnonzero(varies & (np.arange(varies.size) != j))
        c_oo, c_oj = corr[np.ix_(others, others)], corr[others, j]
        explained = float(c_oj @ np.linalg.pinv(c_oo, rcond=1e-12, hermitian=True) @ c_oj)
        out[i] = min(max(explained, 0.0), 1.0)
    return out


def n_clusters(clusters: np.ndarray) -> int:
    """Number of distinct clusters present (codes may skip firms absent from the sample)."""
    return int(np.count_nonzero(np.bincount(clusters)))


def least_squares(x: np.ndarray, y: np.ndarray, gram: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray, int]:
    """Least-squares coefficients, ``X'X`` and the rank of ``X``, from the cross-products.

    Cholesky on the column-scaled normal equations, then one step of iterative refinement on the
    residuals, which brings the error from the order of ``cond(X)^2 eps`` down to that of an
    orthogonal-decomposition solver (``cond(X) eps``) at the cost of one more pass; ``lstsq``
    (SVD, which also gives the rank) when the scaled ``X'X`` is not numerically positive definite.
    """
    from scipy.linalg import LinAlgError, cho_factor, cho_solve

    gram = x.T @ x if gram is None else gram
    scale = np.sqrt(np.diag(gram).copy())
    scale[scale == 0] = 1.0
    try:
        factor = cho_factor(gram / np.outer(scale, scale), check_finite=False)
    except LinAlgError:
        params, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
        return params, gram, int(rank)
    params = cho_solve(factor, (x.T @ y) / scale, check_finite=False) / scale
    params = params + cho_solve(factor, (x.T @ (y - x @ params)) / scale, check_finite=False) / scale
    return params, gram, x.shape[1]


def ols(
    y: np.ndarray,
    x: np.ndarray,
    *,
    cov_type: str,
    clusters: np.ndarray | None,
    df_absorbed: int = 0,
    cluster_scale: str = "stata",
    gram: np.ndarray | None = None,
) -> LinearFit:
    """OLS with unadjusted, HC1 or entity-clustered covariance.

    ``df_absorbed`` counts parameters removed before the call (entity means in
    the within estimator) for the degrees-of-freedom correction.
    ``cluster_scale``: ``"stata"`` multiplies the clustered sandwich by
    G/(G-1) (n-1)/(n-k) (Stata, statsmodels); ``"linearmodels"`` by n/(n-k)
    (linearmodels' PanelOLS).
    """
    params, gram, _ = least_squares(x, y, gram)
    resid = y - x @ params
    n, k = x.shape
    df_resid = n - k - df_absorbed
    if df_resid <= 0:
        raise EstimationError(f"no degrees of freedom left: {n} observations, {k + df_absorbed} parameters.")
    bread = np.linalg.inv(gram)
    if cov_type == "unadjusted":
        cov = bread * (resid @ resid / df_resid)
    elif cov_type == "robust":
        meat = (x * resid[:, None]).T @ (x * resid[:, None])
        cov = bread @ meat @ bread * (n / df_resid)
    elif cov_type == "cluster":
        assert clusters is not None
        g = n_clusters(clusters)
        meat = cluster_meat(x * resid[:, None], clusters)
        scale = (g / (g - 1)) * ((n - 1) / (n - k)) if cluster_scale == "stata" else n / (n - k)
        cov = bread @ meat @ bread * scale
    else:
        raise EstimationError(f"cov_type={cov_type!r} is not available for least squares.")
    return LinearFit(params, cov, resid)
