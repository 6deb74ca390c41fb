"""The Malmquist bootstrap: intervals for the index and its parts (Simar and Wilson 1999).

For each pair of consecutive periods ``(t, t+1)`` and each unit, the CRS Malmquist index of Färe,
Grosskopf, Norris and Zhang (1994) in the notation of :mod:`nqpf_tfp.frontier.malmquist`,

.. math::

    \\text{effch} = \\frac{E^{t+1}(t+1)}{E^t(t)},\\quad
    \\text{techch} = \\left[\\frac{E^t(t+1)}{E^{t+1}(t+1)}\\cdot\\frac{E^t(t)}{E^{t+1}(t)}\\right]^{1/2},\\quad
    \\text{tfpch} = \\text{effch}\\times\\text{techch},

comes from four radial LPs. Simar and Wilson (1999) bootstrap it by redrawing each unit's *pair* of
own-period scores ``(E^t(t), E^{t+1}(t+1))`` jointly from their reflected bivariate kernel density
(:func:`~nqpf_tfp.frontier.smoothing.smoothed_pair_draw`; the dependence between a unit's two periods is
kept), building pseudo-data for both periods as :mod:`~nqpf_tfp.frontier.bootstrap_dea` does for one
(inputs ``x*_is = x_is E_hat_is / E*_is`` under input orientation, outputs ``y*_is = y_is E*_is / E_hat_is``
under output orientation), and computing the four distances of the *observed* data against the two pseudo
frontiers. Each component gets its bias-corrected value ``2 m_hat - mean(m*)`` and an interval from the
quantiles of ``m* - m_hat`` (``"basic"``) or of ``m*`` (``"percentile"``); an interval that excludes 1 is a
significant change at that level. Each pair of periods is redrawn on its own.

The panel must be balanced (every entity in every period: the pairs are redrawn unit by unit) with
positive scores. Replication ``b`` draws from ``SeedSequence(seed).spawn(B)[b]``, so the numbers do not
depend on ``n_jobs`` or the backend.

References
----------
Färe, R., Grosskopf, S., Norris, M. and Zhang, Z. (1994). Productivity growth, technical progress, and
efficiency change in industrialized countries. *American Economic Review* 84(1), 66-83.
Simar, L. and Wilson, P. W. (1999). Estimating and bootstrapping Malmquist indices. *European Journal of
Operational Research* 115(3), 459-471.
"""

from __future__ import annotations

import time as _time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import column_name, confidence_level, require_frame
from ..errors import PanelError, SpecificationError
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import few, observation_index, plain
from ..parallel.bootstrap import ReplicationSettings, report_failures, run_replications
from .batch import batch_radial_scores
from .bootstrap_results import BootstrapMalmquistDiagnostics, BootstrapMalmquistResults
from .lp import check_solver
from .smoothing import pair_bandwidth, smoothed_pair_draw
from .variables import roles
from .variables import values as column_values

__all__ = ["BootstrapMalmquistDiagnostics", "BootstrapMalmquistResults", "bootstrap_malmquist",
           "malmquist_components"]

#: the components, in the order of a replication's numbers
COMPONENTS = ("tfpch", "effch", "techch")


def malmquist_components(x: np.ndarray, y: np.ndarray, frontiers: tuple[tuple[np.ndarray, np.ndarray], ...],
                         orientation: str, solver: str) -> np.ndarray:
    """``(tfpch, effch, techch)`` per unit (``3 x n``) of the observed periods ``x[s], y[s]`` (s = 0, 1)
    against the frontiers spanned by ``frontiers[s]`` (CRS)."""
    e = np.empty((2, 2, x.shape[1]))  # e[frontier, data]
    for f, (xf, yf) in enumerate(frontiers):
        for s in (0, 1):
            radial, _ = batch_radial_scores(x[s], y[s], xf, yf, "crs", orientation, solver)
            e[f, s] = radial if orientation == "input" else 1.0 / radial
    effch = e[1, 1] / e[0, 0]
    techch = np.sqrt((e[0, 1] / e[1, 1]) * (e[0, 0] / e[1, 0]))
    return np.stack([effch * techch, effch, techch])


@dataclass(frozen=True)
class PseudoPeriods:
    """One replication of the Malmquist bootstrap for every pair of consecutive periods."""

    x: np.ndarray  # periods x units x inputs, scaled
    y: np.ndarray
    own: np.ndarray  # periods x units: each period's own CRS score
    h: tuple[float, ...]  # per pair of periods
    orientation: str
    solver: str

    def __call__(self, seed: np.random.SeedSequence) -> np.ndarray | str:
        rng = np.random.default_rng(seed)
        out = []
        try:
            for p, h in enumerate(self.h):
                pairs = self.own[p:p + 2].T
                draw = smoothed_pair_draw(rng, pairs, h).T  # 2 x units
                frontiers = []
                for s in (0, 1):
                    ratio = self.own[p + s] / draw[s]
                    if self.orientation == "input":
                        frontiers.append((self.x[p + s] * ratio[:, None], self.y[p + s]))
                    else:
                        frontiers.append((self.x[p + s], self.y[p + s] / ratio[:, None]))
                out.append(malmquist_components(self.x[p:p + 2], self.y[p:p + 2], tuple(frontiers), self.orientation,
                                                self.solver).ravel())
        except Exception as exc:  # noqa: BLE001 - reported with its replication by report_failures
            return f"{type(exc).__name__}: {exc}"
        return np.concatenate(out)


