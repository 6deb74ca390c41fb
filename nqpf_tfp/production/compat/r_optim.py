"""Peers' optimisers, re-implemented to reproduce their published numbers (never our defaults).

R's ``optim(method = "BFGS")`` is the variable-metric method of Nash (1990,
Algorithm 21): BFGS updates of an inverse-Hessian approximation started at the
identity, a backtracking line search (step shrunk by 0.2 until the Armijo
condition with 1e-4 holds, or until the step no longer changes the point at the
relative scale 10), a restart from the identity when an update is not positive,
and a stop when the function changes by less than ``reltol`` relative to its value
or after ``maxit`` iterations. Without an analytic gradient R uses central
differences with step ``ndeps`` (default 1e-3).

Reference: Nash, J. C. (1990). *Compact Numerical Methods for Computers*, 2nd ed.,
Adam Hilger, Algorithm 21; R Core Team, ``?optim``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["r_optim_bfgs"]


def r_optim_bfgs(fn: Callable[[np.ndarray], float], start: np.ndarray, *, maxit: int = 100,
                 reltol: float = float(np.sqrt(np.finfo(float).eps)),
                 ndeps: float = 1e-3) -> tuple[np.ndarray, float, int]:
    """Minimise ``fn`` as R's ``optim(start, fn, method = "BFGS")`` does; returns (x, value, iterations)."""

    def gradient(x: np.ndarray) -> np.ndarray:
        steps = np.eye(x.size) * ndeps
        return np.array([(fn(x + e) - fn(x - e)) / (2.0 * ndeps) for e in steps])

    n = start.size
    x = np.asarray(start, dtype=float).copy()
    best = fn(x)
    grad = gradient(x)
    iterations, grad_count, last_reset = 1, 1, 1
    inverse = np.eye(n)
    while True:
        if last_reset == grad_count:
            inverse = np.eye(n)
        origin, grad_origin = x.copy(), grad.copy()
        direction = -inverse @ grad
        slope = float(direction @ grad)
        unchanged = 0
        if slope < 0:
            step, accepted, value = 1.0, False, best
            while True:
                x = origin + step * direction
                unchanged = int(np.sum(10.0 + origin == 10.0 + x))
                if unchanged < n:
                    value = fn(x)
                    accepted = bool(np.isfinite(value) and value <= best + slope * step * 1e-4)
                    if not accepted:
                        step *= 0.2
                if unchanged == n or accepted:
                    break
            if not abs(value - best) > reltol * (abs(best) + reltol):  # converged
                unchanged, best = n, value
            if unchanged < n:
                best = value
                grad = gradient(x)
                grad_count += 1
                iterations += 1
                move, change = step * direction, grad - grad_origin
                curvature = float(move @ change)
                if curvature > 0:
                    hc = inverse @ change
                    factor = 1.0 + float(hc @ change) / curvature
                    update = factor * np.outer(move, move) - np.outer(hc, move) - np.outer(move, hc)
                    inverse = inverse + update / curvature
                else:
                    last_reset = grad_count
            elif last_reset < grad_count:
                unchanged, last_reset = 0, grad_count
        else:
            unchanged = n if last_reset == grad_count else 0
            last_reset = grad_count
        if iterations >= maxit:
            break
        if grad_count - last_reset > 2 * n:
            last_reset = grad_count
        if unchanged == n and last_reset == grad_count:
            break
    return x, float(best), iterations
