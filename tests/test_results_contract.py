"""One results contract for every public result of every family (the classes are collected from the public
API): to_frame(), summary() as text, LaTeX and HTML, repr and notebook display from the summary, plot(ax=...),
typed frozen diagnostics with a short repr; read-only and picklable; tfp (scale and kind stated) where there
is TFP or efficiency; params, std_errors, tstats, pvalues, conf_int(), cov, nobs where there are estimates."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.results import Diagnostics, ParameterEstimates, Results, TFPResults


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


NAMESPACES = [nt, nt.frontier, nt.indices, nt.analysis, nt.growth, nt.production, nt.data, nt.datasets]
PUBLIC_RESULTS = sorted({obj for ns in NAMESPACES for obj in (getattr(ns, n) for n in ns.__all__)
                         if isinstance(obj, type) and issubclass(obj, Results) and not inspect.isabstract(obj)},
                        key=lambda c: c.__name__)


def _frontier_panel() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n, periods = 8, 3
    x = rng.uniform(1.0, 3.0, (n * periods, 2))
    y = (x[:, 0] ** 0.4 * x[:, 1] ** 0.5) * rng.uniform(0.6, 1.0, n * periods)
    return pd.DataFrame({"firm": np.repeat(np.arange(n), periods), "year": np.tile([2000, 2001, 2002], n),
                         "x0": x[:, 0], "x1": x[:, 1], "y": y, "b": y * rng.uniform(0.2, 0.4, n * periods)})


def _quietly(function, *args, **kwargs):
    """Call without ConvergenceWarning: random panels leave some cross-period VRS programs infeasible (NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nt.errors.ConvergenceWarning)
        return function(*args, **kwargs)


def _two_technologies() -> pd.DataFrame:
    """Two groups of log Cobb-Douglas frontiers with normal noise and half-normal inefficiency."""
    rng = np.random.default_rng(11)
    n = 120
    group = np.repeat(["a", "b"], n)
    k, labour = rng.uniform(0, 3, 2 * n), rng.uniform(0, 3, 2 * n)
    y = 1 - 0.3 * (group == "b") + 0.35 * k + 0.55 * labour + rng.normal(0, 0.1, 2 * n) - np.abs(
        rng.normal(0, 0.3, 2 * n))
    return pd.DataFrame({"g": group, "k": k, "l": labour, "y": y})


def _wasteful_environment() -> pd.DataFrame:
    """Units whose inputs carry managerial waste (half-normal), environmental waste (1.5 z) and noise."""
    rng = np.random.default_rng(1)
    x = rng.uniform(1.0, 10.0, (300, 2))
    u = np.abs(rng.normal(0.0, 0.25, 300))
    z = rng.uniform(0.0, 2.0, 300)
    wasted = x * np.exp(u)[:, None] + 1.5 * z[:, None] + np.abs(rng.normal(0.0, 0.1, (300, 2)))
    return pd.DataFrame({"x0": wasted[:, 0], "x1": wasted[:, 1], "y": np.sqrt(x[:, 0] * x[:, 1]), "z": z})


def _province_panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    provinces = nt.datasets.china_provinces()
    rng = np.random.default_rng(1)
    years = [2015, 2016, 2017, 2018]
    frame = pd.DataFrame({"province": np.repeat(provinces["name_en"].to_numpy(), len(years)),
                          "region": np.repeat(provinces["region"].to_numpy(), len(years)),
                          "year": np.tile(years, len(provinces))})
    frame["tfp"] = np.exp(rng.normal(0.0, 0.3, len(frame)))
    frame["green"] = rng.uniform(0.1, 1.0, len(frame))
    return frame, nt.datasets.china_contiguity()


