"""Datasets that work offline, and known-truth simulators (the public namespace ``nt.datasets``).

The loaders live in :mod:`nqpf_tfp.data.bundled`, the simulators in
:mod:`nqpf_tfp.data.simulate`; downloaders for public sources in :mod:`nqpf_tfp.data`.
"""

from .data.bundled import (
    PWT_SHA256,
    PWT_VERSION,
    load_acf_dgp3,
    load_chilean,
    load_colombian_gnr,
    load_gnr_simulated,
    load_gtfpch_provinces,
    load_pwt,
    load_pwt_legend,
    load_usda_states,
)
from .data.regions import china_contiguity, china_provinces
from .data.simulate import simulate_acf, simulate_gnr, simulate_markups

__all__ = ["PWT_SHA256", "PWT_VERSION", "china_contiguity", "china_provinces", "load_acf_dgp3", "load_chilean",
           "load_colombian_gnr", "load_gnr_simulated", "load_gtfpch_provinces", "load_pwt", "load_pwt_legend",
           "load_usda_states", "simulate_acf", "simulate_gnr", "simulate_markups"]
