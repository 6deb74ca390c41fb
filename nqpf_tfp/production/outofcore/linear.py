"""Wooldridge / Robinson-Wooldridge systems on a Dask DataFrame: summed ``Z'X``, ``Z'y``, ``Z'Z``.

One pass for the cross-products, one (two for two-step GMM) for the
firm-clustered meat at the estimate, on partitions read and validated once
(``Passes`` in ``outofcore/common.py``); then the same linear GMM as in memory
(:func:`..gmm.linear.gmm_from_sums`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..estimate import Estimate
from ..gmm.linear import LinearSystem, gmm_from_sums
from ..numerics.linalg import collinearity_r2, n_clusters
from ..spec import ModelData
from .common import Partition, PartitionedModel, Passes, constant_elasticities, model_frame, totals

__all__ = ["PartitionedLinearModel", "fit_linear_partitioned"]


@dataclass(frozen=True)
class PartitionedLinearModel:
    """A linear system estimator: how to build its system from a sample, and its GMM flavour."""

    model: PartitionedModel
    system: Callable[[ModelData], LinearSystem]
    efficient: bool
    n_equations: int
    #: columns 0..dependence_block-1 of Z'Z are the first-stage equation's instruments (constant, free inputs,
    #: ...), whose free-input columns give the functional-dependence R²; None: no such equation
    dependence_block: int | None = None


def _first(part: Partition, lin: PartitionedLinearModel) -> dict[str, Any]:
    system = lin.system(part.data)
    return {**part.first_counts, "zx": system.zx, "zy": system.zy, "zz": system.zz, "n": system.n,
            "present": n_clusters(system.clusters) if system.n else 0}


def _meat(part: Partition, lin: PartitionedLinearModel, params: np.ndarray) -> tuple[np.ndarray, float]:
    sums, uu = lin.system(part.data).cluster_scores(params)
    return sums.T @ sums, uu


def _tfp(pdf: pd.DataFrame, lin: PartitionedLinearModel, params: np.ndarray) -> pd.Series:
    panel, data = model_frame(pdf, lin.model)
    return panel.series(data.log_tfp(params), "tfp", on="index")


def fit_linear_partitioned(lin: PartitionedLinearModel, ddf: Any, cov_type: str) -> Estimate:
    """The system's estimate from passes over the partitions of ``ddf``."""
    passes = Passes(ddf, lin.model)
    spec = lin.model.spec
    total = totals(passes.run(_first, lin), spec.entity)

    def meat(params: np.ndarray) -> tuple[np.ndarray, float]:
        out = passes.run(_meat, lin, params)
        return sum(o[0] for o in out), float(sum(o[1] for o in out))

    fit = gmm_from_sums(total["zx"], total["zy"], total["zz"], meat, efficient=lin.efficient,
                        cov_type=cov_type, n_rows=int(total["n"]) * lin.n_equations, n_units=int(total["n"]),
                        n_groups=int(total["present"]))
    passes.close()
    k = 1 + len(spec.free) + len(spec.state) + len(spec.controls)
    params, cov = fit.params[1:k], fit.cov[1:k, 1:k]
    inputs = lin.model.input_names
    tfp = ddf.map_partitions(_tfp, lin, params, meta=pd.Series(dtype=float, name="tfp"))
    meta = pd.DataFrame({n: pd.Series(dtype=float) for n in inputs})
    elasticities = ddf.map_partitions(constant_elasticities, lin.model, params[:len(inputs)], meta=meta)
    diag = {"estimation_nobs": int(total["n"]), "instruments": int(total["zx"].shape[0]),
            "parameters": int(total["zx"].shape[1]), "n_entities": total["firms"], "partitions": len(passes),
            "passes": passes.log}
    if lin.dependence_block is not None:
        block = slice(0, lin.dependence_block)
        diag["free_input_r2"] = collinearity_r2(total["zz"][block, block], range(1, 1 + len(spec.free)))
    return Estimate(params, tfp, int(total["n"]), cov, elasticities=elasticities, diagnostics=diag,
                    j_stat=fit.j_stat, j_df=fit.j_df, dropped=int(total["rows"] - total["kept"]))
