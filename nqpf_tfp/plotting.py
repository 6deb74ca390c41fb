"""matplotlib helpers (optional dependency: ``pip install nqpf-tfp[plot]``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plot_histogram", "plot_index", "pyplot"]


def pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError saying how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install 'nqpf-tfp[plot]'") from exc
    return plt


def plot_index(
    index: pd.Series, *, entities: Iterable[Any] | None = None, ax: Any = None, ylabel: str = "index",
    **kwargs: Any,
) -> Any:
    """One line per entity of a Series on (entity, time); ``kwargs`` go to ``Axes.plot``; returns the Axes."""
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    wide = index.unstack(level=0)
    chosen = list(wide.columns) if entities is None else list(entities)
    unknown = [e for e in chosen if e not in wide.columns]
    if unknown:
        raise KeyError(f"entities not in the results: {unknown}")
    for name in chosen:
        series = wide[name].dropna()
        times = [p.to_timestamp() if isinstance(p, pd.Period) else p for p in series.index]
        ax.plot(times, series.to_numpy(), label=str(name), **kwargs)
    ax.set_xlabel(str(index.index.names[1]))
    ax.set_ylabel(ylabel)
    if len(chosen) <= 12:
        ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return ax


def plot_histogram(values: Any, *, ax: Any = None, bins: int = 20, xlabel: str = "efficiency",
                   ylabel: str = "units", **kwargs: Any) -> Any:
    """Histogram of the finite ``values`` (one bar when they are all equal); returns the Axes."""
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    flat = data.size == 0 or np.ptp(data) < 1e-12  # every unit on the frontier, say
    ax.hist(data, bins=1 if flat else bins, **kwargs)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax
