"""Odd input to the frontier, analysis and index families: a Dask frame, a column that is 0 for every
reference unit, numbers that round to zero (never printed as -0.000), spatial weights that do not match
the data, unbalanced panels, a non-radial direction without a component, empty frames and one unit.
Each case asserts the error or warning type and that the message names the column, unit or period."""

from __future__ import annotations

import warnings

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


# ----------------------------------------------------------- a non-radial distance without a direction
def test_a_zero_bad_output_leaves_its_non_radial_share_undefined_and_says_what_to_do():
    data = _panel(years=1)
    data.loc[2, "co2"] = 0.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = nt.frontier.nonradial_ddf(data, ["k", "l"], "y", "co2")
    messages = [str(w.message) for w in caught if w.category is nt.errors.UndefinedStatisticWarning]
    assert len(messages) == 1 and "e.g. 2)" in messages[0] and "0 for 'co2'" in messages[0]
    assert "weight 0 in direction_weights=" in messages[0]
    assert not any(issubclass(w.category, nt.errors.ConvergenceWarning) for w in caught)
    assert np.isnan(res.distance.iloc[2]) and res.status.iloc[2] == "zero direction"
    assert res.distance.drop(2).notna().all()
    # with no weight on the bad output, the unit has a distance again
    weights = {"k": 1 / 6, "l": 1 / 6, "y": 2 / 3, "co2": 0.0}
    again = nt.frontier.nonradial_ddf(data, ["k", "l"], "y", "co2", direction_weights=weights)
    assert again.distance.notna().all()


def test_a_zero_bad_output_in_a_non_radial_index_is_named_not_blamed_on_the_lps():
    data = _panel()
    data.loc[(data.firm == 3) & (data.year == 2011), "co2"] = 0.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = nt.frontier.luenberger(data, ["k", "l"], "y", "co2", entity="firm", time="year", distance="nonradial",
                                     frontier="global")
    messages = [str(w.message) for w in caught if w.category is nt.errors.UndefinedStatisticWarning]
    assert len(messages) == 1 and "3 in 2011" in messages[0] and "0 for 'co2'" in messages[0]
    assert not any(issubclass(w.category, nt.errors.ConvergenceWarning) for w in caught)
    assert res.changes.loc[(3, 2011)].isna().all() and res.changes.loc[(3, 2012)].isna().all()
    assert res.changes.drop(3, level=0).notna().all().all()


# ----------------------------------------------------------------------------- empty frames, one unit
def _units(n=6, years=4, seed=0):
    rng = np.random.default_rng(seed)
    names = [f"u{i}" for i in range(n)]
    frame = pd.DataFrame([(u, 2000 + t, *rng.uniform(1, 10, 4), "ab"[i % 2]) for i, u in enumerate(names)
                          for t in range(years)], columns=["unit", "year", "k", "l", "y", "co2", "grp"])
    ring = {u: [names[(i - 1) % n], names[(i + 1) % n]] for i, u in enumerate(names)}
    return frame, ring


UK = {"entity": "unit", "time": "year"}
EVERY = {
    "dea": lambda d, w: nt.frontier.dea(d, ["k", "l"], "y"),
    "sbm": lambda d, w: nt.frontier.sbm(d, ["k", "l"], "y"),
    "ddf": lambda d, w: nt.frontier.ddf(d, ["k", "l"], "y", "co2"),
    "nonradial_ddf": lambda d, w: nt.frontier.nonradial_ddf(d, ["k", "l"], "y", "co2"),
    "malmquist": lambda d, w: nt.frontier.malmquist(d, ["k", "l"], "y", **UK),
    "malmquist_luenberger": lambda d, w: nt.frontier.malmquist_luenberger(d, ["k", "l"], "y", "co2", **UK),
    "luenberger": lambda d, w: nt.frontier.luenberger(d, ["k", "l"], "y", "co2", **UK),
    "SFA": lambda d, w: nt.frontier.SFA(d, "y", ["k", "l"], take_logs=True),
    "productivity_decomposition": lambda d, w: nt.analysis.productivity_decomposition(d, "y", "l", **UK),
    "productivity_dispersion": lambda d, w: nt.analysis.productivity_dispersion(d, "y", **UK),
    "productivity_persistence": lambda d, w: nt.analysis.productivity_persistence(d, "y", **UK),
    "productivity_transitions": lambda d, w: nt.analysis.productivity_transitions(d, "y", classes=2, **UK),
    "moran": lambda d, w: nt.indices.moran(d, "y", w, **UK),
    "local_moran": lambda d, w: nt.indices.local_moran(d, "y", w, **UK),
    "markov_chain": lambda d, w: nt.indices.markov_chain(d, "y", classes=2, **UK),
    "beta_convergence": lambda d, w: nt.indices.beta_convergence(d, "y", **UK),
    "sigma_convergence": lambda d, w: nt.indices.sigma_convergence(d, "y", time="year"),
    "theil": lambda d, w: nt.indices.theil(d, "y", "grp", time="year"),
    "dagum_gini": lambda d, w: nt.indices.dagum_gini(d, "y", "grp", time="year"),
    "kernel_densities": lambda d, w: nt.indices.kernel_densities(d, "y", time="year"),
    "composite_index": lambda d, w: nt.indices.composite_index(d, ["k", "l", "y"], **UK),
}


