"""Example and reference datasets that ship with the package (no network needed)."""

from __future__ import annotations

import gzip
import hashlib
import io
from functools import lru_cache
from importlib import resources

import pandas as pd

from .errors import DataSourceError
from .simulations import simulate_acf, simulate_gnr

__all__ = ["load_pwt", "load_pwt_legend", "simulate_acf", "simulate_gnr", "PWT_VERSION", "PWT_SHA256"]

PWT_VERSION = "10.01"
#: sha256 of the uncompressed pwt1001.csv, as recorded at bundling time
PWT_SHA256 = "678c0be8da21e7280ecdb5b4e1bc8cf85ec6d4db6a4e23a0c409fae434111ddc"
_PWT_FILE = "pwt1001.csv.gz"
_PWT_CITATION = (
    "Feenstra, Robert C., Robert Inklaar and Marcel P. Timmer (2015), The Next Generation of the "
    "Penn World Table, American Economic Review 105(10), 3150-3182, www.ggdc.net/pwt"
)
_STRING_COLUMNS = ("countrycode", "country", "currency_unit", "i_cig", "i_xm", "i_xr", "i_outlier", "i_irr")


def _bundled(name: str) -> bytes:
    return resources.files("nqpf_tfp.data").joinpath("bundled", name).read_bytes()


@lru_cache(maxsize=1)
def _pwt_frame() -> pd.DataFrame:
    try:
        raw = gzip.decompress(_bundled(_PWT_FILE))
    except (OSError, EOFError) as exc:
        raise DataSourceError(f"the bundled {_PWT_FILE} cannot be read ({exc}); reinstall nqpf-tfp.") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if digest != PWT_SHA256:
        raise DataSourceError(
            f"the bundled {_PWT_FILE} fails its checksum (sha256 {digest}, expected {PWT_SHA256}); "
            "the installation is damaged: reinstall nqpf-tfp."
        )
    dtypes = {c: "string" for c in _STRING_COLUMNS}
    # Bit-exact floats: pandas 3 parses exactly by default; pandas 2 needs round_trip.
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    return pd.read_csv(io.BytesIO(raw), dtype=dtypes, **exact)


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
    frame = _pwt_frame().copy()
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


def load_pwt_legend() -> pd.DataFrame:
    """Variable labels of PWT 10.01 (one row per column of :func:`load_pwt`)."""
    return pd.read_csv(io.BytesIO(_bundled("pwt1001_legend.csv")))
