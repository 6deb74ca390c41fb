"""The Malmquist-Luenberger and Luenberger productivity indices on directional distances (green TFP).

The distances are those of :mod:`nqpf_tfp.frontier.ddf` (radial), the weighted non-radial and
slacks-based ones of :mod:`nqpf_tfp.frontier.nonradial`, or the epsilon-based measure as a distance,
``D = 1 / kappa - 1`` (:mod:`nqpf_tfp.frontier.ebm_distance`).

Malmquist-Luenberger index between ``t`` and ``t+1`` (Chung et al. 1997), named as Stata's ``gtfpch``
names them (``tfpch`` the index, ``tech`` efficiency change, ``tecch`` technological change):

.. math::

    \\text{tech} = \\frac{1 + D^t(t)}{1 + D^{t+1}(t+1)},\\quad
    \\text{tecch} = \\left[\\frac{1 + D^{t+1}(t)}{1 + D^t(t)}\\cdot\\frac{1 + D^{t+1}(t+1)}{1 + D^t(t+1)}\\right]^{1/2},
    \\quad \\text{tfpch} = \\text{tech} \\times \\text{tecch};

with a global frontier (Oh 2010) ``tfpch = (1 + D^G(t)) / (1 + D^G(t+1))`` and ``tecch = tfpch /
tech``. The Luenberger indicator is the difference form (Chambers, Chung and Färe 1996):
``tfpch = [D^{t+1}(t) - D^{t+1}(t+1) + D^t(t) - D^t(t+1)] / 2``, ``tech = D^t(t) - D^{t+1}(t+1)``,
``tecch = tfpch - tech``; above 0 is an improvement. Which periods are compared, and what an entity's
gap or a zero good output gives, is the rule of :mod:`nqpf_tfp.frontier.index_periods`.

References
----------
Chung, Y. H., Färe, R. and Grosskopf, S. (1997). Productivity and undesirable outputs: a directional
distance function approach. *Journal of Environmental Management* 51(3), 229-240.
Oh, D. (2010). A global Malmquist-Luenberger productivity index. *Journal of Productivity Analysis*
34(3), 183-197.
Chambers, R. G., Chung, Y. and Färe, R. (1996). Benefit and distance functions. *Journal of Economic
Theory* 70(2), 407-419.
Pastor, J. T., Asmild, M. and Lovell, C. A. K. (2011). The biennial Malmquist productivity change index.
*Socio-Economic Planning Sciences* 45(1), 10-15.
Wang, D., Du, K. and Zhang, N. (2022). Measuring technical efficiency and total factor productivity
change with undesirable outputs in Stata. *Stata Journal* 22(1), 103-124.
"""

from __future__ import annotations

import time as time_module
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..docstrings import parameters_from
from ..errors import ConvergenceWarning, PanelError, SpecificationError, UndefinedStatisticWarning, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import Panel
from ..parallel import check_n_jobs
from .ddf import ReferenceSet
from .ebm_distance import EBMReferenceSet, index_ebm_settings
from .ebm_settings import EBMSettings
from .index_periods import IndexSteps, describe_rows, index_steps
from .index_results import DirectionalIndexDiagnostics, LuenbergerResults, MalmquistLuenbergerResults
from .lp import check_solver
from .nonradial import nonradial_weights, slacks_based_weights, zero_direction
from .variables import check_window, period_reference, roles

__all__ = ["luenberger", "malmquist_luenberger"]


@dataclass(frozen=True)
class _IndexSettings:
    """The checked options of one index computation."""

    form: str  # "ml" (ratio) or "l" (difference)
    rts: str
    frontier: str
    window: int | None
    direction: str
    distance: str
    weights: np.ndarray | None  # the non-radial or slacks-based distance's; None for the radial one
    ebm: EBMSettings | None  # the EBM's settings with distance="ebm"
    solver: str
    n_jobs: int
    backend: str
    columns: tuple[list[str], list[str], list[str]]  # inputs, good outputs, bad outputs

    @property
    def name(self) -> str:
        return "malmquist_luenberger" if self.form == "ml" else "luenberger"


