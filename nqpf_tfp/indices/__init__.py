"""Composite indices of new quality productive forces, with TFP as an indicator like any other column.

An :class:`IndicatorSystem` (columns, directions, dimensions) is normalised (:func:`normalize`), weighted
(entropy, CRITIC, PCA, scatter degree, equal, user, combinations) and scored (weighted sum, TOPSIS, grey
relational grade) by :func:`composite_index`, whose results give obstacle degrees and dimension scores;
:func:`coupling_coordination` measures how subsystems develop together.
"""

from .composite import composite_index, normalize
from .coupling import COORDINATION_CLASSES, coupling_coordination
from .indicators import Indicator, IndicatorSystem
from .results import CompositeIndex, IndexDiagnostics
from .weights import PCAWeights, combine_weights

__all__ = ["COORDINATION_CLASSES", "CompositeIndex", "IndexDiagnostics", "Indicator", "IndicatorSystem",
           "PCAWeights", "combine_weights", "composite_index", "coupling_coordination", "normalize"]
