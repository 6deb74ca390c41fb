"""Production estimators: bad input, formulas, invariances, bootstrap reproducibility and failures."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, EstimationError, PanelError, SpecificationError

KW = {"entity": "idvar", "time": "timevar"}
FREE = ["fX1", "fX2"]




@pytest.fixture(scope="module")
def small(chilean) -> pd.DataFrame:
    """The first 120 plants: fast enough for property tests."""
    ids = chilean.idvar.drop_duplicates().iloc[:120]
    return chilean[chilean.idvar.isin(ids)].reset_index(drop=True)


# -------------------------------------------------------------- bad input
def test_proxy_not_positive_before_logs(chilean):
    levels = np.exp(chilean[["Y", "fX1", "fX2", "sX", "pX"]]).assign(idvar=chilean.idvar, timevar=chilean.timevar)
    levels.loc[7, "pX"] = 0.0
    with pytest.raises(PanelError, match=r"column 'pX' must be strictly positive.*index 7"):
        nt.LevinsohnPetrin(levels, "Y", FREE, "sX", "pX", take_logs=True, **KW)


def test_take_logs_equals_logs_given(chilean):
    levels = np.exp(chilean[["Y", "fX1", "fX2", "sX", "pX"]]).assign(idvar=chilean.idvar, timevar=chilean.timevar)
    a = nt.Wooldridge(levels, "Y", FREE, "sX", "pX", take_logs=True, **KW).fit()
    b = nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", **KW).fit()
    np.testing.assert_allclose(a.params, b.params, atol=1e-9)


def test_column_in_two_roles(chilean):
    with pytest.raises(SpecificationError, match=r"column 'sX' is given as both state and proxy"):
        nt.LevinsohnPetrin(chilean, "Y", FREE, "sX", "sX", **KW)
    with pytest.raises(SpecificationError, match=r"column 'fX1' is given as both free and state"):
        nt.OLS(chilean, "Y", FREE, "fX1", **KW)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"form": "ces"}, r"form='ces'.*'cobb-douglas'.*'translog'"),
    ({"missing": "skip"}, r"missing='skip'.*'raise'.*'drop'"),
    ({"method": "ols"}, r"^method='ols'.*'iv'.*'gmm'.*'prodest-gmm'"),
    ({"poly_degree": 0}, r"poly_degree must be a whole number >= 1"),
])
def test_unknown_option_values_list_valid_ones(chilean, kwargs, message):
    with pytest.raises(SpecificationError, match=message):
        nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", **KW, **kwargs)


def test_unknown_cov_type_and_fit_options(chilean):
    model = nt.OLS(chilean, "Y", FREE, "sX", **KW)
    with pytest.raises(SpecificationError, match=r"cov_type='hac'.*'cluster'.*'robust'"):
        model.fit(cov_type="hac")
    with pytest.raises(SpecificationError, match=r"cov_type='prodest' is not available for OLS"):
        model.fit(cov_type="prodest")
    with pytest.raises(SpecificationError, match=r"on_failure='ignore'.*'raise'.*'warn'"):
        model.fit(on_failure="ignore")
    # GNR's reproduction of gnrprod (not a root of the moments) has bootstrap standard errors only
    with pytest.raises(SpecificationError, match="no analytic standard errors: pass bootstrap=B"):
        nt.GNR(nt.datasets.simulate_gnr(50, 5, seed=0), "y", ["l", "k"], "m", "share", entity="firm",
               time="year", second_stage="gnrprod").fit()


def test_no_firm_observed_twice(chilean):
    once = chilean.drop_duplicates("idvar")
    with pytest.raises(PanelError, match="OlleyPakes needs at least one entity observed in two consecutive periods"):
        nt.OlleyPakes(once, "Y", FREE, "sX", "inv", **KW)
    with pytest.raises(PanelError, match="FixedEffects needs firms observed more than once"):
        nt.FixedEffects(once, "Y", FREE, "sX", **KW).fit()


def test_collinear_inputs_named(chilean):
    data = chilean.assign(fX3=2.0 * chilean.fX1 - chilean.sX)
    with pytest.raises(EstimationError, match=r"column 'sX' is collinear with the columns before it"):
        nt.OLS(data, "Y", ["fX1", "fX3"], "sX", **KW)


def test_missing_proxy_and_state(chilean):
    with pytest.raises(SpecificationError, match="needs proxy="):
        nt.LevinsohnPetrin(chilean, "Y", FREE, "sX", **KW)
    with pytest.raises(SpecificationError, match="needs state="):
        nt.Wooldridge(chilean, "Y", FREE, proxy="pX", **KW)
    with pytest.raises(SpecificationError, match="uses no proxy"):
        nt.OLS(chilean, "Y", FREE, "sX", "pX", **KW)
    with pytest.raises(SpecificationError, match="translog' is not available for LevinsohnPetrin"):
        nt.LevinsohnPetrin(chilean, "Y", FREE, "sX", "pX", form="translog", **KW)


def test_duplicate_keys_and_input_frame_untouched(chilean):
    before = chilean.copy(deep=True)
    nt.OlleyPakes(chilean, "Y", FREE, "sX", "inv", exit=True, **KW).fit(bootstrap=3, seed=1)
    pd.testing.assert_frame_equal(chilean, before)
    with pytest.raises(PanelError, match=r"duplicate \(idvar, timevar\) keys"):
        nt.OLS(pd.concat([chilean, chilean.iloc[:1]]), "Y", FREE, "sX", **KW)


# ------------------------------------------------------------------ bootstrap
@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_bootstrap_same_seed_same_numbers_any_n_jobs(small):
    model = nt.LevinsohnPetrin(small, "Y", FREE, "sX", "pX", **KW)
    a = model.fit(bootstrap=12, seed=42, n_jobs=1)
    b = model.fit(bootstrap=12, seed=42, n_jobs=2)
    forked = model.fit(bootstrap=12, seed=42, n_jobs=2, backend="processes")
    c = model.fit(bootstrap=12, seed=43)
    pd.testing.assert_frame_equal(a.cov, b.cov, rtol=0, atol=0)
    pd.testing.assert_frame_equal(a.cov, forked.cov, rtol=0, atol=0)
    assert not np.allclose(a.cov, c.cov)
    assert a.diagnostics["bootstrap_replications"] == 12 and a.cov_type == "bootstrap"


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_bootstrap_failure_is_reported_not_swallowed(small):
    # a control that is non-zero for one plant only: replications that miss it have a singular first stage
    target = small.idvar.iloc[0]
    data = small.assign(dummy=(small.idvar == target).astype(float) * small.timevar.sub(2000))
    model = nt.LevinsohnPetrin(data, "Y", FREE, "sX", "pX", controls="dummy", **KW)
    message = r"of 20 bootstrap replications failed \(replication \d+: EstimationError"
    with pytest.raises(EstimationError, match=message):
        model.fit(bootstrap=20, seed=0)
    with pytest.warns(ConvergenceWarning, match=r"dropped \d+ of 20 failed bootstrap replications"):
        res = model.fit(bootstrap=20, seed=0, on_failure="warn")
    failures = res.diagnostics["bootstrap_failures"]
    assert failures and res.diagnostics["bootstrap_replications"] == 20 - len(failures)


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_progress_bar(small, capsys):
    nt.LevinsohnPetrin(small, "Y", FREE, "sX", "pX", **KW).fit(bootstrap=3, seed=0, progress=True)
    assert "bootstrap" in capsys.readouterr().err


# ------------------------------------------------------------------ formulas
@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
@pytest.mark.parametrize("cls", [nt.OlleyPakes, nt.LevinsohnPetrin, nt.Wooldridge])
def test_formula_equals_keywords(chilean, cls):
    proxy = "inv" if cls is nt.OlleyPakes else "pX"
    fit = {"bootstrap": 2, "seed": 0} if cls is not nt.Wooldridge else {}
    a = cls.from_formula(f"Y ~ fX1 + fX2 | sX | {proxy}", chilean, **KW).fit(**fit)
    b = cls(chilean, "Y", FREE, "sX", proxy, **KW).fit(**fit)
    pd.testing.assert_series_equal(a.params, b.params)


def test_formula_transformations_and_errors(chilean):
    levels = chilean.assign(K=np.exp(chilean.sX))
    a = nt.OLS.from_formula("Y ~ fX1 + fX2 | np.log(K)", levels, **KW).fit()
    b = nt.OLS(chilean, "Y", FREE, "sX", **KW).fit()
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), atol=1e-10)
    with pytest.raises(SpecificationError, match="at most 3"):
        nt.OLS.from_formula("Y ~ fX1 | sX | pX | inv", chilean, **KW)
    with pytest.raises(SpecificationError, match="formula must look like"):
        nt.OLS.from_formula("Y fX1", chilean, **KW)


# ------------------------------------------------------------------ results
@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_results_interface(chilean):
    res = nt.Wooldridge(chilean, "Y", FREE, "sX", "pX", method="gmm", **KW).fit()
    ci = res.conf_int(0.95)
    np.testing.assert_allclose(ci["upper"] - res.params, 1.959964 * res.std_errors, rtol=1e-6)
    assert ((res.pvalues > 0) & (res.pvalues < 1)).all()
    np.testing.assert_allclose(res.tstats, res.params / res.std_errors)
    text = str(res.summary())
    assert "Wald test of constant returns" in text and "Hansen's J" in text
    assert r"\begin{tabular}" in res.summary().as_latex()
    keys = pd.MultiIndex.from_frame(chilean[["idvar", "timevar"]])
    assert res.tfp.index.names == ["idvar", "timevar"] and res.tfp.index.sort_values().equals(keys.sort_values())
    wald, p = res.crs_test()
    rts_var = res.cov.to_numpy().sum()
    assert wald == pytest.approx((res.returns_to_scale - 1) ** 2 / rts_var)
    with pytest.raises(AttributeError):
        res.params = None  # read-only


def test_olley_pakes_exit_column_and_flag(chilean):
    flag = nt.OlleyPakes(chilean, "Y", FREE, "sX", "inv", exit=True, **KW).fit(bootstrap=2, seed=0)
    d = chilean.sort_values(["idvar", "timevar"])
    last = d.groupby("idvar").timevar.transform("max")
    exits = (chilean.timevar == last.reindex(chilean.index)) & (chilean.timevar < 2006)
    exit_col = chilean.assign(ex=exits.astype(int))
    col = nt.OlleyPakes(exit_col, "Y", FREE, "sX", "inv", exit="ex", **KW).fit(bootstrap=2, seed=0)
    pd.testing.assert_series_equal(flag.params, col.params)
    plain = nt.OlleyPakes(chilean, "Y", FREE, "sX", "inv", **KW).fit(bootstrap=2, seed=0)
    assert not np.allclose(flag.params, plain.params)
    with pytest.raises(PanelError, match="must hold only 0 and 1"):
        nt.OlleyPakes(exit_col.assign(ex=2), "Y", FREE, "sX", "inv", exit="ex", **KW)


# --------------------------------------------------------------- invariances
@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**16), shifts=st.lists(st.floats(-3, 3), min_size=4, max_size=4))
@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.ModelWarning")  # the subject is not the model checks
def test_row_order_relabelling_and_log_shifts(small, seed, shifts):
    rng = np.random.default_rng(seed)
    base = {
        "lp": nt.LevinsohnPetrin(small, "Y", FREE, "sX", "pX", **KW).point_estimates().to_numpy(),
        "wg": nt.Wooldridge(small, "Y", FREE, "sX", "pX", method="gmm", **KW).fit().params.to_numpy(),
        "fe": nt.FixedEffects(small, "Y", FREE, "sX", **KW).fit().params.to_numpy(),
    }
    shuffled = small.iloc[rng.permutation(len(small))]
    relabel = dict(zip(small.idvar.unique(), rng.permutation(10_000)[: small.idvar.nunique()]))
    changed = shuffled.assign(idvar=shuffled.idvar.map(relabel))
    for col, shift in zip(["fX1", "fX2", "sX", "pX"], shifts):
        changed[col] = changed[col] + shift
    lp = nt.LevinsohnPetrin(changed, "Y", FREE, "sX", "pX", **KW)
    # LP: the second stage ends with Newton steps on the exact (complex-step) gradient of the sufficient-
    # statistics criterion, so it agrees to rounding too (measured: worst 2.7e-14 over 100 random
    # shift/permutation cases on the full and a 120-plant sample; BFGS alone stopped ~3e-8 away).
    np.testing.assert_allclose(lp.point_estimates().to_numpy(), base["lp"], atol=1e-10)
    np.testing.assert_allclose(
        nt.Wooldridge(changed, "Y", FREE, "sX", "pX", method="gmm", **KW).fit().params, base["wg"], atol=1e-7)
    np.testing.assert_allclose(nt.FixedEffects(changed, "Y", FREE, "sX", **KW).fit().params, base["fe"], atol=1e-9)


@pytest.mark.parametrize("make, fit", [
    (lambda d: nt.ACF(d, "Y", FREE, "sX", "pX", starts=16, **KW), {}),
    (lambda d: nt.Wooldridge(d, "Y", FREE, "sX", "pX", **KW), {"bootstrap": 3, "seed": 1}),
    (lambda d: nt.LevinsohnPetrin(d, "Y", FREE, "sX", "pX", **KW), {"bootstrap": 3, "seed": 1}),
])
def test_fit_leaves_the_estimator_unchanged(chilean, make, fit):
    """fit() caches what the bootstrap needs on a working copy: the estimator's attributes are the same objects
    afterwards, so fitting twice, or from several threads, starts from the same state."""
    model = make(chilean)
    before = dict(vars(model))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nt.errors.NqpfTfpWarning)  # the subject is the state, not the checks
        first = model.fit(**fit)
        second = model.fit(**fit)
    after = vars(model)
    assert after.keys() == before.keys() and all(after[k] is before[k] for k in before)
    pd.testing.assert_series_equal(first.params, second.params)
