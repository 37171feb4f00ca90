"""ingest.loaders.statline_export: older StatLine exports (Marges/Waarde, decimal comma) and 83648NED's crime types as columns; real files read in place."""
import shutil

import pandas as pd
import pytest

import ivpanalysis as iv
import ivpanalysis.ingest.schema
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.validate import problems_in

from .conftest import FIXTURES


def test_old_export_with_decimal_comma(realdata):
    df = iv.read(realdata / "mokken_veiligheidsmonitor_provincie" / "veiligheidsbeleving_gemeente.csv")
    assert df.attrs["format"] == "statline_export"
    row = df[(df.region_code == "NL01") & (df.measure == "voelt_zich_wel_eens_onveilig_in_buurt")
             & (df.period == pd.Period("2013", freq="Y"))]
    assert row["value"].tolist() == [18.8] and row["unit"].tolist() == ["%"]
    assert set(df.region_code) >= {"NL01", "PV21", "PV24"}  # 'Friesland (PV)' is Fryslân


def test_83648ned_crime_types_as_columns(realdata):
    f = realdata / "ftm_politie_83648NED_statline" / "Geregistreerde_criminaliteit__soort_misdrijf__regio_05022026_163607.csv"
    df = iv.read(f)
    assert df["period"].nunique() == 15 and df["measure"].nunique() == 75
    assert "T001161" in set(df.measure) and "CRI1000" in set(df.measure)
