"""The second stage shared by ACF and GNR: GMM on the innovation of a Markov productivity process.

Given ``phi`` (output net of what the first stage removed) and production
terms ``x``, a candidate ``theta`` gives ``omega = phi - x'theta`` today and a
period ago; ``g`` is the least-squares polynomial (with a constant) of
``omega_t`` on ``omega_{t-1}``, ``xi = omega_t - g(omega_{t-1})``, and the
criterion is ``(Z'xi)' W (Z'xi) / n``. Because ``g`` has a constant,
``sum(xi) = 0``, so centring ``Z`` leaves the moments unchanged; the efficient
weight is built from the centred, firm-clustered moment contributions.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import least_squares

from ...numerics.basis import markov_powers
from ..numerics.linalg import cluster_meat

__all__ = ["GMMCriterion", "MarkovGMM", "distinct_optima", "refine"]


class GMMCriterion:
    """A weight ``W = LL'`` and the criterion ``||L' m(theta)||^2 / n`` of moments ``m = Z'xi``.

    Subclasses give ``moments``, ``moments_jacobian`` and ``nobs``: row by row
    (:class:`MarkovGMM`) or from sufficient statistics (:class:`~.moments.MarkovMoments`).
    """

    nobs: float

    def set_weight(self, weight: np.ndarray) -> None:
        vals, vecs = np.linalg.eigh(0.5 * (weight + weight.T))
        self.weight = weight
        self.root = vecs * np.sqrt(np.clip(vals, 0.0, None))

    def moments(self, theta: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def moments_jacobian(self, theta: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        return self.root.T @ self.moments(theta) / np.sqrt(self.nobs)

    def residuals_jacobian(self, theta: np.ndarray) -> np.ndarray:
        return self.root.T @ self.moments_jacobian(theta) / np.sqrt(self.nobs)

    def criterion(self, theta: np.ndarray) -> float:
        """``(Z'xi)' W (Z'xi) / n``."""
        r = self.residuals(theta)
        return float(r @ r)

    def criteria(self, moments: np.ndarray) -> np.ndarray:
        """The criterion of each row of ``moments`` (a batch of ``Z'xi``, e.g. a search design's)."""
        scaled = moments @ self.root / np.sqrt(self.nobs)
        return np.einsum("ij,ij->i", scaled, scaled)


class MarkovGMM(GMMCriterion):
    """Rows with a previous period: ``phi`` and ``x`` now (``_t``) and a period ago (``_p``)."""

    def __init__(self, phi_t: np.ndarray, phi_p: np.ndarray, x_t: np.ndarray, x_p: np.ndarray, z: np.ndarray,
                 degree: int, clusters: np.ndarray, weight: str = "raw") -> None:
        self.phi_t, self.phi_p, self.x_t, self.x_p = phi_t, phi_p, x_t, x_p
        self.z, self.degree, self.clusters = z, degree, clusters
        self.nobs = int(phi_t.size)
        self.z_centred = z - z.mean(axis=0)
        if weight != "none":  # "none": a block of a larger sample; the caller sets the whole sample's weight
            first = self.z if weight == "raw" else self.z_centred
            self.set_weight(np.linalg.inv(first.T @ first))

    def efficient_weight(self, theta: np.ndarray) -> np.ndarray:
        """Inverse of the firm-clustered variance of the moments per observation (then criterion = Hansen's J)."""
        xi = self.xi(theta)
        return np.linalg.pinv(cluster_meat(self.z_centred * xi[:, None], self.clusters) / xi.size)

    def xi(self, theta: np.ndarray) -> np.ndarray:
        omega = self.phi_t - self.x_t @ theta
        basis, _ = markov_powers(self.phi_p - self.x_p @ theta, self.degree)
        return omega - basis @ np.linalg.solve(basis.T @ basis, basis.T @ omega)

    def xi_jacobian(self, theta: np.ndarray) -> np.ndarray:
        """d xi / d theta (rows x params), with g re-fitted at every theta (the profiled residual).

        With ``B`` the polynomial basis in ``omega_{t-1}`` (affine scaling held
        fixed: the span, hence ``xi``, does not depend on it), ``rho`` the
        least-squares coefficients and ``M = I - B (B'B)^-1 B'``:
        ``d xi = M (d omega - dB rho) - B (B'B)^-1 dB' xi``.
        """
        omega = self.phi_t - self.x_t @ theta
        basis, dbasis = markov_powers(self.phi_p - self.x_p @ theta, self.degree)  # dbasis: d/d omega_{t-1}
        gram = basis.T @ basis
        rho = np.linalg.solve(gram, basis.T @ omega)
        xi = omega - basis @ rho
        a = -self.x_t + (dbasis @ rho)[:, None] * self.x_p
        a -= basis @ np.linalg.solve(gram, basis.T @ a)
        c = -(dbasis * xi[:, None]).T @ self.x_p  # dB' xi, (degree+1) x params
        return a - basis @ np.linalg.solve(gram, c)

    def moments(self, theta: np.ndarray) -> np.ndarray:
        return self.z.T @ self.xi(theta)

    def moments_jacobian(self, theta: np.ndarray) -> np.ndarray:
        return self.z.T @ self.xi_jacobian(theta)


def refine(problem: GMMCriterion, start: np.ndarray, max_nfev: int | None = None) -> np.ndarray | None:
    """Local minimum from ``start``: Levenberg-Marquardt on ``L'Z'xi`` (quadratic convergence to roots).

    ``max_nfev`` caps the evaluations (a start far from any root is then abandoned where it stopped).
    """
    fit = least_squares(problem.residuals, start, jac=problem.residuals_jacobian, method="lm",
                        xtol=1e-12, ftol=1e-15, gtol=1e-15, max_nfev=max_nfev)
    return fit.x if np.all(np.isfinite(fit.x)) else None


def distinct_optima(optima: list[tuple[np.ndarray, float]], tol: float = 1e-3) -> list[tuple[np.ndarray, float]]:
    """Optima sorted by criterion, keeping one of any group within ``tol`` of each other."""
    out: list[tuple[np.ndarray, float]] = []
    for theta, value in sorted(optima, key=lambda o: o[1]):
        if not any(np.max(np.abs(theta - t)) < tol for t, _ in out):
            out.append((theta, value))
    return out
