"""growth_accounting: hand-computed cases, identities, gaps, options and invariances."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nqpf_tfp as nt
from nqpf_tfp.errors import DroppedRowsWarning, NqpfTfpWarning, PanelError, SpecificationError


def toy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "c": ["X", "X", "X"],
            "t": [2000, 2001, 2002],
            "Y": [100.0, 110.0, 118.0],
            "K": [200.0, 210.0, 225.0],
            "L": [50.0, 51.0, 51.5],
            "sL": [0.6, 0.64, 0.62],
        }
    )


def test_tornqvist_by_hand():
    ga = nt.growth_accounting(toy(), "Y", capital="K", labor="L", labor_share="sL", entity="c", time="t")
    s = 0.5 * (0.6 + 0.64)
    expected = np.log(110 / 100) - s * np.log(51 / 50) - (1 - s) * np.log(210 / 200)
    assert ga.tfp_growth.loc[("X", 2001)] == pytest.approx(expected, abs=1e-15)
    s2 = 0.5 * (0.64 + 0.62)
    expected2 = np.log(118 / 110) - s2 * np.log(51.5 / 51) - (1 - s2) * np.log(225 / 210)
    assert ga.tfp_growth.loc[("X", 2002)] == pytest.approx(expected2, abs=1e-15)
    assert list(ga.contributions.columns) == ["output", "capital", "labor", "tfp"]


def test_solow_current_share_and_fixed_share_by_hand():
    ga = nt.growth_accounting(
        toy(), "Y", capital="K", labor="L", labor_share="sL", entity="c", time="t", method="solow"
    )
    expected = np.log(110 / 100) - 0.64 * np.log(51 / 50) - 0.36 * np.log(210 / 200)
    assert ga.tfp_growth.loc[("X", 2001)] == pytest.approx(expected, abs=1e-15)
    fixed = nt.growth_accounting(toy(), "Y", capital="K", labor="L", labor_share=0.7, entity="c", time="t")
    expected = np.log(118 / 110) - 0.7 * np.log(51.5 / 51) - 0.3 * np.log(225 / 210)
    assert fixed.tfp_growth.loc[("X", 2002)] == pytest.approx(expected, abs=1e-15)


def test_contributions_add_up_to_machine_precision(pwt):
    with pytest.warns(DroppedRowsWarning):
        ga = nt.growth_accounting(pwt, output="rgdpna", capital="rkna", labor="emp", human_capital="hc",
                                  labor_share="labsh", entity="countrycode", time="year")
    c = ga.contributions
    gap = (c["output"] - c.drop(columns="output").sum(axis=1)).abs()
    assert gap.max() < 1e-15
    assert ga.nobs > 5000


def test_hours_and_human_capital_split_labour(pwt):
    usa = pwt[(pwt.countrycode == "USA") & pwt.rkna.notna()]
    ga = nt.growth_accounting(usa, output="rgdpna", capital="rkna", labor="emp", hours="avh",
                              human_capital="hc", labor_share="labsh", entity="countrycode", time="year")
    single = nt.growth_accounting(usa.assign(L=usa.emp * usa.avh * usa.hc), output="rgdpna", capital="rkna",
                                  labor="L", labor_share="labsh", entity="countrycode", time="year")
    np.testing.assert_allclose(ga.tfp_growth, single.tfp_growth, atol=1e-14)
    c = ga.contributions
    np.testing.assert_allclose(c[["labor", "hours", "human_capital"]].sum(axis=1), single.contributions["labor"],
                               atol=1e-14)


def test_any_number_of_inputs_with_residual_share():
    df = toy().assign(E=[10.0, 9.0, 9.5], sE=[0.05, 0.06, 0.05])
    ga = nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share="sL", inputs={"E": "sE"},
                              entity="c", time="t")
    sl, se = 0.62, 0.055
    expected = np.log(110 / 100) - sl * np.log(51 / 50) - se * np.log(9 / 10) - (1 - sl - se) * np.log(210 / 200)
    assert ga.tfp_growth.loc[("X", 2001)] == pytest.approx(expected, abs=1e-15)
    only_inputs = nt.growth_accounting(df, "Y", inputs={"L": "sL", "E": "sE", "K": "residual"},
                                       entity="c", time="t")
    np.testing.assert_allclose(only_inputs.tfp_growth, ga.tfp_growth, atol=1e-15)


def test_no_growth_across_a_missing_year():
    df = pd.DataFrame({"c": ["A"] * 4, "t": [2000, 2001, 2003, 2004], "Y": [1.0, 2.0, 3.0, 4.0],
                       "K": [1.0, 1.0, 1.0, 1.0], "L": [1.0, 1.0, 1.0, 1.0]})
    ga = nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share=0.6, entity="c", time="t")
    assert list(ga.tfp_growth.index.get_level_values("t")) == [2001, 2004]
    assert ga.tfp_growth.loc[("A", 2004)] == pytest.approx(np.log(4 / 3))
    with pytest.warns(NqpfTfpWarning, match=r"not linked to base 2001.*A"):
        idx = ga.tfp_index(base=2001)
    np.testing.assert_allclose(idx.to_numpy(), [0.5, 1.0, np.nan, np.nan])
    # without a base the segments are separate chains, each starting at 1: said, never silent
    with pytest.warns(NqpfTfpWarning, match=r"restarts at 1 after a gap in 1 place\(s\) of 1 entities: A 2003 "
                                            r"\(after 2001\)") as record:
        np.testing.assert_allclose(ga.tfp_index().to_numpy(), [1.0, 2.0, 1.0, 4 / 3])
    assert len(record) == 1 and record[0].filename == __file__
    with pytest.warns(NqpfTfpWarning, match="restarts at 1"):
        np.testing.assert_allclose(ga.tfp.to_numpy(), np.log([1.0, 2.0, 1.0, 4 / 3]))


def test_missing_value_in_middle_is_a_gap_not_a_jump():
    df = pd.concat([toy(), toy().iloc[[2]].assign(t=2003, Y=120.0)], ignore_index=True)
    df.loc[1, "L"] = np.nan  # 2001 unusable: no growth 2000->2001 nor 2001->2002
    with pytest.warns(DroppedRowsWarning, match=r"dropped 1 of 4 rows.*L: 1"):
        ga = nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share="sL", entity="c", time="t")
    assert list(ga.tfp_growth.index.get_level_values("t")) == [2003]
    assert ga.tfp_growth.iloc[0] == pytest.approx(np.log(120 / 118))


def test_tfp_index_equals_one_in_base_year_and_chains_growth(pwt):
    usa = pwt[(pwt.countrycode == "USA") & pwt.labsh.notna() & pwt.rkna.notna()]
    ga = nt.growth_accounting(usa, "rgdpna", capital="rkna", labor="emp", labor_share="labsh",
                              entity="countrycode", time="year")
    idx = ga.tfp_index(base=2017).loc["USA"]
    assert idx.loc[2017] == 1.0
    np.testing.assert_allclose(np.diff(np.log(idx.to_numpy())), ga.tfp_growth.loc["USA"].to_numpy(), atol=1e-13)


def test_averages_over_subperiods_are_means_of_annual_rates():
    rng = np.random.default_rng(0)
    years = np.arange(1990, 2011)
    df = pd.DataFrame({"c": "A", "t": years, "Y": np.exp(np.cumsum(rng.normal(0.03, 0.02, years.size))),
                       "K": np.exp(np.cumsum(rng.normal(0.04, 0.01, years.size))), "L": 1.0})
    ga = nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share=0.65, entity="c", time="t")
    avg = ga.averages([(1990, 2000), (2000, 2010)])
    g = ga.tfp_growth.loc["A"]
    assert avg.loc[("A", "1990-2000"), "tfp"] == pytest.approx(g.loc[1991:2000].mean(), abs=1e-15)
    assert avg.loc[("A", "2000-2010"), "years"] == 10
    whole = ga.averages()
    assert whole.index[0] == ("A", "1990-2010")
    assert whole.iloc[0]["output"] == pytest.approx(np.log(df.Y.iloc[-1] / df.Y.iloc[0]) / 20, abs=1e-14)
    labelled = ga.averages({"nineties": (1990, 2000)})
    assert labelled.index[0] == ("A", "nineties")


def test_summary_text_latex_and_frame(pwt):
    ga = nt.pwt_growth_accounting(pwt[pwt.countrycode.isin(["USA", "CHN"])])
    table = ga.summary([(1990, 2000), (2000, 2019)])
    text = str(table)
    assert "CHN" in text and "2000-2019" in text and "human_capital" in text
    latex = table.as_latex()
    assert r"\begin{tabular}" in latex and r"human\_capital" in latex
    frame = ga.to_frame(base=2017)
    assert frame.loc[("USA", 2017), "tfp_index"] == 1.0
    assert np.isnan(frame.loc[("USA", 1954), "tfp_growth"])


def test_plot_returns_axes(pwt):
    ga = nt.pwt_growth_accounting(pwt[pwt.countrycode.isin(["USA", "CHN"])])
    ax = ga.plot(entities=["CHN", "USA"], base=2017)
    assert len(ax.get_lines()) == 2
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_input_frame_not_mutated(pwt):
    before = pwt.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedRowsWarning)
        nt.growth_accounting(pwt, "rgdpna", capital="rkna", labor="emp", labor_share="labsh",
                             entity="countrycode", time="year")
    nt.pwt_tfp(pwt, "ctfp")
    pd.testing.assert_frame_equal(pwt, before)


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "laspeyres"}, r"method='laspeyres'.*'tornqvist'.*'solow'"),
        ({"labor_share": None}, r"labor= needs labor_share="),
        ({"hours": "L", "labor": None, "labor_share": None}, r"pass labor= too"),
        ({"capital": "L"}, r"column 'L' is used as both"),
        ({"labor_share": "Y"}, r"column 'Y' is used as both output and the share"),
        ({"labor_share": 1.5}, r"lies in \[0, 1\]"),
        ({"inputs": {"K2": "residual"}}, r"at most one input may take the residual share"),
        ({"labor_share": "sLL"}, r"share column 'sLL' \(did you mean 'sL'\?\) is not in the data"),
    ],
)
def test_specification_errors(kwargs, message):
    df = toy().assign(K2=[1.0, 2.0, 3.0])
    args = {"capital": "K", "labor": "L", "labor_share": "sL", "entity": "c", "time": "t", **kwargs}
    with pytest.raises(SpecificationError, match=message):
        nt.growth_accounting(df, "Y", **args)


def test_share_in_percent_is_rejected():
    df = toy().assign(sL=[60.0, 64.0, 62.0])
    with pytest.raises(PanelError, match=r"share column 'sL' is 60 in 3 row\(s\).*0.6, not 60"):
        nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share="sL", entity="c", time="t")


def test_share_outside_unit_interval_warns_and_is_used():
    df = toy().assign(sL=[0.6, 1.05, 0.62])
    with pytest.warns(NqpfTfpWarning) as record:
        ga = nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share="sL", entity="c", time="t")
    messages = sorted(str(w.message) for w in record)
    assert len(messages) == 2
    assert messages[0].startswith("residual share of 'capital' (1 minus the other shares) lies outside [0, 1] in 1 row")
    assert messages[1].startswith("share column 'sL' lies outside [0, 1] in 1 row(s), e.g. ('X', 2001)")
    s = 0.5 * (0.6 + 1.05)
    expected = np.log(110 / 100) - s * np.log(51 / 50) - (1 - s) * np.log(210 / 200)
    assert ga.tfp_growth.loc[("X", 2001)] == pytest.approx(expected, abs=1e-15)


def test_non_positive_output_is_rejected():
    df = toy()
    df.loc[2, "Y"] = -1.0
    with pytest.raises(PanelError, match=r"column 'Y' must be strictly positive"):
        nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share="sL", entity="c", time="t")


def test_single_period_panel_is_rejected():
    df = toy().assign(t=[2000, 2000, 2000], c=["A", "B", "C"])
    with pytest.raises(PanelError, match="two consecutive periods"):
        nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share="sL", entity="c", time="t")


# --------------------------------------------------------------- invariance
def _random_panel(seed: int, n_entities: int, n_years: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = n_entities * n_years
    return pd.DataFrame({
        "c": np.repeat([f"e{i}" for i in range(n_entities)], n_years),
        "t": np.tile(np.arange(2000, 2000 + n_years), n_entities),
        "Y": np.exp(rng.normal(size=rows)),
        "K": np.exp(rng.normal(size=rows)),
        "L": np.exp(rng.normal(size=rows)),
        "H": np.exp(rng.normal(scale=0.1, size=rows)),
        "sL": rng.uniform(0.3, 0.8, size=rows),
    })


def _run(df: pd.DataFrame):
    return nt.growth_accounting(df, "Y", capital="K", labor="L", human_capital="H", labor_share="sL",
                                entity="c", time="t")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_entities=st.integers(1, 6), n_years=st.integers(2, 8),
       data=st.data())
def test_row_order_and_entity_labels_do_not_change_results(seed, n_entities, n_years, data):
    df = _random_panel(seed, n_entities, n_years)
    base = _run(df).contributions
    perm = data.draw(st.permutations(range(len(df))))
    shuffled = _run(df.iloc[list(perm)]).contributions
    pd.testing.assert_frame_equal(shuffled.sort_index(), base.sort_index(), rtol=0, atol=0)

    names = data.draw(st.lists(st.text(min_size=1, max_size=5), min_size=n_entities, max_size=n_entities,
                               unique=True))
    mapping = {f"e{i}": name for i, name in enumerate(names)}
    relabelled = _run(df.assign(c=df.c.map(mapping))).contributions
    relabelled.index = relabelled.index.set_levels(
        relabelled.index.levels[0].map({v: k for k, v in mapping.items()}), level=0)
    pd.testing.assert_frame_equal(relabelled.sort_index(), base.sort_index(), rtol=0, atol=0)


def test_quarterly_periods_and_period_base():
    q = pd.period_range("2020Q1", periods=4, freq="Q")
    df = pd.DataFrame({"c": "A", "q": q, "Y": [1.0, 1.1, 1.2, 1.3], "K": 1.0, "L": 1.0})
    ga = nt.growth_accounting(df.drop(index=2), "Y", capital="K", labor="L", labor_share=0.6, entity="c", time="q")
    # 2020Q3 is missing: growth only for Q2 (from Q1) and none for Q4
    assert list(ga.tfp_growth.index.get_level_values("q")) == [pd.Period("2020Q2", freq="Q")]
    full = nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share=0.6, entity="c", time="q")
    idx = full.tfp_index(base="2020Q2")
    np.testing.assert_allclose(idx.to_numpy(), np.array([1.0, 1.1, 1.2, 1.3]) / 1.1)
    avg = full.averages([("2020Q1", "2020Q4")])
    assert avg.iloc[0]["years"] == 3


def test_whole_sample_averages_label_periods_as_given():
    q = pd.period_range("2020Q1", periods=4, freq="Q")
    df = pd.DataFrame({"c": "A", "q": q, "Y": [1.0, 1.1, 1.2, 1.3], "K": 1.0, "L": 1.0})
    ga = nt.growth_accounting(df, "Y", capital="K", labor="L", labor_share=0.6, entity="c", time="q")
    assert ga.averages().index[0] == ("A", "2020Q1-2020Q4")
