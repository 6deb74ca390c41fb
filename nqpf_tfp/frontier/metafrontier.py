"""Metafrontiers and technology gap ratios (Battese, Rao and O'Donnell 2004; O'Donnell, Rao and Battese 2008).

Units belong to groups that may operate different technologies (the east, centre and west of China;
industries; ownership types). Each unit is scored twice with the same distance:

- against its **group frontier**, spanned by the units of its own group: ``group_efficiency``;
- against the **metafrontier**, spanned by the units of every group: ``meta_efficiency``.

The metafrontier envelops the group frontiers, so ``meta_efficiency <= group_efficiency`` and

.. math:: \\mathrm{TGR} = \\frac{\\text{meta efficiency}}{\\text{group efficiency}} \\in (0, 1],
          \\qquad \\text{meta efficiency} = \\text{group efficiency} \\times \\mathrm{TGR}.

The technology gap ratio measures how far the group's best practice lies from the best practice of
all groups at the unit's input-output mix; ``1 - TGR`` is the technology gap inefficiency.

Distances: radial DEA (:func:`~nqpf_tfp.frontier.dea`, its Farrell efficiency), the slacks-based measure
(:func:`~nqpf_tfp.frontier.sbm`, ``rho``) and the radial and non-radial directional distances
(:func:`~nqpf_tfp.frontier.ddf`, :func:`~nqpf_tfp.frontier.nonradial_ddf`, efficiency
``1 / (1 + D)``) and the epsilon-based measure (:func:`~nqpf_tfp.frontier.ebm`), with the distance's own
options (``rts``, ``orientation``, ``direction``, ...). The EBM's ``epsilon`` and weights, unless given,
are computed once from all units and used at every frontier, so that the group and meta scores are the
same measure and their ratio is a technology gap alone.

Which units span a frontier (``frontier=``):

- ``"global"``: every period of the data pooled, one group frontier per group and one metafrontier
  (the usual choice with a short panel; Oh 2010's global technology);
- ``"contemporaneous"``: each period its own group frontiers and metafrontier, from that period's units.

A unit whose LP is not solved at either frontier has NaN efficiencies and TGR (the distance warns).

References
----------
Battese, G. E., Rao, D. S. P. and O'Donnell, C. J. (2004). A metafrontier production function for
estimation of technical efficiencies and technology gaps for firms operating under different
technologies. *Journal of Productivity Analysis* 21(1), 91-103.
O'Donnell, C. J., Rao, D. S. P. and Battese, G. E. (2008). Metafrontier frameworks for the study of
firm-level efficiencies and technology ratios. *Empirical Economics* 34(2), 231-255.
Oh, D. (2010). A global Malmquist-Luenberger productivity index. *Journal of Productivity Analysis*
34(3), 183-197.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import SpecificationError
from ..keywords import check_forwarded_keywords, strict_keywords
from ..options import check_option
from ..panel import few, observation_index, plain
from .ddf import ddf
from .dea import dea
from .ebm import ebm
from .ebm_settings import pooled_parameters
from .metafrontier_results import MetafrontierDiagnostics, MetafrontierResults
from .nonradial import nonradial_ddf
from .sbm import sbm

__all__ = ["DISTANCES", "OWN_KEYWORDS", "efficiency_at", "metafrontier", "pooled_options"]

#: the distances a metafrontier can be measured with (each returns efficiencies in (0, 1])
DISTANCES = {"dea": dea, "sbm": sbm, "ddf": ddf, "nonradial_ddf": nonradial_ddf, "ebm": ebm}
#: the distance functions' keywords that the metafrontier functions set themselves
OWN_KEYWORDS = ("data", "inputs", "outputs", "bad_outputs", "entity", "time", "reference")


def pooled_options(data: pd.DataFrame, inputs: Any, outputs: Any, bad: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The EBM's options with ``epsilon`` and ``weights`` from the affinity of all rows of ``data``, unless given:
    one measure at every frontier."""
    if "epsilon" in options and "weights" in options:
        return options
    epsilon, weights = pooled_parameters(data, inputs, outputs, bad, projection=options.get("projection", "additive"),
                                         bad_output_affinity=options.get("bad_output_affinity", "joint"),
                                         solver=options.get("solver", "auto"))
    return {"epsilon": epsilon, "weights": weights, **options}


def efficiency_at(distance: str, frame: pd.DataFrame, inputs: Any, outputs: Any, bad: Any,
                options: dict[str, Any]) -> np.ndarray:
    """The efficiency in (0, 1] of every row of ``frame`` against the frontier its rows span, in row order."""
    function = DISTANCES[distance]
    rows = frame.reset_index(drop=True)  # labelled by position: the scores come back in the rows' order
    if distance == "dea":
        result = function(rows, inputs, outputs, **options)
    else:
        result = function(rows, inputs, outputs, bad, **options)
    return np.array(result.efficiency.reindex(rows.index), dtype=float)  # a writable copy


@strict_keywords(open_keywords="the chosen distance's own options (rts, orientation, direction, ...), checked "
                               "against it")
