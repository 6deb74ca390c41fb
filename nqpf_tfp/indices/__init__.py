"""Composite indices of new quality productive forces, with TFP as an indicator like any other column,
and the analyses papers report on them.

An :class:`IndicatorSystem` (columns, directions, dimensions) is normalized (:func:`normalize`), weighted
(entropy, CRITIC, PCA, scatter degree, equal, user, combinations) and scored (weighted sum, TOPSIS, grey
relational grade) by :func:`composite_index`, whose results give obstacle degrees and dimension scores;
:func:`coupling_coordination` measures how subsystems develop together. On the index: regional inequality
(:func:`dagum_gini`, :func:`theil`), distribution dynamics (:func:`kernel_densities`, drawn by
:func:`plot_densities`; :func:`markov_chain`, traditional and spatial), convergence
(:func:`sigma_convergence`, :func:`beta_convergence`) and spatial autocorrelation (:func:`moran`, :func:`local_moran`).
"""

from .composite import composite_index, normalize
from .convergence import beta_convergence, sigma_convergence
from .convergence_results import BetaConvergence, ConvergenceDiagnostics, SigmaConvergence
from .coupling import COORDINATION_CLASSES, coupling_coordination
from .distribution import MarkovChain, MarkovDiagnostics, kernel_densities, markov_chain
from .figures import CLUSTER_COLOURS, plot_densities
from .index_options import IndexOptions
from .indicators import Indicator, IndicatorSystem
from .inequality import DagumGini, InequalityDiagnostics, Theil, dagum_gini, theil
from .results import CompositeIndex, CompositeIndexDiagnostics
from .spatial import local_moran, moran
from .spatial_results import QUADRANTS, LocalMoran, Moran, MoranDiagnostics
from .weights import PCAWeights, combine_weights

__all__ = ["CLUSTER_COLOURS", "COORDINATION_CLASSES", "QUADRANTS", "BetaConvergence", "CompositeIndex",
           "CompositeIndexDiagnostics",
           "ConvergenceDiagnostics", "DagumGini", "IndexOptions", "Indicator", "IndicatorSystem",
           "InequalityDiagnostics",
           "LocalMoran", "MarkovChain", "MarkovDiagnostics", "Moran", "MoranDiagnostics", "PCAWeights",
           "SigmaConvergence", "Theil", "beta_convergence", "combine_weights", "composite_index",
           "coupling_coordination", "dagum_gini", "kernel_densities", "local_moran", "markov_chain", "moran",
           "normalize", "plot_densities", "sigma_convergence", "theil"]
