"""Out-of-core estimation on a Dask DataFrame partitioned by firm, without collecting it.

Estimators read the data only through sums, and sums add up over blocks of
whole firms. So each pass sends one small task per partition to the workers
of the running ``dask.distributed`` client; each task rebuilds its partition
from the source (a parquet file, say), validates it exactly as the in-memory
path does, and returns sums; the client adds them. Log TFP and elasticities
come back as Dask collections, computed when asked. Firms must not be split
across partitions (shuffle by firm first); a split firm is an error.

This layer knows the estimation problems (``nqpf_tfp.production.gmm``), never the estimator
classes: an estimator describes itself with a :class:`PartitionedModel`.
"""

from .acf import fit_acf_partitioned
from .common import PartitionedModel
from .control_function import fit_control_function_partitioned
from .linear import fit_linear_partitioned

__all__ = ["PartitionedModel", "fit_acf_partitioned", "fit_control_function_partitioned", "fit_linear_partitioned"]
