"""The registry of public data sources and their loaders.

Every loader returns a tidy frame (entity codes, integer years, one value
column, documented units) with provenance in ``df.attrs``: ``source``,
``version``, ``url``, ``retrieved`` (UTC), ``sha256`` (of the bytes read) and
``licence``. ``base_url`` points a loader at a mirror (tests use a server on
127.0.0.1). One module per source: ``pwt``, ``wdi``, ``fred``,
``oecd``, ``bls``, ``nbs``.
"""

from __future__ import annotations

import inspect
from typing import Any

import pandas as pd

from ..arguments import check_keywords
from ..errors import SpecificationError
from ..keywords import strict_keywords
from .bls import BLS
from .fetch import FETCH_OPTIONS
from .fred import FRED
from .nbs import NBS
from .oecd import OECD
from .pwt import PWT
from .response import Source, suggest
from .wdi import WDI

__all__ = ["SOURCES", "Source", "load", "sources"]

#: the registered data sources by name (what :func:`load` accepts); :func:`sources` lists them as a table
SOURCES: dict[str, Source] = {s.name: s for s in (PWT, WDI, FRED, OECD, BLS, NBS)}


@strict_keywords
def sources() -> pd.DataFrame:
    """The registered sources: name, title, URL, licence, how they are fetched, units.

    Returns
    -------
    pandas.DataFrame
        One row per source.
    """
    return pd.DataFrame([{"name": s.name, "title": s.title, "url": s.url, "licence": s.licence,
                          "client": s.client, "units": s.units} for s in SOURCES.values()]).set_index("name")


@strict_keywords(open_keywords="the source's own options and the fetch options, checked against them")
def load(name: str, *args: Any, **kwargs: Any) -> pd.DataFrame:
    """Load from a registered source: ``load("wdi", "NY.GDP.MKTP.KD", countries=["CHN"])``.

    Common keywords: ``cache`` (directory; default ``NQPF_TFP_CACHE`` or the
    user cache), ``offline`` (default ``NQPF_TFP_OFFLINE``), ``refresh``,
    ``progress`` (tqdm bar), ``base_url`` (a mirror). Unknown keywords are errors.

    Parameters
    ----------
    name : str
        The source (``nt.data.sources()`` lists them): ``"pwt"``, ``"wdi"``, ``"oecd"``, ...
    *args
        The source's positional arguments (an indicator code, say).
    **kwargs
        The source's keywords and the common ones above.

    Returns
    -------
    pandas.DataFrame
        The data with its provenance in ``attrs``.
    """
    if not isinstance(name, str) or name not in SOURCES:
        raise SpecificationError(
            f"unknown source {name!r}; sources are {sorted(SOURCES)}.{suggest(str(name), list(SOURCES))}")
    loader = SOURCES[name].loader
    parameters = inspect.signature(loader).parameters
    named = {p for p, v in parameters.items() if v.kind not in (v.VAR_POSITIONAL, v.VAR_KEYWORD)}
    check_keywords(kwargs, named | FETCH_OPTIONS, f"nt.data.load({name!r})")
    return loader(*args, **kwargs)
