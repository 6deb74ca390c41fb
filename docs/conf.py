"""Sphinx configuration of the nqpf_tfp documentation site (built with ``python -m sphinx -W``)."""

from __future__ import annotations

import re

import nqpf_tfp
from nqpf_tfp.docstrings import RETURNED

project = "nqpf_tfp"
author = "nqpf_tfp developers"
copyright = "2026, nqpf_tfp developers"
version = release = nqpf_tfp.__version__

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx_codeautolink",
]

# Guide pages link what they mention into the API reference: names in code blocks through
# sphinx-codeautolink (the blocks of a page share their imports, as the page's reader runs them),
# inline code such as ``nt.frontier.sbm()`` through _link_inline_code below.
codeautolink_concat_default = True
codeautolink_warn_on_missing_inventory = False
codeautolink_warn_on_failed_resolve = False

# MyST pages and executed tutorials (myst-nb runs every code cell at build time, fresh each build)
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 600
nb_merge_streams = True

# API reference: one page per public name, numpydoc sections rendered
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# The docstring check over the public API: every object the API reference renders (functions,
# classes, their public methods and properties, constants) must have a docstring (GL08) with a
# summary (SS01), document every parameter of its signature and no other (PR01, PR02, PR07) and say
# what it returns (RT01, RT03). Under ``-W`` a finding fails the build, and so CI.
numpydoc_validation_checks = {"GL08", "SS01", "PR01", "PR02", "PR07", "RT01", "RT03"}
# Results and diagnostics are returned by the library, never built by the user: their docstrings
# document what they hold (an Attributes section, the properties) instead of constructor arguments,
# and say so with the sentence nqpf_tfp.docstrings.RETURNED (matched here).
numpydoc_validation_overrides = {"PR01": [RETURNED], "PR02": [RETURNED]}

# Every module the docstrings point to (":mod:") must be rendered (docs/methods.md renders them), so
# a reference to a module that is not is an error; other cross-references are not checked this way.
nitpicky = True
nitpick_ignore_regex = [(r"py:(class|func|meth|data|attr|obj|exc)", r".*")]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "jupyter_execute", ".jupyter_cache"]
templates_path = ["_templates"]


def _constant_docstring(app, what, name, obj, options, lines):
    """A constant's documentation is the ``#:`` comment where it is defined (not its type's docstring)."""
    if what not in ("data", "attribute") or not name.startswith("nqpf_tfp."):
        return
    import sys

    from sphinx.pycode import ModuleAnalyzer

    short = name.rsplit(".", 1)[1]
    for module_name, module in sorted(sys.modules.items()):
        if not module_name.startswith("nqpf_tfp") or getattr(module, short, None) is not obj:
            continue
        try:
            docs = ModuleAnalyzer.for_module(module_name).find_attr_docs()
        except Exception:  # a module without source (none in this package): try the next one
            continue
        if ("", short) in docs:
            lines[:] = list(docs[("", short)])
            return
    type_doc = (type(obj).__doc__ or "").strip()
    if type_doc and "\n".join(lines).strip() == type_doc.replace("\n", "\n").strip():
        lines[:] = []  # the type's docstring (str's, dict's) says nothing about the constant: a GL08 finding


def _internal_member(app, what, name, obj, skip, options):
    """Members marked internal (estimator capability flags, the bootstrap's hooks) stay out of the reference."""
    doc = getattr(obj, "__doc__", None) or ""
    if ":meta private:" in doc:
        return True
    if getattr(obj, "__module__", "") == "collections.abc":  # a Mapping's get/keys/items: Python's own
        return True
    return skip


def _tolerant_source() -> None:
    """numpydoc 1.x's validator reads an object's source. It raises StopIteration when the source has no
    ``def``/``class`` line (a method assigned from another name, ``as_latex = ...``) and OSError when
    there is no source (a method a dataclass or namedtuple generates). The line only places
    ``# numpydoc ignore`` comments, which this package does not use; a generated method returns what
    its docstring says. Neither is a reason to stop the build."""
    from numpydoc.validate import Validator

    def_line, source = Validator.source_file_def_line, Validator.method_source

    def tolerant_def_line(self):
        try:
            return def_line.fget(self)
        except StopIteration:
            return None

    def tolerant_source(self):
        try:
            return source.fget(self)
        except OSError:
            return ""

    Validator.source_file_def_line = property(tolerant_def_line)
    Validator.method_source = property(tolerant_source)


def _attributes_by_their_comments() -> None:
    """numpydoc validates an attribute by the docstring of its *value* (``None``'s, for an unset field),
    not by the ``#:`` comment autodoc documents it with. Attributes and constants are checked here by
    what the page shows instead: an empty documentation is a GL08 finding, as for any other object."""
    from numpydoc import numpydoc as extension
    from sphinx.util import logging

    original = extension.mangle_docstrings
    logger = logging.getLogger("numpydoc-attributes")

    def mangle(app, what, name, obj, options, lines):
        if what not in ("attribute", "data"):
            return original(app, what, name, obj, options, lines)
        if not any(line.strip() for line in lines):
            logger.warning(f"[numpydoc] Validation warnings while processing docstring for {name!r}:\n"
                           "  GL08: The object does not have a docstring (a #: comment where it is defined)\n")
        checks = app.config.numpydoc_validation_checks
        app.config.numpydoc_validation_checks = set()
        try:
            return original(app, what, name, obj, options, lines)
        finally:
            app.config.numpydoc_validation_checks = checks

    extension.mangle_docstrings = mangle


