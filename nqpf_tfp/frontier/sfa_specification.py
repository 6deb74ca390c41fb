"""Which options each stochastic frontier model takes, and what its data must hold to identify it.

The rules :class:`~nqpf_tfp.frontier.SFA` checks before estimating: the inefficiency distribution a model
allows, the columns of inefficiency determinants and variance functions, and the panel structure (firms
seen in two periods or more for the within-transformed and fixed-effects models, enough periods for a
time profile, scaling variables that vary within firms, determinants of a panel model's ``mu`` that do
not), and the starting values a caller may give. Each failure is an error that says what to change.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import EstimationError, PanelError, SpecificationError
from ..options import check_option
from ..panel import period_numbers, unique_keys
from .sfa_likelihood import PANEL_MODELS, FrontierData, parameter_tail, unconstrained

__all__ = ["FIRM_EFFECTS", "HALF_NORMAL_ONLY", "SCHMIDT_SICKLES", "WITHIN_MODELS", "check_constant_within",
           "check_firm_rows", "check_inefficiency_columns", "check_time_profile", "check_varies_within",
           "distribution_of", "firm_determinants", "panel_keys", "starting_point"]

#: Schmidt and Sickles's (1984) least-squares panel frontiers: no distribution for u
SCHMIDT_SICKLES = ("schmidt-sickles-fixed", "schmidt-sickles-random")
#: models with a firm effect beside (or as) inefficiency; they need entity= and time=
FIRM_EFFECTS = ("true-fixed-effects", "true-random-effects", "wang-ho", "chen-schmidt-wang", "filippini-greene",
                "kumbhakar-lien-hardaker", "closed-skew-normal",
                *SCHMIDT_SICKLES)
#: half-normal as their authors specify them (Greene's models, their consistent and four-component versions)
HALF_NORMAL_ONLY = ("true-fixed-effects", "true-random-effects", "chen-schmidt-wang", "filippini-greene",
                    "kumbhakar-lien-hardaker", "closed-skew-normal")
#: models estimated on deviations from firm means (or with a firm intercept): two periods per firm at least
WITHIN_MODELS = ("wang-ho", "chen-schmidt-wang", *SCHMIDT_SICKLES)


def distribution_of(model: str, distribution: str | None, means_given: bool) -> str:
    """The inefficiency distribution of ``model`` given the caller's ``distribution`` (``None``: the model's
    default); ``means_given``: the heteroskedastic model has determinants of the mean."""
    if model in SCHMIDT_SICKLES:
        if distribution is not None:
            raise SpecificationError(f"model={model!r} estimates inefficiency as a firm effect by least squares, "
                                     "without a distribution: omit distribution=.")
        return "distribution-free"
    default = "truncated-normal" if model == "bc95" or means_given else "half-normal"
    chosen = check_option("sfa_distribution", default if distribution is None else distribution)
    if model == "bc95" and chosen != "truncated-normal":
        raise SpecificationError("model='bc95' has truncated-normal inefficiency with mean z'delta: omit "
                                 "distribution= or pass 'truncated-normal'.")
    if (model in PANEL_MODELS or model == "wang-ho") and chosen == "exponential":
        raise SpecificationError(f"model={model!r} takes distribution='half-normal' or 'truncated-normal'.")
    if model in HALF_NORMAL_ONLY and chosen != "half-normal":
        raise SpecificationError(f"model={model!r} has half-normal inefficiency as its authors specify it: omit "
                                 "distribution= or pass 'half-normal'.")
    return chosen


def check_inefficiency_columns(model: str, distribution: str, z_names: list[str], u_names: list[str],
                               v_names: list[str], constant: bool | None) -> bool | None:
    """Check the determinants ``z`` of inefficiency and the variance columns against ``model``; return whether
    ``z'delta`` has a constant (``None`` where the model has no ``z``)."""
    if z_names and model not in ("bc95", "wang-ho", "heteroskedastic", *PANEL_MODELS):
        raise SpecificationError("inefficiency= (determinants of inefficiency) needs model='bc95', 'wang-ho', "
                                 "'heteroskedastic' or a panel model with a time profile ('pitt-lee', 'bc92', "
                                 "'kumbhakar1990', 'kumbhakar1990-normalised', 'lee-schmidt'; determinants of "
                                 "mu).")
    if model in PANEL_MODELS:
        if (z_names or constant) and distribution != "truncated-normal":
            raise SpecificationError(f"model={model!r} with inefficiency= makes the mean mu of the truncated normal "
                                     "u_i depend on z_i: pass distribution='truncated-normal'.")
        if constant is not None and not z_names:
            raise SpecificationError("inefficiency_constant= is the constant of mu = z_i'delta: pass inefficiency= "
                                     "columns too (without them, distribution='truncated-normal' estimates one mu).")
        return (True if constant is None else constant) if z_names else None
    if (u_names or v_names) and model != "heteroskedastic":
        raise SpecificationError("inefficiency_scale= and noise_scale= (heteroskedasticity) need "
                                 "model='heteroskedastic'.")
    if model == "heteroskedastic":
        if not (z_names or u_names or v_names):
            raise SpecificationError("model='heteroskedastic' needs inefficiency= (the mean of u), "
                                     "inefficiency_scale= (its variance) or noise_scale= (the variance of v); "
                                     "without them it is model='cross-section'.")
        if distribution != ("truncated-normal" if z_names else "half-normal"):
            raise SpecificationError("model='heteroskedastic' is truncated-normal with inefficiency= (mean "
                                     "z'delta) and half-normal without: omit distribution=.")
        if constant is None:
            constant = bool(z_names)
        if constant and not z_names:
            raise SpecificationError("inefficiency_constant=True gives u a mean: pass inefficiency= columns too.")
    if model == "bc95":
        constant = True if constant is None else constant
        if not z_names and not constant:
            raise SpecificationError("model='bc95' needs inefficiency= columns or inefficiency_constant=True.")
    if model == "wang-ho" and (not z_names or constant):
        raise SpecificationError("model='wang-ho' scales inefficiency by exp(z'delta): give the columns z as "
                                 "inefficiency= (no constant: it would be a scale of u*, which sigma_u already "
                                 "is; leave inefficiency_constant unset).")
    return constant


