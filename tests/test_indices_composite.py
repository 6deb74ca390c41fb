"""Composite indices: hand-computed weights and scores, pymcdm and statsmodels as independent
implementations, properties (hypothesis), bad input.

Hand example (three rows, one period): indicator ``a`` = (1, 2, 3) (benefit) and ``b`` = (5, 5, 7) (cost).
Min-max: z_a = (0, 1/2, 1), z_b = (1, 1, 0). Entropy: p_a = (0, 1/3, 2/3), e_a = (ln 3 - (2/3) ln 2) / ln 3;
p_b = (1/2, 1/2, 0), e_b = ln 2 / ln 3 (0 ln 0 = 0); d_a = (2/3) ln 2 / ln 3 = 0.420620, d_b = 1 - ln 2 / ln 3
= 0.369070; w_a = d_a / (d_a + d_b) = 0.532639. Equal-weight TOPSIS with weights inside: v = z / 2, ideal
(1/2, 1/2), anti-ideal (0, 0); row 2: D+ = 1/4, D- = sqrt(1/16 + 1/4) = sqrt(5)/4, closeness
sqrt(5) / (1 + sqrt(5)) = 0.690983. Grey relational (rho = 1/2, equal weights): distances to the ideal
(1, 1): row 1 (1, 0), row 2 (1/2, 0), row 3 (0, 1); d_min 0, d_max 1; coefficients (1/3, 1), (1/2, 1),
(1, 1/3); grades 2/3, 3/4, 2/3. CRITIC: sample sd 1/2 and 1/sqrt(3), r = -sqrt(3)/2, equal conflicts
1 + sqrt(3)/2, so w_a = (1/2) / (1/2 + 1/sqrt(3)) = 0.464102. With two positively correlated indicators
(r > 0) PCA keeps one component (eigenvalues 1 + r and 1 - r), eigenvector (1, 1)/sqrt(2): weights 1/2 each;
KMO = 1/2 (the partial correlation equals r); Bartlett chi2 = -(n - 1 - 3/2) ln(1 - r^2) on 1 df; the
scatter-degree matrix H = (n - 1)[[1, r], [r, 1]] has the same leading eigenvector.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import nqpf_tfp as nt
from nqpf_tfp.errors import EstimationError, IndexWarning, PanelError, SpecificationError
from nqpf_tfp.indices import weights as wt

HAND = pd.DataFrame({"unit": ["u1", "u2", "u3"], "year": 2020, "a": [1.0, 2.0, 3.0], "b": [5.0, 5.0, 7.0]})
DIRECTIONS = {"a": "+", "b": "-"}


def _index(data=HAND, indicators=DIRECTIONS, **kw):
    return nt.indices.composite_index(data, indicators, entity="unit", time="year", **kw)


def _panel(n=12, t=5, m=4, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"unit": np.repeat(np.arange(n), t), "year": np.tile(np.arange(2015, 2015 + t), n)})
    common = rng.normal(size=n * t)
    for j in range(m):  # correlated indicators, as real indicator systems are
        frame[f"x{j}"] = np.exp(0.8 * common + 0.6 * rng.normal(size=n * t))
    return frame


def test_hand_example():
    d_a, d_b = (2 / 3) * np.log(2) / np.log(3), 1 - np.log(2) / np.log(3)
    res = _index()
    np.testing.assert_allclose(res.normalized.to_numpy(), [[0, 1], [0.5, 1], [1, 0]], atol=1e-15)
    np.testing.assert_allclose(res.weights.to_numpy(), [d_a / (d_a + d_b), d_b / (d_a + d_b)], rtol=1e-14)
    assert res.weights["a"] == pytest.approx(0.532639, abs=1e-6)
    top = _index(weights="equal", score="topsis")
    assert top.scores.iloc[1] == pytest.approx(np.sqrt(5) / (1 + np.sqrt(5)), rel=1e-14)
    grey = _index(weights="equal", score="grey")
    np.testing.assert_allclose(grey.scores.to_numpy(), [2 / 3, 3 / 4, 2 / 3], rtol=1e-14)
    critic = _index(weights="critic")
    assert critic.weights["a"] == pytest.approx(0.5 / (0.5 + 1 / np.sqrt(3)), rel=1e-14)
    outside = _index(weights="equal", score="topsis", options=nt.indices.IndexOptions(topsis_weighting="outside"))
    assert outside.scores.iloc[1] == pytest.approx(np.sqrt(0.625) / (np.sqrt(0.125) + np.sqrt(0.625)), rel=1e-14)
    ws = _index(weights={"a": 3, "b": 1})
    np.testing.assert_allclose(ws.scores.to_numpy(), [0.25, 0.625, 0.75], rtol=1e-14)
    obstacle = ws.obstacle_degree()
    np.testing.assert_allclose(obstacle.iloc[0].to_numpy(), [1.0, 0.0], atol=1e-15)  # row 1 lacks only a
    np.testing.assert_allclose(obstacle.iloc[1].to_numpy(), [1.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(obstacle.iloc[2].to_numpy(), [0.0, 1.0], atol=1e-15)  # row 3 lacks only b


def test_pca_and_scatter_degree_with_two_indicators_by_hand():
    rng = np.random.default_rng(2)
    a = rng.normal(size=40)
    frame = pd.DataFrame({"unit": range(40), "year": 2020, "a": a, "b": a + rng.normal(size=40)})
    r = np.corrcoef(frame["a"], frame["b"])[0, 1]
    pca = _index(frame, ["a", "b"], weights="pca")
    np.testing.assert_allclose(pca.weights.to_numpy(), [0.5, 0.5], rtol=1e-12)
    d = pca.diagnostics
    assert d.pca_components == 1 and d.pca_explained == pytest.approx((1 + r) / 2, rel=1e-12)
    assert d.kmo == pytest.approx(0.5, rel=1e-12)
    assert d.bartlett == pytest.approx(-(40 - 1 - 1.5) * np.log(1 - r**2), rel=1e-12)
    np.testing.assert_allclose(_index(frame, ["a", "b"], weights="scatter").weights.to_numpy(), [0.5, 0.5], rtol=1e-12)


def test_against_pymcdm():
    """pymcdm (1.4 on Python >= 3.11, 1.2 on 3.10: the same formulas): entropy (on strictly positive values:
    pymcdm gives a column with any zero entropy 0 instead of taking 0 ln 0 = 0), CRITIC and TOPSIS (min-max,
    weights inside) to 1e-12."""
    from pymcdm.methods import TOPSIS
    from pymcdm.weights import critic_weights, entropy_weights

    panel = _panel()
    cols = [f"x{j}" for j in range(4)]
    directions = {"x0": "+", "x1": "-", "x2": "+", "x3": "+"}
    types = np.array([1, -1, 1, 1])
    shifted = _index(panel, directions, shift=0.01)
    z = shifted.normalized.to_numpy()
    np.testing.assert_allclose(shifted.weights.to_numpy(), entropy_weights(z), rtol=1e-12)
    critic = _index(panel, directions, weights="critic")
    np.testing.assert_allclose(critic.weights.to_numpy(), critic_weights(panel[cols].to_numpy() * types), rtol=1e-12)
    w = critic.weights.to_numpy()
    top = _index(panel, directions, weights="critic", score="topsis")
    np.testing.assert_allclose(top.scores.to_numpy(), TOPSIS()(panel[cols].to_numpy(), w, types), rtol=1e-12)


def test_pca_against_statsmodels_and_its_tests():
    """Eigenvalues equal statsmodels' PCA (standardised) to 1e-10; Bartlett's statistic and KMO by their
    formulas; the weights are the eigenvalue-weighted eigenvector coefficients."""
    from statsmodels.multivariate.pca import PCA

    panel = _panel(40, 5, 5, seed=3)
    cols = [f"x{j}" for j in range(5)]
    res = _index(panel, cols, weights="pca", options=nt.indices.IndexOptions(pca_retain="variance", pca_variance=0.9))
    z = res.normalized.to_numpy()
    r = np.corrcoef(z, rowvar=False)
    ours = wt.pca(z, cols, retain="variance", variance=0.9)
    # statsmodels' eigenvalues are those of Z'Z with Z standardised by the population sd: n times ours
    np.testing.assert_allclose(ours.eigenvalues, np.sort(PCA(z, standardize=True, method="eig").eigenvals)[::-1]
                               / z.shape[0], rtol=1e-10)
    n, m = z.shape
    assert ours.bartlett == pytest.approx(-(n - 1 - (2 * m + 5) / 6) * np.log(np.linalg.det(r)), rel=1e-12)
    assert ours.bartlett_df == 10
    values, vectors = np.linalg.eigh(r)
    k = ours.components
    top = np.argsort(values)[::-1][:k]
    v = vectors[:, top] * np.sign(vectors[:, top].sum(axis=0))
    coef = v @ (values[top] / values[top].sum())
    np.testing.assert_allclose(res.weights.to_numpy(), coef / coef.sum(), rtol=1e-12)
    assert 0.5 < res.diagnostics.kmo < 1 and res.diagnostics.pca_components == k
    assert "KMO" in res.summary().as_text()


def test_scatter_degree_is_the_leading_eigenvector_of_h():
    panel = _panel(seed=5)
    cols = [f"x{j}" for j in range(4)]
    res = _index(panel, cols, weights="scatter")
    z = res.normalized.to_numpy()
    s = (z - z.mean(axis=0)) / z.std(axis=0, ddof=1)
    h = sum(s[panel["year"].to_numpy() == t].T @ s[panel["year"].to_numpy() == t] for t in range(2015, 2020))
    w = res.weights.to_numpy()
    np.testing.assert_allclose(h @ w, np.linalg.eigvalsh(h).max() * w, rtol=1e-10)


def test_per_period_weights_scopes_and_hierarchy():
    panel = _panel()
    cols = [f"x{j}" for j in range(4)]
    per = _index(panel, cols, weights_scope="period")
    assert per.weights.shape == (5, 4)
    first = panel[panel["year"] == 2015]
    alone = _index(first, cols)  # the 2015 weights are entropy weights on 2015's rows (normalized over the panel)
    z2015 = per.normalized.xs(2015, level="year").to_numpy()  # labelled by (entity, time)
    np.testing.assert_allclose(per.weights.iloc[0].to_numpy(), wt.entropy(z2015, cols), rtol=1e-12)
    assert not np.allclose(alone.weights.to_numpy(), per.weights.iloc[0].to_numpy())  # normalization differs
    system = nt.indices.IndicatorSystem([("x0", "+", "A"), ("x1", "+", "A"), ("x2", "+", "B"), ("x3", "+", "B")])
    hier = _index(panel, system, hierarchical=True)
    z = hier.normalized.to_numpy()
    within_a, within_b = wt.entropy(z[:, :2], cols[:2]), wt.entropy(z[:, 2:], cols[2:])
    sub = np.column_stack([z[:, :2] @ within_a, z[:, 2:] @ within_b])
    top = wt.entropy(sub, ["A", "B"])
    np.testing.assert_allclose(hier.weights.to_numpy(), np.r_[within_a * top[0], within_b * top[1]], rtol=1e-12)
    dims = hier.dimension_scores()
    np.testing.assert_allclose(dims.sum(axis=1), hier.scores, rtol=1e-12)
    np.testing.assert_allclose(hier.obstacle_degree(level=0).sum(axis=1), 1.0, rtol=1e-12)
    combo = _index(panel, cols, weights=["entropy", "critic"], options=nt.indices.IndexOptions(combine="additive"))
    e, c = _index(panel, cols).weights, _index(panel, cols, weights="critic").weights
    np.testing.assert_allclose(combo.weights, (e + c) / 2, rtol=1e-12)


def test_coupling_coordination_by_hand():
    """U = (0.25, 0.25): C = 1, T = 0.25, D = 0.5; U = (0.1, 0.4): C = 0.2 / 0.25 = 0.8, T = 0.25,
    D = sqrt(0.2) = 0.4472 (near imbalance)."""
    frame = pd.DataFrame({"u1": [0.25, 0.1], "u2": [0.25, 0.4]})
    out = nt.indices.coupling_coordination(frame, ["u1", "u2"])
    np.testing.assert_allclose(out["coupling"], [1.0, 0.8], rtol=1e-14)
    np.testing.assert_allclose(out["coordination"], [0.5, np.sqrt(0.2)], rtol=1e-14)
    assert list(out["class"]) == ["barely coordinated", "near imbalance"]
    with pytest.raises(PanelError, match="u2"):
        nt.indices.coupling_coordination(frame.assign(u2=[0.5, 1.5]), ["u1", "u2"])


matrices = arrays(np.float64, st.tuples(st.integers(4, 9), st.integers(2, 4)),
                  elements=st.floats(0.5, 100.0, allow_nan=False, allow_infinity=False))


def _frame(x: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(x, columns=[f"x{j}" for j in range(x.shape[1])])
    return frame.assign(unit=np.arange(len(frame)), year=2020)


def _spread(x: np.ndarray) -> bool:
    return bool((np.ptp(x, axis=0) > 1e-3 * np.abs(x).max(axis=0)).all())


@settings(max_examples=60, deadline=None)
@given(matrices, st.floats(0.1, 1000.0))
def test_weights_sum_to_one_and_ignore_rescaling(x, scale):
    assume(_spread(x))
    assume(not np.allclose(np.abs(np.corrcoef(x, rowvar=False)), 1.0))  # CRITIC is undefined then (tested below)
    frame = _frame(x)
    cols = [c for c in frame.columns if c.startswith("x")]
    scaled = frame.assign(x0=frame["x0"] * scale)
    for method in ("entropy", "critic", "equal"):
        w = _index(frame, cols, weights=method).weights
        assert w.sum() == pytest.approx(1.0, abs=1e-12) and (w >= 0).all()
        np.testing.assert_allclose(_index(scaled, cols, weights=method).weights, w, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(matrices, st.sampled_from(["weighted-sum", "topsis", "grey"]), st.sampled_from(["minmax", "zscore", "vector"]))
def test_reversing_direction_and_negating_give_the_same_scores(x, score, normalization):
    assume(_spread(x))
    frame = _frame(x)
    cols = [c for c in frame.columns if c.startswith("x")]
    weights = "equal" if normalization != "minmax" else "entropy"
    base = _index(frame, {c: "+" for c in cols}, weights=weights, score=score, normalization=normalization)
    flipped = _index(frame.assign(x0=-frame["x0"]), {**{c: "+" for c in cols}, "x0": "-"}, weights=weights,
                     score=score, normalization=normalization)
    np.testing.assert_allclose(flipped.scores, base.scores, rtol=1e-9, atol=1e-12)
    if score == "topsis":
        assert ((base.scores >= 0) & (base.scores <= 1)).all()


def test_bad_input_names_the_indicator():
    panel = _panel()
    with pytest.raises(PanelError, match="'x1' is constant"):
        _index(panel.assign(x1=3.0), [f"x{j}" for j in range(4)])
    with pytest.raises(PanelError, match="'x2' has all equal values in period"):
        _index(panel.assign(x2=np.where(panel["year"] == 2016, 1.0, panel["x2"])), [f"x{j}" for j in range(4)],
               scope="period")
    with pytest.raises(PanelError, match="'x3' has 1 missing"):
        _index(panel.assign(x3=np.r_[np.nan, panel["x3"].to_numpy()[1:]]), [f"x{j}" for j in range(4)])
    with pytest.raises(PanelError, match="duplicate"):
        _index(pd.concat([panel, panel.iloc[:1]]), [f"x{j}" for j in range(4)])
    with pytest.raises(SpecificationError, match="direction"):
        nt.indices.IndicatorSystem([("x0", "up")])
    with pytest.raises(SpecificationError, match="score"):
        _index(panel, ["x0", "x1"], score="vikor")
    with pytest.raises(SpecificationError, match="missing"):
        _index(panel, ["x0", "x1"], weights={"x0": 1.0})
    with pytest.raises(PanelError, match="ln 0"):
        _index(panel, ["x0", "x1"], options=nt.indices.IndexOptions(zeros="error"))
    with pytest.raises(EstimationError, match="perfectly correlated"):
        _index(panel.assign(x1=2 * panel["x0"] + 1), ["x0", "x1"], weights="critic")
    original = panel.copy()
    _index(panel, ["x0", "x1"], score="topsis")
    pd.testing.assert_frame_equal(panel, original)


def test_negative_pca_weights_and_low_kmo_warn():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"unit": np.arange(60), "year": 2020, **{f"x{j}": rng.normal(size=60) for j in range(4)}})
    with pytest.warns(IndexWarning, match="KMO|negative"):
        _index(frame, [f"x{j}" for j in range(4)], weights="pca")


def test_results_frames():
    """The common contract (summary, plot, pickling, frozen diagnostics) is in tests/test_results_contract.py."""
    res = _index(_panel(), [f"x{j}" for j in range(4)], score="topsis")
    assert {"index", "d_plus", "d_minus", "z_x0"} <= set(res.to_frame().columns)
    assert res.by_period().shape == (5, 4)


def test_method_options_are_one_object_and_the_old_keywords_still_work():
    """The options of single methods live in IndexOptions; as separate keywords (0.2.0.dev) they are moved
    into it with a deprecation warning and give the same index."""
    panel = _panel()
    cols = ["x0", "x1", "x2"]
    new = _index(panel, cols, weights="critic", options=nt.indices.IndexOptions(critic_correlation="absolute"))
    with pytest.warns(nt.errors.NqpfTfpDeprecationWarning, match=r"critic_correlation= now go into options="):
        old = _index(panel, cols, weights="critic", critic_correlation="absolute")
    pd.testing.assert_series_equal(old.scores, new.scores)
    with pytest.raises(nt.errors.ArgumentError, match=r"'critic_corelation' \(did you mean 'critic_correlation'"):
        _index(panel, cols, critic_corelation="absolute")
    with pytest.raises(SpecificationError, match=r"rho must be a number in \(0, 1\]"):
        nt.indices.IndexOptions(rho=0.0)
    with pytest.raises(SpecificationError, match="critic_contrast='range' is not a valid value"):
        nt.indices.IndexOptions(critic_contrast="range")
    assert len(inspect.signature(nt.indices.composite_index).parameters) <= 14
