"""The index rule: wherever entity and time are known, every per-observation output of every family (TFP,
efficiency, scores, distances, slacks, markups, index values) is labelled by (entity, time), so results of
different families line up without set_index or reset_index."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError

KEYS = ["firm", "year"]


def _firm_panel() -> pd.DataFrame:
    """A small panel in an order that is not sorted by the keys, with a row index that means nothing."""
    rng = np.random.default_rng(3)
    n, years = 12, [2001, 2002, 2003]
    frame = pd.DataFrame({"firm": np.repeat([f"f{i:02d}" for i in range(n)], len(years)),
                          "year": np.tile(years, n)})
    x = rng.uniform(1.0, 3.0, (len(frame), 2))
    frame["x0"], frame["x1"] = x[:, 0], x[:, 1]
    frame["y"] = x[:, 0] ** 0.4 * x[:, 1] ** 0.5 * rng.uniform(0.6, 1.0, len(frame))
    frame["b"] = frame["y"] * rng.uniform(0.2, 0.4, len(frame))
    frame["green"] = rng.uniform(0.1, 1.0, len(frame))
    return frame.sample(frac=1.0, random_state=1).set_axis(np.arange(100, 100 + len(frame)))


def _labelled(obj: pd.Series | pd.DataFrame, names: list[str] = KEYS) -> bool:
    return list(obj.index.names) == names and obj.index.is_unique


def test_frontier_scores_take_entity_and_time():
    data = _firm_panel()
    for res in (nt.frontier.dea(data, ["x0", "x1"], "y", entity="firm", time="year"),
                nt.frontier.sbm(data, ["x0", "x1"], "y", "b", entity="firm", time="year"),
                nt.frontier.ddf(data, ["x0", "x1"], "y", "b", entity="firm", time="year"),
                nt.frontier.nonradial_ddf(data, ["x0", "x1"], "y", "b", entity="firm", time="year")):
        assert _labelled(res.tfp) and _labelled(res.to_frame())
    plain = nt.frontier.dea(data, ["x0", "x1"], "y")
    keyed = nt.frontier.dea(data, ["x0", "x1"], "y", entity="firm", time="year")
    assert plain.efficiency.index.equals(data.index)  # without keys: the data's own index
    np.testing.assert_array_equal(plain.efficiency.to_numpy(), keyed.efficiency.to_numpy())
    assert _labelled(keyed.slacks) and set(keyed.peers["dmu"]) <= set(keyed.efficiency.index)
    one_year = data[data.year == 2002]
    cross = nt.frontier.dea(one_year, ["x0", "x1"], "y", entity="firm")
    assert list(cross.efficiency.index.names) == ["firm"]
    with pytest.raises(PanelError, match=r"duplicate firm keys.*pass time= too"):
        nt.frontier.dea(data, ["x0", "x1"], "y", entity="firm")


def test_production_sfa_and_markups_are_labelled_by_the_keys():
    data = nt.simulate_markups(60, 4, seed=2).sample(frac=1.0, random_state=0)
    data.index = np.arange(len(data)) * 7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nt.errors.ConvergenceWarning)
        fit = nt.ACF(data, "y", free=["l", "m"], state="k", proxy="inv", entity="firm", time="year",
                     value_added=False, proxy_input=False, starts=16).fit()
    for part in (fit.tfp, fit.elasticities, fit.first_stage_residuals, fit.to_frame()):
        assert _labelled(part)
    sfa = nt.frontier.SFA(data, "y", ["l", "k", "m"], entity="firm", time="year", model="bc92").fit()
    assert _labelled(sfa.efficiency) and _labelled(sfa.to_frame())
    mk = nt.markups(data, results=fit, input="m", revenue="sales", cost="materials_cost")
    assert _labelled(mk.markups) and _labelled(mk.to_frame())
    # the markup of a firm-year uses that firm-year's elasticity, whatever the row order
    row = data.iloc[5]
    key = (row["firm"], row["year"])
    share = row["materials_cost"] / (row["sales"] / np.exp(fit.first_stage_residuals[key]))
    assert mk.markups[key] == pytest.approx(fit.elasticities.loc[key, "m"] / share, rel=1e-12)


def test_indices_and_analyses_are_labelled_by_the_keys():
    data = _firm_panel()
    index = nt.indices.composite_index(data, {"y": "+", "green": "+", "b": "-"}, entity="firm", time="year")
    for part in (index.scores, index.normalized, index.to_frame(), index.obstacle_degree(),
                 nt.indices.normalize(data, {"y": "+", "b": "-"}, entity="firm", time="year")):
        assert _labelled(part)
    scored = data.join(index.scores.rename("nqpf"), on=KEYS)
    beta = nt.indices.beta_convergence(scored, "nqpf", entity="firm", time="year")
    assert _labelled(beta.to_frame())


def test_results_of_different_families_line_up_without_reindexing():
    """A green TFP index, a composite index and a production fit on the same panel join as they are."""
    data = _firm_panel()
    gml = nt.frontier.malmquist_luenberger(data, ["x0", "x1"], "y", "b", entity="firm", time="year",
                                           frontier="global")
    sbm = nt.frontier.sbm(data, ["x0", "x1"], "y", "b", entity="firm", time="year")
    composite = nt.indices.composite_index(data, {"y": "+", "green": "+"}, entity="firm", time="year")
    panel = data.assign(ly=np.log(data.y), lx0=np.log(data.x0), lx1=np.log(data.x1))
    ols = nt.OLS(panel, "ly", ["lx0"], "lx1", entity="firm", time="year").fit()
    merged = pd.concat({"gml": gml.tfp, "sbm": sbm.efficiency, "nqpf": composite.scores, "tfp": ols.tfp}, axis=1)
    assert len(merged) == len(data) and merged[["sbm", "nqpf", "tfp"]].notna().all().all()
    key = (data.iloc[0]["firm"], data.iloc[0]["year"])
    assert merged.loc[key, "sbm"] == sbm.efficiency[key] and merged.loc[key, "tfp"] == ols.tfp[key]


def test_a_two_level_index_is_taken_as_the_keys():
    eg1 = pd.read_csv(Path(__file__).parent / "data" / "coelli1998_deap_eg1.csv")
    keyed = eg1.assign(year=2000).set_index(["dmus", "year"])
    res = nt.frontier.dea(keyed, ["input1", "input2"], "output")
    assert list(res.efficiency.index.names) == ["dmus", "year"]
