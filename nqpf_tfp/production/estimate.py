"""One estimation on one sample: what every estimator hands to the results builder.

The same type comes from an in-memory fit and from an out-of-core fit on a
Dask DataFrame; only where ``tfp`` and ``elasticities`` live differs.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import numpy as np

__all__ = ["Estimate"]


@dataclass
class Estimate:
    """Parameters, covariance and per-row results of one estimation.

    ``params`` are in the order of the estimator's parameter names. ``tfp`` is
    log TFP (output minus the estimated contribution of inputs and controls):
    an array over the rows of an in-memory sample, or a Dask Series on the
    caller's index out of core; ``elasticities`` likewise (an array of
    rows x inputs, a Dask DataFrame, or ``None`` for the Cobb-Douglas input
    coefficients).
    """

    params: np.ndarray
    tfp: Any
    nobs: int
    cov: np.ndarray | None = None
    _: KW_ONLY
    elasticities: Any = None
    rts_weights: np.ndarray | None = None  # returns to scale (mean) = rts_weights @ params; None: 1 on inputs
    #: the first stage's estimate of the output error ``eps`` per row (in memory), ``None`` where the
    #: estimator has no first stage separating it from productivity (OLS, FE, Robinson-Wooldridge)
    first_stage_residuals: np.ndarray | None = None
    j_stat: float | None = None
    j_df: int | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # emitted by fit() for the full sample only
    dropped: int = 0  # rows with missing values dropped out of core (in memory the Panel warns)
