"""Directional distances and the Malmquist-Luenberger / Luenberger indices.

Without bad outputs, under CRS and with the output direction g = (0, y, 0), 1 + D equals the output
expansion factor phi = 1 / (Shephard's output distance), so the Malmquist-Luenberger index and its
split must equal the output-oriented DEA-Malmquist index and its (effch, techch) exactly: an
independent check through a different LP.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, PanelError, SpecificationError


def _panel(seed=0, firms=15, years=3):
    rng = np.random.default_rng(seed)
    rows = [{"firm": f, "year": 2010 + t, "k": rng.uniform(1, 10), "l": rng.uniform(1, 10),
             "y": rng.uniform(1, 10) * 1.04**t, "co2": rng.uniform(1, 10) * 0.98**t}
            for f in range(firms) for t in range(years)]
    return pd.DataFrame(rows)


def test_ml_without_bad_outputs_equals_the_output_malmquist():
    data = _panel()
    kw = {"entity": "firm", "time": "year"}
    ml = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", **kw).changes
    m = nt.frontier.malmquist(data, ["k", "l"], "y", orientation="output", **kw).changes
    np.testing.assert_allclose(ml.tfpch, m.tfpch, rtol=1e-8)
    np.testing.assert_allclose(ml.tech, m.effch, rtol=1e-8)
    np.testing.assert_allclose(ml.tecch, m.techch, rtol=1e-8)


@pytest.mark.parametrize("frontier", ["contemporaneous", "sequential", "global"])
def test_identities_with_a_bad_output(frontier):
    data = _panel(seed=1)
    kw = {"entity": "firm", "time": "year", "frontier": frontier}
    with warnings.catch_warnings(record=True) as caught:  # cross-period distances with a bad output can be
        warnings.simplefilter("always")                   # infeasible: NaN and a warning, never a number
        ml = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", **kw).changes
        lu = nt.frontier.luenberger(data, ["k", "l"], "y", "co2", **kw).changes
    finite = ml.notna().all(axis=1)
    assert all(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert bool(caught) == (not finite.all())  # warned exactly when some change is NaN
    assert finite.mean() > 0.5
    np.testing.assert_allclose(ml.tfpch[finite], (ml.tech * ml.tecch)[finite], rtol=1e-12)
    np.testing.assert_allclose(lu.tfpch[finite], (lu.tech + lu.tecch)[finite], rtol=1e-12, atol=1e-14)
    if frontier == "global":
        assert finite.all()  # the global frontier is always feasible
        d = nt.frontier.ddf(data, ["k", "l"], "y", "co2")
        assert (d.distance >= -1e-9).all()


def test_distances_on_the_own_frontier_and_unit_invariance():
    data = _panel(seed=2, years=1)
    a = nt.frontier.ddf(data, ["k", "l"], "y", "co2")
    assert (a.distance >= -1e-9).all() and (a.distance < 1e-9).any() and (a.status == "optimal").all()
    b = nt.frontier.ddf(data.assign(co2=data.co2 * 1e6, k=data.k / 1e3), ["k", "l"], "y", "co2")
    np.testing.assert_allclose(a.distance, b.distance, rtol=1e-8, atol=1e-12)
    vrs = nt.frontier.ddf(data, ["k", "l"], "y", "co2", rts="vrs")
    assert (vrs.distance <= a.distance + 1e-9).all()  # a VRS frontier is closer
    both = nt.frontier.ddf(data, ["k", "l"], "y", "co2", direction="all")
    assert (both.distance <= a.distance + 1e-9).all()  # contracting inputs too reaches the frontier sooner


def test_infeasible_cross_period_distances_are_reported():
    # VRS with a unit whose next-year bad output lies outside the previous frontier's range: infeasible
    data = pd.DataFrame({"firm": [1, 2, 1, 2], "year": [1, 1, 2, 2], "x": [1.0, 2.0, 1.0, 2.0],
                         "y": [1.0, 2.0, 1.0, 2.0], "b": [1.0, 2.0, 5.0, 2.0]})
    with pytest.warns(ConvergenceWarning, match="are NaN"):
        ml = nt.frontier.malmquist_luenberger(data, "x", "y", "b", entity="firm", time="year", rts="vrs")
    assert ml.tfpch.isna().any() and ml.diagnostics.missing_pairs == int(ml.tfpch.isna().sum())
    assert ml.tfp.isna().any()  # the chained index is unknown after a missing change, never a number
    glob = nt.frontier.malmquist_luenberger(data, "x", "y", "b", entity="firm", time="year", rts="vrs",
                                            frontier="global")
    assert glob.changes.notna().all().all() and glob.diagnostics.missing_pairs == 0


@pytest.mark.parametrize("call, error, message", [
    (lambda d: nt.frontier.ddf(d, "k", "y", "co2", rts="nirs"), SpecificationError, "take 'crs' or 'vrs'"),
    (lambda d: nt.frontier.ddf(d, "k", "y", "co2", direction="inputs"), SpecificationError, "direction="),
    (lambda d: nt.frontier.ddf(d, "k", "y", "k"), SpecificationError, "two roles"),
    (lambda d: nt.frontier.ddf(d.assign(co2=-1.0), "k", "y", "co2"), PanelError, "bad output column 'co2'"),
    (lambda d: nt.frontier.malmquist_luenberger(d, "k", "y", entity="firm", time="year", frontier="adjacent"),
     SpecificationError, "frontier='adjacent'"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call(_panel(seed=3))


def test_global_ml_splits_into_contemporaneous_efficiency_change_and_best_practice_gap_change():
    # Oh (2010): GML = (1 + D^G(t)) / (1 + D^G(t+1)); efficiency change against each period's own frontier
    data = _panel(seed=4, firms=20, years=3)
    kw = {"entity": "firm", "time": "year"}
    gml = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", frontier="global", **kw).changes
    pooled = nt.frontier.ddf(data, ["k", "l"], "y", "co2", frame=False).distance
    own = pd.concat([nt.frontier.ddf(g, ["k", "l"], "y", "co2", frame=False).distance
                     for _, g in data.groupby("year")]).reindex(data.index)
    key = data.set_index(["firm", "year"]).index
    pooled.index = own.index = key
    for firm, year in [(0, 2011), (7, 2012), (19, 2011)]:
        row = gml.loc[(firm, year)]
        assert row.tfpch == pytest.approx((1 + pooled[(firm, year - 1)]) / (1 + pooled[(firm, year)]), rel=1e-8)
        assert row.tech == pytest.approx((1 + own[(firm, year - 1)]) / (1 + own[(firm, year)]), rel=1e-8)
    assert not np.allclose(gml.tecch, 1.0)


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("direction", ["outputs", "all"])
def test_the_frame_gives_the_distances_of_the_whole_reference_set(rts, direction):
    rng = np.random.default_rng(9)
    data = pd.DataFrame(rng.uniform(1, 10, (300, 5)), columns=["k", "l", "e", "y", "co2"])
    kw = {"rts": rts, "direction": direction}
    full = nt.frontier.ddf(data, ["k", "l", "e"], "y", "co2", frame=False, **kw)
    reduced = nt.frontier.ddf(data, ["k", "l", "e"], "y", "co2", **kw)
    pd.testing.assert_series_equal(reduced.status, full.status)
    np.testing.assert_allclose(reduced.distance, full.distance, rtol=0, atol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cross = [nt.frontier.ddf(data.iloc[150:], ["k", "l", "e"], "y", "co2", reference=data.iloc[:150],
                                 frame=f, **kw) for f in (True, False)]
    pd.testing.assert_series_equal(cross[0].status, cross[1].status)
    np.testing.assert_allclose(cross[0].distance, cross[1].distance, rtol=0, atol=1e-9)


def test_biennial_ml_is_always_feasible_and_pools_the_two_periods():
    # Pastor, Asmild and Lovell (2011): the frontier of periods t and t+1 pooled. With two periods it is the
    # global frontier; with three each pair has its own; efficiency change stays contemporaneous
    data = _panel(seed=6, firms=20, years=3)
    kw = {"entity": "firm", "time": "year"}
    bi = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", frontier="biennial", **kw).changes
    assert bi.notna().all().all()
    np.testing.assert_allclose(bi.tfpch, bi.tech * bi.tecch, rtol=1e-12)
    two = data[data.year < 2012]
    np.testing.assert_allclose(
        nt.frontier.malmquist_luenberger(two, ["k", "l"], "y", "co2", frontier="biennial", **kw).changes.to_numpy(),
        nt.frontier.malmquist_luenberger(two, ["k", "l"], "y", "co2", frontier="global", **kw).changes.to_numpy(),
        rtol=1e-9)
    pair = data[data.year >= 2011]
    pooled = nt.frontier.ddf(pair, ["k", "l"], "y", "co2", frame=False).distance
    pooled.index = pd.MultiIndex.from_frame(pair[["firm", "year"]])
    expected = (1 + pooled.xs(2011, level="year")) / (1 + pooled.xs(2012, level="year"))
    np.testing.assert_allclose(bi.tfpch.xs(2012, level="year"), expected, rtol=1e-9)
    lu = nt.frontier.luenberger(data, ["k", "l"], "y", "co2", frontier="biennial", **kw)
    np.testing.assert_allclose(lu.tfpch.xs(2012, level="year"),
                               pooled.xs(2011, level="year") - pooled.xs(2012, level="year"), atol=1e-9)


def test_index_results_contract():
    data = _panel(seed=7, firms=10, years=3)
    kw = {"entity": "firm", "time": "year", "frontier": "global"}
    ml = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", **kw)
    lu = nt.frontier.luenberger(data, ["k", "l"], "y", "co2", **kw)
    assert isinstance(ml, nt.results.TFPResults) and ml.tfp_scale == "level" and lu.tfp_scale == "log"
    # chained: first period 1 (index) or 0 (indicator), then the running product / sum of tfpch
    cum, cum_l = ml.tfp.unstack("year"), lu.tfp.unstack("year")
    assert (cum[2010] == 1).all() and (cum_l[2010] == 0).all()
    np.testing.assert_allclose(cum[2012], ml.tfpch.groupby(level=0).prod(), rtol=1e-12)
    np.testing.assert_allclose(cum_l[2012], lu.tfpch.groupby(level=0).sum(), atol=1e-12)
    np.testing.assert_allclose(ml.by_period().tfpch, np.exp(np.log(ml.tfpch).groupby(level=1).mean()), rtol=1e-12)
    np.testing.assert_allclose(lu.by_entity().tech, lu.tech.groupby(level=0).mean(), atol=1e-12)
    text = str(ml.summary())
    assert "Malmquist-Luenberger" in text and "global frontier" in text and "Geometric" in text
    assert "Arithmetic" in str(lu.summary())
    assert {"tfpch", "tech", "tecch", "cumulative_tfp"} <= set(ml.to_frame())
    assert ml.diagnostics.index == "malmquist-luenberger" and lu.diagnostics.distance == "radial"
    ax = ml.plot()
    assert ax.get_ylabel().startswith("cumulative")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_a_given_direction():
    data = _panel(seed=10, years=1)
    # the direction (0, y, b) given as columns is the "outputs" direction
    as_columns = nt.frontier.ddf(data, ["k", "l"], "y", "co2", direction={"y": "y", "co2": "co2"})
    named = nt.frontier.ddf(data, ["k", "l"], "y", "co2")
    np.testing.assert_allclose(as_columns.distance, named.distance, atol=1e-9)
    assert as_columns.diagnostics.direction == "given"
    # a unit direction in data units: D units of GDP added and of CO2 removed; scaling g by c divides D by c
    unit = nt.frontier.ddf(data, ["k", "l"], "y", "co2", direction={"y": 1.0, "co2": 1.0})
    half = nt.frontier.ddf(data, ["k", "l"], "y", "co2", direction={"y": 2.0, "co2": 2.0})
    np.testing.assert_allclose(half.distance, unit.distance / 2, atol=1e-9)
    # feasibility of the projection, checked with an independent LP on the data's units
    from scipy.optimize import linprog

    x, y, b = data[["k", "l"]].to_numpy(), data["y"].to_numpy(), data["co2"].to_numpy()
    for o in (0, 3, 9):
        n = len(data)  # max beta: X lam <= x_o, Y lam >= y_o + beta, B lam = b_o - beta
        c = np.r_[-1.0, np.zeros(n)]
        a_ub = np.vstack([np.c_[np.zeros(2), x.T], np.r_[1.0, -y][None, :]])
        res = linprog(c, A_ub=a_ub, b_ub=np.r_[x[o], -y[o]], A_eq=np.r_[1.0, b][None, :], b_eq=[b[o]],
                      bounds=[(None, None)] + [(0, None)] * n, method="highs")
        assert unit.distance.iloc[o] == pytest.approx(-res.fun, abs=1e-8)
    for direction, words in [({"gdp": 1.0}, "not among"), ({"y": -1.0}, "non-negative"), ({"k": 0.0}, "zero")]:
        with pytest.raises(SpecificationError, match=words):
            nt.frontier.ddf(data, ["k", "l"], "y", "co2", direction=direction)


@pytest.mark.parametrize("backend", ["processes", "threads"])
def test_distances_and_indices_do_not_depend_on_n_jobs(backend):
    data = _panel(seed=11, firms=60, years=3)
    kw = {"entity": "firm", "time": "year"}
    for frontier in ("contemporaneous", "global"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            one = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", frontier=frontier, **kw)
            two = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", frontier=frontier, n_jobs=2,
                                                   backend=backend, **kw)
        pd.testing.assert_frame_equal(two.changes, one.changes, rtol=0, atol=1e-9)
    units = data[data.year == 2010]
    pd.testing.assert_series_equal(
        nt.frontier.ddf(units, ["k", "l"], "y", "co2", n_jobs=2, backend=backend).distance,
        nt.frontier.ddf(units, ["k", "l"], "y", "co2").distance, rtol=0, atol=1e-9)


def test_window_frontiers():
    # each period's frontier pools the window= periods centred on it (Tulkens and van den Eeckaut 1995):
    # width 1 is the contemporaneous frontier; a window covering every period pools them all
    data = _panel(seed=12, firms=15, years=4)
    kw = {"entity": "firm", "time": "year"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        one = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", frontier="window", window=1, **kw)
        con = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", **kw)
    pd.testing.assert_frame_equal(one.changes, con.changes)
    wide = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", frontier="window", window=7, **kw)
    glob = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", frontier="global", **kw)
    np.testing.assert_allclose(wide.tfpch, glob.tfpch, rtol=1e-9)
    np.testing.assert_allclose(wide.tecch, 1.0, rtol=1e-9)  # one frontier for all: no technical change
    # width 3: 2011's frontier is 2010-2012; the 2011 -> 2012 efficiency change uses 2011's and 2012's windows
    three = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", frontier="window", window=3, **kw)
    key = pd.MultiIndex.from_frame(data[["firm", "year"]])

    def own(year, window_years):
        units = data[data.year == year]
        d = nt.frontier.ddf(units, ["k", "l"], "y", "co2", reference=data[data.year.isin(window_years)],
                            frame=False).distance
        return d.set_axis(key[data.year == year]).droplevel("year")

    tech = (1 + own(2011, [2010, 2011, 2012])) / (1 + own(2012, [2011, 2012, 2013]))
    np.testing.assert_allclose(three.tech.xs(2012, level="year"), tech, rtol=1e-9)
    for bad in (2, 0, "3"):
        with pytest.raises(SpecificationError, match="odd whole number"):
            nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", frontier="window", window=bad, **kw)
    with pytest.raises(SpecificationError, match="needs frontier='window'"):
        nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", window=3, **kw)
