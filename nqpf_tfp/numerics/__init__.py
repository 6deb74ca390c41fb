"""Numerical kernels every family may use, with no knowledge of any estimator: polynomial bases
(monomials, their derivatives, Cobb-Douglas and translog terms), shared by the production-function
estimators and the stochastic frontiers."""
