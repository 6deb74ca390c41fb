"""Efficiency explained by environmental variables: Simar and Wilson's (2007) algorithms 1 and 2.

Regressing DEA scores on environmental variables ``z`` by OLS or Tobit ("DEA-Tobit") is invalid: the
scores are serially correlated estimates whose bias depends on ``z`` and the error is truncated, not
censored. Simar and Wilson (2007) assume the Farrell distance ``delta_i >= 1`` (here ``1 /`` the DEA
efficiency: the Shephard input distance under input orientation, ``phi`` under output orientation) follows
the truncated regression ``delta_i = z_i'beta + eps_i``, ``eps_i ~ N(0, sigma^2)`` left-truncated at ``1 -
z_i'beta`` (:mod:`~nqpf_tfp.frontier.truncated_regression`; a constant is always included), and infer
``beta`` by a parametric bootstrap.

**Algorithm 1.** (1) DEA distances ``delta_hat_i``. (2) Maximum likelihood of the truncated regression on
the ``m`` units with ``delta_hat_i > 1`` (units on the frontier are left out: their value 1 is an
artefact of the estimator). (3) ``L`` times: ``delta*_i = z_i'beta_hat + eps*_i`` with ``eps*_i`` drawn
from ``N(0, sigma_hat^2)`` left-truncated at ``1 - z_i'beta_hat``; the truncated regression of
``delta*`` on ``z`` gives ``(beta*, sigma*)``. (4) Intervals from the ``L`` estimates.

**Algorithm 2** corrects the distances' bias first. (1)-(2) as above. (3) ``L1`` times: draw ``delta*_i``
for every unit as in (3) of algorithm 1; pseudo-data move each unit's inputs to ``x*_i = x_i delta*_i /
delta_hat_i`` (input orientation) or outputs to ``y*_i = y_i delta_hat_i / delta*_i`` (output), and
``delta_hat*_i`` is the observed unit's distance to the pseudo-data's frontier. (4) ``delta_hat_hat_i =
2 delta_hat_i - mean(delta_hat*_i)``. (5) The truncated regression of ``delta_hat_hat`` on ``z`` gives
``(beta_hat_hat, sigma_hat_hat)``. (6)-(7) Steps (3)-(4) of algorithm 1 from those.

Intervals: ``"basic"`` (Simar and Wilson 2007, step 4: ``beta_hat`` minus the quantiles of ``beta* -
beta_hat``) or ``"percentile"``; standard errors are the bootstrap draws' standard deviations. Every
replication draws from its own spawned ``SeedSequence``, so the numbers do not depend on ``n_jobs`` or the
backend.

References
----------
Simar, L. and Wilson, P. W. (2007). Estimation and inference in two-stage, semi-parametric models of
production processes. *Journal of Econometrics* 136(1), 31-64.
"""

from __future__ import annotations

import time as _time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import confidence_level, seed_sequence, whole_number
from ..errors import EstimationError, PanelWarning, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..parallel.bootstrap import ReplicationSettings, report_failures, run_replications
from .batch import batch_radial_scores, scores_of_scaled_units
from .bootstrap_dea import positive_scores
from .lp import check_solver
from .second_stage_results import SimarWilsonDiagnostics, SimarWilsonResults
from .truncated_regression import draw_truncated_errors, fit_truncated
from .variables import environment as environment_columns
from .variables import roles
from .variables import values as column_values

__all__ = ["SimarWilsonDiagnostics", "SimarWilsonResults", "simar_wilson"]

#: distances within this of 1 count as on the frontier (left out of the first regression)
ON_FRONTIER = 1e-9


@dataclass(frozen=True)
class TruncatedBootstrap:
    """One parametric bootstrap replication of the truncated regression (step 3 of algorithm 1)."""

    z: np.ndarray
    fitted: np.ndarray  # z'beta_hat
    sigma: float
    start: np.ndarray  # (beta_hat, sigma_hat)

    def __call__(self, seed: np.random.SeedSequence) -> np.ndarray | str:
        rng = np.random.default_rng(seed)
        delta = self.fitted + draw_truncated_errors(rng, self.sigma, 1.0 - self.fitted)
        try:
            fit = fit_truncated(delta, self.z, self.start)
        except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
            return f"{type(exc).__name__}: {exc}"
        if not fit.converged:
            return "the truncated regression did not converge"
        return np.r_[fit.beta, fit.sigma]


