"""Model checks: facts, computed in every fit, that say when a production-function estimate is not to be trusted.

Four checks, each with its own warning category (:mod:`nqpf_tfp.errors`) and a
documented threshold in :class:`ModelChecks`:

``overidentification``
    Hansen's (1982) J with the firm-clustered efficient weight rejects the
    over-identifying moments at level ``j_pvalue`` (0.001): some instrument is
    correlated with the error (Wooldridge systems, ACF with
    ``moments="overidentified"``, any GMM with more moments than parameters).
``functional_dependence``
    A free input's R² on the other regressors of the control-function first
    stage (the polynomial in state and proxy, the controls, the other free
    inputs) exceeds ``dependence_r2`` (0.9, a variance inflation factor of 10):
    the first stage cannot tell the input's coefficient from productivity
    (Ackerberg, Caves and Frazer 2015, section 3). OP, LP and Wooldridge.
``implausible_technology``
    A mean output elasticity below zero, or returns to scale (the sum of mean
    elasticities) outside ``returns_to_scale`` ((0.5, 1.5): more than half away
    from constant returns). A fact about the estimate, for every estimator.
``weak_identification``
    The Sanderson-Windmeijer (2016) first-stage F of each endogenous free input,
    firm-clustered, below ``first_stage_f`` (10, Staiger and Stock 1997) where the
    estimator has a linear first stage for its excluded instruments
    (Robinson-Wooldridge: the lagged free inputs).

References
----------
Ackerberg, D. A., Caves, K. and Frazer, G. (2015). Identification properties of recent production function
estimators. *Econometrica* 83(6), 2411-2451.
Hansen, L. P. (1982). Large sample properties of generalized method of moments estimators. *Econometrica*
50(4), 1029-1054.
Sanderson, E. and Windmeijer, F. (2016). A weak instrument F-test in linear IV models with multiple
endogenous variables. *Journal of Econometrics* 190(2), 212-221.
Staiger, D. and Stock, J. H. (1997). Instrumental variables regression with weak instruments.
*Econometrica* 65(3), 557-586.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import numpy as np

from ..docstrings import mark_returned
from ..errors import (
    FunctionalDependenceWarning,
    ImplausibleTechnologyWarning,
    ModelWarning,
    OveridentificationWarning,
    SpecificationError,
    WeakIdentificationWarning,
    warn,
)
from ..keywords import strict_class
from ..options import check_option
from .numerics.linalg import cluster_sums, n_clusters

__all__ = ["CheckOutcome", "ModelChecks", "emit_warnings", "evaluate_checks", "first_stage_f"]

#: check name -> its warning category
CATEGORIES: Mapping[str, type[ModelWarning]] = {
    "overidentification": OveridentificationWarning,
    "functional_dependence": FunctionalDependenceWarning,
    "implausible_technology": ImplausibleTechnologyWarning,
    "weak_identification": WeakIdentificationWarning,
}


def _positive_fraction(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not 0.0 < float(value) < 1.0:
        raise SpecificationError(f"ModelChecks({name}={value!r}): give a number strictly between 0 and 1.")
    return float(value)


@strict_class
@dataclasses.dataclass(frozen=True)
class ModelChecks:
    """Thresholds of the model checks run by every ``fit()``, and the checks to keep quiet.

    Parameters
    ----------
    j_pvalue : float
        Hansen's J test rejects the over-identifying moments when its p-value is
        below this level (default 0.001: at the usual 5 % a valid model would
        warn in one fit out of twenty).
    dependence_r2 : float
        A free input is functionally dependent when its R² on the other
        first-stage regressors exceeds this (default 0.9, i.e. a variance
        inflation factor above 10, the usual collinearity rule).
    returns_to_scale : (float, float)
        Plausible range of returns to scale (default (0.5, 1.5)).
    first_stage_f : float
        Weak identification below this first-stage F (default 10, Staiger and
        Stock 1997's rule of thumb).
    silence : str or sequence of str
        Checks still computed and kept in ``diagnostics.model_checks`` but not
        warned about nor listed in ``summary()``: any of
        ``nqpf_tfp.OPTIONS["model_check"]``.

    Examples
    --------
    >>> from nqpf_tfp.production import ModelChecks
    >>> ModelChecks(j_pvalue=0.01, silence=("implausible_technology",)).silence
    ('implausible_technology',)
    """

    j_pvalue: float = 0.001
    dependence_r2: float = 0.9
    returns_to_scale: tuple[float, float] = (0.5, 1.5)
    first_stage_f: float = 10.0
    silence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "j_pvalue", _positive_fraction(self.j_pvalue, "j_pvalue"))
        object.__setattr__(self, "dependence_r2", _positive_fraction(self.dependence_r2, "dependence_r2"))
        try:
            low, high = (float(v) for v in self.returns_to_scale)
        except (TypeError, ValueError):
            raise SpecificationError(
                f"ModelChecks(returns_to_scale={self.returns_to_scale!r}): give a pair (low, high).") from None
        if not (math.isfinite(low) and math.isfinite(high) and 0.0 <= low < high):
            raise SpecificationError(
                f"ModelChecks(returns_to_scale={self.returns_to_scale!r}): need finite 0 <= low < high.")
        object.__setattr__(self, "returns_to_scale", (low, high))
        f = self.first_stage_f
        if isinstance(f, bool) or not isinstance(f, (int, float, np.floating, np.integer)) \
                or not (math.isfinite(float(f)) and float(f) > 0):
            raise SpecificationError(f"ModelChecks(first_stage_f={f!r}): give a positive number.")
        object.__setattr__(self, "first_stage_f", float(f))
        names = (self.silence,) if isinstance(self.silence, str) else self.silence
        try:
            names = tuple(names)
        except TypeError:
            raise SpecificationError(
                f"ModelChecks(silence={self.silence!r}): give a check name or a sequence of them.") from None
        object.__setattr__(self, "silence", tuple(check_option("model_check", n, "silence") for n in names))


@mark_returned
@strict_class
@dataclasses.dataclass(frozen=True)
class CheckOutcome:
    """One model check of one fit.

    ``statistic`` is what was measured (J's p-value, the largest R², the first
    stage's smallest F, or returns to scale), ``threshold`` what it was compared
    with, ``fired`` whether the check found a problem, ``silenced`` whether the
    user asked not to hear of it, ``message`` the sentence warned and printed.
    """

    name: str
    statistic: float
    threshold: float | tuple[float, float]
    fired: bool
    silenced: bool
    message: str

    @property
    def speaks(self) -> bool:
        """Fired and not silenced: warned about and listed under "Warnings" in ``summary()``."""
        return self.fired and not self.silenced


def first_stage_f(endogenous: np.ndarray, exogenous: np.ndarray, excluded: np.ndarray,
                  clusters: np.ndarray) -> np.ndarray:
    """Sanderson-Windmeijer (2016) first-stage F of each endogenous regressor, firm-clustered.

    ``exogenous`` are the included exogenous regressors (with the constant),
    ``excluded`` the excluded instruments (``L`` columns), ``endogenous`` the
    ``p`` endogenous regressors. After partialling out the exogenous regressors
    (Frisch-Waugh-Lovell), endogenous ``j`` is regressed by 2SLS on the other
    endogenous ones; the F is the clustered Wald statistic of the excluded
    instruments in the regression of that residual on them, over ``L - p + 1``.
    With one endogenous regressor it is the usual clustered first-stage F.
    """
    def residual(a: np.ndarray) -> np.ndarray:
        return a - exogenous @ np.linalg.lstsq(exogenous, a, rcond=None)[0]

    x, z = residual(endogenous), residual(excluded)
    n_end, n_inst = x.shape[1], z.shape[1]
    zz_inv = np.linalg.pinv(z.T @ z)
    fitted = z @ (zz_inv @ (z.T @ x))
    groups = n_clusters(clusters)
    out = np.full(n_end, np.nan)
    for j in range(n_end):
        e = x[:, j]
        if n_end > 1:
            others = np.delete(np.arange(n_end), j)
            delta = np.linalg.lstsq(fitted[:, others], e, rcond=None)[0]  # 2SLS: fitted regressors
            e = e - x[:, others] @ delta
        pi = zz_inv @ (z.T @ e)
        sums = cluster_sums(z * (e - z @ pi)[:, None], clusters)
        cov = zz_inv @ (sums.T @ sums) @ zz_inv * (groups / (groups - 1))
        wald = float(pi @ np.linalg.pinv(cov) @ pi)
        out[j] = wald / (n_inst - n_end + 1)
    return out


def _chi2_sf(x: float, df: int) -> float:
    from scipy.stats import chi2

    return float(chi2.sf(x, df))


def _fmt(values: Sequence[float], digits: int = 3) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values)


def evaluate_checks(settings: ModelChecks, *, method: str, inputs: Sequence[str],
                    elasticities: Sequence[float], returns_to_scale: float,
                    j_stat: float | None = None, j_df: int | None = None,
                    free: Sequence[str] = (), free_r2: Sequence[float] | None = None,
                    endogenous_f: Sequence[float] | None = None) -> tuple[CheckOutcome, ...]:
    """Every check whose statistic the fit provides (see :mod:`nqpf_tfp.production.model_checks`), in a fixed order."""
    out: list[CheckOutcome] = []

    def add(name: str, statistic: float, threshold: float | tuple[float, float], fired: bool, message: str) -> None:
        out.append(CheckOutcome(name, float(statistic), threshold, bool(fired), name in settings.silence, message))

    if j_stat is not None and j_df:
        p = _chi2_sf(j_stat, j_df)
        add("overidentification", p, settings.j_pvalue, p < settings.j_pvalue,
            f"{method}: Hansen's J = {j_stat:.2f} on {j_df} df rejects the over-identifying moment conditions "
            f"(p = {p:.2g} < {settings.j_pvalue:g}): some instrument is correlated with the error, so the timing or "
            "Markov assumptions behind the instruments fail in these data and the estimate is not consistent.")
    if free_r2 is not None and len(free_r2) and np.all(np.isfinite(free_r2)):
        worst = float(np.max(free_r2))
        high = [n for n, r in zip(free, free_r2) if r > settings.dependence_r2]
        add("functional_dependence", worst, settings.dependence_r2, bool(high),
            f"{method}: the free input(s) {high} are nearly functions of the first-stage regressors (R² = "
            f"{_fmt([r for r in free_r2 if r > settings.dependence_r2])} > {settings.dependence_r2:g} on the "
            "polynomial in (state, proxy) and the other regressors), so the first stage cannot tell their "
            "coefficients from productivity (Ackerberg, Caves and Frazer 2015): their estimates are not "
            "identified by variation that the model explains. Use ACF, whose first stage does not identify them.")
    low, high_rts = settings.returns_to_scale
    negative = [n for n, e in zip(inputs, elasticities) if e < 0]
    outside = not (low <= returns_to_scale <= high_rts)
    facts = []
    if negative:
        facts.append(f"the mean output elasticity of {negative} is negative "
                     f"({_fmt([e for e in elasticities if e < 0])})")
    if outside:
        facts.append(f"returns to scale are {returns_to_scale:.3f}, outside [{low:g}, {high_rts:g}]")
    add("implausible_technology", returns_to_scale, (low, high_rts), bool(negative) or outside,
        f"{method}: " + " and ".join(facts) + ": an implausible technology. The estimate is returned as it "
        "stands; check the specification (value added or gross output, the inputs' units) and the estimator's "
        "assumptions." if facts else f"{method}: elasticities and returns to scale are plausible.")
    if endogenous_f is not None and len(endogenous_f) and np.all(np.isfinite(endogenous_f)):
        weakest = float(np.min(endogenous_f))
        weak = [n for n, f in zip(free, endogenous_f) if f < settings.first_stage_f]
        add("weak_identification", weakest, settings.first_stage_f, bool(weak),
            f"{method}: the excluded instruments hardly predict the free input(s) {weak} (firm-clustered "
            f"Sanderson-Windmeijer first-stage F = {_fmt([f for f in endogenous_f if f < settings.first_stage_f], 1)}"
            f" < {settings.first_stage_f:g}): the estimate is biased towards OLS and its standard errors are "
            "unreliable (Staiger and Stock 1997). Use the Wooldridge system, whose first equation identifies the "
            "free inputs, or ACF.")
    return tuple(out)


def emit_warnings(outcomes: Sequence[CheckOutcome]) -> None:
    """One warning of the check's category for each outcome that speaks."""
    for outcome in outcomes:
        if outcome.speaks:
            warn(outcome.message, CATEGORIES[outcome.name])

