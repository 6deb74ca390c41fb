"""Firm-level markups from a production function (De Loecker and Warzynski 2012) and their aggregates.

For an input ``X`` the firm adjusts freely within the period at a price it takes, cost minimisation gives

.. math:: \\mu_{it} = \\theta^X_{it} / \\alpha^X_{it},

``theta`` the output elasticity of ``X`` (per observation for a translog or GNR, the coefficient for
Cobb-Douglas) and ``alpha`` the expenditure on ``X`` as a share of revenue. Recorded output carries an error
``eps`` the firm did not plan on, so De Loecker and Warzynski divide revenue by ``exp(eps_hat)``, the
production function's first-stage estimate of it:

* ``correction="dlw"`` (default): ``alpha = P_X X / (P Q / exp(eps_hat))``;
* ``correction="none"``: ``alpha = P_X X / (P Q)``. Then ``mu_none = mu_dlw * exp(eps_hat)``: the two
  differ firm by firm by the output error, and on average by the factor ``E[exp(eps)]``
  (``exp(sigma^2 / 2)`` for a normal error): the uncorrected markups carry the noise of recorded output,
  so they are more dispersed and their mean is larger.

If ``eps`` is an output shock the firm expected rather than measurement error, ``E[exp(eps)]`` enters
the first-order condition and the corrected markup is off by that factor (Gandhi, Navarro and Rivers
2020 keep it).

**Aggregates** by (group, period), after De Loecker, Eeckhout and Unger (2020): the sales-weighted mean
``sum_i (R_i / sum R) mu_i`` (``R`` observed revenue), the cost-weighted mean (weights the input's
expenditure, or the ``cost_weight`` column, e.g. total cost), the unweighted mean and median, and the
number of firms; ``overall`` holds the same over all groups by period.

**Standard errors** of the aggregates: the firm-cluster bootstrap. Each replication draws firms with
replacement, re-estimates every stage of the production function on them (so ``theta`` and ``eps_hat``
change), recomputes the markups and the aggregates; the standard error is the standard deviation over
replications (a cell no drawn firm reaches is left out of that cell's).

**What the elasticity must be.** The ratio is a markup only when ``theta`` is the elasticity of gross
output in quantities. From a value-added fit ``theta`` is an elasticity of value added and ``theta /
alpha`` (with revenue = value added) is a markup over value added, which equals the gross-output markup
only under Leontief intermediates (a :class:`~nqpf_tfp.errors.MarkupWarning` says so). GNR identify the
flexible input's elasticity from its revenue share under price-taking, so its DLW ratio is ``1 / E[exp(eps)]``
by construction; markups of that input from a GNR fit are refused. With deflated revenue as output the
elasticities are those of a revenue function and the markups are biased towards one (Bond, Hashemi,
Kaplan and Zoch 2021).

References
----------
De Loecker, J. and Warzynski, F. (2012). Markups and firm-level export status. *American Economic Review*
102(6), 2437-2471.
De Loecker, J., Eeckhout, J. and Unger, G. (2020). The rise of market power and the macroeconomic
implications. *Quarterly Journal of Economics* 135(2), 561-644.
Gandhi, A., Navarro, S. and Rivers, D. A. (2020). On the identification of gross output production
functions. *Journal of Political Economy* 128(8), 2973-3016.
Bond, S., Hashemi, A., Kaplan, G. and Zoch, P. (2021). Some unpleasant markup arithmetic: production
function elasticities and their estimation from production data. *Journal of Monetary Economics* 121, 1-14.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import column_name, finite_column, require_columns, require_frame
from ..errors import DroppedRowsWarning, MarkupWarning, PanelError, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import unique_keys
from ..parallel.bootstrap import Replication, ReplicationSettings, report_failures, run_replications
from ..production.estimators.base import ProductionEstimator
from ..production.results import ProductionResults
from .markup_cells import Cells, Replicate
from .markup_results import MarkupDiagnostics, MarkupResults

__all__ = ["MarkupDiagnostics", "MarkupResults", "markups"]


@strict_keywords
def markups(data: pd.DataFrame, *, input: str, revenue: str, cost: str, results: ProductionResults | None = None,
            model: ProductionEstimator | None = None, elasticity: str | float | None = None,
            residuals: str | None = None, entity: str | None = None, time: str | None = None,
            group: str | None = None, correction: str = "dlw", value_added: bool | None = None,
            cost_weight: str | None = None, bootstrap: int = 0, seed: Any = None, n_jobs: int = 1,
            backend: str = "processes", on_failure: str = "raise", progress: bool = False) -> MarkupResults:
    """Markups ``mu = theta / alpha`` per firm-year and their aggregates.

    The formulas are in :mod:`nqpf_tfp.analysis.firm_markups`.

    Parameters
    ----------
    data : pandas.DataFrame
        The firm panel (never modified): the frame the production function was estimated on when
        ``results`` or ``model`` is given (rows are matched on its index).
    input : str
        The flexible input whose elasticity and expenditure give the markup (e.g. materials).
    revenue, cost : str
        Columns of revenue (sales; value added for a value-added fit) and of the expenditure on ``input``,
        in levels (currency, positive).
    results : ProductionResults, optional
        A fitted production function (ACF, GNR, Levinsohn-Petrin, Olley-Pakes, Wooldridge) whose
        ``elasticities[input]`` and ``first_stage_residuals`` are used.
    model : ProductionEstimator, optional
        The estimator itself (e.g. ``nt.ACF(data, ...)``): needed for ``bootstrap``, which re-estimates it
        on every resample; fitted here when ``results`` is not given.
    elasticity : str or float, optional
        Instead of a fit: the output elasticity of ``input`` (a column, or one number for all rows).
    residuals : str, optional
        With ``elasticity`` and ``correction="dlw"``: the column of first-stage output errors ``eps_hat``.
    entity, time : str, optional
        Firm and period columns; default the model's keys, the names of the fit's (entity, time) labels,
        or the levels of a two-level index.
    group : str, optional
        Industry column for the aggregates.
    correction : {"dlw", "none"}
    value_added : bool, optional
        Whether the elasticities are of value added; default the fit's ``value_added`` (``False`` for given
        elasticities). Pass ``False`` for a gross-output function fitted with an investment proxy and the
        intermediate input among the free inputs.
    cost_weight : str, optional
        Column weighting the cost-weighted aggregate (default ``cost``).
    bootstrap : int
        Firm-cluster bootstrap replications for the aggregates' standard errors (0: none); needs ``model``.
    seed, n_jobs, backend, on_failure, progress
        As :meth:`ProductionEstimator.fit`: replication *b* draws from ``SeedSequence(seed).spawn(B)[b]``,
        so the numbers do not depend on ``n_jobs`` or ``backend``.

    Returns
    -------
    MarkupResults
        Markups per firm-year, their aggregates by group and period and, with
        a bootstrap, their standard errors.
    """
    settings = _Settings.check(correction, on_failure, backend, n_jobs, bootstrap, seed, progress, model)
    require_frame(data, "data")
    firm, period, key_names = _keys(data, entity, time, model, results)
    # markups are matched to the estimates by (entity, time): one row per firm and period
    keys = unique_keys(pd.DataFrame(dict(zip(key_names, (firm, period)))), key_names, ["entity", "time"])
    source = _Source.resolve(data, keys, input, results, model, elasticity, residuals, settings.correction,
                             value_added)
    names = {"revenue": column_name(revenue, "revenue"), "cost": column_name(cost, "cost")}
    if cost_weight is not None:
        names["cost_weight"] = column_name(cost_weight, "cost_weight")
    if group is not None:
        names["group"] = column_name(group, "group")
    require_columns(data, names)

    used = source.available.copy()
    dropped = int((~used).sum())
    if dropped:
        warn(f"{dropped} rows of the data have no estimated elasticity"
             + (" or first-stage residual" if settings.correction == "dlw" else "")
             + " (outside the estimation sample); they get no markup.", DroppedRowsWarning)
    rev, cst = (_positive(data, names[k], k, used) for k in ("revenue", "cost"))
    weight_c = cst if cost_weight is None else _positive(data, names["cost_weight"], "cost_weight", used)
    share, mu, non_positive = _markups(source, rev, cst, used, settings.correction, input)

    cells = Cells.build(data, names.get("group"), period, used, key_names[1])  # aggregates by the time column
    aggregate, overall = cells.statistics(mu[used], rev[used], weight_c[used], cells.codes, cells.codes_all)
    columns = {"group": data[group].to_numpy()} if group is not None else {}
    firms = pd.DataFrame(columns | {"elasticity": source.theta, "share": share, "markup": mu}, index=keys)[used]
    aggregate_se = overall_se = None
    reps = failures = None
    if settings.bootstrap:
        assert model is not None
        aggregate_se, overall_se, reps, failures = _bootstrap(model, source, settings, (rev, cst, weight_c), cells)
    diagnostics = MarkupDiagnostics(
        source=source.label, input=input, correction=settings.correction, nobs=int(used.sum()),
        n_firms=int(pd.unique(firm[used]).size), n_groups=cells.n_groups, n_periods=cells.n_periods,
        value_added=source.value_added, dropped=dropped, non_positive_elasticity=non_positive,
        bootstrap_replications=reps, bootstrap_failures=failures)
    return MarkupResults(firms, aggregate, overall, aggregate_se, overall_se, diagnostics)


@dataclass(frozen=True)
class _Settings:
    """The checked options of one markup computation."""

    correction: str
    on_failure: str
    backend: str
    n_jobs: int
    bootstrap: int
    seed: Any
    progress: bool

    @classmethod
    def check(cls, correction: Any, on_failure: Any, backend: Any, n_jobs: Any, bootstrap: Any, seed: Any,
              progress: Any, model: ProductionEstimator | None) -> _Settings:
        correction = check_option("markup_correction", correction, "correction")
        rep = ReplicationSettings.check(bootstrap, seed, n_jobs, backend, on_failure, progress)
        if rep.replications and model is None:
            raise SpecificationError("bootstrap needs model=: the production function is re-estimated in every "
                                     "replication; pass the estimator, e.g. model=nt.ACF(data, ...).")
        return cls(correction, rep.on_failure, rep.backend, rep.n_jobs, rep.replications, rep.seed, rep.progress)


def _markups(source: _Source, rev: np.ndarray, cst: np.ndarray, used: np.ndarray, correction: str,
             input: str) -> tuple[np.ndarray, np.ndarray, int]:
    """The input's (corrected) revenue share and the markup theta / share of every used row, with warnings."""
    theta = source.theta
    share, mu = np.full(used.size, np.nan), np.full(used.size, np.nan)
    share[used] = cst[used] / rev[used] * (np.exp(source.eps[used]) if correction == "dlw" else 1.0)
    mu[used] = theta[used] / share[used]
    non_positive = int(np.sum(used & ~(theta > 0)))
    if non_positive:
        warn(f"{non_positive} firm-years have a non-positive elasticity of {input!r}; their markups are not "
             "positive (a misspecified or weakly identified production function).", MarkupWarning)
    if source.value_added:
        warn("the elasticities are of value added: theta / alpha with revenue = value added is a markup over "
             "value added, equal to the gross-output markup only under Leontief intermediates; estimate gross "
             "output for gross-output markups (or pass value_added=False if the fit was of gross output).",
             MarkupWarning)
    return share, mu, non_positive


