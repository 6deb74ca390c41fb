"""Bootstrap DEA (Simar and Wilson 1998) and its parts: the stacked scoring LPs, the bandwidth rules, the
smoothed draws, the replications' scores and their reproducibility on every backend.

References for the deterministic parts are independent computations: every unit's LP against the whole
reference set (no dominance filter, no frame, no stacking), the least-squares cross-validation criterion by
numerical integration and explicit leave-one-out sums, and the replications' pseudo-data scored by
:func:`nqpf_tfp.frontier.dea` with ``reference=``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelWarning, SpecificationError
from nqpf_tfp.frontier.batch import batch_radial_scores, undominated
from nqpf_tfp.frontier.bootstrap_dea import PseudoFrontier
from nqpf_tfp.frontier.radial import radial_scores
from nqpf_tfp.frontier.smoothing import (
    bandwidth,
    lscv_criterion,
    pair_bandwidth,
    smoothed_draw,
    smoothed_pair_draw,
)


def _cobb_douglas(n: int, seed: int, noise: float = 0.3) -> tuple[pd.DataFrame, np.ndarray]:
    """A CRS Cobb-Douglas frontier y = x1^0.5 x2^0.5 with input inefficiency exp(u), u half-normal:
    the true input efficiency is exp(-u)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 10.0, (n, 2))
    u = np.abs(rng.normal(0.0, noise, n))
    data = pd.DataFrame({"x1": x[:, 0] * np.exp(u), "x2": x[:, 1] * np.exp(u), "y": np.sqrt(x[:, 0] * x[:, 1])})
    return data, np.exp(-u)


