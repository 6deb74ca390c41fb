"""Aggregate productivity decompositions: hand-computed panels, identities and invariances.

The hand panel: firms A, B, C in 2000 and A, B, D in 2001 (C exits, D enters); productivity w = (1, 2, 3)
then (1.5, 2.5, 4), size x = (1, 1, 2) then (2, 1, 1). Shares 2000 (.25, .25, .5), 2001 (.5, .25, .25);
aggregates W_2000 = 2.25, W_2001 = 2.375, change 0.125. Survivors A, B: shares .5 then .75, weighted
means 1.5 then 11/6, unweighted means 1.5 then 2. Worked by hand:

- Olley-Pakes 2000: mean 2, covariance 0.25; 2001: mean 8/3, covariance -7/24.
- Melitz-Polanec: within 2 - 1.5 = 0.5; covariance (11/6 - 2) - (1.5 - 1.5) = -1/6;
  entry .25 (4 - 11/6) = 13/24; exit .5 (1.5 - 3) = -0.75.
- FHK: within .25(.5) + .25(.5) = .25; between .25(1 - 2.25) = -.3125; cross .25(.5) = .125;
  entry .25(4 - 2.25) = .4375; exit -.5(3 - 2.25) = -.375.
- Griliches-Regev (Wbar 2.3125): within .375(.5) + .25(.5) = .3125; between .25(1.25 - 2.3125) = -.265625;
  entry .25(4 - 2.3125) = .421875; exit -.5(3 - 2.3125) = -.34375.
- Baily-Hulten-Campbell: within .25; between .25(1.5) = .375; entry .25(4) = 1; exit -.5(3) = -1.5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nqpf_tfp as nt
from nqpf_tfp.analysis import productivity_decomposition
from nqpf_tfp.errors import PanelError, SpecificationError

HAND = pd.DataFrame({"firm": list("ABCABD"), "year": [2000] * 3 + [2001] * 3,
                     "w": [1.0, 2.0, 3.0, 1.5, 2.5, 4.0], "x": [1.0, 1.0, 2.0, 2.0, 1.0, 1.0]})
EXPECTED = {
    "melitz-polanec": {"within": 0.5, "covariance": -1 / 6, "entry": 13 / 24, "exit": -0.75},
    "fhk": {"within": 0.25, "between": -0.3125, "cross": 0.125, "entry": 0.4375, "exit": -0.375},
    "griliches-regev": {"within": 0.3125, "between": -0.265625, "entry": 0.421875, "exit": -0.34375},
    "bhc": {"within": 0.25, "between": 0.375, "entry": 1.0, "exit": -1.5},
}


def _fit(data, method, **kw):
    return productivity_decomposition(data, "w", "x", entity="firm", time="year", method=method, **kw)


def test_olley_pakes_by_hand():
    res = _fit(HAND, "olley-pakes")
    np.testing.assert_allclose(res.aggregate, [2.25, 2.375], rtol=1e-15)
    np.testing.assert_allclose(res.components.unweighted_mean, [2.0, 8 / 3], rtol=1e-15)
    np.testing.assert_allclose(res.components.covariance, [0.25, -7 / 24], rtol=1e-14)


@pytest.mark.parametrize("method", sorted(EXPECTED))
def test_dynamic_decompositions_by_hand(method):
    res = _fit(HAND, method)
    row = res.components.loc[2001]
    for name, value in EXPECTED[method].items():
        assert row[name] == pytest.approx(value, abs=1e-15)
    assert row["total"] == pytest.approx(0.125, abs=1e-15)
    d = res.diagnostics
    assert (d.survivors, d.entrants, d.exiters) == (2, 1, 1)
    assert 2000 not in res.components.index  # no earlier period to compare with
    assert res.to_frame().loc[2000].drop("aggregate").isna().all() and res.to_frame().loc[2000, "aggregate"] == 2.25
    assert isinstance(res, nt.results.TFPResults) and "2001" in str(res.summary().as_frame().index.tolist())


def test_a_gap_is_exit_then_re_entry():
    # C is absent in 2001 and back in 2002: an exiter for 2000-2001, an entrant for 2001-2002
    data = pd.concat([HAND, pd.DataFrame({"firm": list("ABC"), "year": [2002] * 3, "w": [2.0, 3.0, 3.5],
                                          "x": [1.0, 1.0, 1.0]})], ignore_index=True)
    res = _fit(data, "melitz-polanec")
    assert (res.diagnostics.entrants, res.diagnostics.exiters) == (2, 2)  # D exits in 2002, C re-enters
    np.testing.assert_allclose(res.components.total.dropna(), res.aggregate.diff().dropna(), atol=1e-14)


def _random_panel(seed: int, groups: int = 3, firms: int = 25, years: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(g, f"{g}-{f}", 2000 + t) for g in range(groups) for f in range(firms) for t in range(years)]
    data = pd.DataFrame(rows, columns=["industry", "firm", "year"])
    data = data[rng.uniform(size=len(data)) < 0.75].reset_index(drop=True)  # entry, exit and gaps
    return data.assign(w=rng.normal(0, 1, len(data)), x=rng.lognormal(0, 1, len(data)))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), method=st.sampled_from(sorted(EXPECTED)))
def test_components_add_up_and_labels_do_not_matter(seed, method):
    data = _random_panel(seed)
    res = _fit(data, method, group="industry")
    change = res.aggregate.groupby(level=0).diff().dropna()
    total = res.components[list(EXPECTED[method])].sum(axis=1).dropna()
    np.testing.assert_allclose(total.reindex(change.index), change, rtol=0, atol=1e-12)
    # relabelled firms and shuffled rows: the same numbers
    shuffled = data.sample(frac=1.0, random_state=seed).assign(firm=lambda f: "x" + f.firm.str[::-1])
    again = _fit(shuffled, method, group="industry")
    pd.testing.assert_frame_equal(again.components, res.components, rtol=0, atol=1e-12)


def test_without_entry_and_exit_melitz_polanec_is_the_change_of_olley_pakes():
    rng = np.random.default_rng(4)
    data = pd.DataFrame([(f, 2000 + t) for f in range(40) for t in range(4)], columns=["firm", "year"])
    data = data.assign(w=rng.normal(size=len(data)), x=rng.lognormal(size=len(data)))
    mp, op = _fit(data, "melitz-polanec"), _fit(data, "olley-pakes")
    np.testing.assert_allclose(mp.components.within.dropna(), op.components.unweighted_mean.diff().dropna(),
                               atol=1e-13)
    np.testing.assert_allclose(mp.components.covariance.dropna(), op.components.covariance.diff().dropna(),
                               atol=1e-13)
    assert (mp.components[["entry", "exit"]].dropna() == 0).all().all()


def test_groups_are_decomposed_separately():
    data = _random_panel(5, groups=2)
    both = _fit(data, "fhk", group="industry").components
    alone = _fit(data[data.industry == 1], "fhk").components
    pd.testing.assert_frame_equal(both.xs(1, level="industry"), alone)


@pytest.mark.parametrize("change, error, words", [
    (lambda d: pd.concat([d, d.iloc[:1]]), PanelError, "duplicate"),
    (lambda d: d.assign(x=-d.x), PanelError, "negative"),
    (lambda d: d.assign(w=np.nan), PanelError, "missing"),
    (lambda d: d.assign(year=d.year + 0.5), PanelError, "time column .year. must hold whole numbers"),
])
def test_bad_input_is_named(change, error, words):
    with pytest.raises(error, match=words):
        _fit(change(HAND), "fhk")


def test_unknown_method_and_column():
    with pytest.raises(SpecificationError, match="method="):
        _fit(HAND, "haltiwanger")
    with pytest.raises(SpecificationError, match="not in the data"):
        productivity_decomposition(HAND, "tfp", "x", entity="firm", time="year")


# ---------------------------------------------------------------- every configuration of entry and exit
DYNAMIC = sorted(EXPECTED)


def _frame(rows):
    """Rows (firm, year, w, x) as a frame."""
    return pd.DataFrame(rows, columns=["firm", "year", "w", "x"])


CONFIGURATIONS = {
    # every firm replaced: no survivors
    "no survivors": [("A", 2000, 1.0, 1.0), ("B", 2000, 2.0, 3.0), ("C", 2001, 4.0, 1.0), ("D", 2001, 1.0, 2.0)],
    "no entrants": [("A", 2000, 1.0, 1.0), ("B", 2000, 2.0, 3.0), ("C", 2000, 3.0, 1.0), ("A", 2001, 2.0, 2.0),
                    ("B", 2001, 2.5, 1.0)],
    "no exiters": [("A", 2000, 1.0, 1.0), ("B", 2000, 2.0, 3.0), ("A", 2001, 2.0, 2.0), ("B", 2001, 2.5, 1.0),
                   ("C", 2001, 0.5, 4.0)],
    "survivors only": [("A", 2000, 1.0, 1.0), ("B", 2000, 2.0, 3.0), ("A", 2001, 2.0, 2.0), ("B", 2001, 2.5, 1.0)],
    "one firm": [("A", 2000, 1.0, 1.0), ("A", 2001, 1.7, 2.0), ("A", 2002, 1.2, 5.0)],
    # 2002 is not observed for any firm: 2001 -> 2003 is the change (with a warning)
    "a period nobody is observed in": [("A", 2000, 1.0, 1.0), ("B", 2000, 2.0, 3.0), ("A", 2001, 2.0, 2.0),
                                       ("B", 2001, 2.5, 1.0), ("A", 2003, 3.0, 1.0), ("C", 2003, 0.5, 1.0)],
    "every fifth year": [("A", 2000, 1.0, 1.0), ("B", 2000, 2.0, 3.0), ("A", 2005, 2.0, 2.0), ("C", 2005, 2.5, 1.0),
                         ("A", 2010, 3.0, 1.0), ("C", 2010, 0.5, 1.0)],
}


def _change_of_the_aggregate(res):
    return res.aggregate.diff().iloc[1:]


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.PanelWarning")  # the uneven periods: tested below
@pytest.mark.parametrize("method", DYNAMIC)
@pytest.mark.parametrize("configuration", sorted(CONFIGURATIONS))
def test_the_components_add_up_in_every_configuration_or_the_call_is_refused(configuration, method):
    data = _frame(CONFIGURATIONS[configuration])
    if configuration == "no survivors" and method == "melitz-polanec":
        with pytest.raises(PanelError, match=r"2001 has no survivor .*method='fhk'"):
            _fit(data, method)
        return
    res = _fit(data, method)
    change = _change_of_the_aggregate(res)
    assert len(change) == res.aggregate.size - 1 and change.abs().max() > 0.1  # the aggregate moves
    np.testing.assert_allclose(res.components.total.reindex(change.index), change, rtol=0, atol=1e-13)
    np.testing.assert_allclose(res.components[EXPECTED[method].keys()].sum(axis=1).reindex(change.index), change,
                               rtol=0, atol=1e-13)


def test_without_survivors_the_change_is_entry_and_exit():
    data = _frame(CONFIGURATIONS["no survivors"])  # W_2000 = 0.25 + 1.5 = 1.75, W_2001 = 4/3 + 2/3 = 2
    for method in ("fhk", "griliches-regev", "bhc"):
        row = _fit(data, method).components.loc[2001]
        assert row["within"] == 0 and row["between"] == 0
        assert row["entry"] + row["exit"] == pytest.approx(0.25, abs=1e-14)


def test_a_period_nobody_is_observed_in_is_named_and_stepped_over():
    data = _frame(CONFIGURATIONS["a period nobody is observed in"])
    with pytest.warns(nt.errors.PanelWarning, match=r"'year' are unevenly spaced .*between 2001 and 2003"):
        res = _fit(data, "fhk")
    assert list(res.components.index) == [2001, 2003]


def test_a_group_without_firms_inside_its_span_is_named():
    data = pd.concat([_frame(CONFIGURATIONS["one firm"]).assign(industry="steel"),
                      _frame(CONFIGURATIONS["one firm"]).assign(industry="paper", firm="P")], ignore_index=True)
    data = data[~((data.industry == "paper") & (data.year == 2001))]
    with pytest.warns(nt.errors.PanelWarning, match="no firm is observed in group 'paper' in 2001"):
        res = _fit(data, "bhc", group="industry")
    assert ("paper", 2002) not in res.components.index and ("steel", 2002) in res.components.index


def test_one_period_is_refused_for_a_change_and_weights_summing_to_zero_are_named():
    with pytest.raises(PanelError, match="one period of 'year'.*olley-pakes"):
        _fit(HAND[HAND.year == 2000], "fhk")
    assert _fit(HAND[HAND.year == 2000], "olley-pakes").aggregate.iloc[0] == pytest.approx(2.25)
    data = HAND.assign(industry=["a", "a", "b", "a", "a", "b"])
    data.loc[data.industry == "b", "x"] = 0.0
    with pytest.raises(PanelError, match="'x' sums to zero in group 'b' in 2000, group 'b' in 2001"):
        _fit(data, "fhk", group="industry")


def test_melitz_polanec_needs_survivors_with_positive_weight():
    data = _frame(CONFIGURATIONS["no exiters"])
    data.loc[data.firm.isin(["A", "B"]) & (data.year == 2001), "x"] = 0.0  # survivors weigh nothing in 2001
    with pytest.raises(PanelError, match="2001 has no survivor .*positive weight"):
        _fit(data, "melitz-polanec")
    res = _fit(data, "fhk")  # adds up anyway
    assert res.components.total.iloc[0] == pytest.approx(res.aggregate.diff().iloc[1], abs=1e-14)


@pytest.mark.parametrize("method", DYNAMIC)
def test_an_empty_term_is_zero_not_minus_zero(method):
    # survivors only: entry and exit are sums over no firm, 0 (a zero share times a negative gap is -0.0)
    res = _fit(_frame(CONFIGURATIONS["survivors only"]), method)
    values = res.components.to_numpy()
    assert not np.signbit(values[values == 0]).any()
    assert "-0.0000" not in res.summary().as_text()
