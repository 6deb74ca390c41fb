"""U.S. Bureau of Labor Statistics time series by the public API v2 (JSON): annual, quarterly or monthly.

What the service does, and how it is answered here:

- a request covers at most 20 years with a registration key, 10 without; a longer range is cut
  to the most recent years with the message "Year range has been reduced to the system-allowed
  limit of ... years" and status REQUEST_SUCCEEDED. So the range is split into windows the
  service accepts, and a reduction notice anyway is an error, never a silent cut;
- without start and end years it returns only the last three years: the years are always sent
  (default: from 1948, the start of the BLS productivity program, to this year);
- a value "-" with a footnote ("data unavailable") is missing, not a number; the footnotes are kept;
- periods: A01 (annual), Q01-Q04 (quarters) and Q05 (annual average), M01-M12 (months) and M13
  (annual average).
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any

import numpy as np
import pandas as pd

from ..arguments import whole_number
from ..errors import DataSourceError, SpecificationError
from ..options import check_option
from .fetch import Download, fetch
from .response import Source, parse_json, provenance, suggest

__all__ = ["BLS", "BLS_COMMON"]

BLS_COMMON = {
    "MPU4910012": "Private nonfarm business: total factor productivity, index (BLS)",
    "MPU4900012": "Private business: total factor productivity, index (BLS)",
    "PRS85006092": "Nonfarm business: labor productivity, percent change (BLS)",
}
FIRST_YEAR = 1948
_ANNUAL = {"A01", "Q05", "M13"}


def _window(url: str, series: str, lo: int, hi: int, options: dict[str, Any]) -> tuple[Download, list[dict[str, Any]]]:
    dl = fetch(url, source="bls", filename=f"{series}-{lo}-{hi}.json", secret_params=("registrationkey",),
               **options)
    body = parse_json(dl)
    status = body.get("status") if isinstance(body, dict) else None
    messages = [str(m) for m in body.get("message", [])] if isinstance(body, dict) else []
    text = " ".join(messages)
    problem = None
    if status != "REQUEST_SUCCEEDED":
        problem = (f"BLS: daily request limit reached ({text}); set BLS_API_KEY or retry tomorrow."
                   if "threshold" in text.lower() else
                   f"{dl.url}: malformed or failed BLS response (status {status!r}: {text}).")
    elif "does not exist" in text:  # BLS answers "succeeded" for an unknown series
        problem = f"BLS has no series {series!r}.{suggest(series, list(BLS_COMMON))}"
    elif "year range has been reduced" in text.lower():
        problem = (f"BLS cut the years {lo}-{hi} of {series!r} short ({text}); nothing was kept. Ask for fewer "
                   "years (start=, end=) or set BLS_API_KEY (20 years a request instead of 10).")
    if problem:
        dl.path.unlink(missing_ok=True)  # a failed or cut answer is not data
        raise DataSourceError(problem)
    try:
        return dl, list(body["Results"]["series"][0]["data"])
    except (KeyError, IndexError, TypeError) as exc:
        dl.path.unlink(missing_ok=True)
        raise DataSourceError(f"{dl.url}: malformed BLS response ({exc!r}).") from exc


def _bls(series: str, start: int | None = None, end: int | None = None, *, frequency: str = "annual",
         api_key: str | None = None, base_url: str = "https://api.bls.gov/publicAPI/v2",
         **options: Any) -> pd.DataFrame:
    """One BLS series: ``series, year, period, value, footnotes`` (plus ``quarter`` or ``month``).

    ``frequency``: ``"annual"`` (A01, or the Q05/M13 annual averages), ``"quarterly"`` (Q01-Q04)
    or ``"monthly"`` (M01-M12). A registration key (``api_key`` or ``BLS_API_KEY``) is optional and
    raises BLS's limits (20 years a request instead of 10, more requests a day).
    """
    frequency = check_option("bls_frequency", frequency)
    key = api_key or os.environ.get("BLS_API_KEY")
    end = _dt.date.today().year if end is None else whole_number(end, "end", minimum=FIRST_YEAR)
    start = FIRST_YEAR if start is None else whole_number(start, "start", minimum=1900)
    if start > end:
        raise SpecificationError(f"start={start} comes after end={end}.")
    span = 20 if key else 10
    downloads, rows = [], []
    for lo in range(start, end + 1, span):
        hi = min(lo + span - 1, end)
        query = f"startyear={lo}&endyear={hi}" + (f"&registrationkey={key}" if key else "")
        dl, data = _window(f"{base_url}/timeseries/data/{series}?{query}", series, lo, hi, options)
        downloads.append(dl)
        rows += data
    try:
        frame = pd.DataFrame({
            "series": series,
            "year": np.array([int(d["year"]) for d in rows], dtype=np.int64),
            "period": [str(d["period"]) for d in rows],
            "value": np.array([np.nan if d["value"] in ("-", "") else float(d["value"]) for d in rows]),
            "footnotes": ["; ".join(f["text"] for f in d.get("footnotes", []) if f and f.get("text"))
                          for d in rows],
        })
    except (KeyError, TypeError, ValueError) as exc:
        for dl in downloads:
            dl.path.unlink(missing_ok=True)
        raise DataSourceError(f"{downloads[0].url}: malformed observation in the BLS response ({exc!r}).") from exc
    kind = frame["period"].str[0]
    annual = frame["period"].isin(_ANNUAL)
    keep = {"annual": annual, "quarterly": (kind == "Q") & ~annual, "monthly": (kind == "M") & ~annual}[frequency]
    if not keep.any():
        present = sorted({"annual" if p in _ANNUAL else {"Q": "quarterly", "M": "monthly"}.get(p[0], p)
                          for p in frame["period"]})
        raise DataSourceError(f"BLS series {series!r} has no {frequency} values in {start}-{end}"
                              + (f"; it has {present} (frequency=...)." if present else "."))
    frame = frame[keep].copy()
    if frequency == "quarterly":
        frame.insert(2, "quarter", frame["period"].str[1:].astype(np.int64))
    elif frequency == "monthly":
        frame.insert(2, "month", frame["period"].str[1:].astype(np.int64))
    order = ["year"] + (["quarter"] if frequency == "quarterly" else ["month"] if frequency == "monthly" else [])
    frame = frame.sort_values(order, ignore_index=True)
    if frame.duplicated(order).any():
        raise DataSourceError(f"BLS returned some {frequency} periods of {series!r} twice; nothing was kept.")
    frame.attrs["units"] = BLS_COMMON.get(series, "see the series' BLS page")
    return provenance(frame, BLS, "current release", downloads)


BLS = Source("bls", "U.S. Bureau of Labor Statistics, productivity", "https://api.bls.gov/publicAPI/v2",
             "public domain", "plain HTTP (JSON API; key optional)", "index or percent (attrs['units'])", _bls)
