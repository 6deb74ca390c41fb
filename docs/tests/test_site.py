"""The built documentation site, opened in headless Chromium: the index, an API page and the tutorials
render, with their figures loaded.

Run after building the site: ``python -m sphinx -W -b html docs docs/_build/html`` then
``pytest docs/tests`` (``.ci/run`` does both; Chromium is Debian's ``chromium`` package).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

SITE = Path(os.environ.get("NQPF_TFP_SITE", Path(__file__).parents[1] / "_build" / "html"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server():
    assert (SITE / "index.html").exists(), f"build the site first: no {SITE / 'index.html'}"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def page(server):
    assert CHROMIUM, "Chromium is needed: apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        yield page
        browser.close()


def _open(page, server, path):
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url) if r.url.startswith(server) else None)
    response = page.goto(f"{server}/{path}", wait_until="load")
    assert response is not None and response.status == 200
    assert not failed, f"resources of the site that failed to load: {failed}"
    return page


def _images(page):
    """(src, natural width) of every image in the article."""
    return page.eval_on_selector_all("article img", "els => els.map(e => [e.src, e.naturalWidth])")


def test_index_renders_with_navigation(page, server):
    _open(page, server, "index.html")
    assert "nqpf_tfp" in page.title()
    headline = page.inner_text("article h1")
    assert "nqpf_tfp documentation" in headline
    links = page.eval_on_selector_all("nav a", "els => els.map(e => e.textContent.trim().replace('\u2019', \"'\"))")
    for name in ("China's TFP from the Penn World Table", "API reference", "Architecture"):
        assert any(name in link for link in links), f"{name!r} not in the navigation"


def test_an_api_page_renders_the_numpydoc_sections(page, server):
    _open(page, server, "generated/nqpf_tfp.ACF.html")
    text = page.inner_text("article")
    assert "class nqpf_tfp.ACF" in text.replace("\n", " ")
    assert "Parameters" in text and "moments" in text and "tie_tolerance" in text
    assert "Ackerberg" in text  # the reference in the docstring


@pytest.mark.parametrize("tutorial, figures", [("china-tfp", 1), ("prodest-table", 1),
                                               ("acf-multiple-optima", 1), ("data-offline", 1)])
def test_tutorials_render_with_their_figures(page, server, tutorial, figures):
    _open(page, server, f"tutorials/{tutorial}.html")
    images = _images(page)
    assert len(images) >= figures, f"{tutorial}: {len(images)} figures"
    broken = [src for src, width in images if width == 0]
    assert not broken, f"{tutorial}: figures that did not load: {broken}"
    assert page.locator("article .cell_output").count() >= 2  # executed cells show their output
    assert "Traceback" not in page.inner_text("article")


def test_the_prodest_tutorial_shows_the_reproduced_numbers(page, server):
    _open(page, server, "tutorials/prodest-table.html")
    text = page.inner_text("article")
    assert "all twelve coefficients equal the vignette's to the printed digits" in text
    assert "0.314" in text and "0.199" in text
