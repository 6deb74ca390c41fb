"""The metafrontier Malmquist-Luenberger index and its decomposition (Oh 2010b; Oh and Lee 2010).

Three technologies, each spanned by units of the data:

- the **contemporaneous** group technology of period ``t`` (group ``g``'s units in ``t``), efficiency
  ``TE^C``;
- the **intertemporal** group technology (group ``g``'s units in every period), ``TE^I``;
- the **global** metatechnology (every group in every period), ``TE^G``.

With ``TE = 1 / (1 + D)`` for a directional distance ``D`` (radial or non-radial), the Farrell
efficiency of radial DEA, Tone's SBM ``rho``, or the epsilon-based measure (one epsilon and one set of
weights, the whole panel's, at every technology), the index of a unit from period ``s`` (the data's
previous period) to ``t`` is the change of its global efficiency, split into three changes:

.. math::

    \\mathrm{MML} = \\frac{TE^G_t}{TE^G_s}
    = \\underbrace{\\frac{TE^C_t}{TE^C_s}}_{\\mathrm{EC}}
      \\times \\underbrace{\\frac{BPR_t}{BPR_s}}_{\\mathrm{BPC}}
      \\times \\underbrace{\\frac{TGR_t}{TGR_s}}_{\\mathrm{TGC}},
    \\qquad BPR = \\frac{TE^I}{TE^C}, \\quad TGR = \\frac{TE^G}{TE^I}.

EC is efficiency change (catching up with the group's frontier of the period), BPC the best-practice
gap change (the group's frontier of the period moving towards the group's intertemporal frontier:
technical change within the group), TGC the technology gap change (the group's intertemporal
frontier moving towards the metafrontier). The index is circular (the global technology is the same
for every period) and equals :func:`~nqpf_tfp.frontier.malmquist_luenberger` with ``frontier="global"``
on the same distance (tested; the SBM's is the ratio of its global scores, as that function's ``"sbm"`` is
Fukuyama and Weber's directional distance), as EC equals that function's efficiency change on each group's
contemporaneous frontiers. Every efficiency is an own-period evaluation (the unit belongs to the
units spanning each technology), so every LP is feasible.

Consecutive periods, gaps and zero outputs follow :mod:`nqpf_tfp.frontier.index_periods`.

References
----------
Oh, D. (2010b). A metafrontier approach for measuring an environmentally sensitive productivity
growth index. *Energy Economics* 32(1), 146-157.
Oh, D. and Lee, J. (2010). A metafrontier approach for measuring Malmquist productivity index.
*Empirical Economics* 38(1), 47-64.
Chen, K. and Yang, Z. (2011). Measuring environmental productivity growth in China's industrial
sectors: a metafrontier Malmquist-Luenberger index. Working paper; the same decomposition.
"""

from __future__ import annotations

import time as time_module
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import SpecificationError
from ..keywords import check_forwarded_keywords, strict_class, strict_keywords
from ..options import check_option
from ..panel import Panel, few, plain
from ..results import Diagnostics
from ..tables import SummaryTable
from .index_periods import index_steps
from .index_results import ChangeResults
from .metafrontier import DISTANCES, OWN_KEYWORDS, efficiency_at, pooled_options
from .variables import roles

__all__ = ["MetafrontierIndexDiagnostics", "MetafrontierIndexResults", "metafrontier_malmquist_luenberger"]

