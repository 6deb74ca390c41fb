"""ACF on a Dask DataFrame partitioned by firm: five passes of sums, the search on the client.

0. every partition read and validated once, kept on its worker (``Passes`` in ``outofcore/common.py``);
1. first-stage cross-products ``X'X``, ``X'y`` (and the OLS start's), the
   means the sufficient statistics are centred on, ``Z'Z``;
2. the sufficient statistics of the second stage
   (:class:`~..gmm.moments.MarkovMoments`), accumulated with that common centre;
3. the search runs on the client on the combined statistics (O(1) per
   evaluation), exactly as in memory (:func:`~..gmm.acf.solve_acf`);
4. the labor-response statistics of the optima (one pass for all of them);
5. the parts of the stacked sandwich (Jacobian over rows, meat over firms).

The numbers equal the in-memory fit to rounding (tested on a 2-worker
``LocalCluster``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import EstimationError, SpecificationError
from ...numerics.basis import translog_elasticities, translog_rts_weights
from ...panel import Panel
from ..estimate import Estimate
from ..gmm.acf import ACFProblem, ACFSettings, labor_t, solve_acf
from ..gmm.markov import GMMCriterion
from ..gmm.moments import MarkovMoments
from ..inference.sandwich import sandwich_from_parts, sandwich_parts
from .common import Partition, PartitionedModel, Passes, model_frame, totals

__all__ = ["PartitionedACF", "fit_acf_partitioned"]


@dataclass(frozen=True)
class PartitionedACF:
    """ACF as the passes see it: the model and its settings."""

    model: PartitionedModel
    settings: ACFSettings


def _block(pdf: pd.DataFrame, acf: PartitionedACF, b: np.ndarray | None = None,
           centre: Any = None) -> tuple[Panel, ACFProblem]:
    """The partition validated as in memory, and its ACF problem (first-stage coefficients ``b``)."""
    panel, data = model_frame(pdf, acf.model)
    return panel, ACFProblem(acf.settings, data, b=b, block=True, centre=centre)


def _problem(part: Partition, acf: PartitionedACF, b: np.ndarray | None = None, centre: Any = None) -> ACFProblem:
    """The ACF problem of a validated partition (first-stage coefficients ``b``)."""
    return ACFProblem(acf.settings, part.data, b=b, block=True, centre=centre)


def _first_pass(part: Partition, acf: PartitionedACF) -> dict[str, Any]:
    pr = _problem(part, acf)
    x_fs, y, rows, prev = pr.x_fs, pr.data.y, pr.rows, pr.prev
    no_ctrl = x_fs.copy()
    no_ctrl[:, 1:1 + pr.n_ctrl] = 0.0  # phi = x_fs b without the controls' part
    x1 = np.column_stack([np.ones(y.size), pr.x])
    return {
        **part.first_counts,
        "xx": x_fs.T @ x_fs, "xy": x_fs.T @ y, "ols_xx": x1.T @ x1, "ols_xy": x1.T @ y,
        "fs_p": no_ctrl[prev].sum(axis=0), "fs_t": no_ctrl[rows].sum(axis=0),
        "x_p": pr.x_p.sum(axis=0), "x_t": pr.x_t.sum(axis=0), "n": rows.size,
        "zz": pr.z.T @ pr.z, "free": pr.data.free[rows].sum(axis=0), "inputs": pr.inputs.sum(axis=0),
    }


def _statistics_pass(part: Partition, acf: PartitionedACF, b: np.ndarray, centre: Any) -> MarkovMoments:
    return _problem(part, acf, b, centre).fast


def _response_pass(part: Partition, acf: PartitionedACF, b: np.ndarray, thetas: list[np.ndarray],
                   fits: list[Any], free_mean: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    problem = _problem(part, acf, b)
    return [problem.labor_response_parts(t, f, free_mean) for t, f in zip(thetas, fits)]


def _sandwich_pass(part: Partition, acf: PartitionedACF, b: np.ndarray, theta: np.ndarray,
                   fit: Any) -> tuple[np.ndarray, np.ndarray, int]:
    return sandwich_parts(_problem(part, acf, b), theta, fit)


def _tfp_partition(pdf: pd.DataFrame, acf: PartitionedACF, theta: np.ndarray, delta: np.ndarray) -> pd.Series:
    panel, problem = _block(pdf, acf)
    tfp = problem.data.y - problem.x @ theta - problem.data.controls @ delta
    return panel.series(tfp, "tfp", on="index")


def _elasticity_partition(pdf: pd.DataFrame, acf: PartitionedACF, theta: np.ndarray) -> pd.DataFrame:
    panel, problem = _block(pdf, acf)
    k = problem.n_lin
    values = (translog_elasticities(problem.inputs, theta[:k], theta[k:]) if acf.settings.form == "translog"
              else np.tile(theta[:k], (problem.data.n, 1)))
    return pd.DataFrame({n: panel.series(values[:, j], n, on="index") for j, n in enumerate(acf.model.input_names)})


class _Blocks(GMMCriterion):
    """The ACF problem of a partitioned panel: what :func:`solve_acf` needs, from summed passes."""

    def __init__(self, acf: PartitionedACF, ddf: Any) -> None:
        self.acf, self.passes = acf, Passes(ddf, acf.model)
        total = totals(self._map(_first_pass), acf.model.spec.entity)
        if total["n"] <= total["zz"].shape[0] + acf.settings.markov_degree + 1:
            raise EstimationError(f"ACF: only {total['n']} firm-years with the lags the moments need.")
        self.dropped = total["rows"] - total["kept"]
        self.n_firms, self.nobs = total["firms"], float(total["n"])
        self.b = np.linalg.solve(total["xx"], total["xy"])
        self.ols_start = np.linalg.solve(total["ols_xx"], total["ols_xy"])[1:]
        n = total["n"]
        centre = (np.r_[total["fs_p"] @ self.b, total["x_p"]] / n, np.r_[total["fs_t"] @ self.b, total["x_t"]] / n)
        self.free_mean, self.input_means = total["free"] / n, total["inputs"] / total["kept"]
        self.n_lin, self.n_terms = self.input_means.size, total["x_p"].size
        self.n_ctrl = len(acf.model.spec.controls)
        self.ctrl_coef = self.b[1:1 + self.n_ctrl]
        self.fast = MarkovMoments.combine(self._map(_statistics_pass, self.b, centre))
        self.set_weight(np.linalg.inv(total["zz"]))  # the search reads it here; fast supplies the moments

    def _map(self, func: Callable[..., Any], *args: Any) -> list[Any]:
        return self.passes.run(func, self.acf, *args)

    def moments(self, theta: np.ndarray) -> np.ndarray:
        return self.fast.moments(theta)

    def moments_jacobian(self, theta: np.ndarray) -> np.ndarray:
        return self.fast.moments_jacobian(theta)

    def labor_responses(self, thetas: list[np.ndarray]) -> list[np.ndarray]:
        fits = [self.fast.markov_fit(t) for t in thetas]
        parts = self._map(_response_pass, self.b, thetas, fits, self.free_mean)
        return [labor_t(sum(p[i][0] for p in parts), sum(p[i][1] for p in parts)) for i in range(len(thetas))]

    def sandwich(self, theta: np.ndarray) -> np.ndarray:
        parts = self._map(_sandwich_pass, self.b, theta, self.fast.markov_fit(theta))
        return sandwich_from_parts(parts, self.weight, theta.size, self.n_ctrl)


def fit_acf_partitioned(acf: PartitionedACF, ddf: Any) -> Estimate:
    """ACF's estimate, standard errors and diagnostics from passes over the partitions of ``ddf``."""
    if acf.settings.moments != "standard":
        raise SpecificationError("ACF on a Dask DataFrame supports moments='standard' only.")
    problem = _Blocks(acf, ddf)
    solution = solve_acf(acf.settings, problem)
    theta = solution.theta
    cov = problem.sandwich(theta)
    problem.passes.close()
    tfp = ddf.map_partitions(_tfp_partition, acf, theta, problem.ctrl_coef, meta=pd.Series(dtype=float, name="tfp"))
    meta = pd.DataFrame({n: pd.Series(dtype=float) for n in acf.model.input_names})
    elasticities = ddf.map_partitions(_elasticity_partition, acf, theta, meta=meta)
    rts = None
    if acf.settings.form == "translog":
        rts = np.r_[translog_rts_weights(problem.input_means), np.zeros(problem.n_ctrl)]
    diag = {"objective": solution.objective, "starts": solution.starts, "refined": acf.settings.n_refine,
            "optima": list(solution.optima), "ties": solution.ties, "estimation_nobs": int(problem.nobs),
            "moments": acf.settings.moments, "n_entities": problem.n_firms, "partitions": len(problem.passes),
            "passes": problem.passes.log}
    return Estimate(np.r_[theta, problem.ctrl_coef], tfp, int(problem.nobs), cov, elasticities=elasticities,
                    rts_weights=rts, diagnostics=diag, warnings=list(solution.warnings), dropped=int(problem.dropped))
