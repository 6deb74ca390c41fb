"""``"output ~ free | state | proxy [| controls]"`` through formulaic."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import SpecificationError

__all__ = ["parse_formula"]


def _terms(part: str, data: pd.DataFrame, what: str) -> pd.DataFrame:
    from formulaic import model_matrix

    part = part.strip()
    if not part or part == "0":
        return pd.DataFrame(index=data.index)
    try:
        mm = model_matrix(f"0 + {part}", data, na_action="ignore")
    except Exception as exc:  # formulaic raises several types; say which part failed
        raise SpecificationError(f"cannot evaluate the {what} part {part!r} of the formula: {exc}") from exc
    return pd.DataFrame(mm, index=data.index, columns=[str(c) for c in mm.columns])


def parse_formula(
    formula: str, data: pd.DataFrame, *, has_proxy: bool, keys: tuple[str | None, str | None] = (None, None),
    needs_state: bool = False, method: str = "the estimator",
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Evaluate each part of the formula; return a new frame and the role keywords.

    Errors speak the formula's language: which part (``free | state | proxy``) is missing or extra.
    """
    roles = ["free", "state", "proxy", "controls"] if has_proxy else ["free", "state", "controls"]
    shape = f"'output ~ {' | '.join(roles[:-1])} [| controls]'"
    if not isinstance(formula, str) or "~" not in formula:
        raise SpecificationError(f"{method}'s formula must look like {shape}; got {formula!r}.")
    lhs, rhs = formula.split("~", 1)
    parts = rhs.split("|")
    if len(parts) > len(roles):
        raise SpecificationError(f"the formula {formula!r} has {len(parts)} parts after '~'; {method} takes at most "
                                 f"{len(roles)}: {shape}.")
    needed = 1 + int(needs_state or has_proxy) + int(has_proxy)
    if len(parts) < needed or (needs_state and not parts[1].strip()) or (has_proxy and not parts[2].strip()):
        missing = [r for r, p in zip(roles[:needed], parts + [""] * needed) if not p.strip() and r != "free"]
        raise SpecificationError(
            f"the formula {formula!r} has no {' and no '.join(missing) or 'input'} part: {method} takes {shape}, "
            f"e.g. 'Y ~ {' | '.join(['l', 'k', 'm'][:needed])}'.")
    out = _terms(lhs, data, "output")
    if out.shape[1] != 1:
        raise SpecificationError(f"the output {lhs.strip()!r} must be one column.")
    frame = out.copy()
    names: dict[str, Any] = {"output": out.columns[0]}
    for role, part in zip(roles, parts):
        cols = _terms(part, data, role)
        frame = frame.join(cols.loc[:, [c for c in cols.columns if c not in frame.columns]])
        names[role] = list(cols.columns)
    for key in keys:  # carry the panel keys along
        if key is not None and key in data.columns and key not in frame.columns:
            frame[key] = data[key]
    return frame, names
