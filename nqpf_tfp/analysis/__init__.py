"""After the estimate: aggregate productivity and its decompositions (Olley-Pakes 1996, Melitz-Polanec
2015, Foster-Haltiwanger-Krizan 2001, Griliches-Regev 1995, Baily-Hulten-Campbell 1992); dispersion,
persistence and transitions of firm productivity. Markups are planned.
"""

from .decompositions import DecompositionDiagnostics, DecompositionResults, productivity_decomposition
from .dynamics import productivity_dispersion, productivity_persistence, productivity_transitions

__all__ = ["DecompositionDiagnostics", "DecompositionResults", "productivity_decomposition",
           "productivity_dispersion", "productivity_persistence", "productivity_transitions"]
