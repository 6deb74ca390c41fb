"""``nqpf-tfp growth`` and ``nqpf-tfp countries``: growth accounting of one country on the bundled Penn World
Table 10.01, by PWT's own conventions, so the TFP index it prints is PWT's ``rtfpna`` (shown beside it)."""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..data.bundled import PWT_VERSION, load_pwt
from ..growth.pwt import pwt_growth_accounting
from ..tables import SummaryTable
from .common import CliError, writable

__all__ = ["add_countries", "add_growth"]

_LABELS = {"labor": "employment", "hours": "hours", "human_capital": "human capital", "capital": "capital"}


def _find_country(pwt: pd.DataFrame, wanted: str) -> str:
    codes = pwt[["countrycode", "country"]].drop_duplicates()
    by_code = {c.upper(): c for c in codes["countrycode"]}
    by_name = {n.lower(): c for c, n in zip(codes["countrycode"], codes["country"])}
    if wanted.upper() in by_code:
        return by_code[wanted.upper()]
    if wanted.lower() in by_name:
        return by_name[wanted.lower()]
    close = difflib.get_close_matches(wanted.upper(), list(by_code), n=3, cutoff=0.5)
    close += [by_name[n] for n in difflib.get_close_matches(wanted.lower(), list(by_name), n=3, cutoff=0.6)]
    names = dict(zip(codes["countrycode"], codes["country"]))
    hint = ", ".join(f"{c} ({names[c]})" for c in dict.fromkeys(close))
    raise CliError(
        f"unknown country {wanted!r}."
        + (f" Did you mean: {hint}?" if hint else "")
        + " Run 'nqpf-tfp countries' for the list."
    )


