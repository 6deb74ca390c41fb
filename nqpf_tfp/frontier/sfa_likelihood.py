"""Log-likelihoods and technical efficiency of the stochastic frontier models, on numpy arrays.

``y = x'beta + v - u``, ``v ~ N(0, sigma_v^2)``, ``sigma2 = sigma_u^2 + sigma_v^2``,
``gamma = sigma_u^2 / sigma2`` (FRONTIER 4.1's parametrisation):

* ``cross-section``: ``u`` half-normal, truncated normal with mean ``mu`` (Stevenson 1980) or
  exponential with mean ``sigma_u`` (Meeusen and van den Broeck 1977); independent over rows.
* panel models with ``u_it = h_it u_i``, ``u_i`` half- or truncated-normal and shared by a firm's rows,
  and a time profile ``h_it`` (``T`` the last period of the data, ``t`` periods counted from 1 at the first):

  - ``pitt-lee``: ``h = 1``, time-invariant inefficiency (Pitt and Lee 1981, half-normal; Battese and
    Coelli 1988, truncated-normal);
  - ``bc92`` (Battese and Coelli 1992): ``h = exp(-eta (t - T))``;
  - ``kumbhakar1990``: ``h = 1 / (1 + exp(b t + c t^2))`` (Kumbhakar 1990);
  - ``kumbhakar1990-normalised``: ``h = 2 / (1 + exp(b t + c t^2))``, Kumbhakar's profile scaled to 1 at
    ``b = c = 0``, where it nests the time-invariant model (Kumbhakar, Wang and Horncastle 2015, as
    SFrontiers.jl computes it): the same fit, with ``mu`` and ``sigma_u`` half of ``kumbhakar1990``'s;
  - ``lee-schmidt``: ``h = lambda_t``, a free factor per period with ``lambda_T = 1`` (Lee and Schmidt
    1993), estimated here by maximum likelihood with the half- or truncated-normal ``u_i``.
* determinants of ``mu`` in the panel models (truncated-normal): ``u_i ~ N+(z_i'delta, sigma_u^2)`` with
  ``z_i`` a firm's characteristics, constant over its periods (Kumbhakar, Wang and Horncastle 2015, ch. 10,
  for the time-decay and Kumbhakar (1990) models);
* ``bc95`` (Battese and Coelli 1995): ``u_it`` truncated normal with mean ``z_it'delta``, independent
  over rows; ``delta`` are the inefficiency determinants.

With ``e = y - x'beta`` and, for a firm of a panel model, its time profile ``h_it``:

.. math::

    \\mu^*_i = \\frac{\\mu \\sigma_v^2 - \\sigma_u^2 \\sum_t h_{it} e_{it}}{\\sigma_v^2 + \\sigma_u^2 \\sum_t h_{it}^2},
    \\qquad \\sigma_{*i}^2 = \\frac{\\sigma_u^2 \\sigma_v^2}{\\sigma_v^2 + \\sigma_u^2 \\sum_t h_{it}^2}

and the firm's log-likelihood is

.. math::

    -\\tfrac{T_i}{2}\\ln 2\\pi - \\tfrac{T_i - 1}{2}\\ln\\sigma_v^2
    - \\tfrac12 \\ln(\\sigma_v^2 + \\sigma_u^2 h_i'h_i)
    - \\tfrac12\\Big(\\frac{e_i'e_i}{\\sigma_v^2} + \\frac{\\mu^2}{\\sigma_u^2}
    - \\frac{\\mu^{*2}_i}{\\sigma_{*i}^2}\\Big)
    + \\ln\\Phi(\\mu^*_i/\\sigma_{*i}) - \\ln\\Phi(\\mu/\\sigma_u)

(one row and ``h = 1`` give the cross-section model). Technical efficiency is Battese and Coelli's
(1988, 1992) ``E[exp(-u_it) | e_i] = Phi(mu*/s* - h s*) / Phi(mu*/s*) exp(-h mu* + h^2 s*^2 / 2)`` or
JLMS's ``exp(-h E[u_i | e_i])``.

References
----------
Battese, G. E. and Coelli, T. J. (1988). Prediction of firm-level technical efficiencies with a
generalized frontier production function and panel data. *Journal of Econometrics* 38(3), 387-399.
Battese, G. E. and Coelli, T. J. (1992). Frontier production functions, technical efficiency and panel
data: with application to paddy farmers in India. *Journal of Productivity Analysis* 3(1), 153-169.
Battese, G. E. and Coelli, T. J. (1995). A model for technical inefficiency effects in a stochastic
frontier production function for panel data. *Empirical Economics* 20(2), 325-332.
Pitt, M. M. and Lee, L.-F. (1981). The measurement and sources of technical inefficiency in the
Indonesian weaving industry. *Journal of Development Economics* 9(1), 43-64.
Kumbhakar, S. C. (1990). Production frontiers, panel data, and time-varying technical inefficiency.
*Journal of Econometrics* 46(1-2), 201-211.
Kumbhakar, S. C., Wang, H.-J. and Horncastle, A. P. (2015). *A Practitioner's Guide to Stochastic Frontier
Analysis Using Stata*. Cambridge University Press.
Lee, Y. H. and Schmidt, P. (1993). A production frontier model with flexible temporal variation in
technical efficiency. In Fried, H. O., Lovell, C. A. K. and Schmidt, S. S. (eds), *The Measurement of
Productive Efficiency*, Oxford University Press, 237-255.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import expit, log_ndtr

__all__ = ["KUMBHAKAR", "PANEL_MODELS", "FrontierData", "demean_by_firm", "efficiency", "half_normal_logdensity",
           "inefficiency", "loglik", "mean_marginal_effects", "mills_ratio", "model_pieces", "natural",
           "parameter_tail", "posterior_efficiency", "tail_start", "time_profile", "unconstrained"]

#: the models whose firms share one ``u_i`` scaled by a time profile ``h_it``
PANEL_MODELS = ("pitt-lee", "bc92", "kumbhakar1990", "kumbhakar1990-normalised", "lee-schmidt")
#: Kumbhakar's (1990) logistic profile, as published and scaled to 1 at b = c = 0
KUMBHAKAR = ("kumbhakar1990", "kumbhakar1990-normalised")

LOG_2PI = np.log(2.0 * np.pi)


@dataclass(frozen=True)
class FrontierData:
    """Arrays of one frontier model: ``x`` with the constant; for BC92 the firm codes and periods."""

    y: np.ndarray
    x: np.ndarray
    model: str  # "cross-section", "bc95" or one of PANEL_MODELS
    distribution: str
    # BC95's inefficiency determinants per row; a panel model's determinants of mu per firm (n_firms x q); each
    # with its constant, if any
    z: np.ndarray | None = None
    firms: np.ndarray | None = None  # panel models: firm codes 0..N-1
    periods_to_last: np.ndarray | None = None  # panel models: t - T (<= 0)
    n_firms: int = 0
    period_labels: tuple[str, ...] = ()  # the periods, first to last (Lee-Schmidt's factors are named by them)
    period_codes: np.ndarray | None = None  # each row's period: 0 .. len(period_labels) - 1

    @cached_property
    def span(self) -> float:
        """Periods from the first to the last, both counted (``T`` when ``t`` runs from 1): computed once, not at
        every evaluation of the likelihood."""
        assert self.periods_to_last is not None
        return 1.0 - float(self.periods_to_last.min())

    @property
    def panel(self) -> bool:
        return self.model in PANEL_MODELS

    @property
    def k(self) -> int:
        return self.x.shape[1]

    @property
    def q(self) -> int:
        return 0 if self.z is None else self.z.shape[1]


def parameter_tail(data: FrontierData) -> list[str]:
    """Names of the parameters after the frontier's coefficients (and BC95's deltas)."""
    if data.distribution == "exponential":
        return ["sigma_u", "sigma_v"]
    tail = ["sigma2", "gamma"]
    if data.distribution == "truncated-normal" and data.z is None:
        tail.append("mu")
    if data.model == "bc92":
        tail.append("eta")
    elif data.model in KUMBHAKAR:
        tail += ["k90_b", "k90_c"]
    elif data.model == "lee-schmidt":
        tail += [f"lambda_{label}" for label in data.period_labels[:-1]]
    return tail


def tail_start(data: FrontierData) -> np.ndarray:
    """Starting values of the time profile's parameters: ``h = 1`` (BC92's ``eta`` and Lee-Schmidt's factors),
    Kumbhakar's ``b = c = 0`` (``h = 1/2``, normalised ``h = 1``)."""
    if data.model == "lee-schmidt":
        return np.ones(len(data.period_labels) - 1)
    return np.zeros(2 if data.model in KUMBHAKAR else int(data.model == "bc92"))


def time_profile(profile: np.ndarray, data: FrontierData) -> np.ndarray:
    """``h_it`` of every row from the time profile's parameters (see the module)."""
    assert data.periods_to_last is not None
    back = data.periods_to_last
    if data.model == "bc92":
        return np.exp(-profile[0] * back)
    if data.model in KUMBHAKAR:
        t = back + data.span  # 1 in the first period
        scale = 2.0 if data.model == "kumbhakar1990-normalised" else 1.0
        return np.asarray(scale * expit(-(profile[0] * t + profile[1] * t * t)))
    if data.model == "lee-schmidt":
        assert data.period_codes is not None
        return np.asarray(np.r_[profile, 1.0][data.period_codes])
    return np.ones(back.size)


def natural(theta: np.ndarray, data: FrontierData) -> np.ndarray:
    """Reported parameters ``(beta, delta, sigma2, gamma[, mu][, eta])`` from the unconstrained ones
    ``(beta, delta, ln sigma2, logit gamma[, mu][, eta])`` (exponential: ``ln sigma_u, ln sigma_v``)."""
    at = data.k + data.q
    head = theta[:at]
    if data.distribution == "exponential":
        return np.r_[head, np.exp(theta[at]), np.exp(theta[at + 1])]
    params = np.r_[head, np.exp(theta[at]), 1.0 / (1.0 + np.exp(-theta[at + 1])), theta[at + 2:]]
    if data.model in KUMBHAKAR:
        params[-2:] /= _kumbhakar_scale(data)
    return params