@pytest.mark.parametrize("rts", ["crs", "vrs", "nirs", "ndrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_stacked_scores_equal_each_unit_against_every_reference_unit(rts, orientation):
    rng = np.random.default_rng(7)
    n = 250
    x = rng.uniform(1.0, 10.0, (n, 2))
    y = np.c_[np.sqrt(x[:, 0] * x[:, 1]) * np.exp(-np.abs(rng.normal(0, 0.3, n))), rng.uniform(1, 2, n)]
    x, y = x / x.mean(axis=0), y / y.mean(axis=0)
    x_ref = x * rng.uniform(1.0, 1.3, (n, 1))
    found, status = batch_radial_scores(x, y, x_ref, y, rts, orientation)
    expected, expected_status, _ = radial_scores(x, y, x_ref, y, rts, orientation)
    assert status == expected_status
    np.testing.assert_allclose(found, expected, rtol=1e-9, atol=1e-10)


def test_stacked_scores_report_each_infeasible_unit_by_its_own_status():
    # output orientation under VRS: a unit using less of an input than any reference unit has no LP solution
    x = np.array([[1.0], [2.0], [0.5], [3.0]])
    y = np.array([[1.0], [1.5], [0.4], [2.0]])
    x_ref, y_ref = x[[0, 1, 3]], y[[0, 1, 3]]
    found, status = batch_radial_scores(x, y, x_ref, y_ref, "vrs", "output")
    assert status == ["optimal", "optimal", "infeasible", "optimal"]
    assert np.isnan(found[2]) and np.allclose(found[[0, 1, 3]], 1.0)


def test_scipy_route_gives_the_stacked_numbers():
    data, _ = _cobb_douglas(60, 1)
    x, y = data[["x1", "x2"]].to_numpy(), data[["y"]].to_numpy()
    fast, _ = batch_radial_scores(x, y, x * 1.1, y, "vrs", "input", "highspy")
    slow, _ = batch_radial_scores(x, y, x * 1.1, y, "vrs", "input", "scipy")
    np.testing.assert_allclose(fast, slow, rtol=1e-9)


def test_dominated_units_are_dropped_and_of_identical_units_the_first_stays():
    x = np.array([[1.0, 1.0], [2.0, 2.0], [1.0, 1.0], [0.5, 3.0], [2.0, 2.0]])
    y = np.array([[1.0], [1.0], [1.0], [1.0], [2.5]])
    # VRS: unit 1 uses more of both inputs than unit 0 for the same output; unit 2 repeats unit 0
    assert undominated(x, y, "vrs").tolist() == [0, 3, 4]
    # CRS: unit 4 is unit 1 scaled by 1 for 2.5 times the output, so unit 4 covers unit 1 (and not vice versa)
    assert 1 not in undominated(x, y, "crs").tolist() and 4 in undominated(x, y, "crs").tolist()
    # a subset of dominators removes fewer units, never others
    assert set(undominated(x, y, "vrs", by=np.array([3]))) >= set(undominated(x, y, "vrs"))


def test_normal_reference_bandwidth_follows_silverman_on_the_reflected_scores():
    rng = np.random.default_rng(3)
    scores = np.r_[rng.uniform(0.4, 1.0, 80), np.ones(20)]
    inside = scores[scores < 1]
    reflected = np.r_[inside, 2 - inside]
    iqr = np.subtract(*np.percentile(reflected, [75, 25]))
    h_r = 1.06 * min(reflected.std(ddof=1), iqr / 1.34) * (2 * inside.size) ** -0.2
    expected = h_r * 2 ** 0.2 * inside.std(ddof=1) / reflected.std(ddof=1)
    assert bandwidth(scores) == pytest.approx(expected, rel=1e-12)
    assert bandwidth(scores, 0.05) == 0.05


def test_lscv_criterion_equals_its_definition_by_quadrature_and_leave_one_out_sums():
    rng = np.random.default_rng(4)
    v = rng.normal(0.0, 1.0, 40)
    h = 0.4

    def density(t, values=v):
        return np.exp(-0.5 * ((t - values) / h) ** 2).sum() / (values.size * h * math.sqrt(2 * math.pi))

    squared, _ = integrate.quad(lambda t: density(t) ** 2, -10, 10, limit=200, epsabs=1e-12)
    leave_one_out = [density(v[i], np.delete(v, i)) for i in range(v.size)]
    assert lscv_criterion(v, h) == pytest.approx(squared - 2 * np.mean(leave_one_out), rel=1e-8)


def test_lscv_bandwidth_minimises_the_criterion():
    rng = np.random.default_rng(5)
    scores = rng.beta(5, 1.5, 120)
    inside = scores[scores < 1]
    reflected = np.r_[inside, 2 - inside]
    h = bandwidth(scores, "lscv")
    h_r = h / (2 ** 0.2 * inside.std(ddof=1) / reflected.std(ddof=1))
    grid = np.exp(np.linspace(math.log(h_r / 3), math.log(h_r * 3), 61))
    assert lscv_criterion(reflected, h_r) <= min(lscv_criterion(reflected, g) for g in grid) + 1e-12


def test_smoothed_draws_stay_in_the_unit_interval_and_repeat_with_the_seed():
    scores = np.r_[np.linspace(0.02, 0.99, 50), np.ones(10)]
    first = smoothed_draw(np.random.default_rng(1), scores, 0.5)  # wide: reflection and redraws both happen
    assert np.all((first > 0) & (first <= 1))
    np.testing.assert_array_equal(first, smoothed_draw(np.random.default_rng(1), scores, 0.5))


def test_smoothed_draws_keep_the_scores_mean_and_spread_for_a_small_bandwidth():
    rng = np.random.default_rng(2)
    scores = rng.uniform(0.3, 0.9, 20000)  # far from 1: no reflection
    draw = smoothed_draw(np.random.default_rng(3), scores, 0.01)
    assert abs(draw.mean() - scores.mean()) < 0.005
    assert abs(draw.var() / scores.var() - 1) < 0.03


@pytest.mark.parametrize("orientation", ["input", "output"])
def test_a_replication_scores_the_observed_units_against_its_pseudo_data(orientation):
    data, _ = _cobb_douglas(40, 2)
    first = nt.frontier.dea(data, ["x1", "x2"], "y", rts="vrs", orientation=orientation)
    eff = first.efficiency.to_numpy()
    x, y = data[["x1", "x2"]].to_numpy(), data[["y"]].to_numpy()
    task = PseudoFrontier(x / x.mean(axis=0), y / y.mean(axis=0), eff, 0.05, "vrs", orientation, "auto")
    found = task.scores(np.random.default_rng(9))
    draw = smoothed_draw(np.random.default_rng(9), eff, 0.05)
    pseudo = data.copy()
    if orientation == "input":
        pseudo[["x1", "x2"]] = x * (eff / draw)[:, None]
    else:
        pseudo["y"] = y[:, 0] * draw / eff
    expected = nt.frontier.dea(data, ["x1", "x2"], "y", rts="vrs", orientation=orientation, reference=pseudo,
                               slacks=False).efficiency.to_numpy()
    np.testing.assert_allclose(found, expected, rtol=1e-8)


def test_bootstrap_columns_follow_from_the_draws():
    data, _ = _cobb_douglas(30, 3)
    res = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", rts="vrs", replications=50, seed=4)
    draws = res.draws.to_numpy()
    eff = res.efficiency.to_numpy()
    np.testing.assert_allclose(res.bias, draws.mean(axis=0) - eff, rtol=1e-12)
    np.testing.assert_allclose(res.bias_corrected, 2 * eff - draws.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(res.std_error, draws.std(axis=0, ddof=1), rtol=1e-12)
    lo, hi = np.quantile(draws - eff, [0.025, 0.975], axis=0)
    frame = res.to_frame()
    np.testing.assert_allclose(frame["lower"], eff - hi, rtol=1e-12)
    np.testing.assert_allclose(frame["upper"], eff - lo, rtol=1e-12)
    pct = res.conf_int(0.9, method="percentile")
    np.testing.assert_allclose(pct["lower"], np.quantile(draws, 0.05, axis=0), rtol=1e-12)
    assert (res.bias > 0).all()  # the pseudo frontier lies inside the estimated one
    assert res.tfp.equals(res.bias_corrected)
    assert res.diagnostics.replications_used == 50 and res.diagnostics.seed_entropy == 4


def test_bias_correction_moves_the_scores_towards_the_true_efficiency():
    data, truth = _cobb_douglas(80, 11)
    res = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=100, seed=1)
    raw = np.abs(res.efficiency - truth).mean()
    corrected = np.abs(res.bias_corrected - truth).mean()
    assert corrected < 0.8 * raw, (raw, corrected)


@pytest.mark.parametrize("n_jobs,backend", [(2, "processes"), (2, "threads")])
def test_same_seed_same_numbers_whatever_the_workers(n_jobs, backend):
    data, _ = _cobb_douglas(25, 5)
    serial = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=12, seed=8)
    parallel = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=12, seed=8, n_jobs=n_jobs,
                                         backend=backend)
    pd.testing.assert_frame_equal(serial.draws, parallel.draws)
    other = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=12, seed=9)
    assert not np.allclose(serial.draws, other.draws)


