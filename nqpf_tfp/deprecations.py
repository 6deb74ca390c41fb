"""Import paths of nqpf_tfp 0.1.0 that moved, kept working for one release with a warning.

``import nqpf_tfp.production.acf`` (and ``from nqpf_tfp.production.acf import
ACF``) still works and emits a :class:`~nqpf_tfp.errors.NqpfTfpDeprecationWarning`
naming the new path. One table, :data:`MOVED`, maps each old module to the
modules that now hold its names; a finder on ``sys.meta_path`` answers the
old names with a module that forwards attribute look-ups. They will be removed
in 0.3.0.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any

from .errors import NqpfTfpDeprecationWarning

__all__ = ["MOVED", "RENAMED_KEYWORDS", "install"]

#: public callable ("module:qualname") -> {keyword of 0.1.0: its new name}; the old name is accepted with an
#: NqpfTfpDeprecationWarning until 0.3.0 (applied by nqpf_tfp.keywords.strict_keywords)
RENAMED_KEYWORDS: dict[str, dict[str, str]] = {
    "nqpf_tfp.production.by_group:fit_by": {"by": "group"},
    # spatial weights under their own name; LP direction weights apart from indicator weights
    "nqpf_tfp.indices.spatial:moran": {"weights": "spatial_weights"},
    "nqpf_tfp.indices.spatial:local_moran": {"weights": "spatial_weights"},
    "nqpf_tfp.indices.distribution:markov_chain": {"weights": "spatial_weights"},
    "nqpf_tfp.frontier.nonradial:nonradial_ddf": {"weights": "direction_weights"},
    "nqpf_tfp.frontier.green_indices:malmquist_luenberger": {"weights": "direction_weights"},
    "nqpf_tfp.frontier.green_indices:luenberger": {"weights": "direction_weights"},
}

#: old module -> new modules holding its public names, in look-up order
MOVED: dict[str, tuple[str, ...]] = {
    "nqpf_tfp.simulations": ("nqpf_tfp.data.simulate",),
    "nqpf_tfp.production.acf": ("nqpf_tfp.production.estimators.acf",),
    "nqpf_tfp.production.base": ("nqpf_tfp.production.estimators.base", "nqpf_tfp.production.estimate"),
    "nqpf_tfp.production.ols": ("nqpf_tfp.production.estimators.ols",),
    "nqpf_tfp.production.control_function": ("nqpf_tfp.production.estimators.control_function",
                                             "nqpf_tfp.production.gmm.control_function"),
    "nqpf_tfp.production.gnr": ("nqpf_tfp.production.estimators.gnr",),
    "nqpf_tfp.production.wooldridge": ("nqpf_tfp.production.estimators.wooldridge",),
    "nqpf_tfp.production.basis": ("nqpf_tfp.numerics.basis",),
    "nqpf_tfp.production.numerics.basis": ("nqpf_tfp.numerics.basis",),
    "nqpf_tfp.production.inference.bootstrap": ("nqpf_tfp.parallel.bootstrap",),
    "nqpf_tfp.production.linalg": ("nqpf_tfp.production.numerics.linalg",),
    "nqpf_tfp.production.linear_gmm": ("nqpf_tfp.production.gmm.linear",),
    "nqpf_tfp.production.markov_gmm": ("nqpf_tfp.production.gmm.markov",),
    "nqpf_tfp.production.moments": ("nqpf_tfp.production.gmm.moments",),
    "nqpf_tfp.production.acf_inference": ("nqpf_tfp.production.inference.sandwich",),
    "nqpf_tfp.production.compat": ("nqpf_tfp.production.compat.r_optim",),
    "nqpf_tfp.production.partitioned": ("nqpf_tfp.parallel", "nqpf_tfp.production.outofcore"),
}


class _Forwarding(types.ModuleType):
    """An old module: attribute look-ups answered by the new modules."""

    def __init__(self, name: str, targets: Sequence[str]) -> None:
        super().__init__(name, f"Moved: use {' / '.join(targets)}.")
        self.__targets = tuple(targets)

    def __getattr__(self, attr: str) -> Any:
        for target in self.__targets:
            module = importlib.import_module(target)
            if hasattr(module, attr):
                return getattr(module, attr)
        raise AttributeError(f"{self.__name__} has no attribute {attr!r} (it moved to {' / '.join(self.__targets)})")

    def __dir__(self) -> list[str]:
        names: set[str] = set()
        for target in self.__targets:
            names.update(getattr(importlib.import_module(target), "__all__", ()))
        return sorted(names)


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _Forwarding(spec.name, MOVED[spec.name])

    def exec_module(self, module: types.ModuleType) -> None:
        targets = MOVED[module.__name__]
        module.__all__ = module.__dir__()  # type: ignore[attr-defined]
        warnings.warn(f"{module.__name__} moved to {' / '.join(targets)}; the old path will be removed in 0.3.0. "
                      "Import from nqpf_tfp (public names) or the new module.", NqpfTfpDeprecationWarning,
                      stacklevel=_user_frame())


def _user_frame() -> int:
    """stacklevel of the importing line, counted from exec_module as ``warnings`` counts: frames of
    importlib's bootstrap are skipped by ``warnings`` itself, ``importlib.import_module`` is not."""
    frame, level = sys._getframe(2), 1  # the caller of exec_module
    while frame is not None:
        name = frame.f_code.co_filename
        if not ("importlib" in name and "_bootstrap" in name):
            level += 1
            if "importlib" not in name and name != __file__:
                break
        frame = frame.f_back  # type: ignore[assignment]
    return level


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname in MOVED:
            return importlib.machinery.ModuleSpec(fullname, _Loader())
        return None


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
