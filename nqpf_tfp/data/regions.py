"""China's 31 mainland provinces: codes, names, the four regions, and a contiguity matrix (bundled).

* Codes are the two-digit province codes of GB/T 2260; names in Chinese characters, pinyin and English.
* ``region``: the National Bureau of Statistics' division into east (10 provinces), central (6), west (12)
  and northeast (3), the grouping regional studies report their decompositions by.
* Contiguity: two provinces are neighbours when they share a land boundary (queen contiguity; no two
  provinces meet only at a point). The 68 pairs were compiled for this package from the standard
  administrative map of China and are listed in ``nqpf_tfp/data/bundled/china_contiguity.csv.gz``.
  Hainan, an island, has no land neighbour; by the usual convention it is linked to Guangdong across the
  Qiongzhou Strait (``island_links`` changes or removes that link).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from ..errors import SpecificationError
from ..keywords import strict_keywords
from .bundled import verified_bytes

__all__ = ["china_contiguity", "china_provinces"]

_PROVINCES = ("china_provinces.csv.gz", "9ef0394e63c562a184be18a9579285511a1b33c5a95c54e828f9df1c88f07b5b")
_CONTIGUITY = ("china_contiguity.csv.gz", "45929065fa559d735a9ef9faf934562fa9c92d8b011a3cd3412a0850337df22f")
_KEYS = ("code", "name_zh", "name_pinyin", "name_en")


@lru_cache(maxsize=None)
def _table(which: tuple[str, str]) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(verified_bytes(*which)))


@strict_keywords
def china_provinces() -> pd.DataFrame:
    """The 31 provinces: ``code``, ``name_zh``, ``name_pinyin``, ``name_en``, ``region``.

    Returns
    -------
    pandas.DataFrame
        One row per province, in the order of their statistical codes.
    """
    frame = _table(_PROVINCES).copy()
    frame.attrs = {"source": "GB/T 2260 codes; regions: National Bureau of Statistics of China (east, central, "
                   "west, northeast)", "bundled": True}
    return frame


@strict_keywords
def china_contiguity(key: str = "name_en", *, island_links: Mapping[str, Sequence[str]] | None = None
                     ) -> pd.DataFrame:
    """Binary contiguity matrix of the 31 provinces, labelled by ``key`` (see :mod:`nqpf_tfp.data.regions`).

    Parameters
    ----------
    key : {"name_en", "name_pinyin", "name_zh", "code"}
        The labels of rows and columns (use the one your data's province column holds).
    island_links : dict, optional
        ``{province: [neighbours]}`` in English names, added to the land neighbours; default
        ``{"Hainan": ["Guangdong"]}``; ``{}`` leaves Hainan without neighbours.

    Returns
    -------
    pandas.DataFrame
        A symmetric 0/1 matrix, 31 by 31, with a zero diagonal.
    """
    if key not in _KEYS:
        raise SpecificationError(f"key must be one of {_KEYS}, not {key!r}.")
    provinces = _table(_PROVINCES)
    edges = _table(_CONTIGUITY)
    links = {"Hainan": ["Guangdong"]} if island_links is None else dict(island_links)
    by_name = dict(zip(provinces["name_en"], provinces["code"]))
    extra = []
    for a, others in links.items():
        for b in ([others] if isinstance(others, str) else others):
            unknown = [x for x in (a, b) if x not in by_name]
            if unknown:
                raise SpecificationError(f"island_links names unknown province(s) {unknown}; use English names "
                                         f"such as {list(by_name)[:3]}.")
            extra.append((by_name[a], by_name[b]))
    codes = provinces["code"].to_numpy()
    position = {c: i for i, c in enumerate(codes)}
    w = np.zeros((codes.size, codes.size))
    for a, b in [*zip(edges["code_a"], edges["code_b"]), *extra]:
        w[position[a], position[b]] = w[position[b], position[a]] = 1.0
    labels = provinces[key].tolist()
    return pd.DataFrame(w, index=pd.Index(labels, name=key), columns=pd.Index(labels, name=key))
