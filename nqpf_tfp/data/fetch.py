"""Downloads with an on-disk cache, atomic writes, checksums, clear errors and an offline mode.

Cache directory, first that applies: the ``cache_dir`` argument; the
environment variable ``NQPF_TFP_CACHE``; the platform's user cache directory
(``$XDG_CACHE_HOME/nqpf_tfp`` or ``~/.cache/nqpf_tfp`` on Linux,
``~/Library/Caches/nqpf_tfp`` on macOS, ``%LOCALAPPDATA%\\nqpf_tfp\\Cache`` on
Windows). A download is written to a temporary file in the same directory,
checked (length, checksum where the source publishes fixed files) and only
then renamed into place, so a failed or corrupt download never leaves a cache
entry. Offline (``offline=True`` or ``NQPF_TFP_OFFLINE=1``) nothing is
requested: the cache answers, or :class:`~nqpf_tfp.errors.DataSourceError`
says what to download and where to put it.

Plain HTTP through the standard library: the sources' APIs are simple GETs.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import DataSourceError
from ..keywords import strict_keywords

__all__ = ["FETCH_OPTIONS", "Download", "cache_dir", "fetch", "is_offline", "looks_like_html"]

#: the keywords every loader passes on to :func:`fetch`
FETCH_OPTIONS = frozenset({"cache", "offline", "refresh", "progress"})

_CHUNK = 1 << 16
_TIMEOUT = 60.0


@strict_keywords
def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where downloads are kept (see :mod:`nqpf_tfp.data.fetch` for the order).

    Parameters
    ----------
    override : str or path-like, optional
        A directory to use instead of ``NQPF_TFP_CACHE`` or the user cache.

    Returns
    -------
    pathlib.Path
        The cache directory (created when needed).
    """
    if override is not None:
        return Path(override)
    env = os.environ.get("NQPF_TFP_CACHE")
    if env:
        return Path(env)
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "nqpf_tfp" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "nqpf_tfp"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "nqpf_tfp"


@strict_keywords
def is_offline(offline: bool | None = None) -> bool:
    """Whether downloads are refused (only the cache is read).

    Parameters
    ----------
    offline : bool, optional
        The answer when given; otherwise the environment variable
        ``NQPF_TFP_OFFLINE`` (1/true/yes) decides.

    Returns
    -------
    bool
        True when offline.
    """
    if offline is not None:
        return bool(offline)
    return os.environ.get("NQPF_TFP_OFFLINE", "").strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Download:
    """Bytes of a source file and where they came from."""

    content: bytes
    url: str
    path: Path
    sha256: str
    retrieved: str  # UTC ISO time of the download (from the cache entry's time when cached)
    from_cache: bool


def _key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:24]


def fetch(url: str, *, source: str, filename: str, sha256: str | None = None,
          cache: str | os.PathLike[str] | None = None, offline: bool | None = None,
          refresh: bool = False, progress: bool = False, headers: dict[str, str] | None = None,
          secret_params: tuple[str, ...] = ()) -> Download:
    """The bytes at ``url``, from the cache when there (unless ``refresh``), else downloaded and cached.

    Parameters
    ----------
    url : str
        Full URL, query included.
    source, filename : str
        The cache entry is ``<cache>/<source>/<hash of url>-<filename>``.
    sha256 : str, optional
        Expected checksum (sources that publish fixed files); a mismatch is an
        error and nothing is cached.
    secret_params : tuple of str
        Query parameters (API keys) left out of the cache key and of messages.
    """
    public = _public_url(url, secret_params)
    folder = cache_dir(cache) / source
    path = folder / f"{_key(public)}-{filename}"
    if path.exists() and not refresh:
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if sha256 is None or digest == sha256:
            stamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
            return Download(content, public, path, digest, stamp, True)
        path.unlink()  # a cache entry that fails its checksum is not data
    if is_offline(offline):
        raise DataSourceError(
            f"offline and {source!r} is not in the cache: download {public} and save it as {path} "
            "(or unset offline mode / NQPF_TFP_OFFLINE)."
        )
    content = _download(url, public, progress, headers or {})
    if looks_like_html(content):
        raise DataSourceError(
            f"{public}: the server answered with an HTML page (HTTP 200), not the data: a bot check, a sign-in "
            "page or a moved file; nothing was cached. Open the address in a browser, save the file and pass "
            "its path as url='file:///...' (or put it in the cache), or use a mirror (base_url=).")
    digest = hashlib.sha256(content).hexdigest()
    if sha256 is not None and digest != sha256:
        raise DataSourceError(
            f"{public} failed its checksum (sha256 {digest}, expected {sha256}): the download is corrupt or "
            "the file has changed at the source; nothing was cached. Try again, or check the source's version."
        )
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)  # atomic: the entry appears complete or not at all
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Download(content, public, path, digest, datetime.now(timezone.utc).isoformat(timespec="seconds"), False)


def looks_like_html(content: bytes) -> bool:
    """A web page rather than data (none of the sources serves its data as HTML)."""
    head = content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _public_url(url: str, secret: tuple[str, ...]) -> str:
    if not secret:
        return url
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k not in secret]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _download(url: str, public: str, progress: bool, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "nqpf-tfp", **headers})
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
            expected = response.headers.get("Content-Length")
            total = int(expected) if expected and expected.isdigit() else None
            chunks = []
            bar = _progress(total, public) if progress else None
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            if bar is not None:
                bar.close()
    except urllib.error.HTTPError as exc:
        raise _http_error(exc, public) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise DataSourceError(
            f"cannot reach {public} ({reason}). Check the connection, or work offline from the cache "
            "(offline=True) or the bundled snapshot."
        ) from exc
    except http.client.HTTPException as exc:  # a protocol error mid-body
        raise DataSourceError(f"{public}: the response broke off ({exc!r}); nothing was cached. Try again.") from exc
    content = b"".join(chunks)
    if total is not None and len(content) != total:
        raise DataSourceError(
            f"{public}: received {len(content)} of {total} bytes: the response was cut short; nothing was "
            "cached. Try again."
        )
    return content


def _http_error(exc: urllib.error.HTTPError, public: str) -> DataSourceError:
    code = exc.code
    try:
        body = exc.read(2000).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the body is a courtesy
        body = ""
    if code == 404:
        message = f"{public} was not found (HTTP 404): check the series code or the source's version."
    elif code == 429:
        wait = exc.headers.get("Retry-After") if exc.headers else None
        message = (f"{public}: the source is rate-limiting requests (HTTP 429)"
                   + (f"; retry after {wait} s." if wait else "; wait and retry.")
                   + " Cached files are reused, so repeated calls need no new requests.")
    elif code >= 500:
        message = f"{public}: the source's server failed (HTTP {code}); try again later."
    else:
        message = f"{public}: HTTP {code} {exc.reason}. {body[:300]}".strip()
    error = DataSourceError(message)
    error.status, error.body = code, body  # type: ignore[attr-defined]  # sources read their own messages
    return error


def _progress(total: int | None, what: str):  # noqa: ANN202 - tqdm's type
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:
        raise ImportError("progress=True needs tqdm: pip install 'nqpf-tfp[progress]'") from exc
    return tqdm(total=total, unit="B", unit_scale=True, desc=what.split("?")[0][-40:])
