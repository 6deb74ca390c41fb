"""The public production-function estimators, one module per family.

``base`` holds what they share (constructor, formulas, ``fit``, bootstrap
hooks); ``ols`` OLS and fixed effects; ``control_function`` Olley-Pakes and
Levinsohn-Petrin; ``acf`` Ackerberg-Caves-Frazer; ``wooldridge`` the
Wooldridge and Robinson-Wooldridge systems; ``gnr`` Gandhi-Navarro-Rivers.
"""

from .acf import ACF
from .base import ProductionEstimator
from .control_function import LevinsohnPetrin, OlleyPakes
from .gnr import GNR
from .ols import OLS, FixedEffects
from .wooldridge import RobinsonWooldridge, Wooldridge

__all__ = ["ACF", "GNR", "OLS", "FixedEffects", "LevinsohnPetrin", "OlleyPakes", "ProductionEstimator",
           "RobinsonWooldridge", "Wooldridge"]
