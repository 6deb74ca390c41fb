"""Arguments are checked where they enter: each wrong type or value is a SpecificationError naming the parameter,
never a foreign TypeError/ValueError from numpy or pandas, and never a silent misreading."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import EstimationError, SpecificationError

KW = {"entity": "idvar", "time": "timevar"}


@pytest.fixture(scope="module")
def small(chilean):
    return chilean[chilean.idvar.isin(chilean.idvar.unique()[:120])]


@pytest.mark.parametrize("call, message", [
    (lambda d: nt.Panel(d, columns=[["fX1"]], **KW), r"^columns must be .*\['fX1'\] is not a column name"),
    (lambda d: nt.Panel(d, columns={"fX1": 1}, **KW), r"^columns must be a column name or a list"),
    (lambda d: nt.Panel(d, entity=["idvar"], time="timevar"), r"^entity must be one column name"),
    (lambda d: nt.OLS(d, ["Y"], "fX1", "sX", **KW), r"^output must be one column name .*a list"),
    (lambda d: nt.OLS(d, "Y", [["fX1"]], "sX", **KW), r"^free must be a column name or a list"),
    (lambda d: nt.OLS(d, "Y", "fX1", {"sX"}, **KW), r"^state must be a column name or a list"),
    (lambda d: nt.OLS(d, "Y", "fX1", "sX", entity="idvar", time=["timevar"]), r"^time must be one column name"),
    (lambda d: nt.ACF(d, "Y", "fX1", "sX", "pX", value_added="no", **KW), r"^value_added must be True or False"),
    (lambda d: nt.OLS(d, "Y", "fX1", "sX", take_logs=1, **KW), r"^take_logs must be True or False"),
    (lambda d: nt.OLS(d, "Y", "fX1", "sX", poly_degree=2.0, **KW), r"^poly_degree must be a whole number >= 1"),
])
def test_names_and_flags(small, call, message):
    with pytest.raises(SpecificationError, match=message):
        call(small)


def test_a_string_is_one_column_not_its_letters(small):
    assert nt.Panel(small, columns="fX1", **KW).nobs == len(small)


@pytest.mark.parametrize("kwargs, message", [
    ({"bootstrap": 2.5}, r"^bootstrap \(replications; 0 for none\) must be a whole number >= 0, not 2.5"),
    ({"bootstrap": -1}, r"^bootstrap .* not -1"),
    ({"bootstrap": True}, r"^bootstrap .* not True"),
    ({"bootstrap": 1, "seed": 0}, r"^bootstrap=1 gives no variance"),
    ({"bootstrap": 2, "seed": -1}, r"^seed must be None, a whole number >= 0, a numpy SeedSequence or a Generator"),
    ({"bootstrap": 2, "seed": 1.5}, r"^seed must be .* not 1.5"),
    ({"bootstrap": 2, "seed": "0"}, r"^seed must be .* not '0'"),
    ({"bootstrap": 2, "seed": 0, "n_jobs": 0}, r"^n_jobs=0 is not allowed: use a positive number, or -1"),
    ({"bootstrap": 2, "seed": 0, "n_jobs": 1.5}, r"^n_jobs must be a whole number"),
    ({"bootstrap": 2, "seed": 0, "progress": "yes"}, r"^progress must be True or False"),
])
def test_fit_arguments(small, kwargs, message):
    with pytest.raises(SpecificationError, match=message):
        nt.LevinsohnPetrin(small, "Y", "fX1", "sX", "pX", **KW).fit(**kwargs)


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_seeds_of_every_accepted_kind_give_the_numbers_of_that_seed(small):
    model = nt.LevinsohnPetrin(small, "Y", "fX1", "sX", "pX", **KW)
    by_int = model.fit(bootstrap=4, seed=7).cov
    by_sequence = model.fit(bootstrap=4, seed=np.random.SeedSequence(7)).cov
    by_generator = model.fit(bootstrap=4, seed=np.random.default_rng(7)).cov
    pd.testing.assert_frame_equal(by_int, by_sequence)
    pd.testing.assert_frame_equal(by_int, by_generator)
    assert np.isfinite(model.fit(bootstrap=4, seed=np.int64(7)).cov.to_numpy()).all()


@pytest.mark.parametrize("level", ["0.9", 0.0, 1.0, 95, None])
def test_confidence_level(small, level):
    res = nt.OLS(small, "Y", "fX1", "sX", **KW).fit()
    with pytest.raises(SpecificationError, match=r"^level must be a number strictly between 0 and 1"):
        res.conf_int(level)


def test_fit_by_names_the_keyword_the_role_and_the_failed_group(small):
    grouped = small.assign(g=(small.idvar % 3))
    with pytest.raises(SpecificationError, match=r"^group='Y' is one of the model's variables \(output\)"):
        nt.fit_by(nt.OLS, grouped, "Y", "Y", "fX1", "sX", **KW)
    with pytest.raises(SpecificationError, match=r"^group='fX1' is one of the model's variables \(free\)"):
        nt.fit_by(nt.OLS, grouped, "fX1", "Y", free=["fX1"], state="sX", **KW)
    with pytest.raises(SpecificationError, match=r"^fit must be a dict of keyword arguments"):
        nt.fit_by(nt.OLS, grouped, "g", "Y", "fX1", "sX", fit="bootstrap", **KW)
    with pytest.raises(SpecificationError, match=r"^group must be one column name"):
        nt.fit_by(nt.OLS, grouped, ["g"], "Y", "fX1", "sX", **KW)
    one_plant = small.assign(g=(small.idvar == small.idvar.iloc[0]).astype(int))
    with pytest.raises(EstimationError, match=r"^g=1: OLS"):
        nt.fit_by(nt.OLS, one_plant, "g", "Y", "fX1", "sX", **KW)


@pytest.mark.parametrize("call, message", [
    (lambda: nt.data.load("pwt", offlin=True), r"unknown keyword argument\(s\) 'offlin' \(did you mean 'offline'\?\)"),
    (lambda: nt.data.load("wdi", "NY.GDP.MKTP.KD", contries=["CHN"]), r"'contries' \(did you mean 'countries'\?\)"),
    (lambda: nt.data.load("wdi", "NY.GDP.MKTP.KD", countries=5, offline=True), r"^countries must be an ISO3 code"),
    (lambda: nt.data.load("wdi", "NY.GDP.MKTP.KD", countries=[["CHN"]], offline=True), r"^countries must be"),
    (lambda: nt.data.load(["pwt"]), r"^unknown source \['pwt'\]"),
])
def test_data_load_arguments(call, message):
    with pytest.raises(SpecificationError, match=message):
        call()
