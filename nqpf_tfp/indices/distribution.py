"""Distribution dynamics of an index: kernel densities by period, traditional and spatial Markov chains.

**Markov chains** (Quah 1993; Rey 2001 for the spatial version). Units are put into ``k`` quantile classes
of the value: cut-offs from the pooled panel (``fixed=True``) or from each period (``fixed=False``), a value
equal to a cut-off in the lower class. ``P[a, b]`` is the share of unit-years in class ``a`` at ``t`` found in
class ``b`` at ``t + 1``. The ergodic distribution solves ``pi P = pi``; the half-life
``-ln 2 / ln |lambda_2|`` (``lambda_2`` the second-largest eigenvalue in modulus) is the number of periods
in which half the distance to the ergodic distribution is covered.

The **spatial Markov** chain conditions the transitions on the class of the unit's spatial lag at ``t``
(``sum_j w_ij y_jt`` with row-standardised ``w``), in ``m`` quantile classes of the pooled lags: one matrix
per lag class. A class that is never the starting class under some lag class has an undefined (NaN) row
there, and that lag class no ergodic distribution (PySAL's giddy reports a row of zeros).

References
----------
Quah, D. (1993). Empirical cross-section dynamics in economic growth. *European Economic Review* 37(2-3),
426-434.
Rey, S. J. (2001). Spatial empirics for economic growth and convergence. *Geographical Analysis* 33(3),
195-214.
Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*. Chapman and Hall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import whole_number
from ..errors import PanelError
from ..keywords import strict_class, strict_keywords
from .panel_arrays import Wide, long_values, spatial_matrix

__all__ = ["MarkovChain", "kernel_densities", "markov_chain"]


def _classes(values: np.ndarray, k: int, fixed: bool) -> np.ndarray:
    """Quantile classes 0..k-1 of an (entities x periods) matrix."""
    q = np.arange(1, k) * 100.0 / k
    if fixed:
        cuts = np.percentile(values, q)
        return np.searchsorted(cuts, values, side="left")
    out = np.empty(values.shape, dtype=np.int64)
    for t in range(values.shape[1]):  # one quantile set per period (a handful of periods)
        out[:, t] = np.searchsorted(np.percentile(values[:, t], q), values[:, t], side="left")
    return out


def _transition(start: np.ndarray, end: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(start * k + end, minlength=k * k).reshape(k, k).astype(float)
    rows = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return counts, np.where(rows > 0, counts / np.where(rows > 0, rows, 1.0), np.nan)


def _ergodic(p: np.ndarray) -> tuple[np.ndarray, float]:
    if not np.isfinite(p).all():
        return np.full(p.shape[0], np.nan), float("nan")
    values, vectors = np.linalg.eig(p.T)
    i = int(np.argmin(np.abs(values - 1.0)))
    pi = np.real(vectors[:, i])
    pi = pi / pi.sum()
    moduli = np.sort(np.abs(values))[::-1]
    second = moduli[1] if moduli.size > 1 else 0.0
    half_life = float(-np.log(2.0) / np.log(second)) if 0.0 < second < 1.0 else float("inf" if second >= 1 else 0)
    return pi, half_life


@strict_class
@dataclass(frozen=True)
class MarkovChain:
    """Transition counts and probabilities (``k x k``; spatial: one per lag class), ergodic distributions."""

    counts: pd.DataFrame
    probabilities: pd.DataFrame
    ergodic: pd.Series
    half_life: float
    cutoffs: np.ndarray | None
    #: spatial Markov: lag class -> (probabilities, ergodic distribution); ``None`` otherwise
    spatial: dict[int, tuple[pd.DataFrame, pd.Series]] | None = None

    def summary(self) -> Any:
        from ..tables import SummaryTable

        frame = self.probabilities.copy()
        frame["ergodic"] = self.ergodic
        notes = [f"Half-life {self.half_life:.2f} periods; {int(self.counts.to_numpy().sum())} transitions."]
        return SummaryTable(frame, "Markov transition probabilities", notes, ".4f")


@strict_keywords
def markov_chain(data: pd.DataFrame, value: Any, *, entity: Any, time: Any, classes: int = 4, fixed: bool = True,
                 weights: Any = None, lag_classes: int | None = None) -> MarkovChain:
    """Traditional (and, with spatial ``weights``, spatial) Markov chain of ``value`` (module docstring).

    Parameters
    ----------
    classes : int
        Number of quantile classes ``k``.
    fixed : bool
        Cut-offs from the pooled panel (True) or per period (False).
    weights : optional
        Spatial weights (DataFrame, neighbour dict or libpysal W) for the spatial Markov chain.
    lag_classes : int, optional
        Classes of the spatial lag (default ``classes``).
    """
    k = whole_number(classes, "classes", minimum=2)
    wide = Wide.build(data, value, entity=entity, time=time)
    y = wide.values
    if y.shape[1] < 2:
        raise PanelError("a Markov chain needs at least two periods.")
    cls = _classes(y, k, bool(fixed))
    start, end = cls[:, :-1].ravel(), cls[:, 1:].ravel()
    counts, p = _transition(start, end, k)
    empty = np.flatnonzero(counts.sum(axis=1) == 0)
    if empty.size:
        raise PanelError(f"class(es) {empty.tolist()} are never the starting class of a transition; use fewer classes.")
    pi, half_life = _ergodic(p)
    labels = pd.Index(range(k), name="from")
    cutoffs = np.percentile(y, np.arange(1, k) * 100.0 / k) if fixed else None
    spatial = None
    if weights is not None:
        m = k if lag_classes is None else whole_number(lag_classes, "lag_classes", minimum=2)
        w = spatial_matrix(weights, wide.entities)
        lag_cls = _classes(w @ y, m, True)[:, :-1].ravel()
        spatial = {}
        for c in range(m):
            sel = lag_cls == c
            _, p_c = _transition(start[sel], end[sel], k)
            spatial[c] = (pd.DataFrame(p_c, index=labels, columns=pd.Index(range(k), name="to")),
                          pd.Series(_ergodic(p_c)[0], index=range(k), name="ergodic"))
    return MarkovChain(pd.DataFrame(counts, index=labels, columns=pd.Index(range(k), name="to")),
                       pd.DataFrame(p, index=labels, columns=pd.Index(range(k), name="to")),
                       pd.Series(pi, index=range(k), name="ergodic"), half_life, cutoffs, spatial)


@strict_keywords
def kernel_densities(data: pd.DataFrame, value: Any, *, time: Any, grid: np.ndarray | int = 200,
                     bandwidth: str | float = "scott") -> pd.DataFrame:
    """Gaussian kernel densities of ``value`` by period on a common grid (columns: periods).

    ``bandwidth``: ``"scott"``, ``"silverman"`` or a factor, as :class:`scipy.stats.gaussian_kde`. Plot with
    ``frame.plot()``.
    """
    from scipy.stats import gaussian_kde

    frame = long_values(data, value, None, time, positive=False)
    y = frame["y"].to_numpy()
    if isinstance(grid, (int, np.integer)):
        pad = 0.1 * (y.max() - y.min())
        points = np.linspace(y.min() - pad, y.max() + pad, int(grid))
    else:
        points = np.asarray(grid, dtype=float)
    out = {}
    for period, part in frame.groupby("t", sort=True):
        values = part["y"].to_numpy()
        if values.size < 2 or np.ptp(values) == 0:
            raise PanelError(f"period {period!r} has fewer than two distinct values: no density.")
        out[period] = gaussian_kde(values, bw_method=bandwidth)(points)
    result = pd.DataFrame(out, index=pd.Index(points, name=str(value)))
    result.columns.name = time
    return result
