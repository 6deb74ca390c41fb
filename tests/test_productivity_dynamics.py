"""Dispersion, persistence and transitions of firm productivity against direct computations and a
simulated AR(1) panel with known persistence (0.7) and stationary standard deviation (0.5 / sqrt(0.51))."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, PanelWarning, SpecificationError, UndefinedStatisticWarning

KW = {"entity": "firm", "time": "year"}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for g in range(2):
        for f in range(400):
            w = rng.normal(0, 0.5 / np.sqrt(1 - 0.49))
            for t in range(6):
                w = 0.7 * w + rng.normal(0, 0.5)
                if rng.uniform() < 0.9:  # gaps, entry and exit
                    rows.append((g, f"{g}-{f}", 2000 + t, w))
    return pd.DataFrame(rows, columns=["industry", "firm", "year", "w"])


def test_dispersion_equals_numpy_percentiles(panel):
    out = nt.analysis.productivity_dispersion(panel, "w", group="industry", **KW)
    cell = panel[(panel.industry == 1) & (panel.year == 2003)].w.to_numpy()
    row = out.loc[(1, 2003)]
    p10, p25, p75, p90 = np.percentile(cell, [10, 25, 75, 90])
    np.testing.assert_allclose([row.p90_p10, row.p75_p25, row.sd, row.firms],
                               [p90 - p10, p75 - p25, cell.std(ddof=1), cell.size], rtol=1e-12)
    assert abs(out.sd.mean() - 0.5 / np.sqrt(0.51)) < 0.05  # the stationary standard deviation


def test_persistence_equals_ols_on_the_consecutive_pairs(panel):
    res = nt.analysis.productivity_persistence(panel, "w", group="industry", **KW)
    out = res.to_frame()
    pd.testing.assert_series_equal(res.params, out["rho"])
    np.testing.assert_allclose(res.std_errors, out["std_error"], rtol=1e-15)
    d = panel.sort_values(["firm", "year"])
    prev = d.groupby("firm").w.shift(1).where(d.groupby("firm").year.diff() == 1)
    pairs = d.assign(lag=prev).dropna(subset=["lag"])
    for g in (0, 1):
        sub = pairs[pairs.industry == g]
        peer = sm.OLS(sub.w, sm.add_constant(sub.lag)).fit(cov_type="cluster", cov_kwds={"groups": sub.firm})
        n, k = len(sub), 2
        assert out.loc[g, "rho"] == pytest.approx(peer.params["lag"], rel=1e-12)
        # statsmodels' cluster correction adds (N - 1) / (N - K) to our G / (G - 1)
        assert out.loc[g, "std_error"] * np.sqrt((n - 1) / (n - k)) == pytest.approx(peer.bse["lag"], rel=1e-10)
        assert out.loc[g, "pairs"] == n
        assert abs(out.loc[g, "rho"] - 0.7) < 3 * out.loc[g, "std_error"]


def test_transitions_by_hand():
    # two periods, four firms ranked (a < b < c < d) in 2000 into 2 classes; in 2001 a and c swap up and
    # down, d exits, e enters
    data = pd.DataFrame({"firm": list("abcdacbe"), "year": [2000] * 4 + [2001] * 4,
                         "w": [1.0, 2.0, 3.0, 4.0, 9.0, 0.0, 1.0, 5.0]})
    table = nt.analysis.productivity_transitions(data, "w", classes=2, **KW)
    # 2001 ranks: c 0 < b 1 < e 5 < a 9 -> classes c 1, b 1, e 2, a 2
    # from class 1 (a, b): a -> 2, b -> 1; from class 2 (c, d): c -> 1, d -> exit; entry: e -> 2
    expected = pd.DataFrame({"1": [0.5, 0.5, 0.0], "2": [0.5, 0.0, 1.0], "exit": [0.0, 0.5, 0.0]},
                            index=pd.Index(["1", "2", "entry"], name="from"))
    pd.testing.assert_frame_equal(table, expected.rename_axis(columns="to"), check_dtype=False)


def test_transition_rows_sum_to_one(panel):
    table = nt.analysis.productivity_transitions(panel, "w", group="industry", classes=5, horizon=2, **KW)
    np.testing.assert_allclose(table.sum(axis=1), 1.0)
    diagonal = np.diag(table.loc[[str(k) for k in range(1, 6)], [str(k) for k in range(1, 6)]])
    assert diagonal.mean() > 0.2  # persistence: more than the 1/5 of independence


@pytest.mark.parametrize("call, error, words", [
    (lambda d: nt.analysis.productivity_dispersion(d.assign(w=np.nan), "w", **KW), PanelError, "missing"),
    (lambda d: nt.analysis.productivity_persistence(pd.concat([d, d.iloc[:1]]), "w", **KW), PanelError,
     "duplicate"),
    (lambda d: nt.analysis.productivity_transitions(d, "w", classes=1, **KW), SpecificationError, "classes"),
    (lambda d: nt.analysis.productivity_dispersion(d, "tfp", **KW), SpecificationError, "not in the data"),
])
def test_bad_input_is_named(call, error, words):
    data = pd.DataFrame({"firm": [1, 1, 2, 2], "year": [1, 2, 1, 2], "w": [0.1, 0.2, 0.3, 0.4]})
    with pytest.raises(error, match=words):
        call(data)


# --------------------------------------------------------------- too few firms, horizons, period spacing


def test_a_cell_with_one_firm_has_no_dispersion():
    data = pd.DataFrame({"industry": ["a", "a", "a", "b", "b"], "firm": [1, 2, 3, 4, 4],
                         "year": [2000, 2000, 2001, 2000, 2001], "w": [0.1, 0.5, 0.3, 0.2, 0.9]})
    with pytest.warns(UndefinedStatisticWarning, match="one firm only in group 'a' in 2001, group 'b' in 2000"):
        out = nt.analysis.productivity_dispersion(data, "w", group="industry", **KW)
    assert out.loc[("a", 2001)][["p90_p10", "p75_p25", "sd"]].isna().all() and out.loc[("a", 2001), "firms"] == 1
    assert out.loc[("a", 2000), "sd"] == pytest.approx(np.std([0.1, 0.5], ddof=1))


def test_persistence_without_variation_or_with_one_firm_is_nan_and_named():
    flat = pd.DataFrame({"industry": ["a"] * 4 + ["b"] * 4, "firm": [1, 1, 2, 2, 3, 3, 3, 3],
                         "year": [1, 2, 1, 2, 1, 2, 3, 4], "w": [0.5, 0.1, 0.5, 0.7, 0.1, 0.4, 0.2, 0.6]})
    with pytest.warns(UndefinedStatisticWarning) as caught:
        res = nt.analysis.productivity_persistence(flat, "w", group="industry", **KW)
    messages = " ".join(str(w.message) for w in caught)
    assert "group(s) 'a', the lagged productivity does not vary" in messages
    assert "group(s) 'b', the pairs come from one firm" in messages
    assert np.isnan(res.params["a"]) and np.isnan(res.std_errors["b"]) and np.isfinite(res.params["b"])


def test_transitions_need_as_many_firms_as_classes_in_every_cell(panel):
    small = panel[(panel.industry == 0) | (panel.firm.isin(["1-1", "1-2", "1-3"]))]
    with pytest.raises(PanelError, match=r"classes=5 .*group 1 in 2000.* fewer"):
        nt.analysis.productivity_transitions(small, "w", group="industry", classes=5, **KW)


@pytest.mark.parametrize("horizon, error, words", [
    (6, SpecificationError, r"horizon=6 is not shorter than the panel: 'year' has 6 period\(s\), 2000 to 2005"),
    (0, SpecificationError, "horizon=0"),
    (-1, SpecificationError, "horizon must be a whole number >= 0, not -1"),
    (1.5, SpecificationError, "horizon"),
])
def test_a_horizon_outside_the_panel_is_refused(panel, horizon, error, words):
    with pytest.raises(error, match=words):
        nt.analysis.productivity_transitions(panel, "w", horizon=horizon, **KW)


def test_every_fifth_year_is_one_period_apart(panel):
    yearly = panel[panel.industry == 0]
    five = yearly.assign(year=2000 + 5 * (yearly.year - 2000))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PanelWarning)
        pd.testing.assert_frame_equal(nt.analysis.productivity_transitions(five, "w", **KW),
                                      nt.analysis.productivity_transitions(yearly, "w", **KW))
        assert nt.analysis.productivity_persistence(five, "w", **KW).params["rho"] == pytest.approx(
            nt.analysis.productivity_persistence(yearly, "w", **KW).params["rho"], rel=1e-12)
    uneven = yearly[yearly.year != 2002]
    with pytest.warns(PanelWarning, match="unevenly spaced .*between 2001 and 2003"):
        nt.analysis.productivity_persistence(uneven, "w", **KW)


def test_an_empty_frame_is_refused():
    empty = pd.DataFrame({"firm": [], "year": [], "w": []})
    for function in (nt.analysis.productivity_dispersion, nt.analysis.productivity_persistence,
                     nt.analysis.productivity_transitions):
        with pytest.raises(PanelError, match="no rows"):
            function(empty, "w", **KW)
