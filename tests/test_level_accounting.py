"""Development accounting against a simulated cross-section with known TFP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import DroppedRowsWarning, SpecificationError

ALPHA = 1.0 / 3.0


def simulated(seed: int = 0, n: int = 80, years: tuple[int, ...] = (2000, 2010)) -> tuple[pd.DataFrame, pd.Series]:
    """Y = A K^a (h L)^(1-a) with known Hicks-neutral A per (country, year)."""
    rng = np.random.default_rng(seed)
    rows = n * len(years)
    ln_a = rng.normal(0.0, 0.5, rows)
    ln_k_per_worker = rng.normal(10.0, 1.2, rows)
    ln_h = rng.uniform(0.0, 1.3, rows)
    workers = np.exp(rng.normal(2.0, 1.0, rows))
    ln_y = ln_a + ALPHA * ln_k_per_worker + (1 - ALPHA) * ln_h
    df = pd.DataFrame({
        "iso": np.tile([f"C{i:03d}" for i in range(n)], len(years)),
        "year": np.repeat(years, n),
        "Y": np.exp(ln_y) * workers,
        "K": np.exp(ln_k_per_worker) * workers,
        "L": workers,
        "hc": np.exp(ln_h),
    })
    truth = pd.Series(ln_a, index=pd.MultiIndex.from_frame(df[["iso", "year"]]), name="ln_a")
    return df, truth


def test_caselli_form_recovers_known_tfp_and_success():
    df, ln_a = simulated()
    la = nt.level_accounting(df, "Y", "K", "L", human_capital="hc", alpha=ALPHA, form="caselli",
                             entity="iso", time="year")
    comp = la.components
    np.testing.assert_allclose(comp["tfp"], ln_a.reindex(comp.index), atol=1e-12)
    dec = la.variance_decomposition()
    for year in (2000, 2010):
        c = comp.xs(year, level="year")
        factors = c["capital"] + c["human_capital"]
        assert dec.loc[year, "success"] == pytest.approx(np.var(factors, ddof=1) / np.var(c["ln_y"], ddof=1),
                                                         rel=1e-12)
        assert dec.loc[year, ["cov_capital", "cov_human_capital", "cov_tfp"]].sum() == pytest.approx(1.0, abs=1e-12)
        assert dec.loc[year, "n"] == 80


def test_hall_jones_form_is_labour_augmenting_tfp():
    df, ln_a = simulated(seed=1)
    la = nt.level_accounting(df, "Y", "K", "L", human_capital="hc", alpha=ALPHA, entity="iso", time="year")
    comp = la.components
    # Y = A K^a (hL)^(1-a) = K^a (A^(1/(1-a)) h L)^(1-a): Hall-Jones TFP is A^(1/(1-a))
    np.testing.assert_allclose(comp["tfp"], ln_a.reindex(comp.index) / (1 - ALPHA), atol=1e-12)
    np.testing.assert_allclose(comp["ln_y"], comp[["capital", "human_capital", "tfp"]].sum(axis=1), atol=1e-12)


def test_relative_to_reference_multiplies_out():
    df, _ = simulated(seed=2)
    rel = nt.level_accounting(df, "Y", "K", "L", human_capital="hc", entity="iso", time="year").relative("C000")
    assert np.allclose(rel.xs("C000", level="iso").to_numpy(), 1.0)
    np.testing.assert_allclose(rel["y"], rel["capital"] * rel["human_capital"] * rel["tfp"], rtol=1e-12)


def test_pwt_caselli_success_is_in_the_published_range(pwt):
    # Not a reproduction (different data): Caselli (2005, Table 1) reports success = var(ln y_KH)/var(ln y)
    # of about 0.39 for 1996 on PWT 6.1 (94 countries). On PWT 10.01 (cgdpo, cn, emp, hc; 144 countries)
    # the same definition gives 0.308. The band only guards against a gross error in the decomposition.
    with pytest.warns(DroppedRowsWarning):
        la = nt.level_accounting(pwt, "cgdpo", "cn", "emp", human_capital="hc", alpha=1 / 3, form="caselli",
                                 entity="countrycode", time="year")
    dec = la.variance_decomposition().loc[1996]
    assert dec["n"] == 144
    assert 0.25 < dec["success"] < 0.45
    assert "success" in str(la.summary())


def test_alpha_as_a_column(pwt):
    data = pwt.assign(alpha=1.0 - pwt.labsh)
    with pytest.warns(DroppedRowsWarning):
        la = nt.level_accounting(data, "cgdpo", "cn", "emp", human_capital="hc", alpha="alpha",
                                 entity="countrycode", time="year")
    comp = la.components.loc["USA"].loc[2017]
    usa = data[(data.countrycode == "USA") & (data.year == 2017)].iloc[0]
    a = usa["alpha"]
    assert comp["capital"] == pytest.approx(a / (1 - a) * np.log(usa["cn"] / usa["cgdpo"]), rel=1e-12)
    dec = la.variance_decomposition()
    np.testing.assert_allclose(dec[["cov_capital", "cov_human_capital", "cov_tfp"]].sum(axis=1), 1.0, atol=1e-12)


def test_errors():
    df, _ = simulated()
    with pytest.raises(SpecificationError, match=r"form='solow'.*'hall-jones'.*'caselli'"):
        nt.level_accounting(df, "Y", "K", "L", form="solow", entity="iso", time="year")
    with pytest.raises(SpecificationError, match="strictly between 0 and 1"):
        nt.level_accounting(df, "Y", "K", "L", alpha=1.0, entity="iso", time="year")
    with pytest.raises(SpecificationError, match="must be different columns"):
        nt.level_accounting(df, "Y", "Y", "L", entity="iso", time="year")
    la = nt.level_accounting(df, "Y", "K", "L", entity="iso", time="year")
    with pytest.raises(SpecificationError, match="reference='ZZZ'"):
        la.relative("ZZZ")