def _bootstrap(model: ProductionEstimator, source: _Source, settings: _Settings,
               money: tuple[np.ndarray, np.ndarray, np.ndarray], cells: Cells
               ) -> tuple[pd.DataFrame, pd.DataFrame, int, tuple[tuple[int, str], ...]]:
    """Standard errors of the aggregates from the firm-cluster bootstrap that re-estimates the production
    function in every replication."""
    rev, cst, weight_c = money
    replicate = Replicate(model, source.input_position, settings.correction, rev, cst, weight_c, cells,
                          model.panel.positions)
    draws, failed = run_replications(Replication(replicate, model.model_data.n_entities), cells.n_values,
                                     settings.bootstrap, settings.seed, n_jobs=settings.n_jobs,
                                     backend=settings.backend, progress=settings.progress, label="markup bootstrap")
    report_failures(failed, settings.bootstrap, settings.on_failure)
    ok = ~np.isin(np.arange(settings.bootstrap), [b for b, _ in failed])
    if ok.sum() < 2:
        raise SpecificationError(f"only {int(ok.sum())} bootstrap replications succeeded; need at least 2.")
    with np.errstate(invalid="ignore"):
        present = np.isfinite(draws[ok])
        se = np.sqrt(np.nanvar(np.where(present, draws[ok], np.nan), axis=0, ddof=1))
    se = np.where(present.sum(axis=0) >= 2, se, np.nan)
    aggregate_se, overall_se = cells.frames(se)
    return aggregate_se, overall_se, int(ok.sum()), tuple(failed)


