"""One production function per group (industry, region), on threads or a Dask cluster."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd

from ..errors import SpecificationError
from ..options import check_option
from ..parallel import map_tasks

__all__ = ["fit_by"]


def fit_by(estimator: type, data: pd.DataFrame, by: str, *args: Any, fit: dict[str, Any] | None = None,
           n_jobs: int = 1, backend: str = "threads", **kwargs: Any) -> dict[Any, Any]:
    """Estimate ``estimator(group, *args, **kwargs).fit(**fit)`` for each value of ``by``.

    Production functions are usually estimated industry by industry (e.g.
    two-digit sectors). Each group is an independent estimation, so the
    groups run in parallel: on ``n_jobs`` local threads, or with
    ``backend="dask"`` on the workers of the running ``dask.distributed``
    client. The results are the same whatever ``n_jobs`` or the backend
    (bootstrap seeds are passed in ``fit`` and used per group as given).

    Parameters
    ----------
    estimator : class
        E.g. ``nt.ACF`` or ``nt.LevinsohnPetrin``.
    data : pandas.DataFrame
        The whole panel; never modified.
    by : str
        Column whose values define the groups (not one of the model's variables).
    *args, **kwargs
        Passed to the estimator's constructor for every group.
    fit : dict, optional
        Keyword arguments of ``fit()`` (e.g. ``{"bootstrap": 199, "seed": 0}``).

    Returns
    -------
    dict
        Group value -> :class:`~.results.ProductionResults`, in sorted group order.
    """
    backend = check_option("backend", backend)
    if by not in data.columns:
        raise SpecificationError(f"by={by!r} is not a column; columns are {list(data.columns)}.")
    if data[by].isna().any():
        raise SpecificationError(f"by={by!r} has {int(data[by].isna().sum())} missing values; fill or drop them.")
    groups = {key: frame.drop(columns=by) for key, frame in data.groupby(by, sort=True)}
    task = partial(_fit_group, estimator, args=args, kwargs=kwargs, fit=dict(fit or {}))
    return dict(zip(groups, map_tasks(task, list(groups.values()), backend=backend, n_jobs=n_jobs)))


def _fit_group(estimator: type, frame: pd.DataFrame, *, args: tuple[Any, ...], kwargs: dict[str, Any],
               fit: dict[str, Any]) -> Any:
    return estimator(frame, *args, **kwargs).fit(**fit)
