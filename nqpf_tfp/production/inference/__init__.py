"""Standard errors: the stacked firm-clustered sandwich (the firm-cluster bootstrap runner, shared with
the markups, is :mod:`nqpf_tfp.parallel.bootstrap`)."""
