"""A sweep of odd or wrong inputs across the public API: each is answered by an nqpf_tfp error that names the
parameter or column (never a foreign TypeError/ValueError/KeyError from numpy or pandas, never a result)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import NqpfTfpError

KW = {"entity": "idvar", "time": "timevar"}
FREE = ["fX1", "fX2"]


@pytest.fixture(scope="module")
def small():
    data = nt.datasets.load_chilean()
    return data[data.idvar.isin(data.idvar.unique()[:80])]


@pytest.fixture(scope="module")
def pwt():
    return nt.datasets.load_pwt()


ESTIMATORS = {
    "OLS": lambda d, **k: nt.OLS(d, *k.pop("roles", ("Y", FREE, "sX")), **k),
    "FixedEffects": lambda d, **k: nt.FixedEffects(d, *k.pop("roles", ("Y", FREE, "sX")), **k),
    "OlleyPakes": lambda d, **k: nt.OlleyPakes(d, *k.pop("roles", ("Y", FREE, "sX", "inv")), **k),
    "LevinsohnPetrin": lambda d, **k: nt.LevinsohnPetrin(d, *k.pop("roles", ("Y", FREE, "sX", "pX")), **k),
    "ACF": lambda d, **k: nt.ACF(d, *k.pop("roles", ("Y", FREE, "sX", "pX")), **k),
    "Wooldridge": lambda d, **k: nt.Wooldridge(d, *k.pop("roles", ("Y", FREE, "sX", "pX")), **k),
}

CONSTRUCTION = [  # (keyword arguments, text the message must contain)
    ({"roles": (["Y"], FREE, "sX", "pX"), **KW}, "output"),
    ({"roles": (3.5j, FREE, "sX", "pX"), **KW}, "output"),
    ({"roles": ("nope", FREE, "sX", "pX"), **KW}, "nope"),
    ({"roles": ("Y", ["fX1", ["fX2"]], "sX", "pX"), **KW}, "free"),
    ({"roles": ("Y", {"fX1": 1}, "sX", "pX"), **KW}, "free"),
    ({"roles": ("Y", FREE, ["sX", None], "pX"), **KW}, "state"),
    ({"entity": ["idvar"], "time": "timevar"}, "entity"),
    ({"entity": "idvar", "time": 5}, "5"),
    ({"entity": "nope", "time": "timevar"}, "nope"),
    ({"form": "cd", **KW}, "form"),
    ({"form": 1, **KW}, "form"),
    ({"poly_degree": 0, **KW}, "poly_degree"),
    ({"poly_degree": 2.5, **KW}, "poly_degree"),
    ({"markov_degree": "3", **KW}, "markov_degree"),
    ({"missing": "ignore", **KW}, "missing"),
    ({"take_logs": "yes", **KW}, "take_logs"),
    ({"value_added": None, **KW}, "value_added"),
]


@pytest.mark.parametrize("name", list(ESTIMATORS))
@pytest.mark.parametrize("kwargs, text", CONSTRUCTION, ids=range(len(CONSTRUCTION)))
def test_estimator_construction(small, name, kwargs, text):
    kwargs = dict(kwargs)
    roles = kwargs.get("roles")
    if roles and name in ("OLS", "FixedEffects"):
        kwargs["roles"] = roles[:3]
    with pytest.raises(NqpfTfpError, match=text.replace("(", r"\(")):
        ESTIMATORS[name](small, **kwargs)


@pytest.mark.parametrize("data", [[1, 2, 3], {"Y": [1.0]}, None, np.ones((3, 3))])
def test_data_that_is_not_a_frame(data):
    with pytest.raises(NqpfTfpError, match="data must be a pandas DataFrame"):
        nt.OLS(data, "Y", FREE, "sX", **KW)


FIT = [
    ({"cov_type": "hac"}, "cov_type"), ({"cov_type": 1}, "cov_type"), ({"bootstrap": -1}, "bootstrap"),
    ({"bootstrap": 2.5}, "bootstrap"), ({"bootstrap": "10"}, "bootstrap"), ({"bootstrap": 3, "seed": -3}, "seed"),
    ({"bootstrap": 3, "seed": "x"}, "seed"), ({"n_jobs": 0}, "n_jobs"), ({"n_jobs": -2}, "n_jobs"),
    ({"n_jobs": "2"}, "n_jobs"), ({"backend": "ray"}, "backend"), ({"backend": 2}, "backend"),
    ({"on_failure": "skip"}, "on_failure"), ({"bootstrap": 3, "seed": 0, "progress": "no"}, "progress"),
]


@pytest.mark.parametrize("name", ["OLS", "LevinsohnPetrin", "Wooldridge"])
@pytest.mark.parametrize("kwargs, text", FIT, ids=range(len(FIT)))
def test_fit_arguments(small, name, kwargs, text):
    model = ESTIMATORS[name](small, **KW)
    with pytest.raises(NqpfTfpError, match=text):
        model.fit(**kwargs)


GROWTH = [
    (lambda p: nt.growth_accounting(p, ["rgdpna"], capital="rkna", entity="countrycode", time="year"), "output"),
    (lambda p: nt.growth_accounting(p, "rgdpna", capital=["rkna"], entity="countrycode", time="year"), "capital"),
    (lambda p: nt.growth_accounting(p, "rgdpna", labor="emp", labor_share=1.5, entity="countrycode",
                                    time="year"), "labor"),
    (lambda p: nt.growth_accounting(p, "rgdpna", labor="emp", labor_share=[0.6], entity="countrycode",
                                    time="year"), "share"),
    (lambda p: nt.growth_accounting(p, "rgdpna", labor="emp", labor_share="nope", entity="countrycode",
                                    time="year"), "nope"),
    (lambda p: nt.growth_accounting(p, "rgdpna", inputs="rkna", entity="countrycode", time="year"), "inputs"),
    (lambda p: nt.growth_accounting(p, "rgdpna", inputs=["rkna"], entity="countrycode", time="year"), "inputs"),
    (lambda p: nt.growth_accounting(p, "rgdpna", capital="rkna", method="tornqvist2", entity="countrycode",
                                    time="year"), "method"),
    (lambda p: nt.growth_accounting(p, "rgdpna", entity="countrycode", time="year"), "no inputs"),
    (lambda p: nt.level_accounting(p, "cgdpo", "cn", "emp", alpha=[0.3], entity="countrycode", time="year"),
     "alpha"),
    (lambda p: nt.level_accounting(p, "cgdpo", "cn", "emp", alpha=1.2, entity="countrycode", time="year"), "alpha"),
    (lambda p: nt.level_accounting(p, "cgdpo", "cn", "emp", alpha=True, entity="countrycode", time="year"),
     "alpha"),
    (lambda p: nt.level_accounting(p, "cgdpo", "cn", "emp", form="x", entity="countrycode", time="year"), "form"),
    (lambda p: nt.level_accounting(p, ["cgdpo"], "cn", "emp", entity="countrycode", time="year"), "output"),
    (lambda p: nt.pwt_tfp(p, ["rtfpna"]), "measure"),
    (lambda p: nt.pwt_tfp(p, "tfp"), "measure"),
    (lambda p: nt.pwt_tfp(p, "rtfpna", base=1900), "1900"),
    (lambda p: nt.pwt_tfp(p, "ctfp", reference="XXX"), "XXX"),
    (lambda p: nt.pwt_growth_accounting(p).tfp_index(base="abc"), "abc"),
    (lambda p: nt.pwt_growth_accounting(p).tfp_index(base=1800), "1800"),
    (lambda p: nt.pwt_growth_accounting(p).averages([(2010, 2000)]), "end must come after start"),
]


@pytest.mark.parametrize("call, text", GROWTH, ids=range(len(GROWTH)))
def test_growth_arguments(pwt, call, text):
    with pytest.raises(NqpfTfpError, match=text):
        call(pwt)


def _provinces():
    return pd.DataFrame({"p": ["A"] * 4, "t": [2000, 2001, 2002, 2003], "I": [1.0, 1.1, 1.2, 1.3]})


PIM = [
    ({"depreciation": -0.1, "initial": "divide", "divisor": 0.1}, "depreciation"),
    ({"depreciation": [0.05], "initial": "divide", "divisor": 0.1}, "depreciation"),
    ({"preset": "x"}, "preset"),
    ({"depreciation": 0.05, "initial": "x"}, "initial"),
]


@pytest.mark.parametrize("kwargs, text", PIM, ids=range(len(PIM)))
def test_capital_stock_arguments(kwargs, text):
    with pytest.raises(NqpfTfpError, match=text):
        nt.growth.perpetual_inventory(_provinces(), "I", entity="p", time="t", **kwargs)


DATA = [
    (lambda: nt.data.load(1), "unknown source"),
    (lambda: nt.data.load("x"), "unknown source"),
    (lambda: nt.data.load("pwt", offlin=True), "offlin"),
    (lambda: nt.data.load("pwt", "9.1"), "9.1"),
    (lambda: nt.data.load("wdi", "NY.GDP.MKTP.KD", countries=5, offline=True), "countries"),
    (lambda: nt.data.load("oecd", "USA.A", offline=True), "dimensions"),
    (lambda: nt.data.load("bls", "MPU4910012", start=2020, end=2010, offline=True), "start"),
    (lambda: nt.data.load("bls", "MPU4910012", frequency="weekly", offline=True), "frequency"),
    (lambda: nt.Panel([1, 2], entity="a", time="b"), "data must be"),
    (lambda: nt.Panel(pd.DataFrame({"a": [1], "b": [1]}), entity=["a"], time="b"), "entity"),
    (lambda: nt.Panel(pd.DataFrame({"a": [1], "b": [1]}), entity="a", time="b", columns=5), "5"),
]


@pytest.mark.parametrize("call, text", DATA, ids=range(len(DATA)))
def test_data_and_panel_arguments(call, text):
    with pytest.raises(NqpfTfpError, match=text):
        call()


def test_how_many_odd_inputs_the_sweep_tries():
    # 6 estimators x 17 constructions + 4 non-frames + 3 estimators x 14 fit calls + 21 growth + 4 PIM + 11 data
    assert len(ESTIMATORS) * len(CONSTRUCTION) + 4 + 3 * len(FIT) + len(GROWTH) + len(PIM) + len(DATA) == 184
