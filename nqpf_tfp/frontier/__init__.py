"""Frontier TFP: data envelopment analysis (this release); Malmquist and Luenberger indices, SBM and
directional distances with undesirable outputs, stochastic frontiers (planned).

``nt.frontier.dea(data, inputs, outputs, rts=, orientation=)`` returns a :class:`DEAResults` on the
common results contract. Linear programs are built once in HiGHS (``highspy``, extra ``frontier``)
and re-solved per unit with warm starts; SciPy's ``linprog`` is the fallback.
"""

from .dea import DEADiagnostics, DEAResults, dea
from .sfa import SFA, SFADiagnostics, SFAResults

__all__ = ["DEADiagnostics", "DEAResults", "SFA", "SFADiagnostics", "SFAResults", "dea"]
