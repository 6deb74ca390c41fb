"""Downloaders against a real HTTP server on 127.0.0.1 serving response files in the services' real layouts.

Files: tests/data/http/ (World Bank API v2 JSON, FRED JSON, OECD SDMX-CSV, BLS API v2 JSON, PWT's Excel
layout, a bot-check page); tests/data/README.md says where each layout was taken from. No test touches
the internet.
"""

from __future__ import annotations

import hashlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
import pytest

import nqpf_tfp as nt
from nqpf_tfp.data.fetch import fetch
from nqpf_tfp.errors import DataSourceError, SpecificationError

FILES = Path(__file__).parent / "data" / "http"
WDI_PATH = "/wdi/country/CHN;USA/indicator/NY.GDP.MKTP.KD"
PDB = "OECD.SDD.TPS,DSD_PDB@DF_PDB,2.0"


Response = tuple[int, dict[str, str], bytes]


class _Handler(BaseHTTPRequestHandler):
    # path -> response, or a list of (text the query must contain, response), first match wins
    routes: dict[str, Response | list[tuple[str, Response]]] = {}
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path, _, query = self.path.partition("?")
        self.requests.append(self.path)
        if path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"partial": ')
            self.wfile.flush()
            self.close_connection = True
            return
        route = self.routes.get(path, (404, {}, b"not found"))
        if isinstance(route, list):
            route = next((r for needle, r in route if needle in query), (404, {}, b"not found"))
        status, headers, body = route
        self.send_response(status)
        for k, v in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def server(serve):
    read = lambda name: (FILES / name).read_bytes()  # noqa: E731
    _Handler.routes = {
        WDI_PATH: (200, {"Content-Type": "application/json"}, read("wdi_gdp_chn_usa.json")),
        "/wdi/country/CHN/indicator/NY.GDP.MKTP.KDX": (200, {}, read("wdi_unknown_indicator.json")),
        "/wdi/country/CHN/indicator/NY.GDP.MKTP.KD": (200, {}, read("not_json.html")),
        "/fred/series": (200, {}, read("fred_series_rtfpna_chn.json")),
        "/fred/series/observations": (200, {}, read("fred_rtfpna_chn.json")),
        "/fred404/series": (400, {}, read("fred_no_series.json")),
        "/file.csv": (200, {}, b"year,value\n2019,1.5\n"),
        f"/oecd/data/{PDB}/USA+DEU.A.GDPHRS._T.USD_PPP_H.LR.N._Z.PPP": (200, {}, read("oecd_pdb_gdphrs.csv")),
        f"/oecd/data/{PDB}/USA..GDPHRS......": (422, {}, read("oecd_422.txt")),
        "/oecd/data/OECD.SDD.TPS,DSD_PDB@DF_PDB_ULC_Q,1.0/USA.Q.ULCE": (200, {}, read("oecd_pdb_ulc_quarterly.csv")),
        "/bls/timeseries/data/MPU4910012": [
            ("startyear=2001&endyear=2020", (200, {}, read("bls_mpu4910012_early.json"))),
            ("startyear=2021&endyear=2023", (200, {}, read("bls_mpu4910012.json")))],
        "/bls/timeseries/data/MPU4910013": (200, {}, read("bls_no_series.json")),
        "/bls/timeseries/data/PRS85006092": (200, {}, read("bls_prs85006092_quarterly.json")),
        "/bls/timeseries/data/MPU4900012": (200, {}, read("bls_range_reduced.json")),
        "/ggdc/pwt110.xlsx": (200, {}, read("pwt_layout.xlsx")),
        "/ggdc/pwt1001.xlsx": (200, {}, read("not_json.html")),
        "/dataverse/api/access/datafile/554105": (200, {}, read("pwt_layout.xlsx")),
        "/dataverse/api/access/datafile/bot": (200, {"Content-Type": "text/html"}, read("bot_check.html")),
        "/status/429": (429, {"Retry-After": "7"}, b"slow down"),
        "/status/500": (500, {}, b"oops"),
    }
    with serve(_Handler) as url:
        yield url


@pytest.fixture()
def cache(download_cache):
    _Handler.requests = []
    return download_cache


