"""Checks of arguments as they enter a public function, each error naming the parameter.

Every public entry point validates its arguments here rather than letting a wrong type travel
into numpy or pandas and fail there with a foreign message (or, worse, succeed: a string where
a list is expected iterates into its letters).
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np

from .errors import PanelError, SpecificationError

__all__ = ["check_keywords", "column_name", "column_names", "confidence_level", "finite_column", "keyword_mapping",
           "missing_columns_error", "require_columns",
           "require_frame", "seed_sequence", "whole_number"]


def _is_name(value: object) -> bool:
    """A single column label: a string, or another hashable scalar (pandas allows integer labels)."""
    return isinstance(value, str) or (isinstance(value, Hashable) and not isinstance(value, (tuple, bool))
                                      and isinstance(value, (numbers.Number, np.generic)))


def require_frame(value: Any, keyword: str = "data") -> None:
    """``value`` is a pandas DataFrame with at least one row, or an error naming ``keyword`` (a
    ``SpecificationError`` for another type, with what to do for a Dask frame; a ``PanelError`` when empty)."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        if type(value).__module__.split(".")[0] == "dask":
            raise SpecificationError(f"{keyword} is a Dask DataFrame: this function works in memory, so pass "
                                     f"{keyword}.compute() (a pandas DataFrame). The production estimators' fit() "
                                     "also takes a Dask DataFrame partitioned by firm, out of core.")
        raise SpecificationError(f"{keyword} must be a pandas DataFrame, not {type(value).__name__}.")
    if len(value) == 0:
        raise PanelError(f"{keyword} has no rows (was everything filtered out?): there is nothing to compute.")


def column_name(value: Any, keyword: str, *, optional: bool = False) -> Any:
    """One column name (``None`` allowed when ``optional``)."""
    if value is None and optional:
        return None
    if not _is_name(value):
        kind = "a list" if isinstance(value, (list, tuple)) else f"a {type(value).__name__}"
        raise SpecificationError(f"{keyword} must be one column name (a string), not {kind}: {value!r}.")
    return value


def column_names(value: Any, keyword: str) -> tuple[Any, ...]:
    """Column names: ``None`` (none), one name, or a list/tuple of names (a string is one name, not letters)."""
    if value is None:
        return ()
    if _is_name(value):
        return (value,)
    if isinstance(value, (Mapping, set, frozenset)) or not isinstance(value, Iterable):
        raise SpecificationError(f"{keyword} must be a column name or a list of column names, not "
                                 f"{type(value).__name__}: {value!r}.")
    names = tuple(value)
    bad = [v for v in names if not _is_name(v)]
    if bad:
        raise SpecificationError(f"{keyword} must be a column name or a list of column names; "
                                 f"{bad[0]!r} is not a column name.")
    return names


def whole_number(value: Any, keyword: str, *, minimum: int = 0) -> int:
    """An integer (Python or numpy, not a bool or a float) of at least ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise SpecificationError(f"{keyword} must be a whole number >= {minimum}, not {value!r}.")
    return int(value)


def seed_sequence(seed: Any, keyword: str = "seed") -> np.random.SeedSequence:
    """``None`` (fresh entropy), an integer >= 0, a ``SeedSequence`` or a ``Generator`` (its seed sequence)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        sequence = seed.bit_generator.seed_seq
        if isinstance(sequence, np.random.SeedSequence):
            return sequence
    if seed is None:
        return np.random.SeedSequence()
    if not isinstance(seed, (bool, np.bool_)) and isinstance(seed, (int, np.integer)) and seed >= 0:
        return np.random.SeedSequence(int(seed))
    raise SpecificationError(f"{keyword} must be None, a whole number >= 0, a numpy SeedSequence or a Generator, "
                             f"not {seed!r}.")


