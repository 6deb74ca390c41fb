"""Unknown keywords and columns: every public callable, collected from the public API (not listed by hand),
answers a misspelt keyword with an nqpf_tfp ArgumentError that names it and its closest parameter; a column
that is not in the data is named with its role and the closest column names."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import ArgumentError, NqpfTfpError, SpecificationError

NAMESPACES = [nt, nt.frontier, nt.indices, nt.analysis, nt.growth, nt.production, nt.data, nt.datasets]


def _public_callables() -> dict[str, object]:
    """Every function and class in the namespaces' ``__all__``, and every public method of those classes."""
    found: dict[str, object] = {}
    seen: set[int] = set()
    for namespace in NAMESPACES:
        for name in namespace.__all__:
            obj = getattr(namespace, name)
            if id(obj) in seen or not callable(obj) or (isinstance(obj, type) and issubclass(obj, BaseException)):
                continue
            seen.add(id(obj))
            label = f"{namespace.__name__}.{name}"
            found[label] = obj
            if isinstance(obj, type):
                for attr in dir(obj):
                    static = inspect.getattr_static(obj, attr)
                    if not attr.startswith("_") and isinstance(static, (classmethod, staticmethod)) or (
                            not attr.startswith("_") and inspect.isfunction(static)):
                        found[f"{label}.{attr}"] = getattr(obj, attr)
    return found


CALLABLES = _public_callables()


def _typo(func: object) -> tuple[str, str | None]:
    """A misspelling of the callable's first keyword parameter (its last letter doubled), and that parameter."""
    params = [p for p in inspect.signature(func).parameters.values()
              if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in ("self", "cls")]
    if not params:
        return "colour", None
    name = params[-1].name if len(params) > 1 else params[0].name
    return name + name[-1], name


def test_the_public_api_is_large_enough_to_mean_something():
    functions = [v for v in CALLABLES.values() if inspect.isfunction(v) and "." not in v.__qualname__]
    classes = [v for v in CALLABLES.values() if isinstance(v, type)]
    assert len(CALLABLES) > 200 and len(functions) > 40 and len(classes) > 30


@pytest.mark.parametrize("label", sorted(CALLABLES))
def test_a_misspelt_keyword_is_an_error_naming_it_and_the_closest_parameter(label):
    func = CALLABLES[label]
    typo, meant = _typo(func)
    with pytest.raises(ArgumentError) as caught:
        func(**{typo: 1})
    message = str(caught.value)
    assert isinstance(caught.value, NqpfTfpError) and isinstance(caught.value, TypeError)
    assert repr(typo) in message
    if meant is not None:
        assert f"did you mean {meant!r}" in message or f"or {meant!r}" in message, message


def test_keywords_forwarded_to_a_base_are_in_the_signature_and_checked():
    for cls in (nt.ACF, nt.OlleyPakes, nt.Wooldridge):
        params = inspect.signature(cls).parameters
        assert {"entity", "time", "form", "value_added", "missing"} <= set(params), cls
    data = nt.datasets.load_chilean()
    with pytest.raises(ArgumentError, match=r"ACF\(\) got unknown keyword argument\(s\) 'entitiy' \(did you mean "
                                            r"'entity'\?\)"):
        nt.ACF(data, "Y", ["fX1"], "sX", "pX", entitiy="idvar")
    with pytest.raises(ArgumentError, match=r"Wooldridge\.fit\(\) .*'n_job' \(did you mean 'n_jobs'\?\)"):
        nt.Wooldridge(data, "Y", ["fX1", "fX2"], "sX", "pX", entity="idvar", time="timevar").fit(n_job=2)
    with pytest.raises(ArgumentError, match=r"ACF\.from_formula\(\) .*'entitiy' \(did you mean 'entity'\?\)"):
        nt.ACF.from_formula("Y ~ fX1 + fX2 | sX | pX", data, entitiy="idvar")
    with pytest.raises(ArgumentError, match=r"fit_by\(\) for ACF\(\) .*'entitty' \(did you mean 'entity'\?\)"):
        nt.fit_by(nt.ACF, data, "idvar", "Y", entitty="idvar")


def test_open_keywords_still_catch_near_misses_of_their_own_parameters():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 2.5]})
    res = nt.frontier.dea(frame, "x", "y")
    with pytest.raises(ArgumentError, match="'binss'"):
        res.plot(binss=5)
    with pytest.raises(ArgumentError, match=r"'colr' \(did you mean 'color'"):  # a matplotlib style, checked
        res.plot(colr="red")
    assert res.plot(color="red", alpha=0.5).patches  # real styles pass through
    with pytest.raises(ArgumentError, match=r"'REF_ARE' \(did you mean 'REF_AREA'\?\)"):
        nt.data.oecd_key(REF_ARE="USA")


def test_wrong_argument_counts_are_nqpf_tfp_errors_too():
    with pytest.raises(ArgumentError, match=r"dea\(\): missing 3 required positional arguments"):
        nt.frontier.dea()
    with pytest.raises(ArgumentError, match=r"load_pwt\(\): takes 0 positional arguments"):
        nt.datasets.load_pwt("pwt")


def test_a_type_error_from_inside_a_callable_is_not_relabelled():
    """Only a wrong call is an ArgumentError; a TypeError raised by the callable's own body travels unchanged."""
    from nqpf_tfp.keywords import strict_keywords

    @strict_keywords
    def inner(a: int) -> int:
        raise TypeError("from the body")

    with pytest.raises(TypeError, match="^from the body$") as caught:
        inner(1)
    assert not isinstance(caught.value, ArgumentError)


