"""Results of :func:`~nqpf_tfp.frontier.bootstrap_dea` and :func:`~nqpf_tfp.frontier.bootstrap_malmquist`
(read-only): bias-corrected estimates and their intervals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..arguments import confidence_level
from ..errors import SpecificationError
from ..keywords import strict_class
from ..options import check_option
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable

__all__ = ["BootstrapDEADiagnostics", "BootstrapDEAResults", "BootstrapMalmquistDiagnostics",
           "BootstrapMalmquistResults", "interval"]


def interval(estimate: np.ndarray, draws: np.ndarray, level: float, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Per column: the bootstrap interval of ``estimate`` from its ``draws`` (replications in rows, NaN left
    out). ``"basic"``: ``estimate - q_{1-a/2}(d), estimate - q_{a/2}(d)`` with ``d = draws - estimate``
    (Simar and Wilson 2000, eq. 4.5); ``"percentile"``: the quantiles of the draws."""
    tail = (1.0 - level) / 2.0
    lo_q, hi_q = np.nanquantile(draws, [tail, 1.0 - tail], axis=0)
    if method == "percentile":
        return lo_q, hi_q
    return 2.0 * estimate - hi_q, 2.0 * estimate - lo_q


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class BootstrapDEADiagnostics(Diagnostics):
    """Facts about a bootstrap of DEA scores."""

    rts: str
    orientation: str
    n_dmus: int
    #: replications asked for, and those that succeeded (the others failed and were dropped)
    replications: int
    replications_used: int
    #: the kernel bandwidth of the smoothed draws and the rule that chose it ("given" for a number)
    bandwidth: float
    bandwidth_rule: str
    #: coverage and method of the intervals in ``lower`` and ``upper``
    level: float
    method: str
    #: the entropy of the seed sequence the replications were spawned from (reproduces a run with seed=None)
    seed_entropy: int | None
    seconds: float


