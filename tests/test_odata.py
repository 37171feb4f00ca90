"""ingest.loaders.odata: CBS OData / cbsodata(R) output: padded keys, BOM, sidecar metadata, code lists; real files read in place."""
import shutil

import pandas as pd
import pytest

import ivpanalysis as iv
import ivpanalysis.ingest.schema
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.validate import problems_in

from .conftest import FIXTURES


def test_cbsodata_rows_with_padded_keys_and_bom(realdata, tmp_path):
    src = realdata / "chelsj_47013NED_meta_37230ned" / "Bevolking_Gemeenten.csv"
    df = iv.read(src)
    assert df.attrs["format"] == "odata"
    v = df[(df.region_code == "GM0995") & (df.period == pd.Period("2024", freq="Y"))].set_index("measure")["value"]
    assert v["BevolkingAanHetEindeVanDePeriode"] == 84713


def test_cbsodatar_output_uses_sidecar_metadata(realdata):
    df = iv.read(realdata / "bernasco_staat_van_de_misdaad" / "first_commit_14f99b5" / "data.csv")
    assert df.attrs["table_id"] == "83474NED"  # from TableInfos.csv beside it
    assert set(df["status"]) <= {"definitief", "voorlopig"}  # from Perioden.csv
    # yearly JJ00 rows sit among the months: they keep their own (yearly) frequency, apart
    freqs = df["period"].map(iv.ingest.schema.freq_of)
    assert set(freqs) == {"M", "Y"}
    assert (freqs == "Y").sum() == 28 * df["measure"].nunique()  # the file's 28 JJ00 rows
    # an empty cell stays missing: this table's metadata does not declare Default="Zero"
    assert df["value"].isna().any()


@pytest.mark.parametrize("rel, n, encoding", [
    ("bernasco_staat_van_de_misdaad/first_commit_14f99b5/SoortMisdrijf.csv", 59, "utf-8"),
    ("bernasco_staat_van_de_misdaad/first_commit_14f99b5/WijkenEnBuurten.csv", 18119, "cp1252"),
    ("bernasco_staat_van_de_misdaad/first_commit_14f99b5/Overlast.csv", 9, "utf-8"),
])
def test_code_lists(realdata, rel, n, encoding):
    c = iv.read(realdata / rel)
    assert c.attrs["format"] == "odata_codelist" and c.attrs["encoding"] == encoding
    assert len(c) == n and not c["code"].str.endswith(" ").any()