def _settings(form: str, inputs: object, outputs: object, bad_outputs: object, rts: str, frontier: str,
              direction: str, solver: str, distance: str, weights: Mapping[str, float] | None, n_jobs: int,
              backend: str, window: int | None, ebm_options: Mapping[str, Any] | None = None) -> _IndexSettings:
    """Every option checked before any data are read."""
    n_jobs, backend = check_n_jobs(n_jobs), check_option("backend", backend)
    rts = check_option("dea_rts", rts)
    solver = check_solver(solver)
    frontier = check_option("ml_frontier", frontier)
    window = check_window(frontier, window)
    direction = check_option("ddf_direction", direction)
    distance = check_option("ddf_distance", distance, "distance")
    if rts not in ("crs", "vrs"):
        raise SpecificationError(f"rts={rts!r}: directional distances take 'crs' or 'vrs'.")
    ins, goods, bads = roles(inputs, outputs, bad_outputs, what="a productivity index")
    if weights is not None and distance != "nonradial":
        raise SpecificationError("direction_weights= belong to the non-radial distance: pass distance='nonradial'.")
    w = None
    if distance == "nonradial":
        w = nonradial_weights(ins, goods, bads, direction, weights)
    elif distance == "sbm":
        if direction != "all":
            raise SpecificationError("distance='sbm' (Fukuyama and Weber 2009) moves every variable: pass "
                                     "direction='all'.")
        w = slacks_based_weights(ins, goods, bads)
    name = "malmquist_luenberger" if form == "ml" else "luenberger"
    if ebm_options is not None and distance != "ebm":
        raise SpecificationError(f"{name}: ebm_options= belong to the epsilon-based measure: pass distance='ebm'.")
    ebm = (index_ebm_settings(ebm_options, direction, rts, solver, (ins, goods, bads), name)
           if distance == "ebm" else None)
    return _IndexSettings(form, rts, frontier, window, direction, distance, w, ebm, solver, n_jobs, backend,
                          (ins, goods, bads))


class _Frontiers:
    """Distances against the reference sets an index needs, each set reduced to its frame once."""

    def __init__(self, panel: Panel, settings: _IndexSettings, zero: np.ndarray) -> None:
        ins, goods, bads = settings.columns
        self.arrays = tuple(np.column_stack([panel[c] for c in cols]) if cols else np.empty((panel.nobs, 0))
                            for cols in (ins, goods, bads))
        for name, column in zip(ins + goods + bads, np.column_stack(self.arrays).T):
            if np.any(column < 0):
                raise PanelError(f"column {name!r} has negative values; frontier models need non-negative ones.")
            if settings.ebm is not None and np.any(column == 0):
                raise PanelError(f"column {name!r} has zeros; distance='ebm' divides each slack by the unit's own "
                                 "value and takes logs for the affinity, so every value must be positive.")
        self.ebm_weights = None
        if settings.ebm is not None:  # one epsilon and one set of weights at every frontier: the whole panel's
            data = pd.DataFrame(np.column_stack(self.arrays), columns=ins + goods + bads)
            x, y, b = self.arrays
            _, _, eps, side_weights = settings.ebm.calibrate(data, (x, y, b))
            self.ebm_weights = settings.ebm.lp_weights(eps, side_weights)
        # rows without a distance: no good output, or (non-radial) a zero direction for a weighted variable
        self.undefined = np.zeros(panel.nobs, dtype=bool)
        if settings.weights is not None:
            x, y, b = self.arrays
            g = np.column_stack([x if settings.direction == "all" else np.zeros_like(x), y, b])
            self.undefined, reason = zero_direction(g, settings.weights, ins + goods + bads)
            self.undefined &= ~zero
            if self.undefined.any():
                rows = np.flatnonzero(self.undefined)
                warn(f"{settings.name}: for {rows.size} unit-period(s) (e.g. {describe_rows(panel, rows)}) {reason}; "
                     "the changes into and out of those periods are NaN.", UndefinedStatisticWarning)
        self.zero = zero | self.undefined
        self.nobs, self.settings = panel.nobs, settings
        self.rows = period_reference(panel.time, "contemporaneous")
        # the period frontiers of the cross-period distances; with a global or biennial frontier the
        # efficiency change is measured against each period's own frontier (Oh 2010)
        global_like = settings.frontier in ("global", "biennial")
        self.spans = self.rows if global_like else period_reference(panel.time, settings.frontier,
                                                                       settings.window)
        self._built: dict[object, ReferenceSet | EBMReferenceSet] = {}

    def distance(self, evaluate: np.ndarray, key: int | str | tuple[int, int]) -> np.ndarray:
        """Against period ``key``'s frontier (contemporaneous, sequential or window), the pooled one, or
        the biennial one of the periods ``key = (t0, t1)``."""
        s = self.settings
        if isinstance(key, tuple):
            span = np.sort(np.r_[self.rows[key[0]], self.rows[key[1]]])
        else:
            span = np.arange(self.nobs) if key == "pooled" else self.spans[int(key)]
        if key not in self._built:
            where = " of the global frontier" if key == "pooled" else f" of the frontier of period(s) {key}"
            spanning = tuple(a[span] for a in self.arrays)
            if s.ebm is not None:
                assert self.ebm_weights is not None
                self._built[key] = EBMReferenceSet(spanning, s.ebm, self.ebm_weights, s.n_jobs, s.backend)
            else:
                self._built[key] = ReferenceSet(spanning, s.rts, s.solver, True, s.weights, s.n_jobs, s.backend,
                                                s.columns, where)
        out = np.full(evaluate.size, np.nan)  # a unit without good output has no distance
        keep = ~self.zero[evaluate]
        evaluate = evaluate[keep]
        positions = np.searchsorted(span, evaluate)  # spans are sorted row numbers
        if np.all(positions < span.size) and np.array_equal(span[np.minimum(positions, span.size - 1)], evaluate):
            out[keep] = self._built[key].own_distances(positions, s.direction)[1]
        else:
            out[keep] = self._built[key].distances(tuple(a[evaluate] for a in self.arrays), s.direction)[1]
        return out


