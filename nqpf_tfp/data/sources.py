"""The registry of public data sources and their loaders.

Every loader returns a tidy frame (entity codes, integer years, one value
column, documented units) with provenance in ``df.attrs``: ``source``,
``version``, ``url``, ``retrieved`` (UTC), ``sha256`` (of the bytes read) and
``licence``. ``base_url`` points a loader at a mirror (tests use a server on
127.0.0.1).
"""

from __future__ import annotations

import difflib
import inspect
import io
import json
import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import check_keywords
from ..errors import DataSourceError, SpecificationError
from .bundled import PWT_SHA256, PWT_VERSION, load_pwt
from .fetch import FETCH_OPTIONS, Download, fetch

__all__ = ["SOURCES", "Source", "load", "sources"]


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    url: str
    licence: str
    client: str  # how it is fetched
    units: str
    loader: Callable[..., pd.DataFrame]


def _provenance(frame: pd.DataFrame, source: Source, version: str, downloads: Sequence[Download]) -> pd.DataFrame:
    first = downloads[0]
    frame.attrs.update({
        "source": source.title, "version": version, "url": first.url if len(downloads) == 1 else
        [d.url for d in downloads], "retrieved": first.retrieved,
        "sha256": first.sha256 if len(downloads) == 1 else [d.sha256 for d in downloads],
        "licence": source.licence, "from_cache": all(d.from_cache for d in downloads),
    })
    return frame


