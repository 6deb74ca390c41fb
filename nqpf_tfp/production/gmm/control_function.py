"""The two stages of Olley-Pakes and Levinsohn-Petrin: first-stage OLS, the second-stage criterion from
sufficient statistics, and its minimiser.

Shared by the in-memory estimators (:mod:`nqpf_tfp.production.estimators.control_function`, where the
method is described) and the out-of-core path (:mod:`nqpf_tfp.production.outofcore.control_function`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from ...errors import EstimationError
from ...numerics.basis import markov_basis, polynomial
from ..spec import ModelData
from .moments import COMPLEX_STEP, MarkovMoments, complex_steps

__all__ = ["FirstStage", "SecondStage", "direct_criterion", "first_stage", "first_stage_design", "hessian_of",
           "minimize_second_stage", "newton_polish"]


@dataclass(frozen=True)
class FirstStage:
    """OLS of y on ``design = [1, free, controls, polynomial(state, proxy)]``."""

    design: np.ndarray
    coef: np.ndarray
    n_free: int
    n_controls: int
    n_state: int

    @property
    def beta_free(self) -> np.ndarray:
        return self.coef[1:1 + self.n_free]

    @property
    def delta_controls(self) -> np.ndarray:
        return self.coef[1 + self.n_free:1 + self.n_free + self.n_controls]

    @property
    def gamma_start(self) -> np.ndarray:
        """The linear state terms of the polynomial: prodest's starting values."""
        first = 1 + self.n_free + self.n_controls
        return self.coef[first:first + self.n_state]

    def phi(self, coef: np.ndarray | None = None) -> np.ndarray:
        """``y_hat - w'beta - c'delta``: the constant and the polynomial's part of the fit."""
        coef = self.coef if coef is None else coef
        first = 1 + self.n_free + self.n_controls
        return coef[0] + self.design[:, first:] @ coef[first:]


def first_stage_design(data: ModelData, poly_degree: int) -> np.ndarray:
    """``[1, free, controls, polynomial(state, proxy)]``."""
    poly = polynomial(np.column_stack([data.state, data.proxy]), poly_degree)
    return np.column_stack([np.ones(data.n), data.free, data.controls, poly])


def first_stage(data: ModelData, poly_degree: int) -> FirstStage:
    """OLS of y on [1, free, controls, polynomial(state, proxy)]."""
    x = first_stage_design(data, poly_degree)
    coef, _, rank, _ = np.linalg.lstsq(x, data.y, rcond=None)
    if rank < x.shape[1]:
        raise EstimationError(
            f"the first stage is singular (rank {rank} of {x.shape[1]}): inputs, controls and the "
            f"degree-{poly_degree} polynomial in (state, proxy) are collinear."
        )
    return FirstStage(x, coef, data.free.shape[1], data.controls.shape[1], data.state.shape[1])


