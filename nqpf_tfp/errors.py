"""Exception and warning classes of :mod:`nqpf_tfp`.

One hierarchy: every error the library raises on purpose derives from
:class:`NqpfTfpError`, so ``except nqpf_tfp.errors.NqpfTfpError`` catches them all.
Each message names the column or option at fault and says how to fix it.
"""

from __future__ import annotations

__all__ = [
    "NqpfTfpError",
    "PanelError",
    "SpecificationError",
    "EstimationError",
    "DataSourceError",
    "NqpfTfpWarning",
    "DroppedRowsWarning",
    "ConvergenceWarning",
    "NqpfTfpDeprecationWarning",
]


class NqpfTfpError(Exception):
    """Base class of all errors raised by nqpf_tfp."""


class PanelError(NqpfTfpError, ValueError):
    """The data cannot form a valid panel.

    Raised for duplicate (entity, time) keys, missing keys, non-numeric or
    non-finite values, non-positive values where logs are taken, and too few
    periods.
    """


class SpecificationError(NqpfTfpError, ValueError):
    """The model or call is misspecified: unknown column, a column in two roles,
    an option value outside its allowed set."""


class EstimationError(NqpfTfpError, RuntimeError):
    """Estimation failed: singular design, optimiser failure."""


class DataSourceError(NqpfTfpError, OSError):
    """A data source could not be read: download, checksum, offline mode."""


class NqpfTfpWarning(UserWarning):
    """Base class of all warnings issued by nqpf_tfp."""


class DroppedRowsWarning(NqpfTfpWarning):
    """Rows were dropped (for example for missing values); the message says how many."""


class ConvergenceWarning(NqpfTfpWarning):
    """An optimiser did not converge, or several optima are nearly as good."""


class NqpfTfpDeprecationWarning(NqpfTfpWarning, DeprecationWarning):
    """A name or import path that will be removed; the message names its replacement."""
