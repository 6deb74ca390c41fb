"""Numerical kernels with no knowledge of estimators: least squares, rank checks, cluster sums (the
polynomial bases, shared with the frontier, are in :mod:`nqpf_tfp.numerics`)."""
