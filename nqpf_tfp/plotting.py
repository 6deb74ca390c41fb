"""matplotlib helpers (optional dependency: ``pip install nqpf-tfp[plot]``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["LEGIBLE_LINES", "plot_histogram", "plot_index", "pyplot", "style"]

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


#: more lines than this are drawn in grey, with the cross-entity median, unless some are highlighted
LEGIBLE_LINES = 12


def plot_index(
    index: pd.Series, *, entities: Iterable[Any] | None = None, highlight: Iterable[Any] | None = None,
    ax: Any = None, ylabel: str = "index", **kwargs: Any,
) -> Any:
    """One line per entity of a Series on (entity, time), with a legend; returns the Axes.

    Up to :data:`LEGIBLE_LINES` entities each get a colour and a legend entry. With more, every entity is a
    thin grey line and the median across entities is drawn over them, unless ``highlight`` names the
    entities to colour (and list in the legend) over the grey others. ``kwargs`` go to ``Axes.plot``.
    """
    from .errors import SpecificationError

    plt = pyplot()
    style(kwargs, "line")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    wide = index.unstack(level=0)
    chosen = list(wide.columns) if entities is None else list(entities)
    marked = [] if highlight is None else list(highlight)
    unknown = [e for e in [*chosen, *marked] if e not in wide.columns]
    if unknown:
        raise SpecificationError(f"entities not in the results: {unknown[:5]}; they are {list(wide.columns)[:8]}"
                                 f"{' ...' if wide.shape[1] > 8 else ''}.")
    times = [p.to_timestamp() if isinstance(p, pd.Period) else p for p in wide.index]

    def draw(name: Any, **style_: Any) -> None:
        series = wide[name]
        keep = series.notna().to_numpy()
        ax.plot([t for t, k in zip(times, keep) if k], series.to_numpy()[keep], **style_)

    if not marked and len(chosen) <= LEGIBLE_LINES:
        for name in chosen:
            draw(name, label=str(name), **kwargs)
    else:
        background = [name for name in chosen if name not in marked]
        for name in background:
            draw(name, color="0.75", lw=0.8, zorder=1)
        if marked:
            for name in marked:
                draw(name, label=str(name), lw=2.0, zorder=3, **kwargs)
        else:
            median = wide[chosen].median(axis=1)
            ax.plot(times, median.to_numpy(), color="black", lw=2.2, zorder=3,
                    label=f"median of the {len(chosen)} units of {wide.columns.name or 'entity'!s} (each in grey)",
                    **kwargs)
    ax.set_xlabel(str(index.index.names[1]))
    ax.set_ylabel(ylabel)
    if all(isinstance(t, (int, np.integer)) for t in times):  # years: no 2013.25 ticks
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=8, loc="best")
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
