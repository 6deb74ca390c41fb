"""Growth accounting: Törnqvist and Solow residuals with any number of inputs.

The TFP growth of entity *i* from *t-1* to *t* is the output growth not explained
by share-weighted input growth:

.. math::

    \\Delta \\ln A_{it} = \\Delta \\ln Y_{it} - \\sum_j \\bar s_{jit}\\, \\Delta \\ln X_{jit},

with :math:`\\bar s_{jit} = (s_{jit} + s_{ji,t-1})/2` (Törnqvist; Diewert 1976
shows it is exact for a translog technology) or :math:`\\bar s_{jit} = s_{jit}`
(Solow 1957, current-year shares). A share given as a number is held fixed.
Every growth rate compares a year with the previous calendar year of the same
entity: no growth is ever computed across a missing year.

References
----------
Solow, R. M. (1957). Technical change and the aggregate production function.
*Review of Economics and Statistics* 39(3), 312-320.
Diewert, W. E. (1976). Exact and superlative index numbers. *Journal of
Econometrics* 4(2), 115-145.
Feenstra, R. C., Inklaar, R. and Timmer, M. P. (2015). The next generation of
the Penn World Table. *American Economic Review* 105(10), 3150-3182.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..arguments import column_name
from ..errors import NqpfTfpWarning, PanelError, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import Panel
from .results import GrowthAccounting

__all__ = ["growth_accounting"]

ShareSpec = str | float  # a column name, a fixed number, or "residual"


@dataclass(frozen=True)
class _Component:
    """One input growth term: ``share[share_key] * dln(column)``."""

    label: str
    column: str
    share_key: str


def _build_spec(
    capital: str | None,
    labor: str | None,
    hours: str | None,
    human_capital: str | None,
    labor_share: ShareSpec | None,
    inputs: Mapping[str, ShareSpec] | None,
) -> tuple[list[_Component], dict[str, ShareSpec]]:
    """Turn the keyword form into components and one share spec per share key."""
    components: list[_Component] = []
    shares: dict[str, ShareSpec] = {}
    if capital is not None:
        # Under constant returns capital is paid what the other inputs leave (as PWT and BLS do).
        components.append(_Component("capital", capital, "capital"))
        shares["capital"] = "residual"
    if labor is None and (hours is not None or human_capital is not None):
        raise SpecificationError("hours= and human_capital= refine labor input; pass labor= too.")
    if labor is not None:
        if labor_share is None:
            raise SpecificationError("labor= needs labor_share= (a column of labor cost shares, or a number).")
        shares["labor"] = labor_share
        for label, column in (("labor", labor), ("hours", hours), ("human_capital", human_capital)):
            if column is not None:
                components.append(_Component(label, column, "labor"))
    elif labor_share is not None:
        raise SpecificationError("labor_share= was given without labor=.")
    for column, share in (inputs or {}).items():
        components.append(_Component(str(column), str(column), str(column)))
        shares[str(column)] = share
    if not components:
        raise SpecificationError("no inputs: pass capital=/labor= (with labor_share=) and/or inputs={column: share}.")

    labels = [c.label for c in components]
    if len(set(labels)) != len(labels):
        raise SpecificationError(f"input names must be unique; got {labels}.")
    residual = [k for k, v in shares.items() if isinstance(v, str) and v == "residual"]
    if len(residual) > 1:
        raise SpecificationError(
            f"at most one input may take the residual share; {residual} all do. Give explicit shares."
        )
    for key, spec in shares.items():
        if isinstance(spec, bool) or not isinstance(spec, (str, int, float, np.floating, np.integer)):
            raise SpecificationError(f"share of {key!r} must be a column name, a number or 'residual', not {spec!r}.")
        if not isinstance(spec, str) and not 0.0 <= float(spec) <= 1.0:
            raise SpecificationError(f"fixed share of {key!r} is {spec}; a cost share lies in [0, 1].")
    return components, shares


def _check_roles(output: str, components: list[_Component], shares: Mapping[str, ShareSpec]) -> None:
    roles: dict[str, str] = {output: "output"}
    for comp in components:
        if comp.column in roles:
            raise SpecificationError(
                f"column {comp.column!r} is used as both {roles[comp.column]} and {comp.label}; "
                "give each role its own column."
            )
        roles[comp.column] = comp.label
    for key, spec in shares.items():
        if isinstance(spec, str) and spec != "residual" and spec in roles:
            raise SpecificationError(f"column {spec!r} is used as both {roles[spec]} and the share of {key!r}.")


@strict_keywords
def growth_accounting(
    data: pd.DataFrame,
    output: str,
    *,
    capital: str | None = None,
    labor: str | None = None,
    hours: str | None = None,
    human_capital: str | None = None,
    labor_share: ShareSpec | None = None,
    inputs: Mapping[str, ShareSpec] | None = None,
    entity: str | None = None,
    time: str | None = None,
    method: str = "tornqvist",
    missing: str = "drop",
) -> GrowthAccounting:
    """Growth accounting on a panel: TFP growth as the Törnqvist or Solow residual.

    .. math::

        \\Delta\\ln A_{it} = \\Delta\\ln Y_{it} - \\sum_j \\bar s_{jit}\\,\\Delta\\ln X_{jit}

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel, one row per (entity, time). Never modified.
    output : str
        Real output (levels, > 0).
    capital : str, optional
        Real capital input (stock or services). Its share is the residual,
        ``1 - labor share - the shares of inputs``, i.e. constant returns.
    labor : str, optional
        Labor input (e.g. persons engaged). Needs ``labor_share``.
    hours : str, optional
        Average hours per worker; labor input becomes ``labor * hours``.
    human_capital : str, optional
        Human capital per worker; labor input is multiplied by it.
    labor_share : str or float, optional
        Column of labor's share in output (or cost), or a fixed number.
        ``labor``, ``hours`` and ``human_capital`` all take this share.
    inputs : mapping of str to (str or float), optional
        Further (or other) inputs: ``{input column: share}``, the share a
        column name, a fixed number, or ``"residual"`` (one input at most, and
        only without ``capital``).
    entity, time : str, optional
        Key columns; omit them to use a two-level (entity, time) MultiIndex.
        Time must be integer periods (years) or pandas Periods.
    method : {"tornqvist", "solow"}
        Share averaging: two-period average (Törnqvist, default) or the
        current-period share (Solow).
    missing : {"drop", "raise"}
        Rows with a missing value in a used column are dropped with a
        :class:`~nqpf_tfp.errors.DroppedRowsWarning` (default; growth is then not
        computed across the dropped year), or raise.

    Returns
    -------
    GrowthAccounting
        ``tfp_growth``, ``tfp_index(base=...)``, ``contributions``,
        ``averages(periods)``, ``summary()``, ``to_frame()``, ``plot()``.

    Raises
    ------
    SpecificationError
        Unknown column, a column in two roles, a bad option value.
    PanelError
        Duplicate keys, non-positive output or inputs, shares outside [0, 1],
        no entity observed in two consecutive periods.

    Examples
    --------
    >>> import nqpf_tfp as nt
    >>> pwt = nt.datasets.load_pwt()
    >>> ga = nt.growth_accounting(pwt, output="rgdpna", capital="rkna", labor="emp",
    ...                           human_capital="hc", labor_share="labsh",
    ...                           entity="countrycode", time="year")
    >>> ga.tfp_index(base=2017).loc["USA"]
    """
    method = check_option("method", method)
    output = column_name(output, "output")
    capital, labor, hours, human_capital = (column_name(v, k, optional=True) for k, v in (
        ("capital", capital), ("labor", labor), ("hours", hours), ("human_capital", human_capital)))
    if inputs is not None and not isinstance(inputs, Mapping):
        raise SpecificationError(f"inputs must be a dict {{input column: share}}, e.g. {{'energy': 's_energy'}}, "
                                 f"not {inputs!r}.")
    components, shares = _build_spec(capital, labor, hours, human_capital, labor_share, inputs)
    _check_roles(output, components, shares)
    share_columns = [s for s in shares.values() if isinstance(s, str) and s != "residual"]
    quantity_columns = [output, *(c.column for c in components)]
    panel = Panel(
        data,
        entity=entity,
        time=time,
        columns=quantity_columns + share_columns,
        positive=quantity_columns,
        missing=missing,
        roles={output: "output"} | {c.column: c.label for c in components} | dict.fromkeys(share_columns, "share"),
    )
    panel.require_consecutive("growth accounting")

    share_values = _share_values(panel, shares)
    lag = panel.lag(1)
    averaged = {
        key: (0.5 * (s + s[lag.index]) if method == "tornqvist" else s) for key, s in share_values.items()
    }
    dln_output = panel.diff(panel.log(output))
    dln_inputs = np.column_stack([panel.diff(panel.log(c.column)) for c in components])
    share_matrix = np.column_stack([averaged[c.share_key] for c in components])
    contributions = share_matrix * dln_inputs
    tfp = dln_output - contributions.sum(axis=1)
    return GrowthAccounting(
        panel=panel,
        output=output,
        labels=[c.label for c in components],
        columns=[c.column for c in components],
        method=method,
        dln_output=dln_output,
        dln_inputs=dln_inputs,
        shares=share_matrix,
        contributions=contributions,
        tfp_growth=tfp,
    )


def _share_values(panel: Panel, shares: Mapping[str, ShareSpec]) -> dict[str, np.ndarray]:
    """Per-row share of each share key; the residual one is 1 minus the rest."""
    n = panel.nobs
    out: dict[str, np.ndarray] = {}
    residual_key = None
    for key, spec in shares.items():
        if isinstance(spec, str) and spec == "residual":
            residual_key = key
            continue
        values = panel[spec] if isinstance(spec, str) else np.full(n, float(spec))
        if isinstance(spec, str):
            _check_unit_interval(panel, values, f"share column {spec!r}")
        out[key] = values
    if residual_key is not None:
        rest = 1.0 - sum(out.values(), np.zeros(n))
        _check_unit_interval(panel, rest, f"residual share of {residual_key!r} (1 minus the other shares)")
        out[residual_key] = rest
    return {key: out[key] for key in shares}  # keep the caller's order


def _check_unit_interval(panel: Panel, values: np.ndarray, what: str) -> None:
    """Shares as percentages are an error; shares outside [0, 1] a warning.

    Official data do publish such shares: where capital income is measured as
    a residual it can be negative (BLS KLEMS, NAICS 523 in 2008: -0.068), which
    pushes the other shares above their usual range.
    """

    def where(mask: np.ndarray) -> str:
        pairs = zip(panel.entities[mask][:5].tolist(), panel.time_labels[mask][:5].tolist())
        return ", ".join(f"({e!r}, {t!r})" for e, t in pairs)

    percent = np.abs(values) > 1.5
    if percent.any():
        raise PanelError(
            f"{what} is {values[percent][0]:g} in {int(percent.sum())} row(s), e.g. {where(percent)}; "
            "cost shares are fractions (0.6, not 60). Divide by 100."
        )
    outside = (values < 0.0) | (values > 1.0)
    if outside.any():
        warn(
            f"{what} lies outside [0, 1] in {int(outside.sum())} row(s), e.g. {where(outside)}. "
            "Kept as given (a residually measured capital income can be negative); check the data if unexpected.",
            NqpfTfpWarning,
        )
