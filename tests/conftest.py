from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import matplotlib
import pandas as pd
import pytest

import nqpf_tfp as nt

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def pwt_session():
    return nt.datasets.load_pwt()


@pytest.fixture()
def pwt(pwt_session):
    """A fresh copy per test (tests may check that inputs are not mutated)."""
    return pwt_session.copy()


@pytest.fixture(scope="session")
def chilean() -> pd.DataFrame:
    """R prodest's Chilean plant panel (bundled; provenance in nqpf_tfp/data/bundled/README.md)."""
    return nt.datasets.load_chilean()


@contextlib.contextmanager
def local_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (a free port) answering with ``handler``; yields its root URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="session")
def serve():
    """``with serve(Handler) as url:`` runs a real HTTP server on 127.0.0.1 for the downloader tests."""
    return local_server


@pytest.fixture()
def download_cache(tmp_path, monkeypatch):
    """An empty cache folder, with the environment's cache and offline settings out of the way."""
    monkeypatch.delenv("NQPF_TFP_OFFLINE", raising=False)
    monkeypatch.delenv("NQPF_TFP_CACHE", raising=False)
    return tmp_path / "cache"