def test_results_are_labelled_by_the_keys_and_leave_the_data_alone():
    data, _ = _cobb_douglas(12, 6)
    data["unit"] = [f"u{i}" for i in range(12)]
    before = data.copy()
    res = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=5, seed=0, entity="unit")
    pd.testing.assert_frame_equal(data, before)
    assert list(res.to_frame().index) == list(data["unit"])
    assert list(res.draws.columns) == list(data["unit"])


def test_bootstrap_errors_say_what_to_change():
    data, _ = _cobb_douglas(12, 6)
    with pytest.raises(SpecificationError, match="replications=0"):
        nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=0)
    with pytest.raises(SpecificationError, match="bootstrap=1|replications"):
        nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=1)
    with pytest.raises(SpecificationError, match="bandwidth"):
        nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", bandwidth="scott")
    with pytest.raises(SpecificationError, match="bandwidth"):
        nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", bandwidth=-0.1)
    with pytest.raises(SpecificationError, match="method"):
        nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", method="bca")
    with pytest.raises(SpecificationError, match="level"):
        nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", level=95)
    idle = data.assign(y=np.r_[0.0, data.y.to_numpy()[1:]])
    with pytest.raises(SpecificationError, match="positive DEA score"), pytest.warns(PanelWarning):
        nt.frontier.bootstrap_dea(idle, ["x1", "x2"], "y", rts="crs", orientation="output")
    flat = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(SpecificationError, match="at least 3 distinct scores below 1"):
        nt.frontier.bootstrap_dea(flat, "x", "y")


