"""Tone's SBM against Tone (2001) and an independent solution of the fractional program.

Reference: Tone (2001), *EJOR* 130(3), 498-509, the five-DMU example: SBM efficiency A 0.798, B 0.568,
C 1, D 0.667, E 1 (printed to 3 decimals; tolerance 5e-4). The SBM with an undesirable output (Tone 2003)
is checked against Dinkelbach's algorithm on the same fractional program (a sequence of linear programs
in the original variables, solved with SciPy), an independent route to the optimum.
Data: tests/data/tone2001_sbm.csv, tests/data/tone2003_sbm_bad.csv (provenance in tests/data/README.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import nqpf_tfp as nt
from nqpf_tfp.errors import PanelError, SpecificationError

DATA = Path(__file__).parent / "data"
T2001 = pd.read_csv(DATA / "tone2001_sbm.csv").set_index("DMU")
T2003 = pd.read_csv(DATA / "tone2003_sbm_bad.csv").set_index("DMU")


def test_tone_2001_example():
    res = nt.frontier.sbm(T2001, ["Input1", "Input2"], ["Output1", "Output2"])
    np.testing.assert_allclose(res.efficiency, [0.798, 0.568, 1.0, 0.667, 1.0], atol=5e-4)
    ccr = nt.frontier.dea(T2001, ["Input1", "Input2"], ["Output1", "Output2"]).efficiency
    assert (res.efficiency <= ccr + 1e-9).all()  # the SBM never exceeds the radial score
    on_frontier = res.efficiency > 1 - 1e-9
    assert (res.slacks[on_frontier].abs() < 1e-9).all().all()  # rho = 1 exactly when no slack
    assert isinstance(res, nt.results.TFPResults) and res.tfp.equals(res.efficiency)
    assert "SBM" in str(res.summary()) and res.diagnostics.measure == "sbm"


def _dinkelbach(x, yg, yb, o, vrs=False):
    """min (1 - mean(s-/x_o)) / (1 + sum(sg/yg_o, sb/yb_o)/(s1+s2)) by Dinkelbach's iterations (SciPy)."""
    n, m = x.shape
    s1, s2 = yg.shape[1], yb.shape[1]
    q = 1.0
    for _ in range(100):
        # variables: lambda (n), s- (m), sg (s1), sb (s2); minimise numerator - q * denominator
        c = np.r_[np.zeros(n), -1.0 / (m * x[o]), -q / ((s1 + s2) * yg[o]), -q / ((s1 + s2) * yb[o])]
        a_eq = np.vstack([np.hstack([x.T, np.eye(m), np.zeros((m, s1 + s2))]),
                          np.hstack([yg.T, np.zeros((s1, m)), -np.eye(s1), np.zeros((s1, s2))]),
                          np.hstack([yb.T, np.zeros((s2, m + s1)), np.eye(s2)])])
        b_eq = np.r_[x[o], yg[o], yb[o]]
        if vrs:
            a_eq = np.vstack([a_eq, np.r_[np.ones(n), np.zeros(m + s1 + s2)]])
            b_eq = np.r_[b_eq, 1.0]
        z = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs").x
        sm, sg, sb = z[n:n + m], z[n + m:n + m + s1], z[n + m + s1:]
        num = 1 - np.mean(sm / x[o])
        den = 1 + (np.sum(sg / yg[o]) + np.sum(sb / yb[o])) / (s1 + s2)
        if abs(num - q * den) < 1e-12:
            return num / den
        q = num / den
    raise AssertionError("Dinkelbach did not converge")


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_undesirable_outputs_match_an_independent_solution(rts):
    res = nt.frontier.sbm(T2003, "x", "yg", "yb", rts=rts)
    x, yg, yb = (T2003[[c]].to_numpy(dtype=float) for c in ("x", "yg", "yb"))
    expected = [_dinkelbach(x, yg, yb, o, vrs=rts == "vrs") for o in range(len(T2003))]
    np.testing.assert_allclose(res.efficiency, expected, rtol=1e-8, atol=1e-10)
    assert res.efficiency.between(0, 1 + 1e-12).all()


def test_units_do_not_matter():
    a = nt.frontier.sbm(T2003, "x", "yg", "yb").efficiency
    b = nt.frontier.sbm(T2003.assign(yb=T2003.yb * 1e6, x=T2003.x * 1e-3), "x", "yg", "yb").efficiency
    np.testing.assert_allclose(a, b, rtol=1e-8)


