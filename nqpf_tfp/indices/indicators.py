"""The indicator system of a composite index: columns, their directions and a hierarchy of dimensions.

An indicator is a column of the panel with a direction (``"+"``: more is better, a benefit indicator;
``"-"``: less is better, a cost indicator such as energy intensity) and, optionally, the dimensions it
belongs to, from the top: ``("laborers",)`` or ``("means of labor", "digital infrastructure")``. TFP from
any module of the package is an indicator like any other column.

The panel is read once into :class:`IndicatorData`: the indicator matrix (rows x indicators), integer
period codes and entity labels, with the checks every method needs (columns present, numeric, finite,
unique (entity, period) keys).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import column_name, finite_column, require_columns
from ..errors import SpecificationError
from ..keywords import strict_class
from ..panel import key_columns, unique_keys

__all__ = ["Indicator", "IndicatorData", "IndicatorSystem"]


@strict_class
@dataclass(frozen=True)
class Indicator:
    """One indicator: a column, its direction and its place in the hierarchy of dimensions.

    Parameters
    ----------
    column : object
        The indicator's column in the data.
    direction : {"+", "-"}
        ``"+"``: larger is better (benefit); ``"-"``: smaller is better (cost).
    dimension : tuple of str
        Its dimensions from the top down (empty: none).
    """

    column: Any
    direction: str = "+"
    dimension: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        column_name(self.column, "indicator column")
        if self.direction not in ("+", "-"):
            raise SpecificationError(f"indicator {self.column!r}: direction must be '+' (more is better) or '-' "
                                     f"(less is better), not {self.direction!r}.")
        dimension = (self.dimension,) if isinstance(self.dimension, str) else tuple(self.dimension)
        if not all(isinstance(d, str) and d for d in dimension):
            raise SpecificationError(f"indicator {self.column!r}: dimension must be a name or a tuple of names "
                                     f"(top level first), not {self.dimension!r}.")
        object.__setattr__(self, "dimension", dimension)


@strict_class
class IndicatorSystem:
    """An ordered set of indicators (conventions in :mod:`nqpf_tfp.indices.indicators`).

    Parameters
    ----------
    indicators : iterable
        :class:`Indicator` objects, ``(column, direction[, dimension])`` tuples, or column names
        (benefit indicators without a dimension).

    Examples
    --------
    >>> system = IndicatorSystem.from_mapping({"tfp": "+", "energy_intensity": "-"},
    ...                                       dimensions={"tfp": "technology", "energy_intensity": "green"})
    """

    def __init__(self, indicators: Iterable[Indicator | tuple[Any, ...] | Any]) -> None:
        items: list[Indicator] = []
        for item in indicators:
            if isinstance(item, Indicator):
                items.append(item)
            elif isinstance(item, tuple):
                items.append(Indicator(*item))
            else:
                items.append(Indicator(item))
        if not items:
            raise SpecificationError("an indicator system needs at least one indicator.")
        columns = [i.column for i in items]
        repeated = sorted({str(c) for c in columns if columns.count(c) > 1})
        if repeated:
            raise SpecificationError(f"indicator(s) {repeated} appear more than once in the system.")
        depths = {len(i.dimension) for i in items}
        if len(depths) > 1:
            raise SpecificationError("every indicator must sit at the same depth of the dimension hierarchy "
                                     f"(depths found: {sorted(depths)}); give each the full path of dimensions.")
        self._items = tuple(items)

    @classmethod
    def from_mapping(cls, directions: Mapping[Any, str], dimensions: Mapping[Any, str | Sequence[str]] | None = None
                     ) -> IndicatorSystem:
        """From ``{column: "+" or "-"}`` and, optionally, ``{column: dimension or (dimension, sub-dimension)}``.

        Parameters
        ----------
        directions : mapping
            Column to ``"+"`` (benefit) or ``"-"`` (cost).
        dimensions : mapping, optional
            Column to its dimension, or to a path of dimensions (top first).

        Returns
        -------
        IndicatorSystem
            The indicators in the mapping's order.
        """
        if not isinstance(directions, Mapping):
            raise SpecificationError("directions must be a dict {column: '+' or '-'}, not "
                                     f"{type(directions).__name__}.")
        dimensions = dict(dimensions or {})
        unknown = [c for c in dimensions if c not in directions]
        if unknown:
            raise SpecificationError(f"dimensions name column(s) {unknown} that have no direction.")
        if dimensions and len(dimensions) != len(directions):
            missing = [c for c in directions if c not in dimensions]
            raise SpecificationError(f"indicator(s) {missing} have no dimension; give every indicator one, or none.")
        return cls(Indicator(c, d, dimensions.get(c, ())) for c, d in directions.items())

    @classmethod
    def from_frame(cls, table: pd.DataFrame) -> IndicatorSystem:
        """From a table with columns ``indicator``, ``direction`` and optional ``dimension``, ``subdimension``, ...

        Parameters
        ----------
        table : pandas.DataFrame
            One row per indicator; ``direction`` is ``"+"`` (benefit) or ``"-"`` (cost).

        Returns
        -------
        IndicatorSystem
            The indicators in the table's order.
        """
        if not isinstance(table, pd.DataFrame) or not {"indicator", "direction"} <= set(table.columns):
            raise SpecificationError("the indicator table needs columns 'indicator' and 'direction' (and optionally "
                                     "'dimension', 'subdimension', ...).")
        levels = [c for c in table.columns if c not in ("indicator", "direction")]
        return cls(Indicator(row["indicator"], row["direction"], tuple(str(row[c]) for c in levels))
                   for _, row in table.iterrows())

    def __iter__(self) -> Any:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"IndicatorSystem({list(self._items)!r})"

    @property
    def columns(self) -> list[Any]:
        return [i.column for i in self._items]

    @property
    def signs(self) -> np.ndarray:
        """+1 for benefit, -1 for cost indicators."""
        return np.array([1.0 if i.direction == "+" else -1.0 for i in self._items])

    @property
    def depth(self) -> int:
        """Levels of the dimension hierarchy (0 without dimensions)."""
        return len(self._items[0].dimension)

    def dimension_labels(self, level: int = 0) -> list[str]:
        """The dimension of each indicator at ``level`` (0 = top), as ``"a/b"`` paths below the top.

        Parameters
        ----------
        level : int
            Depth in the hierarchy of dimensions (0: the top dimensions).

        Returns
        -------
        list of str
            One label per indicator, in the system's order.
        """
        if not 0 <= level < self.depth:
            raise SpecificationError(f"the system has {self.depth} dimension level(s); level {level} does not exist.")
        return ["/".join(i.dimension[:level + 1]) for i in self._items]


@dataclass(frozen=True)
class IndicatorData:
    """The indicators of a long panel as arrays: ``values`` (rows x indicators), period codes, keys."""

    values: np.ndarray
    period: np.ndarray  # codes 0..T-1 in time order
    periods: pd.Index
    entity: np.ndarray
    index: pd.MultiIndex  # (entity, time) of the rows: every per-row output is labelled by it
    system: IndicatorSystem
    entity_name: Any
    time_name: Any

    @classmethod
    def build(cls, data: pd.DataFrame, system: IndicatorSystem | Mapping[Any, str] | Iterable[Any], *,
              entity: Any, time: Any) -> IndicatorData:
        data, entity, time = key_columns(data, entity, time)
        if not isinstance(system, IndicatorSystem):
            system = (IndicatorSystem.from_mapping(system) if isinstance(system, Mapping)
                      else IndicatorSystem(system))
        entity, time = column_name(entity, "entity"), column_name(time, "time")
        require_columns(data, [entity, time, *system.columns],
                        dict.fromkeys(system.columns, "indicator") | {entity: "entity", time: "time"})
        keys = unique_keys(data, [entity, time], ["entity", "time"])
        values = np.empty((len(data), len(system)))
        for j, column in enumerate(system.columns):  # composite indices need every indicator
            values[:, j] = finite_column(data, column, "indicator")
        period, periods = pd.factorize(data[time], sort=True)
        return cls(values, period.astype(np.int64), pd.Index(periods, name=time), data[entity].to_numpy(),
                   keys, system, entity, time)

    @property
    def n_periods(self) -> int:
        return len(self.periods)
