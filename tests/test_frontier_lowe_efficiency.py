"""The Lowe TFP index decomposed with DEA (O'Donnell 2012): the identity TFP = TFP* x technical x mix x
residual scale efficiency, each component in (0, 1], the mix program against SciPy's linprog, the levels
against the multilateral Lowe index, and technical efficiency against DEA."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import nqpf_tfp as nt
from nqpf_tfp.errors import SpecificationError

FARMS = nt.datasets.load_usda_states()
OUTPUTS = ["q_livestock", "q_crop", "q_other"]
INPUTS = ["q_capital", "q_land", "q_labor", "q_materials"]
PRICES = {"input_prices": [c.replace("q_", "p_") for c in INPUTS],
          "output_prices": [c.replace("q_", "p_") for c in OUTPUTS]}
KEYS = {"entity": "state", "time": "year"}
COMPONENTS = ["technical_efficiency", "mix_efficiency", "residual_scale_efficiency"]


def lowe(data: pd.DataFrame = FARMS, **kwargs) -> nt.frontier.LoweEfficiency:
    return nt.frontier.lowe_efficiency(data, INPUTS, OUTPUTS, **PRICES, **KEYS, **kwargs)


@pytest.mark.parametrize("rts", ["vrs", "crs"])
@pytest.mark.parametrize("orientation", ["output", "input"])
def test_tfp_is_its_maximum_times_the_efficiency_components(orientation, rts):
    table = lowe(FARMS[FARMS.year <= 1998], orientation=orientation, rts=rts).to_frame()
    np.testing.assert_allclose(table["tfp"], table["tfp_max"] * table[COMPONENTS].prod(axis=1), rtol=1e-12)
    np.testing.assert_allclose(table["tfp_efficiency"], table[COMPONENTS].prod(axis=1), rtol=1e-12)
    assert ((table[COMPONENTS] > 0) & (table[COMPONENTS] <= 1 + 1e-9)).all().all()
    # the best unit of each year reaches the maximum, and the maximum is that year's largest TFP
    best = table.groupby(level="year")["tfp"].max()
    np.testing.assert_allclose(table["tfp_max"], best.loc[table.index.get_level_values("year")].to_numpy())


def test_levels_are_the_multilateral_lowe_index():
    found = lowe().tfp
    multilateral = nt.growth.multilateral_tfp(FARMS, INPUTS, OUTPUTS, **PRICES, **KEYS, method="lowe").tfp
    ratio = found / multilateral.loc[found.index]
    np.testing.assert_allclose(ratio / ratio.iloc[0], 1.0, rtol=1e-12)  # the same levels up to one factor


def test_mix_efficiency_program_against_linprog():
    # output orientation: Q_bar = max p_bar . Y'l s.t. X'l <= x_o, sum l = 1, solved directly with SciPy
    year = FARMS[FARMS.year == 2000].reset_index(drop=True)
    table = lowe(FARMS, orientation="output").to_frame().xs(2000, level="year")
    p_bar = FARMS[PRICES["output_prices"]].to_numpy().mean(axis=0)
    x, y = year[INPUTS].to_numpy(), year[OUTPUTS].to_numpy()
    for k in (0, 10, 30):
        res = linprog(-(y @ p_bar), A_ub=x.T, b_ub=x[k], A_eq=np.ones((1, len(year))), b_eq=[1.0],
                      bounds=[(0, None)] * len(year), method="highs")
        q_bar = -res.fun
        state = year.loc[k, "state"]
        technical = table.loc[state, "technical_efficiency"]
        assert table.loc[state, "mix_efficiency"] == pytest.approx((y[k] @ p_bar / technical) / q_bar, rel=1e-8)


def test_technical_efficiency_is_each_years_dea():
    table = lowe(orientation="input").to_frame()
    year = FARMS[FARMS.year == 2004].set_index("state")
    dea = nt.frontier.dea(year, INPUTS, OUTPUTS, rts="vrs", orientation="input").efficiency
    np.testing.assert_allclose(table.xs(2004, level="year")["technical_efficiency"], dea.loc[
        table.xs(2004, level="year").index], rtol=1e-9)


def test_changes_split_into_technical_change_and_efficiency_change():
    changes = lowe().changes()
    np.testing.assert_allclose(changes["tfp"], changes["tfp_max"] * changes["tfp_efficiency"], rtol=1e-12)
    assert len(changes) == 48 * 9


def test_lowe_efficiency_says_what_is_missing():
    with pytest.raises(SpecificationError, match="input_prices= and output_prices="):
        nt.frontier.lowe_efficiency(FARMS, INPUTS, OUTPUTS, input_prices=None, output_prices=PRICES["output_prices"],
                                    **KEYS)
    with pytest.raises(SpecificationError, match="orientation='graph' is not a valid value"):
        lowe(orientation="graph")
