"""Re-measure every figure of ``benchmarks/README.md`` in one command.

Run:  python benchmarks/run_all.py [--quick] [--peer-python PEERS/bin/python] [--only NAME ...] [--write]

Runs each benchmark script of this folder in its own process, one after the other (never two at once:
they would share the cores), with the arguments its README table was measured with, and prints each
script's output under a header with its wall time. ``--quick`` shrinks every case (small sizes, few
replications) to check that the scripts run, in a few minutes; its numbers are not the README's.
``--peer-python`` is passed to the benchmarks that time peers (StatsPAI, pyfixest) in a side environment.
The scripts print the ratios themselves: to each peer and to the yardstick (``lstsq``) of the same run.

``--write`` puts each script's output, with the date, the machine and the command, into its block of
``benchmarks/README.md`` (between ``<!-- run_all: SCRIPT -->`` and ``<!-- /run_all: SCRIPT -->``), so
the last full run's figures sit beside the prose that discusses them. A script that fails leaves its
block as it was. ``--readme PATH`` writes another file (the quick run's check uses a copy).
"""

from __future__ import annotations

import argparse
import datetime
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: script -> (the README's arguments, the quick arguments)
SUITE: dict[str, tuple[list[str], list[str]]] = {
    "bench_growth.py": (["--repeat", "5"], ["--repeat", "1"]),
    "bench_linear.py": (["--sizes", "1e6", "1e7", "--repeat", "5"], ["--sizes", "1e5", "--repeat", "1"]),
    "bench_production.py": ([], ["--sizes", "1e4", "1e5", "--repeat", "1", "--bootstrap", "9",
                                 "--bootstrap-sizes", "1e4"]),
    "bench_decompositions.py": (["--memory"], ["--rows", "100000"]),
    "bench_frontier.py": ([], ["--sizes", "500", "--scipy-max", "500", "--unreduced-max", "500",
                               "--sfa-firms", "1000"]),
    "bench_green_tfp.py": ([], ["--firms", "100", "--years", "3"]),
    # about 15 minutes (the plain loops run on a share of the units)
    "bench_frontier_distances.py": ([], ["--units", "300", "--firms", "60", "--years", "3", "--loop-share", "0.3",
                                         "--panel-loop-share", "0.3"]),
    "bench_bootstrap_dea.py": ([], ["--units", "100", "--replications", "20", "--plain", "3", "--trials", "2",
                                    "--mc-replications", "20", "--mc-units", "30"]),
    "bench_sfa_panel.py": ([], ["--panels", "3", "--firms", "100", "--tfe-years", "10", "--four-firms", "100"]),
    "bench_sfa_four_component.py": ([], ["--panels", "3", "--firms", "100", "--years", "5"]),
    "bench_markups.py": ([], ["--cd", "3", "--translog", "0", "--bootstrap-panels", "1", "--bootstrap", "5"]),
    "bench_indices.py": ([], ["--rows", "10000", "--repeat", "1"]),
    # about 35 minutes (10^8 rows; the panels are written once and reused)
    "bench_outofcore.py": ([], ["--sizes", "1e5", "--dir", "/tmp/nqpf_tfp_outofcore_quick"]),
}
PEERS = {"bench_linear.py"}


def write_block(readme: Path, script: str, command: list[str], output: str) -> None:
    """Replace the README block of ``script`` with this run's output."""
    text = readme.read_text()
    pattern = re.compile(rf"(<!-- run_all: {re.escape(script)} -->\n).*?(<!-- /run_all: {re.escape(script)} -->)",
                         re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme} has no block for {script}: add '<!-- run_all: {script} -->' and "
                         f"'<!-- /run_all: {script} -->' where its output belongs.")
    stamp = (f"Last run of `python benchmarks/{' '.join([script, *command])}` ({datetime.date.today()}, "
             f"{platform.machine()}, CPython {platform.python_version()}; written by `run_all.py --write`):")
    body = f"{stamp}\n\n```text\n{output.rstrip()}\n```\n"
    readme.write_text(pattern.sub(lambda m: m.group(1) + body + m.group(2), text))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--peer-python", default=None)
    parser.add_argument("--only", nargs="+", choices=sorted(SUITE), default=None)
    parser.add_argument("--write", action="store_true", help="put each output into its README block")
    parser.add_argument("--readme", type=Path, default=HERE / "README.md")
    args = parser.parse_args()
    failed = []
    start_all = time.perf_counter()
    for script in args.only or list(SUITE):
        full, quick = SUITE[script]
        command = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        if script in PEERS and args.peer_python:
            command += ["--peer-python", args.peer_python]
        print(f"\n===== {script} {' '.join(command[2:])}", flush=True)
        start = time.perf_counter()
        lines = []
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:  # shown as it comes, kept for the README
                print(line, end="", flush=True)
                lines.append(line)
        print(f"===== {script}: {time.perf_counter() - start:.1f} s, exit {proc.returncode}", flush=True)
        if proc.returncode:
            failed.append(script)
        elif args.write:
            write_block(args.readme, script, command[2:], "".join(lines))
    print(f"\nall benchmarks: {time.perf_counter() - start_all:.1f} s; failed: {failed or 'none'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