def unconstrained(params: np.ndarray, data: FrontierData) -> np.ndarray:
    at = data.k + data.q
    head = params[:at]
    if data.distribution == "exponential":
        return np.r_[head, np.log(params[at]), np.log(params[at + 1])]
    gamma = params[at + 1]
    theta = np.r_[head, np.log(params[at]), np.log(gamma / (1.0 - gamma)), params[at + 2:]]
    if data.model in KUMBHAKAR:
        theta[-2:] *= _kumbhakar_scale(data)
    return theta


def _kumbhakar_scale(data: FrontierData) -> np.ndarray:
    """The search moves Kumbhakar's ``(b, c)`` as ``(b T, c T^2)`` (``T`` the periods spanned): ``c t^2`` reaches
    ``c T^2``, and in the raw ``c`` the likelihood is hundreds of times steeper than in ``b``, so a gradient that
    vanishes in the scaled coordinates looked far from zero in the raw ones."""
    return np.array([data.span, data.span**2])


def model_pieces(params: np.ndarray, data: FrontierData,
            noise_share: float | None = None) -> tuple[np.ndarray, float, float, np.ndarray, np.ndarray]:
    """``e``, ``sigma_u^2``, ``sigma_v^2``, the mean of the pre-truncation ``u`` (per row) and ``h_it`` (ones
    outside the panel models).
    ``noise_share`` is ``1 - gamma`` when known to full precision (from logit gamma: near gamma = 1,
    ``1 - gamma`` computed from gamma loses every digit)."""
    k, q = data.k, data.q
    e = data.y - data.x @ params[:k]
    sigma2, gamma = params[k + q], params[k + q + 1]
    rest = params[k + q + 2:]
    free_mu = data.distribution == "truncated-normal" and data.z is None  # "mu" among the parameters
    if data.z is not None:
        mu = data.z @ params[k:k + q]  # BC95: per row; a panel model: per firm
    else:
        mu = np.full(1 if data.panel else e.size, rest[0] if free_mu else 0.0)
    profile = rest[1:] if free_mu else rest
    h = time_profile(profile, data) if data.panel else np.ones(e.size)
    share = 1.0 - gamma if noise_share is None else noise_share
    return e, gamma * sigma2, share * sigma2, mu, h


