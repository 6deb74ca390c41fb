"""Degenerate data is named, not estimated: variables without within-firm variation, too few firms for
clustered standard errors, magnitudes that overflow, levels where GNR needs log shares; and no result with a
non-finite parameter or standard error is ever returned."""

from __future__ import annotations

import numpy as np
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import EstimationError, PanelError, SpecificationError
from nqpf_tfp.production.checks import check_result

KW = {"entity": "idvar", "time": "timevar"}
FREE = ["fX1", "fX2"]


def _firm_mean(data, column):
    return data.assign(**{column: data.groupby("idvar")[column].transform("mean")})


@pytest.mark.parametrize("make, role, column", [
    (lambda d: nt.FixedEffects(_firm_mean(d, "sX"), "Y", FREE, "sX", **KW), "state", "sX"),
    (lambda d: nt.FixedEffects(_firm_mean(d, "fX1"), "Y", FREE, "sX", **KW), "free", "fX1"),
    (lambda d: nt.FixedEffects(d.assign(ind=d.idvar % 2), "Y", FREE, "sX", controls="ind", **KW), "controls", "ind"),
    (lambda d: nt.LevinsohnPetrin(_firm_mean(d, "sX"), "Y", FREE, "sX", "pX", **KW), "state", "sX"),
    (lambda d: nt.LevinsohnPetrin(_firm_mean(d, "pX"), "Y", FREE, "sX", "pX", **KW), "proxy", "pX"),
    (lambda d: nt.OlleyPakes(_firm_mean(d, "inv"), "Y", FREE, "sX", "inv", **KW), "proxy", "inv"),
    (lambda d: nt.ACF(d.assign(pX=1.0), "Y", FREE, "sX", "pX", **KW), "proxy", "pX"),
    (lambda d: nt.ACF(_firm_mean(d, "sX"), "Y", FREE, "sX", "pX", **KW), "state", "sX"),
    (lambda d: nt.Wooldridge(_firm_mean(d, "sX"), "Y", FREE, "sX", "pX", **KW), "state", "sX"),
    (lambda d: nt.RobinsonWooldridge(_firm_mean(d, "pX"), "Y", FREE, "sX", "pX", **KW), "proxy", "pX"),
])
def test_no_variation_within_firms_is_named(chilean, make, role, column):
    with pytest.raises(PanelError, match=rf"{role} column '{column}' does not vary within firms"):
        make(chilean)


def test_ols_does_not_need_within_variation(chilean):
    res = nt.OLS(_firm_mean(chilean, "sX"), "Y", FREE, "sX", **KW).fit()
    assert np.isfinite(res.std_errors).all()


@pytest.mark.parametrize("n_firms, make", [
    (3, lambda d: nt.ACF(d, "Y", FREE, "sX", "pX", **KW).fit()),
    (3, lambda d: nt.LevinsohnPetrin(d, "Y", FREE, "sX", "pX", **KW).fit(bootstrap=5, seed=0)),
    (3, lambda d: nt.Wooldridge(d, "Y", FREE, "sX", "pX", **KW).fit()),
    (2, lambda d: nt.OLS(d, "Y", "fX2", "sX", **KW).fit()),
])
def test_fewer_firms_than_parameters_for_clustered_errors(chilean, n_firms, make):
    firms = chilean.groupby("idvar").filter(lambda g: g.fX1.nunique() > 1 and g.fX2.nunique() > 1).idvar.unique()
    data = chilean[chilean.idvar.isin(firms[:n_firms])]
    with pytest.raises(PanelError, match=rf"{n_firms} firm\(s\) \(idvar\) for \d+ parameters: firm-clustered"):
        make(data)


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_unclustered_errors_need_no_firm_count(chilean):
    firms = chilean.idvar.unique()[:2]
    data = chilean[chilean.idvar.isin(firms)]
    res = nt.OLS(data, "Y", "fX2", "sX", **KW).fit(cov_type="robust")
    assert np.isfinite(res.std_errors).all()


@pytest.mark.parametrize("column, role", [("sX", "state"), ("Y", "output"), ("pX", "proxy")])
def test_magnitudes_that_overflow_are_named(chilean, column, role):
    huge = chilean.assign(**{column: chilean[column] * 1e200})
    with pytest.raises(PanelError, match=rf"{role} column '{column}' has values up to .*e\+20\d: their squares"):
        nt.ACF(huge, "Y", FREE, "sX", "pX", **KW)
    with pytest.raises(PanelError, match="take_logs=True for levels"):
        nt.LevinsohnPetrin(huge, "Y", FREE, "sX", "pX", **KW)


def test_gnr_needs_log_shares_and_says_so():
    data = nt.datasets.load_colombian_gnr()
    kw = {"fixed": ["L", "K"], "flexible": "RI", "entity": "id", "time": "year"}
    levels = data.assign(share=np.exp(data.share))
    with pytest.raises(SpecificationError, match=r"share column 'share' is positive in 100% of rows .* log of the "
                                                 r"flexible input's revenue share"):
        nt.GNR(levels, "RGO", share="share", **kw)
    with pytest.raises(SpecificationError, match="positive in"):
        nt.GNR(levels.assign(share=levels.share * 3), "RGO", share="share", **kw)
    nt.GNR(data, "RGO", share="share", **kw)  # the published log shares (0.7% positive: noise) are accepted


@pytest.mark.parametrize("params, se, message", [
    ([0.3, np.nan], [0.1, 0.1], r"the estimate of \['k'\] is not finite"),
    ([0.3, np.inf], [0.1, 0.1], r"the estimate of \['k'\] is not finite"),
    ([0.3, 0.2], [0.0, 0.1], r"the standard error of \['l'\] is not a positive finite number"),
    ([0.3, 0.2], [0.1, np.nan], r"the standard error of \['k'\]"),
])
def test_non_finite_results_are_errors(params, se, message):
    with pytest.raises(EstimationError, match=message):
        check_result(np.array(params), np.array(se), ["l", "k"], "Test")
