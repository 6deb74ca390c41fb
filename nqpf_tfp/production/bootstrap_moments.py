"""Sufficient statistics for many reweightings of the same rows in which only ``phi`` changes.

In a firm-cluster bootstrap replication of ACF the rows are fixed (weights
are firm multiplicities), the production terms ``x`` and instruments ``z``
are fixed, and only ``phi = X_fs b`` changes with the re-estimated first
stage. With every point centred on one fixed centre, a monomial of the
centred ``v_p = (phi_p, x_p)`` is ``w_phi^a * w_x^beta``, so

    sum_r c_r w_phi^a w_x^beta = (P' W_x)[a, beta],   P[r, a] = c_r w_phi,r^a,

with ``W_x`` the monomials of ``w_x`` alone, built once. A replication is
then a handful of matrix products with fixed matrices (BLAS), instead of
building every monomial of ``v_p`` again. The sums equal those of
:class:`~.moments.MarkovMoments` with the same weights and centre (tested).
"""

from __future__ import annotations

import numpy as np

from .basis import monomial_table, monomials
from .moments import MarkovMoments

__all__ = ["Reweighted"]


class Reweighted:
    """Fixed rows: ``x_t``, ``x_p``, ``z``; :meth:`statistics` for any ``phi`` and row weights.

    Parameters
    ----------
    x_t, x_p, z : arrays
        As :class:`~.moments.MarkovMoments` (every row that any replication may use).
    degree : int
        Degree ``D`` of ``g``.
    centre : (array, array)
        Fixed centres of ``v_p = (phi_p, x_p)`` and ``v_t`` (e.g. the full sample's means).
    """

    def __init__(self, x_t: np.ndarray, x_p: np.ndarray, z: np.ndarray, degree: int,
                 centre: tuple[np.ndarray, np.ndarray]) -> None:
        self.degree, self.centre = degree, centre
        nx, d2 = x_p.shape[1], 2 * degree
        self.w_x = monomials(x_p - centre[0][1:], d2)  # rows x monomials of x alone
        ex_x = monomial_table(nx, d2)[0]
        self.n_low_x = int(np.sum(ex_x.sum(axis=1) <= degree))
        low = self.w_x[:, :self.n_low_x]
        self.x_t = x_t - centre[1][1:]
        self.z = z
        # products of the low x-monomials with each x_t and z column, side by side: one matrix product later
        self.low_x_t = np.column_stack([low * self.x_t[:, [j]] for j in range(nx)])
        self.low_z = np.column_stack([low * z[:, [j]] for j in range(z.shape[1])])
        # where (a, beta) sits in the table of monomials of (phi, x)
        full = monomial_table(1 + nx, d2)[0]
        index = {tuple(e): i for i, e in enumerate(full)}
        self.place = np.full((d2 + 1, ex_x.shape[0]), -1)
        for a in range(d2 + 1):
            for j, beta in enumerate(ex_x):
                self.place[a, j] = index.get((a, *beta), -1)
        self.n_low = int(np.sum(full.sum(axis=1) <= degree))
        self.n_all = full.shape[0]

    def statistics(self, phi_t: np.ndarray, phi_p: np.ndarray, weights: np.ndarray) -> MarkovMoments:
        """:class:`~.moments.MarkovMoments` of these rows with ``phi`` and row ``weights`` (zeros allowed)."""
        d, d2 = self.degree, 2 * self.degree
        w_phi = phi_p - self.centre[0][0]
        p_t = phi_t - self.centre[1][0]
        powers = np.empty((w_phi.size, d2 + 1))
        powers[:, 0] = weights
        for a in range(1, d2 + 1):
            np.multiply(powers[:, a - 1], w_phi, out=powers[:, a])
        nx = self.x_t.shape[1]
        m_all = np.zeros(self.n_all)
        prod = powers.T @ self.w_x  # (a, beta): sum c w_phi^a w_x^beta
        ok = self.place >= 0
        m_all[self.place[ok]] = prod[ok]
        low_powers = powers[:, :d + 1]
        blocks = [(low_powers * p_t[:, None]).T @ self.w_x[:, :self.n_low_x]]  # the phi_t column
        xt = low_powers.T @ self.low_x_t
        blocks += [xt[:, j * self.n_low_x:(j + 1) * self.n_low_x] for j in range(nx)]
        m_t = np.zeros((self.n_low, 1 + nx))
        m_z = np.zeros((self.n_low, self.z.shape[1]))
        zb = low_powers.T @ self.low_z
        place_low = self.place[:d + 1, :self.n_low_x]
        ok_low = (place_low >= 0) & (place_low < self.n_low)
        for col, block in enumerate(blocks):
            m_t[place_low[ok_low], col] = block[ok_low]
        for col in range(self.z.shape[1]):
            m_z[place_low[ok_low], col] = zb[:, col * self.n_low_x:(col + 1) * self.n_low_x][ok_low]
        v_t = np.column_stack([p_t, self.x_t])
        wv = v_t * weights[:, None]
        zv = (self.z * weights[:, None]).T @ v_t
        return MarkovMoments.from_sums(d, self.centre, float(weights.sum()), m_all, m_t, m_z, zv, wv.T @ v_t)
