"""ingest.loaders.statline_wide: the wide Waarde_<regio>_<jaar>/Marges_<regio>_<jaar> pivot; real files read in place."""
import shutil

import pandas as pd
import pytest

import ivpanalysis as iv
import ivpanalysis.ingest.schema
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.validate import problems_in

from .conftest import FIXTURES


def test_wide_pivot_with_margins(realdata):
    df = iv.read(realdata / "gewoonmaarten_provincies" / "Veiligheidsgevoel Provincies.csv")
    assert df.attrs["format"] == "statline_wide"
    row = df[(df.region_code == "PV20") & (df.measure == "voelt_zich_wel_eens_onveilig")
             & (df.period == pd.Period("2015", freq="Y"))].iloc[0]
    assert row["value"] == 32.9 and row["margin"] == 2.0
