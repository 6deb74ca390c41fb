"""What every out-of-core pass shares: the model description, each partition read and validated once, map and sum.

The first pass reads every partition, validates it as the in-memory path validates a frame and keeps the
validated arrays (:class:`Partition`) on the worker that holds it; every later pass of the fit runs on those
arrays, so a partition is read and checked once per fit. The cost is the arrays' memory on the workers while
the fit runs (about 60 bytes per firm-year with three inputs; Dask spills them to disk under memory
pressure); they are released when the fit ends. On glibc the workers' mmap threshold is fixed
(:func:`fixed_mmap_threshold`), so that the long-lived arrays do not slow the passes' temporaries down.
"""

from __future__ import annotations

import ctypes
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import PanelError
from ...panel import Panel
from ...parallel import dask_client
from ..spec import ModelData, ProductionSpec, build_model_data

__all__ = ["Partition", "PartitionedModel", "Passes", "constant_elasticities", "fixed_mmap_threshold", "model_frame",
           "totals", "validate_partition"]


@dataclass(frozen=True)
class PartitionedModel:
    """An estimator as the out-of-core passes see it (picklable: it travels to the workers)."""

    spec: ProductionSpec
    extra_columns: tuple[str, ...]
    param_names: tuple[str, ...]
    input_names: tuple[str, ...]


def model_frame(pdf: pd.DataFrame, model: PartitionedModel) -> tuple[Panel, ModelData]:
    """The partition validated as the in-memory path validates a frame."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rows dropped are counted and reported by the client
        return build_model_data(pdf, model.spec, model.extra_columns)


@dataclass(frozen=True)
class Partition:
    """One partition read and validated once, on its worker: the arrays every pass of a fit reads."""

    data: ModelData
    #: the firms it holds (to check that none is split across partitions)
    labels: np.ndarray
    #: its rows before validation
    rows: int

    @property
    def first_counts(self) -> dict[str, Any]:
        """The row and firm counts every first pass reports."""
        return {"labels": self.labels, "rows": self.rows, "kept": self.data.n, "firms": self.data.n_entities}


def validate_partition(pdf: pd.DataFrame, model: PartitionedModel) -> Partition:
    """The partition validated as the in-memory path validates a frame, ready to be kept on its worker."""
    fixed_mmap_threshold()
    panel, data = model_frame(pdf, model)
    return Partition(data, panel.entity_labels, len(pdf))


#: allocations of at least this many bytes are memory-mapped (glibc's ``M_MMAP_THRESHOLD``)
MMAP_THRESHOLD = 1 << 20


def fixed_mmap_threshold() -> None:
    """Fix glibc's mmap threshold in this (worker) process, once; elsewhere nothing.

    glibc raises the threshold each time a large block is freed (up to 32 MB), so that the large
    temporaries of a pass come from the heap instead of fresh mappings. With the validated partitions held
    between passes, that heap stays fragmented and the temporaries are paged in again pass after pass:
    Wooldridge's passes at 10^8 firm-years took 118 s with the dynamic threshold and 82 s with a fixed one
    (the same as re-reading every partition). Setting ``M_MMAP_THRESHOLD`` turns the dynamic adjustment off.
    """
    global _MMAP_FIXED
    if _MMAP_FIXED:
        return
    _MMAP_FIXED = True
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc (musl, say): its allocator has no such threshold
        pass


_MMAP_FIXED = False


class Passes:
    """The passes of one fit over a Dask DataFrame's partitions, each one timed.

    The first :meth:`run` reads and validates every partition once (:func:`validate_partition`) and keeps
    the results on the workers; every pass then runs ``func(partition, *args)`` on them. ``log`` lists
    ``(name, wall-clock seconds)`` in the order run, "read" first (reported as ``diagnostics["passes"]``):
    where out-of-core time goes. :meth:`close` releases the partitions.
    """

    def __init__(self, ddf: Any, model: PartitionedModel) -> None:
        self.parts = ddf.to_delayed()
        self.model = model
        self.log: list[tuple[str, float]] = []
        self._validated: list[Any] | None = None  # futures of the Partition objects, held on the workers

    def __len__(self) -> int:
        return len(self.parts)

    def run(self, func: Callable[..., Any], *args: Any) -> list[Any]:
        """``func(partition, *args)`` on every validated partition; the results, in order."""
        from dask import delayed
        from distributed import wait

        client = dask_client()
        if self._validated is None:
            start = time.perf_counter()
            self._validated = client.compute([delayed(validate_partition)(part, self.model) for part in self.parts])
            wait(self._validated)
            self.log.append(("read", time.perf_counter() - start))
        start = time.perf_counter()
        # each task runs where its partition is held: moving a partition between workers costs more than the task
        holders = client.who_has(self._validated)
        out = list(client.gather([client.submit(func, part, *args, pure=False, workers=list(holders[part.key]),
                                                allow_other_workers=False) for part in self._validated]))
        self.log.append((func.__name__.strip("_").removesuffix("_pass"), time.perf_counter() - start))
        return out

    def close(self) -> None:
        """Release the validated partitions on the workers."""
        self._validated = None


def totals(first: list[dict[str, Any]], entity: str | None) -> dict[str, Any]:
    """Sums of the first pass's statistics, after checking that no firm is split across partitions."""
    labels = np.concatenate([f["labels"] for f in first])
    uniq, counts = np.unique(labels, return_counts=True)
    if np.any(counts > 1):
        split = uniq[counts > 1][:3].tolist()
        raise PanelError(
            f"firms {split} appear in more than one partition; partition the Dask DataFrame by firm "
            f"first, e.g. ddf.shuffle(on={entity!r})."
        )
    return {k: sum(f[k] for f in first) for k in first[0] if k != "labels"}


def constant_elasticities(pdf: pd.DataFrame, model: PartitionedModel, values: np.ndarray) -> pd.DataFrame:
    """Cobb-Douglas elasticities of a partition's rows, on its index."""
    panel, data = model_frame(pdf, model)
    return pd.DataFrame({n: panel.series(np.full(data.n, values[j]), n, on="index")
                         for j, n in enumerate(model.input_names)})
