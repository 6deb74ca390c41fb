"""The Hicks-Moorsteen TFP index (Bjurek 1996): the TFP Toolbox's worked example against distance functions
solved independently with SciPy's linprog, the ratio of average products with one input and one output
under constant returns, and feasibility under variable returns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from tfp_toolbox_example import X0, X1, Y0, Y1, toolbox_panel

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError


def output_distance(x: np.ndarray, y: np.ndarray, xr: np.ndarray, yr: np.ndarray, vrs: bool) -> float:
    """Shephard's output distance 1 / max{phi: sum l xr <= x, sum l yr >= phi y[, sum l = 1]}."""
    n = xr.shape[0]
    c = np.r_[-1.0, np.zeros(n)]
    a_ub = np.vstack([np.c_[np.zeros((xr.shape[1], 1)), xr.T], np.c_[y[:, None], -yr.T]])
    b_ub = np.r_[x, np.zeros(yr.shape[1])]
    eq = dict(A_eq=np.r_[0.0, np.ones(n)][None, :], b_eq=[1.0]) if vrs else {}
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=[(0, None)] * (n + 1), method="highs", **eq)
    return 1.0 / -res.fun


def input_distance(x: np.ndarray, y: np.ndarray, xr: np.ndarray, yr: np.ndarray, vrs: bool) -> float:
    """Shephard's input distance 1 / min{theta: sum l xr <= theta x, sum l yr >= y[, sum l = 1]}."""
    n = xr.shape[0]
    c = np.r_[1.0, np.zeros(n)]
    a_ub = np.vstack([np.c_[-x[:, None], xr.T], np.c_[np.zeros((yr.shape[1], 1)), -yr.T]])
    b_ub = np.r_[np.zeros(xr.shape[1]), -y]
    eq = dict(A_eq=np.r_[0.0, np.ones(n)][None, :], b_eq=[1.0]) if vrs else {}
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=[(0, None)] * (n + 1), method="highs", **eq)
    return 1.0 / res.fun


@pytest.mark.parametrize("rts", ["vrs", "crs"])
def test_toolbox_example_equals_distance_functions_solved_with_linprog(rts):
    found = nt.frontier.hicks_moorsteen(toolbox_panel(), ["x1", "x2"], ["y1", "y2"], entity="unit", time="t",
                                        rts=rts).to_frame().xs(1, level="t")
    xs, ys = [np.array(X0, float), np.array(X1, float)], [np.array(Y0, float), np.array(Y1, float)]
    vrs = rts == "vrs"
    expected = []
    for i in range(5):
        parts = []
        for tau in (0, 1):
            xr, yr = xs[tau], ys[tau]
            out = (output_distance(xs[tau][i], ys[1][i], xr, yr, vrs)
                   / output_distance(xs[tau][i], ys[0][i], xr, yr, vrs))
            inp = (input_distance(xs[1][i], ys[tau][i], xr, yr, vrs)
                   / input_distance(xs[0][i], ys[tau][i], xr, yr, vrs))
            parts.append(out / inp)
        expected.append(np.sqrt(parts[0] * parts[1]))
    np.testing.assert_allclose(found["tfp_change"].to_numpy(), expected, rtol=1e-9)
    np.testing.assert_allclose(found["tfp_change"], found["output_index"] / found["input_index"], rtol=1e-14)


def test_one_input_one_output_under_constant_returns_is_the_ratio_of_average_products():
    rng = np.random.default_rng(0)
    data = pd.DataFrame({"unit": np.repeat(np.arange(12), 3), "t": np.tile([1, 2, 3], 12),
                         "x": rng.uniform(1, 5, 36), "y": rng.uniform(1, 5, 36)})
    found = nt.frontier.hicks_moorsteen(data, "x", "y", entity="unit", time="t", rts="crs")
    wide = data.assign(ap=data.y / data.x).pivot(index="unit", columns="t", values="ap")
    expected = (wide[[2, 3]].to_numpy() / wide[[1, 2]].to_numpy()).ravel()
    changes = found.tfp_change.unstack("t")[[2, 3]].to_numpy().ravel()
    np.testing.assert_allclose(changes, expected, rtol=1e-10)
    np.testing.assert_allclose(found.tfp.unstack("t")[3].to_numpy(), (wide[3] / wide[1]).to_numpy(), rtol=1e-10)


def test_every_distance_is_feasible_under_variable_returns():
    rng = np.random.default_rng(2)
    rows = [{"unit": u, "t": t, "x1": rng.uniform(1, 10), "x2": rng.uniform(1, 10)} for u in range(25)
            for t in range(3)]
    data = pd.DataFrame(rows)
    data["y1"] = data.x1**0.4 * data.x2**0.4 * np.exp(0.1 * data.t - np.abs(rng.normal(0, 0.3, len(data))))
    data["y2"] = data.x1**0.3 * np.exp(rng.normal(0, 0.2, len(data)) + 0.2 * data.t)
    found = nt.frontier.hicks_moorsteen(data, ["x1", "x2"], ["y1", "y2"], entity="unit", time="t")
    assert found.tfp_change.notna().sum() == 50 and np.isfinite(found.tfp).all()


def test_hicks_moorsteen_says_what_is_missing():
    data = toolbox_panel()
    with pytest.raises(PanelError, match="consecutive periods"):
        nt.frontier.hicks_moorsteen(data[data.t == 0], ["x1", "x2"], ["y1", "y2"], entity="unit", time="t")
    with pytest.raises(nt.errors.SpecificationError, match="rts='grs' is not a valid value"):
        nt.frontier.hicks_moorsteen(data, ["x1", "x2"], ["y1", "y2"], entity="unit", time="t", rts="grs")
    with pytest.raises(PanelError, match="non-positive|positive"):
        nt.frontier.hicks_moorsteen(data.assign(x1=0.0), ["x1", "x2"], ["y1", "y2"], entity="unit", time="t")
