"""World Bank World Development Indicators (API v2, JSON): one indicator, long format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataSourceError, SpecificationError
from .fetch import Download, fetch
from .response import Source, parse_json, provenance, suggest

__all__ = ["WDI", "WDI_COMMON"]


WDI_COMMON = {
    "NY.GDP.MKTP.KD": "GDP (constant 2015 US$)",
    "NY.GDP.MKTP.CD": "GDP (current US$)",
    "NY.GDP.MKTP.KN": "GDP (constant LCU)",
    "NE.GDI.FTOT.KD": "Gross fixed capital formation (constant 2015 US$)",
    "NE.GDI.FTOT.KN": "Gross fixed capital formation (constant LCU)",
    "NE.GDI.FTOT.ZS": "Gross fixed capital formation (% of GDP)",
    "SL.EMP.TOTL.SP.ZS": "Employment to population ratio, 15+, total (%)",
    "SL.TLF.TOTL.IN": "Labor force, total",
    "SP.POP.TOTL": "Population, total",
    "SP.POP.1564.TO": "Population ages 15-64, total",
}


def _wdi(indicator: str, countries: Sequence[str] | str = "all", start: int | None = None, end: int | None = None,
         *, base_url: str = "https://api.worldbank.org/v2", **options: Any) -> pd.DataFrame:
    """World Bank WDI: one indicator, long format (countrycode ISO3, year, value)."""
    if not (isinstance(countries, str) or (isinstance(countries, (list, tuple))
                                            and countries and all(isinstance(c, str) for c in countries))):
        raise SpecificationError(f"countries must be an ISO3 code, a list of codes or 'all', not {countries!r}.")
    codes = ";".join([countries] if isinstance(countries, str) else countries)
    date = f"&date={start or 1960}:{end or 2100}" if (start or end) else ""
    downloads: list[Download] = []
    records: list[dict[str, Any]] = []
    version = ""
    page, pages = 1, 1
    while page <= pages:  # pages of 20,000 records: one request for nearly every query
        url = f"{base_url}/country/{codes}/indicator/{indicator}?format=json&per_page=20000&page={page}{date}"
        dl = fetch(url, source="wdi", filename=f"{indicator}-p{page}.json", **options)
        body = parse_json(dl)
        if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
            message = body[0]["message"][0].get("value", "") if body[0]["message"] else ""
            dl.path.unlink(missing_ok=True)  # an error answer is not data
            raise DataSourceError(
                f"WDI does not know indicator {indicator!r} for {codes!r} ({message})."
                f"{suggest(indicator, list(WDI_COMMON))}"
            )
        if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict) and "pages" in body[0]):
            dl.path.unlink(missing_ok=True)
            raise DataSourceError(f"{dl.url}: malformed response (expected [metadata, records]).")
        pages, version = int(body[0]["pages"]), str(body[0].get("lastupdated", ""))
        records += body[1] or []
        downloads.append(dl)
        page += 1
    try:
        frame = pd.DataFrame({
            "countrycode": [r["countryiso3code"] or r["country"]["id"] for r in records],
            "year": np.array([int(r["date"]) for r in records], dtype=np.int64),
            "indicator": [r["indicator"]["id"] for r in records],
            "value": np.array([np.nan if r["value"] is None else float(r["value"]) for r in records]),
        })
    except (KeyError, TypeError, ValueError) as exc:
        for dl in downloads:
            dl.path.unlink(missing_ok=True)
        raise DataSourceError(f"{downloads[0].url}: malformed record in the response ({exc!r}).") from exc
    frame = frame.sort_values(["countrycode", "year"], ignore_index=True)
    name = records[0]["indicator"]["value"] if records else WDI_COMMON.get(indicator, indicator)
    frame.attrs["units"] = name
    return provenance(frame, WDI, version or "unknown", downloads)




WDI = Source("wdi", "World Bank World Development Indicators", "https://api.worldbank.org/v2", "CC BY 4.0",
             "plain HTTP (JSON API)", "per indicator (attrs['units'])", _wdi)
