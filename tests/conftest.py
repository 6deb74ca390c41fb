from __future__ import annotations

from pathlib import Path

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
    """R prodest's Chilean plant panel (tests/data/chilean.csv; provenance in tests/data/README.md)."""
    return pd.read_csv(Path(__file__).parent / "data" / "chilean.csv")
