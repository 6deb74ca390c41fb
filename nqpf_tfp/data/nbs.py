"""China's National Bureau of Statistics (NBS): the public query interface of data.stats.gov.cn.

The interface behind the NBS's "national data" site answers two requests (both GET, both cached here):

- ``easyquery.htm?m=getTree&dbcode=fsnd&wdcode=zb&id=<node>``: the children of a node of the indicator
  tree, a JSON list of nodes with ``id``, ``name`` and ``isParent``; ``id="zb"`` is the root.
  :func:`nbs_tree` returns it as a table, so codes are found by browsing, not guessed.
- ``easyquery.htm?m=QueryData&dbcode=fsnd&rowcode=reg&colcode=sj&wds=[{"wdcode":"zb","valuecode":<code>}]
  &dfwds=[{"wdcode":"sj","valuecode":<years>}]``: one indicator for every province and the years asked
  (``"2000-2022"``, ``"LAST10"``), as ``{"returncode": 200, "returndata": {"datanodes": [...], "wdnodes":
  [...]}}``. Each data node carries its value (``data.data``, with ``data.hasdata`` false where the NBS has
  none: NaN here, never 0) and its dimension codes (``wds``: indicator ``zb``, region ``reg``, year ``sj``);
  the ``wdnodes`` give the indicator's name and unit and the regions' names.

Databases: ``fsnd`` annual by province (the default), ``hgnd`` annual national (no regions). The
indicator codes of GDP and its index, fixed-asset investment, employment and energy use are found with
:func:`nbs_tree` (their places in the tree change between releases, so none is hard-coded here).

The NBS publishes these statistics for public use with attribution to the National Bureau of Statistics
of China; the tables carry the source, the query URL, the retrieval time and the checksum in ``attrs``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..errors import DataSourceError
from ..keywords import strict_keywords
from .fetch import Download, fetch
from .response import Source, parse_json, provenance

__all__ = ["NBS", "nbs_tree"]

NBS_URL = "https://data.stats.gov.cn/easyquery.htm"
DATABASES = {"fsnd": "annual data by province", "hgnd": "annual national data"}
# the site answers scripted requests that say where they come from
_HEADERS = {"Referer": "https://data.stats.gov.cn/easyquery.htm?cn=E0103", "X-Requested-With": "XMLHttpRequest"}


def _query(params: dict[str, str], base_url: str, filename: str, options: dict[str, Any]) -> Download:
    query = "&".join(f"{k}={quote(v, safe='-')}" for k, v in params.items())
    return fetch(f"{base_url}?{query}", source="nbs", filename=filename, headers=_HEADERS, **options)


def _database(database: str) -> str:
    if database not in DATABASES:
        raise DataSourceError(f"database={database!r} is not an NBS database served here; use one of "
                              + ", ".join(f"{k!r} ({v})" for k, v in DATABASES.items()) + ".")
    return database


def _years(years: Any) -> str:
    """``(2000, 2022)`` -> ``"2000-2022"``; ``2019`` -> ``"2019"``; ``"LAST10"`` as given."""
    if isinstance(years, tuple) and len(years) == 2 and all(isinstance(y, int) for y in years):
        if years[0] > years[1]:
            raise DataSourceError(f"years={years}: the first year comes first.")
        return f"{years[0]}-{years[1]}"
    if isinstance(years, int) and not isinstance(years, bool):
        return str(years)
    if isinstance(years, str) and years and (years.startswith("LAST") and years[4:].isdigit()
                                             or all(p.isdigit() for p in years.replace("-", ",").split(","))):
        return years
    raise DataSourceError(f"years={years!r}: give (first, last), a year, or 'LAST<n>' (e.g. 'LAST20').")


def _indicator(code: str, database: str, years: str, base_url: str, options: dict[str, Any]) -> tuple[
        pd.DataFrame, Download]:
    rows, cols = ("reg", "sj") if database == "fsnd" else ("zb", "sj")
    params = {"m": "QueryData", "dbcode": database, "rowcode": rows, "colcode": cols,
              "wds": json.dumps([{"wdcode": "zb", "valuecode": code}] if database == "fsnd" else []),
              "dfwds": json.dumps([{"wdcode": "sj", "valuecode": years}]
                                  + ([] if database == "fsnd" else [{"wdcode": "zb", "valuecode": code}]))}
    download = _query(params, base_url, f"{database}-{code}-{years}.json", options)
    body = parse_json(download)
    if not isinstance(body, dict) or body.get("returncode") != 200:
        download.path.unlink(missing_ok=True)
        message = body.get("returndata") if isinstance(body, dict) else body
        raise DataSourceError(f"NBS answered {download.url} with code "
                              f"{body.get('returncode') if isinstance(body, dict) else '?'} ({message!r}): is "
                              f"{code!r} an indicator of {database!r}? Browse the codes with nt.data.nbs_tree().")
    try:
        data = body["returndata"]
        names = {w["wdcode"]: {n["code"]: n for n in w["nodes"]} for w in data["wdnodes"]}
        records = []
        for node in data["datanodes"]:
            dims = {w["wdcode"]: w["valuecode"] for w in node["wds"]}
            value = node["data"]
            records.append((dims["zb"], dims.get("reg", ""), dims["sj"],
                            float(value["data"]) if value.get("hasdata") else np.nan))
    except (KeyError, TypeError, ValueError) as exc:
        download.path.unlink(missing_ok=True)
        raise DataSourceError(f"{download.url}: not the layout of NBS's QueryData answer ({exc!r}); "
                              "nothing usable was returned.") from exc
    mine = [r for r in records if r[0] == code]
    if not mine:
        raise DataSourceError(f"NBS has no data for indicator {code!r} in {database!r} for years {years!r}; "
                              "browse the codes with nt.data.nbs_tree().")
    info = names.get("zb", {}).get(code, {})
    regions = names.get("reg", {})
    frame = pd.DataFrame({
        "region_code": [r[1] for r in mine],
        "region": [regions.get(r[1], {}).get("cname", r[1]) for r in mine],
        "year": np.array([int(r[2][:4]) for r in mine], dtype=np.int64),
        "indicator": code,
        "name": str(info.get("cname", code)),
        "unit": str(info.get("unit", "")),
        "value": np.array([r[3] for r in mine], dtype=float),
    })
    return frame, download


def _nbs(indicators: str | Sequence[str], *, years: Any = "LAST20", regions: Sequence[str] | None = None,
         database: str = "fsnd", base_url: str = NBS_URL, **options: Any) -> pd.DataFrame:
    """NBS: indicators by province and year (``fsnd``), or national (``hgnd``); see :mod:`nqpf_tfp.data.nbs`."""
    codes = [indicators] if isinstance(indicators, str) else list(indicators)
    if not codes or not all(isinstance(c, str) and c for c in codes):
        raise DataSourceError(f"indicators must be NBS indicator codes such as 'A020101', not {indicators!r}.")
    database, span = _database(database), _years(years)
    parts, downloads = [], []
    for code in codes:
        frame, download = _indicator(code, database, span, base_url, options)
        parts.append(frame)
        downloads.append(download)
    out = pd.concat(parts, ignore_index=True)
    if regions is not None:
        wanted = [regions] if isinstance(regions, str) else list(regions)
        known = set(out["region_code"]) | set(out["region"])
        unknown = [r for r in wanted if r not in known]
        if unknown:
            raise DataSourceError(f"regions {unknown} are not in the NBS answer; its regions are "
                                  f"{sorted(set(out['region']))[:8]} ... (codes like '110000' or names).")
        out = out[out["region_code"].isin(wanted) | out["region"].isin(wanted)].reset_index(drop=True)
    out = out.sort_values(["indicator", "region_code", "year"], ignore_index=True)
    out.attrs["units"] = dict(zip(out["indicator"], out["unit"]))
    out.attrs["database"] = database
    return provenance(out, NBS, "", downloads)


@strict_keywords
def nbs_tree(node: str = "zb", *, database: str = "fsnd", base_url: str = NBS_URL, cache: Any = None,
             offline: bool | None = None, refresh: bool = False, progress: bool = False) -> pd.DataFrame:
    """The children of a node of the NBS indicator tree: where the indicator codes are found.

    Parameters
    ----------
    node : str
        The node whose children are listed: ``"zb"`` (the root, the default) or a code it returned
        (``"A02"``, say); a child with ``is_parent`` has children of its own.
    database : {"fsnd", "hgnd"}
        Annual data by province, or national.
    base_url : str
        The query interface (a mirror or a local copy for tests).
    cache : str or path-like, optional
        The cache directory (default ``NQPF_TFP_CACHE`` or the user cache).
    offline : bool, optional
        Read the cache only (default ``NQPF_TFP_OFFLINE``).
    refresh : bool
        Download again even when cached.
    progress : bool
        Show a progress bar while downloading.

    Returns
    -------
    pandas.DataFrame
        Columns ``id`` (the code), ``name`` (Chinese, as the NBS writes it), ``is_parent`` and
        ``parent``, with the provenance in ``attrs``.

    Examples
    --------
    >>> import nqpf_tfp as nt
    >>> top = nt.data.nbs_tree()          # the top branches (needs the internet once)
    >>> accounts = nt.data.nbs_tree("A02")  # the national accounts branch
    """
    if not isinstance(node, str) or not node:
        raise DataSourceError(f"node must be a code of the indicator tree such as 'zb' or 'A02', not {node!r}.")
    database = _database(database)
    params = {"m": "getTree", "dbcode": database, "wdcode": "zb", "id": node}
    options = {"cache": cache, "offline": offline, "refresh": refresh, "progress": progress}
    download = _query(params, base_url, f"tree-{database}-{node}.json", options)
    body = parse_json(download)
    try:
        frame = pd.DataFrame({
            "id": [str(n["id"]) for n in body],
            "name": [str(n["name"]) for n in body],
            "is_parent": [bool(n["isParent"]) for n in body],
            "parent": node,
        })
    except (KeyError, TypeError) as exc:
        download.path.unlink(missing_ok=True)
        raise DataSourceError(f"{download.url}: not the layout of NBS's getTree answer ({exc!r}).") from exc
    if frame.empty:
        raise DataSourceError(f"the NBS indicator tree has no node {node!r} in {database!r} (or it has no "
                              "children); start from nbs_tree('zb').")
    return provenance(frame, NBS, "", [download])


NBS = Source("nbs", "National Bureau of Statistics of China (data.stats.gov.cn)", NBS_URL,
             "public statistics; cite the National Bureau of Statistics of China", "plain HTTP (JSON query interface)",
             "per indicator (attrs['units'])", _nbs)
