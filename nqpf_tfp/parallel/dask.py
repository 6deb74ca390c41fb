"""Dask detection and the running ``dask.distributed`` client (dask is an optional extra)."""

from __future__ import annotations

from typing import Any

from ..errors import SpecificationError

__all__ = ["dask_client", "is_dask_frame"]


def is_dask_frame(data: object) -> bool:
    """A Dask DataFrame (checked without importing dask)."""
    return type(data).__module__.split(".")[0] == "dask" and hasattr(data, "to_delayed")


def dask_client() -> Any:
    """The running ``dask.distributed`` client, or an error saying how to start one."""
    try:
        from distributed import get_client
    except ImportError as exc:
        raise ImportError("Dask needs dask.distributed: pip install 'nqpf-tfp[dask]'") from exc
    try:
        return get_client()
    except ValueError as exc:
        raise SpecificationError(
            "Dask work runs on the current dask.distributed client and there is none: create one first, "
            "e.g. `from distributed import Client, LocalCluster; client = Client(LocalCluster(n_workers=2))`."
        ) from exc
