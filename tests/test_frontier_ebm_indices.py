"""The Malmquist-Luenberger and Luenberger indices on the epsilon-based measure, ``D = 1 / kappa - 1``:
every change rebuilt from EBM scores that :func:`nqpf_tfp.frontier.ebm` computes period by period (its
cross-period scores with ``reference=``, themselves checked against the program written out), on the
bundled provinces (gtfpch's data: K, L, E; GDP; CO2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ConvergenceWarning, PanelError, SpecificationError

INS, GOOD, BAD = ["K", "L", "E"], "Y", "CO2"
KEYS = {"entity": "Province", "time": "year"}


@pytest.fixture(scope="module")
def provinces() -> pd.DataFrame:
    return nt.datasets.load_gtfpch_provinces()


def scores(data: pd.DataFrame, reference: pd.DataFrame | None = None, **options) -> pd.Series:
    """EBM scores of ``data`` labelled by province, against ``reference`` (default: ``data``)."""
    return nt.frontier.ebm(data, INS, GOOD, BAD, reference=reference, entity="Province", **options).efficiency


@pytest.mark.parametrize("direction, orientation", [("all", "non"), ("outputs", "output")])
def test_the_global_index_is_the_ratio_of_pooled_ebm_scores(provinces, direction, orientation):
    ml = nt.frontier.malmquist_luenberger(provinces, INS, GOOD, BAD, **KEYS, distance="ebm", direction=direction,
                                          frontier="global")
    pooled = nt.frontier.ebm(provinces, INS, GOOD, BAD, orientation=orientation, **KEYS).efficiency
    expected = pooled / pooled.groupby(level=0).shift(1)
    found = ml.changes.tfpch
    np.testing.assert_allclose(found, expected.reindex(found.index), rtol=1e-10)
    lu = nt.frontier.luenberger(provinces, INS, GOOD, BAD, **KEYS, distance="ebm", direction=direction,
                                frontier="global")
    distance = 1 / pooled - 1
    expected = distance.groupby(level=0).shift(1) - distance
    np.testing.assert_allclose(lu.changes.tfpch, expected.reindex(lu.changes.index), atol=1e-10)


def test_the_contemporaneous_index_is_built_from_period_and_cross_period_scores(provinces):
    pooled = nt.frontier.ebm(provinces, INS, GOOD, BAD)
    options = {"epsilon": tuple(pooled.epsilon), "weights": dict(pooled.weights), "rts": "vrs"}
    with pytest.warns(ConvergenceWarning):  # VRS: some cross-period programs have no solution
        ml = nt.frontier.malmquist_luenberger(provinces, INS, GOOD, BAD, **KEYS, distance="ebm", direction="all",
                                              rts="vrs")
        lu = nt.frontier.luenberger(provinces, INS, GOOD, BAD, **KEYS, distance="ebm", direction="all", rts="vrs")
    years = sorted(provinces["year"].unique())
    checked = 0
    for before, now in zip(years[:-1], years[1:]):
        a = provinces[provinces["year"] == before]
        b = provinces[provinces["year"] == now]
        own_a, own_b = scores(a, **options), scores(b, **options)
        with pytest.warns(ConvergenceWarning):
            b_on_a, a_on_b = scores(b, reference=a, **options), scores(a, reference=b, **options)
        tech = own_b / own_a
        tfpch = np.sqrt(b_on_a / own_a * own_b / a_on_b)
        found = ml.changes.xs(now, level="year")
        np.testing.assert_allclose(found.tech, tech.reindex(found.index), rtol=1e-9)
        np.testing.assert_allclose(found.tfpch, tfpch.reindex(found.index), rtol=1e-9)
        d = {k: 1 / v - 1 for k, v in (("aa", own_a), ("bb", own_b), ("ba", b_on_a), ("ab", a_on_b))}
        difference = 0.5 * ((d["ab"] - d["bb"]) + (d["aa"] - d["ba"]))
        found = lu.changes.xs(now, level="year")
        np.testing.assert_allclose(found.tfpch, difference.reindex(found.index), atol=1e-9)
        np.testing.assert_allclose(found.tech, (d["aa"] - d["bb"]).reindex(found.index), atol=1e-9)
        checked += int(np.isfinite(found.tfpch).sum())
    assert checked >= 40  # of 60 changes; NaN where the LP has no solution, in both (compared above)


def test_ebm_options_reach_the_measure_and_workers_give_the_same_numbers(provinces):
    options = {"epsilon": (0.3, 0.6), "bad_output_factor": "expand", "bounded": True}
    one = nt.frontier.malmquist_luenberger(provinces, INS, GOOD, BAD, **KEYS, distance="ebm", direction="all",
                                           frontier="global", ebm_options=options)
    pooled = nt.frontier.ebm(provinces, INS, GOOD, BAD, **KEYS, **options).efficiency
    expected = pooled / pooled.groupby(level=0).shift(1)
    np.testing.assert_allclose(one.changes.tfpch, expected.reindex(one.changes.index), rtol=1e-10)
    two = nt.frontier.malmquist_luenberger(provinces, INS, GOOD, BAD, **KEYS, distance="ebm", direction="all",
                                           frontier="global", ebm_options=options, n_jobs=2, backend="threads")
    pd.testing.assert_frame_equal(one.changes, two.changes)


def test_ebm_index_errors_name_the_problem(provinces):
    with pytest.raises(SpecificationError, match="ebm_options"):
        nt.frontier.malmquist_luenberger(provinces, INS, GOOD, BAD, **KEYS, ebm_options={"epsilon": 0.5})
    with pytest.raises(SpecificationError, match="orientation"):
        nt.frontier.luenberger(provinces, INS, GOOD, BAD, **KEYS, distance="ebm", ebm_options={"orientation": "non"})
    with pytest.raises(SpecificationError, match="bad_output_factor"):
        nt.frontier.luenberger(provinces, INS, GOOD, BAD, **KEYS, distance="ebm",
                               ebm_options={"bad_output_factor": "grow"})
    with pytest.raises(PanelError, match="'CO2' has zeros"):
        nt.frontier.malmquist_luenberger(provinces.assign(CO2=provinces["CO2"].where(provinces.index != 3, 0.0)),
                                         INS, GOOD, BAD, **KEYS, distance="ebm")