@pytest.mark.parametrize("call, error, message", [
    (lambda: nt.frontier.sbm(T2003, "x", "yg", "yb", rts="nirs"), SpecificationError, "takes 'crs' or 'vrs'"),
    (lambda: nt.frontier.sbm(T2003, "x", "yg", "x"), SpecificationError, "two roles"),
    (lambda: nt.frontier.sbm(T2003.assign(yb=0.0), "x", "yg", "yb"), PanelError, "bad output column 'yb'"),
    (lambda: nt.frontier.sbm(T2003, "x", [], "yb"), SpecificationError, "at least one input"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def _super_dinkelbach(x, yg, yb, o, vrs=False):
    """Super-SBM of unit o (Tone 2002, undesirable outputs): min (1 + mean(s-/x_o)) / (1 - (sum sg/yg_o +
    sum sb/yb_o)/(s1+s2)) over the other units' technology, by Dinkelbach's iterations (SciPy)."""
    others = np.delete(np.arange(x.shape[0]), o)
    xr, ygr, ybr = x[others], yg[others], yb[others]
    n, m = xr.shape
    s1, s2 = yg.shape[1], yb.shape[1]
    q = 1.0
    for _ in range(100):
        # variables: lambda, s-, sg, sb; min numerator - q * denominator
        c = np.r_[np.zeros(n), 1.0 / (m * x[o]), q / ((s1 + s2) * yg[o]), q / ((s1 + s2) * yb[o])]
        a_ub = np.vstack([np.hstack([xr.T, -np.eye(m), np.zeros((m, s1 + s2))]),            # X lam - s- <= x_o
                          np.hstack([-ygr.T, np.zeros((s1, m)), -np.eye(s1), np.zeros((s1, s2))]),  # Y lam + sg >= y
                          np.hstack([ybr.T, np.zeros((s2, m + s1)), -np.eye(s2)])])          # B lam - sb <= b_o
        b_ub = np.r_[x[o], -yg[o], yb[o]]
        bounds = [(0, None)] * (n + m) + [(0, v) for v in yg[o]] + [(0, None)] * s2
        a_eq = b_eq = None
        if vrs:
            a_eq, b_eq = np.r_[np.ones(n), np.zeros(m + s1 + s2)][None, :], [1.0]
        z = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs").x
        sm, sg, sb = z[n:n + m], z[n + m:n + m + s1], z[n + m + s1:]
        num = 1 + np.mean(sm / x[o])
        den = 1 - (np.sum(sg / yg[o]) + np.sum(sb / yb[o])) / (s1 + s2)
        if abs(num - q * den) < 1e-12:
            return num / den
        q = num / den
    raise AssertionError("Dinkelbach did not converge")


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_super_sbm_with_undesirable_outputs_matches_an_independent_solution(rts):
    plain = nt.frontier.sbm(T2003, "x", "yg", "yb", rts=rts)
    res = nt.frontier.sbm(T2003, "x", "yg", "yb", rts=rts, super_efficiency=True)
    efficient = plain.efficiency > 1 - 1e-9
    assert (res.super == efficient).all() and efficient.sum() >= 3
    np.testing.assert_allclose(res.efficiency[~efficient], plain.efficiency[~efficient], rtol=0, atol=1e-12)
    x, yg, yb = (T2003[[c]].to_numpy(dtype=float) for c in ("x", "yg", "yb"))
    expected = [_super_dinkelbach(x, yg, yb, o, vrs=rts == "vrs") for o in np.flatnonzero(efficient)]
    np.testing.assert_allclose(res.efficiency[efficient], expected, rtol=1e-8)
    assert (res.efficiency[efficient] >= 1 - 1e-12).all()


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("super_efficiency", [False, True])
def test_column_generation_and_blocks_give_the_full_lps_sbm(rts, super_efficiency):
    # by default each unit's LP gathers its reference columns by pricing; frame=False solves the LP over all
    # units, and the SciPy route scores against the frame (the technology {X lam <= x, Y lam >= y, B lam <= b}
    # is spanned by its frame, bad outputs as inputs)
    rng = np.random.default_rng(21)
    data = pd.DataFrame(rng.uniform(1, 10, (300, 5)), columns=["k", "l", "y1", "y2", "co2"])
    kw = {"rts": rts, "super_efficiency": super_efficiency}
    full = nt.frontier.sbm(data, ["k", "l"], ["y1", "y2"], "co2", frame=False, **kw).to_frame()
    priced = nt.frontier.sbm(data, ["k", "l"], ["y1", "y2"], "co2", **kw).to_frame()
    blocks = nt.frontier.sbm(data, ["k", "l"], ["y1", "y2"], "co2", n_jobs=2, **kw)
    framed = nt.frontier.sbm(data, ["k", "l"], ["y1", "y2"], "co2", solver="scipy", **kw)
    assert (priced.status == "optimal").all() and (full.status == "optimal").all()
    assert not super_efficiency or priced["super"].sum() >= 10
    for other in (priced.efficiency, blocks.efficiency, framed.efficiency):
        np.testing.assert_allclose(other, full.efficiency, rtol=0, atol=1e-9)
    # the slacks, too (unique here: checked against the full LP's)
    slacks = [c for c in full.columns if c.startswith("slack_")]
    np.testing.assert_allclose(priced[slacks], full[slacks], rtol=0, atol=1e-7)
