"""Row blocks of one pass over the data spread over the cores, their partial sums added in block order.

A pass over millions of rows in blocks (a share regression's normal equations, the sufficient
statistics of a second stage, the meat and Jacobian of a sandwich) spends much of its time in
elementwise numpy operations, which run on one core while BLAS runs on all. Mapping the blocks on a
few threads (numpy releases the interpreter lock in its loops), with BLAS on one thread each
meanwhile, uses every core for all of it. The partial results come back in block order and the
caller adds them in that order, so the sums are the same to the last bit whatever the number of
threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["block_threads", "map_blocks", "single_blas_thread"]

T = TypeVar("T")
B = TypeVar("B")

# BLAS's thread count is one setting for the whole process: two passes that limited it at once from
# different threads could restore each other's values, so they take turns
_BLAS_LIMIT = threading.RLock()
_BLAS: list[Any] = []  # the BLAS libraries' controller, made once (threadpoolctl's lookup costs ~2 ms a call)


def _blas() -> Any:
    """threadpoolctl's controller of the BLAS libraries loaded (numpy's and SciPy's, imported by now)."""
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController().select(user_api="blas"))
    return _BLAS[0]


@contextmanager
def single_blas_thread() -> Iterator[None]:
    """BLAS on one thread meanwhile: for runs of small products, where waking BLAS's other threads for each
    costs more than the product (measured: a 4,096 x 94 QR took 100 ms with two threads woken from idle,
    15 ms on one)."""
    with _BLAS_LIMIT, _blas().limit(limits=1):
        yield


def block_threads() -> int:
    """Threads for the passes over row blocks: as many as BLAS may use now.

    That follows ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS`` and ``threadpoolctl.threadpool_limits``
    (the bootstrap's worker processes run with one), so a fit never takes more cores than its caller
    allows BLAS.
    """
    counts = [int(info["num_threads"]) for info in _blas().info()]
    return max(1, min(counts)) if counts else 1


def map_blocks(func: Callable[[B], T], blocks: Sequence[B], threads: int = 1) -> list[T]:
    """``[func(b) for b in blocks]``, on ``threads`` threads with BLAS on one thread each; in block order.

    With one thread (or one block) the blocks run in turn and BLAS keeps its threads. The per-block
    results are the same on any number of threads when BLAS runs on one thread (its multithreaded
    products may round differently); the caller adds them in the order returned.
    """
    if threads <= 1 or len(blocks) < 2:
        return [func(b) for b in blocks]
    with _BLAS_LIMIT, _blas().limit(limits=1), ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(func, blocks))
