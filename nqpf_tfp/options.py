"""The one table of options that take a fixed set of values.

Every public function validates such options through :func:`check_option`, so a
bad value is always answered the same way: with the list of valid ones.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import SpecificationError

__all__ = ["KEYWORDS", "OPTIONS", "check_option"]

#: option name -> {allowed value: what it means}
OPTIONS: Mapping[str, Mapping[str, str]] = {
    "missing": {
        "raise": "a missing value in a used column is a PanelError",
        "drop": "rows with a missing value in a used column are dropped, with a DroppedRowsWarning",
    },
    "method": {
        "tornqvist": "Törnqvist: shares averaged over t-1 and t",
        "solow": "Solow: current-year shares (or fixed shares given as numbers)",
    },
    "pwt_measure": {
        "rtfpna": "TFP at constant national prices (chained, = 1 in the base year)",
        "rwtfpna": "welfare-relevant TFP at constant national prices (output: rdana)",
        "ctfp": "TFP level at current PPPs, USA = 1 (output: cgdpo)",
        "cwtfp": "welfare-relevant TFP level at current PPPs, USA = 1 (output: cda)",
    },
    "form": {
        "cobb-douglas": "ln y linear in the log inputs",
        "translog": "ln y quadratic in the log inputs (squares and cross products)",
    },
    "cov_type": {
        "cluster": "clustered by entity (firm): robust to heteroskedasticity and serial correlation",
        "robust": "heteroskedasticity-robust (HC1)",
        "unadjusted": "homoskedastic, no clustering",
        "prodest": "R prodest's formulas, for reproduction only: prodestWRDG_GMM's (u'u/N)(X'Z(Z'Z)^-1Z'X)^-1, "
        "prodestWRDG's lm() on the fitted regressors",
    },
    "on_failure": {
        "raise": "a failed bootstrap replication raises EstimationError naming it",
        "warn": "failed replications are dropped with a warning and listed in diagnostics",
    },
    "wooldridge_method": {
        "iv": "one-step 2SLS of the stacked two-equation system (Wooldridge 2009)",
        "gmm": "two-step GMM of the system with the firm-clustered efficient weight",
        "prodest-gmm": "R prodest's prodestWRDG_GMM: k's coefficient in the first equation forced to gamma (biased "
        "when productivity depends on k); for reproducing prodest only",
        "prodest-iv": "R prodest 1.0.1's prodestWRDG: both equations pooled into one 2SLS with shared polynomial "
        "coefficients and w_{t-1} instrumenting w_t in both; for reproducing prodest only",
    },
    "pim_initial": {
        "growth": "K0 = I0 / (g + delta), g the average investment growth of the first years (Harberger 1978)",
        "ratio": "K0 = capital-output ratio x Y0",
        "divide": "K0 = I0 / divisor (Zhang, Wu and Zhang 2004: divisor 0.10)",
    },
    "backend": {
        "threads": "independent tasks (bootstrap replications, groups) on n_jobs local threads",
        "processes": "independent tasks in n_jobs local processes (forked: the data are shared, not copied)",
        "dask": "independent tasks on the workers of the running dask.distributed client",
    },
    "compare_below": {
        "std_errors": "standard errors in parentheses below each coefficient",
        "tstats": "t (z) statistics in brackets below each coefficient",
    },
    "gnr_second_stage": {
        "gmm": "solve the second-stage moments (Levenberg-Marquardt from the OLS start and a Sobol design)",
        "gnrprod": "gnrprod 1.1.2's second stage: R optim's BFGS (numerical gradient, ndeps 1e-3, maxit 100) on the "
        "identity-weighted moments from the OLS start; stops short of the root; for reproducing gnrprod only",
    },
    "acf_moments": {
        "standard": "f(free_{t-1}, state_t[, proxy_{t-1}]): just identified, W = (Z'Z)^-1 (R prodest's gACF)",
        "overidentified": "the standard terms and the same one period earlier; two-step efficient GMM, Hansen's J",
    },
    "bls_frequency": {
        "annual": "annual values: period A01, or the annual averages Q05 / M13",
        "quarterly": "quarters Q01-Q04",
        "monthly": "months M01-M12",
    },
    "lp_solver": {
        "auto": "HiGHS through highspy when it is installed, else SciPy's linprog (also HiGHS)",
        "highspy": "HiGHS through highspy: each model built once and re-solved with warm starts",
        "scipy": "SciPy's linprog (HiGHS inside SciPy), one LP at a time",
    },
    "dea_rts": {
        "crs": "constant returns to scale (Charnes, Cooper and Rhodes 1978)",
        "vrs": "variable returns to scale: sum of lambdas = 1 (Banker, Charnes and Cooper 1984)",
        "nirs": "non-increasing returns to scale: sum of lambdas <= 1",
        "ndrs": "non-decreasing returns to scale: sum of lambdas >= 1",
    },
    "dea_orientation": {
        "input": "shrink inputs radially at given outputs: efficiency theta <= 1 (Farrell input measure)",
        "output": "expand outputs radially at given inputs: efficiency 1/phi <= 1, as DEAP prints it",
    },
    "sfa_distribution": {
        "half-normal": "u ~ |N(0, sigma_u^2)| (Aigner, Lovell and Schmidt 1977)",
        "truncated-normal": "u ~ N(mu, sigma_u^2) truncated at 0 (Stevenson 1980)",
        "exponential": "u ~ exponential with mean sigma_u (Meeusen and van den Broeck 1977)",
    },
    "sfa_model": {
        "cross-section": "independent observations",
        "bc92": "panel, u_it = exp(-eta (t - T)) u_i (Battese and Coelli 1992; FRONTIER 4.1's error components)",
        "heteroskedastic": "u ~ N+(z'delta, exp(w_u'gamma_u)), v ~ N(0, exp(w_v'gamma_v)) (Caudill, Ford and "
                           "Gropper 1995; Wang 2002)",
        "pitt-lee": "panel, time-invariant u_i (Pitt and Lee 1981; Battese and Coelli 1988 when truncated-normal)",
        "kumbhakar1990": "panel, u_it = u_i / (1 + exp(b t + c t^2)) (Kumbhakar 1990)",
        "kumbhakar1990-normalised": "panel, u_it = 2 u_i / (1 + exp(b t + c t^2)): Kumbhakar's profile scaled to 1 at "
                                    "b = c = 0 (Kumbhakar, Wang and Horncastle 2015); mu and sigma_u half of "
                                    "kumbhakar1990's",
        "lee-schmidt": "panel, u_it = lambda_t u_i with a free factor per period, lambda_T = 1 (Lee and Schmidt 1993)",
        "true-fixed-effects": "panel, alpha_i + x'beta + v_it - u_it with half-normal u_it (Greene 2005)",
        "true-random-effects": "panel, alpha + w_i + x'beta + v_it - u_it, w_i normal, by simulated likelihood "
                               "(Greene 2005)",
        "wang-ho": "panel, alpha_i + x'beta + v_it - exp(z_it'delta) u_i*, within-transformed (Wang and Ho 2010)",
        "filippini-greene": "panel, four components: alpha + (w_i - h_i) + x'beta + (v_it - u_it), persistent h_i and "
                            "transient u_it half-normal, by simulated likelihood (Filippini and Greene 2016)",
        "closed-skew-normal": "panel, the four-component model by its exact likelihood (Colombi, Kumbhakar, Martini "
                              "and Vittadini 2014), a one-dimensional integral per firm by adaptive Gauss-Hermite "
                              "quadrature",
        "kumbhakar-lien-hardaker": "panel, the four-component model in three steps: random-effects GLS, then "
                                   "half-normal frontiers on its residuals (transient) and on its predicted firm "
                                   "effects (persistent) (Kumbhakar, Lien and Hardaker 2014)",
        "schmidt-sickles-fixed": "panel, time-invariant u_i as a fixed firm effect by the within regression, "
                                 "against the best firm (Schmidt and Sickles 1984)",
        "schmidt-sickles-random": "panel, time-invariant u_i as a random firm effect by GLS (Swamy-Arora), against "
                                  "the best firm (Schmidt and Sickles 1984)",
        "chen-schmidt-wang": "panel, Greene's true fixed effects by the within likelihood, no incidental parameters "
                             "(Chen, Schmidt and Wang 2014)",
        "bc95": "u_it ~ N+(z_it'delta, sigma_u^2): inefficiency effects (Battese and Coelli 1995)",
    },
    "sfa_integration": {
        "simulation": "the integral over the firm effect by scrambled Halton draws (draws=, seed=; Greene 2005)",
        "quadrature": "the exact integral by adaptive Gauss-Hermite quadrature (64 nodes per firm)",
    },
    "sfa_efficiency": {
        "bc": "E[exp(-u) | e] (Battese and Coelli 1988; FRONTIER 4.1's measure)",
        "jlms": "exp(-E[u | e]) (Jondrow, Lovell, Materov and Schmidt 1982)",
    },
    "malmquist_frontier": {
        "contemporaneous": "period t's units span the period-t frontier (Färe et al. 1994; DEAP 2.1)",
        "sequential": "all units up to period t: technology never regresses (Shestalova 2003)",
        "global": "all periods pooled (Pastor and Lovell 2005): circular, always feasible",
        "biennial": "the two periods compared pooled (Pastor, Asmild and Lovell 2011): always feasible",
        "window": "the window= periods centred on each period pooled (Tulkens and van den Eeckaut 1995)",
    },
    "malmquist_decomposition": {
        "fgnz": "technical change on CRS frontiers (Färe, Grosskopf, Norris and Zhang 1994; DEAP 2.1)",
        "rd": "technical change on VRS frontiers, scale change from both periods' frontiers (Ray and Desli 1997)",
    },
    "ddf_direction": {
        "outputs": "g = (0, y_o, b_o): expand good and contract bad outputs in proportion (Chung et al. 1997)",
        "all": "g = (x_o, y_o, b_o): contract inputs as well",
    },
    "ddf_distance": {
        "radial": "one share beta for every variable that moves (Chung, Färe and Grosskopf 1997)",
        "nonradial": "a share per variable, weighted (Zhou, Ang and Wang 2012)",
        "sbm": "slacks-based directional distance, direction (x, y, b): each variable's slack over its value, "
        "inputs and outputs half the weight each (Fukuyama and Weber 2009)",
        "ebm": "the epsilon-based measure kappa as D = 1 / kappa - 1 (Tone and Tsutsui 2010): output-oriented with "
               "direction='outputs', non-oriented with 'all'; one epsilon and one set of weights at every frontier",
    },
    "ml_frontier": {
        "contemporaneous": "period t's units span the period-t frontier (Chung, Färe and Grosskopf 1997)",
        "sequential": "all units up to period t: technology never regresses",
        "global": "all periods pooled (Oh 2010): circular, always feasible",
        "biennial": "the two periods compared pooled (Pastor, Asmild and Lovell 2011): always feasible, "
        "no reestimation when a period is added",
        "window": "the window= periods centred on each period pooled (Tulkens and van den Eeckaut 1995)",
    },
    "model_check": {
        "overidentification": "Hansen's J (firm-clustered efficient weight) rejects the over-identifying moments "
        "at level j_pvalue",
        "functional_dependence": "a free input's R² on the other control-function first-stage regressors exceeds "
        "dependence_r2 (Ackerberg, Caves and Frazer 2015)",
        "implausible_technology": "a mean output elasticity below zero, or returns to scale outside returns_to_scale",
        "weak_identification": "a free input's firm-clustered Sanderson-Windmeijer first-stage F is below "
        "first_stage_f",
    },
    "decomposition_method": {
        "olley-pakes": "per period: aggregate = unweighted mean + covariance of shares and productivity (1996)",
        "melitz-polanec": "change: survivors' within and covariance terms, entry and exit (Melitz and Polanec 2015)",
        "fhk": "change: within, between, cross, entry, exit against the initial aggregate (Foster, Haltiwanger "
        "and Krizan 2001)",
        "griliches-regev": "change: within, between, entry, exit with two-period averages (Griliches and Regev 1995)",
        "bhc": "change: within, between, entry, exit in levels (Baily, Hulten and Campbell 1992)",
    },
    "markup_correction": {
        "dlw": "the input's share of revenue divided by exp(eps_hat), the first stage's output error "
        "(De Loecker and Warzynski 2012)",
        "none": "the input's share of observed revenue, uncorrected",
    },
    "index_normalization": {
        "minmax": "(x - min) / (max - min) for benefit, (max - x) / (max - min) for cost indicators, in [0, 1]",
        "zscore": "(x - mean) / sd, sign-flipped for cost indicators",
        "vector": "x / sqrt(sum x^2), sign-flipped for cost indicators (TOPSIS's classical normalization)",
    },
    "index_scope": {
        "panel": "the reference set is every row of the panel (comparable over time)",
        "period": "the reference set is the rows of the same period (comparisons within a period only)",
    },
    "index_weights": {
        "entropy": "Shannon entropy of each indicator's shares: more dispersion, more weight",
        "critic": "CRITIC: standard deviation times the conflict (1 - correlation) with the other indicators",
        "pca": "principal components (Kaiser's rule or a variance share), eigenvalue-weighted coefficients",
        "scatter": "vertical and horizontal scatter degree (Guo 2002): leading eigenvector of Z'Z over the panel",
        "equal": "equal weights",
    },
    "index_score": {
        "weighted-sum": "sum of weighted normalized indicators",
        "topsis": "TOPSIS closeness to the ideal point, D- / (D+ + D-)",
        "grey": "grey relational grade against the ideal point (distinguishing coefficient rho)",
    },
    "metafrontier_distance": {
        "dea": "radial DEA (Farrell efficiency; the distance's orientation and returns to scale)",
        "sbm": "Tone's slacks-based measure (rho), with undesirable outputs",
        "ddf": "radial directional distance D, efficiency 1 / (1 + D)",
        "nonradial_ddf": "weighted non-radial directional distance D, efficiency 1 / (1 + D)",
        "ebm": "Tone and Tsutsui's epsilon-based measure (epsilon and weights of all units at every frontier)",
    },
    "metafrontier_frontier": {
        "global": "every period pooled: one frontier per group and one metafrontier",
        "contemporaneous": "each period its own group frontiers and metafrontier",
    },
    "metafrontier_index_distance": {
        "ddf": "radial directional distance D, efficiency 1 / (1 + D) (Chung, Fare and Grosskopf 1997)",
        "nonradial_ddf": "weighted non-radial directional distance D, efficiency 1 / (1 + D)",
        "dea": "radial DEA, Farrell efficiency (no bad outputs): a metafrontier Malmquist index",
        "sbm": "Tone's slacks-based measure rho, with bad outputs as Tone (2003)",
        "ebm": "the epsilon-based measure (Tone and Tsutsui 2010), the whole panel's epsilon and weights throughout",
    },
    "sfa_envelope": {
        "lp": "the sum of the gaps between the envelope and the group frontiers (Battese, Rao and O'Donnell 2004)",
        "qp": "the sum of the squared gaps, under the same constraints",
        "stochastic": "a second SFA of the fitted group frontiers on the inputs (Huang, Huang and Liu 2014)",
    },
    "bootstrap_bandwidth": {
        "normal_reference": "Silverman's robust normal-reference rule on the reflected scores, rescaled to them",
        "lscv": "least-squares cross-validation on the reflected scores (Simar and Wilson 1998), rescaled to them",
    },
    "bootstrap_interval": {
        "basic": "theta_hat minus the quantiles of (theta* - theta_hat): Simar and Wilson's interval, bias-aware",
        "percentile": "the quantiles of theta* themselves (Efron's percentile interval; shifted by the bias)",
    },
    "index_formula": {
        "tornqvist": "Törnqvist: log changes weighted by the two periods' mean value shares",
        "fisher": "Fisher: the geometric mean of the Laspeyres and Paasche indices",
        "laspeyres": "Laspeyres: base-period prices (base-period value shares)",
        "paasche": "Paasche: current-period prices (current-period value shares)",
    },
    "indicator_formula": {
        "bennet-bowley": "Bennet-Bowley: prices normalised by the value of the entity's mean bundle (unit-free)",
        "bennet": "Bennet: prices as they are, the indicator in money units",
    },
    "index_base": {
        "chained": "each period against the previous one, the links multiplied into a level",
        "fixed": "each period against the entity's first period",
    },
    "multilateral_method": {
        "ccd": "Caves-Christensen-Diewert: Törnqvist against the sample average (the GEKS on Törnqvist indices)",
        "geks": "Gini-Eltetö-Köves-Szulc on bilateral Fisher indices",
        "lowe": "Lowe: every row's quantities valued at the sample's mean prices (O'Donnell 2012)",
    },
    "ebm_orientation": {
        "input": "minimise theta - eps_x sum w s- / x_o (inputs contract)",
        "output": "maximise eta + eps_y sum w s+ / y_o (outputs expand); the score is 1 / phi",
        "non": "the ratio of the two (non-oriented), by the Charnes-Cooper transformation",
    },
    "ebm_projection": {
        "additive": "projected to the VRS frontier by the observation-normalised additive model (the paper's)",
        "sbm": "projected to the VRS frontier by the non-oriented SBM's slacks",
        "observed": "the affinity of the observed inputs and outputs",
    },
    "ebm_bad_output_factor": {
        "contract": "bad outputs fall as good outputs rise, (2 - eta) b_o: the direction (y_o, -b_o) of Chung, Fare "
                    "and Grosskopf (1997); epsilon = 1 (bounded, equal weights) is Tone's SBM with bad outputs",
        "expand": "bad outputs scale with the good outputs, eta b_o (proportional by-production)",
        "none": "bad outputs move by their slacks alone, b_o",
    },
    "ebm_bad_output_affinity": {
        "joint": "good and bad outputs are one side: one affinity matrix, one epsilon, weights summing to 1",
        "separate": "the bad outputs have their own affinity matrix, epsilon and weights summing to 1",
    },
    "three_stage_distance": {
        "dea": "input-oriented radial DEA; total slack = radial plus non-radial input slack",
        "sbm": "the slacks-based measure; its input slacks",
    },
    "density_plot": {
        "ridgeline": "one filled density per period, stacked upwards (a joy plot)",
        "surface": "a 3D surface over (value, period)",
    },
    "weight_combination": {
        "multiplicative": "normalized product of the weight vectors",
        "additive": "weighted average of the weight vectors",
    },
    "entropy_zeros": {
        "convention": "0 ln 0 = 0 (its limit)",
        "error": "a normalized zero is an error: pass a shift A instead",
    },
    "critic_correlation": {
        "signed": "conflict 1 - r (Diakoulaki et al. 1995)",
        "absolute": "conflict 1 - |r| (a negative correlation counts as redundancy)",
    },
    "critic_contrast": {
        "sd": "contrast intensity = standard deviation (Diakoulaki et al. 1995)",
        "cv": "contrast intensity = coefficient of variation",
    },
    "pca_retain": {
        "kaiser": "components with eigenvalue > 1",
        "variance": "the fewest components reaching pca_variance of the total variance",
    },
    "topsis_weighting": {
        "inside": "distances on the weighted matrix v = w z (classical TOPSIS)",
        "outside": "weighted Euclidean distances sqrt(sum w (z - z*)^2) on the unweighted matrix",
    },
    "convergence_effects": {
        "none": "pooled OLS with a constant: absolute beta-convergence",
        "entity": "unit fixed effects: conditional convergence to each unit's steady state",
        "twoways": "unit and period fixed effects",
    },
    "level_form": {
        "hall-jones": "y = (K/Y)^(a/(1-a)) h A  (Hall & Jones 1999)",
        "caselli": "y = A k^a h^(1-a), k = K/L  (Caselli 2005)",
    },
}


#: option name -> the keyword argument users type, where the two differ
KEYWORDS: Mapping[str, str] = {
    "pwt_measure": "measure",
    "wooldridge_method": "method",
    "pim_initial": "initial",
    "gnr_second_stage": "second_stage",
    "acf_moments": "moments",
    "level_form": "form",
    "bls_frequency": "frequency",
    "dea_rts": "rts",
    "lp_solver": "solver",
    "dea_orientation": "orientation",
    "sfa_distribution": "distribution",
    "sfa_model": "model",
    "decomposition_method": "method",
    "markup_correction": "correction",
    "sfa_efficiency": "efficiency",
    "malmquist_frontier": "frontier",
    "ddf_direction": "direction",
    "ml_frontier": "frontier",
    "bootstrap_bandwidth": "bandwidth",
    "bootstrap_interval": "method",
    "three_stage_distance": "distance",
}


def check_option(option: str, value: object, keyword: str | None = None) -> str:
    """Return ``value`` if it is an allowed value of ``option``, else raise.

    Parameters
    ----------
    option : str
        Key of :data:`OPTIONS`.
    value : object
        The value the caller passed.
    keyword : str, optional
        The keyword the caller typed; by default ``KEYWORDS.get(option, option)``.

    Returns
    -------
    str
        The value, lower-cased where the option's values are.

    Raises
    ------
    SpecificationError
        Naming the keyword and listing the valid values with their meanings.
    """
    allowed = OPTIONS[option]
    if isinstance(value, str) and value in allowed:
        return value
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    listing = ", ".join(f"{k!r} ({v})" for k, v in allowed.items())
    name = keyword or KEYWORDS.get(option, option)
    raise SpecificationError(f"{name}={value!r} is not a valid value; valid values are: {listing}.")
