"""Tone and Tsutsui's (2010) epsilon-based measure (EBM): radial and non-radial efficiency in one model.

For unit ``o`` with inputs ``x`` (m) and outputs ``y`` (s), input orientation:

.. math::

    \\gamma^* = \\min_{\\theta,\\lambda,s^-}\\ \\theta - \\varepsilon_x \\sum_i \\frac{w^-_i s^-_i}{x_{io}}
    \\quad\\text{s.t.}\\quad \\theta x_o - X\\lambda - s^- = 0,\\ Y\\lambda \\ge y_o,\\ \\lambda, s^- \\ge 0;

output orientation, reported as ``1 / phi*``:

.. math::

    \\phi^* = \\max_{\\eta,\\lambda,s^+}\\ \\eta + \\varepsilon_y \\sum_r \\frac{w^+_r s^+_r}{y_{ro}}
    \\quad\\text{s.t.}\\quad X\\lambda \\le x_o,\\ \\eta y_o - Y\\lambda + s^+ = 0;

non-oriented,

.. math::

    \\kappa^* = \\min \\frac{\\theta - \\varepsilon_x \\sum_i w^-_i s^-_i / x_{io}}
                           {\\eta + \\varepsilon_y \\sum_r w^+_r s^+_r / y_{ro}}
    \\quad\\text{s.t.}\\quad \\theta x_o - X\\lambda - s^- = 0,\\ \\eta y_o - Y\\lambda + s^+ = 0,

solved as one LP by the Charnes-Cooper transformation; ``sum lambda = 1`` under VRS. The weights ``w``
sum to 1 on each side. ``epsilon`` and ``w`` come from the affinity of the inputs (outputs) across the units
(:mod:`~nqpf_tfp.frontier.affinity`), or are given. ``epsilon = 0`` is the radial (CCR/BCC) measure; with
the radial factors bounded, in the input orientation ``epsilon_x = 1`` is the weighted input SBM ``1 -
sum_i w_i s_i / x_io`` (substitute ``s' = s^- + (1 - theta) x_o``), and non-oriented ``epsilon = 1`` with equal
weights is Tone's (2001) SBM.

The paper leaves three choices open; each is an option here:

- ``projection``: the data the affinity is computed on, projected to the VRS frontier by the additive model
  (the paper's examples, the default) or the SBM, or as observed (:mod:`~nqpf_tfp.frontier.ebm_calibration`);
- ``bounded``: whether the radial factors are bounded, ``theta <= 1`` and ``eta >= 1``. Free (the default)
  is the paper's model: its hospital example has ``theta = 1.016`` for hospital D, which gives up doctors
  for nurses. Bounded is the variant of the Dearun program, which lies exactly between the two poles:
  ``epsilon = 1`` gives the SBM. Free, ``epsilon = 1`` removes the dominance constraints altogether
  (``theta x_o >= X lambda`` holds for a large enough ``theta``), and the input score becomes a weighted
  ratio of the reference's inputs to the unit's, below the SBM;
- ties: a repeated largest eigenvalue of the affinity matrix gives equal weights (see
  :mod:`~nqpf_tfp.frontier.affinity`), the weights the paper prints for its example 2.

A ``reference`` set evaluates the rows of ``data`` against the frontier other units span (another period's,
say); epsilon and the weights then come from the reference's units, unless given.

Super-efficiency (``super_efficiency=True``) leaves each unit out of its own reference set (Andersen and
Petersen 1993), so an efficient unit scores above 1 and an inefficient one keeps its score; with
``epsilon = 0`` it is their radial super-efficiency. It needs free radial factors (a bounded factor cannot
score an efficient unit above 1), and under VRS an efficient unit's LP can be infeasible (status reported).
With bad outputs under ``"contract"`` or ``"none"`` the output factor is held at ``eta >= 1`` (below), so the
output orientation cannot score above 1 either: that combination is refused.

**Undesirable outputs** ``b`` (``bad_outputs=``; the paper has none) follow the SBM with undesirable outputs
(Tone 2003): each has a slack ``s^b`` that reduces it, scored beside the good outputs' slacks in the
denominator, ``eta + eps_y sum w^+ s^+ / y_o + eps_b sum w^b s^b / b_o``, and the row

.. math::

    f\\,b_o - B\\lambda - s^b = 0,\\qquad
    f = 2 - \\eta\\ (\\text{contract}),\\ \\eta\\ (\\text{expand}),\\ 1\\ (\\text{none}).

Two choices no published EBM fixes with a numerical example, each an option:

- ``bad_output_factor``: how the bad outputs follow the radial output factor. ``"contract"`` (the default):
  they fall as the good outputs rise, by the same proportion, the direction ``(y_o, -b_o)`` of Chung, Färe and
  Grosskopf (1997). With it the EBM keeps its two poles with bad outputs: ``epsilon = 0`` in the output
  orientation is the directional distance with that direction (bad outputs freely disposable), ``1 / (1 +
  beta)``, and bounded, non-oriented, ``epsilon = 1`` with equal joint weights is Tone's (2003) SBM with
  undesirable outputs. ``"expand"``: they scale with the good outputs, ``eta b_o`` (a proportional
  by-production, the form written in several applied EBM papers); ``"none"``: slacks alone move them.
  In the input orientation ``eta = 1``, and the bad outputs only bound the reference, ``B lambda <= b_o``.
- ``bad_output_affinity``: ``"joint"`` (the default) treats good and bad outputs as one output side: one
  affinity matrix over both, one epsilon, weights summing to 1 over both (so a single bad output beside a
  single good one still has a weight); ``"separate"`` gives the bad outputs their own affinity matrix,
  epsilon and weights summing to 1 (a single bad output then has ``epsilon_b = 0``: its slack is not scored).

Every input and output must be positive (the slacks are divided by the unit's own values, and the affinity
takes logs). The reference set's own units are scored by column generation (one small LP each, the reference
units priced in as they are needed: :mod:`~nqpf_tfp.frontier.column_generation`), other units against the set
reduced to its frame (Dulá 2011; bad outputs enter it as inputs do): the same scores from smaller LPs. The LP
is :mod:`~nqpf_tfp.frontier.ebm_program`'s.

References
----------
Tone, K. and Tsutsui, M. (2010). An epsilon-based measure of efficiency in DEA - a third pole of technical
efficiency. *European Journal of Operational Research* 207(3), 1554-1563.
Andersen, P. and Petersen, N. C. (1993). A procedure for ranking efficient units in data envelopment
analysis. *Management Science* 39(10), 1261-1264.
Tone, K. (2003). Dealing with undesirable outputs in DEA: a slacks-based measure (SBM) approach.
GRIPS Research Report I-2003-0005.
Chung, Y. H., Färe, R. and Grosskopf, S. (1997). Productivity and undesirable outputs: a directional
distance function approach. *Journal of Environmental Management* 51(3), 229-240.
Tone, K. (2001). A slacks-based measure of efficiency in data envelopment analysis. *European Journal of
Operational Research* 130(3), 498-509.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import require_frame
from ..errors import ConvergenceWarning, SpecificationError, warn
from ..keywords import strict_keywords
from ..panel import observation_index
from .column_generation import locality_order
from .ebm_program import EBMProgram, EBMWeights
from .ebm_results import EBMDiagnostics, EBMResults
from .ebm_settings import Arrays, EBMSettings, ebm_settings, pooled_parameters, unit_arrays
from .frame import build_frame
from .lp import uses_highspy

__all__ = ["EBMDiagnostics", "EBMResults", "EBMScorer", "ebm", "pooled_parameters"]


@strict_keywords
def ebm(data: pd.DataFrame, inputs: str | Sequence[str], outputs: str | Sequence[str],
        bad_outputs: str | Sequence[str] | None = None, *, orientation: str = "non", rts: str = "crs",
        epsilon: float | tuple[float, ...] | None = None, weights: Mapping[str, float] | None = None,
        projection: str = "additive", bounded: bool = False, bad_output_factor: str = "contract",
        bad_output_affinity: str = "joint", super_efficiency: bool = False,
        reference: pd.DataFrame | None = None, solver: str = "auto", frame: bool = True, entity: Any = None,
        time: Any = None) -> EBMResults:
    """The epsilon-based measure of every row of ``data`` (see :mod:`nqpf_tfp.frontier.ebm`).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit; never modified.
    inputs, outputs : str or list of str
        Columns, strictly positive.
    bad_outputs : str or list of str, optional
        Undesirable outputs (emissions), strictly positive, reduced by their slacks.
    orientation : {"input", "output", "non"}
        Input-oriented, output-oriented or non-oriented EBM.
    rts : {"crs", "vrs"}
        Constant or variable returns to scale.
    epsilon : float or tuple, optional
        ``epsilon`` in [0, 1] for every side, or ``(epsilon_inputs, epsilon_outputs)``, or with
        ``bad_output_affinity="separate"`` ``(epsilon_inputs, epsilon_outputs, epsilon_bad_outputs)``;
        default from the affinity matrices.
    weights : dict, optional
        Column -> weight (positive); each side's weights are rescaled to sum to 1 (good and bad outputs are one
        side with ``bad_output_affinity="joint"``). A side not given takes the affinity weights.
    projection : {"additive", "sbm", "observed"}
        The data the affinity is computed on: projected to the VRS frontier by the additive model or the
        SBM, or as observed.
    bounded : bool
        Bound the radial factors, ``theta <= 1`` and ``eta >= 1``, or leave them free as the paper does
        (default).
    bad_output_factor : {"contract", "expand", "none"}
        How the bad outputs follow the radial output factor: ``(2 - eta) b_o``, ``eta b_o`` or ``b_o``.
    bad_output_affinity : {"joint", "separate"}
        Good and bad outputs as one side (one affinity matrix, epsilon and set of weights), or the bad outputs
        as a side of their own.
    super_efficiency : bool
        Leave each unit out of its own reference set (Andersen and Petersen 1993): efficient units score
        above 1. Needs ``bounded=False``.
    reference : pandas.DataFrame, optional
        The units spanning the frontier (same columns); default ``data``. Epsilon and the weights come from
        its units, unless given.
    solver : {"auto", "highspy", "scipy"}
        The LP solver.
    frame : bool
        Small LPs: column generation for the reference's own units, its frame for other units (the same
        scores); ``False`` solves every LP over every reference unit.
    entity, time : str, optional
        Key columns that label the results.

    Returns
    -------
    EBMResults
        ``efficiency``, ``theta`` and ``eta`` (the radial parts), ``slacks``, ``status``; ``epsilon``,
        ``weights``, the ``affinity`` matrices and the ``calibration`` data they come from (both None when
        epsilon and every weight are given: nothing is computed from the data).
    """
    require_frame(data, "data")
    settings = ebm_settings(inputs, outputs, bad_outputs, orientation=orientation, rts=rts, epsilon=epsilon,
                            weights=weights, projection=projection, bounded=bounded,
                            bad_output_factor=bad_output_factor, bad_output_affinity=bad_output_affinity,
                            solver=solver)
    for name, flag in (("super_efficiency", super_efficiency), ("frame", frame)):
        if not isinstance(flag, (bool, np.bool_)):
            raise SpecificationError(f"{name} must be True or False, not {flag!r}.")
    if super_efficiency and settings.bounded:
        raise SpecificationError("super_efficiency=True scores efficient units above 1, which bounded radial "
                                 "factors forbid: pass bounded=False.")
    held = bool(settings.columns[2]) and settings.bad_factor != "expand"  # eta >= 1: see ebm_program
    if super_efficiency and settings.orientation == "output" and held:
        raise SpecificationError(f"super_efficiency=True in the output orientation with "
                                 f"bad_output_factor={settings.bad_factor!r} cannot score an efficient unit above "
                                 "1 (the output factor is held at eta >= 1); use orientation='non' or 'input', or "
                                 "bad_output_factor='expand'.")
    if super_efficiency and reference is not None:
        raise SpecificationError("super_efficiency=True leaves each unit out of the units it is scored against; "
                                 "a separate reference= set has no such unit: pass one or the other.")
    if reference is not None:
        require_frame(reference, "reference")
    columns = settings.columns
    arrays = unit_arrays(data, columns)
    labels = observation_index(data, entity, time)
    spanning_data = data if reference is None else reference
    spanning = arrays if reference is None else unit_arrays(reference, columns)
    projected, affinity, eps, side_weights = settings.calibrate(spanning_data, spanning)
    scored = EBMScorer(spanning, settings, settings.lp_weights(eps, side_weights), frame=bool(frame))
    if reference is None:
        status, scores, radial, slacks = scored.score_own(np.arange(len(data)), leave_out=bool(super_efficiency))
    else:
        status, scores, radial, slacks = scored.score(arrays)
    table = pd.DataFrame({"efficiency": scores, "theta": radial[:, 0], "eta": radial[:, 1], "status": status},
                         index=labels)
    for j, name in enumerate(c for cols in columns for c in cols):
        value = slacks[:, j] * scored.unit_scale[j]
        table[f"slack_{name}"] = np.where(np.abs(value) < 1e-9 * scored.unit_scale[j], 0.0, value)
    not_optimal = int(sum(st != "optimal" for st in status))
    if not_optimal:
        warn(f"ebm: {not_optimal} unit(s) have no optimal LP; their scores are NaN (see status).", ConvergenceWarning)
    separate = settings.separate
    diagnostics = EBMDiagnostics(settings.orientation, settings.rts, len(data), scored.n_reference, not_optimal,
                                 float(eps[0]), float(eps[1]), settings.projection, settings.bounded,
                                 settings.epsilon is not None, bool(super_efficiency),
                                 bad_output_factor=settings.bad_factor if columns[2] else None,
                                 bad_output_affinity=settings.affinity if columns[2] else None,
                                 epsilon_bad_outputs=float(eps[2]) if separate else None)
    calibration = None if projected is None else pd.DataFrame(
        np.column_stack(projected), index=observation_index(spanning_data) if reference is not None else labels,
        columns=[c for cols in columns for c in cols])
    weight_series = tuple(pd.Series(w, index=cols, name="weight") for (_, cols), w in zip(settings.sides, side_weights))
    matrices = None if affinity is None else tuple(pd.DataFrame(a, index=cols, columns=cols)
                                                   for (_, cols), a in zip(settings.sides, affinity))
    return EBMResults(table, diagnostics, weight_series, matrices, calibration)


class EBMScorer:
    """EBM scores against one reference set, the data scaled by the reference's means. The set's own units are
    scored by column generation (highspy; one small LP each, the reference columns priced in), other units
    against the set reduced to its frame (once, on first use); both give the whole set's scores."""

    def __init__(self, spanning: Arrays, settings: EBMSettings, weights: EBMWeights, *, frame: bool = True) -> None:
        self.scales = [v.mean(axis=0) if v.shape[1] else np.ones(0) for v in spanning]
        self.unit_scale = np.concatenate(self.scales)
        self.scaled = tuple(v / s if v.shape[1] else v for v, s in zip(spanning, self.scales))
        self.settings, self.weights, self.frame = settings, weights, frame
        self.n_reference = self.scaled[0].shape[0]
        self._framed: EBMProgram | None = None
        self._priced: EBMProgram | None = None

    def _program(self, priced: bool) -> EBMProgram:
        """The priced program over every reference unit, or the plain one over the frame (or every unit)."""
        s = self.settings
        xs, ys, bs = self.scaled
        if priced:
            if self._priced is None:
                self._priced = EBMProgram(xs, ys, bs, s.rts, s.orientation, s.bounded, s.bad_factor, s.solver,
                                          priced=True)
            return self._priced
        if self._framed is None:
            units = (build_frame(np.column_stack([xs, bs]), ys, s.rts, s.solver).units if self.frame
                     else np.arange(xs.shape[0]))
            self.n_reference = int(units.size)
            self._framed = EBMProgram(xs[units], ys[units], bs[units], s.rts, s.orientation, s.bounded,
                                      s.bad_factor, s.solver)
        return self._framed

    def score(self, arrays: Arrays) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """Status, score, ``(theta, eta)`` and scaled slacks of every unit of ``arrays`` (the data's units)."""
        x, y, b = (v / s if v.shape[1] else v for v, s in zip(arrays, self.scales))
        program = self._program(priced=False)
        return _collect([program.evaluate(x[o], y[o], b[o], self.weights) for o in range(x.shape[0])],
                        x.shape[1] + y.shape[1] + b.shape[1])

    def score_own(self, positions: np.ndarray, leave_out: bool = False
                  ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The same for the reference's own units at ``positions``; ``leave_out``: each is left out of its own
        LP (super-efficiency)."""
        x, y, b = (v[positions] for v in self.scaled)
        out: list[Any] = [None] * positions.size
        if not (self.frame and uses_highspy(self.settings.solver)):
            s = self.settings
            # leaving a frame unit out changes the technology: super-efficiency keeps every unit as a column
            program = self._program(priced=False) if not leave_out else EBMProgram(
                self.scaled[0], self.scaled[1], self.scaled[2], s.rts, s.orientation, s.bounded, s.bad_factor,
                s.solver)
            out = [program.evaluate(x[j], y[j], b[j], self.weights, leave_out=int(o) if leave_out else None)
                   for j, o in enumerate(positions)]
            return _collect(out, x.shape[1] + y.shape[1] + b.shape[1])
        program = self._program(priced=True)
        for j in locality_order(np.column_stack([x, y, b])):  # alike neighbours: warm starts close to optimal
            o = int(positions[j])
            out[j] = program.evaluate(x[j], y[j], b[j], self.weights, leave_out=o if leave_out else None,
                                      own=None if leave_out else o)
        self.n_reference = program.columns_in_use
        return _collect(out, x.shape[1] + y.shape[1] + b.shape[1])


def _collect(out: list[Any], width: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The units' (status, score, radial parts, slacks) as a status list and arrays, NaN where not optimal."""
    n = len(out)
    scores, radial, slacks = np.full(n, np.nan), np.full((n, 2), np.nan), np.full((n, width), np.nan)
    for o, (status, score, parts, slack) in enumerate(out):
        if status == "optimal":
            scores[o], radial[o], slacks[o] = score, parts, slack
    return [st for st, *_ in out], scores, radial, slacks
