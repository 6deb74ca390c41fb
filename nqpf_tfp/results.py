"""The results contract every family meets (growth, levels, production, and the families to come).

A results object is read-only and offers:

- ``tfp``: TFP as a labelled Series; ``tfp_scale`` says whether it is ``"log"``
  or ``"level"``, and each class documents its index;
- ``to_frame()``: everything per observation in one DataFrame;
- ``summary()``: a :class:`~nqpf_tfp.tables.SummaryTable` (text, ``.as_latex()``, ``.as_html()``);
- ``plot(ax=...)``: a matplotlib picture where one helps (returns the Axes);
- ``diagnostics``: a frozen dataclass of typed facts (see :class:`Diagnostics`).
"""

from __future__ import annotations

import dataclasses
import math
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .keywords import strict_class
from .tables import SummaryTable

__all__ = ["Diagnostics", "ParameterEstimates", "TFPResults"]


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

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def keys(self) -> list[str]:
        """The fields that are set."""
        return [n for n in self._names() if getattr(self, n) is not None]

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set, as a plain dict."""
        return {n: getattr(self, n) for n in self.keys()}

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))


class TFPResults(ABC):
    """What every results object offers; see :mod:`nqpf_tfp.results`."""

    #: whether :attr:`tfp` is log TFP or its level
    tfp_scale: ClassVar[Literal["log", "level"]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        strict_class(cls)  # an unknown keyword to any public method is an ArgumentError with close matches

    @property
    @abstractmethod
    def tfp(self) -> pd.Series:
        """TFP per observation (log or level: :attr:`tfp_scale`); each class documents the index."""

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """Every per-observation result in one DataFrame."""

    @abstractmethod
    def summary(self) -> SummaryTable:
        """The table a paper would report."""

    @property
    @abstractmethod
    def diagnostics(self) -> Diagnostics:
        """Typed facts about the computation."""

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """A picture of the results on ``ax`` (a new figure if ``None``); returns the Axes."""
        raise NotImplementedError(f"{type(self).__name__} has no plot.")


strict_class(TFPResults)


class ParameterEstimates:
    """``params``, ``cov``, ``std_errors``, ``tstats``, ``pvalues`` and ``conf_int()`` for results of an
    estimator (``_params``, ``_cov`` set by it); inference is large-sample normal (z statistics)."""

    _params: pd.Series
    _cov: pd.DataFrame

    @property
    def params(self) -> pd.Series:
        return self._params.copy()

    @property
    def cov(self) -> pd.DataFrame:
        return self._cov.copy()

    @property
    def std_errors(self) -> pd.Series:
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
        """Normal confidence intervals: columns ``lower`` and ``upper``."""
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
