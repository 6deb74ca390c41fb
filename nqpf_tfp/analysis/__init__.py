"""After the estimate (planned): markups, aggregate productivity and its decompositions
(Olley-Pakes 1996, Melitz-Polanec, Foster-Haltiwanger-Krizan), dispersion and dynamics.

Nothing is public here yet; these functions will take the results of :mod:`nqpf_tfp.production`.
"""

__all__: list[str] = []
