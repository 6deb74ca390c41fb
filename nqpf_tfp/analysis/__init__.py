"""After the estimate: aggregate productivity and its decompositions (Olley-Pakes 1996, Melitz-Polanec
2015, Foster-Haltiwanger-Krizan 2001, Griliches-Regev 1995, Baily-Hulten-Campbell 1992); dispersion,
persistence and transitions of firm productivity; markups (De Loecker and Warzynski 2012) and their
aggregates (De Loecker, Eeckhout and Unger 2020).
"""

from .decompositions import DecompositionDiagnostics, DecompositionResults, productivity_decomposition
from .dynamics import productivity_dispersion, productivity_persistence, productivity_transitions
from .firm_markups import MarkupDiagnostics, MarkupResults, markups
from .persistence_results import Persistence, PersistenceDiagnostics

__all__ = ["DecompositionDiagnostics", "DecompositionResults", "MarkupDiagnostics", "MarkupResults", "markups",
           "Persistence", "PersistenceDiagnostics", "productivity_decomposition", "productivity_dispersion",
           "productivity_persistence", "productivity_transitions"]
