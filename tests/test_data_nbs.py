"""China's National Bureau of Statistics downloader against a real HTTP server on 127.0.0.1 serving its
query interface's answers (``getTree``, ``QueryData``) in the layout the live service returns
(tests/data/README.md says where the layout was recorded). No test touches the internet."""

from __future__ import annotations

import hashlib
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ArgumentError, DataSourceError

FILES = Path(__file__).parent / "data" / "http"
CODES = ("A020101", "A020102", "A050101", "A040101", "A070101", "A0C0101")


class _NBS(BaseHTTPRequestHandler):
    """Answers like easyquery.htm: getTree by node id, QueryData by the indicator in ``wds``."""

    requests: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.requests.append(query)
        body, status = b"not found", 404
        if url.path == "/easyquery.htm":
            if query.get("m") == ["getTree"]:
                name = FILES / f"nbs_tree_{query['dbcode'][0]}_{query['id'][0]}.json"
                body, status = (name.read_bytes(), 200) if name.exists() else (b"[]", 200)
            elif query.get("m") == ["QueryData"]:
                code = json.loads(query["wds"][0])[0]["valuecode"]
                name = FILES / f"nbs_{query['dbcode'][0]}_{code}.json"
                body, status = (name.read_bytes(), 200) if name.exists() else (
                    (FILES / "nbs_error.json").read_bytes(), 200)
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def nbs(serve):
    with serve(_NBS) as url:
        yield f"{url}/easyquery.htm"


@pytest.fixture()
def cache(download_cache):
    _NBS.requests = []
    return download_cache


def test_an_indicator_by_province_and_year_with_units_and_provenance(nbs, cache):
    gdp = nt.data.load("nbs", "A020101", years=(2016, 2020), base_url=nbs, cache=cache)
    assert list(gdp.columns) == ["region_code", "region", "year", "indicator", "name", "unit", "value"]
    assert gdp.shape == (20, 7) and gdp["year"].dtype == np.int64
    beijing = gdp[gdp.region == "北京市"].set_index("year")["value"]
    assert beijing.loc[2016] == 25669.0 and beijing.index.tolist() == [2016, 2017, 2018, 2019, 2020]
    assert set(gdp.region_code) == {"110000", "310000", "320000", "440000"}
    assert gdp.attrs["units"] == {"A020101": "亿元"} and gdp["name"].iloc[0] == "地区生产总值(亿元)"
    served = (FILES / "nbs_fsnd_A020101.json").read_bytes()
    assert gdp.attrs["sha256"] == hashlib.sha256(served).hexdigest()
    assert gdp.attrs["source"].startswith("National Bureau of Statistics of China")
    query = _NBS.requests[0]
    assert query["m"] == ["QueryData"] and query["dbcode"] == ["fsnd"] and query["rowcode"] == ["reg"]
    assert json.loads(query["dfwds"][0]) == [{"wdcode": "sj", "valuecode": "2016-2020"}]
    again = nt.data.load("nbs", "A020101", years=(2016, 2020), base_url=nbs, cache=cache)
    assert len(_NBS.requests) == 1 and again.attrs["from_cache"] is True and again.equals(gdp)


def test_a_value_the_nbs_has_not_published_is_missing_not_zero(nbs, cache):
    energy = nt.data.load("nbs", "A070101", years=(2016, 2020), base_url=nbs, cache=cache)
    gd = energy[(energy.region_code == "440000") & (energy.year == 2020)]
    assert gd["value"].isna().all() and energy["value"].notna().sum() == 19


def test_several_indicators_and_regions_by_name_or_code(nbs, cache):
    both = nt.data.load("nbs", ["A020101", "A040101"], years="LAST5", regions=["北京市", "440000"], base_url=nbs,
                        cache=cache)
    assert sorted(both.indicator.unique()) == ["A020101", "A040101"]
    assert sorted(both.region_code.unique()) == ["110000", "440000"] and len(both) == 20
    assert both.attrs["units"] == {"A020101": "亿元", "A040101": "万人"}
    with pytest.raises(DataSourceError, match="Xizang"):
        nt.data.load("nbs", "A020101", regions=["Xizang"], base_url=nbs, cache=cache)