def test_wdi_tidy_frame_provenance_and_cached_second_call(server, cache):
    df = nt.data.load("wdi", "NY.GDP.MKTP.KD", countries=["CHN", "USA"], base_url=f"{server}/wdi", cache=cache)
    assert list(df.columns) == ["countrycode", "year", "indicator", "value"]
    assert df["year"].dtype == np.int64 and sorted(df.countrycode.unique()) == ["CHN", "USA"]
    assert df.loc[(df.countrycode == "CHN") & (df.year == 2021), "value"].item() == 1.10e13
    assert df.loc[(df.countrycode == "USA") & (df.year == 2019), "value"].isna().all()  # null in the source
    served = (FILES / "wdi_gdp_chn_usa.json").read_bytes()
    attrs = df.attrs
    assert attrs["source"] == "World Bank World Development Indicators" and attrs["version"] == "2026-10-28"
    assert attrs["url"].startswith(f"{server}/wdi/country/CHN;USA/indicator/NY.GDP.MKTP.KD?format=json")
    assert attrs["sha256"] == hashlib.sha256(served).hexdigest() and attrs["licence"] == "CC BY 4.0"
    assert attrs["retrieved"].endswith("+00:00") and attrs["from_cache"] is False
    assert attrs["units"] == "GDP (constant 2015 US$)"
    assert len(_Handler.requests) == 1
    again = nt.data.load("wdi", "NY.GDP.MKTP.KD", countries=["CHN", "USA"], base_url=f"{server}/wdi", cache=cache)
    assert len(_Handler.requests) == 1 and again.attrs["from_cache"] is True  # no request made
    assert again.equals(df) and again.attrs["sha256"] == attrs["sha256"]


def test_offline_mode_and_cache_location(server, cache, monkeypatch):
    kw = {"countries": ["CHN", "USA"], "base_url": f"{server}/wdi"}
    with pytest.raises(DataSourceError, match=r"offline and 'wdi' is not in the cache: download .* save it as"):
        nt.data.load("wdi", "NY.GDP.MKTP.KD", cache=cache, offline=True, **kw)
    assert _Handler.requests == []
    monkeypatch.setenv("NQPF_TFP_CACHE", str(cache))  # the environment variable names the cache
    assert nt.data.cache_dir() == cache
    nt.data.load("wdi", "NY.GDP.MKTP.KD", **kw)
    monkeypatch.setenv("NQPF_TFP_OFFLINE", "1")
    df = nt.data.load("wdi", "NY.GDP.MKTP.KD", **kw)
    assert df.attrs["from_cache"] and len(_Handler.requests) == 1
    assert nt.data.load("pwt").attrs["version"] == "10.01"  # the bundled snapshot works offline


def test_checksum_mismatch_leaves_the_cache_clean(server, cache):
    good = hashlib.sha256(b"year,value\n2019,1.5\n").hexdigest()
    with pytest.raises(DataSourceError, match="failed its checksum.*nothing was cached"):
        fetch(f"{server}/file.csv", source="test", filename="file.csv", sha256="0" * 64, cache=cache)
    assert not (cache / "test").exists() or list((cache / "test").iterdir()) == []
    dl = fetch(f"{server}/file.csv", source="test", filename="file.csv", sha256=good, cache=cache)
    assert dl.path.read_bytes() == b"year,value\n2019,1.5\n" and not dl.from_cache
    dl.path.write_bytes(b"tampered")  # a damaged cache entry is not used: fetched again
    assert fetch(f"{server}/file.csv", source="test", filename="file.csv", sha256=good, cache=cache).from_cache is False


@pytest.mark.parametrize("path, message", [
    ("/status/404", r"was not found \(HTTP 404\)"),
    ("/status/429", r"rate-limiting requests \(HTTP 429\); retry after 7 s"),
    ("/status/500", r"server failed \(HTTP 500\)"),
    ("/truncated", r"cut short; nothing was cached"),
])
def test_http_failures_are_clear_and_cache_nothing(server, cache, path, message):
    with pytest.raises(DataSourceError, match=message):
        fetch(f"{server}{path}", source="test", filename="x.json", cache=cache)
    assert not (cache / "test").exists() or list((cache / "test").iterdir()) == []


