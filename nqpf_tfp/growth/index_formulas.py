"""Quantity index formulas: bilateral (Laspeyres, Paasche, Fisher, Törnqvist) and multilateral (CCD, GEKS).

Observations are rows of a quantity matrix ``q`` (``n x k``, positive) with, per row, either prices ``p`` or
value shares ``s`` (summing to 1), validated by :mod:`nqpf_tfp.quantities`. From observation ``a`` to ``b``:

.. math::

    Q_L = \\frac{p_a \\cdot q_b}{p_a \\cdot q_a} = \\sum_j s_{ja}\\frac{q_{jb}}{q_{ja}},\\qquad
    Q_P = \\frac{p_b \\cdot q_b}{p_b \\cdot q_a},\\qquad Q_F = \\sqrt{Q_L Q_P},\\qquad
    \\ln Q_T = \\sum_j \\tfrac12 (s_{ja} + s_{jb}) \\ln\\frac{q_{jb}}{q_{ja}}.

Multilateral levels, comparable between any two of the ``N`` observations (transitive):

- CCD (Caves, Christensen and Diewert 1982): each observation against the sample's average one,
  ``ln Q_k = sum_j (s_jk + mean s_j) (ln q_jk - mean ln q_j) / 2``;
- Lowe (O'Donnell 2012): every observation's quantities valued at the same representative prices
  ``p_bar``, the mean prices of the sample: ``ln Q_k = ln(p_bar . q_k)``;
- GEKS (Gini 1931; Eltetö and Köves 1964; Szulc 1964): ``ln Q_k = (1/N) sum_m ln Q_F(m -> k)``, so that
  ``Q_l / Q_k`` is the geometric mean over ``m`` of ``Q_F(k -> m) Q_F(m -> l)``. On Törnqvist bilateral
  indices the GEKS is the CCD up to a constant (the mean over ``m`` is linear in the logs); on Fisher
  indices it is computed from the ``N x N`` matrix of values ``p_m . q_k`` in row blocks.

Levels are normalised so that their logs average 0 over the sample (geometric mean 1).

References
----------
Caves, D. W., Christensen, L. R. and Diewert, W. E. (1982). Multilateral comparisons of output, input, and
productivity using superlative index numbers. *Economic Journal* 92(365), 73-86.
Diewert, W. E. (1976). Exact and superlative index numbers. *Journal of Econometrics* 4(2), 115-145.
O'Donnell, C. J. (2012). Nonparametric estimates of the components of productivity and profitability change
in U.S. agriculture. *American Journal of Agricultural Economics* 94(4), 873-890.
Balk, B. M. (2008). *Price and Quantity Index Numbers*. Cambridge University Press, chapters 3 and 7.
"""

from __future__ import annotations

import numpy as np

from ..quantities import row_dot

__all__ = ["bilateral_log_index", "ccd_log_levels", "geks_fisher_log_levels", "lowe_log_levels"]

#: rows of the N x N value matrix computed at a time by the GEKS-Fisher levels
BLOCK = 2048


def bilateral_log_index(q_a: np.ndarray, q_b: np.ndarray, s_a: np.ndarray, s_b: np.ndarray,
                        formula: str) -> np.ndarray:
    """Log quantity index from rows ``a`` to rows ``b`` (row by row) by ``formula``, from the quantities and
    their value shares (which carry all the formulas need of the prices)."""
    if formula == "tornqvist":
        return 0.5 * row_dot(s_a + s_b, np.log(q_b / q_a))
    # with value shares, Laspeyres = sum s_a q_b / q_a and 1 / Paasche = sum s_b q_a / q_b
    if formula == "paasche":
        return -np.log(row_dot(s_b, q_a / q_b))
    log_laspeyres = np.log(row_dot(s_a, q_b / q_a))
    if formula == "laspeyres":
        return log_laspeyres
    return 0.5 * (log_laspeyres - np.log(row_dot(s_b, q_a / q_b)))  # Fisher


def ccd_log_levels(q: np.ndarray, s: np.ndarray) -> np.ndarray:
    """CCD log quantity levels (mean 0) of the rows of ``q`` with shares ``s``."""
    logs = np.log(q)
    levels = 0.5 * row_dot(s + s.mean(axis=0), logs - logs.mean(axis=0))
    return levels - levels.mean()


def lowe_log_levels(q: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Lowe log quantity levels (mean 0): the quantities valued at the sample's mean prices."""
    levels = np.log(row_dot(np.broadcast_to(p.mean(axis=0), q.shape), q))
    return levels - levels.mean()


def geks_fisher_log_levels(q: np.ndarray, p: np.ndarray) -> np.ndarray:
    """GEKS log quantity levels (mean 0) on bilateral Fisher indices.

    With ``V[m, k] = p_m . q_k``, ``ln Q_F(m -> k) = (ln V[m,k] - ln V[m,m] + ln V[k,k] - ln V[k,m]) / 2``, so
    the level ``(1/N) sum_m ln Q_F(m -> k)`` needs only the column and row means of ``ln V``.
    """
    n = q.shape[0]
    col_sum = np.zeros(n)
    row_sum = np.zeros(n)
    diag = np.log(row_dot(p, q))
    for start in range(0, n, BLOCK):
        block = np.log(p[start:start + BLOCK] @ q.T)  # V[m, :] for m in the block
        col_sum += block.sum(axis=0)
        row_sum[start:start + BLOCK] = block.sum(axis=1)
    levels = 0.5 * (col_sum / n - diag.mean() + diag - row_sum / n)
    return levels - levels.mean()