def _factories() -> dict[type, object]:
    """One way to obtain each public results class."""
    firms = pd.DataFrame({"firm": ["A", "B", "A", "B"], "year": [2000, 2000, 2001, 2001], "theta": 0.6,
                          "sales": [10.0, 20.0, 30.0, 40.0], "cost": [4.0, 10.0, 12.0, 16.0],
                          "w": [1.0, 2.0, 1.5, 2.5], "x": [1.0, 2.0, 3.0, 1.0]})
    keys = {"entity": "firm", "time": "year"}
    frontier = _frontier_panel()
    provinces, contiguity = _province_panel()
    pkeys = {"entity": "province", "time": "year"}
    chilean = nt.datasets.load_chilean()
    ckeys = {"entity": "idvar", "time": "timevar"}
    eg1 = pd.read_csv(Path(__file__).parent / "data" / "front41_eg1.csv")

    def ols():
        return nt.OLS(chilean, "Y", ["fX1", "fX2"], "sX", **ckeys).fit()

    return {
        nt.GrowthAccounting: lambda: nt.pwt_growth_accounting(nt.datasets.load_pwt()),
        nt.LevelAccounting: lambda: nt.level_accounting(
            nt.datasets.load_pwt().query("year == 2017").dropna(subset=["cgdpo", "cn", "emp", "hc"]),
            output="cgdpo", capital="cn", labor="emp", human_capital="hc", entity="countrycode", time="year"),
        nt.ProductionResults: lambda: nt.Wooldridge(chilean, "Y", ["fX1", "fX2"], "sX", "pX", **ckeys).fit(),
        nt.Comparison: lambda: nt.compare([ols(), ols()]),
        nt.production.GroupFits: lambda: nt.fit_by(nt.OLS, chilean.assign(half=chilean.idvar % 2), "half", "Y",
                                                   ["fX1", "fX2"], "sX", **ckeys),
        nt.frontier.DEAResults: lambda: nt.frontier.dea(frontier, ["x0", "x1"], "y"),
        nt.frontier.EBMResults: lambda: nt.frontier.ebm(frontier, ["x0", "x1"], "y"),
        nt.growth.IndexNumberTFP: lambda: nt.growth.tfp_index(frontier.assign(w0=0.4, w1=0.6), ["x0", "x1"], "y",
                                                              input_shares=["w0", "w1"], **keys),
        nt.growth.TFPIndicator: lambda: nt.growth.tfp_indicator(
            frontier.assign(w0=0.4, w1=0.6), ["x0", "x1"], "y", input_prices=["w0", "w1"], output_prices="w0",
            **keys),
        nt.growth.MultilateralTFP: lambda: nt.growth.multilateral_tfp(
            frontier.assign(w0=0.4, w1=0.6), ["x0", "x1"], ["y", "b"], input_shares=["w0", "w1"],
            output_prices=["x0", "x1"], **keys),
        nt.frontier.TFPIndexDecomposition: lambda: _quietly(
            nt.frontier.index_decomposition, frontier.assign(w0=0.4, w1=0.6), ["x0", "x1"], "y",
            input_shares=["w0", "w1"], **keys),
        nt.frontier.LoweEfficiency: lambda: nt.frontier.lowe_efficiency(
            frontier.assign(w0=0.4, w1=0.6), ["x0", "x1"], "y", input_prices=["w0", "w1"], output_prices="w0",
            **keys),
        nt.frontier.FarePrimontEfficiency: lambda: nt.frontier.fare_primont_efficiency(frontier, ["x0", "x1"], "y",
                                                                                       **keys),
        nt.frontier.ScoreResults: lambda: nt.frontier.sbm(frontier, ["x0", "x1"], "y", "b"),
        nt.frontier.MalmquistResults: lambda: nt.frontier.malmquist(frontier, ["x0", "x1"], "y", **keys),
        nt.frontier.MalmquistLuenbergerResults: lambda: nt.frontier.malmquist_luenberger(
            frontier, ["x0", "x1"], "y", "b", frontier="global", **keys),
        nt.frontier.LuenbergerResults: lambda: nt.frontier.luenberger(frontier, ["x0", "x1"], "y", "b",
                                                                      frontier="global", **keys),
        nt.frontier.MetafrontierResults: lambda: nt.frontier.metafrontier(
            frontier.assign(g=frontier.firm % 2), ["x0", "x1"], "y", group="g", **keys),
        nt.frontier.MetafrontierIndexResults: lambda: nt.frontier.metafrontier_malmquist_luenberger(
            frontier.assign(g=frontier.firm % 2), ["x0", "x1"], "y", "b", group="g", **keys),
        nt.frontier.SFAMetafrontierResults: lambda: nt.frontier.sfa_metafrontier(_two_technologies(), "y", ["k", "l"],
                                                                                  group="g"),
        nt.frontier.BootstrapDEAResults: lambda: nt.frontier.bootstrap_dea(frontier, ["x0", "x1"], "y",
                                                                           replications=20, seed=0),
        nt.frontier.BootstrapMalmquistResults: lambda: nt.frontier.bootstrap_malmquist(
            frontier, ["x0", "x1"], "y", replications=10, seed=0, **keys),
        nt.frontier.SimarWilsonResults: lambda: nt.frontier.simar_wilson(
            frontier.assign(z=frontier.x0 / frontier.x1), ["x0", "x1"], "y", "z", replications=20, seed=0),
        nt.frontier.ThreeStageResults: lambda: nt.frontier.three_stage_dea(_wasteful_environment(), ["x0", "x1"], "y",
                                                                           "z"),
        nt.frontier.SFAResults: lambda: nt.frontier.SFA(eg1, "output", ["capital", "labour"], take_logs=True).fit(),
        nt.analysis.MarkupResults: lambda: nt.markups(firms, input="m", revenue="sales", cost="cost",
                                                      elasticity="theta", correction="none", **keys),
        nt.analysis.DecompositionResults: lambda: nt.analysis.productivity_decomposition(firms, "w", "x", **keys),
        nt.analysis.Persistence: lambda: nt.analysis.productivity_persistence(
            chilean.assign(tfp=chilean.Y - 0.3 * chilean.sX), "tfp", **ckeys),
        nt.indices.CompositeIndex: lambda: nt.indices.composite_index(provinces, {"tfp": "+", "green": "+"}, **pkeys),
        nt.indices.DagumGini: lambda: nt.indices.dagum_gini(provinces, "tfp", "region", time="year"),
        nt.indices.Theil: lambda: nt.indices.theil(provinces, "tfp", "region", time="year"),
        nt.indices.MarkovChain: lambda: nt.indices.markov_chain(provinces, "tfp", classes=3, spatial_weights=contiguity,
                                                                **pkeys),
        nt.indices.SigmaConvergence: lambda: nt.indices.sigma_convergence(provinces, "tfp", time="year"),
        nt.indices.BetaConvergence: lambda: nt.indices.beta_convergence(provinces, "tfp", **pkeys),
        nt.indices.Moran: lambda: nt.indices.moran(provinces, "tfp", contiguity, permutations=19, seed=0, **pkeys),
        nt.indices.LocalMoran: lambda: nt.indices.local_moran(provinces, "tfp", contiguity, permutations=19, seed=0,
                                                              **pkeys),
    }


