from __future__ import annotations

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
