"""The Dask backend on a real local cluster (two worker processes): the same numbers as local threads."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


# runs first: the module's cluster starts with the first test that asks for it
@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_dask_backend_without_a_client_says_how_to_make_one(chilean):
    model = nt.LevinsohnPetrin(chilean.head(600), "Y", ["fX1", "fX2"], "sX", "pX", entity="idvar", time="timevar")
    with pytest.raises(nt.errors.SpecificationError, match="create one first"):
        model.fit(bootstrap=2, seed=0, backend="dask")
    with pytest.raises(nt.errors.SpecificationError, match="backend"):
        model.fit(bootstrap=2, seed=0, backend="ray")
    assert np.isfinite(model.fit(bootstrap=2, seed=0).std_errors).all()


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_dask_bootstrap_equals_threads(client, chilean):
    for model in (nt.LevinsohnPetrin(chilean, "Y", ["fX1", "fX2"], "sX", "pX", entity="idvar", time="timevar"),
                  nt.ACF(chilean, "Y", ["fX1", "fX2"], "sX", "pX", entity="idvar", time="timevar")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            local = model.fit(bootstrap=6, seed=4)
            remote = model.fit(bootstrap=6, seed=4, backend="dask")
        assert len(client.scheduler_info()["workers"]) == 2
        pd.testing.assert_frame_equal(local.cov, remote.cov)
        assert remote.diagnostics["bootstrap_replications"] == 6


# ------------------------------------------------------------ out of core
def _by_firm(panel: pd.DataFrame, npartitions: int):
    """A Dask DataFrame whose partitions hold whole firms (divisions on a firm index)."""
    import dask.dataframe as dd

    return dd.from_pandas(panel.set_index(panel["firm"].rename("fid")), npartitions=npartitions)


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
@pytest.mark.parametrize("form", ["cobb-douglas", "translog"])
def test_acf_on_a_dask_dataframe_equals_the_in_memory_fit(client, form):
    panel = nt.datasets.simulate_acf(600, 8, seed=11, beta_ll=0.03 if form == "translog" else 0.0)
    kw = {"entity": "firm", "time": "year", "form": form}
    ddf = _by_firm(panel, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        memory = nt.ACF(panel, "y", "l", "k", "m", **kw).fit()
        remote = nt.ACF(ddf, "y", "l", "k", "m", **kw).fit()
    assert ddf.npartitions == 3 and remote.diagnostics["partitions"] == 3
    # each pass over the partitions is timed, in the order run; the partitions are read and validated once
    assert [what for what, _ in remote.diagnostics["passes"]] == ["read", "first", "statistics", "response",
                                                                 "sandwich"]
    assert all(seconds > 0 for _, seconds in remote.diagnostics["passes"])
    np.testing.assert_allclose(remote.params, memory.params, rtol=0, atol=1e-10)
    np.testing.assert_allclose(remote.cov, memory.cov, rtol=1e-8, atol=1e-14)
    assert remote.nobs == memory.nobs and remote.diagnostics["n_entities"] == 600
    # the optima are reported rounded to 6 decimals: equal up to one unit in the last place
    np.testing.assert_allclose([o["params"] for o in remote.diagnostics["optima"]],
                               [o["params"] for o in memory.diagnostics["optima"]], rtol=0, atol=1.5e-6)
    # a Dask series on the partitions' index (the firm), computed when asked; rows in the panel's order
    tfp = remote.tfp.compute()
    np.testing.assert_array_equal(tfp.index, panel["firm"])
    np.testing.assert_allclose(tfp.to_numpy(), memory.tfp.to_numpy(), atol=1e-10)
    elasticities = remote.elasticities.compute()
    np.testing.assert_allclose(elasticities.to_numpy(), memory.elasticities.to_numpy(), atol=1e-10)
    assert remote.returns_to_scale == pytest.approx(memory.returns_to_scale, abs=1e-10)


@pytest.mark.parametrize("cls, kw", [(nt.Wooldridge, {"method": "iv"}), (nt.Wooldridge, {"method": "gmm"}),
                                     (nt.RobinsonWooldridge, {})])
@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_linear_system_on_a_dask_dataframe_equals_the_in_memory_fit(client, cls, kw):
    panel = nt.datasets.simulate_acf(500, 8, seed=12)
    keys = {"entity": "firm", "time": "year"}
    memory = cls(panel, "y", "l", "k", "m", **kw, **keys).fit()
    remote = cls(_by_firm(panel, 3), "y", "l", "k", "m", **kw, **keys).fit()
    np.testing.assert_allclose(remote.params, memory.params, rtol=0, atol=1e-10)
    np.testing.assert_allclose(remote.cov, memory.cov, rtol=1e-9, atol=1e-14)
    if memory.j_stat is None:  # just identified
        assert remote.j_stat is None
    else:
        assert remote.j_stat == pytest.approx(memory.j_stat, rel=1e-9)
    assert remote.nobs == memory.nobs and remote.diagnostics["partitions"] == 3
    np.testing.assert_allclose(remote.tfp.compute().to_numpy(), memory.tfp.to_numpy(), atol=1e-10)
    if memory.diagnostics.free_input_r2 is not None:  # Wooldridge: the same functional-dependence statistic
        np.testing.assert_allclose(remote.diagnostics.free_input_r2, memory.diagnostics.free_input_r2, rtol=1e-9)
    unadjusted = cls(_by_firm(panel, 2), "y", "l", "k", "m", **kw, **keys).fit(cov_type="unadjusted")
    np.testing.assert_allclose(unadjusted.cov, cls(panel, "y", "l", "k", "m", **kw, **keys).fit(
        cov_type="unadjusted").cov, rtol=1e-9)


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
@pytest.mark.parametrize("cls", [nt.LevinsohnPetrin, nt.OlleyPakes])
def test_control_function_on_a_dask_dataframe_equals_the_in_memory_fit(client, cls):
    panel = nt.datasets.simulate_acf(500, 8, seed=13)
    panel["c"] = np.random.default_rng(0).normal(size=len(panel))
    keys = {"entity": "firm", "time": "year", "controls": "c"}
    memory = cls(panel, "y", "l", "k", "m", **keys).fit()
    remote = cls(_by_firm(panel, 3), "y", "l", "k", "m", **keys).fit()
    assert remote.cov_type == memory.cov_type == "cluster"
    # measured: params 1.8e-14, covariance 6e-14 relative to its largest element
    np.testing.assert_allclose(remote.params, memory.params, rtol=0, atol=1e-10)
    np.testing.assert_allclose(remote.cov, memory.cov, rtol=1e-9, atol=1e-14)
    assert remote.nobs == memory.nobs and remote.diagnostics["partitions"] == 3
    assert remote.diagnostics["second_stage_nobs"] == memory.diagnostics["second_stage_nobs"]
    np.testing.assert_allclose(remote.tfp.compute().to_numpy(), memory.tfp.to_numpy(), atol=1e-8)
    # the model checks see the same statistics out of core (here labor is nearly a function of (k, m))
    np.testing.assert_allclose(remote.diagnostics.free_input_r2, memory.diagnostics.free_input_r2, rtol=1e-9)
    assert [(c.name, c.fired) for c in remote.diagnostics.model_checks] == \
        [(c.name, c.fired) for c in memory.diagnostics.model_checks]
    assert memory.diagnostics.model_checks[0].fired  # functional dependence


def _load_partition(panel: pd.DataFrame, firms: np.ndarray, log: str) -> pd.DataFrame:
    with open(log, "a") as f:  # one line per read, whichever worker process reads
        f.write(f"{int(firms[0])}\n")
    part = panel[panel["firm"].isin(firms)]
    return part.set_index(part["firm"].rename("fid"))


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
@pytest.mark.parametrize("cls", [nt.LevinsohnPetrin, nt.ACF, nt.Wooldridge])
def test_each_partition_is_read_once_per_fit(client, cls, tmp_path):
    import dask.dataframe as dd
    from dask import delayed

    panel = nt.datasets.simulate_acf(300, 6, seed=2)
    log = tmp_path / "reads.txt"
    log.touch()
    groups = np.array_split(np.unique(panel["firm"]), 4)
    meta = _load_partition(panel, groups[0], str(tmp_path / "meta.txt")).iloc[:0]
    ddf = dd.from_delayed([delayed(_load_partition)(panel, g, str(log)) for g in groups], meta=meta)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = cls(ddf, "y", "l", "k", "m", entity="firm", time="year").fit()
        memory = cls(panel, "y", "l", "k", "m", entity="firm", time="year").fit()
    passes = [what for what, _ in fit.diagnostics["passes"]]
    assert passes[0] == "read" and len(passes) >= 3  # two passes or more over the partitions...
    assert sorted(int(v) for v in log.read_text().split()) == sorted(int(g[0]) for g in groups)  # ...one read each
    np.testing.assert_allclose(fit.params, memory.params, rtol=0, atol=1e-10)


def test_dask_dataframe_errors(client, chilean):
    import dask.dataframe as dd

    panel = nt.datasets.simulate_acf(300, 6, seed=1)
    split = dd.from_pandas(panel.reset_index(drop=True), chunksize=1000)  # 6 rows a firm: firm 166 cut in two
    with pytest.raises(nt.errors.PanelError, match=r"more than one partition.*shuffle\(on='firm'\)"):
        nt.ACF(split, "y", "l", "k", "m", entity="firm", time="year").fit()
    whole = _by_firm(panel, 2)
    with pytest.raises(nt.errors.SpecificationError, match="does not take a Dask DataFrame yet"):
        nt.OLS(whole, "y", "l", "k", entity="firm", time="year")
    with pytest.raises(nt.errors.SpecificationError, match="exit= does not take a Dask DataFrame"):
        nt.OlleyPakes(whole, "y", "l", "k", "m", exit=True, entity="firm", time="year")
    with pytest.raises(nt.errors.SpecificationError, match="bootstrap on a Dask DataFrame"):
        nt.ACF(whole, "y", "l", "k", "m", entity="firm", time="year").fit(bootstrap=5, seed=0)
    # each partition is validated as the in-memory path validates a frame
    duplicated = _by_firm(pd.concat([panel, panel.iloc[[7]]]).sort_values(["firm", "year"]), 2)
    with pytest.raises(nt.errors.PanelError, match="duplicate"):
        nt.ACF(duplicated, "y", "l", "k", "m", entity="firm", time="year").fit()


# ------------------------------------------------------------- per industry
@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_fit_by_industry_same_numbers_on_threads_and_dask(client):
    a = nt.datasets.simulate_acf(200, 6, seed=21).assign(industry="food")
    b = nt.datasets.simulate_acf(150, 6, seed=22).assign(industry="textiles")
    b["firm"] += 1000
    panel = pd.concat([b, a], ignore_index=True)
    before = panel.copy()
    args = ("y", "l", "k", "m")
    kw = {"entity": "firm", "time": "year"}
    fit = {"bootstrap": 4, "seed": 9}
    serial = nt.fit_by(nt.LevinsohnPetrin, panel, "industry", *args, fit=fit, **kw)
    threads = nt.fit_by(nt.LevinsohnPetrin, panel, "industry", *args, fit=fit, n_jobs=2, **kw)
    remote = nt.fit_by(nt.LevinsohnPetrin, panel, "industry", *args, fit=fit, backend="dask", **kw)
    assert list(serial) == ["food", "textiles"]
    alone = nt.LevinsohnPetrin(a.drop(columns="industry"), *args, **kw).fit(**fit)
    pd.testing.assert_frame_equal(serial["food"].cov, alone.cov)
    for key in serial:
        pd.testing.assert_series_equal(serial[key].params, threads[key].params)
        pd.testing.assert_frame_equal(serial[key].cov, remote[key].cov)
    pd.testing.assert_frame_equal(panel, before)
    with pytest.raises(nt.errors.SpecificationError, match=r"group column 'sector' is not in the data"):
        nt.fit_by(nt.LevinsohnPetrin, panel, "sector", *args, **kw)


def test_dea_blocks_on_the_dask_workers_give_the_serial_scores(client):
    rng = np.random.default_rng(13)
    data = pd.DataFrame(rng.uniform(1, 10, (800, 5)), columns=["x1", "x2", "x3", "y1", "y2"])
    serial = nt.frontier.dea(data, ["x1", "x2", "x3"], ["y1", "y2"], slacks=False)
    remote = nt.frontier.dea(data, ["x1", "x2", "x3"], ["y1", "y2"], slacks=False, backend="dask")
    np.testing.assert_allclose(remote.efficiency, serial.efficiency, rtol=0, atol=1e-9)
    assert remote.diagnostics.frame_units == serial.diagnostics.frame_units


def test_malmquist_luenberger_blocks_on_the_dask_workers(client):
    rng = np.random.default_rng(14)
    data = pd.DataFrame([{"firm": f, "year": 2010 + t, "k": rng.uniform(1, 10), "l": rng.uniform(1, 10),
                          "y": rng.uniform(1, 10) * 1.04**t, "co2": rng.uniform(1, 10) * 0.98**t}
                         for f in range(80) for t in range(3)])
    kw = {"entity": "firm", "time": "year", "frontier": "global"}
    serial = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", **kw)
    remote = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", backend="dask", **kw)
    pd.testing.assert_frame_equal(remote.changes, serial.changes, rtol=0, atol=1e-9)
    kw |= {"distance": "ebm", "direction": "all"}  # the EBM's programs and settings travel to the workers too
    serial = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", **kw)
    remote = nt.frontier.malmquist_luenberger(data, ["k", "l"], "y", "co2", backend="dask", **kw)
    pd.testing.assert_frame_equal(remote.changes, serial.changes, rtol=0, atol=1e-9)


def test_bootstrap_dea_replications_on_the_dask_workers_equal_the_serial_ones(client):
    rng = np.random.default_rng(15)
    x = rng.uniform(1, 10, (30, 2))
    data = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": np.sqrt(x[:, 0] * x[:, 1]) * rng.uniform(0.5, 1, 30)})
    serial = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=8, seed=3)
    remote = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=8, seed=3, backend="dask")
    pd.testing.assert_frame_equal(remote.draws, serial.draws)
