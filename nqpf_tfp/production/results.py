"""Results of a production-function estimation (immutable)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..tables import SummaryTable

__all__ = ["ProductionResults"]


def _normal_sf2(z: np.ndarray) -> np.ndarray:
    """Two-sided normal p-value."""
    return np.array([math.erfc(abs(v) / math.sqrt(2.0)) for v in np.atleast_1d(z)])


def _normal_ppf(p: float) -> float:
    """Inverse standard normal CDF by bisection on erfc (no scipy needed here)."""
    lo, hi = -10.0, 10.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if 0.5 * math.erfc(-mid / math.sqrt(2.0)) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


class ProductionResults:
    """Estimates of a production function.

    Attributes
    ----------
    params : pandas.Series
        Output elasticities (and, for OLS, the constant and controls).
    std_errors, tstats, pvalues : pandas.Series
        Inference; ``pvalues`` are two-sided, normal.
    cov : pandas.DataFrame
        Covariance matrix of ``params``.
    cov_type : str
        How ``cov`` was obtained (``"cluster"``, ``"bootstrap"``, ...).
    nobs : int
        Observations used by the estimator (after lags).
    tfp : pandas.Series
        Log TFP per observation on the caller's index:
        ``y - free·beta - state·gamma (- controls·delta)``.
    elasticities : pandas.DataFrame
        Output elasticities per observation (constant for Cobb-Douglas).
    diagnostics : mapping
        Method-specific facts: convergence, objective, first-stage size,
        bootstrap replications and failures, time.
    """

    def __init__(
        self,
        *,
        method: str,
        params: pd.Series,
        cov: pd.DataFrame,
        cov_type: str,
        nobs: int,
        tfp: pd.Series,
        elasticities: pd.DataFrame,
        rts_weights: pd.Series,
        inputs: list[str],
        diagnostics: Mapping[str, Any],
        j_stat: float | None = None,
        j_df: int | None = None,
    ) -> None:
        self.method = method
        self._params = params.copy()
        self._cov = cov.copy()
        self.cov_type = cov_type
        self.nobs = int(nobs)
        self._tfp = tfp.copy()
        self._elasticities = elasticities.copy()
        self._rts_weights = rts_weights.copy()
        self.inputs = list(inputs)
        self.diagnostics = MappingProxyType(dict(diagnostics))
        self.j_stat = j_stat
        self.j_df = j_df

    @property
    def params(self) -> pd.Series:
        return self._params.copy()

    @property
    def cov(self) -> pd.DataFrame:
        return self._cov.copy()

    @property
    def std_errors(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self._cov.to_numpy())), index=self._params.index, name="std_error")

    @property
    def tstats(self) -> pd.Series:
        return (self._params / self.std_errors).rename("tstat")

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(_normal_sf2(self.tstats.to_numpy()), index=self._params.index, name="pvalue")

    @property
    def tfp(self) -> pd.Series:
        return self._tfp.copy()

    @property
    def elasticities(self) -> pd.DataFrame:
        """Output elasticity of each input per observation (caller's index).

        Constant for Cobb-Douglas; for a translog
        ``b_i + 2 b_ii x_i + sum_{j != i} b_ij x_j``.
        """
        return self._elasticities.copy()

    @property
    def returns_to_scale(self) -> float:
        """Sum of the input elasticities (their means, for a translog): ``rts_weights @ params``, linear in them."""
        return float(self._rts_weights.to_numpy() @ self._params.to_numpy())

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Normal confidence intervals."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must lie in (0, 1), not {level}.")
        q = _normal_ppf(0.5 + level / 2.0)
        se = self.std_errors
        return pd.DataFrame({"lower": self._params - q * se, "upper": self._params + q * se})

    def crs_test(self) -> tuple[float, float]:
        """Wald test of constant returns to scale (sum of mean input elasticities = 1): (chi2(1), p-value).

        Returns to scale are linear in the coefficients, ``r'b`` (``r`` = 1 on the
        inputs for Cobb-Douglas; for a translog, at the sample means of the inputs).
        """
        r = self._rts_weights.reindex(self._params.index).to_numpy()
        var = float(r @ self._cov.to_numpy() @ r)
        if not var > 0:
            return float("nan"), float("nan")
        wald = (self.returns_to_scale - 1.0) ** 2 / var
        return wald, math.erfc(math.sqrt(wald / 2.0))

    def summary(self) -> SummaryTable:
        """Coefficient table in the style of Stata's prodest; ``.as_latex()`` for LaTeX."""
        ci = self.conf_int()
        frame = pd.DataFrame({
            "coef": self._params, "std err": self.std_errors, "z": self.tstats, "P>|z|": self.pvalues,
            "[0.025": ci["lower"], "0.975]": ci["upper"],
        })
        frame.index.name = "input"
        wald, p = self.crs_test()
        d = self.diagnostics
        notes = [
            f"Method: {self.method}. Observations used: {self.nobs}; entities: {d.get('n_entities', '?')}.",
            f"Covariance: {self.cov_type}"
            + (f" ({d['bootstrap_replications']} firm-cluster bootstrap replications)"
               if "bootstrap_replications" in d else "")
            + ".",
            f"Returns to scale: {self.returns_to_scale:.3f}; "
            f"Wald test of constant returns: chi2(1) = {wald:.3f}, p = {p:.4f}.",
        ]
        if self.j_stat is not None:
            jp = _chi2_sf(self.j_stat, self.j_df or 1)
            notes.append(f"Hansen/Sargan J = {self.j_stat:.3f}, df = {self.j_df}, p = {jp:.4f}.")
        return SummaryTable(frame, f"Production function: {self.method}", notes, ".4f")

    def __repr__(self) -> str:
        return str(self.summary())


def _chi2_sf(x: float, df: int) -> float:
    from scipy.stats import chi2

    return float(chi2.sf(x, df))
