"""Ackerberg, Caves and Frazer (2015): the control function with labour in the second stage.

Model: ``y = f(x)'theta + omega + eps``, with ``x`` the free and state inputs
(and the proxy, for gross output) and ``f`` the Cobb-Douglas terms (the log
inputs) or the translog terms (log inputs, their squares and cross products).
Because labour may be a function of the same state as the proxy, the first
stage identifies no elasticity; it only removes the measurement error:

1. OLS of ``y`` on a polynomial of degree ``poly_degree`` in (free, state,
   proxy) (plus linear controls) gives ``phi = f(x)'theta + omega``.
2. For a candidate ``theta``: ``omega_t = phi_t - f(x_t)'theta`` and its lag;
   ``g`` is the least-squares polynomial (degree ``markov_degree``, with a
   constant) of ``omega_t`` on ``omega_{t-1}``; ``xi = omega_t - g(omega_{t-1})``.
   ``theta`` minimises ``(Z'xi)' W (Z'xi) / n``.

Instruments ``Z`` (``moments="standard"``, just identified, ``W = (Z'Z)^-1``,
R prodest's ``gACF`` criterion): ``f`` of ``(free_{t-1}, state_t[, proxy_{t-1}])``,
i.e. ``(l_{t-1}, k_t)`` for Cobb-Douglas value added and their squares and
product for a translog (De Loecker and Warzynski 2012).
``moments="overidentified"`` adds the same terms one period earlier,
``(free_{t-2}, state_{t-1}[, proxy_{t-2}])``, all dated t-1 or before, and
estimates in two steps with the efficient firm-clustered weight; ``j_stat`` is
Hansen's J (first-stage error not accounted for in its distribution).

**Global search.** The criterion has several local minima (on R prodest's
Chilean data at least four), so a scrambled Sobol design over ``box`` (linear
terms; second-order translog terms over ``+-box_second``) plus the OLS and
first-stage coefficients (and any ``start``) is evaluated; the best
``n_refine`` and the OLS, first-stage and user points are refined by
Levenberg-Marquardt on ``L'Z'xi`` (``W = LL'``); the distinct optima are
reported in ``diagnostics["optima"]``. The lowest is returned, whatever the
user's start; a ``ConvergenceWarning`` says when another distinct optimum is
as good within ``tie_tolerance``. With ``moments="overidentified"`` every
distinct first-step optimum is taken through the second step and the one with
the smallest J is returned (J is free of the scale of ``xi``, which the
first-step criterion is not).

**Exact ties.** A just-identified nonlinear system can have several exact
roots. With labour chosen from a static first-order condition, ``theta = (1,
0)`` (``omega* = phi - l``, log labour productivity: the wage plus unexpected
productivity) is one, nearly or exactly (the flexible-input problem of
Gandhi, Navarro and Rivers 2020); it appears on ACF's DGP3 panel, roots
(0.592, 0.403) and (1.006, -0.010). Ties are broken by what the model says
about labour: it is chosen knowing part of ``xi_t`` (ACF's timing: at ``t-b``),
and labour demand increases in productivity, so at the true root the
innovation is not negatively correlated with the free inputs of period t.
At the spurious root it is (labour falls when the wage rises), strongly: firm-
clustered t = -70 on DGP3. Tied roots are ranked by their smallest t of
cov(xi_t, free_t), largest first: the root at which the data best agree that
labour rises with the innovation. Both are reported.

Gross output (``value_added=False``) follows Stata's ``prodest ..., acf``: the
proxy is an input with instrument ``proxy_{t-1}``. Gandhi, Navarro and Rivers
(2020) show the flexible input's elasticity is then not identified without
more (e.g. the first-order condition used by :class:`GNR`); the docs show it.

Standard errors: the firm-clustered sandwich of the stacked estimating
equations of the first stage, the Markov-process regression and the GMM
second stage (so first-stage estimation error is accounted for), or the
firm-cluster bootstrap.

References
----------
Ackerberg, D. A., Caves, K. and Frazer, G. (2015). Identification properties
of recent production function estimators. *Econometrica* 83(6), 2411-2451.
De Loecker, J. and Warzynski, F. (2012). Markups and firm-level export status.
*American Economic Review* 102(6), 2437-2471.
Gandhi, A., Navarro, S. and Rivers, D. (2020). On the identification of gross
output production functions. *Journal of Political Economy* 128(8), 2973-3016.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ..errors import EstimationError, SpecificationError
from ..options import check_option
from .base import Estimate, ProductionEstimator
from .basis import polynomial, production_term_names, production_terms, translog_elasticities, translog_rts_weights
from .acf_inference import stacked_sandwich
from .linalg import EntityCrossProducts, cluster_meat
from .markov_gmm import MarkovGMM, distinct_optima, refine
from .moments import MarkovMoments
from .partitioned import fit_acf_partitioned
from .spec import ModelData

__all__ = ["ACF"]

_RESPONSE_SHOWN = 5  # optima whose labour-response t-statistics are reported


class _Problem(MarkovGMM):
    """The data of one ACF second stage, with the criterion as a function of theta."""

    def __init__(self, est: ACF, data: ModelData, b: np.ndarray | None = None, block: bool = False,
                 centre: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """``block=True``: ``data`` is one block of whole firms of a larger sample (the out-of-core
        path); ``b`` is then the whole sample's first-stage coefficients, ``centre`` the common
        centre of the sufficient statistics, and the caller sets the whole sample's GMM weight."""
        self.data, self.form, self.centre = data, est.spec.form, centre
        x_fs = est._first_stage_design(data)
        if b is None and block:
            b = np.zeros(x_fs.shape[1])  # a block's first pass: only its design and moment rows are read
        elif b is None:
            b, _, rank, _ = np.linalg.lstsq(x_fs, data.y, rcond=None)
            if rank < x_fs.shape[1]:
                raise EstimationError(f"ACF first stage is singular (rank {rank} of {x_fs.shape[1]}).")
        self.x_fs, self.b = x_fs, b
        self.ctrl_coef = b[1:1 + data.controls.shape[1]]
        gross = not est.spec.value_added
        self.inputs = np.column_stack([data.free, data.state] + ([data.proxy] if gross else []))
        self.x = production_terms(self.inputs, self.form)

        def instruments(k: int) -> np.ndarray:  # f(free_{t-k}, state_{t-k+1}[, proxy_{t-k}])
            parts = [data.lagged(data.free, k), data.state if k == 1 else data.lagged(data.state, k - 1)]
            return production_terms(np.column_stack(parts + ([data.lagged(data.proxy, k)] if gross else [])), self.form)

        z_all = instruments(1)
        if est.moments == "overidentified":
            z_all = np.column_stack([z_all, instruments(2)])
        lag = data.lag(1)
        use = lag.valid & np.isfinite(z_all).all(axis=1)
        self.rows, self.prev = np.flatnonzero(use), lag.index[use]
        if not block and self.rows.size <= z_all.shape[1] + est.spec.markov_degree + 1:
            raise EstimationError(f"ACF: only {self.rows.size} firm-years with the lags the moments need.")
        phi = self.phi(self.b)
        weight = "raw" if est.moments == "standard" else "centred"  # raw: prodest's gACF
        super().__init__(phi[self.rows], phi[self.prev], self.x[self.rows], self.x[self.prev], z_all[self.rows],
                         est.spec.markov_degree, data.codes[self.rows], weight="none" if block else weight)

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
        ols, *_ = np.linalg.lstsq(np.column_stack([np.ones(self.data.n), self.x]), self.data.y, rcond=None)
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

    def labour_responses(self, thetas: list[np.ndarray]) -> list[np.ndarray]:
        """Firm-clustered t-statistics of cov(xi_t, free_t), one per free input, at each theta."""
        free_mean = self.data.free[self.rows].mean(axis=0)
        return [labour_t(*self.labour_response_parts(t, self.fast.markov_fit(t), free_mean)) for t in thetas]

    def labour_response_parts(self, theta: np.ndarray, fit: tuple[float, float, np.ndarray],
                              free_mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sum and firm-clustered variance of ``(free_t - mean) xi_t`` (additive over blocks of whole firms)."""
        mu, s, rho = fit
        om_p = self.phi_p - self.x_p @ theta
        xi = self.phi_t - self.x_t @ theta - np.vander((om_p - mu) / s, rho.size, increasing=True) @ rho
        scores = (self.data.free[self.rows] - free_mean) * xi[:, None]
        return scores.sum(axis=0), np.diag(cluster_meat(scores, self.clusters))


def labour_t(total: np.ndarray, var: np.ndarray) -> np.ndarray:
    return total / np.sqrt(np.where(var > 0, var, np.nan))


class ACF(ProductionEstimator):
    """Ackerberg, Caves and Frazer (2015) with a global search; see the module docstring.

    Parameters
    ----------
    moments : {"standard", "overidentified"}
        Instruments dated t-1 (``f(free_{t-1}, state_t[, proxy_{t-1}])``) or, in
        addition, the same one period earlier, with two-step efficient GMM.
    starts : int
        Points of the Sobol design (a power of two is best; default 128).
    box : (float, float)
        Range of each linear coefficient in the design (default 0 to 1.5).
    box_second : float
        Half-width of the range of each second-order translog coefficient (default 0.1).
    n_refine : int
        How many of the best design points are refined locally (default 16),
        besides the OLS and first-stage points and ``start``.
    start : sequence of float, optional
        An extra starting point; it is only added to the design, so it cannot
        change the answer unless it leads to a better optimum.
    tie_tolerance : float
        Two distinct optima whose criteria differ by less than this are a tie
        (a ``ConvergenceWarning``).
    **kwargs
        As :class:`~nqpf_tfp.production.base.ProductionEstimator`;
        ``form="translog"`` and ``value_added=False`` are supported.
    """

    method: ClassVar[str] = "ACF"
    default_cov: ClassVar[str] = "cluster"
    supports_translog: ClassVar[bool] = True
    supports_gross_output: ClassVar[bool] = True
    supports_dask: ClassVar[bool] = True

    def __init__(self, data: pd.DataFrame, output: str, free: Any = None, state: Any = None, proxy: Any = None,
                 controls: Any = None, *, moments: str = "standard", starts: int = 128,
                 box: tuple[float, float] = (0.0, 1.5), box_second: float = 0.1, n_refine: int = 16,
                 start: Any = None, tie_tolerance: float = 1e-9, **kwargs: Any) -> None:
        moments = check_option("acf_moments", moments)
        if not (isinstance(starts, int) and starts >= 1 and isinstance(n_refine, int) and n_refine >= 1):
            raise SpecificationError("starts and n_refine must be whole numbers >= 1.")
        if len(box) != 2 or not box[0] < box[1]:
            raise SpecificationError(f"box must be (low, high) with low < high, not {box!r}.")
        if not box_second > 0:
            raise SpecificationError(f"box_second must be positive, not {box_second!r}.")
        self.moments, self.starts, self.box, self.n_refine = moments, starts, tuple(box), n_refine
        self.box_second, self.tie_tolerance = float(box_second), float(tie_tolerance)
        super().__init__(data, output, free, state, proxy, controls, **kwargs)
        k = len(self._term_names())
        self.user_start = None if start is None else np.asarray(start, dtype=float)
        if self.user_start is not None and self.user_start.shape != (k,):
            raise SpecificationError(f"start must have {k} values (one per term {self._term_names()}).")

    def _check_spec(self) -> None:
        super()._check_spec()
        if not self.spec.value_added and len(self.spec.proxy) != 1:
            raise SpecificationError("ACF gross output needs exactly one proxy (the intermediate input).")

    def _cov_types(self) -> tuple[str, ...]:
        return ("cluster",)

    def _input_names(self) -> list[str]:
        return list(self.spec.inputs) + ([] if self.spec.value_added else list(self.spec.proxy))

    def _term_names(self) -> list[str]:
        return production_term_names(self._input_names(), self.spec.form)

    def _param_names(self) -> list[str]:
        return self._term_names() + list(self.spec.controls)

    def _first_stage_design(self, data: ModelData) -> np.ndarray:
        poly = polynomial(np.column_stack([data.free, data.state, data.proxy]), self.spec.poly_degree)
        return np.column_stack([np.ones(data.n), data.controls, poly])

    # ------------------------------------------------------------ search
    def _candidates(self, problem: _Problem) -> np.ndarray:
        n_lin, p = problem.n_lin, problem.n_terms
        low = np.r_[[self.box[0]] * n_lin, [-self.box_second] * (p - n_lin)]
        high = np.r_[[self.box[1]] * n_lin, [self.box_second] * (p - n_lin)]
        design = qmc.Sobol(p, scramble=True, seed=np.random.default_rng(0)).random(self.starts)
        points = [qmc.scale(design, low, high)]
        points.append(problem.ols_start[None, :])
        first_stage = np.zeros(p)
        first_stage[:n_lin] = problem.b[1 + problem.n_ctrl:][:n_lin]
        if not self.spec.value_added:
            first_stage[n_lin - 1] = 0.0  # the proxy's linear first-stage term is not its elasticity
        points.append(first_stage[None, :])
        if self.user_start is not None:
            points.append(self.user_start[None, :])
        return np.vstack(points)

    def _search(self, problem: _Problem) -> tuple[list[tuple[np.ndarray, float]], int]:
        """Distinct local optima of the current criterion, best first, and the number of starts."""
        candidates = self._candidates(problem)
        moments, _ = problem.fast.evaluate(candidates)  # the whole design in one batch of array operations
        scaled = moments @ problem.root / np.sqrt(problem.nobs)
        values = np.einsum("ij,ij->i", scaled, scaled)
        screened = np.argsort(np.where(np.isfinite(values), values, np.inf))[: self.n_refine]
        always = np.arange(self.starts, candidates.shape[0])  # OLS, first stage, the user's start
        optima = []
        for i in np.unique(np.r_[screened, always]):
            theta = refine(problem, candidates[i])
            if theta is not None:
                optima.append((theta, problem.criterion(theta)))
        if not optima:
            raise EstimationError("ACF: every local search failed.")
        return distinct_optima(optima), int(candidates.shape[0])

    @staticmethod
    def _rank_ties(problem: _Problem, distinct: list[tuple[np.ndarray, float]], responses: list[np.ndarray],
                   n_tied: int) -> None:
        """Order the first ``n_tied`` (exactly tied) optima by their smallest labour-response t, largest
        first (then the innovation variance, where t is undefined); both lists in place."""
        def key(i: int) -> tuple[float, float]:
            lowest = np.nanmin(responses[i]) if np.isfinite(responses[i]).any() else -np.inf
            return (-lowest, problem.fast.innovation_variance(distinct[i][0]))

        order = sorted(range(n_tied), key=key)
        distinct[:n_tied] = [distinct[i] for i in order]
        responses[:n_tied] = [responses[i] for i in order]

    def _two_step(self, problem: _Problem, distinct: list[tuple[np.ndarray, float]]) -> list[tuple[np.ndarray, float]]:
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

    def _solve(self, problem: Any) -> tuple[np.ndarray, dict[str, Any], list[str], float | None, int | None]:
        """Search, (two-step), tie ranking and diagnostics on a problem in memory or in blocks."""
        distinct, n_starts = self._search(problem)
        j_stat = j_df = None
        if self.moments == "overidentified":
            distinct = self._two_step(problem, distinct)
            j_stat, j_df = distinct[0][1], problem.z.shape[1] - problem.x.shape[1]  # efficient W: criterion = J
        n_tied = sum(1 for o in distinct if o[1] - distinct[0][1] <= self.tie_tolerance)  # a prefix: sorted
        # a pass over the data each: for the tied optima and the best few only
        responses = problem.labour_responses([t for t, _ in distinct[:max(n_tied, _RESPONSE_SHOWN)]])
        if self.moments == "standard":
            self._rank_ties(problem, distinct, responses, n_tied)
        theta, value = distinct[0]
        ties = [(t, v) for t, v in distinct[1:] if abs(v - value) <= self.tie_tolerance]
        diag: dict[str, Any] = {
            "objective": value, "starts": n_starts, "refined": self.n_refine,
            "optima": [{"params": tuple(float(x) for x in np.round(t, 6)), "objective": v,
                        "innovation_variance": problem.fast.innovation_variance(t),
                        "labour_response_t": tuple(float(x) for x in np.round(responses[i], 2))
                        if i < len(responses) else None}
                       for i, (t, v) in enumerate(distinct)],
            "ties": len(ties), "estimation_nobs": int(problem.nobs), "moments": self.moments,
        }
        warn = []
        if ties:
            warn.append(
                f"ACF: {len(ties)} other optimum(s) have a criterion within {self.tie_tolerance:g} of the best "
                f"({[tuple(float(x) for x in np.round(t, 3)) for t, _ in ties]}): the moments do not tell them apart. "
                "Returned: the one where labour responds most positively to the productivity innovation (largest "
                "smallest labour-response t); see diagnostics['optima'].")
        response = responses[0]
        if np.any(response < -2.0):
            warn.append(
                f"ACF: at the returned optimum the productivity innovation lowers the free input(s) "
                f"(firm-clustered t = {[float(x) for x in np.round(response, 2)]}), which labour demand rules out: "
                "it may be a spurious root (e.g. labour productivity, theta = (1, 0)); compare diagnostics['optima'].")
        return theta, diag, warn, j_stat, j_df

    # --------------------------------------------------------- estimate
    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        problem = _Problem(self, data)
        theta, diag, warn, j_stat, j_df = self._solve(problem)
        if data is self._data:
            self._full_problem = problem  # the bootstrap starts from it
        params = np.r_[theta, problem.ctrl_coef]
        cov = self._sandwich(problem, theta) if cov_type == "cluster" else None
        tfp = data.y - problem.x @ theta - data.controls @ problem.ctrl_coef
        elasticities = rts = None
        if self.spec.form == "translog":
            k = problem.inputs.shape[1]
            elasticities = translog_elasticities(problem.inputs, theta[:k], theta[k:])
            rts = np.r_[translog_rts_weights(problem.inputs.mean(axis=0)), np.zeros(problem.ctrl_coef.size)]
        return Estimate(params, tfp, int(problem.rows.size), cov, elasticities=elasticities, rts_weights=rts,
                        j_stat=j_stat, j_df=j_df, diagnostics=diag, warnings=warn)

    def _partitioned_estimate(self, cov_type: str) -> dict[str, Any]:
        """ACF on a Dask DataFrame partitioned by firm (see :mod:`~.partitioned`)."""
        return fit_acf_partitioned(self, self._ddf)

    def _prepare_bootstrap(self) -> None:
        """The full-sample problem (its final GMM weight) and per-firm first-stage cross-products (firms x p x p)."""
        problem = self._full_problem  # set by the full-sample fit, which fit() runs first
        cross = EntityCrossProducts.build(problem.x_fs, self._data.y, self._data.entity_blocks()[0])
        self._boot = (problem, cross, self._data.codes[problem.rows], np.asfortranarray(problem.x_t),
                      np.asfortranarray(problem.x_p))

    def _replicate(self, full: Estimate, firms: np.ndarray) -> np.ndarray:
        """One bootstrap replication with firm weights instead of copied rows.

        Both stages are re-estimated: the first stage from the firm-weighted
        cross-products (per-firm sums computed once), the second from weighted
        sufficient statistics (one pass over the rows of drawn firms), refined
        from the full-sample optimum. The GMM weight of ``moments="overidentified"``
        is held at its full-sample value.
        """
        problem, cross, codes, x_t, x_p = self._boot
        data = problem.data
        counts = np.bincount(firms, minlength=data.n_entities).astype(float)
        b = cross.solve(counts)
        phi = problem.phi(b)
        weight = counts[codes]
        drawn = np.flatnonzero(weight)
        # (phi, x) of the drawn rows gathered straight into Fortran-ordered arrays: no stacking copies
        v_t, v_p = (np.empty((drawn.size, 1 + x_t.shape[1]), order="F") for _ in range(2))
        np.take(phi, problem.rows[drawn], out=v_t[:, 0])
        np.take(phi, problem.prev[drawn], out=v_p[:, 0])
        for j in range(x_t.shape[1]):
            np.take(x_t[:, j], drawn, out=v_t[:, j + 1])
            np.take(x_p[:, j], drawn, out=v_p[:, j + 1])
        fast = MarkovMoments.from_points(v_t, v_p, problem.z[drawn], problem.degree, weights=weight[drawn])
        fast.set_weight(problem.weight)
        theta = refine(fast, full.params[:problem.x.shape[1]])
        if theta is None:
            raise EstimationError("ACF bootstrap replication: the local search from the full-sample optimum failed.")
        return np.r_[theta, b[1:1 + data.controls.shape[1]]]

    def _sandwich(self, problem: _Problem, theta: np.ndarray) -> np.ndarray:
        return stacked_sandwich(problem, theta)
