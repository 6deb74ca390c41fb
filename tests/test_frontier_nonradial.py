"""Weighted non-radial directional distances (Zhou, Ang and Wang 2012) and the Luenberger indicator on them.

No published example exists on public data; the checks are the LP's properties: the radial distance is
a feasible point (so the weighted non-radial distance, weights summing to 1, is at least the radial one);
with one variable moving it is the radial distance; 0 on the frontier; every beta at most feasible; the
frame reduction exact; the indicator's identities and its global form from distances computed one by one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import SpecificationError

VARS = (["k", "l", "e"], "y", "co2")


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(rng.uniform(1, 10, (80, 5)), columns=["k", "l", "e", "y", "co2"])


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_at_least_the_radial_distance_and_the_frame_is_exact(units, rts):
    nonradial = nt.frontier.nonradial_ddf(units, *VARS, rts=rts)
    radial = nt.frontier.ddf(units, *VARS, rts=rts, direction="all")
    assert (nonradial.distance >= radial.distance - 1e-9).all()
    assert (nonradial.distance > radial.distance + 1e-6).any()  # slacks the radial measure misses
    full = nt.frontier.nonradial_ddf(units, *VARS, rts=rts, frame=False)
    np.testing.assert_allclose(nonradial.distance, full.distance, rtol=0, atol=1e-9)
    # the default weights: 1/9 per input, 1/3 for GDP, 1/3 for CO2
    betas = nonradial.betas[[f"beta_{c}" for c in ["k", "l", "e", "y", "co2"]]].to_numpy()
    np.testing.assert_allclose(betas @ np.r_[[1 / 9] * 3, 1 / 3, 1 / 3], nonradial.distance, atol=1e-12)
    assert (betas >= 0).all() and (betas[:, :3] <= 1 + 1e-9).all() and (betas[:, 4] <= 1 + 1e-9).all()


def test_one_variable_moving_is_the_radial_distance(units):
    a = nt.frontier.nonradial_ddf(units, ["k", "l"], "y", direction="outputs")
    b = nt.frontier.ddf(units, ["k", "l"], "y", direction="outputs")
    np.testing.assert_allclose(a.distance, b.distance, rtol=0, atol=1e-9)


def test_zero_only_on_the_frontier_and_weights_are_checked(units):
    res = nt.frontier.nonradial_ddf(units, *VARS, direction_weights={"y": 0.5, "co2": 0.5}, direction="outputs")
    radial = nt.frontier.ddf(units, *VARS)
    assert (res.distance == 0).any()
    assert (radial.distance[res.distance == 0] == 0).all()  # no variable can improve: radially efficient
    # the converse fails: units on the radial frontier that could still cut CO2 or raise GDP alone
    assert ((radial.distance == 0) & (res.distance > 1e-6)).any()
    for weights, words in [({"y": 0.0}, "not all zero"), ({"y": 1.5, "co2": -0.5}, "non-negative"),
                           ({"gdp": 1.0}, "gdp"), ({"k": 0.5, "y": 0.5}, "direction='all'")]:
        with pytest.raises(SpecificationError, match=words):
            nt.frontier.nonradial_ddf(units, *VARS, direction_weights=weights, direction="outputs")


def test_luenberger_on_nonradial_distances():
    rng = np.random.default_rng(4)
    data = pd.DataFrame([{"firm": f, "year": 2010 + t, "k": rng.uniform(1, 10), "l": rng.uniform(1, 10),
                          "y": rng.uniform(1, 10) * 1.04**t, "co2": rng.uniform(1, 10) * 0.98**t}
                         for f in range(20) for t in range(3)])
    kw = {"entity": "firm", "time": "year", "distance": "nonradial", "direction": "all"}
    glob = nt.frontier.luenberger(data, ["k", "l"], "y", "co2", frontier="global", **kw).changes
    np.testing.assert_allclose(glob.tfpch, glob.tech + glob.tecch, atol=1e-12)
    pooled = nt.frontier.nonradial_ddf(data, ["k", "l"], "y", "co2", direction="all", frame=False).distance
    pooled.index = pd.MultiIndex.from_frame(data[["firm", "year"]])
    expected = (pooled.groupby(level="firm").shift(1) - pooled).dropna()
    np.testing.assert_allclose(glob.tfpch.reindex(expected.index), expected, atol=1e-9)
    with pytest.raises(SpecificationError, match="distance="):
        nt.frontier.luenberger(data, ["k", "l"], "y", "co2", entity="firm", time="year", distance="slack")
    with pytest.raises(SpecificationError, match="nonradial"):
        nt.frontier.luenberger(data, ["k", "l"], "y", "co2", entity="firm", time="year",
                               direction_weights={"y": 1.0})


def test_slacks_based_distance_equals_fukuyama_weber_lp(units):
    # Fukuyama and Weber (2009): max 1/2 [mean(s_x / x_o) + (s_y / y_o + s_b / b_o) / 2] subject to
    # X lam + s_x = x_o, Y lam - s_y = y_o, B lam + s_b = b_o, lam, s >= 0 -- solved here with SciPy
    from scipy.optimize import linprog

    res = nt.frontier.nonradial_ddf(units, *VARS, direction="all", direction_weights="sbm")
    x, y, b = units[["k", "l", "e"]].to_numpy(), units[["y"]].to_numpy(), units[["co2"]].to_numpy()
    n = len(units)
    for o in (0, 5, 17, 42):
        c = -np.r_[np.zeros(n), 0.5 / 3 / x[o], 0.5 / 2 / y[o], 0.5 / 2 / b[o]]
        a_eq = np.vstack([np.hstack([x.T, np.eye(3), np.zeros((3, 2))]),
                          np.hstack([y.T, np.zeros((1, 3)), -np.eye(1), np.zeros((1, 1))]),
                          np.hstack([b.T, np.zeros((1, 4)), np.eye(1)])])
        peer = linprog(c, A_eq=a_eq, b_eq=np.r_[x[o], y[o], b[o]], bounds=(0, None), method="highs")
        assert res.distance.iloc[o] == pytest.approx(-peer.fun, abs=1e-9)
    radial = nt.frontier.ddf(units, *VARS, direction="all")
    assert (res.distance >= radial.distance - 1e-9).all()
    sbm = nt.frontier.sbm(units, ["k", "l", "e"], "y", "co2")  # Tone's SBM: rho = 1 exactly without slack
    np.testing.assert_array_equal(res.distance == 0, sbm.efficiency > 1 - 1e-9)
    kw = {"entity": "firm", "time": "year"}
    panel = units.assign(firm=np.repeat(np.arange(40), 2), year=np.tile([2020, 2021], 40))
    lu = nt.frontier.luenberger(panel, *VARS, distance="sbm", direction="all", frontier="global", **kw)
    np.testing.assert_allclose(lu.tfpch, lu.tech + lu.tecch, atol=1e-12)
    with pytest.raises(SpecificationError, match="direction='all'"):
        nt.frontier.malmquist_luenberger(panel, *VARS, distance="sbm", **kw)


def test_score_results_contract(units):
    res = nt.frontier.nonradial_ddf(units, *VARS)
    radial = nt.frontier.ddf(units, *VARS)
    for r, measure in ((res, "nonradial_ddf"), (radial, "ddf")):
        assert isinstance(r, nt.results.TFPResults) and r.tfp_scale == "level"
        np.testing.assert_allclose(r.efficiency, 1 / (1 + r.distance), rtol=1e-15)
        assert r.diagnostics.measure == measure and r.diagnostics.not_optimal == 0
        assert "units against 80 reference units" in str(r.summary())
        assert {"distance", "status"} <= set(r.to_frame())
    assert list(res.betas) == ["beta_k", "beta_l", "beta_e", "beta_y", "beta_co2"]
    with pytest.raises(AttributeError, match="no 'super'"):
        _ = res.super
    import matplotlib.pyplot as plt

    assert res.plot().get_xlabel() == "efficiency"
    plt.close("all")


def test_nonradial_does_not_depend_on_n_jobs(units):
    one = nt.frontier.nonradial_ddf(units, *VARS)
    two = nt.frontier.nonradial_ddf(units, *VARS, n_jobs=2, backend="threads")
    pd.testing.assert_frame_equal(two.to_frame(), one.to_frame(), rtol=0, atol=1e-9)
