"""What every production-function estimator shares: the constructor, formulas, fit and bootstrap."""

from __future__ import annotations

import dataclasses
import inspect
import time as _time
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...docstrings import complete_docstring, inherit_docstrings
from ...errors import ConvergenceWarning, DroppedRowsWarning, SpecificationError, warn
from ...keywords import check_forwarded_keywords, open_keywords, strict_class
from ...options import check_option
from ...panel import Panel
from ...parallel import is_dask_frame
from ...parallel.bootstrap import Replication, ReplicationSettings, bootstrap_covariance
from ..checks import check_clusters, check_magnitudes, check_result, check_within_variation
from ..estimate import Estimate
from ..model_checks import ModelChecks, emit_warnings, evaluate_checks
from ..numerics.linalg import check_rank
from ..outofcore import PartitionedModel
from ..results import ProductionResults
from ..spec import ModelData, ProductionSpec, build_model_data

__all__ = ["ProductionEstimator"]


@dataclasses.dataclass(frozen=True)
class _FitSettings:
    """The checked arguments of :meth:`ProductionEstimator.fit`."""

    cov_type: str
    bootstrap: int
    seed: np.random.SeedSequence | None
    n_jobs: int
    backend: str
    on_failure: str
    progress: bool
    checks: ModelChecks


