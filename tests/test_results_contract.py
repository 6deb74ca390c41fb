"""One results contract for every family: tfp (log or level, stated), to_frame(), summary() as text, LaTeX
and HTML, plot(ax=...), typed diagnostics; results are read-only and picklable."""

from __future__ import annotations

import dataclasses
import pickle

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.results import Diagnostics, TFPResults


@pytest.fixture(scope="module")
def results(request):
    pwt = nt.datasets.load_pwt()
    chilean = nt.datasets.load_chilean()
    ga = nt.pwt_growth_accounting(pwt)
    levels = pwt[pwt.year == 2017].dropna(subset=["cgdpo", "cn", "emp", "hc"])
    la = nt.level_accounting(levels, output="cgdpo", capital="cn", labor="emp", human_capital="hc",
                             entity="countrycode", time="year")
    pf = nt.Wooldridge(chilean, "Y", ["fX1", "fX2"], "sX", "pX", entity="idvar", time="timevar").fit()
    return {"growth": ga, "levels": la, "production": pf}


@pytest.mark.parametrize("family", ["growth", "levels", "production"])
def test_every_family_meets_the_contract(results, family):
    res = results[family]
    assert isinstance(res, TFPResults) and res.tfp_scale in ("log", "level")
    tfp = res.tfp
    assert tfp.notna().sum() > 100 and np.isfinite(tfp.dropna()).all()
    frame = res.to_frame()
    assert len(frame) == len(tfp)
    table = res.summary()
    assert table.as_text().strip() and "\\begin{tabular}" in table.as_latex()
    assert table.as_html().startswith('<div class="nqpf-tfp-summary"><table') and "<caption>" in table.as_html()
    diagnostics = res.diagnostics
    assert isinstance(diagnostics, Diagnostics) and dataclasses.is_dataclass(diagnostics)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(diagnostics, dataclasses.fields(diagnostics)[0].name, None)
    fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax and ax.has_data()
    plt.close(fig)
    copy = pickle.loads(pickle.dumps(res))
    np.testing.assert_array_equal(copy.tfp.to_numpy(), tfp.to_numpy())


def test_tfp_scales_are_what_they_say(results):
    ga, la, pf = results["growth"], results["levels"], results["production"]
    np.testing.assert_allclose(np.exp(ga.tfp), ga.tfp_index(), rtol=1e-12)
    np.testing.assert_allclose(np.log(la.tfp), la.components["tfp"], rtol=1e-12)
    assert (pf.tfp.index == nt.datasets.load_chilean().index).all()  # the caller's index


def test_diagnostics_keep_the_mapping_access_of_0_1_0(results):
    d = results["production"].diagnostics
    assert d["estimation_nobs"] == d.estimation_nobs and "estimation_nobs" in d
    assert "optima" not in d and d.get("optima", "none") == "none"  # not set for Wooldridge
    with pytest.raises(KeyError):
        d["optima"]
    assert set(d.to_dict()) == set(d.keys())


def _analysis_results():
    """One result of each family after the estimate: markups, a decomposition, a composite index."""
    frame = pd.DataFrame({"firm": ["A", "B", "A", "B"], "year": [2000, 2000, 2001, 2001], "theta": 0.6,
                          "sales": [10.0, 20.0, 30.0, 40.0], "cost": [4.0, 10.0, 12.0, 16.0],
                          "w": [1.0, 2.0, 1.5, 2.5], "x": [1.0, 2.0, 3.0, 1.0]})
    keys = {"entity": "firm", "time": "year"}
    return {
        "markups": nt.markups(frame, input="m", revenue="sales", cost="cost", elasticity="theta",
                              correction="none", **keys),
        "decomposition": nt.analysis.productivity_decomposition(frame, "w", "x", **keys),
        "composite index": nt.indices.composite_index(frame, {"sales": "+", "cost": "-"}, **keys),
    }


@pytest.mark.parametrize("family", ["markups", "decomposition", "composite index"])
def test_analysis_results_meet_the_contract(family):
    res = _analysis_results()[family]
    table = res.summary()
    assert table.as_text().strip() and "\\begin{tabular}" in table.as_latex()
    assert table.as_html().startswith('<div class="nqpf-tfp-summary"><table')
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(res.diagnostics, dataclasses.fields(res.diagnostics)[0].name, None)
    fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax and ax.has_data()
    plt.close(fig)
    frame = res.to_frame()
    copy = pickle.loads(pickle.dumps(res))
    pd.testing.assert_frame_equal(copy.to_frame(), frame)
