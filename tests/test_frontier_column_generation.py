"""Column generation for frontier LPs (Dantzig and Wolfe 1960): the order in which units are solved, and the
reference columns they gather, change no distance."""

from __future__ import annotations

import numpy as np
import pytest

from nqpf_tfp.frontier.column_generation import locality_order, priced_distances


@pytest.mark.parametrize("n", [0, 1, 16, 17, 1000])
def test_the_locality_order_is_a_permutation(n):
    rng = np.random.default_rng(n)
    values = np.round(rng.uniform(0, 3, (n, 4)))  # many ties
    order = locality_order(values)
    assert np.array_equal(np.sort(order), np.arange(n))


def test_neighbours_in_the_locality_order_are_alike():
    rng = np.random.default_rng(0)
    values = rng.uniform(0, 1, (4000, 3))
    order = locality_order(values)
    step = np.abs(np.diff(values[order], axis=0)).sum(axis=1).mean()
    assert step < 0.25 * np.abs(np.diff(values, axis=0)).sum(axis=1).mean()


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("weights", [None, np.r_[0.25, 0.25, 0.25, 0.25]])
def test_the_distances_do_not_depend_on_which_units_come_first(rts, weights):
    rng = np.random.default_rng(4)
    x, y, b = rng.uniform(1, 10, (300, 2)), rng.uniform(1, 10, (300, 1)), rng.uniform(1, 10, (300, 1))
    g = np.column_stack([x, y, b])
    everyone = np.arange(300)
    status, distance, betas = priced_distances(x, y, b, g, rts, everyone, weights)
    assert status == ["optimal"] * 300
    # the second half alone gathers its own columns, in its own order: the same distances and betas
    half = everyone[150:][::-1]
    status2, distance2, betas2 = priced_distances(x, y, b, g[half], rts, half, weights)
    np.testing.assert_allclose(distance2, distance[half], rtol=0, atol=1e-10)
    if weights is not None:  # the weighted shares add up to the distance
        np.testing.assert_allclose(betas @ weights, distance, rtol=0, atol=1e-10)
        np.testing.assert_allclose(betas2, betas[half], rtol=0, atol=1e-8)
    # own units: never outside their technology, some on its frontier, most inside
    assert (distance >= -1e-10).all() and (distance < 1e-10).any() and (distance > 1e-3).mean() > 0.5
