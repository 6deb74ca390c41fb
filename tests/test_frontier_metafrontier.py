"""Metafrontiers and technology gap ratios (Battese, Rao and O'Donnell 2004; O'Donnell, Rao and Battese 2008):
the group frontiers are the distance run on each group alone, the metafrontier the distance run on all
groups, and meta efficiency = group efficiency x TGR with TGR in (0, 1]."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ArgumentError, PanelError, SpecificationError

KEYS = {"entity": "unit", "time": "year"}


def _panel(seed: int, units: int = 24, years: int = 3) -> pd.DataFrame:
    """Three groups whose technologies differ by a known shift in output (group c the best)."""
    rng = np.random.default_rng(seed)
    n = units * years
    x1, x2 = rng.uniform(1, 10, n), rng.uniform(1, 10, n)
    group = np.repeat(np.array(["a", "b", "c"])[np.arange(units) % 3], years)
    shift = pd.Series(group).map({"a": 0.7, "b": 0.85, "c": 1.0}).to_numpy()
    y = shift * x1**0.4 * x2**0.5 * np.exp(-np.abs(rng.normal(0, 0.3, n)))
    bad = x1**0.6 * rng.uniform(0.8, 1.2, n)
    return pd.DataFrame({"unit": np.repeat(np.arange(units), years), "year": np.tile(2001 + np.arange(years), units),
                         "g": group, "x1": x1, "x2": x2, "y": y, "b": bad})


@pytest.mark.parametrize("distance, bad, options", [
    ("dea", None, {"rts": "vrs", "orientation": "output"}),
    ("sbm", "b", {}),
    ("ddf", "b", {"rts": "vrs"}),
    ("nonradial_ddf", "b", {}),
])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_frontiers_equal_separate_calls_and_the_gap_ratio_is_at_most_one(distance, bad, options, seed):
    data = _panel(seed)
    res = nt.frontier.metafrontier(data, ["x1", "x2"], "y", bad, group="g", distance=distance, **KEYS, **options)
    frame = res.to_frame()
    assert (frame.tgr <= 1 + 1e-9).all() and (frame.tgr > 0).all()  # the metafrontier envelops every group
    function = getattr(nt.frontier, distance)
    extra = () if bad is None else (bad,)
    pooled = function(data, ["x1", "x2"], "y", *extra, **options, **KEYS).efficiency
    assert np.allclose(res.meta_efficiency.to_numpy(), pooled.reindex(frame.index).to_numpy(), atol=1e-10)
    for label, rows in data.groupby("g"):
        alone = function(rows, ["x1", "x2"], "y", *extra, **options, **KEYS).efficiency
        ours = frame.loc[frame.group == label, "group_efficiency"]
        assert np.allclose(ours.to_numpy(), alone.reindex(ours.index).to_numpy(), atol=1e-10)


def test_the_best_group_spans_the_metafrontier_and_the_others_have_gaps():
    res = nt.frontier.metafrontier(_panel(3, units=60), ["x1", "x2"], "y", group="g", **KEYS)
    means = res.by_group()["tgr"]
    assert means["c"] > means["b"] > means["a"]  # the output shifts 1 > 0.85 > 0.7
    assert means["c"] > 0.97 and means["a"] < 0.85
    assert res.by_group()["units"].sum() == 180 and (res.tfp == res.meta_efficiency).all()


def test_contemporaneous_frontiers_are_the_global_machinery_period_by_period():
    data = _panel(4)
    res = nt.frontier.metafrontier(data, ["x1", "x2"], "y", "b", group="g", distance="sbm",
                                   frontier="contemporaneous", **KEYS)
    for year, rows in data.groupby("year"):
        alone = nt.frontier.metafrontier(rows, ["x1", "x2"], "y", "b", group="g", distance="sbm", **KEYS)
        assert np.allclose(res.tgr.xs(year, level="year", drop_level=False).to_numpy(), alone.tgr.to_numpy())
    table = res.by_group()
    assert table.index.names == ["g", "year"] and len(table) == 9
    assert res.diagnostics.periods == 3 and "contemporaneous" in res.summary().as_text()


def test_the_province_panel_by_region():
    provinces = nt.datasets.load_gtfpch_provinces()
    regions = nt.datasets.china_provinces().set_index("name_pinyin")["region"]
    provinces["region"] = provinces["Province"].map(regions)
    res = nt.frontier.metafrontier(provinces, ["K", "L", "E"], "Y", "CO2", group="region", distance="sbm",
                                   entity="Province", time="year")
    tgr = res.by_group()["tgr"]
    assert tgr["east"] == pytest.approx(1.0) and (tgr.drop("east") < 1).all()
    assert "Metafrontier" in res.summary().as_text() and res.to_latex(caption="TGR").startswith("\\begin{table}")


def test_clear_errors():
    data = _panel(5)
    args = (data, ["x1", "x2"], "y")
    with pytest.raises(SpecificationError, match="'G'.*did you mean 'g'"):
        nt.frontier.metafrontier(*args, group="G", **KEYS)
    with pytest.raises(SpecificationError, match="one group"):
        nt.frontier.metafrontier(data.assign(g="a"), ["x1", "x2"], "y", group="g", **KEYS)
    with pytest.raises(SpecificationError, match="missing in row"):
        nt.frontier.metafrontier(data.assign(g=data.g.where(data.index != 4)), ["x1", "x2"], "y", group="g", **KEYS)
    with pytest.raises(SpecificationError, match="no undesirable outputs"):
        nt.frontier.metafrontier(*args, "b", group="g", **KEYS)
    with pytest.raises(SpecificationError, match="distance"):
        nt.frontier.metafrontier(*args, group="g", distance="hyperbolic", **KEYS)
    with pytest.raises(SpecificationError, match="pass time="):
        nt.frontier.metafrontier(*args, group="g", frontier="contemporaneous", entity="unit")
    with pytest.raises(ArgumentError, match="orientaton"):
        nt.frontier.metafrontier(*args, group="g", orientaton="output", **KEYS)
    with pytest.raises(SpecificationError, match="super_efficiency"):
        nt.frontier.metafrontier(*args, "b", group="g", distance="sbm", super_efficiency=True, **KEYS)
    with pytest.raises(PanelError, match="duplicate"):
        nt.frontier.metafrontier(pd.concat([data, data.iloc[:1]]), ["x1", "x2"], "y", group="g", **KEYS)
    before = data.copy()
    nt.frontier.metafrontier(*args, group="g", **KEYS)
    pd.testing.assert_frame_equal(data, before)


# ------------------------------------------------------------ the metafrontier Malmquist-Luenberger index
@pytest.fixture(scope="module")
def provinces():
    data = nt.datasets.load_gtfpch_provinces()
    regions = nt.datasets.china_provinces().set_index("name_pinyin")["region"]
    return data.assign(region=data["Province"].map(regions))


PROVINCE_KEYS = {"entity": "Province", "time": "year"}


@pytest.mark.parametrize("distance, options", [("ddf", {}), ("nonradial_ddf", {"rts": "vrs", "direction": "all"}),
                                               ("ebm", {"rts": "vrs"})])
def test_the_index_is_the_global_index_and_its_ratios_are_at_most_one(provinces, distance, options):
    res = nt.frontier.metafrontier_malmquist_luenberger(provinces, ["K", "L", "E"], "Y", "CO2", group="region",
                                                        distance=distance, **PROVINCE_KEYS, **options)
    changes = res.changes
    kind = {"ddf": "radial", "nonradial_ddf": "nonradial", "ebm": "ebm"}[distance]
    if distance == "ebm":  # the non-oriented EBM: the index's direction "all"
        options = {**options, "direction": "all"}
    glob = nt.frontier.malmquist_luenberger(provinces, ["K", "L", "E"], "Y", "CO2", frontier="global",
                                            distance=kind, **PROVINCE_KEYS, **options)
    assert np.allclose(changes.tfpch, glob.changes.tfpch.reindex(changes.index), rtol=1e-12)
    assert np.allclose(res.tfp, glob.tfp.reindex(res.tfp.index), rtol=1e-12)
    levels = res.levels  # each technology envelops the one before: contemporaneous, intertemporal, global
    assert (levels.bpr <= 1 + 1e-9).all() and (levels.tgr <= 1 + 1e-9).all()


def test_the_sbm_index_is_built_from_tones_sbm_at_the_three_technologies(provinces):
    res = nt.frontier.metafrontier_malmquist_luenberger(provinces, ["K", "L", "E"], "Y", "CO2", group="region",
                                                        distance="sbm", rts="vrs", **PROVINCE_KEYS)
    levels = res.levels
    te_g = nt.frontier.sbm(provinces, ["K", "L", "E"], "Y", "CO2", rts="vrs", **PROVINCE_KEYS).efficiency
    np.testing.assert_allclose(levels.te_global, te_g.reindex(levels.index), rtol=1e-9)
    for _, rows in provinces.groupby(["region", "year"]):
        alone = nt.frontier.sbm(rows, ["K", "L", "E"], "Y", "CO2", rts="vrs", **PROVINCE_KEYS).efficiency
        np.testing.assert_allclose(levels.te_contemporaneous.reindex(alone.index), alone, rtol=1e-9)
    for _, rows in provinces.groupby("region"):
        alone = nt.frontier.sbm(rows, ["K", "L", "E"], "Y", "CO2", rts="vrs", **PROVINCE_KEYS).efficiency
        np.testing.assert_allclose(levels.te_intertemporal.reindex(alone.index), alone, rtol=1e-9)
    changes = res.changes.dropna()
    np.testing.assert_allclose(changes.tfpch, changes.ec * changes.bpc * changes.tgc, rtol=1e-12)
    expected = te_g / te_g.groupby(level=0).shift(1)
    np.testing.assert_allclose(res.changes.tfpch, expected.reindex(res.changes.index), rtol=1e-9)
    assert (levels.bpr <= 1 + 1e-9).all() and (levels.tgr <= 1 + 1e-9).all()


def test_efficiency_change_is_the_contemporaneous_index_of_each_group(provinces):
    res = nt.frontier.metafrontier_malmquist_luenberger(provinces, ["K", "L", "E"], "Y", "CO2", group="region",
                                                        **PROVINCE_KEYS)
    for region, rows in provinces.groupby("region"):
        with pytest.warns(nt.errors.ConvergenceWarning):  # some cross-period LPs of a contemporaneous index
            alone = nt.frontier.malmquist_luenberger(rows, ["K", "L", "E"], "Y", "CO2", **PROVINCE_KEYS)
        assert np.allclose(res.changes.ec.reindex(alone.changes.index), alone.changes.tech, rtol=1e-12), region
        within = nt.frontier.malmquist_luenberger(rows, ["K", "L", "E"], "Y", "CO2", frontier="global",
                                                  **PROVINCE_KEYS)
        ours = res.changes.reindex(within.changes.index)
        assert np.allclose(ours.ec * ours.bpc, within.changes.tfpch, rtol=1e-12), region
    assert "ec x bpc x tgc" in res.summary().as_text()


def test_the_index_refuses_a_unit_that_changes_group_and_a_single_group(provinces):
    moved = provinces.copy()
    moved.loc[(moved.Province == "Anhui") & (moved.year == 2015), "region"] = "east"
    with pytest.raises(SpecificationError, match="changes within entity 'Anhui'"):
        nt.frontier.metafrontier_malmquist_luenberger(moved, ["K", "L", "E"], "Y", "CO2", group="region",
                                                      **PROVINCE_KEYS)
    with pytest.raises(SpecificationError, match="one group"):
        nt.frontier.metafrontier_malmquist_luenberger(provinces.assign(region="all"), ["K", "L", "E"], "Y", "CO2",
                                                      group="region", **PROVINCE_KEYS)
    with pytest.raises(SpecificationError, match="no undesirable outputs"):
        nt.frontier.metafrontier_malmquist_luenberger(provinces, ["K", "L", "E"], "Y", "CO2", group="region",
                                                      distance="dea", **PROVINCE_KEYS)


# ------------------------------------------------------------ the envelope of stochastic group frontiers
def _sfa_groups(seed: int, n: int = 150) -> pd.DataFrame:
    """Three groups of Cobb-Douglas frontiers in logs, group a above the others, half-normal inefficiency."""
    rng = np.random.default_rng(seed)
    frames = []
    for label, shift, beta_l in (("a", 0.0, 0.55), ("b", -0.3, 0.55), ("c", -0.5, 0.65)):
        capital, labour = rng.uniform(0, 3, n), rng.uniform(0, 3, n)
        y = 1 + shift + 0.35 * capital + beta_l * labour + rng.normal(0, 0.1, n) - np.abs(rng.normal(0, 0.3, n))
        frames.append(pd.DataFrame({"g": label, "k": capital, "l": labour, "y": y}))
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("envelope", ["lp", "qp"])
def test_the_sfa_envelope_lies_on_or_above_every_group_frontier(envelope):
    data = _sfa_groups(7)
    res = nt.frontier.sfa_metafrontier(data, "y", ["k", "l"], group="g", envelope=envelope)
    x = np.column_stack([np.ones(len(data)), data.k, data.l])
    own = np.einsum("ij,ij->i", x, res.group_params[list(data.g)].to_numpy().T)
    gaps = x @ res.meta_params.to_numpy() - own
    assert gaps.min() > -1e-7
    frame = res.to_frame()
    assert np.allclose(frame.tgr, np.exp(-np.maximum(gaps, 0)), rtol=1e-12)
    for label, rows in data.groupby("g"):  # the group frontiers are SFA on each group alone
        alone = nt.frontier.SFA(rows, "y", ["k", "l"]).fit()
        assert np.allclose(res.group_params[label], alone.params.iloc[:3], rtol=1e-10)
        assert np.allclose(frame.loc[rows.index, "group_efficiency"], alone.efficiency, rtol=1e-10)
    # the LP minimises the sum of the gaps, the QP their squares: each is best on its own criterion
    other = nt.frontier.sfa_metafrontier(data, "y", ["k", "l"], group="g", envelope="qp" if envelope == "lp" else "lp")
    other_gaps = x @ other.meta_params.to_numpy() - own
    if envelope == "lp":
        assert gaps.sum() <= other_gaps.sum() + 1e-7
    else:
        assert (gaps**2).sum() <= (other_gaps**2).sum() + 1e-7


def test_the_highest_group_spans_the_sfa_envelope_where_it_dominates():
    data = _sfa_groups(7)
    res = nt.frontier.sfa_metafrontier(data, "y", ["k", "l"], group="g")
    tgr = res.by_group()["tgr"]
    assert tgr["a"] > tgr["b"] and tgr["a"] > 0.95 and tgr["b"] < 0.85
    assert res.diagnostics.frontier == "lp envelope" and "sfa" in res.summary().as_text()
    with pytest.raises(SpecificationError, match="envelope"):
        nt.frontier.sfa_metafrontier(data, "y", ["k", "l"], group="g", envelope="minimax")
    with pytest.raises(ArgumentError, match="distributon"):
        nt.frontier.sfa_metafrontier(data, "y", ["k", "l"], group="g", distributon="exponential")


def _six_technologies(seed: int = 0, n: int = 150) -> pd.DataFrame:
    """Six groups of Cobb-Douglas frontiers below a common best practice by half-normal shifts, with slopes
    of their own (so the gaps vary with the inputs), normal noise and half-normal inefficiency."""
    rng = np.random.default_rng(seed)
    frames = []
    for g in range(6):
        shift, beta_k, beta_l = -abs(rng.normal(0, 0.25)), 0.35 + rng.normal(0, 0.05), 0.55 + rng.normal(0, 0.05)
        capital, labour = rng.uniform(0, 3, n), rng.uniform(0, 3, n)
        y = 1 + shift + beta_k * capital + beta_l * labour + rng.normal(0, 0.1, n) - np.abs(rng.normal(0, 0.3, n))
        frames.append(pd.DataFrame({"g": f"g{g}", "shift": shift, "k": capital, "l": labour, "y": y}))
    return pd.concat(frames, ignore_index=True)


def test_the_stochastic_metafrontier_is_an_sfa_of_the_fitted_group_frontiers():
    data = _six_technologies()
    res = nt.frontier.sfa_metafrontier(data, "y", ["k", "l"], group="g", envelope="stochastic")
    x = np.column_stack([np.ones(len(data)), data.k, data.l])
    own = np.einsum("ij,ij->i", x, res.group_params[list(data.g)].to_numpy().T)
    # the second stage, fitted here by hand on the fitted group frontiers (Huang, Huang and Liu 2014)
    stage = nt.frontier.SFA(data.assign(fitted=own), "fitted", ["k", "l"]).fit()
    pd.testing.assert_series_equal(res.meta_params, stage.params.rename("meta"), rtol=1e-10)
    frame = res.to_frame()
    np.testing.assert_allclose(frame.tgr, stage.efficiency, rtol=1e-10)
    np.testing.assert_allclose(frame.meta_efficiency, frame.group_efficiency * frame.tgr, rtol=1e-12)
    assert res.meta_fit is not None and np.isfinite(res.meta_fit.std_errors).all()
    # the groups' mean gaps rank them as the deterministic envelope's do (here g0 closest, g1 furthest)
    deterministic = nt.frontier.sfa_metafrontier(data, "y", ["k", "l"], group="g")
    tgr = res.by_group()["tgr"]
    assert list(tgr.sort_values().index) == list(deterministic.by_group()["tgr"].sort_values().index)
    assert res.diagnostics.frontier == "stochastic metafrontier"
    assert "Huang, Huang and Liu 2014" in res.summary().as_text()
    assert deterministic.meta_fit is None and "Battese, Rao and O'Donnell 2004" in deterministic.summary().as_text()


def test_ebm_metafrontier_uses_one_epsilon_at_every_frontier():
    rng = np.random.default_rng(3)
    data = pd.DataFrame(rng.uniform(1, 10, (60, 3)), columns=["x1", "x2", "y"]).assign(g=np.repeat(["a", "b"], 30))
    res = nt.frontier.metafrontier(data, ["x1", "x2"], "y", group="g", distance="ebm")
    pooled = nt.frontier.ebm(data, ["x1", "x2"], "y")
    frame = res.to_frame()
    np.testing.assert_allclose(frame.meta_efficiency, pooled.efficiency, rtol=1e-9)
    kw = {"epsilon": tuple(pooled.epsilon), "weights": dict(pooled.weights)}
    for _, rows in data.groupby("g"):  # the group frontiers: the EBM of each group alone, same epsilon
        alone = nt.frontier.ebm(rows, ["x1", "x2"], "y", **kw)
        np.testing.assert_allclose(frame.loc[rows.index, "group_efficiency"], alone.efficiency, rtol=1e-9)
    np.testing.assert_allclose(frame.meta_efficiency, frame.group_efficiency * frame.tgr, rtol=1e-12)
    assert (frame.tgr <= 1 + 1e-9).all()


@pytest.mark.parametrize("affinity", ["joint", "separate"])
def test_ebm_metafrontier_with_bad_outputs_is_the_ebm_of_each_frontier(affinity):
    rng = np.random.default_rng(4)
    data = pd.DataFrame(rng.uniform(1, 10, (60, 5)), columns=["x1", "x2", "y", "b1", "b2"])
    data["g"] = np.repeat(["a", "b"], 30)
    res = nt.frontier.metafrontier(data, ["x1", "x2"], "y", ["b1", "b2"], group="g", distance="ebm", rts="vrs",
                                   bad_output_affinity=affinity)
    pooled = nt.frontier.ebm(data, ["x1", "x2"], "y", ["b1", "b2"], rts="vrs", bad_output_affinity=affinity)
    frame = res.to_frame()
    np.testing.assert_allclose(frame.meta_efficiency, pooled.efficiency, rtol=1e-9)
    kw = {"epsilon": tuple(pooled.epsilon), "weights": dict(pooled.weights), "bad_output_affinity": affinity}
    for _, rows in data.groupby("g"):
        alone = nt.frontier.ebm(rows, ["x1", "x2"], "y", ["b1", "b2"], rts="vrs", **kw)
        np.testing.assert_allclose(frame.loc[rows.index, "group_efficiency"], alone.efficiency, rtol=1e-9)
    np.testing.assert_allclose(frame.meta_efficiency, frame.group_efficiency * frame.tgr, rtol=1e-12)
    with pytest.raises(SpecificationError, match="undesirable"):
        nt.frontier.metafrontier(data, ["x1", "x2"], "y", "b1", group="g", distance="dea")
