"""Benchmark: ACF, Wooldridge, Olley-Pakes and Levinsohn-Petrin on 10^6 to 10^8 firm-years out of core.

Run:  python benchmarks/bench_outofcore.py [--sizes 1e6 1e7 1e8] [--workers 2] [--rows-per-file 1e6]
                                           [--dir /tmp/nqpf_tfp_outofcore] [--compare-max 1e7]
                                           [--estimators ACF Wooldridge OlleyPakes LevinsohnPetrin]

For each size a ``simulate_acf`` panel (10 years per firm) is written as partitioned parquet, whole
firms per file (the files are simulated on the cluster's workers, file ``i`` from
``SeedSequence(0).spawn(files)[i]``, so the panel does not depend on the number of workers; an
existing panel with the same size and layout is reused). ``dask.dataframe.read_parquet`` gives one
partition per file, and each estimator is fitted on it with its analytic firm-clustered standard
errors, on a fresh ``LocalCluster`` of ``--workers`` single-threaded worker processes (so the peak
memory reported is that fit's). Reported per estimator and size: total wall time of
``Estimator(ddf, ...).fit()``, the time of each pass over the partitions
(``diagnostics["passes"]``), the peak resident memory of each worker process
(Linux ``VmHWM``: the worker's whole life, start-up included; the workers have imported the
package before the clock starts), and the growth
exponent ``a`` of ``time ~ N^a`` between sizes. Up to ``--compare-max`` rows the same parquet
files are also read into memory and fitted there: the largest absolute difference of the
coefficients and the largest relative difference of the standard errors are printed beside the
out-of-core numbers.

Olley-Pakes uses the intermediate input as its proxy (``simulate_acf`` has no investment
column). Timing lives here, not in the tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ESTIMATORS = ("ACF", "Wooldridge", "OlleyPakes", "LevinsohnPetrin")
YEARS = 10


def _write_file(path: str, index: int, n_firms: int, seed: np.random.SeedSequence) -> int:
    """File ``index``: ``n_firms`` whole firms, ids offset so that no two files share one."""
    import nqpf_tfp as nt

    frame = nt.datasets.simulate_acf(n_firms, YEARS, seed=seed).drop(columns="omega")
    frame["firm"] += index * n_firms
    tmp = f"{path}.tmp"
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return len(frame)


def write_panel(client: Any, directory: Path, n_rows: int, rows_per_file: int) -> tuple[Path, float]:
    """The partitioned parquet panel of ``n_rows`` firm-years (reused when already there)."""
    n_files = max(8, math.ceil(n_rows / rows_per_file))
    firms_per_file = n_rows // YEARS // n_files
    layout = {"rows": firms_per_file * n_files * YEARS, "files": n_files, "years": YEARS, "seed": 0}
    where = directory / f"panel_{n_rows:.0e}".replace("+", "")
    manifest = where / "manifest.json"
    if manifest.exists() and json.loads(manifest.read_text()) == layout:
        return where, 0.0
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    start = time.perf_counter()
    seeds = np.random.SeedSequence(0).spawn(n_files)
    futures = client.map(_write_file, [str(where / f"part-{i:05d}.parquet") for i in range(n_files)],
                         range(n_files), [firms_per_file] * n_files, seeds, pure=False)
    assert sum(client.gather(futures)) == layout["rows"]
    manifest.write_text(json.dumps(layout))
    return where, time.perf_counter() - start


def _peak_rss_mb() -> float:
    """This process's peak resident memory (Linux ``VmHWM``: since its start; ``ru_maxrss`` would also count the
    memory of the process it was started from)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def _warm_up() -> None:
    import nqpf_tfp.production  # noqa: F401  (imports are not part of a fit's time)


def _model(name: str, data: Any) -> Any:
    import nqpf_tfp as nt

    cls = getattr(nt, name)
    return cls(data, "y", "l", "k", "m", entity="firm", time="year")


