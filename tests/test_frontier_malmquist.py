"""DEA-Malmquist: the decomposition's identities, the one-input closed form, frontiers, unit invariance.

With one input and one output under CRS, every distance is the unit's y/x over the frontier's best
y/x, so the contemporaneous Malmquist index is the ratio of the unit's productivity in the two periods
(the frontier terms cancel in the geometric mean); the global index is the same ratio.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, PanelError, SpecificationError


def _panel(seed=0, firms=12, years=4, inputs=2, outputs=2):
    rng = np.random.default_rng(seed)
    rows = []
    for f in range(firms):
        for t in range(years):
            rows.append({"firm": f, "year": 2000 + t, **{f"x{i}": rng.uniform(1, 10) for i in range(inputs)},
                         **{f"y{r}": rng.uniform(1, 10) * (1.05 ** t) for r in range(outputs)}})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("frontier", ["contemporaneous", "sequential", "global"])
def test_decomposition_identities(frontier):
    data = _panel()
    res = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], entity="firm", time="year", frontier=frontier)
    c = res.changes
    np.testing.assert_allclose(c.tfpch, c.effch * c.techch, rtol=1e-12)
    np.testing.assert_allclose(c.effch, c.pech * c.sech, rtol=1e-12)
    assert len(c) == 12 * 3 and np.isfinite(c.to_numpy()).all()
    # cumulative index: first period 1, then the running product of tfpch
    cum = res.tfp.unstack("year")
    assert (cum[2000] == 1).all()
    np.testing.assert_allclose(cum[2003], c.tfpch.groupby(level=0).prod(), rtol=1e-12)
    by_period = res.by_period()
    np.testing.assert_allclose(by_period.tfpch, np.exp(np.log(c.tfpch).groupby(level=1).mean()), rtol=1e-12)


def test_one_input_one_output_is_the_productivity_ratio():
    data = _panel(seed=1, inputs=1, outputs=1)
    ratio = (data.y0 / data.x0).groupby(data.firm).transform(lambda s: s / s.shift())
    expected = ratio[data.year > 2000].to_numpy()
    for frontier in ("contemporaneous", "global"):
        res = nt.frontier.malmquist(data, "x0", "y0", entity="firm", time="year", frontier=frontier)
        np.testing.assert_allclose(res.changes.tfpch.to_numpy(), expected, rtol=1e-9)


def test_orientations_agree_under_crs_and_units_do_not_matter():
    data = _panel(seed=2)
    kw = {"entity": "firm", "time": "year"}
    a = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], **kw).changes
    b = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], orientation="output", **kw).changes
    np.testing.assert_allclose(a[["effch", "techch", "tfpch"]], b[["effch", "techch", "tfpch"]], rtol=1e-8)
    c = nt.frontier.malmquist(data.assign(x0=data.x0 * 1e6), ["x0", "x1"], ["y0", "y1"], **kw).changes
    np.testing.assert_allclose(a, c, rtol=1e-8)


def test_sequential_frontier_never_regresses():
    data = _panel(seed=3)
    data.loc[data.year == 2002, ["y0", "y1"]] *= 0.5  # a bad year: the contemporaneous frontier falls
    seq = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], entity="firm", time="year", frontier="sequential")
    con = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], entity="firm", time="year")
    assert con.by_period().techch.loc[2002] < 0.9
    assert (seq.by_period().techch.loc[2002] >= con.by_period().techch.loc[2002])


@pytest.mark.parametrize("call, error, message", [
    (lambda d: nt.frontier.malmquist(d, "x0", "y0", entity="firm", time="year", frontier="window"),
     SpecificationError, "frontier='window'"),
    (lambda d: nt.frontier.malmquist(d, "x0", [], entity="firm", time="year"), SpecificationError, "at least one"),
    (lambda d: nt.frontier.malmquist(d[d.year == 2000], "x0", "y0", entity="firm", time="year"), PanelError,
     "at least two periods"),
    (lambda d: nt.frontier.malmquist(d.assign(x0=-d.x0), "x0", "y0", entity="firm", time="year"), PanelError,
     "input column 'x0' has negative"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call(_panel(seed=4, inputs=1, outputs=1))


def test_results_contract():
    res = nt.frontier.malmquist(_panel(), ["x0", "x1"], ["y0", "y1"], entity="firm", time="year")
    assert res.tfp_scale == "level" and "tfpch" in res.summary().as_text()
    assert list(res.to_frame().columns) == ["effch", "techch", "pech", "sech", "tfpch", "cumulative_tfp"]
    fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    plt.close(fig)


def test_global_index_splits_into_contemporaneous_efficiency_change_and_best_practice_gap_change():
    # Pastor and Lovell (2005): M^G = E^G(t+1) / E^G(t) = EC x BPC, EC against each period's own frontier
    data = _panel(seed=5)
    kw = {"entity": "firm", "time": "year"}
    glob = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], frontier="global", **kw).changes
    con = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], **kw).changes
    np.testing.assert_allclose(glob.effch, con.effch, rtol=1e-9)
    np.testing.assert_allclose(glob.pech, con.pech, rtol=1e-9)
    pooled = nt.frontier.dea(data, ["x0", "x1"], ["y0", "y1"], frame=False, slacks=False).efficiency
    pooled.index = pd.MultiIndex.from_frame(data[["firm", "year"]])
    expected = (pooled / pooled.groupby(level="firm").shift(1)).dropna()
    np.testing.assert_allclose(glob.tfpch.reindex(expected.index), expected, rtol=1e-9)
    assert not np.allclose(glob.techch, 1.0)


def test_biennial_index_pools_the_two_periods():
    data = _panel(seed=6)
    kw = {"entity": "firm", "time": "year"}
    bi = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], frontier="biennial", **kw)
    con = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], **kw)
    np.testing.assert_allclose(bi.changes.effch, con.changes.effch, rtol=1e-9)
    np.testing.assert_allclose(bi.changes.tfpch, bi.changes.effch * bi.changes.techch, rtol=1e-12)
    pair = data[data.year.isin([2001, 2002])]
    pooled = nt.frontier.dea(pair, ["x0", "x1"], ["y0", "y1"], frame=False, slacks=False).efficiency
    pooled.index = pd.MultiIndex.from_frame(pair[["firm", "year"]])
    expected = pooled.xs(2002, level="year") / pooled.xs(2001, level="year")
    np.testing.assert_allclose(bi.changes.tfpch.xs(2002, level="year"), expected, rtol=1e-9)


def test_ray_desli_decomposition_from_vrs_frontiers():
    # Ray and Desli (1997): techch on VRS frontiers, sech from the scale efficiencies S = E_crs / E_vrs of
    # both periods' frontiers; tfpch and pech as in FGNZ. Checked against DEA scores computed one by one
    import warnings

    data = _panel(seed=8)
    kw = {"entity": "firm", "time": "year"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # cross-period VRS problems may be infeasible
        rd = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], decomposition="rd", **kw).changes
    fgnz = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], **kw).changes
    np.testing.assert_allclose(rd.tfpch, fgnz.tfpch, rtol=1e-12)
    np.testing.assert_allclose(rd.pech, fgnz.pech, rtol=1e-12)
    ok = rd.notna().all(axis=1)
    assert ok.mean() > 0.5
    np.testing.assert_allclose(rd.tfpch[ok], (rd.pech * rd.techch * rd.sech)[ok], rtol=1e-12)

    def score(evaluated, reference, rts):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            out = nt.frontier.dea(evaluated.set_index("firm"), ["x0", "x1"], ["y0", "y1"], rts=rts, slacks=False,
                                  frame=False, reference=reference.set_index("firm")).efficiency
        return out

    t0, t1 = data[data.year == 2001], data[data.year == 2002]
    e = {(a, b, rts): score(ev, ref, rts) for a, ev in (("t", t0), ("u", t1)) for b, ref in (("t", t0), ("u", t1))
         for rts in ("crs", "vrs")}
    scale = {k: e[k[0], k[1], "crs"] / e[k[0], k[1], "vrs"] for k in [("t", "t"), ("u", "t"), ("u", "u"), ("t", "u")]}
    techch = np.sqrt(e["u", "t", "vrs"] / e["u", "u", "vrs"] * e["t", "t", "vrs"] / e["t", "u", "vrs"])
    sech = np.sqrt(scale["u", "t"] / scale["t", "t"] * scale["u", "u"] / scale["t", "u"])
    got = rd.xs(2002, level="year")
    both = got.notna().all(axis=1)
    np.testing.assert_allclose(got.techch[both], techch[both], rtol=1e-8)
    np.testing.assert_allclose(got.sech[both], sech[both], rtol=1e-8)
    with pytest.raises(SpecificationError, match="decomposition='rd'"):
        nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], decomposition="rd", frontier="global", **kw)


def test_window_frontier_width_one_is_contemporaneous():
    data = _panel(seed=9)
    kw = {"entity": "firm", "time": "year"}
    one = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], frontier="window", window=1, **kw)
    con = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], **kw)
    pd.testing.assert_frame_equal(one.changes, con.changes)
    wide = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], frontier="window", window=9, **kw)
    glob = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], frontier="global", **kw)
    np.testing.assert_allclose(wide.changes.tfpch, glob.changes.tfpch, rtol=1e-9)


def test_malmquist_does_not_depend_on_n_jobs():
    data = _panel(seed=10)
    kw = {"entity": "firm", "time": "year"}
    one = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], **kw)
    two = nt.frontier.malmquist(data, ["x0", "x1"], ["y0", "y1"], n_jobs=2, **kw)
    pd.testing.assert_frame_equal(two.changes, one.changes, rtol=0, atol=1e-9)
