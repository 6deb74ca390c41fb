"""Production-function estimators against published and peer references.

Data: ``nt.datasets.load_chilean()``, R prodest's `chilean` data (2,544 plant-years,
497 plants; provenance in nqpf_tfp/data/bundled/README.md).
Reference: R prodest vignette v1.0.1, Table 1 (value added; free fX1, fX2; state sX;
proxy inv for OP and pX otherwise), printed to 3 decimals, so a match "to the printed
digits" means equality after rounding to 3 decimals.
Peers: statsmodels OLS and linearmodels PanelOLS (1e-10) / IV2SLS on the same data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from linearmodels.iv import IV2SLS
from linearmodels.panel import PanelOLS

import nqpf_tfp as nt
from nqpf_tfp.errors import ImplausibleTechnologyWarning, OveridentificationWarning

KW = {"entity": "idvar", "time": "timevar"}
FREE = ["fX1", "fX2"]




def rounded(series: pd.Series) -> list[float]:
    return [round(float(v), 3) for v in series]


# ------------------------------------------------------- prodest vignette
def test_olley_pakes_table1(chilean):
    res = nt.OlleyPakes(chilean, "Y", FREE, "sX", "inv", **KW).fit(bootstrap=100, seed=0)
    assert rounded(res.params) == [0.314, 0.256, 0.168]
    assert res.nobs == 2544 and res.diagnostics["second_stage_nobs"] == 1944
    # vignette bootstrap SEs 0.041 / 0.032 / 0.031 (100 replications): within +-30%
    np.testing.assert_allclose(res.std_errors, [0.041, 0.032, 0.031], rtol=0.30)


def test_levinsohn_petrin_table1(chilean):
    # returns to scale 0.199 + 0.169 + 0.117 = 0.484 on this value-added sample: the fit says it is implausible
    with pytest.warns(ImplausibleTechnologyWarning, match="returns to scale are 0.484"):
        res = nt.LevinsohnPetrin(chilean, "Y", FREE, "sX", "pX", **KW).fit(bootstrap=100, seed=0)
    assert rounded(res.params) == [0.199, 0.169, 0.117]
    np.testing.assert_allclose(res.std_errors, [0.025, 0.024, 0.044], rtol=0.30)


def test_wooldridge_gmm_table1(chilean):
    # prodest's GMM system, reproduced with method="prodest-gmm" (see the docs: its first equation
    # forces k's coefficient to gamma, which biases gamma; our "gmm" does not)
    # its restriction is rejected: Hansen's J = 21.0 on 3 df (p = 0.0001)
    with pytest.warns(OveridentificationWarning, match="J = 21.00 on 3 df"):
        res = nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", method="prodest-gmm", **KW).fit(cov_type="prodest")
    assert rounded(res.params) == [0.247, 0.217, 0.058]
    assert rounded(res.std_errors) == [0.017, 0.015, 0.031]
    assert res.nobs == 1944


def test_prodest_gmm_default_cov_is_firm_clustered(chilean):
    # prodest's formula ignores within-firm correlation; the clustered SEs are about twice as large
    model = nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", method="prodest-gmm", **KW)
    with pytest.warns(OveridentificationWarning):
        clustered, prodest = model.fit(), model.fit(cov_type="prodest")
    assert clustered.cov_type == "cluster"
    pd.testing.assert_series_equal(clustered.params, prodest.params)
    assert (clustered.std_errors > prodest.std_errors).all()
    # instruments: (1, fX1, fX2, 5 polynomial terms) + (1, 2 lagged free, sX, 5 lagged terms) = 17;
    # parameters: (1, fX1, fX2, sX) + 4 own polynomial terms + (intercept, 5 lagged terms) = 14
    assert clustered.j_stat is not None and clustered.j_df == 17 - 14


def _stacked_system(chilean: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Wooldridge's two equations stacked, built independently with pandas groupby lags."""
    d = chilean.sort_values(["idvar", "timevar"]).reset_index(drop=True)
    g = d.groupby("idvar")
    rows = (g.timevar.shift(1) == d.timevar - 1).to_numpy()
    k, m = d.sX, d.pX
    c = pd.DataFrame({"k": k, "m": m, "kk": k * k, "km": k * m, "mm": m * m})
    c_lag = c.groupby(d.idvar).shift(1)
    f_lag = g[FREE].shift(1)
    n = int(rows.sum())
    one, zeros_c = np.ones(n), np.zeros((n, 5))
    x1 = np.column_stack([one, d.loc[rows, FREE], k[rows], c[rows], np.zeros(n), zeros_c])
    x2 = np.column_stack([one, d.loc[rows, FREE], k[rows], zeros_c, one, c_lag[rows]])
    z1 = np.column_stack([one, d.loc[rows, FREE], c[rows]])
    z2 = np.column_stack([one, f_lag[rows], k[rows], c_lag[rows]])
    z = np.block([[z1, np.zeros((n, z2.shape[1]))], [np.zeros((n, z1.shape[1])), z2]])
    clusters = np.r_[d.idvar[rows], d.idvar[rows]]
    return np.r_[d.Y[rows], d.Y[rows]], np.vstack([x1, x2]), z, clusters