def _changes(panel: Panel, steps: IndexSteps, frontiers: _Frontiers,
             settings: _IndexSettings) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """(tfpch, tech, tecch) of every row with a row in the data's previous period (NaN elsewhere), the global
    distances (with a global frontier), and the rows whose ratio index is undefined because a cross-period
    distance is -1 or below (``1 + D <= 0``: the unit lies that far beyond the other period's frontier)."""
    rows, form, frontier, periods = frontiers.rows, settings.form, settings.frontier, steps.periods
    own = np.full(panel.nobs, np.nan)
    for t in periods:
        own[rows[t]] = frontiers.distance(rows[t], int(t))
    glob = frontiers.distance(np.arange(panel.nobs), "pooled") if frontier == "global" else None
    prev = steps.lag
    result = np.full((panel.nobs, 3), np.nan)
    beyond = np.zeros(panel.nobs, dtype=bool)
    for t0, t1 in zip(periods[:-1], periods[1:]):
        now = rows[t1][prev.valid[rows[t1]]]
        before = prev.index[now]
        if now.size == 0:
            continue
        if frontier in ("global", "biennial"):
            cross_next = cross_before = None
            if frontier == "global":
                assert glob is not None
                g_now, g_before = glob[now], glob[before]
            else:  # both periods' units span the frontier (Pastor, Asmild and Lovell 2011)
                both = frontiers.distance(np.r_[now, before], (int(t0), int(t1)))
                g_now, g_before = both[:now.size], both[now.size:]
        else:
            cross_next = frontiers.distance(now, int(t0))      # D^t(t+1)
            cross_before = frontiers.distance(before, int(t1))  # D^{t+1}(t)
        if form == "ml":
            tech = (1 + own[before]) / (1 + own[now])
            if frontier in ("global", "biennial"):
                tfpch = (1 + g_before) / (1 + g_now)
            else:
                assert cross_next is not None and cross_before is not None
                # only where both distances exist: an infeasible one is an LP failure, reported as such
                below = (((1 + cross_next <= 0) | (1 + cross_before <= 0))
                         & np.isfinite(cross_next) & np.isfinite(cross_before))
                beyond[now] = below
                with np.errstate(invalid="ignore", divide="ignore"):  # 1 + D <= 0: NaN either way (below)
                    ratio = (1 + own[before]) / (1 + cross_next) * (1 + cross_before) / (1 + own[now])
                    tfpch = np.where(below, np.nan, np.sqrt(np.where(below | (ratio < 0), np.nan, ratio)))
            result[now] = np.column_stack([tfpch, tech, tfpch / tech])
        else:
            tech = own[before] - own[now]
            if frontier in ("global", "biennial"):
                tfpch = g_before - g_now
            else:
                assert cross_next is not None and cross_before is not None
                tfpch = 0.5 * ((cross_before - own[now]) + (own[before] - cross_next))
            result[now] = np.column_stack([tfpch, tech, tfpch - tech])
    return result, glob, beyond


