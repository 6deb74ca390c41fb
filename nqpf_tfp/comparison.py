"""Several fits side by side: the table of Stata's ``esttab``, linearmodels' ``compare`` and pyfixest's ``etable``.

:func:`compare` takes results that carry estimated parameters (production functions, stochastic
frontiers; the fits of :func:`~nqpf_tfp.fit_by`) and lines up their coefficients with standard
errors (or t statistics) below them, and below the coefficients the facts a reader compares:
observations, entities, returns to scale, Hansen's J, the log-likelihood, the covariance and the
model-check warnings. Significance stars are optional and use two-sided normal p-values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import SpecificationError
from .keywords import strict_class, strict_keywords
from .options import check_option
from .results import Diagnostics, ParameterEstimates, Results
from .tables import SummaryTable

__all__ = ["Comparison", "ComparisonDiagnostics", "compare"]

#: the rows below the coefficients, in order: (row label, what it is)
STATISTICS = (
    ("observations", "observations used by the estimator (after lags)"),
    ("entities", "firms (or other entities) in the estimation sample"),
    ("returns to scale", "sum of the (mean) input elasticities"),
    ("Hansen's J", "over-identification statistic (firm-clustered weight)"),
    ("J p-value", "its chi-squared p-value"),
    ("log-likelihood", "maximised log-likelihood (stochastic frontiers)"),
    ("model-check warnings", "model checks that fired and were not silenced"),
)
_STARS = ((0.01, "***"), (0.05, "**"), (0.10, "*"))


def _statistics(res: Any) -> dict[str, float]:
    """The comparison rows one result can fill (NaN elsewhere)."""
    d = getattr(res, "diagnostics", None)
    out = dict.fromkeys((name for name, _ in STATISTICS), float("nan"))
    out["observations"] = float(getattr(res, "nobs", np.nan))
    entities = d.get("n_entities") if d is not None and hasattr(d, "get") else None
    out["entities"] = float(entities) if entities is not None else float("nan")
    rts = getattr(res, "returns_to_scale", None)
    out["returns to scale"] = float(rts) if isinstance(rts, (int, float)) else float("nan")
    j, df = getattr(res, "j_stat", None), getattr(res, "j_df", None)
    if j is not None and df:
        from scipy.stats import chi2

        out["Hansen's J"], out["J p-value"] = float(j), float(chi2.sf(j, df))
    loglik = d.get("loglik") if d is not None and hasattr(d, "get") else None
    out["log-likelihood"] = float(loglik) if loglik is not None else float("nan")
    warnings = getattr(d, "warnings", None)
    out["model-check warnings"] = float(len(warnings)) if warnings is not None else float("nan")
    return out


@strict_class
@dataclass(frozen=True, repr=False)
class ComparisonDiagnostics(Diagnostics):
    """What was compared."""

    n_fits: int
    n_parameters: int
    stars: bool
    #: "std_errors" or "tstats" below each coefficient
    below: str


class Comparison(Results):
    """Fits side by side (the result of :func:`compare`); read-only.

    Attributes
    ----------
    params, std_errors, tstats, pvalues : pandas.DataFrame
        One row per parameter (the union over the fits, in order of first appearance), one column
        per fit; NaN where a fit has no such parameter.
    statistics : pandas.DataFrame
        The rows of :data:`STATISTICS` (NaN where a fit has no such number), one column per fit.
    methods, cov_types : pandas.Series
        The estimator and the covariance of each fit.
    """

    def __init__(self, params: pd.DataFrame, std_errors: pd.DataFrame, pvalues: pd.DataFrame,
                 statistics: pd.DataFrame, methods: pd.Series, cov_types: pd.Series, *, stars: bool,
                 below: str) -> None:
        self._params, self._se, self._p = params, std_errors, pvalues
        self._statistics, self._methods, self._cov_types = statistics, methods, cov_types
        self.stars, self.below = stars, below
        self._diagnostics = ComparisonDiagnostics(params.shape[1], params.shape[0], stars, below)

    @property
    def diagnostics(self) -> ComparisonDiagnostics:
        """Fits, parameters and the table's options."""
        return self._diagnostics

    params = property(lambda self: self._params.copy(), doc="Coefficients: parameters x fits.")
    std_errors = property(lambda self: self._se.copy(), doc="Standard errors: parameters x fits.")
    pvalues = property(lambda self: self._p.copy(), doc="Two-sided normal p-values: parameters x fits.")
    statistics = property(lambda self: self._statistics.copy(), doc="Facts below the coefficients.")
    methods = property(lambda self: self._methods.copy(), doc="The estimator of each fit.")
    cov_types = property(lambda self: self._cov_types.copy(), doc="The covariance of each fit.")

    @property
    def tstats(self) -> pd.DataFrame:
        """``params / std_errors``: parameters x fits."""
        return self._params / self._se

    def to_frame(self) -> pd.DataFrame:
        """Every number of the table: rows (parameter, ``"coef"`` / ``"std err"`` / ``"pvalue"``) and
        (``"statistic"``, name); one column per fit."""
        parts = {"coef": self._params, "std err": self._se, "pvalue": self._p}
        rows = {(p, what): table.loc[p] for p in self._params.index for what, table in parts.items()}
        rows |= {("statistic", name): self._statistics.loc[name] for name in self._statistics.index}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index = pd.MultiIndex.from_tuples(list(rows), names=["parameter", "what"])
        return frame

    def summary(self) -> SummaryTable:
        """The table a paper prints: coefficients, (standard errors) or [t] below, then the statistics."""
        rows: dict[tuple[str, str], list[str]] = {}
        for name in self._params.index:
            coef, se, p = self._params.loc[name], self._se.loc[name], self._p.loc[name]
            rows[(str(name), "")] = [_cell(c, q if self.stars else None) for c, q in zip(coef, p)]
            second = se if self.below == "std_errors" else coef / se
            brackets = "()" if self.below == "std_errors" else "[]"
            rows[("", str(name))] = [f"{brackets[0]}{v:.4f}{brackets[1]}" if math.isfinite(v) else ""
                                     for v in second]
        for name, _ in STATISTICS:
            values = self._statistics.loc[name]
            if values.isna().all():
                continue
            decimals = 0 if name in ("observations", "entities", "model-check warnings") else 3
            rows[(name, "")] = [f"{v:.{decimals}f}" if math.isfinite(v) else "" for v in values]
        rows[("covariance", "")] = [str(v) for v in self._cov_types]
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=[str(c) for c in self._params.columns])
        frame.index = pd.Index([a for a, _ in frame.index], name="")  # the second line of a parameter: no label
        below = "standard errors in parentheses" if self.below == "std_errors" else "t statistics in brackets"
        renamed = [f"{c} = {m}" for c, m in self._methods.items() if str(c) != m]
        notes = [f"Fits: {', '.join(renamed)}."] if renamed else []
        notes.append(f"{below.capitalize()}" + ("; * p < 0.10, ** p < 0.05, *** p < 0.01 (two-sided, normal)."
                                            if self.stars else "."))
        return SummaryTable(frame, "Comparison of fits", notes)

    def as_latex(self) -> str:
        """The summary as a LaTeX ``tabular``.

        Returns
        -------
        str
            See :meth:`nqpf_tfp.tables.SummaryTable.as_latex`.
        """
        return self.summary().as_latex()

    def as_html(self) -> str:
        """The summary as an HTML table.

        Returns
        -------
        str
            See :meth:`nqpf_tfp.tables.SummaryTable.as_html`.
        """
        return self.summary().as_html()

    def plot(self, ax: Any = None, level: float = 0.95, **kwargs: Any) -> Any:
        """Coefficient plot: each parameter's estimate and normal confidence interval, one marker per fit.

        Parameters
        ----------
        level : float
            Coverage of the confidence intervals (default 0.95).
        """
        from .arguments import confidence_level
        from .plotting import pyplot, style
        from .results import normal_quantile

        style(kwargs, "line")
        q = normal_quantile(0.5 + confidence_level(level, "level") / 2.0)
        if ax is None:
            _, ax = pyplot().subplots(figsize=(7, 0.5 + 0.45 * self._params.size))
        k, m = self._params.shape
        for j, column in enumerate(self._params.columns):
            y = np.arange(k) + (j - (m - 1) / 2) * 0.8 / max(m, 1)
            coef, half = self._params[column].to_numpy(), q * self._se[column].to_numpy()
            ax.errorbar(coef, y, xerr=half, fmt="o", capsize=2, label=str(column), **kwargs)
        ax.axvline(0.0, color="grey", lw=0.5)
        ax.set_yticks(np.arange(k))
        ax.set_yticklabels([str(p) for p in self._params.index])
        ax.invert_yaxis()
        ax.set_xlabel(f"estimate ({level:.0%} interval)")
        ax.legend(frameon=False)
        return ax