@dataclass(frozen=True)
class _Source:
    """Elasticities and first-stage residuals aligned to the rows of the data (NaN where absent)."""

    theta: np.ndarray
    eps: np.ndarray  # zeros without the correction
    available: np.ndarray
    label: str
    value_added: bool
    input_position: int  # column of ``input`` among the fit's inputs (-1 for given elasticities)

    @classmethod
    def resolve(cls, data: pd.DataFrame, keys: pd.MultiIndex, input: str, results: ProductionResults | None,
                model: ProductionEstimator | None, elasticity: str | float | None, residuals: str | None,
                correction: str, value_added: bool | None) -> _Source:
        if model is not None and not isinstance(model, ProductionEstimator):
            raise SpecificationError(f"model must be a production-function estimator (e.g. nt.ACF(...)), "
                                     f"not {type(model).__name__}.")
        if results is not None and not isinstance(results, ProductionResults):
            raise SpecificationError(f"results must be ProductionResults (from model.fit()), "
                                     f"not {type(results).__name__}.")
        if value_added is not None and not isinstance(value_added, (bool, np.bool_)):
            raise SpecificationError(f"value_added must be True, False or None, not {value_added!r}.")
        if elasticity is not None:
            if results is not None or model is not None:
                raise SpecificationError("pass either elasticity= or a fit (results= / model=), not both.")
            return cls._given(data, input, elasticity, residuals, correction, bool(value_added))
        if results is None and model is None:
            raise SpecificationError("markups need the output elasticity of the input: pass results= (a fitted "
                                     "production function), model= (an estimator) or elasticity=.")
        if residuals is not None:
            raise SpecificationError("residuals= goes with elasticity=; a fit brings its own first-stage residuals.")
        if model is not None:
            if model.panel.caller_index.size != data.index.size or not model.panel.caller_index.equals(data.index):
                raise SpecificationError("data must be the frame the model was built on (the same index): rows "
                                         "are matched to the estimates by label.")
        inputs = results.inputs if results is not None else model.inputs  # type: ignore[union-attr]
        if input not in inputs:
            raise SpecificationError(f"input {input!r} is not an input of the fit; its inputs are {inputs}.")
        flexible = results.flexible_input if results is not None else model.flexible_input  # type: ignore[union-attr]
        if flexible == input:
            method = results.method if results is not None else model.method  # type: ignore[union-attr]
            raise SpecificationError(
                f"{method} identifies the elasticity of {input!r} from its revenue share under price-"
                "taking (its first-order condition with markup one), so theta / alpha for that input is "
                "1 / E[exp(eps)] by construction, not an estimate of market power. Estimate the markup from a "
                "fit that does not impose the first-order condition (ACF, Levinsohn-Petrin, Wooldridge) or "
                "pass elasticity=.")
        if results is None:
            assert model is not None
            results = model.fit()
        theta = results.elasticities[input]
        if not isinstance(theta, pd.Series):
            raise SpecificationError("markups need an in-memory fit; this one was estimated out of core "
                                     "(compute the frame, or pass elasticity=).")
        theta_values = theta.reindex(keys).to_numpy(dtype=float)  # estimates are labelled by (entity, time)
        eps = np.zeros(len(data))
        if correction == "dlw":
            fs = results.first_stage_residuals
            if fs is None:
                raise SpecificationError(
                    f"{results.method} has no first stage that separates the output error from productivity, "
                    "so De Loecker and Warzynski's correction is not available: pass correction='none', or "
                    "estimate with ACF, Olley-Pakes, Levinsohn-Petrin or Wooldridge.")
            eps = fs.reindex(keys).to_numpy(dtype=float)
        available = np.isfinite(theta_values) & np.isfinite(eps)
        va = results.value_added if value_added is None else bool(value_added)
        return cls(theta_values, eps, available, results.method, va, results.inputs.index(input))

    @classmethod
    def _given(cls, data: pd.DataFrame, input: str, elasticity: str | float, residuals: str | None,
               correction: str, value_added: bool) -> _Source:
        n = len(data)
        if isinstance(elasticity, (int, float, np.number)) and not isinstance(elasticity, (bool, np.bool_)):
            theta = np.full(n, float(elasticity))
            if not np.isfinite(theta).all():
                raise SpecificationError(f"elasticity must be finite, not {elasticity!r}.")
        else:
            name = column_name(elasticity, "elasticity")
            theta = finite_column(data, name, "elasticity")
        eps = np.zeros(n)
        if correction == "dlw":
            if residuals is None:
                raise SpecificationError("correction='dlw' needs the first stage's output errors: pass "
                                         "residuals= (a column of eps_hat) or correction='none'.")
            eps = finite_column(data, column_name(residuals, "residuals"), "residuals")
        elif residuals is not None:
            raise SpecificationError("residuals= is used only with correction='dlw'.")
        return cls(theta, eps, np.ones(n, dtype=bool), "given elasticities", value_added, -1)