COLUMNS = ["tfpch", "ec", "bpc", "tgc"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class MetafrontierIndexDiagnostics(Diagnostics):
    """Facts about a metafrontier Malmquist-Luenberger computation."""

    #: "dea", "ddf", "nonradial_ddf", "sbm" or "ebm"
    distance: str
    #: the column of technology groups
    group: str
    n_groups: int
    n_entities: int
    n_periods: int
    #: entity-period changes that are NaN (a gap, a zero good output or an LP not solved)
    missing_pairs: int
    #: wall-clock seconds
    seconds: float


class MetafrontierIndexResults(ChangeResults):
    """The metafrontier Malmquist-Luenberger index per (entity, time) and its three changes.

    Attributes
    ----------
    changes : pandas.DataFrame
        ``tfpch`` (the index) = ``ec`` (efficiency change) x ``bpc`` (best-practice gap change) x ``tgc``
        (technology gap change), from the data's previous period, on (entity, time).
    levels : pandas.DataFrame
        Per (entity, time): ``te_contemporaneous``, ``te_intertemporal``, ``te_global``, the best-practice
        ratio ``bpr`` and the technology gap ratio ``tgr``.
    """

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"
    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "index"
    _ratio: ClassVar[bool] = True
    _title: ClassVar[str] = "Metafrontier Malmquist-Luenberger index"

    def __init__(self, changes: pd.DataFrame, cumulative: pd.Series, levels: pd.DataFrame,
                 diagnostics: MetafrontierIndexDiagnostics) -> None:
        super().__init__(changes, cumulative, diagnostics)
        self._levels = levels.copy()

    @property
    def levels(self) -> pd.DataFrame:
        """The three efficiencies and the two ratios per (entity, time)."""
        return self._levels.copy()

    @property
    def diagnostics(self) -> MetafrontierIndexDiagnostics:
        """Facts about the computation."""
        assert isinstance(self._diagnostics, MetafrontierIndexDiagnostics)
        return self._diagnostics

    def summary(self) -> SummaryTable:
        """Geometric means of the index and its changes by period, and over all."""
        d = self.diagnostics
        notes = [f"Distance {d.distance}; {d.n_groups} groups of {d.group!r}; {d.n_entities} entities x "
                 f"{d.n_periods} periods; {d.missing_pairs} missing.",
                 "Geometric means; tfpch = ec x bpc x tgc (efficiency change, best-practice gap change, technology "
                 "gap change); above 1 = improvement (Oh 2010)."]
        return SummaryTable(self._summary_frame(), self._title, notes, ".4f")


@strict_keywords(open_keywords="the chosen distance's own options (rts, direction, direction_weights, ...), checked "
                               "against it")
def metafrontier_malmquist_luenberger(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
                                      bad_outputs: str | Sequence[str] | None = None, *, group: str, entity: Any,
                                      time: Any, distance: str = "ddf", **options: Any) -> MetafrontierIndexResults:
    """The metafrontier Malmquist-Luenberger index and its decomposition per (entity, time).

    The technologies, the formula and the references are in :mod:`nqpf_tfp.frontier.metafrontier_index`.

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel, one row per (entity, time); never modified.
    inputs, outputs : str or list of str
        Input and good-output columns.
    bad_outputs : str or list of str, optional
        Undesirable outputs (``ddf``, ``nonradial_ddf``, ``sbm``, ``ebm``).
    group : str
        The column of technology groups; constant within each entity.
    entity, time : str
        Key columns.
    distance : {"ddf", "nonradial_ddf", "dea", "sbm", "ebm"}
        The radial or non-radial directional distance (``TE = 1 / (1 + D)``), radial DEA (Farrell
        efficiency; no bad outputs): a metafrontier Malmquist index, Tone's SBM (``rho``) or the
        epsilon-based measure.
    **options
        The distance's own options (``rts``, ``direction``, ``orientation``, ``direction_weights``, ...).

    Returns
    -------
    MetafrontierIndexResults
        ``changes`` (``tfpch``, ``ec``, ``bpc``, ``tgc``), ``levels``, the circular cumulative index
        ``tfp``, ``by_period()``, ``by_entity()``, ``summary()``, ``plot()``.
    """
    start = time_module.perf_counter()
    require_frame(data, "data")
    distance = check_option("metafrontier_index_distance", distance, "distance")
    if distance == "dea" and bad_outputs is not None:
        raise SpecificationError("distance='dea' (radial DEA) has no undesirable outputs; use distance='ddf' or "
                                 "'nonradial_ddf' with bad_outputs.")
    check_forwarded_keywords(options, DISTANCES[distance], f"metafrontier_malmquist_luenberger(distance="
                             f"{distance!r})", exclude=OWN_KEYWORDS)
    if not isinstance(group, str) or group not in data.columns:
        raise SpecificationError(f"group={group!r} is not a column of the data; give the column of technology "
                                 "groups.")
    ins, goods, bads = roles(inputs, outputs, bad_outputs, what="metafrontier_malmquist_luenberger")
    columns = [*ins, *goods, *bads]
    panel = Panel(data, entity=entity, time=time, columns=columns, missing="raise")
    labels = pd.Series(panel.align(data[group].to_numpy()))
    if labels.isna().any():
        raise SpecificationError(f"group column {group!r} is missing for {int(labels.isna().sum())} row(s): every "
                                 "unit needs a group.")
    codes = panel.entity_codes
    varying = labels.groupby(codes).nunique() > 1
    if varying.any():
        names = few([repr(plain(panel.entity_labels[c])) for c in varying.index[varying]])
        raise SpecificationError(f"group column {group!r} changes within entity {names}: a unit belongs to one "
                                 "technology group in this index.")
    if labels.nunique() < 2:
        raise SpecificationError(f"group column {group!r} has one group: a metafrontier compares two groups or more.")
    steps = index_steps(panel, "metafrontier_malmquist_luenberger", np.column_stack([panel[c] for c in goods]), goods)
    frame = pd.DataFrame({c: panel[c] for c in columns})
    group_of, times = labels.to_numpy(), panel.time  # per sorted row
    bad = bads or None
    if distance == "ebm":
        options = pooled_options(frame, ins, goods, bad, options)
    te_g = efficiency_at(distance, frame, ins, goods, bad, options)
    te_i, te_c = np.full(panel.nobs, np.nan), np.full(panel.nobs, np.nan)
    for label in pd.unique(group_of):
        members = np.flatnonzero(group_of == label)
        te_i[members] = efficiency_at(distance, frame.iloc[members], ins, goods, bad, options)
        for t in np.unique(times[members]):
            cell = members[times[members] == t]
            te_c[cell] = efficiency_at(distance, frame.iloc[cell], ins, goods, bad, options)
    for level in (te_g, te_i, te_c):
        level[steps.zero] = np.nan  # no distance where every good output is zero
    with np.errstate(invalid="ignore", divide="ignore"):
        bpr, tgr = te_i / te_c, te_g / te_i
        prev = steps.lag
        result = np.full((panel.nobs, 4), np.nan)
        now = prev.valid
        before = prev.index[now]
        result[now] = np.column_stack([te_g[now] / te_g[before], te_c[now] / te_c[before],
                                       bpr[now] / bpr[before], tgr[now] / tgr[before]])
    changes = panel.frame({c: result[:, j] for j, c in enumerate(COLUMNS)}, mask=steps.reported)
    cumulative = panel.series(steps.chain(result[:, 0], True, te_g), "cumulative_tfp")
    levels = panel.frame({"te_contemporaneous": te_c, "te_intertemporal": te_i, "te_global": te_g, "bpr": bpr,
                          "tgr": tgr})
    diagnostics = MetafrontierIndexDiagnostics(distance, group, int(labels.nunique()), panel.n_entities,
                                               int(steps.periods.size), steps.missing(result),
                                               time_module.perf_counter() - start)
    return MetafrontierIndexResults(changes, cumulative, levels, diagnostics)