def confidence_level(value: Any, keyword: str = "level") -> float:
    """A probability strictly between 0 and 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating)) \
            or not 0.0 < float(value) < 1.0:
        raise SpecificationError(f"{keyword} must be a number strictly between 0 and 1 (e.g. 0.95), not {value!r}.")
    return float(value)


def keyword_mapping(value: Any, keyword: str) -> dict[str, Any]:
    """A mapping of keyword arguments (``None`` is empty)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise SpecificationError(f"{keyword} must be a dict of keyword arguments, e.g. {{'bootstrap': 99}}, "
                                 f"not {value!r}.")
    return dict(value)


def check_keywords(given: Iterable[str], allowed: Iterable[str], where: str) -> None:
    """Unknown keyword arguments are an error naming them, with the closest allowed names."""
    allowed = sorted(set(allowed))
    unknown = [k for k in given if k not in allowed]
    if unknown:
        hints = [f"{k!r} (did you mean {', '.join(repr(c) for c in close)}?)" if close else repr(k)
                 for k in unknown for close in [difflib.get_close_matches(k, allowed, n=2)]]
        raise SpecificationError(f"{where} got unknown keyword argument(s) {', '.join(hints)}; "
                                 f"it takes {', '.join(allowed)}.")


_LISTED = 20  # how many of the data's columns an error lists when no name is close


def missing_columns_error(missing: Iterable[Any], role: str | Mapping[Any, str], columns: Iterable[Any]
                          ) -> SpecificationError:
    """The error for columns that are not in the data: each with its role and the closest column names.

    ``role`` is one word for all (``"free"``, ``"inputs"``) or a mapping column -> role. When no
    name is close, the data's columns are listed instead (the first twenty).
    """
    from .keywords import closest

    columns = list(columns)
    parts = []
    for name in missing:
        label = role.get(name, "variable") if isinstance(role, Mapping) else role
        close = closest(name, columns)
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        parts.append(f"{label} column {name!r}{hint}".lstrip())
    any_close = any("did you mean" in p for p in parts)
    shown = ", ".join(repr(c) for c in columns[:_LISTED]) + (f" and {len(columns) - _LISTED} more"
                                                              if len(columns) > _LISTED else "")
    listing = "" if any_close and len(parts) == 1 else f" The data's columns are {shown}."
    verb = "is" if len(parts) == 1 else "are"
    return SpecificationError(f"{'; '.join(parts)} {verb} not in the data.{listing}")


def require_columns(data: Any, names: Iterable[Any] | Mapping[str, Any], role: str | Mapping[Any, str] = ""
                    ) -> None:
    """``SpecificationError`` naming the columns of ``names`` that ``data`` (a DataFrame) lacks, with close matches.

    ``names`` is a list of columns (their role given by ``role``) or a mapping role -> column.
    """
    if isinstance(names, Mapping):
        role = {column: label for label, column in names.items()}
        names = list(names.values())
    missing = [c for c in names if c not in data.columns]
    if missing:
        raise missing_columns_error(missing, role, data.columns)


def finite_column(data: Any, name: Any, label: str, *, positive: bool = False) -> np.ndarray:
    """A column of ``data`` as float64, ``PanelError`` naming it when a value is missing, non-numeric or
    infinite (or, with ``positive``, not above zero), or so large or small (beyond 1e150 or 1e-150) that its
    squares overflow or vanish."""
    import pandas as pd

    require_columns(data, [name], label)
    values = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        raise PanelError(f"{label} column {name!r} has {int(bad.sum())} missing, non-numeric or infinite values.")
    if positive and np.any(values <= 0):
        raise PanelError(f"{label} column {name!r} has {int((values <= 0).sum())} non-positive values; it must be "
                         "positive (logs are taken or the measure needs positive values).")
    size = np.abs(values[values != 0])
    if size.size and (size.max() > _LARGEST or size.min() < 1 / _LARGEST):
        extreme = size.max() if size.max() > _LARGEST else size.min()
        raise PanelError(f"{label} column {name!r} has a value of magnitude {extreme:.3g}: its squares and products "
                         "overflow or vanish in floating point; rescale the column (e.g. to thousands or millions).")
    return values


#: magnitudes beyond which squares overflow (or, inverted, underflow) double precision
_LARGEST = 1e150
