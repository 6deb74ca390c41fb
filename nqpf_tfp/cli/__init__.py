"""The ``nqpf-tfp`` command.

- ``nqpf-tfp growth --country CHN``: growth accounting of one country on the bundled Penn World Table,
  whose TFP index is PWT's ``rtfpna``; ``nqpf-tfp countries`` lists the countries.
- ``nqpf-tfp production DATA.csv``, ``nqpf-tfp frontier DATA.csv``, ``nqpf-tfp index DATA.csv``: a production
  function, a frontier score or productivity index, a composite index on your own panel; each prints its
  table (text, CSV or LaTeX) and can write every number to a file.

A reader that closes the pipe (``nqpf-tfp countries | head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence

from .. import __version__
from ..errors import NqpfTfpError, NqpfTfpWarning
from .common import CliError
from .growth import add_countries, add_growth
from .jobs import add_frontier, add_index, add_production

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command's parser: one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="nqpf-tfp",
        description="Total factor productivity: growth accounting on the bundled Penn World Table (offline), "
                    "and production functions, frontiers and composite indices on your own CSV panels.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (add_growth, add_countries, add_production, add_frontier, add_index):
        add(sub)
    return parser


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int, file=None,
                  line: str | None = None) -> None:
    """A library warning as one line on standard error, like the command's errors (no source location)."""
    print(f"nqpf-tfp: warning ({category.__name__}): {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``nqpf-tfp``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("default", NqpfTfpWarning)  # the library's warnings are shown, once each
        warnings.showwarning = _show_warning
        try:
            status = int(args.func(args))
            sys.stdout.flush()  # inside the try: a reader that has gone (``| head``) fails here, not at exit
            return status
        except BrokenPipeError:
            # the reader closed the pipe: stop quietly, as a program killed by SIGPIPE would (status 128 + 13),
            # with stdout pointed at devnull so that the interpreter's final flush does not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 141
        except (CliError, NqpfTfpError, ImportError) as exc:
            print(f"nqpf-tfp: error: {exc}", file=sys.stderr)
            return 2
