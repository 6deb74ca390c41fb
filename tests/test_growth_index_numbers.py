"""Index-number TFP: the Törnqvist index of the Balk-Barbero-Zofío TFP Toolbox's worked example at its
printed 15 digits, the bilateral formulas written out by hand, the growth-accounting residual of the same
data, and the multilateral CCD and GEKS levels against brute-force N x N comparisons (transitivity and
the two-observation case exact)."""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pandas as pd
import pytest
from tfp_toolbox_example import P0, P1, TOOLBOX_GPROD, W0, W1, X0, X1, Y0, Y1, toolbox_panel

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError


def index(data: pd.DataFrame, formula: str, **kwargs) -> nt.growth.IndexNumberTFP:
    return nt.growth.tfp_index(data, ["x1", "x2"], ["y1", "y2"], input_prices=["w1", "w2"],
                               output_prices=["p1", "p2"], entity="unit", time="t", formula=formula, **kwargs)


def test_tornqvist_is_the_toolbox_share_weighted_index():
    found = index(toolbox_panel(), "tornqvist")
    second = found.tfp_change.xs(1, level="t")
    np.testing.assert_allclose(second.to_numpy(), TOOLBOX_GPROD, rtol=1e-14)
    np.testing.assert_allclose(found.tfp.xs(1, level="t"), TOOLBOX_GPROD, rtol=1e-14)


@pytest.mark.parametrize("formula", ["laspeyres", "paasche", "fisher", "tornqvist"])
def test_bilateral_formulas_written_out(formula):
    found = index(toolbox_panel(), formula).tfp_change.xs(1, level="t").to_numpy()
    x0, x1, y0, y1 = (np.array(a, dtype=float) for a in (X0, X1, Y0, Y1))
    w0, w1, p0, p1 = (np.array(a, dtype=float) for a in (W0, W1, P0, P1))
    laspeyres = (y1 @ p0 / (y0 @ p0)) / (x1 @ w0 / (x0 @ w0))
    paasche = (y1 @ p1 / (y0 @ p1)) / (x1 @ w1 / (x0 @ w1))
    expected = {"laspeyres": laspeyres, "paasche": paasche, "fisher": np.sqrt(laspeyres * paasche)}
    if formula == "tornqvist":
        def log_q(q0, q1, p_0, p_1):
            s0 = q0 * p_0 / (q0 * p_0).sum(axis=1, keepdims=True)
            s1 = q1 * p_1 / (q1 * p_1).sum(axis=1, keepdims=True)
            return (0.5 * (s0 + s1) * np.log(q1 / q0)).sum(axis=1)
        expected["tornqvist"] = np.exp(log_q(y0, y1, p0, p1) - log_q(x0, x1, w0, w1))
    np.testing.assert_allclose(found, expected[formula], rtol=1e-13)


@pytest.fixture(scope="module")
def farms() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for farm in range(6):
        for year in range(2000, 2008):
            rows.append({"farm": f"f{farm}", "year": year, **{f"q{j}": rng.uniform(1, 10) for j in range(5)},
                         **{f"p{j}": rng.uniform(0.5, 3) for j in range(5)}})
    return pd.DataFrame(rows)


OUT, IN = ["q0", "q1"], ["q2", "q3", "q4"]
OUT_P, IN_P = ["p0", "p1"], ["p2", "p3", "p4"]


def with_shares(data: pd.DataFrame) -> pd.DataFrame:
    out = data.copy()
    for qs, ps in ((OUT, OUT_P), (IN, IN_P)):
        value = sum(data[q] * data[p] for q, p in zip(qs, ps))
        for q, p in zip(qs, ps):
            out[f"s_{q}"] = data[q] * data[p] / value
    return out


@pytest.mark.parametrize("formula", ["laspeyres", "paasche", "fisher", "tornqvist"])
@pytest.mark.parametrize("base", ["chained", "fixed"])
def test_prices_and_value_shares_give_the_same_index(farms, formula, base):
    by_prices = nt.growth.tfp_index(farms, IN, OUT, input_prices=IN_P, output_prices=OUT_P, entity="farm",
                                    time="year", formula=formula, base=base)
    shares = with_shares(farms)
    by_shares = nt.growth.tfp_index(shares, IN, OUT, input_shares={q: f"s_{q}" for q in IN},
                                    output_shares=[f"s_{q}" for q in OUT], entity="farm", time="year",
                                    formula=formula, base=base)
    pd.testing.assert_frame_equal(by_prices.to_frame(), by_shares.to_frame(), rtol=1e-12)
    assert by_shares.diagnostics.input_weighting == "shares"


