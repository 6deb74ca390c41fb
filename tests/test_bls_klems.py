"""BLS KLEMS multifactor productivity reproduced by Törnqvist growth accounting.

Reference: tests/data/bls_klems_combined_by_measure.csv.gz, the US BLS
"combined sectors and industry KLEMS multifactor productivity tables", 70 NAICS
industries, 1987-2018 (file used in Hall 2018; provenance in tests/data/README.md).
Output: "Sectoral Output" index; inputs: the Capital, Labor, Energy, Materials and
Purchased Business Services input indexes with their published cost shares.
Published: the "Multifactor Productivity" index. Indexes and shares are printed to
3 decimals, so a share is known to ±0.0005 (shares sum to 1 within 0.002) and the
recomputation can differ by a few 1e-4 a year; the tolerance is 1e-3 per year
(what that printed precision allows).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nqpf_tfp as nt
from nqpf_tfp.errors import NqpfTfpWarning

DATA = Path(__file__).parent / "data" / "bls_klems_combined_by_measure.csv.gz"
YEARS = [str(y) for y in range(1987, 2019)]
INPUTS = {
    "K": ("Capital Input", "Capital Cost Shares"),
    "L": ("Labor Input", "Labor Cost Shares"),
    "E": ("Energy Input", "Energy Cost Shares"),
    "M": ("Materials Input", "Materials Cost Shares"),
    "S": ("Purchased Business Services Input", "Purchased Business Services Cost Shares"),
}
TOL = 1e-3


@pytest.fixture(scope="module")
def klems() -> pd.DataFrame:
    """Long panel (naics, year): output, five inputs, five shares, published MFP."""
    raw = pd.read_csv(DATA, dtype=str)
    wanted = {"Y": "Sectoral Output", "MFP": "Multifactor Productivity"}
    wanted.update({k: m for k, (m, _) in INPUTS.items()})
    wanted.update({f"s{k}": s for k, (_, s) in INPUTS.items()})
    columns = {}
    for name, measure in wanted.items():
        duration = "Levels" if name.startswith("s") else "Indexes = 100.000"
        rows = raw[(raw["Measure Title"] == measure) & (raw["Duration Title"] == duration)]
        wide = rows.set_index("NAICS")[YEARS].apply(pd.to_numeric, errors="raise")
        columns[name] = wide.stack()
    long = pd.DataFrame(columns)
    long.index = long.index.set_names(["naics", "year"])
    long = long.reset_index()
    long["year"] = long["year"].astype(int)
    return long


def test_klems_panel_is_complete(klems):
    assert klems["naics"].nunique() == 70
    assert len(klems) == 70 * 32
    assert not klems.isna().any().any()


def test_mfp_growth_every_industry_within_1e3(klems):
    # BLS publishes one negative (residual) capital cost share: NAICS 523, 2008, -0.068.
    with pytest.warns(NqpfTfpWarning, match=r"share column 'sK' lies outside \[0, 1\] in 1 row.*\('523', 2008\)"):
        ga = nt.growth_accounting(
            klems, "Y", inputs={k: f"s{k}" for k in INPUTS}, entity="naics", time="year", missing="raise"
        )
    ours = ga.tfp_growth
    published = np.log(klems.set_index(["naics", "year"])["MFP"]).groupby(level=0).diff().dropna()
    err = (ours - published.reindex(ours.index)).abs()
    assert err.size == 70 * 31 and err.notna().all()
    worst = err.groupby(level=0).max()
    assert (worst <= TOL).all(), worst.sort_values().tail()
    # the residual is informative: far below the size of MFP growth itself
    assert err.max() < 0.1 * published.abs().max()


@pytest.mark.filterwarnings("ignore::nqpf_tfp.errors.NqpfTfpWarning")  # the 523/2008 share, tested above
def test_residual_capital_share_matches_explicit_share(klems):
    explicit = nt.growth_accounting(klems, "Y", inputs={k: f"s{k}" for k in INPUTS}, entity="naics", time="year")
    residual = nt.growth_accounting(
        klems, "Y", inputs={"L": "sL", "E": "sE", "M": "sM", "S": "sS", "K": "residual"},
        entity="naics", time="year",
    )
    # shares are rounded to 3 decimals, so the residual share differs by <= 0.0025
    diff = (explicit.tfp_growth - residual.tfp_growth).abs()
    assert diff.max() < 2.5e-3 * explicit.input_growth["K"].abs().max() + 1e-12
