"""The command's jobs on a CSV file: a production function, a frontier score or index, a composite index.

Each reads a long panel (one row per unit and period), runs one estimator with the options given as
flags, prints the result's table (``--format`` text, CSV or LaTeX) and can write every number to a file
(``--out``). Column names, option values and data problems are answered by the library's own errors.
"""

from __future__ import annotations

import argparse
from typing import Any

from .. import frontier, indices
from ..production import ACF, GNR, OLS, FixedEffects, LevinsohnPetrin, OlleyPakes, RobinsonWooldridge, Wooldridge
from .common import CliError, add_output_options, check_output, read_table, write_results

__all__ = ["add_frontier", "add_index", "add_production"]

ESTIMATORS = {"ols": OLS, "fe": FixedEffects, "op": OlleyPakes, "lp": LevinsohnPetrin, "wooldridge": Wooldridge,
              "robinson-wooldridge": RobinsonWooldridge, "acf": ACF, "gnr": GNR}
FRONTIERS = ("dea", "sbm", "ddf", "ebm", "malmquist", "ml", "luenberger")


def _keys(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--entity", required=required, help="the unit column (firm, province, country)")
    parser.add_argument("--time", required=required, help="the period column (whole years)")


def add_production(sub: Any) -> None:
    """Register ``nqpf-tfp production``."""
    p = sub.add_parser(
        "production", help="estimate a production function on a CSV firm panel",
        description="Estimate a production function on a firm panel in a CSV file and print its table "
                    "(coefficients, standard errors, returns to scale, the model checks).",
        epilog="examples:\n"
               "  nqpf-tfp production firms.csv --method lp --output Y --free fX1 fX2 --state sX --proxy pX "
               "--entity idvar --time timevar\n"
               "  nqpf-tfp production firms.csv --method acf ... --format latex --caption 'ACF' --out tfp.csv\n"
               "  nqpf-tfp production plants.csv --method gnr --output RGO --state L K --flexible RI --share share "
               "--entity id --time year --bootstrap 100 --seed 1",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("csv", metavar="DATA.csv", help="the panel, one row per firm and year ('-': standard input)")
    p.add_argument("--method", required=True, choices=sorted(ESTIMATORS), help="the estimator")
    p.add_argument("--output", required=True, help="log output (value added unless --gross-output)")
    p.add_argument("--free", nargs="+", default=[], help="freely chosen inputs (labour)")
    p.add_argument("--state", nargs="+", default=[], help="state inputs (capital); GNR: the fixed inputs")
    p.add_argument("--proxy", nargs="+", default=[], help="the proxy (investment for op, materials for lp, acf, "
                   "wooldridge)")
    p.add_argument("--controls", nargs="+", default=[], help="further regressors")
    p.add_argument("--flexible", help="GNR: the flexible input")
    p.add_argument("--share", help="GNR: the log revenue share of the flexible input")
    _keys(p)
    p.add_argument("--form", default="cobb-douglas", help="cobb-douglas (default) or translog")
    p.add_argument("--gross-output", action="store_true", help="output is gross output, not value added")
    p.add_argument("--take-logs", action="store_true", help="the columns are levels: take logs")
    p.add_argument("--cov-type", help="analytic covariance, where the estimator has one")
    p.add_argument("--bootstrap", type=int, default=0, metavar="B", help="firm-cluster bootstrap replications")
    p.add_argument("--seed", type=int, help="seed of the bootstrap")
    add_output_options(p)
    p.set_defaults(func=_production)


def _production(args: argparse.Namespace) -> int:
    check_output(args)
    data = read_table(args.csv)
    keys = {"entity": args.entity, "time": args.time}
    if args.method == "gnr":
        if not (args.flexible and args.share and args.state):
            raise CliError("--method gnr needs --state (the fixed inputs), --flexible and --share.")
        model: Any = GNR(data, args.output, args.state, args.flexible, args.share, take_logs=args.take_logs, **keys)
    else:
        if args.flexible or args.share:
            raise CliError("--flexible and --share are GNR's; use --free, --state and --proxy here.")
        estimator = ESTIMATORS[args.method]
        options: dict[str, Any] = {"form": args.form, "take_logs": args.take_logs, **keys}
        if args.gross_output:
            options["value_added"] = False
        model = estimator(data, args.output, args.free or None, args.state or None, args.proxy or None,
                          args.controls or None, **options)
    fit: dict[str, Any] = {"bootstrap": args.bootstrap, "seed": args.seed}
    if args.cov_type:
        fit["cov_type"] = args.cov_type
    write_results(model.fit(**fit), args)
    return 0


def add_frontier(sub: Any) -> None:
    """Register ``nqpf-tfp frontier``."""
    p = sub.add_parser(
        "frontier", help="frontier scores or a productivity index on a CSV panel",
        description="Score units against a frontier (DEA, SBM, a directional distance, the EBM) or compute a "
                    "productivity "
                    "index between consecutive periods (Malmquist, Malmquist-Luenberger, Luenberger) on a panel in "
                    "a CSV file.",
        epilog="examples:\n"
               "  nqpf-tfp frontier provinces.csv --method ml --inputs K L E --outputs Y --bad CO2 "
               "--entity Province --time year --frontier global\n"
               "  nqpf-tfp frontier provinces.csv --method sbm --inputs K L E --outputs Y --bad CO2 "
               "--entity Province --time year --period 2015 --format csv",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("csv", metavar="DATA.csv", help="the panel, one row per unit and period ('-': standard input)")
    p.add_argument("--method", required=True, choices=FRONTIERS,
                   help="dea, sbm, ddf, ebm (scores); malmquist, ml (Malmquist-Luenberger), luenberger (indices)")
    p.add_argument("--inputs", nargs="+", required=True, help="input columns")
    p.add_argument("--outputs", nargs="+", required=True, help="(good) output columns")
    p.add_argument("--bad", nargs="+", default=[], help="undesirable outputs (sbm, ddf, ebm, ml, luenberger)")
    _keys(p)
    p.add_argument("--period", type=int, help="scores: only this period's units, against their own frontier")
    p.add_argument("--rts", default="crs", help="returns to scale: crs (default) or vrs")
    p.add_argument("--orientation", help="dea, malmquist: input or output; ebm: non (default), input or output")
    p.add_argument("--frontier", help="indices: contemporaneous (default), sequential, global, biennial, window")
    p.add_argument("--window", type=int, help="with --frontier window: its width (odd)")
    p.add_argument("--distance", help="ml, luenberger: radial (default), nonradial, sbm or ebm")
    p.add_argument("--direction", help="ddf, ml, luenberger: outputs (default) or all")
    add_output_options(p)
    p.set_defaults(func=_frontier)


def _frontier(args: argparse.Namespace) -> int:
    check_output(args)
    data = read_table(args.csv)
    method = args.method
    given = {k: getattr(args, k) for k in ("orientation", "frontier", "window", "distance", "direction")
             if getattr(args, k) is not None}
    keys = {"entity": args.entity, "time": args.time}
    scores = method in ("dea", "sbm", "ddf", "ebm")
    if args.bad and method in ("dea", "malmquist"):
        raise CliError(f"--bad: {method} has no undesirable outputs; use sbm, ddf, ebm, ml or luenberger.")
    if args.period is not None:
        if not scores:
            raise CliError("--period selects the units of one period for a score; an index compares periods.")
        if args.time not in data:
            raise CliError(f"--time {args.time}: no such column; the columns are {list(data.columns)}.")
        data = data[data[args.time] == args.period]
        if data.empty:
            raise CliError(f"--period {args.period}: no rows with {args.time} = {args.period}.")
    bad = args.bad or None
    if method == "dea":
        results: Any = frontier.dea(data, args.inputs, args.outputs, rts=args.rts, **given, **keys)
    elif method == "sbm":
        results = frontier.sbm(data, args.inputs, args.outputs, bad, rts=args.rts, **given, **keys)
    elif method == "ddf":
        results = frontier.ddf(data, args.inputs, args.outputs, bad, rts=args.rts, **given, **keys)
    elif method == "ebm":
        results = frontier.ebm(data, args.inputs, args.outputs, bad, rts=args.rts, **given, **keys)
    elif method == "malmquist":
        results = frontier.malmquist(data, args.inputs, args.outputs, **given, **keys)
    elif method == "ml":
        results = frontier.malmquist_luenberger(data, args.inputs, args.outputs, bad, rts=args.rts, **given, **keys)
    else:
        results = frontier.luenberger(data, args.inputs, args.outputs, bad, rts=args.rts, **given, **keys)
    write_results(results, args)
    return 0


def _indicator(text: str) -> tuple[str, str, tuple[str, ...]]:
    """``column:+`` or ``column:-`` with optional ``:dimension[/sub-dimension]``."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or parts[1] not in ("+", "-") or not parts[0]:
        raise argparse.ArgumentTypeError(f"{text!r}: write COLUMN:+ (benefit) or COLUMN:- (cost), optionally "
                                         "followed by :DIMENSION (e.g. green_tfp:+:technology).")
    return parts[0], parts[1], tuple(parts[2].split("/")) if len(parts) == 3 else ()


def add_index(sub: Any) -> None:
    """Register ``nqpf-tfp index``."""
    p = sub.add_parser(
        "index", help="a composite index (e.g. of new quality productive forces) on a CSV panel",
        description="Normalize, weigh and score indicators into a composite index per unit and period.",
        epilog="example:\n"
               "  nqpf-tfp index provinces.csv --indicator green_tfp:+:technology energy_intensity:-:objects "
               "--entity Province --time year --weights entropy --score topsis",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("csv", metavar="DATA.csv", help="the panel, one row per unit and period ('-': standard input)")
    p.add_argument("--indicator", nargs="+", type=_indicator, required=True, metavar="COLUMN:+|-[:DIMENSION]",
                   help="each indicator, its direction and (optionally) its dimension")
    _keys(p)
    p.add_argument("--normalization", default="minmax", help="minmax (default), zscore or vector")
    p.add_argument("--weights", nargs="+", default=["entropy"], help="entropy (default), critic, pca, scatter, "
                   "equal; several are combined")
    p.add_argument("--score", default="weighted-sum", help="weighted-sum (default), topsis or grey")
    p.add_argument("--hierarchical", action="store_true", help="weigh within dimensions, then the dimensions")
    add_output_options(p)
    p.set_defaults(func=_index)


def _index(args: argparse.Namespace) -> int:
    check_output(args)
    data = read_table(args.csv)
    system = indices.IndicatorSystem(args.indicator)
    weights = args.weights[0] if len(args.weights) == 1 else args.weights
    results = indices.composite_index(data, system, entity=args.entity, time=args.time,
                                      normalization=args.normalization, weights=weights, score=args.score,
                                      hierarchical=args.hierarchical)
    write_results(results, args)
    return 0
