"""The DEA-based Malmquist productivity index and its decomposition (Färe, Grosskopf, Norris and Zhang 1994).

With ``E^s(t)`` the CRS radial efficiency of a unit's period-``t`` data against the period-``s``
frontier (input orientation: theta; output: 1/phi, so that both read "1 = on the frontier"):

.. math::

    \\text{effch} = \\frac{E^{t+1}(t+1)}{E^t(t)},\\quad
    \\text{techch} = \\left[\\frac{E^t(t+1)}{E^{t+1}(t+1)} \\cdot \\frac{E^t(t)}{E^{t+1}(t)}\\right]^{1/2},\\quad
    \\text{tfpch} = \\text{effch} \\times \\text{techch},

and effch splits into pure efficiency change ``pech`` (the same ratio of VRS efficiencies) and scale
efficiency change ``sech = effch / pech``: DEAP 2.1's columns, a value above 1 an improvement. Under
CRS the two orientations give the same index.

Frontiers: ``"contemporaneous"`` (period ``t``'s units span ``E^t``), ``"sequential"`` (periods up to
``t``, so technology cannot regress: Shestalova 2003) and ``"global"`` (all periods, Pastor and Lovell
2005: ``tfpch = E^G(t+1) / E^G(t)``, circular, never infeasible; ``techch`` is then the change of the
gap between the period frontier and the global one). Geometric means by period and by entity, and
cumulative indices (first period = 1), come with the results. Which periods are compared, and what an
entity's gap or a zero output gives, is the rule of :mod:`nqpf_tfp.frontier.index_periods`.

References
----------
Färe, R., Grosskopf, S., Norris, M. and Zhang, Z. (1994). Productivity growth, technical progress, and
efficiency change in industrialized countries. *American Economic Review* 84(1), 66-83.
Pastor, J. T. and Lovell, C. A. K. (2005). A global Malmquist productivity index. *Economics Letters*
88(2), 266-271.
Coelli, T. J. (1996). A guide to DEAP version 2.1. CEPA working paper 96/08.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..errors import ConvergenceWarning, SpecificationError, warn
from ..keywords import strict_class, strict_keywords
from ..options import check_option
from ..panel import Panel
from ..parallel import check_n_jobs
from ..results import Diagnostics
from ..tables import SummaryTable
from .frame import Frame, build_frame
from .index_periods import IndexSteps, index_steps
from .index_results import ChangeResults
from .lp import check_solver
from .radial import radial_scores, scores_in_blocks
from .variables import check_window, period_reference, roles, values

__all__ = ["MalmquistDiagnostics", "MalmquistResults", "malmquist"]

COLUMNS = ["effch", "techch", "pech", "sech", "tfpch"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class MalmquistDiagnostics(Diagnostics):
    """Facts about a Malmquist computation."""

    frontier: str
    orientation: str
    n_entities: int
    n_periods: int
    #: entity-period changes that are NaN (the entity missing in the previous period, a zero output, or an LP
    #: without an optimal solution)
    missing_pairs: int


class MalmquistResults(ChangeResults):
    """Malmquist indices per (entity, period): DEAP's ``effch, techch, pech, sech, tfpch``.

    ``tfp`` is the cumulative TFP index (first period = 1) on (entity, time): a level. ``by_period()``
    is DEAP's "malmquist index summary of annual means", ``by_entity()`` its "summary of firm means"
    (geometric means).
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "index"
    _title: ClassVar[str] = "Malmquist TFP"

    @property
    def diagnostics(self) -> MalmquistDiagnostics:
        assert isinstance(self._diagnostics, MalmquistDiagnostics)
        return self._diagnostics

    def summary(self) -> SummaryTable:
        d = self.diagnostics
        notes = [f"{d.frontier} frontier, {d.orientation} orientation (CRS distances; pech from VRS); "
                 f"{d.n_entities} entities x {d.n_periods} periods.",
                 "Geometric means; tfpch = effch x techch, effch = pech x sech; above 1 = improvement."]
        return SummaryTable(self._summary_frame(), "Malmquist index summary", notes, ".4f")


