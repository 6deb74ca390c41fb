"""nqpf_tfp: total factor productivity, measured every standard way.

Growth and level accounting with PWT's exact conventions, on a bundled PWT
10.01 snapshot that works offline.

>>> import nqpf_tfp as nt
>>> pwt = nt.datasets.load_pwt()
>>> tfp = nt.pwt_tfp(pwt, measure="rtfpna")
"""

from . import analysis, data, datasets, deprecations, errors, frontier, growth, indices
from .analysis import markups
from .comparison import Comparison, compare
from .datasets import simulate_markups
from .growth import (
    GrowthAccounting,
    LevelAccounting,
    growth_accounting,
    level_accounting,
    pwt_growth_accounting,
    pwt_hours,
    pwt_tfp,
)
from .options import OPTIONS
from .panel import Panel
from .production import (
    ACF,
    GNR,
    OLS,
    FixedEffects,
    LevinsohnPetrin,
    ModelChecks,
    OlleyPakes,
    ProductionResults,
    RobinsonWooldridge,
    Wooldridge,
    fit_by,
)

__version__ = "0.2.0.dev0"

deprecations.install()  # 0.1.0 import paths that moved keep working, with a warning

__all__ = [
    "Panel",
    "fit_by",
    "compare",
    "Comparison",
    "markups",
    "simulate_markups",
    "growth_accounting",
    "GrowthAccounting",
    "level_accounting",
    "LevelAccounting",
    "pwt_tfp",
    "pwt_hours",
    "pwt_growth_accounting",
    "ACF",
    "GNR",
    "OLS",
    "FixedEffects",
    "OlleyPakes",
    "LevinsohnPetrin",
    "Wooldridge",
    "RobinsonWooldridge",
    "ProductionResults",
    "ModelChecks",
    "data",
    "datasets",
    "growth",
    "frontier",
    "analysis",
    "indices",
    "errors",
    "OPTIONS",
    "__version__",
]
