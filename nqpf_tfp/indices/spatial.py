"""Spatial autocorrelation of an index by period: global Moran's I and local Moran's I (LISA).

With ``z = y - mean(y)``, spatial weights ``w`` (row-standardised by default), ``S0 = sum w``:

* global (Moran 1950): ``I = (n / S0) z'Wz / z'z``, ``E[I] = -1 / (n - 1)``, variances under normality
  and under randomisation (Cliff and Ord 1981), their z-values and two-sided p-values; with
  ``permutations``, a pseudo p-value ``(min(#{I_p >= I}, P - #{I_p >= I}) + 1) / (P + 1)`` from random
  relabellings;
* local (Anselin 1995): ``I_i = (z_i / m2) sum_j w_ij z_j``, ``m2 = z'z / n`` (PySAL's esda uses ``n - 1``
  in place of ``n``), the Moran-scatterplot quadrant (1 high-high, 2 low-high, 3 low-low, 4 high-low)
  and, with ``permutations``, conditional-permutation pseudo p-values (each unit's neighbours drawn from
  the other units).

Permutations draw from ``SeedSequence(seed)``: the same seed gives the same p-values.

References
----------
Moran, P. A. P. (1950). Notes on continuous stochastic phenomena. *Biometrika* 37(1/2), 17-23.
Cliff, A. D. and Ord, J. K. (1981). *Spatial Processes: Models and Applications*. Pion.
Anselin, L. (1995). Local indicators of spatial association - LISA. *Geographical Analysis* 27(2), 93-115.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..arguments import seed_sequence, whole_number
from ..docstrings import parameters_from
from ..errors import PanelError, UndefinedStatisticWarning, warn
from ..keywords import strict_keywords
from ..panel import plain
from .panel_arrays import Wide, spatial_matrix
from .spatial_results import QUADRANTS, LocalMoran, Moran, MoranDiagnostics

__all__ = ["local_moran", "moran"]


def _global(z: np.ndarray, w: np.ndarray) -> dict[str, float]:
    n = z.size
    s0 = w.sum()
    s1 = 0.5 * ((w + w.T) ** 2).sum()
    s2 = ((w.sum(axis=1) + w.sum(axis=0)) ** 2).sum()
    zz = z @ z
    i = n / s0 * (z @ w @ z) / zz
    ei = -1.0 / (n - 1)
    v_norm = (n**2 * s1 - n * s2 + 3 * s0**2) / ((n**2 - 1) * s0**2) - ei**2
    b2 = n * (z**4).sum() / zz**2
    v_rand = (n * ((n**2 - 3 * n + 3) * s1 - n * s2 + 3 * s0**2) - b2 * ((n**2 - n) * s1 - 2 * n * s2 + 6 * s0**2)) \
        / ((n - 1) * (n - 2) * (n - 3) * s0**2) - ei**2
    # a weights matrix under which I cannot vary (every unit the neighbour of every other: I = -1/(n-1) for any
    # data) has no variance: its z-values are undefined, NaN, said by the caller
    with np.errstate(invalid="ignore", divide="ignore"):
        z_norm = (i - ei) / np.sqrt(v_norm) if v_norm > 1e-14 else np.nan
        z_rand = (i - ei) / np.sqrt(v_rand) if v_rand > 1e-14 else np.nan
    return {"I": i, "expected": ei, "var_norm": v_norm, "z_norm": z_norm, "p_norm": 2 * norm.sf(abs(z_norm)),
            "var_rand": v_rand, "z_rand": z_rand, "p_rand": 2 * norm.sf(abs(z_rand))}


_GLOBAL_COLUMNS = ("I", "expected", "var_norm", "z_norm", "p_norm", "var_rand", "z_rand", "p_rand")


def _require_units(wide: Wide) -> None:
    """The randomisation variance divides by (n - 1)(n - 2)(n - 3): fewer than four units is an error."""
    if len(wide.entities) < 4:
        raise PanelError(f"Moran's I needs at least four units (its randomisation variance divides by "
                         f"(n - 1)(n - 2)(n - 3)); the data have {len(wide.entities)}.")


def _constant_periods(wide: Wide, value: Any, what: str) -> set[int]:
    """Periods in which every unit has the same value: the statistic is NaN there, with a warning naming them."""
    v = wide.values
    spread = v.max(axis=0) - v.min(axis=0)
    constant = {int(t) for t in np.flatnonzero(spread <= 1e-12 * np.maximum(1.0, np.abs(v).max(axis=0)))}
    if constant:
        periods = [plain(wide.periods[t]) for t in sorted(constant)]
        warn(f"{what}: {value!r} is the same for every unit in period(s) {periods}; with no variance the "
             "statistic is undefined there and is NaN (no quadrant, no p-value).", UndefinedStatisticWarning)
    return constant


def _pseudo_p(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """PySAL's folded pseudo p-value; ``simulated`` is permutations x units (or x 1)."""
    p = simulated.shape[0]
    larger = (simulated >= observed).sum(axis=0)
    larger = np.minimum(larger, p - larger)
    return (larger + 1.0) / (p + 1.0)


