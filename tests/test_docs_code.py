"""Every ``python`` code block in README.md and docs/ runs as written.

The blocks of one page run in order in one namespace, from the repository's root, as a reader
would paste them. (The tutorials in docs/tutorials are MyST notebooks whose cells the site build
executes; they have no ``python`` fences.)
"""

from __future__ import annotations

import os
import re
import textwrap
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md"] + sorted(p for p in (ROOT / "docs").rglob("*.md")
                                      if "_build" not in p.parts and "generated" not in p.parts)
FENCE = re.compile(r"^( *)```python\n(.*?)^\1```", re.S | re.M)  # fences may be indented (in lists)


def _blocks(page: Path) -> list[str]:
    return [textwrap.dedent(body) for _, body in FENCE.findall(page.read_text())]


def test_the_fences_are_found():
    # the README's first session and its (indented) Dask example: the pattern must see both
    blocks = _blocks(ROOT / "README.md")
    assert len(blocks) == 2 and "nt.pwt_tfp" in blocks[1] and "LocalCluster" in blocks[0]


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p)], ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run_as_written(page, monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the pages show results; their warnings are tested elsewhere
        for i, block in enumerate(_blocks(page)):
            try:
                exec(compile(block, f"{page.name}[block {i}]", "exec"), namespace)
            except Exception as exc:  # noqa: BLE001 - re-raised with the block that failed
                raise AssertionError(f"{page.relative_to(ROOT)}, block {i} fails: {exc!r}\n{block}") from exc
    plt.close("all")
    assert os.getcwd() == str(ROOT)


def test_the_api_reference_lists_every_public_name():
    import types

    import nqpf_tfp as nt

    listed = set(re.findall(r"^   ([\w.]+)$", (ROOT / "docs" / "api.md").read_text(), re.M))
    namespaces = {"": nt, "production.": nt.production, "growth.": nt.growth, "data.": nt.data,
                  "datasets.": nt.datasets, "errors.": nt.errors, "frontier.": nt.frontier, "analysis.": nt.analysis,
                  "indices.": nt.indices}
    missing = [
        f"{prefix}{name}"
        for prefix, module in namespaces.items() for name in module.__all__
        if not isinstance(getattr(module, name), types.ModuleType) and name != "__version__"
        and not {f"{prefix}{name}", name} & listed  # a top-level re-export is listed once, at the top
    ]
    assert not missing, f"not in docs/api.md: {missing}"
