"""Tone and Tsutsui's (2010) epsilon-based measure: the affinity index written out by hand, and the model's
poles checked exactly against the package's radial DEA and SBM and against SciPy's linprog.

The numerical example of Tone and Tsutsui's paper (hospital data, scores to three decimals) is not among
the references here; the identities below pin the model down at both of its poles and in between."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError
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
    found = nt.frontier.ebm(units, INPUTS, OUTPUTS, rts=rts, epsilon=1.0, weights=dict.fromkeys(INPUTS + OUTPUTS, 1))
    np.testing.assert_allclose(found.efficiency, nt.frontier.sbm(units, INPUTS, OUTPUTS, rts=rts).efficiency,
                               rtol=1e-9)


def test_input_epsilon_one_is_the_weighted_input_sbm(units):
    weights = {"x1": 0.5, "x2": 0.3, "x3": 0.2}
    found = nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation="input", epsilon=1.0, weights=weights)
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
    found = nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation="input", epsilon=1.0, weights=weights, bounded=False)
    x, y = units[INPUTS].to_numpy(), units[OUTPUTS].to_numpy()
    w = np.array(list(weights.values()))
    o = 3  # min over lambda of sum w (X lambda) / x_o subject to Y lambda >= y_o alone
    res = linprog((x / x[o]) @ w, A_ub=-y.T, b_ub=-y[o], method="highs")
    assert found.efficiency.iloc[o] == pytest.approx(res.fun, rel=1e-9)
    bounded = nt.frontier.ebm(units, INPUTS, OUTPUTS, orientation="input", epsilon=1.0, weights=weights)
    assert (found.efficiency <= bounded.efficiency + 1e-12).all() and (found.efficiency < bounded.efficiency).any()


def test_computed_epsilon_weights_and_results(units):
    res = nt.frontier.ebm(units, INPUTS, OUTPUTS)
    eps_x, w_x = epsilon_and_weights(affinity_matrix(units[INPUTS].to_numpy()))
    assert res.epsilon["inputs"] == pytest.approx(eps_x) and np.allclose(res.weights[INPUTS], w_x)
    assert (res.efficiency <= 1 + 1e-12).all() and (res.efficiency > 0).all()
    assert res.affinity[0].shape == (3, 3) and "epsilon" in res.summary().as_text()
    projected = nt.frontier.ebm(units, INPUTS, OUTPUTS, projection="ccr")
    assert projected.diagnostics.projection == "ccr"
    assert not np.isclose(projected.epsilon["inputs"], res.epsilon["inputs"])
    framed = nt.frontier.ebm(units, INPUTS, OUTPUTS, frame=False)
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