def _suggest(code: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(code.upper(), [k.upper() for k in known], n=3, cutoff=0.6)
    return f" Close matches: {close}." if close else ""


def _json(download: Download) -> Any:
    try:
        return json.loads(download.content)
    except (ValueError, UnicodeDecodeError) as exc:
        download.path.unlink(missing_ok=True)  # a malformed answer is not kept
        raise DataSourceError(
            f"{download.url}: malformed response (not JSON: {exc}); nothing usable was returned.") from exc


# ---------------------------------------------------------------------------- World Bank WDI
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
        body = _json(dl)
        if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
            message = body[0]["message"][0].get("value", "") if body[0]["message"] else ""
            dl.path.unlink(missing_ok=True)  # an error answer is not data
            raise DataSourceError(
                f"WDI does not know indicator {indicator!r} for {codes!r} ({message})."
                f"{_suggest(indicator, list(WDI_COMMON))}"
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
    return _provenance(frame, SOURCES["wdi"], version or "unknown", downloads)


# --------------------------------------------------------------------------------- FRED
FRED_COMMON = {
    "RTFPNAUSA632NRUG": "TFP at constant national prices for United States (PWT, 2017=1)",
    "RTFPNACNA632NRUG": "TFP at constant national prices for China (PWT, 2017=1)",
    "RKNANPUSA666NRUG": "Capital stock at constant national prices for United States (PWT)",
    "GDPC1": "Real gross domestic product (US)",
    "MFPNFBS": "Nonfarm business sector: total factor productivity (US, BLS)",
}


def _fred(series: str, *, api_key: str | None = None, base_url: str = "https://api.stlouisfed.org/fred",
          **options: Any) -> pd.DataFrame:
    """FRED: one series (date, year, value); the API key from ``api_key`` or ``FRED_API_KEY``."""
    key = api_key or os.environ.get("FRED_API_KEY")
    if not key:
        raise DataSourceError("FRED needs an API key: get one free at "
                              "https://fred.stlouisfed.org/docs/api/api_key.html "
                              "and set the environment variable FRED_API_KEY (or pass api_key=).")
    url = f"{base_url}/series/observations?series_id={series}&file_type=json&api_key={key}"
    try:
        dl = fetch(url, source="fred", filename=f"{series}.json", secret_params=("api_key",), **options)
    except DataSourceError as exc:
        if getattr(exc, "status", None) == 400 and "does not exist" in getattr(exc, "body", ""):
            raise DataSourceError(f"FRED has no series {series!r}.{_suggest(series, list(FRED_COMMON))}") from exc
        raise
    body = _json(dl)
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
    frame.attrs["units"] = body.get("units", "see the series' FRED page")
    return _provenance(frame, SOURCES["fred"], str(body.get("realtime_end", "")), [dl])


# --------------------------------------------------------------------------------- OECD
OECD_PDB = "OECD.SDD.TPS,DSD_PDB@DF_PDB,1.0"  # the OECD Productivity Database (SDMX dataflow)


def _oecd(key: str = "all", dataflow: str = OECD_PDB, start: int | None = None, end: int | None = None, *,
          base_url: str = "https://sdmx.oecd.org/public/rest", **options: Any) -> pd.DataFrame:
    """OECD SDMX data (default: the Productivity Database) as SDMX-CSV, long format.

    ``key`` is the SDMX series key (dimension values joined by dots, empty for
    all: e.g. ``"CHN+USA.A.GDPHRS.."``); columns ``countrycode`` (REF_AREA),
    ``year`` (TIME_PERIOD), ``value`` (OBS_VALUE) and every other dimension.
    """
    period = "".join(f"&{k}={v}" for k, v in (("startPeriod", start), ("endPeriod", end)) if v)
    url = f"{base_url}/data/{dataflow}/{key}?format=csvfile{period}"
    try:
        dl = fetch(url, source="oecd", filename="data.csv", **options)
    except DataSourceError as exc:
        if getattr(exc, "status", None) == 404:
            raise DataSourceError(f"OECD: no data for key {key!r} in {dataflow!r} (HTTP 404): check the dimension "
                                  "values (countries as ISO3, e.g. 'CHN+USA') and the dataflow.") from exc
        raise
    try:
        raw = pd.read_csv(io.BytesIO(dl.content))
        frame = raw.rename(columns={"REF_AREA": "countrycode", "TIME_PERIOD": "year", "OBS_VALUE": "value"})
        frame["year"] = frame["year"].astype(np.int64)
        frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype(float)
    except (KeyError, ValueError, pd.errors.ParserError) as exc:
        dl.path.unlink(missing_ok=True)
        raise DataSourceError(f"{dl.url}: malformed SDMX-CSV response ({exc!r}).") from exc
    dims = [c for c in frame.columns if c not in ("DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "ACTION", "countrycode",
                                                  "year", "value")]
    frame = frame[["countrycode", "year", *dims, "value"]].sort_values(["countrycode", *dims, "year"],
                                                                       ignore_index=True)
    frame.attrs["units"] = "per series: see the UNIT_MEASURE and UNIT_MULT columns"
    return _provenance(frame, SOURCES["oecd"], dataflow.split(",")[-1], [dl])


# ---------------------------------------------------------------------------------- BLS
BLS_COMMON = {
    "MPU4910012": "Private nonfarm business: total factor productivity, index (BLS)",
    "MPU4900012": "Private business: total factor productivity, index (BLS)",
    "PRS85006092": "Nonfarm business: labor productivity, percent change (BLS)",
}


def _bls(series: str, start: int | None = None, end: int | None = None, *, api_key: str | None = None,
         base_url: str = "https://api.bls.gov/publicAPI/v2", **options: Any) -> pd.DataFrame:
    """BLS time series (e.g. total factor productivity) by the public API v2 (JSON); annual values.

    A registration key (``api_key`` or ``BLS_API_KEY``) is optional and raises BLS's limits.
    """
    key = api_key or os.environ.get("BLS_API_KEY")
    query = "&".join(f"{k}={v}" for k, v in (("startyear", start), ("endyear", end), ("registrationkey", key)) if v)
    url = f"{base_url}/timeseries/data/{series}" + (f"?{query}" if query else "")
    dl = fetch(url, source="bls", filename=f"{series}.json", secret_params=("registrationkey",), **options)
    body = _json(dl)
    status = body.get("status") if isinstance(body, dict) else None
    message = " ".join(str(m) for m in body.get("message", [])) if isinstance(body, dict) else ""
    if status != "REQUEST_SUCCEEDED" or "does not exist" in message:  # BLS answers "succeeded" for unknown series
        dl.path.unlink(missing_ok=True)
        if "does not exist" in message:
            raise DataSourceError(f"BLS has no series {series!r}.{_suggest(series, list(BLS_COMMON))}")
        if "threshold" in message.lower():
            raise DataSourceError(f"BLS: daily request limit reached ({message}); set BLS_API_KEY or retry tomorrow.")
        raise DataSourceError(f"{dl.url}: malformed or failed BLS response (status {status!r}: {message}).")
    try:
        data = body["Results"]["series"][0]["data"]
        annual = [d for d in data if d["period"] == "A01"]
        frame = pd.DataFrame({"series": series, "year": np.array([int(d["year"]) for d in annual], dtype=np.int64),
                              "value": np.array([float(d["value"]) for d in annual])})
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        dl.path.unlink(missing_ok=True)
        raise DataSourceError(f"{dl.url}: malformed BLS response ({exc!r}).") from exc
    frame = frame.sort_values("year", ignore_index=True)
    frame.attrs["units"] = BLS_COMMON.get(series, "see the series' BLS page")
    return _provenance(frame, SOURCES["bls"], "current release", [dl])


# ------------------------------------------------------------------------------- registry
def _pwt(version: str = "10.01", *, base_url: str | None = None, **options: Any) -> pd.DataFrame:
    """Penn World Table main table: 10.01 from the bundled copy; other versions (10.0, 11.0), or any
    version from a mirror (``base_url``), from GGDC's Excel file ``pwtNNN.xlsx`` (sheet "Data"; needs
    openpyxl), cached. GGDC publishes no checksums for these files."""
    source = SOURCES["pwt"]
    if version == PWT_VERSION and base_url is None:
        frame = load_pwt()
        frame.attrs.update({"source": source.title, "version": PWT_VERSION, "url": source.url,
                            "retrieved": "bundled with nqpf_tfp", "sha256": PWT_SHA256, "licence": source.licence,
                            "from_cache": True, "units": "see nt.datasets.load_pwt_legend()"})
        return frame
    if version not in PWT_FILES:
        raise SpecificationError(f"unknown PWT version {version!r}; versions are {sorted(PWT_FILES)}.")
    try:
        import openpyxl  # noqa: F401 - pandas' Excel reader
    except ImportError as exc:
        raise ImportError(f"PWT {version} comes as an Excel file: pip install 'nqpf-tfp[data]' (openpyxl)") from exc
    dl = fetch(f"{base_url or PWT_URL}/{PWT_FILES[version]}", source="pwt", filename=PWT_FILES[version], **options)
    try:
        frame = pd.read_excel(io.BytesIO(dl.content), sheet_name="Data", engine="openpyxl")
        frame["year"] = frame["year"].astype(np.int64)
        frame = frame.sort_values(["countrycode", "year"], ignore_index=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:  # not an Excel file, no Data sheet or year
        dl.path.unlink(missing_ok=True)
        raise DataSourceError(
            f"{dl.url}: malformed PWT file ({exc}); expected an Excel file with a 'Data' sheet.") from exc
    frame.attrs["units"] = "see the file's Legend sheet"
    return _provenance(frame, source, version, [dl])


PWT_URL = "https://www.rug.nl/ggdc/docs"  # GGDC's downloads; if they move, pass base_url=
PWT_FILES = {"10.0": "pwt100.xlsx", "10.01": "pwt1001.xlsx", "11.0": "pwt110.xlsx"}


SOURCES: dict[str, Source] = {
    s.name: s for s in (
        Source("pwt", "Penn World Table", "https://www.rug.nl/ggdc/productivity/pwt/", "CC BY 4.0",
               "bundled (10.01); 10.0 and 11.0 by download (Excel)", "PWT legend", _pwt),
        Source("wdi", "World Bank World Development Indicators", "https://api.worldbank.org/v2", "CC BY 4.0",
               "plain HTTP (JSON API)", "per indicator (attrs['units'])", _wdi),
        Source("fred", "FRED, Federal Reserve Bank of St. Louis", "https://api.stlouisfed.org/fred",
               "per series (most public domain; PWT mirrors CC BY 4.0)", "plain HTTP (JSON API, key)",
               "per series (attrs['units'])", _fred),
        Source("oecd", "OECD Productivity Database", "https://sdmx.oecd.org/public/rest", "CC BY 4.0",
               "plain HTTP (SDMX-CSV)", "per series (UNIT_MEASURE)", _oecd),
        Source("bls", "U.S. Bureau of Labor Statistics, productivity", "https://api.bls.gov/publicAPI/v2",
               "public domain", "plain HTTP (JSON API; key optional)", "index or percent (attrs['units'])", _bls),
    )
}


def sources() -> pd.DataFrame:
    """The registered sources: name, title, URL, licence, how they are fetched, units."""
    return pd.DataFrame([{"name": s.name, "title": s.title, "url": s.url, "licence": s.licence,
                          "client": s.client, "units": s.units} for s in SOURCES.values()]).set_index("name")


def load(name: str, *args: Any, **kwargs: Any) -> pd.DataFrame:
    """Load from a registered source: ``load("wdi", "NY.GDP.MKTP.KD", countries=["CHN"])``.

    Common keywords: ``cache`` (directory; default ``NQPF_TFP_CACHE`` or the
    user cache), ``offline`` (default ``NQPF_TFP_OFFLINE``), ``refresh``,
    ``progress`` (tqdm bar), ``base_url`` (a mirror).
    """
    if not isinstance(name, str) or name not in SOURCES:
        raise SpecificationError(
            f"unknown source {name!r}; sources are {sorted(SOURCES)}.{_suggest(str(name), list(SOURCES))}")
    loader = SOURCES[name].loader
    parameters = inspect.signature(loader).parameters
    named = {p for p, v in parameters.items() if v.kind not in (v.VAR_POSITIONAL, v.VAR_KEYWORD)}
    check_keywords(kwargs, named | FETCH_OPTIONS, f"nt.data.load({name!r})")
    return loader(*args, **kwargs)
