"""Quantities with their prices or value shares: the validated inputs of every index-number computation.

An index number weights quantities (``n x k``, strictly positive) by their prices or by their value shares.
Every formula depends on a row's prices only up to a factor, so the implicit prices ``s / q`` (value 1 per
row) stand for the prices when only shares are known, and the shares ``p q / sum(p q)`` for the shares when
prices are. Shared by the price-based indices (:mod:`nqpf_tfp.growth.index_numbers`) and the DEA-based
decompositions of :mod:`nqpf_tfp.frontier`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .arguments import column_names, finite_column
from .errors import PanelError, SpecificationError

__all__ = ["SHARE_TOLERANCE", "QuantitySide", "Weights", "implicit_prices", "row_dot", "validated_side",
           "value_shares"]

Weights = Sequence[str] | Mapping[str, str] | str | None

#: shares must sum to 1 within this
SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class QuantitySide:
    """One side (inputs or outputs): quantities, the implicit prices and the value shares, in row order."""

    names: list[str]
    q: np.ndarray
    p: np.ndarray
    s: np.ndarray
    weighting: str  # "prices", "shares" or "single"
    role: str  # "input" or "output"


def row_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``sum_j a[:, j] * b[:, j]``, a column at a time (a reduction along a short row axis is slow in numpy)."""
    out = a[:, 0] * b[:, 0]
    for j in range(1, a.shape[1]):
        out += a[:, j] * b[:, j]
    return out


def value_shares(q: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Value shares ``p q / sum(p q)`` per row."""
    value = p * q
    return value / row_dot(p, q)[:, None]


def implicit_prices(q: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Prices ``s / q`` that give each row the value 1 and the shares ``s``."""
    return s / q


def validated_side(data: pd.DataFrame, quantities: Any, prices: Weights, shares: Weights, side: str) -> QuantitySide:
    """Validated quantities of one side with their implicit prices and shares."""
    names = list(column_names(quantities, f"{side}s"))
    if not names:
        raise SpecificationError(f"give at least one {side} column ({side}s=).")
    if len(set(names)) < len(names):
        raise SpecificationError(f"{side}s= names a column twice: {names}.")
    q = np.column_stack([finite_column(data, c, side, positive=True) for c in names])
    if prices is not None and shares is not None:
        raise SpecificationError(f"give {side}_prices= or {side}_shares=, not both.")
    if prices is None and shares is None:
        if len(names) > 1:
            raise SpecificationError(f"{len(names)} {side}s {names} need weights: give {side}_prices= (a price column "
                                     f"per {side}) or {side}_shares= (value shares summing to 1).")
        ones = np.ones_like(q)
        return QuantitySide(names, q, 1.0 / q, ones, "single", side)
    kind = "prices" if prices is not None else "shares"
    columns = _weight_columns(prices if prices is not None else shares, names, f"{side}_{kind}")
    w = np.column_stack([finite_column(data, c, f"{side} {kind[:-1]}") for c in columns])
    if (w < 0).any():
        col = columns[int(np.flatnonzero((w < 0).any(axis=0))[0])]
        raise PanelError(f"{side} {kind[:-1]} column {col!r} has negative values.")
    if kind == "prices":
        value = row_dot(w, q)
        if not (value > 0).all():
            raise PanelError(f"{int((value <= 0).sum())} row(s) have zero {side} value (every {side} price is 0): "
                             "their shares are undefined.")
        return QuantitySide(names, q, w, value_shares(q, w), "prices", side)
    total = row_dot(w, np.ones_like(w))
    off = np.abs(total - 1.0) > SHARE_TOLERANCE
    if off.any():
        row = int(np.flatnonzero(off)[0])
        raise PanelError(f"the {side} shares {columns} sum to {total[row]:.6g}, not 1, in row {data.index[row]!r} "
                         f"({int(off.sum())} row(s) in all); value shares of all the {side}s sum to 1.")
    return QuantitySide(names, q, implicit_prices(q, w), w, "shares", side)


def _weight_columns(given: Any, names: list[str], keyword: str) -> list[str]:
    """The price or share columns in the order of ``names``: a list in that order or a mapping."""
    if isinstance(given, Mapping):
        missing = [n for n in names if n not in given]
        extra = [k for k in given if k not in names]
        if missing or extra:
            raise SpecificationError(f"{keyword}= must map each of {names} to a column"
                                     + (f"; missing {missing}" if missing else "")
                                     + (f"; {extra} are not among them" if extra else "") + ".")
        return [given[n] for n in names]
    columns = list(column_names(given, keyword))
    if len(columns) != len(names):
        raise SpecificationError(f"{keyword}= gives {len(columns)} column(s) for the {len(names)} quantities {names}: "
                                 "one per quantity, in their order, or a dict {quantity: column}.")
    return columns