def test_unknown_codes_suggest_close_matches_and_malformed_responses(server, cache, monkeypatch):
    message = r"does not know indicator 'NY.GDP.MKTP.KDX'.*Close matches: .*NY.GDP.MKTP.KD"
    with pytest.raises(DataSourceError, match=message):
        nt.data.load("wdi", "NY.GDP.MKTP.KDX", countries="CHN", base_url=f"{server}/wdi", cache=cache)
    with pytest.raises(DataSourceError, match="answered with an HTML page .*nothing was cached"):
        nt.data.load("wdi", "NY.GDP.MKTP.KD", countries="CHN", base_url=f"{server}/wdi", cache=cache)
    assert list((cache / "wdi").iterdir()) == []  # neither answer was kept
    monkeypatch.setenv("FRED_API_KEY", "secret-key")
    with pytest.raises(DataSourceError, match=r"FRED has no series 'RTFPNACHNA632NRUG'.*RTFPNACNA632NRUG"):
        nt.data.load("fred", "RTFPNACHNA632NRUG", base_url=f"{server}/fred404", cache=cache)
    with pytest.raises(SpecificationError, match=r"unknown source 'wbi'.*Close matches"):
        nt.data.load("wbi", "NY.GDP.MKTP.KD")


def test_fred_with_key_from_the_environment(server, cache, monkeypatch):
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    with pytest.raises(DataSourceError, match="FRED needs an API key.*FRED_API_KEY"):
        nt.data.load("fred", "RTFPNACNA632NRUG", base_url=f"{server}/fred", cache=cache)
    monkeypatch.setenv("FRED_API_KEY", "secret-key")
    df = nt.data.load("fred", "RTFPNACNA632NRUG", base_url=f"{server}/fred", cache=cache, progress=True)
    assert df["year"].tolist() == [2016, 2017, 2018, 2019] and df["year"].dtype == np.int64
    assert df.loc[df.year == 2017, "value"].item() == 1.0 and np.isnan(df.loc[df.year == 2019, "value"].item())
    assert all("secret-key" not in u for u in df.attrs["url"]) and "api_key=secret-key" in _Handler.requests[-1]
    assert df.attrs["source"].startswith("FRED") and df.attrs["version"] == "2026-11-20"
    # the units are the series' own (from fred/series), not the observations' transformation code "lin"
    assert df.attrs["units"] == "Index 2017=1" and df.attrs["frequency"] == "Annual"
    assert df.attrs["title"].startswith("Total Factor Productivity") and len(_Handler.requests) == 2


