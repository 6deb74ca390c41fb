"""What the frontier models share before any LP: the roles of the columns, their values, the reference
set of each period."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..arguments import column_names, require_columns
from ..errors import PanelError, SpecificationError

__all__ = ["check_reference_scales", "check_window", "environment", "period_reference", "prefixed", "roles", "values"]


def roles(inputs: object, outputs: object, bad_outputs: object = None,
          what: str = "the model") -> tuple[list[str], list[str], list[str]]:
    """Checked column lists: at least one input and one (good) output, no column in two roles."""
    ins, goods = list(column_names(inputs, "inputs")), list(column_names(outputs, "outputs"))
    bads = list(column_names(bad_outputs, "bad_outputs"))
    if not ins or not goods:
        raise SpecificationError(f"{what} needs at least one input and one (good) output (inputs=, outputs=).")
    overlap = (set(ins) & set(goods)) | (set(ins) & set(bads)) | (set(goods) & set(bads))
    if overlap:
        raise SpecificationError(f"{sorted(overlap)} given in two roles (inputs, outputs, bad_outputs).")
    return ins, goods, bads


def values(frame: pd.DataFrame, columns: Sequence[str], what: str, *, positive: bool = False) -> np.ndarray:
    """The columns as a float array: present, finite and non-negative (strictly positive if ``positive``)."""
    if not columns:
        return np.empty((len(frame), 0))
    require_columns(frame, columns, what)
    out = frame[list(columns)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    for j, name in enumerate(columns):
        column = out[:, j]
        if not np.isfinite(column).all():
            raise PanelError(f"{what} column {name!r} has {int((~np.isfinite(column)).sum())} missing, non-numeric "
                             "or infinite values; frontier models need every value.")
        if np.any(column < 0) or (positive and np.any(column == 0)):
            rule = "positive (slacks are divided by each unit's own values)" if positive else "non-negative"
            raise PanelError(f"{what} column {name!r} has {'zero or ' if positive else ''}negative values; it must "
                             f"be {rule}.")
    return out


def period_reference(time: np.ndarray, frontier: str, window: int | None = None) -> dict[int, np.ndarray]:
    """Rows spanning each period's frontier: its own ("contemporaneous"), all up to it ("sequential"),
    all ("global"), or the ``window`` periods centred on it ("window": ``(window - 1) / 2`` periods on
    each side, fewer at the ends; Tulkens and van den Eeckaut 1995)."""
    out = {}
    periods = np.unique(time)
    rank = np.searchsorted(periods, time)
    band = (window - 1) // 2 if window is not None else 0
    for i, t in enumerate(periods):
        if frontier == "global":
            out[int(t)] = np.arange(time.size)
        elif frontier == "sequential":
            out[int(t)] = np.flatnonzero(time <= t)
        elif frontier == "window":
            out[int(t)] = np.flatnonzero(np.abs(rank - i) <= band)
        else:
            out[int(t)] = np.flatnonzero(time == t)
    return out


def check_window(frontier: str, window: object) -> int | None:
    """The window width for ``frontier="window"``: an odd whole number >= 1 (centred windows)."""
    if frontier != "window":
        if window is not None:
            raise SpecificationError(f"window={window!r} needs frontier='window'.")
        return None
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1 or window % 2 == 0:
        raise SpecificationError(f"frontier='window' needs window= an odd whole number >= 1 (the periods of the "
                                 f"centred window), not {window!r}.")
    return int(window)


def check_reference_scales(scales: Sequence[np.ndarray], names: Sequence[Sequence[str]] | None,
                           where: str = "") -> None:
    """A ``PanelError`` naming the column (and its role) that is 0 for every reference unit: the frontier
    cannot scale it, and no reference unit shows how to produce or use it. ``scales`` are the reference
    set's column means by role (inputs, good outputs, bad outputs), ``names`` their column names."""
    for role, scale, columns in zip(("input", "output", "bad output"), scales,
                                    names if names is not None else ((),) * len(scales)):
        zero = np.flatnonzero(np.asarray(scale) <= 0)
        if zero.size:
            column = repr(columns[zero[0]]) if len(columns) > zero[0] else f"number {zero[0] + 1}"
            raise PanelError(f"{role} column {column} is 0 for every reference unit{where}: no frontier can be "
                             "built along it; drop the column or widen the reference set (e.g. frontier='global').")


def prefixed(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """A copy of the columns of a score table named ``<prefix><column>`` (``slack_``, ``target_``, ``beta_``)."""
    return frame[[c for c in frame if str(c).startswith(prefix)]].copy()


def environment(data: pd.DataFrame, environment: object, taken: Sequence[str], what: str
                ) -> tuple[list[str], np.ndarray]:
    """The environmental columns of a second stage and their values: at least one, none of them among the
    model's other variables ``taken``, numeric and finite (any sign)."""
    names = list(column_names(environment, "environment"))
    if not names:
        raise SpecificationError(f"{what} needs at least one environmental variable (environment=).")
    clash = sorted(set(names) & set(taken))
    if clash:
        raise SpecificationError(f"{clash} are both DEA variables and environment=: a column has one role.")
    require_columns(data, names, "environment")
    out = data[names].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    for j, name in enumerate(names):
        if not np.isfinite(out[:, j]).all():
            raise PanelError(f"environment column {name!r} has {int((~np.isfinite(out[:, j])).sum())} missing, "
                             "non-numeric or infinite values; the regression needs every value.")
    return names, out
