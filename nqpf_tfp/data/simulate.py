"""Simulated firm panels with known production functions (for Monte Carlo checks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import SpecificationError

__all__ = ["simulate_acf", "simulate_gnr"]


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
      labour decision time ``t - b`` (``b = labor_timing``): ``omega_{t-b} =
      rho^(1-b) omega_{t-1} + xi^a``, ``omega_t = rho^b omega_{t-b} + xi^b``;
    * capital is chosen at ``t-1``: ``k_t = 0.2 + 0.8 k_{t-1} + 0.3 omega_{t-1} + nu_t``
      (``nu`` known at ``t-1``), so ``E[xi_t k_t] = 0``;
    * labour is chosen at ``t - b`` from the static first-order condition with
      expected productivity ``rho^b omega_{t-b}`` and a firm wage following
      an AR(1) (``rho_wage``, ``sigma_wage``), plus an optional optimisation
      error (``sigma_labor_error``); labour is then a dynamic input, as ACF's
      DGP3 has it (for a translog this Cobb-Douglas rule is a reduced-form labour
      demand: ACF needs only that labour depends on the state and ``omega_{t-b}``);
    * the proxy (intermediate input) is Leontief in value added:
      ``m_t = value added without eps`` (+ measurement error
      ``sigma_proxy_error``), so it depends on labour and inverts to omega
      given (l, k), ACF's assumption;
    * with ``exit_threshold``, a firm leaves after the first period in which
      ``omega`` falls below it (selection on productivity).

    Parameters
    ----------
    n_firms, n_periods : int
        Panel size (kept periods, after ``burn_in``).
    seed : int or SeedSequence
        Random state through ``numpy.random.SeedSequence``.

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
    periods = burn_in + n_periods
    b = labor_timing
    var_a = sigma_xi**2 / (1.0 + rho ** (2 * b)) if b > 0 else 0.0  # var(xi^a) rho^(2b) + var(xi^b) = sigma_xi^2
    var_b = sigma_xi**2 - var_a * rho ** (2 * b)
    omega = np.zeros((n_firms, periods))
    omega_mid = np.zeros((n_firms, periods))
    k = np.zeros((n_firms, periods))
    wage = np.zeros((n_firms, periods))
    omega[:, 0] = rng.normal(0.0, sigma_xi / np.sqrt(1 - rho**2), n_firms)
    omega_mid[:, 0] = omega[:, 0]
    k[:, 0] = rng.normal(1.0, 0.5, n_firms)
    wage[:, 0] = rng.normal(0.0, sigma_wage / np.sqrt(1 - rho_wage**2), n_firms)
    for t in range(1, periods):
        omega_mid[:, t] = rho ** (1 - b) * omega[:, t - 1] + rng.normal(0.0, np.sqrt(var_a), n_firms)
        omega[:, t] = rho**b * omega_mid[:, t] + rng.normal(0.0, np.sqrt(max(var_b, 0.0)), n_firms)
        k[:, t] = 0.2 + 0.8 * k[:, t - 1] + 0.3 * omega[:, t - 1] + rng.normal(0.0, 0.2, n_firms)
        wage[:, t] = rho_wage * wage[:, t - 1] + rng.normal(0.0, sigma_wage, n_firms)
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
    * capital and labour are fixed inputs chosen at ``t-1``:
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
