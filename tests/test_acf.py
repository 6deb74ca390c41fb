"""ACF with a global search: known truth (ACF 2015 DGP3) and R prodest's Chilean optima.

Data: ``nt.datasets.load_acf_dgp3()`` (5,000 firms x 10 periods simulated with ACF (2015) DGP3,
truth beta_l = 0.6, beta_k = 0.4; from GabrieleRovigatti/prodest markupest/data/f_DGP3_replica.dta)
and ``nt.datasets.load_chilean()`` (R prodest's example data); provenance in
nqpf_tfp/data/bundled/README.md. R prodest 1.0.1's ACF returns 0.154/0.158/0.138 or
0.646/0.644/0.251 on the Chilean data depending on its random start.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning
from nqpf_tfp.production.gmm.acf import ACFProblem
from nqpf_tfp.production.gmm.markov import MarkovGMM
from nqpf_tfp.production.gmm.moments import MarkovMoments

KW = {"entity": "idvar", "time": "timevar"}
FREE = ["fX1", "fX2"]


@pytest.fixture(scope="module")
def dgp3() -> pd.DataFrame:
    return nt.datasets.load_acf_dgp3()


def test_dgp3_recovers_truth_and_reports_the_spurious_root(dgp3):
    with pytest.warns(ConvergenceWarning, match=r"1 other optimum.*\(1\.006, -0\.01\)"):
        res = nt.ACF(dgp3, "lny", "lnl", "lnk", "lnm1", entity="firm", time="period").fit()
    np.testing.assert_allclose(res.params, [0.6, 0.4], atol=0.02)
    optima = res.diagnostics["optima"]
    assert res.diagnostics["ties"] == 1
    assert optima[0]["innovation_variance"] < optima[1]["innovation_variance"]


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_chilean_global_minimum_below_both_prodest_solutions(chilean):
    model = nt.ACF(chilean, "Y", FREE, "sX", "pX", **KW)
    # the global root (RTS 1.54) has innovations that lower both kinds of labor: reported as a warning
    with pytest.warns(ConvergenceWarning, match="lowers the free input"):
        res = model.fit()
    problem = ACFProblem(model.settings, model.model_data)
    published = [problem.criterion(np.array(t)) for t in ([0.154, 0.158, 0.138], [0.646, 0.644, 0.251])]
    assert res.diagnostics["objective"] <= min(published)
    assert len(res.diagnostics["optima"]) >= 3  # distinct local optima are reported
    np.testing.assert_allclose(res.params, [0.6457, 0.6440, 0.2508], atol=5e-4)
    assert np.isfinite(res.std_errors).all()


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
@pytest.mark.parametrize("start", [[0.154, 0.158, 0.138], [0.646, 0.644, 0.251], [2.0, -1.5, 0.4]])
@pytest.mark.filterwarnings("ignore:ACF. at the returned optimum:nqpf_tfp.errors.ConvergenceWarning")
def test_the_users_start_does_not_change_the_answer(chilean, start):
    base = nt.ACF(chilean, "Y", FREE, "sX", "pX", **KW).fit().params
    moved = nt.ACF(chilean, "Y", FREE, "sX", "pX", start=start, **KW).fit().params
    pd.testing.assert_series_equal(base, moved, atol=1e-8)


def test_simulated_acf_picks_the_root_where_labour_rises_with_productivity():
    # simulate_acf (labor at t - 1/2): two exact roots, one near the truth (0.6, 0.4) and one near log labor
    # productivity (about (0.95, 0.06)), where the innovation lowers labor; the library warns, reports both and
    # returns the first (DGP3 above is the same case).
    panel = nt.datasets.simulate_acf(1000, 10, seed=0)
    with pytest.warns(ConvergenceWarning, match="other optimum"):
        res = nt.ACF(panel, "y", "l", "k", "m", entity="firm", time="year").fit()
    roots = [o for o in res.diagnostics["optima"] if o["objective"] < 1e-12]
    assert len(roots) == 2
    np.testing.assert_allclose(res.params, [0.6, 0.4], atol=0.04)
    assert roots[0]["labor_response_t"][0] > 2 and roots[1]["labor_response_t"][0] < -2
    assert roots[1]["params"][0] > 0.9


def test_monte_carlo_acf_recovers_truth_and_its_standard_errors():
    # 20 panels of 1,000 firms x 10 years (truth 0.6 / 0.4). Measured once with 100 panels:
    # mean 0.5998 / 0.3999 (MC s.e. 0.0012 / 0.0027); spread 0.0119 / 0.0274 vs mean analytic s.e. 0.0114 / 0.0261.
    estimates, errors = [], []
    for s in range(20):
        panel = nt.datasets.simulate_acf(1000, 10, seed=100 + s)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # the spurious root is reported every time
            res = nt.ACF(panel, "y", "l", "k", "m", entity="firm", time="year").fit()
        estimates.append(res.params.to_numpy())
        errors.append(res.std_errors.to_numpy())
    estimates, errors = np.array(estimates), np.array(errors)
    spread = estimates.std(axis=0, ddof=1)
    mc_se = spread / np.sqrt(len(estimates))
    assert np.all(np.abs(estimates.mean(axis=0) - [0.6, 0.4]) < 3 * mc_se)
    # the spread's own sampling error with 20 panels is about 16 %: +-40 % is 2.5 of it
    ratio = spread / errors.mean(axis=0)
    assert np.all((ratio > 0.6) & (ratio < 1.4)), ratio


def test_translog_recovers_mean_elasticities():
    # translog truth: beta_ll 0.04, beta_lk -0.03, beta_kk 0.02; the coefficients are weakly identified one by one
    # (k is persistent) but the mean elasticities are: within 3 standard errors (delta method on the analytic
    # covariance); measured errors below 0.005 on three 5,000-firm panels, up to 0.037 on 3,000-firm ones
    second = {"beta_ll": 0.04, "beta_lk": -0.03, "beta_kk": 0.02}
    panel = nt.datasets.simulate_acf(3000, 10, seed=300, **second)
    true_l = np.mean(0.6 + 2 * second["beta_ll"] * panel.l + second["beta_lk"] * panel.k)
    true_k = np.mean(0.4 + second["beta_lk"] * panel.l + 2 * second["beta_kk"] * panel.k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = nt.ACF(panel, "y", "l", "k", "m", entity="firm", time="year", form="translog").fit()
    assert list(res.params.index) == ["l", "k", "l^2", "l*k", "k^2"]
    means = res.elasticities.mean()
    lbar, kbar = panel.l.mean(), panel.k.mean()
    weights = np.array([[1, 0, 2 * lbar, kbar, 0], [0, 1, 0, lbar, 2 * kbar]])  # mean elasticities = weights @ params
    se = np.sqrt(np.diag(weights @ res.cov.to_numpy() @ weights.T))
    assert np.all(np.abs(weights @ res.params.to_numpy() - [true_l, true_k]) < 3 * se), se
    np.testing.assert_allclose(weights @ res.params.to_numpy(), [means["l"], means["k"]], rtol=1e-12)
    assert res.returns_to_scale == pytest.approx(means.sum())
    assert np.isfinite(res.std_errors).all()


def test_overidentified_moments_report_hansen_j():
    panel = nt.datasets.simulate_acf(1000, 10, seed=0)
    res = nt.ACF(panel, "y", "l", "k", "m", entity="firm", time="year", moments="overidentified").fit()
    np.testing.assert_allclose(res.params, [0.6, 0.4], atol=0.06)
    assert res.j_df == 2 and 0 <= res.j_stat < 10
    assert "Hansen's J" in str(res.summary())


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_gross_output_acf_finds_the_gnr_non_identified_root():
    # Gandhi, Navarro and Rivers (2020): with a flexible intermediate input, gross-output ACF is not identified;
    # on their Monte Carlo panel (truth: capital 0.25, intermediates 0.65) the returned root is output = m.
    data = nt.datasets.load_gnr_simulated()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = nt.ACF(data, "yg", None, "k", "i", entity="id", time="time", value_added=False,
                     proxy_input=True).fit()
    assert list(res.params.index) == ["k", "i"]
    assert abs(res.params["i"] - 1.0) < 0.01 and abs(res.params["k"]) < 0.01


def test_simulate_acf_is_seeded_and_validates():
    a = nt.datasets.simulate_acf(50, 5, seed=1)
    pd.testing.assert_frame_equal(a, nt.datasets.simulate_acf(50, 5, seed=1))
    assert not a.equals(nt.datasets.simulate_acf(50, 5, seed=2))
    exited = nt.datasets.simulate_acf(200, 8, exit_threshold=-0.3, seed=1)
    assert len(exited) < 200 * 8
    with pytest.raises(nt.errors.SpecificationError, match="labor_timing"):
        nt.datasets.simulate_acf(10, 5, labor_timing=2.0)


@pytest.mark.parametrize("form, value_added", [("cobb-douglas", True), ("translog", True), ("cobb-douglas", False)])
def test_sufficient_statistics_equal_the_row_by_row_criterion(form, value_added):
    panel = nt.datasets.simulate_acf(300, 8, seed=5)
    model = nt.ACF(panel, "y", "l", "k", "m", entity="firm", time="year", form=form, value_added=value_added,
                   proxy_input=not value_added)
    problem = ACFProblem(model.settings, model.model_data)
    rng = np.random.default_rng(0)
    for _ in range(5):
        theta = rng.uniform(-0.2, 1.0, problem.x.shape[1])
        direct = problem.z.T @ MarkovGMM.xi(problem, theta)
        fast = problem.fast.moments(theta)
        np.testing.assert_allclose(fast, direct, rtol=1e-10, atol=1e-10 * np.abs(direct).max())
        assert problem.fast.innovation_variance(theta) == pytest.approx(MarkovGMM.xi(problem, theta).var(), rel=1e-10)
        assert problem.criterion(theta) == pytest.approx(MarkovGMM.criterion(problem, theta), rel=1e-9)
    # integer row weights are the same as repeating the rows
    reps = rng.integers(0, 3, problem.rows.size)
    take = np.repeat(np.arange(problem.rows.size), reps)
    weighted = MarkovMoments(problem.phi_t, problem.phi_p, problem.x_t, problem.x_p, problem.z, 3, weights=reps)
    repeated = MarkovMoments(problem.phi_t[take], problem.phi_p[take], problem.x_t[take], problem.x_p[take],
                             problem.z[take], 3)
    theta = rng.uniform(0.0, 1.0, problem.x.shape[1])
    np.testing.assert_allclose(weighted.moments(theta), repeated.moments(theta), rtol=1e-10)


def test_weighted_bootstrap_replication_equals_copying_the_rows():
    # one replication with firm weights (per-firm first-stage cross-products, weighted sufficient statistics)
    # against the row-copying replication that re-runs the whole estimator
    panel = nt.datasets.simulate_acf(400, 8, seed=2)
    model = nt.ACF(panel, "y", "l", "k", "m", entity="firm", time="year", controls=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # draws 0, 3 and 4 have a second exact root where labor barely responds (t of -1.4 to -2.0): the
        # full re-estimation must rank it below the true root, as the local refinement from the full-sample
        # optimum does (measured: worst difference 1.7e-13 over 30 draws)
        for seed in range(8):
            firms = np.random.default_rng(seed).integers(0, 400, 400)
            weighted = model.resample_params(firms)
            copied = model.resample_params(firms, reweight=False)
            np.testing.assert_allclose(weighted, copied, atol=1e-9)


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_acf_bootstrap_is_seeded_whatever_n_jobs(chilean):
    model = nt.ACF(chilean, "Y", FREE, "sX", "pX", **KW)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = model.fit(bootstrap=8, seed=3, n_jobs=1).std_errors
        b = model.fit(bootstrap=8, seed=3, n_jobs=2).std_errors
        forked = model.fit(bootstrap=8, seed=3, n_jobs=2, backend="processes").std_errors
    pd.testing.assert_series_equal(a, b)
    pd.testing.assert_series_equal(a, forked)


def test_sandwich_in_blocks_of_firms_equals_one_block(monkeypatch):
    # the sandwich's Jacobian and meat are sums over blocks of whole firms (bounded memory)
    panel = nt.datasets.simulate_acf(300, 8, seed=4)
    model = nt.ACF(panel, "y", "l", "k", "m", entity="firm", time="year")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        whole = model.fit().cov.to_numpy()
        monkeypatch.setattr("nqpf_tfp.production.inference.sandwich.BLOCK_ROWS", 97)  # not a multiple of 8
        blocks = model.fit().cov.to_numpy()
    np.testing.assert_allclose(blocks, whole, rtol=1e-10, atol=1e-12 * np.abs(whole).max())


def test_value_added_says_what_output_is_and_never_changes_the_inputs():
    """Gross output with a proxy needs an explicit choice of whether the proxy is a production input."""
    panel = nt.datasets.simulate_acf(200, 6, seed=4)
    keys = {"entity": "firm", "time": "year", "starts": 8}
    with pytest.raises(nt.errors.SpecificationError, match=r"value_added=False .*proxy_input=True .*proxy_input="
                                                           r"False"):
        nt.ACF(panel, "y", "l", "k", "m", value_added=False, **keys)
    gross_no_proxy = nt.ACF(panel, "y", "l", "k", "m", value_added=False, proxy_input=False, **keys)
    value_added = nt.ACF(panel, "y", "l", "k", "m", **keys)
    assert gross_no_proxy.spec.inputs == value_added.spec.inputs == ("l", "k")
    assert list(gross_no_proxy.settings.__dict__.items()) == list(value_added.settings.__dict__.items())
    gross = nt.ACF(panel, "y", "l", "k", "m", value_added=False, proxy_input=True, **keys)
    assert gross.settings.proxy_input and not value_added.settings.proxy_input
    with pytest.raises(nt.errors.SpecificationError, match="value_added=True says output is value added"):
        nt.ACF(panel, "y", "l", "k", "m", proxy_input=True, **keys)
    with pytest.raises(nt.errors.SpecificationError, match=r"LevinsohnPetrin cannot .*proxy_input=True.*GNR"):
        nt.LevinsohnPetrin(panel, "y", "l", "k", "m", value_added=False, proxy_input=True, entity="firm",
                           time="year")
    lp = nt.LevinsohnPetrin(panel, "y", "l", "k", "m", value_added=False, proxy_input=False, entity="firm",
                            time="year")
    assert lp.spec.inputs == ("l", "k") and lp.spec.proxy_input is False
    with pytest.raises(nt.errors.SpecificationError, match="proxy_input must be True, False or None"):
        nt.ACF(panel, "y", "l", "k", "m", value_added=False, proxy_input="yes", **keys)
