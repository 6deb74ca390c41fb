"""The production-function specification, validated once, and the arrays it selects.

Every estimator shares one vocabulary (the words of Stata's and R's prodest):
``output``, ``free`` (variable inputs: labor), ``state`` (predetermined
inputs: capital), ``proxy`` (investment for Olley-Pakes, intermediate inputs
for Levinsohn-Petrin), ``controls``, ``entity``, ``time``, ``form``,
``value_added``, ``poly_degree`` and ``markov_degree``. Variables are logs
unless ``take_logs=True``, in which case levels are given and must be positive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..arguments import column_name, column_names, whole_number
from ..errors import PanelError, SpecificationError
from ..options import check_option
from ..panel import Lag, Panel, calendar_lag

__all__ = ["ProductionSpec", "ModelData", "build_model_data"]


def _names(value: str | Sequence[str] | None, role: str) -> tuple[str, ...]:
    return tuple(column_names(value, role))


@dataclass(frozen=True)
class ProductionSpec:
    """A validated specification (see :mod:`nqpf_tfp.production.spec` for the roles)."""

    output: str
    free: tuple[str, ...]
    state: tuple[str, ...]
    proxy: tuple[str, ...]
    controls: tuple[str, ...]
    entity: str | None
    time: str | None
    form: str = "cobb-douglas"
    value_added: bool = True
    proxy_input: bool | None = None  # the proxy is also a production input; None until the estimator resolves it
    poly_degree: int = 2
    markov_degree: int = 3
    take_logs: bool = False
    missing: str = "drop"

    @classmethod
    def make(
        cls,
        *,
        output: str,
        free: str | Sequence[str] | None,
        state: str | Sequence[str] | None,
        proxy: str | Sequence[str] | None,
        controls: str | Sequence[str] | None,
        entity: str | None,
        time: str | None,
        form: str,
        value_added: bool,
        poly_degree: int,
        proxy_input: bool | None = None,
        markov_degree: int,
        take_logs: bool,
        missing: str,
    ) -> ProductionSpec:
        output = column_name(output, "output")
        entity = column_name(entity, "entity", optional=True)
        time = column_name(time, "time", optional=True)
        roles = {
            "output": (output,),
            "free": _names(free, "free"),
            "state": _names(state, "state"),
            "proxy": _names(proxy, "proxy"),
            "controls": _names(controls, "controls"),
        }
        seen: dict[str, str] = {}
        for role, names in roles.items():
            for name in names:
                if name in seen:
                    raise SpecificationError(
                        f"column {name!r} is given as both {seen[name]} and {role}; each column has one role."
                    )
                seen[name] = role
        for key in (entity, time):
            if key is not None and key in seen:
                raise SpecificationError(f"column {key!r} is a panel key and cannot also be {seen[key]}.")
        for name, value in (("poly_degree", poly_degree), ("markov_degree", markov_degree)):
            whole_number(value, name, minimum=1)
        for name, flag in (("value_added", value_added), ("take_logs", take_logs)):
            if not isinstance(flag, (bool, np.bool_)):
                raise SpecificationError(f"{name} must be True or False, not {flag!r}.")
        if proxy_input is not None and not isinstance(proxy_input, (bool, np.bool_)):
            raise SpecificationError(f"proxy_input must be True, False or None, not {proxy_input!r}.")
        return cls(
            output=output,
            free=roles["free"],
            state=roles["state"],
            proxy=roles["proxy"],
            controls=roles["controls"],
            entity=entity,
            time=time,
            form=check_option("form", form),
            value_added=bool(value_added),
            proxy_input=None if proxy_input is None else bool(proxy_input),
            poly_degree=int(poly_degree),
            markov_degree=int(markov_degree),
            take_logs=bool(take_logs),
            missing=check_option("missing", missing),
        )

    @property
    def inputs(self) -> tuple[str, ...]:
        """Production inputs whose elasticities are estimated: free, then state."""
        return self.free + self.state


@dataclass
class ModelData:
    """Arrays of one estimation sample, sorted by (entity, time).

    ``codes`` are entity codes 0..G-1; bootstrap replicates are built by
    :meth:`resample` with new codes for repeated firms, so lags stay within
    each copy.
    """

    y: np.ndarray
    free: np.ndarray
    state: np.ndarray
    proxy: np.ndarray
    controls: np.ndarray
    codes: np.ndarray
    time: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    _lags: dict[int, Lag] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return int(self.y.size)

    @property
    def n_entities(self) -> int:
        return int(self.codes.max()) + 1 if self.n else 0

    def lag(self, k: int = 1) -> Lag:
        if k not in self._lags:
            self._lags[k] = calendar_lag(self.codes, self.time, k)
        return self._lags[k]

    def lagged(self, values: np.ndarray, k: int = 1) -> np.ndarray:
        """Values lagged ``k`` periods (rows x cols), NaN where no lag exists."""
        return self.lag(k).take(values)

    def log_tfp(self, params: np.ndarray) -> np.ndarray:
        """``y - [free, state, controls] @ params``: log TFP given coefficients in that order."""
        return self.y - np.column_stack([self.free, self.state, self.controls]) @ params

    def entity_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """First row and number of rows of each entity."""
        starts = np.flatnonzero(np.r_[True, self.codes[1:] != self.codes[:-1]])
        return starts, np.diff(np.r_[starts, self.n])

    def resample_rows(self, firms: np.ndarray) -> np.ndarray:
        """The rows of the given entities (with repetition), in the order :meth:`resample` stacks them."""
        starts, lengths = self.entity_blocks()
        lens = lengths[firms]
        first = np.repeat(starts[firms], lens)
        within = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
        return first + within

    def resample(self, firms: np.ndarray) -> ModelData:
        """The sample made of the given entities (with repetition), each a new entity."""
        rows = self.resample_rows(firms)
        lens = self.entity_blocks()[1][firms]
        return ModelData(
            y=self.y[rows], free=self.free[rows], state=self.state[rows], proxy=self.proxy[rows],
            controls=self.controls[rows], codes=np.repeat(np.arange(firms.size), lens), time=self.time[rows],
            extra={k: v[rows] for k, v in self.extra.items()},
        )


def build_model_data(data: pd.DataFrame, spec: ProductionSpec, extra: Sequence[str] = ()) -> tuple[Panel, ModelData]:
    """Validate the data for ``spec`` once and return the panel and its arrays."""
    columns = [spec.output, *spec.free, *spec.state, *spec.proxy, *spec.controls, *extra]
    logged = [spec.output, *spec.free, *spec.state, *spec.proxy]
    roles = {name: role for role in ("controls", "proxy", "state", "free") for name in getattr(spec, role)}
    roles[spec.output] = "output"
    panel = Panel(
        data, entity=spec.entity, time=spec.time, columns=columns,
        positive=logged if spec.take_logs else (), missing=spec.missing, roles=roles,
    )
    if panel.nobs == 0:
        raise PanelError("no rows left to estimate on.")

    def block(names: Sequence[str], take_log: bool) -> np.ndarray:
        if not names:
            return np.empty((panel.nobs, 0))
        cols = [panel.log(c) if take_log else panel[c] for c in names]
        return np.column_stack(cols)

    tl = spec.take_logs
    md = ModelData(
        y=panel.log(spec.output) if tl else panel[spec.output].copy(),
        free=block(spec.free, tl), state=block(spec.state, tl), proxy=block(spec.proxy, tl),
        controls=block(spec.controls, False), codes=panel.entity_codes.copy(), time=panel.time.copy(),
        extra={c: panel[c] for c in extra},
    )
    return panel, md
