"""The panel layer: validation errors name the column, lags know the calendar."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nqpf_tfp import Panel
from nqpf_tfp.errors import DroppedRowsWarning, PanelError, SpecificationError


def frame() -> pd.DataFrame:
    # firm B misses 2002; rows deliberately unsorted
    return pd.DataFrame(
        {
            "firm": ["B", "A", "A", "B", "A", "B"],
            "year": [2003, 2002, 2001, 2001, 2003, 2004],
            "y": [4.0, 2.0, 1.0, 3.0, 5.0, 6.0],
            "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        },
        index=[10, 11, 12, 13, 14, 15],
    )


def test_sorted_once_by_entity_and_time():
    p = Panel(frame(), entity="firm", time="year", columns=["y"])
    assert list(p.entities) == ["A", "A", "A", "B", "B", "B"]
    assert list(p.time) == [2001, 2002, 2003, 2001, 2003, 2004]
    assert list(p["y"]) == [1.0, 2.0, 5.0, 3.0, 4.0, 6.0]


def test_lag_never_jumps_a_missing_year():
    p = Panel(frame(), entity="firm", time="year", columns=["y"])
    lag = p.lag(1)
    # B 2003 has no 2002, so no lag; B 2004 lags to B 2003
    np.testing.assert_array_equal(lag.valid, [False, True, True, False, False, True])
    np.testing.assert_array_equal(lag.take(p["y"]), [np.nan, 1.0, 2.0, np.nan, np.nan, 4.0])
    lag2 = p.lag(2)
    np.testing.assert_array_equal(lag2.valid, [False, False, True, False, True, False])
    np.testing.assert_array_equal(lag2.take(p["y"])[[2, 4]], [1.0, 3.0])  # A2003<-A2001, B2003<-B2001
    lead = p.lag(-1)
    np.testing.assert_array_equal(lead.valid, [True, True, False, False, True, False])
    np.testing.assert_array_equal(p.diff(p["y"]), [np.nan, 1.0, 3.0, np.nan, np.nan, 2.0])


def test_lag_does_not_cross_entities_at_extreme_times():
    df = pd.DataFrame({"e": [1, 2], "t": [2000, 2001], "v": [1.0, 2.0]})
    p = Panel(df, entity="e", time="t", columns=["v"])
    assert not p.lag(1).valid.any()
    assert not p.lag(-1).valid.any()


def test_multiindex_input_equals_columns():
    df = frame()
    p1 = Panel(df, entity="firm", time="year", columns=["y", "x"])
    p2 = Panel(df.set_index(["firm", "year"]), columns=["y", "x"])
    np.testing.assert_array_equal(p1["y"], p2["y"])
    np.testing.assert_array_equal(p1.lag(1).valid, p2.lag(1).valid)
    assert (p2.entity_name, p2.time_name) == ("firm", "year")


def test_period_time_is_calendar_aware():
    df = pd.DataFrame(
        {"e": ["a"] * 3, "q": pd.PeriodIndex(["2020Q1", "2020Q2", "2020Q4"], freq="Q"), "v": [1.0, 2.0, 3.0]}
    )
    p = Panel(df, entity="e", time="q", columns=["v"])
    np.testing.assert_array_equal(p.lag(1).valid, [False, True, False])


def test_series_back_on_the_callers_index_and_order():
    df = frame()
    p = Panel(df, entity="firm", time="year", columns=["y"])
    s = p.series(p["y"] * 10, "y10", on="index")
    pd.testing.assert_series_equal(s, (df["y"] * 10).rename("y10"))
    keys = p.series(p["y"], "y")
    assert keys.index.names == ["firm", "year"]
    assert keys.loc[("B", 2004)] == 6.0


def test_previous_and_next_observed_rows():
    p = Panel(frame(), entity="firm", time="year", columns=["y"])
    mask = np.array([False, True, False, True, False, False])
    np.testing.assert_array_equal(p.previous_where(mask), [-1, 1, 1, 3, 3, 3])
    np.testing.assert_array_equal(p.next_where(mask), [1, 1, -1, 3, -1, -1])


def test_caller_frame_never_mutated():
    df = frame()
    before = df.copy(deep=True)
    p = Panel(df, entity="firm", time="year", columns=["y", "x"], positive=["y"])
    p["y"]  # noqa: B018
    pd.testing.assert_frame_equal(df, before)


# ------------------------------------------------------------------- errors
def test_duplicate_keys_named():
    df = frame()
    df.loc[99] = ["A", 2001, 1.0, 1.0]
    with pytest.raises(PanelError, match=r"duplicate \(firm, year\).*\('A', 2001\)"):
        Panel(df, entity="firm", time="year", columns=["y"])


def test_missing_entity_key_named():
    df = frame().astype({"firm": object})
    df.loc[11, "firm"] = None
    with pytest.raises(PanelError, match=r"key column 'firm' is missing in 1 row\(s\), index 11"):
        Panel(df, entity="firm", time="year")


def test_missing_time_key_named():
    df = frame().astype({"year": float})
    df.loc[12, "year"] = np.nan
    with pytest.raises(PanelError, match=r"key column 'year' is missing.*index 12"):
        Panel(df, entity="firm", time="year")


def test_non_numeric_column_named():
    df = frame().assign(x=["1", "2", "3", "4", "5", "6"])
    with pytest.raises(PanelError, match=r"column 'x' has non-numeric dtype"):
        Panel(df, entity="firm", time="year", columns=["x"])


def test_non_finite_column_named():
    df = frame()
    df.loc[13, "x"] = np.inf
    with pytest.raises(PanelError, match=r"column 'x' has infinite values in 1 row\(s\), index 13"):
        Panel(df, entity="firm", time="year", columns=["x"])


def test_missing_value_raise_names_column_and_rows():
    df = frame()
    df.loc[14, "y"] = np.nan
    with pytest.raises(PanelError, match=r"column 'y' has missing values in 1 row\(s\), index 14.*missing='drop'"):
        Panel(df, entity="firm", time="year", columns=["x", "y"])


def test_missing_value_drop_warns_with_count():
    df = frame()
    df.loc[[14, 15], "y"] = np.nan
    with pytest.warns(DroppedRowsWarning, match=r"dropped 2 of 6 rows.*y: 2"):
        p = Panel(df, entity="firm", time="year", columns=["y"], missing="drop")
    assert p.nobs == 4


def test_non_positive_before_logs_named():
    df = frame()
    df.loc[15, "x"] = 0.0
    with pytest.raises(PanelError, match=r"column 'x' must be strictly positive.*index 15"):
        Panel(df, entity="firm", time="year", columns=["x"], positive=["x"])


def test_non_integer_time_named():
    df = frame().assign(year=[2003.5, 2002, 2001, 2001, 2003, 2004])
    with pytest.raises(PanelError, match=r"time column 'year' must hold whole numbers.*index 10"):
        Panel(df, entity="firm", time="year")


def test_datetime_time_explains_conversion():
    df = frame().assign(year=pd.to_datetime(["2003", "2002", "2001", "2001", "2003", "2004"]))
    with pytest.raises(PanelError, match=r"time column 'year' holds dates.*to_period"):
        Panel(df, entity="firm", time="year")


def test_unknown_column_suggests_close_match():
    with pytest.raises(SpecificationError, match=r"variable column 'yy' \(did you mean 'y'\?\) is not in the data"):
        Panel(frame(), entity="firm", time="year", columns=["yy"])


def test_unknown_key_column_named():
    with pytest.raises(SpecificationError, match=r"entity column 'frm' \(did you mean 'firm'\?\)"):
        Panel(frame(), entity="frm", time="year")


def test_key_used_as_variable_rejected():
    with pytest.raises(SpecificationError, match=r"column 'year' is a panel key"):
        Panel(frame(), entity="firm", time="year", columns=["year"])


def test_unknown_missing_option_lists_valid_values():
    with pytest.raises(SpecificationError, match=r"missing='ignore'.*'raise'.*'drop'"):
        Panel(frame(), entity="firm", time="year", missing="ignore")


def test_no_consecutive_periods():
    df = pd.DataFrame({"e": ["a", "b", "a"], "t": [2000, 2000, 2002], "v": [1.0, 2.0, 3.0]})
    p = Panel(df, entity="e", time="t", columns=["v"])
    with pytest.raises(PanelError, match=r"two consecutive periods of 't'"):
        p.require_consecutive("growth accounting")


def test_keys_required():
    with pytest.raises(SpecificationError, match="entity= and time="):
        Panel(frame())


def test_no_warning_on_clean_data():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Panel(frame(), entity="firm", time="year", columns=["x", "y"], missing="drop")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(1990, 2000)), min_size=1, max_size=40, unique=True),
       st.integers(-3, 3))
def test_lag_equals_brute_force(keys, k):
    df = pd.DataFrame(keys, columns=["e", "t"]).assign(v=np.arange(len(keys), dtype=float))
    p = Panel(df, entity="e", time="t", columns=["v"])
    lookup = {(e, t): v for e, t, v in zip(df.e, df.t, df.v)}
    expected = [lookup.get((e, t - k), np.nan) for e, t in zip(p.entities, p.time)]
    np.testing.assert_array_equal(p.lag(k).take(p["v"]), expected)
