"""One vocabulary across the families, read off the public API (not a hand-picked list): the same defaults
for n_jobs, backend, seed and progress; solver checked through the options table wherever an LP is solved;
group for a grouping column; spatial and LP-direction weights under their own names; unique class names;
one spelling in keywords and printed labels."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import SpecificationError

NAMESPACES = [nt, nt.frontier, nt.indices, nt.analysis, nt.growth, nt.production, nt.data, nt.datasets]


def _callables() -> dict[str, object]:
    found: dict[str, object] = {}
    for namespace in NAMESPACES:
        for name in namespace.__all__:
            obj = getattr(namespace, name)
            if not callable(obj) or (isinstance(obj, type) and issubclass(obj, BaseException)):
                continue
            found[f"{namespace.__name__}.{name}"] = obj
            if isinstance(obj, type):
                for attr in dir(obj):
                    member = inspect.getattr_static(obj, attr)
                    if not attr.startswith("_") and (inspect.isfunction(member)
                                                     or isinstance(member, (classmethod, staticmethod))):
                        found[f"{namespace.__name__}.{name}.{attr}"] = getattr(obj, attr)
    return found


CALLABLES = _callables()
SIGNATURES = {label: inspect.signature(f) for label, f in CALLABLES.items()}


@pytest.mark.parametrize("keyword, default", [("n_jobs", 1), ("backend", "processes"), ("seed", None),
                                              ("progress", False), ("solver", "auto")])
def test_shared_keywords_have_one_default_everywhere(keyword, default):
    having = {label: sig.parameters[keyword].default for label, sig in SIGNATURES.items()
              if keyword in sig.parameters and sig.parameters[keyword].default is not inspect.Parameter.empty}
    assert having, keyword
    assert {label: value for label, value in having.items() if value != default} == {}


def test_grouping_columns_are_called_group_and_spatial_weights_have_their_own_name():
    assert not [label for label, sig in SIGNATURES.items() if "by" in sig.parameters]
    assert all("group" in SIGNATURES[f"nqpf_tfp.{name}"].parameters
               for name in ("fit_by", "analysis.productivity_decomposition", "indices.dagum_gini", "markups"))
    for name in ("moran", "local_moran", "markov_chain"):
        assert "spatial_weights" in SIGNATURES[f"nqpf_tfp.indices.{name}"].parameters
    for name in ("nonradial_ddf", "malmquist_luenberger", "luenberger"):
        params = SIGNATURES[f"nqpf_tfp.frontier.{name}"].parameters
        assert "direction_weights" in params and "weights" not in params


def test_public_class_names_are_unique():
    names: dict[str, object] = {}
    for namespace in NAMESPACES:
        for name in namespace.__all__:
            obj = getattr(namespace, name)
            if isinstance(obj, type):
                assert names.setdefault(obj.__name__, obj) is obj, obj.__name__


def _tiny_frontier_panel() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"firm": np.repeat(np.arange(5), 2), "year": np.tile([1, 2], 5),
                         "x": rng.uniform(1, 2, 10), "y": rng.uniform(1, 2, 10), "b": rng.uniform(0.1, 0.5, 10)})


LP_CALLS = {
    "dea": lambda d, **k: nt.frontier.dea(d, "x", "y", **k),
    "sbm": lambda d, **k: nt.frontier.sbm(d, "x", "y", "b", **k),
    "ddf": lambda d, **k: nt.frontier.ddf(d, "x", "y", "b", **k),
    "nonradial_ddf": lambda d, **k: nt.frontier.nonradial_ddf(d, "x", "y", "b", **k),
    "malmquist": lambda d, **k: nt.frontier.malmquist(d, "x", "y", entity="firm", time="year", **k),
    "malmquist_luenberger": lambda d, **k: nt.frontier.malmquist_luenberger(d, "x", "y", "b", entity="firm",
                                                                            time="year", **k),
    "luenberger": lambda d, **k: nt.frontier.luenberger(d, "x", "y", "b", entity="firm", time="year", **k),
    "ebm": lambda d, **k: nt.frontier.ebm(d, "x", "y", **k),
    "bootstrap_dea": lambda d, **k: nt.frontier.bootstrap_dea(d, "x", "y", replications=2, **k),
    "bootstrap_malmquist": lambda d, **k: nt.frontier.bootstrap_malmquist(d, "x", "y", entity="firm", time="year",
                                                                          replications=2, **k),
    "simar_wilson": lambda d, **k: nt.frontier.simar_wilson(d, "x", "y", "b", replications=2, **k),
    "three_stage_dea": lambda d, **k: nt.frontier.three_stage_dea(d, "x", "y", "b", **k),
}


def test_every_function_that_solves_lps_is_in_the_list_below():
    with_solver = {label.rsplit(".", 1)[-1] for label, sig in SIGNATURES.items() if "solver" in sig.parameters
                   and inspect.isfunction(CALLABLES[label])}
    assert with_solver == set(LP_CALLS)


@pytest.mark.parametrize("name", sorted(LP_CALLS))
def test_solver_is_checked_through_the_options_table(name):
    with pytest.raises(SpecificationError, match=r"solver='bogus' is not a valid value; valid values are: 'auto' "):
        LP_CALLS[name](_tiny_frontier_panel(), solver="bogus")


def test_one_spelling_in_printed_labels():
    data = _tiny_frontier_panel()
    text = str(nt.indices.composite_index(data, {"x": "+", "y": "+"}, entity="firm", time="year").summary())
    assert "Normalization minmax" in text and "Normalisation" not in text
    assert "labor_response_t" in {f for f in nt.production.results.Optimum.__dataclass_fields__}


def _keyed_panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(5)
    firms = [f"f{i}" for i in range(8)]
    frame = pd.DataFrame({"firm": np.repeat(firms, 4), "year": np.tile([2001, 2002, 2003, 2004], 8)})
    for name in ("x0", "x1", "y", "b", "green", "w"):
        frame[name] = rng.uniform(0.5, 2.0, len(frame))
    frame["tfp"] = np.log(frame["y"])
    ring = np.roll(np.eye(8), 1, axis=1) + np.roll(np.eye(8), -1, axis=1)
    return frame, pd.DataFrame(ring, index=firms, columns=firms)


def _quietly(function, *args, **kwargs):
    """Call without ConvergenceWarning: random panels leave some cross-period VRS programs infeasible (NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nt.errors.ConvergenceWarning)
        return function(*args, **kwargs)


