"""Degenerate data, named before anything is estimated; non-finite results, never returned.

- A variable that does not vary within firms: fixed effects remove it, and the
  control-function estimators (OP, LP, ACF, Wooldridge, GNR) identify the state
  and proxy coefficients from within-firm changes of productivity.
- Fewer firms than parameters: firm-clustered standard errors (analytic or
  bootstrap) are not identified (one firm gives exactly 0 or a division by zero).
- Magnitudes whose squares and cross-products overflow float64: production
  functions are estimated in logs, so such numbers are levels passed by mistake.
- A result with a non-finite parameter or a standard error that is not positive
  and finite is an error, whatever produced it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import EstimationError, PanelError
from .spec import ModelData, ProductionSpec

__all__ = ["MAX_MAGNITUDE", "check_clusters", "check_magnitudes", "check_result", "check_within_variation"]

#: largest absolute value accepted in a variable: its 4th power (products of squared polynomial
#: terms in X'X) stays far below the float64 maximum, ~1.8e308
MAX_MAGNITUDE = 1e50

_ROLE_BLOCKS = {"free": "free", "state": "state", "proxy": "proxy", "controls": "controls"}


def _role_columns(data: ModelData, spec: ProductionSpec, role: str) -> list[tuple[str, np.ndarray]]:
    values = getattr(data, _ROLE_BLOCKS[role])
    return list(zip(getattr(spec, role), values.T))


def check_within_variation(data: ModelData, spec: ProductionSpec, roles: Sequence[str], method: str,
                           why: str) -> None:
    """PanelError when a column of ``roles`` takes one value within every firm."""
    starts, lengths = data.entity_blocks()
    if roles and lengths.size and lengths.max() < 2:
        raise PanelError(f"{method} needs firms observed more than once; every firm has one row.")
    head = int(starts[min(starts.size - 1, 1000)]) if starts.size else 0  # the first thousand firms' rows
    for role in roles:
        for name, column in _role_columns(data, spec, role):
            tol = 1e-12 * max(1.0, float(np.abs(column).max(initial=0.0)))
            if head > 1 and np.any((data.codes[1:head] == data.codes[:head - 1])
                                   & (np.abs(np.diff(column[:head])) > tol)):
                continue  # it varies within one of the first firms: no need to read the rest
            spread = np.maximum.reduceat(column, starts) - np.minimum.reduceat(column, starts)
            if not np.any(spread > tol):
                raise PanelError(
                    f"{method}: {role} column {name!r} does not vary within firms (every firm has one value): "
                    f"{why} Use a time-varying measure, or an estimator that identifies it across firms (OLS).")


def check_magnitudes(data: ModelData, spec: ProductionSpec) -> None:
    """PanelError naming a column whose values are too large for its squares and products."""
    blocks = {"output": [(spec.output, data.y)]}
    for role in ("free", "state", "proxy", "controls"):
        blocks[role] = _role_columns(data, spec, role)
    for role, columns in blocks.items():
        for name, column in columns:
            largest = float(np.abs(column).max(initial=0.0))
            if largest > MAX_MAGNITUDE:
                raise PanelError(
                    f"{role} column {name!r} has values up to {largest:.3g}: their squares and cross-products "
                    "overflow double precision. Production functions take logs: pass the logs of the variables "
                    "(or take_logs=True for levels), or rescale the column.")


def check_clusters(n_entities: int, n_params: int, entity: str | None, method: str) -> None:
    """PanelError when firm-clustered standard errors are not identified."""
    if n_entities <= n_params:
        raise PanelError(
            f"{method}: {n_entities} firm(s) ({entity or 'entity'}) for {n_params} parameters: firm-clustered "
            "standard errors (analytic or bootstrap) need more firms than parameters. Use more firms, or fewer "
            "inputs and controls.")


def check_result(params: np.ndarray, std_errors: np.ndarray, names: Sequence[str], method: str) -> None:
    """EstimationError when a parameter is not finite or a standard error is not positive and finite."""
    bad_params = [n for n, p in zip(names, params) if not np.isfinite(p)]
    if bad_params:
        raise EstimationError(f"{method}: the estimate of {bad_params} is not finite; the data do not identify "
                              "it (check for constant, collinear or extreme columns).")
    bad_se = [n for n, s in zip(names, std_errors) if not (np.isfinite(s) and s > 0)]
    if bad_se:
        raise EstimationError(f"{method}: the standard error of {bad_se} is not a positive finite number "
                              f"({[float(s) for s in std_errors]}); the data do not identify its variance "
                              "(too few firms, or a variable without variation).")
