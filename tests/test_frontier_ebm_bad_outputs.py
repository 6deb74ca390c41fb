"""The epsilon-based measure with undesirable outputs.

Tone and Tsutsui's (2010) paper has no undesirable outputs and no published EBM with them prints a
numerical example, so the model is checked three ways: at its poles against the package's independently
tested directional distance (Chung, Färe and Grosskopf 1997, the bad outputs freely disposable) and Tone's
(2003) SBM with undesirable outputs; against the fractional program written out here from its definition and
solved by SciPy's linprog; and by the reported projections, which must lie in the technology and give the
reported score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, PanelError, SpecificationError
from nqpf_tfp.frontier.affinity import affinity_matrix, epsilon_and_weights

INS, GOODS, BADS = ["x1", "x2"], ["y1", "y2"], ["b1", "b2"]
ALL = INS + GOODS + BADS
FACTOR = {"contract": (-1.0, 2.0), "expand": (1.0, 0.0), "none": (0.0, 1.0)}  # f = a eta + c


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    x = rng.uniform(2, 10, (36, 2))
    y = x @ rng.uniform(0.2, 0.8, (2, 2)) * rng.uniform(0.5, 1.0, (36, 2))
    b = y @ rng.uniform(0.2, 0.6, (2, 2)) * rng.uniform(0.8, 1.6, (36, 2))
    return pd.DataFrame(np.c_[x, y, b], columns=ALL)


def fractional_program(data: pd.DataFrame, o: int, rts: str, factor: str, bounded: bool,
                       eps: tuple[float, float, float], w: tuple[np.ndarray, np.ndarray, np.ndarray],
                       orientation: str = "non") -> float:
    """The EBM of unit ``o`` with bad outputs written from its definition: non-oriented by the Charnes-Cooper
    transformation, the oriented models directly; solved by SciPy's HiGHS."""
    x, y, b = (data[c].to_numpy() for c in (INS, GOODS, BADS))
    n, m, s, k = len(data), 2, 2, 2
    on_eta, on_t = FACTOR[factor]
    # variables: theta, eta, t, lambda (n), s- (m), s+ (s), sb (k)
    nv = 3 + n + m + s + k
    lam, sm, sp, sb = slice(3, 3 + n), slice(3 + n, 3 + n + m), slice(3 + n + m, 3 + n + m + s), slice(nv - k, nv)
    eq, rhs = [], []

    def row() -> np.ndarray:
        return np.zeros(nv)

    t_fixed = orientation != "non"
    for i in range(m):  # theta x_o - X lambda - s- = 0, or X lambda <= x_o
        r = row()
        r[lam] = -x[:, i]
        if orientation == "output":
            r[sm.start + i] = -1.0
            eq.append(r)
            rhs.append(-x[o, i])
            continue
        r[0], r[sm.start + i] = x[o, i], -1.0
        eq.append(r)
        rhs.append(0.0)
    for j in range(s):  # eta y_o - Y lambda + s+ = 0, or Y lambda >= y_o
        r = row()
        r[lam] = -y[:, j]
        r[sp.start + j] = 1.0
        if orientation == "input":  # Y lambda - s+ = y_o, a surplus that is not scored
            eq.append(r)
            rhs.append(-y[o, j])
            continue
        r[1] = y[o, j]
        eq.append(r)
        rhs.append(0.0)
    for p in range(k):  # f b_o - B lambda - sb = 0
        r = row()
        r[lam], r[sb.start + p] = -b[:, p], -1.0
        if orientation == "input":
            eq.append(r)
            rhs.append(-b[o, p])
            continue
        r[1] = on_eta * b[o, p]
        if t_fixed:
            eq.append(r)
            rhs.append(-on_t * b[o, p])
        else:
            r[2] = on_t * b[o, p]
            eq.append(r)
            rhs.append(0.0)
    if rts == "vrs":
        r = row()
        r[lam] = 1.0
        if t_fixed:
            eq.append(r)
            rhs.append(1.0)
        else:
            r[2] = -1.0
            eq.append(r)
            rhs.append(0.0)
    score_out = row()  # eta + eps_y sum w s+ / y_o + eps_b sum w sb / b_o
    score_out[1] = 1.0
    score_out[sp] = eps[1] * w[1] / y[o]
    score_out[sb] = eps[2] * w[2] / b[o]
    score_in = row()  # theta - eps_x sum w s- / x_o
    score_in[0] = 1.0
    score_in[sm] = -eps[0] * w[0] / x[o]
    bounds = [(0, None)] * nv
    ub, ub_rhs = [], []
    eta_floor = bounded or factor != "expand"
    if orientation == "non":
        eq.append(score_out)
        rhs.append(1.0)
        cost = score_in
        if bounded:  # theta <= t
            r = row()
            r[0], r[2] = 1.0, -1.0
            ub.append(r)
            ub_rhs.append(0.0)
        if eta_floor:  # t <= eta
            r = row()
            r[1], r[2] = -1.0, 1.0
            ub.append(r)
            ub_rhs.append(0.0)
    elif orientation == "input":
        cost = score_in
        bounds[1], bounds[2] = (0, 0), (0, 0)
        bounds[0] = (0, 1 if bounded else None)
    else:
        cost = -score_out
        bounds[0], bounds[2] = (0, 0), (0, 0)
        bounds[1] = (1 if eta_floor else 0, None)
    res = linprog(cost, A_eq=np.array(eq), b_eq=rhs, A_ub=np.array(ub) if ub else None,
                  b_ub=ub_rhs if ub else None, bounds=bounds, method="highs")
    assert res.status == 0
    return res.fun if orientation != "output" else 1.0 / -res.fun


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_non_oriented_epsilon_one_with_equal_weights_is_tones_sbm_with_bad_outputs(units, rts):
    found = nt.frontier.ebm(units, INS, GOODS, BADS, rts=rts, epsilon=1.0, weights=dict.fromkeys(ALL, 1.0),
                            bounded=True)
    sbm = nt.frontier.sbm(units, INS, GOODS, BADS, rts=rts)
    np.testing.assert_allclose(found.efficiency, sbm.efficiency, rtol=1e-9)
    assert found.diagnostics.bad_output_factor == "contract"


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_output_epsilon_zero_is_the_directional_distance_towards_more_goods_and_fewer_bads(units, rts):
    found = nt.frontier.ebm(units, INS, GOODS, BADS, rts=rts, orientation="output", epsilon=0.0)
    # the bad outputs contract with direction b_o like inputs; inputs do not move; good outputs expand by y_o
    ddf = nt.frontier.ddf(units, INS + BADS, GOODS, rts=rts, direction={c: c for c in GOODS + BADS})
    np.testing.assert_allclose(1 / found.efficiency - 1, ddf.distance, atol=1e-9)


