"""Composite indices (planned): normalisation, weights (entropy, CRITIC), scores (TOPSIS), and the
inequality (Dagum), convergence, distribution-dynamics (Markov) and spatial analyses reported on them.

Nothing is public here yet.
"""

__all__: list[str] = []