def _balanced_panel(n: int = 25, periods: int = 3, seed: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(periods):
        x = rng.uniform(1.0, 10.0, (n, 2))
        u = np.abs(rng.normal(0.0, 0.3, n))
        y = np.sqrt(x[:, 0] * x[:, 1]) * 1.03 ** t * np.exp(-u)
        rows.append(pd.DataFrame({"firm": np.arange(n), "year": 2000 + t, "x1": x[:, 0], "x2": x[:, 1], "y": y}))
    return pd.concat(rows, ignore_index=True)


def test_malmquist_bootstrap_estimates_are_the_malmquist_index():
    panel = _balanced_panel()
    boot = nt.frontier.bootstrap_malmquist(panel, ["x1", "x2"], "y", entity="firm", time="year", replications=5,
                                           seed=0)
    plain = nt.frontier.malmquist(panel, ["x1", "x2"], "y", entity="firm", time="year").changes.dropna()
    for component in ("tfpch", "effch", "techch"):
        pd.testing.assert_series_equal(getattr(boot, component), plain[component], rtol=1e-9, check_names=False)
    pd.testing.assert_series_equal(boot.tfp, nt.frontier.malmquist(panel, ["x1", "x2"], "y", entity="firm",
                                                                   time="year").tfp, rtol=1e-9, check_names=False)


def test_a_malmquist_replication_uses_the_four_distances_against_the_pseudo_frontiers():
    from nqpf_tfp.frontier.bootstrap_malmquist import PseudoPeriods

    panel = _balanced_panel(n=20, periods=2)
    x = np.stack([panel.loc[panel.year == t, ["x1", "x2"]].to_numpy() for t in (2000, 2001)])
    y = np.stack([panel.loc[panel.year == t, ["y"]].to_numpy() for t in (2000, 2001)])
    own = np.stack([nt.frontier.dea(panel[panel.year == t], ["x1", "x2"], "y").efficiency.to_numpy()
                    for t in (2000, 2001)])
    found = PseudoPeriods(x, y, own, (0.3,), "input", "auto")(np.random.SeedSequence(5)).reshape(3, -1)
    draw = smoothed_pair_draw(np.random.default_rng(np.random.SeedSequence(5)), own.T, 0.3).T
    frames = [pd.DataFrame({"x1": x[s][:, 0], "x2": x[s][:, 1], "y": y[s][:, 0]}) for s in (0, 1)]
    pseudo = [f.assign(x1=f.x1 * own[s] / draw[s], x2=f.x2 * own[s] / draw[s]) for s, f in enumerate(frames)]

    def e(frontier, period):
        return nt.frontier.dea(frames[period], ["x1", "x2"], "y", reference=pseudo[frontier],
                               slacks=False).efficiency.to_numpy()

    effch = e(1, 1) / e(0, 0)
    techch = np.sqrt(e(0, 1) / e(1, 1) * e(0, 0) / e(1, 0))
    np.testing.assert_allclose(found, np.stack([effch * techch, effch, techch]), rtol=1e-8)


def test_pair_draws_keep_the_correlation_of_the_two_periods():
    rng = np.random.default_rng(6)
    a = rng.uniform(0.3, 0.8, 20000)
    pairs = np.c_[a, np.clip(a + rng.normal(0, 0.05, a.size), 0.05, 0.95)]
    draw = smoothed_pair_draw(np.random.default_rng(1), pairs, pair_bandwidth(pairs.shape[0]))
    assert np.all((draw > 0) & (draw <= 1))
    assert abs(np.corrcoef(draw.T)[0, 1] - np.corrcoef(pairs.T)[0, 1]) < 0.02


def test_malmquist_bootstrap_is_reproducible_and_checks_its_panel():
    panel = _balanced_panel(n=15)
    kw = {"entity": "firm", "time": "year", "replications": 6, "seed": 2}
    serial = nt.frontier.bootstrap_malmquist(panel, ["x1", "x2"], "y", **kw)
    parallel = nt.frontier.bootstrap_malmquist(panel, ["x1", "x2"], "y", n_jobs=2, **kw)
    pd.testing.assert_frame_equal(serial.draws, parallel.draws)
    ci = serial.conf_int(0.9, component="effch")
    assert (ci["lower"] <= ci["upper"]).all() and len(ci) == 30
    with pytest.raises(SpecificationError, match="component"):
        serial.conf_int(component="pech")
    with pytest.raises(nt.errors.PanelError, match="balanced panel"):
        nt.frontier.bootstrap_malmquist(panel.iloc[1:], ["x1", "x2"], "y", **kw)
    with pytest.raises(nt.errors.PanelError, match="at least two periods"):
        nt.frontier.bootstrap_malmquist(panel[panel.year == 2000], ["x1", "x2"], "y", **kw)
    with pytest.raises(SpecificationError, match="bandwidth"):
        nt.frontier.bootstrap_malmquist(panel, ["x1", "x2"], "y", bandwidth=0, **kw)


def test_progress_bar_counts_the_replications(capsys):
    data, _ = _cobb_douglas(15, 7)
    quiet = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=4, seed=1)
    shown = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=4, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "bootstrap DEA" in err and "4/4" in err
    pd.testing.assert_frame_equal(quiet.draws, shown.draws)


@pytest.mark.parametrize("rts", ["vrs", "nirs", "ndrs", "crs"])
def test_scaled_counterparts_give_the_observed_units_scores(rts):
    from nqpf_tfp.frontier.batch import scores_of_scaled_units

    rng = np.random.default_rng(8)
    x, y = rng.uniform(1, 10, (80, 2)), rng.uniform(1, 10, (80, 2))
    scale = rng.uniform(0.5, 1.0, 80)
    found, status = scores_of_scaled_units(x / scale[:, None], y, scale, rts)
    expected, expected_status, _ = radial_scores(x, y, x / scale[:, None], y, rts, "input")
    assert status == expected_status
    np.testing.assert_allclose(found, expected, rtol=1e-9)
    if rts == "crs":  # output efficiency 1 / phi of units whose counterparts' outputs are scaled up
        found, _ = scores_of_scaled_units(x, y * scale[:, None], scale, rts)
        phi, _, _ = radial_scores(x, y, x, y * scale[:, None], rts, "output")
        np.testing.assert_allclose(found, 1 / phi, rtol=1e-9)
