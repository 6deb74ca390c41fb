"""The Färe-Primont TFP index with DEA components (O'Donnell 2012): every level and component against the R
package productivity's ``fareprim`` on the same data, the aggregator weights against the envelopment form of
the distance functions at the mean point, and a hand-solved case whose multiplier program has a range of
optimal solutions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, PanelError, SpecificationError

FARMS = nt.datasets.load_usda_states()
OUTPUTS = ["q_livestock", "q_crop", "q_other"]
INPUTS = ["q_capital", "q_land", "q_labor", "q_materials"]
KEYS = {"entity": "state", "time": "year"}
COMPONENTS = ["technical_efficiency", "mix_efficiency", "residual_scale_efficiency"]

# R 4.2.2, productivity 1.1.0 (Dakpo, Desjeux and Latruffe; the CRAN release as mirrored in GitHub
# cran/productivity, commit 4bbd9e9) with lpSolveAPI 5.5.2.0-17.15:
#   fareprim(d, id.var = "state", time.var = "year", x.vars = INPUTS, y.vars = OUTPUTS, rts = rts,
#            orientation = "out" or "in")
# on the bundled US states with year >= 2000 (48 states x 5 years), its Levels table printed by write.csv
# with 15 significant digits: TFP, MP (maximum TFP of the year), TFPE and OTE/OME/ROSE or ITE/IME/RISE.
# The LP solver's tolerances, not the printing, bound the agreement: 1e-9 relative.
REFERENCE = pd.read_csv(Path(__file__).parent / "data" / "productivity_fareprim_usda.csv")
COLUMNS = {"tfp": "TFP", "tfp_max": "MP", "tfp_efficiency": "TFPE", "technical_efficiency": "TE",
           "mix_efficiency": "ME", "residual_scale_efficiency": "RSE"}


def fare_primont(data: pd.DataFrame = FARMS, **kwargs) -> nt.frontier.FarePrimontEfficiency:
    return nt.frontier.fare_primont_efficiency(data, INPUTS, OUTPUTS, **KEYS, **kwargs)


@pytest.mark.parametrize("rts", ["vrs", "crs"])
@pytest.mark.parametrize("orientation", ["output", "input"])
def test_levels_and_components_equal_r_productivity_fareprim(orientation, rts):
    expected = REFERENCE[(REFERENCE.rts == rts) & (REFERENCE.orientation == orientation)]
    assert len(expected) == 240
    result = fare_primont(FARMS[FARMS.year >= 2000], orientation=orientation, rts=rts)
    assert result.diagnostics.weights_unique and result.diagnostics.failed == 0
    found = result.to_frame().loc[pd.MultiIndex.from_frame(expected[["state", "year"]])]
    for ours, theirs in COLUMNS.items():
        np.testing.assert_allclose(found[ours].to_numpy(), expected[theirs].to_numpy(), rtol=1e-9, err_msg=ours)


@pytest.mark.parametrize("rts", ["vrs", "crs"])
def test_weights_give_the_distance_functions_at_the_mean_point(rts):
    # Q(y0) = D_O(x0, y0) and X(x0) = D_I(x0, y0) against every observation pooled, the envelopment form
    # solved by dea (the mean point is a convex combination of the data: adding it leaves the technology alone)
    data = FARMS[FARMS.year >= 2000]
    result = fare_primont(data, rts=rts)
    pooled = pd.concat([data[INPUTS + OUTPUTS], data[INPUTS + OUTPUTS].mean().to_frame().T], ignore_index=True)
    output_score = nt.frontier.dea(pooled, INPUTS, OUTPUTS, rts=rts, orientation="output").efficiency.iloc[-1]
    input_score = nt.frontier.dea(pooled, INPUTS, OUTPUTS, rts=rts, orientation="input").efficiency.iloc[-1]
    mean = pooled.iloc[-1]
    assert result.output_weights @ mean[OUTPUTS] == pytest.approx(output_score, rel=1e-9)  # D_O = 1 / phi
    assert result.input_weights @ mean[INPUTS] == pytest.approx(1.0 / input_score, rel=1e-9)  # D_I = 1 / theta
    keyed = data.set_index(["state", "year"]).loc[result.tfp.index]
    aggregates = (keyed[OUTPUTS] @ result.output_weights) / (keyed[INPUTS] @ result.input_weights)
    np.testing.assert_allclose(result.tfp, aggregates, rtol=1e-12)


@pytest.mark.parametrize("rts", ["vrs", "crs"])
@pytest.mark.parametrize("orientation", ["output", "input"])
def test_tfp_is_its_maximum_times_the_components(orientation, rts):
    table = fare_primont(FARMS[FARMS.year <= 1997], orientation=orientation, rts=rts).to_frame()
    np.testing.assert_allclose(table["tfp"], table["tfp_max"] * table[COMPONENTS].prod(axis=1), rtol=1e-12)
    assert ((table[COMPONENTS] > 0) & (table[COMPONENTS] <= 1 + 1e-9)).all().all()
    # levels are transitive: the change between two periods is the ratio of their levels
    changes = fare_primont(FARMS[FARMS.year <= 1997], orientation=orientation, rts=rts).changes()
    level = table["tfp"]
    np.testing.assert_allclose(changes.loc[("AL", 1997), "tfp"], level[("AL", 1997)] / level[("AL", 1996)],
                               rtol=1e-14)


def _vertex_panel() -> pd.DataFrame:
    # one input, equal everywhere; two outputs. The ray through the mean output (2.025, 2.025) x 1.05 meets the
    # pooled frontier at the vertex (2.86, 2.86) between the edges to (4.4, 1.1) and to (1.1, 4.4)
    outputs = np.array([[4.0, 1.0], [1.0, 4.0], [2.6, 2.6], [0.5, 0.5]])
    rows = [{"unit": u, "year": year, "x": 1.0, "y1": f * a, "y2": f * b}
            for year, f in ((1, 1.0), (2, 1.1)) for u, (a, b) in enumerate(outputs)]
    return pd.DataFrame(rows)


def test_a_range_of_optimal_weights_is_reported_and_its_centre_used():
    data = _vertex_panel()
    with pytest.warns(ConvergenceWarning, match="more than one optimal solution"):
        result = nt.frontier.fare_primont_efficiency(data, "x", ["y1", "y2"], entity="unit", time="year")
    assert not result.diagnostics.weights_unique
    # supporting lines through (2.86, 2.86): normals (1.6, 1.4) (edge to (4.4, 1.1)) to (1.4, 1.6), scaled so that
    # Q = 1 at the vertex; the centre of the range is (1.5, 1.5) / (3 x 2.86)
    ranges = result.weight_ranges.loc["output"]
    np.testing.assert_allclose(ranges["low"], [1.4 / (3 * 2.86)] * 2, rtol=1e-8)
    np.testing.assert_allclose(ranges["high"], [1.6 / (3 * 2.86)] * 2, rtol=1e-8)
    np.testing.assert_allclose(result.output_weights, [1.5 / (3 * 2.86)] * 2, rtol=1e-8)
    assert result.input_weights.iloc[0] == pytest.approx(1.0)  # one input: X(x) = x at x0 = 1
    # the same in millions: the ranges are judged on the normalised weights, not in the data's units
    millions = data.assign(y1=data.y1 * 1e6, y2=data.y2 * 1e6)
    with pytest.warns(ConvergenceWarning, match="more than one optimal solution"):
        scaled = nt.frontier.fare_primont_efficiency(millions, "x", ["y1", "y2"], entity="unit", time="year")
    assert not scaled.diagnostics.weights_unique
    np.testing.assert_allclose(scaled.output_weights, result.output_weights / 1e6, rtol=1e-8)
    pd.testing.assert_series_equal(scaled.tfp, result.tfp, rtol=1e-8)


def test_bad_input_is_refused_with_the_column_or_keyword_named():
    data = FARMS[FARMS.year >= 2003]
    with pytest.raises(PanelError, match="q_land"):
        nt.frontier.fare_primont_efficiency(data.assign(q_land=0.0), INPUTS, OUTPUTS, **KEYS)
    with pytest.raises(SpecificationError, match="rts"):
        fare_primont(data, rts="grs")
    with pytest.raises(SpecificationError, match="orientation"):
        fare_primont(data, orientation="graph")
    with pytest.raises(SpecificationError, match="outputs="):
        nt.frontier.fare_primont_efficiency(data, INPUTS, [], **KEYS)
    with pytest.raises(SpecificationError, match="twice"):
        nt.frontier.fare_primont_efficiency(data, INPUTS, ["q_crop", "q_crop"], **KEYS)
    with pytest.raises(TypeError, match="output_prices"):
        nt.frontier.fare_primont_efficiency(data, INPUTS, OUTPUTS, **KEYS, output_prices=["p_crop"])
