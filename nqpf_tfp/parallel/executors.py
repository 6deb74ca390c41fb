"""Run one task over many inputs on threads, processes or Dask, results in input order.

A task is a picklable callable of one argument (a seed, a group). With
``backend="processes"`` the workers are forked where the platform allows it,
so the task and the data it holds are inherited copy-on-write rather than
pickled, and each process is limited to one BLAS thread (``threadpoolctl``):
``n_jobs`` processes, not ``n_jobs`` times the cores in threads. With
``backend="dask"`` the task is scattered once to every worker of the running
``dask.distributed`` client.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

from ..errors import SpecificationError
from ..options import check_option
from .dask import dask_client

__all__ = ["check_n_jobs", "map_tasks", "split_blocks"]

T = TypeVar("T")

_TASK: Callable[[Any], Any] | None = None  # the task of a forked worker process


def check_n_jobs(n_jobs: object) -> int:
    """Validate ``n_jobs`` as scikit-learn and joblib do: a positive count, or -1 for every core."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int):
        raise SpecificationError(f"n_jobs must be a whole number (1, 2, ... or -1 for all cores), not {n_jobs!r}.")
    if n_jobs == -1:
        return os.cpu_count() or 1
    if n_jobs < 1:
        raise SpecificationError(f"n_jobs={n_jobs} is not allowed: use a positive number, or -1 for all cores.")
    return n_jobs


def map_tasks(task: Callable[[Any], T], inputs: Sequence[Any], *, backend: str = "threads",
              n_jobs: int = 1) -> Iterator[T]:
    """``task(x)`` for every ``x`` of ``inputs``, in order, on the chosen backend.

    Parameters
    ----------
    task : callable
        Picklable for ``backend="processes"`` on platforms without fork and for ``"dask"``.
    inputs : sequence
        What ``task`` is applied to.
    backend : {"threads", "processes", "dask"}
        Where the tasks run.
    n_jobs : int
        Threads or processes (ignored by ``"dask"``, which uses the client's workers).

    Returns
    -------
    iterator
        The results in the order of ``inputs``.
    """
    backend = check_option("backend", backend)
    n_jobs = check_n_jobs(n_jobs)
    if backend == "dask":
        return _on_dask(task, inputs)
    if backend == "processes" and n_jobs > 1:
        return iter(_in_processes(task, inputs, n_jobs))
    if n_jobs == 1:
        return (task(x) for x in inputs)
    return _in_threads(task, inputs, n_jobs)


def _in_threads(task: Callable[[Any], T], inputs: Iterable[Any], n_jobs: int) -> Iterator[T]:
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        yield from pool.map(task, inputs)


def _adopt(task: Callable[[Any], Any]) -> None:
    global _TASK
    _TASK = task
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _run_adopted(x: Any) -> Any:
    assert _TASK is not None
    return _TASK(x)


def _in_processes(task: Callable[[Any], T], inputs: Sequence[Any], n_jobs: int) -> list[T]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context, initializer=_adopt, initargs=(task,)) as pool:
        return list(pool.map(_run_adopted, inputs, chunksize=max(1, len(inputs) // (4 * n_jobs))))


def _apply(task: Callable[[Any], T], x: Any) -> T:
    return task(x)


def _on_dask(task: Callable[[Any], T], inputs: Sequence[Any]) -> Iterator[T]:
    client = dask_client()
    shared = client.scatter(task, broadcast=True)  # the task and its data travel to each worker once
    futures = client.map(_apply, [shared] * len(inputs), list(inputs), pure=False)
    return (future.result() for future in futures)


def split_blocks(n: int, n_jobs: int, backend: str = "threads") -> list[np.ndarray]:
    """Row numbers ``0..n-1`` in contiguous, non-empty blocks, the tasks :func:`map_tasks` spreads over the
    workers: ``n_jobs`` of them, or for ``backend="dask"`` at least one per worker of the running client."""
    parts = max(1, n_jobs)
    if backend == "dask":
        parts = max(parts, len(dask_client().scheduler_info()["workers"]))
    return [rows for rows in np.array_split(np.arange(n), parts) if rows.size]