def test_the_indicator_tree_finds_the_codes(nbs, cache):
    top = nt.data.nbs_tree(base_url=nbs, cache=cache)
    assert list(top.columns) == ["id", "name", "is_parent", "parent"]
    assert "国民经济核算" in set(top.name) and top.is_parent.all() and (top.parent == "zb").all()
    accounts = nt.data.nbs_tree("A02", base_url=nbs, cache=cache)
    assert accounts.id.tolist() == ["A0201", "A0202"] and not accounts.is_parent.any()
    assert _NBS.requests[-1]["m"] == ["getTree"] and _NBS.requests[-1]["id"] == ["A02"]
    with pytest.raises(DataSourceError, match="no node 'A99'"):
        nt.data.nbs_tree("A99", base_url=nbs, cache=cache)
    with pytest.raises(ArgumentError, match="databse"):
        nt.data.nbs_tree("A02", databse="fsnd", base_url=nbs, cache=cache)


def test_an_unknown_indicator_or_bad_options_are_clear_errors(nbs, cache):
    with pytest.raises(DataSourceError, match="nbs_tree"):
        nt.data.load("nbs", "A999999", base_url=nbs, cache=cache)
    assert not list((cache / "nbs").glob("*A999999*"))  # an error answer is not cached
    with pytest.raises(DataSourceError, match="database='hgyd'"):
        nt.data.load("nbs", "A020101", database="hgyd", base_url=nbs, cache=cache)
    with pytest.raises(DataSourceError, match="years=.*first year comes first"):
        nt.data.load("nbs", "A020101", years=(2020, 2016), base_url=nbs, cache=cache)
    with pytest.raises(DataSourceError, match="LAST"):
        nt.data.load("nbs", "A020101", years="recent", base_url=nbs, cache=cache)


def test_offline_mode_reads_the_cache_and_refuses_what_is_not_there(nbs, cache):
    nt.data.load("nbs", "A020101", years=(2016, 2020), base_url=nbs, cache=cache)
    cached = nt.data.load("nbs", "A020101", years=(2016, 2020), base_url=nbs, cache=cache, offline=True)
    assert cached.attrs["from_cache"] is True
    with pytest.raises(DataSourceError, match="offline"):
        nt.data.load("nbs", "A050101", years=(2016, 2020), base_url=nbs, cache=cache, offline=True)


def test_from_official_data_to_capital_green_tfp_and_an_index_in_one_script(nbs, cache):
    """The NQPF workflow on NBS's layout: indicators -> a panel -> capital stocks by the perpetual
    inventory method -> a global Malmquist-Luenberger index (SO2 the bad output) -> a composite index."""
    frames = nt.data.load("nbs", list(CODES), years=(2016, 2020), base_url=nbs, cache=cache)
    panel = frames.pivot_table(index=["region", "year"], columns="indicator", values="value").reset_index()
    panel = panel.dropna()  # Guangdong's 2020 energy use is not published
    # real GDP and investment at 2016 prices from the GDP index (previous year = 100)
    panel = panel.sort_values(["region", "year"])
    deflator = panel.groupby("region")["A020102"].transform(lambda s: (s / 100).cumprod() / (s.iloc[0] / 100))
    real_gdp = panel.groupby("region")["A020101"].transform("first") * deflator
    panel = panel.assign(Y=real_gdp, I=panel["A050101"] * real_gdp / panel["A020101"])
    panel["K"] = nt.growth.perpetual_inventory(panel, "I", entity="region", time="year", preset="zhang2004").values
    gml = nt.frontier.malmquist_luenberger(panel, ["K", "A040101", "A070101"], "Y", "A0C0101", entity="region",
                                           time="year", frontier="global")
    assert gml.tfp.notna().sum() >= 12
    scored = panel.join(gml.tfp.rename("green_tfp"), on=["region", "year"])
    index = nt.indices.composite_index(scored.dropna(), {"green_tfp": "+", "A070101": "-"}, entity="region",
                                       time="year")
    assert index.scores.between(0, 1).all() and len(index.scores) == len(scored.dropna())