class ProductionEstimator:
    """Base class: validates the specification and data once; ``fit()`` estimates.

    Parameters
    ----------
    data : pandas.DataFrame
        Firm panel, one row per (entity, time); never modified.
    output : str
        Log output (value added when ``value_added=True``).
    free : str or list of str
        Freely chosen inputs (labor).
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
        Functional form: log-linear in the inputs, or with their squares and
        cross products as well (estimators that support it).
    value_added : bool
        Output is value added (default) or gross output (``False``). This
        says only what ``output`` measures; it never changes the inputs.
    proxy_input : bool, optional
        Whether the proxy is also an input of the production function (the
        intermediate input of a gross-output function, as in Stata
        ``prodest ..., acf`` without ``va``). Only gross output
        (``value_added=False``) can have it, and only ACF estimates it; with
        gross output and a proxy, the choice must be made explicitly:
        ``True`` for a materials proxy, ``False`` for an investment proxy
        (then list the intermediate input among ``free``).
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
    supports_proxy_input: ClassVar[bool] = False  # gross output with the proxy among the inputs
    default_cov: ClassVar[str] = "bootstrap"
    supports_dask: ClassVar[bool] = False  # fit() on a Dask DataFrame partitioned by firm
    #: roles whose columns must vary within firms, and why (see :mod:`nqpf_tfp.production.checks`)
    #:
    #: :meta private:
    varies_within: ClassVar[tuple[str, ...]] = ("state", "proxy")
    within_reason: ClassVar[str] = ("the control-function estimators recover productivity from the state and proxy "
                                    "and identify the coefficients from its changes within firms.")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherit_docstrings(cls)
        strict_class(cls)  # unknown keywords of the constructor, fit() and from_formula() name the closest
        # the shared keywords an estimator takes through **kwargs are documented on its own page
        cls.__doc__ = complete_docstring(cls.__doc__ or "", ProductionEstimator.__doc__ or "", inspect.signature(cls))

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
        proxy_input: bool | None = None,
        poly_degree: int = 2,
        markov_degree: int = 3,
        take_logs: bool = False,
        missing: str = "drop",
    ) -> None:
        self.spec = ProductionSpec.make(
            output=output, free=free, state=state, proxy=proxy, controls=controls, entity=entity, time=time,
            form=form, value_added=value_added, proxy_input=proxy_input, poly_degree=poly_degree,
            markov_degree=markov_degree, take_logs=take_logs, missing=missing,
        )
        self._check_spec()
        self._ddf: Any = None
        self._full: Estimate | None = None  # the full-sample estimate, once a bootstrap needs it
        if is_dask_frame(data):  # out of core: the data stay in their partitions (see nqpf_tfp.production.outofcore)
            if not self.supports_dask:
                raise SpecificationError(
                    f"{self.method} does not take a Dask DataFrame yet (ACF, Wooldridge and RobinsonWooldridge do); "
                    "pass a pandas DataFrame, "
                    "e.g. ddf.compute() when it fits in memory.")
            self._ddf = data
            return
        self._panel, self._data = build_model_data(data, self.spec, self._extra_columns())
        check_magnitudes(self._data, self.spec)
        if self.needs_lags:
            self._panel.require_consecutive(self.method)
        check_within_variation(self._data, self.spec, self.varies_within, self.method, self.within_reason)
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
        self.spec = dataclasses.replace(spec, proxy_input=self._proxy_input(spec))

    def _proxy_input(self, spec: ProductionSpec) -> bool:
        """Whether the proxy is a production input: only by an explicit choice, and only for gross output."""
        chosen = spec.proxy_input
        if chosen and not spec.proxy:
            raise SpecificationError("proxy_input=True needs a proxy= column (the intermediate input).")
        if chosen and spec.value_added:
            raise SpecificationError(
                "proxy_input=True makes the proxy an input of a gross-output production function, but "
                "value_added=True says output is value added, which has no intermediate input; pass "
                "value_added=False as well, or leave proxy_input out.")
        if chosen and not self.supports_proxy_input:
            raise SpecificationError(
                f"{self.method} cannot estimate the proxy's elasticity (proxy_input=True): with the proxy among the "
                "inputs gross output is not identified by this estimator (Gandhi, Navarro and Rivers 2020); use "
                "ACF (proxy_input=True) or GNR, or proxy_input=False with the intermediate input among free=.")
        if chosen is None and spec.proxy and not spec.value_added:
            raise SpecificationError(
                f"value_added=False (gross output) with proxy={list(spec.proxy)}: say whether the proxy is also a "
                "production input. proxy_input=True when it is the intermediate input (materials; Stata prodest's "
                "gross-output ACF), proxy_input=False when it is not (investment; then list the intermediate input "
                "among free=).")
        return bool(chosen)

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

    def _default_cov(self) -> str:
        """The covariance ``fit()`` computes when neither ``cov_type`` nor ``bootstrap`` is given."""
        return self.default_cov

    def __repr__(self) -> str:
        """The specification in formula form and the sample: ``<ACF: Y ~ fX1 + fX2 | sX | pX; ...>``."""
        spec = self.spec
        parts = [" + ".join(map(str, spec.free)) or "0", " + ".join(map(str, spec.state)) or "0"]
        if self.needs_proxy:
            parts.append(" + ".join(map(str, spec.proxy)) or "0")
        if spec.controls:
            parts.append(" + ".join(map(str, spec.controls)))
        output = "value added" if spec.value_added else "gross output" + (", proxy an input" if spec.proxy_input
                                                                          else "")
        sample = ("a Dask DataFrame" if self._ddf is not None
                  else f"{self._data.n} rows, {self._panel.n_entities} entities")
        return f"<{type(self).__name__}: {spec.output} ~ {' | '.join(parts)}; {spec.form}, {output}; {sample}>"

    # ------------------------------------------------------------- formula
    @classmethod
    @open_keywords("the estimator's constructor keywords (entity=, time=, form=, ...), checked against it")
    def from_formula(cls, formula: str, data: pd.DataFrame, **kwargs: Any) -> ProductionEstimator:
        """Build from ``"output ~ free | state | proxy [| controls]"``.

        Each part is a formulaic right-hand side: ``"Y ~ fX1 + fX2 | sX | pX"``,
        and transformations such as ``np.log(K)`` are evaluated by formulaic.
        Estimators without a proxy take ``"output ~ free | state [| controls]"``.

        Parameters
        ----------
        formula : str
            The roles, separated by ``|``, with the output on the left of ``~``.
        data : pandas.DataFrame
            The panel the formula's names refer to; never modified.
        **kwargs
            The estimator's other constructor keywords (``entity=``, ``time=``,
            ``form=``, ...); the roles come from the formula only.

        Returns
        -------
        ProductionEstimator
            The estimator, validated and ready to ``fit()``.

        Examples
        --------
        >>> import nqpf_tfp as nt
        >>> data = nt.datasets.load_chilean()
        >>> est = nt.LevinsohnPetrin.from_formula("Y ~ fX1 + fX2 | sX | pX", data, entity="idvar", time="timevar")
        """
        from ..formula import parse_formula

        parts = ("output", "free", "state", "proxy", "controls")
        given = {k: v for k, v in kwargs.items() if k not in parts}  # roles given twice: refused below
        check_forwarded_keywords(given, cls, f"{cls.__name__}.from_formula()", exclude=("data", *parts))
        keys = (kwargs.get("entity"), kwargs.get("time"))
        frame, roles = parse_formula(formula, data, has_proxy=cls.needs_proxy, keys=keys, needs_state=cls.needs_state,
                                     method=cls.method)
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
        backend: str = "processes",
        on_failure: str = "raise",
        progress: bool = False,
        checks: ModelChecks | None = None,
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
            Processes or threads running replications.
        backend : {"processes", "threads", "dask"}
            Where replications run: ``n_jobs`` local processes (the default
            everywhere in nqpf_tfp; forked on Linux and macOS, sharing the data:
            faster where the many small array operations of a replication hold
            the GIL); local threads; or the
            workers of the running ``dask.distributed`` client (create one
            first, e.g. ``Client(LocalCluster(n_workers=4))``). The numbers
            are the same.
        on_failure : {"raise", "warn"}
            A failed replication raises (default), or is dropped with a warning.
        progress : bool
            Show a tqdm progress bar over replications.
        checks : ModelChecks, optional
            Thresholds of the model checks run on the estimate (over-identification,
            functional dependence, implausible technology, weak identification) and
            the checks to silence; default :class:`~nqpf_tfp.production.ModelChecks()`.
            A check that fires warns once, with its own category
            (:class:`~nqpf_tfp.errors.ModelWarning` subclasses), and is listed under
            "Warnings" in ``summary()``; all outcomes are in ``diagnostics.model_checks``.

        Returns
        -------
        ProductionResults
            Coefficients, standard errors, TFP per observation, elasticities,
            returns to scale and the diagnostics of the fit.
        """
        settings = self._fit_settings(cov_type, bootstrap, seed, n_jobs, backend, on_failure, progress, checks)
        # the estimation runs on a shallow copy: what it caches for the bootstrap never changes this estimator
        work = object.__new__(type(self))  # not copy.copy: __getstate__ leaves out what workers need not get
        work.__dict__.update(self.__dict__)
        start = _time.perf_counter()
        est, cov, diagnostics = work._compute(settings)
        diagnostics["seconds"] = _time.perf_counter() - start
        results = work._results(est, cov, settings.cov_type, diagnostics, settings.checks)
        emit_warnings(results.diagnostics.model_checks or ())
        return results

    def _fit_settings(self, cov_type: str | None, bootstrap: Any, seed: Any, n_jobs: Any, backend: Any,
                      on_failure: Any, progress: Any, checks: Any) -> _FitSettings:
        """Every argument of :meth:`fit` checked, before any work."""
        if checks is None:
            checks = ModelChecks()
        elif not isinstance(checks, ModelChecks):
            raise SpecificationError(f"checks must be a ModelChecks object (nqpf_tfp.ModelChecks(...)), "
                                     f"not {type(checks).__name__}.")
        rep = ReplicationSettings.check(bootstrap, seed, n_jobs, backend, on_failure, progress,
                                        none="bootstrap=0 (analytic)")  # progress is checked by strict_keywords
        bootstrap = rep.replications
        if bootstrap and cov_type not in (None, "bootstrap"):
            raise SpecificationError(f"cov_type={cov_type!r} with bootstrap={bootstrap}: choose one.")
        chosen = "bootstrap" if bootstrap else (cov_type or self._default_cov())
        if chosen != "bootstrap":
            allowed = self._cov_types()
            check_option("cov_type", chosen)
            if chosen not in allowed:
                raise SpecificationError(
                    f"cov_type={chosen!r} is not available for {self.method}; use one of {allowed}.")
        elif not bootstrap:
            raise SpecificationError(
                f"{self.method} has no analytic standard errors: pass bootstrap=B (e.g. 100) and a seed."
            )
        if self._ddf is not None and bootstrap:
            raise SpecificationError("bootstrap on a Dask DataFrame is not available; the analytic "
                                     "firm-clustered standard errors are (cov_type='cluster').")
        if self._ddf is None and chosen in ("cluster", "bootstrap"):
            check_clusters(self._data.n_entities, len(self._param_names()), self._panel.entity_name, self.method)
        return _FitSettings(chosen, bootstrap, rep.seed, rep.n_jobs, rep.backend, rep.on_failure, rep.progress, checks)

    def _compute(self, settings: _FitSettings) -> tuple[Estimate, np.ndarray, dict[str, Any]]:
        """The point estimate and its covariance (analytic or bootstrap), with the facts for the diagnostics."""
        if self._ddf is not None:
            est = self._partitioned_estimate(self._ddf, settings.cov_type)
        else:
            est = self._estimate(self._data, "unadjusted" if settings.bootstrap else settings.cov_type)
        if est.dropped:
            warn(f"dropped {est.dropped} rows with missing values (missing='drop').", DroppedRowsWarning)
        for message in est.warnings:
            warn(message, ConvergenceWarning)
        diagnostics: dict[str, Any] = {"method": self.method, **est.diagnostics}
        if self._ddf is None:
            diagnostics["n_entities"] = self._data.n_entities
        if not settings.bootstrap:
            assert est.cov is not None
            return est, est.cov, diagnostics
        self._full = est
        self._prepare_bootstrap()  # before the replications start, so threads need no lock
        outcome = bootstrap_covariance(
            Replication(self._replicate, self._data.n_entities), est.params.size, settings.bootstrap, settings.seed,
            n_jobs=settings.n_jobs, backend=settings.backend, on_failure=settings.on_failure,
            progress=settings.progress, label=f"{self.method} bootstrap")
        diagnostics.update(bootstrap_replications=outcome.replications, bootstrap_failures=list(outcome.failures),
                           bootstrap_resampling="reweighted firms" if self._reweights() else "copied rows")
        return est, outcome.cov, diagnostics

    # ------------------------------------------------- advanced interface
    @property
    def panel(self) -> Panel:
        """The validated panel (sorted by entity and time; maps rows back to the caller's index)."""
        self._require_in_memory("panel")
        return self._panel

    @property
    def model_data(self) -> ModelData:
        """The validated estimation arrays, sorted by (entity, time).

        :meta private:
        """
        self._require_in_memory("model_data")
        return self._data

    def point_estimates(self) -> pd.Series:
        """The parameters alone, without standard errors: what each bootstrap replication computes.

        :meta private:
        """
        self._require_in_memory("point_estimates()")
        return pd.Series(self._estimate(self._data, "unadjusted").params, index=self._param_names(), name="coef")

    def resample_params(self, firms: np.ndarray, *, reweight: bool = True) -> np.ndarray:
        """Parameters re-estimated, every stage, on the sample made of ``firms`` (codes 0..G-1, with repetition).

        This is one firm-cluster bootstrap replication, for custom resampling
        schemes. ``reweight=True`` is what ``fit(bootstrap=B)`` runs: estimators
        with sufficient statistics reweight per-firm sums instead of copying
        rows; ``reweight=False`` copies the drawn firms' rows (each a new firm)
        and re-runs the whole estimation. The two agree to rounding.

        :meta private:
        """
        self._require_in_memory("resample_params()")
        firms = self._check_firms(firms)
        if self._full is None:
            self._full = self._estimate(self._data, "unadjusted")
            self._prepare_bootstrap()
        if not reweight:
            return self._estimate(self._data.resample(firms), "unadjusted").params
        return self._replicate(firms)

    def resample_elasticities(self, firms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Every stage re-estimated on the rows of ``firms`` (codes 0..G-1, with repetition; copied rows).

        Returns the resample's rows as positions among the estimation sample's rows (sorted by entity
        and time, as :attr:`panel` orders them), their output elasticities (rows x inputs, in the order
        of the results' ``inputs``) and first-stage residuals (``None`` for an estimator without a
        first stage). Markups re-estimate the production function this way in each bootstrap replication.

        :meta private:
        """
        self._require_in_memory("resample_elasticities()")
        firms = self._check_firms(firms)
        rows = self._data.resample_rows(firms)
        est = self._estimate(self._data.resample(firms), "unadjusted")
        return rows, self._elasticity_array(est, rows.size), est.first_stage_residuals

    # ------------------------------------------------------------ internals
    def _check_firms(self, firms: np.ndarray) -> np.ndarray:
        firms = np.asarray(firms)
        if firms.ndim != 1 or not np.issubdtype(firms.dtype, np.integer) or firms.size == 0:
            raise SpecificationError("firms must be a non-empty 1-d array of entity codes (integers).")
        if firms.min() < 0 or firms.max() >= self._data.n_entities:
            raise SpecificationError(f"firms must be entity codes between 0 and {self._data.n_entities - 1}.")
        return firms

    def _elasticity_array(self, est: Estimate, n: int) -> np.ndarray:
        """Output elasticities per row (rows x inputs): the estimate's, or the Cobb-Douglas coefficients tiled."""
        if est.elasticities is not None:
            return np.asarray(est.elasticities)
        names = self._param_names()
        return np.tile([est.params[names.index(i)] for i in self._input_names()], (n, 1))

    def _require_in_memory(self, what: str) -> None:
        if self._ddf is not None:
            raise SpecificationError(f"{what} is not available for a model built on a Dask DataFrame.")

    def _partitioned_model(self) -> PartitionedModel:
        """This estimator as the out-of-core passes see it."""
        return PartitionedModel(self.spec, tuple(self._extra_columns()), tuple(self._param_names()),
                                tuple(self._input_names()))

    def _partitioned_estimate(self, ddf: Any, cov_type: str) -> Estimate:
        """The estimate from passes over the partitions of ``ddf`` (estimators with ``supports_dask``)."""
        raise NotImplementedError

    def _results(self, est: Estimate, cov: np.ndarray, cov_type: str, diagnostics: dict[str, Any],
                 checks: ModelChecks) -> ProductionResults:
        """The one place an estimate becomes a :class:`ProductionResults` (in memory or out of core),
        with the model checks run on it."""
        names = self._param_names()
        in_memory = self._ddf is None
        check_result(est.params, np.sqrt(np.diag(cov)) if cov.size else np.array([]), names, self.method)
        inputs = self._input_names()
        rts_weights = self._rts_series(est.rts_weights, names)
        if isinstance(est.elasticities, np.ndarray):
            mean_elasticities = est.elasticities.mean(axis=0)
        else:  # Cobb-Douglas (in memory or out of core): the coefficients
            mean_elasticities = np.array([est.params[names.index(i)] for i in inputs])
        diagnostics["model_checks"] = evaluate_checks(
            checks, method=self.method, inputs=inputs, elasticities=mean_elasticities,
            returns_to_scale=float(rts_weights.to_numpy() @ est.params), j_stat=est.j_stat, j_df=est.j_df,
            free=list(self.spec.free), free_r2=est.diagnostics.get("free_input_r2"),
            endogenous_f=est.diagnostics.get("first_stage_f"))
        return ProductionResults(
            method=self.method,
            params=pd.Series(est.params, index=names, name="coef"),
            cov=pd.DataFrame(cov, index=names, columns=names),
            cov_type=cov_type,
            nobs=est.nobs,
            tfp=self._panel.series(est.tfp, "tfp", on="keys") if in_memory else est.tfp,
            elasticities=self._elasticities(est) if in_memory else est.elasticities,
            rts_weights=rts_weights,
            inputs=inputs,
            diagnostics=diagnostics,
            j_stat=est.j_stat,
            j_df=est.j_df,
            first_stage_residuals=(self._panel.series(est.first_stage_residuals, "first_stage_residual", on="keys")
                                   if in_memory and est.first_stage_residuals is not None else None),
            value_added=self.spec.value_added,
            flexible_input=self.flexible_input,
        )

    @property
    def inputs(self) -> list[str]:
        """The inputs whose output elasticities the fit reports (the results' ``inputs``)."""
        return self._input_names()

    @property
    def flexible_input(self) -> str | None:
        """The input whose elasticity is identified from its revenue share (GNR's), if any."""
        return None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_ddf"] = None  # tasks sent to Dask workers carry the specification, not the collection
        return state

    def _rts_series(self, weights: np.ndarray | None, names: list[str]) -> pd.Series:
        """Weights with mean returns to scale = weights @ params; by default 1 on each input."""
        if weights is None:
            weights = np.array([1.0 if n in self._input_names() else 0.0 for n in names])
        return pd.Series(weights, index=names)

    def _elasticities(self, est: Estimate) -> pd.DataFrame:
        values = self._elasticity_array(est, self._data.n)
        return self._panel.frame({i: values[:, j] for j, i in enumerate(self._input_names())})

    def _reweights(self) -> bool:
        """Whether replications reweight per-firm sums (overridden where they do) rather than copy rows."""
        return False

    def _prepare_bootstrap(self) -> None:
        """Build what every replication shares from ``self._full`` (the default copies rows: nothing)."""

    def _replicate(self, firms: np.ndarray) -> np.ndarray:
        """Parameters on the sample made of ``firms`` (drawn with replacement); every stage re-estimated.

        ``self._full`` holds the full-sample estimate. The default copies the
        rows; estimators with sufficient statistics override it with firm weights.
        """
        return self._estimate(self._data.resample(firms), "unadjusted").params


strict_class(ProductionEstimator)
