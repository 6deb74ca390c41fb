"""PWT 10.01 reproduced: rtfpna, rwtfpna, ctfp, cwtfp for every country and year.

Reference: the series published in PWT 10.01 (bundled copy of pwt1001.dta,
sha256 678c0be8...; Feenstra, Inklaar & Timmer 2015). PWT stores inputs and
outputs as float32 (about 7 significant digits), so an exact recomputation
differs from the published numbers by float32 rounding of a handful of logs:
~1e-7 in an annual log change and ~1e-6 in a cross-country ln level. The
tolerances, 5e-7 for annual Δln of rtfpna/rwtfpna and 5e-6 for ln ctfp/cwtfp,
follow from that precision.
"""

from __future__ import annotations

import csv
import gzip
import io
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import DataSourceError, SpecificationError

COUNTRIES = ["USA", "CHN", "DEU", "JPN", "IND", "BRA"]
TOL_DLN = 5e-7
TOL_LEVEL = 5e-6


def published(pwt: pd.DataFrame, measure: str) -> pd.Series:
    return pwt.set_index(["countrycode", "year"])[measure].dropna()


def dln(series: pd.Series) -> pd.Series:
    return np.log(series).groupby(level=0).diff().dropna()


# ------------------------------------------------------------ bundled data
def test_load_pwt_shape_checksum_and_provenance(pwt):
    assert pwt.shape == (12810, 52)
    assert pwt.attrs["version"] == "10.01" and pwt.attrs["licence"] == "CC BY 4.0"
    assert pwt.attrs["sha256"] == nt.datasets.PWT_SHA256
    assert pwt.countrycode.nunique() == 183 and (pwt.year.min(), pwt.year.max()) == (1950, 2019)


def test_load_pwt_values_are_bit_exact():
    raw = gzip.decompress(resources.files("nqpf_tfp.data").joinpath("bundled", "pwt1001.csv.gz").read_bytes())
    rows = list(csv.reader(io.StringIO(raw.decode())))
    header = rows[0]
    frame = nt.datasets.load_pwt()
    for name in ("rgdpna", "rkna", "emp", "avh", "hc", "labsh", "rtfpna", "ctfp"):
        j = header.index(name)
        exact = np.array([float(r[j]) if r[j] else np.nan for r in rows[1:]])
        np.testing.assert_array_equal(frame[name].to_numpy(), exact)


def test_load_pwt_returns_a_fresh_copy():
    a = nt.datasets.load_pwt()
    a.loc[0, "rgdpna"] = -1.0
    assert nt.datasets.load_pwt().loc[0, "rgdpna"] != -1.0


def test_corrupt_bundle_is_a_checksum_error(monkeypatch):
    from nqpf_tfp.data import bundled

    bundled.pwt_frame.cache_clear()
    monkeypatch.setattr(bundled, "read_bundled", lambda name: gzip.compress(b"countrycode,year\nXXX,1\n"))
    with pytest.raises(DataSourceError, match="fails its checksum"):
        nt.datasets.load_pwt()
    monkeypatch.undo()
    bundled.pwt_frame.cache_clear()
    assert nt.datasets.load_pwt().shape == (12810, 52)


def test_legend_lists_every_column(pwt):
    legend = nt.datasets.load_pwt_legend()
    assert list(legend["variable"]) == list(pwt.columns)


# ---------------------------------------------------------- reproductions
@pytest.mark.parametrize("measure", ["rtfpna", "rwtfpna"])
def test_growth_measures_all_countries(pwt, measure):
    ours = nt.pwt_tfp(pwt, measure)
    ref = published(pwt, measure)
    assert ours.index.equals(ref.index)  # same coverage: 6,407 country-years, 118 countries
    err = (dln(ours) - dln(ref)).abs()
    assert err.size == 6407 - 118
    assert err.max() <= TOL_DLN, err.idxmax()
    assert (ours.xs(2017, level="year") == 1.0).all()