@strict_keywords
def bootstrap_malmquist(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
                        entity: Any, time: Any, orientation: str = "input", replications: int = 2000,
                        bandwidth: float | None = None, level: float = 0.95, method: str = "basic",
                        seed: Any = None, n_jobs: int = 1, backend: str = "processes", on_failure: str = "raise",
                        progress: bool = False, solver: str = "auto") -> BootstrapMalmquistResults:
    """Simar and Wilson's (1999) bootstrap of the CRS Malmquist index, ``effch`` and ``techch`` (see
    :mod:`nqpf_tfp.frontier.bootstrap_malmquist`).

    Parameters
    ----------
    data : pandas.DataFrame
        A balanced panel, one row per (entity, period); never modified.
    inputs, outputs : str or list of str
        Columns, non-negative; every unit needs a positive score in every period.
    entity, time : str
        The unit and period columns.
    orientation : {"input", "output"}
        Which variables the pseudo-data move (the CRS index itself is the same in both).
    replications : int
        ``B``, at least 2 (Simar and Wilson use 2,000 for intervals).
    bandwidth : float, optional
        The pairs' kernel bandwidth; default ``n^(-1/6)`` (:func:`~nqpf_tfp.frontier.smoothing.pair_bandwidth`).
    level : float
        Coverage of the intervals in ``lower_*`` and ``upper_*``.
    method : {"basic", "percentile"}
        The interval.
    seed : int, SeedSequence, Generator or None
        Replication ``b`` draws from ``SeedSequence(seed).spawn(B)[b]``.
    n_jobs : int
        Workers for the replications; the numbers do not depend on it.
    backend : {"processes", "threads", "dask"}
        Where the replications run.
    on_failure : {"raise", "warn"}
        A replication that fails raises, naming it, or is dropped with a warning.
    progress : bool
        Show a tqdm progress bar.
    solver : {"auto", "highspy", "scipy"}
        The LP solver.

    Returns
    -------
    BootstrapMalmquistResults
        Per (entity, period) from the second period on: ``tfpch``, ``effch``, ``techch``, each with its
        bias-corrected value and interval; ``draws`` holds the replications.
    """
    start = _time.perf_counter()
    require_frame(data, "data")
    settings = ReplicationSettings.check(replications, seed, n_jobs, backend, on_failure, progress,
                                         none="malmquist() for the indices alone")
    if settings.replications == 0:
        raise SpecificationError("replications=0: use malmquist() for the indices alone, or at least 2.")
    orientation = check_option("dea_orientation", orientation)
    level = confidence_level(level, "level")
    method = check_option("bootstrap_interval", method, "method")
    solver = check_solver(solver)
    entity, time = column_name(entity, "entity"), column_name(time, "time")
    ins, outs, _ = roles(inputs, outputs, what="the Malmquist index")
    labels = observation_index(data, entity, time)
    x_all, y_all = column_values(data, ins, "input"), column_values(data, outs, "output")
    periods = np.sort(data[time].unique())
    units = pd.Index(data[entity].unique())
    if periods.size < 2:
        raise PanelError(f"bootstrap_malmquist needs at least two periods in {time!r}; the data have {periods.size}.")
    counts = data.groupby(entity, sort=False)[time].nunique()
    short = counts[counts < periods.size]
    if len(short):
        shown = few([repr(plain(v)) for v in short.index])
        raise PanelError(f"bootstrap_malmquist needs a balanced panel (each unit's pair of scores is redrawn "
                         f"together): {len(short)} of {len(units)} entities miss periods, e.g. {shown}. Keep the "
                         "entities observed in every period.")
    position = pd.MultiIndex.from_product([units, periods]).get_indexer(labels)
    order = np.argsort(position)
    shape = (units.size, periods.size)
    x = x_all[order].reshape(*shape, -1).transpose(1, 0, 2) / x_all.mean(axis=0)
    y = y_all[order].reshape(*shape, -1).transpose(1, 0, 2) / y_all.mean(axis=0)
    own = np.empty((periods.size, units.size))
    for s in range(periods.size):
        radial, _ = batch_radial_scores(x[s], y[s], x[s], y[s], "crs", orientation, solver)
        own[s] = radial if orientation == "input" else 1.0 / radial
    bad = ~(np.isfinite(own) & (own > 0))
    if bad.any():
        s, i = np.argwhere(bad)[0]
        raise SpecificationError(f"bootstrap_malmquist needs a positive score for every unit in every period; "
                                 f"{int(bad.sum())} have none (zero output), e.g. ({plain(units[i])!r}, "
                                 f"{plain(periods[s])!r}).")
    h = tuple(pair_bandwidth(units.size, bandwidth) for _ in range(periods.size - 1))
    estimate = np.concatenate([malmquist_components(x[p:p + 2], y[p:p + 2], ((x[p], y[p]), (x[p + 1], y[p + 1])),
                                                    orientation, solver).ravel() for p in range(periods.size - 1)])
    task = PseudoPeriods(x, y, own, h, orientation, solver)
    draws, failures = run_replications(task, estimate.size, settings.replications, settings.seed,
                                       n_jobs=settings.n_jobs, backend=settings.backend, progress=settings.progress,
                                       label="bootstrap Malmquist")
    report_failures(failures, settings.replications, settings.on_failure)
    draws = draws[np.isfinite(draws).all(axis=1)]
    # the numbers are laid out period pair by component by unit
    index = pd.MultiIndex.from_product([periods[1:], list(COMPONENTS), units], names=[time, "component", entity])
    diagnostics = BootstrapMalmquistDiagnostics(
        orientation, int(units.size), int(periods.size), settings.replications, int(draws.shape[0]), h[0], level,
        method, int(settings.seed.entropy) if settings.seed is not None else None,  # type: ignore[arg-type]
        _time.perf_counter() - start)
    return BootstrapMalmquistResults(pd.Series(estimate, index=index), pd.DataFrame(draws, columns=index),
                                     (entity, time), periods[0], diagnostics)
