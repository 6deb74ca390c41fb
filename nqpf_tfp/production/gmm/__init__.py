"""GMM criteria: the linear system (Wooldridge), the Markov second stage (ACF, GNR, OP/LP) and its
sufficient statistics, and ACF's problem and global search."""
