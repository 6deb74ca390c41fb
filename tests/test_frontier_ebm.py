"""Tone and Tsutsui's (2010) epsilon-based measure: the paper's three numerical examples (the hospital data
of its Table 9, the projections of Table 10 and the scores of Table 13, printed to two and three decimals),
the affinity index written out by hand, and the model's poles checked exactly against the package's radial
DEA and SBM and against SciPy's linprog."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, PanelError, SpecificationError
from nqpf_tfp.frontier.affinity import affinity_matrix, epsilon_and_weights

INPUTS, OUTPUTS = ["x1", "x2", "x3"], ["y1", "y2"]


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.uniform(1, 10, (40, 5)), columns=INPUTS + OUTPUTS)


def test_affinity_follows_its_definition():
    values = np.array([[1.0, 3.0, 2.0], [2.0, 5.0, 4.0], [4.0, 4.0, 8.0], [3.0, 9.0, 6.0]])
    found = affinity_matrix(values)
    for a in range(3):
        for b in range(3):
            c = [np.log(values[j, b] / values[j, a]) for j in range(4)]
            spread = max(c) - min(c)
            d = 0.0 if spread == 0 else sum(abs(v - sum(c) / 4) for v in c) / (4 * spread)
            assert found[a, b] == pytest.approx(1 - 2 * d, abs=1e-15)
    assert found[0, 2] == 1.0  # proportional columns: full affinity


def test_epsilon_runs_from_zero_for_proportional_columns_to_one_without_affinity():
    eps, w = epsilon_and_weights(np.ones((3, 3)))
    assert eps == pytest.approx(0.0, abs=1e-12) and np.allclose(w, 1 / 3)
    eps, w = epsilon_and_weights(np.eye(3))  # a threefold largest eigenvalue: equal weights
    assert eps == pytest.approx(1.0) and np.allclose(w, 1 / 3)
    s = np.array([[1.0, 0.8, 0.2], [0.8, 1.0, 0.3], [0.2, 0.3, 1.0]])
    eps, w = epsilon_and_weights(s)
    values, vectors = np.linalg.eig(s)
    top = np.argmax(values.real)
    assert eps == pytest.approx((3 - values.real[top]) / 2, rel=1e-12)
    np.testing.assert_allclose(w, np.abs(vectors[:, top].real) / np.abs(vectors[:, top].real).sum(), rtol=1e-10)


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_epsilon_zero_is_the_radial_measure(units, rts, orientation):
    found = nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation=orientation, rts=rts, epsilon=0.0)
    radial = nt.frontier.dea(units, INPUTS, OUTPUTS, orientation=orientation, rts=rts)
    np.testing.assert_allclose(found.efficiency, radial.efficiency, rtol=1e-9)


def test_non_oriented_epsilon_zero_under_crs_is_the_ccr_score(units):
    found = nt.frontier.ebm(units, INPUTS, OUTPUTS, epsilon=0.0)
    np.testing.assert_allclose(found.efficiency, nt.frontier.dea(units, INPUTS, OUTPUTS).efficiency, rtol=1e-9)


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_non_oriented_epsilon_one_with_equal_weights_is_the_sbm(units, rts):
    found = nt.frontier.ebm(units, INPUTS, OUTPUTS, rts=rts, epsilon=1.0, weights=dict.fromkeys(INPUTS + OUTPUTS, 1),
                            bounded=True)
    np.testing.assert_allclose(found.efficiency, nt.frontier.sbm(units, INPUTS, OUTPUTS, rts=rts).efficiency,
                               rtol=1e-9)


def test_input_epsilon_one_is_the_weighted_input_sbm(units):
    weights = {"x1": 0.5, "x2": 0.3, "x3": 0.2}
    found = nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation="input", epsilon=1.0, weights=weights, bounded=True)
    x, y = units[INPUTS].to_numpy(), units[OUTPUTS].to_numpy()
    w = np.array(list(weights.values()))
    n = len(units)
    for o in range(0, n, 7):  # min 1 - sum w s / x_o  s.t. X lambda + s = x_o, Y lambda >= y_o
        cost = np.r_[np.zeros(n), -w / x[o]]
        res = linprog(cost, A_eq=np.c_[x.T, np.eye(3)], b_eq=x[o], A_ub=np.c_[-y.T, np.zeros((2, 3))], b_ub=-y[o],
                      method="highs")
        assert found.efficiency.iloc[o] == pytest.approx(1 + res.fun, rel=1e-9)


def test_input_scores_fall_from_the_radial_to_the_sbm_pole_as_epsilon_rises(units):
    scores = [nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation="input", epsilon=e).efficiency
              for e in (0.0, 0.3, 0.7, 1.0)]
    for higher, lower in zip(scores, scores[1:]):
        assert (lower <= higher + 1e-12).all()


def test_free_radial_factors_at_epsilon_one_drop_the_dominance_constraints(units):
    weights = {"x1": 0.5, "x2": 0.3, "x3": 0.2}
    found = nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation="input", epsilon=1.0, weights=weights)
    x, y = units[INPUTS].to_numpy(), units[OUTPUTS].to_numpy()
    w = np.array(list(weights.values()))
    o = 3  # min over lambda of sum w (X lambda) / x_o subject to Y lambda >= y_o alone
    res = linprog((x / x[o]) @ w, A_ub=-y.T, b_ub=-y[o], method="highs")
    assert found.efficiency.iloc[o] == pytest.approx(res.fun, rel=1e-9)
    bounded = nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation="input", epsilon=1.0, weights=weights, bounded=True)
    assert (found.efficiency <= bounded.efficiency + 1e-12).all() and (found.efficiency < bounded.efficiency).any()


def test_computed_epsilon_weights_and_results(units):
    res = nt.frontier.ebm(units, INPUTS, OUTPUTS, projection="observed")
    eps_x, w_x = epsilon_and_weights(affinity_matrix(units[INPUTS].to_numpy()))
    assert res.epsilon["inputs"] == pytest.approx(eps_x) and np.allclose(res.weights[INPUTS], w_x)
    assert (res.efficiency <= 1 + 1e-12).all() and (res.efficiency > 0).all()
    assert res.affinity[0].shape == (3, 3) and "epsilon" in res.summary().as_text()
    pd.testing.assert_frame_equal(res.calibration, units[INPUTS + OUTPUTS])
    projected = nt.frontier.ebm(units, INPUTS, OUTPUTS)
    assert projected.diagnostics.projection == "additive"
    assert not np.isclose(projected.epsilon["inputs"], res.epsilon["inputs"])
    by_sbm = nt.frontier.ebm(units, INPUTS, OUTPUTS, projection="sbm")  # x - s-, y + s+ of the VRS SBM
    slacks = nt.frontier.sbm(units, INPUTS, OUTPUTS, rts="vrs").slacks.to_numpy()
    np.testing.assert_allclose(by_sbm.calibration.to_numpy(),
                               units[INPUTS + OUTPUTS].to_numpy() + slacks * np.r_[-np.ones(3), np.ones(2)],
                               rtol=1e-12)
    given = nt.frontier.ebm(units, INPUTS, OUTPUTS, epsilon=tuple(res.epsilon), weights=dict(res.weights))
    assert given.calibration is None and given.affinity is None  # nothing was computed from the data
    np.testing.assert_allclose(given.efficiency, res.efficiency, rtol=1e-12)
    framed = nt.frontier.ebm(units, INPUTS, OUTPUTS, projection="observed", frame=False)
    np.testing.assert_allclose(framed.efficiency, res.efficiency, rtol=1e-9)


def test_ebm_errors_name_the_problem(units):
    with pytest.raises(SpecificationError, match="epsilon"):
        nt.frontier.ebm(units, INPUTS, OUTPUTS, epsilon=1.5)
    with pytest.raises(SpecificationError, match="every input or none"):
        nt.frontier.ebm(units, INPUTS, OUTPUTS, weights={"x1": 1.0})
    with pytest.raises(SpecificationError, match="not among the inputs"):
        nt.frontier.ebm(units, INPUTS, OUTPUTS, weights={"z": 1.0})
    with pytest.raises(SpecificationError, match="positive numbers"):
        nt.frontier.ebm(units, INPUTS, OUTPUTS, weights={"x1": 1.0, "x2": 0.0, "x3": 1.0})
    with pytest.raises(SpecificationError, match="rts"):
        nt.frontier.ebm(units, INPUTS, OUTPUTS, rts="nirs")
    with pytest.raises(SpecificationError, match="orientation"):
        nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation="graph")
    with pytest.raises(PanelError, match="x1"):
        nt.frontier.ebm(units.assign(x1=0.0), INPUTS, OUTPUTS)
    with pytest.raises(SpecificationError, match="bounded=False"):
        nt.frontier.ebm(units, INPUTS, OUTPUTS, super_efficiency=True, bounded=True)
    with pytest.raises(SpecificationError, match="projection"):
        nt.frontier.ebm(units, INPUTS, OUTPUTS, projection="ccr")
    with pytest.raises(SpecificationError, match="bounded must be True or False"):
        nt.frontier.ebm(units, INPUTS, OUTPUTS, bounded="yes")


# Tone and Tsutsui (2010), example 3: twelve hospitals, inputs doctors and nurses, outputs outpatients and
# inpatients (their Table 9, the hospital data of Cooper, Seiford and Tone's textbook).
HOSPITALS = pd.DataFrame(
    [[20, 151, 100, 90], [19, 131, 150, 50], [25, 160, 160, 55], [27, 168, 180, 72], [22, 158, 94, 66],
     [55, 255, 230, 90], [33, 235, 220, 88], [31, 206, 152, 80], [30, 244, 190, 100], [50, 268, 250, 100],
     [53, 306, 260, 147], [38, 284, 250, 120]],
    columns=["doctors", "nurses", "outpatients", "inpatients"], index=list("ABCDEFGHIJKL"), dtype=float)
STAFF, PATIENTS = ["doctors", "nurses"], ["outpatients", "inpatients"]
# Table 10: the additive model's projections, printed to two decimals
TABLE_10 = np.array([
    [20.00, 151.00, 100.00, 90.00], [19.00, 131.00, 150.00, 50.00], [24.59, 160.00, 160.00, 72.98],
    [27.00, 168.00, 180.00, 72.00], [22.00, 156.79, 158.26, 66.00], [35.06, 255.00, 230.00, 108.90],
    [33.00, 235.00, 220.00, 88.04], [27.44, 206.00, 162.03, 102.41], [30.00, 223.45, 190.00, 102.29],
    [50.00, 268.00, 250.00, 100.00], [53.00, 306.00, 260.00, 147.00], [38.00, 284.00, 250.00, 120.00]])
# Table 13: the input-oriented CRS EBM, printed to three decimals
TABLE_13_SCORE = [1, 1, 0.868, 0.986, 0.761, 0.771, 0.898, 0.788, 0.931, 0.829, 0.912, 0.946]
TABLE_13_THETA = [1, 1, 0.885, 1.016, 0.766, 0.846, 0.902, 0.804, 0.960, 0.885, 0.964, 0.958]
TABLE_13_SLACKS = [[0, 0], [0, 0], [1.644, 0], [3.078, 0], [0.461, 0], [15.696, 0], [0, 3.349], [1.887, 0],
                   [0, 27.206], [10.404, 0], [10.328, 0], [0, 12.600]]
HALF_LAST_DIGIT = 5e-4  # three printed decimals


@pytest.fixture(scope="module")
def hospitals() -> nt.frontier.EBMResults:
    return nt.frontier.ebm(HOSPITALS, STAFF, PATIENTS, orientation="input")


def test_hospital_projections_are_the_papers_table_10_but_for_hospital_g(hospitals):
    found = hospitals.calibration.to_numpy()
    others = HOSPITALS.index != "G"
    np.testing.assert_allclose(found[others], TABLE_10[others], atol=0.005)
    # Finding: G is efficient in the additive model (its own projection, 88 inpatients), while Table 10
    # prints 88.04, a point no convex combination of the Table 9 hospitals reaches (checked below).
    np.testing.assert_allclose(found[~others][0], HOSPITALS.loc["G"].to_numpy(), rtol=1e-12)
    a_eq = np.vstack([HOSPITALS.to_numpy().T, np.ones(12)])
    assert linprog(np.zeros(12), A_eq=a_eq, b_eq=np.r_[TABLE_10[6], 1.0], method="highs").status == 2


def test_hospital_affinity_epsilon_and_weights_are_the_papers(hospitals):
    # printed: S(doctors, nurses) = 0.471, epsilon_x = 0.529, w = (0.5, 0.5)
    assert hospitals.affinity[0].loc["doctors", "nurses"] == pytest.approx(0.471, abs=HALF_LAST_DIGIT)
    assert hospitals.epsilon["inputs"] == pytest.approx(0.529, abs=HALF_LAST_DIGIT)
    np.testing.assert_allclose(hospitals.weights[STAFF], [0.5, 0.5], rtol=1e-12)
    # the printed Table 10 inputs give the same epsilon to the printed digits
    assert epsilon_and_weights(affinity_matrix(TABLE_10[:, :2]))[0] == pytest.approx(0.529, abs=HALF_LAST_DIGIT)


def test_hospital_scores_radial_factors_and_slacks_are_the_papers_table_13(hospitals):
    np.testing.assert_allclose(hospitals.efficiency, TABLE_13_SCORE, atol=HALF_LAST_DIGIT)
    np.testing.assert_allclose(hospitals.theta, TABLE_13_THETA, atol=HALF_LAST_DIGIT)
    slacks = hospitals.slacks[["slack_doctors", "slack_nurses"]].to_numpy()
    printed = np.array(TABLE_13_SLACKS)
    others = np.ones_like(printed, dtype=bool)
    others[11, 1] = False
    np.testing.assert_allclose(slacks[others], printed[others], atol=HALF_LAST_DIGIT)
    # Finding: hospital L's nurse slack is 12.6006 (this LP and SciPy's below), printed 12.600 where the
    # other slacks are rounded (C's 1.6436 is printed 1.644): the last digit of that entry is off by one.
    x, y = HOSPITALS[STAFF].to_numpy(), HOSPITALS[PATIENTS].to_numpy()
    eps = hospitals.epsilon["inputs"]
    o = 11  # min theta - eps/2 sum s_i / x_io  s.t. theta x_o - X lambda - s = 0, Y lambda >= y_o, theta free
    free_theta = [(0, None)] * 12 + [(None, None)] + [(0, None)] * 2
    res = linprog(np.r_[np.zeros(12), 1.0, -eps * 0.5 / x[o]], A_eq=np.c_[-x.T, x[o], -np.eye(2)], b_eq=np.zeros(2),
                  A_ub=np.c_[-y.T, np.zeros((2, 3))], b_ub=-y[o], bounds=free_theta, method="highs")
    assert hospitals.efficiency.iloc[o] == pytest.approx(res.fun, rel=1e-9)
    assert slacks[o, 1] == pytest.approx(res.x[-1], rel=1e-6)
    assert abs(slacks[o, 1] - 12.600) > HALF_LAST_DIGIT


def test_hospital_d_trades_doctors_for_nurses_with_a_free_radial_factor(hospitals):
    # the paper's reading of D: theta = 1.016 > 1, a target with fewer doctors and more nurses
    assert hospitals.theta["D"] > 1.0
    bounded = nt.frontier.ebm(HOSPITALS, STAFF, PATIENTS, orientation="input", bounded=True)
    assert bounded.efficiency["D"] == pytest.approx(1.0)  # D is CCR-efficient: bounded, it cannot substitute
    others = HOSPITALS.index != "D"
    np.testing.assert_allclose(bounded.efficiency[others], hospitals.efficiency[others], rtol=1e-9)


def test_papers_example_1_proportional_projections_give_the_radial_scores():
    # six units, inputs (x1, x2), one unit output: all project to (1, 1, 1), epsilon = 0, the CCR scores
    units = pd.DataFrame({"x1": [1, 2, 3, 4, 5, 7], "x2": [1, 3, 2, 3, 6, 6], "y": [1] * 6}, dtype=float)
    found = nt.frontier.ebm(units, ["x1", "x2"], "y", orientation="input")
    np.testing.assert_allclose(found.calibration.to_numpy(), 1.0, atol=1e-12)
    assert found.epsilon["inputs"] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(found.efficiency, [1, 0.5, 0.5, 1 / 3, 0.2, 1 / 6], atol=1e-12)


def test_papers_example_2_no_affinity_gives_epsilon_one_and_equal_weights():
    # four units; the projections (2, 6), (6, 3), (6, 3), (2, 6) have no affinity: epsilon = 1, and the
    # repeated eigenvalue gets the equal weights the paper prints; scores (1, 1, 0.8, 0.8)
    units = pd.DataFrame({"x1": [2, 6, 10, 2], "x2": [6, 3, 3, 10], "y": [1] * 4}, dtype=float)
    found = nt.frontier.ebm(units, ["x1", "x2"], "y", orientation="input")
    np.testing.assert_allclose(found.calibration[["x1", "x2"]], [[2, 6], [6, 3], [6, 3], [2, 6]], atol=1e-12)
    np.testing.assert_allclose(found.affinity[0], np.eye(2), atol=1e-12)
    assert found.epsilon["inputs"] == pytest.approx(1.0)
    np.testing.assert_allclose(found.weights[["x1", "x2"]], [0.5, 0.5])
    np.testing.assert_allclose(found.efficiency, [1, 1, 0.8, 0.8], atol=1e-12)


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_super_ebm_with_epsilon_zero_is_andersen_petersen(units, rts, orientation):
    # under VRS some efficient units have no super-efficiency LP: both say so
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation=orientation, rts=rts, epsilon=0.0,
                                super_efficiency=True)
        radial = nt.frontier.dea(units, INPUTS, OUTPUTS, orientation=orientation, rts=rts, super_efficiency=True)
    assert all(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert (len(caught) > 0) == (rts == "vrs") and (radial.status != "optimal").any() == (rts == "vrs")
    feasible = radial.status == "optimal"
    assert (found.status == radial.status).all()
    np.testing.assert_allclose(found.efficiency[feasible], radial.efficiency[feasible], rtol=1e-9)


def test_super_ebm_scores_efficient_units_above_one_and_keeps_the_others(units):
    plain = nt.frontier.ebm(units, INPUTS, OUTPUTS)
    found = nt.frontier.ebm(units, INPUTS, OUTPUTS, super_efficiency=True)
    efficient = plain.efficiency >= 1 - 1e-9
    assert efficient.sum() >= 2 and (found.efficiency[efficient] > 1).all()
    np.testing.assert_allclose(found.efficiency[~efficient], plain.efficiency[~efficient], rtol=1e-9)
    assert found.diagnostics.super_efficiency and "super-efficiency" in found.summary().as_text()