def panel_keys(data: pd.DataFrame, entity: str,
               time: str) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, tuple[str, ...]]:
    """Firm codes, ``t - T`` (periods before the last period of the data), the number of firms, each row's
    period code and the periods' labels."""
    unique_keys(data, [entity, time], ["entity", "time"])
    t = period_numbers(data[time], time).astype(float)
    firms, uniques = pd.factorize(data[entity], sort=True)
    codes, periods = pd.factorize(data[time], sort=True)
    return (firms.astype(np.int64), t - t.max(), len(uniques), codes.astype(np.int64),
            tuple(str(p) for p in periods))


def check_time_profile(model: str, firms: np.ndarray, labels: tuple[str, ...], time: str | None) -> None:
    """A panel model with ``u_it = h_it u_i`` needs firms observed more than once, and its time profile enough
    periods."""
    needed = {"kumbhakar1990": 3, "kumbhakar1990-normalised": 3, "lee-schmidt": 2, "bc92": 2, "pitt-lee": 1}[model]
    if len(labels) < needed:
        raise PanelError(f"model={model!r} needs {needed} periods of {time!r} or more to identify its time "
                         f"profile; the data have {len(labels)}.")
    if np.bincount(firms).max() < 2:
        raise PanelError(f"model={model!r} separates a firm's inefficiency from noise by its repeated rows: "
                         "no firm is observed in two periods; use model='cross-section'.")


def check_firm_rows(model: str, firms: np.ndarray, n_rows: int, n_params: int, n_firms: int) -> None:
    """The within-transformed and fixed-effects models need every firm in two periods or more (and true fixed
    effects more rows than parameters with an intercept per firm)."""
    shortest = int(np.bincount(firms).min())
    if model in WITHIN_MODELS and shortest < 2:
        raise PanelError(f"model={model!r} works on deviations from each firm's means: every firm needs two "
                         f"periods or more (the smallest has {shortest}).")
    if model == "true-fixed-effects" and (shortest < 2 or n_rows <= n_params - 1 + n_firms):
        raise PanelError(f"model='true-fixed-effects' estimates an intercept per firm: every firm needs two "
                         f"periods or more (the smallest has {shortest}), and the {n_rows} rows must outnumber "
                         f"the {n_params - 1 + n_firms} parameters.")


