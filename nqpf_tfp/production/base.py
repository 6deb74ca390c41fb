"""What every production-function estimator shares: the constructor, formulas, fit and bootstrap."""

from __future__ import annotations

import time as _time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import ConvergenceWarning, EstimationError, SpecificationError
from ..options import check_option
from .linalg import check_rank
from .partitioned import dask_client, is_dask_frame
from .results import ProductionResults
from .spec import ModelData, ProductionSpec, build_model_data

__all__ = ["ProductionEstimator", "Estimate"]


@dataclass
class Estimate:
    """One estimation on one sample.

    ``params`` are in the order of :meth:`ProductionEstimator._param_names`;
    ``tfp`` is log TFP of every row of the sample (output minus the estimated
    contribution of inputs and controls).
    """

    params: np.ndarray
    tfp: np.ndarray
    nobs: int
    cov: np.ndarray | None = None
    _: KW_ONLY
    elasticities: np.ndarray | None = None  # (n, inputs); None: the input coefficients (Cobb-Douglas)
    rts_weights: np.ndarray | None = None  # returns to scale (mean) = rts_weights @ params; None: 1 on inputs
    j_stat: float | None = None
    j_df: int | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # emitted by fit() for the full sample only


class ProductionEstimator:
    """Base class: validates the specification and data once; ``fit()`` estimates.

    Parameters
    ----------
    data : pandas.DataFrame
        Firm panel, one row per (entity, time); never modified.
    output : str
        Log output (value added when ``value_added=True``).
    free : str or list of str
        Freely chosen inputs (labour).
    state : str or list of str
        State inputs (capital).
    proxy : str or list of str, optional
        Proxy variable: investment (Olley-Pakes) or intermediate input
        (Levinsohn-Petrin, Wooldridge).
    controls : str or list of str, optional
        Further regressors (e.g. year dummies), entering linearly.
    entity, time : str, optional
        Key columns; omit both to use a two-level (entity, time) MultiIndex.
    form : {"cobb-douglas", "translog"}
    value_added : bool
        Output is value added (default). Gross output with a proxy-based
        estimator needs the proxy as an input (see GNR).
    poly_degree : int
        Degree of the first-stage polynomial in (state, proxy); 2 is R
        prodest's (linear terms, squares and pairwise products).
    markov_degree : int
        Degree of the polynomial of the productivity process g(omega_{t-1});
        3 (a cubic with a constant) is R prodest's.
    take_logs : bool
        Variables are given in levels: take logs (each must be positive).
    missing : {"drop", "raise"}
        Rows with missing values: dropped with a warning, or an error.
    """

    method: ClassVar[str] = "base"
    needs_state: ClassVar[bool] = True
    needs_proxy: ClassVar[bool] = True
    needs_lags: ClassVar[bool] = True
    supports_translog: ClassVar[bool] = False
    supports_gross_output: ClassVar[bool] = False  # gross output with the proxy as an input
    default_cov: ClassVar[str] = "bootstrap"
    supports_dask: ClassVar[bool] = False  # fit() on a Dask DataFrame partitioned by firm

    def __init__(
        self,
        data: pd.DataFrame,
        output: str,
        free: str | Sequence[str] | None = None,
        state: str | Sequence[str] | None = None,
        proxy: str | Sequence[str] | None = None,
        controls: str | Sequence[str] | None = None,
        *,
        entity: str | None = None,
        time: str | None = None,
        form: str = "cobb-douglas",
        value_added: bool = True,
        poly_degree: int = 2,
        markov_degree: int = 3,
        take_logs: bool = False,
        missing: str = "drop",
    ) -> None:
        self.spec = ProductionSpec.make(
            output=output, free=free, state=state, proxy=proxy, controls=controls, entity=entity, time=time,
            form=form, value_added=value_added, poly_degree=poly_degree, markov_degree=markov_degree,
            take_logs=take_logs, missing=missing,
        )
        self._check_spec()
        self._ddf = None
        if is_dask_frame(data):  # out of core: the data stay in their partitions (see partitioned.py)
            if not self.supports_dask:
                raise SpecificationError(
                    f"{self.method} does not take a Dask DataFrame yet (ACF does); pass a pandas DataFrame, "
                    "e.g. ddf.compute() when it fits in memory.")
            self._ddf = data
            return
        self._panel, self._data = build_model_data(data, self.spec, self._extra_columns())
        if self.needs_lags:
            self._panel.require_consecutive(self.method)
        names = ["const", *self.spec.inputs, *self.spec.controls]
        design = np.column_stack([np.ones(self._data.n), self._data.free, self._data.state, self._data.controls])
        check_rank(design, names, f"{self.method}: inputs")

    # ------------------------------------------------------------ contract
    def _check_spec(self) -> None:
        spec = self.spec
        if not spec.free and not spec.state:
            raise SpecificationError(f"{self.method} needs at least one input (free= or state=).")
        if self.needs_state and not spec.state:
            raise SpecificationError(f"{self.method} needs state= (e.g. capital).")
        if self.needs_proxy and not spec.proxy:
            raise SpecificationError(f"{self.method} needs proxy= (investment or an intermediate input).")
        if not self.needs_proxy and spec.proxy:
            raise SpecificationError(f"{self.method} uses no proxy; remove proxy={list(spec.proxy)}.")
        if spec.form == "translog" and not self.supports_translog:
            raise SpecificationError(
                f"form='translog' is not available for {self.method} yet; use 'cobb-douglas', "
                "or OLS / FixedEffects / ACF for a translog."
            )
        if not spec.value_added and self.needs_proxy and not self.supports_gross_output:
            raise SpecificationError(
                f"{self.method} with value_added=False: gross output with the proxy among the inputs is not "
                "identified by this estimator (Gandhi, Navarro and Rivers 2020); use value added, or GNR / ACF."
            )

    def _extra_columns(self) -> Sequence[str]:
        return ()

    def _param_names(self) -> list[str]:
        return list(self.spec.inputs) + list(self.spec.controls)

    def _input_names(self) -> list[str]:
        """Inputs whose output elasticities are reported (the proxy too, for gross output)."""
        return list(self.spec.inputs)

    def _estimate(self, data: ModelData, cov_type: str) -> Estimate:
        raise NotImplementedError

    def _cov_types(self) -> tuple[str, ...]:
        return ("bootstrap",)

    # ------------------------------------------------------------- formula
    @classmethod
    def from_formula(cls, formula: str, data: pd.DataFrame, **kwargs: Any) -> ProductionEstimator:
        """Build from ``"output ~ free | state | proxy [| controls]"``.

        Each part is a formulaic right-hand side: ``"Y ~ fX1 + fX2 | sX | pX"``,
        and transformations such as ``np.log(K)`` are evaluated by formulaic.
        Estimators without a proxy take ``"output ~ free | state [| controls]"``.
        """
        from .formula import parse_formula

        keys = (kwargs.get("entity"), kwargs.get("time"))
        frame, roles = parse_formula(formula, data, has_proxy=cls.needs_proxy, keys=keys)
        overlap = set(roles) & set(kwargs)
        if overlap:
            raise SpecificationError(f"{sorted(overlap)} are given by the formula; do not pass them again.")
        return cls(frame, **roles, **kwargs)

    # ----------------------------------------------------------------- fit
    def fit(
        self,
        *,
        cov_type: str | None = None,
        bootstrap: int = 0,
        seed: int | np.random.SeedSequence | None = None,
        n_jobs: int = 1,
        backend: str = "threads",
        on_failure: str = "raise",
        progress: bool = False,
    ) -> ProductionResults:
        """Estimate.

        Parameters
        ----------
        cov_type : str, optional
            Analytic covariance where the estimator has one (see the class);
            ``None`` uses the estimator's default.
        bootstrap : int
            Firm-cluster bootstrap replications (0: none). Each replication
            resamples firms with replacement and re-estimates every stage.
            When > 0 the covariance is the bootstrap covariance.
        seed : int or SeedSequence, optional
            Replication *b* draws from ``SeedSequence(seed).spawn(B)[b]``, so
            the numbers do not depend on ``n_jobs``.
        n_jobs : int
            Threads or processes running replications (``backend="threads"``
            or ``"processes"``).
        backend : {"threads", "processes", "dask"}
            Where replications run: local threads; ``n_jobs`` local processes
            (forked on Linux and macOS, sharing the data: faster where the
            many small array operations of a replication hold the GIL); or the
            workers of the running ``dask.distributed`` client (create one
            first, e.g. ``Client(LocalCluster(n_workers=4))``). The numbers
            are the same.
        on_failure : {"raise", "warn"}
            A failed replication raises (default), or is dropped with a warning.
        progress : bool
            Show a tqdm progress bar over replications.
        """
        on_failure = check_option("on_failure", on_failure)
        backend = check_option("backend", backend)
        if bootstrap and cov_type not in (None, "bootstrap"):
            raise SpecificationError(f"cov_type={cov_type!r} with bootstrap={bootstrap}: choose one.")
        chosen = "bootstrap" if bootstrap else (cov_type or self.default_cov)
        if chosen != "bootstrap":
            allowed = self._cov_types()
            check_option("cov_type", chosen)
            if chosen not in allowed:
                raise SpecificationError(f"cov_type={chosen!r} is not available for {self.method}; use one of {allowed}.")
        elif not bootstrap:
            raise SpecificationError(
                f"{self.method} has no analytic standard errors: pass bootstrap=B (e.g. 100) and a seed."
            )
        start = _time.perf_counter()
        if self._ddf is not None:
            if bootstrap:
                raise SpecificationError("bootstrap on a Dask DataFrame is not available; the analytic "
                                         "firm-clustered standard errors are (cov_type='cluster').")
            return self._fit_partitioned(start, chosen)
        est = self._estimate(self._data, "unadjusted" if chosen == "bootstrap" else chosen)
        names = self._param_names()
        diagnostics: dict[str, Any] = {"method": self.method, "n_entities": self._data.n_entities, **est.diagnostics}
        for message in est.warnings:
            warnings.warn(message, ConvergenceWarning, stacklevel=2)
        if bootstrap:
            cov, boot_diag = self._bootstrap(est, int(bootstrap), seed, n_jobs, on_failure, progress, backend)
            diagnostics.update(boot_diag)
        else:
            assert est.cov is not None
            cov = est.cov
        diagnostics["seconds"] = _time.perf_counter() - start
        return ProductionResults(
            method=self.method,
            params=pd.Series(est.params, index=names, name="coef"),
            cov=pd.DataFrame(cov, index=names, columns=names),
            cov_type=chosen,
            nobs=est.nobs,
            tfp=self._panel.series(est.tfp, "tfp", on="index"),
            elasticities=self._elasticities(est, names),
            rts_weights=self._rts_series(est.rts_weights, names),
            inputs=self._input_names(),
            diagnostics=diagnostics,
            j_stat=None if bootstrap else est.j_stat,
            j_df=None if bootstrap else est.j_df,
        )

    def _partitioned_estimate(self, cov_type: str) -> dict[str, Any]:
        """Estimates from passes over the partitions of ``self._ddf`` (see :mod:`~.partitioned`)."""
        raise NotImplementedError

    def _fit_partitioned(self, start: float, cov_type: str) -> ProductionResults:
        out = self._partitioned_estimate(cov_type)
        if out["dropped"]:
            warnings.warn(f"dropped {out['dropped']} rows with missing values (missing='drop').", stacklevel=3)
        for message in out["warnings"]:
            warnings.warn(message, ConvergenceWarning, stacklevel=3)
        names = out["names"]
        return ProductionResults(
            method=self.method, params=pd.Series(out["params"], index=names, name="coef"),
            cov=pd.DataFrame(out["cov"], index=names, columns=names), cov_type=cov_type, nobs=out["nobs"],
            tfp=out["tfp"], elasticities=out["elasticities"], rts_weights=self._rts_series(out["rts"], names),
            inputs=self._input_names(), j_stat=out["j_stat"], j_df=out["j_df"],
            diagnostics={"method": self.method, **out["diagnostics"], "seconds": _time.perf_counter() - start})

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_ddf"] = None  # tasks sent to Dask workers carry the specification, not the collection
        return state

    def _rts_series(self, weights: np.ndarray | None, names: list[str]) -> pd.Series:
        """Weights with mean returns to scale = weights @ params; by default 1 on each input."""
        if weights is None:
            weights = np.array([1.0 if n in self._input_names() else 0.0 for n in names])
        return pd.Series(weights, index=names)

    def _elasticities(self, est: Estimate, names: list[str]) -> pd.DataFrame:
        inputs = self._input_names()
        if est.elasticities is None:
            coefs = [est.params[names.index(i)] for i in inputs]
            values = np.tile(coefs, (self._data.n, 1))
        else:
            values = est.elasticities
        return pd.DataFrame({i: self._panel.series(values[:, j], i, on="index") for j, i in enumerate(inputs)})

    def _prepare_bootstrap(self) -> None:
        """Build what every replication shares (before the replications start, so threads need no lock)."""

    def _replicate(self, full: Estimate, firms: np.ndarray) -> np.ndarray:
        """Parameters on the sample made of ``firms`` (drawn with replacement); every stage re-estimated.

        The default copies the rows; estimators with sufficient statistics override it with firm weights.
        """
        return self._estimate(self._data.resample(firms), "unadjusted").params

    def _bootstrap(
        self, full: Estimate, reps: int, seed: Any, n_jobs: int, on_failure: str, progress: bool,
        backend: str = "threads",
    ) -> tuple[np.ndarray, dict[str, Any]]:
        seeds = (seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)).spawn(reps)
        self._prepare_bootstrap()
        draws = np.full((reps, full.params.size), np.nan)
        failures: list[tuple[int, str]] = []
        indices: Any = range(reps)
        if progress:
            try:
                from tqdm.auto import tqdm
            except ImportError as exc:
                raise ImportError("progress=True needs tqdm: pip install 'nqpf-tfp[progress]'") from exc
            indices = tqdm(indices, desc=f"{self.method} bootstrap", total=reps)

        def collect(outcomes: Any) -> None:
            for b, outcome in zip(indices, outcomes):
                if isinstance(outcome, str):
                    failures.append((b, outcome))
                else:
                    draws[b] = outcome

        if backend == "dask":
            collect(_dask_outcomes(self, full, seeds))
        elif backend == "processes" and n_jobs > 1:
            collect(_process_outcomes(self, full, seeds, n_jobs))
        elif n_jobs == 1:
            collect(_attempt(self, full, s) for s in seeds)
        else:
            with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                collect(pool.map(lambda s: _attempt(self, full, s), seeds))
        bad = ~np.isfinite(draws).all(axis=1)
        raised = {b for b, _ in failures}
        failures += [(int(b), "non-finite estimate") for b in np.flatnonzero(bad) if b not in raised]
        failures.sort()
        if failures:
            listing = "; ".join(f"replication {b}: {msg}" for b, msg in failures[:5])
            if on_failure == "raise":
                raise EstimationError(
                    f"{len(failures)} of {reps} bootstrap replications failed ({listing}). "
                    "Pass on_failure='warn' to drop them."
                )
            warnings.warn(f"dropped {len(failures)} of {reps} failed bootstrap replications: {listing}",
                          ConvergenceWarning, stacklevel=3)
        good = draws[~bad]
        if good.shape[0] < 2:
            raise EstimationError(f"only {good.shape[0]} bootstrap replications succeeded; need at least 2.")
        cov = np.atleast_2d(np.cov(good, rowvar=False, ddof=1))
        return cov, {"bootstrap_replications": int(good.shape[0]), "bootstrap_failures": failures}


