"""Results of :func:`~nqpf_tfp.analysis.productivity_persistence` (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..keywords import strict_class
from ..results import Diagnostics, ParameterEstimates, Results
from ..tables import SummaryTable

__all__ = ["Persistence", "PersistenceDiagnostics"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class PersistenceDiagnostics(Diagnostics):
    """The sample of the persistence regressions."""

    n_groups: int
    #: (firm, t - 1, t) pairs in all groups
    pairs: int
    n_entities: int


class Persistence(ParameterEstimates, Results):
    """The AR(1) coefficient of productivity by group (see :mod:`nqpf_tfp.analysis.dynamics`).

    ``params`` holds one ``rho`` per group (the group's label; ``"rho"`` without groups) with its
    firm-clustered standard error. The groups are separate regressions: ``cov`` is diagonal.
    """

    def __init__(self, table: pd.DataFrame, diagnostics: PersistenceDiagnostics) -> None:
        self._table, self._diagnostics = table.copy(), diagnostics
        self._params = table["rho"].rename("rho")
        self._cov = pd.DataFrame(np.diag(table["std_error"].to_numpy() ** 2), index=table.index, columns=table.index)

    @property
    def diagnostics(self) -> PersistenceDiagnostics:
        """Groups, pairs and firms."""
        return self._diagnostics

    @property
    def nobs(self) -> int:
        """Consecutive-period pairs used, over all groups."""
        return self._diagnostics.pairs

    def to_frame(self) -> pd.DataFrame:
        """By group: ``rho``, ``std_error``, ``pairs`` and ``firms``."""
        return self._table.copy()

    def summary(self) -> SummaryTable:
        """rho by group with clustered standard errors and 95% intervals."""
        ci = self.conf_int()
        frame = pd.DataFrame({"rho": self._params, "std err": self.std_errors, "[0.025": ci["lower"],
                              "0.975]": ci["upper"], "pairs": self._table["pairs"], "firms": self._table["firms"]})
        d = self._diagnostics
        notes = [f"OLS of productivity on its previous period with a constant, {d.pairs} pairs of {d.n_entities} "
                 "firms; standard errors clustered by firm (G/(G-1))."]
        return SummaryTable(frame, "Productivity persistence (AR(1))", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """rho by group with 95% confidence intervals (bar style ``kwargs``)."""
        from ..plotting import pyplot, style

        style(kwargs, "bar")
        if ax is None:
            _, ax = pyplot().subplots(figsize=(7, 4))
        ci = self.conf_int()
        x = np.arange(len(self._params))
        ax.bar(x, self._params.to_numpy(), **kwargs)
        # intervals as lines: bar(yerr=) with one group trips a numpy deprecation in older matplotlib
        ax.vlines(x, ci["lower"].to_numpy(), ci["upper"].to_numpy(), color="black", linewidth=1.2)
        ax.set_xticks(x)
        ax.set_xticklabels([str(g) for g in self._params.index])
        ax.set_ylabel("persistence (rho)")
        return ax