@dataclass(frozen=True)
class TruncatedPseudoFrontier:
    """One replication of algorithm 2's bias step: the observed units' distances to pseudo-data drawn from
    the truncated regression (step 3)."""

    x: np.ndarray  # scaled by their means
    y: np.ndarray
    delta: np.ndarray  # delta_hat
    fitted: np.ndarray  # z'beta_hat of every unit
    sigma: float
    rts: str
    orientation: str
    solver: str

    def __call__(self, seed: np.random.SeedSequence) -> np.ndarray | str:
        rng = np.random.default_rng(seed)
        draw = self.fitted + draw_truncated_errors(rng, self.sigma, 1.0 - self.fitted)
        if self.orientation == "input":
            x_ref, y_ref = self.x * (draw / self.delta)[:, None], self.y
        else:
            x_ref, y_ref = self.x, self.y * (self.delta / draw)[:, None]
        try:
            if self.rts != "crs" and self.orientation == "input":  # the pseudo units are the observed, rescaled
                theta, _ = scores_of_scaled_units(x_ref, y_ref, self.delta / draw, self.rts, self.solver)
                return 1.0 / theta
            radial, _ = batch_radial_scores(self.x, self.y, x_ref, y_ref, self.rts, self.orientation, self.solver)
        except Exception as exc:  # noqa: BLE001 - reported with its replication by report_failures
            return f"{type(exc).__name__}: {exc}"
        return 1.0 / radial if self.orientation == "input" else radial


