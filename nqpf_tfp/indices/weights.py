"""Objective weights of indicators from a normalized matrix ``Z`` (rows x indicators, larger is better).

* **Entropy** (Shannon; e.g. Zou, Yun and Sun 2006): ``p_ij = z_ij / sum_i z_ij``,
  ``e_j = -k sum_i p_ij ln p_ij`` with ``k = 1 / ln n`` (``n`` rows of the reference set: ``N T`` for the
  panel-global weights, ``N`` for per-period weights), ``w_j = (1 - e_j) / sum (1 - e)``. A zero ``z``
  gives ``0 ln 0``: its limit, 0 (``zeros="convention"``), or an error (``zeros="error"``) asking for a
  normalization ``shift``. Needs ``z >= 0`` (min-max normalization).
* **CRITIC** (Diakoulaki, Mavrotas and Papayannakis 1995): ``C_j = sigma_j sum_k (1 - r_jk)``,
  ``w = C / sum C``; variants: ``correlation="absolute"`` uses ``1 - |r_jk|``, ``contrast="cv"`` the
  coefficient of variation ``sigma_j / mean_j`` instead of ``sigma_j``.
* **PCA**: the correlation matrix of the indicators, components kept by Kaiser's rule (eigenvalue > 1)
  or up to a share of the variance; each eigenvector oriented to a positive sum; indicator coefficient
  ``c_j = sum_k v_jk lambda_k / sum_kept lambda``, ``w = c / sum c``. With KMO and Bartlett's test of
  sphericity (Kaiser 1974; Bartlett 1950).
* **Vertical and horizontal scatter degree** (Guo 2002, for panels): ``w`` is the eigenvector of the
  largest eigenvalue of ``H = sum_t A_t' A_t = Z' Z`` (``Z`` z-scores over the panel), scaled to sum to 1.
* **Combination**: multiplicative ``w1 w2 / sum(w1 w2)`` or additive ``a w1 + (1 - a) w2``.

References
----------
Diakoulaki, D., Mavrotas, G. and Papayannakis, L. (1995). Determining objective weights in multiple criteria
problems: the CRITIC method. *Computers & Operations Research* 22(7), 763-770.
Zou, Z., Yun, Y. and Sun, J. (2006). Entropy method for determination of weight of evaluating indicators in
fuzzy synthetic evaluation for water quality assessment. *Journal of Environmental Sciences* 18(5), 1020-1023.
Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika* 39(1), 31-36.
Bartlett, M. S. (1950). Tests of significance in factor analysis. *British Journal of Psychology* 3(2), 77-85.
Guo, Y. (2002). 纵横向拉开档次评价法及其应用 [The vertical and horizontal scatter degree method and its
application]. *Chinese Journal of Management Science* 10(6), 64-67.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..docstrings import mark_returned
from ..errors import EstimationError, PanelError, SpecificationError
from ..keywords import strict_class, strict_keywords

__all__ = ["PCAWeights", "combine_weights", "critic", "entropy", "pca", "scatter_degree"]


def entropy(z: np.ndarray, names: list, *, zeros: str = "convention") -> np.ndarray:
    """Entropy weights of the columns of ``z`` (see :mod:`nqpf_tfp.indices.weights`)."""
    if np.any(z < 0):
        raise PanelError("entropy weights need non-negative normalized values; use min-max normalization.")
    totals = z.sum(axis=0)
    empty = np.flatnonzero(~(totals > 0))
    if empty.size:
        raise PanelError(f"indicator {names[int(empty[0])]!r} is zero on every row of the reference set: its "
                         "entropy weight is undefined.")
    if zeros == "error" and np.any(z == 0):
        j = int(np.flatnonzero((z == 0).any(axis=0))[0])
        raise PanelError(f"indicator {names[j]!r} has normalized values of 0 (ln 0): pass a normalization shift "
                         "(e.g. shift=0.0001) or zeros='convention' (0 ln 0 = 0).")
    n = z.shape[0]
    if n < 2:
        raise PanelError("entropy weights need at least two rows in the reference set.")
    p = z / totals
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    d = 1.0 - e
    if not d.sum() > 0:
        raise EstimationError("every indicator has maximal entropy (no dispersion): entropy weights are undefined.")
    return d / d.sum()


def critic(z: np.ndarray, names: list, *, correlation: str = "signed", contrast: str = "sd") -> np.ndarray:
    """CRITIC weights of the columns of ``z`` (see :mod:`nqpf_tfp.indices.weights`)."""
    if z.shape[0] < 3:
        raise PanelError("CRITIC weights need at least three rows (correlations).")
    sd = z.std(axis=0, ddof=1)
    flat = np.flatnonzero(~(sd > 0))
    if flat.size:
        raise PanelError(f"indicator {names[int(flat[0])]!r} has no variation: CRITIC weights are undefined.")
    r = np.corrcoef(z, rowvar=False) if z.shape[1] > 1 else np.ones((1, 1))
    conflict = (1.0 - (np.abs(r) if correlation == "absolute" else r)).sum(axis=0)
    if contrast == "cv":
        mean = z.mean(axis=0)
        if np.any(mean <= 0):
            raise PanelError("contrast='cv' needs positive means of the normalized indicators (min-max).")
        spread = sd / mean
    else:
        spread = sd
    c = spread * conflict
    if not conflict.max() > 1e-10:  # every correlation is +1 up to rounding: the weights would be rounding noise
        raise EstimationError("CRITIC: every indicator is perfectly correlated with the others; weights undefined.")
    return c / c.sum()


@mark_returned
@strict_class
@dataclass(frozen=True)
class PCAWeights:
    """PCA weights with what they rest on."""

    weights: np.ndarray
    eigenvalues: np.ndarray  # all, descending
    components: int  # kept
    explained: float  # share of the variance the kept components explain
    kmo: float
    bartlett: float  # chi-square statistic
    bartlett_df: int
    bartlett_pvalue: float


def pca(z: np.ndarray, names: list, *, retain: str = "kaiser", variance: float = 0.85) -> PCAWeights:
    """PCA weights (see :mod:`nqpf_tfp.indices.weights`) with KMO and Bartlett's test; ``z`` is standardised here."""
    from scipy.stats import chi2

    n, m = z.shape
    if m < 2:
        raise SpecificationError("PCA weights need at least two indicators.")
    if n <= m:
        raise PanelError(f"PCA weights need more rows ({n}) than indicators ({m}).")
    sd = z.std(axis=0, ddof=1)
    flat = np.flatnonzero(~(sd > 0))
    if flat.size:
        raise PanelError(f"indicator {names[int(flat[0])]!r} has no variation: PCA weights are undefined.")
    r = np.corrcoef(z, rowvar=False)
    values, vectors = np.linalg.eigh(r)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    vectors = vectors * np.where(vectors.sum(axis=0) < 0, -1.0, 1.0)
    if retain == "kaiser":
        k = max(1, int(np.sum(values > 1.0)))
    else:
        if not 0.0 < variance <= 1.0:
            raise SpecificationError(f"variance must lie in (0, 1], not {variance!r}.")
        k = int(np.searchsorted(np.cumsum(values) / values.sum(), variance - 1e-12) + 1)
    kept = values[:k]
    coef = vectors[:, :k] @ (kept / kept.sum())
    if not coef.sum() > 0:
        raise EstimationError("PCA: the composite coefficients sum to zero or less; the weights are undefined.")
    det = np.linalg.det(r)
    if det <= 0:
        raise PanelError("PCA: the indicators' correlation matrix is singular (an indicator is a linear combination "
                         "of others); drop one.")
    inv = np.linalg.inv(r)
    partial = -inv / np.sqrt(np.outer(np.diag(inv), np.diag(inv)))
    off = ~np.eye(m, dtype=bool)
    r2, p2 = (r[off] ** 2).sum(), (partial[off] ** 2).sum()
    stat = -(n - 1 - (2 * m + 5) / 6.0) * np.log(det)
    df = m * (m - 1) // 2
    return PCAWeights(coef / coef.sum(), values, k, float(kept.sum() / values.sum()), float(r2 / (r2 + p2)),
                      float(stat), df, float(chi2.sf(stat, df)))


