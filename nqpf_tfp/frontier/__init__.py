"""Frontier TFP: data envelopment analysis and the DEA-Malmquist index; SBM, super-SBM and directional
distances with undesirable outputs, the Malmquist-Luenberger index and the Luenberger indicator; the
epsilon-based measure (EBM); stochastic frontiers, cross-section and panel; metafrontiers and technology gap
ratios for groups of units; the bootstrap of DEA scores and of the Malmquist index, Simar and Wilson's
second stage and three-stage DEA.

Every function returns a results object on the common contract (:class:`DEAResults`,
:class:`MalmquistResults`, :class:`ScoreResults`, :class:`MalmquistLuenbergerResults`,
:class:`LuenbergerResults`, :class:`SFAResults`, :class:`MetafrontierResults`). Reference sets are reduced
to their frames (Dulá 2011)
and the small linear programs are built once in HiGHS (``highspy``, extra ``frontier``) and re-solved per
unit with warm starts; SciPy's ``linprog`` is the fallback.
"""

from .bootstrap_dea import bootstrap_dea
from .bootstrap_malmquist import bootstrap_malmquist
from .bootstrap_results import (
    BootstrapDEADiagnostics,
    BootstrapDEAResults,
    BootstrapMalmquistDiagnostics,
    BootstrapMalmquistResults,
)
from .ddf import ddf
from .dea import DEADiagnostics, DEAResults, dea
from .ebm import ebm
from .ebm_results import EBMDiagnostics, EBMResults
from .fare_primont import FarePrimontDiagnostics, FarePrimontEfficiency, fare_primont_efficiency
from .green_indices import luenberger, malmquist_luenberger
from .hicks_moorsteen_index import hicks_moorsteen
from .index_results import DirectionalIndexDiagnostics, LuenbergerResults, MalmquistLuenbergerResults
from .lowe_decomposition import LoweEfficiency, LoweEfficiencyDiagnostics, lowe_efficiency
from .malmquist import MalmquistDiagnostics, MalmquistResults, malmquist
from .metafrontier import metafrontier
from .metafrontier_index import (
    MetafrontierIndexDiagnostics,
    MetafrontierIndexResults,
    metafrontier_malmquist_luenberger,
)
from .metafrontier_results import MetafrontierDiagnostics, MetafrontierResults
from .nonradial import nonradial_ddf
from .sbm import sbm
from .score_results import ScoreDiagnostics, ScoreResults
from .second_stage import simar_wilson
from .second_stage_results import SimarWilsonDiagnostics, SimarWilsonResults
from .sfa import SFA, SFADiagnostics, SFAResults
from .sfa_metafrontier import SFAMetafrontierResults, sfa_metafrontier
from .tfp_index_decomposition import IndexDecompositionDiagnostics, TFPIndexDecomposition, index_decomposition
from .three_stage import three_stage_dea
from .three_stage_results import ThreeStageDiagnostics, ThreeStageResults

__all__ = [
    "BootstrapDEADiagnostics", "BootstrapDEAResults", "BootstrapMalmquistDiagnostics", "BootstrapMalmquistResults",
    "DEADiagnostics", "DEAResults", "DirectionalIndexDiagnostics", "EBMDiagnostics", "EBMResults",
    "FarePrimontDiagnostics", "FarePrimontEfficiency", "IndexDecompositionDiagnostics", "LoweEfficiency",
    "LoweEfficiencyDiagnostics", "LuenbergerResults", "MalmquistDiagnostics", "MalmquistLuenbergerResults",
    "MalmquistResults", "MetafrontierDiagnostics", "MetafrontierIndexDiagnostics", "MetafrontierIndexResults",
    "MetafrontierResults", "SFA", "SFADiagnostics", "SFAMetafrontierResults", "SFAResults", "ScoreDiagnostics",
    "ScoreResults", "SimarWilsonDiagnostics", "SimarWilsonResults", "TFPIndexDecomposition", "ThreeStageDiagnostics",
    "ThreeStageResults", "bootstrap_dea", "bootstrap_malmquist", "ddf", "dea", "ebm", "fare_primont_efficiency",
    "hicks_moorsteen", "index_decomposition", "lowe_efficiency", "luenberger", "malmquist", "malmquist_luenberger",
    "metafrontier", "metafrontier_malmquist_luenberger", "nonradial_ddf", "sbm", "sfa_metafrontier", "simar_wilson",
    "three_stage_dea",
]
