"""Shared helpers for tests that need a data folder built from the real 47018NED JSON and a regions frame.

The regions frame is the ingest layer's `regions` role (issue 15), built from CBS "Gebieden in
Nederland" by ``snapshot_from_file`` as a user's folder would be.
"""
from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from ivpanalysis import paths

JSON = "dreyer_47018NED_gemeente_jaar/data.json"
REGIONS = "leetjes_gebieden_in_nederland/inwonertal.csv"


def need_realdata():
    if not paths.REALDATA_DIR.is_dir():
        pytest.skip(f"real public data not found at {paths.REALDATA_DIR} (../shared/realdata beside the checkout)")
    return paths.REALDATA_DIR


def dataset(tmp_dir):
    """A Dataset from the real 47018NED JSON (police counts + inwoners), via snapshot_from_file."""
    import ivpanalysis

    folder = ivpanalysis.snapshot_from_file([need_realdata() / JSON], tmp_dir / "folder")
    return ivpanalysis.load(folder)


def read_regions(path=None) -> pd.DataFrame:
    """The ``regions`` role exactly as the ingest layer builds it from CBS "Gebieden in Nederland"
    (``snapshot_from_file`` → ``regions.parquet``), read once per file."""
    return _regions(str(path or need_realdata() / REGIONS)).copy()


@lru_cache(maxsize=2)
def _regions(path: str) -> pd.DataFrame:
    import ivpanalysis

    with tempfile.TemporaryDirectory() as tmp:
        folder = ivpanalysis.snapshot_from_file([Path(path)], Path(tmp) / "folder")
        return ivpanalysis.load(folder).regions
