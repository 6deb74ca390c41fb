"""Wooldridge's system from sums accumulated in row chunks, against the stacked block-diagonal computation;
the firm-weighted bootstrap replication against copying the drawn firms' rows.

Data: ``nt.datasets.load_chilean()`` (R prodest's example data; provenance in nqpf_tfp/data/bundled/README.md).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

import nqpf_tfp as nt

KW = {"entity": "idvar", "time": "timevar"}
FREE = ["fX1", "fX2"]


def _stacked(system):
    """The whole system as one stacked regression with a block-diagonal instrument matrix (the direct way)."""
    y, xs, zs = system.build(slice(0, system.n))
    return np.r_[y, y], np.vstack(xs), scipy.linalg.block_diag(*zs), np.r_[system.clusters, system.clusters]


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
@pytest.mark.parametrize("method", ["iv", "gmm", "prodest-gmm"])
def test_chunked_sums_equal_the_stacked_computation(chilean, method, monkeypatch):
    model = nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", method=method, **KW)
    res = model.fit()
    system = model.linear_system()
    y, x, z, clusters = _stacked(system)
    w = np.linalg.inv(z.T @ z)
    params = np.linalg.solve(x.T @ z @ w @ z.T @ x, x.T @ z @ w @ z.T @ y)
    if method == "gmm":
        sums = np.zeros((system.n_groups, z.shape[1]))
        np.add.at(sums, clusters, z * (y - x @ params)[:, None])
        w = np.linalg.pinv(sums.T @ sums)
        params = np.linalg.solve(x.T @ z @ w @ z.T @ x, x.T @ z @ w @ z.T @ y)
    a = x.T @ z @ w
    bread = np.linalg.inv(a @ z.T @ x)
    sums = np.zeros((system.n_groups, z.shape[1]))
    np.add.at(sums, clusters, z * (y - x @ params)[:, None])
    g = np.unique(clusters).size
    cov = bread @ a @ sums.T @ sums @ a.T @ bread * g / (g - 1)
    k = res.params.size
    # the chunked sums equal the direct computation to 1e-10
    np.testing.assert_allclose(res.params.to_numpy(), params[1:1 + k], rtol=0, atol=1e-10)
    scale = np.abs(cov[1:1 + k, 1:1 + k]).max()  # covariances near zero: compare on the matrix's scale
    np.testing.assert_allclose(res.cov.to_numpy(), cov[1:1 + k, 1:1 + k], rtol=1e-9, atol=1e-10 * scale)
    # chunks of 37 rows (firms split across chunks) give the same sums
    monkeypatch.setattr("nqpf_tfp.production.gmm.linear.CHUNK_CELLS", 37 * system.m * (system.p + 1))
    small = nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", method=method, **KW)
    assert small.linear_system().chunk == 37
    np.testing.assert_allclose(small.fit().cov.to_numpy(), res.cov.to_numpy(), rtol=1e-10, atol=1e-10 * scale)


@pytest.mark.parametrize("cls, kw", [(nt.Wooldridge, {"method": "iv"}), (nt.Wooldridge, {"method": "gmm"}),
                                     (nt.RobinsonWooldridge, {})])
def test_weighted_bootstrap_replication_equals_copying_the_rows(chilean, cls, kw):
    model = cls(chilean, "Y", FREE, "sX", "pX", **kw, **KW)
    n_firms = model.model_data.n_entities
    for seed in (1, 2):
        firms = np.random.default_rng(seed).integers(0, n_firms, n_firms)
        np.testing.assert_allclose(model.resample_params(firms),
                                   model.resample_params(firms, reweight=False), rtol=1e-9, atol=1e-12)
