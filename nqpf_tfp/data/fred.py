"""FRED (Federal Reserve Bank of St. Louis): one series, its observations and its metadata.

Two requests, both cached: ``fred/series`` (title, units, frequency, last update: the units in
``attrs`` are the series' own, e.g. "Index 2017=1") and ``fred/series/observations`` (whose
``units`` field is the transformation code, "lin", not the units). Missing values are ".".
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataSourceError
from .fetch import Download, fetch
from .response import Source, parse_json, provenance, suggest

__all__ = ["FRED", "FRED_COMMON"]

FRED_COMMON = {
    "RTFPNAUSA632NRUG": "TFP at constant national prices for United States (PWT, 2017=1)",
    "RTFPNACNA632NRUG": "TFP at constant national prices for China (PWT, 2017=1)",
    "RKNANPUSA666NRUG": "Capital stock at constant national prices for United States (PWT)",
    "GDPC1": "Real gross domestic product (US)",
    "MFPNFBS": "Nonfarm business sector: total factor productivity (US, BLS)",
}


def _get(url: str, series: str, filename: str, options: dict[str, Any]) -> Download:
    try:
        return fetch(url, source="fred", filename=filename, secret_params=("api_key",), **options)
    except DataSourceError as exc:
        if getattr(exc, "status", None) == 400 and "does not exist" in getattr(exc, "body", ""):
            raise DataSourceError(f"FRED has no series {series!r}.{suggest(series, list(FRED_COMMON))}") from exc
        raise


def _fred(series: str, *, api_key: str | None = None, base_url: str = "https://api.stlouisfed.org/fred",
          **options: Any) -> pd.DataFrame:
    """FRED: one series (date, year, value); the API key from ``api_key`` or ``FRED_API_KEY``."""
    if not isinstance(series, str) or not series:
        raise DataSourceError(f"series must be a FRED series id such as 'RTFPNACNA632NRUG', not {series!r}.")
    key = api_key or os.environ.get("FRED_API_KEY")
    if not key:
        raise DataSourceError("FRED needs an API key: get one free at "
                              "https://fred.stlouisfed.org/docs/api/api_key.html "
                              "and set the environment variable FRED_API_KEY (or pass api_key=).")
    meta_dl = _get(f"{base_url}/series?series_id={series}&file_type=json&api_key={key}", series,
                   f"{series}-series.json", options)
    meta = parse_json(meta_dl)
    try:
        info = meta["seriess"][0]
        units, title = str(info["units"]), str(info.get("title", series))
    except (KeyError, IndexError, TypeError) as exc:
        meta_dl.path.unlink(missing_ok=True)
        raise DataSourceError(f"{meta_dl.url}: malformed series metadata (no seriess[0].units).") from exc
    dl = _get(f"{base_url}/series/observations?series_id={series}&file_type=json&api_key={key}", series,
              f"{series}.json", options)
    body = parse_json(dl)
    if not isinstance(body, dict) or "observations" not in body:
        dl.path.unlink(missing_ok=True)
        raise DataSourceError(f"{dl.url}: malformed response (no 'observations').")
    try:
        obs = body["observations"]
        dates = pd.to_datetime([o["date"] for o in obs])
        values = np.array([np.nan if o["value"] in (".", "") else float(o["value"]) for o in obs])
    except (KeyError, TypeError, ValueError) as exc:
        dl.path.unlink(missing_ok=True)
        raise DataSourceError(f"{dl.url}: malformed observation in the response ({exc!r}).") from exc
    frame = pd.DataFrame({"series": series, "date": dates, "year": dates.year.astype(np.int64), "value": values})
    frame.attrs.update({"units": units, "title": title, "frequency": str(info.get("frequency", "")),
                        "last_updated": str(info.get("last_updated", ""))})
    return provenance(frame, FRED, str(body.get("realtime_end", "")), [dl, meta_dl])


FRED = Source("fred", "FRED, Federal Reserve Bank of St. Louis", "https://api.stlouisfed.org/fred",
              "per series (most public domain; PWT mirrors CC BY 4.0)", "plain HTTP (JSON API, key)",
              "per series (attrs['units'])", _fred)
