"""What every out-of-core pass shares: the model description, validation of a partition, map and sum."""

from __future__ import annotations

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

__all__ = ["PartitionedModel", "Passes", "constant_elasticities", "map_partitions", "model_frame", "totals"]


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


def map_partitions(parts: list[Any], func: Callable[..., Any], *args: Any) -> list[Any]:
    """``func(partition, *args)`` for every partition on the client's workers; the results, in order."""
    from dask import delayed

    client = dask_client()
    return list(client.gather(client.compute([delayed(func)(part, *args) for part in parts])))


class Passes:
    """The passes over a Dask DataFrame's partitions, each one timed.

    ``log`` lists ``(name, wall-clock seconds)`` in the order run
    (reported as ``diagnostics["passes"]``): where out-of-core time goes.
    """

    def __init__(self, ddf: Any) -> None:
        self.parts = ddf.to_delayed()
        self.log: list[tuple[str, float]] = []

    def __len__(self) -> int:
        return len(self.parts)

    def run(self, func: Callable[..., Any], *args: Any) -> list[Any]:
        """``func(partition, *args)`` on every partition; the results, in order."""
        start = time.perf_counter()
        out = map_partitions(self.parts, func, *args)
        self.log.append((func.__name__.strip("_").removesuffix("_pass"), time.perf_counter() - start))
        return out


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