class BootstrapDEAResults(TFPResults):
    """Bootstrapped DEA scores per unit, labelled like :class:`~nqpf_tfp.frontier.DEAResults`.

    ``tfp`` is the bias-corrected efficiency (``tfp_scale = "level"``); the uncorrected score is
    ``efficiency``. See :mod:`nqpf_tfp.frontier.bootstrap_dea` for the formulas.
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "efficiency"

    def __init__(self, efficiency: pd.Series, draws: pd.DataFrame, diagnostics: BootstrapDEADiagnostics) -> None:
        self._draws = draws
        self._diagnostics = diagnostics
        d = draws.to_numpy()
        estimate = efficiency.to_numpy(dtype=float)
        mean = np.nanmean(d, axis=0)
        variance = np.nanvar(d, axis=0, ddof=1)
        lower, upper = interval(estimate, d, diagnostics.level, diagnostics.method)
        bias = mean - estimate
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = bias ** 2 / variance
        self._frame = pd.DataFrame({"efficiency": estimate, "bias": bias, "bias_corrected": estimate - bias,
                                    "std_error": np.sqrt(variance), "lower": lower, "upper": upper,
                                    "bias_ratio": ratio}, index=efficiency.index)

    def _column(self, name: str) -> pd.Series:
        return self._frame[name].copy()

    @property
    def efficiency(self) -> pd.Series:
        """The DEA score ``theta_hat`` (input: ``theta``; output: ``1 / phi``)."""
        return self._column("efficiency")

    @property
    def bias(self) -> pd.Series:
        """``mean_b(theta*) - theta_hat``: positive, as DEA overstates efficiency."""
        return self._column("bias")

    @property
    def bias_corrected(self) -> pd.Series:
        """``theta_hat - bias``."""
        return self._column("bias_corrected")

    @property
    def std_error(self) -> pd.Series:
        """The standard deviation of the replicated scores."""
        return self._column("std_error")

    @property
    def bias_ratio(self) -> pd.Series:
        """``bias^2 / variance``: correct the bias where it exceeds 1/3 (Simar and Wilson 2000)."""
        return self._column("bias_ratio")

    @property
    def draws(self) -> pd.DataFrame:
        """The replicated scores ``theta*``: one row per successful replication, one column per unit."""
        return self._draws.copy()

    @property
    def tfp(self) -> pd.Series:
        return self.bias_corrected

    @property
    def diagnostics(self) -> BootstrapDEADiagnostics:
        return self._diagnostics

    def conf_int(self, level: float = 0.95, method: str = "basic") -> pd.DataFrame:
        """Bootstrap confidence intervals for the true efficiency of each unit.

        Parameters
        ----------
        level : float
            Coverage, strictly between 0 and 1.
        method : {"basic", "percentile"}
            Simar and Wilson's interval or Efron's percentile interval (:func:`interval`).

        Returns
        -------
        pandas.DataFrame
            Columns ``lower`` and ``upper``, one row per unit.
        """
        level = confidence_level(level, "level")
        method = check_option("bootstrap_interval", method, "method")
        lower, upper = interval(self._frame["efficiency"].to_numpy(), self._draws.to_numpy(), level, method)
        return pd.DataFrame({"lower": lower, "upper": upper}, index=self._frame.index)

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def summary(self) -> SummaryTable:
        f = self._frame
        table = f[["efficiency", "bias_corrected", "bias", "std_error"]].describe().T[["mean", "std", "min", "max"]]
        table.loc["interval width"] = (f["upper"] - f["lower"]).describe()[["mean", "std", "min", "max"]]
        d = self._diagnostics
        notes = [f"Simar-Wilson (1998) smoothed bootstrap of {d.orientation}-oriented DEA, {d.rts.upper()}; "
                 f"{d.n_dmus} units, {d.replications_used} of {d.replications} replications.",
                 f"Bandwidth {d.bandwidth:.4g} ({d.bandwidth_rule}); {100 * d.level:g}% {d.method} intervals; "
                 f"{int((f['bias_ratio'] > 1 / 3).sum())} unit(s) with bias^2/var > 1/3."]
        return SummaryTable(table, "Bootstrapped DEA efficiency", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Units sorted by bias-corrected efficiency, each with its interval and its DEA score."""
        from ..plotting import pyplot, style

        plt = pyplot()
        style(kwargs, "line")
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        f = self._frame.sort_values("bias_corrected").reset_index(drop=True)
        ax.vlines(f.index, f["lower"], f["upper"], colors="0.6", linewidth=1, label="interval")
        ax.plot(f.index, f["bias_corrected"], "o", markersize=3, label="bias-corrected", **kwargs)
        ax.plot(f.index, f["efficiency"], "_", color="black", label="DEA score")
        ax.set_xlabel("units, by bias-corrected efficiency")
        ax.set_ylabel("efficiency")
        ax.legend(frameon=False)
        return ax


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class BootstrapMalmquistDiagnostics(Diagnostics):
    """Facts about a Malmquist bootstrap."""

    orientation: str
    n_entities: int
    n_periods: int
    replications: int
    replications_used: int
    #: the pairs' kernel bandwidth
    bandwidth: float
    level: float
    method: str
    seed_entropy: int | None
    seconds: float


