"""The smoothed bootstrap of DEA scores: bandwidth rules and draws from the reflected kernel density.

Simar and Wilson (1998) resample efficiency scores from a kernel estimate of their density rather than
from the scores themselves: the empirical distribution puts a spurious mass at 1 (every frontier unit)
and the naive bootstrap of a boundary estimator is inconsistent. The scores live in ``(0, 1]``, so the
density is estimated on the *reflected* sample ``{theta_i, 2 - theta_i}``, which has no boundary at 1.

**Bandwidth.** Chosen on the reflected sample of the ``n'`` scores below 1 (the units on the frontier
are left out, Simar and Wilson 2008, because their mass at 1 is an artefact of the estimator), then
brought back from the ``2n'`` reflected values to the ``n'`` scores and their spread:

.. math::

    h = h_R \\; 2^{1/5} \\; \\hat\\sigma_\\theta / \\hat\\sigma_R

with ``h_R`` either the robust normal-reference rule ``1.06 min(sigma_R, IQR_R / 1.34) (2n')^(-1/5)``
(Silverman 1986, eq. 3.31; ``"normal_reference"``) or the least-squares cross-validation minimiser for a
Gaussian kernel (Silverman 1986, sect. 3.4.3; ``"lscv"``, the criterion Simar and Wilson 1998 use),
``sigma_R`` and ``IQR_R`` the standard deviation and interquartile range of the reflected sample and
``sigma_theta`` that of the ``n'`` scores.

**Draw** (Simar and Wilson 1998, their step 3; the variance-corrected smoothed bootstrap of Efron and
Tibshirani 1993, sect. 16.4): resample ``beta_i`` from all ``n`` scores with replacement, add ``h
eps_i`` with standard normal ``eps_i``, rescale so the draws keep the scores' variance and reflect what
passes 1:

.. math::

    \\tilde\\theta_i = \\bar\\beta + (\\beta_i + h \\varepsilon_i - \\bar\\beta) / \\sqrt{1 + h^2 / \\hat\\sigma^2},
    \\qquad \\theta_i^* = \\tilde\\theta_i \\text{ if } \\tilde\\theta_i \\le 1 \\text{ else } 2 - \\tilde\\theta_i,

with ``sigma^2`` the variance of all ``n`` scores. A draw at or below 0 (possible only when a tiny score
meets a wide bandwidth) is drawn again from its own stream.

**Pairs** (the Malmquist bootstrap, Simar and Wilson 1999): a unit's scores in two periods are
correlated, so they are redrawn together. A pair ``(a_i, b_i)`` is resampled, bivariate normal noise with
the pairs' covariance ``Sigma`` is added (``h Sigma^(1/2) eps``), the draw is rescaled towards the mean by
``1 / sqrt(1 + h^2)`` and each coordinate above 1 is reflected. This is a draw from the kernel density of the
``4n`` reflected pairs ``(a, b), (2 - a, b), (a, 2 - b), (2 - a, 2 - b)`` with the kernel's covariance sign
adjusted in the mixed quadrants, as Simar and Wilson describe. The bandwidth is the bivariate
normal-reference rule ``h = n^(-1/6)`` for a kernel scaled by ``Sigma`` (Silverman 1986, eq. 4.14, with
``d = 2``).

References
----------
Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman and Hall.
Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*. Chapman and Hall.
Simar, L. and Wilson, P. W. (1998). Sensitivity analysis of efficiency scores: how to bootstrap in
nonparametric frontier models. *Management Science* 44(1), 49-61.
Simar, L. and Wilson, P. W. (1999). Estimating and bootstrapping Malmquist indices. *European Journal of
Operational Research* 115(3), 459-471.
Simar, L. and Wilson, P. W. (2008). Statistical inference in nonparametric frontier models: recent
developments and perspectives. In Fried, H. O., Lovell, C. A. K. and Schmidt, S. S. (eds.), *The
Measurement of Productive Efficiency and Productivity Growth*, 421-521. Oxford University Press.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from ..errors import SpecificationError
from ..options import check_option

__all__ = ["bandwidth", "lscv_criterion", "pair_bandwidth", "smoothed_draw", "smoothed_pair_draw"]

#: scores within this of 1 count as frontier units and are left out of the bandwidth
ON_FRONTIER = 1e-9


def bandwidth(scores: np.ndarray, rule: object = "normal_reference") -> float:
    """The smoothing bandwidth of the efficiency ``scores`` in (0, 1] (see :mod:`~nqpf_tfp.frontier.smoothing`).

    ``rule`` is "normal_reference", "lscv" or a positive number (returned as it is).
    """
    if isinstance(rule, Real) and not isinstance(rule, bool):
        h = float(rule)
        if not (math.isfinite(h) and h > 0):
            raise SpecificationError(f"bandwidth must be a positive number or a rule's name, not {rule!r}.")
        return h
    rule = check_option("bootstrap_bandwidth", rule, "bandwidth")
    inside = np.asarray(scores, dtype=float)
    inside = inside[inside < 1.0 - ON_FRONTIER]
    if inside.size < 3 or np.ptp(inside) == 0:
        raise SpecificationError(
            f"the bandwidth rule needs at least 3 distinct scores below 1; {inside.size} unit(s) are off the frontier. "
            "Pass bandwidth= as a number.")
    reflected = np.r_[inside, 2.0 - inside]
    sd_r = float(np.std(reflected, ddof=1))
    if rule == "lscv":
        h_r = _lscv_minimiser(reflected, sd_r)
    else:
        q75, q25 = np.percentile(reflected, [75, 25])
        spread = min(sd_r, (q75 - q25) / 1.34) or sd_r
        h_r = 1.06 * spread * reflected.size ** -0.2
    return float(h_r * 2.0 ** 0.2 * np.std(inside, ddof=1) / sd_r)


def lscv_criterion(values: np.ndarray, h: float) -> float:
    """Least-squares cross-validation score of a Gaussian-kernel density estimate with bandwidth ``h``.

    ``LSCV(h) = int f_h^2 - (2 / N) sum_i f_{h,-i}(v_i)``, in closed form for the Gaussian kernel
    (Silverman 1986, eq. 3.37): ``(1 / (N^2 h)) sum_ij phi_2(d_ij / h) - (2 / (N (N - 1) h)) sum_{i != j}
    phi(d_ij / h)``, with ``phi_2`` the N(0, 2) density and ``d_ij = v_i - v_j``.
    """
    v = np.asarray(values, dtype=float)
    n = v.size
    total_2 = total_1 = 0.0
    for start in range(0, n, 512):  # blocks of pairwise differences: memory O(512 n)
        d = (v[start:start + 512, None] - v[None, :]) / h
        total_2 += float(np.exp(-d * d / 4.0).sum()) / math.sqrt(4.0 * math.pi)
        total_1 += float(np.exp(-d * d / 2.0).sum()) / math.sqrt(2.0 * math.pi)
    total_1 -= n / math.sqrt(2.0 * math.pi)  # the i = j terms
    return total_2 / (n * n * h) - 2.0 * total_1 / (n * (n - 1) * h)


def _lscv_minimiser(values: np.ndarray, sd: float) -> float:
    """The LSCV bandwidth: a grid over [sd / 1000, 2 sd] on the log scale, refined by a bounded search."""
    from scipy.optimize import minimize_scalar

    grid = np.exp(np.linspace(math.log(sd / 1000.0), math.log(2.0 * sd), 41))
    scores = [lscv_criterion(values, h) for h in grid]
    best = int(np.argmin(scores))
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
    found = minimize_scalar(lambda t: lscv_criterion(values, math.exp(t)), bounds=(math.log(lo), math.log(hi)),
                            method="bounded", options={"xatol": 1e-6})
    return float(math.exp(found.x))


def smoothed_draw(rng: np.random.Generator, scores: np.ndarray, h: float) -> np.ndarray:
    """One draw ``theta*`` per unit from the reflected, variance-corrected kernel density of ``scores``."""
    n = scores.size
    sigma2 = float(np.var(scores, ddof=1))
    beta = scores[rng.integers(0, n, n)]
    scale = 1.0 / math.sqrt(1.0 + h * h / sigma2) if sigma2 > 0 else 1.0
    mean = float(beta.mean())
    draw = mean + (beta + h * rng.standard_normal(n) - mean) * scale
    draw = np.where(draw > 1.0, 2.0 - draw, draw)
    bad = np.flatnonzero(draw <= 0.0)
    while bad.size:  # a non-positive draw cannot scale a unit's inputs: draw those again
        again = mean + (scores[rng.integers(0, n, bad.size)] + h * rng.standard_normal(bad.size) - mean) * scale
        draw[bad] = np.where(again > 1.0, 2.0 - again, again)
        bad = bad[draw[bad] <= 0.0]
    return draw


def pair_bandwidth(n: int, rule: object = None) -> float:
    """The bandwidth of the pairs' kernel: ``n^(-1/6)`` by default, or the positive number given."""
    if rule is None:
        return float(n) ** (-1.0 / 6.0)
    if isinstance(rule, Real) and not isinstance(rule, bool) and math.isfinite(float(rule)) and float(rule) > 0:
        return float(rule)
    raise SpecificationError(f"bandwidth must be None (the rule n^(-1/6)) or a positive number, not {rule!r}.")


def smoothed_pair_draw(rng: np.random.Generator, pairs: np.ndarray, h: float) -> np.ndarray:
    """One draw per unit of its two periods' scores from the reflected bivariate kernel density of ``pairs``
    (``n x 2``, each in (0, 1])."""
    n = pairs.shape[0]
    cov = np.cov(pairs, rowvar=False)
    # a root of the covariance that exists when one period's scores are all equal (a singular Sigma)
    values, vectors = np.linalg.eigh(cov)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    scale = 1.0 / math.sqrt(1.0 + h * h)
    beta = pairs[rng.integers(0, n, n)]
    mean = beta.mean(axis=0)

    def smooth(chosen: np.ndarray) -> np.ndarray:
        out = mean + (chosen + h * rng.standard_normal(chosen.shape) @ root.T - mean) * scale
        return np.where(out > 1.0, 2.0 - out, out)

    result = smooth(beta)
    bad = np.flatnonzero((result <= 0.0).any(axis=1))
    while bad.size:  # a non-positive score cannot scale a unit: draw those pairs again
        result[bad] = smooth(pairs[rng.integers(0, n, bad.size)])
        bad = bad[(result[bad] <= 0.0).any(axis=1)]
    return result