def fit_out_of_core(where: Path, name: str, workers: int) -> dict[str, Any]:
    """One fit on a fresh cluster: wall time, passes, peak memory of each worker, the results."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=0) as cluster, Client(cluster) as client:
        ddf = dd.read_parquet(str(where / "*.parquet"), split_row_groups=False)
        client.run(_warm_up)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # model checks and convergence notes are not the subject
            results = _model(name, ddf).fit()
        seconds = time.perf_counter() - start
        peaks = sorted(client.run(_peak_rss_mb).values())
    return {"seconds": seconds, "passes": results.diagnostics["passes"], "peaks": peaks,
            "partitions": ddf.npartitions, "params": results.params.to_numpy(), "cov": results.cov.to_numpy()}


def fit_in_memory(where: Path, name: str) -> tuple[np.ndarray, np.ndarray, float]:
    import pandas as pd

    frame = pd.concat([pd.read_parquet(f) for f in sorted(where.glob("*.parquet"))], ignore_index=True)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = _model(name, frame).fit()
    return results.params.to_numpy(), results.cov.to_numpy(), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7, 1e8])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rows-per-file", type=float, default=1e6)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nqpf_tfp_outofcore"))
    parser.add_argument("--compare-max", type=float, default=1e7)
    parser.add_argument("--estimators", nargs="+", default=list(ESTIMATORS), choices=ESTIMATORS)
    args = parser.parse_args()
    import dask
    import numpy
    from distributed import Client, LocalCluster

    print(f"# {platform.machine()}, {os.cpu_count()} cores, CPython {platform.python_version()}, numpy "
          f"{numpy.__version__}, dask {dask.__version__}; {args.workers} single-threaded workers")
    sizes = [int(s) for s in args.sizes]
    panels = {}
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=0) as cluster, Client(cluster) as client:
        for n in sizes:
            panels[n], seconds = write_panel(client, args.dir, n, int(args.rows_per_file))
            size_gb = sum(f.stat().st_size for f in panels[n].glob("*.parquet")) / 1e9
            print(f"panel {n:.0e}: {panels[n]} ({size_gb:.2f} GB on disk"
                  + (f", written in {seconds:.1f} s)" if seconds else ", reused)"), flush=True)

    print("\n| estimator | firm-years | partitions | total s | passes (s) | peak MB per worker | "
          "exponent | in memory s | max abs diff params | max rel diff s.e. |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    overall = {}
    for name in args.estimators:
        previous = None
        for n in sizes:
            out = fit_out_of_core(panels[n], name, args.workers)
            passes = ", ".join(f"{what} {seconds:.1f}" for what, seconds in out["passes"])
            exponent = ("" if previous is None
                        else f"{math.log(out['seconds'] / previous[1]) / math.log(n / previous[0]):.2f}")
            memory = dparams = dcov = ""
            if n <= args.compare_max:
                params, cov, mem_seconds = fit_in_memory(panels[n], name)
                memory = f"{mem_seconds:.2f}"
                dparams = f"{np.max(np.abs(out['params'] - params)):.1e}"
                se, se_memory = np.sqrt(np.diag(out["cov"])), np.sqrt(np.diag(cov))
                dcov = f"{np.max(np.abs(se - se_memory) / se_memory):.1e}"
            peaks = " / ".join(f"{p:,.0f}" for p in out["peaks"])
            print(f"| {name} | {n:.0e} | {out['partitions']} | {out['seconds']:.2f} | {passes} | {peaks} | "
                  f"{exponent} | {memory} | {dparams} | {dcov} |", flush=True)
            previous = (n, out["seconds"])
            overall.setdefault(name, []).append((n, out["seconds"]))
    if len(sizes) > 1:
        print()
        for name, runs in overall.items():
            (n0, t0), (n1, t1) = runs[0], runs[-1]
            print(f"{name}: exponent {math.log(t1 / t0) / math.log(n1 / n0):.2f} from {n0:.0e} to {n1:.0e} rows")


if __name__ == "__main__":
    main()
