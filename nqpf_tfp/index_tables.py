"""Results of index-number TFP over time (read-only): the bilateral price-based indices of
:func:`~nqpf_tfp.growth.tfp_index` and the DEA-based Hicks-Moorsteen index of
:func:`~nqpf_tfp.frontier.hicks_moorsteen` share one table and one contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .errors import PanelError
from .keywords import strict_class
from .panel import Panel
from .results import Diagnostics, TFPResults
from .tables import SummaryTable

__all__ = ["IndexNumberDiagnostics", "IndexNumberTFP", "IndexTable", "consecutive_links", "cumulate"]

_FORMULAS = {"tornqvist": "Törnqvist", "fisher": "Fisher", "laspeyres": "Laspeyres", "paasche": "Paasche",
             "ccd": "CCD (Caves-Christensen-Diewert)", "geks": "GEKS on Fisher indices",
             "lowe": "Lowe (sample-mean prices)", "hicks-moorsteen": "Hicks-Moorsteen (DEA distance functions)"}


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class IndexNumberDiagnostics(Diagnostics):
    """Facts about an index-number TFP computation."""

    #: the formula: "tornqvist", "fisher", "laspeyres", "paasche" (bilateral), "ccd", "geks" or "lowe"
    #: (multilateral), "bennet" or "bennet-bowley" (additive indicators), "hicks-moorsteen" (DEA)
    formula: str
    #: "chained" or "fixed" (bilateral), "multilateral"
    base: str
    nobs: int
    n_entities: int
    #: how each side is weighted: "prices", "shares", "single" (one quantity) or "technology" (DEA distances)
    input_weighting: str
    output_weighting: str


class IndexTable(TFPResults):
    """The common part: a per-row table, the quantities' names and the diagnostics."""

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    def __init__(self, frame: pd.DataFrame, diagnostics: IndexNumberDiagnostics, inputs: list[str],
                 outputs: list[str]) -> None:
        self._frame = frame.copy()
        self._diagnostics = diagnostics
        self.inputs, self.outputs = list(inputs), list(outputs)

    @property
    def output_index(self) -> pd.Series:
        """The output quantity index."""
        return self._frame["output_index"].copy()

    @property
    def input_index(self) -> pd.Series:
        """The input quantity index."""
        return self._frame["input_index"].copy()

    @property
    def tfp(self) -> pd.Series:
        return self._frame["tfp"].copy()

    @property
    def diagnostics(self) -> IndexNumberDiagnostics:
        return self._diagnostics

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def _notes(self) -> list[str]:
        d = self._diagnostics
        return [f"{_FORMULAS[d.formula]} quantity indices; outputs {self.outputs} ({d.output_weighting}), inputs "
                f"{self.inputs} ({d.input_weighting}); TFP = output index / input index."]


class IndexNumberTFP(IndexTable):
    """Bilateral index-number TFP of each entity over time (see :mod:`nqpf_tfp.growth.index_numbers`):
    ``tfp`` is the level, 1 in each entity's first period; ``tfp_change`` the index against the previous
    period (chained) or the base (fixed)."""

    #: the axis label of the level in :meth:`plot`
    level_label: ClassVar[str] = "TFP (first period = 1)"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "index"

    @property
    def tfp_change(self) -> pd.Series:
        """TFP change against the previous period (chained) or the entity's first (fixed base); NaN in the
        first period."""
        return self._frame["tfp_change"].copy()

    def summary(self) -> SummaryTable:
        d = self._diagnostics
        table = self._frame[["output_index", "input_index", "tfp_change"]].describe().T[
            ["count", "mean", "std", "min", "max"]]
        what = ("links between consecutive periods" if d.base == "chained"
                else "comparisons with each entity's first period")
        return SummaryTable(table, "Index-number TFP", self._notes() + [
            f"{d.base.capitalize()}: {what}; {d.nobs} observations of {d.n_entities} entities."], ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The TFP level of each entity over time (see :func:`nqpf_tfp.plotting.plot_index`), labelled by
        :attr:`level_label`.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw.
        **kwargs
            Passed to ``Axes.plot``.
        """
        from .plotting import plot_index

        return plot_index(self.tfp, ax=ax, ylabel=self.level_label, **kwargs)


def consecutive_links(panel: Panel, what: str, remedy: str = "Fill the gap.") -> np.ndarray:
    """Each entity's first row of the sorted ``panel`` (a mask), after checking that every other row follows
    the entity's previous period: a gap is a :class:`~nqpf_tfp.errors.PanelError` saying that ``what`` links
    consecutive periods, and ``remedy``."""
    first = np.r_[True, panel.entity_codes[1:] != panel.entity_codes[:-1]]
    broken = ~first & ~panel.lag(1).valid
    if broken.any():
        row = int(np.flatnonzero(broken)[0])
        raise PanelError(f"entity {panel.entities[row]!r} has a gap before {panel.time_labels[row]!r}: {what} links "
                         f"consecutive periods. {remedy}")
    return first


def cumulate(changes: np.ndarray, valid: np.ndarray, starts: np.ndarray, ratio: bool) -> np.ndarray:
    """Running product (ratio, from 1) or sum (difference, from 0) of the changes within each entity.

    ``changes`` per sorted row (NaN where there is no previous period), ``valid`` where there is one,
    ``starts`` each row's entity's first row. A NaN change makes the rest of that entity's path NaN.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        steps = np.where(valid, np.log(changes) if ratio else changes, 0.0)
    broken = np.isnan(steps)
    steps[broken] = 0.0
    running, breaks = np.cumsum(steps), np.cumsum(broken)
    path = running - running[starts] + steps[starts]
    path[(breaks - breaks[starts] + broken[starts]) > 0] = np.nan  # after a missing change: unknown
    return np.exp(path) if ratio else path