@pytest.mark.parametrize("factor", ["contract", "expand", "none"])
@pytest.mark.parametrize("orientation", ["non", "output", "input"])
@pytest.mark.parametrize(("rts", "bounded"), [("crs", False), ("vrs", False), ("crs", True)])
def test_scores_equal_the_program_written_out(units, factor, orientation, rts, bounded):
    eps = (0.6, 0.4, 0.4)
    weights = {"x1": 0.3, "x2": 0.7, "y1": 0.2, "y2": 0.3, "b1": 0.1, "b2": 0.4}
    found = nt.frontier.ebm(units, INS, GOODS, BADS, orientation=orientation, rts=rts, bounded=bounded,
                            bad_output_factor=factor, epsilon=eps[:2], weights=weights)
    w = (np.array([0.3, 0.7]), np.array([0.2, 0.3]), np.array([0.1, 0.4]))  # outputs: one side summing to 1
    for o in range(0, len(units), 5):
        expected = fractional_program(units, o, rts, factor, bounded, eps, w, orientation)
        assert found.efficiency.iloc[o] == pytest.approx(expected, rel=1e-8), o


@pytest.mark.parametrize("factor", ["contract", "expand"])
def test_separate_affinity_scores_the_bad_outputs_with_their_own_epsilon(units, factor):
    eps = (0.5, 0.3, 0.8)
    found = nt.frontier.ebm(units, INS, GOODS, BADS, bad_output_affinity="separate", epsilon=eps,
                            bad_output_factor=factor, rts="vrs",
                            weights={"x1": 1, "x2": 1, "y1": 1, "y2": 3, "b1": 2, "b2": 2})
    w = (np.array([0.5, 0.5]), np.array([0.25, 0.75]), np.array([0.5, 0.5]))
    for o in range(1, len(units), 6):
        assert found.efficiency.iloc[o] == pytest.approx(fractional_program(units, o, "vrs", factor, False, eps, w),
                                                         rel=1e-8)
    assert found.epsilon.to_dict() == {"inputs": 0.5, "outputs": 0.3, "bad_outputs": 0.8}