class SecondStage:
    """The mean squared innovation of prodest's criterion from sufficient statistics.

    With ``e = y - x'b`` the first-stage residual, ``y - w'beta - c'delta =
    phi + e``, so the residual of the criterion is ``xi = eta + e`` with ``eta
    = omega_t - g(omega_{t-1})``, and ``xi'xi = eta'eta + 2 e'eta + e'e``.
    :class:`~.moments.MarkovMoments` with the single instrument ``e`` gives
    ``eta'eta`` and ``e'eta`` from sums accumulated in one pass; each
    evaluation is then O(1) in the number of rows, and the gradient is exact
    (complex step). Leaving the constant ``e'e`` out of the sums keeps the
    digits that cancellation would otherwise cost.
    """

    def __init__(self, phi: np.ndarray, resid: np.ndarray, state: np.ndarray, rows: np.ndarray, prev: np.ndarray,
                 degree: int, weights: np.ndarray | None = None,
                 centre: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        e = resid[rows]
        self.stats = MarkovMoments(phi[rows], phi[prev], state[rows], state[prev], e[:, None], degree, weights,
                                   centre=centre)
        self.residual_ss = float(e @ e if weights is None else (weights * e) @ e)
        self.constant = self.residual_ss / self.stats.nobs

    @classmethod
    def combine(cls, parts: list[SecondStage]) -> SecondStage:
        """The criterion of the union of row blocks (each accumulated with one common ``centre``)."""
        out = cls.__new__(cls)
        out.stats = MarkovMoments.combine([p.stats for p in parts])
        out.residual_ss = float(sum(p.residual_ss for p in parts))
        out.constant = out.residual_ss / out.stats.nobs
        return out

    def _values(self, gammas: np.ndarray) -> np.ndarray:
        moments, variance = self.stats.evaluate(gammas)
        return variance + 2.0 * moments[:, 0] / self.stats.nobs

    def criterion(self, gamma: np.ndarray) -> float:
        """``xi'xi / n`` (weighted)."""
        return float(self._values(np.atleast_2d(gamma))[0]) + self.constant

    def gradient(self, gamma: np.ndarray) -> np.ndarray:
        return self._values(complex_steps(gamma)).imag / COMPLEX_STEP


def direct_criterion(phi: np.ndarray, resid: np.ndarray, state: np.ndarray, rows: np.ndarray, prev: np.ndarray,
                     degree: int, extra: np.ndarray | None = None) -> Any:
    """The same criterion row by row (for the exit correction, whose ``g`` also takes ``P_hat``)."""
    k, k_lag, phi_t, phi_p = state[rows], state[prev], phi[rows], phi[prev]
    res = phi_t + resid[rows]

    def criterion(gamma: np.ndarray) -> float:
        basis = markov_basis(phi_p - k_lag @ gamma, degree, extra)
        g, *_ = np.linalg.lstsq(basis, phi_t - k @ gamma, rcond=None)
        xi = res - k @ gamma - basis @ g
        return float(xi @ xi) / xi.size  # the mean: prodest's sum has the same minimiser, worse scaling

    return criterion


def minimize_second_stage(criterion: Any, start: np.ndarray, gradient: Any = None) -> Any:
    """Minimise the second-stage criterion from ``start``.

    With an exact ``gradient`` (the sufficient-statistics path): a trust-region
    Newton method (Hessian by central differences of the gradient), then Newton
    steps to the gradient's rounding floor. Without (the exit correction):
    L-BFGS-B on central-difference gradients. Where the method reports failure,
    Nelder-Mead from its end point, keeping the better of the two. None of these
    emits warnings, so nothing here touches the (process-wide, not thread-safe)
    warning filters while bootstrap replications run in threads.
    """
    if gradient is None:
        opt = minimize(criterion, start, method="L-BFGS-B", jac="3-point",
                       options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 10_000})
    else:
        opt = minimize(criterion, start, method="trust-exact", jac=gradient, hess=hessian_of(gradient),
                       options={"gtol": 1e-10})
    if not opt.success:
        polish = minimize(criterion, opt.x, method="Nelder-Mead",
                          options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": 20_000})
        if polish.fun <= opt.fun:
            polish.nit += opt.nit
            opt = polish
    if gradient is not None:
        opt.x = newton_polish(gradient, opt.x)
        opt.fun = criterion(opt.x)
    if not np.all(np.isfinite(opt.x)):
        raise EstimationError(f"the second-stage optimiser returned {opt.x}.")
    return opt


def hessian_of(gradient: Any) -> Any:
    """Central differences of an exact gradient (accurate to ~1e-10 relative)."""
    def hess(x: np.ndarray) -> np.ndarray:
        h = 1e-5 * np.maximum(1.0, np.abs(x))
        cols = [(gradient(x + e) - gradient(x - e)) / (2 * e[j]) for j, e in enumerate(np.diag(h))]
        out = np.column_stack(cols)
        return 0.5 * (out + out.T)
    return hess


def newton_polish(gradient: Any, x: np.ndarray, steps: int = 6) -> np.ndarray:
    """Newton's method on an exact gradient; a step is kept only while it shrinks the gradient,
    so a point that is not near a minimum is returned unchanged."""
    hessian = hessian_of(gradient)
    g = gradient(x)
    for _ in range(steps):
        hess = hessian(x)
        if not np.all(np.linalg.eigvalsh(hess) > 0):
            break
        trial = x - np.linalg.solve(hess, g)
        g_trial = gradient(trial)
        if not np.linalg.norm(g_trial) < np.linalg.norm(g):
            break
        x, g = trial, g_trial
    return x
