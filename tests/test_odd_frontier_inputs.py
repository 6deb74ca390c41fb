"""Odd input to the frontier, analysis and index families: a Dask frame, a column that is 0 for every
reference unit, and numbers that round to zero (never printed as -0.000)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError
from nqpf_tfp.tables import SummaryTable


def _panel(seed=0, firms=6, years=3):
    rng = np.random.default_rng(seed)
    return pd.DataFrame([{"firm": f, "year": 2010 + t, "k": rng.uniform(1, 10), "l": rng.uniform(1, 10),
                          "y": rng.uniform(1, 10), "co2": rng.uniform(1, 10)}
                         for f in range(firms) for t in range(years)])


CALLS = {
    "dea": lambda d: nt.frontier.dea(d, ["k", "l"], "y"),
    "ddf": lambda d: nt.frontier.ddf(d, ["k", "l"], "y", "co2"),
    "sbm": lambda d: nt.frontier.sbm(d, ["k", "l"], "y"),
    "malmquist": lambda d: nt.frontier.malmquist(d, ["k", "l"], "y", entity="firm", time="year"),
    "luenberger": lambda d: nt.frontier.luenberger(d, ["k", "l"], "y", "co2", entity="firm", time="year"),
    "SFA": lambda d: nt.frontier.SFA(d, "y", ["k", "l"], take_logs=True),
    "productivity_dispersion": lambda d: nt.analysis.productivity_dispersion(d, "y", entity="firm", time="year"),
    "productivity_decomposition": lambda d: nt.analysis.productivity_decomposition(d, "y", "l", entity="firm",
                                                                                   time="year"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_dask_frame_is_refused_with_what_to_do(name):
    import dask.dataframe as dd
    lazy = dd.from_pandas(_panel(), npartitions=2)
    with pytest.raises(SpecificationError, match=r"data is a Dask DataFrame: .*pass data\.compute\(\)"):
        CALLS[name](lazy)


@pytest.mark.parametrize("call, role, column", [
    (lambda d: nt.frontier.ddf(d, ["k", "l"], "y", "co2"), "bad output", "co2"),
    (lambda d: nt.frontier.nonradial_ddf(d, ["k", "l"], "y", "co2"), "bad output", "co2"),
    (lambda d: nt.frontier.malmquist_luenberger(d, ["k", "l"], "y", "co2", entity="firm", time="year"),
     "bad output", "co2"),
    (lambda d: nt.frontier.ddf(d.assign(l=0.0), ["k", "l"], "y"), "input", "l"),
])
def test_a_column_zero_for_every_reference_unit_is_named(call, role, column):
    data = _panel().assign(co2=0.0)
    with pytest.raises(PanelError, match=f"{role} column '{column}' is 0 for every reference unit"):
        call(data)


def test_the_index_names_the_frontier_whose_reference_units_are_all_zero():
    data = _panel()
    data.loc[data.year == 2011, "co2"] = 0.0
    with pytest.raises(PanelError, match=r"'co2' is 0 for every reference unit of the frontier of period\(s\) 2011"):
        nt.frontier.luenberger(data, ["k", "l"], "y", "co2", entity="firm", time="year")


def test_a_number_that_rounds_to_zero_has_no_sign():
    table = SummaryTable(pd.DataFrame({"tech": [-0.0, -1e-9, -0.5]}), "t", float_format=".4f")
    text, html = table.as_text(), table.as_html()
    assert "-0.0000" not in text and "-0.0000" not in html and "-0.5000" in text
    assert text.count("0.0000") == 2


# ------------------------------------------------------------------- spatial weights and unbalanced panels
def _ring(n=6, years=3, seed=0):
    rng = np.random.default_rng(seed)
    units = [f"u{i}" for i in range(n)]
    frame = pd.DataFrame([(u, 2000 + t, rng.normal()) for u in units for t in range(years)],
                         columns=["unit", "year", "y"])
    neighbours = {u: [units[(i - 1) % n], units[(i + 1) % n]] for i, u in enumerate(units)}
    return frame, neighbours


def test_a_neighbour_that_is_no_unit_and_no_key_is_a_typo():
    frame, w = _ring()
    w["u0"] = ["u1", "u9x"]
    with pytest.raises(SpecificationError, match=r"neighbour\(s\) \['u9x'\] that are neither units of the data"):
        nt.indices.moran(frame, "y", w, entity="unit", time="year")


def test_weights_reduced_to_the_units_present_say_so():
    frame, w = _ring(n=7)
    present = frame[frame.unit != "u6"]
    with pytest.warns(nt.errors.PanelWarning, match=r"reduced to the 6 units .*dropped \(\['u6'\]\); each row is "
                                                    "re-standardised"):
        reduced = nt.indices.moran(present, "y", w, entity="unit", time="year").statistics
    # the same as weights written for the six units: u0 and u5 keep their one remaining neighbour
    six = {u: [v for v in vs if v != "u6"] for u, vs in w.items() if u != "u6"}
    np.testing.assert_allclose(reduced.to_numpy(dtype=float),
                               nt.indices.moran(present, "y", six, entity="unit", time="year").statistics
                               .to_numpy(dtype=float), rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda d, w: nt.indices.moran(d, "y", w, entity="unit", time="year"),
    lambda d, w: nt.indices.markov_chain(d, "y", entity="unit", time="year", classes=2),
    lambda d, w: nt.indices.markov_chain(d, "y", entity="unit", time="year", classes=2, spatial_weights=w),
])
def test_an_unbalanced_panel_is_refused_with_what_to_do(call):
    frame, w = _ring()
    gapped = frame[~((frame.unit == "u2") & (frame.year == 2001))]
    with pytest.raises(PanelError, match=r"unbalanced: 1 .*'u2' in 2001.*Drop the incomplete entities \(\['u2'\]\) "
                                         "or fill"):
        call(gapped, w)
