"""The results contract every family meets: growth, production, frontier, analysis and indices.

Every public result is a :class:`Results` and is read-only. It offers

- ``to_frame()``: its numbers in one DataFrame (per observation where it has observations);
- ``summary()``: a :class:`~nqpf_tfp.tables.SummaryTable` (text, ``.as_latex()``, ``.as_html()``);
- ``plot(ax=...)``: a matplotlib picture (returns the Axes);
- ``diagnostics``: a frozen dataclass of typed facts (see :class:`Diagnostics`), with a short repr;
- ``repr()`` is the summary's text, and notebooks show its HTML (``_repr_html_``).

Results that carry TFP or efficiency are :class:`TFPResults` and add ``tfp`` with ``tfp_scale``
(``"log"`` or ``"level"``) and ``tfp_kind`` (productivity, efficiency, a cumulative index or a change).
Results with estimated parameters add :class:`ParameterEstimates`: ``params``, ``std_errors``,
``tstats``, ``pvalues``, ``conf_int()``, ``cov`` and ``nobs``.
"""

from __future__ import annotations

import dataclasses
import math
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .docstrings import inherit_docstrings, mark_returned
from .keywords import strict_class
from .tables import SummaryTable

__all__ = ["Diagnostics", "ParameterEstimates", "Results", "TFPResults"]

_SHOWN = 60  # characters of one diagnostics field in the short repr
_REPR_ROWS = 40  # a summary longer than this is not printed by repr()


