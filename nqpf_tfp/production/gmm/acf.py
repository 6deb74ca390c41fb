"""ACF's second stage as a Markov GMM problem, and the global search over its optima.

Shared by the in-memory estimator (:class:`nqpf_tfp.ACF`) and the out-of-core
path (:mod:`nqpf_tfp.production.outofcore.acf`), which builds the same problem
from summed partitions. The method, the instruments, the search and the
ranking of exact ties are described in :class:`nqpf_tfp.ACF`.

References
----------
Ackerberg, D. A., Caves, K. and Frazer, G. (2015). Identification properties
of recent production function estimators. *Econometrica* 83(6), 2411-2451.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy.stats import qmc

from ...errors import EstimationError
from ...numerics.basis import polynomial, production_terms
from ..numerics.linalg import cluster_meat, least_squares
from ..spec import ModelData
from .markov import MarkovGMM, distinct_optima, refine
from .moments import MarkovMoments

__all__ = ["ACFProblem", "ACFSettings", "ACFSolution", "first_stage_design", "labor_t", "solve_acf"]

RESPONSE_SHOWN = 5  # optima whose labor-response t-statistics are reported


@dataclass(frozen=True)
class ACFSettings:
    """What defines an ACF estimation besides the data (validated by :class:`nqpf_tfp.ACF`)."""

    form: str
    proxy_input: bool  # gross output with the proxy among the inputs (instrumented by its lag)
    moments: str
    poly_degree: int
    markov_degree: int
    starts: int = 128
    box: tuple[float, float] = (0.0, 1.5)
    box_second: float = 0.1
    n_refine: int = 16
    start: tuple[float, ...] | None = None
    tie_tolerance: float = 1e-9


@dataclass(frozen=True)
class ACFSolution:
    """The returned optimum, every distinct optimum and the warnings the user must see."""

    theta: np.ndarray
    objective: float
    starts: int
    optima: tuple[dict[str, Any], ...]
    ties: int
    warnings: tuple[str, ...]
    j_stat: float | None
    j_df: int | None


def first_stage_design(data: ModelData, degree: int) -> np.ndarray:
    """Constant, controls and the polynomial of ``degree`` in (free, state, proxy): ACF's first-stage regressors."""
    poly = polynomial(np.column_stack([data.free, data.state, data.proxy]), degree)
    return np.column_stack([np.ones(data.n), data.controls, poly])