@strict_keywords
def simar_wilson(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
                 environment: str | Sequence[str], *, algorithm: int = 1, rts: str = "crs",
                 orientation: str = "input", replications: int = 2000, bias_replications: int = 100,
                 level: float = 0.95, method: str = "basic", seed: Any = None, n_jobs: int = 1,
                 backend: str = "processes", on_failure: str = "raise", progress: bool = False,
                 solver: str = "auto", entity: Any = None, time: Any = None) -> SimarWilsonResults:
    """Simar and Wilson's (2007) truncated regression of DEA distances on environmental variables, with
    bootstrap inference (algorithm 1, or algorithm 2 with bias-corrected distances; see
    :mod:`nqpf_tfp.frontier.second_stage`).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit; never modified.
    inputs, outputs : str or list of str
        The DEA variables, non-negative.
    environment : str or list of str
        The environmental variables ``z`` (numeric, finite; a constant is added).
    algorithm : {1, 2}
        Algorithm 1 (distances as estimated, frontier units left out) or 2 (bias-corrected distances).
    rts : {"crs", "vrs", "nirs", "ndrs"}
        Returns to scale of the DEA frontier.
    orientation : {"input", "output"}
        The distance: Shephard input distance (``1 / theta``) or Farrell output ``phi``.
    replications : int
        ``L`` (algorithm 1) or ``L2`` (algorithm 2): the parametric bootstrap of ``(beta, sigma)``; Simar
        and Wilson use 2,000.
    bias_replications : int
        ``L1`` of algorithm 2 (the bias step); Simar and Wilson use 100. Ignored by algorithm 1.
    level : float
        Coverage of the intervals in the summary (``conf_int`` takes others).
    method : {"basic", "percentile"}
        The bootstrap interval.
    seed : int, SeedSequence, Generator or None
        Seeds every replication through ``SeedSequence.spawn``.
    n_jobs : int
        Workers for the replications; the numbers do not depend on it.
    backend : {"processes", "threads", "dask"}
        Where the replications run.
    on_failure : {"raise", "warn"}
        A replication whose regression fails raises, or is dropped with a warning.
    progress : bool
        Show tqdm progress bars.
    solver : {"auto", "highspy", "scipy"}
        The LP solver.
    entity, time : str, optional
        Key columns that label the units.

    Returns
    -------
    SimarWilsonResults
        ``params`` (``const``, the environmental variables, ``sigma``), bootstrap ``std_errors``,
        ``conf_int()``, the ``draws``; per unit the DEA ``efficiency``, the ``distance`` and (algorithm 2)
        the ``bias_corrected`` distance.
    """
    start = _time.perf_counter()
    if algorithm not in (1, 2) or isinstance(algorithm, bool):
        raise SpecificationError(f"algorithm must be 1 or 2 (Simar and Wilson 2007), not {algorithm!r}.")
    settings = ReplicationSettings.check(replications, seed, n_jobs, backend, on_failure, progress,
                                         none="at least 2 replications")
    if settings.replications == 0:
        raise SpecificationError("replications=0 leaves nothing to infer from: use at least 2 (2,000 for intervals).")
    l1 = whole_number(bias_replications, "bias_replications") if algorithm == 2 else 0
    if algorithm == 2 and l1 < 2:
        raise SpecificationError(f"bias_replications={l1}: algorithm 2 needs at least 2 (Simar and Wilson use 100).")
    level = confidence_level(level, "level")
    method = check_option("bootstrap_interval", method, "method")
    solver = check_solver(solver)
    ins, outs, _ = roles(inputs, outputs, what="DEA")
    env, z_values = environment_columns(data, environment, ins + outs, "simar_wilson")
    first = positive_scores(data, inputs, outputs, rts, orientation, solver, entity, time, "simar_wilson")
    rts, orientation = first.diagnostics.rts, first.diagnostics.orientation
    efficiency = first.efficiency.to_numpy()
    delta = 1.0 / efficiency
    z = np.column_stack([np.ones(len(delta)), z_values])
    names = ["const", *env]
    if np.linalg.matrix_rank(z) < z.shape[1]:
        raise EstimationError(f"simar_wilson: the environmental variables {env} are collinear with each other or "
                              "with the constant (a variable constant across units cannot explain efficiency).")
    inside = delta > 1.0 + ON_FRONTIER
    if inside.sum() <= z.shape[1] + 1:
        raise EstimationError(f"simar_wilson: {int(inside.sum())} unit(s) are off the frontier, too few for the "
                              f"{z.shape[1] + 1} parameters of the truncated regression.")
    first_fit = _fit_or_raise(delta[inside], z[inside], "the first truncated regression")
    seeds = seed_sequence(settings.seed).spawn(2)
    bias_corrected = None
    used = inside
    fit = first_fit
    if algorithm == 2:
        x, y = column_values(data, ins, "input"), column_values(data, outs, "output")
        task = TruncatedPseudoFrontier(x / x.mean(axis=0), y / y.mean(axis=0), delta, z @ first_fit.beta,
                                       first_fit.sigma, rts, orientation, solver)
        star, failures = run_replications(task, delta.size, l1, seeds[0], n_jobs=settings.n_jobs,
                                          backend=settings.backend, progress=settings.progress,
                                          label="Simar-Wilson bias")
        report_failures(failures, l1, settings.on_failure)
        bias_corrected = 2.0 * delta - np.nanmean(star[np.isfinite(star).any(axis=1)], axis=0)
        used = bias_corrected > 1.0
        if not used.all():
            warn(f"simar_wilson: {int((~used).sum())} bias-corrected distance(s) are not above 1 and are left out "
                 "of the second truncated regression.", PanelWarning)
        fit = _fit_or_raise(bias_corrected[used], z[used], "the truncated regression of the bias-corrected distances")
    estimate = np.r_[fit.beta, fit.sigma]
    boot = TruncatedBootstrap(z[used], z[used] @ fit.beta, fit.sigma, estimate)
    draws, failures = run_replications(boot, estimate.size, settings.replications, seeds[1], n_jobs=settings.n_jobs,
                                       backend=settings.backend, progress=settings.progress,
                                       label="Simar-Wilson parameters")
    report_failures(failures, settings.replications, settings.on_failure)
    draws = draws[np.isfinite(draws).all(axis=1)]
    if draws.shape[0] < 2:
        raise EstimationError("simar_wilson: fewer than 2 bootstrap regressions succeeded.")
    units = pd.DataFrame({"efficiency": efficiency, "distance": delta}, index=first.efficiency.index)
    if bias_corrected is not None:
        units["bias_corrected"] = bias_corrected
    units["in_regression"] = used
    diagnostics = SimarWilsonDiagnostics(
        algorithm, rts, orientation, int(delta.size), int(used.sum()), settings.replications, int(draws.shape[0]),
        l1 or None, float(fit.loglik), level, method,
        int(settings.seed.entropy) if settings.seed is not None else None,  # type: ignore[arg-type]
        _time.perf_counter() - start)
    return SimarWilsonResults(pd.Series(estimate, index=[*names, "sigma"], name="coef"),
                              pd.DataFrame(draws, columns=[*names, "sigma"]), units, diagnostics)


def _fit_or_raise(delta: np.ndarray, z: np.ndarray, what: str) -> Any:
    fit = fit_truncated(delta, z)
    if not fit.converged:
        raise EstimationError(f"simar_wilson: {what} did not converge (the likelihood may have no maximum: a "
                              "regressor that separates frontier units, or too few units off the frontier).")
    return fit
