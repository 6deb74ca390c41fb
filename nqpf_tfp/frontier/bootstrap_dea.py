"""Bootstrap DEA: bias-corrected efficiency scores, their variance and confidence intervals.

DEA's frontier is spanned by the observed units, so it lies inside the true one: the estimated efficiency
``theta_hat`` of a unit overstates its true efficiency ``theta``, by an amount that shrinks slowly with the
number of units. Simar and Wilson (1998) approximate the distribution of ``theta_hat - theta`` by that of
``theta* - theta_hat``, where ``theta*`` is the unit's score against a frontier built from pseudo-data
drawn from the estimated data-generating process:

1. ``theta_hat_i``: DEA scores of the ``n`` units (input orientation ``theta``; output orientation
   ``1 / phi``, the Farrell output measure inverted as :func:`~nqpf_tfp.frontier.dea` reports it).
2. A bandwidth ``h`` for the reflected kernel density of the scores (:mod:`~nqpf_tfp.frontier.smoothing`).
3. For ``b = 1..B``: draw ``theta*_i`` from that density (:func:`~nqpf_tfp.frontier.smoothing.smoothed_draw`);
   pseudo-data project every unit onto the estimated frontier and push it back by the draw, inputs
   ``x*_i = x_i theta_hat_i / theta*_i`` (input orientation) or outputs ``y*_i = y_i theta*_i /
   theta_hat_i`` (output orientation), the other variables as observed; ``theta_hat*_{ib}``: the score of
   the *observed* unit ``(x_i, y_i)`` against the pseudo-data's frontier.
4. ``bias_i = mean_b(theta_hat*_ib) - theta_hat_i``; ``bias_corrected_i = theta_hat_i - bias_i``;
   ``std_error_i`` the standard deviation of the ``theta_hat*_ib``; the interval ``[theta_hat_i - q_{1 -
   a/2}, theta_hat_i - q_{a/2}]`` with ``q`` the quantiles of ``theta_hat*_ib - theta_hat_i`` (Simar and
   Wilson 2000, eq. 4.5; ``method="basic"``), or Efron's percentile interval of the ``theta_hat*_ib``.

Simar and Wilson (2000) advise reporting the bias-corrected score only where ``bias^2 / var > 1/3``
(below that, the correction adds more variance than it removes bias); ``bias_ratio`` is that ratio.

Each replication's scores come from :func:`~nqpf_tfp.frontier.batch.batch_radial_scores` (dominated units
out, the frame, stacked LPs) or, under input orientation with variable returns, from the LPs that find the
pseudo-data's frame (:func:`~nqpf_tfp.frontier.batch.scores_of_scaled_units`: a pseudo unit is its observed
unit with the inputs rescaled, and the radial score is homogeneous in them). Replication ``b`` draws from
its own ``SeedSequence(seed).spawn(B)[b]``, so the numbers do not depend on ``n_jobs`` or the backend.

References
----------
Simar, L. and Wilson, P. W. (1998). Sensitivity analysis of efficiency scores: how to bootstrap in
nonparametric frontier models. *Management Science* 44(1), 49-61.
Simar, L. and Wilson, P. W. (2000). Statistical inference in nonparametric frontier models: the state
of the art. *Journal of Productivity Analysis* 13(1), 49-78.
"""

from __future__ import annotations

import time as _time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import confidence_level
from ..errors import ConvergenceWarning, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import few, plain
from ..parallel.bootstrap import ReplicationSettings, report_failures, run_replications
from .batch import batch_radial_scores, scores_of_scaled_units
from .bootstrap_results import BootstrapDEADiagnostics, BootstrapDEAResults
from .dea import DEAResults, dea
from .lp import check_solver
from .smoothing import bandwidth as bandwidth_of
from .smoothing import smoothed_draw
from .variables import roles
from .variables import values as column_values

__all__ = ["BootstrapDEADiagnostics", "BootstrapDEAResults", "bootstrap_dea", "positive_scores"]


@dataclass(frozen=True)
class PseudoFrontier:
    """One replication of the smoothed bootstrap: scores of the observed units against pseudo-data.

    Picklable, so it travels to process and Dask workers once; called with a replication's own seed.
    """

    x: np.ndarray  # observed units, scaled by their means
    y: np.ndarray
    efficiency: np.ndarray  # theta_hat, in (0, 1]
    h: float
    rts: str
    orientation: str
    solver: str

    def __call__(self, seed: np.random.SeedSequence) -> np.ndarray | str:
        try:
            return self.scores(np.random.default_rng(seed))
        except Exception as exc:  # noqa: BLE001 - reported with its replication by report_failures
            return f"{type(exc).__name__}: {exc}"

    def scores(self, rng: np.random.Generator) -> np.ndarray:
        """``theta_hat*`` of every observed unit against one draw of pseudo-data (step 3)."""
        draw = smoothed_draw(rng, self.efficiency, self.h)
        if self.orientation == "input":
            x_ref, y_ref = self.x * (self.efficiency / draw)[:, None], self.y
        else:
            x_ref, y_ref = self.x, self.y * (draw / self.efficiency)[:, None]
        if self.rts != "crs" and self.orientation == "input":  # the frame's own LPs are the scores (VRS: 1.7x)
            scores, _ = scores_of_scaled_units(x_ref, y_ref, draw / self.efficiency, self.rts, self.solver)
            return scores
        radial, _ = batch_radial_scores(self.x, self.y, x_ref, y_ref, self.rts, self.orientation, self.solver)
        return radial if self.orientation == "input" else 1.0 / radial