def _index(data: pd.DataFrame, inputs: object, outputs: object, bad_outputs: object, entity: Any, time: Any,
           rts: str, frontier: str, direction: str, solver: str, form: str, distance_kind: str = "radial",
           weights: Mapping[str, float] | None = None, n_jobs: int = 1,
           backend: str = "processes", window: int | None = None,
           ebm_options: Mapping[str, Any] | None = None) -> MalmquistLuenbergerResults | LuenbergerResults:
    """Validate, compute, assemble: the Malmquist-Luenberger (``form="ml"``) or Luenberger (``"l"``) index."""
    start = time_module.perf_counter()
    settings = _settings(form, inputs, outputs, bad_outputs, rts, frontier, direction, solver, distance_kind,
                         weights, n_jobs, backend, window, ebm_options)
    panel = Panel(data, entity=entity, time=time, columns=[c for cols in settings.columns for c in cols],
                  missing="raise")
    steps = index_steps(panel, settings.name, np.column_stack([panel[c] for c in settings.columns[1]]),
                        settings.columns[1])
    frontiers = _Frontiers(panel, settings, steps.zero)
    result, glob, beyond = _changes(panel, steps, frontiers, settings)
    if beyond.any():
        warn(f"{settings.name}: {int(beyond.sum())} entity-period change(s) are NaN because a cross-period "
             f"distance is -1 or below (e.g. {describe_rows(panel, np.flatnonzero(beyond))}): the unit lies so far "
             "beyond the other period's frontier that 1 + D <= 0, where the ratio index is undefined. The Luenberger "
             "indicator (luenberger) or frontier='global' are defined there.", UndefinedStatisticWarning)
    unsolved = steps.unsolved(result, beyond | frontiers.undefined | frontiers.undefined[steps.lag.index])
    if unsolved:
        warn(f"{settings.name}: {unsolved} entity-period change(s) are NaN (infeasible cross-period directional "
             "distances); frontier='global' or 'biennial' is always feasible.", ConvergenceWarning)
    changes = panel.frame({"tfpch": result[:, 0], "tech": result[:, 1], "tecch": result[:, 2]}, mask=steps.reported)
    # a global frontier's productivity level: 1 / (1 + D^G) for the ratio, -D^G for the difference (Oh 2010)
    level = None if glob is None else (1 / (1 + glob) if form == "ml" else -glob)
    cumulative = panel.series(steps.chain(result[:, 0], form == "ml", level), "cumulative_tfp")
    diagnostics = DirectionalIndexDiagnostics(
        "malmquist-luenberger" if form == "ml" else "luenberger", settings.frontier, settings.distance,
        settings.direction, settings.rts, panel.n_entities, int(steps.periods.size), steps.missing(result),
        time_module.perf_counter() - start)
    if form == "ml":
        return MalmquistLuenbergerResults(changes, cumulative, diagnostics)
    return LuenbergerResults(changes, cumulative, diagnostics)