class BootstrapMalmquistResults(TFPResults):
    """Bootstrapped Malmquist indices per (entity, period), from each entity's second period on (see
    :mod:`nqpf_tfp.frontier.bootstrap_malmquist`).

    ``to_frame()`` holds, for ``tfpch``, ``effch`` and ``techch``, the estimate, its ``_bias_corrected``
    value, the interval ``_lower`` and ``_upper`` and ``_significant`` (the interval excludes 1). ``tfp`` is
    the cumulative TFP index of the estimates (first period = 1), as :class:`~nqpf_tfp.frontier.MalmquistResults`
    reports it.
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "index"

    def __init__(self, estimate: pd.Series, draws: pd.DataFrame, keys: tuple[str, str], first_period: Any,
                 diagnostics: BootstrapMalmquistDiagnostics) -> None:
        self._first_period = first_period
        self._estimate = estimate
        self._draws = draws
        self._keys = keys
        self._diagnostics = diagnostics
        self._frame = self._table(diagnostics.level, diagnostics.method)

    def _table(self, level: float, method: str) -> pd.DataFrame:
        entity, time = self._keys
        est = self._estimate.to_numpy()
        d = self._draws.to_numpy()
        lower, upper = interval(est, d, level, method)
        long = pd.DataFrame({"": est, "_bias_corrected": 2 * est - d.mean(axis=0), "_lower": lower, "_upper": upper},
                            index=self._estimate.index)
        long["_significant"] = (long["_lower"] > 1) | (long["_upper"] < 1)
        wide = long.unstack("component")
        wide.columns = [f"{component}{what}" for what, component in wide.columns]
        wide = wide.reorder_levels([entity, time]).sort_index()
        order = [f"{c}{w}" for c in ("tfpch", "effch", "techch")
                 for w in ("", "_bias_corrected", "_lower", "_upper", "_significant")]
        return wide[order]

    def _component(self, name: str) -> pd.Series:
        return self._frame[name].copy()

    @property
    def tfpch(self) -> pd.Series:
        """The Malmquist TFP index per (entity, period)."""
        return self._component("tfpch")

    @property
    def effch(self) -> pd.Series:
        """Efficiency change."""
        return self._component("effch")

    @property
    def techch(self) -> pd.Series:
        """Technical change."""
        return self._component("techch")

    @property
    def draws(self) -> pd.DataFrame:
        """The replications: one row each, one column per (period, component, entity)."""
        return self._draws.copy()

    @property
    def tfp(self) -> pd.Series:
        entity, time = self._keys
        cumulative = np.exp(np.log(self._frame["tfpch"]).groupby(level=entity).cumsum())
        entities = self._frame.index.get_level_values(entity).unique()
        start = pd.Series(1.0, index=pd.MultiIndex.from_product([entities, [self._first_period]],
                                                                 names=[entity, time]))
        return pd.concat([start, cumulative]).sort_index().rename("tfp_index")

    @property
    def diagnostics(self) -> BootstrapMalmquistDiagnostics:
        return self._diagnostics

    def conf_int(self, level: float = 0.95, method: str = "basic", component: str = "tfpch") -> pd.DataFrame:
        """Bootstrap confidence intervals for one component per (entity, period).

        Parameters
        ----------
        level : float
            Coverage, strictly between 0 and 1.
        method : {"basic", "percentile"}
            Simar and Wilson's interval or Efron's percentile interval.
        component : {"tfpch", "effch", "techch"}
            Which index.

        Returns
        -------
        pandas.DataFrame
            Columns ``lower`` and ``upper``.
        """
        level = confidence_level(level, "level")
        method = check_option("bootstrap_interval", method, "method")
        if component not in ("tfpch", "effch", "techch"):
            raise SpecificationError(f"component must be 'tfpch', 'effch' or 'techch', not {component!r}.")
        table = self._table(level, method)
        return table[[f"{component}_lower", f"{component}_upper"]].set_axis(["lower", "upper"], axis=1)

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def summary(self) -> SummaryTable:
        time = self._keys[1]
        f = self._frame
        rows = {}
        for period, part in f.groupby(level=time):
            row: dict[str, float] = {}
            for c in ("tfpch", "effch", "techch"):
                row[c] = float(np.exp(np.log(part[c]).mean()))
            row["tfpch up"] = int((part["tfpch_significant"] & (part["tfpch"] > 1)).sum())
            row["tfpch down"] = int((part["tfpch_significant"] & (part["tfpch"] < 1)).sum())
            rows[period] = row
        table = pd.DataFrame(rows).T
        table = table.astype({"tfpch up": int, "tfpch down": int})
        table.index.name = time
        d = self._diagnostics
        notes = [f"Simar-Wilson (1999) bootstrap of the CRS Malmquist index ({d.orientation}-oriented pseudo-data); "
                 f"{d.n_entities} entities, {d.n_periods} periods, {d.replications_used} of {d.replications} "
                 f"replications; geometric means by period.",
                 f"'up' / 'down': entities whose {100 * d.level:g}% {d.method} interval of tfpch lies above / below 1."]
        return SummaryTable(table, "Bootstrapped Malmquist index", notes, ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The last period's ``tfpch`` per entity, sorted, with its interval and the line at 1."""
        from ..plotting import pyplot, style

        plt = pyplot()
        style(kwargs, "line")
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        time = self._keys[1]
        newest = self._frame.index.get_level_values(time) == self._frame.index.get_level_values(time).max()
        last = self._frame[newest].sort_values("tfpch").reset_index(drop=True)
        ax.vlines(last.index, last["tfpch_lower"], last["tfpch_upper"], colors="0.6", linewidth=1)
        ax.plot(last.index, last["tfpch"], "o", markersize=3, **kwargs)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xlabel("entities, by tfpch")
        ax.set_ylabel("tfpch")
        return ax
