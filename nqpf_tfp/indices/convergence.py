"""Convergence of an index across units: sigma-convergence and absolute or conditional beta-convergence.

* **sigma**: the dispersion of the value across units in each period (standard deviation, coefficient of
  variation, and the standard deviation of its log); falling dispersion is sigma-convergence.
* **beta** (Barro and Sala-i-Martin 1992; panel form, Islam 1995): the growth between consecutive periods,
  ``ln y_{i,t+1} - ln y_{i,t} = a + beta ln y_{i,t} (+ controls'gamma) + e``, by pooled OLS (absolute
  convergence, ``effects="none"``), with unit fixed effects (``"entity"``: conditional convergence towards
  each unit's own steady state) or unit and period effects (``"twoways"``). ``beta < 0`` is convergence;
  speed ``lambda = -ln(1 + beta)`` per period and half-life ``ln 2 / lambda``. Standard errors are
  clustered by unit with the ``G / (G - 1)`` small-sample factor.

References
----------
Barro, R. J. and Sala-i-Martin, X. (1992). Convergence. *Journal of Political Economy* 100(2), 223-251.
Islam, N. (1995). Growth empirics: a panel data approach. *Quarterly Journal of Economics* 110(4),
1127-1170.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import column_name, column_names, finite_column, require_columns
from ..errors import PanelError, SpecificationError, UndefinedStatisticWarning, warn
from ..keywords import strict_keywords
from ..options import check_option
from ..panel import few, key_columns, period_numbers, plain, unique_keys
from .convergence_results import BetaConvergence, ConvergenceDiagnostics, SigmaConvergence
from .panel_arrays import long_values

__all__ = ["beta_convergence", "sigma_convergence"]


@strict_keywords
def sigma_convergence(data: pd.DataFrame, value: Any, *, time: Any, group: Any = None) -> SigmaConvergence:
    """Standard deviation, coefficient of variation and sd of logs of ``value`` by (group and) period.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit and period.
    value : str
        A positive column (logs are taken for ``sd_log``).
    time : str
        The period column.
    group : str, optional
        A grouping column (e.g. region): the dispersion within each group.

    Returns
    -------
    SigmaConvergence
        ``to_frame()`` (``sd``, ``cv``, ``sd_log``, ``units`` by (group and) period), ``summary()``, ``plot()``.
    """
    frame = long_values(data, value, group, time, positive=True)
    keys = ["g", "t"] if group is not None else ["t"]
    grouped = frame.assign(logy=np.log(frame["y"])).groupby(keys, sort=True)
    out = pd.DataFrame({"sd": grouped["y"].std(), "cv": grouped["y"].std() / grouped["y"].mean(),
                        "sd_log": grouped["logy"].std(), "units": grouped["y"].size()})
    out.index = out.index.set_names([group, time] if group is not None else [time])
    alone = out.index[out["units"].to_numpy() < 2]
    if len(alone):  # one unit has no dispersion: NaN, said
        where = few([f"group {plain(c[0])!r} in {plain(c[1])}" if group is not None else str(plain(c))
                     for c in alone])
        warn(f"sigma_convergence: one unit only in {where}: its dispersion is undefined (NaN).",
             UndefinedStatisticWarning)
    diagnostics = ConvergenceDiagnostics("sigma", len(frame), int(len(frame)), int(frame["t"].nunique()),
                                         n_groups=None if group is None else int(frame["g"].nunique()))
    return SigmaConvergence(out, diagnostics)


@strict_keywords
def beta_convergence(data: pd.DataFrame, value: Any, *, entity: Any = None, time: Any = None, effects: str = "none",
                     controls: Sequence[Any] | Any = None) -> BetaConvergence:
    """Beta-convergence regression (see :mod:`nqpf_tfp.indices.convergence`).

    Parameters
    ----------
    data : pandas.DataFrame
        The panel, one row per (entity, time).
    value : str
        A positive column; growth is the change of its log to the next period.
    entity, time : str, optional
        Key columns (omit both with a two-level (entity, time) index); growth is taken only between
        consecutive periods.
    effects : {"none", "entity", "twoways"}
        Pooled OLS (absolute convergence), unit or unit and period fixed effects (conditional).
    controls : str or list of str, optional
        Further regressors (conditional convergence).

    Returns
    -------
    BetaConvergence
        ``params`` (``beta``, controls, the constant when pooled) with unit-clustered ``std_errors``,
        ``tstats``, ``pvalues``, ``conf_int()``; ``speed`` and ``half_life`` (explained in ``summary()``
        when undefined); ``to_frame()`` per (entity, time); ``plot()``.
    """
    effects = check_option("convergence_effects", effects, "effects")
    data, entity, time = key_columns(data, entity, time)
    ctrl = list(column_names(controls, "controls"))
    names = [column_name(value, "value"), column_name(entity, "entity"), column_name(time, "time"), *ctrl]
    require_columns(data, names, dict(zip(names, ("value", "entity", "time"))) | dict.fromkeys(ctrl, "control"))
    frame = pd.DataFrame({"y": finite_column(data, value, "value", positive=True), "i": data[entity].to_numpy(),
                          "t": data[time].to_numpy(),
                          **{f"c{k}": finite_column(data, c, "control") for k, c in enumerate(ctrl)}})
    unique_keys(data, [entity, time], ["entity", "time"])
    frame = frame.assign(t=period_numbers(frame["t"], time), ly=np.log(frame["y"]))
    frame = frame.sort_values(["i", "t"], kind="stable")
    nxt = frame.groupby("i", sort=False)["ly"].shift(-1)
    gap = frame.groupby("i", sort=False)["t"].shift(-1) - frame["t"]
    sample = frame.assign(growth=nxt - frame["ly"])[gap == 1]
    if len(sample) < 3:
        raise PanelError("fewer than three unit-periods with a following period: no convergence regression.")
    x_cols = ["ly", *[f"c{k}" for k in range(len(ctrl))]]
    y = sample["growth"].to_numpy()
    x = sample[x_cols].to_numpy(dtype=float)
    codes = pd.factorize(sample["i"])[0]
    if effects == "none":
        x = np.column_stack([np.ones(len(y)), x])
    else:
        if effects == "twoways":
            dummies = pd.get_dummies(sample["t"], drop_first=True, dtype=float).to_numpy()
            x = np.column_stack([x, dummies])
        counts = np.bincount(codes)
        if np.all(counts < 2):
            raise PanelError("with unit fixed effects every unit needs at least two growth periods.")
        y = y - (np.bincount(codes, y) / counts)[codes]
        x = x - (np.stack([np.bincount(codes, col) for col in x.T], axis=1) / counts[:, None])[codes]
    g = int(codes.max()) + 1
    if g < 2:
        raise PanelError(f"beta convergence needs at least two units with a following period (the standard errors "
                         f"are clustered by {entity!r}); there is {g}.")
    labels = (["constant"] if effects == "none" else []) + [f"the initial log of {value!r}"] + [
        f"control {c!r}" for c in ctrl] + ["a period effect"] * (x.shape[1] - len(ctrl) - 1 - (effects == "none"))
    _check_columns(x, labels)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    bread = np.linalg.pinv(x.T @ x)
    scores = np.stack([np.bincount(codes, x[:, j] * resid, minlength=g) for j in range(x.shape[1])], axis=1)
    cov = bread @ (scores.T @ scores) @ bread * (g / (g - 1))
    r2 = 1.0 - (resid @ resid) / ((y - y.mean()) @ (y - y.mean()))
    names = ["beta", *ctrl] + (["const"] if effects == "none" else [])
    keep = list(range(1, 1 + len(names) - 1)) + [0] if effects == "none" else list(range(len(names)))
    params = pd.Series(coef[keep], index=names, name="coef")
    covariance = pd.DataFrame(cov[np.ix_(keep, keep)], index=names, columns=names)
    index = pd.MultiIndex.from_arrays([sample["i"].to_numpy(), sample["t"].to_numpy()], names=[entity, time])
    table = pd.DataFrame({"log_level": sample["ly"].to_numpy(), "growth": sample["growth"].to_numpy(),
                          "fitted": y - resid, "residual": resid}, index=index)
    diagnostics = ConvergenceDiagnostics("beta", len(y), g, int(sample["t"].nunique()), effects=effects,
                                         r_squared=float(r2))
    return BetaConvergence(params, covariance, table, diagnostics)


def _check_columns(x: np.ndarray, labels: list[str]) -> None:
    """The regressors have full column rank, or a ``SpecificationError`` naming the first redundant one (a
    control that is constant within units under fixed effects, or a linear function of the others)."""
    scale = np.sqrt((x**2).sum(axis=0))
    if np.any(scale == 0):
        raise SpecificationError(f"{labels[int(np.argmin(scale))]} does not vary (after the fixed effects, if any): "
                                 "the regression cannot estimate it; drop it.")
    # one QR without pivoting: a column whose R diagonal vanishes is a combination of the columns before it
    diagonal = np.abs(np.diag(np.linalg.qr(x / scale, mode="r")))
    redundant = np.flatnonzero(diagonal <= 1e-10 * np.sqrt(x.shape[0]))
    if redundant.size:
        j = int(redundant[0])
        raise SpecificationError(f"{labels[j]} is (nearly) a linear combination of the regressors before it "
                                 f"({', '.join(labels[:j])}): beta and its standard error are not identified; "
                                 "drop it.")