def _periods(start: int, end: int, breaks: Sequence[int] | None) -> list[tuple[int, int]]:
    if breaks:
        outside = sorted(b for b in set(breaks) if not start < b < end)
        if outside:
            raise CliError(f"--breaks {' '.join(map(str, outside))}: a break must lie strictly between the first "
                           f"and last year, {start} and {end}.")
    inner = sorted(set(breaks)) if breaks else list(range((start // 10 + 1) * 10, end, 10))
    bounds = [start] + [b for b in inner if start < b < end] + [end]
    return list(zip(bounds[:-1], bounds[1:]))


def _plot_format(path: str) -> None:
    """A format matplotlib can write, judged by the file's suffix (before any work is done)."""
    from ..plotting import pyplot

    supported = pyplot().figure().canvas.get_supported_filetypes()
    pyplot().close("all")
    suffix = Path(path).suffix.lstrip(".").lower()
    if suffix not in supported:
        raise CliError(f"--plot {path}: unknown image format {suffix or '(no suffix)'!r}; "
                       f"use one of {', '.join(sorted(supported))} (e.g. tfp.png).")


def _growth(args: argparse.Namespace) -> int:
    if args.csv:
        writable(args.csv, "--csv")
    if args.plot:
        writable(args.plot, "--plot")
        _plot_format(args.plot)
    pwt = load_pwt()
    code = _find_country(pwt, args.country)
    # USA rows come along because PWT fills missing hours with US hours.
    ga = pwt_growth_accounting(pwt[pwt["countrycode"].isin([code, "USA"])])
    contributions = ga.contributions
    if code not in contributions.index.get_level_values(0):
        raise CliError(
            f"PWT {PWT_VERSION} has no TFP inputs for {code} (it needs rgdpna, rkna, emp, hc and labsh in "
            "consecutive years). Run 'nqpf-tfp countries' for the countries that have them."
        )
    years = contributions.loc[code].index
    first, last = int(years.min()) - 1, int(years.max())
    start = first if args.start is None else args.start
    end = last if args.end is None else args.end
    if not first <= start < end <= last:
        raise CliError(f"--start/--end must satisfy {first} <= start < end <= {last} for {code}; got {start}, {end}.")
    if not first <= args.base <= last:
        raise CliError(f"--base must be a year with data for {code}, {first}-{last}; got {args.base}.")

    name = pwt.loc[pwt["countrycode"] == code, "country"].iloc[0]
    hours_observed = pwt.loc[pwt["countrycode"] == code, "avh"].notna().any()
    periods = _periods(start, end, args.breaks) + ([(start, end)] if args.breaks or end - start > 10 else [])
    avg = ga.averages(periods).loc[code]
    table = avg.drop(columns="years") * 100.0
    table = table.rename(columns=_LABELS)
    table["years"] = avg["years"]
    table.index.name = "period"
    notes = [
        "Average annual log growth x 100. output = capital + employment + hours + human capital + tfp.",
        f"Data: Penn World Table {PWT_VERSION} (bundled): output rgdpna, capital services rkna, "
        "employment emp, hours avh, human capital hc; Törnqvist-averaged labor share labsh.",
    ]
    if not hours_observed:
        notes.append(f"PWT has no hours data for {code}: its hours follow US hours, as in PWT's own TFP.")
    print(SummaryTable(table, f"Sources of GDP growth: {name} ({code}), {start}-{end}", notes, ".2f"))

    index = ga.tfp_index(base=args.base).loc[code]
    published = pwt.loc[pwt["countrycode"] == code].set_index("year")["rtfpna"]
    in_range = (index.index >= start) & (index.index <= end)
    out = pd.DataFrame({"tfp_index": index[in_range]})
    if args.base == 2017:
        out["pwt_rtfpna"] = published.reindex(out.index)
    print()
    print(SummaryTable(out, f"TFP index, {args.base} = 1", [
        "pwt_rtfpna: the series PWT publishes (float32), for comparison." if args.base == 2017 else ""
    ], ".4f"))

    if args.csv:
        frame = ga.to_frame(base=args.base).loc[code]
        frame = frame[(frame.index >= start) & (frame.index <= end)]
        try:
            frame.to_csv(args.csv)
        except OSError as exc:
            raise CliError(f"--csv {args.csv}: cannot write ({exc.strerror or exc}).") from exc
        print(f"\nwrote {args.csv} ({len(frame)} rows)")
    if args.plot:
        from ..plotting import plot_index, pyplot

        plt = pyplot()
        series = pd.concat({code: index[in_range]}, names=["countrycode"])
        ax = plot_index(series, ylabel=f"TFP index ({args.base} = 1)")
        ax.set_title(f"TFP, {name} (PWT {PWT_VERSION})")
        try:
            ax.figure.savefig(args.plot, dpi=120, bbox_inches="tight")
        except OSError as exc:
            raise CliError(f"--plot {args.plot}: cannot write ({exc.strerror or exc}).") from exc
        finally:
            plt.close(ax.figure)
        print(f"wrote {args.plot}")
    return 0


def _countries(args: argparse.Namespace) -> int:
    pwt = load_pwt()
    has = pwt[pwt["rtfpna"].notna()].groupby(["countrycode", "country"])["year"].agg(["min", "max"])
    print(f"{len(has)} countries with TFP in PWT {PWT_VERSION}:")
    for (code, name), row in has.iterrows():
        print(f"  {code}  {int(row['min'])}-{int(row['max'])}  {name}")
    return 0


def add_growth(sub: Any) -> None:
    """Register ``nqpf-tfp growth``."""
    growth = sub.add_parser(
        "growth",
        help="growth accounting of one country (PWT conventions)",
        description=(
            "Growth accounting of one country on the bundled PWT 10.01 with PWT's conventions "
            "(Törnqvist; capital services; labor = persons x hours x human capital). Prints the average "
            "contributions to GDP growth by sub-period and the TFP index, which equals PWT's rtfpna."
        ),
        epilog=(
            "examples:\n"
            "  nqpf-tfp growth --country CHN\n"
            "  nqpf-tfp growth --country China --start 1978 --breaks 1992 2001 2012\n"
            "  nqpf-tfp growth --country USA --start 2000 --csv usa.csv --plot usa.png"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    growth.add_argument("--country", required=True, help="ISO3 code or PWT country name, e.g. CHN or China")
    growth.add_argument("--start", type=int, help="first year (default: first year with TFP inputs)")
    growth.add_argument("--end", type=int, help="last year (default: last year with TFP inputs)")
    growth.add_argument("--breaks", type=int, nargs="+", metavar="YEAR",
                        help="years that split the sub-periods (default: every decade)")
    growth.add_argument("--base", type=int, default=2017, help="year in which the TFP index = 1 (default 2017)")
    growth.add_argument("--csv", metavar="FILE", help="write the annual accounting and TFP index to a CSV file")
    growth.add_argument("--plot", metavar="FILE.png", help="draw the TFP index to an image (needs matplotlib)")
    growth.set_defaults(func=_growth)


def add_countries(sub: Any) -> None:
    """Register ``nqpf-tfp countries``."""
    countries = sub.add_parser("countries", help="list the countries with TFP in the bundled PWT")
    countries.set_defaults(func=_countries)
