"""One production function per group (industry, region), on threads or a Dask cluster."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd

from ..arguments import column_name, keyword_mapping, missing_columns_error, require_frame
from ..errors import NqpfTfpError, SpecificationError
from ..keywords import check_forwarded_keywords, strict_keywords
from ..options import check_option
from ..parallel import map_tasks
from .estimators.base import ProductionEstimator

__all__ = ["fit_by"]


@strict_keywords(open_keywords="the estimator's constructor keywords, checked against it")
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
    require_frame(data, "data")
    if not isinstance(estimator, type) or not issubclass(estimator, ProductionEstimator):
        raise SpecificationError(f"estimator must be a production-function class such as nt.ACF, not {estimator!r}.")
    check_forwarded_keywords(kwargs, estimator, f"fit_by() for {estimator.__name__}()", exclude=("data",))
    by = column_name(by, "by")
    fit = keyword_mapping(fit, "fit")
    if by not in data.columns:
        raise missing_columns_error([by], "by", data.columns)
    used = _model_columns(args, kwargs)
    if by in used:
        raise SpecificationError(f"by={by!r} is one of the model's variables ({used[by]}); group by a column "
                                 "that is not in the model, e.g. an industry code.")
    if data[by].isna().any():
        raise SpecificationError(f"by={by!r} has {int(data[by].isna().sum())} missing values; fill or drop them.")
    groups = [(key, frame.drop(columns=by)) for key, frame in data.groupby(by, sort=True)]
    task = partial(_fit_group, estimator, by=by, args=args, kwargs=kwargs, fit=fit)
    return dict(zip([key for key, _ in groups], map_tasks(task, groups, backend=backend, n_jobs=n_jobs)))


_ROLES = ("output", "free", "state", "proxy", "controls", "entity", "time", "fixed", "flexible", "share")


def _model_columns(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[Any, str]:
    """Column -> the role it plays, from the positional (output, free, state, proxy, controls) and keyword roles."""
    roles = dict(zip(_ROLES, args)) | {k: v for k, v in kwargs.items() if k in _ROLES}
    used: dict[Any, str] = {}
    for role, value in roles.items():
        for name in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(name, str):
                used.setdefault(name, role)
    return used


def _fit_group(estimator: type, group: tuple[Any, pd.DataFrame], *, by: str, args: tuple[Any, ...],
               kwargs: dict[str, Any], fit: dict[str, Any]) -> Any:
    key, frame = group
    try:
        return estimator(frame, *args, **kwargs).fit(**fit)
    except NqpfTfpError as exc:  # the same error, saying which group failed
        raise type(exc)(f"{by}={key!r}: {exc}") from exc
