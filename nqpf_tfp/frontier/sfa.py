"""Stochastic frontier analysis: ``y = x'beta + v - u``, cross-section and panel.

The models and their exact log-likelihoods are in :mod:`nqpf_tfp.frontier.sfa_likelihood`:
the cross-section model with half-normal (Aigner, Lovell and Schmidt 1977), truncated-normal (Stevenson
1980) or exponential (Meeusen and van den Broeck 1977) inefficiency; the panel models ``u_it = h_it u_i``
with a firm's ``u_i`` scaled by a time profile: time-invariant (Pitt and Lee 1981; Battese and Coelli
1988), Battese and Coelli's (1992) ``exp(-eta (t - T))``, Kumbhakar's (1990) logistic profile and Lee and
Schmidt's (1993) factor per period; Battese and Coelli's (1995) inefficiency effects
``u_it ~ N+(z_it'delta, sigma_u^2)``. The frontier is Cobb-Douglas or translog in the log inputs.

Parameters are reported as FRONTIER 4.1 reports them: ``sigma2 = sigma_u^2 + sigma_v^2`` and
``gamma = sigma_u^2 / sigma2`` (exponential: ``sigma_u`` and ``sigma_v``). The log-likelihood is exact,
constants included, so the likelihood-ratio test of no inefficiency (``gamma = 0`` and the parameters of
``u`` that vanish with it: ``mu``, ``eta`` or ``delta``) against OLS is right; under the null ``gamma``
lies on the boundary and the statistic follows a mixed chi-squared distribution (Kodde and Palm 1986
give its critical values: 2.706 at 5% for one restriction, 5.138 for two, 7.045 for three).

Technical efficiency: Battese and Coelli (1988) ``E[exp(-u) | e]`` by default (for BC92 with the whole
firm's residuals, period by period), or Jondrow, Lovell, Materov and Schmidt (1982) ``exp(-E[u | e])``
(``efficiency="jlms"``).

Estimation: FRONTIER 4.1's route, a grid search over ``gamma`` from the OLS estimates (corrected
constant and ``sigma2``) and a quasi-Newton ascent from the best grid point (here BFGS in unconstrained
parameters, to a gradient of 1e-10), on the regressors divided by their standard deviations (a
translog's squared raw log inputs are in the hundreds, where quasi-Newton steps stall; the coefficients
and their covariance are reported in the data's units). Every model's ``converged`` requires the gradient
of its log-likelihood to vanish at the estimate. Maxima on the boundary (OLS residuals with the wrong skewness:
``gamma = 0``; no noise: ``gamma -> 1``) are reached and reported with a
:class:`~nqpf_tfp.errors.FrontierBoundaryWarning` (:mod:`nqpf_tfp.frontier.sfa_search`). Standard errors:
the inverse of the negative Hessian of the log-likelihood in the reported parameters (central
differences with steps ``1e-5 max(1, |parameter|)``, kept inside the parameters' ranges, taken with the
frontier's coefficients on orthogonalised regressors and mapped back exactly). Models the data
cannot identify are refused: fewer observations than parameters, a constant output, the output among the
regressors, collinear regressors, BC92 without a firm observed in two periods.

References
----------
Aigner, D., Lovell, C. A. K. and Schmidt, P. (1977). Formulation and estimation of stochastic frontier
production function models. *Journal of Econometrics* 6(1), 21-37.
Battese, G. E. and Coelli, T. J. (1988, 1992, 1995): see :mod:`nqpf_tfp.frontier.sfa_likelihood`.
Coelli, T. J. (1996). A guide to FRONTIER version 4.1. CEPA working paper 96/07.
Kodde, D. A. and Palm, F. C. (1986). Wald criteria for jointly testing equality and inequality
restrictions. *Econometrica* 54(5), 1243-1248.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..arguments import column_name, column_names, require_columns, require_frame, seed_sequence, whole_number
from ..errors import EstimationError, PanelError, SpecificationError
from ..keywords import strict_class
from ..numerics.basis import production_term_names, production_terms, translog_elasticities
from ..options import check_option
from ..panel import observation_index
from . import sfa_chen_schmidt_wang as csw
from . import sfa_closed_skew_normal as closed_skew_normal
from . import sfa_heteroskedastic as heteroskedastic
from . import sfa_kumbhakar_lien_hardaker as klh
from . import sfa_schmidt_sickles as schmidt_sickles
from . import sfa_true_effects as tfe
from . import sfa_true_random_effects as tre
from . import sfa_wang_ho as wang_ho
from .kumbhakar_lovell import decompose
from .sfa_chen_schmidt_wang import ChenSchmidtWang
from .sfa_closed_skew_normal import ClosedSkewNormal
from .sfa_frontier_fit import fit_frontier
from .sfa_heteroskedastic import Heteroskedastic
from .sfa_likelihood import (
    PANEL_MODELS,
    FrontierData,
    mean_marginal_effects,
    parameter_tail,
)
from .sfa_results import FitContext, SFADiagnostics, SFAResults, rescaled
from .sfa_specification import (
    FIRM_EFFECTS,
    SCHMIDT_SICKLES,
    check_firm_rows,
    check_inefficiency_columns,
    check_time_profile,
    check_varies_within,
    distribution_of,
    firm_determinants,
    panel_keys,
    starting_point,
)
from .sfa_true_effects import TrueFixedEffects
from .sfa_true_random_effects import TrueRandomEffects
from .sfa_wang_ho import WangHo

__all__ = ["SFA", "SFADiagnostics", "SFAResults"]

@strict_class
class SFA:
    """Stochastic production frontier (see :mod:`nqpf_tfp.frontier.sfa`), cross-section or panel.

    Parameters
    ----------
    data : pandas.DataFrame
        Never modified; results on its index.
    output : str
        Log output (``take_logs=True`` for levels).
    inputs : str or list of str
        Log inputs; a constant is added.
    entity, time : str, optional
        Firm and period columns: needed by the panel models (periods are integers, e.g. years).
    model : {"cross-section", "bc95", "heteroskedastic", "pitt-lee", "bc92", "kumbhakar1990", \
"kumbhakar1990-normalised", "lee-schmidt", \
"true-fixed-effects", "chen-schmidt-wang", "true-random-effects", "filippini-greene", \
"kumbhakar-lien-hardaker", "closed-skew-normal", "wang-ho", "schmidt-sickles-fixed", "schmidt-sickles-random"}
        Independent rows; Battese-Coelli (1995) inefficiency effects ``u_it ~ N+(z_it'delta, sigma_u^2)``;
        determinants of the mean and of the variances of ``u`` and ``v`` (Caudill-Ford-Gropper 1995, Wang
        2002; :mod:`nqpf_tfp.frontier.sfa_heteroskedastic`);
        or a panel model ``u_it = h_it u_i`` (:mod:`nqpf_tfp.frontier.sfa_likelihood`): time-invariant
        (Pitt-Lee 1981; Battese-Coelli 1988 when truncated-normal), Battese-Coelli (1992)
        ``exp(-eta (t - T))``, Kumbhakar (1990) ``1 / (1 + exp(b t + c t^2))`` (or twice that,
        ``"kumbhakar1990-normalised"``, 1 at ``b = c = 0``), Lee-Schmidt (1993) a
        factor per period; Greene's (2005) true fixed effects ``alpha_i + x'beta + v - u_it`` (half-normal,
        :mod:`nqpf_tfp.frontier.sfa_true_effects`); Wang and Ho's (2010) fixed effects with
        ``u_it = exp(z_it'delta) u_i*``, the firm effects removed by the within transform
        (:mod:`nqpf_tfp.frontier.sfa_wang_ho`; ``inefficiency=`` the columns ``z``); Chen, Schmidt and Wang's
        (2014) within likelihood of Greene's fixed-effects model, free of incidental parameters
        (:mod:`nqpf_tfp.frontier.sfa_chen_schmidt_wang`); Greene's true random effects, and the four-component
        model with persistent and transient inefficiency (Filippini and Greene 2016;
        ``results.efficiency_components``), by simulated likelihood
        (:mod:`nqpf_tfp.frontier.sfa_true_random_effects`), by its exact closed-skew-normal likelihood (Colombi,
        Kumbhakar, Martini and Vittadini 2014; :mod:`nqpf_tfp.frontier.sfa_closed_skew_normal`), or by
        Kumbhakar, Lien and Hardaker's (2014)
        three steps (random-effects GLS, then half-normal frontiers on its residuals and on its predicted firm
        effects; :mod:`nqpf_tfp.frontier.sfa_kumbhakar_lien_hardaker`); Schmidt and Sickles's (1984) time-invariant
        inefficiency as a fixed or random firm effect, by least squares, measured against the best firm
        (:mod:`nqpf_tfp.frontier.sfa_schmidt_sickles`).
    distribution : {"half-normal", "truncated-normal", "exponential"}, optional
        Default half-normal; BC95 is truncated-normal by construction; the panel models take the first two;
        Schmidt and Sickles's models take none.
    efficiency : {"bc", "jlms"}
        Battese-Coelli ``E[exp(-u)|e]`` or JLMS ``exp(-E[u|e])``.
    inefficiency : str or list of str, optional
        BC95's determinants ``z`` of mean inefficiency, Wang-Ho's scaling variables, or, for a panel model
        with a time profile and ``distribution="truncated-normal"``, the determinants of the mean of ``u_i``,
        ``mu_i = z_i'delta`` (each constant within a firm: ``u_i`` is drawn once per firm; Kumbhakar, Wang
        and Horncastle 2015, ch. 10), with ``results.marginal_effects``. Used as given, not logged.
    inefficiency_constant : bool, optional
        BC95 and the panel models' ``mu_i``: a constant ``delta_0`` in ``z'delta`` (R frontier's ``mu = TRUE``
        / formula intercept; default True). Wang-Ho has none.
    form : {"cobb-douglas", "translog"}
        Translog: the log inputs, their squares and cross products
        (``ln y = b_0 + sum_i b_i x_i + sum_{i<=j} b_ij x_i x_j``).
    take_logs : bool
        The output and inputs are levels: take logs (each must be positive).
    trend : bool
        Add a time trend ``t`` (periods counted from 1; needs ``time=``) to the frontier: ``b_t t`` for
        Cobb-Douglas; for a translog also ``t^2`` and each input times ``t``, so technical change may be
        non-neutral. With ``entity=`` and ``time=``, ``results.decomposition()`` splits TFP growth
        (Kumbhakar and Lovell 2000; :mod:`nqpf_tfp.frontier.kumbhakar_lovell`).
    inefficiency_scale, noise_scale : str or list of str, optional
        ``model="heteroskedastic"``: the columns ``w_u`` and ``w_v`` of ``ln sigma_u^2 = w_u'gamma_u`` and
        ``ln sigma_v^2 = w_v'gamma_v`` (each with a constant); ``inefficiency=`` gives the mean
        ``z'delta`` (truncated normal) and ``results.marginal_effects`` their effects on ``E[u]``.
    draws : int
        ``model="true-random-effects"`` or ``"filippini-greene"``: scrambled Halton draws of the firm effect per
        firm (default 200).
    seed : int, SeedSequence or Generator, optional
        Scrambles the Halton draws (``numpy.random.SeedSequence``): the same seed gives the same estimates.
    integration : {"simulation", "quadrature"}
        ``model="true-random-effects"``: the likelihood's integral over the firm effect by scrambled Halton
        draws (Greene 2005; ``draws=``, ``seed=``) or by adaptive Gauss-Hermite quadrature, which is exact to
        about 1e-12 per firm (:mod:`nqpf_tfp.frontier.sfa_closed_skew_normal`).
    cost : bool
        A cost frontier ``y = x'beta + v + u`` (inefficiency raises cost), for every model: estimated as the
        production frontier of ``(-y, -x)``, which has the same ``beta``. Efficiency is then cost efficiency
        ``E[exp(-u) | e]`` (frontier cost over observed cost, in (0, 1]).
    """

    def __init__(self, data: pd.DataFrame, output: str, inputs: str | list[str], *, entity: str | None = None,
                 time: str | None = None, model: str = "cross-section", distribution: str | None = None,
                 efficiency: str = "bc", inefficiency: str | list[str] | None = None,
                 inefficiency_constant: bool | None = None, form: str = "cobb-douglas", take_logs: bool = False,
                 trend: bool = False, cost: bool = False, inefficiency_scale: str | list[str] | None = None,
                 noise_scale: str | list[str] | None = None, draws: int = 200, seed: Any = None,
                 integration: str = "simulation") -> None:
        require_frame(data, "data")
        self.model = check_option("sfa_model", model, "model")
        means_given = self.model == "heteroskedastic" and inefficiency is not None
        self.distribution = distribution_of(self.model, distribution, means_given)
        self.draws = whole_number(draws, "draws", minimum=10)
        self.integration = check_option("sfa_integration", integration, "integration")
        if self.integration == "quadrature" and self.model != "true-random-effects":
            hint = " (the four-component model's exact likelihood is model='closed-skew-normal')" if (
                self.model == "filippini-greene") else ""
            raise SpecificationError(f"integration='quadrature' replaces the simulated likelihood of "
                                     f"model='true-random-effects' by the exact one; model={self.model!r} has no "
                                     f"simulated likelihood{hint}.")
        self._seed = seed_sequence(seed)
        self.efficiency_kind = check_option("sfa_efficiency", efficiency)
        self.form = check_option("form", form)
        self.output = column_name(output, "output")
        self.inputs = list(column_names(inputs, "inputs"))
        if not self.inputs:
            raise SpecificationError("SFA needs at least one input (inputs=).")
        z_names = [] if inefficiency is None else list(column_names(inefficiency, "inefficiency"))
        if self.output in [*self.inputs, *z_names]:
            raise SpecificationError(f"the output column {self.output!r} is also among the regressors (inputs= or "
                                     "inefficiency=): a frontier explains the output by other columns.")
        u_names = [] if inefficiency_scale is None else list(column_names(inefficiency_scale, "inefficiency_scale"))
        v_names = [] if noise_scale is None else list(column_names(noise_scale, "noise_scale"))
        inefficiency_constant = check_inefficiency_columns(self.model, self.distribution, z_names, u_names, v_names,
                                                           inefficiency_constant)
        keys = [c for c in (entity, time) if c is not None]
        for key, what in ((entity, "entity"), (time, "time")):
            if key is not None:
                column_name(key, what)
        if (self.model in PANEL_MODELS or self.model in FIRM_EFFECTS) and (entity is None or time is None):
            raise SpecificationError(f"model={self.model!r} needs entity= and time= columns (firm and period).")
        if trend and time is None:
            raise SpecificationError("trend=True needs the time= column (periods).")
        columns = [self.output, *self.inputs]
        roles = {self.output: "output"} | dict.fromkeys(self.inputs, "input") | dict.fromkeys(z_names, "inefficiency")
        roles |= {k: w for k, w in zip(keys, ("entity", "time")) if k is not None}
        roles |= dict.fromkeys(u_names, "inefficiency_scale") | dict.fromkeys(v_names, "noise_scale")
        require_columns(data, [*columns, *z_names, *u_names, *v_names, *keys], roles)
        values = self._numeric(data, columns)
        if len(data) and np.ptp(values[:, 0]) == 0:
            raise PanelError(f"output column {self.output!r} is constant: there is no frontier to estimate.")
        if take_logs:
            if np.any(values <= 0):
                bad = columns[int(np.flatnonzero((values <= 0).any(axis=0))[0])]
                raise PanelError(f"take_logs=True: column {bad!r} has non-positive values.")
            values = np.log(values)
        self._index = observation_index(data, entity, time)  # results labelled by (entity, time)
        self._log_y, self._log_inputs = values[:, 0], values[:, 1:]
        self._periods: np.ndarray | None = None
        if time is not None:
            self._periods = pd.to_numeric(data[time], errors="coerce").to_numpy(dtype=float)
            if not np.isfinite(self._periods).all():
                raise PanelError(f"time column {time!r} has missing or non-numeric values.")
        self.trend = bool(trend)
        if not isinstance(cost, (bool, np.bool_)):
            raise SpecificationError(f"cost must be True or False, not {cost!r}.")
        self.cost = bool(cost)
        self._sign = -1.0 if self.cost else 1.0  # a cost frontier is the production frontier of (-y, -x)
        self._frontier = "cost" if self.cost else "production"
        variables, names = self._log_inputs, list(self.inputs)
        if self.trend:
            assert self._periods is not None
            variables = np.column_stack([variables, self._periods - self._periods.min() + 1.0])
            names.append("t")
        self._variables = variables
        self.terms = production_term_names(names, self.form)
        x = np.column_stack([np.ones(len(data)), production_terms(variables, self.form)])
        if np.linalg.matrix_rank(x) < x.shape[1]:
            raise EstimationError(f"SFA: the terms {self.terms} are collinear (with the constant).")
        # the optimiser works on regressors divided by their standard deviations (a translog's squares of raw
        # log inputs are in the hundreds, and quasi-Newton steps stall on such scales); fit() scales back
        self._scale = np.r_[1.0, x[:, 1:].std(axis=0)]
        x = x / self._scale
        z = None
        self.z_names: list[str] = []
        self._mu_columns: list[str] = []
        if self.model == "wang-ho":
            self.z_names = [f"delta_{n}" for n in z_names]
        if self.model == "bc95":
            z_values = self._numeric(data, z_names) if z_names else np.empty((len(data), 0))
            z = np.column_stack([np.ones(len(data))] * bool(inefficiency_constant) + [z_values])
            self.z_names = (["delta_const"] if inefficiency_constant else []) + [f"delta_{n}" for n in z_names]
            if np.linalg.matrix_rank(z) < z.shape[1]:
                raise EstimationError(f"SFA: the inefficiency determinants {self.z_names} are collinear.")
        firms = periods = codes = None
        n_firms = 0
        labels: tuple[str, ...] = ()
        if entity is not None and time is not None:
            firms, periods, n_firms, codes, labels = panel_keys(data, entity, time)
        self._firms = firms
        if self.model in PANEL_MODELS and z_names:
            assert firms is not None and entity is not None
            z, self.z_names = firm_determinants(self._numeric(data, z_names), z_names, firms, n_firms,
                                                data[entity].to_numpy(), self.model, bool(inefficiency_constant))
            self._mu_columns = z_names
        self._data = FrontierData(self._sign * values[:, 0], self._sign * x, self.model, self.distribution, z, firms,
                                  periods, n_firms,
                                  labels, codes)
        n_params = x.shape[1] + (0 if z is None else z.shape[1]) + len(parameter_tail(self._data))
        if len(data) <= n_params:
            raise PanelError(f"SFA: {len(data)} observation(s) for {n_params} parameters ({', '.join(self._names())})"
                             ": the likelihood needs more observations than parameters.")
        if self.model in PANEL_MODELS:
            assert firms is not None
            check_time_profile(self.model, firms, labels, time)
        if firms is not None:
            check_firm_rows(self.model, firms, len(data), n_params, n_firms)
        self._z_wang_ho = self._numeric(data, z_names) if self.model == "wang-ho" else None
        if self._z_wang_ho is not None:
            assert firms is not None
            check_varies_within(self._z_wang_ho, z_names, firms)
        self._scales: tuple[Heteroskedastic, list[str], list[str], list[str], list[str]] | None = None
        if self.model == "heteroskedastic":
            self._scales = self._heteroskedastic(data, z_names, u_names, v_names, bool(inefficiency_constant))

    @staticmethod
    def _numeric(data: pd.DataFrame, columns: list[str]) -> np.ndarray:
        values = data[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(values).all():
            bad = columns[int(np.flatnonzero(~np.isfinite(values).all(axis=0))[0])]
            raise PanelError(f"column {bad!r} has missing, non-numeric or infinite values.")
        return values

    def _names(self) -> list[str]:
        return ["const", *self.terms, *self.z_names, *parameter_tail(self._data)]

    def __repr__(self) -> str:
        return (f"<SFA: {self.output} ~ {' + '.join(map(str, self.inputs))}; {self.model}, {self.distribution}, "
                f"{self.form}; {len(self._index)} rows>")

    def _heteroskedastic(self, data: pd.DataFrame, z_names: list[str], u_names: list[str], v_names: list[str],
                         constant: bool) -> tuple[Heteroskedastic, list[str], list[str], list[str], list[str]]:
        """The heteroskedastic model's arrays, its parameter names, the columns of z and w_u, and the variables
        whose marginal effects on mean inefficiency are reported."""
        ones = np.ones((len(data), 1))
        z = np.column_stack([ones] * constant + [self._numeric(data, z_names)] * bool(z_names)) if (
            constant or z_names) else np.empty((len(data), 0))
        w_u = np.column_stack([ones] + [self._numeric(data, u_names)] * bool(u_names))
        w_v = np.column_stack([ones] + [self._numeric(data, v_names)] * bool(v_names))
        for matrix, what in ((z, "inefficiency"), (w_u, "inefficiency_scale"), (w_v, "noise_scale")):
            if matrix.shape[1] and np.linalg.matrix_rank(matrix) < matrix.shape[1]:
                raise EstimationError(f"SFA: the {what}= columns are collinear (with the constant).")
        d = self._data
        model = Heteroskedastic(d.y, d.x, z, w_u, w_v)
        z_columns = ["const"] * constant + z_names
        names = (["const", *self.terms] + [f"delta_{c}" for c in z_columns]
                 + [f"ln_sigma_u2_{c}" for c in ["const", *u_names]]
                 + [f"ln_sigma_v2_{c}" for c in ["const", *v_names]])
        effects = list(dict.fromkeys(z_names + u_names))
        return model, names, z_columns, ["const", *u_names], effects

    def _context(self) -> FitContext:
        """What the fitting routines of the fixed-effects models need from this frontier."""
        decompose_growth = None
        if self._periods is not None and not self.cost:
            decompose_growth = self._decomposition
        return FitContext(self._index, list(self.terms), list(self.z_names), self.model, self.distribution,
                          self.efficiency_kind, self._sign, self._frontier, self._skew, decompose_growth)

    def fit(self, start: pd.Series | None = None) -> SFAResults:
        """Maximum likelihood from FRONTIER's grid of starting values, or from ``start``.

        The likelihood, the search and the boundary rules are in
        :mod:`nqpf_tfp.frontier.sfa`. The search runs on the frontier's
        regressors divided by their standard deviations; the coefficients
        and their covariance are reported in the data's units.

        Parameters
        ----------
        start : pandas.Series, optional
            Starting values of every reported parameter (indexed by the names
            of ``params``, in the data's units) instead of the grid: to
            reach a local maximum that a published example reports, or to
            continue from an earlier fit (``start=results.params``). For the
            models searched from the grid: the cross-section model, BC95 and
            the panel models with a time profile (the others raise).

        Returns
        -------
        SFAResults
            Coefficients with standard errors, technical efficiency per
            observation and the diagnostics of the search.
        """
        return rescaled(self._fit(start), pd.Series(self._scale[1:], index=self.terms))

    def _fit(self, start: pd.Series | None = None) -> SFAResults:
        """The fit on the standardised regressors (coefficients in their units)."""
        d = self._data
        first = None  # refused here for the models without the grid
        if start is not None:
            first = starting_point(start, self._names(), self._scale, self._data, self.model)
        if self.model == "true-fixed-effects":
            assert self._firms is not None
            return tfe.fit(self._context(), TrueFixedEffects(d.y, d.x[:, 1:], self._firms, d.n_firms))
        if self.model == "heteroskedastic":
            assert self._scales is not None
            return heteroskedastic.fit(self._context(), *self._scales)
        if self.model == "closed-skew-normal" or self.integration == "quadrature":  # exact integral over the firm
            assert self._firms is not None
            persistent = self.model == "closed-skew-normal"
            return closed_skew_normal.fit(self._context(), ClosedSkewNormal.build(d.y, d.x, self._firms, d.n_firms,
                                                                                  persistent))
        if self.model in ("true-random-effects", "filippini-greene"):
            assert self._firms is not None
            persistent = self.model == "filippini-greene"
            normals = tre.halton_normals(d.n_firms, self.draws, self._seed, 1 + persistent)
            return tre.fit(self._context(), TrueRandomEffects.build(d.y, d.x, self._firms, d.n_firms, normals,
                                                                    persistent))
        if self.model == "kumbhakar-lien-hardaker":
            assert self._firms is not None
            return klh.fit(self._context(), d.y, d.x, self._firms, d.n_firms)
        if self.model in SCHMIDT_SICKLES:
            assert self._firms is not None
            return schmidt_sickles.fit(self._context(), d.y, d.x, self._firms, d.n_firms,
                                       self.model == "schmidt-sickles-random")
        if self.model == "chen-schmidt-wang":
            assert self._firms is not None
            return csw.fit(self._context(), ChenSchmidtWang.build(d.y, d.x[:, 1:], self._firms, d.n_firms))
        if self.model == "wang-ho":
            assert self._firms is not None and self._z_wang_ho is not None
            return wang_ho.fit(self._context(), WangHo.build(d.y, d.x[:, 1:], self._z_wang_ho, self._firms, d.n_firms,
                                                              self.distribution == "truncated-normal"))
        dist = self.distribution
        k = d.k
        names = self._names()
        fitted = fit_frontier(d, self.efficiency_kind, names, self._skew, start=first)
        estimate = fitted.params
        params = pd.Series(estimate, index=names, name="coef")
        marginal = None
        if d.panel and d.z is not None:  # determinants of mu: the effects of the columns (not the constant)
            effects = mean_marginal_effects(estimate, d)[:, d.q - len(self._mu_columns):]
            marginal = pd.DataFrame(effects, index=self._index, columns=self._mu_columns)
        residual = self._sign * (d.y - d.x @ estimate[:k])  # y - x'beta in the caller's sign
        restrictions = len(parameter_tail(d)) - 1 + d.q if dist != "exponential" else 1
        decomposition = None
        if self._firms is not None and self._periods is not None and not self.cost:
            decomposition = self._decomposition(estimate[1:k], np.log(fitted.efficiency))
        diag = SFADiagnostics(dist, d.y.size, fitted.value, fitted.ols_loglik,
                              float(max(0.0, 2 * (fitted.value - fitted.ols_loglik))), fitted.converged,
                              fitted.iterations, self.model, d.n_firms or None, restrictions, fitted.boundary,
                              fitted.skewness, frontier=self._frontier)
        return SFAResults(params, pd.DataFrame(fitted.cov, index=names, columns=names),
                          pd.Series(fitted.efficiency, index=self._index, name="efficiency"),
                          pd.Series(residual, index=self._index, name="residual"), diag, self.efficiency_kind,
                          decomposition, pd.Series(fitted.inefficiency, index=self._index, name="inefficiency"),
                          marginal)

    def _skew(self, skewness: float) -> str:
        """The wrong skewness in words, in the frontier's own direction (``skewness`` of the production side)."""
        if self.cost:
            return f"skewed to the left (skewness {-skewness:.4f}; a cost frontier's are skewed to the right)"
        return f"skewed to the right (skewness {skewness:.4f}; a production frontier's are skewed to the left)"

    def _decomposition(self, coefficients: np.ndarray, log_te: np.ndarray) -> pd.DataFrame:
        """Kumbhakar-Lovell's split of TFP growth at the estimated frontier (``coefficients`` without the constant,
        on the standardised regressors)."""
        coefficients = coefficients / self._scale[1:]
        n_vars = self._variables.shape[1]
        if self.form == "translog":
            grad = translog_elasticities(self._variables, coefficients[:n_vars], coefficients[n_vars:])
        else:
            grad = np.tile(coefficients[:n_vars], (self._variables.shape[0], 1))
        n_inputs = len(self.inputs)
        change = grad[:, n_inputs] if self.trend else np.zeros(grad.shape[0])
        assert self._firms is not None and self._periods is not None
        return decompose(self._index, self._firms, self._periods, self._log_y, self._log_inputs,
                         grad[:, :n_inputs], change, log_te)