def _cell(coef: float, p: float | None) -> str:
    if not math.isfinite(coef):
        return ""
    stars = next((s for level, s in _STARS if p is not None and math.isfinite(p) and p < level), "")
    return f"{coef:.4f}{stars}"


@strict_keywords
def compare(results: Sequence[Any] | Mapping[Any, Any], *, names: Sequence[str] | None = None,
            stars: bool = False, below: str = "std_errors") -> Comparison:
    """Line up several fits: coefficients with standard errors, and the facts below them.

    Parameters
    ----------
    results : sequence or mapping of results
        Fits with estimated parameters: :class:`~nqpf_tfp.ProductionResults`,
        :class:`~nqpf_tfp.frontier.SFAResults`, or what :func:`~nqpf_tfp.fit_by` returns (a mapping
        group -> fit, whose keys name the columns).
    names : sequence of str, optional
        Column names; default the mapping's keys, or each fit's method (numbered when repeated).
    stars : bool
        Mark coefficients with ``*`` (p < 0.10), ``**`` (p < 0.05), ``***`` (p < 0.01), two-sided normal.
    below : {"std_errors", "tstats"}
        What the second line of each parameter shows: standard errors in parentheses or t
        statistics in brackets.

    Returns
    -------
    Comparison
        ``params``, ``std_errors``, ``tstats``, ``pvalues``, ``statistics`` as tables;
        ``summary()`` (text, ``as_latex()``, ``as_html()``) and ``to_frame()``.

    Examples
    --------
    >>> import nqpf_tfp as nt
    >>> data = nt.datasets.load_chilean()
    >>> kw = dict(entity="idvar", time="timevar")
    >>> fits = [nt.Wooldridge(data, "Y", ["fX1", "fX2"], "sX", "pX", **kw).fit(),
    ...         nt.OLS(data, "Y", ["fX1", "fX2"], "sX", **kw).fit()]
    >>> table = nt.compare(fits, stars=True)
    >>> list(table.params.columns)
    ['Wooldridge (iv)', 'OLS']
    """
    below = check_option("compare_below", below, "below")
    if isinstance(results, Mapping):
        labels = [str(k) for k in results]
        fits = list(results.values())
    elif isinstance(results, (list, tuple)):
        fits = list(results)
        labels = _numbered([str(getattr(r, "method", type(r).__name__)) for r in fits])
    else:
        raise SpecificationError("results must be a list of fits or a mapping name -> fit (e.g. what fit_by "
                                 f"returns), not {type(results).__name__}.")
    if not fits:
        raise SpecificationError("compare needs at least one fit.")
    for label, fit in zip(labels, fits):
        if not isinstance(fit, ParameterEstimates):
            raise SpecificationError(f"{label!r} is a {type(fit).__name__}, which has no estimated parameters; "
                                     "compare takes production-function and stochastic-frontier fits.")
    if names is not None:
        if isinstance(names, str) or len(names) != len(fits) or len(set(names)) != len(names):
            raise SpecificationError(f"names must be {len(fits)} different names, one per fit, not {names!r}.")
        labels = [str(n) for n in names]
    order: dict[Any, None] = {}
    for fit in fits:
        order.update(dict.fromkeys(fit.params.index))
    index = pd.Index(list(order), name="parameter")

    def table(get: Any) -> pd.DataFrame:
        return pd.DataFrame({label: get(fit).reindex(index) for label, fit in zip(labels, fits)}, index=index)

    statistics = pd.DataFrame({label: _statistics(fit) for label, fit in zip(labels, fits)})
    methods = pd.Series([str(getattr(f, "method", type(f).__name__)) for f in fits], index=labels, name="method")
    cov_types = pd.Series([str(getattr(f, "cov_type", "")) for f in fits], index=labels, name="cov_type")
    return Comparison(table(lambda f: f.params), table(lambda f: f.std_errors), table(lambda f: f.pvalues),
                      statistics, methods, cov_types, stars=bool(stars), below=below)


def _numbered(labels: list[str]) -> list[str]:
    """Repeated labels get (1), (2), ... so every column has its own name."""
    counts = {label: labels.count(label) for label in labels}
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            out.append(f"{label} ({seen[label]})")
        else:
            out.append(label)
    return out
