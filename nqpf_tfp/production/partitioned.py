"""Out-of-core estimation on a Dask DataFrame partitioned by firm, without collecting it.

The estimator reads the data only through sums (DESIGN.md section 5), and
sums add up over blocks of whole firms. So each pass sends one small task per
partition to the workers of the running ``dask.distributed`` client; each
task rebuilds its partition from the source (a parquet file, say), validates
it exactly as the in-memory path does, and returns sums; the client adds them.
The Wooldridge systems (:func:`fit_linear_partitioned`) need the partitions'
``Z'X``, ``Z'y``, ``Z'Z`` and one pass (two for two-step GMM) for the
firm-clustered meat. ACF (:func:`fit_acf_partitioned`) makes five passes:

1. first-stage cross-products ``X'X``, ``X'y`` (and the OLS start's), the
   means the sufficient statistics are centred on, ``Z'Z``;
2. the sufficient statistics of the second stage
   (:class:`~.moments.MarkovMoments`), accumulated with that common centre;
3. the search runs on the client on the combined statistics (O(1) per
   evaluation), exactly as in memory;
4. the labour-response statistics of the optima (one pass for all of them);
5. the parts of the stacked sandwich (Jacobian over rows, meat over firms).

Log TFP and elasticities come back as Dask collections, computed when asked.
The numbers equal the in-memory fit to rounding (tested on a 2-worker
``LocalCluster``). Firms must not be split across partitions: shuffle by
firm first (``ddf.shuffle(on="firm")``); a split firm is an error.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import EstimationError, PanelError, SpecificationError
from .acf_inference import sandwich_from_parts, sandwich_parts
from .basis import translog_elasticities, translog_rts_weights
from .markov_gmm import GMMCriterion
from .linalg import n_clusters
from .linear_gmm import gmm_from_sums
from .moments import MarkovMoments
from .spec import build_model_data

__all__ = ["dask_client", "is_dask_frame", "fit_acf_partitioned", "fit_linear_partitioned"]


def is_dask_frame(data: object) -> bool:
    """A Dask DataFrame (checked without importing dask)."""
    return type(data).__module__.split(".")[0] == "dask" and hasattr(data, "to_delayed")


def dask_client() -> Any:
    """The running dask.distributed client, or an error saying how to start one."""
    try:
        from distributed import get_client
    except ImportError as exc:
        raise ImportError("Dask needs dask.distributed: pip install 'nqpf-tfp[dask]'") from exc
    try:
        return get_client()
    except ValueError as exc:
        raise SpecificationError(
            "Dask work runs on the current dask.distributed client and there is none: create one first, "
            "e.g. `from distributed import Client, LocalCluster; client = Client(LocalCluster(n_workers=2))`."
        ) from exc


def _block(pdf: pd.DataFrame, est: Any, b: np.ndarray | None = None, centre: Any = None) -> tuple[Any, Any]:
    """The partition validated as in memory, and its ACF problem (first-stage coefficients ``b``)."""
    from .acf import _Problem

    panel, data = _frame(pdf, est)
    return panel, _Problem(est, data, b=b, block=True, centre=centre)


def _first_pass(pdf: pd.DataFrame, est: Any) -> dict[str, Any]:
    panel, pr = _block(pdf, est)
    x_fs, y, rows, prev = pr.x_fs, pr.data.y, pr.rows, pr.prev
    no_ctrl = x_fs.copy()
    no_ctrl[:, 1:1 + pr.n_ctrl] = 0.0  # phi = x_fs b without the controls' part
    x1 = np.column_stack([np.ones(y.size), pr.x])
    return {
        "labels": panel.entity_labels, "rows": len(pdf), "kept": panel.nobs, "firms": panel.n_entities,
        "xx": x_fs.T @ x_fs, "xy": x_fs.T @ y, "ols_xx": x1.T @ x1, "ols_xy": x1.T @ y,
        "fs_p": no_ctrl[prev].sum(axis=0), "fs_t": no_ctrl[rows].sum(axis=0),
        "x_p": pr.x_p.sum(axis=0), "x_t": pr.x_t.sum(axis=0), "n": rows.size,
        "zz": pr.z.T @ pr.z, "free": pr.data.free[rows].sum(axis=0), "inputs": pr.inputs.sum(axis=0),
    }


def _statistics_pass(pdf: pd.DataFrame, est: Any, b: np.ndarray, centre: Any) -> MarkovMoments:
    return _block(pdf, est, b, centre)[1].fast


def _response_pass(pdf: pd.DataFrame, est: Any, b: np.ndarray, thetas: list[np.ndarray], fits: list[Any],
                   free_mean: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    problem = _block(pdf, est, b)[1]
    return [problem.labour_response_parts(t, f, free_mean) for t, f in zip(thetas, fits)]


def _sandwich_pass(pdf: pd.DataFrame, est: Any, b: np.ndarray, theta: np.ndarray,
                   fit: Any) -> tuple[np.ndarray, np.ndarray, int]:
    return sandwich_parts(_block(pdf, est, b)[1], theta, fit)


def _tfp_partition(pdf: pd.DataFrame, est: Any, theta: np.ndarray, delta: np.ndarray) -> pd.Series:
    panel, problem = _block(pdf, est)
    tfp = problem.data.y - problem.x @ theta - problem.data.controls @ delta
    return panel.series(tfp, "tfp", on="index")


def _elasticity_partition(pdf: pd.DataFrame, est: Any, theta: np.ndarray) -> pd.DataFrame:
    panel, problem = _block(pdf, est)
    names = est._input_names()
    k = problem.n_lin
    values = (translog_elasticities(problem.inputs, theta[:k], theta[k:]) if est.spec.form == "translog"
              else np.tile(theta[:k], (problem.data.n, 1)))
    return pd.DataFrame({n: panel.series(values[:, j], n, on="index") for j, n in enumerate(names)})


def _map(parts: list[Any], func: Callable[..., Any], est: Any, *args: Any) -> list[Any]:
    """``func(partition, est, *args)`` for every partition on the client's workers; the results, in order."""
    from dask import delayed

    client = dask_client()
    return client.gather(client.compute([delayed(func)(part, est, *args) for part in parts]))


