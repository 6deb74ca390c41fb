"""OECD data by SDMX (default: the Productivity Database), as SDMX-CSV ``format=csvfile``.

The Productivity Database dataflow ``OECD.SDD.TPS,DSD_PDB@DF_PDB`` (version 2.0) has nine key
dimensions, in order: REF_AREA, FREQ, MEASURE, ACTIVITY, UNIT_MEASURE, PRICE_BASE,
TRANSFORMATION, ASSET_CODE, CONVERSION_TYPE; the service refuses a shorter key with HTTP 422
("Not enough key values in query, expecting 9 got 3"). An empty position takes every value,
``+`` joins values: ``"USA+DEU.A.GDPHRS._T.USD_PPP_H.LR.N._Z.PPP"`` is GDP per hour worked in
constant PPP dollars. :func:`oecd_key` builds a key from named dimensions. The csvfile layout
starts with a DATAFLOW column, then the dimensions, TIME_PERIOD ("2022", or "2024-Q1" for
quarterly series), OBS_VALUE (empty when missing) and the attributes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataSourceError, SpecificationError
from ..keywords import closest, strict_keywords
from .fetch import fetch
from .response import Source, provenance

__all__ = ["OECD", "OECD_PDB", "PDB_DIMENSIONS", "oecd_key"]

OECD_PDB = "OECD.SDD.TPS,DSD_PDB@DF_PDB,2.0"  # the OECD Productivity Database (SDMX dataflow)
PDB_DIMENSIONS = ("REF_AREA", "FREQ", "MEASURE", "ACTIVITY", "UNIT_MEASURE", "PRICE_BASE", "TRANSFORMATION",
                  "ASSET_CODE", "CONVERSION_TYPE")
_EXAMPLE = "USA+DEU.A.GDPHRS._T.USD_PPP_H.LR.N._Z.PPP"


@strict_keywords(open_keywords="SDMX dimension values, checked against dimensions")
def oecd_key(dimensions: Sequence[str] = PDB_DIMENSIONS, **values: str | Sequence[str]) -> str:
    """An SDMX key from named dimensions: ``oecd_key(REF_AREA=["USA", "DEU"], MEASURE="GDPHRS")``.

    Dimensions not named take every value (an empty position).

    Parameters
    ----------
    dimensions : sequence of str
        The dataflow's dimensions in key order (default: the productivity
        database's).
    **values
        A dimension's value or list of values.

    Returns
    -------
    str
        The dot-separated key.
    """
    unknown = sorted(set(values) - set(dimensions))
    if unknown:
        hints = [f"{u!r} (did you mean {' or '.join(map(repr, close))}?)" if close else repr(u)
                 for u in unknown for close in [closest(u, dimensions)]]
        raise ArgumentError(f"unknown OECD dimension(s) {', '.join(hints)}; the dimensions are "
                                 f"{list(dimensions)}.")
    parts = []
    for dim in dimensions:
        value = values.get(dim, "")
        parts.append(value if isinstance(value, str) else "+".join(value))
    return ".".join(parts)


def _key(key: str | Mapping[str, Any], dataflow: str) -> str:
    is_pdb = "DSD_PDB@DF_PDB," in dataflow
    if isinstance(key, Mapping):
        if not is_pdb:
            raise SpecificationError("a key given as a dict needs the dimensions of its dataflow: build it with "
                                     "nt.data.oecd_key(dimensions=[...], ...) and pass the string.")
        return oecd_key(**key)
    if not isinstance(key, str) or not key:
        raise SpecificationError(f"key must be an SDMX key string (e.g. {_EXAMPLE!r}), a dict of dimensions or "
                                 f"'all', not {key!r}.")
    if is_pdb and key != "all" and key.count(".") != len(PDB_DIMENSIONS) - 1:
        raise SpecificationError(
            f"key {key!r} has {key.count('.') + 1} of the {len(PDB_DIMENSIONS)} dimensions of the Productivity "
            f"Database ({'.'.join(PDB_DIMENSIONS)}); leave a position empty for every value, e.g. {_EXAMPLE!r}, "
            "or build it with nt.data.oecd_key(REF_AREA=['USA', 'DEU'], MEASURE='GDPHRS').")
    return key


def _oecd(key: str | Mapping[str, Any] = "all", dataflow: str = OECD_PDB, start: int | None = None,
          end: int | None = None, *, base_url: str = "https://sdmx.oecd.org/public/rest",
          **options: Any) -> pd.DataFrame:
    """OECD SDMX data as a long frame: ``countrycode`` (REF_AREA), ``year``, ``period`` (TIME_PERIOD as
    published, e.g. "2024-Q1"), every other dimension and attribute, ``value`` (OBS_VALUE, NaN if missing)."""
    key = _key(key, dataflow)
    period = "".join(f"&{k}={v}" for k, v in (("startPeriod", start), ("endPeriod", end)) if v)
    url = f"{base_url}/data/{dataflow}/{key}?format=csvfile{period}"
    try:
        dl = fetch(url, source="oecd", filename="data.csv", **options)
    except DataSourceError as exc:
        status, body = getattr(exc, "status", None), getattr(exc, "body", "")
        if status == 404:
            raise DataSourceError(f"OECD: no data for key {key!r} in {dataflow!r} (HTTP 404): check the dimension "
                                  "values (countries as ISO3, e.g. 'USA+DEU') and the dataflow.") from exc
        if status == 422:
            raise DataSourceError(
                f"OECD refused key {key!r} for {dataflow!r} (HTTP 422: {body.strip()[:200]}): an SDMX key needs one "
                "position per dimension of the dataflow, empty for every value; see nt.data.oecd_key.") from exc
        raise
    try:
        raw = pd.read_csv(io.BytesIO(dl.content), dtype={"TIME_PERIOD": str})
        frame = raw.rename(columns={"REF_AREA": "countrycode", "TIME_PERIOD": "period", "OBS_VALUE": "value"})
        frame["year"] = frame["period"].str.slice(0, 4).astype(np.int64)
        frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype(float)
    except (KeyError, ValueError, pd.errors.ParserError) as exc:
        dl.path.unlink(missing_ok=True)
        raise DataSourceError(f"{dl.url}: malformed SDMX-CSV response ({exc!r}).") from exc
    dims = [c for c in frame.columns if c not in ("DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "ACTION", "countrycode",
                                                  "year", "period", "value")]
    frame = frame[["countrycode", "year", "period", *dims, "value"]].sort_values(["countrycode", *dims, "period"],
                                                                                 ignore_index=True)
    frame.attrs["units"] = "per series: see the UNIT_MEASURE and UNIT_MULT columns"
    return provenance(frame, OECD, dataflow.split(",")[-1], [dl])


OECD = Source("oecd", "OECD Productivity Database", "https://sdmx.oecd.org/public/rest", "CC BY 4.0",
              "plain HTTP (SDMX-CSV)", "per series (UNIT_MEASURE)", _oecd)
