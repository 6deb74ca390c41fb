"""Production-function estimation on firm panels.

Estimators share one constructor vocabulary (``output, free, state, proxy,
controls, entity, time, form, value_added, poly_degree, markov_degree``) and
``.from_formula("y ~ free | state | proxy", data, ...)``; ``fit()`` returns a
:class:`ProductionResults`.

Layers (imports point down only)::

    estimators/   the public classes                     (uses everything below)
    outofcore/    partition sums for Dask DataFrames     (uses gmm, inference, numerics)
    gmm/          criteria, Markov GMM, ACF's search      inference/  sandwiches, bootstrap
    numerics/     polynomial bases, least squares, cluster sums
    spec, formula, estimate, results, by_group            the specification and the results
    checks, model_checks                                  degenerate data; facts that distrust an estimate
"""

from .by_group import GroupFits, fit_by
from .estimators import (
    ACF,
    GNR,
    OLS,
    FixedEffects,
    LevinsohnPetrin,
    OlleyPakes,
    ProductionEstimator,
    RobinsonWooldridge,
    Wooldridge,
)
from .model_checks import CheckOutcome, ModelChecks
from .results import ProductionResults

__all__ = [
    "ACF", "ProductionEstimator", "ProductionResults", "OLS", "FixedEffects", "OlleyPakes", "LevinsohnPetrin",
    "Wooldridge", "RobinsonWooldridge", "GNR", "fit_by", "GroupFits", "ModelChecks", "CheckOutcome",
]
