"""Analyses of an index: Dagum's Gini, Theil, Markov chains, Moran's I, convergence, China's provinces.

Independent implementations: PySAL's ``inequality`` 1.1 (Gini, Theil), ``giddy`` 2.3 (Markov, spatial
Markov), ``esda`` 2.8 (Moran's I) with ``libpysal`` 4.14 weights; statsmodels and linearmodels (convergence
regressions). Dagum by hand: groups A = (1, 3) and B = (2, 6): mu = 3, G = 32 / 96 = 1/3; G_AA = G_BB =
1/4; G_AB = 10 / 24; p = (1/2, 1/2), s = (1/3, 2/3); G_w = 1/8; d_BA = 9/4, p_BA = 1/4 (means over the 4
pairs), D = 0.8; weight p_B s_A + p_A s_B = 1/2; G_nb = (5/12)(1/2)(0.8) = 1/6; G_t = (5/12)(1/2)(0.2) =
1/24; 1/8 + 1/6 + 1/24 = 1/3.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError

warnings.filterwarnings("ignore", message=".*(geopandas|shapely|numba).*")


def _lattice_panel(side=7, periods=6, seed=0):
    """A (side x side) lattice of units, a spatially trending value, and its libpysal rook weights."""
    import libpysal

    rng = np.random.default_rng(seed)
    n = side * side
    trend = np.repeat(np.arange(side), side)[:, None] * 0.3
    y = np.exp(0.2 * np.cumsum(rng.normal(size=(n, periods)), axis=1) + trend)
    frame = pd.DataFrame({"unit": np.repeat(np.arange(n), periods), "year": np.tile(np.arange(periods), n),
                          "y": y.ravel()})
    w = libpysal.weights.lat2W(side, side)
    w.transform = "r"
    return frame, y, w


def test_dagum_by_hand():
    frame = pd.DataFrame({"y": [1.0, 3.0, 2.0, 6.0], "region": ["A", "A", "B", "B"]})
    res = nt.indices.dagum_gini(frame, "y", "region")
    row = res.components.iloc[0]
    np.testing.assert_allclose(row[["gini", "within", "net_between", "transvariation"]].to_numpy(float),
                               [1 / 3, 1 / 8, 1 / 6, 1 / 24], rtol=1e-14)
    np.testing.assert_allclose(res.group_gini.iloc[0].to_numpy(), [0.25, 0.25], rtol=1e-14)
    assert res.between_gini(0).loc["A", "B"] == pytest.approx(10 / 24, rel=1e-14)
    np.testing.assert_allclose(res.contributions.iloc[0].sum(), 1.0, rtol=1e-14)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 5))
def test_dagum_adds_up_and_matches_brute_force_and_pysal(seed, groups):
    from inequality.gini import Gini

    rng = np.random.default_rng(seed)
    y = rng.lognormal(size=60)
    g = np.r_[np.arange(groups), rng.integers(0, groups, 60 - groups)]
    res = nt.indices.dagum_gini(pd.DataFrame({"y": y, "g": g}), "y", "g").components.iloc[0]
    assert abs(res["within"] + res["net_between"] + res["transvariation"] - res["gini"]) < 1e-12
    assert res["gini"] == pytest.approx(Gini(y).g, rel=1e-12)
    diff = np.abs(y[:, None] - y[None, :])
    assert res["gini"] == pytest.approx(diff.sum() / (2 * y.size**2 * y.mean()), rel=1e-12)
    means = np.array([y[g == k].mean() for k in range(groups)])
    p = np.array([(g == k).mean() for k in range(groups)])
    s = p * means / y.mean()
    within = sum(np.abs(y[g == k][:, None] - y[g == k][None, :]).sum() / (2 * (g == k).sum() ** 2 * means[k])
                 * p[k] * s[k] for k in range(groups))
    assert res["within"] == pytest.approx(within, rel=1e-12)


def test_theil_against_pysal():
    from inequality.theil import TheilD

    frame, y, _ = _lattice_panel()
    frame["region"] = (frame["unit"] // 7).map(lambda r: "abcdefg"[r])
    ours = nt.indices.theil(frame, "y", "region", time="year").components
    for t in range(y.shape[1]):
        part = frame[frame["year"] == t]
        ref = TheilD(part["y"].to_numpy(), part["region"].to_numpy())
        np.testing.assert_allclose(ours.loc[t, ["theil_t", "t_within", "t_between"]].to_numpy(float),
                                   [ref.T, float(np.ravel(ref.wg)[0]), float(np.ravel(ref.bg)[0])], rtol=1e-12)
        v = part["y"].to_numpy()
        assert ours.loc[t, "theil_l"] == pytest.approx(np.mean(np.log(v.mean() / v)), rel=1e-12)
    np.testing.assert_allclose(ours["l_within"] + ours["l_between"], ours["theil_l"], rtol=1e-12)


def test_markov_chains_against_giddy():
    import giddy.markov as gm
    import mapclassify
    from giddy.ergodic import steady_state

    frame, y, w = _lattice_panel()
    fixed = nt.indices.markov_chain(frame, "y", entity="unit", time="year", classes=4, spatial_weights=w)
    sm = gm.Spatial_Markov(y, w, k=4, m=4, fixed=True)
    np.testing.assert_allclose(fixed.probabilities.to_numpy(), sm.p, atol=1e-12)
    np.testing.assert_allclose(fixed.ergodic.to_numpy(), np.ravel(sm.s), atol=1e-12)
    for c in range(4):  # a class never left under a lag class: NaN here (undefined), a row of zeros in giddy
        ours = fixed.spatial[c][0].to_numpy()
        empty = np.isnan(ours).all(axis=1)
        np.testing.assert_allclose(ours[~empty], sm.P[c][~empty], atol=1e-12)
        assert (sm.P[c][empty] == 0).all()
        if not empty.any():
            np.testing.assert_allclose(fixed.spatial[c][1].to_numpy(), np.ravel(steady_state(sm.P[c])), atol=1e-12)
    per = nt.indices.markov_chain(frame, "y", entity="unit", time="year", classes=5, fixed=False)
    ids = np.column_stack([mapclassify.Quantiles(y[:, t], k=5).yb for t in range(y.shape[1])])
    np.testing.assert_allclose(per.probabilities.to_numpy(), gm.Markov(ids, summary=False).p, atol=1e-12)
    second = np.sort(np.abs(np.linalg.eigvals(per.probabilities.to_numpy())))[-2]
    assert per.half_life == pytest.approx(-np.log(2) / np.log(second), rel=1e-12)
    assert "Half-life" in per.summary().as_text()


def test_moran_against_esda():
    import esda

    frame, y, w = _lattice_panel()
    ours = nt.indices.moran(frame, "y", w, entity="unit", time="year").statistics
    local = nt.indices.local_moran(frame, "y", w, entity="unit", time="year").to_frame()
    n = y.shape[0]
    for t in range(y.shape[1]):
        ref = esda.Moran(y[:, t], w, permutations=0)
        got = ours.loc[t]
        np.testing.assert_allclose(
            got[["I", "expected", "var_norm", "z_norm", "p_norm", "var_rand", "z_rand", "p_rand"]].to_numpy(float),
            [ref.I, ref.EI, ref.VI_norm, ref.z_norm, ref.p_norm, ref.VI_rand, ref.z_rand, ref.p_rand], rtol=1e-10)
        lref = esda.Moran_Local(y[:, t], w, permutations=0)
        mine = local.xs(t, level="year")
        np.testing.assert_allclose(mine["I"].to_numpy(), lref.Is * n / (n - 1), rtol=1e-10)  # esda: n - 1 for n
        np.testing.assert_array_equal(mine["quadrant"].to_numpy(), lref.q)


def test_permutation_p_values_follow_the_seed():
    frame, _, w = _lattice_panel(5, 3)
    a = nt.indices.moran(frame, "y", w, entity="unit", time="year", permutations=99, seed=4).statistics
    b = nt.indices.moran(frame, "y", w, entity="unit", time="year", permutations=99, seed=4).statistics
    pd.testing.assert_frame_equal(a, b)
    la = nt.indices.local_moran(frame, "y", w, entity="unit", time="year", permutations=49, seed=4).to_frame()
    lb = nt.indices.local_moran(frame, "y", w, entity="unit", time="year", permutations=49, seed=4).to_frame()
    pd.testing.assert_frame_equal(la, lb)
    assert ((a["p_sim"] > 0) & (a["p_sim"] <= 0.5)).all() and ((la["p_sim"] > 0) & (la["p_sim"] <= 0.5)).all()


def _growth_panel(n=30, periods=8, seed=0):
    rng = np.random.default_rng(seed)
    ly = np.zeros((n, periods))
    ly[:, 0] = rng.normal(size=n)
    a = rng.normal(size=n) * 0.2
    for t in range(1, periods):
        ly[:, t] = a + 0.8 * ly[:, t - 1] + 0.1 * rng.normal(size=n)
    return pd.DataFrame({"unit": np.repeat(np.arange(n), periods), "year": np.tile(np.arange(2000, 2000 + periods), n),
                         "y": np.exp(ly.ravel())})


def test_beta_convergence_against_statsmodels_and_linearmodels():
    import statsmodels.api as sm
    from linearmodels import PanelOLS

    panel = _growth_panel()
    s = panel.sort_values(["unit", "year"]).assign(ly=lambda d: np.log(d["y"]))
    s["g"] = s.groupby("unit")["ly"].shift(-1) - s["ly"]
    s = s.dropna()
    groups, g = s["unit"].to_numpy(), s["unit"].nunique()
    pooled = nt.indices.beta_convergence(panel, "y", entity="unit", time="year")
    ref = sm.OLS(s["g"].to_numpy(), sm.add_constant(s["ly"].to_numpy())).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    assert pooled.beta == pytest.approx(ref.params[1], rel=1e-10)
    assert pooled.std_errors["beta"] == pytest.approx(ref.bse[1] * np.sqrt(g / (g - 1)), rel=1e-10)
    assert pooled.speed == pytest.approx(-np.log1p(ref.params[1]), rel=1e-12)
    fe = nt.indices.beta_convergence(panel, "y", entity="unit", time="year", effects="entity")
    lm = PanelOLS(s.set_index(["unit", "year"])["g"], s.set_index(["unit", "year"])[["ly"]], entity_effects=True).fit(
        cov_type="clustered", cluster_entity=True, group_debias=True)
    assert fe.beta == pytest.approx(lm.params["ly"], rel=1e-10)
    assert fe.std_errors["beta"] == pytest.approx(lm.std_errors["ly"], rel=1e-10)
    two = nt.indices.beta_convergence(panel, "y", entity="unit", time="year", effects="twoways")
    dummies = pd.get_dummies(s[["unit", "year"]].astype(str), drop_first=True, dtype=float)
    full = sm.OLS(s["g"].to_numpy(), sm.add_constant(np.column_stack([s["ly"], dummies]))).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    assert two.beta == pytest.approx(full.params[1], rel=1e-9)
    assert two.std_errors["beta"] == pytest.approx(full.bse[1] * np.sqrt(g / (g - 1)), rel=1e-9)  # FWL


def test_sigma_convergence_and_kernel_densities():
    from scipy.stats import gaussian_kde

    panel = _growth_panel()
    sig = nt.indices.sigma_convergence(panel, "y", time="year").to_frame()
    first = panel[panel["year"] == 2000]["y"]
    assert sig.loc[2000, "cv"] == pytest.approx(first.std() / first.mean(), rel=1e-12)
    dens = nt.indices.kernel_densities(panel, "y", time="year", grid=np.linspace(0, 5, 11))
    np.testing.assert_allclose(dens[2000].to_numpy(), gaussian_kde(first.to_numpy())(np.linspace(0, 5, 11)),
                               rtol=1e-12)


def test_china_provinces_and_contiguity():
    provinces = nt.datasets.china_provinces()
    assert len(provinces) == 31 and provinces["region"].value_counts().to_dict() == {
        "west": 12, "east": 10, "central": 6, "northeast": 3}
    w = nt.datasets.china_contiguity()
    assert w.shape == (31, 31) and (w.to_numpy() == w.to_numpy().T).all() and np.trace(w.to_numpy()) == 0
    assert int(w.to_numpy().sum()) == 2 * 69 and w.loc["Hainan"].sum() == 1 and w.loc["Hainan", "Guangdong"] == 1
    assert w.loc["Inner Mongolia"].sum() == 8 and w.loc["Beijing"].sum() == 2
    bare = nt.datasets.china_contiguity("code", island_links={})
    assert bare.loc[46].sum() == 0
    with pytest.raises(SpecificationError, match="unknown province"):
        nt.datasets.china_contiguity(island_links={"Hainan": ["Taiwan"]})
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"province": np.repeat(provinces["name_en"], 3), "year": np.tile([1, 2, 3], 31),
                          "y": rng.lognormal(size=93)})
    assert nt.indices.moran(frame, "y", w, entity="province", time="year").statistics.shape[0] == 3
    with pytest.raises(SpecificationError, match="no neighbours"):
        nt.indices.moran(frame, "y", bare.set_axis(provinces["name_en"], axis=0).set_axis(provinces["name_en"], axis=1),
                         entity="province", time="year")
    with pytest.raises(SpecificationError, match="misses unit"):
        nt.indices.moran(frame, "y", w.drop(index="Tibet", columns="Tibet"), entity="province", time="year")
    regions = dict(zip(provinces["name_en"], provinces["region"]))
    frame["region"] = frame["province"].map({k: v for k, v in regions.items() if k != "Hainan"})
    with pytest.raises(PanelError, match="without a region"):
        nt.indices.dagum_gini(frame, "y", "region", time="year")


def test_bad_input():
    panel = _growth_panel()
    with pytest.raises(PanelError, match="unbalanced"):
        nt.indices.markov_chain(panel.iloc[1:], "y", entity="unit", time="year")
    with pytest.raises(PanelError, match="non-positive"):
        nt.indices.dagum_gini(panel.assign(y=-panel["y"]), "y", "unit", time="year")
    with pytest.raises(SpecificationError, match="effects"):
        nt.indices.beta_convergence(panel, "y", entity="unit", time="year", effects="random")
    with pytest.raises(PanelError, match="have no units in period"):
        frame = pd.DataFrame({"y": [1.0, 2.0, 3.0], "g": ["a", "b", "a"], "t": [1, 1, 2]})
        nt.indices.dagum_gini(frame, "y", "g", time="t")


def test_beta_convergence_refuses_what_it_cannot_estimate():
    """One unit has no cluster variance; a control collinear with the initial level (or constant within units
    under fixed effects) leaves beta unidentified: both are refused with the reason, never numbers."""
    panel = _growth_panel()
    one = panel[panel["unit"] == 0]
    with pytest.raises(PanelError, match=r"at least two units .*clustered by 'unit'\); there is 1"):
        nt.indices.beta_convergence(one, "y", entity="unit", time="year")
    collinear = panel.assign(level=np.log(panel["y"]) * 2.0 + 1.0)
    with pytest.raises(SpecificationError, match=r"control 'level' is \(nearly\) a linear combination .*initial log"):
        nt.indices.beta_convergence(collinear, "y", entity="unit", time="year", controls="level")
    fixed = panel.assign(region=panel["unit"] % 3)
    with pytest.raises(SpecificationError, match=r"control 'region' does not vary \(after the fixed effects"):
        nt.indices.beta_convergence(fixed, "y", entity="unit", time="year", effects="entity", controls="region")
    ok = nt.indices.beta_convergence(panel.assign(z=np.random.default_rng(0).normal(size=len(panel))), "y",
                                     entity="unit", time="year", controls="z")
    assert list(ok.params.index) == ["beta", "z", "const"] and np.isfinite(ok.std_errors).all()


def test_moran_on_a_constant_period_is_nan_with_a_warning_and_needs_four_units():
    """With no variance Moran's I is 0/0: NaN with its moments and permutation p-value, no quadrant, and an
    UndefinedStatisticWarning naming the period (before: permutation p-values of 0.01, every unit low-low)."""
    units = [f"u{i}" for i in range(6)]
    values = np.random.default_rng(0).uniform(1, 5, 18)
    values[1::3] = 2.0  # every unit has 2.0 in year 2
    frame = pd.DataFrame({"unit": np.repeat(units, 3), "year": np.tile([1, 2, 3], 6), "y": values})
    ring = np.roll(np.eye(6), 1, axis=1) + np.roll(np.eye(6), -1, axis=1)
    w = pd.DataFrame(ring, index=units, columns=units)
    constant = r"'y' is the same for every unit in period\(s\) \[2\]"
    with pytest.warns(nt.errors.UndefinedStatisticWarning, match=constant):
        stats = nt.indices.moran(frame, "y", w, entity="unit", time="year", permutations=19, seed=0).statistics
    assert stats.loc[2].isna().all() and stats.loc[[1, 3]].notna().all().all()
    with pytest.warns(nt.errors.UndefinedStatisticWarning, match=r"local Moran's I: .*period\(s\) \[2\]"):
        local = nt.indices.local_moran(frame, "y", w, entity="unit", time="year", permutations=19, seed=0).to_frame()
    year2 = local.xs(2, level="year")
    assert year2["I"].isna().all() and year2["p_sim"].isna().all() and (year2["cluster"] == "constant").all()
    assert local.xs(1, level="year")["I"].notna().all()
    small = frame[frame["unit"].isin(units[:3])]
    w3 = pd.DataFrame(1.0 - np.eye(3), index=units[:3], columns=units[:3])
    with pytest.raises(PanelError, match="at least four units .* the data have 3"):
        nt.indices.moran(small, "y", w3, entity="unit", time="year")


@pytest.mark.parametrize("kwargs, message", [
    ({"bandwidth": -0.5}, r"bandwidth must be 'scott', 'silverman' or a positive number, not -0.5"),
    ({"bandwidth": 0}, r"positive number, not 0"),
    ({"bandwidth": "scot"}, r"bandwidth='scot' is not valid"),
    ({"grid": 1}, r"grid must be at least 2 points"),
    ({"grid": np.array([[0.0, 1.0]])}, r"grid must be a number of points >= 2 or a 1-d array"),
])
def test_kernel_density_arguments_are_checked_for_sign_and_range(kwargs, message):
    """A negative bandwidth factor returned negative densities; now every bad bandwidth or grid is refused."""
    panel = _growth_panel()
    with pytest.raises(SpecificationError, match=message):
        nt.indices.kernel_densities(panel, "y", time="year", **kwargs)
    assert (nt.indices.kernel_densities(panel, "y", time="year", bandwidth=0.5).to_numpy() >= 0).all()


def test_moran_under_weights_that_leave_no_variance_says_so():
    """With every unit the neighbour of every other, I = -1/(n-1) whatever the data and its variance is 0: the
    z- and p-values are NaN with an UndefinedStatisticWarning, not a 0/0 RuntimeWarning."""
    units = [f"u{i}" for i in range(5)]
    frame = pd.DataFrame({"unit": np.repeat(units, 2), "year": np.tile([1, 2], 5),
                          "y": np.random.default_rng(1).uniform(1, 5, 10)})
    complete = pd.DataFrame(1.0 - np.eye(5), index=units, columns=units)
    with pytest.warns(nt.errors.UndefinedStatisticWarning, match=r"leave I no variance in period\(s\) \[1, 2\]"):
        stats = nt.indices.moran(frame, "y", complete, entity="unit", time="year").statistics
    np.testing.assert_allclose(stats["I"], -0.25, rtol=1e-12)
    assert stats[["z_norm", "p_norm", "z_rand", "p_rand"]].isna().all().all()