def positive_scores(data: pd.DataFrame, inputs: Any, outputs: Any, rts: str, orientation: str, solver: str,
                    entity: Any, time: Any, what: str) -> DEAResults:
    """The first-stage DEA of a bootstrap, every unit with a positive score (or an error naming those without:
    a zero score cannot be resampled, a zero output has none)."""
    first = dea(data, inputs, outputs, rts=rts, orientation=orientation, slacks=False, solver=solver,
                entity=entity, time=time)
    efficiency = first.efficiency.to_numpy()
    bad = ~(np.isfinite(efficiency) & (efficiency > 0))
    if bad.any():
        shown = few([repr(plain(v)) for v in first.efficiency.index[bad]])
        raise SpecificationError(f"{what} needs a positive DEA score for every unit; {int(bad.sum())} unit(s) have "
                                 f"none (zero output or no optimal LP), e.g. {shown}. Drop them from data.")
    return first


@strict_keywords
def bootstrap_dea(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str], *,
                  rts: str = "crs", orientation: str = "input", replications: int = 2000,
                  bandwidth: str | float = "normal_reference", level: float = 0.95, method: str = "basic",
                  seed: Any = None, n_jobs: int = 1, backend: str = "processes", on_failure: str = "raise",
                  progress: bool = False, solver: str = "auto", entity: Any = None,
                  time: Any = None) -> BootstrapDEAResults:
    """Simar and Wilson's (1998) smoothed bootstrap of radial DEA scores (see
    :mod:`nqpf_tfp.frontier.bootstrap_dea`).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (DMU); never modified.
    inputs, outputs : str or list of str
        Columns, non-negative; every unit needs a positive efficiency score.
    rts : {"crs", "vrs", "nirs", "ndrs"}
        Returns to scale of the frontier.
    orientation : {"input", "output"}
        Which variables the pseudo-data move: inputs (input orientation) or outputs.
    replications : int
        ``B``, at least 2; Simar and Wilson use 2,000 for intervals.
    bandwidth : {"normal_reference", "lscv"} or float
        The rule for the kernel bandwidth (:mod:`~nqpf_tfp.frontier.smoothing`), or the bandwidth itself.
    level : float
        Coverage of the intervals in ``lower`` and ``upper``.
    method : {"basic", "percentile"}
        The interval: Simar and Wilson's (``theta_hat`` minus the quantiles of ``theta* - theta_hat``), or
        Efron's percentile interval.
    seed : int, SeedSequence, Generator or None
        Replication ``b`` draws from ``SeedSequence(seed).spawn(B)[b]``; None takes fresh entropy (recorded
        in ``diagnostics.seed_entropy``).
    n_jobs : int
        Replications run on this many workers; the numbers are the same whatever ``n_jobs``.
    backend : {"processes", "threads", "dask"}
        Where they run (``"dask"``: the running ``dask.distributed`` client's workers).
    on_failure : {"raise", "warn"}
        A replication that fails raises, naming it, or is dropped with a warning.
    progress : bool
        Show a tqdm progress bar over the replications.
    solver : {"auto", "highspy", "scipy"}
        The LP solver (stacked LPs need highspy; SciPy solves unit by unit).
    entity, time : str, optional
        Key columns that label the results, as in :func:`~nqpf_tfp.frontier.dea`.

    Returns
    -------
    BootstrapDEAResults
        ``efficiency``, ``bias``, ``bias_corrected``, ``std_error``, ``lower``, ``upper``, ``bias_ratio``
        per unit; the replications in ``draws``; ``conf_int(level, method)`` recomputes the intervals.
    """
    start = _time.perf_counter()
    settings = ReplicationSettings.check(replications, seed, n_jobs, backend, on_failure, progress,
                                         none="dea() for the scores alone")
    if settings.replications == 0:
        raise SpecificationError("replications=0: use dea() for the scores alone, or at least 2 replications.")
    level = confidence_level(level, "level")
    method = check_option("bootstrap_interval", method, "method")
    solver = check_solver(solver)
    first = positive_scores(data, inputs, outputs, rts, orientation, solver, entity, time, "bootstrap_dea")
    rts, orientation = first.diagnostics.rts, first.diagnostics.orientation
    efficiency = first.efficiency.to_numpy()
    h = bandwidth_of(efficiency, bandwidth)
    ins, outs, _ = roles(inputs, outputs, what="DEA")
    x, y = column_values(data, ins, "input"), column_values(data, outs, "output")
    task = PseudoFrontier(x / x.mean(axis=0), y / y.mean(axis=0), efficiency, h, rts, orientation, solver)
    draws, failures = run_replications(task, efficiency.size, settings.replications, settings.seed,
                                       n_jobs=settings.n_jobs, backend=settings.backend,
                                       progress=settings.progress, label="bootstrap DEA")
    report_failures(failures, settings.replications, settings.on_failure)
    draws = draws[np.isfinite(draws).any(axis=1)]
    missing = int((~np.isfinite(draws)).sum())
    if missing:
        warn(f"bootstrap_dea: {missing} replicated score(s) had no optimal LP and are left out of their unit's "
             "bias, variance and interval.", ConvergenceWarning)
    labels = first.efficiency.index
    draw_frame = pd.DataFrame(draws, columns=labels)
    draw_frame.index.name = "replication"
    diagnostics = BootstrapDEADiagnostics(
        rts, orientation, int(efficiency.size), settings.replications, int(draws.shape[0]), h,
        bandwidth if isinstance(bandwidth, str) else "given", level, method,
        int(settings.seed.entropy) if settings.seed is not None else None,  # type: ignore[arg-type]
        _time.perf_counter() - start)
    return BootstrapDEAResults(first.efficiency, draw_frame, diagnostics)

