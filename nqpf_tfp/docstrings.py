"""Docstrings that subclasses share with their bases, so the API reference is complete without copies.

A result class that overrides ``to_frame`` or ``plot`` does what its base documents; writing the same
Parameters and Returns sections again in every family would let the copies drift. Two rules keep the
reference complete:

- :func:`inherit_docstrings`: an undocumented public override of a class gets its nearest base's
  docstring; a documented one keeps its own text and takes from the base the ``Parameters`` entries it
  does not describe (for the parameters its signature has) and the ``Returns`` section when it has none.
- :func:`complete_docstring` does the same for one docstring (the estimators' constructors take the
  production-estimator base's keywords ``entity``, ``time``, ``form``, ... through ``**kwargs``).

Results, diagnostics and the records they hold are built by the library: :func:`mark_returned` says so
in their docstring (the documentation check then reads their attributes instead of constructor
arguments).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

__all__ = ["RETURNED", "complete_docstring", "inherit_docstrings", "mark_returned", "parameter_entries",
           "parameters_from"]

#: the sentence that marks a class the library returns and the user never builds (results, diagnostics,
#: the records they hold): its docstring lists what it holds, not constructor arguments
RETURNED = "Returned by the library, not built by the user"

_SECTION = re.compile(r"^([A-Z][A-Za-z ]+)\n-{3,}\n", re.M)


def mark_returned(cls: type) -> type:
    """Add :data:`RETURNED` to ``cls``'s docstring, after its summary paragraph (once)."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    if RETURNED in doc:
        return cls
    head, sep, tail = doc.partition("\n\n")
    cls.__doc__ = f"{head}\n\n{RETURNED}.{sep}{tail}" if sep else f"{head}\n\n{RETURNED}.\n"
    return cls


def _split(doc: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first section, [(section title, section body), ...]) of a cleaned docstring."""
    matches = list(_SECTION.finditer(doc))
    if not matches:
        return doc, []
    sections = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(doc)
        sections.append((m.group(1), doc[m.end():end].strip("\n")))
    return doc[: matches[0].start()], sections


def parameter_entries(doc: str) -> dict[str, str]:
    """The entries of a numpydoc ``Parameters`` section: name -> the entry's text (its own lines)."""
    _, sections = _split(inspect.cleandoc(doc))
    body = next((b for title, b in sections if title == "Parameters"), "")
    entries: dict[str, str] = {}
    names: list[str] = []
    lines: list[str] = []
    for line in body.splitlines():
        if line and not line.startswith(" "):  # a new entry: "name : type" or "a, b : type"
            names, lines = [n.strip() for n in line.split(":")[0].split(",")], [line]
        elif names:
            lines.append(line)
        else:
            continue
        for name in names:
            entries[name] = "\n".join(lines).rstrip()
    return entries


def complete_docstring(doc: str, base_doc: str, signature: inspect.Signature, *, returns: bool = True) -> str:
    """``doc`` with its Parameters section in ``signature``'s order (its own entry for a parameter
    where it has one, else ``base_doc``'s) and, with ``returns``, ``base_doc``'s Returns section if it has none."""
    doc = inspect.cleandoc(doc)
    own, base = parameter_entries(doc), parameter_entries(base_doc)
    entries: list[str] = []
    for p in signature.parameters.values():
        stars = "**" if p.kind is p.VAR_KEYWORD else "*" if p.kind is p.VAR_POSITIONAL else ""
        name = f"{stars}{p.name}"
        entry = own.get(name) or base.get(name)
        if p.name not in ("self", "cls") and entry and entry not in entries:
            entries.append(entry)
    entries += [entry for entry in dict.fromkeys(own.values()) if entry not in entries]
    head, sections = _split(doc)
    titles = [title for title, _ in sections]
    _, base_sections = _split(inspect.cleandoc(base_doc))
    if entries:
        parameters = ("Parameters", "\n".join(entries))
        sections = [parameters, *(sec for sec in sections if sec[0] != "Parameters")]  # Parameters come first
        titles = [title for title, _ in sections]
    base_returns = next((s for s in base_sections if s[0] == "Returns"), None) if returns else None
    if base_returns and "Returns" not in titles and "Yields" not in titles:
        after = [i for i, (title, _) in enumerate(sections) if title == "Parameters"]
        sections.insert(after[0] + 1 if after else 0, base_returns)
    text = head.rstrip("\n")
    for title, body in sections:
        text += f"\n\n{title}\n{'-' * len(title)}\n{body}"
    return text + "\n"


def _base_member(cls: type, name: str) -> Any:
    for base in cls.__mro__[1:]:
        if name in base.__dict__:
            return base.__dict__[name]
    return None


def _function(member: Any) -> Callable[..., Any] | None:
    if isinstance(member, (classmethod, staticmethod)):
        return member.__func__
    if isinstance(member, property):
        return member.fget
    return member if inspect.isfunction(member) else None


def inherit_docstrings(cls: type) -> type:
    """Complete the docstrings of ``cls``'s public methods and properties from its bases' (see the module)."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_"):
            continue
        base = _base_member(cls, name)
        base_doc = (base.__doc__ if isinstance(base, property) else getattr(_function(base), "__doc__", None)) \
            if base is not None else None
        if not base_doc:
            continue
        if isinstance(member, property):
            if not member.__doc__:
                setattr(cls, name, property(member.fget, member.fset, member.fdel, base_doc))
            continue
        func = _function(member)
        if func is None:
            continue
        if not func.__doc__:
            func.__doc__ = base_doc
        else:
            func.__doc__ = complete_docstring(func.__doc__, base_doc, inspect.signature(func))
    return cls


def parameters_from(source: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a function whose parameters mean what they mean for ``source``: its docstring takes
    ``source``'s entries for the parameters it does not describe itself (it returns what it says it returns)."""
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func.__doc__ = complete_docstring(func.__doc__ or "", source.__doc__ or "", inspect.signature(func),
                                          returns=False)
        return func
    return decorate
