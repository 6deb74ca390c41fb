"""Ackerberg, Caves and Frazer (2015): the control function with labour in the second stage.

Model (value added, Cobb-Douglas): ``y = x'theta + omega + eps`` with ``x``
the free and state inputs. Because labour may be a function of the same state
as the proxy, the first stage identifies no elasticity; it only cleans the
measurement error:

1. OLS of ``y`` on a polynomial of degree ``poly_degree`` in (free, state,
   proxy) (plus linear controls) gives ``phi = x'theta + omega``.
2. For a candidate ``theta``: ``omega_t = phi_t - x_t'theta``,
   ``omega_{t-1} = phi_{t-1} - x_{t-1}'theta``; ``g`` is the least-squares
   polynomial (degree ``markov_degree``, with constant) of ``omega_t`` on
   ``omega_{t-1}``; ``xi = omega_t - g(omega_{t-1})``. ``theta`` sets the GMM
   criterion ``(Z'xi)' W (Z'xi)`` to its minimum, with instruments
   ``Z = (state_t, free_{t-1})`` (``moments="standard"``, just identified,
   ``W = (Z'Z)^-1``) or, adding ``(state_{t-1}, proxy_{t-1})``,
   ``moments="overidentified"`` with the two-step efficient, firm-clustered weight.

The criterion has several local minima (on R prodest's Chilean data: at least
four), so the search is global: a scrambled Sobol design over ``box`` plus the
OLS and first-stage coefficients (and any ``start`` the user gives) are
evaluated, the best ``n_refine`` and the OLS, first-stage and user points are
refined by Levenberg-Marquardt on ``L'Z'xi`` (``W = LL'``), and the
distinct optima found are reported in ``diagnostics["optima"]``. The lowest is
returned, whatever the user's start; a ``ConvergenceWarning`` says when
another distinct optimum is as good within ``tie_tolerance``.

**Exact ties are an identification failure, not a numerical accident.** When
labour satisfies a static first-order condition, ``theta = (1, 0)`` (``omega* =
phi - l``, log labour productivity = the wage plus unexpected productivity)
solves the moments exactly too, with an innovation orthogonal to everything
dated t-1 (the flexible-input non-identification of Gandhi, Navarro and Rivers
2020). It appears on ACF's DGP3 panel (roots (0.592, 0.403) and (1.006, -0.010))
and on :func:`~nqpf_tfp.datasets.simulate_acf` (roots near (0.60, 0.38) and
(0.95, 0.06)). The tie is then broken by a heuristic, the smaller innovation
variance, which picks the right root on DGP3 and the wrong one on
``simulate_acf``: read ``diagnostics["optima"]`` and the warning, and choose
with outside information (e.g. cost shares).

``moments="overidentified"`` is not validated yet: with persistent capital
``k_t`` and ``k_{t-1}`` are nearly collinear and the efficient weight nearly
singular (on DGP3 it does not find the root near the truth).

Standard errors: the firm-clustered sandwich of the stacked estimating
equations of the first stage, the Markov-process regression and the GMM
second stage (so first-stage estimation error is accounted for), or the
firm-cluster bootstrap.

References
----------
Ackerberg, D. A., Caves, K. and Frazer, G. (2015). Identification properties
of recent production function estimators. *Econometrica* 83(6), 2411-2451.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.stats import qmc

from ..errors import EstimationError, SpecificationError
from .base import Estimate, ProductionEstimator
from .basis import markov_basis, polynomial
from .linalg import cluster_meat, n_clusters
from .spec import ModelData

__all__ = ["ACF"]


class _Problem:
    """The data of one ACF second stage, with the criterion as a function of theta."""

    def __init__(self, est: ACF, data: ModelData) -> None:
        self.data = data
        x_fs = est._first_stage_design(data)
        coef, _, rank, _ = np.linalg.lstsq(x_fs, data.y, rcond=None)
        if rank < x_fs.shape[1]:
            raise EstimationError(f"ACF first stage is singular (rank {rank} of {x_fs.shape[1]}).")
        self.x_fs, self.b = x_fs, coef
        n_ctrl = data.controls.shape[1]
        self.ctrl_coef = coef[1:1 + n_ctrl]
        lag = data.lag(1)
        z_parts = [data.state, data.lagged(data.free)]
        if est.moments == "overidentified":
            z_parts += [data.lagged(data.state), data.lagged(data.proxy)]
        z_all = np.column_stack(z_parts)
        use = lag.valid & np.isfinite(z_all).all(axis=1)
        self.rows, self.prev = np.flatnonzero(use), lag.index[use]
        if self.rows.size <= z_all.shape[1] + est.spec.markov_degree + 1:
            raise EstimationError(f"ACF: only {self.rows.size} firm-years with the lags the moments need.")
        self.x = np.column_stack([data.free, data.state])
        self.z = z_all[self.rows]
        self.degree = est.spec.markov_degree
        self.set_weight(np.linalg.inv(self.z.T @ self.z))
        self.clusters = data.codes[self.rows]
        self.prepare()

    def phi(self, b: np.ndarray) -> np.ndarray:
        return self.x_fs @ b - self.data.controls @ b[1:1 + self.data.controls.shape[1]]

    def set_weight(self, weight: np.ndarray) -> None:
        """GMM weight W; the criterion is ||L'Z'xi||^2 / n with W = L L'."""
        vals, vecs = np.linalg.eigh(0.5 * (weight + weight.T))
        self.weight = weight
        self.root = vecs * np.sqrt(np.clip(vals, 0.0, None))

    def prepare(self) -> None:
        phi = self.phi(self.b)
        self.phi_t, self.phi_p = phi[self.rows], phi[self.prev]
        self.x_t, self.x_p = self.x[self.rows], self.x[self.prev]

    def xi(self, theta: np.ndarray) -> np.ndarray:
        omega = self.phi_t - self.x_t @ theta
        basis = markov_basis(self.phi_p - self.x_p @ theta, self.degree)
        rho = np.linalg.solve(basis.T @ basis, basis.T @ omega)
        return omega - basis @ rho

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        return self.root.T @ (self.z.T @ self.xi(theta)) / np.sqrt(self.rows.size)

    def criterion(self, theta: np.ndarray) -> float:
        """R prodest's gACF value for the standard moments: (Z'xi)' (Z'Z)^-1 (Z'xi) / n."""
        r = self.residuals(theta)
        return float(r @ r)


