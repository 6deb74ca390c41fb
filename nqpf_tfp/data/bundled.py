"""Datasets that ship with the package (no network needed): PWT 10.01 and reference firm panels.

Every loader returns a fresh copy with its provenance (source, version,
licence, citation, sha256 of the uncompressed file) in ``attrs``; the checksum
is verified on the first read of a session. Provenance in
``nqpf_tfp/data/bundled/README.md``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from ..errors import DataSourceError
from ..keywords import strict_keywords

__all__ = ["PWT_SHA256", "PWT_VERSION", "load_acf_dgp3", "load_chilean", "load_colombian_gnr", "load_gnr_simulated",
           "load_gtfpch_provinces", "load_pwt", "load_pwt_legend", "load_usda_states", "pwt_frame", "read_bundled",
           "verified_bytes"]

#: the Penn World Table release bundled with the package (Feenstra, Inklaar and Timmer 2015)
PWT_VERSION = "10.01"
#: sha256 of the uncompressed pwt1001.csv, as recorded at bundling time
PWT_SHA256 = "678c0be8da21e7280ecdb5b4e1bc8cf85ec6d4db6a4e23a0c409fae434111ddc"
_PWT_FILE = "pwt1001.csv.gz"
_PWT_CITATION = (
    "Feenstra, Robert C., Robert Inklaar and Marcel P. Timmer (2015), The Next Generation of the "
    "Penn World Table, American Economic Review 105(10), 3150-3182, www.ggdc.net/pwt"
)
_STRING_COLUMNS = ("countrycode", "country", "currency_unit", "i_cig", "i_xm", "i_xr", "i_outlier", "i_irr")


def read_bundled(name: str) -> bytes:
    """The raw bytes of a file bundled in ``nqpf_tfp/data/bundled``."""
    return resources.files("nqpf_tfp.data").joinpath("bundled").joinpath(name).read_bytes()


def verified_bytes(name: str, sha256: str) -> bytes:
    """The uncompressed bytes of a bundled ``.gz`` file whose sha256 is ``sha256``, or a clear error."""
    try:
        raw = gzip.decompress(read_bundled(name))
    except (OSError, EOFError) as exc:
        raise DataSourceError(f"the bundled {name} cannot be read ({exc}); reinstall nqpf-tfp.") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        raise DataSourceError(
            f"the bundled {name} fails its checksum (sha256 {digest}, expected {sha256}); "
            "the installation is damaged: reinstall nqpf-tfp."
        )
    return raw


@lru_cache(maxsize=1)
def pwt_frame() -> pd.DataFrame:
    """The parsed, verified PWT 10.01 table, read once per session and cached (callers copy it;
    ``pwt_frame.cache_clear()`` forces a re-read)."""
    raw = verified_bytes(_PWT_FILE, PWT_SHA256)
    dtypes = {c: "string" for c in _STRING_COLUMNS}
    # Bit-exact floats: pandas 3 parses exactly by default; pandas 2 needs round_trip.
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    return pd.read_csv(io.BytesIO(raw), dtype=dtypes, **exact)  # type: ignore[call-overload]


@strict_keywords
def load_pwt() -> pd.DataFrame:
    """Penn World Table 10.01, main table, exactly as published.

    183 countries, 1950-2019, 52 columns (``countrycode``, ``year``,
    ``rgdpna``, ``rkna``, ``emp``, ``avh``, ``hc``, ``labsh``, ``rtfpna``,
    ``ctfp``, ...). Read from the copy bundled with the package (no network);
    its sha256 checksum is verified on every first load of a session.

    Returns
    -------
    pandas.DataFrame
        A fresh copy (modify it freely). ``df.attrs`` records the source,
        version, licence, citation and checksum.

    Notes
    -----
    Licence: CC BY 4.0. Cite Feenstra, Inklaar and Timmer (2015), "The Next
    Generation of the Penn World Table", *American Economic Review* 105(10),
    3150-3182, www.ggdc.net/pwt.
    """
    frame = pwt_frame().copy()
    frame.attrs = {
        "source": "Penn World Table",
        "version": PWT_VERSION,
        "url": "https://www.rug.nl/ggdc/productivity/pwt/",
        "doi": "10.34894/QT5BCC",
        "licence": "CC BY 4.0",
        "citation": _PWT_CITATION,
        "sha256": PWT_SHA256,
        "bundled": True,
    }
    return frame


@strict_keywords
def load_pwt_legend() -> pd.DataFrame:
    """Variable labels of PWT 10.01 (one row per column of :func:`load_pwt`).

    Returns
    -------
    pandas.DataFrame
        Columns ``variable`` and ``label``.
    """
    return pd.read_csv(io.BytesIO(read_bundled("pwt1001_legend.csv")))


# ------------------------------------------------------------------ reference firm panels
@dataclass(frozen=True)
class _Panel:
    file: str
    sha256: str
    source: str
    licence: str
    citation: str


_PANELS = {
    "chilean": _Panel(
        "chilean.csv.gz", "edf6cb50336fa802a3e3accd64c966e3d5ef78109cdf767503d30d85f14119d0",
        "R package prodest 1.0.1, data set 'chilean'", "GPL-3",
        "Rovigatti, G. and Mollisi, V. (2018), Theory and practice of total-factor productivity estimation: "
        "the control function approach using Stata, Stata Journal 18(3), 618-662"),
    "acf_dgp3": _Panel(
        "acf_dgp3_sim.csv.gz", "a963f862c57d78498a692c01c206f4d4a64d956e5b1b9d58338ac2a2f2e4648c",
        "GitHub GabrieleRovigatti/prodest, markupest/data/f_DGP3_replica.dta", "GPL-3",
        "Ackerberg, D. A., Caves, K. and Frazer, G. (2015), Identification properties of recent production "
        "function estimators, Econometrica 83(6), 2411-2451 (DGP3)"),
    "colombian_gnr": _Panel(
        "colombian_gnr.csv.gz", "5f1f55c1cda030df82e3e92207d03939bfaba923a73065d4a78bae3fa6df05cb",
        "R package gnrprod 1.1.2, data set 'colombian'", "GPL-3",
        "Gandhi, A., Navarro, S. and Rivers, D. (2020), On the identification of gross output production "
        "functions, Journal of Political Economy 128(8), 2973-3016"),
    "gnr_simulated": _Panel(
        "gnr_sim_cd_500.csv.gz", "86033096581a0eabae6df1c78fdc6824d65240167a7bd0a5e14f49bb0c449062",
        "GitHub MarkusTrunschke/GNRProdEst.jl, test/GNR_data_500.csv (from the GNR 2020 replication package)",
        "MIT",
        "Gandhi, A., Navarro, S. and Rivers, D. (2020), On the identification of gross output production "
        "functions, Journal of Political Economy 128(8), 2973-3016"),
    "gtfpch_provinces": _Panel(
        "gtfpch_provinces.csv.gz", "2b7d8722995635497ed2b0514d6c493e81fb24fc81a164f8e63aeebca5852bd6",
        "the example data (example.dta) of the Stata package gtfpch by Kerry Du, GitHub kerrydu/gtfpch, "
        "commit a0fa116; converted to CSV (float32 values in shortest round-trip form)",
        "no licence file in the repository; distributed publicly with the Stata Journal article and the SSC "
        "package, bundled to run the tutorials",
        "Wang, D., Du, K. and Zhang, N. (2022), Measuring technical efficiency and total factor productivity "
        "change with undesirable outputs in Stata, Stata Journal 22(1), 103-124"),
    "usda_states": _Panel(
        "usda_states.csv.gz", "0e573645e5906c6e0cb51fc3f834bbf00606891839d692b0919d44d91da17613",
        "R package productivity 1.1.0 (CRAN), data set 'usagri', from the state-level farm production accounts "
        "of the USDA Economic Research Service; converted to CSV, columns renamed (q.crop -> q_crop, States -> "
        "state, Years -> year; States.num dropped)",
        "GPL-3 (package data); the underlying USDA ERS accounts are a work of the US government",
        "Dakpo, K. H., Desjeux, Y. and Latruffe, L. (2022), productivity: Indices of Productivity and "
        "Profitability Using Data Envelopment Analysis (DEA), R package version 1.1.0; USDA ERS, Agricultural "
        "Productivity in the U.S., state-level tables"),
}


@lru_cache(maxsize=None)
def _panel_frame(name: str) -> pd.DataFrame:
    meta = _PANELS[name]
    return pd.read_csv(io.BytesIO(verified_bytes(meta.file, meta.sha256)))


def _load_panel(name: str) -> pd.DataFrame:
    meta = _PANELS[name]
    frame = _panel_frame(name).copy()
    frame.attrs = {"source": meta.source, "licence": meta.licence, "citation": meta.citation,
                   "sha256": meta.sha256, "bundled": True}
    return frame


@strict_keywords
def load_chilean() -> pd.DataFrame:
    """R prodest's Chilean plant panel: 2,544 plant-years, 497 plants, 1996-2006.

    Columns (all logs): ``Y`` value added, ``fX1``/``fX2`` skilled and
    unskilled labor (free), ``sX`` capital (state), ``pX`` intermediate
    input (proxy), ``inv`` investment (``cX`` is a duplicate of ``inv``);
    keys ``idvar``, ``timevar``. The data of Table 1 of the prodest
    vignette (v1.0.1). Licence GPL-3 (package data of prodest).

    Returns
    -------
    pandas.DataFrame
        The panel, one row per plant-year.
    """
    return _load_panel("chilean")


@strict_keywords
def load_acf_dgp3() -> pd.DataFrame:
    """5,000 firms x 10 periods simulated with Ackerberg, Caves and Frazer (2015)'s DGP3.

    Labor is chosen between periods with serially correlated wages; value
    added; truth ``beta_l = 0.6``, ``beta_k = 0.4``. Columns ``firm``,
    ``period``, ``lny``, ``lnl``, ``lnk`` and ``lnm1``..``lnm4`` (the log
    intermediate-input proxy with measurement error 0, 0.1, 0.2, 0.5).
    Licence GPL-3 (from the prodest repository).

    Returns
    -------
    pandas.DataFrame
        The panel, one row per firm-period.
    """
    return _load_panel("acf_dgp3")


@strict_keywords
def load_colombian_gnr() -> pd.DataFrame:
    """gnrprod's Colombian food-products plants (ISIC 311, 1981-1991): 6,187 plant-years.

    From the Gandhi, Navarro and Rivers (2020) replication data: ``RGO`` log
    real gross output, ``L`` log labor, ``K`` log capital, ``RI`` log real
    intermediates, ``share`` log intermediate revenue share, keys ``id`` and
    ``year`` (two digits). 31 plant-year gaps. Licence GPL-3 (package data of
    gnrprod 1.1.2).

    Returns
    -------
    pandas.DataFrame
        The panel, one row per plant-year.
    """
    return _load_panel("colombian_gnr")


@strict_keywords
def load_gnr_simulated() -> pd.DataFrame:
    """500 firms x 30 periods from the GNR (2020) Monte Carlo: gross-output Cobb-Douglas.

    Truth: intermediate elasticity 0.65, capital 0.25. ``yg``, ``k``, ``i``,
    ``si`` are the logs of output, capital, intermediates and the
    intermediate share; keys ``id``, ``time``. Licence MIT (GNRProdEst.jl test data).

    Returns
    -------
    pandas.DataFrame
        The panel, one row per firm-period.
    """
    return _load_panel("gnr_simulated")


@strict_keywords
def load_usda_states() -> pd.DataFrame:
    """US farm production accounts of 48 states, 1995-2004 (480 rows): three outputs, four inputs, prices.

    Columns ``state`` (postal code), ``year``; output quantities ``q_livestock``, ``q_crop``, ``q_other`` and
    input quantities ``q_capital``, ``q_land``, ``q_labor``, ``q_materials`` (thousand 1996 US dollars);
    their prices ``p_*`` relative to Alabama in 1996 (= 1). The example data of R's ``productivity``
    package, from the USDA Economic Research Service's state-level accounts; provenance and licence in
    ``frame.attrs``.

    Examples
    --------
    >>> import nqpf_tfp as nt
    >>> farms = nt.datasets.load_usda_states()
    >>> farms.shape
    (480, 16)

    Returns
    -------
    pandas.DataFrame
        The panel, one row per state-year.
    """
    return _load_panel("usda_states")


@strict_keywords
def load_gtfpch_provinces() -> pd.DataFrame:
    """The example panel of Stata's ``gtfpch``: 30 Chinese provinces x 2013-2015 (90 rows).

    Columns ``Province``, ``year``, ``K`` capital stock (100 million 1997 CNY), ``L`` employment (10,000
    persons), ``E`` energy (million tonnes of standard coal), ``Y`` real GDP (100 million 1997 CNY) and
    ``CO2`` emissions (kg, as the Stata variable label says). The data of the green-TFP examples of Wang, Du
    and Zhang (2022, *Stata Journal* 22(1)), which the library's gtfpch tests reproduce; provenance and
    licence in ``frame.attrs``.

    Examples
    --------
    >>> import nqpf_tfp as nt
    >>> provinces = nt.datasets.load_gtfpch_provinces()
    >>> provinces.shape
    (90, 7)

    Returns
    -------
    pandas.DataFrame
        The panel, one row per province-year.
    """
    return _load_panel("gtfpch_provinces")