def loglik(theta: np.ndarray, data: FrontierData) -> float:
    """Exact log-likelihood (constants included) at the unconstrained parameters ``theta``; minus infinity
    where it overflows (a search's trial point far out, e.g. a time profile ``exp(-eta (t - T))`` beyond the
    floating-point range)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = _loglik(theta, data)
    return value if np.isfinite(value) else -np.inf


def _loglik(theta: np.ndarray, data: FrontierData) -> float:
    params = natural(theta, data)
    if data.distribution == "exponential":
        k = data.k
        e = data.y - data.x @ params[:k]
        su, sv = params[k], params[k + 1]
        return float(np.sum(-np.log(su) + log_ndtr(-e / sv - sv / su) + e / su + sv**2 / (2 * su**2)))
    e, su2, sv2, mu, h = model_pieces(params, data, float(expit(-theta[data.k + data.q + 1])))
    if not data.panel:
        sigma2 = su2 + sv2
        s_star = np.sqrt(su2 * sv2 / sigma2)
        mu_star = (mu * sv2 - e * su2) / sigma2
        return float(np.sum(-0.5 * (LOG_2PI + np.log(sigma2)) - 0.5 * (e + mu) ** 2 / sigma2
                            + log_ndtr(mu_star / s_star) - log_ndtr(mu / np.sqrt(su2))))
    assert data.firms is not None
    n = data.n_firms
    rows = np.bincount(data.firms, minlength=n).astype(float)
    he = np.bincount(data.firms, weights=h * e, minlength=n)
    hh = np.bincount(data.firms, weights=h * h, minlength=n)
    ee = np.bincount(data.firms, weights=e * e, minlength=n)
    m = mu  # one mu, or one per firm
    denominator = sv2 + su2 * hh
    mu_star = (m * sv2 - su2 * he) / denominator
    s2_star = su2 * sv2 / denominator
    s_star = np.sqrt(s2_star)
    value = (-0.5 * rows * LOG_2PI - 0.5 * (rows - 1.0) * np.log(sv2) - 0.5 * np.log(denominator)
             - 0.5 * (ee / sv2 + m * m / su2 - mu_star**2 / s2_star)
             + log_ndtr(mu_star / s_star) - log_ndtr(m / np.sqrt(su2)))
    return float(np.sum(value))


def _posterior(params: np.ndarray, data: FrontierData,
               noise_share: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``u | e``: the mean ``mu_star`` and scale ``s_star`` of the truncated normal, and ``h`` (a panel
    model's time profile, else 1)."""
    if data.distribution == "exponential":
        k = data.k
        e = data.y - data.x @ params[:k]
        su, sv = params[k], params[k + 1]
        return -e - sv**2 / su, np.full(e.size, sv), np.ones(e.size)
    e, su2, sv2, mu, h = model_pieces(params, data, noise_share)
    if data.panel:
        assert data.firms is not None
        n = data.n_firms
        he = np.bincount(data.firms, weights=h * e, minlength=n)
        hh = np.bincount(data.firms, weights=h * h, minlength=n)
        denominator = sv2 + su2 * hh
        mu_star = ((mu * sv2 - su2 * he) / denominator)[data.firms]
        return mu_star, np.sqrt(su2 * sv2 / denominator)[data.firms], h
    sigma2 = su2 + sv2
    return (mu * sv2 - e * su2) / sigma2, np.full(e.size, np.sqrt(su2 * sv2 / sigma2)), np.ones(e.size)


