"""Loaders on real public files (read in place) and on small bad-input fixtures."""
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


def test_wide_pivot_with_margins(realdata):
    df = iv.read(realdata / "gewoonmaarten_provincies" / "Veiligheidsgevoel Provincies.csv")
    assert df.attrs["format"] == "statline_wide"
    row = df[(df.region_code == "PV20") & (df.measure == "voelt_zich_wel_eens_onveilig")
             & (df.period == pd.Period("2015", freq="Y"))].iloc[0]
    assert row["value"] == 32.9 and row["margin"] == 2.0


@pytest.mark.parametrize("name, message", [
    ("unknown_municipality.csv", "unknown region name"),
    ("text_in_numeric.csv", "text in a numeric column"),
    ("decimal_comma_in_point_file.csv", "decimal comma where a point is expected"),
    ("empty.csv", "the file is empty"),
    ("duplicated_rows.csv", "duplicate row"),
    ("header_only.csv", "header but no data rows"),
    ("statline_header_only.csv", "header but no data rows"),
    ("wrong_separator.csv", "file format not recognised"),
    ("unreadable_period.csv", "unreadable period"),
    ("extra_field.csv", "fields, the header has"),
    ("text_in_odata.csv", "text in a numeric column"),
    ("mik_bad_date.csv", "unreadable date"),
    ("mik_bad_postcode.csv", "not a four-digit postcode"),
    ("unknown_marges.csv", "unknown value in the Marges column"),
    ("decimal_point_in_comma_file.csv", "decimal point in a file that uses a decimal comma"),
])
def test_bad_input_is_named(name, message):
    with pytest.raises(DataError) as e:
        iv.read(FIXTURES / "bad" / name)
    text = str(e.value)
    assert message in text and name in text
    assert "expected" in text
    if name not in ("empty.csv", "header_only.csv", "statline_header_only.csv", "wrong_separator.csv", "extra_field.csv"):
        assert "line " in text and "column" in text


@pytest.mark.parametrize("name, message", [
    ("negative_count.csv", "negative count"),
    ("future_period.csv", "period lies in the future"),
    ("unknown_code.csv", "region code not in the CBS code list"),
    ("malformed_code.csv", "malformed municipality code"),
])
def test_validation_problems_are_named(name, message):
    df = iv.read(FIXTURES / "bad" / name)
    probs = problems_in(df, name)
    assert probs and message in str(probs[0]) and name in str(probs[0])
    assert "line " in str(probs[0]) and "column" in str(probs[0])


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


def test_cp1252_download_with_crlf_is_decoded():
    df = iv.read(FIXTURES / "good" / "cp1252_statline.csv")
    assert df.attrs["encoding"] == "cp1252"
    assert df.set_index("region_name").loc["Súdwest-Fryslân", "region_code"] == "GM1900"


def test_statline_metadata_export(realdata):
    m = iv.read(realdata / "chelsj_47013NED_meta_37230ned" / "allemisdrijven_metadata_21122025.csv")
    assert m.attrs["format"] == "statline_meta" and m.attrs["table_id"] == "47013NED"
    assert "sinds juli 2018" in m.attrs["description"].lower()  # the registration break is stated here
    regio = m[m.dimension == "RegioS"].set_index("code")["title"]
    assert regio["GM0995"] == "Lelystad" and regio["NL01"] == "Nederland"  # padded keys trimmed
    per = m[m.dimension == "Perioden"]
    assert per["code"].str.endswith("JJ00").sum() == 13 and set(per["status"]) <= {"definitief", "voorlopig"}
    assert (m[m.dimension == "SoortMisdrijf"]["code"] == "0.0.0").any()
