"""One rule for which periods a chained index compares (Malmquist, Malmquist-Luenberger, Luenberger).

Changes are between consecutive periods of the data; an entity's gap leaves its change missing (NaN, with
a warning) and its chained index NaN after it, except on a global frontier, whose index is circular
(Pastor and Lovell 2005; Oh 2010); a unit with zero good output has no distance. The references are the
same indices on relabelled data: a five-year panel relabelled as consecutive years must give the same
numbers, and a gap left by a dominated row must leave the circular global index unchanged.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, PanelError, PanelWarning

KEYS = {"entity": "firm", "time": "year"}


def _panel(seed=0, firms=8, years=4):
    rng = np.random.default_rng(seed)
    rows = [{"firm": f"f{f}", "year": 2010 + t, "k": rng.uniform(1, 10), "l": rng.uniform(1, 10),
             "y": rng.uniform(1, 10) * 1.04**t, "co2": rng.uniform(1, 10) * 0.98**t}
            for f in range(firms) for t in range(years)]
    return pd.DataFrame(rows)


INDICES = {
    "malmquist": lambda d, **kw: nt.frontier.malmquist(d, ["k", "l"], "y", orientation="output", **KEYS, **kw),
    "malmquist_luenberger": lambda d, **kw: nt.frontier.malmquist_luenberger(d, ["k", "l"], "y", **KEYS, **kw),
    "luenberger": lambda d, **kw: nt.frontier.luenberger(d, ["k", "l"], "y", "co2", **KEYS, **kw),
}


# contemporaneous Luenberger distances with a bad output can be infeasible across periods (a NaN with a
# ConvergenceWarning, the same on relabelled data): that is not what these tests are about
@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ConvergenceWarning")
@pytest.mark.parametrize("name", sorted(INDICES))
@pytest.mark.parametrize("frontier", ["contemporaneous", "global"])
def test_a_five_year_panel_is_compared_between_its_own_periods(name, frontier):
    data = _panel()
    yearly = INDICES[name](data, frontier=frontier)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PanelWarning)  # evenly spaced: nothing to warn about
        five = INDICES[name](data.assign(year=2000 + 5 * (data.year - 2010)), frontier=frontier)
    assert len(five.changes) == len(yearly.changes) == 8 * 3
    np.testing.assert_allclose(five.changes.to_numpy(), yearly.changes.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(five.tfp.to_numpy(), yearly.tfp.to_numpy(), rtol=1e-12)
    assert sorted(five.changes.index.get_level_values("year").unique()) == [2005, 2010, 2015]


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ConvergenceWarning")
@pytest.mark.parametrize("name", sorted(INDICES))
def test_a_period_no_unit_is_observed_in_is_stepped_over_with_a_warning(name):
    data = _panel(years=5)
    uneven = data[data.year != 2012]
    with pytest.warns(PanelWarning, match=r"'year' are unevenly spaced .*between 2011 and 2013"):
        res = INDICES[name](uneven)
    # the same numbers as the data relabelled as consecutive years
    relabelled = INDICES[name](uneven.assign(year=uneven.year.where(uneven.year < 2012, uneven.year - 1)))
    np.testing.assert_allclose(res.changes.to_numpy(), relabelled.changes.to_numpy(), rtol=1e-12)


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ConvergenceWarning")
@pytest.mark.parametrize("name", sorted(INDICES))
def test_an_entity_gap_is_a_missing_change_and_breaks_the_chain(name):
    data = _panel()
    gapped = data[~((data.firm == "f1") & (data.year == 2011))]
    with pytest.warns(PanelWarning, match=r"1 entity-period change\(s\) are missing .*'f1' in 2012"):
        res = INDICES[name](gapped)
    assert res.changes.loc[("f1", 2012)].isna().all()  # reported, and missing
    assert np.isnan(res.tfp.loc[("f1", 2012)]) and np.isnan(res.tfp.loc[("f1", 2013)])
    assert res.tfp.loc[("f1", 2010)] == (0.0 if name == "luenberger" else 1.0)
    assert res.diagnostics.missing_pairs >= 1
    # the other entities' chains are their own changes chained (numpy's: a NaN stays NaN after it)
    chain = np.cumsum if name == "luenberger" else np.cumprod
    chained = res.changes.tfpch.drop("f1", level=0).groupby(level=0).transform(lambda s: chain(s.to_numpy()))
    np.testing.assert_allclose(res.tfp.reindex(chained.index), chained, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(INDICES))
def test_the_global_index_is_circular_across_a_gap(name):
    data = _panel()
    # make f1's 2011 row dominated: dropping it leaves the global frontier, so every global distance, unchanged
    data.loc[(data.firm == "f1") & (data.year == 2011), ["k", "l"]] *= 50.0
    full = INDICES[name](data, frontier="global").tfp
    gapped_data = data[~((data.firm == "f1") & (data.year == 2011))]
    with pytest.warns(PanelWarning, match="'f1' in 2012"):
        gapped = INDICES[name](gapped_data, frontier="global").tfp
    assert np.isfinite(gapped.loc[("f1", 2012)])
    np.testing.assert_allclose(gapped.to_numpy(), full.drop(("f1", 2011)).to_numpy(), rtol=1e-10)


@pytest.mark.parametrize("name", sorted(INDICES))
@pytest.mark.parametrize("frontier", ["contemporaneous", "sequential", "global"])
def test_zero_good_output_is_nan_with_a_warning_naming_unit_period_and_column(name, frontier):
    data = _panel()
    data.loc[(data.firm == "f2") & (data.year == 2011), "y"] = 0.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = INDICES[name](data, frontier=frontier)
    panel_warnings = [str(w.message) for w in caught if w.category is PanelWarning]
    assert any("zero good output ('y' all 0)" in m and "'f2' in 2011" in m for m in panel_warnings)
    if name != "luenberger":  # no bad output: every LP is feasible, so nothing may be blamed on the LPs
        assert not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    changes = res.changes
    assert changes.loc[("f2", 2011)].isna().all() and changes.loc[("f2", 2012)].isna().all()
    values = changes.drop("f2", level=0).to_numpy()
    assert not np.isinf(changes.to_numpy()).any()
    if name != "luenberger":  # cross-period distances with a bad output may be infeasible
        assert np.isfinite(values).all()


def test_input_oriented_malmquist_with_zero_output_is_nan_not_zero():
    data = _panel()
    data.loc[(data.firm == "f3") & (data.year == 2012), "y"] = 0.0
    with pytest.warns(PanelWarning, match="'f3' in 2012"):
        res = nt.frontier.malmquist(data, ["k", "l"], "y", **KEYS)
    assert res.changes.loc[("f3", 2012)].isna().all() and res.changes.loc[("f3", 2013)].isna().all()
    assert (res.changes.drop("f3", level=0).to_numpy() > 0).all()


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ConvergenceWarning")
@pytest.mark.parametrize("name", sorted(INDICES))
def test_no_entity_in_two_consecutive_periods_is_refused(name):
    data = _panel(firms=4, years=4)
    diagonal = data[data.firm.str[1].astype(int) == data.year - 2010]  # each firm seen once
    with pytest.raises(PanelError, match="observed in two consecutive periods of 'year'"):
        INDICES[name](diagonal)


@pytest.mark.parametrize("name", sorted(INDICES))
def test_one_period_is_refused_naming_the_time_column(name):
    data = _panel()
    with pytest.raises(PanelError, match="at least two periods of 'year'"):
        INDICES[name](data[data.year == 2010])


def test_a_cross_period_distance_below_minus_one_is_named_not_a_leaked_sqrt_warning():
    # under VRS with the bad output's equality rows, a period-2 unit with ten times the output lies so far
    # beyond period 1's frontier that 1 + D^1(2) <= 0: the ratio index is undefined there
    # (seed 3: one such unit whose other cross-period distance exists; others are infeasible, an LP fact
    # reported by its own ConvergenceWarning)
    rng = np.random.default_rng(3)
    first = pd.DataFrame({"k": rng.uniform(1, 10, 5), "y": rng.uniform(1, 10, 5), "co2": rng.uniform(1, 10, 5)})
    second = pd.DataFrame({"k": rng.uniform(1, 10, 5), "y": rng.uniform(1, 10, 5) * 10.0,
                           "co2": rng.uniform(1, 10, 5) * rng.choice([0.5, 1, 2])})
    data = pd.concat([first.assign(year=2010), second.assign(year=2011)], ignore_index=True)
    data["firm"] = [f"f{i}" for i in range(5)] * 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = nt.frontier.malmquist_luenberger(data, "k", "y", "co2", rts="vrs", **KEYS)
    undefined = [str(w.message) for w in caught if w.category is nt.errors.UndefinedStatisticWarning]
    assert len(undefined) == 1 and "cross-period distance is -1 or below" in undefined[0] and "in 2011" in undefined[0]
    assert not any(issubclass(w.category, RuntimeWarning) for w in caught)
    n_beyond = int(undefined[0].split(": ")[1].split(" ")[0])
    assert res.changes.tfpch.isna().sum() >= n_beyond >= 1
    # the named unit's cross-period distances, computed directly: both exist and one is -1 or below
    firm = undefined[0].split("e.g. '")[1].split("'")[0]
    one, two = (data[data.year == y].set_index("firm") for y in (2010, 2011))
    d_12 = nt.frontier.ddf(two.loc[[firm]], "k", "y", "co2", reference=one, rts="vrs", frame=False).distance.iloc[0]
    d_21 = nt.frontier.ddf(one.loc[[firm]], "k", "y", "co2", reference=two, rts="vrs", frame=False).distance.iloc[0]
    assert np.isfinite([d_12, d_21]).all() and min(d_12, d_21) <= -1