@pytest.mark.parametrize("factor", ["contract", "expand", "none"])
def test_reported_projection_lies_in_the_technology_and_gives_the_score(units, factor):
    found = nt.frontier.ebm(units, INS, GOODS, BADS, rts="vrs", bad_output_factor=factor)
    table = found.to_frame()
    x, y, b = (units[c].to_numpy() for c in (INS, GOODS, BADS))
    eps, w = found.epsilon, found.weights
    on_eta, on_t = FACTOR[factor]
    for o in range(len(units)):
        theta, eta = table["theta"].iloc[o], table["eta"].iloc[o]
        s_x, s_y, s_b = (table[[f"slack_{c}" for c in cols]].iloc[o].to_numpy() for cols in (INS, GOODS, BADS))
        target = np.r_[theta * x[o] - s_x, eta * y[o] + s_y, (on_eta * eta + on_t) * b[o] - s_b]
        # some convex combination of the units reaches the target: X lambda <= x*, Y lambda >= y*, B lambda <= b*
        a_ub = np.r_[x.T, -y.T, b.T]
        res = linprog(np.zeros(len(units)), A_ub=a_ub, b_ub=target * np.r_[1, 1, -1, -1, 1, 1] + 1e-7,
                      A_eq=np.ones((1, len(units))), b_eq=[1.0], method="highs")
        assert res.status == 0, o
        ratio = ((theta - eps["inputs"] * (w[INS].to_numpy() * s_x / x[o]).sum())
                 / (eta + eps["outputs"] * ((w[GOODS].to_numpy() * s_y / y[o]).sum()
                                            + (w[BADS].to_numpy() * s_b / b[o]).sum())))
        assert table["efficiency"].iloc[o] == pytest.approx(ratio, rel=1e-7)
        if factor != "expand":
            assert eta >= 1 - 1e-9  # held there: see the next test


def test_a_free_output_factor_would_trade_every_good_output_into_inaction(units):
    """Why ``contract`` and ``none`` hold eta >= 1: without it (CRS, free factors) the program written out
    reaches 0 for every unit, by producing nothing with nothing while the bad slacks score."""
    eps, w = (0.5, 0.5, 0.5), (np.full(2, 0.5), np.full(2, 0.25), np.full(2, 0.25))
    x, y, b = (units[c].to_numpy() for c in (INS, GOODS, BADS))
    o, n = 3, len(units)
    # theta, eta, t, lambda, s-, s+, sb with the "contract" rows and no floor on eta
    nv = 3 + n + 6
    a = np.zeros((7, nv))
    a[0, 1], a[0, 3 + n + 2:3 + n + 4], a[0, 3 + n + 4:] = 1.0, eps[1] * w[1] / y[o], eps[2] * w[2] / b[o]
    a[1:3, 0], a[1:3, 3:3 + n], a[1:3, 3 + n:3 + n + 2] = x[o], -x.T, -np.eye(2)
    a[3:5, 1], a[3:5, 3:3 + n], a[3:5, 3 + n + 2:3 + n + 4] = y[o], -y.T, np.eye(2)
    a[5:7, 1], a[5:7, 2], a[5:7, 3:3 + n], a[5:7, 3 + n + 4:] = -b[o], 2 * b[o], -b.T, -np.eye(2)
    cost = np.zeros(nv)
    cost[0], cost[3 + n:3 + n + 2] = 1.0, -eps[0] * w[0] / x[o]
    res = linprog(cost, A_eq=a, b_eq=np.r_[1.0, np.zeros(6)], bounds=[(0, None)] * nv, method="highs")
    assert res.status == 0 and res.fun == pytest.approx(0.0, abs=1e-9)
    kept = nt.frontier.ebm(units, INS, GOODS, BADS, epsilon=(0.5, 0.5), weights={c: 1 for c in ALL})
    assert kept.efficiency.iloc[o] > 0.1


