"""Shared helpers for tests that need a data folder built from the real 47018NED JSON and a regions frame.

The regions reader here is deliberately minimal and test-local: the ingest layer's `regions` role
(issue 15) builds the real one from CBS "Gebieden in Nederland"; these tests need only its columns.
"""
from __future__ import annotations

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
    """The regions role's columns from "Gebieden in Nederland": classification columns found by their codes."""
    path = path or need_realdata() / REGIONS
    df = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig").apply(lambda s: s.str.strip())

    def code_col(prefix):
        hits = [c for c in df.columns if c.startswith("Code_") and df[c].str.fullmatch(prefix + r"\d+").all()]
        assert len(hits) == 1, f"{prefix}: {hits}"
        return hits[0]

    def name_col(code):
        return df.columns[df.columns.get_loc(code) + 1]

    re_, pv, vr, cr = code_col("RE"), code_col("PV"), code_col("VR"), code_col("CR")
    return pd.DataFrame({
        "region_code": df["RegioS"], "police_unit_code": df[re_], "police_unit_name": df[name_col(re_)],
        "veiligheidsregio_code": df[vr], "province_code": df[pv], "corop_code": df[cr],
        "size_class": df["Code_50"].astype(int), "urbanity_class": df["Code_52"].astype(int),
        "address_density": pd.to_numeric(df["Omgevingsadressendichtheid_55"]), "edition": "unknown"})
