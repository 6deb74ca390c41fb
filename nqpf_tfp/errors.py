"""Exception and warning classes of :mod:`nqpf_tfp`.

One hierarchy: every error the library raises on purpose derives from
:class:`NqpfTfpError`, so ``except nqpf_tfp.errors.NqpfTfpError`` catches them all.
Each message names the column or option at fault and says how to fix it. Every
warning is a :class:`NqpfTfpWarning` emitted through :func:`warn`, which points
it at the user's line however deep inside the package it arises.
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = [
    "warn",
    "NqpfTfpError",
    "PanelError",
    "SpecificationError",
    "ArgumentError",
    "EstimationError",
    "DataSourceError",
    "NqpfTfpWarning",
    "DroppedRowsWarning",
    "ConvergenceWarning",
    "ModelWarning",
    "MarkupWarning",
    "IndexWarning",
    "FrontierBoundaryWarning",
    "UndefinedStatisticWarning",
    "PanelWarning",
    "OveridentificationWarning",
    "FunctionalDependenceWarning",
    "ImplausibleTechnologyWarning",
    "WeakIdentificationWarning",
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


class ArgumentError(SpecificationError, TypeError):
    """A public callable got a keyword it does not take, or too few or too many arguments.

    The message names the keyword and the callable's closest parameters. It is a
    ``TypeError`` too, as Python's own answer to a wrong call is, so code that
    catches that keeps working.
    """


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


class ModelWarning(NqpfTfpWarning):
    """The data speak against the model or the estimate is implausible; the number is returned, with this fact.

    Each model check of a production-function fit has its own subclass, so
    ``warnings.filterwarnings("ignore", category=...)`` can silence one of them
    (as can ``fit(checks=ModelChecks(silence=(...,)))``).
    """


class OveridentificationWarning(ModelWarning):
    """Hansen's J rejects the over-identifying moment conditions: some instrument is not valid."""


class FunctionalDependenceWarning(ModelWarning):
    """A free input is (nearly) a function of the control-function first stage's other regressors."""


class ImplausibleTechnologyWarning(ModelWarning):
    """A mean input elasticity is negative, or returns to scale are outside the plausible range."""


class WeakIdentificationWarning(ModelWarning):
    """The excluded instruments hardly move the endogenous inputs (first-stage F below its threshold)."""


class MarkupWarning(ModelWarning):
    """A markup rests on an assumption the fit does not meet (value-added elasticities, non-positive elasticities)."""


class IndexWarning(ModelWarning):
    """The data speak against a composite index's weights (negative PCA or scatter-degree weights, KMO < 0.5)."""


class FrontierBoundaryWarning(ModelWarning):
    """A stochastic frontier's likelihood is maximised on the boundary of its parameters: the OLS residuals
    have the wrong skewness (no inefficiency, gamma = 0), or the noise variance goes to zero (gamma = 1).
    The limit is returned; the message says which standard errors are undefined."""


class UndefinedStatisticWarning(NqpfTfpWarning):
    """A statistic is undefined for some period or group (no variance, too few units): it is NaN, and the
    message says where and why."""


class PanelWarning(NqpfTfpWarning):
    """The panel's shape decides what is computed (unevenly spaced periods, a change missing after an entity's
    gap, units dropped from spatial weights): the result is returned, and the message says where."""


class NqpfTfpDeprecationWarning(NqpfTfpWarning, DeprecationWarning):
    """A name or import path that will be removed; the message names its replacement."""


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message: str, category: type[NqpfTfpWarning]) -> None:
    """Emit a warning attributed to the first frame outside nqpf_tfp: the user's line.

    A fixed ``stacklevel`` is right for one call path only; the same check (a
    Panel dropping rows, say) runs under many public functions at different
    depths. Frames are counted as :func:`warnings.warn` counts them.

    Parameters
    ----------
    message : str
        The warning's text.
    category : type
        A subclass of :class:`NqpfTfpWarning`.
    """
    frame = sys._getframe(0)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)
