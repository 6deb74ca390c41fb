"""Results of :func:`~nqpf_tfp.growth.multilateral_tfp` (read-only); the bilateral indices' results are in
:mod:`nqpf_tfp.index_tables`, shared with the DEA-based indices."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pandas as pd

from ..errors import SpecificationError
from ..index_tables import IndexTable
from ..tables import SummaryTable

__all__ = ["MultilateralTFP"]


class MultilateralTFP(IndexTable):
    """Transitive TFP levels of every row (see :mod:`nqpf_tfp.growth.index_formulas`): their logs average 0,
    and the ratio of two is the multilateral comparison of the two rows."""

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "productivity"

    def relative_to(self, label: Any) -> pd.Series:
        """TFP levels divided by that of one row.

        Parameters
        ----------
        label : label
            The row's label: an entity, or an ``(entity, time)`` pair.

        Returns
        -------
        pandas.Series
            ``tfp / tfp[label]``.
        """
        if label not in self._frame.index:
            raise SpecificationError(f"{label!r} is not a row of the results; rows are labelled like "
                                     f"{self._frame.index[0]!r}.")
        return (self._frame["tfp"] / self._frame["tfp"].loc[label]).rename("tfp")

    def summary(self) -> SummaryTable:
        d = self._diagnostics
        table = self._frame[["output_index", "input_index", "tfp"]].describe().T[["count", "mean", "std", "min", "max"]]
        return SummaryTable(table, "Multilateral TFP levels", self._notes() + [
            f"{d.nobs} rows; levels relative to the sample's geometric mean (logs average 0), transitive."], ".4f")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The TFP levels: a line per entity over time for a panel, else bars by unit.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw.
        **kwargs
            Passed to ``Axes.plot`` or ``Axes.bar``.
        """
        from ..plotting import plot_index, pyplot

        if self._frame.index.nlevels == 2:
            return plot_index(self.tfp, ax=ax, ylabel="TFP (sample geometric mean = 1)", **kwargs)
        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        ax.bar([str(i) for i in self._frame.index], self._frame["tfp"].to_numpy(), **kwargs)
        ax.set_ylabel("TFP (sample geometric mean = 1)")
        ax.tick_params(axis="x", labelrotation=90)
        return ax
