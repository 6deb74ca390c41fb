"""Coupling and coordination of subsystem indices (see :mod:`nqpf_tfp.indices.scores` for the formulas)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import column_names, require_columns, require_frame
from ..errors import PanelError
from ..keywords import strict_keywords
from . import scores as sc

__all__ = ["COORDINATION_CLASSES", "coupling_coordination"]

#: the ten equal-width classes of the coordination degree D in which the literature reports it
COORDINATION_CLASSES = ("extreme imbalance", "severe imbalance", "moderate imbalance", "mild imbalance",
                        "near imbalance", "barely coordinated", "primary coordination", "intermediate coordination",
                        "good coordination", "high-quality coordination")


@strict_keywords
def coupling_coordination(data: pd.DataFrame, subsystems: Sequence[Any], *,
                          weights: Sequence[float] | None = None) -> pd.DataFrame:
    """Coupling ``C``, development ``T`` and coordination ``D = sqrt(C T)`` of subsystem indices per row.

    A plain table is the answer: four columns per row of the data, which the caller joins back.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (and period); never modified.
    subsystems : list of str
        Columns holding the subsystem indices, each in [0, 1] (e.g. the dimension scores of a composite index
        rescaled, or two composite indices).
    weights : list of float, optional
        Contributions of the subsystems to ``T`` (equal by default), summing to 1.

    Returns
    -------
    pandas.DataFrame
        ``coupling``, ``development``, ``coordination`` and ``class`` (one of :data:`COORDINATION_CLASSES`,
        by tenths of ``D``) on the data's index.
    """
    require_frame(data, "data")
    columns = list(column_names(subsystems, "subsystems"))
    require_columns(data, columns, "subsystem")
    u = data[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(u)
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        raise PanelError(f"subsystem {columns[j]!r} has {int(bad[:, j].sum())} missing or non-numeric values.")
    outside = (u < 0) | (u > 1)
    if outside.any():
        j = int(np.flatnonzero(outside.any(axis=0))[0])
        raise PanelError(f"subsystem {columns[j]!r} has values outside [0, 1]; the coupling degree needs indices "
                         "in [0, 1] (rescale, e.g. by min-max).")
    c, t, d = sc.coupling_coordination(u, None if weights is None else np.asarray(weights, dtype=float))
    classes = np.asarray(COORDINATION_CLASSES, dtype=object)[np.minimum((d * 10).astype(int), 9)]
    return pd.DataFrame({"coupling": c, "development": t, "coordination": d, "class": classes}, index=data.index)
