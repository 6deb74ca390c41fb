"""Frontier TFP: data envelopment analysis, the DEA-Malmquist index, cross-section stochastic frontiers;
SBM and directional distances with undesirable outputs, Luenberger indices, panel frontiers (planned).

``nt.frontier.dea(data, inputs, outputs, rts=, orientation=)`` returns a :class:`DEAResults` on the
common results contract. Linear programs are built once in HiGHS (``highspy``, extra ``frontier``)
and re-solved per unit with warm starts; SciPy's ``linprog`` is the fallback.
"""

from .ddf import ddf, luenberger, malmquist_luenberger
from .dea import DEADiagnostics, DEAResults, dea
from .index_results import IndexDiagnostics, LuenbergerResults, MalmquistLuenbergerResults
from .malmquist import MalmquistDiagnostics, MalmquistResults, malmquist
from .nonradial import nonradial_ddf
from .sbm import sbm
from .sfa import SFA, SFADiagnostics, SFAResults

__all__ = ["DEADiagnostics", "DEAResults", "IndexDiagnostics", "LuenbergerResults", "MalmquistLuenbergerResults",
           "MalmquistDiagnostics", "MalmquistResults", "SFA", "SFADiagnostics",
           "SFAResults", "ddf", "dea", "luenberger", "malmquist", "malmquist_luenberger", "nonradial_ddf", "sbm"]
