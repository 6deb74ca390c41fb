"""The validated panel every estimator and accounting routine starts from.

A :class:`Panel` is built once from a caller's DataFrame: it checks the keys and
the columns it is asked for, sorts the rows once by (entity, time), and keeps
numpy arrays in that order. Lags are index arrays with a validity mask; a lag is
valid only when the row it points to is the same entity exactly ``k`` calendar
periods earlier, so a missing year is never jumped. Results go back to pandas
through :meth:`Panel.series` and :meth:`Panel.frame`, on either the (entity,
time) keys or the caller's own index. The caller's frame is never modified.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from .arguments import column_name, column_names, missing_columns_error, require_frame
from .errors import DroppedRowsWarning, PanelError, PanelWarning, SpecificationError, warn
from .keywords import strict_class
from .options import check_option

__all__ = ["Panel", "Lag", "PeriodPositions", "calendar_lag", "few", "key_columns", "observation_index",
           "period_numbers", "period_positions", "plain", "unique_keys"]

ArrayLike = np.ndarray | ExtensionArray | pd.Index

_SHOW = 5  # how many offending rows a message lists


def plain(value: object) -> object:
    """numpy scalars as Python scalars, so messages read 10 and 'A', not np.int64(10)."""
    return value.item() if isinstance(value, np.generic) else value


_plain = plain


def few(texts: Sequence[str], show: int = 3) -> str:
    """The first ``show`` of ``texts`` joined for a message, with how many more there are."""
    more = f" and {len(texts) - show} more" if len(texts) > show else ""
    return ", ".join(texts[:show]) + more


def _rows(labels: Sequence[Hashable] | np.ndarray) -> str:
    """Describe offending rows by their index labels, a few of them."""
    return f"{len(labels)} row(s), index {few([repr(_plain(x)) for x in labels], _SHOW)}"


def _unknown_column(name: object, role: str, columns: Iterable[object]) -> SpecificationError:
    return missing_columns_error([name], role, columns)


@dataclass(frozen=True)
class Lag:
    """A calendar-aware lag: ``values[index]`` where ``valid``.

    Attributes
    ----------
    index : ndarray of int64
        Row (in panel order) holding the same entity ``k`` periods earlier;
        where ``valid`` is False the entry is the row itself (a safe dummy).
    valid : ndarray of bool
        True where that earlier row exists.
    """

    index: np.ndarray
    valid: np.ndarray

    def take(self, values: np.ndarray) -> np.ndarray:
        """Lagged values (rows, or rows x columns), NaN where the lag does not exist."""
        out = values[self.index].astype(np.float64, copy=True)
        out[~self.valid] = np.nan
        return out


def key_columns(data: pd.DataFrame, entity: Any = None, time: Any = None) -> tuple[pd.DataFrame, Any, Any]:
    """The panel's key columns, the same way in every family: ``entity=`` and ``time=`` columns, or, with
    neither given, the two levels of a two-level (entity, time) index, moved into columns of a copy
    (the caller's frame is not changed). Returns the frame to read and the two column names.
    """
    from .arguments import require_frame

    require_frame(data, "data")
    if entity is None and time is None:
        if data.index.nlevels != 2:
            raise SpecificationError("pass entity= and time= (the key columns), or give the data a two-level "
                                     "(entity, time) index.")
        names = list(data.index.names)
        if any(n is None for n in names) or any(n in data.columns for n in names):
            raise SpecificationError(f"the two-level index needs level names that are not also columns (it has "
                                     f"{names}): name them, e.g. data.rename_axis(['firm', 'year']), or pass entity= "
                                     "and time=.")
        return data.reset_index(), names[0], names[1]
    if entity is None or time is None:
        missing = "entity" if entity is None else "time"
        raise SpecificationError(f"pass {missing}= as well (both key columns), or neither with a two-level "
                                 "(entity, time) index.")
    return data, entity, time


def unique_keys(data: pd.DataFrame, names: Sequence[Any], roles: Sequence[str] | None = None) -> pd.MultiIndex:
    """The key columns ``names`` of ``data`` as a MultiIndex, checked once for every family: present, complete
    (no missing key) and unique (``PanelError`` naming the keys and a few repeated ones)."""
    roles = list(roles) if roles is not None else ["key"] * len(names)
    for name, role in zip(names, roles):
        if name not in data.columns:
            raise _unknown_column(name, role, data.columns)
        if data[name].isna().any():
            raise PanelError(f"{role} column {name!r} has {int(data[name].isna().sum())} missing values; every row "
                             "needs its key.")
    index = pd.MultiIndex.from_arrays([data[n].to_numpy() for n in names], names=list(names))
    if index.has_duplicates:
        repeated = [tuple(_plain(v) for v in key) for key in index[index.duplicated()].unique()[:_SHOW]]
        raise PanelError(f"{int(index.duplicated().sum())} duplicate ({', '.join(map(str, names))}) rows, e.g. "
                         f"{repeated}: each key may occur once; aggregate or drop the duplicates.")
    return index


def period_numbers(values: Any, name: Any) -> np.ndarray:
    """A time column as whole period numbers (int64): integer periods (years) as they are, pandas Periods as
    their ordinals; anything else is a ``PanelError`` naming the column (the rule of :class:`Panel`)."""
    array = np.asarray(values)
    return Panel._time_to_int(array, name, np.arange(array.size))[0]


@dataclass(frozen=True)
class PeriodPositions:
    """Each row's position among the data's distinct periods (``positions``), those periods' numbers
    (``periods``, sorted) and their labels as the caller wrote them (``labels``)."""

    positions: np.ndarray
    periods: np.ndarray
    labels: np.ndarray


def period_positions(numbers: np.ndarray, labels: Any, time_name: Any, what: str, *,
                     warn_uneven: bool = True) -> PeriodPositions:
    """The rule of every function that compares periods: consecutive periods are consecutive periods *of
    the data* (years, or every fifth year). Unevenly spaced periods (2000, 2001, 2003) are compared as given,
    with a :class:`~nqpf_tfp.errors.PanelWarning` naming the wider steps (unless ``warn_uneven=False``: a
    function that looks at one period at a time). ``numbers`` are :func:`period_numbers`, ``labels`` the time
    values as the caller gave them, ``what`` the calling function for the message.
    """
    periods, first = np.unique(numbers, return_index=True)
    shown = np.array([_plain(v) for v in np.asarray(labels)[first]], dtype=object)
    steps = np.diff(periods)
    if warn_uneven and np.unique(steps).size > 1:
        wide = np.flatnonzero(steps > steps.min())
        pairs = few([f"{shown[i]} and {shown[i + 1]}" for i in wide], _SHOW)
        warn(f"{what}: the periods of {time_name!r} are unevenly spaced (no row between {pairs}); consecutive "
             "periods of the data are compared, so these steps span the longer interval.", PanelWarning)
    return PeriodPositions(np.searchsorted(periods, numbers), periods, shown)


def observation_index(data: pd.DataFrame, entity: Any = None, time: Any = None) -> pd.Index:
    """The labels of per-observation results (the index rule): (entity, time) when both are given, the
    entity when only it is (a cross-section), otherwise the caller's own index (which may already be a
    two-level (entity, time) index). Keys must be present, complete and unique.
    """
    if entity is None:
        return data.index
    names = [column_name(entity, "entity")] + ([column_name(time, "time")] if time is not None else [])
    for name, role in zip(names, ("entity", "time")):
        if name not in data.columns:
            raise _unknown_column(name, role, data.columns)
        if data[name].isna().any():
            raise PanelError(f"{role} column {name!r} has {int(data[name].isna().sum())} missing values; every row "
                             "needs its key.")
    if len(names) == 2:
        index: pd.Index = pd.MultiIndex.from_arrays([data[n].to_numpy() for n in names], names=names)
    else:
        index = pd.Index(data[names[0]].to_numpy(), name=names[0])
    if index.has_duplicates:
        repeated = index[index.duplicated()].unique()[:_SHOW].tolist()
        what = f"({names[0]}, {names[1]})" if len(names) == 2 else names[0]
        hint = "" if len(names) == 2 else "; pass time= too if the data are a panel"
        raise PanelError(f"{int(index.duplicated().sum())} duplicate {what} keys, e.g. {repeated}: each row needs "
                         f"its own key{hint}.")
    return index


def calendar_lag(codes: np.ndarray, time: np.ndarray, k: int = 1) -> Lag:
    """Lag index for rows sorted by (entity code, time) with unique keys.

    Row *r* (entity *i*, time *t*) points to the row of entity *i* at time
    *t - k*; invalid where that row does not exist. O(n) for ``|k| = 1``
    (only the neighbour can qualify), O(n log n) otherwise.
    """
    n = int(time.size)
    idx = np.arange(n)
    if n == 0 or k == 0:
        return Lag(idx, np.full(n, k == 0))
    if abs(k) == 1:
        cand = np.clip(idx - k, 0, n - 1)
        valid = (codes[cand] == codes) & (time[cand] == time - k) & (cand != idx)
        return Lag(np.where(valid, cand, idx), valid)
    offset = time - time.min()
    stride = int(offset.max()) + 1 + abs(k)  # wide enough that t-k never lands on another entity
    key = codes * stride + offset
    target = key - k
    pos = np.minimum(np.searchsorted(key, target), n - 1)
    valid = key[pos] == target
    return Lag(np.where(valid, pos, idx), valid)


@strict_class
class Panel:
    """Validated (entity, time) panel with numpy arrays sorted once.

    Parameters
    ----------
    data : pandas.DataFrame
        The caller's data; never modified.
    entity, time : str, optional
        Column names of the entity and time keys. When omitted, the two levels
        of a two-level MultiIndex on ``data`` are used (entity first); names
        that match MultiIndex level names select those levels.
    columns : sequence of str
        Numeric columns to validate and keep.
    positive : iterable of str
        Columns (a subset of ``columns``) whose logs will be taken: each value
        must be strictly positive.
    missing : {"raise", "drop"}
        What to do with missing values (NaN) in ``columns``: raise a
        :class:`~nqpf_tfp.errors.PanelError`, or drop the rows with a
        :class:`~nqpf_tfp.errors.DroppedRowsWarning` that says how many.
    roles : mapping, optional
        Column -> the role it plays for the caller (``"output"``, ``"state"``),
        used to name the role in errors; default ``"variable"``.

    Notes
    -----
    Time must be integer-valued (years, or any consecutive integer period
    count) or a pandas ``Period`` type, whose ordinals are consecutive for its
    frequency. Infinite values and non-positive values in ``positive`` columns
    are always errors: they are data faults, not missing data.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        entity: str | None = None,
        time: str | None = None,
        columns: Sequence[str] = (),
        positive: Iterable[str] = (),
        missing: str = "raise",
        roles: Mapping[Any, str] | None = None,
    ) -> None:
        require_frame(data, "data")
        missing = check_option("missing", missing)
        entity = column_name(entity, "entity", optional=True)
        time = column_name(time, "time", optional=True)
        columns = list(dict.fromkeys(column_names(columns, "columns")))
        positive = list(dict.fromkeys(column_names(positive, "positive")))
        for name in positive:
            if name not in columns:
                raise SpecificationError(f"positive column {name!r} is not among the panel columns {columns}.")

        entity_values, time_values, self.entity_name, self.time_name = self._resolve_keys(data, entity, time)
        for name in columns:
            if name in (self.entity_name, self.time_name):
                raise SpecificationError(
                    f"column {name!r} is a panel key ({'entity' if name == self.entity_name else 'time'}) "
                    "and cannot also be a variable."
                )
            if name not in data.columns:
                raise _unknown_column(name, (roles or {}).get(name, "variable"), data.columns)

        labels = np.asarray(data.index)
        self._check_keys_present(entity_values, self.entity_name, labels)
        self._check_keys_present(time_values, self.time_name, labels)
        time_int, self._time_kind = self._time_to_int(time_values, self.time_name, labels)

        values = {name: self._numeric(data[name], name, labels) for name in columns}
        keep: np.ndarray = np.ones(len(data), dtype=bool)
        if values:
            na = np.column_stack([np.isnan(v) for v in values.values()])
            if na.any():
                bad_cols = [c for c, col_na in zip(values, na.T) if col_na.any()]
                if missing == "raise":
                    first = bad_cols[0]
                    raise PanelError(
                        f"column {first!r} has missing values in {_rows(labels[np.isnan(values[first])])}"
                        f"{'' if len(bad_cols) == 1 else f' (also missing: {bad_cols[1:]})'}. "
                        "Fill or drop them, or pass missing='drop' to drop those rows."
                    )
                keep = np.asarray(~na.any(axis=1))
                counts = ", ".join(f"{c}: {int(n)}" for c, n in zip(values, na.sum(axis=0)) if n)
                warn(
                    f"dropped {int((~keep).sum())} of {len(keep)} rows with missing values (per column: {counts}).",
                    DroppedRowsWarning,
                )
        for name in positive:
            bad = keep & ~(values[name] > 0)
            if bad.any():
                raise PanelError(
                    f"column {name!r} must be strictly positive (its log is taken) but is <= 0 in "
                    f"{_rows(labels[bad])}. Fix or drop those rows."
                )

        rows = np.flatnonzero(keep)
        codes, uniques = self._factorize(entity_values[rows])
        self._entity_level = pd.Index(uniques, name=self.entity_name)  # keeps the caller's dtype
        t_rows = time_int[rows]
        step_code, step_time = np.diff(codes), np.diff(t_rows)
        # data already sorted by (entity, time), the usual case: no sort and no gathers
        ordered = np.all((step_code > 0) | ((step_code == 0) & (step_time > 0)))
        self._identity = bool(rows.size == len(data) and ordered)
        if self._identity:
            self._positions = rows
            self.entity_codes = codes.astype(np.int64, copy=False)
            self.time = t_rows
            self._time_labels = np.asarray(time_values)
            self._values = {name: v.copy() for name, v in values.items()}
        else:
            order = np.lexsort((t_rows, codes))
            self._positions = rows[order]  # position in the caller's frame of each panel row
            self.entity_codes = codes[order].astype(np.int64)
            self.time = t_rows[order]
            self._time_labels = np.asarray(time_values)[self._positions]
            self._values = {name: v[self._positions] for name, v in values.items()}
        self.entity_labels = np.asarray(uniques)  # label of each code
        self._caller_index = data.index
        self._check_duplicates(labels)
        self._lags: dict[int, Lag] = {}

    # ------------------------------------------------------------------ keys
    @staticmethod
    def _resolve_keys(
        data: pd.DataFrame, entity: str | None, time: str | None
    ) -> tuple[ArrayLike, np.ndarray, str, str]:
        index = data.index
        level_names: list[Any] = list(index.names) if isinstance(index, pd.MultiIndex) else []
        if entity is None and time is None:
            if isinstance(index, pd.MultiIndex) and index.nlevels == 2:
                names = [n if n is not None else default for n, default in zip(level_names, ("entity", "time"))]
                return (
                    index.get_level_values(0),
                    np.asarray(index.get_level_values(1)),
                    str(names[0]),
                    str(names[1]),
                )
            raise SpecificationError(
                "pass entity= and time= (column names), or give the data a two-level (entity, time) MultiIndex."
            )
        if entity is None or time is None:
            missing = "entity" if entity is None else "time"
            raise SpecificationError(f"pass {missing}= as well (both key columns), or neither with a two-level "
                                     "(entity, time) index.")
        out = []
        for name, role in ((entity, "entity"), (time, "time")):
            if name in data.columns:
                out.append(pd.Index(data[name]) if role == "entity" else np.asarray(data[name]))
            elif name in level_names:
                out.append(
                    index.get_level_values(name) if role == "entity" else np.asarray(index.get_level_values(name))
                )
            else:
                raise _unknown_column(name, role, list(data.columns) + [n for n in level_names if n])
        if entity == time:
            raise SpecificationError(f"entity and time are both {entity!r}; they must be different columns.")
        return out[0], out[1], entity, time

    @staticmethod
    def _check_keys_present(values: Any, name: str, labels: np.ndarray) -> None:
        missing = pd.isna(values)
        if missing.any():
            raise PanelError(f"key column {name!r} is missing in {_rows(labels[missing])}. Every row needs a key.")

    @staticmethod
    def _time_to_int(values: np.ndarray, name: str, labels: np.ndarray) -> tuple[np.ndarray, str]:
        series = pd.Series(values)
        if isinstance(series.dtype, pd.PeriodDtype):
            return np.asarray(pd.PeriodIndex(series).asi8, dtype=np.int64), "period"
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            raise PanelError(
                f"time column {name!r} holds dates; convert it to periods with .dt.to_period('Y') "
                "(or 'Q', 'M') or to integer years with .dt.year, so that lags know the calendar."
            )
        if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
            raise PanelError(
                f"time column {name!r} has dtype {series.dtype}; it must hold integer periods (e.g. years) "
                "or pandas Periods. Convert it, e.g. with pd.to_numeric."
            )
        as_float = series.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(as_float) | (as_float != np.round(as_float))
        if bad.any():
            raise PanelError(f"time column {name!r} must hold whole numbers; it does not in {_rows(labels[bad])}.")
        return as_float.astype(np.int64), "integer"

    @staticmethod
    def _factorize(values: Any) -> tuple[np.ndarray, ArrayLike]:
        arr = np.asarray(values)
        if arr.dtype.kind in "iu" and arr.size and np.all(arr[1:] >= arr[:-1]):
            # sorted integer labels (the usual layout): codes from the steps, no hashing
            step = np.r_[True, arr[1:] != arr[:-1]]
            return np.cumsum(step) - 1, arr[step]
        try:
            codes, uniques = pd.factorize(values, sort=True)
        except TypeError:  # labels of mixed, unorderable types
            codes, uniques = pd.factorize(values, sort=False)
        return codes.astype(np.int64), uniques

    def _check_duplicates(self, labels: np.ndarray) -> None:
        dup = (self.entity_codes[1:] == self.entity_codes[:-1]) & (self.time[1:] == self.time[:-1])
        if dup.any():
            rows = np.flatnonzero(dup) + 1
            pairs = sorted({(_plain(self.entity_labels[self.entity_codes[i]]), _plain(self._time_labels[i]))
                            for i in rows})
            shown = ", ".join(repr(p) for p in pairs[:_SHOW])
            raise PanelError(
                f"duplicate ({self.entity_name}, {self.time_name}) keys: {len(pairs)} pair(s) occur more than "
                f"once, e.g. {shown}. Each entity may appear once per period; aggregate or drop the duplicates."
            )

    # --------------------------------------------------------------- columns
    @staticmethod
    def _numeric(series: pd.Series, name: str, labels: np.ndarray) -> np.ndarray:
        if not (pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)):
            raise PanelError(
                f"column {name!r} has non-numeric dtype {series.dtype}; convert it with pd.to_numeric "
                "(errors='coerce' turns bad entries into missing values)."
            )
        values = series.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
        infinite = np.isinf(values)
        if infinite.any():
            raise PanelError(f"column {name!r} has infinite values in {_rows(labels[infinite])}.")
        return values

    @property
    def caller_index(self) -> pd.Index:
        """The index of the frame the panel was built from."""
        return self._caller_index

    @property
    def positions(self) -> np.ndarray:
        """Position in the caller's frame of each panel row (panel rows are sorted by entity and time)."""
        return self._positions.copy()

    def __getitem__(self, name: str) -> np.ndarray:
        """Values of a validated column, in panel (entity, time) order."""
        try:
            return self._values[name]
        except KeyError:
            raise _unknown_column(name, "panel", self._values) from None

    def align(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """Put a column of the caller's frame (in the caller's row order) into panel order.

        For auxiliary columns that are not validated (they may hold missing
        values); rows the panel dropped are left out.

        Parameters
        ----------
        values : pandas.Series or numpy.ndarray
            One value per row of the frame the panel was built from.

        Returns
        -------
        numpy.ndarray
            The values of the kept rows, sorted by (entity, time).
        """
        return np.asarray(values)[self._positions]

    def log(self, name: str) -> np.ndarray:
        """Natural log of a validated column.

        Parameters
        ----------
        name : str
            The column (validated positive only if listed in ``positive``).

        Returns
        -------
        numpy.ndarray
            ``log(column)`` in panel order.
        """
        return np.log(self[name])

    @property
    def columns(self) -> list[str]:
        """Names of the validated columns."""
        return list(self._values)

    @property
    def nobs(self) -> int:
        """Number of rows kept."""
        return int(self.time.size)

    @property
    def n_entities(self) -> int:
        """Number of distinct entities among the rows kept."""
        return int(np.unique(self.entity_codes).size)

    @property
    def entities(self) -> np.ndarray:
        """Entity label of every row, in panel order."""
        return self.entity_labels[self.entity_codes]

    @property
    def time_kind(self) -> str:
        """``"integer"`` (e.g. years) or ``"period"`` (pandas Periods)."""
        return self._time_kind

    def time_ordinal(self, label: object) -> int:
        """The panel's internal time number of a period given as the caller writes it.

        Parameters
        ----------
        label : int, str or pandas.Period
            A year (2017) or a period ("2020Q1") of the time column.

        Returns
        -------
        int
            The period's ordinal, on the scale lags are taken on.
        """
        if self._time_kind == "period":
            return int(pd.Period(label, freq=self._time_labels[0].freq).ordinal)  # type: ignore[arg-type]
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
            raise SpecificationError(
                f"{label!r} is not a period of {self.time_name!r}; give a whole number, e.g. 2017.")
        return int(label)

    @property
    def time_labels(self) -> np.ndarray:
        """Time value of every row as the caller gave it, in panel order."""
        return self._time_labels

    # ------------------------------------------------------------------ lags
    def lag(self, k: int = 1) -> Lag:
        """Calendar-aware lag by ``k`` periods (``k < 0`` is a lead).

        The row of entity *i* at time *t* points to the row of entity *i* at
        time *t - k*; where that row does not exist the lag is invalid.

        Parameters
        ----------
        k : int
            Periods back (negative: ahead).

        Returns
        -------
        Lag
            Row positions with a validity mask; ``take(values)`` gives the lagged
            values, NaN where the lag does not exist.
        """
        k = int(k)
        if k not in self._lags:
            self._lags[k] = calendar_lag(self.entity_codes, self.time, k)
        return self._lags[k]

    def diff(self, values: np.ndarray, k: int = 1) -> np.ndarray:
        """``values`` minus ``values`` lagged ``k`` periods; NaN where the lag does not exist.

        Parameters
        ----------
        values : numpy.ndarray
            One value per panel row, in panel order.
        k : int
            Periods back.

        Returns
        -------
        numpy.ndarray
            The differences, in panel order.
        """
        return values - self.lag(k).take(values)

    def require_consecutive(self, what: str) -> None:
        """Raise unless at least one entity is observed in two consecutive periods.

        Parameters
        ----------
        what : str
            The routine that needs them, named in the error.

        Raises
        ------
        PanelError
            When no entity is observed in two consecutive periods.
        """
        if not self.lag(1).valid.any():
            raise PanelError(
                f"{what} needs at least one entity observed in two consecutive periods "
                f"of {self.time_name!r}; this panel ({self.nobs} rows, {self.n_entities} entities) has none."
            )

    # ------------------------------------------------------ within-entity fill
    def entity_start(self) -> np.ndarray:
        """Position of the first row of each row's entity.

        Returns
        -------
        numpy.ndarray
            One integer position per panel row.
        """
        first = np.ones(self.nobs, dtype=bool)
        first[1:] = self.entity_codes[1:] != self.entity_codes[:-1]
        return np.maximum.accumulate(np.where(first, np.arange(self.nobs), 0))

    def previous_where(self, mask: np.ndarray) -> np.ndarray:
        """For each row, the last row at or before it of the same entity where ``mask`` holds.

        Parameters
        ----------
        mask : numpy.ndarray of bool
            One flag per panel row.

        Returns
        -------
        numpy.ndarray
            Row positions; -1 where the entity has no such row yet.
        """
        pos = np.maximum.accumulate(np.where(mask, np.arange(self.nobs), -1))
        return np.where(pos >= self.entity_start(), pos, -1)

    def entity_end(self) -> np.ndarray:
        """Position of the last row of each row's entity.

        Returns
        -------
        numpy.ndarray
            One integer position per panel row.
        """
        last = np.ones(self.nobs, dtype=bool)
        last[:-1] = self.entity_codes[:-1] != self.entity_codes[1:]
        return np.minimum.accumulate(np.where(last, np.arange(self.nobs), self.nobs)[::-1])[::-1]

    def next_where(self, mask: np.ndarray) -> np.ndarray:
        """For each row, the first row at or after it of the same entity where ``mask`` holds.

        Parameters
        ----------
        mask : numpy.ndarray of bool
            One flag per panel row.

        Returns
        -------
        numpy.ndarray
            Row positions; -1 where the entity has no such row later.
        """
        pos = np.minimum.accumulate(np.where(mask, np.arange(self.nobs), self.nobs)[::-1])[::-1]
        return np.where(pos <= self.entity_end(), pos, -1)

    # ---------------------------------------------------------------- output
    def keys(self, mask: np.ndarray | None = None) -> pd.MultiIndex:
        """(entity, time) MultiIndex of the rows (optionally of ``mask``), in panel order.

        Built from the codes the panel already holds (no re-factorising); the
        entity level keeps the dtype of the caller's entity column.

        Parameters
        ----------
        mask : numpy.ndarray of bool, optional
            Keep only these rows.

        Returns
        -------
        pandas.MultiIndex
            Levels named after the entity and time columns.
        """
        sel = slice(None) if mask is None else mask
        t0 = int(self.time.min()) if self.nobs else 0
        span = (int(self.time.max()) - t0 + 1) if self.nobs else 0
        time_level: pd.Index
        if self._time_kind == "period":
            freq = self._time_labels[0].freq
            time_level = pd.PeriodIndex.from_ordinals(  # type: ignore[attr-defined]  # pandas >= 2.2; not in the stubs
                np.arange(t0, t0 + span), freq=freq)
        else:
            time_level = pd.Index(np.arange(t0, t0 + span, dtype=np.int64))
        index = pd.MultiIndex(
            levels=[self._entity_level, time_level],  # type: ignore[list-item]  # stubs want sequences
            codes=[self.entity_codes[sel], self.time[sel] - t0],  # type: ignore[list-item]
            names=[self.entity_name, self.time_name],
            verify_integrity=False,
        )
        return index.remove_unused_levels()

    def series(self, values: np.ndarray, name: str, *, mask: np.ndarray | None = None, on: str = "keys") -> pd.Series:
        """Label an array in panel order.

        Parameters
        ----------
        values : ndarray
            One value per panel row.
        name : str
            Series name.
        mask : ndarray of bool, optional
            Keep only these rows.
        on : {"keys", "index"}
            ``"keys"``: indexed by (entity, time) in panel order. ``"index"``:
            on the caller's original index, in the caller's row order.

        Returns
        -------
        pandas.Series
            The labelled values.
        """
        sel = np.ones(self.nobs, dtype=bool) if mask is None else mask
        if on == "keys":
            return pd.Series(values[sel], index=self.keys(sel), name=name)
        if on == "index":
            if mask is None and self._identity:  # panel order is the caller's order
                return pd.Series(np.array(values, copy=True), index=self._caller_index, name=name)
            pos = self._positions[sel]
            back = np.argsort(pos, kind="stable")
            return pd.Series(values[sel][back], index=self._caller_index[pos[back]], name=name)
        raise SpecificationError(f"on={on!r} is not valid; use 'keys' or 'index'.")

    def frame(self, columns: dict[str, np.ndarray], *, mask: np.ndarray | None = None) -> pd.DataFrame:
        """A DataFrame on (entity, time) keys from arrays in panel order.

        Parameters
        ----------
        columns : dict of str to numpy.ndarray
            Column name to one value per panel row.
        mask : numpy.ndarray of bool, optional
            Keep only these rows.

        Returns
        -------
        pandas.DataFrame
            Indexed by (entity, time).
        """
        sel = np.ones(self.nobs, dtype=bool) if mask is None else mask
        return pd.DataFrame({k: v[sel] for k, v in columns.items()}, index=self.keys(sel))

    def __repr__(self) -> str:
        return (
            f"Panel({self.nobs} rows, {self.n_entities} entities, {self.entity_name!r} x {self.time_name!r}, "
            f"columns={self.columns})"
        )
