"""A composite index in one call: normalize, weigh, score (see the modules :mod:`~nqpf_tfp.indices.normalization`,
:mod:`~nqpf_tfp.indices.weights` and :mod:`~nqpf_tfp.indices.scores` for the formulas).

Every choice that changes the numbers is a keyword with a default and a meaning in
:data:`nqpf_tfp.OPTIONS`: normalization method and scope (panel-global or per period), the shift ``A``,
the weighting method and its scope, the ``0 ln 0`` convention, the CRITIC and PCA variants, the score
(weighted sum, TOPSIS with weights inside or outside and panel or per-period ideal points, grey
relational grade), hierarchical weighting by dimension, and combinations of weights.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..docstrings import parameters_from
from ..errors import IndexWarning, NqpfTfpDeprecationWarning, SpecificationError, warn
from ..keywords import strict_keywords, unknown_keyword_error
from ..options import check_option
from . import scores as sc
from . import weights as wt
from .index_options import IndexOptions
from .indicators import IndicatorData, IndicatorSystem
from .normalization import normalize_values
from .results import CompositeIndex, CompositeIndexDiagnostics

__all__ = ["composite_index", "normalize"]


@strict_keywords
def normalize(data: pd.DataFrame, indicators: IndicatorSystem | Mapping[Any, str] | Iterable[Any], *,
              entity: Any = None, time: Any = None, method: str = "minmax", scope: str = "panel",
              shift: float = 0.0) -> pd.DataFrame:
    """The normalized indicators (larger is better), labelled by (entity, time).

    The formulas are in :mod:`nqpf_tfp.indices.normalization`.

    A plain table is the answer: the transformed data, to be weighted and scored by the caller (or use
    :func:`composite_index`, which returns them in ``normalized`` with the rest).

    Parameters
    ----------
    method : {"minmax", "zscore", "vector"}
        The normalization (``normalization=`` of :func:`composite_index`).

    Returns
    -------
    pandas.DataFrame
        One column per indicator, labelled by (entity, time).
    """
    method = check_option("index_normalization", method, "method")
    scope = check_option("index_scope", scope, "scope")
    d = IndicatorData.build(data, indicators, entity=entity, time=time)
    z = normalize_values(d.values, d.period, d.n_periods, d.system.signs, d.system.columns, method=method,
                         scope=scope, shift=shift, period_labels=np.asarray(d.periods))
    return pd.DataFrame(z, index=d.index, columns=d.system.columns)


@strict_keywords(open_keywords="the method options of 0.2.0.dev (combine=, zeros=, ...), moved into options=")
def composite_index(
    data: pd.DataFrame,
    indicators: IndicatorSystem | Mapping[Any, str] | Iterable[Any],
    *,
    entity: Any = None,
    time: Any = None,
    normalization: str = "minmax",
    scope: str = "panel",
    shift: float = 0.0,
    weights: str | Sequence[str] | Mapping[Any, float] = "entropy",
    weights_scope: str = "panel",
    hierarchical: bool = False,
    score: str = "weighted-sum",
    ideal: str = "panel",
    options: IndexOptions | None = None,
    **moved: Any,
) -> CompositeIndex:
    """Normalize the indicators, weigh them and score every (entity, period).

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel, one row per (entity, period); never modified.
    indicators : IndicatorSystem, dict or list
        The indicators: an :class:`IndicatorSystem` (directions and dimensions), ``{column: "+" or "-"}``,
        or a list of benefit columns.
    entity, time : str, optional
        Key columns; omit both when the data have a two-level (entity, time) index.
    normalization : {"minmax", "zscore", "vector"}
    scope : {"panel", "period"}
        Reference set of the normalization: all rows, or the rows of each period.
    shift : float
        ``A`` added to every min-max value (0: none; some papers use 0.0001 or 0.01).
    weights : str, list of str, or dict
        ``"entropy"``, ``"critic"``, ``"pca"``, ``"scatter"``, ``"equal"``; a list of methods whose weights are
        combined (``combine``); or ``{column: weight}`` (user weights, normalized to sum to 1).
    weights_scope : {"panel", "period"}
        Entropy or CRITIC weights from all rows (``k = 1 / ln(N T)``) or per period (one vector each).
    hierarchical : bool
        Weigh indicators within each top-level dimension, then the dimensions' sub-indices with the same
        method; an indicator's weight is the product.
    score : {"weighted-sum", "topsis", "grey"}
    ideal : {"panel", "period"}
        Reference set of TOPSIS's and grey relational analysis's ideal points.
    options : IndexOptions, optional
        What single methods read: how a list of weights is combined, entropy's zeros, CRITIC's
        variants, the PCA retention rule, TOPSIS's weighting, the grey relational coefficient
        (:class:`IndexOptions`; its defaults when omitted). Passing these as keywords of their own
        (``combine=``, ``zeros=``, ...), as 0.2.0.dev did, still works with a deprecation warning.

    **moved
        The keywords that moved into ``options`` (``combine=``, ``zeros=``,
        ...): still taken, with a deprecation warning.

    Returns
    -------
    CompositeIndex
        Scores per (entity, time), weights, the normalized indicators,
        dimension scores, obstacle degrees and diagnostics.
    """
    normalization = check_option("index_normalization", normalization, "normalization")
    scope = check_option("index_scope", scope, "scope")
    weights_scope = check_option("index_scope", weights_scope, "weights_scope")
    ideal = check_option("index_scope", ideal, "ideal")
    score = check_option("index_score", score, "score")
    opts = _options(options, moved)
    d = IndicatorData.build(data, indicators, entity=entity, time=time)
    names = d.system.columns
    z = normalize_values(d.values, d.period, d.n_periods, d.system.signs, names, method=normalization, scope=scope,
                         shift=shift, period_labels=np.asarray(d.periods))
    methods, user = _weight_methods(weights, names)
    if hierarchical and d.system.depth == 0:
        raise SpecificationError("hierarchical=True needs indicators with dimensions (IndicatorSystem).")
    settings = {"zeros": opts.zeros, "critic_correlation": opts.critic_correlation,
                "critic_contrast": opts.critic_contrast, "pca_retain": opts.pca_retain,
                "pca_variance": opts.pca_variance, "combine": opts.combine}
    pca_facts: list[wt.PCAWeights] = []
    if user is not None:
        w: np.ndarray = user
    elif weights_scope == "period":
        if hierarchical or "pca" in methods or "scatter" in methods:
            raise SpecificationError("weights_scope='period' is available for entropy, CRITIC and equal weights, "
                                     "without hierarchy.")
        w = np.vstack([_weigh(z[d.period == t], names, methods, settings, pca_facts) for t in range(d.n_periods)])
    elif hierarchical:
        w = _hierarchical(z, d.system, methods, settings, pca_facts)
    else:
        w = _weigh(z, names, methods, settings, pca_facts)
    _check_weights(w, names, pca_facts)
    w_rows = w[d.period] if w.ndim == 2 else w
    distances = None
    if score == "weighted-sum":
        values = sc.weighted_sum(z, w_rows)
    elif score == "topsis":
        values, d_plus, d_minus = sc.topsis(z, w_rows, d.period, d.n_periods, ideal=ideal,
                                            weighting=opts.topsis_weighting)
        distances = pd.DataFrame({"d_plus": d_plus, "d_minus": d_minus}, index=d.index)
    else:
        values = sc.grey_relational(z, w_rows, d.period, d.n_periods, ideal=ideal, rho=opts.rho)
    weight_table: pd.Series | pd.DataFrame = (pd.DataFrame(w, index=d.periods, columns=names) if w.ndim == 2
                                              else pd.Series(w, index=names, name="weight"))
    diagnostics = CompositeIndexDiagnostics(
        normalization=normalization, scope=scope, shift=float(shift), weights="user" if user is not None
        else "+".join(methods), weights_scope=weights_scope, score=score, ideal=ideal,
        hierarchical=bool(hierarchical), nobs=z.shape[0], n_entities=int(pd.unique(d.entity).size),
        n_periods=d.n_periods, pca_components=pca_facts[0].components if pca_facts else None,
        pca_explained=pca_facts[0].explained if pca_facts else None, kmo=pca_facts[0].kmo if pca_facts else None,
        bartlett=pca_facts[0].bartlett if pca_facts else None,
        bartlett_pvalue=pca_facts[0].bartlett_pvalue if pca_facts else None)
    return CompositeIndex(data=d, normalized=z, weights=weight_table, weight_rows=w_rows, scores=values,
                          distances=distances, diagnostics=diagnostics)


def _options(options: IndexOptions | None, moved: dict[str, Any]) -> IndexOptions:
    """``options``, with the method options given as keywords of their own (0.2.0.dev) moved into it."""
    if options is not None and not isinstance(options, IndexOptions):
        raise SpecificationError(f"options must be an nt.indices.IndexOptions(...), not {type(options).__name__}.")
    unknown = [k for k in moved if k not in IndexOptions.names()]
    if unknown:
        allowed = [p for p in inspect.signature(composite_index).parameters if p != "moved"]
        raise unknown_keyword_error("composite_index()", unknown, allowed + list(IndexOptions.names()))
    if moved:
        warn(f"composite_index(): {', '.join(f'{k}=' for k in moved)} now go into options=nt.indices.IndexOptions"
             f"({', '.join(f'{k}=...' for k in moved)}); the separate keywords will be removed in nqpf_tfp 0.3.0.",
             NqpfTfpDeprecationWarning)
        return dataclasses.replace(options or IndexOptions(), **moved)
    return options or IndexOptions()


def _weight_methods(weights: Any, names: list) -> tuple[list[str], np.ndarray | None]:
    if isinstance(weights, Mapping):
        unknown = [c for c in weights if c not in names]
        missing = [c for c in names if c not in weights]
        if unknown or missing:
            raise SpecificationError(f"user weights must name every indicator once: unknown {unknown}, missing "
                                     f"{missing}.")
        w = np.array([weights[c] for c in names], dtype=float)
        if not (np.isfinite(w).all() and (w >= 0).all() and w.sum() > 0):
            raise SpecificationError("user weights must be non-negative numbers, not all zero.")
        return [], w / w.sum()
    methods = [weights] if isinstance(weights, str) else list(weights)
    if not methods:
        raise SpecificationError("weights must name at least one method.")
    return [check_option("index_weights", m, "weights") for m in methods], None


def _weigh(z: np.ndarray, names: list, methods: list[str], settings: dict[str, Any],
           pca_facts: list[wt.PCAWeights]) -> np.ndarray:
    vectors = []
    for method in methods:
        if method == "entropy":
            vectors.append(wt.entropy(z, names, zeros=settings["zeros"]))
        elif method == "critic":
            vectors.append(wt.critic(z, names, correlation=settings["critic_correlation"],
                                     contrast=settings["critic_contrast"]))
        elif method == "pca":
            facts = wt.pca(z, names, retain=settings["pca_retain"], variance=settings["pca_variance"])
            pca_facts.append(facts)
            vectors.append(facts.weights)
        elif method == "scatter":
            vectors.append(wt.scatter_degree(z, names))
        else:
            vectors.append(np.full(z.shape[1], 1.0 / z.shape[1]))
    return vectors[0] if len(vectors) == 1 else wt.combine_weights(*vectors, method=settings["combine"])


def _hierarchical(z: np.ndarray, system: IndicatorSystem, methods: list[str], settings: dict[str, Any],
                  pca_facts: list[wt.PCAWeights]) -> np.ndarray:
    """Weights within each top-level dimension times the dimensions' weights (from their sub-indices)."""
    labels = np.array(system.dimension_labels(0))
    names = system.columns
    dims = list(dict.fromkeys(labels))
    within = np.zeros(z.shape[1])
    sub = np.empty((z.shape[0], len(dims)))
    for k, dim in enumerate(dims):
        cols = np.flatnonzero(labels == dim)
        part = (np.ones(1) if cols.size == 1
                else _weigh(z[:, cols], [names[c] for c in cols], methods, settings, pca_facts))
        within[cols] = part
        sub[:, k] = z[:, cols] @ part
    top = np.ones(1) if len(dims) == 1 else _weigh(sub, dims, methods, settings, pca_facts)
    return within * top[[dims.index(lab) for lab in labels]]


def _check_weights(w: np.ndarray, names: list, pca_facts: list[wt.PCAWeights]) -> None:
    """Say when the data speak against the weights (they are returned as computed)."""
    negative = [names[j] for j in np.flatnonzero((np.atleast_2d(w) < 0).any(axis=0))]
    if negative:
        warn(f"indicator(s) {negative} get negative weights: they move against the leading component(s) of the "
             "others (PCA or scatter degree on weakly or negatively correlated indicators); the index then falls "
             "as they improve. Check their directions, or use entropy or CRITIC weights.", IndexWarning)
    for facts in pca_facts:
        if facts.kmo < 0.5:
            warn(f"KMO = {facts.kmo:.3f} < 0.5: the indicators share too little variance for principal components "
                 f"(Bartlett p = {facts.bartlett_pvalue:.3g}); PCA weights are not meaningful here.", IndexWarning)


parameters_from(composite_index)(normalize)  # data, indicators and the keys mean what they mean there