def test_scores_fall_from_the_radial_to_the_slacks_pole_as_epsilon_rises(units):
    weights = dict.fromkeys(ALL, 1.0)
    scores = [nt.frontier.ebm(units, INS, GOODS, BADS, epsilon=e, weights=weights, bounded=True, rts="vrs").efficiency
              for e in (0.0, 0.25, 0.5, 1.0)]
    for higher, lower in zip(scores, scores[1:]):
        assert (lower <= higher + 1e-12).all()
    assert (scores[-1] < scores[0] - 1e-6).any()


def test_epsilon_and_weights_come_from_the_affinity_of_good_and_bad_outputs(units):
    joint = nt.frontier.ebm(units, INS, GOODS, BADS, projection="observed")
    eps_y, w_y = epsilon_and_weights(affinity_matrix(units[GOODS + BADS].to_numpy()))
    assert joint.epsilon["outputs"] == pytest.approx(eps_y, rel=1e-12)
    np.testing.assert_allclose(joint.weights[GOODS + BADS], w_y, rtol=1e-12)
    assert joint.affinity[1].shape == (4, 4) and len(joint.affinity) == 2
    separate = nt.frontier.ebm(units, INS, GOODS, BADS, projection="observed", bad_output_affinity="separate")
    eps_b, w_b = epsilon_and_weights(affinity_matrix(units[BADS].to_numpy()))
    assert separate.epsilon["bad_outputs"] == pytest.approx(eps_b, rel=1e-12)
    np.testing.assert_allclose(separate.weights[BADS], w_b, rtol=1e-12)
    assert len(separate.affinity) == 3 and "Bad outputs" in separate.summary().as_text()
    single = nt.frontier.ebm(units, INS, GOODS, "b1", bad_output_affinity="separate", projection="observed")
    assert single.epsilon["bad_outputs"] == 0.0  # one bad output alone: its slack is not scored


def test_projections_treat_bad_outputs_like_inputs(units):
    additive = nt.frontier.ebm(units, INS, GOODS, BADS, rts="vrs").calibration.to_numpy()
    x, y, b = (units[c].to_numpy() for c in (INS, GOODS, BADS))
    n = len(units)
    for o in range(0, n, 9):  # max sum s/v_o: X lambda + s- = x_o, Y lambda - s+ = y_o, B lambda + sb = b_o
        a = np.c_[np.r_[x.T, y.T, b.T], np.diag(np.r_[1, 1, -1, -1, 1, 1]), ]
        a = np.r_[a, np.r_[np.ones(n), np.zeros(6)][None, :]]
        v = np.r_[x[o], y[o], b[o]]
        res = linprog(np.r_[np.zeros(n), -1 / v], A_eq=a, b_eq=np.r_[v, 1.0], method="highs")
        slack = res.x[n:]
        # the optimum value is unique; the projection is when the additive optimum is
        found = additive[o]
        assert (np.abs(found - v) / v).sum() == pytest.approx(-res.fun, rel=1e-8, abs=1e-10)
        np.testing.assert_allclose(found, v + slack * np.r_[-1, -1, 1, 1, -1, -1], rtol=1e-6, atol=1e-8)
    by_sbm = nt.frontier.ebm(units, INS, GOODS, BADS, projection="sbm").calibration.to_numpy()
    slacks = nt.frontier.sbm(units, INS, GOODS, BADS, rts="vrs").slacks.to_numpy()
    np.testing.assert_allclose(by_sbm, units[ALL].to_numpy() + slacks * np.r_[-1, -1, 1, 1, -1, -1], rtol=1e-12)


