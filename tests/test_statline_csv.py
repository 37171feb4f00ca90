"""ingest.loaders.statline_csv: StatLine CSV downloads (title, filter line, multi-row header, footer, '.' missing); real files read in place."""
import shutil

import pandas as pd
import pytest

import ivpanalysis as iv
import ivpanalysis.ingest.schema
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.validate import problems_in

from .conftest import FIXTURES


def test_statline_download_47013ned(realdata, tmp_path):
    src = realdata / "thoolen_47013NED_statline_gemeente" / "Misdrijven_2024.csv"
    renamed = tmp_path / "whatever.txt"  # recognised by content, not by name
    shutil.copy(src, renamed)
    df = iv.read(renamed)
    assert df.attrs["format"] == "statline_csv"
    assert df.attrs["filters"] == {"Soort misdrijf": "Totaal misdrijven"}
    v = df.set_index("region_code")["value"]
    assert v["GM0995"] == 3949 and v["GM0034"] == 9608 and v["GM0303"] == 1336
    from ivpanalysis.ingest import schema

    kinds = df["region_code"].map(schema.region_kind)
    assert (kinds == "municipality").sum() == 342
    assert set(df.loc[kinds == "pseudo", "region_name"]) == {"Gemeenten; niet in te delen", "Buitenland", "Niet in te delen (RE)"}
    assert (kinds == "police_unit").sum() == 10
    assert pd.isna(v["GM0998"])  # Buitenland is '.', not available: missing, never 0
    assert problems_in(df) == []


def test_population_statline_layout(realdata):
    df = iv.read(realdata / "chelsj_47013NED_meta_37230ned" / "bevolkingeindeperiod_21122025.csv")
    lely = df[(df.region_code == "GM0995") & (df.period == pd.Period("2024", freq="Y"))]
    assert lely["value"].tolist() == [84713]
    assert set(df.loc[df.period.map(lambda p: p.freqstr) == "M", "status"]) == {"voorlopig"}
    assert (df["region_code"] == "").sum() == 0  # merged municipalities are named too


def test_cp1252_download_with_crlf_is_decoded():
    df = iv.read(FIXTURES / "good" / "cp1252_statline.csv")
    assert df.attrs["encoding"] == "cp1252"
    assert df.set_index("region_name").loc["Súdwest-Fryslân", "region_code"] == "GM1900"
