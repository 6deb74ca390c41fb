"""Perpetual inventory: hand-computed examples and the Zhang, Wu and Zhang (2004) preset's constants.

Zhang, J., Wu, G. and Zhang, J. (2004), Economic Research Journal 2004(10), 35-44: depreciation
9.6 % a year; the 1952 capital stock is 1952 investment divided by 10 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError

KEYS = {"entity": "prov", "time": "year"}


@pytest.fixture()
def provinces() -> pd.DataFrame:
    return pd.DataFrame({"prov": ["A"] * 3 + ["B"] * 3, "year": [1952, 1953, 1954] * 2,
                         "I": [10.0, 11.0, 12.1, 5.0, 6.0, 7.0], "Y": [40.0, 44.0, 48.0, 20.0, 22.0, 25.0]})


def test_growth_method_by_hand(provinces):
    k = nt.growth.perpetual_inventory(provinces, "I", depreciation=0.05, initial="growth", **KEYS)
    # A: g = (12.1 / 10)^(1/2) - 1 = 0.10; K0 = 10 / 0.15 = 66.6667; K1 = 0.95 K0 + 11 = 74.3333;
    # K2 = 0.95 K1 + 12.1 = 82.71667. B: g = (7 / 5)^(1/2) - 1 = 0.183216; K0 = 5 / 0.233216 = 21.43936.
    np.testing.assert_allclose(k.loc["A"], [200 / 3, 223 / 3, 0.95 * 223 / 3 + 12.1], rtol=1e-12)
    g_b = np.sqrt(7 / 5) - 1
    assert k.loc[("B", 1952)] == pytest.approx(5 / (g_b + 0.05), rel=1e-12)
    assert k.loc[("B", 1952)] == pytest.approx(21.43936, rel=1e-6)
    # growth_years=1: g from the first two years only (A: 10 %, B: 20 %)
    one = nt.growth.perpetual_inventory(provinces, "I", depreciation=0.05, initial="growth", growth_years=1, **KEYS)
    assert one.loc[("B", 1952)] == pytest.approx(5 / 0.25, rel=1e-12)


def test_zhang2004_preset(provinces):
    preset = nt.growth.PIM_PRESETS["zhang2004"]
    assert (preset.depreciation, preset.initial, preset.divisor) == (0.096, "divide", 0.10)
    k = nt.growth.perpetual_inventory(provinces, "I", preset="zhang2004", **KEYS)
    # K1952 = I1952 / 0.10; K1953 = 0.904 K1952 + I1953; K1954 = 0.904 K1953 + I1954
    np.testing.assert_allclose(k.loc["A"], [100.0, 101.4, 103.7656], rtol=1e-12)
    np.testing.assert_allclose(k.loc["B"], [50.0, 51.2, 0.904 * 51.2 + 7.0], rtol=1e-12)
    assert k.attrs["preset"] == "zhang2004" and k.name == "capital"
    same = nt.growth.perpetual_inventory(provinces, "I", depreciation=0.096, initial="divide", divisor=0.10, **KEYS)
    np.testing.assert_array_equal(k.to_numpy(), same.to_numpy())


def test_ratio_method_and_depreciation_column(provinces):
    data = provinces.assign(d=[0.05, 0.10, 0.10, 0.05, 0.05, 0.20])
    k = nt.growth.perpetual_inventory(data, "I", depreciation="d", initial="ratio", output="Y",
                                      capital_output_ratio=2.5, **KEYS)
    np.testing.assert_allclose(k.loc["A"], [100.0, 0.9 * 100 + 11, 0.9 * 101 + 12.1], rtol=1e-12)
    np.testing.assert_allclose(k.loc["B"], [50.0, 0.95 * 50 + 6, 0.8 * 53.5 + 7], rtol=1e-12)


def test_rows_in_any_order_and_input_untouched(provinces):
    shuffled = provinces.sample(frac=1.0, random_state=3)
    before = shuffled.copy()
    k = nt.growth.perpetual_inventory(shuffled, "I", preset="zhang2004", **KEYS)
    pd.testing.assert_frame_equal(shuffled, before)
    np.testing.assert_allclose(k.loc["A"], [100.0, 101.4, 103.7656], rtol=1e-12)


def test_bad_input_gets_a_clear_error(provinces):
    pim = nt.growth.perpetual_inventory
    with pytest.raises(PanelError, match="consecutive years"):
        pim(provinces.drop(index=1), "I", preset="zhang2004", **KEYS)
    with pytest.raises(PanelError, match="negative"):
        pim(provinces.assign(I=provinces.I - 8), "I", preset="zhang2004", **KEYS)
    with pytest.raises(PanelError, match="missing"):
        pim(provinces.assign(I=provinces.I.where(provinces.year != 1953)), "I", preset="zhang2004", **KEYS)
    with pytest.raises(SpecificationError, match="sets depreciation=0.096"):
        pim(provinces, "I", preset="zhang2004", depreciation=0.05, **KEYS)
    with pytest.raises(SpecificationError, match="unknown preset"):
        pim(provinces, "I", preset="zhang2005", **KEYS)
    with pytest.raises(SpecificationError, match="give depreciation= and initial="):
        pim(provinces, "I", **KEYS)
    with pytest.raises(SpecificationError, match="initial=.steady. is not a valid value"):
        pim(provinces, "I", depreciation=0.05, initial="steady", **KEYS)
    with pytest.raises(SpecificationError, match=r"\[0, 1\)"):
        pim(provinces, "I", depreciation=1.2, initial="divide", divisor=0.1, **KEYS)
    with pytest.raises(SpecificationError, match="needs output="):
        pim(provinces, "I", depreciation=0.05, initial="ratio", **KEYS)
    with pytest.raises(PanelError, match="g \\+ delta <= 0"):
        pim(provinces.assign(I=[10.0, 5.0, 2.0, 5.0, 6.0, 7.0]), "I", depreciation=0.05, initial="growth", **KEYS)