def test_wooldridge_iv_table1(chilean):
    # prodest 1.0.1's prodestWRDG (one pooled 2SLS, lm() standard errors), reproduced by "prodest-iv"
    res = nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", method="prodest-iv", **KW).fit(cov_type="prodest")
    assert rounded(res.params) == [0.246, 0.214, 0.145]
    assert rounded(res.std_errors) == [0.014, 0.013, 0.024]


def test_wooldridge_iv_is_system_2sls_as_linearmodels(chilean):
    # Our "iv" is Wooldridge's two-equation system (block-diagonal instruments, own polynomial
    # coefficients per equation). Reference: the same stacked system, built independently, handed to
    # linearmodels' IV2SLS.
    y, x, z, clusters = _stacked_system(chilean)
    for ours, theirs in (("unadjusted", {"cov_type": "unadjusted"}),
                         ("cluster", {"cov_type": "clustered", "clusters": clusters})):
        res = nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", method="iv", **KW).fit(cov_type=ours)
        peer = IV2SLS(y, None, x, z).fit(**theirs)
        np.testing.assert_allclose(res.params, peer.params[1:4], atol=1e-8)
        if ours == "unadjusted":
            np.testing.assert_allclose(res.std_errors, peer.std_errors[1:4], atol=1e-8)
        else:  # linearmodels' clustered IV covariance has no G/(G-1) factor; ours (Stata's) does
            g = np.unique(clusters).size
            np.testing.assert_allclose(res.std_errors, peer.std_errors[1:4] * np.sqrt(g / (g - 1)), atol=1e-8)
    assert res.nobs == 1944


def test_wooldridge_gmm_is_efficient_gmm_as_linearmodels(chilean):
    y, x, z, clusters = _stacked_system(chilean)
    from linearmodels.iv import IVGMM

    with pytest.warns(ImplausibleTechnologyWarning, match="returns to scale are 0.484"):
        res = nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", method="gmm", **KW).fit()
    peer = IVGMM(y, None, x, z, weight_type="clustered", clusters=clusters).fit(
        cov_type="clustered", clusters=clusters, iter_limit=2)
    np.testing.assert_allclose(res.params, peer.params[1:4], atol=1e-6)


def test_robinson_wooldridge_against_linearmodels(chilean):
    res = nt.RobinsonWooldridge(chilean, "Y", FREE, "sX", "pX", **KW).fit(cov_type="unadjusted")
    d = chilean.sort_values(["idvar", "timevar"]).reset_index(drop=True)
    d["kk"], d["km"], d["mm"] = d.sX ** 2, d.sX * d.pX, d.pX ** 2
    lagged = d.groupby("idvar")[["sX", "pX", "kk", "km", "mm", *FREE]].shift(1).add_prefix("l_")
    ok = (d.groupby("idvar").timevar.shift(1) == d.timevar - 1)
    frame = pd.concat([d, lagged], axis=1)[ok].assign(const=1.0)
    exog = frame[["const", "sX", "l_sX", "l_pX", "l_kk", "l_km", "l_mm"]]
    peer = IV2SLS(frame.Y, exog, frame[FREE], frame[["l_fX1", "l_fX2"]]).fit(cov_type="unadjusted")
    np.testing.assert_allclose(res.params, peer.params[FREE + ["sX"]], atol=1e-8)
    np.testing.assert_allclose(res.std_errors, peer.std_errors[FREE + ["sX"]], atol=1e-8)
    clustered = nt.RobinsonWooldridge(chilean, "Y", FREE, "sX", "pX", **KW).fit()
    peer_cl = IV2SLS(frame.Y, exog, frame[FREE], frame[["l_fX1", "l_fX2"]]).fit(
        cov_type="clustered", clusters=frame.idvar)
    np.testing.assert_allclose(clustered.params, peer_cl.params[FREE + ["sX"]], atol=1e-8)
    assert clustered.nobs == 1944


# ------------------------------------------------------------------ peers
@pytest.mark.parametrize(("ours", "theirs"), [
    ("cluster", {"cov_type": "cluster"}), ("robust", {"cov_type": "HC1"}), ("unadjusted", {}),
])
def test_ols_equals_statsmodels(chilean, ours, theirs):
    res = nt.OLS(chilean, "Y", FREE, "sX", **KW).fit(cov_type=ours)
    if theirs.get("cov_type") == "cluster":
        theirs = {**theirs, "cov_kwds": {"groups": chilean.idvar}}
    peer = sm.OLS(chilean.Y, sm.add_constant(chilean[FREE + ["sX"]])).fit(**theirs)
    np.testing.assert_allclose(res.params, peer.params, rtol=1e-10)
    np.testing.assert_allclose(res.std_errors, peer.bse, rtol=1e-10)
    np.testing.assert_allclose(res.tfp, chilean.Y - chilean[FREE + ["sX"]] @ peer.params[FREE + ["sX"]].to_numpy(),
                               rtol=1e-10)