def _totals(first: list[dict[str, Any]], est: Any) -> dict[str, Any]:
    """Sums of the first pass's statistics, after checking that no firm is split across partitions."""
    labels = np.concatenate([f["labels"] for f in first])
    uniq, counts = np.unique(labels, return_counts=True)
    if np.any(counts > 1):
        split = uniq[counts > 1][:3].tolist()
        raise PanelError(
            f"firms {split} appear in more than one partition; partition the Dask DataFrame by firm "
            f"first, e.g. ddf.shuffle(on={est.spec.entity!r})."
        )
    return {k: sum(f[k] for f in first) for k in first[0] if k != "labels"}


def _frame(pdf: pd.DataFrame, est: Any) -> tuple[Any, Any]:
    """The partition validated as the in-memory path validates a frame."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rows dropped are counted and reported by the client
        return build_model_data(pdf, est.spec, est._extra_columns())


def _linear_first(pdf: pd.DataFrame, est: Any) -> dict[str, Any]:
    panel, data = _frame(pdf, est)
    system = est._system(data)
    return {"labels": panel.entity_labels, "rows": len(pdf), "kept": panel.nobs, "firms": panel.n_entities,
            "zx": system.zx, "zy": system.zy, "zz": system.zz, "n": system.n,
            "present": n_clusters(system.clusters) if system.n else 0}


def _linear_meat(pdf: pd.DataFrame, est: Any, params: np.ndarray) -> tuple[np.ndarray, float]:
    sums, uu = est._system(_frame(pdf, est)[1]).cluster_scores(params)
    return sums.T @ sums, uu


def _linear_tfp(pdf: pd.DataFrame, est: Any, params: np.ndarray) -> pd.Series:
    panel, data = _frame(pdf, est)
    return panel.series(data.log_tfp(params), "tfp", on="index")


def _constant_elasticities(pdf: pd.DataFrame, est: Any, values: np.ndarray) -> pd.DataFrame:
    panel, data = _frame(pdf, est)
    names = est._input_names()
    return pd.DataFrame({n: panel.series(np.full(data.n, values[j]), n, on="index") for j, n in enumerate(names)})


def fit_linear_partitioned(est: Any, ddf: Any, cov_type: str) -> dict[str, Any]:
    """Wooldridge / Robinson-Wooldridge on a Dask DataFrame: sums of each partition's Z'X, Z'y, Z'Z,
    then one pass (two for two-step GMM) for the firm-clustered meat at the estimate."""
    parts = ddf.to_delayed()
    total = _totals(_map(parts, _linear_first, est), est)

    def meat(params: np.ndarray) -> tuple[np.ndarray, float]:
        out = _map(parts, _linear_meat, est, params)
        return sum(o[0] for o in out), float(sum(o[1] for o in out))

    fit = gmm_from_sums(total["zx"], total["zy"], total["zz"], meat, efficient=est._efficient(),
                        cov_type=cov_type, n_rows=int(total["n"]) * est.n_equations, n_units=int(total["n"]),
                        n_groups=int(total["present"]))
    k = 1 + len(est.spec.free) + len(est.spec.state) + len(est.spec.controls)
    params, cov = fit.params[1:k], fit.cov[1:k, 1:k]
    names = est._param_names()
    n_inputs = len(est._input_names())
    tfp = ddf.map_partitions(_linear_tfp, est, params, meta=pd.Series(dtype=float, name="tfp"))
    meta = pd.DataFrame({n: pd.Series(dtype=float) for n in est._input_names()})
    elasticities = ddf.map_partitions(_constant_elasticities, est, params[:n_inputs], meta=meta)
    diag = {"estimation_nobs": int(total["n"]), "instruments": int(total["zx"].shape[0]),
            "parameters": int(total["zx"].shape[1]), "n_entities": total["firms"], "partitions": len(parts)}
    return {"params": params, "cov": cov, "names": names, "nobs": int(total["n"]), "tfp": tfp,
            "elasticities": elasticities, "rts": None, "diagnostics": diag, "warnings": [],
            "dropped": total["rows"] - total["kept"], "j_stat": fit.j_stat, "j_df": fit.j_df}


class _Blocks(GMMCriterion):
    """The ACF problem of a partitioned panel: what :meth:`ACF._solve` needs, from summed passes."""

    def __init__(self, est: Any, ddf: Any) -> None:
        self.est, self.parts = est, ddf.to_delayed()
        total = _totals(self._map(_first_pass), est)
        if total["n"] <= total["zz"].shape[0] + est.spec.markov_degree + 1:
            raise EstimationError(f"ACF: only {total['n']} firm-years with the lags the moments need.")
        self.dropped = total["rows"] - total["kept"]
        self.n_firms, self.nobs = total["firms"], float(total["n"])
        self.b = np.linalg.solve(total["xx"], total["xy"])
        self.ols_start = np.linalg.solve(total["ols_xx"], total["ols_xy"])[1:]
        n = total["n"]
        centre = (np.r_[total["fs_p"] @ self.b, total["x_p"]] / n, np.r_[total["fs_t"] @ self.b, total["x_t"]] / n)
        self.free_mean, self.input_means = total["free"] / n, total["inputs"] / total["kept"]
        self.n_lin, self.n_terms = self.input_means.size, total["x_p"].size
        self.n_ctrl = len(est.spec.controls)
        self.ctrl_coef = self.b[1:1 + self.n_ctrl]
        self.fast = MarkovMoments.combine(self._map(_statistics_pass, self.b, centre))
        self.set_weight(np.linalg.inv(total["zz"]))  # the search reads it here; fast supplies the moments

    def _map(self, func: Callable[..., Any], *args: Any) -> list[Any]:
        return _map(self.parts, func, self.est, *args)

    def moments(self, theta: np.ndarray) -> np.ndarray:
        return self.fast.moments(theta)

    def moments_jacobian(self, theta: np.ndarray) -> np.ndarray:
        return self.fast.moments_jacobian(theta)

    def labour_responses(self, thetas: list[np.ndarray]) -> list[np.ndarray]:
        from .acf import labour_t

        fits = [self.fast.markov_fit(t) for t in thetas]
        parts = self._map(_response_pass, self.b, thetas, fits, self.free_mean)
        return [labour_t(sum(p[i][0] for p in parts), sum(p[i][1] for p in parts)) for i in range(len(thetas))]

    def sandwich(self, theta: np.ndarray) -> np.ndarray:
        parts = self._map(_sandwich_pass, self.b, theta, self.fast.markov_fit(theta))
        return sandwich_from_parts(parts, self.weight, theta.size, self.n_ctrl)


def fit_acf_partitioned(est: Any, ddf: Any) -> dict[str, Any]:
    """Everything :class:`~.results.ProductionResults` needs, from passes over the partitions."""
    if est.moments != "standard":
        raise SpecificationError("ACF on a Dask DataFrame supports moments='standard' only.")
    problem = _Blocks(est, ddf)
    theta, diag, warn, _, _ = est._solve(problem)
    cov = problem.sandwich(theta)
    names = est._param_names()
    tfp = ddf.map_partitions(_tfp_partition, est, theta, problem.ctrl_coef, meta=pd.Series(dtype=float, name="tfp"))
    meta = pd.DataFrame({n: pd.Series(dtype=float) for n in est._input_names()})
    elasticities = ddf.map_partitions(_elasticity_partition, est, theta, meta=meta)
    rts = None
    if est.spec.form == "translog":
        rts = np.r_[translog_rts_weights(problem.input_means), np.zeros(problem.n_ctrl)]
    diag.update(n_entities=problem.n_firms, partitions=len(problem.parts))
    return {"params": np.r_[theta, problem.ctrl_coef], "cov": cov, "names": names, "nobs": int(problem.nobs),
            "tfp": tfp, "elasticities": elasticities, "rts": rts, "diagnostics": diag, "warnings": warn,
            "dropped": problem.dropped, "j_stat": None, "j_df": None}