def mills_ratio(z: np.ndarray) -> np.ndarray:
    """``phi(z) / Phi(z)``, in logs (no underflow far in the tail)."""
    return np.asarray(np.exp(-0.5 * z * z - 0.5 * LOG_2PI - log_ndtr(z)))


def posterior_efficiency(mu_star: np.ndarray, s_star: np.ndarray, h: np.ndarray | float,
                         kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Efficiency and Jondrow et al.'s (1982) ``E[u | e]`` when ``u = h u*`` and ``u* | e`` is a normal with mean
    ``mu_star`` and scale ``s_star`` truncated at zero: ``kind`` "bc" gives Battese and Coelli's (1988)
    ``E[exp(-u) | e]``, "jlms" ``exp(-E[u | e])``."""
    z = mu_star / s_star
    u_hat = np.asarray(h * (mu_star + s_star * mills_ratio(z)))
    if kind == "bc":
        hs = h * s_star
        return np.asarray(np.exp(log_ndtr(z - hs) - log_ndtr(z) - h * mu_star + 0.5 * hs**2)), u_hat
    return np.asarray(np.exp(-u_hat)), u_hat


def mean_marginal_effects(params: np.ndarray, data: FrontierData) -> np.ndarray:
    """Determinants ``z_i`` of a panel model's ``mu_i``: ``dE[u_it] / dz_i = h_it delta (1 - L(a) (a + L(a)))``
    with ``a = mu_i / sigma_u`` and ``L = phi / Phi`` (the slope of the truncated normal's mean ``sigma_u (a +
    L(a))`` in ``mu``), per row and column of ``z`` (the constant's included)."""
    assert data.z is not None and data.firms is not None
    _, su2, _, mu, h = model_pieces(params, data)
    a = mu / np.sqrt(su2)
    lam = mills_ratio(a)
    slope = (1.0 - lam * (a + lam))[data.firms] * h
    return np.asarray(slope[:, None] * params[data.k:data.k + data.q][None, :])


def half_normal_logdensity(e: np.ndarray, sigma2: float, lam: float) -> np.ndarray:
    """The half-normal frontier's log-density of the composed residual ``e = v - u`` (Aigner, Lovell and
    Schmidt 1977), ``lambda = sigma_u / sigma_v``."""
    return np.asarray(np.log(2.0) - 0.5 * (LOG_2PI + np.log(sigma2)) - 0.5 * e * e / sigma2
                      + log_ndtr(-lam * e / np.sqrt(sigma2)))


def demean_by_firm(values: np.ndarray, firms: np.ndarray, n_firms: int) -> np.ndarray:
    """Deviations from each firm's means (a vector, or the columns of a matrix)."""
    counts = np.bincount(firms, minlength=n_firms)
    if values.ndim == 1:
        return values - (np.bincount(firms, weights=values, minlength=n_firms) / counts)[firms]
    means = np.stack([np.bincount(firms, weights=c, minlength=n_firms) for c in values.T], axis=1) / counts[:, None]
    return values - means[firms]


def inefficiency(params: np.ndarray, data: FrontierData, noise_share: float | None = None) -> np.ndarray:
    """Jondrow et al.'s (1982) ``E[u | e]`` of every row; ``noise_share`` as in :func:`model_pieces`."""
    return posterior_efficiency(*_posterior(params, data, noise_share), kind="jlms")[1]


def efficiency(params: np.ndarray, data: FrontierData, kind: str, noise_share: float | None = None) -> np.ndarray:
    """Technical efficiency of every row: ``kind`` "bc" (E[exp(-u)|e]) or "jlms" (exp(-E[u|e])); ``noise_share``
    as in :func:`model_pieces`."""
    return posterior_efficiency(*_posterior(params, data, noise_share), kind=kind)[0]