def test_chained_levels_multiply_the_links_and_fixed_base_compares_with_the_first_period(farms):
    kwargs = dict(input_prices=IN_P, output_prices=OUT_P, entity="farm", time="year", formula="fisher")
    chained = nt.growth.tfp_index(farms, IN, OUT, **kwargs)
    fixed = nt.growth.tfp_index(farms, IN, OUT, base="fixed", **kwargs)
    links = chained.tfp_change.fillna(1.0)
    np.testing.assert_allclose(chained.tfp, links.groupby(level="farm").cumprod(), rtol=1e-12)
    np.testing.assert_allclose(fixed.tfp.xs(2001, level="year"), chained.tfp.xs(2001, level="year"), rtol=1e-12)
    # the Fisher index is not transitive: the chain drifts from the direct comparison
    assert not np.allclose(fixed.tfp.xs(2007, level="year"), chained.tfp.xs(2007, level="year"), rtol=1e-6)
    laspeyres = nt.growth.tfp_index(farms, IN, OUT, **{**kwargs, "formula": "laspeyres"}, base="fixed")
    f0 = farms[farms["farm"] == "f0"].set_index("year")
    values_at_base_prices = [(f0[OUT] * f0.loc[2000, OUT_P].to_numpy(dtype=float)).sum(axis=1),
                             (f0[IN] * f0.loc[2000, IN_P].to_numpy(dtype=float)).sum(axis=1)]
    expected = (values_at_base_prices[0] / values_at_base_prices[0][2000]) / (
        values_at_base_prices[1] / values_at_base_prices[1][2000])
    np.testing.assert_allclose(laspeyres.tfp.xs("f0", level="farm"), expected, rtol=1e-12)


def test_tornqvist_tfp_is_the_growth_accounting_residual():
    rng = np.random.default_rng(3)
    rows = [{"country": c, "year": y, "Y": rng.uniform(50, 100), "K": rng.uniform(100, 300),
             "L": rng.uniform(10, 30), "labsh": rng.uniform(0.4, 0.7)} for c in "ABC" for y in range(1990, 2000)]
    data = pd.DataFrame(rows).assign(capsh=lambda d: 1 - d["labsh"])
    accounting = nt.growth_accounting(data, "Y", capital="K", labor="L", labor_share="labsh", entity="country",
                                      time="year")
    found = nt.growth.tfp_index(data, ["K", "L"], "Y", input_shares=["capsh", "labsh"], entity="country",
                                time="year")
    np.testing.assert_allclose(np.log(found.tfp), accounting.tfp.reindex(found.tfp.index), atol=1e-13)


def test_value_shares_make_the_index_independent_of_units(farms):
    shares = with_shares(farms)
    kwargs = dict(input_shares=[f"s_{q}" for q in IN], output_shares=[f"s_{q}" for q in OUT], entity="farm",
                  time="year")
    found = nt.growth.tfp_index(shares, IN, OUT, formula="fisher", **kwargs)
    rescaled = nt.growth.tfp_index(shares.assign(q2=shares["q2"] * 1000), IN, OUT, formula="fisher", **kwargs)
    np.testing.assert_allclose(rescaled.tfp, found.tfp, rtol=1e-12)


def brute_force_levels(q: np.ndarray, p: np.ndarray, bilateral: str) -> np.ndarray:
    """GEKS log levels from the N x N bilateral comparisons, one pair at a time."""
    n = q.shape[0]
    logs = np.zeros((n, n))
    for m, k in itertools.product(range(n), range(n)):
        if bilateral == "fisher":
            logs[m, k] = 0.5 * (np.log(p[m] @ q[k] / (p[m] @ q[m])) + np.log(p[k] @ q[k] / (p[k] @ q[m])))
        else:
            s_m, s_k = p[m] * q[m] / (p[m] @ q[m]), p[k] * q[k] / (p[k] @ q[k])
            logs[m, k] = np.sum(0.5 * (s_m + s_k) * np.log(q[k] / q[m]))
    levels = logs.mean(axis=0)
    return levels - levels.mean()