def scatter_degree(z: np.ndarray, names: list) -> np.ndarray:
    """Vertical-and-horizontal scatter degree weights (Guo 2002); ``z`` is standardised over all rows here."""
    sd = z.std(axis=0, ddof=1)
    flat = np.flatnonzero(~(sd > 0))
    if flat.size:
        raise PanelError(f"indicator {names[int(flat[0])]!r} has no variation: scatter-degree weights are undefined.")
    s = (z - z.mean(axis=0)) / sd
    values, vectors = np.linalg.eigh(s.T @ s)
    w = vectors[:, np.argmax(values)]
    w = w if w.sum() > 0 else -w
    return w / w.sum()


@strict_keywords
def combine_weights(*weights: np.ndarray, method: str = "multiplicative", alphas: np.ndarray | None = None
                    ) -> np.ndarray:
    """Combined weights: multiplicative (normalized product) or additive (``alphas``, equal by default).

    Parameters
    ----------
    *weights : numpy.ndarray
        Weight vectors over the same indicators, each summing to 1.
    method : {"multiplicative", "additive"}
        Normalized product, or weighted average.
    alphas : numpy.ndarray, optional
        The additive combination's weights (equal by default).

    Returns
    -------
    numpy.ndarray
        The combined weights, summing to 1.
    """
    if len(weights) < 2:
        raise SpecificationError("combine at least two weight vectors.")
    stack = np.vstack([np.asarray(w, dtype=float) for w in weights])
    if method == "multiplicative":
        prod = stack.prod(axis=0)
        if not prod.sum() > 0:
            raise EstimationError("the product of the weights sums to zero: they cannot be combined multiplicatively.")
        return prod / prod.sum()
    a = np.full(len(weights), 1.0 / len(weights)) if alphas is None else np.asarray(alphas, dtype=float)
    if a.shape != (len(weights),) or np.any(a < 0) or not np.isclose(a.sum(), 1.0):
        raise SpecificationError(f"alphas must be {len(weights)} non-negative numbers summing to 1, not {alphas!r}.")
    return a @ stack
