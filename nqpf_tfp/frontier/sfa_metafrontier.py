"""Metafrontiers over stochastic group frontiers: Battese, Rao and O'Donnell's (2004) deterministic envelope
and Huang, Huang and Liu's (2014) stochastic metafrontier.

Each group's frontier ``ln y = x'beta_g + v - u`` is estimated by :class:`~nqpf_tfp.frontier.SFA` on that
group's rows (``x`` the constant and the Cobb-Douglas or translog terms of the log inputs). The
metafrontier ``x'beta*`` is the smallest function of the same form that envelops every group frontier
at every observation:

- ``envelope="lp"`` (BRO 2004, their LP): minimise ``sum_i (x_i'beta* - x_i'beta_g(i))`` subject to
  ``x_i'beta* >= x_i'beta_g(i)`` for every observation ``i`` (the sum of absolute deviations, since every
  deviation is non-negative);
- ``envelope="qp"`` (their QP): minimise the sum of squared deviations under the same constraints.

Then, per observation, the technology gap ratio ``TGR_i = exp(x_i'beta_g(i) - x_i'beta*)`` (in (0, 1]) and
the metafrontier efficiency ``TE*_i = TE_i x TGR_i``, with ``TE_i`` the group frontier's technical
efficiency. The envelope is deterministic: it has no standard errors (BRO suggest the bootstrap; not
here).

``envelope="stochastic"`` (Huang, Huang and Liu 2014) treats the estimated group frontiers as data with
an error of their own: a second stochastic frontier is fitted to every observation's fitted group frontier,

.. math::

    x_i'\\hat\\beta_{g(i)} = x_i'\\beta^* + v^M_i - u^M_i,\\qquad u^M_i \\ge 0,

where ``v^M`` absorbs the first stage's estimation error and ``u^M`` is the technology gap; ``TGR_i`` is the
second stage's technical efficiency (Battese and Coelli's ``E[exp(-u^M) | e]`` by default, or the
``efficiency=`` the caller gives) and ``TE*_i = TE_i x TGR_i`` as before. The metafrontier now has standard
errors (the second stage's), and no observation is forced under it.

References
----------
Battese, G. E., Rao, D. S. P. and O'Donnell, C. J. (2004). A metafrontier production function for
estimation of technical efficiencies and technology gaps for firms operating under different
technologies. *Journal of Productivity Analysis* 21(1), 91-103.
Huang, C. J., Huang, T.-H. and Liu, N.-H. (2014). A new approach to estimating the metafrontier production
function based on a stochastic frontier framework. *Journal of Productivity Analysis* 42(3), 241-254.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog, minimize

from ..arguments import require_frame
from ..errors import EstimationError, SpecificationError
from ..keywords import check_forwarded_keywords, strict_keywords
from ..numerics.basis import production_terms
from ..options import check_option
from ..panel import observation_index
from .metafrontier_results import MetafrontierDiagnostics, MetafrontierResults
from .sfa import SFA, SFAResults

__all__ = ["SFAMetafrontierResults", "sfa_metafrontier"]

_OWN = ("data", "output", "inputs", "form", "take_logs", "entity", "time", "trend")


class SFAMetafrontierResults(MetafrontierResults):
    """Group stochastic frontiers, their deterministic envelope and the technology gap ratios.

    Attributes
    ----------
    group_params : pandas.DataFrame
        The frontier coefficients of each group (one column per group).
    meta_params : pandas.Series
        The envelope's coefficients (the stochastic metafrontier's also ``sigma2`` and ``gamma``).
    meta_fit : SFAResults or None
        The stochastic metafrontier's second-stage fit (standard errors, diagnostics); None for an envelope.
    """

    def __init__(self, frame: pd.DataFrame, diagnostics: MetafrontierDiagnostics, group_params: pd.DataFrame,
                 meta_params: pd.Series, meta_fit: SFAResults | None = None) -> None:
        super().__init__(frame, diagnostics)
        self._group_params, self._meta_params = group_params.copy(), meta_params.copy()
        self._meta_fit = meta_fit

    @property
    def meta_fit(self) -> SFAResults | None:
        """The stochastic metafrontier's second-stage :class:`~nqpf_tfp.frontier.SFAResults` (None for an
        LP or QP envelope)."""
        return self._meta_fit

    group_params = property(lambda self: self._group_params.copy(), doc="Each group's frontier coefficients.")
    meta_params = property(lambda self: self._meta_params.copy(), doc="The metafrontier's coefficients.")


def _envelope(x: np.ndarray, group_fit: np.ndarray, envelope: str) -> np.ndarray:
    """``beta*`` with ``x beta* >= group_fit`` row by row, minimising the sum (lp) or squares (qp) of the gaps."""
    k = x.shape[1]
    lp = linprog(x.sum(axis=0), A_ub=-x, b_ub=-group_fit, bounds=[(None, None)] * k, method="highs")
    if lp.status != 0:
        raise EstimationError(f"sfa_metafrontier: the envelope LP has no solution ({lp.message}).")
    if envelope == "lp":
        return np.asarray(lp.x, dtype=float)
    # the QP from the LP's (feasible) solution: the same constraints, squared gaps (per observation, for scale)
    n = x.shape[0]
    qp = minimize(lambda b: 0.5 * float(np.sum((x @ b - group_fit) ** 2)) / n, lp.x,
                  jac=lambda b: x.T @ (x @ b - group_fit) / n,
                  constraints=[{"type": "ineq", "fun": lambda b: x @ b - group_fit, "jac": lambda b: x}],
                  method="SLSQP", options={"ftol": 1e-14, "maxiter": 1000})
    if not qp.success or np.min(x @ qp.x - group_fit) < -1e-7:
        raise EstimationError(f"sfa_metafrontier: the envelope QP did not converge ({qp.message}); "
                              "envelope='lp' always has a solution.")
    return np.asarray(qp.x, dtype=float)


@strict_keywords(open_keywords="SFA's own options (distribution, efficiency, model, ...), checked against it")
def sfa_metafrontier(data: pd.DataFrame, output: str, inputs: str | Sequence[str], *, group: str,
                     envelope: str = "lp", form: str = "cobb-douglas", take_logs: bool = False,
                     entity: str | None = None, time: str | None = None, **options: Any) -> SFAMetafrontierResults:
    """Stochastic group frontiers and their deterministic metafrontier (Battese, Rao and O'Donnell 2004).

    The model, the envelope problems and the reference are in :mod:`nqpf_tfp.frontier.sfa_metafrontier`.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per observation; never modified.
    output : str
        The output column (its log when ``take_logs`` is False).
    inputs : str or list of str
        The input columns (logs when ``take_logs`` is False).
    group : str
        The column of technology groups.
    envelope : {"lp", "qp", "stochastic"}
        The deterministic envelope's criterion, the sum of the gaps (LP) or of their squares (QP), or Huang,
        Huang and Liu's stochastic metafrontier (a second SFA on the fitted group frontiers).
    form : {"cobb-douglas", "translog"}
        The frontiers' functional form.
    take_logs : bool
        The columns are levels: take logs.
    entity, time : str, optional
        Key columns (panel models of :class:`~nqpf_tfp.frontier.SFA`, and the results' labels).
    **options
        :class:`~nqpf_tfp.frontier.SFA`'s other options (``distribution``, ``efficiency``, ``model``, ...),
        the same for every group.

    Returns
    -------
    SFAMetafrontierResults
        ``group_efficiency``, ``meta_efficiency``, ``tgr`` per observation, ``group_params``,
        ``meta_params``, ``by_group()``, ``summary()``, ``plot()``.
    """
    require_frame(data, "data")
    envelope = check_option("sfa_envelope", envelope, "envelope")
    check_forwarded_keywords(options, SFA, "sfa_metafrontier()", exclude=_OWN)
    if not isinstance(group, str) or group not in data.columns:
        raise SpecificationError(f"group={group!r} is not a column of the data; give the column of technology "
                                 "groups.")
    if data[group].isna().any():
        raise SpecificationError(f"group column {group!r} is missing in {int(data[group].isna().sum())} row(s): "
                                 "every observation needs a group.")
    names = [inputs] if isinstance(inputs, str) else list(inputs)
    groups = data[group].to_numpy()
    labels = list(pd.unique(groups))
    if len(labels) < 2:
        raise SpecificationError(f"group column {group!r} has one group: a metafrontier envelops two or more.")
    keys = observation_index(data, entity, time)  # checked before any frontier is fitted
    if keys.has_duplicates:  # the data's own index, labels of the group fits' efficiencies
        raise SpecificationError("the data's index repeats labels: give entity= (and time=), or reset the index.")
    fits = {}
    for label in labels:
        rows = data[groups == label]
        fits[label] = SFA(rows, output, names, form=form, take_logs=take_logs, entity=entity, time=time,
                          **options).fit()
    levels = data[names].to_numpy(dtype=float)
    logs = np.log(levels) if take_logs else levels
    x = np.column_stack([np.ones(len(data)), production_terms(logs, check_option("form", form))])
    k = x.shape[1]
    coefficients = pd.DataFrame({label: fit.params.iloc[:k].to_numpy() for label, fit in fits.items()},
                                index=fits[labels[0]].params.index[:k])
    beta_g = coefficients[list(groups)].to_numpy().T  # each observation's own group's coefficients
    group_fit = np.einsum("ij,ij->i", x, beta_g)
    meta_fit = None
    if envelope == "stochastic":
        stage = pd.DataFrame(logs, columns=names).assign(_group_frontier=group_fit)
        stage_options = {key: value for key, value in options.items() if key == "efficiency"}
        meta_fit = SFA(stage, "_group_frontier", names, form=form, **stage_options).fit()
        meta_params = meta_fit.params
        tgr = meta_fit.efficiency.to_numpy(dtype=float)
    else:
        beta_star = _envelope(x, group_fit, envelope)
        meta_params = pd.Series(beta_star, index=coefficients.index, name="meta")
        # the envelope holds to the solver's tolerance (1e-7 at most, checked): a gap of -1e-12 is a ratio of 1
        tgr = np.exp(np.minimum(group_fit - x @ beta_star, 0.0))
    te = np.empty(len(data))
    for label, fit in fits.items():
        mask = groups == label
        te[mask] = fit.efficiency.reindex(keys[mask]).to_numpy(dtype=float)  # by label, not by position
    frame = pd.DataFrame({"group": groups, "group_efficiency": te, "meta_efficiency": te * tgr, "tgr": tgr},
                         index=keys)
    what = "stochastic metafrontier" if envelope == "stochastic" else f"{envelope} envelope"
    diagnostics = MetafrontierDiagnostics(distance="sfa", frontier=what, group=group,
                                          n_groups=len(labels), n_units=len(data),
                                          not_optimal=int(np.isnan(te).sum()), periods=1)
    return SFAMetafrontierResults(frame, diagnostics, coefficients, meta_params.rename("meta"), meta_fit)