def test_oecd_sdmx_csv(server, cache):
    key = "USA+DEU.A.GDPHRS._T.USD_PPP_H.LR.N._Z.PPP"
    df = nt.data.load("oecd", key, start=2021, base_url=f"{server}/oecd", cache=cache)
    assert list(df.columns[:3]) == ["countrycode", "year", "period"] and df.columns[-1] == "value"
    assert {"MEASURE", "UNIT_MEASURE", "ASSET_CODE", "CONVERSION_TYPE"} <= set(df.columns)
    assert "DATAFLOW" not in df.columns and df["year"].dtype == np.int64
    assert df.loc[(df.countrycode == "USA") & (df.year == 2022), "value"].item() == 75.3
    assert np.isnan(df.loc[(df.countrycode == "DEU") & (df.year == 2022), "value"].item())  # empty, status M
    assert df.attrs["source"] == "OECD Productivity Database" and df.attrs["version"] == "2.0"
    assert "startPeriod=2021" in df.attrs["url"] and df.attrs["licence"] == "CC BY 4.0"
    # the same key from named dimensions
    assert nt.data.oecd_key(REF_AREA=["USA", "DEU"], FREQ="A", MEASURE="GDPHRS", ACTIVITY="_T",
                            UNIT_MEASURE="USD_PPP_H", PRICE_BASE="LR", TRANSFORMATION="N", ASSET_CODE="_Z",
                            CONVERSION_TYPE="PPP") == key
    # a short key: named before any request; the service's own 422 explained
    with pytest.raises(SpecificationError, match=r"key 'USA.A.GDPHRS' has 3 of the 9 dimensions .*REF_AREA.FREQ"):
        nt.data.load("oecd", "USA.A.GDPHRS", base_url=f"{server}/oecd", cache=cache)
    with pytest.raises(SpecificationError,
                       match=r"unknown OECD dimension\(s\) 'COUNTRY'; the dimensions are \['REF_AREA'"):
        nt.data.oecd_key(COUNTRY="USA")
    with pytest.raises(DataSourceError, match=r"OECD refused key .*HTTP 422: Not enough key values in query, "
                                              r"expecting 9 got 3"):
        nt.data.load("oecd", {"REF_AREA": "USA", "MEASURE": "GDPHRS"}, base_url=f"{server}/oecd", cache=cache)
    with pytest.raises(DataSourceError, match=r"OECD: no data for key 'CHN.A.XXX......'.*HTTP 404"):
        nt.data.load("oecd", "CHN.A.XXX......", base_url=f"{server}/oecd", cache=cache)
    # quarterly periods ("2024-Q1") parse; other dataflows keep their own dimensions
    q = nt.data.load("oecd", "USA.Q.ULCE", dataflow="OECD.SDD.TPS,DSD_PDB@DF_PDB_ULC_Q,1.0",
                     base_url=f"{server}/oecd", cache=cache)
    assert q["period"].tolist() == ["2024-Q1", "2024-Q2"] and q["year"].tolist() == [2024, 2024]
    assert "ADJUSTMENT" in q.columns and q["value"].tolist() == [118.2, 118.9]


def test_bls_series(server, cache, monkeypatch):
    monkeypatch.setenv("BLS_API_KEY", "bls-secret")
    df = nt.data.load("bls", "MPU4910012", start=2001, end=2023, base_url=f"{server}/bls", cache=cache)
    # two windows of at most 20 years (with a key); the early one has no data ("No Data Available")
    assert [r.split("?")[1].split("&registrationkey")[0] for r in _Handler.requests] == [
        "startyear=2001&endyear=2020", "startyear=2021&endyear=2023"]
    assert df["year"].tolist() == [2021, 2022, 2023] and df["value"].tolist() == [104.128, 103.271, 103.956]
    assert all("bls-secret" not in u for u in df.attrs["url"]) and "registrationkey=bls-secret" in _Handler.requests[-1]
    assert df.attrs["licence"] == "public domain" and "total factor productivity" in df.attrs["units"]
    with pytest.raises(DataSourceError, match=r"BLS has no series 'MPU4910013'.*MPU4910012"):
        nt.data.load("bls", "MPU4910013", start=2021, end=2023, base_url=f"{server}/bls", cache=cache)
    assert [p.name for p in (cache / "bls").iterdir() if "MPU4910013" in p.name] == []  # the failed answer: not kept


def test_bls_quarters_missing_values_and_reduced_ranges(server, cache, monkeypatch):
    monkeypatch.delenv("BLS_API_KEY", raising=False)
    kw = {"base_url": f"{server}/bls", "cache": cache}
    q = nt.data.load("bls", "PRS85006092", start=2024, end=2025, frequency="quarterly", **kw)
    assert list(zip(q.year, q.quarter)) == [(2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4)]
    assert np.isnan(q["value"].iloc[-1]) and "lapse in appropriations" in q["footnotes"].iloc[-1]  # "-": missing
    annual = nt.data.load("bls", "PRS85006092", start=2024, end=2025, **kw)  # Q05: the annual average
    assert annual[["year", "value"]].values.tolist() == [[2024, 2.7]]
    with pytest.raises(DataSourceError, match=r"has no monthly values in 2024-2025; it has \['annual', 'quarterly'\]"):
        nt.data.load("bls", "PRS85006092", start=2024, end=2025, frequency="monthly", **kw)
    _Handler.requests = []
    with pytest.raises(DataSourceError, match=r"BLS cut the years 2014-2023 of 'MPU4900012' short \(Year range has "
                                              r"been reduced"):
        nt.data.load("bls", "MPU4900012", start=2014, end=2023, **kw)
    assert _Handler.requests[0].endswith("startyear=2014&endyear=2023")  # without a key: 10-year windows
    assert [p.name for p in (cache / "bls").iterdir() if "MPU4900012" in p.name] == []
    with pytest.raises(SpecificationError, match=r"^start=2030 comes after end=2025"):
        nt.data.load("bls", "MPU4910012", start=2030, end=2025, **kw)