@pytest.mark.parametrize("measure", ["rtfpna", "rwtfpna"])
@pytest.mark.parametrize("country", COUNTRIES)
def test_growth_measures_named_countries(pwt, measure, country):
    ours = nt.pwt_tfp(pwt, measure).loc[country]
    ref = published(pwt, measure).loc[country]
    err = (np.log(ours).diff() - np.log(ref).diff()).dropna().abs()
    assert len(err) == len(ref) - 1 >= 60
    assert err.max() <= TOL_DLN


@pytest.mark.parametrize("measure", ["ctfp", "cwtfp"])
def test_level_measures_all_countries(pwt, measure):
    ours = nt.pwt_tfp(pwt, measure)
    ref = published(pwt, measure)
    assert ours.index.equals(ref.index)
    err = (np.log(ours) - np.log(ref)).abs()
    assert err.max() <= TOL_LEVEL, err.idxmax()
    for country in COUNTRIES:
        assert err.loc[country].max() <= TOL_LEVEL
    assert (ours.loc["USA"] == 1.0).all()


def test_unknown_measure_lists_valid_values(pwt):
    with pytest.raises(SpecificationError, match=r"^measure='tfp'.*'rtfpna'.*'ctfp'"):
        nt.pwt_tfp(pwt, "tfp")


def test_missing_columns_are_named(pwt):
    with pytest.raises(SpecificationError, match=r"needs PWT columns \['labsh'\]"):
        nt.pwt_tfp(pwt.drop(columns="labsh"))


# ------------------------------------------------------------- hours rule
def test_pwt_hours_rule_on_a_constructed_table():
    usa = [2000.0, 1990.0, 1980.0, 1970.0, 1960.0]
    df = pd.DataFrame({
        "countrycode": ["USA"] * 5 + ["AAA"] * 5 + ["BBB"] * 5,
        "year": list(range(2000, 2005)) * 3,
        "avh": usa + [np.nan, 1800.0, np.nan, 1700.0, np.nan] + [np.nan] * 5,
    })
    filled = nt.pwt_hours(df)
    a = filled[df.countrycode == "AAA"].to_numpy()
    expected = [1800.0 * 2000 / 1990, 1800.0, 1750.0, 1700.0, 1700.0 * 1960 / 1970]
    np.testing.assert_allclose(a, expected, rtol=1e-15)
    np.testing.assert_array_equal(filled[df.countrycode == "BBB"].to_numpy(), usa)
    np.testing.assert_array_equal(filled[df.countrycode == "USA"].to_numpy(), usa)
    assert filled.index.equals(df.index)


def test_pwt_hours_keeps_published_hours(pwt):
    filled = nt.pwt_hours(pwt)
    observed = pwt.avh.notna()
    np.testing.assert_array_equal(filled[observed].to_numpy(), pwt.avh[observed].to_numpy())
    chn_has_hours = pwt.loc[pwt.countrycode == "CHN", "avh"].notna().any()
    no_hours = pwt.groupby("countrycode").avh.transform(lambda s: s.isna().all())
    assert chn_has_hours and no_hours.any()
    usa = pwt[pwt.countrycode == "USA"].set_index("year").avh
    fill_only = filled[no_hours]
    np.testing.assert_array_equal(fill_only.to_numpy(), usa.reindex(pwt.year[no_hours]).to_numpy())


def test_pwt_hours_needs_reference():
    df = pd.DataFrame({"countrycode": ["AAA", "AAA"], "year": [2000, 2001], "avh": [1.0, 2.0]})
    with pytest.raises(SpecificationError, match="reference='USA'"):
        nt.pwt_hours(df)


def test_pwt_growth_accounting_rejects_level_measure(pwt):
    with pytest.raises(SpecificationError, match="cross-country level"):
        nt.pwt_growth_accounting(pwt, "ctfp")
