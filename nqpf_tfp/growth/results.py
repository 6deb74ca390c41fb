"""The results object of :func:`nqpf_tfp.growth_accounting`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..errors import NqpfTfpWarning, SpecificationError, warn
from ..keywords import strict_class
from ..panel import Panel
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable

__all__ = ["GrowthAccounting", "GrowthDiagnostics"]

Periods = Sequence[tuple[int, int]] | Mapping[str, tuple[int, int]]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class GrowthDiagnostics(Diagnostics):
    """Facts about a growth accounting."""

    #: ``"tornqvist"`` or ``"solow"``
    method: str
    #: growth observations (entity-periods with a previous period)
    nobs: int
    n_entities: int
    #: runs of consecutive periods (one per entity, plus one per gap)
    runs: int


class GrowthAccounting(TFPResults):
    """Growth-accounting results (read-only; the :class:`~nqpf_tfp.results.TFPResults` contract).

    Growth rates are log differences; ``contributions`` satisfy, row by row,
    ``output == sum(input contributions) + tfp`` to floating-point precision.
    :attr:`tfp` is log TFP relative to the start of each entity's run of
    consecutive periods (the log of :meth:`tfp_index`); :attr:`tfp_growth`
    its annual changes.

    Attributes
    ----------
    method : str
        ``"tornqvist"`` or ``"solow"``.
    inputs : list of str
        Names of the input contributions, in order.
    nobs : int
        Number of growth observations (entity-years with a previous year).
    """

    def __init__(
        self,
        *,
        panel: Panel,
        output: str,
        labels: list[str],
        columns: list[str],
        method: str,
        dln_output: np.ndarray,
        dln_inputs: np.ndarray,
        shares: np.ndarray,
        contributions: np.ndarray,
        tfp_growth: np.ndarray,
    ) -> None:
        self._panel = panel
        self._output = output
        self.inputs = list(labels)
        self._columns = list(columns)
        self.method = method
        self._valid = panel.lag(1).valid
        self._dln_output = dln_output
        self._dln_inputs = dln_inputs
        self._shares = shares
        self._contrib = contributions
        self._tfp = tfp_growth
        for arr in (dln_output, dln_inputs, shares, contributions, tfp_growth):
            arr.setflags(write=False)

    tfp_scale: ClassVar[Literal["log", "level"]] = "log"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "index"

    # --------------------------------------------------------------- series
    @property
    def nobs(self) -> int:
        return int(self._valid.sum())

    @property
    def diagnostics(self) -> GrowthDiagnostics:
        """Typed facts: method, growth observations, entities, runs of consecutive periods."""
        return GrowthDiagnostics(self.method, self.nobs, self._panel.n_entities, int((~self._valid).sum()))

    @property
    def tfp(self) -> pd.Series:
        """Log TFP on (entity, time), 0 at the start of each run of consecutive periods: ``ln tfp_index()``.

        A chain never spans a missing period: after a gap the log index starts again at 0,
        with a warning naming the entities and years (use :meth:`tfp_index` with ``base=`` for one
        base period, NaN where no chain reaches it).
        """
        return np.log(self.tfp_index()).rename("tfp")

    @property
    def tfp_growth(self) -> pd.Series:
        """Annual TFP growth, Δln A, on (entity, time); years with a previous year only."""
        return self._panel.series(self._tfp, "tfp_growth", mask=self._valid)

    @property
    def output_growth(self) -> pd.Series:
        """Annual output growth, Δln Y, on (entity, time)."""
        return self._panel.series(self._dln_output, "output_growth", mask=self._valid)

    @property
    def contributions(self) -> pd.DataFrame:
        """Output growth and its sources on (entity, time).

        Columns: ``output`` (Δln Y), one per input (share × Δln X), ``tfp``.
        ``output`` equals the sum of the other columns.
        """
        cols = {"output": self._dln_output}
        cols.update({label: self._contrib[:, j] for j, label in enumerate(self.inputs)})
        cols["tfp"] = self._tfp
        return self._panel.frame(cols, mask=self._valid)

    @property
    def shares(self) -> pd.DataFrame:
        """The (averaged) share applied to each input's growth, on (entity, time)."""
        return self._panel.frame({lab: self._shares[:, j] for j, lab in enumerate(self.inputs)}, mask=self._valid)

    @property
    def input_growth(self) -> pd.DataFrame:
        """Δln of each input, on (entity, time)."""
        return self._panel.frame({lab: self._dln_inputs[:, j] for j, lab in enumerate(self.inputs)}, mask=self._valid)

    # ---------------------------------------------------------------- index
    def tfp_index(self, base: Any = None) -> pd.Series:
        """TFP level index chained from annual growth, per entity.

        Parameters
        ----------
        base : period, optional
            The index equals 1 in this period. ``None``: 1 in each entity's
            first period, and again in the first period after each gap (the
            segments are separate chains; a warning names the entities and the
            years where a chain restarts).

        Returns
        -------
        pandas.Series
            On (entity, time) for every row of the panel. A chain never spans
            a missing period, so with ``base=`` the years not linked to the base
            year by an unbroken run of periods are NaN (with a warning naming
            the entities).
        """
        panel = self._panel
        run_start = ~self._valid
        run_id = np.cumsum(run_start) - 1
        first_of_run = np.flatnonzero(run_start)
        cum = np.cumsum(np.where(self._valid, self._tfp, 0.0))
        log_level = cum - cum[first_of_run[run_id]]
        if base is None:
            self._warn_restarts(first_of_run)
            return panel.series(np.exp(log_level), "tfp_index")
        at_base = panel.time == panel.time_ordinal(base)
        if not at_base.any():
            raise SpecificationError(f"base={base!r} is not a period of the data.")
        base_row = np.full(first_of_run.size, -1)
        base_row[run_id[at_base]] = np.flatnonzero(at_base)
        row_base = base_row[run_id]
        linked = row_base >= 0
        level = np.full(panel.nobs, np.nan)
        level[linked] = np.exp(log_level[linked] - log_level[row_base[linked]])
        if not linked.all():
            lost = pd.unique(panel.entities[~linked])
            warn(
                f"tfp_index: {int((~linked).sum())} entity-years of {len(lost)} entities are not linked to base "
                f"{base!r} by consecutive years (base year missing, or a gap), so they are NaN: "
                f"{', '.join(map(str, lost[:10]))}{' ...' if len(lost) > 10 else ''}. "
                "Use base=None for an index = 1 at the start of each run.",
                NqpfTfpWarning,
            )
        return panel.series(level, "tfp_index")

    def _warn_restarts(self, first_of_run: np.ndarray) -> None:
        """Warn when a chain restarts at 1 after a gap (not at an entity's first period)."""
        panel = self._panel
        restarts = first_of_run[first_of_run != panel.entity_start()[first_of_run]]
        if restarts.size == 0:
            return
        labels = panel.time_labels
        where = [f"{panel.entities[r]} {labels[r]} (after {labels[r - 1]})" for r in restarts[:10]]
        n_entities = np.unique(panel.entity_codes[restarts]).size
        warn(f"tfp_index: the chain restarts at 1 after a gap in {restarts.size} place(s) of {n_entities} "
             f"entities: {', '.join(where)}{' ...' if restarts.size > 10 else ''}. Each segment is its own "
             "index; pass base= to express every year relative to one period (unlinked years are then NaN).",
             NqpfTfpWarning)

    # ------------------------------------------------------------- averages
    def averages(self, periods: Periods | None = None) -> pd.DataFrame:
        """Average annual contributions over sub-periods, per entity.

        Parameters
        ----------
        periods : sequence of (start, end), or mapping label -> (start, end)
            A period (start, end) averages the growth from ``start`` to ``end``,
            i.e. the annual rates of the years ``start < t <= end``. ``None``:
            each entity's whole sample.

        Returns
        -------
        pandas.DataFrame
            Index (entity, period); columns as :attr:`contributions` plus
            ``years`` (growth observations averaged). A period with fewer
            ``years`` than ``end - start`` has gaps or lies partly outside the data.
        """
        panel = self._panel
        rows = np.flatnonzero(self._valid)
        values = np.column_stack([self._dln_output, self._contrib, self._tfp])[rows]
        names = ["output", *self.inputs, "tfp"]
        ent, t = panel.entity_codes[rows], panel.time[rows]
        n_ent = panel.entity_labels.size
        if periods is None:
            masks: list[tuple[str | None, np.ndarray]] = [(None, np.ones(rows.size, dtype=bool))]
        else:
            items = periods.items() if isinstance(periods, Mapping) else ((f"{a}-{b}", (a, b)) for a, b in periods)
            masks = []
            for label, (start, end) in items:
                lo, hi = panel.time_ordinal(start), panel.time_ordinal(end)
                if hi <= lo:
                    raise SpecificationError(f"period {label!r}: end must come after start.")
                masks.append((label, (t > lo) & (t <= hi)))
        frames, codes = [], []
        for period, mask in masks:
            counts = np.bincount(ent[mask], minlength=n_ent)
            has = np.flatnonzero(counts)
            sums = np.column_stack([np.bincount(ent[mask], weights=values[mask, j], minlength=n_ent)
                                    for j in range(values.shape[1])])
            if period is None:  # each entity's own span: from the year before its first growth rate to its last
                first = np.full(n_ent, rows.size)
                np.minimum.at(first, ent, np.arange(rows.size))
                last = np.zeros(n_ent, dtype=np.int64)
                np.maximum.at(last, ent, np.arange(rows.size))
                start_labels = panel.time_labels[panel.lag(1).index[rows[first[has]]]]
                end_labels = panel.time_labels[rows[last[has]]]
                plabels = [f"{a}-{b}" for a, b in zip(start_labels, end_labels)]
            else:
                plabels = [period] * has.size
            frame = pd.DataFrame(sums[has] / counts[has, None], columns=names)
            frame["years"] = counts[has]
            frame.index = pd.MultiIndex.from_arrays([panel.entity_labels[has], plabels],
                                                    names=[panel.entity_name, "period"])
            frames.append(frame)
            codes.append(has)
        return pd.concat(frames).iloc[np.argsort(np.concatenate(codes), kind="stable")]

    def summary(self, periods: Periods | None = None) -> SummaryTable:
        """Average annual growth and its sources in per cent, by entity and period.

        Parameters
        ----------
        periods : list of (start, end), optional
            The periods averaged over (default: each entity's whole span).
        """
        avg = self.averages(periods)
        pct = avg.drop(columns="years") * 100.0
        pct["years"] = avg["years"]
        share = ", ".join(f"{lab} ({col})" for lab, col in zip(self.inputs, self._columns))
        notes = [
            f"Average annual log growth x 100; output = {self._output}; inputs: {share}.",
            f"Shares: {'Törnqvist (two-period average)' if self.method == 'tornqvist' else 'Solow (current period)'}; "
            "output = sum of contributions + tfp.",
        ]
        return SummaryTable(pct, "Growth accounting: sources of output growth (% per year)", notes, ".2f")

    def to_frame(self, base: Any = None) -> pd.DataFrame:
        """All panel rows with growth rates, shares, contributions, TFP growth and index.

        Growth columns are NaN in an entity's first period and after a gap.

        Parameters
        ----------
        base : period, optional
            The period in which the TFP index is 1 (default: each entity's first).
        """
        panel = self._panel
        cols: dict[str, np.ndarray] = {f"dln_{self._output}": self._dln_output}
        for j, col in enumerate(self._columns):
            cols[f"dln_{col}"] = self._dln_inputs[:, j]
        for j, lab in enumerate(self.inputs):
            cols[f"share_{lab}"] = np.where(self._valid, self._shares[:, j], np.nan)
        for j, lab in enumerate(self.inputs):
            cols[f"contrib_{lab}"] = self._contrib[:, j]
        cols["tfp_growth"] = self._tfp
        frame = panel.frame(cols)
        frame["tfp_index"] = self.tfp_index(base).to_numpy()
        return frame

    def plot(self, ax: Any = None, *, entities: Iterable[Any] | None = None, highlight: Iterable[Any] | None = None,
             base: Any = None, **kwargs: Any) -> Any:
        """Line plot of the TFP index, one line per entity (needs matplotlib: ``pip install nqpf-tfp[plot]``).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when ``None``.
        entities : list, optional
            Entities to draw (default: all).
        highlight : list, optional
            Entities drawn in colour, and named in the legend, over the others in grey
            (with more than twelve entities and none highlighted: their median over grey lines).
        base : period, optional
            The period set to 1, as :meth:`tfp_index`.
        **kwargs
            Passed to ``Axes.plot``.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.
        """
        from ..plotting import plot_index

        return plot_index(self.tfp_index(base), entities=entities, highlight=highlight, ax=ax,
                          ylabel="TFP index" + (f" ({base} = 1)" if base is not None else ""), **kwargs)