@strict_keywords
def moran(data: pd.DataFrame, value: Any, spatial_weights: Any, *, entity: Any = None, time: Any = None,
          transformation: str = "r",
          permutations: int = 0, seed: Any = None) -> Moran:
    """Global Moran's I of ``value`` in every period (see :mod:`nqpf_tfp.indices.spatial`); a balanced panel.

    Parameters
    ----------
    data : pandas.DataFrame
        The panel, one row per (entity, time).
    value : str
        The column whose spatial autocorrelation is measured.
    spatial_weights : DataFrame, dict or libpysal W
        Spatial weights: a square DataFrame labelled by entity, ``{entity: [neighbours]}`` or a
        libpysal ``W`` (see :func:`nqpf_tfp.datasets.china_contiguity`); every entity needs a neighbour.
    entity, time : str, optional
        Key columns; omit both when the data have a two-level (entity, time) index.
    transformation : {"r", "b"}
        Row-standardised or binary weights.
    permutations : int
        Random relabellings for the folded pseudo p-value ``p_sim`` (0: none).
    seed : int, SeedSequence or Generator, optional
        Seed of the permutations (the same seed gives the same p-values).

    Returns
    -------
    Moran
        ``statistics`` by period (I, expectation, variances, z and p under normality and
        randomisation, ``p_sim``), ``summary()``, ``plot()``.
    """
    permutations = whole_number(permutations, "permutations")
    wide = Wide.build(data, value, entity=entity, time=time)
    _require_units(wide)
    w = spatial_matrix(spatial_weights, wide.entities, transformation=transformation)
    rng = np.random.default_rng(seed_sequence(seed)) if permutations else None
    constant = _constant_periods(wide, value, "global Moran's I")
    rows = []
    degenerate = []
    for t in range(wide.values.shape[1]):
        z = wide.values[:, t] - wide.values[:, t].mean()
        if t in constant:  # no variance: I is 0/0, and so are its moments and permutations
            rows.append(dict.fromkeys([*_GLOBAL_COLUMNS, *(["p_sim"] if rng is not None else [])], np.nan))
            continue
        stats = _global(z, w)
        if not np.isfinite(stats["z_norm"]) or not np.isfinite(stats["z_rand"]):
            degenerate.append(plain(wide.periods[t]))
        if rng is not None:
            draws = rng.permuted(np.tile(z, (permutations, 1)), axis=1)
            sims = z.size / w.sum() * np.einsum("pi,ij,pj->p", draws, w, draws) / (z @ z)
            stats["p_sim"] = float(_pseudo_p(np.array([stats["I"]]), sims[:, None])[0])
        rows.append(stats)
    if degenerate:
        warn(f"global Moran's I: the spatial weights leave I no variance in period(s) {degenerate} (e.g. every unit "
             "the neighbour of every other, where I = -1/(n-1) whatever the data): its z-values and p-values are "
             "NaN.", UndefinedStatisticWarning)
    diagnostics = MoranDiagnostics(len(wide.entities), len(wide.periods), transformation, permutations)
    return Moran(pd.DataFrame(rows, index=wide.periods), diagnostics)


@strict_keywords
@parameters_from(moran)
def local_moran(data: pd.DataFrame, value: Any, spatial_weights: Any, *, entity: Any = None, time: Any = None,
                transformation: str = "r", permutations: int = 0, seed: Any = None) -> LocalMoran:
    """Local Moran's I of every unit in every period (see :mod:`nqpf_tfp.indices.spatial`); parameters as :func:`moran`.

    Returns
    -------
    LocalMoran
        ``to_frame()`` labelled by (entity, time): ``I``, ``deviation``, ``lag``, ``quadrant`` (1 high-high,
        2 low-high, 3 low-low, 4 high-low; :data:`~nqpf_tfp.indices.spatial_results.QUADRANTS`),
        ``cluster`` and, with permutations, ``p_sim`` (conditional permutations); ``clusters(alpha)``,
        ``summary()`` (units by quadrant and period) and ``plot(period=)`` (the Moran scatterplot).
    """
    permutations = whole_number(permutations, "permutations")
    wide = Wide.build(data, value, entity=entity, time=time)
    _require_units(wide)
    w = spatial_matrix(spatial_weights, wide.entities, transformation=transformation)
    n = w.shape[0]
    rng = np.random.default_rng(seed_sequence(seed)) if permutations else None
    k_max = int((w > 0).sum(axis=1).max())
    constant = _constant_periods(wide, value, "local Moran's I")
    order = np.argsort(-w, axis=1, kind="stable")[:, :k_max]
    w_sorted = np.take_along_axis(w, order, axis=1)  # each unit's neighbour weights, largest first
    frames = []
    for t, period in enumerate(wide.periods):
        z = wide.values[:, t] - wide.values[:, t].mean()
        if t in constant:
            z = np.zeros(n)
        m2 = z @ z / n
        lag = w @ z
        with np.errstate(invalid="ignore", divide="ignore"):  # a constant period: 0/0, reported above
            local = z * lag / m2
        quadrant = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))
        if t in constant:
            quadrant = np.zeros(n, dtype=int)  # no quadrant: every unit is at the mean
        frame = pd.DataFrame({wide.entities.name: wide.entities, wide.periods.name: period, "I": local,
                              "deviation": z, "lag": lag, "quadrant": quadrant,
                              "cluster": pd.Series(quadrant).map(QUADRANTS).fillna("constant").to_numpy()})
        if rng is not None and t in constant:
            frame["p_sim"] = np.nan
        elif rng is not None:
            sims = np.empty((permutations, n))
            for p in range(permutations):  # each draw: every unit gets random distinct other units as neighbours
                u = rng.random((n, n))
                np.fill_diagonal(u, np.inf)
                others = np.argsort(u, axis=1)[:, :k_max]  # k_max distinct other units, in random order
                sims[p] = z * (w_sorted * z[others]).sum(axis=1) / m2
            frame["p_sim"] = _pseudo_p(local, sims)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True).set_index([wide.entities.name, wide.periods.name])
    diagnostics = MoranDiagnostics(n, len(wide.periods), transformation, permutations)
    return LocalMoran(table, diagnostics)
