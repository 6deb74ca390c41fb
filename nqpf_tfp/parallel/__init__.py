"""Where independent tasks run: local threads, forked processes, or a Dask cluster.

Every random task gets its own ``numpy.random.SeedSequence`` (spawned from
the user's seed before anything is dispatched), so the numbers do not depend
on the backend or on ``n_jobs``.
"""

from .dask import dask_client, is_dask_frame
from .executors import check_n_jobs, map_tasks, split_blocks

__all__ = ["check_n_jobs", "dask_client", "is_dask_frame", "map_tasks", "split_blocks"]