class ACF(ProductionEstimator):
    """Ackerberg, Caves and Frazer (2015) with a global search; see the module docstring.

    Parameters
    ----------
    moments : {"standard", "overidentified"}
        Instruments ``(state_t, free_{t-1})`` or, in addition, ``(state_{t-1}, proxy_{t-1})``.
    starts : int
        Points of the Sobol design (a power of two is best; default 128).
    box : (float, float)
        Range of each elasticity in the design (default 0 to 1.5).
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
        As :class:`~nqpf_tfp.production.base.ProductionEstimator`.
    """

    method: ClassVar[str] = "ACF"
    default_cov: ClassVar[str] = "cluster"

    def __init__(self, data: pd.DataFrame, output: str, free: Any = None, state: Any = None, proxy: Any = None,
                 controls: Any = None, *, moments: str = "standard", starts: int = 128,
                 box: tuple[float, float] = (0.0, 1.5), n_refine: int = 16, start: Any = None,
                 tie_tolerance: float = 1e-9, **kwargs: Any) -> None:
        if moments not in ("standard", "overidentified"):
            raise SpecificationError(f"moments={moments!r} is not valid; use 'standard' or 'overidentified'.")
        if not (isinstance(starts, int) and starts >= 1 and isinstance(n_refine, int) and n_refine >= 1):
            raise SpecificationError("starts and n_refine must be whole numbers >= 1.")
        if len(box) != 2 or not box[0] < box[1]:
            raise SpecificationError(f"box must be (low, high) with low < high, not {box!r}.")
        self.moments, self.starts, self.box, self.n_refine = moments, starts, tuple(box), n_refine
        self.tie_tolerance = float(tie_tolerance)
        super().__init__(data, output, free, state, proxy, controls, **kwargs)
        k = len(self.spec.inputs)
        self.user_start = None if start is None else np.asarray(start, dtype=float)
        if self.user_start is not None and self.user_start.shape != (k,):
            raise SpecificationError(f"start must have {k} values (one per input {list(self.spec.inputs)}).")

    def _cov_types(self) -> tuple[str, ...]:
        return ("cluster",)

    def _first_stage_design(self, data: ModelData) -> np.ndarray:
        poly = polynomial(np.column_stack([data.free, data.state, data.proxy]), self.spec.poly_degree)
        return np.column_stack([np.ones(data.n), data.controls, poly])

    # ------------------------------------------------------------ search
    def _candidates(self, problem: _Problem) -> np.ndarray:
        k = problem.x.shape[1]
        design = qmc.Sobol(k, scramble=True, seed=np.random.default_rng(0)).random(self.starts)
        points = [qmc.scale(design, [self.box[0]] * k, [self.box[1]] * k)]
        ols, *_ = np.linalg.lstsq(np.column_stack([np.ones(problem.data.n), problem.x]), problem.data.y, rcond=None)
        points.append(ols[1:][None, :])
        points.append(problem.b[1 + problem.data.controls.shape[1]:][:k][None, :])  # first-stage linear terms
        if self.user_start is not None:
            points.append(self.user_start[None, :])
        return np.vstack(points)

    def _search(self, problem: _Problem) -> tuple[np.ndarray, float, list[tuple[np.ndarray, float]], int]:
        candidates = self._candidates(problem)
        values = np.array([problem.criterion(c) for c in candidates])
        screened = np.argsort(np.where(np.isfinite(values), values, np.inf))[: self.n_refine]
        always = np.arange(self.starts, candidates.shape[0])  # OLS, first stage, the user's start
        optima: list[tuple[np.ndarray, float]] = []
        for i in np.unique(np.r_[screened, always]):
            # min ||L'Z'xi||^2 as least squares: quadratic convergence to roots, stops at local minima
            fit = least_squares(problem.residuals, candidates[i], method="lm", xtol=1e-12, ftol=1e-15, gtol=1e-15)
            if np.all(np.isfinite(fit.x)):
                optima.append((fit.x, problem.criterion(fit.x)))
        if not optima:
            raise EstimationError("ACF: every local search failed.")
        distinct: list[tuple[np.ndarray, float]] = []
        for theta, value in sorted(optima, key=lambda o: o[1]):
            if not any(np.max(np.abs(theta - t)) < 1e-3 for t, _ in distinct):
                distinct.append((theta, value))
        # Exact ties (several roots of a just-identified system) are broken by the innovation variance:
        # the root where productivity is most predictable from its past (a root where g explains nothing
        # makes "productivity" white noise, the degenerate solution the proxy approach rules out).
        n_tied = sum(1 for o in distinct if o[1] - distinct[0][1] <= self.tie_tolerance)  # a prefix: sorted
        pick = min(range(n_tied), key=lambda i: float(problem.xi(distinct[i][0]).var()))
        distinct.insert(0, distinct.pop(pick))
        return distinct[0][0], distinct[0][1], distinct, int(candidates.shape[0])

    # --------------------------------------------------------- estimate
    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        problem = _Problem(self, data)
        theta, value, distinct, n_starts = self._search(problem)
        if self.moments == "overidentified":  # second step: efficient, firm-clustered weight
            xi = problem.xi(theta)
            problem.set_weight(np.linalg.pinv(cluster_meat(problem.z * xi[:, None], problem.clusters) / xi.size))
            theta, value, distinct, n_starts = self._search(problem)
        ties = [(t, v) for t, v in distinct[1:] if abs(v - value) <= self.tie_tolerance]
        k = len(self.spec.inputs)
        diag: dict[str, Any] = {
            "objective": value, "starts": n_starts, "refined": self.n_refine,
            "optima": [{"params": tuple(float(x) for x in np.round(t, 6)), "objective": v,
                        "innovation_variance": float(problem.xi(t).var())} for t, v in distinct],
            "ties": len(ties),
            "estimation_nobs": int(problem.rows.size), "moments": self.moments,
        }
        cov = None
        if cov_type == "cluster":
            cov = self._sandwich(problem, theta)
        params = np.r_[theta, problem.ctrl_coef]
        if cov is not None and problem.ctrl_coef.size:
            full = np.full((params.size, params.size), np.nan)
            full[:k, :k] = cov
            cov = full
        warn = []
        if ties:
            warn.append(
                f"ACF: {len(ties)} other optimum(s) have a criterion within {self.tie_tolerance:g} of the best "
                f"({[tuple(float(x) for x in np.round(t, 3)) for t, _ in ties]}): the moments do not tell them apart. "
                "Returned: the one with the smallest productivity-innovation variance (see diagnostics['optima']).")
        return Estimate(params, data.log_tfp(params), int(problem.rows.size), cov, diagnostics=diag, warnings=warn)

    def _param_names(self) -> list[str]:
        return list(self.spec.inputs) + list(self.spec.controls)

    def _sandwich(self, problem: _Problem, theta: np.ndarray) -> np.ndarray:
        """Firm-clustered sandwich of the stacked first stage, Markov regression and GMM equations."""
        b0 = problem.b
        degree = problem.degree
        phi0 = problem.phi(b0)
        oml0 = phi0[problem.prev] - problem.x[problem.prev] @ theta
        om0 = phi0[problem.rows] - problem.x[problem.rows] @ theta
        rho0, *_ = np.linalg.lstsq(np.vander(oml0, degree + 1, increasing=True), om0, rcond=None)
        nb, nr, nt = b0.size, rho0.size, theta.size
        psi0 = np.r_[b0, rho0, theta]
        gz = problem.z.T @ self._omega_jac(problem, theta, rho0, b0)  # d(Z'xi)/d theta at the optimum
        a = gz.T @ problem.weight  # theta solves a @ Z'xi = 0 (the GMM first-order condition)

        def contributions(psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            b, rho, th = psi[:nb], psi[nb:nb + nr], psi[nb + nr:]
            resid_fs = problem.data.y - problem.x_fs @ b
            first = problem.x_fs * resid_fs[:, None]
            phi = problem.phi(b)
            oml = phi[problem.prev] - problem.x[problem.prev] @ th
            om = phi[problem.rows] - problem.x[problem.rows] @ th
            basis = np.vander(oml, degree + 1, increasing=True)
            xi = om - basis @ rho
            second = np.column_stack([basis * xi[:, None], (problem.z * xi[:, None]) @ a.T])
            return first, second

        def totals(psi: np.ndarray) -> np.ndarray:
            first, second = contributions(psi)
            return np.r_[first.sum(axis=0), second.sum(axis=0)]

        steps = 1e-6 * np.maximum(1.0, np.abs(psi0))
        jac = np.column_stack([(totals(psi0 + e) - totals(psi0 - e)) / (2 * s)
                               for e, s in zip(np.diag(steps), steps)])
        first, second = contributions(psi0)
        scores = np.zeros((problem.data.n, nb + nr + nt))
        scores[:, :nb] = first
        scores[problem.rows, nb:] = second
        g = n_clusters(problem.data.codes)
        meat = cluster_meat(scores, problem.data.codes) * (g / (g - 1))
        inv = np.linalg.inv(jac)
        cov = inv @ meat @ inv.T
        return cov[nb + nr:, nb + nr:]

    @staticmethod
    def _omega_jac(problem: _Problem, theta: np.ndarray, rho: np.ndarray, b: np.ndarray) -> np.ndarray:
        """d xi / d theta with rho held fixed (rows x k)."""
        phi = problem.phi(b)
        oml = phi[problem.prev] - problem.x[problem.prev] @ theta
        dg = np.polynomial.polynomial.polyval(oml, np.polynomial.polynomial.polyder(rho))
        return -problem.x[problem.rows] + dg[:, None] * problem.x[problem.prev]
