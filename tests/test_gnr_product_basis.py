"""The basis GNR's second-stage statistics go through, and the share regression's Gauss-Newton steps.

The basis (``nqpf_tfp.production.gmm.product_basis``) must span every monomial of degree <= D in
``(Y, q_1(x), ..., q_K(x))`` with ``q`` polynomials of degree c in ``x`` -- a polynomial identity, so
the coordinates fitted on a sample of rows must reproduce the monomials on every row to rounding --
and must refuse data that cannot carry it. The share regression solves its Gauss-Newton steps from
normal equations; its fixed point is checked against SciPy's trust-region least squares.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import least_squares as scipy_least_squares

import nqpf_tfp as nt
from nqpf_tfp.numerics.basis import monomials, polynomial
from nqpf_tfp.production.estimators.gnr import share_regression
from nqpf_tfp.production.gmm.moments import LaggedRows, MarkovMoments
from nqpf_tfp.production.gmm.product_basis import DegenerateBasis, LaggedProductBasis, OrthonormalPolynomials


def _panel_terms(firms: int = 2000, years: int = 6, seed: int = 5) -> tuple[np.ndarray, ...]:
    """``Y``-like values, the fixed inputs and C's terms centred and whitened (as GNR builds them)."""
    panel = nt.datasets.simulate_gnr(firms, years, seed=seed)
    x = panel[["l", "k"]].to_numpy()
    terms = polynomial(x, 3)
    white = (terms - terms.mean(axis=0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(terms, rowvar=False)).T)
    y = panel["y"].to_numpy() - panel["m"].to_numpy() * 0.6
    return y, x, white


def test_orthonormal_polynomials_are_orthonormal_on_their_sample():
    t = np.random.default_rng(0).lognormal(size=5000)
    poly = OrthonormalPolynomials(t, 9)
    values = poly.values(t)
    np.testing.assert_allclose(values.T @ values / t.size, np.eye(10), atol=1e-10)
    # a polynomial of degree 9: the values span the raw powers exactly
    powers = np.vander(t, 10, increasing=True)
    coef = np.linalg.lstsq(values, powers, rcond=None)[0]
    assert np.all(np.abs(values @ coef - powers).max(axis=0) <= 1e-9 * np.abs(powers).max(axis=0))


def test_basis_spans_every_product_on_every_row():
    y, x, white = _panel_terms()
    v = np.column_stack([y, white])
    centre = v.mean(axis=0)
    basis = LaggedProductBasis(y, x, 3, 3)
    assert basis.size == 94
    coords = basis.coordinates(lambda rows: monomials(v[rows] - centre, 3))
    assert coords.shape == (286, 94)
    every = monomials(v - centre, 3)  # all 12,000 rows, of which the coordinates saw a sample
    got = basis.values(slice(None)) @ coords.T
    error = np.abs(got - every).max(axis=0) / np.abs(every).max(axis=0)
    assert error.max() <= 1e-10, error.max()


def test_basis_refuses_data_that_cannot_carry_it():
    y, x, white = _panel_terms(300, 4)
    with pytest.raises(DegenerateBasis, match="distinct values"):  # an input on 3 values cannot carry degree 9
        LaggedProductBasis(y, np.column_stack([np.round(x[:, 0] / x[:, 0].std()) % 3, x[:, 1]]), 3, 3)
    with pytest.raises(DegenerateBasis, match="distinct values"):  # Y a polynomial in the inputs: r is constant
        LaggedProductBasis(1.0 + 0.5 * x[:, 0] - 0.2 * x[:, 1] ** 2, x, 3, 3)
    with pytest.raises(DegenerateBasis, match="collinear"):
        LaggedProductBasis(y, np.column_stack([x[:, 0], 2 * x[:, 0]]), 3, 3)
    # terms of degree 3 are not in the span of a basis built for degree 1
    v = np.column_stack([y, white])
    basis = LaggedProductBasis(y, x, 1, 3)
    with pytest.raises(DegenerateBasis, match="span"):
        basis.coordinates(lambda rows: monomials(v[rows] - v.mean(axis=0), 3))


def test_statistics_fall_back_to_the_monomials_when_the_basis_cannot_span_them():
    y, x, white = _panel_terms(400, 5)
    rows, prev = np.arange(1, y.size), np.arange(y.size - 1)
    v = np.column_stack([y, white])
    source = LaggedRows(rows.size, lambda sel: (v[rows[sel]], v[rows[sel], 1:]), lambda sel: v[prev[sel]],
                        v[prev].mean(axis=0), v[rows].mean(axis=0))
    wrong = MarkovMoments.from_rows(source, 3, basis=LaggedProductBasis(y, x, 1, 3, index=prev))
    right = MarkovMoments.from_rows(source, 3, basis=LaggedProductBasis(y, x, 3, 3, index=prev))
    plain = MarkovMoments.from_rows(source, 3)
    assert right.through_basis and not wrong.through_basis and not plain.through_basis
    theta = np.full(white.shape[1], 0.1)
    for other in (wrong, right):
        np.testing.assert_allclose(other.moments(theta), plain.moments(theta), rtol=1e-9,
                                   atol=1e-9 * np.abs(plain.moments(theta)).max())