@strict_keywords
def malmquist(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *, entity: Any = None,
              time: Any = None, orientation: str = "input", frontier: str = "contemporaneous",
              decomposition: str = "fgnz", solver: str = "auto", window: int | None = None, n_jobs: int = 1,
              backend: str = "processes") -> MalmquistResults:
    """DEA-Malmquist TFP change between consecutive periods of the data (see :mod:`nqpf_tfp.frontier.malmquist`;
    gaps, uneven periods and zero outputs: :mod:`nqpf_tfp.frontier.index_periods`).

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel, one row per (entity, time); never modified.
    inputs, outputs : str or list of str
        Input and output columns (positive).
    entity, time : str, optional
        Key columns; omit both when the data have a two-level (entity, time) index.
    orientation : {"input", "output"}
        Distance functions that contract inputs or expand outputs.
    frontier : {"contemporaneous", "sequential", "global", "biennial", "window"}
        Which periods span each period's frontier.
    window : int, optional
        With ``frontier="window"``: each period's frontier pools the ``window`` (odd) periods centred on
        it (Tulkens and van den Eeckaut 1995), used in place of the period's own in every formula.
    decomposition : {"fgnz", "rd"}
        Färe, Grosskopf, Norris and Zhang (1994; DEAP's): technical change on CRS frontiers. Ray and
        Desli (1997): technical change on VRS frontiers,
        ``techch = [E_v^t(t+1) / E_v^{t+1}(t+1) x E_v^t(t) / E_v^{t+1}(t)]^(1/2)``, and the scale change
        ``sech = [S^t(t+1) / S^t(t) x S^{t+1}(t+1) / S^{t+1}(t)]^(1/2)`` with ``S = E_c / E_v``; still
        ``tfpch = effch x techch``, ``effch = pech x sech`` (``tfpch`` is the same). Cross-period VRS
        problems can be infeasible (NaN with a warning). Contemporaneous or sequential frontiers.
    solver : {"auto", "highspy", "scipy"}
        The LP solver.
    n_jobs, backend
        Split the units scored against each frontier into blocks on ``n_jobs`` processes or threads, or
        the workers of the running ``dask.distributed`` client (``backend="dask"``); the same numbers.

    Returns
    -------
    MalmquistResults
        ``tfpch``, ``effch``, ``techch``, ``pech``, ``sech`` per (entity, time),
        ``by_period()``, ``by_entity()``, the cumulative index, ``summary()``, ``plot()``.
    """
    settings = _settings(inputs, outputs, orientation, frontier, decomposition, solver, n_jobs, backend, window)
    ins, outs = settings.columns
    panel = Panel(data, entity=entity, time=time, columns=ins + outs, missing="raise")
    steps = index_steps(panel, "malmquist", np.column_stack([panel[c] for c in outs]), outs)
    efficiency = _Efficiencies(panel, settings, steps.zero)
    changes, global_crs = _changes(panel, steps, efficiency, settings)
    frame = panel.frame({c: changes[:, j] for j, c in enumerate(COLUMNS)}, mask=steps.reported)
    unsolved = steps.unsolved(changes)
    if unsolved:
        warn(f"malmquist: {unsolved} entity-period change(s) are NaN (an LP without an optimal solution, e.g. an "
             "infeasible cross-period VRS problem); frontier='global' or 'biennial' is always feasible.",
             ConvergenceWarning)
    cumulative = steps.chain(changes[:, 4], ratio=True, level=global_crs)
    diag = MalmquistDiagnostics(settings.frontier, settings.orientation, panel.n_entities, int(steps.periods.size),
                                steps.missing(changes))
    return MalmquistResults(frame, panel.series(cumulative, "cumulative_tfp"), diag)


@dataclass(frozen=True)
class _MalmquistSettings:
    """The checked options of one Malmquist computation."""

    orientation: str
    frontier: str
    window: int | None
    decomposition: str
    solver: str
    n_jobs: int
    backend: str
    columns: tuple[list[str], list[str]]  # inputs, outputs

    @property
    def parallel(self) -> bool:
        return self.n_jobs > 1 or self.backend == "dask"


def _settings(inputs: Any, outputs: Any, orientation: str, frontier: str, decomposition: str, solver: str,
              n_jobs: Any, backend: str, window: int | None) -> _MalmquistSettings:
    """Every option checked before any data are read."""
    orientation = check_option("dea_orientation", orientation)
    n_jobs, backend = check_n_jobs(n_jobs), check_option("backend", backend)
    solver = check_solver(solver)
    frontier = check_option("malmquist_frontier", frontier)
    window = check_window(frontier, window)
    decomposition = check_option("malmquist_decomposition", decomposition, "decomposition")
    if decomposition == "rd" and frontier not in ("contemporaneous", "sequential", "window"):
        raise SpecificationError(f"decomposition='rd' compares period frontiers: use frontier='contemporaneous' "
                                 f"or 'sequential', not {frontier!r}.")
    ins, outs, _ = roles(inputs, outputs, what="malmquist")
    return _MalmquistSettings(orientation, frontier, window, decomposition, solver, n_jobs, backend, (ins, outs))


