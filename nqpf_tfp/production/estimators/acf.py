"""Ackerberg, Caves and Frazer (2015): the control function with labor in the second stage.

Model: ``y = f(x)'theta + omega + eps``, with ``x`` the free and state inputs
(and the proxy, for gross output) and ``f`` the Cobb-Douglas terms (the log
inputs) or the translog terms (log inputs, their squares and cross products).
Because labor may be a function of the same state as the proxy, the first
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
roots. With labor chosen from a static first-order condition, ``theta = (1,
0)`` (``omega* = phi - l``, log labor productivity: the wage plus unexpected
productivity) is one, nearly or exactly (the flexible-input problem of
Gandhi, Navarro and Rivers 2020); it appears on ACF's DGP3 panel, roots
(0.592, 0.403) and (1.006, -0.010). Ties are broken by what the model says
about labor: it is chosen knowing part of ``xi_t`` (ACF's timing: at ``t-b``),
and labor demand increases in productivity, so at the true root the
innovation is not negatively correlated with the free inputs of period t.
At the spurious root it is (labor falls when the wage rises), strongly: firm-
clustered t = -70 on DGP3. Tied roots are ranked by their smallest t of
cov(xi_t, free_t), largest first: the root at which the data best agree that
labor rises with the innovation. Both are reported.

Gross output with the proxy as an input (``value_added=False, proxy_input=True``)
follows Stata's ``prodest ..., acf``: the proxy is an input with instrument
``proxy_{t-1}``. With ``proxy_input=False`` the inputs are exactly ``free`` and
``state`` whatever ``value_added`` says. Gandhi, Navarro and Rivers
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

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...errors import EstimationError, SpecificationError
from ...numerics.basis import production_term_names, translog_elasticities, translog_rts_weights
from ...options import check_option
from ..estimate import Estimate
from ..gmm.acf import ACFProblem, ACFSettings, solve_acf
from ..gmm.markov import refine
from ..gmm.moments import MarkovMoments
from ..inference.sandwich import stacked_sandwich
from ..numerics.linalg import EntityCrossProducts
from ..outofcore.acf import PartitionedACF, fit_acf_partitioned
from ..spec import ModelData
from .base import ProductionEstimator

__all__ = ["ACF"]


class ACF(ProductionEstimator):
    """Ackerberg, Caves and Frazer (2015) with a global search.

    The method (stages, instruments, the search and the rule for exact ties)
    is described in :mod:`nqpf_tfp.production.estimators.acf`. ``form="translog"``
    and gross output with the proxy as an input (``value_added=False,
    proxy_input=True``) are supported.

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
    """

    method: ClassVar[str] = "ACF"
    default_cov: ClassVar[str] = "cluster"
    supports_translog: ClassVar[bool] = True
    supports_proxy_input: ClassVar[bool] = True
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
        spec = self.spec
        #: the validated search settings (an :class:`~nqpf_tfp.production.gmm.acf.ACFSettings`)
        self.settings = ACFSettings(
            form=spec.form, proxy_input=bool(spec.proxy_input), moments=moments, poly_degree=spec.poly_degree,
            markov_degree=spec.markov_degree, starts=starts, box=(float(box[0]), float(box[1])),
            box_second=self.box_second, n_refine=n_refine,
            start=None if self.user_start is None else tuple(float(x) for x in self.user_start),
            tie_tolerance=self.tie_tolerance)

    def _check_spec(self) -> None:
        super()._check_spec()
        if self.spec.proxy_input and len(self.spec.proxy) != 1:
            raise SpecificationError("ACF with proxy_input=True needs exactly one proxy (the intermediate input).")

    def _cov_types(self) -> tuple[str, ...]:
        return ("cluster",)

    def _input_names(self) -> list[str]:
        return list(self.spec.inputs) + (list(self.spec.proxy) if self.spec.proxy_input else [])

    def _term_names(self) -> list[str]:
        return production_term_names(self._input_names(), self.spec.form)

    def _param_names(self) -> list[str]:
        return self._term_names() + list(self.spec.controls)

    # --------------------------------------------------------- estimate
    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        problem = ACFProblem(self.settings, data)
        solution = solve_acf(self.settings, problem)
        theta = solution.theta
        if data is self._data:
            self._full_problem = problem  # the bootstrap starts from it
        params = np.r_[theta, problem.ctrl_coef]
        cov = stacked_sandwich(problem, theta) if cov_type == "cluster" else None
        tfp = data.y - problem.x @ theta - data.controls @ problem.ctrl_coef
        elasticities = rts = None
        if self.spec.form == "translog":
            k = problem.inputs.shape[1]
            elasticities = translog_elasticities(problem.inputs, theta[:k], theta[k:])
            rts = np.r_[translog_rts_weights(problem.inputs.mean(axis=0)), np.zeros(problem.ctrl_coef.size)]
        diag = {"objective": solution.objective, "starts": solution.starts, "refined": self.n_refine,
                "optima": list(solution.optima), "ties": solution.ties, "estimation_nobs": int(problem.rows.size),
                "moments": self.moments}
        return Estimate(params, tfp, int(problem.rows.size), cov, elasticities=elasticities, rts_weights=rts,
                        first_stage_residuals=data.y - problem.x_fs @ problem.b, j_stat=solution.j_stat,
                        j_df=solution.j_df, diagnostics=diag, warnings=list(solution.warnings))

    def _partitioned_estimate(self, ddf: Any, cov_type: str) -> Estimate:
        """ACF on a Dask DataFrame partitioned by firm (see :mod:`nqpf_tfp.production.outofcore.acf`)."""
        return fit_acf_partitioned(PartitionedACF(self._partitioned_model(), self.settings), ddf)

    def _reweights(self) -> bool:
        return True

    def _prepare_bootstrap(self) -> None:
        """The full-sample problem (its final GMM weight) and per-firm first-stage cross-products (firms x p x p)."""
        problem = self._full_problem  # set by the full-sample fit, which runs first
        cross = EntityCrossProducts.build(problem.x_fs, self._data.y, self._data.entity_blocks()[0])
        self._boot = (problem, cross, self._data.codes[problem.rows], np.asfortranarray(problem.x_t),
                      np.asfortranarray(problem.x_p))

    def _replicate(self, firms: np.ndarray) -> np.ndarray:
        """One bootstrap replication with firm weights instead of copied rows.

        Both stages are re-estimated: the first stage from the firm-weighted
        cross-products (per-firm sums computed once), the second from weighted
        sufficient statistics (one pass over the rows of drawn firms), refined
        from the full-sample optimum. The GMM weight of ``moments="overidentified"``
        is held at its full-sample value.
        """
        assert self._full is not None
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
        theta = refine(fast, self._full.params[:problem.x.shape[1]])
        if theta is None:
            raise EstimationError("ACF bootstrap replication: the local search from the full-sample optimum failed.")
        return np.r_[theta, b[1:1 + data.controls.shape[1]]]
