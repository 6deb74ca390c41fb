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

from ..arguments import column_name, seed_sequence, whole_number
from ..errors import DroppedRowsWarning, MarkupWarning, PanelError, SpecificationError, warn
from ..options import check_option
from ..parallel import check_n_jobs
from ..production.estimators.base import ProductionEstimator
from ..production.inference.bootstrap import Replication, report_failures, run_replications
from ..production.results import ProductionResults
from ..results import Diagnostics
from ..tables import SummaryTable

__all__ = ["MarkupDiagnostics", "MarkupResults", "markups"]

AGGREGATES = ("sales_weighted", "cost_weighted", "mean")  # the statistics with bootstrap standard errors


@dataclass(frozen=True)
class MarkupDiagnostics(Diagnostics):
    """Facts about a markup computation."""

    #: where the elasticities come from: the estimator's name or ``"given elasticities"``
    source: str
    input: str
    correction: str
    nobs: int
    n_firms: int
    n_groups: int
    n_periods: int
    #: whether the elasticities are of value added (see the module docstring)
    value_added: bool = False
    #: rows of the data without an estimate (outside the estimation sample), left out
    dropped: int = 0
    #: rows whose elasticity is not positive (their markups are not positive)
    non_positive_elasticity: int = 0
    bootstrap_replications: int | None = None
    bootstrap_failures: tuple[tuple[int, str], ...] | None = None