class _Efficiencies:
    """Radial efficiencies against the reference sets an index needs, each reduced to its frame once."""

    def __init__(self, panel: Panel, settings: _MalmquistSettings, zero: np.ndarray) -> None:
        ins, outs = settings.columns
        sorted_frame = pd.DataFrame({c: panel[c] for c in ins + outs})
        x, y = values(sorted_frame, ins, "input"), values(sorted_frame, outs, "output")
        self.x, self.y = x / x.mean(axis=0), y / y.mean(axis=0)  # common scale: units do not matter
        self.nobs, self.settings = panel.nobs, settings
        self.zero = zero  # rows without output: no radial distance
        self.rows = period_reference(panel.time, "contemporaneous")
        # global: efficiency change is measured against each period's own frontier (Pastor and Lovell 2005)
        global_like = settings.frontier in ("global", "biennial")
        self.spans = self.rows if global_like else period_reference(panel.time, settings.frontier, settings.window)
        self._frames: dict[tuple[object, str], tuple[np.ndarray, Frame]] = {}

    def __call__(self, evaluate: np.ndarray, key: int | str | tuple[int, int], rts: str) -> np.ndarray:
        """Against period ``key``'s frontier, the pooled one (``key="pooled"``) or the biennial one of
        the periods ``key = (t0, t1)``."""
        s, x, y = self.settings, self.x, self.y
        if (key, rts) not in self._frames:
            if isinstance(key, tuple):
                span = np.sort(np.r_[self.rows[key[0]], self.rows[key[1]]])
            else:
                span = np.arange(self.nobs) if key == "pooled" else self.spans[int(key)]
            self._frames[key, rts] = span, build_frame(x[span], y[span], rts, s.solver)
        span, frame = self._frames[key, rts]
        ref = span[frame.units]
        out = np.full(evaluate.size, np.nan)  # a unit without output has no radial distance
        keep = ~self.zero[evaluate]
        if s.orientation == "input" and np.array_equal(evaluate, span):
            # the frame's own LPs are its units' input-oriented scores against the whole set (frame.py)
            out[keep] = frame.theta[keep]
            return out
        evaluate = evaluate[keep]
        if s.parallel:
            scores = scores_in_blocks(x[evaluate], y[evaluate], x, y, ref, rts, s.orientation, s.solver, s.n_jobs,
                                      s.backend)[0]
        else:
            scores, _, _ = radial_scores(x[evaluate], y[evaluate], x[ref], y[ref], rts, s.orientation,
                                         solver=s.solver)
        out[keep] = scores if s.orientation == "input" else 1.0 / scores
        return out


def _changes(panel: Panel, steps: IndexSteps, efficiency: _Efficiencies,
             settings: _MalmquistSettings) -> tuple[np.ndarray, np.ndarray | None]:
    """(effch, techch, pech, sech, tfpch) of every row with a row in the data's previous period (NaN elsewhere),
    and the efficiencies against the global frontier (with ``frontier="global"``)."""
    rows, frontier, periods = efficiency.rows, settings.frontier, steps.periods
    own_crs = np.full(panel.nobs, np.nan)
    own_vrs = np.full(panel.nobs, np.nan)
    for t in periods:
        own_crs[rows[t]] = efficiency(rows[t], int(t), "crs")
        own_vrs[rows[t]] = efficiency(rows[t], int(t), "vrs")
    global_crs = efficiency(np.arange(panel.nobs), "pooled", "crs") if frontier == "global" else None
    prev = steps.lag
    changes = np.full((panel.nobs, 5), np.nan)
    for t0, t1 in zip(periods[:-1], periods[1:]):
        now = rows[t1][prev.valid[rows[t1]]]  # units observed in both periods
        before = prev.index[now]
        if now.size == 0:
            continue
        effch = own_crs[now] / own_crs[before]
        pech = own_vrs[now] / own_vrs[before]
        if frontier in ("global", "biennial"):
            if frontier == "global":
                assert global_crs is not None
                tfpch = global_crs[now] / global_crs[before]
            else:  # both periods' units span the frontier (Pastor, Asmild and Lovell 2011)
                both = efficiency(np.r_[now, before], (int(t0), int(t1)), "crs")
                tfpch = both[:now.size] / both[now.size:]
            techch = tfpch / effch
        else:
            cross_next = efficiency(now, int(t0), "crs")      # E^t(t+1)
            cross_before = efficiency(before, int(t1), "crs")  # E^{t+1}(t)
            techch = np.sqrt(cross_next / own_crs[now] * own_crs[before] / cross_before)
            tfpch = effch * techch
            if settings.decomposition == "rd":  # Ray and Desli (1997): technical change on the VRS frontiers
                vrs_next = efficiency(now, int(t0), "vrs")      # E_v^t(t+1)
                vrs_before = efficiency(before, int(t1), "vrs")  # E_v^{t+1}(t)
                techch = np.sqrt(vrs_next / own_vrs[now] * own_vrs[before] / vrs_before)
                effch = tfpch / techch
        changes[now] = np.column_stack([effch, techch, pech, effch / pech, tfpch])
    return changes, global_crs