def _off_firm_mean(column: np.ndarray, firms: np.ndarray) -> np.ndarray:
    """Rows whose value differs from their firm's mean by more than rounding (1e-12 of the column's scale)."""
    means = np.bincount(firms, weights=column) / np.bincount(firms)
    return np.asarray(np.abs(column - means[firms]) > 1e-12 * max(1.0, float(np.abs(column).max())))


def check_constant_within(z: np.ndarray, names: list[str], firms: np.ndarray, entities: np.ndarray,
                          model: str) -> None:
    """Determinants of a panel model's ``mu``: ``u_i`` is one draw per firm, so its mean must be a property of the
    firm, the same in each of its periods (``entities``: each row's firm label, for the message)."""
    for j, name in enumerate(names):
        off = _off_firm_mean(z[:, j], firms)
        if off.any():
            row = int(np.flatnonzero(off)[0])
            values = z[firms == firms[row], j]
            label = entities[row]
            label = label.item() if isinstance(label, np.generic) else label  # 3, not np.int64(3)
            raise PanelError(f"inefficiency column {name!r} varies within firms (firm {label!r} has {values.min():g} "
                             f"to {values.max():g}): model={model!r} draws u_i once per firm, so the determinants of "
                             "its mean must be constant within each firm (use, e.g., the firm's initial value or its "
                             "mean).")


def firm_determinants(rows: np.ndarray, names: list[str], firms: np.ndarray, n_firms: int, entities: np.ndarray,
                      model: str, constant: bool) -> tuple[np.ndarray, list[str]]:
    """A panel model's determinants of ``mu`` per firm, with the constant, and their parameters' names (each column
    of ``rows`` constant within its firm)."""
    check_constant_within(rows, names, firms, entities, model)
    per_firm = np.empty((n_firms, rows.shape[1]))
    per_firm[firms] = rows
    z = np.column_stack([np.ones(n_firms)] * constant + [per_firm])
    parameters = ["delta_const"] * constant + [f"delta_{n}" for n in names]
    if np.linalg.matrix_rank(z) < z.shape[1]:
        raise EstimationError(f"SFA: the determinants of mu {parameters} are collinear across firms.")
    return z, parameters


def starting_point(start: Any, names: list[str], scale: np.ndarray, data: FrontierData, model: str) -> np.ndarray:
    """``fit(start=)``: the reported parameters ``start`` (in the data's units; ``scale`` divides the frontier's
    regressors in the search) as the search's unconstrained parameters, for the models searched from
    FRONTIER's grid."""
    if model in FIRM_EFFECTS or model == "heteroskedastic":
        raise SpecificationError(f"fit(start=) takes starting values for the models searched from FRONTIER's "
                                 f"grid (cross-section, bc95 and the panel models with a time profile), not "
                                 f"model={model!r}.")
    if not isinstance(start, pd.Series):
        raise SpecificationError(f"fit(start=) must be a pandas Series indexed by the parameter names {names}, "
                                 f"not {type(start).__name__}.")
    missing, unknown = [n for n in names if n not in start.index], [n for n in start.index if n not in names]
    if missing or unknown:
        raise SpecificationError(f"fit(start=) must give every parameter and no other: missing {missing}, "
                                 f"unknown {unknown}.")
    values = pd.to_numeric(start[names], errors="coerce").to_numpy(dtype=float, copy=True)
    if not np.isfinite(values).all():
        raise SpecificationError("fit(start=) has missing or non-finite values.")
    tail_names = parameter_tail(data)
    tail = dict(zip(tail_names, values[len(names) - len(tail_names):]))
    if "gamma" in tail and not (tail["sigma2"] > 0 and 0 < tail["gamma"] < 1):
        raise SpecificationError("fit(start=) needs sigma2 > 0 and 0 < gamma < 1.")
    if any(tail.get(n, 1.0) <= 0 for n in ("sigma_u", "sigma_v")):
        raise SpecificationError("fit(start=) needs sigma_u > 0 and sigma_v > 0.")
    values[1:scale.size] *= scale[1:]  # the search's standardised regressors
    return unconstrained(values, data)


def check_varies_within(z: np.ndarray, names: list[str], firms: np.ndarray) -> None:
    """Wang-Ho's scaling variables must vary within firms: the within transform removes the rest."""
    for j, name in enumerate(names):
        if not _off_firm_mean(z[:, j], firms).any():
            raise PanelError(f"inefficiency column {name!r} is constant within every firm: the within transform "
                             "removes it with the firm effect (exp(z'delta) must vary over time).")
