"""Linear GMM on a system of equations observed on the same rows, from sums accumulated in row chunks.

Equation ``e`` is ``y = X_e b + u_e`` with instruments ``Z_e``; the moments
are the blocks ``Z_e'u_e``, so the stacked instrument matrix is block
diagonal. It is never built: the estimator needs only ``Z'X``, ``Z'y`` and
``Z'Z`` (accumulated over chunks of rows, so memory is bounded whatever the
number of rows), and the covariance one more pass for the firm sums of the
scores ``(Z_1 u_1, ..., Z_E u_E)`` at the estimate. Per-firm sums give the
firm-cluster bootstrap: a replication is a weighted sum of them.

Formulas (Hansen 1982; Cameron and Miller 2015 for clustering): with
``A = X'Z W``, ``b = (A Z'X)^-1 A Z'y``; clustered covariance
``(A Z'X)^-1 A S A' (A Z'X)^-1 G/(G-1)`` with ``S`` the sum over firms of the
outer products of their score sums.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ...errors import EstimationError
from ..numerics.linalg import n_clusters

__all__ = ["GMMFit", "LinearSystem", "gmm", "gmm_from_sums"]

CHUNK_CELLS = 1 << 21  # rows x columns per chunk (16 MB of float64)

Builder = Callable[[slice], tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]]


@dataclass(frozen=True)
class GMMFit:
    params: np.ndarray
    cov: np.ndarray
    j_stat: float | None = None
    j_df: int | None = None


class LinearSystem:
    """Equations sharing ``n`` rows; ``build(rows)`` returns ``(y, [X_e], [Z_e])`` for a slice of them.

    ``clusters`` (the firm code of each row, rows sorted by it) and
    ``n_groups`` define the firm clusters.
    """

    def __init__(self, n: int, build: Builder, clusters: np.ndarray, n_groups: int) -> None:
        self.n, self.build, self.clusters, self.n_groups = n, build, clusters, n_groups
        y, xs, zs = build(slice(0, min(n, 1)))
        self.n_eq, self.p = len(xs), xs[0].shape[1]
        self.z_sizes = [z.shape[1] for z in zs]
        self.m = sum(self.z_sizes)
        self.chunk = max(1, CHUNK_CELLS // (self.m * (self.p + 1)))
        zx, zy, zz = np.zeros((self.m, self.p)), np.zeros(self.m), np.zeros((self.m, self.m))
        for _, y, xs, zs in self._chunks():
            at = 0
            for x, z in zip(xs, zs):
                block = slice(at, at + z.shape[1])
                zx[block] += z.T @ x
                zy[block] += z.T @ y
                zz[block, block] += z.T @ z
                at += z.shape[1]
        self.zx, self.zy, self.zz = zx, zy, zz

    def _chunks(self) -> Iterator[tuple[slice, np.ndarray, list[np.ndarray], list[np.ndarray]]]:
        for start in range(0, self.n, self.chunk):
            sl = slice(start, min(start + self.chunk, self.n))
            yield (sl, *self.build(sl))

    def _scores(self, xs: list[np.ndarray], zs: list[np.ndarray], y: np.ndarray,
                params: np.ndarray) -> tuple[np.ndarray, float]:
        resid = [y - x @ params for x in xs]
        return np.column_stack([z * u[:, None] for z, u in zip(zs, resid)]), float(sum(u @ u for u in resid))

    def cluster_scores(self, params: np.ndarray) -> tuple[np.ndarray, float]:
        """Firm sums of the scores at ``params`` (firms x moments) and the residual sum of squares."""
        sums = np.zeros((self.n_groups, self.m))
        uu = 0.0
        for sl, y, xs, zs in self._chunks():
            scores, part = self._scores(xs, zs, y, params)
            uu += part
            _add_by_block(sums, scores, self.clusters[sl])
        return sums, uu

    def entity_sums(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-firm ``Z'X`` (firms x m x p), ``Z'y`` (firms x m) and ``Z'Z`` (firms x m x m)."""
        zx = np.zeros((self.n_groups, self.m, self.p))
        zy = np.zeros((self.n_groups, self.m))
        zz = np.zeros((self.n_groups, self.m, self.m))
        for sl, y, xs, zs in self._chunks():
            codes = self.clusters[sl]
            at = 0
            for x, z in zip(xs, zs):
                block = slice(at, at + z.shape[1])
                _add_by_block(zx[:, block], np.einsum("ni,nj->nij", z, x), codes)
                _add_by_block(zy[:, block], z * y[:, None], codes)
                _add_by_block(zz[:, block, block], np.einsum("ni,nj->nij", z, z), codes)
                at += z.shape[1]
        return zx, zy, zz


