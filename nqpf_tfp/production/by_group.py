"""One production function per group (industry, region), on threads or a Dask cluster."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

from ..arguments import column_name, keyword_mapping, missing_columns_error, require_frame
from ..comparison import Comparison, compare
from ..errors import NqpfTfpError, SpecificationError
from ..keywords import check_forwarded_keywords, strict_class, strict_keywords
from ..options import check_option
from ..parallel import map_tasks
from ..results import Diagnostics, Results
from ..tables import SummaryTable
from .estimators.base import ProductionEstimator

__all__ = ["GroupFits", "GroupFitsDiagnostics", "fit_by"]


@strict_keywords(open_keywords="the estimator's constructor keywords, checked against it")
def fit_by(estimator: type, data: pd.DataFrame, group: str, *args: Any, fit: dict[str, Any] | None = None,
           n_jobs: int = 1, backend: str = "processes", **kwargs: Any) -> GroupFits:
    """Estimate ``estimator(rows of the group, *args, **kwargs).fit(**fit)`` for each value of ``group``.

    Production functions are usually estimated industry by industry (e.g.
    two-digit sectors). Each group is an independent estimation, so the
    groups run in parallel: in ``n_jobs`` local processes (or threads), or with
    ``backend="dask"`` on the workers of the running ``dask.distributed``
    client. The results are the same whatever ``n_jobs`` or the backend
    (bootstrap seeds are passed in ``fit`` and used per group as given).

    Parameters
    ----------
    estimator : class
        E.g. ``nt.ACF`` or ``nt.LevinsohnPetrin``.
    data : pandas.DataFrame
        The whole panel; never modified.
    group : str
        Column whose values define the groups (not one of the model's variables). Called ``by``
        before 0.2.0; ``by=`` still works, with a deprecation warning.
    *args, **kwargs
        Passed to the estimator's constructor for every group.
    fit : dict, optional
        Keyword arguments of ``fit()`` (e.g. ``{"bootstrap": 199, "seed": 0}``).
    n_jobs, backend
        Where the groups run (see :data:`nqpf_tfp.OPTIONS` ``["backend"]``).

    Returns
    -------
    GroupFits
        A read-only mapping group value -> :class:`~nqpf_tfp.ProductionResults`, in sorted group
        order, with ``params`` and ``std_errors`` (groups x parameters), ``tfp`` and ``to_frame()``
        labelled by (entity, time), and ``summary()`` (the fits side by side, :func:`nqpf_tfp.compare`).
    """
    backend = check_option("backend", backend)
    require_frame(data, "data")
    if not isinstance(estimator, type) or not issubclass(estimator, ProductionEstimator):
        raise SpecificationError(f"estimator must be a production-function class such as nt.ACF, not {estimator!r}.")
    check_forwarded_keywords(kwargs, estimator, f"fit_by() for {estimator.__name__}()", exclude=("data",))
    group = column_name(group, "group")
    fit = keyword_mapping(fit, "fit")
    if group not in data.columns:
        raise missing_columns_error([group], "group", data.columns)
    used = _model_columns(args, kwargs)
    if group in used:
        raise SpecificationError(f"group={group!r} is one of the model's variables ({used[group]}); group by a "
                                 "column that is not in the model, e.g. an industry code.")
    if data[group].isna().any():
        raise SpecificationError(f"group={group!r} has {int(data[group].isna().sum())} missing values; fill or "
                                 "drop them.")
    groups = [(key, frame.drop(columns=group)) for key, frame in data.groupby(group, sort=True)]
    task = partial(_fit_group, estimator, group=group, args=args, kwargs=kwargs, fit=fit)
    fits = dict(zip([key for key, _ in groups], map_tasks(task, groups, backend=backend, n_jobs=n_jobs)))
    return GroupFits(fits, group)


@strict_class
@dataclass(frozen=True, repr=False)
class GroupFitsDiagnostics(Diagnostics):
    """How the groups were fitted."""

    #: the grouping column
    group: str
    n_groups: int
    #: observations used, over all groups
    nobs: int


class GroupFits(Mapping[Any, Any], Results):
    """The fits of :func:`fit_by`: a read-only mapping group value -> fit, and the fits taken together.

    ``fits["food"]`` is one group's :class:`~nqpf_tfp.ProductionResults`; ``dict(fits)``,
    iteration and ``len`` work as for a dict.
    """

    def __init__(self, fits: Mapping[Any, Any], group: str) -> None:
        self._fits = dict(fits)
        #: the grouping column
        self.group = group
        self._diagnostics = GroupFitsDiagnostics(group, len(self._fits),
                                                 int(sum(fit.nobs for fit in self._fits.values())))

    def __getitem__(self, key: Any) -> Any:
        return self._fits[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._fits)

    def __len__(self) -> int:
        return len(self._fits)

    def _by_group(self, attribute: str) -> pd.DataFrame:
        frame = pd.DataFrame({key: getattr(fit, attribute) for key, fit in self._fits.items()}).T
        frame.index.name = self.group
        return frame

    @property
    def params(self) -> pd.DataFrame:
        """Coefficients: one row per group, one column per parameter."""
        return self._by_group("params")

    @property
    def std_errors(self) -> pd.DataFrame:
        """Standard errors: one row per group, one column per parameter."""
        return self._by_group("std_errors")

    @property
    def nobs(self) -> pd.Series:
        """Observations used by each group's estimator."""
        return pd.Series({key: fit.nobs for key, fit in self._fits.items()}, name="nobs").rename_axis(self.group)

    @property
    def tfp(self) -> pd.Series:
        """Log TFP of every group's rows, labelled by (entity, time) (each row estimated within its group)."""
        return pd.concat([fit.tfp for fit in self._fits.values()]).rename("tfp")

    def to_frame(self) -> pd.DataFrame:
        """Every group's per-observation results (log TFP, elasticities) with the group, labelled by
        (entity, time)."""
        return pd.concat([fit.to_frame().assign(**{self.group: key}) for key, fit in self._fits.items()])

    def compare(self, *, stars: bool = False, below: str = "std_errors") -> Comparison:
        """The fits side by side (:func:`nqpf_tfp.compare`), one column per group.

        Parameters
        ----------
        stars : bool
            Mark coefficients with significance stars.
        below : {"std_errors", "tstats"}
            What is printed under each coefficient.

        Returns
        -------
        Comparison
            The table of the fits.
        """
        return compare(self._fits, stars=stars, below=below)

    def summary(self) -> SummaryTable:
        """The fits side by side, one column per group (:func:`nqpf_tfp.compare`)."""
        return compare(self._fits).summary()

    @property
    def diagnostics(self) -> GroupFitsDiagnostics:
        """The grouping column, groups and observations."""
        return self._diagnostics

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Each group's coefficients with 95% intervals (:meth:`Comparison.plot`)."""
        return compare(self._fits).plot(ax=ax, **kwargs)



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


def _fit_group(estimator: type, rows: tuple[Any, pd.DataFrame], *, group: str, args: tuple[Any, ...],
               kwargs: dict[str, Any], fit: dict[str, Any]) -> Any:
    key, frame = rows
    try:
        return estimator(frame, *args, **kwargs).fit(**fit)
    except NqpfTfpError as exc:  # the same error, saying which group failed
        raise type(exc)(f"{group}={key!r}: {exc}") from exc