@pytest.fixture(scope="module")
def chilean():
    return nt.datasets.load_chilean()


@pytest.mark.parametrize("call, role, wrong, meant", [
    (lambda d: nt.OLS(d, "Y", ["fx1"], "sX", entity="idvar", time="timevar"), "free", "fx1", "fX1"),
    (lambda d: nt.ACF(d, "Y", ["fX1"], "sX", "px", entity="idvar", time="timevar"), "proxy", "px", "pX"),
    (lambda d: nt.frontier.dea(d, ["sx"], "Y"), "input", "sx", "sX"),
    (lambda d: nt.frontier.SFA(d, "y", ["fX1", "sX"]), "output", "y", "Y"),
    (lambda d: nt.analysis.productivity_decomposition(d, "Y", "sx", entity="idvar", time="timevar"),
     "weight", "sx", "sX"),
    (lambda d: nt.indices.composite_index(d, {"fx1": "+", "sX": "+"}, entity="idvar", time="timevar"),
     "indicator", "fx1", "fX1"),
    (lambda d: nt.growth_accounting(d, "Y", capital="sx", labor="fX1", labor_share=0.6, entity="idvar",
                                    time="timevar"), "capital", "sx", "sX"),
])
def test_a_missing_column_is_named_with_its_role_and_closest_columns(chilean, call, role, wrong, meant):
    with pytest.raises(SpecificationError) as caught:
        call(chilean)
    message = str(caught.value)
    assert f"{role} column {wrong!r}" in message and repr(meant) in message and "not in the data" in message, message


def test_with_no_close_name_the_columns_are_listed(chilean):
    with pytest.raises(SpecificationError, match=r"free column 'L' is not in the data\. The data's columns are "
                                                 r"'Y', 'sX', 'fX1', 'fX2', 'pX', 'idvar', 'timevar'"):
        nt.OLS(chilean[["Y", "sX", "fX1", "fX2", "pX", "idvar", "timevar"]], "Y", ["L"], "sX", entity="idvar",
               time="timevar")
    wide = pd.DataFrame(np.ones((2, 30)), columns=[f"c{i}" for i in range(30)])
    with pytest.raises(SpecificationError, match="and 10 more"):
        nt.frontier.dea(wide, ["zzz"], ["c1"])


@pytest.mark.parametrize("formula, message", [
    ("Y ~ fX1 + fX2", r"the formula 'Y ~ fX1 \+ fX2' has no state and no proxy part: ACF takes 'output ~ free \| "
                      r"state \| proxy \[\| controls\]'"),
    ("Y ~ fX1 | sX", r"has no proxy part"),
    ("Y ~ fX1 | | pX", r"has no state part"),
    ("Y ~ fX1 | sX | pX | cX | extra", r"has 5 parts after '~'; ACF takes at most 4"),
])
def test_formula_errors_speak_formula_language(chilean, formula, message):
    with pytest.raises(SpecificationError, match=message) as caught:
        nt.ACF.from_formula(formula, chilean, entity="idvar", time="timevar")
    assert "needs state=" not in str(caught.value) and "proxy=" not in str(caught.value)


@pytest.mark.parametrize("call, old, new", [
    (lambda d, w, **k: nt.indices.moran(d, "y", entity="unit", time="year", **k), "weights", "spatial_weights"),
    (lambda d, w, **k: nt.indices.markov_chain(d, "y", entity="unit", time="year", classes=2, **k), "weights",
     "spatial_weights"),
])
def test_renamed_keywords_keep_working_with_a_deprecation_warning(call, old, new):
    units = [f"u{i}" for i in range(6)]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"unit": np.repeat(units, 3), "year": np.tile([1, 2, 3], 6), "y": rng.uniform(1, 5, 18)})
    ring = np.roll(np.eye(6), 1, axis=1) + np.roll(np.eye(6), -1, axis=1)  # each unit's two neighbours on a ring
    w = pd.DataFrame(ring, index=units, columns=units)
    with pytest.warns(nt.errors.NqpfTfpDeprecationWarning, match=rf"{old}= is now {new}="):
        old_way = call(frame, w, **{old: w})
    pd.testing.assert_frame_equal(old_way.to_frame(), call(frame, w, **{new: w}).to_frame())
    with pytest.raises(ArgumentError, match=f"got both {old}= and {new}="):
        call(frame, w, **{old: w, new: w})


FLAGS = sorted((label, p.name) for label, f in CALLABLES.items()
               for p in inspect.signature(f).parameters.values() if p.annotation in ("bool", bool))


def test_the_flag_list_is_long_enough_to_mean_something():
    assert len(FLAGS) > 40 and {("nqpf_tfp.frontier.dea", "super_efficiency"),
                                ("nqpf_tfp.indices.markov_chain", "fixed")} <= set(FLAGS)


@pytest.mark.parametrize("label, name", FLAGS)
def test_a_boolean_argument_takes_only_true_or_false(label, name):
    """"no" or "False" as a flag would be taken as true: every public flag refuses anything but a boolean,
    naming the parameter, before any data are read."""
    with pytest.raises(SpecificationError, match=rf"{name} must be True or False, not 'no'"):
        CALLABLES[label](**{name: "no"})
