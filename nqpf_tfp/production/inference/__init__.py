"""Standard errors: the stacked firm-clustered sandwich and the firm-cluster bootstrap."""
