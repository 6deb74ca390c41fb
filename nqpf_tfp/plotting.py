"""matplotlib helpers (optional dependency: ``pip install nqpf-tfp[plot]``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plot_histogram", "plot_index", "pyplot", "style"]

#: keywords of the plotting calls themselves, beside the artists' properties
_CALL_KEYWORDS = {
    "line": (),
    "hist": ("range", "density", "weights", "cumulative", "bottom", "histtype", "align", "orientation", "rwidth",
             "log", "color", "label", "stacked"),
    "bar": ("width", "color", "legend", "title", "rot", "colormap", "grid", "figsize", "xlabel", "ylabel"),
    "scatter": ("s", "c", "marker", "cmap", "norm", "vmin", "vmax", "linewidths", "edgecolors", "plotnonfinite"),
}


def pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError saying how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install 'nqpf-tfp[plot]'") from exc
    return plt


def style(kwargs: dict[str, Any], artist: str) -> dict[str, Any]:
    """``kwargs`` if each is a property of the drawn artist (``"line"``: Line2D; ``"hist"``, ``"bar"``: the
    bars' Rectangle) or a keyword of the plotting call; otherwise an ArgumentError with the closest names."""
    if not kwargs:
        return kwargs
    from matplotlib.artist import ArtistInspector
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    from .keywords import unknown_keyword_error

    inspector = ArtistInspector({"line": Line2D, "scatter": PathCollection}.get(artist, Rectangle))
    names = set(inspector.get_setters()) | set(_CALL_KEYWORDS[artist])
    names |= {alias for aliases in inspector.aliasd.values() for alias in aliases}
    unknown = [k for k in kwargs if k not in names]
    if unknown:
        raise unknown_keyword_error(f"plot() (matplotlib {artist} style)",
                                    unknown, sorted(names))
    return kwargs


def plot_index(
    index: pd.Series, *, entities: Iterable[Any] | None = None, ax: Any = None, ylabel: str = "index",
    **kwargs: Any,
) -> Any:
    """One line per entity of a Series on (entity, time); ``kwargs`` go to ``Axes.plot``; returns the Axes."""
    plt = pyplot()
    style(kwargs, "line")
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
    style(kwargs, "hist")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    flat = data.size == 0 or np.ptp(data) < 1e-12  # every unit on the frontier, say
    ax.hist(data, bins=1 if flat else bins, **kwargs)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax
