"""GNR's first stage: the flexible input's log revenue share on the log of a polynomial, by Gauss-Newton.

``s = ln D(x, m) - eps`` with ``D = G'gamma``, ``G`` the monomials of the inputs
(Gandhi, Navarro and Rivers 2020; gnrprod's first stage), fitted by
damped Gauss-Newton in passes over blocks of rows.

References
----------
Gandhi, A., Navarro, S. and Rivers, D. A. (2020). On the identification of
gross output production functions. *Journal of Political Economy* 128(8),
2973-3016.
"""

from __future__ import annotations

import numpy as np

from ...errors import EstimationError
from ...parallel.blocks import map_blocks
from ..numerics.linalg import least_squares

__all__ = ["share_regression"]

BLOCK_ROWS = 1 << 14  # rows per block of the passes over all rows (the block stays in cache)
FIT_TOL = 1e-10  # the share regression has converged when a step moves ln D by less (root mean square)
FULL_STEP = 1e-6  # ... and takes Gauss-Newton steps this small in full, without a line search
GRAM_REUSE = 1e-2  # after a step this small, the next one reuses the normal equations' matrix
WARM_START_ROWS = 200_000  # the share regression starts from a subsample's fit from this many rows
WARM_STRIDE = 30  # ... on every 30th row (measured at 10^6 rows: 4 passes over all rows instead of 7)


def share_regression(share: np.ndarray, design: np.ndarray, tol: float = 1e-12, max_iter: int = 500,
                     weights: np.ndarray | None = None, start: np.ndarray | None = None,
                     threads: int = 1) -> tuple[np.ndarray, int]:
    """Nonlinear least squares of ``share`` on ``ln(design @ gamma)`` by damped Gauss-Newton.

    Starts from the OLS of ``share`` on ``design`` with the constant raised so
    that ``D > 0`` everywhere (as gnrprod does). ``weights`` (e.g. bootstrap
    multiplicities) weight the squared residuals, as repeating the rows would.
    Each step solves the normal equations of the linearised problem,
    ``(G/D)'(G/D) step = (G/D)'(s - ln D)``, column-scaled, by Cholesky (the
    step's rounding does not move the fixed point, where the gradient
    vanishes); one pass over the rows, in blocks, gives the sum of squares at
    a trial point and, if the trial is kept, the next step's normal equations.
    Once a step moves ``ln D`` by less than ``GRAM_REUSE`` (root mean square),
    the later steps keep that matrix and update only the right-hand side
    (simplified Gauss-Newton: the same fixed point, passes a fifth as costly).
    Converged when a step would move ``ln D`` by less than ``FIT_TOL`` (root
    mean square) or the coefficients by less than ``tol`` relative. From
    ``WARM_START_ROWS`` rows, the steps on all rows start from the fit on every
    ``WARM_STRIDE``-th row (the same fixed point; about half the passes), or
    from ``start`` when given. ``threads``: the passes' row blocks are spread
    over that many threads (the same sums on any number).
    Returns ``gamma`` and the number of iterations.
    """
    from scipy.linalg import LinAlgError, cho_factor, cho_solve

    root = None if weights is None else np.sqrt(np.asarray(weights, dtype=float))

    def weighted(a: np.ndarray) -> np.ndarray:
        return a if root is None else (a * root[:, None] if a.ndim == 2 else a * root)

    def ols_start() -> np.ndarray:
        g = least_squares(weighted(design), weighted(share))[0]
        g[0] = 0.1 - (design[:, 1:] @ g[1:]).min()
        return g

    warm = start is None and share.size >= WARM_START_ROWS
    if warm:  # most of the way on every WARM_STRIDE-th row: the same fixed point, in fewer passes over all rows
        sub = slice(None, None, WARM_STRIDE)
        try:  # copied: on strided views each product of a pass runs without BLAS, at a fifth of the speed
            start = share_regression(np.ascontiguousarray(share[sub]), np.asfortranarray(design[sub]), tol,
                                     max_iter, None if weights is None else np.ascontiguousarray(weights[sub]),
                                     threads=threads)[0]
        except EstimationError:
            start = None
    gamma = ols_start() if start is None else np.array(start, dtype=float)

    starts = range(0, share.size, BLOCK_ROWS)

    def evaluate(g: np.ndarray, with_gram: bool = True) -> tuple[float, np.ndarray | None, np.ndarray]:
        """Sum of squared residuals at ``g`` (inf where some ``D <= 0``) and the normal equations there (the
        right-hand side only, without ``with_gram``)."""

        def block_sums(lo: int) -> tuple[float, np.ndarray | None, np.ndarray] | None:
            block = design[lo:lo + BLOCK_ROWS]
            d = block @ g
            if not np.all(d > 0):
                return None
            resid = share[lo:lo + BLOCK_ROWS] - np.log(d)
            scale = 1.0 / d if root is None else root[lo:lo + BLOCK_ROWS] / d
            if root is not None:
                resid = resid * root[lo:lo + BLOCK_ROWS]
            if not with_gram:
                return float(resid @ resid), None, block.T @ (resid * scale)
            scaled = block * scale[:, None]
            return float(resid @ resid), scaled.T @ scaled, scaled.T @ resid

        k = design.shape[1]
        ssr, gram, rhs = 0.0, (np.zeros((k, k)) if with_gram else None), np.zeros(k)
        for part in map_blocks(block_sums, starts, threads):  # added in block order: the same sums on any threads
            if part is None:
                return np.inf, gram, rhs
            ssr += part[0]
            if gram is not None and part[1] is not None:
                gram += part[1]
            rhs += part[2]
        return ssr, gram, rhs

    current, gram, rhs = evaluate(gamma)
    if start is not None and not np.isfinite(current):  # D <= 0 at some row from that start: the OLS start
        gamma = ols_start()
        current, gram, rhs = evaluate(gamma)
    rows = float(share.size if weights is None else np.sum(weights))
    for it in range(1, max_iter + 1):
        assert gram is not None  # every pass at a new matrix forms it
        norm = np.sqrt(np.diag(gram).copy())
        norm[norm == 0] = 1.0
        try:
            step = cho_solve(cho_factor(gram / np.outer(norm, norm), check_finite=False), rhs / norm,
                             check_finite=False) / norm
        except LinAlgError:  # numerically singular normal equations: the orthogonal route, on all rows
            d = design @ gamma
            step = np.linalg.lstsq(weighted(design / d[:, None]), weighted(share - np.log(d)), rcond=None)[0]
        # the step's root-mean-square change of ln D, ||(G/D) step|| / sqrt(n): below FIT_TOL the fit has
        # converged (a criterion on the sum of squares alone stops while ln D still moves by ~sqrt(tol)); below
        # FULL_STEP the full step is taken (the sum of squares can no longer tell such steps apart)
        change = np.sqrt(max(float(step @ rhs), 0.0) / rows)
        if change <= FIT_TOL:
            return gamma + step, it
        factor = 1.0
        # after a step this small the normal equations' matrix barely moves: the next steps reuse it (simplified
        # Gauss-Newton; their passes form only the right-hand side, a fifth of the work; measured at 10^6 rows:
        # 6 steps instead of 4, 5 of them at that fifth, each shrinking the step about 40-fold)
        small = change <= FULL_STEP
        while factor > 1e-10:
            trial = gamma + factor * step
            value, trial_gram, trial_rhs = evaluate(trial, with_gram=change > GRAM_REUSE)
            if value <= current or (small and np.isfinite(value)):
                break
            factor /= 2.0
        else:
            return gamma, it  # no decrease possible: a minimum to machine precision
        converged = np.all(np.abs(trial - gamma) <= tol * (np.abs(trial) + 1e-3))
        gamma, current, rhs = trial, value, trial_rhs
        gram = gram if trial_gram is None else trial_gram
        if converged:
            return gamma, it
    raise EstimationError(f"GNR share regression did not converge in {max_iter} Gauss-Newton iterations.")
