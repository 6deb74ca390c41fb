"""Production-function estimation on firm panels.

Estimators share one constructor vocabulary (``output, free, state, proxy,
controls, entity, time, form, value_added, poly_degree, markov_degree``) and
``.from_formula("y ~ free | state | proxy", data, ...)``; ``fit()`` returns a
:class:`ProductionResults`.
"""

from .acf import ACF
from .base import ProductionEstimator
from .by_group import fit_by
from .gnr import GNR
from .control_function import LevinsohnPetrin, OlleyPakes
from .ols import OLS, FixedEffects
from .results import ProductionResults
from .wooldridge import RobinsonWooldridge, Wooldridge

__all__ = [
    "ACF", "ProductionEstimator", "ProductionResults", "OLS", "FixedEffects", "OlleyPakes", "LevinsohnPetrin",
    "Wooldridge", "RobinsonWooldridge", "GNR", "fit_by",
]