@pytest.mark.parametrize(("method", "bilateral"), [("ccd", "tornqvist"), ("geks", "fisher")])
def test_multilateral_levels_are_the_geks_of_the_bilateral_indices(farms, method, bilateral):
    found = nt.growth.multilateral_tfp(farms, IN, OUT, input_prices=IN_P, output_prices=OUT_P, entity="farm",
                                       time="year", method=method)
    q_out, p_out = farms[OUT].to_numpy(), farms[OUT_P].to_numpy()
    q_in, p_in = farms[IN].to_numpy(), farms[IN_P].to_numpy()
    expected = brute_force_levels(q_out, p_out, bilateral) - brute_force_levels(q_in, p_in, bilateral)
    np.testing.assert_allclose(np.log(found.tfp.to_numpy()), expected, atol=1e-12)
    assert abs(np.log(found.tfp).mean()) < 1e-12
    # transitive: comparing k with l directly or through any m gives the same number
    tfp = found.tfp.to_numpy()
    k, later, m = 3, 17, 40
    assert (tfp[later] / tfp[k]) == pytest.approx((tfp[m] / tfp[k]) * (tfp[later] / tfp[m]), rel=1e-14)
    # the GEKS comparison of k and l is the geometric mean over m of F(k -> m) F(m -> l)
    if method == "geks":
        def fisher(a, b, q, p):
            return np.sqrt(p[a] @ q[b] / (p[a] @ q[a]) * (p[b] @ q[b]) / (p[b] @ q[a]))
        n = len(farms)
        geks = np.prod([(fisher(k, j, q_out, p_out) * fisher(j, later, q_out, p_out)
                         / (fisher(k, j, q_in, p_in) * fisher(j, later, q_in, p_in))) ** (1 / n) for j in range(n)])
        assert tfp[later] / tfp[k] == pytest.approx(geks, rel=1e-12)


@pytest.mark.parametrize(("method", "formula"), [("ccd", "tornqvist"), ("geks", "fisher")])
def test_two_observations_give_the_bilateral_index(method, formula):
    data = toolbox_panel()
    unit = data[data["unit"] == 2]
    levels = nt.growth.multilateral_tfp(unit, ["x1", "x2"], ["y1", "y2"], input_prices=["w1", "w2"],
                                        output_prices=["p1", "p2"], entity="unit", time="t", method=method)
    bilateral = index(unit, formula).tfp_change.iloc[1]
    assert levels.tfp.iloc[1] / levels.tfp.iloc[0] == pytest.approx(bilateral, rel=1e-13)


def test_lowe_values_every_row_at_the_sample_mean_prices(farms):
    found = nt.growth.multilateral_tfp(farms, IN, OUT, input_prices=IN_P, output_prices=OUT_P, entity="farm",
                                       time="year", method="lowe")
    p_bar, w_bar = farms[OUT_P].mean().to_numpy(), farms[IN_P].mean().to_numpy()
    ratio = (farms[OUT].to_numpy() @ p_bar) / (farms[IN].to_numpy() @ w_bar)
    np.testing.assert_allclose(found.tfp.to_numpy(), ratio / np.exp(np.log(ratio).mean()), rtol=1e-12)
    # with the same prices in every row, Lowe, Laspeyres, Paasche and Fisher coincide
    fixed = farms.assign(**{c: v for c, v in zip(OUT_P + IN_P, [1.5, 0.7, 2.0, 1.1, 0.4])})
    lowe = nt.growth.multilateral_tfp(fixed, IN, OUT, input_prices=IN_P, output_prices=OUT_P, entity="farm",
                                      time="year", method="lowe").tfp
    for formula in ("laspeyres", "paasche", "fisher"):
        chained = nt.growth.tfp_index(fixed, IN, OUT, input_prices=IN_P, output_prices=OUT_P, entity="farm",
                                      time="year", formula=formula).tfp
        expected = (lowe / lowe.groupby(level="farm").transform("first"))
        np.testing.assert_allclose(chained, expected, rtol=1e-12)
    with pytest.raises(SpecificationError, match="input_prices="):
        nt.growth.multilateral_tfp(with_shares(farms), IN, OUT, input_shares=[f"s_{q}" for q in IN],
                                   output_prices=OUT_P, method="lowe")


