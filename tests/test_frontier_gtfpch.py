"""Against Stata's ``teddf`` and ``gtfpch`` (Wang, Du and Zhang 2022, Stata Journal 22(1)) on their example data.

Reference: the package's example logs ``ex1.log``-``ex4.log`` (GitHub ``kerrydu/gtfpch``, files dated
2021-10-22, the runs printed in the article), on ``example.dta`` = ``nt.datasets.load_gtfpch_provinces()``
(30 provinces, 2013-2015), inputs K and L, good output Y, bad output CO2; printed to 4 decimals, so
compared to 5e-5 (every one of the 900 printed numbers agrees). Transcribed in
tests/data/gtfpch_sj_examples.csv (provenance in tests/data/README.md):

- ``teddf K L = Y: CO2, dmu(Province) time(year)``: radial DDF against each year's frontier, direction
  (-K, -L, Y, -CO2) -- our ``direction="all"``;
- ``teddf ..., nonr``: the non-radial DDF, weights (1, 1, 1, 1), with each variable's beta;
- ``gtfpch K L = Y: CO2, dmu(Province) global``: the global Malmquist-Luenberger index, direction
  (0, 0, Y, -CO2) -- our ``direction="outputs"``;
- ``gtfpch ..., nonr global``: the Luenberger indicator on the non-radial DDF, weights (0, 0, 1, 1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt

ROOT = Path(__file__).resolve().parents[1]
DATA = nt.datasets.load_gtfpch_provinces()  # the bundled copy of example.dta, checked against its sha256
PUBLISHED = pd.read_csv(Path(__file__).parent / "data" / "gtfpch_sj_examples.csv")


def _published(example: str) -> pd.DataFrame:
    return PUBLISHED[PUBLISHED.example == example].set_index(["Province", "year"]).drop(columns="example")


def _per_year(**kw: object) -> pd.DataFrame:
    parts = []
    for _, year in DATA.groupby("year"):
        res = (nt.frontier.nonradial_ddf if "direction_weights" in kw else nt.frontier.ddf)(
            year, ["K", "L"], "Y", "CO2", entity="Province", time="year", **kw)
        parts.append(res.to_frame())  # labelled by (Province, year)
    return pd.concat(parts)


def test_teddf_radial_distances():
    ours = _per_year(direction="all")
    theirs = _published("teddf_radial_all")
    assert len(theirs) == 90
    np.testing.assert_allclose(ours.distance.reindex(theirs.index), theirs.v1, rtol=0, atol=5e-5)


def test_teddf_nonradial_distances_and_betas():
    ours = _per_year(direction="all", direction_weights={"K": 1.0, "L": 1.0, "Y": 1.0, "CO2": 1.0})
    theirs = _published("teddf_nonradial_all")
    ours = ours.reindex(theirs.index)
    np.testing.assert_allclose(ours.distance, theirs.v1, rtol=0, atol=5e-5)
    betas = ours[["beta_K", "beta_L", "beta_Y", "beta_CO2"]].to_numpy()
    np.testing.assert_allclose(betas, theirs[["v2", "v3", "v4", "v5"]].to_numpy(), rtol=0, atol=5e-5)


def test_gtfpch_global_malmquist_luenberger():
    ours = nt.frontier.malmquist_luenberger(DATA, ["K", "L"], "Y", "CO2", entity="Province", time="year",
                                            frontier="global").changes
    theirs = _published("gtfpch_ml_global")
    assert len(theirs) == 60
    got = ours.reindex(theirs.index)[["tfpch", "tech", "tecch"]].to_numpy()
    np.testing.assert_allclose(got, theirs[["v1", "v2", "v3"]].to_numpy(), rtol=0, atol=5e-5)


def test_gtfpch_nonradial_global_luenberger():
    ours = nt.frontier.luenberger(DATA, ["K", "L"], "Y", "CO2", entity="Province", time="year", frontier="global",
                                  distance="nonradial", direction_weights={"Y": 1.0, "CO2": 1.0}).changes
    theirs = _published("gtfpch_luenberger_nonradial_global")
    got = ours.reindex(theirs.index)[["tfpch", "tech", "tecch"]].to_numpy()
    np.testing.assert_allclose(got, theirs[["v1", "v2", "v3"]].to_numpy(), rtol=0, atol=5e-5)


@pytest.mark.parametrize("scale", [1e-3, 1e3])
def test_units_do_not_move_the_published_numbers(scale):
    # CO2 in tonnes (or grams) instead of kilograms: the same index
    rescaled = DATA.assign(CO2=DATA.CO2 * scale)
    ours = nt.frontier.malmquist_luenberger(rescaled, ["K", "L"], "Y", "CO2", entity="Province", time="year",
                                            frontier="global").changes
    theirs = _published("gtfpch_ml_global")
    np.testing.assert_allclose(ours.reindex(theirs.index).tfpch, theirs.v1, rtol=0, atol=5e-5)
