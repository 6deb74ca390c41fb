"""Scores from a normalized matrix ``Z`` (rows x indicators, larger is better) and weights ``w``.

``w`` is one vector, or one per row (per-period weights expanded to their rows). The reference set of the
ideal points is all rows (``ideal="panel"``) or the rows of the same period (``ideal="period"``).

* **Weighted sum**: ``S_i = sum_j w_j z_ij``.
* **TOPSIS** (Hwang and Yoon 1981): ideal ``z+_j = max_R z_j``, anti-ideal ``z-_j = min_R z_j``;
  weights inside (``v = w z``, ``D+ = ||v_i - v+||``: the classical form) or outside
  (``D+ = sqrt(sum_j w_j (z_ij - z+_j)^2)``); closeness ``C = D- / (D+ + D-)`` in [0, 1].
* **Grey relational analysis** (Deng 1982): reference ``z0_j = max_R z_j``, ``d_ij = |z0_j - z_ij|``,
  coefficient ``(d_min + rho d_max) / (d_ij + rho d_max)`` with ``d_min, d_max`` over the reference set
  and ``rho = 0.5``; grade ``sum_j w_j xi_ij``.
* **Obstacle degree**: ``O_ij = w_j (1 - z_ij) / sum_k w_k (1 - z_ik)``, the share of row ``i``'s
  weighted shortfall from the ideal due to indicator ``j`` (min-max normalized ``z`` without shift).
* **Coupling and coordination** of ``n`` subsystem indices ``U_1..U_n`` in [0, 1]: coupling
  ``C = (prod U)^(1/n) / mean(U)`` (the geometric over the arithmetic mean, 1 when all are equal),
  development ``T = sum a_i U_i`` (equal ``a`` by default), coordination ``D = sqrt(C T)``.

References
----------
Hwang, C.-L. and Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer.
Deng, J. (1982). Control problems of grey systems. *Systems & Control Letters* 1(5), 288-294.
"""

from __future__ import annotations

import numpy as np

from ..errors import PanelError, SpecificationError

__all__ = ["coupling_coordination", "grey_relational", "obstacle_degree", "topsis", "weighted_sum"]


def _rows(w: np.ndarray, n: int) -> np.ndarray:
    return np.broadcast_to(w, (n, w.shape[-1])) if w.ndim == 1 else w


def _extremes(z: np.ndarray, period: np.ndarray, n_periods: int, ideal: str) -> tuple[np.ndarray, np.ndarray]:
    if ideal == "panel":
        return np.broadcast_to(z.max(axis=0), z.shape), np.broadcast_to(z.min(axis=0), z.shape)
    hi = np.full((n_periods, z.shape[1]), -np.inf)
    lo = np.full((n_periods, z.shape[1]), np.inf)
    np.maximum.at(hi, period, z)
    np.minimum.at(lo, period, z)
    return hi[period], lo[period]


def weighted_sum(z: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (z * _rows(w, z.shape[0])).sum(axis=1)


def topsis(z: np.ndarray, w: np.ndarray, period: np.ndarray, n_periods: int, *, ideal: str = "panel",
           weighting: str = "inside") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closeness, distance to the ideal and to the anti-ideal (see :mod:`nqpf_tfp.indices.scores`)."""
    wr = _rows(w, z.shape[0])
    v = z * wr if weighting == "inside" else z
    hi, lo = _extremes(v, period, n_periods, ideal)
    factor = 1.0 if weighting == "inside" else wr
    d_plus = np.sqrt((factor * (v - hi) ** 2).sum(axis=1))
    d_minus = np.sqrt((factor * (v - lo) ** 2).sum(axis=1))
    total = d_plus + d_minus
    if np.any(total <= 0):
        raise PanelError("TOPSIS: the ideal and anti-ideal coincide for some rows (no indicator varies in their "
                         "reference set).")
    return d_minus / total, d_plus, d_minus


def grey_relational(z: np.ndarray, w: np.ndarray, period: np.ndarray, n_periods: int, *, ideal: str = "panel",
                    rho: float = 0.5) -> np.ndarray:
    """Grey relational grades against the ideal (see :mod:`nqpf_tfp.indices.scores`)."""
    if not 0.0 < rho <= 1.0:
        raise SpecificationError(f"rho (the distinguishing coefficient) must lie in (0, 1], not {rho!r}.")
    hi, _ = _extremes(z, period, n_periods, ideal)
    d = np.abs(hi - z)
    if ideal == "panel":
        dmin, dmax = np.broadcast_to(d.min(), d.shape[0]), np.broadcast_to(d.max(), d.shape[0])
    else:
        lo_p = np.full(n_periods, np.inf)
        hi_p = np.full(n_periods, -np.inf)
        np.minimum.at(lo_p, period, d.min(axis=1))
        np.maximum.at(hi_p, period, d.max(axis=1))
        dmin, dmax = lo_p[period], hi_p[period]
    if np.any(dmax <= 0):
        raise PanelError("grey relational analysis: every row equals the reference in some reference set.")
    xi = (dmin[:, None] + rho * dmax[:, None]) / (d + rho * dmax[:, None])
    return (xi * _rows(w, z.shape[0])).sum(axis=1)


def obstacle_degree(z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Obstacle degree of each indicator for each row (rows x indicators, rows sum to 1; NaN at the ideal)."""
    if np.any(z < -1e-12) or np.any(z > 1 + 1e-12):
        raise PanelError("obstacle degrees need min-max normalized indicators in [0, 1] (without a shift).")
    gap = _rows(w, z.shape[0]) * (1.0 - z)
    total = gap.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, gap / np.where(total > 0, total, 1.0), np.nan)


def coupling_coordination(u: np.ndarray, a: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coupling ``C``, development ``T`` and coordination ``D`` of the subsystem indices (columns of ``u``)."""
    n = u.shape[1]
    if n < 2:
        raise SpecificationError("coupling needs at least two subsystems.")
    if np.any(u < 0) or np.any(u > 1):
        raise PanelError("subsystem indices must lie in [0, 1] for the coupling degree.")
    a = np.full(n, 1.0 / n) if a is None else np.asarray(a, dtype=float)
    if a.shape != (n,) or np.any(a < 0) or not np.isclose(a.sum(), 1.0):
        raise SpecificationError(f"subsystem weights must be {n} non-negative numbers summing to 1, not {a!r}.")
    mean = u.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = np.exp(np.log(np.where(u > 0, u, 1.0)).mean(axis=1)) * np.all(u > 0, axis=1)
        c = np.where(mean > 0, geometric / np.where(mean > 0, mean, 1.0), 0.0)
    t = u @ a
    return c, t, np.sqrt(c * t)
