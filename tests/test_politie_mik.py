"""ingest.loaders.politie_mik: politie.nl 'misdaad in kaart' lists turned into monthly counts per municipality; real files read in place."""
import shutil

import pandas as pd
import pytest

import ivpanalysis as iv
import ivpanalysis.ingest.schema
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.validate import problems_in

from .conftest import FIXTURES


def test_misdaad_in_kaart_per_municipality(realdata):
    from ivpanalysis.ingest.loaders.politie_mik import to_municipalities

    df = iv.read(realdata / "siffels_misdaad_in_kaart" / "MiK-Nederland-PC4.csv")
    assert df.attrs["format"] == "politie_mik"
    assert df.attrs["incidents"] == 64185 and df["value"].sum() == 64185
    pc4 = pd.read_csv(realdata / "certegis_pc4_gemeente" / "postcodes.csv", dtype={"postcode": str})
    g = to_municipalities(df, pc4)
    # every incident is either in a municipality or counted as unmapped: nothing dropped
    assert g.loc[g.region_code != "", "value"].sum() + g.attrs["unmapped_incidents"] == 64185
    lely = g[g.region_code == "GM0995"]
    assert set(lely["measure"]) == {"woninginbraak", "poging_tot_woninginbraak"}
    assert lely["period"].map(iv.ingest.schema.freq_of).eq("M").all()
    # a month without a listed incident is 0 within the months the list covers, never missing
    first, last = g.attrs["months"]
    months = pd.period_range(first, last, freq="M")
    per = lely[lely.measure == "woninginbraak"].set_index("period")["value"]
    assert list(per.index) == list(months) and per.notna().all() and (per == 0).any() and g.attrs["zero_filled"] > 0
    listed = df.assign(g=df["region_name"]).merge(pc4.assign(postcode=pc4["postcode"].str.zfill(4)),
                                                   left_on="region_name", right_on="postcode")
    assert per.sum() == listed.loc[(listed.gemeente == "Lelystad") & (listed.measure == "woninginbraak"), "value"].sum()
