"""Normalization of indicators onto a common, larger-is-better scale.

With ``x_ij`` indicator ``j`` of row ``i`` and the reference set ``R`` (all rows: ``scope="panel"``; the
rows of the same period: ``scope="period"``):

* ``"minmax"``: benefit ``(x - min_R x) / (max_R x - min_R x)``, cost ``(max_R x - x) / (max_R x - min_R x)``,
  in [0, 1]; plus ``shift`` (the constant ``A`` some papers add so that no value is zero, e.g. 0.0001 or
  0.01; 0 by default);
* ``"zscore"``: ``s (x - mean_R x) / sd_R x`` (sample sd), ``s = +1`` for benefit and ``-1`` for cost;
* ``"vector"``: ``s x / sqrt(sum_R x^2)`` (TOPSIS's classical normalization).

Panel-global normalization makes scores comparable over time (a province's index can rise because it
improved); per-period normalization compares provinces within a year only. Papers use both, often
without saying which; here it is always explicit. An indicator with no spread in its reference set
(constant, or constant within a period for ``scope="period"``) is an error naming it.
"""

from __future__ import annotations

import numpy as np

from ..errors import PanelError, SpecificationError

__all__ = ["normalize_values"]


def _reference_stats(x: np.ndarray, period: np.ndarray, n_periods: int, scope: str, reduce: str) -> np.ndarray:
    """``reduce`` (min, max, mean, sd, sumsq) of each column over the reference set of each row (rows x cols)."""
    if scope == "panel":
        out = {"min": x.min(axis=0), "max": x.max(axis=0), "mean": x.mean(axis=0),
               "sd": x.std(axis=0, ddof=1) if x.shape[0] > 1 else np.zeros(x.shape[1]),
               "sumsq": np.sqrt((x**2).sum(axis=0))}[reduce]
        return np.broadcast_to(out, x.shape)
    order = np.argsort(period, kind="stable")
    xs, ps = x[order], period[order]
    starts = np.r_[0, np.flatnonzero(np.diff(ps)) + 1]
    present = ps[starts]
    if reduce == "min":
        per = np.minimum.reduceat(xs, starts, axis=0)
    elif reduce == "max":
        per = np.maximum.reduceat(xs, starts, axis=0)
    else:
        counts = np.diff(np.r_[starts, xs.shape[0]])[:, None]
        sums = np.add.reduceat(xs, starts, axis=0)
        if reduce == "mean":
            per = sums / counts
        elif reduce == "sumsq":
            per = np.sqrt(np.add.reduceat(xs**2, starts, axis=0))
        else:
            mean = sums / counts
            dev = xs - np.repeat(mean, counts.ravel(), axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                per = np.sqrt(np.add.reduceat(dev**2, starts, axis=0) / (counts - 1))
            per = np.where(counts > 1, per, 0.0)
    full = np.full((n_periods, x.shape[1]), np.nan)
    full[present] = per
    return full[period]


def normalize_values(x: np.ndarray, period: np.ndarray, n_periods: int, signs: np.ndarray, names: list,
                     *, method: str, scope: str, shift: float = 0.0, period_labels: object = None) -> np.ndarray:
    """The normalized matrix (see :mod:`nqpf_tfp.indices.normalization`); ``names`` label the indicators in errors."""
    if not (isinstance(shift, (int, float)) and np.isfinite(shift) and shift >= 0):
        raise SpecificationError(f"shift must be a number >= 0, not {shift!r}.")
    if shift and method != "minmax":
        raise SpecificationError("shift applies to min-max normalization only.")
    if method == "minmax":
        lo, hi = (_reference_stats(x, period, n_periods, scope, r) for r in ("min", "max"))
        spread = hi - lo
        _check_spread(spread, period, names, scope, "max - min", period_labels)
        z = np.where(signs > 0, x - lo, hi - x) / spread
        return z + shift
    if method == "zscore":
        mean, sd = (_reference_stats(x, period, n_periods, scope, r) for r in ("mean", "sd"))
        _check_spread(sd, period, names, scope, "standard deviation", period_labels)
        return signs * (x - mean) / sd
    norm = _reference_stats(x, period, n_periods, scope, "sumsq")
    _check_spread(norm, period, names, scope, "norm", period_labels)
    return signs * x / norm


def _check_spread(spread: np.ndarray, period: np.ndarray, names: list, scope: str, what: str,
                  period_labels: object) -> None:
    bad = ~(spread > 0)
    if not bad.any():
        return
    j = int(np.flatnonzero(bad.any(axis=0))[0])
    if scope == "panel":
        raise PanelError(f"indicator {names[j]!r} is constant over the panel ({what} = 0): it cannot be normalized "
                         "and carries no information; drop it.")
    codes = np.unique(period[bad[:, j]])
    labels = [period_labels[c] for c in codes] if period_labels is not None else codes.tolist()  # type: ignore[index]
    raise PanelError(f"indicator {names[j]!r} has all equal values in period(s) {labels[:5]} ({what} = 0): it "
                     "cannot be normalized per period; use scope='panel' or drop it.")