@pytest.mark.parametrize(("ours", "theirs"), [
    ("unadjusted", {"cov_type": "unadjusted"}), ("robust", {"cov_type": "robust"}),
    ("cluster", {"cov_type": "clustered", "cluster_entity": True}),
])
def test_fixed_effects_equals_linearmodels(chilean, ours, theirs):
    # within-firm variation of mismeasured inputs attenuates FE (Griliches and Mairesse 1998): returns to scale 0.231
    with pytest.warns(ImplausibleTechnologyWarning, match="returns to scale are 0.231"):
        res = nt.FixedEffects(chilean, "Y", FREE, "sX", **KW).fit(cov_type=ours)
    p = chilean.set_index(["idvar", "timevar"])
    peer = PanelOLS(p.Y, p[FREE + ["sX"]], entity_effects=True).fit(**theirs)
    np.testing.assert_allclose(res.params, peer.params, rtol=1e-10)
    np.testing.assert_allclose(res.std_errors, peer.std_errors, rtol=1e-10)


def test_translog_ols_equals_statsmodels(chilean):
    res = nt.OLS(chilean, "Y", FREE, "sX", form="translog", **KW).fit(cov_type="unadjusted")
    x = chilean[FREE + ["sX"]].copy()
    for a, b in [("fX1", "fX1"), ("fX1", "fX2"), ("fX1", "sX"), ("fX2", "fX2"), ("fX2", "sX"), ("sX", "sX")]:
        x[f"{a}*{b}"] = chilean[a] * chilean[b]
    peer = sm.OLS(chilean.Y, sm.add_constant(x)).fit()
    np.testing.assert_allclose(res.params.to_numpy(), peer.params.to_numpy(), rtol=1e-10)
    assert list(res.params.index[:4]) == ["const", "fX1", "fX2", "sX"]
    assert "fX1^2" in res.params.index and "fX1*sX" in res.params.index


def test_translog_elasticities_and_crs_test(chilean):
    res = nt.OLS(chilean, "Y", FREE, "sX", form="translog", **KW).fit()
    b = res.params
    x = chilean[FREE + ["sX"]]
    # d ln y / d fX1 by hand from the named coefficients
    by_hand = b["fX1"] + 2 * b["fX1^2"] * x.fX1 + b["fX1*fX2"] * x.fX2 + b["fX1*sX"] * x.sX
    np.testing.assert_allclose(res.elasticities["fX1"], by_hand, atol=1e-12)
    assert res.returns_to_scale == pytest.approx(res.elasticities.mean().sum(), abs=1e-12)
    # the Wald statistic from a numerical gradient of mean RTS with respect to the coefficients
    def mean_rts(params: pd.Series) -> float:
        e = {}
        for v in FREE + ["sX"]:
            e[v] = params[v] + 2 * params[f"{v}^2"] * x[v]
            for w in FREE + ["sX"]:
                if w != v:
                    name = f"{v}*{w}" if f"{v}*{w}" in params.index else f"{w}*{v}"
                    e[v] = e[v] + params[name] * x[w]
        return float(sum(e.values()).mean())
    grad = np.array([(mean_rts(b + pd.Series({n: 1e-6}).reindex(b.index, fill_value=0)) - mean_rts(b)) / 1e-6
                     for n in b.index])
    wald = (mean_rts(b) - 1) ** 2 / (grad @ res.cov.to_numpy() @ grad)
    assert res.crs_test()[0] == pytest.approx(wald, rel=1e-5)


def test_least_squares_on_a_large_translog_panel_equal_the_peers():
    """The one-pass normal equations with a refinement step keep statsmodels' (SVD) and linearmodels'
    numbers to 1e-10 on 10^5 firm-years of a translog with correlated inputs."""
    panel = nt.datasets.simulate_acf(10_000, 10, beta_ll=0.02, beta_lk=-0.01, seed=8)
    res = nt.OLS(panel, "y", "l", "k", form="translog", entity="firm", time="year").fit()
    x = panel[["l", "k"]].assign(**{"l^2": panel.l**2, "l*k": panel.l * panel.k, "k^2": panel.k**2})
    peer = sm.OLS(panel.y, sm.add_constant(x)).fit(cov_type="cluster", cov_kwds={"groups": panel.firm})
    np.testing.assert_allclose(res.params.to_numpy(), peer.params.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(res.std_errors.to_numpy(), peer.bse.to_numpy(), rtol=1e-10)
    fe = nt.FixedEffects(panel, "y", "l", "k", entity="firm", time="year").fit()
    p = panel.set_index(["firm", "year"])
    lm = PanelOLS(p.y, p[["l", "k"]], entity_effects=True).fit(cov_type="clustered", cluster_entity=True)
    np.testing.assert_allclose(fe.params.to_numpy(), lm.params.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(fe.std_errors.to_numpy(), lm.std_errors.to_numpy(), rtol=1e-10)