def test_share_regression_reaches_scipys_least_squares():
    panel = nt.datasets.simulate_gnr(500, 6, seed=2)
    inputs = panel[["l", "k", "m"]].to_numpy()
    design = monomials(inputs, 3)
    share = panel["share"].to_numpy()
    gamma, _ = share_regression(share, design)

    def resid(g: np.ndarray) -> np.ndarray:
        return share - np.log(np.maximum(design @ g, 1e-300))

    ref = scipy_least_squares(resid, gamma * 1.01, jac=lambda g: -design / (design @ g)[:, None],
                              xtol=1e-15, ftol=1e-15, gtol=1e-15, method="trf", x_scale="jac")
    # the fitted shares agree (the raw coefficients of a cubic in log inputs are ill-conditioned)
    np.testing.assert_allclose(np.log(design @ gamma), np.log(design @ ref.x), atol=1e-9)
    assert resid(gamma) @ resid(gamma) <= resid(ref.x) @ resid(ref.x) * (1 + 1e-12)
    # and the gradient vanishes
    grad = (design / (design @ gamma)[:, None]).T @ resid(gamma)
    assert np.all(np.abs(grad) <= 1e-9 * np.abs(design / (design @ gamma)[:, None]).sum(axis=0))


def test_gnr_fit_is_the_same_through_the_basis(monkeypatch):
    # the estimator takes the basis route from 50,000 moment rows; forced on a small panel, it gives the
    # estimates and standard errors of the monomial route
    import nqpf_tfp.production.estimators.gnr as gnr_module

    panel = nt.datasets.simulate_gnr(1500, 6, seed=8)
    plain = nt.GNR(panel, "y", ["l", "k"], "m", "share", entity="firm", time="year").fit()
    monkeypatch.setattr(gnr_module, "BASIS_MIN_ROWS", 0)
    through = nt.GNR(panel, "y", ["l", "k"], "m", "share", entity="firm", time="year").fit()
    assert plain.diagnostics["second_stage_statistics"] == "monomials"
    assert through.diagnostics["second_stage_statistics"] == "product basis"
    np.testing.assert_allclose(through.params, plain.params, rtol=1e-9)
    np.testing.assert_allclose(through.std_errors, plain.std_errors, rtol=1e-8)
    np.testing.assert_allclose(through.diagnostics["constant_coefficients"],
                               plain.diagnostics["constant_coefficients"], rtol=1e-7, atol=1e-9)


def test_share_regression_warm_start_reaches_the_same_fit(monkeypatch):
    # from WARM_START_ROWS rows the Gauss-Newton steps on all rows start from a subsample's fit; a start
    # with D <= 0 somewhere falls back to the OLS start. Either way the fixed point is the same
    import nqpf_tfp.production.estimators.gnr_share as share_module

    panel = nt.datasets.simulate_gnr(3000, 8, seed=6)
    design = monomials(panel[["l", "k", "m"]].to_numpy(), 3)
    share = panel["share"].to_numpy()
    cold, cold_iterations = share_regression(share, design)
    monkeypatch.setattr(share_module, "WARM_START_ROWS", 1000)
    warm, warm_iterations = share_regression(share, design)
    assert warm_iterations < cold_iterations
    np.testing.assert_allclose(np.log(design @ warm), np.log(design @ cold), atol=1e-9)
    bad = np.zeros(design.shape[1])
    bad[0] = -1.0  # D = -1 everywhere
    fallback, _ = share_regression(share, design, start=bad)
    np.testing.assert_allclose(np.log(design @ fallback), np.log(design @ cold), atol=1e-9)


def test_gnr_gives_the_same_numbers_on_any_number_of_threads(monkeypatch):
    # the passes over row blocks (share regression, second-stage statistics through the basis, sandwich)
    # run on as many threads as BLAS may use, with BLAS on one thread meanwhile; block partial sums are
    # added in block order, so with BLAS on one thread (as under threadpool_limits(1), where the fit takes
    # one thread) the numbers are identical to the last bit
    from threadpoolctl import threadpool_limits

    import nqpf_tfp.production.estimators.gnr as gnr_module

    panel = nt.datasets.simulate_gnr(9000, 7, seed=12)  # 54,000 moment rows: the basis route
    fits = []
    with threadpool_limits(1):
        assert gnr_module.block_threads() == 1
        fits.append(nt.GNR(panel, "y", ["l", "k"], "m", "share", entity="firm", time="year").fit())
        monkeypatch.setattr(gnr_module, "block_threads", lambda: 3)
        fits.append(nt.GNR(panel, "y", ["l", "k"], "m", "share", entity="firm", time="year").fit())
    assert fits[0].diagnostics["second_stage_statistics"] == "product basis"
    np.testing.assert_array_equal(fits[0].params, fits[1].params)
    np.testing.assert_array_equal(fits[0].std_errors, fits[1].std_errors)
    np.testing.assert_array_equal(fits[0].tfp, fits[1].tfp)