def test_a_reference_set_scores_other_units_against_its_frontier(units):
    early, late = units.iloc[:18].reset_index(drop=True), units.iloc[18:].reset_index(drop=True)
    params = dict(epsilon=(0.4, 0.3), weights={"x1": 1, "x2": 1, "y1": 1, "y2": 1, "b1": 1, "b2": 1})
    with pytest.warns(ConvergenceWarning, match="no optimal LP"):
        cross = nt.frontier.ebm(late, INS, GOODS, BADS, reference=early, **params)
    w = (np.full(2, 0.5), np.full(2, 0.25), np.full(2, 0.25))
    status = cross.to_frame()["status"]
    assert (status == "optimal").sum() >= 9
    for o in range(len(late)):  # the program written on the early units alone
        alone = fractional_program_against(early, late.iloc[o], w, (0.4, 0.3, 0.3))
        if status.iloc[o] == "optimal":
            assert cross.efficiency.iloc[o] == pytest.approx(alone, rel=1e-8)
        else:  # more good output per bad output than the early units reach: no target on their frontier
            assert np.isnan(alone) and np.isnan(cross.efficiency.iloc[o])
    same = nt.frontier.ebm(units, INS, GOODS, BADS, reference=units, **params)
    np.testing.assert_allclose(same.efficiency, nt.frontier.ebm(units, INS, GOODS, BADS, **params).efficiency,
                               rtol=1e-10)
    with pytest.warns(ConvergenceWarning):
        calibrated = nt.frontier.ebm(late, INS, GOODS, BADS, reference=early)
    assert calibrated.epsilon["inputs"] == pytest.approx(nt.frontier.ebm(early, INS, GOODS, BADS).epsilon["inputs"])


def fractional_program_against(reference: pd.DataFrame, unit: pd.Series, w: tuple[np.ndarray, ...],
                               eps: tuple[float, float, float]) -> float:
    """The non-oriented CRS "contract" EBM of ``unit`` against ``reference`` alone (Charnes-Cooper)."""
    data = pd.concat([reference, unit.to_frame().T], ignore_index=True)
    o, n = len(reference), len(reference)
    x, y, b = (data[c].to_numpy(dtype=float) for c in (INS, GOODS, BADS))
    nv = 3 + n + 6
    a = np.zeros((7, nv))
    a[0, 1], a[0, 3 + n + 2:3 + n + 4], a[0, 3 + n + 4:] = 1.0, eps[1] * w[1] / y[o], eps[2] * w[2] / b[o]
    a[1:3, 0], a[1:3, 3:3 + n], a[1:3, 3 + n:3 + n + 2] = x[o], -x[:n].T, -np.eye(2)
    a[3:5, 1], a[3:5, 3:3 + n], a[3:5, 3 + n + 2:3 + n + 4] = y[o], -y[:n].T, np.eye(2)
    a[5:7, 1], a[5:7, 2], a[5:7, 3:3 + n], a[5:7, 3 + n + 4:] = -b[o], 2 * b[o], -b[:n].T, -np.eye(2)
    cost = np.zeros(nv)
    cost[0], cost[3 + n:3 + n + 2] = 1.0, -eps[0] * w[0] / x[o]
    floor = np.zeros((1, nv))
    floor[0, 1], floor[0, 2] = -1.0, 1.0  # eta >= t
    res = linprog(cost, A_eq=a, b_eq=np.r_[1.0, np.zeros(6)], A_ub=floor, b_ub=[0.0], bounds=[(0, None)] * nv,
                  method="highs")
    assert res.status in (0, 2)
    return float(res.fun) if res.status == 0 else np.nan


