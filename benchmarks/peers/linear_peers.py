"""Peer timings for OLS and fixed effects with firm-clustered standard errors (StatsPAI, pyfixest).

Run in a separate environment that has the peers (never a dependency of nqpf_tfp), e.g.
``python -m venv peers && peers/bin/pip install statspai pyfixest``, by ``benchmarks/bench_linear.py
--peer-python peers/bin/python``, which passes the panel as an ``.npz`` file (columns firm, year, y, l,
k) and reads one JSON line per case: ``{"peer", "estimator", "seconds", "coef"}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings

import numpy as np
import pandas as pd


def _median(fn, repeat: int) -> tuple[float, object]:
    out = fn()  # warm-up (imports, JIT compilation)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with np.load(args.data) as f:
        frame = pd.DataFrame({k: f[k] for k in f.files})
    cases = []
    try:
        import statspai as sp

        cases += [
            ("statspai", "OLS", lambda: sp.regress("y ~ l + k", data=frame, cluster="firm"),
             lambda r: float(r.params["l"])),
            ("statspai", "FixedEffects", lambda: sp.panel(frame, "y ~ l + k", entity="firm", time="year",
                                                          method="fe", cluster="firm"),
             lambda r: float(r.params["l"])),
            ("statspai feols", "OLS", lambda: sp.feols("y ~ l + k", frame, vcov={"CRV1": "firm"}),
             lambda r: float(r.params["l"])),
            ("statspai feols", "FixedEffects", lambda: sp.feols("y ~ l + k | firm", frame, vcov={"CRV1": "firm"}),
             lambda r: float(r.params["l"])),
        ]
    except ImportError:
        pass
    try:
        import pyfixest as pf

        cases += [
            ("pyfixest", "OLS", lambda: pf.feols("y ~ l + k", data=frame, vcov={"CRV1": "firm"}),
             lambda r: float(r.coef()["l"])),
            ("pyfixest", "FixedEffects", lambda: pf.feols("y ~ l + k | firm", data=frame, vcov={"CRV1": "firm"}),
             lambda r: float(r.coef()["l"])),
        ]
    except ImportError:
        pass
    for peer, estimator, fit, coef in cases:
        seconds, result = _median(fit, args.repeat)
        print(json.dumps({"peer": peer, "estimator": estimator, "seconds": seconds, "coef": coef(result)}),
              flush=True)


if __name__ == "__main__":
    main()
