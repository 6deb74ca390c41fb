"""Stochastic frontiers against FRONTIER 4.1 and simulated panels with known truth.

Reference: FRONTIER 4.1 (Coelli 1996, "A guide to FRONTIER version 4.1", CEPA WP 96/07), example ``eg1``:
Cobb-Douglas in logs, half-normal: log-likelihood -17.027229, beta = (0.56161963, 0.28110205, 0.53647981),
sigma2 0.21700046, gamma 0.79720730, mean technical efficiency 0.74056772; compared to 1e-5 (FRONTIER's
DFP search stops within that of the maximum; our log-likelihood is the higher). Data:
tests/data/front41_eg1.csv (provenance in tests/data/README.md).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError

EG1 = pd.read_csv(Path(__file__).parent / "data" / "front41_eg1.csv")


def test_frontier41_eg1_half_normal():
    res = nt.frontier.SFA(EG1, "output", ["capital", "labour"], take_logs=True).fit()
    np.testing.assert_allclose(res.params, [0.56161963, 0.28110205, 0.53647981, 0.21700046, 0.79720730], atol=1e-5)
    assert res.loglik == pytest.approx(-17.027229, abs=1e-5) and res.loglik >= -17.027229
    assert res.efficiency.mean() == pytest.approx(0.74056772, abs=1e-5)
    assert res.diagnostics.lr_statistic > 0 and (res.std_errors > 0).all()
    jlms = nt.frontier.SFA(EG1, "output", ["capital", "labour"], take_logs=True, efficiency="jlms").fit()
    assert (jlms.efficiency <= res.efficiency + 1e-12).all()  # exp(-E[u]) <= E[exp(-u)] (Jensen)


@pytest.mark.parametrize("distribution", ["half-normal", "truncated-normal", "exponential"])
def test_simulated_frontier_recovers_the_truth(distribution):
    rng = np.random.default_rng(3)
    n = 4000
    x1, x2 = rng.normal(0, 1, n), rng.normal(0, 1, n)
    u = {"half-normal": np.abs(rng.normal(0, 0.4, n)), "truncated-normal": np.abs(rng.normal(0, 0.4, n)),
         "exponential": rng.exponential(0.3, n)}[distribution]
    y = 1.0 + 0.6 * x1 + 0.3 * x2 + rng.normal(0, 0.2, n) - u
    res = nt.frontier.SFA(pd.DataFrame({"y": y, "x1": x1, "x2": x2}), "y", ["x1", "x2"],
                          distribution=distribution).fit()
    beta = res.params[["x1", "x2"]].to_numpy()
    assert np.all(np.abs(beta - [0.6, 0.3]) < 3 * res.std_errors[["x1", "x2"]].to_numpy())
    if distribution == "exponential":
        assert abs(res.params["sigma_u"] - 0.3) < 3 * res.std_errors["sigma_u"]
    else:
        sigma_u2 = res.params["gamma"] * res.params["sigma2"]
        assert abs(np.sqrt(sigma_u2) - 0.4) < 0.05
    true_te = np.exp(-u)
    assert np.corrcoef(res.efficiency, true_te)[0, 1] > 0.7


def test_units_move_only_the_constant():
    logs = EG1.assign(lo=np.log(EG1.output), lk=np.log(EG1.capital), ll=np.log(EG1.labour))
    a = nt.frontier.SFA(logs, "lo", ["lk", "ll"]).fit()
    b = nt.frontier.SFA(logs.assign(lo=logs.lo + np.log(1e3)), "lo", ["lk", "ll"]).fit()
    np.testing.assert_allclose(b.params.drop("const"), a.params.drop("const"), atol=1e-6)
    assert b.params["const"] - a.params["const"] == pytest.approx(np.log(1e3), abs=1e-6)
    np.testing.assert_allclose(a.efficiency, b.efficiency, atol=1e-6)


@pytest.mark.parametrize("call, error, message", [
    (lambda: nt.frontier.SFA(EG1, "output", ["capital"], distribution="gamma"), SpecificationError, "distribution="),
    (lambda: nt.frontier.SFA(EG1, "output", ["capital"], efficiency="x"), SpecificationError, "efficiency="),
    (lambda: nt.frontier.SFA(EG1, "output", ["nope"]), SpecificationError, "nope"),
    (lambda: nt.frontier.SFA(EG1, ["output"], ["capital"]), SpecificationError, "output must be one column"),
    (lambda: nt.frontier.SFA(EG1.assign(capital=-1.0), "output", ["capital"], take_logs=True), PanelError,
     "non-positive"),
    (lambda: nt.frontier.SFA(EG1, "output", []), SpecificationError, "at least one input"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_results_contract():
    res = nt.frontier.SFA(EG1, "output", ["capital", "labour"], take_logs=True).fit()
    assert res.tfp_scale == "level" and res.tfp.between(0, 1).all()
    assert "Stochastic frontier" in res.summary().as_text() and "<table" in res.summary().as_html()
    fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    plt.close(fig)
    assert list(res.to_frame().columns) == ["efficiency", "residual"]
