"""Bootstrap DEA: speed beside a plain HiGHS loop, and a Monte Carlo of coverage and bias reduction.

Run:  python benchmarks/bench_bootstrap_dea.py [--units 1000] [--replications 2000] [--plain 40]
          [--rts crs vrs] [--trials 100] [--mc-replications 400] [--mc-units 50 100] [--skip-speed] [--skip-mc]

Data: a constant-returns Cobb-Douglas frontier ``y = x1^0.5 x2^0.5`` with inputs uniform on [1, 10] and
input inefficiency ``exp(u)``, ``u`` half-normal with scale 0.3, so the true input efficiency of a unit
is ``exp(-u)`` (seeded).

**Speed.** ``nt.frontier.bootstrap_dea`` with ``B`` replications on ``n`` units (CRS and VRS, input
orientation), timed whole; beside it a *plain HiGHS loop* doing the same replications: the same pseudo-data
(the same seeds), each unit's radial LP against all ``n`` pseudo units, built once per replication in HiGHS
and re-solved per unit with a warm start. The plain loop is timed on the first ``--plain`` replications and
its per-replication median is reported with the total it implies for ``B``; the library's per-replication
time is its total over ``B``.

**Monte Carlo.** ``--trials`` samples of ``n`` units each; for each, ``bootstrap_dea`` (CRS, input, ``B =
--mc-replications``) and, per unit, whether the 95% interval (Simar and Wilson's "basic" interval and
Efron's percentile interval) holds the true efficiency, and the mean absolute error of the DEA score and of
the bias-corrected score.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
import pandas as pd

import nqpf_tfp as nt
from nqpf_tfp.frontier.bootstrap_dea import PseudoFrontier
from nqpf_tfp.frontier.radial import radial_scores
from nqpf_tfp.frontier.smoothing import bandwidth
from nqpf_tfp.parallel.bootstrap import spawn_seeds


def sample(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 10.0, (n, 2))
    u = np.abs(rng.normal(0.0, 0.3, n))
    data = pd.DataFrame({"x1": x[:, 0] * np.exp(u), "x2": x[:, 1] * np.exp(u), "y": np.sqrt(x[:, 0] * x[:, 1])})
    return data, np.exp(-u)


def plain_replication(task: PseudoFrontier, seed: np.random.SeedSequence) -> np.ndarray:
    """The same pseudo-data as the library's replication; every unit's LP against all pseudo units."""
    from nqpf_tfp.frontier.smoothing import smoothed_draw

    draw = smoothed_draw(np.random.default_rng(seed), task.efficiency, task.h)
    x_ref = task.x * (task.efficiency / draw)[:, None]
    values, _, _ = radial_scores(task.x, task.y, x_ref, task.y, task.rts, "input", False, "highspy")
    return values


def speed(n: int, reps: int, plain: int, kinds: list[str]) -> None:
    data, _ = sample(n, 0)
    print(f"Speed: n = {n} units (2 inputs, 1 output), B = {reps}, input orientation")
    print(f"{'rts':<5} {'library total':>14} {'per replication':>16} {'plain loop per rep.':>20} "
          f"{'plain loop x B (implied)':>25} {'ratio':>6}")
    for rts in kinds:
        start = time.perf_counter()
        res = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", rts=rts, replications=reps, seed=1)
        total = time.perf_counter() - start
        eff = res.efficiency.to_numpy()
        x, y = data[["x1", "x2"]].to_numpy(), data[["y"]].to_numpy()
        task = PseudoFrontier(x / x.mean(axis=0), y / y.mean(axis=0), eff, res.diagnostics.bandwidth, rts, "input",
                              "highspy")
        seeds = spawn_seeds(1, reps)[:plain]
        times = []
        for b, seed in enumerate(seeds):
            t = time.perf_counter()
            values = plain_replication(task, seed)
            times.append(time.perf_counter() - t)
            assert np.allclose(values, res.draws.iloc[b].to_numpy(), rtol=1e-7), "the plain loop disagrees"
        per = statistics.median(times)
        print(f"{rts:<5} {total:>12.1f} s {total / reps * 1e3:>13.1f} ms {per * 1e3:>17.1f} ms "
              f"{per * reps:>23.0f} s {per * reps / total:>6.1f}")


def monte_carlo(sizes: list[int], trials: int, reps: int) -> None:
    print(f"\nMonte Carlo: {trials} samples per size, B = {reps}, CRS input orientation, 95% intervals")
    print(f"{'n':>5} {'h (median)':>11} {'basic coverage':>15} {'percentile coverage':>20} {'MAE DEA':>8} "
          f"{'MAE corrected':>14} {'mean error DEA':>15} {'mean error corrected':>21} {'seconds':>8}")
    for n in sizes:
        covered_basic, covered_pct, mae_raw, mae_bc, err_raw, err_bc, hs = [], [], [], [], [], [], []
        start = time.perf_counter()
        for trial in range(trials):
            data, truth = sample(n, 1000 + trial)
            res = nt.frontier.bootstrap_dea(data, ["x1", "x2"], "y", replications=reps, seed=trial)
            f = res.to_frame()
            pct = res.conf_int(0.95, method="percentile")
            covered_basic.append(np.mean((f["lower"] <= truth) & (truth <= f["upper"])))
            covered_pct.append(np.mean((pct["lower"] <= truth) & (truth <= pct["upper"])))
            mae_raw.append(np.mean(np.abs(f["efficiency"] - truth)))
            mae_bc.append(np.mean(np.abs(f["bias_corrected"] - truth)))
            err_raw.append(np.mean(f["efficiency"] - truth))
            err_bc.append(np.mean(f["bias_corrected"] - truth))
            hs.append(bandwidth(f["efficiency"].to_numpy()))
        print(f"{n:>5} {statistics.median(hs):>11.4f} {np.mean(covered_basic):>15.3f} {np.mean(covered_pct):>20.3f} "
              f"{np.mean(mae_raw):>8.4f} {np.mean(mae_bc):>14.4f} {np.mean(err_raw):>15.4f} {np.mean(err_bc):>21.4f} "
              f"{time.perf_counter() - start:>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--plain", type=int, default=40)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--mc-replications", type=int, default=400)
    parser.add_argument("--mc-units", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--rts", nargs="+", choices=["crs", "vrs"], default=["crs", "vrs"])
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-mc", action="store_true")
    args = parser.parse_args()
    print(f"{platform.machine()}, CPython {platform.python_version()}, numpy {np.__version__}")
    if not args.skip_speed:
        speed(args.units, args.replications, args.plain, args.rts)
    if not args.skip_mc:
        monte_carlo(args.mc_units, args.trials, args.mc_replications)


if __name__ == "__main__":
    main()
