"""The Törnqvist TFP index decomposed with DEA (Balk and Zofío 2018): the TFP Toolbox for MATLAB's worked
example at its exported 15 digits, the identity (the product of the components is the index) in both
orientations, efficiency change against separate DEA runs, and infeasible cross-period programs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tfp_toolbox_example import toolbox_panel

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, PanelError, SpecificationError

# Balk, Barbero and Zofío (2020), TFP Toolbox for MATLAB 1.0, examplesWP_ERS-2018-004-LIS/tfpgprod_results.csv:
# deatfpgprod(X, Y, W, P, 'orient', 'io', 'period', 'geomean', 'decomp', 'complete') on the worked example of
# tfp_toolbox_example.py (GProd, EC, TC, IME, SEC per unit). The toolbox solves its LPs with MATLAB's
# dual simplex at TolFun 1e-10, so it agrees with exact solutions to about 1e-10.
TOOLBOX = pd.DataFrame({
    "tfp_change": [0.489251445201451, 1.26601734122729, 1.31159274417091, 1.98216762417882, 0.458740398038661],
    "efficiency_change": [0.666666666666667, 0.999999999999999, 1, 2, 0.666666666666666],
    "technical_change": [1, 1.18321595661992, 1, 1, 1.03279555898865],
    "mix_effect": [0.933534832077431, 0.96065743193378, 1.25350308888272, 0.770053162776155, 0.785161332777407],
    "scale_effect": [0.786127247302654, 1.11379968231181, 1.04634185252784, 1.28703297382275, 0.848564738067018],
})
KEYS = dict(input_prices=["w1", "w2"], output_prices=["p1", "p2"], entity="unit", time="t")


def test_input_oriented_decomposition_is_the_toolbox_complete_decomposition():
    found = nt.frontier.index_decomposition(toolbox_panel(), ["x1", "x2"], ["y1", "y2"], **KEYS)
    table = found.to_frame()
    assert list(table.columns) == ["tfp_change", "efficiency_change", "technical_change", "scale_effect",
                                   "mix_effect"]
    for column in TOOLBOX:
        np.testing.assert_allclose(table[column].to_numpy(), TOOLBOX[column].to_numpy(), rtol=1e-10, err_msg=column)
    assert found.diagnostics.links == 5 and found.diagnostics.infeasible == 0


def random_panel(seed: int, units: int = 30, periods: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(periods):
        x = rng.uniform(1, 10, size=(units, 2))
        y = np.column_stack([x[:, 0] ** 0.4 * x[:, 1] ** 0.5, x[:, 0] ** 0.6 * x[:, 1] ** 0.3])
        y *= np.exp(-np.abs(rng.normal(0, 0.3, size=(units, 1))) + 0.05 * t)
        for i in range(units):
            rows.append({"unit": i, "t": 2000 + t, "x1": x[i, 0], "x2": x[i, 1], "y1": y[i, 0], "y2": y[i, 1],
                         "w1": rng.uniform(1, 2), "w2": rng.uniform(1, 2), "p1": rng.uniform(1, 2),
                         "p2": rng.uniform(1, 2)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("formula", ["tornqvist", "fisher"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_components_multiply_to_the_index(orientation, formula):
    data = random_panel(1)
    with pytest.warns(ConvergenceWarning, match="infeasible cross-period"):
        found = nt.frontier.index_decomposition(data, ["x1", "x2"], ["y1", "y2"], orientation=orientation,
                                                formula=formula, **KEYS)
    table = found.to_frame()
    index = nt.growth.tfp_index(data, ["x1", "x2"], ["y1", "y2"], formula=formula, **KEYS).tfp_change.dropna()
    np.testing.assert_allclose(table["tfp_change"], index.loc[table.index], rtol=1e-13)
    complete = table.dropna()
    assert 0 < found.diagnostics.infeasible < len(table) and len(complete) == len(table) - found.diagnostics.infeasible
    np.testing.assert_allclose(complete.iloc[:, 1:].prod(axis=1), complete["tfp_change"], rtol=1e-12)


def test_fisher_and_tornqvist_share_efficiency_and_technical_change():
    # EC and TC come from the distance functions alone; only the scale and mix effects carry the formula
    data = random_panel(3, periods=2)
    with pytest.warns(ConvergenceWarning):
        tornqvist = nt.frontier.index_decomposition(data, ["x1", "x2"], ["y1", "y2"], **KEYS).to_frame()
    with pytest.warns(ConvergenceWarning):
        fisher = nt.frontier.index_decomposition(data, ["x1", "x2"], ["y1", "y2"], formula="fisher",
                                                 **KEYS).to_frame()
    pd.testing.assert_frame_equal(tornqvist[["efficiency_change", "technical_change"]],
                                  fisher[["efficiency_change", "technical_change"]])
    assert not np.allclose(tornqvist["mix_effect"].dropna(), fisher["mix_effect"].dropna())


def test_efficiency_change_equals_separate_dea_runs():
    data = random_panel(2, periods=2)
    with pytest.warns(ConvergenceWarning):
        found = nt.frontier.index_decomposition(data, ["x1", "x2"], ["y1", "y2"], **KEYS)
    first, second = data[data.t == 2000].set_index("unit"), data[data.t == 2001].set_index("unit")
    scores = [nt.frontier.dea(period, ["x1", "x2"], ["y1", "y2"], rts="vrs").efficiency for period in (first, second)]
    expected = (scores[1] / scores[0]).to_numpy()
    np.testing.assert_allclose(found.to_frame()["efficiency_change"].to_numpy(), expected, rtol=1e-9)


def test_decomposition_says_what_is_missing():
    data = toolbox_panel()
    with pytest.raises(PanelError, match="consecutive periods"):
        nt.frontier.index_decomposition(data[data.t == 0], ["x1", "x2"], ["y1", "y2"], **KEYS)
    with pytest.raises(SpecificationError, match="orientation"):
        nt.frontier.index_decomposition(data, ["x1", "x2"], ["y1", "y2"], orientation="graph", **KEYS)
    gap = random_panel(4)
    with pytest.raises(PanelError, match="has a gap before"):
        nt.frontier.index_decomposition(gap[~((gap.unit == 3) & (gap.t == 2001))], ["x1", "x2"], ["y1", "y2"], **KEYS)
    with pytest.raises(SpecificationError, match="pass 'tornqvist' or 'fisher'"):
        nt.frontier.index_decomposition(data, ["x1", "x2"], ["y1", "y2"], formula="laspeyres", **KEYS)
    with pytest.raises(SpecificationError, match="need weights"):
        nt.frontier.index_decomposition(data, ["x1", "x2"], ["y1", "y2"], entity="unit", time="t")
