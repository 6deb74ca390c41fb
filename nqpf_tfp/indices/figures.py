"""Figures that NQPF papers report on an index over units and periods: the distribution over periods
(a ridgeline or a surface of kernel densities) and local Moran clusters as a map of units.

A cluster map needs a geometry; without one the units are drawn as a grid of labelled tiles (a tile
map), in the order given or at the ``positions`` given, coloured by their cluster. Colours follow
the convention of GeoDa's LISA maps: high-high red, low-low blue, low-high light blue, high-low
light red, not significant grey (Anselin 1995).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from ..keywords import strict_keywords
from ..options import check_option
from ..plotting import pyplot

__all__ = ["CLUSTER_COLOURS", "plot_cluster_map", "plot_densities"]

#: the colour of each local Moran cluster (GeoDa's LISA map convention)
CLUSTER_COLOURS = {"high-high": "#d7191c", "low-low": "#2c7bb6", "low-high": "#abd9e9", "high-low": "#fdae61",
                   "not significant": "#eeeeee", "constant": "#ffffff"}


@strict_keywords
def plot_densities(densities: pd.DataFrame, *, kind: str = "ridgeline", ax: Any = None, overlap: float = 0.6,
                   cmap: str = "viridis") -> Any:
    """Kernel densities over periods as a ridgeline (joy plot) or a 3D surface.

    Parameters
    ----------
    densities : pandas.DataFrame
        What :func:`~nqpf_tfp.indices.kernel_densities` returns: rows the grid points, one column
        per period.
    kind : {"ridgeline", "surface"}
        Stacked filled curves, one per period (the latest on top), or a surface over (value, period).
    ax : matplotlib.axes.Axes, optional
        Where to draw (for ``"surface"``, an Axes with ``projection="3d"``); a new figure when ``None``.
    overlap : float
        Ridgeline: how far each curve reaches into the one above, as a share of the tallest density.
    cmap : str
        A matplotlib colormap name, one colour per period.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.
    """
    kind = check_option("density_plot", kind, "kind")
    if not isinstance(densities, pd.DataFrame) or densities.shape[1] < 1 or densities.shape[0] < 2:
        raise SpecificationError("densities must be the DataFrame of kernel_densities (grid points by periods).")
    values = densities.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise SpecificationError("densities has missing or infinite values; pass kernel_densities' result.")
    if not (isinstance(overlap, (int, float)) and 0.0 <= overlap < 5.0):
        raise SpecificationError(f"overlap must be a number in [0, 5), not {overlap!r}.")
    plt = pyplot()
    grid = densities.index.to_numpy(dtype=float)
    periods = [str(c) for c in densities.columns]
    colours = plt.get_cmap(cmap)(np.linspace(0.15, 0.9, len(periods)))
    if kind == "surface":
        if ax is None:
            ax = plt.figure(figsize=(7, 5)).add_subplot(projection="3d")
        elif not hasattr(ax, "plot_surface"):
            raise SpecificationError("kind='surface' draws on a 3D Axes: pass ax=fig.add_subplot(projection='3d') "
                                     "or leave ax out.")
        x, y = np.meshgrid(grid, np.arange(len(periods)))
        ax.plot_surface(x, y, values.T, cmap=cmap, linewidth=0, antialiased=True)
        ax.set_yticks(np.arange(len(periods)), periods)
        ax.set_xlabel(str(densities.index.name or "value"))
        ax.set_ylabel(str(densities.columns.name or "period"))
        ax.set_zlabel("density")
        return ax
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 1.2 + 0.6 * len(periods)))
    step = values.max() * (1.0 - min(overlap, 0.95)) if values.max() > 0 else 1.0
    for j in range(len(periods) - 1, -1, -1):  # the earliest period at the bottom, drawn last (in front)
        base = j * step
        ax.fill_between(grid, base, base + values[:, j], color=colours[j], alpha=0.85, lw=0, zorder=len(periods) - j)
        ax.plot(grid, base + values[:, j], color="black", lw=0.6, zorder=len(periods) - j)
    ax.set_yticks([j * step for j in range(len(periods))], periods)
    ax.set_xlabel(str(densities.index.name or "value"))
    ax.set_ylabel(str(densities.columns.name or "period"))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_cluster_map(clusters: pd.Series, *, ax: Any = None, columns: int | None = None,
                     positions: Mapping[Any, tuple[float, float]] | None = None, title: str = "") -> Any:
    """Units as labelled tiles coloured by cluster (see the module); returns the Axes."""
    plt = pyplot()
    from matplotlib.patches import Patch, Rectangle

    units = list(clusters.index)
    if positions is not None:
        missing = [u for u in units if u not in positions]
        if missing:
            raise SpecificationError(f"positions has no place for {missing[:3]}{' ...' if len(missing) > 3 else ''}; "
                                     "give every unit a (column, row).")
        places = {u: (float(positions[u][0]), float(positions[u][1])) for u in units}
    else:
        width = columns if columns is not None else max(1, math.ceil(math.sqrt(len(units))))
        if not (isinstance(width, int) and width >= 1):
            raise SpecificationError(f"columns must be a whole number >= 1, not {columns!r}.")
        places = {u: (float(i % width), float(i // width)) for i, u in enumerate(units)}
    if ax is None:
        cols = max(x for x, _ in places.values()) + 1
        rows = max(y for _, y in places.values()) + 1
        _, ax = plt.subplots(figsize=(1.1 * cols + 1.5, 0.8 * rows + 1.0))
    for unit, (x, y) in places.items():
        colour = CLUSTER_COLOURS.get(str(clusters[unit]), "#ffffff")
        ax.add_patch(Rectangle((x, -y), 0.95, 0.95, facecolor=colour, edgecolor="white"))
        ax.text(x + 0.475, -y + 0.475, str(unit), ha="center", va="center", fontsize=7, wrap=True)
    xs = [x for x, _ in places.values()]
    ys = [-y for _, y in places.values()]
    ax.set_xlim(min(xs) - 0.1, max(xs) + 1.05)
    ax.set_ylim(min(ys) - 0.1, max(ys) + 1.05)
    ax.set_aspect("equal")
    ax.axis("off")
    shown = [name for name in CLUSTER_COLOURS if name in set(clusters.astype(str))]
    ax.legend(handles=[Patch(facecolor=CLUSTER_COLOURS[n], edgecolor="grey", label=n) for n in shown],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    if title:
        ax.set_title(title)
    return ax
