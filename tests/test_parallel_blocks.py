"""Row blocks mapped over threads (nqpf_tfp.parallel.blocks): results in block order, BLAS restored."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from nqpf_tfp.parallel.blocks import block_threads, map_blocks


def _blas_threads() -> list[int]:
    return [int(info["num_threads"]) for info in threadpool_info() if info.get("user_api") == "blas"]


def test_map_blocks_returns_block_order_and_restores_blas():
    before = _blas_threads()

    def work(i: int) -> tuple[int, list[int], float]:
        x = np.random.default_rng(i).normal(size=(2000, 30))
        return i, _blas_threads(), float(np.sum(x.T @ x))

    serial = map_blocks(work, range(12), threads=1)
    spread = map_blocks(work, range(12), threads=3)
    assert [r[0] for r in spread] == list(range(12))
    assert all(r[1] == [1] * len(before) for r in spread)  # BLAS on one thread inside the threads
    assert _blas_threads() == before  # and restored after
    with threadpool_limits(1):
        assert block_threads() == 1
        ones = map_blocks(work, range(12), threads=1)
    assert [r[2] for r in ones] == [r[2] for r in spread]  # the same numbers with BLAS on one thread
    np.testing.assert_allclose([r[2] for r in serial], [r[2] for r in spread], rtol=1e-12)  # BLAS's threads: rounding
