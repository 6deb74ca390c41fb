"""Every tutorial runs from the installed package in an empty folder: the code cells of each page, run in
a fresh interpreter whose working directory is a new temporary folder, so no file of the repository (data,
modules) is within reach; only what ``pip install`` puts in place. (CI installs the package from the
source tree without ``-e``, so there it is the built package that runs.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIALS = sorted(p for p in (Path(__file__).resolve().parents[1] / "docs" / "tutorials").glob("*.md")
                   if p.stem != "index")  # the landing page lists them
CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)```", re.S)
OPTIONS = re.compile(r"\A(?:---\n.*?\n---\n|(?::[\w-]+:[^\n]*\n)+)", re.S)  # MyST cell options


def _code(page: Path) -> str:
    return "\n".join(OPTIONS.sub("", cell) for cell in CELL.findall(page.read_text(encoding="utf-8")))


def test_there_are_tutorials_with_code():
    assert len(TUTORIALS) >= 9 and all(_code(page).strip() for page in TUTORIALS)


@pytest.mark.parametrize("page", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_the_tutorial_runs_from_the_installed_package_in_an_empty_folder(page, tmp_path):
    code = _code(page)
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": ""}
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
