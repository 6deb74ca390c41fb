"""GNR's analytic standard errors (the firm-clustered sandwich of its stacked estimating equations) against
an independent computation and against the spread of estimates over simulated panels.

The reference writes the equations out row by row here (the share regression's normal equations, the
scale ``E = mean(exp(eps))``, the least-squares fit of ``g``, the just-identified moments of the constant
of integration ``C``, and the mean elasticities; Gandhi, Navarro and Rivers 2020, sections 5-6) and
differentiates their sums by the complex step (exact to rounding): the package's analytic Jacobian must
give the same covariance to 1e-8.

Monte Carlo: ``simulate_gnr`` panels, 60 panels of 200 firms x 8 years; measured mean analytic s.e. / spread
of the estimates: l 1.13, k 0.92, m 1.10 (100 panels of 300 firms: 0.91, 1.01, 0.93). On
gnrprod's Colombian data the analytic standard errors are 1.03, 0.96 and 1.04 times those of 200
firm-cluster bootstrap replications (seed 1; measured, not re-run here: the bootstrap takes minutes).
"""

from __future__ import annotations

import numpy as np
import pytest

import nqpf_tfp as nt
from nqpf_tfp.numerics.basis import monomial_table, monomials, polynomial, polynomial_derivative

H = 1e-30
KW = {"entity": "firm", "time": "year"}


def _reference_cov(df, res, poly_degree=3, constant_degree=3, markov_degree=3):
    df = df.sort_values(["firm", "year"]).reset_index(drop=True)
    firm, year = df["firm"].to_numpy(), df["year"].to_numpy()
    fixed = df[["l", "k"]].to_numpy()
    flex, y, share = df["m"].to_numpy(), df["y"].to_numpy(), df["share"].to_numpy()
    inputs = np.column_stack([fixed, flex])
    g = monomials(inputs, poly_degree).copy()
    div = monomial_table(3, poly_degree)[0][:, -1] + 1.0
    dg = [polynomial_derivative(inputs, poly_degree, v) for v in range(2)]
    c = polynomial(fixed, constant_degree)
    dc = [polynomial_derivative(fixed, constant_degree, v) for v in range(2)]
    rows = np.flatnonzero(np.r_[False, (firm[1:] == firm[:-1]) & (year[1:] == year[:-1] + 1)])
    prev = rows - 1
    d = res.diagnostics
    scale = d.mean_exp_eps
    gamma = np.asarray(d.share_coefficients) * scale
    alpha = np.asarray(d.constant_coefficients)
    mu = res.params.to_numpy()

    def omega(gg, ee, aa):
        eps = np.log(g @ gg) - share
        return y - eps - flex * (g @ (gg / div)) / ee - c @ aa

    om_p = omega(gamma, scale, alpha)[prev]
    centre, sd = om_p.mean(), om_p.std()

    def basis_of(om):
        return np.vander((om[prev] - centre) / sd, markov_degree + 1, increasing=True)

    om = omega(gamma, scale, alpha)
    b0 = basis_of(om)
    rho = np.linalg.solve(b0.T @ b0, b0.T @ om[rows])
    ng, na, nq = gamma.size, alpha.size, rho.size

    def equations(theta):
        gg, ee = theta[:ng], theta[ng]
        aa, rr, mm = theta[ng + 1:ng + 1 + na], theta[ng + 1 + na:ng + 1 + na + nq], theta[ng + 1 + na + nq:]
        dd = g @ gg
        eps = np.log(dd) - share
        om = omega(gg, ee, aa)
        basis = basis_of(om)
        xi = om[rows] - basis @ rr
        el = np.column_stack([dc[v] @ aa + flex * (dg[v] @ (gg[1:] / div[1:])) / ee for v in range(2)] + [dd / ee])
        whole = np.column_stack([g / dd[:, None] * (-eps)[:, None], np.exp(eps) - ee, el - mm])
        moment = np.column_stack([c[rows] * xi[:, None], basis * xi[:, None]])
        return whole, moment

    theta = np.r_[gamma, scale, alpha, rho, mu]

    def total(t):
        whole, moment = equations(t)
        return np.r_[whole.sum(axis=0), moment.sum(axis=0)]

    jac = np.column_stack([total(theta + 1j * H * e).imag / H for e in np.eye(theta.size)])
    whole, moment = equations(theta)
    codes = np.unique(firm, return_inverse=True)[1]
    sums = np.zeros((codes.max() + 1, theta.size))
    np.add.at(sums[:, :whole.shape[1]], codes, whole)
    np.add.at(sums[:, whole.shape[1]:], codes[rows], moment)
    groups = np.count_nonzero(np.bincount(codes))
    bread = np.linalg.inv(jac)
    cov = bread @ (sums.T @ sums) @ bread.T * groups / (groups - 1)
    mu_at = np.r_[ng + 1 + na + nq:theta.size]  # mu's position among the parameters
    return cov[np.ix_(mu_at, mu_at)]


def test_the_analytic_jacobian_equals_the_complex_step_of_the_stacked_equations():
    panel = nt.datasets.simulate_gnr(200, 6, seed=3)
    res = nt.GNR(panel, "y", ["l", "k"], "m", "share", **KW).fit()
    assert res.cov_type == "cluster"
    reference = _reference_cov(panel, res)
    scale = np.sqrt(np.outer(np.diag(reference), np.diag(reference)))
    np.testing.assert_array_less(np.abs(res.cov.to_numpy() - reference) / scale, 1e-8)


@pytest.mark.slow
def test_the_analytic_errors_match_the_monte_carlo_spread():
    estimates, errors = [], []
    for seed in range(60):
        res = nt.GNR(nt.datasets.simulate_gnr(200, 8, seed=seed), "y", ["l", "k"], "m", "share", **KW).fit()
        estimates.append(res.params.to_numpy())
        errors.append(res.std_errors.to_numpy())
    ratio = np.mean(errors, axis=0) / np.std(estimates, axis=0, ddof=1)
    assert np.all((ratio > 0.8) & (ratio < 1.2)), ratio


def test_gnrprod_mode_keeps_bootstrap_errors():
    model = nt.GNR(nt.datasets.simulate_gnr(50, 5, seed=0), "y", ["l", "k"], "m", "share", second_stage="gnrprod",
                   **KW)
    with pytest.raises(nt.errors.SpecificationError, match="no analytic standard errors: pass bootstrap=B"):
        model.fit()


@pytest.mark.parametrize("n_vars, degree", [(2, 3), (3, 2), (3, 3)])
def test_derivative_maps_give_the_derivatives_from_the_monomials(n_vars, degree):
    # the elasticities and the sandwich take the derivatives of the polynomial terms as monomials @ map
    from nqpf_tfp.numerics.basis import derivative_map

    x = np.random.default_rng(n_vars + degree).normal(size=(40, n_vars))
    exponents = monomial_table(n_vars, degree)[0][1:]  # the non-constant terms, in polynomial()'s order
    np.testing.assert_allclose(polynomial(x, degree), np.prod(x[:, None, :] ** exponents, axis=2), rtol=1e-13)
    for v in range(n_vars):
        lowered = exponents.copy()
        lowered[:, v] = np.maximum(lowered[:, v] - 1, 0)
        by_hand = exponents[:, v] * np.prod(x[:, None, :] ** lowered, axis=2)  # e_v x_v^(e_v - 1) * the rest
        np.testing.assert_allclose(monomials(x, degree) @ derivative_map(n_vars, degree, v), by_hand,
                                   rtol=1e-12, atol=1e-12)