@pytest.mark.parametrize("name", sorted(EVERY))
def test_an_empty_frame_is_refused_by_every_function(name):
    frame, ring = _units()
    with pytest.raises(PanelError, match="data has no rows"):
        EVERY[name](frame.iloc[:0], ring)


@pytest.mark.parametrize("name, error, words", [
    ("markov_chain", PanelError, r"classes=2 quantile classes .* 1 unit\(s\)"),
    ("moran", PanelError, "at least four units"),
    ("local_moran", PanelError, "at least four units"),
    ("beta_convergence", PanelError, "at least two units"),
    ("SFA", PanelError, r"4 observation\(s\) for 5 parameters"),
])
def test_one_unit_is_refused_where_the_statistic_needs_several(name, error, words):
    frame, ring = _units()
    with pytest.raises(error, match=words):
        EVERY[name](frame[frame.unit == "u0"], ring)


@pytest.mark.parametrize("name, words", [
    ("sigma_convergence", r"one unit only in 2000, 2001, 2002 and 1 more"),
    ("productivity_dispersion", r"one firm only in 2000, 2001, 2002 and 1 more"),
    ("theil", r"no inequality in period\(s\) 2000, 2001, 2002 and 1 more"),
    ("dagum_gini", r"no inequality in period\(s\) 2000, 2001, 2002 and 1 more"),
])
def test_one_unit_gives_nan_where_the_statistic_is_undefined_and_says_so(name, words):
    frame, ring = _units()
    with pytest.warns(nt.errors.UndefinedStatisticWarning, match=words):
        EVERY[name](frame[frame.unit == "u0"], ring)


PANEL_FUNCTIONS = ["malmquist", "malmquist_luenberger", "luenberger", "productivity_decomposition",
                   "productivity_dispersion", "productivity_persistence", "productivity_transitions", "moran",
                   "local_moran", "markov_chain", "beta_convergence", "composite_index"]


@pytest.mark.parametrize("name", PANEL_FUNCTIONS)
def test_a_duplicated_entity_period_is_refused_by_every_panel_function(name):
    frame, ring = _units()
    twice = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)
    with pytest.raises(PanelError, match=r"duplicate \(unit, year\)"):
        EVERY[name](twice, ring)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"classes": 1}, SpecificationError, "classes must be a whole number >= 2, not 1"),
    ({"classes": 2.5}, SpecificationError, "classes must be a whole number"),
    ({"lag_classes": 3}, SpecificationError, "lag_classes= .* pass spatial_weights="),
    ({"lag_classes": 1, "spatial_weights": "ring"}, SpecificationError, "lag_classes must be a whole number >= 2"),
])
def test_markov_class_counts_are_checked(kwargs, error, words):
    frame, ring = _units()
    if kwargs.get("spatial_weights") == "ring":
        kwargs = kwargs | {"spatial_weights": ring}
    with pytest.raises(error, match=words):
        nt.indices.markov_chain(frame, "y", **UK, **kwargs)


def test_a_markov_chain_on_one_period_names_the_time_column():
    frame, _ = _units()
    with pytest.raises(PanelError, match="at least two periods of 'year'"):
        nt.indices.markov_chain(frame[frame.year == 2000], "y", classes=2, **UK)


