"""Every warning is an nqpf_tfp warning, points at the caller's line (however deep inside the package it
arises) and is emitted once per call."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, DroppedRowsWarning, NqpfTfpWarning

KW = {"entity": "idvar", "time": "timevar"}


def _record(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return caught


def _check(caught, category, count=1):
    mine = [w for w in caught if issubclass(w.category, category)]
    assert len(mine) == count, [str(w.message) for w in caught]
    for w in mine:
        assert w.filename == __file__, f"{w.category.__name__} points at {w.filename}:{w.lineno}"
    assert all(issubclass(w.category, NqpfTfpWarning) for w in caught), [w.category for w in caught]
    return mine


def test_dropped_rows_point_at_the_caller_from_every_entry(chilean):
    holes = chilean.copy()
    holes.loc[[3, 50, 700], "sX"] = np.nan
    _check(_record(lambda: nt.Panel(holes, entity="idvar", time="timevar", columns=["sX"], missing="drop")),
           DroppedRowsWarning)
    _check(_record(lambda: nt.OLS(holes, "Y", ["fX1", "fX2"], "sX", **KW).fit()), DroppedRowsWarning)
    _check(_record(lambda: nt.Wooldridge(holes.drop(index=[3, 50, 700]).assign(pX=holes.pX), "Y", ["fX1", "fX2"],
                                         "sX", "pX", **KW)), DroppedRowsWarning, count=0)
    pwt = nt.datasets.load_pwt()
    _check(_record(lambda: nt.growth_accounting(pwt, output="rgdpna", capital="rkna", labor="emp",
                                                labor_share="labsh", entity="countrycode", time="year")),
           DroppedRowsWarning)


def test_results_and_estimator_warnings_point_at_the_caller(chilean):
    ga = nt.pwt_growth_accounting(nt.datasets.load_pwt())
    _check(_record(lambda: ga.tfp_index(base=1960)), NqpfTfpWarning)  # later starters: not linked
    model = nt.ACF(chilean, "Y", ["fX1", "fX2"], "sX", "pX", **KW)
    (w,) = _check(_record(model.fit), ConvergenceWarning)
    assert "lowers the free input" in str(w.message)


def test_failed_replications_warn_once_at_the_caller(chilean):
    # a control non-zero for one plant only: replications that miss that plant have a singular first stage
    target = chilean.idvar.iloc[0]
    data = chilean.assign(dummy=(chilean.idvar == target).astype(float) * chilean.timevar.sub(2000))
    model = nt.LevinsohnPetrin(data, "Y", ["fX1", "fX2"], "sX", "pX", controls="dummy", **KW)
    (w,) = _check(_record(lambda: model.fit(bootstrap=20, seed=0, on_failure="warn")), ConvergenceWarning)
    assert "failed bootstrap replications" in str(w.message)


def test_the_deprecation_category_is_an_nqpf_tfp_warning():
    assert issubclass(nt.errors.NqpfTfpDeprecationWarning, NqpfTfpWarning)
    assert issubclass(nt.errors.NqpfTfpDeprecationWarning, DeprecationWarning)


@pytest.mark.parametrize("bad", [{"method": "gmmm"}, {"moments": "over"}])
def test_option_errors_name_the_keyword_typed(chilean, bad):
    cls = nt.Wooldridge if "method" in bad else nt.ACF
    keyword, value = next(iter(bad.items()))
    with pytest.raises(nt.errors.SpecificationError, match=rf"^{keyword}='{value}' is not a valid value; valid"):
        cls(chilean, "Y", ["fX1", "fX2"], "sX", "pX", **bad, **KW)
