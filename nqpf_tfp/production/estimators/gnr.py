"""Gandhi, Navarro and Rivers (2020): gross output with one flexible input.

Gross output ``y = f(x, m) + omega + eps`` with fixed (predetermined) inputs
``x`` (labor, capital) and one flexible input ``m`` chosen after ``omega``
is known. The flexible input's first-order condition turns its revenue share
into its output elasticity, which identifies ``f`` up to a function of ``x``:

1. **Share regression.** ``s = ln D(x, m) - eps`` with ``s`` the log revenue
   share of ``m`` and ``D = gamma_0 + sum_j gamma_j p_j(x, m)`` a polynomial
   of degree ``poly_degree`` (all monomials, with a constant), fitted by
   nonlinear least squares (damped Gauss-Newton). With ``E = mean(exp(eps))``,
   the flexible elasticity is ``D(x, m) / E`` per observation.
2. **Integration constant.** In logs, ``int D/E dm = sum_j gamma_j / E *
   p_j m / (a_j + 1)`` (``a_j`` the power of ``m`` in ``p_j``; the constant
   term gives ``gamma_0 m / E``). Then ``Y = y - eps - int D/E dm = C(x) +
   omega``.
3. **Second stage.** ``C(x) = sum_l alpha_l q_l(x)``, a polynomial of degree
   ``constant_degree`` (default ``poly_degree``) in the fixed inputs without a
   constant; ``omega = Y - C``, ``omega_t = g(omega_{t-1}) + xi_t`` with ``g``
   a polynomial of degree ``markov_degree`` with a constant, and
   ``E[xi_t q_l(x_t)] = 0`` (fixed inputs are chosen before ``xi_t``): a just
   identified GMM system, solved by Levenberg-Marquardt from the OLS of ``Y``
   on ``q`` and a Sobol design around it; the lowest root is kept and the
   distinct optima are reported. The criterion reads the rows once, through
   sufficient statistics (``nqpf_tfp.production.gmm.moments``) built on
   the terms ``q`` centred and whitened (raw powers of log capital would
   cancel digits in them); every evaluation is then O(1) in the rows.

The fixed inputs' elasticities are ``dC/dx + d(int D/E dm)/dx`` per
observation. ``params`` are the **mean elasticities** (fixed inputs, then the
flexible one), as gnrprod reports them; the polynomial coefficients are in
``diagnostics``. Log TFP is ``y - int D/E dm - C(x) = omega + eps``. Standard
errors: by default the firm-clustered sandwich of the stacked estimating
equations (share regression, scale, Markov fit, second-stage moments, mean
elasticities; ``nqpf_tfp.production.inference.gnr_sandwich``), which accounts
for the first stage's estimation error; or the firm-cluster bootstrap of both
stages (``fit(bootstrap=B, seed=...)``), each replication weighting the drawn
firms' rows by their multiplicity instead of copying them (the same numbers,
at less cost). With ``second_stage="gnrprod"`` (not a root of the moments) only
the bootstrap applies.

References
----------
Gandhi, A., Navarro, S. and Rivers, D. A. (2020). On the identification of
gross output production functions. *Journal of Political Economy* 128(8),
2973-3016.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.linalg import cholesky, solve_triangular
from scipy.stats import qmc

from ...errors import EstimationError, SpecificationError
from ...keywords import open_keywords
from ...numerics.basis import derivative_map, monomial_table, monomials
from ...options import check_option
from ...parallel.blocks import block_threads
from ..compat.r_optim import r_optim_bfgs
from ..estimate import Estimate
from ..gmm.markov import distinct_optima, refine
from ..gmm.moments import LaggedRows, MarkovMoments, Reparametrised
from ..gmm.product_basis import DegenerateBasis, LaggedProductBasis
from ..inference.gnr_sandwich import GNRProblem, gnr_sandwich
from ..numerics.linalg import least_squares
from ..spec import ModelData
from .base import ProductionEstimator
from .gnr_share import BLOCK_ROWS, share_regression

__all__ = ["GNR", "share_regression"]


# the second stage's statistics go through a product basis from this many moment rows (measured: the bootstrap
# of 3 * 10^4 rows is faster without, that of 10^5 rows with)
BASIS_MIN_ROWS = 50_000


class GNR(ProductionEstimator):
    """Gandhi, Navarro and Rivers (2020); see :mod:`nqpf_tfp.production.estimators.gnr` for the method.

    Parameters
    ----------
    data : pandas.DataFrame
        Firm panel; never modified.
    output : str
        Log gross output.
    fixed : str or list of str
        Fixed (predetermined) inputs, e.g. ``["L", "K"]``.
    flexible : str
        The flexible input (intermediate inputs), log.
    share : str
        Log revenue share of the flexible input, ``ln(p_m M / (p_y Y))``
        (its level when ``take_logs=True``).
    poly_degree : int
        Degree of the share-regression polynomial in (fixed, flexible) (default 3, gnrprod's).
    constant_degree : int, optional
        Degree of the polynomial ``C`` in the fixed inputs (default ``poly_degree``).
    markov_degree : int
        Degree of ``g`` (default 3).
    second_stage : {"gmm", "gnrprod"}
        Solve the second-stage moments (default), or reproduce gnrprod 1.1.2: R
        ``optim``'s BFGS on the identity-weighted moments from the OLS start,
        which stops short of the root (see ``docs/production/gnr.md``).
    starts : int
        Sobol points around the OLS start of the second stage (default 32);
        the best ``n_refine`` (default 4) and the OLS start are refined (at most 100 evaluations each).
    n_refine : int
        How many of the best Sobol points are refined (default 4).
    entity, time : str, optional
        Key columns; omit both to use a two-level (entity, time) MultiIndex.
    take_logs : bool
        Variables are given in levels: take logs (each must be positive).
    missing : {"drop", "raise"}
        Rows with missing values: dropped with a warning, or an error.
    """

    method: ClassVar[str] = "GNR"
    needs_state: ClassVar[bool] = True
    supports_proxy_input: ClassVar[bool] = True

    def __init__(self, data: pd.DataFrame, output: str, fixed: Any, flexible: str, share: str, *,
                 entity: str | None = None, time: str | None = None, poly_degree: int = 3,
                 constant_degree: int | None = None, markov_degree: int = 3, second_stage: str = "gmm",
                 starts: int = 32, n_refine: int = 4, take_logs: bool = False, missing: str = "drop") -> None:
        if not isinstance(flexible, str):
            raise SpecificationError(f"GNR takes one flexible input (a column name), not {flexible!r}.")
        if not isinstance(share, str):
            raise SpecificationError(f"share must be a column name, not {share!r}.")
        constant_degree = poly_degree if constant_degree is None else constant_degree
        if isinstance(constant_degree, bool) or not isinstance(constant_degree, int) or constant_degree < 1:
            raise SpecificationError(f"constant_degree must be a whole number >= 1, not {constant_degree!r}.")
        if not (isinstance(starts, int) and starts >= 1 and isinstance(n_refine, int) and n_refine >= 1):
            raise SpecificationError("starts and n_refine must be whole numbers >= 1.")
        self.second_stage = check_option("gnr_second_stage", second_stage)
        self.share_column, self.constant_degree = share, constant_degree
        self.starts, self.n_refine = starts, n_refine
        super().__init__(data, output, None, fixed, flexible, None, entity=entity, time=time, value_added=False,
                         proxy_input=True,
                         poly_degree=poly_degree, markov_degree=markov_degree, take_logs=take_logs, missing=missing)
        values = self._data.extra[share]
        if take_logs and np.any(values <= 0):
            raise SpecificationError(f"take_logs=True needs a positive share column {share!r}.")
        if not take_logs and np.mean(values > 0) > 0.5:
            # a revenue share lies in (0, 1], so its log is <= 0 up to measurement error
            raise SpecificationError(
                f"share column {share!r} is positive in {np.mean(values > 0):.0%} of rows (median "
                f"{np.median(values):.3g}): GNR needs the log of the flexible input's revenue share, which is <= 0 "
                "up to noise. If the column holds the shares themselves, pass take_logs=True or its log.")

    @classmethod
    @open_keywords("none: GNR has no formula interface")
    def from_formula(cls, formula: str, data: pd.DataFrame, **kwargs: Any) -> GNR:
        """Not available: GNR's roles (fixed, flexible, share) do not fit ``free | state | proxy``."""
        raise SpecificationError(
            "GNR has no formula interface; call GNR(data, output, fixed=[...], flexible=..., share=..., ...)."
        )

    def _extra_columns(self) -> tuple[str, ...]:
        return (self.share_column,)

    def _input_names(self) -> list[str]:
        return list(self.spec.state) + list(self.spec.proxy)

    def _param_names(self) -> list[str]:
        return self._input_names()

    @property
    def flexible_input(self) -> str | None:
        return self.spec.proxy[0]

    # --------------------------------------------------------- estimate
    def _cov_types(self) -> tuple[str, ...]:
        # gnrprod's BFGS stops short of a root of the moments, where the sandwich does not apply
        return ("cluster",) if self.second_stage == "gmm" else ("bootstrap",)

    def _default_cov(self) -> str:
        return "cluster" if self.second_stage == "gmm" else "bootstrap"

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        return self._stages(data, cov=cov_type == "cluster")

    def _stages(self, data: ModelData, weights: np.ndarray | None = None, cov: bool = False) -> Estimate:
        """Both stages on all rows, or on the rows of positive ``weights`` weighted by them; with ``cov``
        (all rows), the analytic firm-clustered covariance of the mean elasticities."""
        drawn = slice(None) if weights is None else np.flatnonzero(weights)
        w = None if weights is None else np.asarray(weights, dtype=float)[drawn]
        share = data.extra[self.share_column][drawn]
        share = np.log(share) if self.spec.take_logs else share
        fixed, flex, y = data.state[drawn], data.proxy[drawn, 0], data.y[drawn]
        inputs = np.column_stack([fixed, flex])
        n_fixed = fixed.shape[1]

        # 1. share regression: s = ln D - eps
        degree = self.spec.poly_degree
        design = monomials(inputs, degree)  # constant first; column-major (the passes read blocks of rows)
        threads = 1 if weights is not None else block_threads()  # a bootstrap replication: its caller's cores
        gamma, iterations = share_regression(share, design, weights=w, threads=threads)
        # one product over the share terms gives, per row, D, the polynomial of its integral over ln m and
        # that polynomial's slopes in the fixed inputs (from the monomials already built: derivative maps)
        divisors = monomial_table(n_fixed + 1, degree)[0][:, -1] + 1.0  # power of m in each term, + 1
        fixed_maps = [derivative_map(n_fixed + 1, degree, v) for v in range(n_fixed)]
        gamma_m = gamma / divisors
        fitted = design @ np.column_stack([gamma, gamma_m, *[m @ gamma_m[1:] for m in fixed_maps]])
        eps = np.log(fitted[:, 0]) - share
        scale = float(np.average(np.exp(eps), weights=w))
        gamma = gamma / scale
        flex_elasticity = fitted[:, 0] / scale
        # 2. integral of the elasticity over ln m, and Y = y - eps - integral = C(x) + omega
        integral = fitted[:, 1] * flex / scale
        big_y = y - eps - integral

        # 3. C(x) by GMM on the Markov innovation, instruments = the terms of C; from sufficient statistics
        # the constant, then C's terms, column by column (each a contiguous product of two columns)
        n_c = monomial_table(n_fixed, self.constant_degree)[0].shape[0]
        c_full = monomials(fixed, self.constant_degree, np.empty((y.size, n_c), order="F"))
        c_terms = c_full[:, 1:]
        rows, prev = self._lag_rows(data, weights)
        if rows.size <= c_terms.shape[1] + self.spec.markov_degree + 1:
            raise EstimationError(f"GNR: only {rows.size} firm-years with a previous year.")
        w_rows = None if w is None else w[rows]
        problem = self._second_stage(big_y, c_terms, fixed, rows, prev, w_rows, threads)
        start = least_squares(c_full if w is None else c_full * np.sqrt(w)[:, None],
                              big_y if w is None else big_y * np.sqrt(w))[0][1:]
        if self.second_stage == "gnrprod":
            problem.set_weight(np.eye(start.size) / rows.size)  # criterion = sum of squared mean moments
            alpha, objective, _ = r_optim_bfgs(problem.criterion, start)
            distinct = [(alpha, objective)]
        else:
            alpha, objective, distinct = self._solve(problem, start)

        # elasticities per observation, from the monomials already built (derivative maps, no new columns)
        c_maps = [derivative_map(n_fixed, self.constant_degree, v) for v in range(n_fixed)]
        fixed_el = c_full @ np.column_stack([cm @ alpha for cm in c_maps]) + flex[:, None] * fitted[:, 2:] / scale
        elasticities = np.column_stack([fixed_el, flex_elasticity])
        tfp = y - integral - c_terms @ alpha
        covariance = None
        if cov:
            arrays = GNRProblem(design, divisors, fixed_maps, fitted, share, y, flex, c_full, c_maps, rows, prev,
                                data.codes, self.spec.markov_degree)
            covariance = gnr_sandwich(arrays, gamma * scale, scale, alpha, threads)
        diag: dict[str, Any] = {
            "share_coefficients": gamma, "share_iterations": iterations,
            "share_ssr": float(np.sum(eps**2 if w is None else w * eps**2)), "mean_exp_eps": scale,
            "constant_coefficients": alpha, "objective": objective,
            "optima": [{"params": tuple(float(x) for x in np.round(t, 6)), "objective": v} for t, v in distinct],
            "estimation_nobs": int(rows.size),
            # how the second stage's sums were accumulated (the same sums; only the cost differs)
            "second_stage_statistics": "product basis" if problem.inner.through_basis else "monomials",
        }
        warn = []
        if np.any(flex_elasticity <= 0):
            warn.append(f"GNR: the flexible input's elasticity is not positive in {int(np.sum(flex_elasticity <= 0))} "
                        "rows; the share polynomial may be too flexible.")
        return Estimate(np.average(elasticities, axis=0, weights=w), tfp, data.n, covariance,
                        elasticities=elasticities,
                        first_stage_residuals=eps, diagnostics=diag, warnings=warn)

    def _second_stage(self, big_y: np.ndarray, c_terms: np.ndarray, fixed: np.ndarray, rows: np.ndarray,
                      prev: np.ndarray, w_rows: np.ndarray | None, threads: int = 1) -> Reparametrised:
        """The second-stage criterion in ``alpha``, read from sufficient statistics (one pass over the rows).

        The statistics are sums of powers of ``omega_{t-1}``, expanded in the
        terms of ``C``; raw terms (``k^3`` of log capital, say) would cancel
        most digits in those expansions, so they are built on the terms
        centred and whitened, ``(q - mean) R^-1`` with ``R'R`` their
        covariance, and the criterion is mapped back to ``alpha``
        (:class:`~..gmm.moments.Reparametrised`). The weight is the inverse of
        the centred instruments' cross-products (the moments are those of the
        centred terms, as the innovation has mean zero).
        """
        n = big_y.size
        on_rows, on_prev = np.zeros(n), np.zeros(n)  # each row's weight as a moment row, as a previous year
        on_rows[rows] = 1.0 if w_rows is None else w_rows
        on_prev[prev] = on_rows[rows]
        total = on_rows.sum()
        mean = (on_rows @ c_terms) / total
        cross = np.zeros((mean.size, mean.size))
        for lo in range(0, n, BLOCK_ROWS):  # blocks: no full-size temporary
            centred = c_terms[lo:lo + BLOCK_ROWS] - mean
            cross += centred.T @ (centred * on_rows[lo:lo + BLOCK_ROWS, None])
        r = cholesky(cross / total, lower=False)  # cov = R'R
        r_inv = solve_triangular(r, np.eye(r.shape[0]))

        def points(at: np.ndarray) -> np.ndarray:
            """``(Y, (q - mean) R^-1)`` at the rows ``at``."""
            return np.column_stack([big_y[at], (c_terms[at] - mean) @ r_inv])

        def current(sel: slice | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            v = points(rows[sel])
            return v, v[:, 1:]

        source = LaggedRows(rows.size, current, lambda sel: points(prev[sel]),
                            np.r_[(on_prev @ big_y) / total, ((on_prev @ c_terms) / total - mean) @ r_inv],
                            np.r_[(on_rows @ big_y) / total, np.zeros(mean.size)], z_is_centred_x=True)
        # C's terms are polynomials in the fixed inputs: on many rows the statistics go through a basis in
        # (Y, x); building it costs about as much as the plain Gram matrix of 5 * 10^4 rows
        basis: LaggedProductBasis | None = None
        if rows.size >= BASIS_MIN_ROWS:
            try:
                basis = LaggedProductBasis(big_y, fixed, self.constant_degree, self.spec.markov_degree, index=prev)
            except DegenerateBasis:  # too few distinct values: the monomials themselves
                basis = None
        inner = MarkovMoments.from_rows(source, self.spec.markov_degree, w_rows, basis, threads)
        problem = Reparametrised(inner, r)
        problem.set_weight(np.linalg.inv(cross))
        return problem

    @staticmethod
    def _lag_rows(data: ModelData, weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows with a previous year and those previous rows, as positions among the (drawn) rows."""
        lag = data.lag(1)
        rows, prev = np.flatnonzero(lag.valid), lag.index[lag.valid]
        if weights is None:
            return rows, prev
        drawn = weights > 0
        position = np.cumsum(drawn) - 1  # a drawn row's position among the drawn rows
        keep = drawn[rows]  # a firm is drawn whole: its previous rows are drawn with it
        return position[rows[keep]], position[prev[keep]]

    # --------------------------------------------------------- bootstrap
    def _reweights(self) -> bool:
        return True

    def _replicate(self, firms: np.ndarray) -> np.ndarray:
        """One bootstrap replication with firm weights instead of copied rows.

        Both stages are re-estimated on the drawn firms' rows weighted by how
        often each firm was drawn: the share regression by weighted
        Gauss-Newton, the second stage from weighted sufficient statistics with
        the full sample's search (the OLS start and the design around it; the
        moments can have several exact roots, and a local search from the
        full-sample root can end on another one or on none). The numbers are
        those of copying the rows; only the cost differs.
        """
        data = self._data
        weights = np.bincount(firms, minlength=data.n_entities).astype(float)[data.codes]
        return self._stages(data, weights).params

    def _solve(self, problem: Reparametrised, start: np.ndarray
               ) -> tuple[np.ndarray, float, list[tuple[np.ndarray, float]]]:
        """Roots of the second-stage moments from the OLS start and a Sobol design around it; the lowest first."""
        spread = np.maximum(np.abs(start), 0.05)  # the design: OLS +- its own size
        design_pts = qmc.scale(qmc.Sobol(start.size, scramble=True, seed=np.random.default_rng(0)).random(self.starts),
                               start - spread, start + spread)
        candidates = np.vstack([start[None, :], design_pts])
        values = problem.criteria(problem.evaluate(candidates)[0])  # the whole design in one batch
        chosen = np.unique(np.r_[0, np.argsort(np.where(np.isfinite(values), values, np.inf))[: self.n_refine]])
        refined = (refine(problem, candidates[i], 100) for i in chosen)
        optima = [(t, problem.criterion(t)) for t in refined if t is not None]
        if not optima:
            raise EstimationError("GNR: every local search of the second stage failed.")
        distinct = distinct_optima(optima)
        return distinct[0][0], distinct[0][1], distinct

