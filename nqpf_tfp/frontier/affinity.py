"""The affinity of inputs (or outputs) and the epsilon and weights of the EBM (Tone and Tsutsui 2010).

For two columns ``a`` and ``b`` of positive values over the ``n`` units, with ``c_j = ln(b_j / a_j)``,
the diversity is

.. math::

    D(a, b) = \\frac{\\sum_j |c_j - \\bar c|}{n (c_{\\max} - c_{\\min})}\\quad(0\\ \\text{when}\\ c_{\\max} = c_{\\min}
    \\text{ to rounding}),

in [0, 1/2], and the affinity ``S(a, b) = 1 - 2 D(a, b)`` in [0, 1] (1 for proportional columns, which a
radial measure treats correctly). With ``rho`` the largest eigenvalue of the ``k x k`` affinity matrix and
``w`` its (Perron) eigenvector,

.. math::

    \\varepsilon = \\frac{k - \\rho}{k - 1}\\ (0\\ \\text{when}\\ k = 1),\\qquad w^* = w / \\textstyle\\sum_i w_i.

``epsilon`` runs from 0 (all columns proportional: the radial measure) to 1 (no affinity: the slacks
decide). When the largest eigenvalue is not simple (the affinity matrix is the identity, say), its
eigenvector is not determined; the weights are then equal (the SBM's), which the option ``ties="equal"``
names.

Which data enter is the EBM's choice of ``projection``: the units projected to the VRS-efficient frontier
(by the additive model or the SBM), or as observed; see :mod:`~nqpf_tfp.frontier.ebm_calibration`.

References
----------
Tone, K. and Tsutsui, M. (2010). An epsilon-based measure of efficiency in DEA - a third pole of technical
efficiency. *European Journal of Operational Research* 207(3), 1554-1563.
"""

from __future__ import annotations

import numpy as np

__all__ = ["affinity_matrix", "epsilon_and_weights"]

#: eigenvalues within this of the largest count as tied with it
TIE = 1e-10


def affinity_matrix(values: np.ndarray) -> np.ndarray:
    """``S(a, b) = 1 - 2 D(a, b)`` for every pair of columns of ``values`` (``n x k``, positive)."""
    logs = np.log(values)
    k = values.shape[1]
    s = np.eye(k)
    for a in range(k):
        for b in range(a + 1, k):
            c = logs[:, b] - logs[:, a]
            spread = c.max() - c.min()
            # proportional columns differ in c by rounding only: that spread is no diversity
            flat = spread <= 1e-12 * max(1.0, float(np.abs(c).max()))
            d = 0.0 if flat else float(np.abs(c - c.mean()).sum() / (c.size * spread))
            s[a, b] = s[b, a] = 1.0 - 2.0 * d
    return s


def epsilon_and_weights(affinity: np.ndarray) -> tuple[float, np.ndarray]:
    """``epsilon`` and the weights (summing to 1) from an affinity matrix."""
    k = affinity.shape[0]
    if k == 1:
        return 0.0, np.ones(1)
    values, vectors = np.linalg.eigh(affinity)
    rho = float(values[-1])
    if values.size > 1 and values[-1] - values[-2] <= TIE:  # a repeated largest eigenvalue: equal weights
        weights = np.full(k, 1.0 / k)
    else:
        vector = np.abs(vectors[:, -1])  # the Perron vector of a non-negative matrix, up to its sign
        weights = vector / vector.sum()
    return float(min(max((k - rho) / (k - 1), 0.0), 1.0)), weights