def _attempt(model: ProductionEstimator, full: Estimate, seed: np.random.SeedSequence) -> np.ndarray | str:
    """One replication from its own seed, on any backend; a failure comes back as its message."""
    n_firms = model._data.n_entities
    firms = np.random.default_rng(seed).integers(0, n_firms, n_firms)
    try:
        return model._replicate(full, firms)
    except Exception as exc:  # noqa: BLE001 - every failure is reported by _bootstrap
        return f"{type(exc).__name__}: {exc}"


_SHARED: tuple[ProductionEstimator, Estimate] | None = None  # set in each forked bootstrap process


def _share(model: ProductionEstimator, full: Estimate) -> None:
    global _SHARED
    _SHARED = (model, full)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # one BLAS thread per process: n_jobs processes, not n_jobs x cores threads


def _shared_attempt(seed: np.random.SeedSequence) -> np.ndarray | str:
    assert _SHARED is not None
    return _attempt(*_SHARED, seed)


def _process_outcomes(model: ProductionEstimator, full: Estimate, seeds: list[np.random.SeedSequence],
                      n_jobs: int) -> Any:
    """The replications in ``n_jobs`` processes. Forked where the platform allows it, so the model
    and its data are inherited (copy-on-write), not pickled; elsewhere they are sent once per process."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context, initializer=_share,
                             initargs=(model, full)) as pool:
        return list(pool.map(_shared_attempt, seeds, chunksize=max(1, len(seeds) // (4 * n_jobs))))


def _dask_outcomes(model: ProductionEstimator, full: Estimate, seeds: list[np.random.SeedSequence]) -> Any:
    """The replications on the current dask.distributed client's workers, in order."""
    client = dask_client()
    shared = client.scatter(model, broadcast=True)  # the data travel to each worker once
    futures = client.map(_attempt, [shared] * len(seeds), [full] * len(seeds), seeds, pure=False)
    return (future.result() for future in futures)
