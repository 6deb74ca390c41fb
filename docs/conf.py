"""Sphinx configuration of the nqpf_tfp documentation site (built with ``python -m sphinx -W``)."""

from __future__ import annotations

import nqpf_tfp

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
]

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
autodoc_default_options = {"members": True, "inherited-members": False, "show-inheritance": True}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "jupyter_execute", ".jupyter_cache"]
templates_path = ["_templates"]

html_theme = "pydata_sphinx_theme"
html_title = f"nqpf_tfp {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path: list[str] = []
html_show_sourcelink = False