def _add_by_block(total: np.ndarray, rows: np.ndarray, codes: np.ndarray) -> None:
    """``total[codes[r]] += rows[r]`` for every row, summing runs of equal codes first."""
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    np.add.at(total, codes[starts], np.add.reduceat(rows, starts, axis=0))


def solve_gmm(zx: np.ndarray, zy: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``(X'Z W Z'X)^-1 X'Z W Z'y``."""
    a = zx.T @ weight
    try:
        return np.linalg.solve(a @ zx, a @ zy)
    except np.linalg.LinAlgError as exc:
        raise EstimationError("the GMM normal equations are singular: instruments do not identify the model.") from exc


def gmm(system: LinearSystem, *, efficient: bool, cov_type: str, n_units: int) -> GMMFit:
    """2SLS (``W = (Z'Z)^-1``), or two-step GMM with the efficient firm-clustered weight.

    cov_type : {"cluster", "unadjusted", "prodest"}
        ``cluster``: sandwich with the scores summed by firm.
        ``unadjusted``: homoskedastic, sigma^2 = u'u / (rows x equations).
        ``prodest``: (u'u / n_units) (X'Z (Z'Z)^-1 Z'X)^-1, R prodest's formula.
    """
    def meat(params: np.ndarray) -> tuple[np.ndarray, float]:
        sums, uu = system.cluster_scores(params)
        return sums.T @ sums, uu

    return gmm_from_sums(system.zx, system.zy, system.zz, meat, efficient=efficient, cov_type=cov_type,
                         n_rows=system.n * system.n_eq, n_units=n_units, n_groups=n_clusters(system.clusters))


def gmm_from_sums(zx: np.ndarray, zy: np.ndarray, zz: np.ndarray,
                  meat: Callable[[np.ndarray], tuple[np.ndarray, float]], *, efficient: bool, cov_type: str,
                  n_rows: int, n_units: int, n_groups: int) -> GMMFit:
    """:func:`gmm` from ``Z'X``, ``Z'y``, ``Z'Z`` and ``meat(params)``, the sum over firms of the outer
    products of their score sums and the residual sum of squares (a pass over the data, or over
    partitions of whole firms)."""
    weight = np.linalg.pinv(zz)
    params = solve_gmm(zx, zy, weight)
    s, uu = meat(params)
    s_first = s
    if efficient:
        weight = np.linalg.pinv(s)
        params = solve_gmm(zx, zy, weight)
        s, uu = meat(params)
    a = zx.T @ weight
    bread = np.linalg.inv(a @ zx)
    if cov_type == "cluster":
        cov = bread @ a @ s @ a.T @ bread * (n_groups / (n_groups - 1))
    elif cov_type == "unadjusted":
        cov = (uu / n_rows) * (bread if not efficient else bread @ a @ zz @ a.T @ bread)
    elif cov_type == "prodest":
        cov = (uu / n_units) * np.linalg.inv(zx.T @ np.linalg.pinv(zz) @ zx)
    else:
        raise EstimationError(f"cov_type={cov_type!r} is not available for GMM.")
    j_df = zx.shape[0] - zx.shape[1]
    if j_df <= 0:
        return GMMFit(params, cov)
    # Hansen's J with the firm-clustered efficient weight, whatever the covariance: the two-step
    # criterion (for 2SLS, of the two-step estimator started from it, as Stata's ivreg2 reports it
    # with clustering). Sargan's homoskedastic J over-rejects when a firm's rows are correlated.
    if efficient:
        zu = zy - zx @ params
        j_stat = float(zu @ weight @ zu)
    else:
        two_step_weight = np.linalg.pinv(s_first)
        zu = zy - zx @ solve_gmm(zx, zy, two_step_weight)
        j_stat = float(zu @ two_step_weight @ zu)
    return GMMFit(params, cov, j_stat, j_df)