@strict_keywords
def malmquist_luenberger(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
                         bad_outputs: str | Sequence[str] | None = None, *, entity: Any = None, time: Any = None,
                         rts: str = "crs", frontier: str = "contemporaneous", direction: str = "outputs",
                         solver: str = "auto", distance: str = "radial",
                         direction_weights: Mapping[str, float] | None = None, n_jobs: int = 1,
                         backend: str = "processes", window: int | None = None,
                         ebm_options: Mapping[str, Any] | None = None) -> MalmquistLuenbergerResults:
    """Malmquist-Luenberger index (ratio form; global: Oh 2010) per (entity, time): ``tfpch = tech x tecch``.

    ``distance``: ``"radial"`` (Chung, Färe and Grosskopf 1997), ``"nonradial"`` (weighted, Zhou, Ang
    and Wang 2012; ``direction_weights`` as in :func:`~nqpf_tfp.frontier.nonradial_ddf`), ``"sbm"`` (Fukuyama
    and Weber's 2009 slacks-based directional distance, ``direction="all"``) or ``"ebm"`` (Tone and Tsutsui's
    epsilon-based measure as ``D = 1 / kappa - 1``, :mod:`~nqpf_tfp.frontier.ebm_distance`; output-oriented
    with ``direction="outputs"``, non-oriented with ``"all"``): the index is
    ``(1 + D(t)) / (1 + D(t+1))`` on any of them. Stata's ``gtfpch`` reports the non-radial and
    slacks-based cases in the difference form (:func:`luenberger`). ``n_jobs`` and ``backend``
    ("processes", "threads", "dask") split each reference set's evaluated units into blocks on workers.
    ``frontier="window"`` with ``window=h`` (odd): each period's frontier pools the ``h`` periods centred
    on it, in the contemporaneous formulas.

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel, one row per (entity, time); never modified.
    inputs, outputs : str or list of str
        Input and good-output columns (non-negative).
    bad_outputs : str or list of str, optional
        Undesirable outputs (emissions), weakly disposable.
    entity, time : str, optional
        Key columns; omit both when the data have a two-level (entity, time) index.
    rts : {"crs", "vrs"}
        Returns to scale of the frontier.
    frontier : {"contemporaneous", "sequential", "global", "biennial", "window"}
        Which periods span each period's frontier (the rules of the index
        periods are in :mod:`nqpf_tfp.frontier.index_periods`).
    direction : {"outputs", "all"}
        Expand good and contract bad outputs, or also contract inputs.
    solver : {"auto", "highspy", "scipy"}
        The LP solver.
    distance : {"radial", "nonradial", "sbm", "ebm"}
        The directional distance the index is built on.
    direction_weights : dict, optional
        Weights of the non-radial distance, as :func:`~nqpf_tfp.frontier.nonradial_ddf`.
    n_jobs : int
        Workers that share each reference set's units.
    backend : {"processes", "threads", "dask"}
        Where the workers run.
    window : int, optional
        The window's width, with ``frontier="window"``.
    ebm_options : dict, optional
        With ``distance="ebm"``: the EBM's ``epsilon``, ``weights``, ``bounded``, ``projection``,
        ``bad_output_factor`` and ``bad_output_affinity`` (:func:`~nqpf_tfp.frontier.ebm`); epsilon and the
        weights default to those of the whole panel, used at every frontier.

    Returns
    -------
    MalmquistLuenbergerResults
        ``tfpch``, ``tech``, ``tecch`` per (entity, time), ``by_period()``,
        ``by_entity()``, the cumulative index, ``summary()``, ``plot()``.
    """
    out = _index(data, inputs, outputs, bad_outputs, entity, time, rts, frontier, direction, solver, "ml",
                 distance, direction_weights, n_jobs, backend, window, ebm_options)
    assert isinstance(out, MalmquistLuenbergerResults)
    return out


@strict_keywords
@parameters_from(malmquist_luenberger)
def luenberger(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
               bad_outputs: str | Sequence[str] | None = None, *, entity: Any = None, time: Any = None,
               rts: str = "crs",
               frontier: str = "contemporaneous", direction: str = "outputs", solver: str = "auto",
               distance: str = "radial", direction_weights: Mapping[str, float] | None = None, n_jobs: int = 1,
               backend: str = "processes", window: int | None = None,
               ebm_options: Mapping[str, Any] | None = None) -> LuenbergerResults:
    """Luenberger productivity indicator (difference form) per (entity, time): ``tfpch = tech + tecch``.

    ``distance="nonradial"`` uses the weighted non-radial directional distance
    (:func:`~nqpf_tfp.frontier.nonradial_ddf`, ``direction_weights`` as there), ``distance="sbm"`` Fukuyama and
    Weber's (2009) slacks-based one (``direction="all"``), ``distance="ebm"`` the epsilon-based measure as
    ``D = 1 / kappa - 1`` (``ebm_options`` as :func:`malmquist_luenberger`), instead of the radial one.

    Returns
    -------
    LuenbergerResults
        ``tfpch``, ``tech``, ``tecch`` per (entity, time) (differences),
        ``by_period()``, ``by_entity()``, ``summary()``, ``plot()``.
    """
    out = _index(data, inputs, outputs, bad_outputs, entity, time, rts, frontier, direction, solver, "l",
                 distance, direction_weights, n_jobs, backend, window, ebm_options)
    assert isinstance(out, LuenbergerResults)
    return out
