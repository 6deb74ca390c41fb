"""Frontier TFP: data envelopment analysis and the DEA-Malmquist index; SBM, super-SBM and directional
distances with undesirable outputs, the Malmquist-Luenberger index and the Luenberger indicator; stochastic
frontiers, cross-section and panel.

Every function returns a results object on the common contract (:class:`DEAResults`,
:class:`MalmquistResults`, :class:`ScoreResults`, :class:`MalmquistLuenbergerResults`,
:class:`LuenbergerResults`, :class:`SFAResults`). Reference sets are reduced to their frames (Dulá 2011)
and the small linear programs are built once in HiGHS (``highspy``, extra ``frontier``) and re-solved per
unit with warm starts; SciPy's ``linprog`` is the fallback.
"""

from .ddf import ddf
from .dea import DEADiagnostics, DEAResults, dea
from .green_indices import luenberger, malmquist_luenberger
from .index_results import DirectionalIndexDiagnostics, LuenbergerResults, MalmquistLuenbergerResults
from .malmquist import MalmquistDiagnostics, MalmquistResults, malmquist
from .nonradial import nonradial_ddf
from .sbm import sbm
from .score_results import ScoreDiagnostics, ScoreResults
from .sfa import SFA, SFADiagnostics, SFAResults

__all__ = [
    "DEADiagnostics", "DEAResults", "DirectionalIndexDiagnostics", "LuenbergerResults", "MalmquistDiagnostics",
    "MalmquistLuenbergerResults", "MalmquistResults", "SFA", "SFADiagnostics", "SFAResults", "ScoreDiagnostics",
    "ScoreResults", "ddf", "dea", "luenberger", "malmquist", "malmquist_luenberger", "nonradial_ddf", "sbm",
]
