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
    # the header holds the site's four sections, in order, each a landing page
    header = page.eval_on_selector_all(".bd-header .navbar-nav a.nav-link",
                                       "els => els.map(e => [e.textContent.trim(), e.getAttribute('href')])")
    assert [text for text, _ in header] == ["Tutorials", "User guide", "API reference", "Changelog"], header
    for text, href in header:
        _open(page, server, href.lstrip("./") if not href.startswith("http") else href)
        assert text in page.inner_text("article h1"), (text, href)
        assert len(page.eval_on_selector_all("article a", "els => els.map(e => e.href)")) >= 3 or \
            text == "Changelog", f"the {text} landing page links nowhere"


def _screenshot(page, name):
    """Kept as an artefact of the test run (docs/tests/screenshots, or NQPF_TFP_SCREENSHOTS)."""
    folder = Path(os.environ.get("NQPF_TFP_SCREENSHOTS", Path(__file__).parent / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("name, parameters", [
    ("nqpf_tfp.frontier.sbm", ["inputs", "outputs", "bad_outputs", "super_efficiency", "entity, time"]),
    ("nqpf_tfp.indices.moran", ["spatial_weights", "transformation", "permutations", "seed"]),
    ("nqpf_tfp.ACF", ["moments", "starts", "tie_tolerance", "entity, time", "form", "value_added"]),
    ("nqpf_tfp.OLS", ["Bases: ProductionEstimator", "entity, time", "cov_type"]),
])
def test_api_pages_show_their_parameters(page, server, name, parameters):
    _open(page, server, f"generated/{name}.html")
    text = page.inner_text("article")
    assert "Parameters" in text and "Returns" in text  # the class page: its fit() returns
    missing = [p for p in parameters if p not in text]
    assert not missing, f"{name}: {missing} not on the page"
    for internal in ("point_estimates", "resample_params", "needs_lags", "varies_within", "_LeastSquares",
                     "_ControlFunction"):
        assert internal not in text, f"{name}: the internal {internal} is listed"
    _screenshot(page, name)


def test_the_decision_guide_covers_each_choice_and_links_into_the_api(page, server):
    _open(page, server, "which-method.html")
    text = page.inner_text("article")
    for heading in ("Growth accounting, a production function or a frontier?", "OLS, fixed effects, Olley-Pakes",
                    "DEA, SBM, a radial or non-radial directional distance, or SFA?", "Which frontier for an index?",
                    "Entropy, CRITIC or PCA weights?"):
        assert heading in text, heading
    hrefs = page.eval_on_selector_all("article a", "els => els.map(e => e.getAttribute('href'))")
    api = {h.split("#")[0] for h in hrefs if h and "generated/" in h}
    assert len(api) >= 20, f"the guide links {len(api)} API pages"
    _screenshot(page, "which-method")


def test_guide_pages_link_the_functions_they_mention():
    """Inline code that names a public object (``nt.frontier.sbm``) is a link on every guide page, and the
    code blocks' calls link into the API (sphinx-codeautolink)."""
    import html
    import re

    toctree = (SITE.parents[1] / "guide.md").read_text().split("```{toctree}")[1].split("```")[0]
    pages = [f"{line.strip()}.html" for line in toctree.splitlines() if line.strip() and not line.startswith(":")]
    unlinked, code_links = [], 0
    for name in pages:
        article = (SITE / name).read_text()
        article = article[article.find("<article"):article.find("</article>")]
        code_links += article.count("sphinx-codeautolink-a")
        for m in re.finditer(r'(<a [^>]*>)?<code class="docutils literal notranslate"><span class="pre">([^<]*)</span>',
                             article):
            if re.match(r"^(nt|nqpf_tfp)\.\w", html.unescape(m.group(2))) and not m.group(1):
                unlinked.append((name, html.unescape(m.group(2))))
    assert len(pages) >= 20
    assert not unlinked, f"inline code naming the API without a link: {unlinked}"
    assert code_links >= 100, f"{code_links} links from code blocks into the API"


def test_an_api_page_renders_the_numpydoc_sections(page, server):
    _open(page, server, "generated/nqpf_tfp.ACF.html")
    text = page.inner_text("article")
    assert "class nqpf_tfp.ACF" in text.replace("\n", " ")
    assert "Parameters" in text and "moments" in text and "tie_tolerance" in text
    assert "Ackerberg" in text  # the reference in the docstring


@pytest.mark.parametrize("tutorial, figures", [("china-tfp", 1), ("prodest-table", 1),
                                               ("acf-multiple-optima", 1), ("data-offline", 1),
                                               ("nqpf-index", 3)])
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
