"""The periods a chained productivity index compares: one rule for the Malmquist index, the
Malmquist-Luenberger index and the Luenberger indicator.

* Changes are between **consecutive periods of the data**: the sorted distinct values of the time
  column, whatever their spacing (every year, every five years). Unevenly spaced periods (2000, 2001,
  2003: no unit observed in 2002) are compared as given, with a :class:`~nqpf_tfp.errors.PanelWarning`
  naming the step.
* An entity's change into period ``t`` needs its rows in ``t`` and in the data's previous period. An
  entity observed in ``t`` but not in the previous period (a gap) has a **missing change**: a NaN row
  in ``changes``, counted in a warning that names an example, and its chained index is NaN from there
  on, since the change across the gap is unknown.
* On a **global frontier** the index is circular (Pastor and Lovell 2005; Oh 2010): the chained index
  of period ``t`` is the ratio (or difference) of the global distances of ``t`` and of the entity's
  first period, defined across a gap.
* A unit-period whose good outputs are all zero has no distance (the output expansion is unbounded
  or the input contraction reaches zero): its distances are NaN, so are the changes into and out of
  it, with a warning naming the units, periods and columns.

References
----------
Pastor, J. T. and Lovell, C. A. K. (2005). A global Malmquist productivity index. *Economics Letters*
88(2), 266-271.
Oh, D. (2010). A global Malmquist-Luenberger productivity index. *Journal of Productivity Analysis*
34(3), 183-197.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import PanelError, PanelWarning, warn
from ..index_tables import cumulate
from ..panel import Lag, Panel, calendar_lag, few, period_positions, plain

__all__ = ["IndexSteps", "describe_rows", "index_steps"]

_SHOW = 3


@dataclass(frozen=True)
class IndexSteps:
    """Which rows of a sorted panel have a change, from which row, and which rows have no distance."""

    periods: np.ndarray
    #: each row's row in the data's previous period (same entity), where it exists
    lag: Lag
    #: rows observed after a gap: their change is missing (NaN)
    gap: np.ndarray
    #: each row's entity's first row
    starts: np.ndarray
    #: rows whose good outputs are all zero: no distance
    zero: np.ndarray

    @property
    def reported(self) -> np.ndarray:
        """Rows with a row in ``changes``: a computed change, or a missing one after a gap."""
        return self.lag.valid | self.gap

    def missing(self, changes: np.ndarray) -> int:
        """Reported changes that are NaN, whatever the reason."""
        return int(np.isnan(changes[self.reported]).any(axis=1).sum())

    def unsolved(self, changes: np.ndarray, explained: np.ndarray | None = None) -> int:
        """Computed changes that are NaN although both rows have a distance (and no ``explained`` reason):
        LPs without an optimum."""
        valid = self.lag.valid
        undefined = self.zero | self.zero[self.lag.index]
        undefined = (undefined if explained is None else undefined | explained)[valid]
        return int((np.isnan(changes[valid]).any(axis=1) & ~undefined).sum())

    def chain(self, change: np.ndarray, ratio: bool, level: np.ndarray | None = None) -> np.ndarray:
        """The chained index per row: from a global frontier's productivity ``level`` when given (circular,
        defined across gaps: ``level / level[first]`` or ``level - level[first]``), else the running product
        (``ratio``) or sum of ``change``, NaN after a missing change."""
        if level is None:
            return cumulate(change, self.reported, self.starts, ratio)
        with np.errstate(invalid="ignore", divide="ignore"):
            return level / level[self.starts] if ratio else level - level[self.starts]


def describe_rows(panel: Panel, rows: np.ndarray) -> str:
    """A few (entity, period) rows of a sorted panel for a message: "'A' in 2011, 'B' in 2012 and 3 more"."""
    return few([f"{plain(panel.entity_labels[panel.entity_codes[r]])!r} in {plain(panel.time_labels[r])}"
                for r in rows], _SHOW)


def index_steps(panel: Panel, what: str, goods: np.ndarray, names: Sequence[str]) -> IndexSteps:
    """The rule of :mod:`nqpf_tfp.frontier.index_periods` for ``panel``, whose good outputs are the columns of
    ``goods`` (named ``names``); ``what`` names the calling function in messages. Checked before any LP is solved."""
    positions = period_positions(panel.time, panel.time_labels, panel.time_name, what)
    if positions.periods.size < 2:
        raise PanelError(f"{what} needs at least two periods of {panel.time_name!r}; the data have one.")
    lag = calendar_lag(panel.entity_codes, positions.positions, 1)
    starts = panel.entity_start()
    gap = ~lag.valid & (np.arange(panel.nobs) != starts)
    if not lag.valid.any():
        raise PanelError(f"{what} needs an entity observed in two consecutive periods of {panel.time_name!r}; "
                         "no entity is.")
    if gap.any():
        rows = np.flatnonzero(gap)
        warn(f"{what}: {rows.size} entity-period change(s) are missing because the entity is not observed in "
             f"the previous period of {panel.time_name!r} (e.g. {describe_rows(panel, rows)}); they are NaN in "
             "`changes`, and each chained index is NaN after its gap (except on a global frontier, which is "
             "circular). Drop or fill the gaps for a complete chain.", PanelWarning)
    zero = np.all(goods == 0, axis=1)
    if zero.any():
        rows = np.flatnonzero(zero)
        warn(f"{what}: {rows.size} unit-period(s) have zero good output ({', '.join(repr(n) for n in names)} all "
             f"0), e.g. {describe_rows(panel, rows)}: their distances are undefined, so the changes into and out of "
             "those periods are NaN.", PanelWarning)
    return IndexSteps(positions.periods, lag, gap, starts, zero)
