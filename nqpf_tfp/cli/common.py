"""What the command's jobs share: reading a CSV, checking output paths, writing a result's table."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FORMATS", "CliError", "add_output_options", "check_output", "read_table", "write_results", "writable"]

#: how a result's table goes to standard output
FORMATS = ("text", "csv", "latex")


class CliError(Exception):
    """A user error: printed without a traceback, exit status 2."""


def writable(path: str, option: str) -> Path:
    """``path`` as a file we can create or overwrite, or a CliError naming the option."""
    target = Path(path)
    if target.is_dir():
        raise CliError(f"{option} {path}: is a directory; give a file name, e.g. {target / 'out'}.")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise CliError(f"{option} {path}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CliError(f"{option} {path}: not writable (permission denied).")
    return target


def read_table(path: str) -> pd.DataFrame:
    """The CSV file at ``path`` (``-`` reads standard input), or a CliError saying what is wrong with it."""
    source: Any = sys.stdin if path == "-" else Path(path)
    if path != "-":
        if not source.exists():
            raise CliError(f"{path}: no such file.")
        if source.is_dir():
            raise CliError(f"{path}: is a directory; give a CSV file.")
    try:
        frame = pd.read_csv(source)
    except pd.errors.EmptyDataError as exc:
        raise CliError(f"{path}: the file is empty.") from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: not a readable CSV file ({exc}).") from exc
    if frame.empty:
        raise CliError(f"{path}: a header but no rows.")
    return frame


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--format``, ``--out``, ``--caption``, ``--label``: the same on every job."""
    out = parser.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default="text",
                     help="the result's table on standard output: aligned text (default), CSV, or a LaTeX table")
    out.add_argument("--out", metavar="FILE", help="also write every number (per observation where there are "
                     "observations): FILE.csv as CSV, FILE.tex as the LaTeX table")
    out.add_argument("--caption", help="the LaTeX table's caption (with --format latex or --out FILE.tex)")
    out.add_argument("--label", help="the LaTeX table's \\label")


def check_output(args: argparse.Namespace) -> None:
    """The output file can be written and has a known suffix, before any work is done."""
    if args.out:
        writable(args.out, "--out")
        if Path(args.out).suffix.lower() not in (".csv", ".tex"):
            raise CliError(f"--out {args.out}: give a .csv or a .tex file.")


def write_results(results: Any, args: argparse.Namespace) -> None:
    """The table on standard output in ``--format``; every number to ``--out``."""
    table = results.summary()
    if args.format == "csv":
        sys.stdout.write(table.as_frame().to_csv())
    elif args.format == "latex":
        print(results.to_latex(caption=args.caption, label=args.label))
    else:
        print(table.as_text())
    if args.out:
        target = Path(args.out)
        try:
            if target.suffix.lower() == ".tex":
                target.write_text(results.to_latex(caption=args.caption, label=args.label) + "\n")
            else:
                results.to_frame().to_csv(target)
        except OSError as exc:
            raise CliError(f"--out {args.out}: cannot write ({exc.strerror or exc}).") from exc
        print(f"wrote {args.out}", file=sys.stderr)