def metafrontier(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
                 bad_outputs: str | Sequence[str] | None = None, *, group: str, distance: str = "dea",
                 frontier: str = "global", entity: Any = None, time: Any = None,
                 **options: Any) -> MetafrontierResults:
    """Group-frontier and metafrontier efficiency and the technology gap ratio of every unit.

    The definitions, the distances and the frontiers are in :mod:`nqpf_tfp.frontier.metafrontier`.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (and period); never modified.
    inputs, outputs : str or list of str
        Input and (good) output columns.
    bad_outputs : str or list of str, optional
        Undesirable outputs (``sbm``, ``ddf``, ``nonradial_ddf``, ``ebm``; radial DEA has none).
    group : str
        The column of technology groups (regions, industries); every row needs one.
    distance : {"dea", "sbm", "ddf", "nonradial_ddf", "ebm"}
        The distance used at both frontiers.
    frontier : {"global", "contemporaneous"}
        Pool every period (one frontier per group), or one set of frontiers per period (needs ``time``).
    entity, time : str, optional
        Key columns: results are labelled by (entity, time), or by entity alone when ``time`` is not
        given; without them, by ``data``'s own index.
    **options
        The distance's own options (``rts``, ``orientation``, ``direction``, ``solver``, ...).

    Returns
    -------
    MetafrontierResults
        ``group_efficiency``, ``meta_efficiency`` and ``tgr`` per unit, ``by_group()`` (means by
        group, and period with contemporaneous frontiers), ``summary()``, ``plot()``.

    Examples
    --------
    >>> import nqpf_tfp as nt
    >>> provinces = nt.datasets.load_gtfpch_provinces()
    >>> regions = nt.datasets.china_provinces().set_index("name_pinyin")["region"]
    >>> provinces["region"] = provinces["Province"].map(regions)
    >>> gaps = nt.frontier.metafrontier(provinces, ["K", "L", "E"], "Y", "CO2", group="region", distance="sbm",
    ...                                 entity="Province", time="year")
    >>> gaps.by_group()["tgr"]
    """
    require_frame(data, "data")
    distance = check_option("metafrontier_distance", distance, "distance")
    frontier = check_option("metafrontier_frontier", frontier, "frontier")
    if distance == "dea" and bad_outputs is not None:
        raise SpecificationError("distance='dea' (radial DEA) has no undesirable outputs; use distance='sbm', "
                                 "'ddf', 'nonradial_ddf' or 'ebm' with bad_outputs.")
    check_forwarded_keywords(options, DISTANCES[distance], f"metafrontier(distance={distance!r})", exclude=OWN_KEYWORDS)
    if options.get("super_efficiency"):
        raise SpecificationError("super_efficiency=True scores efficient units above 1, where a technology gap "
                                 "ratio has no meaning; leave it out.")
    if not isinstance(group, str) or group not in data.columns:
        close = [c for c in data.columns if str(c).lower() == str(group).lower()]
        raise SpecificationError(f"group={group!r} is not a column of the data"
                                 f"{f' (did you mean {close[0]!r}?)' if close else ''}; give the column of "
                                 "technology groups.")
    if data[group].isna().any():
        missing = few([repr(plain(i)) for i in data.index[data[group].isna()]])
        raise SpecificationError(f"group column {group!r} is missing in row(s) {missing}: every unit needs a group.")
    if frontier == "contemporaneous" and time is None:
        raise SpecificationError("frontier='contemporaneous' builds one set of frontiers per period: pass time=.")
    groups = data[group].to_numpy()
    labels = np.unique(groups.astype(str))
    if labels.size < 2:
        raise SpecificationError(f"group column {group!r} has one group ({labels[0]!r}): a metafrontier compares "
                                 "the technologies of two groups or more.")
    index = observation_index(data, entity, time)  # the keys are checked before any LP is solved
    if distance == "ebm":
        options = pooled_options(data, inputs, outputs, bad_outputs, options)
    periods = data[time].to_numpy() if frontier == "contemporaneous" else np.zeros(len(data), dtype=int)
    group_eff = np.full(len(data), np.nan)
    meta_eff = np.full(len(data), np.nan)
    for period in pd.unique(periods):
        in_period = periods == period
        period_rows = np.flatnonzero(in_period)
        meta_eff[period_rows] = efficiency_at(distance, data.iloc[period_rows], inputs, outputs, bad_outputs, options)
        for label in pd.unique(groups[in_period]):
            members = np.flatnonzero(in_period & (groups == label))
            group_eff[members] = efficiency_at(distance, data.iloc[members], inputs, outputs, bad_outputs, options)
    with np.errstate(invalid="ignore", divide="ignore"):
        tgr = meta_eff / group_eff
    frame = pd.DataFrame({"group": groups, "group_efficiency": group_eff, "meta_efficiency": meta_eff,
                          "tgr": tgr}, index=index)
    if frontier == "contemporaneous":  # the period each frontier belongs to, whatever labels the rows
        frame["period"] = periods
    diagnostics = MetafrontierDiagnostics(distance=distance, frontier=frontier, group=group,
                                          n_groups=int(labels.size), n_units=len(data),
                                          not_optimal=int(np.isnan(tgr).sum()),
                                          periods=int(pd.unique(periods).size))
    return MetafrontierResults(frame, diagnostics, time_name=time if frontier == "contemporaneous" else None)
