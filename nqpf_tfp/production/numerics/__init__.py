"""Numerical kernels with no knowledge of estimators: polynomial bases, least squares, cluster sums."""
