"""Every public callable answers a keyword it does not take with an :class:`~nqpf_tfp.errors.ArgumentError`.

Python's own answer to ``nt.ACF(df, ..., entitiy="firm")`` is a bare ``TypeError`` that names
neither the closest parameter nor, when the keyword travels through ``**kwargs``, the callable
that refused it. Public functions are decorated with :func:`strict_keywords`; public classes
with :func:`strict_class` (the constructor and every public method), which the results and
estimator bases apply to their subclasses themselves. The check runs before the callable's
body, so a misspelt keyword is reported before any data are read.

A callable whose ``**kwargs`` go on to another callable says where (``forwards=``): its
signature then shows, and its check accepts, the target's parameters as well (``ACF`` takes
every keyword of the production-estimator base). A callable whose ``**kwargs`` are open by
design (matplotlib styles for ``plot``, source-specific options of ``nt.data.load``) is
declared ``open_keywords=`` with a sentence saying where they go; there a keyword that is a
near miss of one of its own parameters (``axx=`` for ``ax=``) is still an error, and the
target checks the rest.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from .deprecations import RENAMED_KEYWORDS
from .errors import ArgumentError, NqpfTfpDeprecationWarning, SpecificationError, warn

__all__ = ["closest", "strict_class", "strict_keywords"]

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
_NEAR_MISS = 0.8  # difflib ratio above which an open keyword is taken for a misspelt own parameter


def closest(name: object, candidates: Any, n: int = 3) -> list[str]:
    """The candidates closest to ``name`` (difflib's ratio, then ignoring case), at most ``n``."""
    names = [str(c) for c in candidates]
    text = str(name)
    close = difflib.get_close_matches(text, names, n=n, cutoff=0.6)
    if not close:
        lower: dict[str, str] = {}
        for c in names:
            lower.setdefault(c.lower(), c)
        close = [lower[m] for m in difflib.get_close_matches(text.lower(), list(lower), n=n, cutoff=0.5)]
    return close


def _display(func: Callable[..., Any]) -> str:
    """``ACF()`` for a constructor, ``ACF.fit()`` for a method, ``dea()`` for a function."""
    qualname = getattr(func, "__qualname__", getattr(func, "__name__", "callable"))
    if qualname.endswith(".__init__"):
        qualname = qualname[: -len(".__init__")]
    return f"{qualname.replace('.<locals>', '')}()"


def _merged(func: Callable[..., Any], forwards: Callable[..., Any] | None) -> inspect.Signature:
    """``func``'s signature, its ``**kwargs`` replaced by the keyword parameters of ``forwards``."""
    sig = inspect.signature(func)
    if forwards is None:
        return sig
    own = list(sig.parameters.values())
    taken = {p.name for p in own}
    target = inspect.signature(forwards).parameters.values()
    extra = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in target
             if p.kind in _NAMED and p.name not in taken and p.name != "self"]
    var_kw = [p for p in target if p.kind is inspect.Parameter.VAR_KEYWORD]
    head = [p for p in own if p.kind is not inspect.Parameter.VAR_KEYWORD]
    keyword_only = [p for p in head if p.kind is inspect.Parameter.KEYWORD_ONLY]
    positional = [p for p in head if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    return sig.replace(parameters=[*positional, *keyword_only, *extra, *var_kw])


def unknown_keyword_error(where: str, unknown: list[str], allowed: list[str]) -> ArgumentError:
    hints = []
    for key in unknown:
        close = closest(key, allowed)
        hints.append(f"{key!r} (did you mean {' or '.join(repr(c) for c in close)}?)" if close else repr(key))
    return ArgumentError(f"{where} got unknown keyword argument(s) {', '.join(hints)}; it takes "
                         f"{', '.join(allowed) if allowed else 'no keyword arguments'}.")


def strict_keywords(func: F | None = None, *, forwards: Callable[..., Any] | None = None,
                    open_keywords: str | None = None) -> Any:
    """Decorate a public callable so an unknown keyword is an :class:`ArgumentError` with close matches.

    Parameters
    ----------
    forwards : callable, optional
        Where ``**kwargs`` go: their names are checked against its parameters.
    open_keywords : str, optional
        ``**kwargs`` are open by design; the sentence says where they go (it is
        kept on the wrapper as ``__open_keywords__``).
    """
    if func is None:
        return functools.partial(strict_keywords, forwards=forwards, open_keywords=open_keywords)
    if getattr(func, "__strict_keywords__", False):
        return func
    signature = _merged(func, forwards)
    params = signature.parameters
    allowed = [p.name for p in params.values() if p.kind in _NAMED and p.name not in ("self", "cls")]
    accepts = frozenset(allowed)
    is_open = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    if is_open and open_keywords is None and forwards is None:
        raise TypeError(f"{_display(func)} takes **kwargs: say where they go (forwards= or open_keywords=).")
    renamed = RENAMED_KEYWORDS.get(f"{func.__module__}:{func.__qualname__}", {})
    first = next(iter(inspect.signature(func).parameters), None)
    flags = _flags(signature)
    bound = first in ("self", "cls")

    def where(args: tuple[Any, ...]) -> str:
        """The callable as the user called it: ``Wooldridge.fit()``, not the base class that defines it."""
        if bound and args and func.__name__ != "__init__":
            owner = args[0] if first == "cls" else type(args[0])
            return f"{getattr(owner, '__name__', owner)}.{func.__name__}()"
        return _display(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if kwargs and renamed:
            kwargs = _renamed(kwargs, renamed, where(args))
        if flags:
            _check_flags(flags, args, kwargs, lambda: where(args))
        if kwargs:
            unknown = [k for k in kwargs if k not in accepts]
            if unknown:
                if not is_open:
                    raise unknown_keyword_error(where(args), unknown, allowed)
                near = [k for k in unknown if difflib.get_close_matches(k, allowed, n=1, cutoff=_NEAR_MISS)]
                if near:
                    raise unknown_keyword_error(where(args), near, allowed)
        try:
            return func(*args, **kwargs)
        except TypeError as exc:
            # a wrong count of arguments to this very call (not a TypeError from inside): say it our way
            if exc.__traceback__ is not None and exc.__traceback__.tb_next is None:
                message = str(exc).replace(f"{func.__qualname__}() ", "")
                raise ArgumentError(f"{where(args)}: {message}") from None
            raise

    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__strict_keywords__ = True  # type: ignore[attr-defined]
    wrapper.__open_keywords__ = open_keywords  # type: ignore[attr-defined]
    return wrapper


def _flags(signature: inspect.Signature) -> dict[str, int | None]:
    """Parameters annotated ``bool``: name -> position (``None`` for keyword-only ones)."""
    out: dict[str, int | None] = {}
    for position, p in enumerate(signature.parameters.values()):
        if p.annotation in ("bool", bool) and p.kind in _NAMED:
            out[p.name] = position if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD else None
    return out


def _check_flags(flags: dict[str, int | None], args: tuple[Any, ...], kwargs: dict[str, Any],
                 where: Callable[[], str]) -> None:
    """A ``bool`` parameter takes True or False only: ``"no"`` or ``"False"`` would be taken as true."""
    for name, position in flags.items():
        if name in kwargs:
            value = kwargs[name]
        elif position is not None and position < len(args):
            value = args[position]
        else:
            continue
        if not isinstance(value, (bool, np.bool_)):
            raise SpecificationError(f"{name} must be True or False, not {value!r} (in {where()}).")


def _renamed(kwargs: dict[str, Any], renamed: dict[str, str], where: str) -> dict[str, Any]:
    """Old keyword names under their new names, each with a deprecation warning (both given: an error)."""
    out = dict(kwargs)
    for old, new in renamed.items():
        if old in out:
            if new in out:
                raise ArgumentError(f"{where} got both {old}= and {new}=; {old}= is the old name of {new}=, "
                                    f"pass {new}= only.")
            warn(f"{where}: the keyword {old}= is now {new}=; {old}= will be removed in nqpf_tfp 0.3.0.",
                 NqpfTfpDeprecationWarning)
            out[new] = out.pop(old)
    return out


def _next_init(cls: type) -> Callable[..., Any] | None:
    for base in cls.__mro__[1:]:
        if "__init__" in base.__dict__ and base is not object:
            return base.__dict__["__init__"]
    return None


def strict_class(cls: C) -> C:
    """Apply :func:`strict_keywords` to ``cls``'s own constructor and its public methods (inherited ones too).

    A constructor that passes ``**kwargs`` to its base's constructor accepts the
    base's keywords (and shows them in its signature).
    """
    for name in ["__init__", *(n for n in dir(cls) if not n.startswith("_"))]:
        member = inspect.getattr_static(cls, name)  # inherited public methods too (Mapping.get, say)
        if name == "__init__" and "__init__" not in vars(cls):
            continue
        if isinstance(member, (classmethod, staticmethod)):
            inner = member.__func__
            if not getattr(inner, "__strict_keywords__", False):
                setattr(cls, name, type(member)(_strict_member(cls, name, inner)))
        elif inspect.isfunction(member) and not getattr(member, "__strict_keywords__", False):
            setattr(cls, name, _strict_member(cls, name, member))
    return cls


def _strict_member(cls: type, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    open_sentence = getattr(func, "__open_keywords__", None)
    forwards = getattr(func, "__forwards__", None)
    has_var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in inspect.signature(func).parameters.values())
    if has_var_kw and open_sentence is None and forwards is None:
        if name == "__init__":
            forwards = _next_init(cls)
        elif name == "plot":
            open_sentence = "matplotlib style keywords (color, linewidth, alpha, ...)"
    return strict_keywords(func, forwards=forwards, open_keywords=open_sentence)


def open_keywords(sentence: str) -> Callable[[F], F]:
    """Mark a method's ``**kwargs`` as open by design (for :func:`strict_class`), saying where they go."""
    def mark(func: F) -> F:
        func.__open_keywords__ = sentence  # type: ignore[attr-defined]
        return func
    return mark


def check_forwarded_keywords(kwargs: dict[str, Any], target: Callable[..., Any], where: str,
                             exclude: tuple[str, ...] = ()) -> None:
    """``kwargs`` that ``where`` hands to ``target`` are ``target``'s keyword parameters, or an ArgumentError."""
    params = inspect.signature(target).parameters.values()
    allowed = [p.name for p in params if p.kind in _NAMED and p.name not in ("self", "cls", *exclude)]
    unknown = [k for k in kwargs if k not in allowed]
    if unknown:
        raise unknown_keyword_error(where, unknown, allowed)
