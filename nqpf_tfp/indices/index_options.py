"""The method-specific options of :func:`~nqpf_tfp.indices.composite_index`, grouped in one object.

The main choices of an index (normalization, weights, score, their scopes) are keywords of
``composite_index``; what only one weighting or scoring method reads (the entropy's zeros, CRITIC's
variants, the PCA retention rule, how weights are combined, TOPSIS's weighting, the grey relational
coefficient) lives here, checked when the object is made.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, fields

from ..errors import SpecificationError
from ..keywords import strict_class
from ..options import check_option

__all__ = ["IndexOptions"]


@strict_class
@dataclass(frozen=True)
class IndexOptions:
    """Options of single weighting and scoring methods (see ``nt.OPTIONS`` for the values' meanings).

    Parameters
    ----------
    combine : {"multiplicative", "additive"}
        How a list of weighting methods is combined.
    zeros : {"convention", "error"}
        Entropy weights: ``0 ln 0 = 0``, or refuse zeros (then normalize with a shift).
    critic_correlation : {"signed", "absolute"}
        CRITIC's conflict term: ``1 - r`` or ``1 - |r|``.
    critic_contrast : {"sd", "cv"}
        CRITIC's contrast: the standard deviation or the coefficient of variation.
    pca_retain : {"kaiser", "variance"}
        PCA weights: components with eigenvalue above 1, or enough to reach ``pca_variance``.
    pca_variance : float
        The variance share the kept components reach with ``pca_retain="variance"`` (in (0, 1]).
    topsis_weighting : {"inside", "outside"}
        TOPSIS: weights inside the distances (classical) or applied to the normalized values before.
    rho : float
        The grey relational distinguishing coefficient (in (0, 1]).

    Examples
    --------
    >>> import nqpf_tfp as nt
    >>> options = nt.indices.IndexOptions(critic_correlation="absolute", pca_retain="variance", pca_variance=0.9)
    >>> options.pca_variance
    0.9
    """

    combine: str = "multiplicative"
    zeros: str = "convention"
    critic_correlation: str = "signed"
    critic_contrast: str = "sd"
    pca_retain: str = "kaiser"
    pca_variance: float = 0.85
    topsis_weighting: str = "inside"
    rho: float = 0.5

    def __post_init__(self) -> None:
        checked: dict[str, object] = {
            "combine": check_option("weight_combination", self.combine, "combine"),
            "zeros": check_option("entropy_zeros", self.zeros, "zeros"),
            "critic_correlation": check_option("critic_correlation", self.critic_correlation),
            "critic_contrast": check_option("critic_contrast", self.critic_contrast),
            "pca_retain": check_option("pca_retain", self.pca_retain),
            "topsis_weighting": check_option("topsis_weighting", self.topsis_weighting),
        }
        for name in ("pca_variance", "rho"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 < float(value) <= 1.0:
                raise SpecificationError(f"{name} must be a number in (0, 1], not {value!r}.")
            checked[name] = float(value)
        for name, value in checked.items():
            object.__setattr__(self, name, value)  # the canonical spelling of each value

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The option names, as keywords."""
        return tuple(f.name for f in fields(cls))