def _positive(data: pd.DataFrame, name: str, label: str, used: np.ndarray) -> np.ndarray:
    values = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=float)
    bad = used & ~(np.isfinite(values) & (values > 0))
    if bad.any():
        raise PanelError(f"{label} column {name!r} has {int(bad.sum())} missing, non-positive or infinite values "
                         "among the rows with an estimate; it must hold positive levels (not logs).")
    return values


def _keys(data: pd.DataFrame, entity: Any, time: Any, model: ProductionEstimator | None,
          results: ProductionResults | None) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Entity and time of every row (columns, or a two-level index) and their names; by default the
    model's, or the names of the (entity, time) labels of the fit."""
    if model is not None:
        entity = model.spec.entity if entity is None else entity
        time = model.spec.time if time is None else time
    labels = results.tfp.index if isinstance(results, ProductionResults) else None
    if entity is None and time is None and isinstance(labels, pd.MultiIndex) and labels.nlevels == 2 \
            and all(name in data.columns for name in labels.names):
        entity, time = labels.names
    if entity is None and time is None and data.index.nlevels == 2:
        return (data.index.get_level_values(0).to_numpy(), data.index.get_level_values(1).to_numpy(),
                list(data.index.names))
    if entity is None or time is None:
        raise SpecificationError("pass entity= and time= (the firm and period columns), or give the data a "
                                 "two-level (entity, time) index.")
    out = []
    for name, label in ((entity, "entity"), (time, "time")):
        name = column_name(name, label)
        require_columns(data, [name], label)
        values = data[name]
        if values.isna().any():
            raise PanelError(f"{label} column {name!r} has {int(values.isna().sum())} missing values.")
        out.append(values.to_numpy())
    return out[0], out[1], [entity, time]
