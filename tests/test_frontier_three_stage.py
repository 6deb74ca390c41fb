"""Three-stage DEA (Fried, Lovell, Schmidt and Yaisawarng 2002) on a simulated sample whose environment wastes
inputs by a known amount, and its parts against independent computations: Jondrow et al.'s conditional
mean for slacks above their frontier written out with SciPy's normal distribution, the adjustment of eq. 8,
and stage 3 as a plain DEA (or SBM) of the adjusted inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import nqpf_tfp as nt
from nqpf_tfp.errors import FrontierBoundaryWarning, PanelWarning, SpecificationError

WASTE = 1.5  # each unit of z wastes this much of each input


def _environment_sample(n: int = 300, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Efficient inputs times exp(u) (management), plus WASTE * z (environment) and a little noise; the true
    managerial efficiency is exp(-u)."""
    rng = np.random.default_rng(seed)
    efficient = rng.uniform(1.0, 10.0, (n, 2))
    u = np.abs(rng.normal(0.0, 0.25, n))
    z = rng.uniform(0.0, 2.0, n)
    x = efficient * np.exp(u)[:, None] + WASTE * z[:, None] + np.abs(rng.normal(0.0, 0.1, (n, 2)))
    data = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": np.sqrt(efficient[:, 0] * efficient[:, 1]), "z": z})
    return data, np.exp(-u)


@pytest.fixture(scope="module")
def sample():
    return _environment_sample()


@pytest.fixture(scope="module")
def result(sample):
    data, _ = sample
    return nt.frontier.three_stage_dea(data, ["x1", "x2"], "y", "z")


def test_adjusted_scores_recover_managerial_efficiency_better_than_stage_one(sample, result):
    data, truth = sample
    first = stats.spearmanr(result.first_stage, truth)[0]
    third = stats.spearmanr(result.efficiency, truth)[0]
    assert third > first + 0.2, (first, third)  # 0.56 -> 0.87 on this sample
    # the environment's imprint on the scores is mostly gone
    assert abs(np.corrcoef(result.efficiency, data["z"])[0, 1]) < 0.5 * abs(np.corrcoef(result.first_stage,
                                                                                         data["z"])[0, 1])
    # the slack frontier's slope on z is positive: z wastes both inputs
    assert (result.summary().as_frame().loc["z"] > 0).all()


def test_managerial_slack_is_the_conditional_mean_for_errors_above_the_frontier(result):
    for name, fit in result.slack_regressions.items():
        sigma2, gamma = fit.params["sigma2"], fit.params["gamma"]
        sigma_u, sigma_v = np.sqrt(gamma * sigma2), np.sqrt((1 - gamma) * sigma2)
        sigma, lam = np.sqrt(sigma2), sigma_u / sigma_v
        eps = (result.slacks[name] - result.environmental[name]).to_numpy()
        a = eps * lam / sigma
        expected = sigma_u * sigma_v / sigma * (stats.norm.pdf(a) / stats.norm.cdf(a) + a)
        np.testing.assert_allclose(result.managerial[name], expected, rtol=1e-7, atol=1e-9)
        # the production-frontier formula written with +eps (the published slip) gives other numbers
        slip = sigma_u * sigma_v / sigma * (stats.norm.pdf(a) / stats.norm.sf(a) - a)
        assert not np.allclose(result.managerial[name], slip, rtol=1e-3)


def test_slacks_split_into_environment_management_and_noise_and_inputs_are_adjusted_by_eq_8(sample, result):
    data, _ = sample
    total = result.environmental + result.managerial + result.noise
    pd.testing.assert_frame_equal(total, result.slacks, rtol=1e-9, atol=1e-9)
    f, v = result.environmental, result.noise
    expected = data[["x1", "x2"]].set_axis(result.slacks.index) + (f.max() - f) + (v.max() - v)
    pd.testing.assert_frame_equal(result.adjusted_inputs, expected, rtol=1e-12, atol=1e-12)
    direct = nt.frontier.dea(data.assign(x1=result.adjusted_inputs["x1"].to_numpy(),
                                         x2=result.adjusted_inputs["x2"].to_numpy()), ["x1", "x2"], "y", rts="vrs")
    np.testing.assert_allclose(result.efficiency, direct.efficiency, rtol=1e-9)
    stage_one = nt.frontier.dea(data, ["x1", "x2"], "y", rts="vrs")
    np.testing.assert_allclose(result.first_stage, stage_one.efficiency, rtol=1e-12)
    np.testing.assert_allclose(result.slacks["x1"], data["x1"] - stage_one.targets["target_x1"], atol=1e-9)


def test_sbm_stages_use_the_sbm_input_slacks(sample):
    data, _ = sample
    data = data.iloc[:120]
    # SBM's input slacks are 0 for many units; the slack frontiers reach the deterministic limit, and say so
    with pytest.warns(FrontierBoundaryWarning, match="gamma -> 1"):
        res = nt.frontier.three_stage_dea(data, ["x1", "x2"], "y", "z", distance="sbm", rts="crs")
    first = nt.frontier.sbm(data, ["x1", "x2"], "y", rts="crs")
    np.testing.assert_allclose(res.first_stage, first.efficiency, rtol=1e-12)
    np.testing.assert_allclose(res.slacks["x2"], first.slacks["slack_x2"], atol=1e-9)
    adjusted = data.assign(x1=res.adjusted_inputs["x1"].to_numpy(), x2=res.adjusted_inputs["x2"].to_numpy())
    np.testing.assert_allclose(res.efficiency, nt.frontier.sbm(adjusted, ["x1", "x2"], "y", rts="crs").efficiency,
                               rtol=1e-9)


def test_inputs_without_slack_variation_are_left_as_observed_with_a_warning():
    x = np.linspace(1.0, 5.0, 8)
    data = pd.DataFrame({"x": x, "y": 2 * x, "z": np.arange(8.0)})  # every unit on the CRS frontier
    with pytest.warns(PanelWarning, match=r"\['x'\].*not adjusted"):
        res = nt.frontier.three_stage_dea(data, "x", "y", "z", rts="crs")
    np.testing.assert_allclose(res.efficiency, 1.0)
    assert res.diagnostics.unadjusted == ("x",) and not res.slack_regressions


def test_three_stage_errors_and_the_callers_data(sample):
    data, _ = sample
    before = data.copy()
    nt.frontier.three_stage_dea(data, ["x1", "x2"], "y", "z", rts="crs")
    pd.testing.assert_frame_equal(data, before)
    with pytest.raises(SpecificationError, match="one role"):
        nt.frontier.three_stage_dea(data, ["x1", "x2"], "y", ["z", "y"])
    with pytest.raises(SpecificationError, match="distance"):
        nt.frontier.three_stage_dea(data, ["x1", "x2"], "y", "z", distance="ddf")
    with pytest.raises(SpecificationError, match="at least one environmental"):
        nt.frontier.three_stage_dea(data, ["x1", "x2"], "y", [])