@pytest.mark.parametrize("orientation, rts", [("input", "crs"), ("output", "crs"), ("output", "vrs")])
def test_dea_names_a_unit_without_output_and_never_prints_minus_zero(orientation, rts):
    data = _panel(years=1).reset_index(drop=True)
    data.loc[3, "y"] = 0.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = nt.frontier.dea(data, ["k", "l"], "y", orientation=orientation, rts=rts)
    messages = [str(w.message) for w in caught if w.category is nt.errors.PanelWarning]
    assert len(messages) == 1 and "zero output ('y' all 0), e.g. 3" in messages[0]
    assert not any(issubclass(w.category, nt.errors.ConvergenceWarning) for w in caught)  # not blamed on the LPs
    if orientation == "input":
        assert res.efficiency.iloc[3] == 0 and not np.signbit(res.efficiency.iloc[3])  # was -0.0
    else:
        assert np.isnan(res.efficiency.iloc[3]) and res.status.iloc[3] == "zero output"
    assert "-0.000" not in res.summary().as_text() and res.efficiency.drop(3).notna().all()


# ------------------------------------------------------------------ the sweep: every function, odd frames
def _odd_frames():
    frame, _ = _units()
    third = np.arange(len(frame)) == 3
    return {
        "constant output": frame.assign(y=5.0),
        "constant input": frame.assign(k=5.0),
        "one zero input": frame.assign(k=np.where(third, 0.0, frame.k)),
        "one zero output": frame.assign(y=np.where(third, 0.0, frame.y)),
        "one zero bad output": frame.assign(co2=np.where(third, 0.0, frame.co2)),
        "one period": frame[frame.year == 2000],
        "two units": frame[frame.unit.isin(["u0", "u1"])],
        "huge values": frame.assign(y=frame.y * 1e300),
        "tiny values": frame.assign(y=frame.y * 1e-300),
        "negative values": frame.assign(y=-frame.y),
        "a missing value": frame.assign(y=np.where(np.arange(len(frame)) == 2, np.nan, frame.y)),
        "an infinite value": frame.assign(k=np.where(np.arange(len(frame)) == 2, np.inf, frame.k)),
        "text values": frame.assign(y=frame.y.astype(str)),
        "every fifth year": frame.assign(year=2000 + 5 * (frame.year - 2000)),
        "an entity's gap": frame.drop(index=[5]),
        "fractional years": frame.assign(year=frame.year + 0.5),
        "a duplicated row": pd.concat([frame, frame.iloc[[3]]]),
        "every value equal": frame.assign(y=1.0, k=1.0, l=1.0, co2=1.0),
    }


ODD_FRAMES = _odd_frames()


@pytest.mark.parametrize("case", sorted(ODD_FRAMES))
def test_every_function_answers_odd_frames_in_its_own_words(case):
    """A result (with the library's warnings) or an nqpf_tfp error; never a foreign exception, a numpy
    warning or a changed frame."""
    _, ring = _units()
    for name, call in EVERY.items():
        frame = ODD_FRAMES[case].copy(deep=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                call(frame, ring)
            except nt.errors.NqpfTfpError:
                pass
        foreign = [f"{w.category.__name__}: {w.message}" for w in caught
                   if not issubclass(w.category, nt.errors.NqpfTfpWarning)]
        assert not foreign, (name, foreign)
        pd.testing.assert_frame_equal(frame, ODD_FRAMES[case], obj=name)


def test_values_whose_squares_overflow_are_refused_naming_the_column():
    frame, ring = _units()
    with pytest.raises(PanelError, match=r"column 'y' has a value of magnitude 9.\d+e\+300.*rescale"):
        nt.indices.moran(frame.assign(y=frame.y * 1e300), "y", ring, **UK)
    with pytest.raises(PanelError, match=r"indicator column 'k' has a value of magnitude .*e-300"):
        nt.indices.composite_index(frame.assign(k=frame.k * 1e-300), ["k", "l", "y"], **UK)


def test_how_many_odd_inputs_the_sweeps_try():
    # 18 odd frames x 21 functions (8 frontier, 4 analysis, 9 indices) in the sweep above
    assert len(ODD_FRAMES) * len(EVERY) == 378
