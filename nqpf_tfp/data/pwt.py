"""Penn World Table: 10.01 bundled; 11.0 (and 10.01) by download from DataverseNL, GGDC's file host.

GGDC's old ``rug.nl/ggdc/docs`` download paths answer 404; the Excel files are served through
DataverseNL's file access API (a GET redirects to the object store):

- PWT 11.0: ``https://dataverse.nl/api/access/datafile/554105`` (``pwt110.xlsx``), doi:10.34894/FABVLR;
- PWT 10.01: ``https://dataverse.nl/api/access/datafile/354095`` (``pwt1001.xlsx``), doi:10.34894/QT5BCC.

``url=`` takes any full address (``file:///...`` for a copy on disk) and ``base_url=`` a mirror
folder holding ``pwtNNN.xlsx``. GGDC publishes no checksums; the sha256 of the bytes read is in
``attrs``. An HTML page served with status 200 (a bot check) is an error, not a file.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataSourceError, SpecificationError
from .bundled import PWT_SHA256, PWT_VERSION, load_pwt
from .fetch import fetch
from .response import Source, provenance

__all__ = ["PWT", "PWT_FILES", "PWT_URLS"]

PWT_FILES = {"10.0": "pwt100.xlsx", "10.01": "pwt1001.xlsx", "11.0": "pwt110.xlsx"}
PWT_URLS = {
    "10.01": "https://dataverse.nl/api/access/datafile/354095",
    "11.0": "https://dataverse.nl/api/access/datafile/554105",
}


def _pwt(version: str = "10.01", *, url: str | None = None, base_url: str | None = None,
         **options: Any) -> pd.DataFrame:
    """Penn World Table main table: 10.01 from the bundled copy; otherwise the Excel file (sheet "Data";
    needs openpyxl) from DataverseNL, ``url`` or a ``base_url`` mirror, cached."""
    if version == PWT_VERSION and url is None and base_url is None:
        frame = load_pwt()
        frame.attrs.update({"source": PWT.title, "version": PWT_VERSION, "url": PWT.url,
                            "retrieved": "bundled with nqpf_tfp", "sha256": PWT_SHA256, "licence": PWT.licence,
                            "from_cache": True, "units": "see nt.datasets.load_pwt_legend()"})
        return frame
    if version not in PWT_FILES:
        raise SpecificationError(f"unknown PWT version {version!r}; versions are {sorted(PWT_FILES)}.")
    if url is None and base_url is not None:
        url = f"{base_url.rstrip('/')}/{PWT_FILES[version]}"
    if url is None:
        if version not in PWT_URLS:
            raise SpecificationError(
                f"PWT {version} has no known download address (GGDC's old rug.nl/ggdc/docs links answer 404): "
                f"save {PWT_FILES[version]} from GGDC's site and pass url='file:///path/{PWT_FILES[version]}'.")
        url = PWT_URLS[version]
    try:
        import openpyxl  # noqa: F401 - pandas' Excel reader
    except ImportError as exc:
        raise ImportError(f"PWT {version} comes as an Excel file: pip install 'nqpf-tfp[data]' (openpyxl)") from exc
    dl = fetch(url, source="pwt", filename=PWT_FILES[version], **options)
    try:
        frame = pd.read_excel(io.BytesIO(dl.content), sheet_name="Data", engine="openpyxl")
        frame["year"] = frame["year"].astype(np.int64)
        frame = frame.sort_values(["countrycode", "year"], ignore_index=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:  # not an Excel file, no Data sheet or year
        dl.path.unlink(missing_ok=True)
        raise DataSourceError(
            f"{dl.url}: malformed PWT file ({exc}); expected an Excel file with a 'Data' sheet.") from exc
    frame.attrs["units"] = "see the file's Legend sheet"
    return provenance(frame, PWT, version, [dl])


PWT = Source("pwt", "Penn World Table", "https://www.rug.nl/ggdc/productivity/pwt/", "CC BY 4.0",
             "bundled (10.01); 11.0 by download (Excel, DataverseNL)", "PWT legend", _pwt)
