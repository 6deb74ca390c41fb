"""Data envelopment analysis against DEAP 2.1 and closed forms; properties of the radial model.

Reference: DEAP 2.1 (Coelli 1996, "A guide to DEAP version 2.1", CEPA WP 96/08), example ``eg1``
(CRS, input orientation; ``eg1-out.txt``): technical efficiency 0.500, 1.000, 0.833, 0.714, 1.000;
the only non-zero slack is firm 1's 0.500 of input 2. DEAP prints 3 decimals, so the tolerance
is 5e-4. Data: tests/data/coelli1998_deap_eg1.csv (provenance in tests/data/README.md).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, PanelError, SpecificationError

EG1 = pd.read_csv(Path(__file__).parent / "data" / "coelli1998_deap_eg1.csv").set_index("dmus")
X, Y = ["input1", "input2"], ["output"]


@pytest.mark.parametrize("solver", ["highspy", "scipy"])
def test_deap_eg1_crs_input(solver):
    res = nt.frontier.dea(EG1, X, Y, solver=solver)
    np.testing.assert_allclose(res.efficiency, [0.500, 1.000, 0.833, 0.714, 1.000], atol=5e-4)
    slacks = res.slacks
    np.testing.assert_allclose(slacks["slack_input2"], [0.5, 0, 0, 0, 0], atol=5e-4)
    np.testing.assert_allclose(slacks["slack_input1"], 0, atol=5e-4)
    np.testing.assert_allclose(slacks["slack_output"], 0, atol=5e-4)
    assert (res.status == "optimal").all() and res.diagnostics.solver == solver
    # targets = theta x - slacks: firm 1 is projected onto half of firm 2
    np.testing.assert_allclose(res.targets.loc["DMU1"], [1.0, 2.0, 1.0], atol=1e-9)
    assert set(res.peers.loc[res.peers.dmu == "DMU1", "peer"]) == {"DMU2"}


def test_crs_orientations_are_reciprocal_and_units_do_not_matter():
    rng = np.random.default_rng(0)
    data = pd.DataFrame(rng.uniform(1, 10, (40, 4)), columns=["x1", "x2", "y1", "y2"])
    inp = nt.frontier.dea(data, ["x1", "x2"], ["y1", "y2"], orientation="input").efficiency
    out = nt.frontier.dea(data, ["x1", "x2"], ["y1", "y2"], orientation="output").efficiency
    np.testing.assert_allclose(inp, out, rtol=1e-8)  # DEAP's 1/phi equals theta under CRS
    rescaled = data.assign(x1=data.x1 * 1e6, y2=data.y2 * 1e-5)  # kilograms beside billions
    for rts in ("crs", "vrs"):
        a = nt.frontier.dea(data, ["x1", "x2"], ["y1", "y2"], rts=rts).efficiency
        b = nt.frontier.dea(rescaled, ["x1", "x2"], ["y1", "y2"], rts=rts).efficiency
        np.testing.assert_allclose(a, b, rtol=1e-8)
    assert (inp <= 1 + 1e-9).all() and (inp > 0).all()


def test_one_input_one_output_closed_form_and_separate_reference():
    rng = np.random.default_rng(1)
    ref = pd.DataFrame({"x": rng.uniform(1, 5, 30), "y": rng.uniform(1, 5, 30)})
    new = pd.DataFrame({"x": rng.uniform(1, 5, 10), "y": rng.uniform(1, 5, 10)})
    res = nt.frontier.dea(new, "x", "y", reference=ref)
    expected = (new.y / new.x) / (ref.y / ref.x).max()  # CRS: productivity relative to the best ratio
    np.testing.assert_allclose(res.efficiency, expected, rtol=1e-9)
    assert (res.efficiency > 1).any() or (res.efficiency <= 1).all()  # outside the reference set scores may pass 1
    assert res.diagnostics.n_reference == 30 and res.diagnostics.n_dmus == 10


def test_vrs_scale_efficiency_and_returns():
    res = nt.frontier.dea(EG1, X, Y, rts="vrs")
    frame = res.to_frame()
    np.testing.assert_allclose(frame["crs_efficiency"], [0.500, 1.000, 0.833, 0.714, 1.000], atol=5e-4)
    np.testing.assert_allclose(frame["scale_efficiency"], frame["crs_efficiency"] / frame["efficiency"])
    assert set(frame["returns"]) <= {"crs", "irs", "drs"} and frame.loc["DMU2", "returns"] == "crs"
    assert (frame["efficiency"] >= frame["crs_efficiency"] - 1e-12).all()


def test_super_efficiency_and_infeasible_lps_are_reported():
    sup = nt.frontier.dea(EG1, X, Y, super_efficiency=True).efficiency
    np.testing.assert_allclose(sup[["DMU1", "DMU3", "DMU4"]], [0.500, 0.833, 0.714], atol=5e-4)
    assert (sup[["DMU2", "DMU5"]] > 1).all()
    # VRS, input orientation: the unit with the largest output cannot be reached by the others
    data = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [1.0, 2.0, 2.5, 6.0]}, index=list("abcd"))
    with pytest.warns(ConvergenceWarning, match=r"1 unit\(s\) have no optimal LP \(\['infeasible'\]\)"):
        res = nt.frontier.dea(data, "x", "y", rts="vrs", super_efficiency=True)
    assert res.status["d"] == "infeasible" and np.isnan(res.efficiency["d"])
    assert res.diagnostics.not_optimal == 1 and np.isfinite(res.efficiency[["a", "b", "c"]]).all()


@pytest.mark.parametrize("call, error, message", [
    (lambda: nt.frontier.dea(EG1, X, Y, rts="bcc"), SpecificationError, "rts='bcc'"),
    (lambda: nt.frontier.dea(EG1, X, Y, orientation="in"), SpecificationError, "orientation='in'"),
    (lambda: nt.frontier.dea(EG1, ["input1", "nope"], Y), SpecificationError,
     r"input column 'nope' is not in the data\. The data's columns are 'input1'"),
    (lambda: nt.frontier.dea(EG1, X, "input1"), SpecificationError, r"\['input1'\] given in two roles"),
    (lambda: nt.frontier.dea(EG1.assign(input1=-EG1.input1), X, Y), PanelError, "input column 'input1' has negative"),
    (lambda: nt.frontier.dea(EG1.assign(output=np.nan), X, Y), PanelError, "output column 'output' has 5 missing"),
    (lambda: nt.frontier.dea(EG1, X, Y, super_efficiency=True, reference=EG1), SpecificationError, "reference=None"),
    (lambda: nt.frontier.dea(EG1.values, X, Y), SpecificationError, "data must be a pandas DataFrame"),
    (lambda: nt.frontier.dea(EG1, [], Y), SpecificationError, "at least one input"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_results_contract():
    res = nt.frontier.dea(EG1, X, Y, rts="vrs")
    assert res.tfp_scale == "level" and res.tfp.equals(res.efficiency)
    table = res.summary()
    assert "efficiency" in table.as_text() and "\\begin{tabular}" in table.as_latex() and "<table" in table.as_html()
    fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    plt.close(fig)
    assert res.to_frame().index.equals(EG1.index)


@pytest.mark.parametrize("rts", ["crs", "vrs", "nirs", "ndrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_the_frame_gives_the_scores_of_the_whole_reference_set(rts, orientation):
    # Dulá's reduction must be exact: scores, slacks and targets against the frame equal those against
    # all units, with a technology of many inefficient units (and some ties: duplicated efficient units)
    rng = np.random.default_rng(7)
    data = pd.DataFrame(rng.uniform(1, 10, (400, 5)), columns=["x1", "x2", "x3", "y1", "y2"])
    data.iloc[200:210] = data.iloc[:10].to_numpy()
    kw = {"rts": rts, "orientation": orientation}
    full = nt.frontier.dea(data, ["x1", "x2", "x3"], ["y1", "y2"], frame=False, **kw)
    reduced = nt.frontier.dea(data, ["x1", "x2", "x3"], ["y1", "y2"], **kw)
    assert reduced.diagnostics.frame_units < 60 and full.diagnostics.frame_units is None
    scores = [c for c in full.to_frame() if "efficiency" in c]
    pd.testing.assert_frame_equal(reduced.to_frame()[scores], full.to_frame()[scores], rtol=0, atol=1e-9)
    # the largest total slack is unique (its split over the variables need not be)
    means = data.mean()
    total = [(r.slacks / means[r.slacks.columns.str.removeprefix("slack_")].to_numpy()).sum(axis=1)
             for r in (reduced, full)]
    np.testing.assert_allclose(total[0], total[1], rtol=0, atol=1e-7)
    assert (reduced.status == "optimal").all()
    # a separate reference set (the first half spans the frontier of the second): scores may exceed 1,
    # VRS ones may be infeasible; both reported alike
    other = data.iloc[200:].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cross_full = nt.frontier.dea(other, ["x1", "x2", "x3"], ["y1", "y2"], reference=data.iloc[:200],
                                     frame=False, slacks=False, **kw)
        cross = nt.frontier.dea(other, ["x1", "x2", "x3"], ["y1", "y2"], reference=data.iloc[:200], slacks=False,
                                **kw)
    pd.testing.assert_series_equal(cross.status, cross_full.status)
    np.testing.assert_allclose(cross.efficiency, cross_full.efficiency, rtol=0, atol=1e-9)


def test_the_frame_with_the_scipy_fallback():
    rng = np.random.default_rng(8)
    data = pd.DataFrame(rng.uniform(1, 10, (120, 4)), columns=["x1", "x2", "y1", "y2"])
    for rts in ("crs", "vrs"):
        full = nt.frontier.dea(data, ["x1", "x2"], ["y1", "y2"], rts=rts, frame=False, solver="scipy")
        reduced = nt.frontier.dea(data, ["x1", "x2"], ["y1", "y2"], rts=rts, solver="scipy")
        np.testing.assert_allclose(reduced.efficiency, full.efficiency, rtol=0, atol=1e-9)
        np.testing.assert_allclose(reduced.slacks.sum(axis=1), full.slacks.sum(axis=1), rtol=0, atol=1e-7)


def test_highs_prints_nothing():
    # HiGHS writes a banner to standard output when an instance is created; the package keeps it quiet
    import subprocess
    import sys

    code = ("import pandas as pd, nqpf_tfp as nt; "
            "nt.frontier.dea(pd.DataFrame({'x': [1.0, 2.0], 'y': [1.0, 1.0]}), 'x', 'y', slacks=False)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == ""


@pytest.mark.parametrize("backend", ["processes", "threads"])
@pytest.mark.parametrize("rts, orientation", [("crs", "input"), ("vrs", "output")])
def test_the_scores_do_not_depend_on_n_jobs(backend, rts, orientation):
    rng = np.random.default_rng(12)
    data = pd.DataFrame(rng.uniform(1, 10, (600, 5)), columns=["x1", "x2", "x3", "y1", "y2"])
    kw = {"rts": rts, "orientation": orientation}
    one = nt.frontier.dea(data, ["x1", "x2", "x3"], ["y1", "y2"], **kw)
    two = nt.frontier.dea(data, ["x1", "x2", "x3"], ["y1", "y2"], n_jobs=2, backend=backend, **kw)
    scores = [c for c in one.to_frame() if "efficiency" in c]
    pd.testing.assert_frame_equal(two.to_frame()[scores], one.to_frame()[scores], rtol=0, atol=1e-9)
    assert (two.status == "optimal").all() and two.diagnostics.frame_units == one.diagnostics.frame_units
    # every unit's peers and weights (gathered from the workers) reach its radial projection
    peers = two.peers.merge(data, left_on="peer", right_index=True)
    made = peers[["x1", "x2", "x3", "y1", "y2"]].mul(peers["lambda"], axis=0).groupby(peers.dmu).sum()
    made = made.reindex(data.index)
    theta, phi = (two.efficiency, 1.0) if orientation == "input" else (1.0, 1.0 / two.efficiency)
    tol = 1e-6 * data.mean()
    assert (made[["x1", "x2", "x3"]].le(data[["x1", "x2", "x3"]].mul(theta, axis=0) + tol[:3])).all().all()
    assert (made[["y1", "y2"]].ge(data[["y1", "y2"]].mul(phi, axis=0) - tol[3:])).all().all()
