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
from ..errors import PanelError, SpecificationError
from ..keywords import strict_class, strict_keywords
from ..results import Diagnostics, Results
from ..tables import SummaryTable
from .panel_arrays import Wide, long_values, spatial_matrix

__all__ = ["MarkovChain", "MarkovDiagnostics", "kernel_densities", "markov_chain"]


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
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class MarkovDiagnostics(Diagnostics):
    """How the chain was built."""

    classes: int
    #: cut-offs from the pooled panel (True) or from each period (False)
    fixed: bool
    n_entities: int
    n_periods: int
    transitions: int
    #: spatial Markov: classes of the spatial lag; ``None`` for the traditional chain
    lag_classes: int | None = None


class MarkovChain(Results):
    """Transition counts and probabilities (``k x k``; spatial: one matrix per lag class) and ergodic
    distributions; read-only (see :mod:`nqpf_tfp.indices.distribution`).

    Attributes
    ----------
    counts, probabilities : pandas.DataFrame
        Transitions from class ``a`` (rows) at ``t`` to class ``b`` (columns) at ``t + 1``.
    ergodic : pandas.Series
        The ergodic (limiting) distribution over the classes.
    half_life : float
        Periods in which half the distance to the ergodic distribution is covered; ``inf`` when the
        second eigenvalue has modulus 1 (the chain does not mix), ``0`` when it is 0 (mixing at once).
    cutoffs : numpy.ndarray or None
        The ``k - 1`` pooled quantile cut-offs (``None`` with per-period cut-offs).
    spatial : dict or None
        Spatial Markov: lag class -> (probabilities, ergodic distribution).
    """

    def __init__(self, counts: pd.DataFrame, probabilities: pd.DataFrame, ergodic: pd.Series, half_life: float,
                 cutoffs: np.ndarray | None, spatial: dict[int, tuple[pd.DataFrame, pd.Series]] | None,
                 diagnostics: MarkovDiagnostics) -> None:
        self._counts, self._p, self._ergodic = counts.copy(), probabilities.copy(), ergodic.copy()
        self.half_life = float(half_life)
        self._cutoffs = None if cutoffs is None else np.array(cutoffs, copy=True)
        self._spatial = None if spatial is None else {c: (p.copy(), e.copy()) for c, (p, e) in spatial.items()}
        self._diagnostics = diagnostics

    counts = property(lambda self: self._counts.copy(), doc="Transition counts.")
    probabilities = property(lambda self: self._p.copy(), doc="Transition probabilities (rows sum to 1).")
    ergodic = property(lambda self: self._ergodic.copy(), doc="The ergodic distribution.")
    cutoffs = property(lambda self: None if self._cutoffs is None else self._cutoffs.copy(),
                       doc="The pooled quantile cut-offs (None with per-period cut-offs).")

    @property
    def spatial(self) -> dict[int, tuple[pd.DataFrame, pd.Series]] | None:
        """Spatial Markov: lag class -> (probabilities, ergodic distribution); ``None`` otherwise."""
        return None if self._spatial is None else {c: (p.copy(), e.copy()) for c, (p, e) in self._spatial.items()}

    @property
    def diagnostics(self) -> MarkovDiagnostics:
        """Classes, cut-off rule, entities, periods, transitions."""
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        """Probabilities with the ergodic distribution as a last column; rows (chain, from class), where chain is
        ``"all"`` and, for the spatial Markov chain, ``"lag class c"``."""
        chains = {"all": (self._p, self._ergodic)} | {f"lag class {c}": pe for c, pe in (self._spatial or {}).items()}
        return pd.concat({name: p.assign(ergodic=e.to_numpy()) for name, (p, e) in chains.items()},
                         names=["chain", "from"])

    def summary(self) -> SummaryTable:
        """The transition probabilities and ergodic distributions (each spatial chain below the pooled one), the
        cut-offs and the half-life."""
        d = self._diagnostics
        if self._cutoffs is not None:
            cuts = ", ".join(f"{c:.4g}" for c in self._cutoffs)
            rule = f"Classes: {d.classes} pooled quantile classes, cut-offs {cuts} (a value on a cut-off in the lower)."
        else:
            rule = f"Classes: {d.classes} quantile classes with cut-offs from each period."
        if np.isinf(self.half_life):
            life = "Half-life: infinite (the second eigenvalue has modulus 1: the chain does not mix)."
        else:
            life = f"Half-life: {self.half_life:.2f} periods."
        notes = [rule, life, f"{d.transitions} transitions of {d.n_entities} units over {d.n_periods} periods."]
        if self._spatial is not None:
            notes.append(f"Spatial Markov: rows conditioned on the class of the spatial lag at t ({d.lag_classes} "
                         "pooled quantile classes); a NaN row: that class never starts a transition there.")
        return SummaryTable(self.to_frame(), "Markov transition probabilities", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The pooled transition matrix as a heat map (``kwargs`` go to ``imshow``, e.g. ``cmap``)."""
        from ..plotting import pyplot

        if ax is None:
            _, ax = pyplot().subplots(figsize=(5, 4.5))
        p = self._p.to_numpy()
        image = ax.imshow(p, vmin=0.0, vmax=1.0, cmap=kwargs.pop("cmap", "Blues"), **kwargs)
        for (a, b), value in np.ndenumerate(p):
            ax.text(b, a, f"{value:.2f}", ha="center", va="center", color="white" if value > 0.6 else "black")
        ax.set_xticks(range(p.shape[1]))
        ax.set_yticks(range(p.shape[0]))
        ax.set_xlabel("class at t + 1")
        ax.set_ylabel("class at t")
        ax.figure.colorbar(image, ax=ax)
        return ax


@strict_keywords
def markov_chain(data: pd.DataFrame, value: Any, *, entity: Any = None, time: Any = None, classes: int = 4,
                 fixed: bool = True, spatial_weights: Any = None, lag_classes: int | None = None) -> MarkovChain:
    """Traditional (and, with ``spatial_weights``, spatial) Markov chain of ``value``.

    The estimators are in :mod:`nqpf_tfp.indices.distribution`.

    Parameters
    ----------
    data : pandas.DataFrame
        The panel, one row per (entity, time); balanced.
    value : str
        The column whose classes move.
    entity, time : str, optional
        Key columns; omit both when the data have a two-level (entity, time) index.
    classes : int
        Number of quantile classes ``k``.
    fixed : bool
        Cut-offs from the pooled panel (True) or per period (False).
    spatial_weights : optional
        Spatial weights (DataFrame, neighbour dict or libpysal W) for the spatial Markov chain.
    lag_classes : int, optional
        Classes of the spatial lag (default ``classes``).

    Returns
    -------
    MarkovChain
        Transition counts and probabilities (conditioned on the neighbours'
        class for a spatial chain), the ergodic distribution and cut-offs.
    """
    k = whole_number(classes, "classes", minimum=2)
    if lag_classes is not None and spatial_weights is None:
        raise SpecificationError("lag_classes= classes the spatial lag of the spatial Markov chain: pass "
                                 "spatial_weights= too, or drop lag_classes=.")
    wide = Wide.build(data, value, entity=entity, time=time)
    y = wide.values
    if y.shape[0] < k:
        raise PanelError(f"markov_chain sorts units into classes={k} quantile classes of their distribution, but the "
                         f"data have {y.shape[0]} unit(s): use at most {y.shape[0]} classes, or more units.")
    if y.shape[1] < 2:
        raise PanelError(f"a Markov chain needs at least two periods of {wide.periods.name!r}; the data have one.")
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
    if spatial_weights is not None:
        m = k if lag_classes is None else whole_number(lag_classes, "lag_classes", minimum=2)
        w = spatial_matrix(spatial_weights, wide.entities)
        lag_cls = _classes(w @ y, m, True)[:, :-1].ravel()
        spatial = {}
        for c in range(m):
            sel = lag_cls == c
            _, p_c = _transition(start[sel], end[sel], k)
            spatial[c] = (pd.DataFrame(p_c, index=labels, columns=pd.Index(range(k), name="to")),
                          pd.Series(_ergodic(p_c)[0], index=range(k), name="ergodic"))
    diagnostics = MarkovDiagnostics(k, bool(fixed), y.shape[0], y.shape[1], int(counts.sum()),
                                    None if spatial_weights is None else m)
    return MarkovChain(pd.DataFrame(counts, index=labels, columns=pd.Index(range(k), name="to")),
                       pd.DataFrame(p, index=labels, columns=pd.Index(range(k), name="to")),
                       pd.Series(pi, index=range(k), name="ergodic"), half_life, cutoffs, spatial, diagnostics)


@strict_keywords
def kernel_densities(data: pd.DataFrame, value: Any, *, time: Any, grid: np.ndarray | int = 200,
                     bandwidth: str | float = "scott") -> pd.DataFrame:
    """Gaussian kernel densities of ``value`` by period on a common grid (columns: periods).

    ``bandwidth``: ``"scott"``, ``"silverman"`` or a factor, as :class:`scipy.stats.gaussian_kde`. A plain
    table is the whole answer (densities on a grid, no estimate to summarise): rows the grid points, one
    column per period; plot it with ``frame.plot()``.

    Parameters
    ----------
    data : pandas.DataFrame
        The panel; never modified.
    value : str
        The column whose distribution is estimated.
    time : str
        The period column: one density per period.
    grid : int or numpy.ndarray
        Number of grid points over the pooled range (padded by three
        bandwidths), or the grid itself.
    bandwidth : {"scott", "silverman"} or float
        Bandwidth rule or factor, as :class:`scipy.stats.gaussian_kde`.

    Returns
    -------
    pandas.DataFrame
        Rows the grid points, one column per period.
    """
    from scipy.stats import gaussian_kde

    if isinstance(bandwidth, str):
        if bandwidth not in ("scott", "silverman"):
            raise SpecificationError(f"bandwidth={bandwidth!r} is not valid; use 'scott', 'silverman' or a positive "
                                     "factor.")
    elif isinstance(bandwidth, bool) or not isinstance(bandwidth, (int, float, np.integer, np.floating)) \
            or not np.isfinite(bandwidth) or bandwidth <= 0:
        raise SpecificationError(f"bandwidth must be 'scott', 'silverman' or a positive number, not {bandwidth!r} "
                                 "(a negative factor gives negative densities).")
    frame = long_values(data, value, None, time, positive=False)
    y = frame["y"].to_numpy()
    if isinstance(grid, (int, np.integer)) and not isinstance(grid, bool):
        if grid < 2:
            raise SpecificationError(f"grid must be at least 2 points (or an array of points), not {grid!r}.")
        pad = 0.1 * (y.max() - y.min())
        points = np.linspace(y.min() - pad, y.max() + pad, int(grid))
    else:
        points = np.asarray(grid, dtype=float)
        if points.ndim != 1 or points.size == 0 or not np.isfinite(points).all():
            raise SpecificationError("grid must be a number of points >= 2 or a 1-d array of finite points.")
    out = {}
    for period, part in frame.groupby("t", sort=True):
        values = part["y"].to_numpy()
        if values.size < 2 or np.ptp(values) == 0:
            raise PanelError(f"period {period!r} has fewer than two distinct values: no density.")
        out[period] = gaussian_kde(values, bw_method=bandwidth)(points)
    result = pd.DataFrame(out, index=pd.Index(points, name=str(value)))
    result.columns.name = time
    return result
