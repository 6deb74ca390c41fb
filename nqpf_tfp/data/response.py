"""What every source loader shares: the source record, provenance in ``attrs``, JSON parsing, close matches."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import DataSourceError
from .fetch import Download

__all__ = ["Source", "parse_json", "provenance", "suggest"]


@dataclass(frozen=True)
class Source:
    """A registered public data source."""

    name: str
    title: str
    url: str
    licence: str
    client: str  # how it is fetched
    units: str
    loader: Callable[..., pd.DataFrame]


def provenance(frame: pd.DataFrame, source: Source, version: str, downloads: Sequence[Download]) -> pd.DataFrame:
    """Record where the frame came from in its ``attrs`` (one download, or the list of them)."""
    first = downloads[0]
    frame.attrs.update({
        "source": source.title, "version": version, "url": first.url if len(downloads) == 1 else
        [d.url for d in downloads], "retrieved": first.retrieved,
        "sha256": first.sha256 if len(downloads) == 1 else [d.sha256 for d in downloads],
        "licence": source.licence, "from_cache": all(d.from_cache for d in downloads),
    })
    return frame


def suggest(code: str, known: Sequence[str]) -> str:
    """`` Close matches: [...]`` for an unknown code, or nothing."""
    close = difflib.get_close_matches(code.upper(), [k.upper() for k in known], n=3, cutoff=0.6)
    return f" Close matches: {close}." if close else ""


def parse_json(download: Download) -> Any:
    """The JSON body of a download; a malformed one is removed from the cache and is an error."""
    try:
        return json.loads(download.content)
    except (ValueError, UnicodeDecodeError) as exc:
        download.path.unlink(missing_ok=True)  # a malformed answer is not kept
        raise DataSourceError(
            f"{download.url}: malformed response (not JSON: {exc}); nothing usable was returned.") from exc
