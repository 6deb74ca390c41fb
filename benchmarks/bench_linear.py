"""OLS and fixed effects with firm-clustered standard errors, beside StatsPAI and pyfixest on the same data.

Run:  python benchmarks/bench_linear.py [--sizes 1e6 1e7] [--repeat 5] [--peer-python PATH]

``simulate_acf`` panels (10 years per firm) of each size are written to an ``.npz`` file; nqpf_tfp's
``OLS`` and ``FixedEffects`` (construction with validation and sorting, the fit, clustered standard
errors, results on the caller's index) are timed here, the peers by ``benchmarks/peers/linear_peers.py``
under ``--peer-python`` (an environment with ``statspai`` and ``pyfixest``, never a dependency of
nqpf_tfp). Medians of ``--repeat`` runs after a warm-up; every line of a size comes from the same run,
and the ratio is nqpf_tfp's time over the peer's. The coefficient on labor is printed to show that all
compute the same regression.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import nqpf_tfp as nt

HERE = Path(__file__).resolve().parent


def _ours(panel, name: str, repeat: int) -> tuple[float, float]:
    cls = getattr(nt, name)

    def fit():
        return cls(panel, "y", "l", "k", entity="firm", time="year").fit()

    fit()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        res = fit()
        times.append(time.perf_counter() - start)
    return statistics.median(times), float(res.params["l"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-python", default=None, help="python of an environment with statspai and pyfixest")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, numpy "
          f"{np.__version__}")
    for size in args.sizes:
        rows = int(size)
        panel = nt.datasets.simulate_acf(rows // 10, 10, seed=0)
        ours = {name: _ours(panel, name, args.repeat) for name in ("OLS", "FixedEffects")}
        peers: list[dict] = []
        if args.peer_python:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "panel.npz"
                np.savez(path, **{c: panel[c].to_numpy() for c in ("firm", "year", "y", "l", "k")})
                out = subprocess.run([args.peer_python, str(HERE / "peers" / "linear_peers.py"), str(path),
                                      "--repeat", str(args.repeat)], capture_output=True, text=True, check=True)
                peers = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
        print(f"\n{rows:,} firm-years")
        for name, (seconds, coef) in ours.items():
            print(f"  nqpf_tfp {name:13s} {seconds:7.3f} s   beta_l {coef:.12f}")
            for peer in (p for p in peers if p["estimator"] == name):
                print(f"  {peer['peer']:22s} {peer['seconds']:7.3f} s   beta_l {peer['coef']:.12f}   "
                      f"ratio {seconds / peer['seconds']:.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