def _key_calls(w: pd.DataFrame) -> dict[str, object]:
    return {
        "frontier.malmquist": lambda d, **k: nt.frontier.malmquist(d, ["x0", "x1"], "y", **k).tfp,
        "frontier.malmquist_luenberger": lambda d, **k: nt.frontier.malmquist_luenberger(
            d, ["x0", "x1"], "y", "b", frontier="global", **k).tfp,
        "frontier.luenberger": lambda d, **k: nt.frontier.luenberger(d, ["x0", "x1"], "y", "b", frontier="global",
                                                                     **k).tfp,
        "frontier.lowe_efficiency": lambda d, **k: nt.frontier.lowe_efficiency(
            d, ["x0", "x1"], "y", input_prices=["w", "green"], output_prices="w", **k).tfp,
        "frontier.fare_primont_efficiency": lambda d, **k: nt.frontier.fare_primont_efficiency(
            d, ["x0", "x1"], "y", **k).tfp,
        "frontier.hicks_moorsteen": lambda d, **k: nt.frontier.hicks_moorsteen(d, ["x0", "x1"], "y", **k).tfp,
        "frontier.index_decomposition": lambda d, **k: _quietly(
            nt.frontier.index_decomposition, d, ["x0", "x1"], "y", input_prices=["w", "green"], **k).tfp,
        "growth.tfp_indicator": lambda d, **k: nt.growth.tfp_indicator(
            d, ["x0", "x1"], "y", input_prices=["w", "green"], output_prices="w", **k).tfp,
        "growth.tfp_index": lambda d, **k: nt.growth.tfp_index(d, ["x0", "x1"], "y", input_prices=["w", "green"],
                                                               **k).tfp,
        "indices.composite_index": lambda d, **k: nt.indices.composite_index(d, {"y": "+", "green": "+"}, **k).scores,
        "indices.normalize": lambda d, **k: nt.indices.normalize(d, {"y": "+", "green": "-"}, **k),
        "indices.moran": lambda d, **k: nt.indices.moran(d, "y", w, **k).statistics,
        "indices.local_moran": lambda d, **k: nt.indices.local_moran(d, "y", w, **k).to_frame(),
        "indices.markov_chain": lambda d, **k: nt.indices.markov_chain(d, "y", classes=2, **k).probabilities,
        "indices.beta_convergence": lambda d, **k: nt.indices.beta_convergence(d, "y", **k).params,
        "analysis.productivity_decomposition": lambda d, **k: nt.analysis.productivity_decomposition(
            d, "tfp", "w", **k).to_frame(),
        "analysis.productivity_dispersion": lambda d, **k: nt.analysis.productivity_dispersion(d, "tfp", **k),
        "analysis.productivity_persistence": lambda d, **k: nt.analysis.productivity_persistence(d, "tfp", **k).params,
        "analysis.productivity_transitions": lambda d, **k: nt.analysis.productivity_transitions(d, "tfp", classes=2,
                                                                                                **k),
    }


def test_every_function_with_optional_keys_is_checked_below():
    optional = {label.removeprefix("nqpf_tfp.") for label, sig in SIGNATURES.items()
                if inspect.isfunction(CALLABLES[label]) and {"entity", "time"} <= set(sig.parameters)
                and sig.parameters["entity"].default is None and sig.parameters["time"].default is None}
    cross_section = {"frontier.dea", "frontier.sbm", "frontier.ddf", "frontier.nonradial_ddf", "frontier.ebm",
                     "frontier.metafrontier", "frontier.sfa_metafrontier", "frontier.bootstrap_dea",
                     "frontier.simar_wilson", "frontier.three_stage_dea", "growth.multilateral_tfp"}  # keys label only
    owned = {"growth_accounting", "level_accounting", "growth.growth_accounting", "growth.level_accounting",
             "growth.perpetual_inventory", "markups", "analysis.markups"}  # tested in their own modules
    assert optional - cross_section - owned == set(_key_calls(pd.DataFrame()))


@pytest.mark.parametrize("name", sorted(_key_calls(pd.DataFrame())))
def test_keys_are_columns_or_a_two_level_index_in_every_family(name):
    data, w = _keyed_panel()
    call = _key_calls(w)[name]
    with_columns = call(data, entity="firm", time="year")
    indexed = data.set_index(["firm", "year"])
    before = indexed.copy()
    with_index = call(indexed)
    if isinstance(with_columns, pd.DataFrame):
        pd.testing.assert_frame_equal(with_index, with_columns)
    else:
        pd.testing.assert_series_equal(with_index, with_columns)
    pd.testing.assert_frame_equal(indexed, before)  # the caller's frame is not changed
    with pytest.raises(SpecificationError, match="pass time= as well"):
        call(data, entity="firm")
    with pytest.raises(SpecificationError, match="two-level"):
        call(data)
