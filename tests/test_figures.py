"""Figures for papers: kernel densities over periods (ridgeline, surface), the Moran scatterplot, the local
Moran cluster map as a grid of units, chained-index plots with a legend or highlighted units."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import nqpf_tfp as nt  # noqa: E402
from nqpf_tfp.errors import SpecificationError  # noqa: E402

KEYS = {"entity": "Province", "time": "year"}


@pytest.fixture(scope="module")
def provinces():
    data = nt.datasets.load_gtfpch_provinces()
    return data.assign(lp=data.Y / data.L)


@pytest.fixture(scope="module")
def contiguity(provinces):
    weights = nt.datasets.china_contiguity("name_pinyin")
    keep = sorted(provinces.Province.unique())
    return weights.loc[keep, keep]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_a_ridgeline_draws_one_filled_density_per_period_in_order(provinces):
    densities = nt.indices.kernel_densities(provinces, "lp", time="year")
    ax = nt.indices.plot_densities(densities)
    assert len(ax.collections) == densities.shape[1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2013", "2014", "2015"]
    # each ridge's top is its period's density shifted up by its row's offset
    tops = [line.get_ydata() for line in ax.lines]
    offsets = sorted(float(np.min(t - densities[c].to_numpy())) for t, c in zip(tops, densities.columns[::-1]))
    assert offsets[0] == pytest.approx(0.0) and np.all(np.diff(offsets) > 0)


def test_a_surface_is_drawn_on_3d_axes_and_refused_on_flat_ones(provinces):
    densities = nt.indices.kernel_densities(provinces, "lp", time="year")
    ax = nt.indices.plot_densities(densities, kind="surface")
    assert ax.name == "3d" and ax.get_zlabel() == "density"
    _, flat = plt.subplots()
    with pytest.raises(SpecificationError, match="3D Axes"):
        nt.indices.plot_densities(densities, kind="surface", ax=flat)
    with pytest.raises(SpecificationError, match="ridgeline"):
        nt.indices.plot_densities(densities, kind="joyplot")
    with pytest.raises(SpecificationError, match="kernel_densities"):
        nt.indices.plot_densities(densities.iloc[:, :0])


def test_the_moran_scatterplot_slope_is_morans_i(provinces, contiguity):
    lisa = nt.indices.local_moran(provinces, "lp", contiguity, **KEYS)
    ax = lisa.plot(period=2014)
    moran = nt.indices.moran(provinces, "lp", contiguity, **KEYS).statistics.loc[2014, "I"]
    x, y = ax.lines[0].get_data()
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(moran, rel=1e-10)
    assert ax.get_legend().get_texts()[0].get_text() == f"Moran's I = {moran:.3f}"
    points = ax.collections[0]
    assert len(points.get_offsets()) == 30


def test_the_cluster_map_colours_each_unit_by_its_significant_cluster(provinces, contiguity):
    lisa = nt.indices.local_moran(provinces, "lp", contiguity, permutations=99, seed=3, **KEYS)
    ax = lisa.cluster_map(period=2015, columns=6)
    tiles = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(tiles) == 30
    names = [t.get_text() for t in ax.texts]
    expected = lisa.clusters().xs(2015, level="year")
    colours = nt.indices.CLUSTER_COLOURS
    assert [to_hex(t.get_facecolor()) for t in tiles] == [colours[expected[n]] for n in names]
    assert "999" not in ax.get_title() and "99 permutations" in ax.get_title()


def test_the_cluster_map_without_permutations_and_with_positions(provinces, contiguity):
    lisa = nt.indices.local_moran(provinces, "lp", contiguity, **KEYS)
    places = {p: (i % 5, i // 5) for i, p in enumerate(sorted(provinces.Province.unique()))}
    ax = lisa.cluster_map(positions=places)
    assert "no permutation p-values" in ax.get_title()
    first = next(p for p in ax.patches if isinstance(p, Rectangle))
    assert first.get_xy() == (0.0, 0.0)
    del places["Beijing"]
    with pytest.raises(SpecificationError, match="Beijing"):
        lisa.cluster_map(positions=places)


def test_many_chained_lines_are_grey_under_their_median_or_highlighted(provinces):
    gml = nt.frontier.malmquist_luenberger(provinces, ["K", "L", "E"], "Y", "CO2", frontier="global", **KEYS)
    ax = gml.plot()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["median of the 30 units of Province (each in grey)"]
    median = gml.tfp.groupby(level="year").median()
    assert np.allclose(ax.lines[-1].get_ydata(), median.to_numpy())
    assert [int(t) for t in ax.get_xticks() if 2013 <= t <= 2015] == [2013, 2014, 2015]
    ax = gml.plot(highlight=["Beijing", "Shanxi"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Beijing", "Shanxi"]
    assert sum(to_hex(line.get_color()) == "#bfbfbf" for line in ax.lines) == 28
    with pytest.raises(SpecificationError, match="Pekin"):
        gml.plot(highlight=["Pekin"])
    few = gml.plot(entities=["Beijing", "Tianjin"])
    assert [t.get_text() for t in few.get_legend().get_texts()] == ["Beijing", "Tianjin"]


def test_growth_accounting_plots_take_highlight_too():
    pwt = nt.datasets.load_pwt()
    ga = nt.pwt_growth_accounting(pwt[pwt.countrycode.isin(["CHN", "USA", "IND", "JPN", "DEU", "FRA", "GBR", "ITA",
                                                             "BRA", "KOR", "MEX", "CAN", "ESP", "AUS"])])
    ax = ga.plot(highlight=["CHN"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["CHN"]
    assert sum(to_hex(line.get_color()) == "#bfbfbf" for line in ax.lines) == 13
