"""Dispersion, persistence and transitions of firm productivity against direct computations and a
simulated AR(1) panel with known persistence (0.7) and stationary standard deviation (0.5 / sqrt(0.51))."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError

KW = {"entity": "firm", "time": "year"}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for g in range(2):
        for f in range(400):
            w = rng.normal(0, 0.5 / np.sqrt(1 - 0.49))
            for t in range(6):
                w = 0.7 * w + rng.normal(0, 0.5)
                if rng.uniform() < 0.9:  # gaps, entry and exit
                    rows.append((g, f"{g}-{f}", 2000 + t, w))
    return pd.DataFrame(rows, columns=["industry", "firm", "year", "w"])


def test_dispersion_equals_numpy_percentiles(panel):
    out = nt.analysis.productivity_dispersion(panel, "w", group="industry", **KW)
    cell = panel[(panel.industry == 1) & (panel.year == 2003)].w.to_numpy()
    row = out.loc[(1, 2003)]
    p10, p25, p75, p90 = np.percentile(cell, [10, 25, 75, 90])
    np.testing.assert_allclose([row.p90_p10, row.p75_p25, row.sd, row.firms],
                               [p90 - p10, p75 - p25, cell.std(ddof=1), cell.size], rtol=1e-12)
    assert abs(out.sd.mean() - 0.5 / np.sqrt(0.51)) < 0.05  # the stationary standard deviation


def test_persistence_equals_ols_on_the_consecutive_pairs(panel):
    res = nt.analysis.productivity_persistence(panel, "w", group="industry", **KW)
    out = res.to_frame()
    pd.testing.assert_series_equal(res.params, out["rho"])
    np.testing.assert_allclose(res.std_errors, out["std_error"], rtol=1e-15)
    d = panel.sort_values(["firm", "year"])
    prev = d.groupby("firm").w.shift(1).where(d.groupby("firm").year.diff() == 1)
    pairs = d.assign(lag=prev).dropna(subset=["lag"])
    for g in (0, 1):
        sub = pairs[pairs.industry == g]
        peer = sm.OLS(sub.w, sm.add_constant(sub.lag)).fit(cov_type="cluster", cov_kwds={"groups": sub.firm})
        n, k = len(sub), 2
        assert out.loc[g, "rho"] == pytest.approx(peer.params["lag"], rel=1e-12)
        # statsmodels' cluster correction adds (N - 1) / (N - K) to our G / (G - 1)
        assert out.loc[g, "std_error"] * np.sqrt((n - 1) / (n - k)) == pytest.approx(peer.bse["lag"], rel=1e-10)
        assert out.loc[g, "pairs"] == n
        assert abs(out.loc[g, "rho"] - 0.7) < 3 * out.loc[g, "std_error"]


def test_transitions_by_hand():
    # two periods, four firms ranked (a < b < c < d) in 2000 into 2 classes; in 2001 a and c swap up and
    # down, d exits, e enters
    data = pd.DataFrame({"firm": list("abcdacbe"), "year": [2000] * 4 + [2001] * 4,
                         "w": [1.0, 2.0, 3.0, 4.0, 9.0, 0.0, 1.0, 5.0]})
    table = nt.analysis.productivity_transitions(data, "w", classes=2, **KW)
    # 2001 ranks: c 0 < b 1 < e 5 < a 9 -> classes c 1, b 1, e 2, a 2
    # from class 1 (a, b): a -> 2, b -> 1; from class 2 (c, d): c -> 1, d -> exit; entry: e -> 2
    expected = pd.DataFrame({"1": [0.5, 0.5, 0.0], "2": [0.5, 0.0, 1.0], "exit": [0.0, 0.5, 0.0]},
                            index=pd.Index(["1", "2", "entry"], name="from"))
    pd.testing.assert_frame_equal(table, expected.rename_axis(columns="to"), check_dtype=False)


def test_transition_rows_sum_to_one(panel):
    table = nt.analysis.productivity_transitions(panel, "w", group="industry", classes=5, horizon=2, **KW)
    np.testing.assert_allclose(table.sum(axis=1), 1.0)
    diagonal = np.diag(table.loc[[str(k) for k in range(1, 6)], [str(k) for k in range(1, 6)]])
    assert diagonal.mean() > 0.2  # persistence: more than the 1/5 of independence


@pytest.mark.parametrize("call, error, words", [
    (lambda d: nt.analysis.productivity_dispersion(d.assign(w=np.nan), "w", **KW), PanelError, "missing"),
    (lambda d: nt.analysis.productivity_persistence(pd.concat([d, d.iloc[:1]]), "w", **KW), PanelError,
     "duplicate"),
    (lambda d: nt.analysis.productivity_transitions(d, "w", classes=1, **KW), SpecificationError, "classes"),
    (lambda d: nt.analysis.productivity_dispersion(d, "tfp", **KW), SpecificationError, "not in the data"),
])
def test_bad_input_is_named(call, error, words):
    data = pd.DataFrame({"firm": [1, 1, 2, 2], "year": [1, 2, 1, 2], "w": [0.1, 0.2, 0.3, 0.4]})
    with pytest.raises(error, match=words):
        call(data)