class MarkupResults:
    """Firm-level markups and their aggregates (see :mod:`nqpf_tfp.analysis.firm_markups`); read-only."""

    def __init__(self, firms: pd.DataFrame, aggregate: pd.DataFrame, overall: pd.DataFrame,
                 aggregate_se: pd.DataFrame | None, overall_se: pd.DataFrame | None,
                 diagnostics: MarkupDiagnostics) -> None:
        self._firms, self._aggregate, self._overall = firms.copy(), aggregate.copy(), overall.copy()
        self._aggregate_se = None if aggregate_se is None else aggregate_se.copy()
        self._overall_se = None if overall_se is None else overall_se.copy()
        self._diagnostics = diagnostics

    @property
    def markups(self) -> pd.Series:
        """Markup per firm-year, on the data's index (rows with an estimate)."""
        return self._firms["markup"].copy()

    @property
    def aggregate(self) -> pd.DataFrame:
        """By (group, period) (by period without groups): ``sales_weighted``, ``cost_weighted``, ``mean``,
        ``median``, ``firms``."""
        return self._aggregate.copy()

    @property
    def overall(self) -> pd.DataFrame:
        """The aggregates over all groups, by period."""
        return self._overall.copy()

    @property
    def std_errors(self) -> pd.DataFrame | None:
        """Bootstrap standard errors of ``sales_weighted``, ``cost_weighted`` and ``mean`` by (group, period);
        ``None`` without ``bootstrap``."""
        return None if self._aggregate_se is None else self._aggregate_se.copy()

    @property
    def overall_std_errors(self) -> pd.DataFrame | None:
        """Bootstrap standard errors of the overall aggregates, by period."""
        return None if self._overall_se is None else self._overall_se.copy()

    @property
    def diagnostics(self) -> MarkupDiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        """Per firm-year: keys, ``elasticity``, ``share`` (the input's share of revenue, corrected as asked) and
        ``markup``, on the data's index."""
        return self._firms.copy()

    def summary(self) -> SummaryTable:
        """The overall aggregates by period, with bootstrap standard errors when computed."""
        frame = self._overall.copy()
        if self._overall_se is not None:
            for name in AGGREGATES:
                frame.insert(frame.columns.get_loc(name) + 1, f"se({name})", self._overall_se[name])
        d = self._diagnostics
        notes = [f"Input {d.input!r}; elasticities from {d.source}; correction {d.correction!r}.",
                 f"{d.nobs} firm-years, {d.n_firms} firms, {d.n_groups} group(s), {d.n_periods} periods."]
        if d.bootstrap_replications:
            notes.append(f"Standard errors: firm-cluster bootstrap, {d.bootstrap_replications} replications, "
                         "production function re-estimated in each.")
        if d.value_added:
            notes.append("Elasticities of value added: markups over value added (see the docs).")
        return SummaryTable(frame, "Markups (De Loecker and Warzynski 2012)", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Sales- and cost-weighted markups over time (all groups), with 95% bootstrap bands when computed."""
        from ..plotting import pyplot

        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        x = np.asarray(self._overall.index)
        for name in ("sales_weighted", "cost_weighted"):
            values = self._overall[name].to_numpy()
            ax.plot(x, values, label=name.replace("_", "-"), **kwargs)
            if self._overall_se is not None:
                se = self._overall_se[name].to_numpy()
                ax.fill_between(x, values - 1.96 * se, values + 1.96 * se, alpha=0.2)
        ax.set_ylabel(f"markup ({self._diagnostics.input})")
        ax.legend()
        return ax

    def __repr__(self) -> str:
        return str(self.summary())


def markups(data: pd.DataFrame, *, input: str, revenue: str, cost: str, results: ProductionResults | None = None,
            model: ProductionEstimator | None = None, elasticity: str | float | None = None,
            residuals: str | None = None, entity: str | None = None, time: str | None = None,
            group: str | None = None, correction: str = "dlw", value_added: bool | None = None,
            cost_weight: str | None = None, bootstrap: int = 0, seed: Any = None, n_jobs: int = 1,
            backend: str = "threads", on_failure: str = "raise", progress: bool = False) -> MarkupResults:
    """Markups ``mu = theta / alpha`` per firm-year and their aggregates (module docstring for the formulas).

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
        Firm and period columns; default the model's keys, or the levels of a two-level index.
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
    """
    correction = check_option("markup_correction", correction, "correction")
    on_failure = check_option("on_failure", on_failure)
    backend = check_option("backend", backend)
    n_jobs = check_n_jobs(n_jobs)
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"data must be a pandas DataFrame, not {type(data).__name__}.")
    if not data.index.is_unique:
        raise PanelError("data has a duplicated index: markups are matched to the estimates by row label; "
                         "reset the index (data.reset_index()) before estimating.")
    bootstrap = whole_number(bootstrap, "bootstrap (replications; 0 for none)")
    if bootstrap == 1:
        raise SpecificationError("bootstrap=1 gives no variance: use bootstrap=0 or at least 2.")
    if bootstrap and model is None:
        raise SpecificationError("bootstrap needs model=: the production function is re-estimated in every "
                                 "replication; pass the estimator, e.g. model=nt.ACF(data, ...).")
    if bootstrap:
        seed = seed_sequence(seed)
    source = _Source.resolve(data, input, results, model, elasticity, residuals, correction, value_added)
    names = {"revenue": column_name(revenue, "revenue"), "cost": column_name(cost, "cost")}
    if cost_weight is not None:
        names["cost_weight"] = column_name(cost_weight, "cost_weight")
    if group is not None:
        names["group"] = column_name(group, "group")
    absent = sorted({c for c in names.values() if c not in data.columns})
    if absent:
        raise SpecificationError(f"column(s) {absent} are not in the data; columns are {list(data.columns)}.")
    firm, period = _keys(data, entity, time, model)

    used = source.available.copy()
    dropped = int((~used).sum())
    if dropped:
        warn(f"{dropped} rows of the data have no estimated elasticity"
             + (" or first-stage residual" if correction == "dlw" else "")
             + " (outside the estimation sample); they get no markup.", DroppedRowsWarning)
    rev, cst = (_positive(data, names[k], k, used) for k in ("revenue", "cost"))
    weight_c = cst if cost_weight is None else _positive(data, names["cost_weight"], "cost_weight", used)
    theta = source.theta
    share, mu = np.full(len(data), np.nan), np.full(len(data), np.nan)
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

    cells = _Cells.build(data, names.get("group"), period, used)
    stats = cells.statistics(mu[used], rev[used], weight_c[used], cells.codes, cells.codes_all)
    keys_frame = pd.DataFrame({"entity": firm, "time": period}, index=data.index)
    if group is not None:
        keys_frame["group"] = data[group].to_numpy()
    firms = keys_frame[used].assign(elasticity=theta[used], share=share[used], markup=mu[used])

    aggregate_se = overall_se = None
    reps = failures = None
    if bootstrap:
        assert model is not None
        replicate = _Replicate(model, source.input_position, correction, rev, cst, weight_c, cells,
                               model.panel.positions)
        draws, failed = run_replications(Replication(replicate, model.model_data.n_entities), cells.n_values,
                                         bootstrap, seed, n_jobs=n_jobs, backend=backend, progress=progress,
                                         label="markup bootstrap")
        report_failures(failed, bootstrap, on_failure)
        ok = np.array([b not in {f for f, _ in failed} for b in range(bootstrap)])
        if ok.sum() < 2:
            raise SpecificationError(f"only {int(ok.sum())} bootstrap replications succeeded; need at least 2.")
        with np.errstate(invalid="ignore"):
            present = np.isfinite(draws[ok])
            se = np.sqrt(np.nanvar(np.where(present, draws[ok], np.nan), axis=0, ddof=1))
        se = np.where(present.sum(axis=0) >= 2, se, np.nan)
        aggregate_se, overall_se = cells.frames(se)
        reps, failures = int(ok.sum()), tuple(failed)
    aggregate, overall = stats
    diagnostics = MarkupDiagnostics(
        source=source.label, input=input, correction=correction, nobs=int(used.sum()),
        n_firms=int(pd.unique(firm[used]).size), n_groups=cells.n_groups, n_periods=cells.n_periods,
        value_added=source.value_added, dropped=dropped, non_positive_elasticity=non_positive,
        bootstrap_replications=reps, bootstrap_failures=failures)
    return MarkupResults(firms, aggregate, overall, aggregate_se, overall_se, diagnostics)


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
    def resolve(cls, data: pd.DataFrame, input: str, results: ProductionResults | None,
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
        theta_values = theta.reindex(data.index).to_numpy(dtype=float)
        eps = np.zeros(len(data))
        if correction == "dlw":
            fs = results.first_stage_residuals
            if fs is None:
                raise SpecificationError(
                    f"{results.method} has no first stage that separates the output error from productivity, "
                    "so De Loecker and Warzynski's correction is not available: pass correction='none', or "
                    "estimate with ACF, Olley-Pakes, Levinsohn-Petrin or Wooldridge.")
            eps = fs.reindex(data.index).to_numpy(dtype=float)
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
            theta = _column(data, name, "elasticity")
        eps = np.zeros(n)
        if correction == "dlw":
            if residuals is None:
                raise SpecificationError("correction='dlw' needs the first stage's output errors: pass "
                                         "residuals= (a column of eps_hat) or correction='none'.")
            eps = _column(data, column_name(residuals, "residuals"), "residuals")
        elif residuals is not None:
            raise SpecificationError("residuals= is used only with correction='dlw'.")
        return cls(theta, eps, np.ones(n, dtype=bool), "given elasticities", value_added, -1)


def _column(data: pd.DataFrame, name: str, label: str) -> np.ndarray:
    if name not in data.columns:
        raise SpecificationError(f"{label} column {name!r} is not in the data; columns are {list(data.columns)}.")
    values = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        raise PanelError(f"{label} column {name!r} has {int(bad.sum())} missing, non-numeric or infinite values.")
    return values


def _positive(data: pd.DataFrame, name: str, label: str, used: np.ndarray) -> np.ndarray:
    values = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=float)
    bad = used & ~(np.isfinite(values) & (values > 0))
    if bad.any():
        raise PanelError(f"{label} column {name!r} has {int(bad.sum())} missing, non-positive or infinite values "
                         "among the rows with an estimate; it must hold positive levels (not logs).")
    return values


def _keys(data: pd.DataFrame, entity: str | None, time: str | None,
          model: ProductionEstimator | None) -> tuple[np.ndarray, np.ndarray]:
    if model is not None:
        entity = model.spec.entity if entity is None else entity
        time = model.spec.time if time is None else time
    if entity is None and time is None and data.index.nlevels == 2:
        return data.index.get_level_values(0).to_numpy(), data.index.get_level_values(1).to_numpy()
    if entity is None or time is None:
        raise SpecificationError("pass entity= and time= (the firm and period columns), or give the data a "
                                 "two-level (entity, time) index.")
    out = []
    for name, label in ((entity, "entity"), (time, "time")):
        name = column_name(name, label)
        if name not in data.columns:
            raise SpecificationError(f"{label} column {name!r} is not in the data; columns are "
                                     f"{list(data.columns)}.")
        values = data[name]
        if values.isna().any():
            raise PanelError(f"{label} column {name!r} has {int(values.isna().sum())} missing values.")
        out.append(values.to_numpy())
    return out[0], out[1]


@dataclass(frozen=True)
class _Cells:
    """Integer codes of the (group, period) cells and of the periods, for the rows with a markup."""

    codes: np.ndarray  # (group, period) cell of each used row
    codes_all: np.ndarray  # period of each used row
    rows: np.ndarray  # positions of the used rows in the data
    index: pd.Index  # labels of the cells
    periods: pd.Index
    n_groups: int
    grouped: bool

    @classmethod
    def build(cls, data: pd.DataFrame, group: str | None, period: np.ndarray, used: np.ndarray) -> _Cells:
        rows = np.flatnonzero(used)
        t_codes, periods = pd.factorize(pd.Series(period[rows]), sort=True)
        if group is None:
            g_codes, groups = np.zeros(rows.size, dtype=np.int64), pd.Index([0])
        else:
            labels = data[group].to_numpy()[rows]
            if pd.isna(labels).any():
                raise PanelError(f"group column {group!r} has missing values among the rows with an estimate.")
            g_codes, groups = pd.factorize(pd.Series(labels), sort=True)
        n_t = len(periods)
        codes = g_codes * n_t + t_codes
        present = np.unique(codes)
        dense = np.full(len(groups) * n_t, -1)
        dense[present] = np.arange(present.size)
        index = pd.MultiIndex.from_arrays([np.asarray(groups)[present // n_t], np.asarray(periods)[present % n_t]],
                                          names=[group or "group", "time"])
        if group is None:
            index = index.droplevel(0)
        return cls(dense[codes], t_codes, rows, index, pd.Index(np.asarray(periods), name="time"), len(groups),
                   group is not None)

    @property
    def n_periods(self) -> int:
        return len(self.periods)

    @property
    def n_values(self) -> int:
        """Bootstrap draw length: the aggregates of every cell, then of every period."""
        return len(AGGREGATES) * (len(self.index) + len(self.periods))

    def statistics(self, mu: np.ndarray, rev: np.ndarray, weight: np.ndarray, cell: np.ndarray,
                   period: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The aggregates by cell and by period, with medians and firm counts (point estimates)."""
        frames = []
        for codes, index in ((cell, self.index), (period, self.periods)):
            values = _weighted(mu, rev, weight, codes, len(index))
            frame = pd.DataFrame(values.reshape(len(AGGREGATES), -1).T, index=index, columns=list(AGGREGATES))
            frame["median"] = pd.Series(mu).groupby(codes).median().reindex(range(len(index))).to_numpy()
            frame["firms"] = np.bincount(codes, minlength=len(index))
            frames.append(frame)
        return frames[0], frames[1]

    def frames(self, values: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        """A bootstrap draw (or its standard errors) as the cell and period frames."""
        k = len(AGGREGATES) * len(self.index)
        cell = pd.DataFrame(values[:k].reshape(len(AGGREGATES), -1).T, index=self.index, columns=list(AGGREGATES))
        period = pd.DataFrame(values[k:].reshape(len(AGGREGATES), -1).T, index=self.periods,
                              columns=list(AGGREGATES))
        return cell, period


def _weighted(mu: np.ndarray, rev: np.ndarray, weight: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Sales-weighted, cost-weighted and plain means by code, stacked (NaN for an empty code)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.bincount(codes, minlength=size)
        sales = np.bincount(codes, rev * mu, minlength=size) / np.bincount(codes, rev, minlength=size)
        costs = np.bincount(codes, weight * mu, minlength=size) / np.bincount(codes, weight, minlength=size)
        plain = np.bincount(codes, mu, minlength=size) / n
    return np.concatenate([np.where(n > 0, v, np.nan) for v in (sales, costs, plain)])


@dataclass(frozen=True)
class _Replicate:
    """One bootstrap replication: re-estimate the production function on the drawn firms, then the aggregates."""

    model: ProductionEstimator
    position: int
    correction: str
    rev: np.ndarray
    cost: np.ndarray
    weight: np.ndarray
    cells: _Cells
    caller_positions: np.ndarray  # data position of each estimation-sample row

    def __call__(self, firms: np.ndarray) -> np.ndarray:
        rows, elasticities, eps = self.model.resample_elasticities(firms)
        pos = self.caller_positions[rows]
        lookup = np.full(self.rev.size, -1)
        lookup[self.cells.rows] = np.arange(self.cells.rows.size)
        at = lookup[pos]
        keep = at >= 0  # rows without a markup in the full sample stay out
        theta = elasticities[keep, self.position]
        share = self.cost[pos[keep]] / self.rev[pos[keep]]
        if self.correction == "dlw":
            if eps is None:
                raise SpecificationError("the re-estimated model gives no first-stage residuals")
            share = share * np.exp(eps[keep])
        mu = theta / share
        cell, period = self.cells.codes[at[keep]], self.cells.codes_all[at[keep]]
        rev, weight = self.rev[pos[keep]], self.weight[pos[keep]]
        return np.concatenate([_weighted(mu, rev, weight, cell, len(self.cells.index)),
                               _weighted(mu, rev, weight, period, len(self.cells.periods))])
