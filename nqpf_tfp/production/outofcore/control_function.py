"""Olley-Pakes and Levinsohn-Petrin on a Dask DataFrame partitioned by firm: three passes of sums.

0. every partition read and validated once, kept on its worker (``Passes`` in ``outofcore/common.py``);
1. the first stage's ``X'X`` and ``X'y`` and the column sums that centre the
   second stage's sufficient statistics;
2. those statistics (:class:`~..gmm.control_function.SecondStage`), with the
   common centre, added up; the second stage is minimised on the client, as in memory;
3. the pieces of the analytic sandwich: its Jacobian, with the parts that multiply
   ``R = d rho / d gamma`` kept apart, and the per-firm meat
   (``nqpf_tfp.production.inference.two_stage``); ``R`` is solved on the client.

The numbers equal the in-memory fit to rounding (tested on a 2-worker ``LocalCluster``).
The exit correction (a probit of exit) is not available out of core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import EstimationError
from ..estimate import Estimate
from ..gmm.control_function import SecondStage, first_stage_design, minimize_second_stage
from ..inference.two_stage import SandwichPieces, TwoStageProblem, sandwich_from_pieces, sandwich_pieces
from ..numerics.linalg import collinearity_r2
from ..spec import ModelData
from .common import Partition, PartitionedModel, Passes, constant_elasticities, model_frame, totals

__all__ = ["PartitionedControlFunction", "fit_control_function_partitioned"]


@dataclass(frozen=True)
class PartitionedControlFunction:
    """OP / LP as the passes see them."""

    model: PartitionedModel
    poly_degree: int
    markov_degree: int


def _problem(data: ModelData, cf: PartitionedControlFunction) -> TwoStageProblem:
    x = first_stage_design(data, cf.poly_degree)
    lag = data.lag(1)
    rows = np.flatnonzero(lag.valid)
    return TwoStageProblem(x, data.y, data.state, rows, lag.index[rows], data.codes, data.free.shape[1],
                           data.controls.shape[1], cf.markov_degree)


def _first_pass(part: Partition, cf: PartitionedControlFunction) -> dict[str, Any]:
    data = part.data
    pr = _problem(data, cf)
    x = pr.x
    return {**part.first_counts,
            "xx": x.T @ x, "xy": x.T @ data.y, "x_t": x[pr.rows].sum(axis=0), "x_p": x[pr.prev].sum(axis=0),
            "k_t": data.state[pr.rows].sum(axis=0), "k_p": data.state[pr.prev].sum(axis=0), "n": pr.rows.size}


def _phi(pr: TwoStageProblem, b: np.ndarray) -> np.ndarray:
    return b[0] + pr.x[:, pr.first:] @ b[pr.first:]


def _statistics_pass(part: Partition, cf: PartitionedControlFunction, b: np.ndarray,
                     centre: tuple[np.ndarray, np.ndarray]) -> SecondStage:
    data = part.data
    pr = _problem(data, cf)
    return SecondStage(_phi(pr, b), data.y - pr.x @ b, data.state, pr.rows, pr.prev, cf.markov_degree,
                       centre=centre)


def _sandwich_pass(part: Partition, cf: PartitionedControlFunction, b: np.ndarray, gamma: np.ndarray,
                   fit: Any) -> SandwichPieces:
    return sandwich_pieces(_problem(part.data, cf), b, gamma, fit)


def _tfp(pdf: pd.DataFrame, cf: PartitionedControlFunction, params: np.ndarray) -> pd.Series:
    panel, data = model_frame(pdf, cf.model)
    return panel.series(data.log_tfp(params), "tfp", on="index")


def fit_control_function_partitioned(cf: PartitionedControlFunction, ddf: Any, cov_type: str,
                                     method: str) -> Estimate:
    """OP / LP estimate and analytic standard errors from passes over the partitions of ``ddf``."""
    passes = Passes(ddf, cf.model)
    spec = cf.model.spec
    total = totals(passes.run(_first_pass, cf), spec.entity)
    n_state, n_free, n_ctrl = len(spec.state), len(spec.free), len(spec.controls)
    if total["n"] <= n_state + cf.markov_degree + 1:
        raise EstimationError(f"{method}: only {int(total['n'])} firm-years with a previous year.")
    b = np.linalg.solve(total["xx"], total["xy"])
    first = 1 + n_free + n_ctrl
    n = total["n"]
    centre = (np.r_[b[0] + total["x_p"][first:] @ b[first:] / n, total["k_p"] / n],
              np.r_[b[0] + total["x_t"][first:] @ b[first:] / n, total["k_t"] / n])
    second = SecondStage.combine(passes.run(_statistics_pass, cf, b, centre))
    start = b[first:first + n_state]  # the linear state terms: prodest's start
    opt = minimize_second_stage(second.criterion, start, second.gradient)
    gamma = opt.x
    params = np.r_[b[1:1 + n_free], gamma, b[1 + n_free:first]]
    cov = None
    if cov_type == "cluster":
        pieces = passes.run(_sandwich_pass, cf, b, gamma, second.stats.markov_fit(gamma))
        cov = sandwich_from_pieces(SandwichPieces.total(pieces), n_free, n_ctrl)
    passes.close()
    inputs = cf.model.input_names
    tfp = ddf.map_partitions(_tfp, cf, params, meta=pd.Series(dtype=float, name="tfp"))
    meta = pd.DataFrame({name: pd.Series(dtype=float) for name in inputs})
    elasticities = ddf.map_partitions(constant_elasticities, cf.model, params[:len(inputs)], meta=meta)
    diag = {"first_stage_nobs": int(total["kept"]), "second_stage_nobs": int(n), "converged": bool(opt.success),
            "objective": float(opt.fun) * n, "iterations": int(opt.nit), "start": start.tolist(),
            "optimizer_message": str(opt.message), "n_entities": int(total["firms"]), "partitions": len(passes),
            "passes": passes.log,
            "free_input_r2": collinearity_r2(total["xx"], range(1, 1 + n_free))}
    warn = [] if opt.success else [f"{method}: the optimiser did not converge ({opt.message}); see diagnostics."]
    return Estimate(params, tfp, int(total["kept"]), cov, elasticities=elasticities, diagnostics=diag,
                    warnings=warn, dropped=int(total["rows"] - total["kept"]))
