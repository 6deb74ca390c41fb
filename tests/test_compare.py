"""nt.compare: fits side by side (production functions, stochastic frontiers, fit_by's groups), with the
numbers of each fit unchanged, standard errors or t statistics below, stars from two-sided normal p-values."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ArgumentError, NqpfTfpDeprecationWarning, SpecificationError

KW = {"entity": "idvar", "time": "timevar"}


@pytest.fixture(scope="module")
def fits():
    data = nt.datasets.load_chilean()
    wooldridge = nt.Wooldridge(data, "Y", ["fX1", "fX2"], "sX", "pX", **KW).fit()
    ols = nt.OLS(data, "Y", ["fX1", "fX2"], "sX", **KW).fit()
    with pytest.warns(nt.errors.ImplausibleTechnologyWarning, match="returns to scale are 0.231"):
        fe = nt.FixedEffects(data, "Y", ["fX1", "fX2"], "sX", **KW).fit()  # a model check fires: counted below
    eg1 = pd.read_csv(Path(__file__).parent / "data" / "front41_eg1.csv")  # FRONTIER 4.1's example
    sfa = nt.frontier.SFA(eg1, "output", ["capital", "labour"], take_logs=True).fit()
    return {"wooldridge": wooldridge, "ols": ols, "fe": fe, "sfa": sfa}


def test_every_number_is_the_fits_own(fits):
    table = nt.compare([fits["wooldridge"], fits["ols"], fits["sfa"]])
    assert list(table.params.columns) == ["Wooldridge (iv)", "OLS", fits["sfa"].method]
    for column, fit in zip(table.params.columns, [fits["wooldridge"], fits["ols"], fits["sfa"]]):
        own = fit.params
        for mine, theirs in ((table.params, own), (table.std_errors, fit.std_errors), (table.pvalues, fit.pvalues)):
            pd.testing.assert_series_equal(mine[column].dropna().reindex(theirs.index), theirs, check_names=False,
                                           check_index_type=False)
        assert table.statistics.loc["observations", column] == fit.nobs
    # a parameter one fit lacks is NaN there, not zero
    assert np.isnan(table.params.loc["const", table.params.columns[0]])
    assert np.isnan(table.params.loc["capital", "OLS"]) and np.isnan(table.params.loc["fX1", fits["sfa"].method])
    assert table.statistics.loc["Hansen's J", table.params.columns[0]] == pytest.approx(fits["wooldridge"].j_stat)
    assert table.statistics.loc["returns to scale", "OLS"] == pytest.approx(fits["ols"].returns_to_scale)
    assert table.statistics.loc["log-likelihood", table.params.columns[2]] == pytest.approx(
        fits["sfa"].diagnostics.loglik)


def test_summary_text_latex_html_and_the_numeric_frame(fits):
    table = nt.compare({"FE": fits["fe"], "OLS": fits["ols"]}, stars=True)
    text = str(table.summary())
    se = fits["ols"].std_errors["fX1"]
    assert f"({se:.4f})" in text and "observations" in text and "*** p < 0.01" in text
    assert f"{fits['ols'].params['fX1']:.4f}***" in text  # p is about 1e-33
    assert "\\begin{tabular}" in table.as_latex() and table.as_html().startswith('<div class="nqpf-tfp-summary"')
    assert table._repr_html_() == table.as_html()
    assert table.statistics.loc["model-check warnings", "FE"] == 1
    assert table.statistics.loc["model-check warnings", "OLS"] == 0
    frame = table.to_frame()
    assert frame.loc[("fX1", "coef"), "OLS"] == fits["ols"].params["fX1"]
    assert frame.loc[("fX1", "std err"), "FE"] == fits["fe"].std_errors["fX1"]
    assert frame.loc[("statistic", "observations"), "FE"] == fits["fe"].nobs
    tstats = nt.compare([fits["ols"]], below="tstats")
    assert f"[{fits['ols'].tstats['sX']:.4f}]" in str(tstats.summary())
    np.testing.assert_allclose(tstats.tstats["OLS"], fits["ols"].tstats)


def test_repeated_methods_get_numbered_names_and_names_can_be_given(fits):
    table = nt.compare([fits["ols"], fits["ols"]])
    assert list(table.params.columns) == ["OLS (1)", "OLS (2)"]
    named = nt.compare([fits["ols"], fits["fe"]], names=["pooled", "within"])
    assert list(named.params.columns) == ["pooled", "within"]


@pytest.mark.parametrize("call, error, message", [
    (lambda f: nt.compare(f["ols"]), SpecificationError, "must be a list of fits or a mapping"),
    (lambda f: nt.compare([]), SpecificationError, "at least one fit"),
    (lambda f: nt.compare([f["ols"], nt.frontier.dea(pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, 1.5]}), "x", "y")]),
     SpecificationError, "has no estimated parameters"),
    (lambda f: nt.compare([f["ols"]], names=["a", "b"]), SpecificationError, "names must be 1 different names"),
    (lambda f: nt.compare([f["ols"]], below="se"), SpecificationError, "below"),
    (lambda f: nt.compare([f["ols"]], star=True), ArgumentError, "did you mean 'stars'"),
])
def test_bad_arguments_are_named(fits, call, error, message):
    with pytest.raises(error, match=message):
        call(fits)


def test_fit_by_returns_a_mapping_with_params_summary_and_tfp_on_the_callers_rows():
    data = nt.datasets.load_chilean().assign(half=lambda d: np.where(d.idvar % 2 == 0, "even", "odd"))
    shuffled = data.sample(frac=1.0, random_state=0)
    fits = nt.fit_by(nt.OLS, shuffled, "half", "Y", ["fX1", "fX2"], "sX", **KW)
    assert list(fits) == ["even", "odd"] and len(fits) == 2 and set(dict(fits)) == {"even", "odd"}
    alone = nt.OLS(data[data.half == "odd"], "Y", ["fX1", "fX2"], "sX", **KW).fit()
    pd.testing.assert_series_equal(fits["odd"].params, alone.params)
    pd.testing.assert_series_equal(fits.params.loc["odd"], alone.params, check_names=False)
    pd.testing.assert_series_equal(fits.std_errors.loc["odd"], alone.std_errors, check_names=False)
    assert fits.params.index.name == "half" and fits.nobs["odd"] == alone.nobs
    assert fits.tfp.index.names == ["idvar", "timevar"] and len(fits.tfp) == len(data)  # labelled by the keys
    pd.testing.assert_series_equal(fits.tfp.loc[alone.tfp.index], alone.tfp, check_names=False)
    frame = fits.to_frame()
    joined = shuffled.join(frame["half"].rename("estimated in"), on=["idvar", "timevar"])
    assert (joined["estimated in"] == joined["half"]).all()
    assert list(fits.compare().params.columns) == ["even", "odd"]
    assert "even" in str(fits.summary()) and repr(fits) == str(fits.summary())


def test_the_old_keyword_by_still_works_with_a_deprecation_warning():
    data = nt.datasets.load_chilean().assign(half=lambda d: d.idvar % 2)
    with pytest.warns(NqpfTfpDeprecationWarning, match=r"by= is now group="):
        old = nt.fit_by(nt.OLS, data, by="half", output="Y", free=["fX1", "fX2"], state="sX", **KW)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = nt.fit_by(nt.OLS, data, group="half", output="Y", free=["fX1", "fX2"], state="sX", **KW)
    pd.testing.assert_frame_equal(old.params, new.params)
    with pytest.raises(ArgumentError, match="got both by= and group="):
        nt.fit_by(nt.OLS, data, by="half", group="half", output="Y", free="fX1", state="sX", **KW)
