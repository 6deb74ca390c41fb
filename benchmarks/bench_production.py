"""Benchmark: production-function estimators on simulate_acf panels of 10^4 to 10^7 firm-years.

Run:  python benchmarks/bench_production.py [--sizes 1e4 1e5 1e6 1e7] [--repeat 3]
                                            [--bootstrap 199] [--bootstrap-sizes 1e4 1e5]
                                            [--n-jobs 2 --backend processes]

Each case runs in its own process (so peak memory is the case's own): the panel is simulated
(10 years per firm), then the estimator is timed ``--repeat`` times (median wall time, after
one warm-up run at the smaller sizes) and run once more under ``tracemalloc`` for the peak of
memory allocated during the fit. Per estimator it also prints the growth exponent ``a`` of
``time ~ N^a`` between consecutive sizes, and the reference: one ``numpy.linalg.lstsq`` of
output on the degree-3 polynomial of (l, k, m) over the same rows (the yardstick: a fit
should cost a small multiple of it).

Every estimator is timed with the analytic standard errors its ``fit()`` gives by default (for OP,
LP, ACF and GNR the firm-clustered sandwich of their stacked estimating equations). GNR runs on
``nt.datasets.simulate_gnr`` panels (gross output, labor and capital fixed, intermediates flexible,
their revenue share).
Olley-Pakes uses the intermediate input as its proxy here (simulate_acf has no investment
column); the timing does not depend on which monotone proxy is used. Timing lives here, not in
the tests.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import platform
import statistics
import time
import tracemalloc
import warnings

import numpy as np

ESTIMATORS = ("growth", "lstsq", "OLS", "OlleyPakes", "LevinsohnPetrin", "Wooldridge", "ACF", "GNR")


def _case(name: str, n_rows: int, repeat: int, bootstrap: int, queue: mp.Queue,
          parallel: tuple[int, str] = (1, "threads")) -> None:
    import nqpf_tfp as nt
    from nqpf_tfp.numerics.basis import polynomial

    warnings.simplefilter("ignore")
    simulate = nt.datasets.simulate_gnr if name == "GNR" else nt.datasets.simulate_acf
    panel = simulate(max(n_rows // 10, 1), 10, seed=0)
    kw = {"entity": "firm", "time": "year"}

    def run() -> None:
        if name == "growth":
            levels = panel.assign(Y=np.exp(panel.y), K=np.exp(panel.k), L=np.exp(panel.l), s=0.6)
            _ = nt.growth_accounting(levels, "Y", capital="K", labor="L", labor_share="s", **kw).tfp_growth
        elif name == "lstsq":
            x = np.column_stack([np.ones(len(panel)), polynomial(panel[["l", "k", "m"]].to_numpy(), 3)])
            np.linalg.lstsq(x, panel["y"].to_numpy(), rcond=None)
        else:
            cls = getattr(nt, name)
            args = {"OLS": ("y", "l", "k"), "GNR": ("y", ["l", "k"], "m", "share")}.get(name, ("y", "l", "k", "m"))
            model = cls(panel, *args, **kw)  # construction (validation, sorting) is part of the time
            if bootstrap:
                model.fit(bootstrap=bootstrap, seed=0, n_jobs=parallel[0], backend=parallel[1])
            else:
                model.fit()  # with the analytic (clustered) standard errors

    if n_rows <= 1_000_000 and not bootstrap:
        run()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    queue.put((statistics.median(times), peak))


def measure(name: str, n_rows: int, repeat: int, bootstrap: int = 0,
            parallel: tuple[int, str] = (1, "threads")) -> tuple[float, float]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_case, args=(name, n_rows, repeat, bootstrap, queue, parallel))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e4, 1e5, 1e6, 1e7])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--estimators", nargs="+", default=list(ESTIMATORS))
    parser.add_argument("--bootstrap", type=int, default=199)
    parser.add_argument("--bootstrap-sizes", type=float, nargs="*", default=[1e4, 1e5])
    parser.add_argument("--n-jobs", type=int, default=1, help="bootstrap: threads or processes")
    parser.add_argument("--backend", default="threads", choices=["threads", "processes"])
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {mp.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, numpy {np.__version__}")
    print(f"{'case':<34}{'firm-years':>12}{'median s':>11}{'peak MB':>10}{'exponent':>10}{'x lstsq':>9}")
    yardstick: dict[int, float] = {}  # lstsq's time per size, when it ran first in this run
    for name in args.estimators:
        previous: tuple[int, float] | None = None
        for size in args.sizes:
            n = int(size)
            seconds, peak = measure(name, n, args.repeat)
            exponent = ""
            if previous is not None:
                exponent = f"{math.log(seconds / previous[1]) / math.log(n / previous[0]):.2f}"
            previous = (n, seconds)
            if name == "lstsq":
                yardstick[n] = seconds
            ratio = f"{seconds / yardstick[n]:.2f}" if n in yardstick else ""
            print(f"{name:<34}{n:>12,}{seconds:>11.3f}{peak / 2**20:>10.0f}{exponent:>10}{ratio:>9}", flush=True)
        if name in ("growth", "lstsq", "OLS") or not args.bootstrap:
            continue
        for size in args.bootstrap_sizes:
            n = int(size)
            seconds, peak = measure(name, n, 1, args.bootstrap, (args.n_jobs, args.backend))
            where = f" ({args.backend} {args.n_jobs})" if args.n_jobs > 1 else ""
            label = f"{name} + {args.bootstrap} bootstrap{where}"
            print(f"{label:<34}{n:>12,}{seconds:>11.3f}{peak / 2**20:>10.0f}", flush=True)


if __name__ == "__main__":
    main()
