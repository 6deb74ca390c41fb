"""Level (development) accounting: why output per worker differs across countries.

With a Cobb-Douglas technology :math:`Y = K^{\\alpha} (A h L)^{1-\\alpha}`,
output per worker :math:`y = Y/L` splits as (Hall and Jones 1999)

.. math::

    \\ln y = \\tfrac{\\alpha}{1-\\alpha}\\ln(K/Y) + \\ln h + \\ln A ,

(``form="hall-jones"``, labor-augmenting TFP :math:`A`), or, with Hicks-neutral
TFP :math:`Y = A K^{\\alpha}(hL)^{1-\\alpha}`, as (Caselli 2005)

.. math::

    \\ln y = \\alpha \\ln k + (1-\\alpha)\\ln h + \\ln A, \\qquad k = K/L

(``form="caselli"``). The cross-country variance decomposition reports
Caselli's "success" measure :math:`\\operatorname{var}(\\ln y_{KH}) /
\\operatorname{var}(\\ln y)`, where :math:`y_{KH}` is output per worker
predicted by the factors alone (TFP equal everywhere), and the shares
:math:`\\operatorname{cov}(\\ln y, x)/\\operatorname{var}(\\ln y)` of each log
component :math:`x`, which add up to one (Klenow and Rodríguez-Clare 1997).

References
----------
Hall, R. E. and Jones, C. I. (1999). Why do some countries produce so much
more output per worker than others? *Quarterly Journal of Economics* 114(1),
83-116.
Caselli, F. (2005). Accounting for cross-country income differences. In
*Handbook of Economic Growth* 1A, 679-741.
Klenow, P. J. and Rodríguez-Clare, A. (1997). The neoclassical revival in
growth economics: has it gone too far? *NBER Macroeconomics Annual* 12, 73-103.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ..arguments import column_name
from ..errors import PanelError, SpecificationError
from ..keywords import strict_class, strict_keywords
from ..options import check_option
from ..panel import Panel
from ..results import Diagnostics, TFPResults
from ..tables import SummaryTable

__all__ = ["LevelAccounting", "LevelDiagnostics", "level_accounting"]

_COMPONENTS = ("capital", "human_capital", "tfp")


@strict_keywords
def level_accounting(
    data: pd.DataFrame,
    output: str,
    capital: str,
    labor: str,
    *,
    human_capital: str | None = None,
    alpha: float | str = 1.0 / 3.0,
    form: str = "hall-jones",
    entity: str | None = None,
    time: str | None = None,
    missing: str = "drop",
) -> LevelAccounting:
    """Development accounting of output per worker into capital, human capital and TFP.

    Parameters
    ----------
    data : pandas.DataFrame
        Country (or region) panel; never modified.
    output, capital, labor : str
        Real output, capital stock and workers, comparable across entities
        (e.g. PWT's ``cgdpo``, ``cn``, ``emp``).
    human_capital : str, optional
        Human capital per worker (e.g. PWT's ``hc``); without it h = 1.
    alpha : float or str
        Capital's output elasticity, a number in (0, 1) (Hall-Jones and
        Caselli: 1/3) or a column (e.g. ``1 - labsh``).
    form : {"hall-jones", "caselli"}
        The decomposition (see :mod:`nqpf_tfp.growth.levels`).
    entity, time : str, optional
        Key columns, or a two-level MultiIndex.
    missing : {"drop", "raise"}
        Rows with missing values: dropped with a warning, or an error.

    Returns
    -------
    LevelAccounting
        Levels, the factor-only prediction and TFP per observation;
        ``relative()``, ``variance_decomposition()``, ``summary()``, ``plot()``.
    """
    form = check_option("level_form", form)
    output, capital, labor = (column_name(v, k) for k, v in (("output", output), ("capital", capital),
                                                              ("labor", labor)))
    human_capital = column_name(human_capital, "human_capital", optional=True)
    if not isinstance(alpha, str) and (isinstance(alpha, (bool, np.bool_))
                                       or not isinstance(alpha, (int, float, np.integer, np.floating))):
        raise SpecificationError(f"alpha must be a number in (0, 1) or a column name, not {alpha!r}.")
    if not isinstance(alpha, str) and not 0.0 < float(alpha) < 1.0:
        raise SpecificationError(f"alpha={alpha} must lie strictly between 0 and 1.")
    quantities = [output, capital, labor] + ([human_capital] if human_capital else [])
    if len(set(quantities)) != len(quantities):
        raise SpecificationError(
            f"output, capital, labor and human_capital must be different columns; got {quantities}.")
    columns = quantities + ([alpha] if isinstance(alpha, str) else [])
    roles = dict(zip(quantities, ("output", "capital", "labor", "human_capital"))) | {alpha: "alpha"}
    panel = Panel(data, entity=entity, time=time, columns=columns, positive=quantities, missing=missing, roles=roles)
    if isinstance(alpha, str):
        a = panel[alpha]
    else:
        if not 0.0 < float(alpha) < 1.0:
            raise SpecificationError(f"alpha={alpha} must lie strictly between 0 and 1.")
        a = np.full(panel.nobs, float(alpha))
    if np.any((a <= 0.0) | (a >= 1.0)):
        raise PanelError(f"alpha column {alpha!r} must lie strictly between 0 and 1 in every row.")

    ln_y = panel.log(output) - panel.log(labor)
    ln_h = panel.log(human_capital) if human_capital else np.zeros(panel.nobs)
    if form == "hall-jones":
        cap = a / (1.0 - a) * (panel.log(capital) - panel.log(output))
        hum = ln_h
    else:
        cap = a * (panel.log(capital) - panel.log(labor))
        hum = (1.0 - a) * ln_h
    tfp = ln_y - cap - hum
    return LevelAccounting(panel, form, ln_y, np.column_stack([cap, hum, tfp]))


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class LevelDiagnostics(Diagnostics):
    """Facts about a development accounting."""

    #: ``"hall-jones"`` or ``"caselli"``
    form: str
    nobs: int
    n_entities: int


class LevelAccounting(TFPResults):
    """Results of :func:`level_accounting` (read-only; the :class:`~nqpf_tfp.results.TFPResults` contract).

    :attr:`tfp` is the TFP *level* (``tfp_scale = "level"``), as in Hall and
    Jones (1999) and Caselli (2005); ``components`` holds its log.

    Attributes
    ----------
    form : str
        ``"hall-jones"`` or ``"caselli"``.
    """

    def __init__(self, panel: Panel, form: str, ln_y: np.ndarray, parts: np.ndarray) -> None:
        self._panel = panel
        self.form = form
        self._ln_y = ln_y
        self._parts = parts
        ln_y.setflags(write=False)
        parts.setflags(write=False)

    tfp_scale: ClassVar[Literal["log", "level"]] = "level"

    tfp_kind: ClassVar[Literal["productivity", "efficiency", "index"]] = "productivity"

    @property
    def diagnostics(self) -> LevelDiagnostics:
        """Typed facts: form, observations, entities."""
        return LevelDiagnostics(self.form, self._panel.nobs, self._panel.n_entities)

    def to_frame(self) -> pd.DataFrame:
        """The log components and the TFP level on (entity, time)."""
        frame = self.components
        frame["tfp_level"] = np.exp(frame["tfp"].to_numpy())
        return frame

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The variance decomposition over time: the shares of var(ln y) due to capital, human capital
        and TFP (needs matplotlib); returns the Axes."""
        from ..plotting import pyplot, style

        style(kwargs, "line")
        decomposition = self.variance_decomposition()
        if ax is None:
            _, ax = pyplot().subplots(figsize=(8, 4.5))
        for column in ("cov_capital", "cov_human_capital", "cov_tfp"):
            ax.plot(decomposition.index.to_numpy(), decomposition[column].to_numpy(),
                    label=column.removeprefix("cov_"), **kwargs)
        ax.axhline(0.0, color="grey", lw=0.5)
        ax.set_xlabel(str(decomposition.index.name))
        ax.set_ylabel("share of var(ln y)")
        ax.legend(frameon=False)
        return ax

    @property
    def components(self) -> pd.DataFrame:
        """Log components on (entity, time): ``ln_y = capital + human_capital + tfp``."""
        cols = {"ln_y": self._ln_y, **{c: self._parts[:, j] for j, c in enumerate(_COMPONENTS)}}
        return self._panel.frame(cols)

    @property
    def tfp(self) -> pd.Series:
        """TFP level (not logged) on (entity, time), in the units of ``form``."""
        return self._panel.series(np.exp(self._parts[:, 2]), "tfp")

    def relative(self, reference: object) -> pd.DataFrame:
        """Levels relative to a reference entity in the same period (Hall and Jones 1999, Table I).

        Parameters
        ----------
        reference : object
            The reference entity (e.g. ``"USA"``).

        Returns
        -------
        pandas.DataFrame
            Columns ``y``, ``capital``, ``human_capital``, ``tfp``; in each row
            ``y = capital * human_capital * tfp``. Periods without the reference are NaN.
        """
        panel = self._panel
        logs = np.column_stack([self._ln_y, self._parts])
        years, code = np.unique(panel.time, return_inverse=True)
        is_ref = panel.entities == reference
        if not is_ref.any():
            raise SpecificationError(f"reference={reference!r} is not an entity of the data.")
        ref = np.full((years.size, logs.shape[1]), np.nan)
        ref[code[is_ref]] = logs[is_ref]
        rel = np.exp(logs - ref[code])
        return panel.frame({c: rel[:, j] for j, c in enumerate(("y", *_COMPONENTS))})

    def variance_decomposition(self) -> pd.DataFrame:
        """Cross-entity decomposition of var(ln y), one row per period.

        Columns: ``n`` (entities), ``var_ln_y`` (sample variance), ``success``
        (var of the factor-only prediction over var ln y, Caselli 2005), and
        ``cov_capital``, ``cov_human_capital``, ``cov_tfp`` = cov(ln y, part) /
        var(ln y), which add up to one. Periods with fewer than two entities
        are left out.

        Returns
        -------
        pandas.DataFrame
            One row per period, the columns above.
        """
        panel = self._panel
        years, code = np.unique(panel.time, return_inverse=True)
        n = np.bincount(code).astype(np.float64)

        def dev(x: np.ndarray) -> np.ndarray:
            return x - (np.bincount(code, weights=x) / n)[code]

        dy = dev(self._ln_y)
        with np.errstate(invalid="ignore", divide="ignore"):
            var_y = np.bincount(code, weights=dy * dy) / (n - 1)
            factors = dev(self._parts[:, 0] + self._parts[:, 1])
            success = (np.bincount(code, weights=factors * factors) / (n - 1)) / var_y
            cov = {
                f"cov_{c}": (np.bincount(code, weights=dy * dev(self._parts[:, j])) / (n - 1)) / var_y
                for j, c in enumerate(_COMPONENTS)
            }
        labels = panel.time_labels[np.unique(code, return_index=True)[1]]
        out = pd.DataFrame({"n": n.astype(int), "var_ln_y": var_y, "success": success, **cov},
                           index=pd.Index(labels, name=panel.time_name))
        return out[out["n"] >= 2]

    def summary(self) -> SummaryTable:
        """The variance decomposition as a table."""
        notes = [
            f"Form: {self.form}. success = var(ln y_KH)/var(ln y); cov_x = cov(ln y, x)/var(ln y), summing to 1."
        ]
        return SummaryTable(self.variance_decomposition(), "Development accounting: variance decomposition", notes)

