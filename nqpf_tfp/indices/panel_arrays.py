"""A balanced (entity x period) matrix of one column, for the distribution-dynamics and spatial analyses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import column_name, finite_column, require_columns, require_frame
from ..errors import PanelError, PanelWarning, SpecificationError, warn
from ..panel import key_columns, plain, unique_keys

__all__ = ["Wide", "long_values", "spatial_matrix"]


@dataclass(frozen=True)
class Wide:
    """``values`` is entities x periods, rows in ``entities`` order, columns in ``periods`` order."""

    values: np.ndarray
    entities: pd.Index
    periods: pd.Index

    @classmethod
    def build(cls, data: pd.DataFrame, value: Any, *, entity: Any, time: Any, positive: bool = False) -> Wide:
        data, entity, time = key_columns(data, entity, time)
        names = [column_name(value, "value"), column_name(entity, "entity"), column_name(time, "time")]
        require_columns(data, names, dict(zip(names, ("value", "entity", "time"))))
        y = finite_column(data, value, "value", positive=positive)
        unique_keys(data, [entity, time], ["entity", "time"])
        e_codes, entities = pd.factorize(data[entity], sort=True)
        t_codes, periods = pd.factorize(data[time], sort=True)
        wide = np.full((len(entities), len(periods)), np.nan)
        wide[e_codes, t_codes] = y
        holes = int(np.isnan(wide).sum())
        if holes:
            rows, cols = np.nonzero(np.isnan(wide))
            shown = ", ".join(f"{plain(entities[r])!r} in {plain(periods[c])}" for r, c in zip(rows[:3], cols[:3]))
            incomplete = [plain(e) for e in entities[np.unique(rows)][:5]]
            raise PanelError(f"the panel of {value!r} is unbalanced: {holes} (entity, period) cell(s) are missing "
                             f"(e.g. {shown}); Markov chains, spatial Markov chains and Moran's I here compare every "
                             f"unit in every period. Drop the incomplete entities ({incomplete}"
                             f"{', ...' if np.unique(rows).size > 5 else ''}) or fill the missing cells.")
        return cls(wide, pd.Index(entities, name=entity), pd.Index(periods, name=time))


def spatial_matrix(weights: Any, entities: pd.Index, *, transformation: str = "r") -> np.ndarray:
    """A dense spatial weights matrix aligned to ``entities``, row-standardised (``"r"``) or binary (``"b"``).

    ``weights``: a square DataFrame labelled by entity, a dict ``{entity: [neighbours]}``, or an object with
    ``neighbors`` and ``weights`` dicts (a ``libpysal.weights.W``).
    """
    if isinstance(weights, pd.DataFrame):
        missing = [e for e in entities if e not in weights.index or e not in weights.columns]
        if missing:
            raise SpecificationError(f"the weights matrix misses unit(s) {missing[:5]} of the data.")
        w = np.array(weights.loc[list(entities), list(entities)].to_numpy(dtype=float), copy=True)
    else:
        neighbors = getattr(weights, "neighbors", weights)
        values = getattr(weights, "weights", None)
        if not isinstance(neighbors, dict):
            raise SpecificationError("weights must be a square DataFrame, a dict {unit: [neighbours]} or a "
                                     f"libpysal W, not {type(weights).__name__}.")
        missing = [e for e in entities if e not in neighbors]
        if missing:
            raise SpecificationError(f"the weights miss unit(s) {missing[:5]} of the data.")
        position = {e: i for i, e in enumerate(entities)}
        unknown = sorted({str(o) for e in neighbors for o in neighbors[e] if o not in position and o not in neighbors})
        if unknown:
            raise SpecificationError(f"the weights name neighbour(s) {unknown[:5]} that are neither units of the data "
                                     "nor keys of the weights (a typo?): correct them or drop them.")
        w = np.zeros((len(entities), len(entities)))
        for e in entities:
            for k, other in enumerate(neighbors[e]):
                if other in position:
                    w[position[e], position[other]] = values[e][k] if values is not None else 1.0
    if not np.isfinite(w).all() or np.any(w < 0):
        raise SpecificationError("spatial weights must be finite and non-negative.")
    keys = list(weights.index) if isinstance(weights, pd.DataFrame) else list(getattr(weights, "neighbors", weights))
    dropped = [plain(k) for k in keys if k not in set(entities)]
    if dropped:
        warn(f"the spatial weights are reduced to the {len(entities)} units of the data: {len(dropped)} unit(s) "
             f"without data dropped ({dropped[:5]}{', ...' if len(dropped) > 5 else ''})"
             + ("; each row is re-standardised over the neighbours that remain." if transformation == "r" else "."),
             PanelWarning)
    np.fill_diagonal(w, 0.0)
    islands = [entities[int(i)] for i in np.flatnonzero(w.sum(axis=1) == 0)]
    if islands:
        raise SpecificationError(f"unit(s) {islands[:5]} have no neighbours in the weights (islands): link them "
                                 "(e.g. Hainan to Guangdong) or drop them.")
    if transformation == "r":
        return w / w.sum(axis=1, keepdims=True)
    if transformation == "b":
        return (w > 0).astype(float)
    raise SpecificationError(f"transformation must be 'r' (row-standardised) or 'b' (binary), not {transformation!r}.")


def long_values(data: pd.DataFrame, value: Any, group: Any, time: Any, positive: bool) -> pd.DataFrame:
    """``y`` (checked finite, and positive when asked), group ``g`` and period ``t`` (0 without ``group`` or
    ``time``)."""
    require_frame(data, "data")
    names = {"value": column_name(value, "value")}
    if group is not None:
        names["group"] = column_name(group, "group")
    if time is not None:
        names["time"] = column_name(time, "time")
    require_columns(data, names)
    y = finite_column(data, names["value"], "value", positive=positive)
    if group is not None and data[names["group"]].isna().any():
        raise PanelError(f"group column {group!r} has {int(data[names['group']].isna().sum())} missing values "
                         "(a unit without a region): complete the region map.")
    return pd.DataFrame({"y": y, "g": data[names["group"]].to_numpy() if group is not None else 0,
                         "t": data[names["time"]].to_numpy() if time is not None else 0})
