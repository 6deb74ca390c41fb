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
def test_dask_backend_without_a_client_says_how_to_make_one(chilean):
    model = nt.LevinsohnPetrin(chilean.head(600), "Y", ["fX1", "fX2"], "sX", "pX", entity="idvar", time="timevar")
    with pytest.raises(nt.errors.SpecificationError, match="create one first"):
        model.fit(bootstrap=2, seed=0, backend="dask")
    with pytest.raises(nt.errors.SpecificationError, match="backend"):
        model.fit(bootstrap=2, seed=0, backend="ray")
    assert np.isfinite(model.fit(bootstrap=2, seed=0).std_errors).all()


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