class ACFProblem(MarkovGMM):
    """The data of one ACF second stage, with the criterion as a function of theta.

    ``block=True``: ``data`` is one block of whole firms of a larger sample (the
    out-of-core path); ``b`` is then the whole sample's first-stage
    coefficients, ``centre`` the common centre of the sufficient statistics,
    and the caller sets the whole sample's GMM weight.
    """

    def __init__(self, settings: ACFSettings, data: ModelData, b: np.ndarray | None = None, block: bool = False,
                 centre: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.data, self.form, self.centre = data, settings.form, centre
        x_fs = first_stage_design(data, settings.poly_degree)
        if b is None and block:
            b = np.zeros(x_fs.shape[1])  # a block's first pass: only its design and moment rows are read
        elif b is None:
            b, _, rank = least_squares(x_fs, data.y)
            if rank < x_fs.shape[1]:
                raise EstimationError(f"ACF first stage is singular (rank {rank} of {x_fs.shape[1]}).")
        assert b is not None
        self.x_fs, self.b = x_fs, b
        self.ctrl_coef = b[1:1 + data.controls.shape[1]]
        gross = settings.proxy_input
        self.inputs = np.column_stack([data.free, data.state] + ([data.proxy] if gross else []))
        self.x = production_terms(self.inputs, self.form)

        def instruments(k: int) -> np.ndarray:  # f(free_{t-k}, state_{t-k+1}[, proxy_{t-k}])
            parts = [data.lagged(data.free, k), data.state if k == 1 else data.lagged(data.state, k - 1)]
            return production_terms(np.column_stack(parts + ([data.lagged(data.proxy, k)] if gross else [])), self.form)

        z_all = instruments(1)
        if settings.moments == "overidentified":
            z_all = np.column_stack([z_all, instruments(2)])
        lag = data.lag(1)
        use = lag.valid & np.isfinite(z_all).all(axis=1)
        self.rows, self.prev = np.flatnonzero(use), lag.index[use]
        if not block and self.rows.size <= z_all.shape[1] + settings.markov_degree + 1:
            raise EstimationError(f"ACF: only {self.rows.size} firm-years with the lags the moments need.")
        phi = self.phi(self.b)
        weight = "raw" if settings.moments == "standard" else "centred"  # raw: prodest's gACF
        super().__init__(phi[self.rows], phi[self.prev], self.x[self.rows], self.x[self.prev], z_all[self.rows],
                         settings.markov_degree, data.codes[self.rows], weight="none" if block else weight)

    @property
    def n_lin(self) -> int:
        return self.inputs.shape[1]

    @property
    def n_terms(self) -> int:
        return self.x.shape[1]

    @property
    def n_ctrl(self) -> int:
        return self.data.controls.shape[1]

    @property
    def ols_start(self) -> np.ndarray:
        """OLS of y on the production terms (a starting point)."""
        ols, _, _ = least_squares(np.column_stack([np.ones(self.data.n), self.x]), self.data.y)
        return ols[1:]

    @cached_property
    def fast(self) -> MarkovMoments:
        """The sufficient statistics: the search reads the data only through them (one pass)."""
        return MarkovMoments(self.phi_t, self.phi_p, self.x_t, self.x_p, self.z, self.degree, centre=self.centre)

    def moments(self, theta: np.ndarray) -> np.ndarray:
        return self.fast.moments(theta)

    def moments_jacobian(self, theta: np.ndarray) -> np.ndarray:
        return self.fast.moments_jacobian(theta)

    def phi(self, b: np.ndarray) -> np.ndarray:
        return self.x_fs @ b - self.data.controls @ b[1:1 + self.data.controls.shape[1]]

    def labor_responses(self, thetas: list[np.ndarray]) -> list[np.ndarray]:
        """Firm-clustered t-statistics of cov(xi_t, free_t), one per free input, at each theta."""
        free_mean = self.data.free[self.rows].mean(axis=0)
        return [labor_t(*self.labor_response_parts(t, self.fast.markov_fit(t), free_mean)) for t in thetas]

    def labor_response_parts(self, theta: np.ndarray, fit: tuple[float, float, np.ndarray],
                              free_mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sum and firm-clustered variance of ``(free_t - mean) xi_t`` (additive over blocks of whole firms)."""
        mu, s, rho = fit
        om_p = self.phi_p - self.x_p @ theta
        xi = self.phi_t - self.x_t @ theta - np.vander((om_p - mu) / s, rho.size, increasing=True) @ rho
        scores = (self.data.free[self.rows] - free_mean) * xi[:, None]
        return scores.sum(axis=0), np.diag(cluster_meat(scores, self.clusters))


def labor_t(total: np.ndarray, var: np.ndarray) -> np.ndarray:
    """t-statistic of a summed score from its clustered variance (NaN where the variance is 0)."""
    return total / np.sqrt(np.where(var > 0, var, np.nan))


# ------------------------------------------------------------------ search
def _candidates(settings: ACFSettings, problem: Any) -> np.ndarray:
    """The scrambled Sobol design over the box, then the OLS, first-stage and user starts."""
    n_lin, p = problem.n_lin, problem.n_terms
    low = np.r_[[settings.box[0]] * n_lin, [-settings.box_second] * (p - n_lin)]
    high = np.r_[[settings.box[1]] * n_lin, [settings.box_second] * (p - n_lin)]
    design = qmc.Sobol(p, scramble=True, seed=np.random.default_rng(0)).random(settings.starts)
    points = [qmc.scale(design, low, high)]
    points.append(problem.ols_start[None, :])
    first_stage = np.zeros(p)
    first_stage[:n_lin] = problem.b[1 + problem.n_ctrl:][:n_lin]
    if settings.proxy_input:
        first_stage[n_lin - 1] = 0.0  # the proxy's linear first-stage term is not its elasticity
    points.append(first_stage[None, :])
    if settings.start is not None:
        points.append(np.asarray(settings.start, dtype=float)[None, :])
    return np.vstack(points)


def _search(settings: ACFSettings, problem: Any) -> tuple[list[tuple[np.ndarray, float]], int]:
    """Distinct local optima of the current criterion, best first, and the number of starts."""
    candidates = _candidates(settings, problem)
    values = problem.criteria(problem.fast.evaluate(candidates)[0])  # the whole design in one batch
    screened = np.argsort(np.where(np.isfinite(values), values, np.inf))[: settings.n_refine]
    always = np.arange(settings.starts, candidates.shape[0])  # OLS, first stage, the user's start
    optima = []
    for i in np.unique(np.r_[screened, always]):
        theta = refine(problem, candidates[i])
        if theta is not None:
            optima.append((theta, problem.criterion(theta)))
    if not optima:
        raise EstimationError("ACF: every local search failed.")
    return distinct_optima(optima), int(candidates.shape[0])


def _rank_ties(problem: Any, distinct: list[tuple[np.ndarray, float]], responses: list[np.ndarray],
               n_tied: int) -> None:
    """Order the first ``n_tied`` (exactly tied) optima by their smallest labor-response t, largest
    first (then the innovation variance, where t is undefined); both lists in place."""
    def key(i: int) -> tuple[float, float]:
        lowest = np.nanmin(responses[i]) if np.isfinite(responses[i]).any() else -np.inf
        return (-lowest, problem.fast.innovation_variance(distinct[i][0]))

    order = sorted(range(n_tied), key=key)
    distinct[:n_tied] = [distinct[i] for i in order]
    responses[:n_tied] = [responses[i] for i in order]


def _two_step(problem: Any, distinct: list[tuple[np.ndarray, float]]) -> list[tuple[np.ndarray, float]]:
    """Each first-step optimum through the efficient second step; sorted by Hansen's J."""
    out = []
    for theta, _ in distinct:
        problem.set_weight(problem.efficient_weight(theta))
        refined = refine(problem, theta)
        if refined is not None:
            out.append((refined, problem.criterion(refined), problem.weight))
    out.sort(key=lambda o: o[1])
    problem.set_weight(out[0][2])
    return distinct_optima([(t, v) for t, v, _ in out])


def solve_acf(settings: ACFSettings, problem: Any) -> ACFSolution:
    """Search, (two-step), tie ranking and diagnostics on a problem in memory or in blocks.

    ``problem`` is an :class:`ACFProblem` or anything with its search interface
    (``fast``, ``root``, ``nobs``, ``b``, ``n_lin``, ``n_terms``, ``n_ctrl``,
    ``ols_start``, ``criterion``, ``labor_responses``, ``set_weight``).
    """
    distinct, n_starts = _search(settings, problem)
    j_stat = j_df = None
    if settings.moments == "overidentified":
        distinct = _two_step(problem, distinct)
        j_stat, j_df = distinct[0][1], problem.z.shape[1] - problem.x.shape[1]  # efficient W: criterion = J
    n_tied = sum(1 for o in distinct if o[1] - distinct[0][1] <= settings.tie_tolerance)  # a prefix: sorted
    # a pass over the data each: for the tied optima and the best few only
    responses = problem.labor_responses([t for t, _ in distinct[:max(n_tied, RESPONSE_SHOWN)]])
    if settings.moments == "standard":
        _rank_ties(problem, distinct, responses, n_tied)
    theta, value = distinct[0]
    ties = [(t, v) for t, v in distinct[1:] if abs(v - value) <= settings.tie_tolerance]
    optima = tuple(
        {"params": tuple(float(x) for x in np.round(t, 6)), "objective": v,
         "innovation_variance": problem.fast.innovation_variance(t),
         "labor_response_t": tuple(float(x) for x in np.round(responses[i], 2)) if i < len(responses) else None}
        for i, (t, v) in enumerate(distinct))
    warn = []
    if ties:
        warn.append(
            f"ACF: {len(ties)} other optimum(s) have a criterion within {settings.tie_tolerance:g} of the best "
            f"({[tuple(float(x) for x in np.round(t, 3)) for t, _ in ties]}): the moments do not tell them apart. "
            "Returned: the one where labor responds most positively to the productivity innovation (largest "
            "smallest labor-response t); see diagnostics.optima.")
    response = responses[0]
    if np.any(response < -2.0):
        warn.append(
            f"ACF: at the returned optimum the productivity innovation lowers the free input(s) "
            f"(firm-clustered t = {[float(x) for x in np.round(response, 2)]}), which labor demand rules out: "
            "it may be a spurious root (e.g. labor productivity, theta = (1, 0)); compare diagnostics.optima.")
    return ACFSolution(theta, float(value), n_starts, optima, len(ties), tuple(warn), j_stat, j_df)
