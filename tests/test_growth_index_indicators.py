"""Additive TFP indicators (Bennet 1920; Bennet-Bowley, Chambers 2002): the TFP Toolbox's worked example
computed by hand, the exact split of profit change into quantity and price parts, the Bennet-Bowley
indicator's invariance to the level of prices, and chained levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tfp_toolbox_example import P0, P1, W0, W1, X0, X1, Y0, Y1, toolbox_panel

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError

KEYS = dict(input_prices=["w1", "w2"], output_prices=["p1", "p2"], entity="unit", time="t")


def indicator(data: pd.DataFrame, formula: str) -> nt.growth.TFPIndicator:
    return nt.growth.tfp_indicator(data, ["x1", "x2"], ["y1", "y2"], formula=formula, **KEYS)


def test_bennet_indicator_of_the_toolbox_example_by_hand():
    found = indicator(toolbox_panel(), "bennet").to_frame().xs(1, level="t")
    x0, x1, y0, y1 = (np.array(a, dtype=float) for a in (X0, X1, Y0, Y1))
    w0, w1, p0, p1 = (np.array(a, dtype=float) for a in (W0, W1, P0, P1))
    outputs = (y1 - y0) @ ((p0 + p1) / 2)
    inputs = (x1 - x0) @ ((w0 + w1) / 2)
    np.testing.assert_allclose(found["output_indicator"], outputs, rtol=1e-14)
    np.testing.assert_allclose(found["input_indicator"], inputs, rtol=1e-14)
    np.testing.assert_allclose(found["tfp_change"], outputs - inputs, rtol=1e-14)
    assert found["tfp_change"].iloc[0] == pytest.approx(-9.5 - 7.5)  # unit 1: (3, 3.5).(-2, -1) - (2.5, 2.5).(2, 1)


@pytest.mark.parametrize("formula", ["bennet", "bennet-bowley"])
def test_profit_change_is_the_quantity_indicator_plus_the_price_effect(formula):
    rng = np.random.default_rng(3)
    data = toolbox_panel()
    data[["w1", "w2", "p1", "p2"]] *= rng.uniform(0.5, 2.0, size=(len(data), 4))  # prices differ by unit
    table = indicator(data, formula).to_frame().dropna()
    np.testing.assert_allclose(table["profit_change"], table["tfp_change"] + table["price_effect"], atol=1e-12)


def test_bennet_bowley_ignores_the_level_of_prices():
    data = toolbox_panel()
    scaled = data.copy()
    scaled.loc[scaled.t == 1, ["w1", "w2", "p1", "p2"]] *= 3.0  # every price of period 1 three times higher
    bb, bb_scaled = indicator(data, "bennet-bowley"), indicator(scaled, "bennet-bowley")
    np.testing.assert_allclose(bb.tfp_change.dropna(), bb_scaled.tfp_change.dropna(), rtol=1e-13)
    assert not np.allclose(indicator(data, "bennet").tfp_change.dropna(),
                           indicator(scaled, "bennet").tfp_change.dropna())


def test_with_constant_prices_bennet_bowley_is_bennet_over_the_value_of_the_mean_bundle():
    data = toolbox_panel().assign(w1=2.0, w2=1.0, p1=3.0, p2=2.0)
    bennet = indicator(data, "bennet").tfp_change.dropna()
    bowley = indicator(data, "bennet-bowley").tfp_change.dropna()
    mean = data.groupby("unit")[["x1", "x2", "y1", "y2"]].mean()
    value = 3 * mean.y1 + 2 * mean.y2 + 2 * mean.x1 + 1 * mean.x2
    np.testing.assert_allclose(bowley.to_numpy(), (bennet.droplevel("t") / value).to_numpy(), rtol=1e-13)


def test_levels_cumulate_the_chained_indicators_and_gaps_are_refused():
    rng = np.random.default_rng(4)
    rows = [{"unit": u, "t": t, "x1": rng.uniform(1, 5), "x2": rng.uniform(1, 5), "y1": rng.uniform(1, 5),
             "y2": rng.uniform(1, 5), "w1": rng.uniform(1, 2), "w2": rng.uniform(1, 2), "p1": rng.uniform(1, 2),
             "p2": rng.uniform(1, 2)} for u in range(3) for t in range(5)]
    data = pd.DataFrame(rows).sample(frac=1.0, random_state=0)  # any row order
    found = indicator(data, "bennet-bowley")
    levels = found.tfp.unstack("unit")
    changes = found.tfp_change.unstack("unit").fillna(0.0)
    np.testing.assert_allclose(levels.to_numpy(), changes.cumsum().to_numpy(), atol=1e-14)
    assert (levels.iloc[0] == 0).all()
    with pytest.raises(PanelError, match="gap"):
        indicator(data[~((data.unit == 1) & (data.t == 2))], "bennet")


def test_indicators_say_what_is_missing():
    data = toolbox_panel()
    with pytest.raises(SpecificationError, match="formula='geometric' is not a valid value"):
        indicator(data, "geometric")
    with pytest.raises(TypeError):
        nt.growth.tfp_indicator(data, ["x1", "x2"], ["y1", "y2"], entity="unit", time="t")  # prices are required
    with pytest.raises(SpecificationError, match="input_prices= and output_prices="):
        nt.growth.tfp_indicator(data, ["x1", "x2"], ["y1", "y2"], input_prices=None, output_prices=["p1", "p2"],
                                entity="unit", time="t")