FACTORIES = _factories()


def test_every_public_results_class_is_in_the_contract_test():
    assert set(PUBLIC_RESULTS) == set(FACTORIES), set(PUBLIC_RESULTS) ^ set(FACTORIES)
    assert len(PUBLIC_RESULTS) >= 22


@pytest.mark.parametrize("cls", PUBLIC_RESULTS, ids=lambda c: c.__name__)
def test_every_public_result_meets_the_contract(cls):
    res = FACTORIES[cls]()
    assert type(res) is cls and isinstance(res, Results)
    frame = res.to_frame()
    assert isinstance(frame, pd.DataFrame) and not frame.empty
    table = res.summary()
    assert table.as_text().strip() and "\\begin{tabular}" in table.as_latex()
    assert table.as_html().startswith('<div class="nqpf-tfp-summary"><table') and "<caption>" in table.as_html()
    assert res._repr_html_() == table.as_html()
    if len(table.as_frame()) <= 40:
        assert repr(res) == table.as_text()
    else:  # longer than a screen: one line that says so
        assert repr(res).startswith(f"<{cls.__name__}: {table.title}; ") and "summary()" in repr(res)
    diagnostics = res.diagnostics
    assert isinstance(diagnostics, Diagnostics) and dataclasses.is_dataclass(diagnostics)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(diagnostics, dataclasses.fields(diagnostics)[0].name, None)
    short = repr(diagnostics)
    assert short.startswith(type(diagnostics).__name__ + "(") and "=None" not in short and len(short) < 1500
    fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax and ax.has_data()
    plt.close("all")
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(res)).to_frame(), frame)
    readonly = [n for n, v in inspect.getmembers(cls) if isinstance(v, property) and not n.startswith("_")]
    assert readonly, cls
    with pytest.raises(AttributeError):
        setattr(res, readonly[0], None)
    if isinstance(res, TFPResults):
        assert res.tfp_scale in ("log", "level") and res.tfp_kind in ("productivity", "efficiency", "index")
        assert isinstance(res.tfp, pd.Series) and res.tfp.notna().any()
    if isinstance(res, ParameterEstimates):
        params, se = res.params, res.std_errors
        assert isinstance(res.nobs, int) and res.nobs > 0
        pd.testing.assert_series_equal(res.tstats, (params / se).rename("tstat"))
        assert ((res.pvalues >= 0) & (res.pvalues <= 1)).all()
        ci = res.conf_int(0.9)
        assert (ci["lower"] < params).all() and (params < ci["upper"]).all()
        np.testing.assert_allclose(np.sqrt(np.diag(res.cov.to_numpy())), se.to_numpy(), rtol=1e-12)