def test_pwt_versions_by_download(server, cache):
    df = nt.data.load("pwt", "11.0", base_url=f"{server}/ggdc", cache=cache)  # a mirror folder
    assert df["year"].dtype == np.int64 and list(df.countrycode.unique()) == ["CHN", "USA"]
    assert df.loc[(df.countrycode == "CHN") & (df.year == 2018), "rtfpna"].item() == 1.01
    served = (FILES / "pwt_layout.xlsx").read_bytes()
    assert df.attrs["version"] == "11.0" and df.attrs["sha256"] == hashlib.sha256(served).hexdigest()
    assert df.attrs["url"] == f"{server}/ggdc/pwt110.xlsx" and df.attrs["licence"] == "CC BY 4.0"
    # DataverseNL's file access address, or any full address
    by_url = nt.data.load("pwt", "11.0", url=f"{server}/dataverse/api/access/datafile/554105", cache=cache)
    assert by_url.equals(df)
    assert nt.data.pwt.PWT_URLS["11.0"] == "https://dataverse.nl/api/access/datafile/554105"
    with pytest.raises(DataSourceError, match="answered with an HTML page .*a bot check"):
        nt.data.load("pwt", "11.0", url=f"{server}/dataverse/api/access/datafile/bot", cache=cache)
    with pytest.raises(DataSourceError, match="answered with an HTML page"):
        nt.data.load("pwt", "10.01", base_url=f"{server}/ggdc", cache=cache)
    assert [p.name for p in (cache / "pwt").iterdir() if "pwt1001" in p.name] == []
    with pytest.raises(SpecificationError, match=r"PWT 10.0 has no known download address .*url='file:///"):
        nt.data.load("pwt", "10.0", cache=cache)
    with pytest.raises(SpecificationError, match="unknown PWT version '9.1'"):
        nt.data.load("pwt", "9.1", cache=cache)
    assert nt.data.load("pwt").attrs["retrieved"] == "bundled with nqpf_tfp"  # 10.01: no download


@pytest.mark.parametrize("name, args", [
    ("wdi", ("NY.GDP.MKTP.KD",)), ("fred", ("RTFPNACNA632NRUG",)),
    ("oecd", ("USA+DEU.A.GDPHRS._T.USD_PPP_H.LR.N._Z.PPP",)), ("bls", ("MPU4910012", 2021, 2023)), ("pwt", ("11.0",)),
])
def test_every_downloader_caches_and_works_offline_after(server, cache, monkeypatch, name, args):
    monkeypatch.setenv("FRED_API_KEY", "k")
    base = {"wdi": "/wdi", "fred": "/fred", "oecd": "/oecd", "bls": "/bls", "pwt": "/ggdc"}[name]
    kw = {"base_url": f"{server}{base}", "cache": cache}
    if name == "wdi":
        kw["countries"] = ["CHN", "USA"]
    first = nt.data.load(name, *args, **kw)
    made = len(_Handler.requests)
    second = nt.data.load(name, *args, **kw)
    third = nt.data.load(name, *args, offline=True, **kw)
    assert made == (2 if name == "fred" else 1) and len(_Handler.requests) == made  # then only the cache
    assert not first.attrs["from_cache"] and second.attrs["from_cache"] and third.attrs["from_cache"]
    assert first.equals(second) and first.equals(third)
    for key in ("source", "version", "url", "retrieved", "sha256", "licence", "units"):
        assert first.attrs[key], key


def test_sources_listing():
    listing = nt.data.sources()
    assert {"pwt", "wdi", "fred", "oecd", "bls"} <= set(listing.index)
    assert all(listing["licence"].str.len() > 0)
    assert {"title", "url", "licence", "client", "units"} <= set(listing.columns)
