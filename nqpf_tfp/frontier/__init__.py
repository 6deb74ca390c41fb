"""Frontier and green TFP (planned): DEA, Malmquist, SBM and directional distances with undesirable
outputs, (global) Malmquist-Luenberger and Luenberger indices, stochastic frontiers.

Nothing is public here yet; the folder fixes the place of the family in the layers
(it will use :mod:`nqpf_tfp.panel`, :mod:`nqpf_tfp.results` and :mod:`nqpf_tfp.parallel`).
"""

__all__: list[str] = []
