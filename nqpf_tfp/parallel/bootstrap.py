"""The cluster bootstrap every family uses: replications from spawned seeds, their covariance and failures.

Replication *b* draws its firms from ``SeedSequence(seed).spawn(B)[b]``, so the
draws, and hence the covariance, do not depend on ``n_jobs`` or the backend
(:func:`nqpf_tfp.parallel.map_tasks`). A replication re-estimates every stage
on the resample; how (copying rows or reweighting per-firm sums) is the
estimator's business, passed in as ``replicate``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..arguments import seed_sequence, whole_number
from ..errors import ConvergenceWarning, EstimationError, SpecificationError, warn
from ..options import check_option
from .executors import check_n_jobs, map_tasks

__all__ = ["BootstrapOutcome", "Replication", "ReplicationSettings", "bootstrap_covariance", "report_failures",
           "run_replications",
           "spawn_seeds"]


@dataclass(frozen=True)
class ReplicationSettings:
    """The checked bootstrap arguments every function with ``bootstrap=`` takes (0 replications: none)."""

    replications: int
    seed: np.random.SeedSequence | None  # spawned per replication; None without replications
    n_jobs: int
    backend: str
    on_failure: str
    progress: bool

    @classmethod
    def check(cls, bootstrap: Any, seed: Any, n_jobs: Any, backend: Any, on_failure: Any, progress: Any,
              none: str = "bootstrap=0") -> ReplicationSettings:
        """``none`` names what the caller gets without replications, for the message about ``bootstrap=1``."""
        on_failure = check_option("on_failure", on_failure)
        backend = check_option("backend", backend)
        n_jobs = check_n_jobs(n_jobs)
        reps = whole_number(bootstrap, "bootstrap (replications; 0 for none)")
        if reps == 1:
            raise SpecificationError(f"bootstrap=1 gives no variance: use {none} or at least 2.")
        return cls(reps, seed_sequence(seed) if reps else None, n_jobs, backend, on_failure, bool(progress))


def spawn_seeds(seed: Any, reps: int) -> list[np.random.SeedSequence]:
    """``reps`` independent child seeds of ``seed`` (None, an int >= 0, a SeedSequence or a Generator)."""
    return seed_sequence(seed).spawn(reps)


@dataclass(frozen=True)
class Replication:
    """One replication from its own seed: ``n_firms`` firms drawn with replacement, then ``replicate(firms)``.

    A failure comes back as its message (reported by :func:`bootstrap_covariance`), so one bad draw
    does not stop the others on any backend.
    """

    replicate: Callable[[np.ndarray], np.ndarray]
    n_firms: int

    def __call__(self, seed: np.random.SeedSequence) -> np.ndarray | str:
        firms = np.random.default_rng(seed).integers(0, self.n_firms, self.n_firms)
        try:
            return self.replicate(firms)
        except Exception as exc:  # noqa: BLE001 - every failure is reported by bootstrap_covariance
            return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class BootstrapOutcome:
    """The bootstrap covariance and what happened on the way."""

    cov: np.ndarray
    replications: int  # that succeeded
    failures: tuple[tuple[int, str], ...]


def run_replications(replication: Callable[[np.random.SeedSequence], np.ndarray | str], n_values: int, reps: int,
                     seed: Any, *, n_jobs: int = 1, backend: str = "processes", progress: bool = False,
                     label: str = "bootstrap",
                     ) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """The ``reps x n_values`` draws (a failed replication's row is NaN) and the failures that raised.

    ``replication`` maps a replication's own seed to its ``n_values`` numbers, or to the message of
    its failure (a :class:`Replication`, or any picklable callable that does the same). ``n_jobs``,
    ``backend`` as :func:`nqpf_tfp.parallel.map_tasks`; ``progress`` shows a tqdm bar.
    """
    seeds = spawn_seeds(seed, reps)
    outcomes: Any = map_tasks(replication, seeds, backend=backend, n_jobs=n_jobs)
    if progress:
        try:
            from tqdm.auto import tqdm
        except ImportError as exc:
            raise ImportError("progress=True needs tqdm: pip install 'nqpf-tfp[progress]'") from exc
        outcomes = tqdm(outcomes, desc=label, total=reps)
    draws = np.full((reps, n_values), np.nan)
    failures: list[tuple[int, str]] = []
    for b, outcome in enumerate(outcomes):
        if isinstance(outcome, str):
            failures.append((b, outcome))
        else:
            draws[b] = outcome
    return draws, failures


def report_failures(failures: list[tuple[int, str]], reps: int, on_failure: str) -> None:
    """Raise ``EstimationError`` naming the failed replications (``on_failure="raise"``) or warn."""
    if not failures:
        return
    listing = "; ".join(f"replication {b}: {msg}" for b, msg in failures[:5])
    if on_failure == "raise":
        raise EstimationError(
            f"{len(failures)} of {reps} bootstrap replications failed ({listing}). "
            "Pass on_failure='warn' to drop them."
        )
    warn(f"dropped {len(failures)} of {reps} failed bootstrap replications: {listing}", ConvergenceWarning)


def bootstrap_covariance(replication: Replication, n_params: int, reps: int, seed: Any, *, n_jobs: int = 1,
                         backend: str = "processes", on_failure: str = "raise", progress: bool = False,
                         label: str = "bootstrap") -> BootstrapOutcome:
    """Run ``reps`` replications and return the covariance of the successful ones.

    Parameters
    ----------
    replication : Replication
    n_params : int
    reps : int
        Number of replications (B).
    seed : int, SeedSequence or None
    n_jobs, backend
        As :func:`nqpf_tfp.parallel.map_tasks`.
    on_failure : {"raise", "warn"}
        A failed (raising or non-finite) replication raises ``EstimationError`` naming it,
        or is dropped with a ``ConvergenceWarning``.
    progress : bool
        A tqdm progress bar.
    label : str
        Shown in the progress bar.
    """
    draws, failures = run_replications(replication, n_params, reps, seed, n_jobs=n_jobs, backend=backend,
                                       progress=progress, label=label)
    bad = ~np.isfinite(draws).all(axis=1)
    raised = {b for b, _ in failures}
    failures += [(int(b), "non-finite estimate") for b in np.flatnonzero(bad) if b not in raised]
    failures.sort()
    report_failures(failures, reps, on_failure)
    good = draws[~bad]
    if good.shape[0] < 2:
        raise EstimationError(f"only {good.shape[0]} bootstrap replications succeeded; need at least 2.")
    cov = np.atleast_2d(np.cov(good, rowvar=False, ddof=1))
    return BootstrapOutcome(cov, int(good.shape[0]), tuple(failures))