def test_bad_output_errors_name_the_problem(units):
    with pytest.raises(SpecificationError, match="one epsilon"):
        nt.frontier.ebm(units, INS, GOODS, BADS, epsilon=(0.1, 0.2, 0.3))
    with pytest.raises(SpecificationError, match="bad outputs"):
        nt.frontier.ebm(units, INS, GOODS, BADS, epsilon=(0.1, 0.2), bad_output_affinity="separate")
    with pytest.raises(SpecificationError, match=r"\(inputs, outputs\)"):
        nt.frontier.ebm(units, INS, GOODS, epsilon=(0.1, 0.2, 0.3))
    with pytest.raises(SpecificationError, match="every output or none"):
        nt.frontier.ebm(units, INS, GOODS, BADS, weights={"y1": 1.0, "y2": 1.0})
    with pytest.raises(SpecificationError, match="every bad output or none"):
        nt.frontier.ebm(units, INS, GOODS, BADS, weights={"b1": 1.0}, bad_output_affinity="separate")
    with pytest.raises(SpecificationError, match="bad_output_factor"):
        nt.frontier.ebm(units, INS, GOODS, BADS, bad_output_factor="shrink")
    with pytest.raises(SpecificationError, match="bad_output_affinity"):
        nt.frontier.ebm(units, INS, GOODS, BADS, bad_output_affinity="both")
    with pytest.raises(PanelError, match="bad output column 'b2'"):
        nt.frontier.ebm(units.assign(b2=0.0), INS, GOODS, BADS)
    with pytest.raises(SpecificationError, match="two roles"):
        nt.frontier.ebm(units, INS, GOODS, ["y1"])
    with pytest.raises(SpecificationError, match="reference"):
        nt.frontier.ebm(units, INS, GOODS, BADS, super_efficiency=True, reference=units)
    with pytest.raises(SpecificationError, match="cannot score an efficient unit above 1"):
        nt.frontier.ebm(units, INS, GOODS, BADS, super_efficiency=True, orientation="output")
    before = units.copy()
    nt.frontier.ebm(units, INS, GOODS, BADS)
    pd.testing.assert_frame_equal(units, before)


@pytest.mark.parametrize("orientation", ["non", "output", "input"])
def test_column_generation_the_frame_and_every_column_give_the_same_scores(units, orientation):
    """The set's own units by column generation (highspy), by SciPy's HiGHS over the frame, and over every
    unit (``frame=False``), for plain and super-efficiency scores."""
    kw = {"orientation": orientation, "rts": "vrs", "epsilon": (0.4, 0.6), "weights": dict.fromkeys(ALL, 1.0),
          "bad_output_factor": "expand" if orientation == "output" else "contract"}  # contract: eta >= 1 (below)
    priced = nt.frontier.ebm(units, INS, GOODS, BADS, **kw)
    framed = nt.frontier.ebm(units, INS, GOODS, BADS, solver="scipy", **kw)
    every = nt.frontier.ebm(units, INS, GOODS, BADS, frame=False, **kw)
    np.testing.assert_allclose(priced.efficiency, framed.efficiency, rtol=1e-8)
    np.testing.assert_allclose(priced.efficiency, every.efficiency, rtol=1e-8)
    # under VRS an efficient unit left out of its reference set can have no target: NaN, warned, in both
    with pytest.warns(ConvergenceWarning, match="no optimal LP"):
        super_priced = nt.frontier.ebm(units, INS, GOODS, BADS, super_efficiency=True, **kw)
    with pytest.warns(ConvergenceWarning, match="no optimal LP"):
        super_every = nt.frontier.ebm(units, INS, GOODS, BADS, super_efficiency=True, frame=False, **kw)
    np.testing.assert_allclose(super_priced.efficiency, super_every.efficiency, rtol=1e-8)
    efficient = priced.efficiency >= 1 - 1e-9
    solved = super_priced.to_frame()["status"] == "optimal"
    assert solved.sum() >= 10
    assert (super_priced.efficiency[efficient & solved] >= 1 - 1e-9).all()
    np.testing.assert_allclose(super_priced.efficiency[~efficient], priced.efficiency[~efficient], rtol=1e-8)
