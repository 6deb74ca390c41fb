"""Kumbhakar and Lovell's (2000) decomposition of TFP growth from a stochastic production frontier.

With ``ln y_it = ln f(x_it, t) - u_it + v_it``, output elasticities ``e_j = d ln f / d ln x_j``, returns to
scale ``RTS = sum_j e_j`` and TFP growth measured with the elasticity shares ``e_j / RTS`` (the primal
case, without input prices: allocative efficiency is assumed),

.. math::

    \\underbrace{\\Delta\\ln y - \\sum_j \\tfrac{e_j}{RTS}\\Delta\\ln x_j}_{\\text{TFP growth}}
    = \\underbrace{\\frac{\\partial\\ln f}{\\partial t}}_{\\text{technical change}}
    + \\underbrace{\\Delta\\ln TE}_{\\text{efficiency change}}
    + \\underbrace{(RTS - 1)\\sum_j \\tfrac{e_j}{RTS}\\Delta\\ln x_j}_{\\text{scale change}}
    + \\text{noise},

between consecutive periods of a firm, elasticities and technical change averaged over the two periods
(exact for a translog frontier: Diewert's 1976 quadratic identity). ``noise`` is ``Delta v`` as the
estimate leaves it: output growth the frontier, its efficiency and the inputs do not explain.

References
----------
Kumbhakar, S. C. and Lovell, C. A. K. (2000). *Stochastic Frontier Analysis*. Cambridge University
Press, section 7.2.
Diewert, W. E. (1976). Exact and superlative index numbers. *Journal of Econometrics* 4(2), 115-145.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["decompose"]


def decompose(index: pd.Index, firms: np.ndarray, periods: np.ndarray, log_y: np.ndarray, log_x: np.ndarray,
              elasticities: np.ndarray, technical_change: np.ndarray, log_te: np.ndarray) -> pd.DataFrame:
    """The decomposition for every row whose firm is observed in the previous period.

    ``elasticities`` (rows x inputs) and ``technical_change`` (rows) are evaluated at each row; the
    frame is on ``index`` (the data's), the first period of each firm absent.
    """
    order = np.lexsort((periods, firms))
    f, t = firms[order], periods[order]
    follows = np.r_[False, (f[1:] == f[:-1]) & (t[1:] == t[:-1] + 1)]
    now, before = order[follows], order[np.flatnonzero(follows) - 1]
    e = 0.5 * (elasticities[now] + elasticities[before])
    rts = e.sum(axis=1)
    dx = log_x[now] - log_x[before]
    shares = e / rts[:, None]
    tfp = (log_y[now] - log_y[before]) - (shares * dx).sum(axis=1)
    tc = 0.5 * (technical_change[now] + technical_change[before])
    ec = log_te[now] - log_te[before]
    sc = (rts - 1.0) * (shares * dx).sum(axis=1)
    frame = pd.DataFrame({"tfp_growth": tfp, "technical_change": tc, "efficiency_change": ec, "scale_change": sc,
                          "noise": tfp - tc - ec - sc, "returns_to_scale": rts}, index=index[now])
    return frame.loc[index[np.sort(now)]]