@strict_class
@dataclasses.dataclass(frozen=True)
class Diagnostics:
    """Base of the typed diagnostics: a frozen dataclass whose fields are documented facts.

    Fields that do not apply to an estimation are ``None``. Mapping-style access
    (``diagnostics["objective"]``, ``"objective" in diagnostics``) is kept for
    code written against nqpf_tfp 0.1.0, whose diagnostics were a dict; it sees
    only the fields that are set.
    """

    def __getitem__(self, key: str) -> Any:
        value = getattr(self, key, None) if key in self._names() else None
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._names() and getattr(self, key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherit_docstrings(cls)
        mark_returned(cls)

    def get(self, key: str, default: Any = None) -> Any:
        """A field's value, or ``default`` when the field is not set (mapping-style access).

        Parameters
        ----------
        key : str
            The field's name.
        default : object, optional
            What to return when the field is unset or unknown.

        Returns
        -------
        object
            The field's value, or ``default``.
        """
        return self[key] if key in self else default

    def keys(self) -> list[str]:
        """The fields that are set.

        Returns
        -------
        list of str
            Their names, in the order of the dataclass's fields.
        """
        return [n for n in self._names() if getattr(self, n) is not None]

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set, as a plain dict.

        Returns
        -------
        dict
            Field name to value.
        """
        return {n: getattr(self, n) for n in self.keys()}

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def __repr__(self) -> str:
        """Only the fields that are set, each cut to a line: ``ProductionDiagnostics(method='ACF', ...)``."""
        parts = []
        for name in self.keys():
            text = repr(getattr(self, name))
            parts.append(f"{name}={text if len(text) <= _SHOWN else text[:_SHOWN - 3] + '...'}")
        return f"{type(self).__name__}({', '.join(parts)})"


class Results(ABC):
    """What every public result offers; see :mod:`nqpf_tfp.results`."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherit_docstrings(cls)  # an override that does what the base documents shares its docstring
        mark_returned(cls)
        strict_class(cls)  # an unknown keyword to any public method is an ArgumentError with close matches

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """The results' numbers in one DataFrame (every per-observation result, where there are observations).

        Returns
        -------
        pandas.DataFrame
            One row per observation (or per period, unit or parameter where
            the result has no observations), one column per quantity.
        """

    @abstractmethod
    def summary(self) -> SummaryTable:
        """The table a paper would report.

        Returns
        -------
        SummaryTable
            Printable as text, and as LaTeX or HTML (``as_latex()``,
            ``to_latex()``, ``as_html()``).
        """

    @property
    @abstractmethod
    def diagnostics(self) -> Diagnostics:
        """Typed facts about the computation (a frozen dataclass)."""

    @abstractmethod
    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """A picture of the results (needs matplotlib).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when ``None``.
        **kwargs
            Passed to matplotlib (colours, line widths, ...).

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.
        """

    def to_latex(self, caption: str | None = None, label: str | None = None) -> str:
        """The summary as a captioned LaTeX ``table`` for a paper (booktabs rules, notes under the table).

        Parameters
        ----------
        caption : str, optional
            The table's caption (LaTeX markup allowed).
        label : str, optional
            Its ``\\label`` for cross references.

        Returns
        -------
        str
            A ``table`` environment; the preamble needs ``\\usepackage{booktabs}``.
            See :meth:`nqpf_tfp.tables.SummaryTable.to_latex`.
        """
        return self.summary().to_latex(caption=caption, label=label)

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def __repr__(self) -> str:
        """The summary's text; a line saying what it holds when the summary is longer than a screen."""
        table = self.summary()
        rows = len(table.as_frame())
        if rows <= _REPR_ROWS:
            return table.as_text()
        return f"<{type(self).__name__}: {table.title}; {rows} rows (summary() shows them, to_frame() has the numbers)>"


strict_class(Results)


class TFPResults(Results):
    """Results that carry TFP or efficiency per observation; see :mod:`nqpf_tfp.results`."""

    #: whether :attr:`tfp` is log TFP or its level
    tfp_scale: ClassVar[Literal["log", "level"]]
    #: what :attr:`tfp` measures: ``"productivity"`` (TFP itself), ``"efficiency"`` (distance to a
    #: frontier, in (0, 1]), ``"index"`` (a cumulative productivity index, 1 or 0 at each entity's start)
    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "productivity"

    @property
    @abstractmethod
    def tfp(self) -> pd.Series:
        """TFP per observation (log or level: :attr:`tfp_scale`; what it measures: :attr:`tfp_kind`)."""


class ParameterEstimates:
    """``params``, ``cov``, ``std_errors``, ``tstats``, ``pvalues`` and ``conf_int()`` for results of an
    estimator (``_params``, ``_cov`` set by it); inference is large-sample normal (z statistics)."""

    _params: pd.Series
    _cov: pd.DataFrame

    @property
    def params(self) -> pd.Series:
        """The estimated parameters."""
        return self._params.copy()

    @property
    def cov(self) -> pd.DataFrame:
        """Their covariance matrix (analytic or bootstrap, as the fit says)."""
        return self._cov.copy()

    @property
    def std_errors(self) -> pd.Series:
        """Standard errors: the square roots of the covariance's diagonal."""
        return pd.Series(np.sqrt(np.diag(self._cov.to_numpy())), index=self._params.index, name="std_error")

    @property
    def tstats(self) -> pd.Series:
        """``params / std_errors`` (z statistics)."""
        return (self._params / self.std_errors).rename("tstat")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values of ``params = 0`` from the standard normal."""
        return pd.Series(_normal_sf2(self.tstats.to_numpy()), index=self._params.index, name="pvalue")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Normal confidence intervals.

        Parameters
        ----------
        level : float
            Coverage, between 0 and 1 (default 0.95).

        Returns
        -------
        pandas.DataFrame
            Columns ``lower`` and ``upper``, one row per parameter.
        """
        from .arguments import confidence_level

        level = confidence_level(level, "level")
        q = normal_quantile(0.5 + level / 2.0)
        se = self.std_errors
        return pd.DataFrame({"lower": self._params - q * se, "upper": self._params + q * se})


def _normal_sf2(z: np.ndarray) -> np.ndarray:
    """Two-sided standard normal p-value of each ``z`` (NaN stays NaN)."""
    return np.array([math.erfc(abs(v) / math.sqrt(2.0)) for v in np.atleast_1d(z)], dtype=float)


def normal_quantile(p: float) -> float:
    """Inverse standard normal CDF by bisection on erfc (no scipy at import time)."""
    lo, hi = -10.0, 10.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if 0.5 * math.erfc(-mid / math.sqrt(2.0)) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
