"""After the estimate: aggregate productivity and its decompositions (Olley-Pakes 1996, Melitz-Polanec
2015, Foster-Haltiwanger-Krizan 2001, Griliches-Regev 1995, Baily-Hulten-Campbell 1992); markups,
dispersion and dynamics are planned.
"""

from .decompositions import DecompositionDiagnostics, DecompositionResults, productivity_decomposition

__all__ = ["DecompositionDiagnostics", "DecompositionResults", "productivity_decomposition"]
