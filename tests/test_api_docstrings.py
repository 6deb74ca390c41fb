"""The API reference is complete: shared keywords documented on each estimator's own page, inherited
sections where an override has none, results marked as built by the library.

The documentation build runs numpydoc's validation over every rendered object (``docs/conf.py``;
warnings are errors there); these tests check the rules that make that pass without copies.
"""

from __future__ import annotations

import inspect

import pytest

import nqpf_tfp as nt
from nqpf_tfp.docstrings import RETURNED, complete_docstring, inherit_docstrings, parameter_entries

ESTIMATORS = [nt.OLS, nt.FixedEffects, nt.OlleyPakes, nt.LevinsohnPetrin, nt.Wooldridge, nt.RobinsonWooldridge,
              nt.ACF, nt.GNR, nt.frontier.SFA]


def _documented(doc: str) -> set[str]:
    return {name.lstrip("*") for name in parameter_entries(doc)}


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_every_constructor_parameter_is_documented_on_the_class(estimator):
    signature = inspect.signature(estimator)
    wanted = {p.name for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD}
    assert "kwargs" not in signature.parameters, "the constructor's signature hides keywords behind **kwargs"
    missing = wanted - _documented(estimator.__doc__)
    assert not missing, f"{estimator.__name__}: {sorted(missing)} not in its Parameters section"


def test_the_shared_keywords_come_from_the_base_in_the_signature_order():
    doc = nt.ACF.__doc__
    order = [doc.index(f"\n{name}") for name in ("data :", "moments :", "tie_tolerance :", "entity, time :",
                                                 "form :", "missing :")]
    assert order == sorted(order)
    assert doc.count("entity, time :") == 1


def test_complete_docstring_takes_missing_entries_and_returns_from_the_base():
    base = """Base.

    Parameters
    ----------
    ax : Axes, optional
        Where to draw.
    **kwargs
        Styles.

    Returns
    -------
    Axes
        The axes.
    """

    def plot(self, ax=None, bins=20, **kwargs):
        """Histogram.

        Parameters
        ----------
        bins : int
            Bins.
        """

    text = complete_docstring(plot.__doc__, base, inspect.signature(plot))
    assert text.index("ax : Axes") < text.index("bins : int") < text.index("**kwargs")
    assert "Returns\n-------\nAxes" in text and text.startswith("Histogram.")


def test_an_undocumented_override_inherits_and_a_documented_one_keeps_its_words():
    class Base:
        def to_frame(self):
            """All numbers.

            Returns
            -------
            DataFrame
                The numbers.
            """

        @property
        def tfp(self):
            """TFP per observation."""

    class Child(Base):
        def to_frame(self):
            """The scores."""

        @property
        def tfp(self):
            return 1

    inherit_docstrings(Child)
    assert Child.to_frame.__doc__.startswith("The scores.") and "Returns" in Child.to_frame.__doc__
    assert Child.tfp.__doc__ == "TFP per observation."


def test_results_and_diagnostics_say_that_the_library_builds_them():
    for cls in (nt.ProductionResults, nt.frontier.ScoreResults, nt.indices.LocalMoran,
                nt.production.results.ProductionDiagnostics, nt.indices.PCAWeights, nt.production.CheckOutcome):
        assert RETURNED in cls.__doc__, cls.__name__
    for cls in (nt.ACF, nt.indices.IndicatorSystem, nt.indices.IndexOptions, nt.ModelChecks):
        assert RETURNED not in cls.__doc__, cls.__name__


def test_internals_are_marked_private_for_the_reference():
    for name in ("point_estimates", "resample_params", "resample_elasticities", "model_data"):
        member = inspect.getattr_static(nt.production.ProductionEstimator, name)
        doc = (member.fget if isinstance(member, property) else member).__doc__
        assert ":meta private:" in doc, name
