"""Results of :func:`~nqpf_tfp.frontier.ebm` (read-only)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..keywords import strict_class
from ..results import Diagnostics
from ..tables import SummaryTable
from .score_results import ScoreResults

__all__ = ["EBMDiagnostics", "EBMResults"]


@strict_class
@dataclass(frozen=True, repr=False)  # the short repr of Diagnostics
class EBMDiagnostics(Diagnostics):
    """Facts about an EBM run."""

    #: "input", "output" or "non"
    orientation: str
    rts: str
    n_dmus: int
    #: reference units in the LPs (those priced in, or the frame)
    n_reference: int
    not_optimal: int
    #: the epsilons of the inputs and of the outputs
    epsilon_inputs: float
    epsilon_outputs: float
    #: the data of the affinity: "additive" or "sbm" (projected to the VRS frontier), or "observed"
    projection: str
    #: whether the radial factors were bounded (theta <= 1, eta >= 1)
    bounded: bool
    #: whether epsilon was given rather than computed from the affinity
    epsilon_given: bool
    #: whether each unit was left out of its own reference set (Andersen-Petersen)
    super_efficiency: bool = False
    #: with bad outputs: how they follow the radial output factor ("contract", "expand", "none")
    bad_output_factor: str | None = None
    #: with bad outputs: "joint" (one side with the good outputs) or "separate"
    bad_output_affinity: str | None = None
    #: the bad outputs' own epsilon (bad_output_affinity="separate"); None otherwise
    epsilon_bad_outputs: float | None = None
    #: the measure, as ScoreDiagnostics names it
    measure: str = "ebm"


class EBMResults(ScoreResults):
    """EBM scores per unit (``tfp`` = ``efficiency``, a level in (0, 1]) with the radial parts ``theta`` and
    ``eta``, the slacks, and the epsilon, weights and affinity matrices used (see :mod:`nqpf_tfp.frontier.ebm`)."""

    def __init__(self, frame: pd.DataFrame, diagnostics: EBMDiagnostics, weights: tuple[pd.Series, ...],
                 affinity: tuple[pd.DataFrame, ...] | None, calibration: pd.DataFrame | None) -> None:
        """``weights`` and ``affinity``: one per side (inputs, outputs[, bad outputs]); ``affinity`` and
        ``calibration`` are None when epsilon and every weight were given."""
        self._frame = frame.copy()
        self._diagnostics = diagnostics  # type: ignore[assignment]  # ScoreResults' messages read its measure
        self._ebm = diagnostics
        self._weights = tuple(w.copy() for w in weights)
        self._affinity = None if affinity is None else tuple(a.copy() for a in affinity)
        self._calibration = None if calibration is None else calibration.copy()

    @property
    def theta(self) -> pd.Series:
        """The radial input factor (input and non-oriented models)."""
        return self._frame["theta"].copy()

    @property
    def eta(self) -> pd.Series:
        """The radial output factor (output and non-oriented models)."""
        return self._frame["eta"].copy()

    @property
    def epsilon(self) -> pd.Series:
        """``epsilon`` of the inputs and of the outputs (good and bad ones with ``bad_output_affinity="joint"``),
        and of the bad outputs with ``"separate"``."""
        d = self._ebm
        values = {"inputs": d.epsilon_inputs, "outputs": d.epsilon_outputs}
        if d.epsilon_bad_outputs is not None:
            values["bad_outputs"] = d.epsilon_bad_outputs
        return pd.Series(values, name="epsilon")

    @property
    def weights(self) -> pd.Series:
        """The slack weights, each side summing to 1, labelled by column."""
        return pd.concat(self._weights).rename("weight")

    @property
    def affinity(self) -> tuple[pd.DataFrame, ...] | None:
        """The affinity matrices of the inputs and of the outputs (and of the bad outputs, when separate); None
        when epsilon and every weight were given (none was computed)."""
        return None if self._affinity is None else tuple(a.copy() for a in self._affinity)

    @property
    def calibration(self) -> pd.DataFrame | None:
        """The inputs and outputs the affinity matrices were computed on (projected or observed), per unit of
        the reference set; None when epsilon and every weight were given."""
        return None if self._calibration is None else self._calibration.copy()

    @property
    def diagnostics(self) -> EBMDiagnostics:  # type: ignore[override]
        return self._ebm

    def summary(self) -> SummaryTable:
        d = self._ebm
        table = self._frame[["efficiency"]].describe().T[["count", "mean", "std", "min", "max"]]
        table["on frontier"] = int((self._frame["efficiency"] >= 1 - 1e-9).sum())
        source = "given" if d.epsilon_given else f"from the affinity of the {d.projection} data"
        notes = [f"Tone-Tsutsui (2010) EBM, {d.orientation}-oriented, {d.rts.upper()}"
                 + (", radial factors bounded" if d.bounded else "")
                 + (", super-efficiency (each unit left out of its reference set)" if d.super_efficiency else "")
                 + f"; {d.n_dmus} units.",
                 "epsilon: " + ", ".join(f"{str(k).replace('_', ' ')} {v:.4f}" for k, v in self.epsilon.items())
                 + f" ({source}); weights: "
                 + ", ".join(f"{k} {v:.3f}" for k, v in self.weights.items()) + "."]
        if d.bad_output_factor is not None:
            notes.append(f"Bad outputs: {d.bad_output_factor} with the radial output factor, scored "
                         + ("with the good outputs (one side)." if d.bad_output_affinity == "joint"
                            else "as a side of their own."))
        if d.not_optimal:
            notes.append(f"{d.not_optimal} unit(s) without an optimal LP (NaN).")
        return SummaryTable(table, "EBM efficiency", notes, ".4f")