def test_tfp_scales_are_what_they_say(results):
    ga, la, pf = results["growth"], results["levels"], results["production"]
    np.testing.assert_allclose(np.exp(ga.tfp), ga.tfp_index(), rtol=1e-12)
    np.testing.assert_allclose(np.log(la.tfp), la.components["tfp"], rtol=1e-12)
    assert pf.tfp.index.names == ["idvar", "timevar"]  # labelled by (entity, time)


def test_diagnostics_keep_the_mapping_access_of_0_1_0(results):
    d = results["production"].diagnostics
    assert d["estimation_nobs"] == d.estimation_nobs and "estimation_nobs" in d
    assert "optima" not in d and d.get("optima", "none") == "none"  # not set for Wooldridge
    with pytest.raises(KeyError):
        d["optima"]
    assert set(d.to_dict()) == set(d.keys())


def test_a_table_for_a_paper_has_its_caption_label_notes_and_aligned_columns():
    from nqpf_tfp.tables import SummaryTable

    frame = pd.DataFrame({"region": ["east", "west_1"], "tfp": [1.0, 1.25]}, index=pd.Index([2000, 2001], name="year"))
    table = SummaryTable(frame, "TFP by region", ["Source: PWT 10.01; 100% of units."], ".3f")
    latex = table.to_latex(caption="TFP", label="tab:tfp")
    lines = latex.splitlines()
    assert lines[:4] == [r"\begin{table}[htbp]", r"\centering", r"\caption{TFP}", r"\label{tab:tfp}"]
    assert r"\begin{tabular}{llr}" in latex  # the year key and the text column left, the number right
    assert r"\multicolumn{3}{l}{\footnotesize Source: PWT 10.01; 100\% of units.} \\" in latex  # in the PDF
    assert r"west\_1 & 1.250 \\" in latex and lines[-1] == r"\end{table}" and "%" not in latex.replace(r"\%", "")
    assert table.to_latex().splitlines()[2] == r"\caption{TFP by region}"


def test_every_result_writes_a_table_for_a_paper():
    res = nt.frontier.dea(pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0]}), "x", "y")
    latex = res.to_latex(caption="DEA scores", label="tab:dea")
    assert r"\caption{DEA scores}" in latex and r"\label{tab:dea}" in latex and r"\toprule" in latex
