"""Reproduce China's and the USA's TFP from the Penn World Table and draw them.

Run:  python examples/pwt_china_usa.py  [output.png]

Recomputes PWT 10.01's rtfpna (TFP at constant national prices, 2017 = 1) from its
inputs by PWT's conventions, compares it with the published series, prints the sources
of growth for both countries, and draws the two TFP indexes (needs matplotlib).
"""

from __future__ import annotations

import sys

import numpy as np

import nqpf_tfp as nt


def main(out: str = "pwt_china_usa.png") -> None:
    pwt = nt.datasets.load_pwt()
    ours = nt.pwt_tfp(pwt, measure="rtfpna")
    published = pwt.set_index(["countrycode", "year"])["rtfpna"]
    for code in ("CHN", "USA"):
        mine, theirs = ours.loc[code], published.loc[code].dropna()
        gap = np.abs(np.diff(np.log(mine.to_numpy())) - np.diff(np.log(theirs.to_numpy()))).max()
        print(f"{code}: {len(mine)} years, max |error in annual dln TFP| vs PWT = {gap:.1e}")

    ga = nt.pwt_growth_accounting(pwt[pwt.countrycode.isin(["CHN", "USA"])])
    print()
    print(ga.summary([(1978, 1990), (1990, 2000), (2000, 2010), (2010, 2019), (1978, 2019)]))

    ax = ga.plot(entities=["CHN", "USA"], base=2017)
    ax.set_title("TFP at constant national prices (PWT 10.01 conventions)")
    ax.figure.savefig(out, dpi=120, bbox_inches="tight")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
