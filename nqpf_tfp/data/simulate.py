"""Simulated firm panels with known production functions (for Monte Carlo checks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..docstrings import parameters_from
from ..errors import SpecificationError
from ..keywords import strict_keywords

__all__ = ["simulate_acf", "simulate_gnr", "simulate_markups"]


def _rng(seed: int | np.random.SeedSequence | None) -> np.random.Generator:
    return np.random.default_rng(seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed))


def _long_panel(burn_in: int, **paths: np.ndarray) -> pd.DataFrame:
    """``firm, year`` and each (firms x periods) path after the burn-in, one row per firm-year."""
    n_firms, periods = next(iter(paths.values())).shape
    n_periods = periods - burn_in
    return pd.DataFrame({
        "firm": np.repeat(np.arange(n_firms), n_periods),
        "year": np.tile(np.arange(1, n_periods + 1), n_firms),
        **{name: path[:, burn_in:].ravel() for name, path in paths.items()},
    })


def _acf_timing(rng: np.random.Generator, n_firms: int, periods: int, *, rho: float, sigma_xi: float, b: float,
                prices: tuple[tuple[float, float], ...]) -> tuple[np.ndarray, ...]:
    """ACF's timing: productivity ``omega`` (AR(1), split at ``t - b`` into ``omega_mid``), capital chosen at
    ``t - 1``, and stationary AR(1) firm prices, one per ``(rho, sigma)`` of ``prices`` (the wage first).

    Returns ``omega, omega_mid, k`` and the price paths, each firms x periods.
    """
    var_a = sigma_xi**2 / (1.0 + rho ** (2 * b)) if b > 0 else 0.0  # var(xi^a) rho^(2b) + var(xi^b) = sigma_xi^2
    var_b = sigma_xi**2 - var_a * rho ** (2 * b)
    omega, omega_mid, k = (np.zeros((n_firms, periods)) for _ in range(3))
    paths = [np.zeros((n_firms, periods)) for _ in prices]
    omega[:, 0] = omega_mid[:, 0] = rng.normal(0.0, sigma_xi / np.sqrt(1 - rho**2), n_firms)
    k[:, 0] = rng.normal(1.0, 0.5, n_firms)
    for path, (r, sd) in zip(paths, prices):
        path[:, 0] = rng.normal(0.0, sd / np.sqrt(1 - r**2), n_firms)
    for t in range(1, periods):
        omega_mid[:, t] = rho ** (1 - b) * omega[:, t - 1] + rng.normal(0.0, np.sqrt(var_a), n_firms)
        omega[:, t] = rho**b * omega_mid[:, t] + rng.normal(0.0, np.sqrt(max(var_b, 0.0)), n_firms)
        k[:, t] = 0.2 + 0.8 * k[:, t - 1] + 0.3 * omega[:, t - 1] + rng.normal(0.0, 0.2, n_firms)
        for path, (r, sd) in zip(paths, prices):
            path[:, t] = r * path[:, t - 1] + rng.normal(0.0, sd, n_firms)
    return (omega, omega_mid, k, *paths)


@strict_keywords
def simulate_acf(
    n_firms: int = 1000,
    n_periods: int = 10,
    *,
    beta_l: float = 0.6,
    beta_k: float = 0.4,
    beta_ll: float = 0.0,
    beta_lk: float = 0.0,
    beta_kk: float = 0.0,
    rho: float = 0.7,
    sigma_xi: float = 0.3,
    labor_timing: float = 0.5,
    rho_wage: float = 0.6,
    sigma_wage: float = 0.1,
    sigma_labor_error: float = 0.0,
    sigma_proxy_error: float = 0.0,
    sigma_eps: float = 0.1,
    exit_threshold: float | None = None,
    burn_in: int = 30,
    seed: int | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """A value-added Cobb-Douglas firm panel after Ackerberg, Caves and Frazer (2015, section 4).

    .. math::

        y_{it} = \\beta_l l_{it} + \\beta_k k_{it}
                 + \\beta_{ll} l_{it}^2 + \\beta_{lk} l_{it} k_{it} + \\beta_{kk} k_{it}^2
                 + \\omega_{it} + \\varepsilon_{it}

    (Cobb-Douglas by default; non-zero ``beta_ll, beta_lk, beta_kk`` make it a translog,
    whose true elasticities per row are ``beta_l + 2 beta_ll l + beta_lk k`` and
    ``beta_k + beta_lk l + 2 beta_kk k``);

    * productivity: AR(1), ``omega_t = rho omega_{t-1} + xi_t``, split at the
      labor decision time ``t - b`` (``b = labor_timing``): ``omega_{t-b} =
      rho^(1-b) omega_{t-1} + xi^a``, ``omega_t = rho^b omega_{t-b} + xi^b``;
    * capital is chosen at ``t-1``: ``k_t = 0.2 + 0.8 k_{t-1} + 0.3 omega_{t-1} + nu_t``
      (``nu`` known at ``t-1``), so ``E[xi_t k_t] = 0``;
    * labor is chosen at ``t - b`` from the static first-order condition with
      expected productivity ``rho^b omega_{t-b}`` and a firm wage following
      an AR(1) (``rho_wage``, ``sigma_wage``), plus an optional optimisation
      error (``sigma_labor_error``); labor is then a dynamic input, as ACF's
      DGP3 has it (for a translog this Cobb-Douglas rule is a reduced-form labor
      demand: ACF needs only that labor depends on the state and ``omega_{t-b}``);
    * the proxy (intermediate input) is Leontief in value added:
      ``m_t = value added without eps`` (+ measurement error
      ``sigma_proxy_error``), so it depends on labor and inverts to omega
      given (l, k), ACF's assumption;
    * with ``exit_threshold``, a firm leaves after the first period in which
      ``omega`` falls below it (selection on productivity).

    Parameters
    ----------
    n_firms, n_periods : int
        Panel size (kept periods, after ``burn_in``).
    seed : int or SeedSequence
        Random state through ``numpy.random.SeedSequence``.
    beta_l, beta_k : float
        Output elasticities of labor and capital (the Cobb-Douglas part).
    beta_ll, beta_lk, beta_kk : float
        Translog coefficients of ``l^2``, ``l k`` and ``k^2`` (0: Cobb-Douglas).
    rho : float
        Persistence of productivity's AR(1).
    sigma_xi : float
        Standard deviation of productivity's innovation.
    labor_timing : float
        ``b`` in (0, 1): labor is chosen at ``t - b``.
    rho_wage, sigma_wage : float
        AR(1) coefficient and innovation standard deviation of the firm wage.
    sigma_labor_error : float
        Standard deviation of labor's optimisation error (0: none).
    sigma_proxy_error : float
        Standard deviation of the proxy's measurement error (0: none).
    sigma_eps : float
        Standard deviation of the output shock ``eps``.
    exit_threshold : float, optional
        A firm exits after the first period with ``omega`` below this (``None``: no exit).
    burn_in : int
        Periods simulated and dropped before the kept ones.

    Returns
    -------
    pandas.DataFrame
        ``firm, year, y, l, k, m, omega`` (logs); ``attrs["truth"]`` holds the
        parameters.
    """
    if n_firms < 1 or n_periods < 2:
        raise SpecificationError("simulate_acf needs n_firms >= 1 and n_periods >= 2.")
    if not 0.0 <= labor_timing <= 1.0:
        raise SpecificationError(f"labor_timing must lie in [0, 1], not {labor_timing}.")
    if not 0.0 < beta_l < 1.0:
        raise SpecificationError(f"beta_l must lie in (0, 1), not {beta_l}.")
    rng = _rng(seed)
    b = labor_timing
    omega, omega_mid, k, wage = _acf_timing(rng, n_firms, burn_in + n_periods, rho=rho, sigma_xi=sigma_xi, b=b,
                                            prices=((rho_wage, sigma_wage),))
    expected = rho**b * omega_mid
    labor = (np.log(beta_l) + expected + beta_k * k - wage) / (1 - beta_l)
    labor = labor + rng.normal(0.0, sigma_labor_error, labor.shape) if sigma_labor_error > 0 else labor
    value_added = (beta_l * labor + beta_k * k + beta_ll * labor**2 + beta_lk * labor * k + beta_kk * k**2
                   + omega)
    y = value_added + rng.normal(0.0, sigma_eps, labor.shape)
    proxy = value_added + (rng.normal(0.0, sigma_proxy_error, labor.shape) if sigma_proxy_error > 0 else 0.0)
    frame = _long_panel(burn_in, y=y, l=labor, k=k, m=proxy, omega=omega)
    if exit_threshold is not None:
        below = (omega[:, burn_in:] < exit_threshold)
        exited_before: np.ndarray = np.cumsum(below, axis=1) - below  # periods after the first one below the threshold
        frame = frame[(exited_before == 0).ravel()].reset_index(drop=True)
    frame.attrs["truth"] = {"beta_l": beta_l, "beta_k": beta_k, "beta_ll": beta_ll, "beta_lk": beta_lk,
                            "beta_kk": beta_kk, "rho": rho, "labor_timing": labor_timing}
    return frame


@strict_keywords
@parameters_from(simulate_acf)
def simulate_gnr(
    n_firms: int = 500,
    n_periods: int = 10,
    *,
    beta_l: float = 0.2,
    beta_k: float = 0.15,
    beta_m: float = 0.6,
    rho: float = 0.7,
    sigma_xi: float = 0.2,
    sigma_eps: float = 0.2,
    sigma_price: float = 0.1,
    burn_in: int = 30,
    seed: int | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """A gross-output Cobb-Douglas panel with one flexible input, after Gandhi, Navarro and Rivers (2020).

    .. math:: y_{it} = \\beta_l l_{it} + \\beta_k k_{it} + \\beta_m m_{it} + \\omega_{it} + \\varepsilon_{it}

    * productivity ``omega_t = rho omega_{t-1} + xi_t``;
    * capital and labor are fixed inputs chosen at ``t-1``:
      ``k_t = 0.2 + 0.8 k_{t-1} + 0.3 omega_{t-1} + nu``,
      ``l_t = 0.1 + 0.7 l_{t-1} + 0.2 omega_{t-1} + nu_l``;
    * the intermediate input is flexible: chosen after ``omega_t`` is seen, before
      ``eps_t ~ N(0, sigma_eps^2)``, maximising expected profit at a firm-year
      intermediate price ``p`` (log normal, ``sigma_price``; output price 1):
      ``m = (ln beta_m + ln E + beta_l l + beta_k k + omega - ln p) / (1 - beta_m)``
      with ``E = E[exp(eps)] = exp(sigma_eps^2 / 2)``;
    * its log revenue share is then ``s = ln p + m - y = ln beta_m + ln E - eps``,
      the share equation GNR's first stage fits.

    Returns
    -------
    pandas.DataFrame
        ``firm, year, y, l, k, m, share, omega`` (logs); ``attrs["truth"]`` holds the parameters.

    Parameters
    ----------
    beta_l, beta_k, beta_m : float
        Output elasticities of labor, capital and the intermediate input.
    sigma_price : float
        Standard deviation of the log intermediate price.
    """
    if n_firms < 1 or n_periods < 2:
        raise SpecificationError("simulate_gnr needs n_firms >= 1 and n_periods >= 2.")
    if not 0.0 < beta_m < 1.0:
        raise SpecificationError(f"beta_m must lie in (0, 1), not {beta_m}.")
    rng = _rng(seed)
    periods = burn_in + n_periods
    omega = np.zeros((n_firms, periods))
    k = np.zeros((n_firms, periods))
    labor = np.zeros((n_firms, periods))
    omega[:, 0] = rng.normal(0.0, sigma_xi / np.sqrt(1 - rho**2), n_firms)
    k[:, 0] = rng.normal(1.0, 0.5, n_firms)
    labor[:, 0] = rng.normal(0.3, 0.5, n_firms)
    for t in range(1, periods):
        omega[:, t] = rho * omega[:, t - 1] + rng.normal(0.0, sigma_xi, n_firms)
        k[:, t] = 0.2 + 0.8 * k[:, t - 1] + 0.3 * omega[:, t - 1] + rng.normal(0.0, 0.2, n_firms)
        labor[:, t] = 0.1 + 0.7 * labor[:, t - 1] + 0.2 * omega[:, t - 1] + rng.normal(0.0, 0.2, n_firms)
    log_price = rng.normal(0.0, sigma_price, omega.shape)
    log_e = sigma_eps**2 / 2.0
    m = (np.log(beta_m) + log_e + beta_l * labor + beta_k * k + omega - log_price) / (1.0 - beta_m)
    eps = rng.normal(0.0, sigma_eps, omega.shape)
    y = beta_l * labor + beta_k * k + beta_m * m + omega + eps
    share = log_price + m - y
    frame = _long_panel(burn_in, y=y, l=labor, k=k, m=m, share=share, omega=omega)
    frame.attrs["truth"] = {"beta_l": beta_l, "beta_k": beta_k, "beta_m": beta_m, "rho": rho, "sigma_eps": sigma_eps}
    return frame


@strict_keywords
@parameters_from(simulate_acf)
def simulate_markups(
    n_firms: int = 1000,
    n_periods: int = 10,
    *,
    beta_l: float = 0.25,
    beta_k: float = 0.15,
    beta_m: float = 0.55,
    beta_ll: float = 0.0,
    beta_kk: float = 0.0,
    beta_mm: float = 0.0,
    beta_lk: float = 0.0,
    beta_lm: float = 0.0,
    beta_km: float = 0.0,
    markup: float = 1.3,
    markup_slope: float = 0.5,
    rho: float = 0.7,
    sigma_xi: float = 0.2,
    sigma_eps: float = 0.1,
    labor_timing: float = 0.5,
    rho_wage: float = 0.2,
    sigma_wage: float = 0.3,
    rho_price: float = 0.2,
    sigma_price: float = 0.5,
    burn_in: int = 30,
    seed: int | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """A gross-output panel of price-setting firms with known markups, for validating markup estimators.

    **Technology** (quantities, logs): ``q = f(l, k, m) + omega``, ``f`` Cobb-Douglas
    ``beta_l l + beta_k k + beta_m m`` plus, when given, the translog terms
    ``beta_ll l^2 + beta_kk k^2 + beta_mm m^2 + beta_lk l k + beta_lm l m + beta_km k m``.
    Recorded output is ``y = q + eps``, ``eps ~ N(0, sigma_eps^2)`` measurement error (also in recorded
    sales), so De Loecker and Warzynski's correction recovers planned revenue exactly.

    **Demand** (the documented source of the markups): firm *i* faces an isoelastic residual demand
    ``Q = P^(-sigma_it)`` whose elasticity falls with its productivity, through its markup
    ``mu_it = sigma_it / (sigma_it - 1) = 1 + (markup - 1) exp(markup_slope * omega_it)``: more productive
    firms face less elastic demand and charge higher markups (``markup`` at ``omega = 0``). The price is
    ``P = Q^(-1 / sigma_it)``.

    **Timing**:

    * productivity is AR(1), ``omega_t = rho omega_{t-1} + xi_t``, split at ``t - b``
      (``b = labor_timing``) as in :func:`simulate_acf`;
    * capital is chosen at ``t-1``: ``k_t = 0.2 + 0.8 k_{t-1} + 0.3 omega_{t-1} + nu_t``;
    * labor is chosen at ``t - b`` by the log-linear rule ``l = (ln beta_l + rho^b omega_{t-b} +
      beta_k k - w) / (1 - beta_l)``, with a firm wage ``w`` following an AR(1) (``rho_wage``,
      ``sigma_wage``): a dynamic input, as in Ackerberg, Caves and Frazer (2015, DGP3);
    * materials are flexible: chosen after ``omega_t`` is seen, at a firm price ``p_m`` following an
      AR(1) (``rho_price``, ``sigma_price``), to maximise ``P Q - p_m M`` given ``l, k``. The first-order
      condition is ``theta_m P Q / (p_m M) = mu``, ``theta_m = df/dm`` (solved in closed form for
      Cobb-Douglas, by Newton's method for a translog);
    * log investment ``inv = 0.5 k + 1.5 omega`` rises with productivity (Olley and Pakes' proxy).

    Estimating gross output with materials as a free input needs variation in ``m`` that productivity
    does not explain (Gandhi, Navarro and Rivers 2020): here the firm's materials price, whose
    persistence (``rho_price``) must differ from productivity's (``rho``); the same holds for the wage and
    labor. ACF then estimates the function with ``inv`` as the proxy and ``l, m`` as free inputs.

    Returns
    -------
    pandas.DataFrame
        ``firm, year``; ``y, l, k, m, inv`` (logs); ``sales`` and ``materials_cost`` (levels, with the
        measurement error in sales); ``share`` (log materials share of sales, for GNR); the truth:
        ``omega``, ``markup``, ``elasticity_m`` (``theta_m``), ``eps``. ``attrs["truth"]`` holds the parameters.

    Parameters
    ----------
    beta_m : float
        Output elasticity of the intermediate input.
    beta_mm, beta_lm, beta_km : float
        Translog coefficients of ``m^2``, ``l m`` and ``k m`` (0: Cobb-Douglas).
    markup : float
        The markup at ``omega = 0``.
    markup_slope : float
        How fast the markup rises with productivity.
    rho_price, sigma_price : float
        AR(1) coefficient and innovation standard deviation of the log
        intermediate price.
    """
    if n_firms < 1 or n_periods < 2:
        raise SpecificationError("simulate_markups needs n_firms >= 1 and n_periods >= 2.")
    if not markup >= 1.0:
        raise SpecificationError(f"markup must be at least 1 (price at or above marginal cost), not {markup}.")
    if not 0.0 <= labor_timing <= 1.0:
        raise SpecificationError(f"labor_timing must lie in [0, 1], not {labor_timing}.")
    if not (0.0 < beta_l < 1.0 and 0.0 < beta_m < 1.0):
        raise SpecificationError(f"beta_l and beta_m must lie in (0, 1), not {beta_l} and {beta_m}.")
    rng = _rng(seed)
    shape = (n_firms, burn_in + n_periods)
    b = labor_timing
    omega, omega_mid, k, wage, price = _acf_timing(rng, n_firms, shape[1], rho=rho, sigma_xi=sigma_xi, b=b,
                                                   prices=((rho_wage, sigma_wage), (rho_price, sigma_price)))
    labor = (np.log(beta_l) + rho**b * omega_mid + beta_k * k - wage) / (1 - beta_l)
    mu = 1.0 + (markup - 1.0) * np.exp(markup_slope * omega)
    rest = beta_l * labor + beta_k * k + beta_ll * labor**2 + beta_kk * k**2 + beta_lk * labor * k + omega

    def elasticity(m: np.ndarray) -> np.ndarray:
        return beta_m + 2 * beta_mm * m + beta_lm * labor + beta_km * k

    def output(m: np.ndarray) -> np.ndarray:
        return rest + beta_m * m + beta_mm * m**2 + beta_lm * labor * m + beta_km * k * m

    # ln p_m + m = ln theta_m - ln mu + q / mu (log FOC with ln P + q = q / mu): exact for Cobb-Douglas
    m = (np.log(beta_m) - np.log(mu) + rest / mu - price) / (1.0 - beta_m / mu)
    for _ in range(100):  # Newton on the log FOC (second-order terms)
        theta = elasticity(m)
        if np.any(theta <= 0):
            raise SpecificationError("the translog's materials elasticity is not positive on this panel; "
                                     "use smaller second-order coefficients.")
        gap = price + m - np.log(theta) + np.log(mu) - output(m) / mu
        step = gap / (1.0 - 2 * beta_mm / theta - theta / mu)
        m = m - step
        if np.max(np.abs(step)) < 1e-12:
            break
    else:
        raise SpecificationError("materials demand did not converge; use smaller second-order coefficients.")
    q = output(m)
    eps = rng.normal(0.0, sigma_eps, shape)
    log_price = -q * (1.0 - 1.0 / mu)  # P = Q^(-1/sigma), 1/sigma = 1 - 1/mu
    sales = log_price + q + eps
    frame = _long_panel(burn_in, y=q + eps, l=labor, k=k, m=m, inv=0.5 * k + 1.5 * omega, sales=np.exp(sales),
                        materials_cost=np.exp(price + m), share=price + m - sales, omega=omega, markup=mu,
                        elasticity_m=elasticity(m), eps=eps)
    frame.attrs["truth"] = {"beta_l": beta_l, "beta_k": beta_k, "beta_m": beta_m, "beta_ll": beta_ll,
                            "beta_kk": beta_kk, "beta_mm": beta_mm, "beta_lk": beta_lk, "beta_lm": beta_lm,
                            "beta_km": beta_km, "markup": markup, "markup_slope": markup_slope, "rho": rho}
    return frame