_attributes_by_their_comments()  # before numpydoc's setup connects its handler


_CHECKED: set[str] = set()


def _count_checked(app, what, name, obj, options, lines):
    if name.startswith("nqpf_tfp.") and what != "module":  # module pages (methods.md) are prose
        _CHECKED.add(name)


def _report_checked(app, exception):
    """One line in the build log, and the list beside the site: what the docstring check covered."""
    if exception is None:
        from pathlib import Path

        Path(app.outdir, "docstring-check.txt").write_text("\n".join(sorted(_CHECKED)) + "\n")
        print(f"docstring check: {len(_CHECKED)} public objects validated (numpydoc "
              f"{', '.join(sorted(numpydoc_validation_checks))})")


def _public_bases(app, name, obj, options, bases):
    """A class's page names documented bases only: an internal base (``_LeastSquares``, ``ChangeResults``) is
    replaced by its nearest ancestor that the API reference documents (``ProductionEstimator``, ``TFPResults``);
    bases outside the package (``Mapping``, ``Exception``) are kept."""
    documented = {id(_resolve(path)) for path in PUBLIC_NAMES.values()}
    shown = []
    for base in bases:
        while getattr(base, "__module__", "").startswith("nqpf_tfp") and id(base) not in documented:
            base = base.__mro__[1]
        if base is not object and base not in shown:
            shown.append(base)
    bases[:] = shown


def _shadowed_module(app, env, node, contnode):
    label = _SHADOWED_MODULES.get(node.get("reftarget", "").lstrip("~"))
    if node.get("refdomain") == "py" and node.get("reftype") == "mod" and label:
        node["refexplicit"] = True
        return env.get_domain("std").resolve_xref(env, node["refdoc"], app.builder, "ref", label, node, contnode)
    return None


_INLINE = re.compile(r"^(?:(?:nt|nqpf_tfp)\.)?([A-Za-z_][\w.]*?)(?:\(.*\))?$")


def _public_names() -> dict[str, str]:
    """Every name the API reference lists (docs/api.md), by itself and by its last part when that is unique
    and not an ordinary word: ``frontier.sbm`` and ``sbm`` -> ``nqpf_tfp.frontier.sbm``."""
    from pathlib import Path

    listed = re.findall(r"^   ([\w.]+)$", (Path(__file__).parent / "api.md").read_text(), re.M)
    full = {name: f"nqpf_tfp.{name}" for name in listed}
    last: dict[str, set[str]] = {}
    for name in listed:
        last.setdefault(name.rsplit(".", 1)[-1], set()).add(name)
    for short, owners in last.items():
        targets = {id(_resolve(f"nqpf_tfp.{o}")) for o in owners}
        if len(targets) == 1 and short not in full and short not in ("warn", "load", "sources"):
            full[short] = f"nqpf_tfp.{sorted(owners, key=len)[0]}"
    return full


def _resolve(path: str):
    import importlib

    obj = importlib.import_module("nqpf_tfp")
    for part in path.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


PUBLIC_NAMES = _public_names()
#: modules rendered on Methods in detail: inline code naming one links there
RENDERED_MODULES = set(re.findall(r"^\.\. automodule:: ([\w.]+)$", (__import__("pathlib").Path(__file__).parent
                                                                    / "methods.md").read_text(), re.M))
# a module that shares its full name with the public function it defines (nqpf_tfp.frontier.sbm is both) is
# rendered on methods.md with :no-index: under the label module-<path>, where ":mod:" references are sent
# (_shadowed_module); a clash without that label is a duplicate-object or missing-reference error under -W
_SHADOWED_MODULES = {m: "module-" + m.removeprefix("nqpf_tfp.").replace(".", "-")
                     for m in RENDERED_MODULES if m in set(PUBLIC_NAMES.values())}


def _link_inline_code(app, doctree):
    """Inline code that names a public object (``nt.ACF``, ``nt.frontier.sbm(...)``, ``malmquist_luenberger``)
    becomes a link to its page; anything else stays plain code."""
    from docutils import nodes
    from sphinx import addnodes

    if app.env.docname.startswith("generated/"):  # docstrings link with roles; their code may name other
        return                                    # packages' objects (statsmodels' ``OLS``)
    for literal in list(doctree.findall(nodes.literal)):
        if isinstance(literal.parent, (nodes.reference, addnodes.pending_xref)):
            continue
        match = _INLINE.match(literal.astext().strip())
        target = PUBLIC_NAMES.get(match.group(1)) if match else None
        module = f"nqpf_tfp.{match.group(1)}" if match else ""
        if target is None and module not in RENDERED_MODULES:
            continue
        xref = addnodes.pending_xref("", refdomain="py", reftype="obj" if target else "mod", reftarget=target or module,
                                     refexplicit=True, refwarn=False, refdoc=app.env.docname)
        literal.replace_self(xref)
        xref += literal


def setup(app):
    app.connect("doctree-read", _link_inline_code)
    app.connect("missing-reference", _shadowed_module)
    app.connect("autodoc-process-bases", _public_bases)
    app.connect("autodoc-process-docstring", _count_checked)
    app.connect("build-finished", _report_checked)
    _tolerant_source()
    app.connect("autodoc-process-docstring", _constant_docstring, priority=400)
    app.connect("autodoc-skip-member", _internal_member)

html_theme = "pydata_sphinx_theme"
html_title = f"nqpf_tfp {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path: list[str] = []
html_show_sourcelink = False