def test_cross_section_levels_relative_to_a_unit(farms):
    year = farms[farms["year"] == 2003]
    found = nt.growth.multilateral_tfp(year, IN, OUT, input_prices=IN_P, output_prices=OUT_P, entity="farm")
    relative = found.relative_to("f2")
    assert relative["f2"] == 1.0 and list(relative.index) == [f"f{i}" for i in range(6)]
    assert "Multilateral TFP" in found.summary().as_text() and found.diagnostics.formula == "ccd"


def test_index_numbers_say_what_is_wrong(farms):
    kwargs = dict(entity="farm", time="year")
    with pytest.raises(SpecificationError, match="need weights"):
        nt.growth.tfp_index(farms, IN, OUT, output_prices=OUT_P, **kwargs)
    with pytest.raises(SpecificationError, match="not both"):
        nt.growth.tfp_index(farms, IN, OUT, input_prices=IN_P, input_shares=IN_P, output_prices=OUT_P, **kwargs)
    with pytest.raises(SpecificationError, match="one per quantity"):
        nt.growth.tfp_index(farms, IN, OUT, input_prices=IN_P[:2], output_prices=OUT_P, **kwargs)
    with pytest.raises(SpecificationError, match="missing"):
        nt.growth.tfp_index(farms, IN, OUT, input_prices={"q2": "p2"}, output_prices=OUT_P, **kwargs)
    with pytest.raises(PanelError, match="sum to"):
        nt.growth.tfp_index(farms, IN, OUT, input_shares=IN_P, output_prices=OUT_P, **kwargs)
    with pytest.raises(PanelError, match="'q3'"):
        nt.growth.tfp_index(farms.assign(q3=0.0), IN, OUT, input_prices=IN_P, output_prices=OUT_P, **kwargs)
    with pytest.raises(PanelError, match="negative"):
        nt.growth.tfp_index(farms.assign(p3=-1.0), IN, OUT, input_prices=IN_P, output_prices=OUT_P, **kwargs)
    with pytest.raises(PanelError, match="gap"):
        nt.growth.tfp_index(farms[farms["year"] != 2003], IN, OUT, input_prices=IN_P, output_prices=OUT_P, **kwargs)
    fixed = nt.growth.tfp_index(farms[farms["year"] != 2003], IN, OUT, input_prices=IN_P, output_prices=OUT_P,
                                base="fixed", **kwargs)
    assert fixed.tfp.notna().all()
    with pytest.raises(PanelError, match="duplicate"):
        nt.growth.tfp_index(pd.concat([farms, farms.iloc[:1]]), IN, OUT, input_prices=IN_P, output_prices=OUT_P,
                            **kwargs)
    with pytest.raises(SpecificationError, match="formula"):
        nt.growth.tfp_index(farms, IN, OUT, input_prices=IN_P, output_prices=OUT_P, formula="walsh", **kwargs)
    with pytest.raises(SpecificationError, match="two-level"):
        nt.growth.tfp_index(farms, IN, OUT, input_prices=IN_P, output_prices=OUT_P)
    with pytest.raises(SpecificationError, match="method"):
        nt.growth.multilateral_tfp(farms, IN, OUT, input_prices=IN_P, output_prices=OUT_P, method="eks")
    original = farms.copy()
    nt.growth.multilateral_tfp(farms, IN, OUT, input_prices=IN_P, output_prices=OUT_P, **kwargs)
    pd.testing.assert_frame_equal(farms, original)


def test_the_docstring_examples_print_what_they_say():
    from nqpf_tfp.growth import index_numbers

    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder().find(index_numbers):
        runner.run(test)
    assert runner.summarize(verbose=False).attempted >= 10 and runner.summarize(verbose=False).failed == 0


def test_bundled_us_farm_accounts():
    farms = nt.datasets.load_usda_states()
    assert farms.shape == (480, 16) and farms.groupby("state")["year"].apply(list).map(len).eq(10).all()
    assert farms.filter(like="q_").gt(0).all().all() and "productivity" in farms.attrs["source"]
    # Alabama's 1996 prices are the numeraire of the accounts
    alabama = farms[(farms["state"] == "AL") & (farms["year"] == 1996)].filter(like="p_")
    np.testing.assert_allclose(alabama.to_numpy(), 1.0, atol=1e-12)
