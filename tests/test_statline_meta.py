"""ingest.loaders.statline_meta: StatLine metadata exports (several sections in one file); real files read in place."""
import shutil

import pandas as pd
import pytest

import ivpanalysis as iv
import ivpanalysis.ingest.schema
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.validate import problems_in

from .conftest import FIXTURES


def test_statline_metadata_export(realdata):
    m = iv.read(realdata / "chelsj_47013NED_meta_37230ned" / "allemisdrijven_metadata_21122025.csv")
    assert m.attrs["format"] == "statline_meta" and m.attrs["table_id"] == "47013NED"
    assert "sinds juli 2018" in m.attrs["description"].lower()  # the registration break is stated here
    regio = m[m.dimension == "RegioS"].set_index("code")["title"]
    assert regio["GM0995"] == "Lelystad" and regio["NL01"] == "Nederland"  # padded keys trimmed
    per = m[m.dimension == "Perioden"]
    assert per["code"].str.endswith("JJ00").sum() == 13 and set(per["status"]) <= {"definitief", "voorlopig"}
    assert (m[m.dimension == "SoortMisdrijf"]["code"] == "0.0.0").any()
