"""Three-stage DEA: efficiency net of the operating environment and of statistical noise.

Fried, Lovell, Schmidt and Yaisawarng (2002):

1. **DEA** on the observed inputs ``x`` and outputs ``y`` (input-oriented radial DEA, or SBM). Each unit's
   *total input slack* ``s_ik = x_ik - target_ik`` (radial and non-radial together) mixes managerial
   inefficiency, the environment and luck.
2. **SFA on the slacks**, one regression per input, with the environmental variables ``z``:
   ``s_ik = f^k(z_i; beta^k) + v_ik + u_ik``, ``v ~ N(0, sigma_v^2)`` noise and ``u >= 0`` managerial
   inefficiency (half-normal); slacks lie *above* their frontier, so the error is ``v + u``. With ``eps =
   s - f`` and ``sigma^2 = sigma_u^2 + sigma_v^2``, ``lambda = sigma_u / sigma_v``, ``sigma_* = sigma_u
   sigma_v / sigma``, the managerial part is Jondrow et al.'s (1982) conditional mean for this sign,

   .. math::

       \\hat E[u \\mid \\varepsilon] = \\sigma_* \\left[\\frac{\\phi(\\varepsilon\\lambda/\\sigma)}
       {\\Phi(\\varepsilon\\lambda/\\sigma)} + \\frac{\\varepsilon\\lambda}{\\sigma}\\right],

   (``+eps`` in both places: the production-frontier formula, with ``1 - Phi`` and ``-eps``, applies to ``-s``
   and gives the same number; writing the production formula with ``+eps`` is the published error the
   derivation avoids), and the noise is ``v_hat = s - f(z; beta_hat) - E[u | eps]``. The fit is the package's
   :class:`~nqpf_tfp.frontier.SFA` on ``-s``, which is a production frontier with error ``-v - u``; the
   conditional mean is its :attr:`~nqpf_tfp.frontier.SFAResults.inefficiency` (computed in logs, so slacks in
   the thousands do not underflow as ``exp(-E[u | e])`` would).
3. **Adjusted inputs** put every unit in the least favourable environment and the worst luck of the sample
   (eq. 8 of the paper):

   .. math::

       x^A_{ik} = x_{ik} + [\\max_j f^k(z_j) - f^k(z_i)] + [\\max_j \\hat v_{jk} - \\hat v_{ik}],

   and the same DEA on ``(x^A, y)`` gives the efficiency attributed to management alone.

An input whose slack is the same for every unit (zero, say) has nothing to explain: it is not adjusted
(a warning says so). Slacks that are 0 for many units (the SBM's often are) can take a slack frontier to
the deterministic limit ``gamma -> 1`` (:class:`~nqpf_tfp.errors.FrontierBoundaryWarning`): all of the
residual is then managerial and none of it noise.

References
----------
Fried, H. O., Lovell, C. A. K., Schmidt, S. S. and Yaisawarng, S. (2002). Accounting for environmental
effects and statistical noise in data envelopment analysis. *Journal of Productivity Analysis* 17(1-2),
157-174.
Jondrow, J., Lovell, C. A. K., Materov, I. S. and Schmidt, P. (1982). On the estimation of technical
inefficiency in the stochastic frontier production function model. *Journal of Econometrics* 19(2-3),
233-238.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import PanelWarning, SpecificationError, warn
from ..keywords import strict_keywords
from ..options import check_option
from .dea import dea
from .lp import check_solver
from .sbm import sbm
from .sfa import SFA, SFAResults
from .three_stage_results import ThreeStageDiagnostics, ThreeStageResults
from .variables import environment as environment_columns
from .variables import roles
from .variables import values as column_values

__all__ = ["ThreeStageDiagnostics", "ThreeStageResults", "three_stage_dea"]


@strict_keywords
@strict_keywords
def three_stage_dea(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
                    environment: str | Sequence[str], *, distance: str = "dea", rts: str = "vrs",
                    solver: str = "auto", entity: Any = None, time: Any = None) -> ThreeStageResults:
    """Fried, Lovell, Schmidt and Yaisawarng's (2002) three-stage DEA (see :mod:`nqpf_tfp.frontier.three_stage`).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit; never modified.
    inputs, outputs : str or list of str
        The DEA variables, non-negative; the inputs are adjusted.
    environment : str or list of str
        Environmental variables ``z`` of the slack regressions (numeric; a constant is added).
    distance : {"dea", "sbm"}
        Stages 1 and 3: input-oriented radial DEA (total slack: radial plus non-radial) or the SBM (its
        input slacks).
    rts : {"crs", "vrs", "nirs", "ndrs"}
        Returns to scale in stages 1 and 3 (the paper: VRS).
    solver : {"auto", "highspy", "scipy"}
        The LP solver.
    entity, time : str, optional
        Key columns that label the units.

    Returns
    -------
    ThreeStageResults
        ``efficiency`` (stage 3) and ``first_stage``; per input the ``slacks``, ``adjusted_inputs``,
        ``managerial`` slack ``E[u | eps]``, ``noise`` and ``environmental`` slack; the slack regressions in
        ``slack_regressions``.
    """
    require_frame(data, "data")
    distance = check_option("three_stage_distance", distance, "distance")
    solver = check_solver(solver)
    ins, outs, _ = roles(inputs, outputs, what="three-stage DEA")
    env, z = environment_columns(data, environment, ins + outs, "three_stage_dea")
    x = column_values(data, ins, "input")

    def stage(frame: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
        """Efficiency and total input slacks (data units) of one DEA stage."""
        if distance == "dea":
            res = dea(frame, ins, outs, rts=rts, orientation="input", solver=solver, entity=entity, time=time)
            targets = res.targets[[f"target_{k}" for k in ins]].to_numpy()
            return res.efficiency, frame[ins].to_numpy(dtype=float) - targets
        scores = sbm(frame, ins, outs, rts=rts, solver=solver, entity=entity, time=time)
        return scores.efficiency, scores.slacks[[f"slack_{k}" for k in ins]].to_numpy()

    first, slacks = stage(data)
    labels = first.index
    slacks = np.where(np.abs(slacks) < 1e-9 * np.maximum(np.abs(x), 1.0), 0.0, slacks)
    if not np.isfinite(slacks).all():
        raise SpecificationError("three_stage_dea: some units have no stage-1 slacks (no optimal LP); drop them.")
    work = pd.DataFrame(z, columns=env)
    regressions: dict[str, SFAResults] = {}
    parts = {name: np.zeros((len(data), len(ins))) for name in ("environmental", "managerial", "noise")}
    adjusted = x.copy()
    unadjusted = []
    for k, name in enumerate(ins):
        s = slacks[:, k]
        if np.ptp(s) <= 1e-12 * max(1.0, float(np.abs(s).max())):
            unadjusted.append(name)
            continue
        work["_minus_slack"] = -s
        fit = SFA(work, "_minus_slack", env).fit()
        regressions[name] = fit
        residual = fit.to_frame()["residual"].to_numpy()  # -s - (fitted frontier of -s) = -(v + u)
        environmental = s + residual  # f(z) of the slack frontier
        managerial = fit.inefficiency.to_numpy()  # E[u | eps]: -s = f - v - u has the same u
        noise = s - environmental - managerial
        adjusted[:, k] = x[:, k] + (environmental.max() - environmental) + (noise.max() - noise)
        parts["environmental"][:, k], parts["managerial"][:, k], parts["noise"][:, k] = environmental, managerial, noise
    if unadjusted:
        warn(f"three_stage_dea: the stage-1 slack of input(s) {unadjusted} is the same for every unit, so there is "
             "nothing for the environment to explain: those inputs are not adjusted.", PanelWarning)
    third_data = data.copy()
    third_data[ins] = adjusted
    third, _ = stage(third_data)
    frame = pd.DataFrame({"first_stage": first.to_numpy(), "efficiency": third.to_numpy()}, index=labels)
    for k, name in enumerate(ins):
        frame[f"slack_{name}"] = slacks[:, k]
        frame[f"environmental_{name}"] = parts["environmental"][:, k]
        frame[f"managerial_{name}"] = parts["managerial"][:, k]
        frame[f"noise_{name}"] = parts["noise"][:, k]
        frame[f"adjusted_{name}"] = adjusted[:, k]
    diagnostics = ThreeStageDiagnostics(distance, rts, len(data), tuple(ins), tuple(env), tuple(unadjusted))
    return ThreeStageResults(frame, regressions, diagnostics)
