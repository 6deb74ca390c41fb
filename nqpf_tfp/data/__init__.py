"""Data layer: the bundled snapshot and downloaders with caching and provenance.

``nt.data.sources()`` lists the sources; ``nt.data.load(name, ...)`` returns a
tidy frame with provenance in ``attrs``. See :mod:`nqpf_tfp.data.fetch` for the
cache, offline mode and errors.
"""

from .fetch import cache_dir, is_offline
from .nbs import nbs_tree
from .oecd import oecd_key
from .sources import SOURCES, load, sources

__all__ = ["SOURCES", "cache_dir", "is_offline", "load", "nbs_tree", "oecd_key", "sources"]
