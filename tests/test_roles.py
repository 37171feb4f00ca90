"""Roles by content (issue 15): small files in the real layouts, written at test time."""
import json
import warnings

import pandas as pd
import pytest

from ivpanalysis import cli
from ivpanalysis.errors import DataError, FetchError
from ivpanalysis.ingest import boundaries, datafolder, herindeling, incidents, roles, survey
from ivpanalysis.ingest.fetch import snapshot_from_file
from ivpanalysis.ingest.loaders import read
from ivpanalysis.ingest.loaders._truncation import TruncatedWarning

from .conftest import FIXTURES


def _write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


# --- herindeling -------------------------------------------------------------------------------

def test_herindeling_follows_mergers_and_splits_by_postcode():
    assert herindeling.current_code("GM0457") == "GM0363"  # Weesp → Amsterdam
    assert herindeling.current_code("GM0614") == "GM1992"  # Westvoorne → Voorne aan Zee
    assert herindeling.current_code("GM0995") == "GM0995"
    assert herindeling.current_code("GM0788") is None  # Haaren: split, the postcode decides
    assert [herindeling.current_code("GM0788", pc) for pc in ("5074", "5076", "5268", "5296")] == \
        ["GM0855", "GM0824", "GM0865", "GM0757"]
    assert sorted(herindeling.predecessors("GM1992")) == ["GM0501", "GM0530", "GM0614"]
    assert len(herindeling.current_municipalities()) == 342
    assert herindeling.code_for_municipality_name("Hengelo", "Overijssel") == "GM0164"


def test_herindeling_table_codes_are_in_the_code_list():
    from ivpanalysis.ingest import schema
    t = herindeling.table()
    cur = set(herindeling.current_municipalities())
    assert set(t["new_code"].replace("", None).dropna()) <= cur
    assert not set(t["old_code"]) & cur
    assert all(schema.region_kind(c) == "municipality" for c in t["old_code"])
    assert set(herindeling.pc4_table()["new_code"]) <= cur


# --- incidents ---------------------------------------------------------------------------------

MIK = "Postcode,Datum,Soort\r\n8232,20-04-2023,Woninginbraak\r\n8232,02-05-2023,Poging tot woninginbraak\r\n" \
      "5296,15-06-2023,Woninginbraak\r\n1381,07-07-2023,Woninginbraak\r\n9999,07-07-2023,Woninginbraak\r\n"
PC4 = "postcode,inwoners,plaats,gemeente,provincie\n82,100,,Lelystad,Flevoland\n8232,5000,Lelystad,Lelystad,Flevoland\n" \
      "5296,2170,Esch,Haaren,Noord-Brabant\n1381,4985,Weesp,Weesp,Noord-Holland\n7550,1,Hengelo,Hengelo,Overijssel\n"


def test_incidents_monthly_per_current_municipality(tmp_path):
    counts = read(_write(tmp_path / "mik.csv", MIK))
    pc4 = incidents.pc4_map(pd.read_csv(_write(tmp_path / "pc4.csv", PC4), dtype=str), "pc4.csv")
    assert dict(zip(pc4.postcode, pc4.region_code)) == {"8232": "GM0995", "5296": "GM0757", "1381": "GM0363", "7550": "GM0164"}
    m = incidents.monthly(counts, pc4, municipalities=["GM0995", "GM0757", "GM0363"])
    lely = m[(m.region_code == "GM0995")]
    lely = lely.set_index(["measure", lely.period.astype(str)])
    assert lely.loc[("woninginbraak_geslaagd", "2023-04"), "value"] == 1
    assert lely.loc[("woninginbraak_poging", "2023-05"), "value"] == 1
    assert lely.loc[("woninginbraak_geslaagd", "2023-06"), "value"] == 0  # inside the covered dates: 0, not missing
    assert lely.loc[("woninginbraak_geslaagd", "2023-04"), "partial"] and lely.loc[("woninginbraak_geslaagd", "2023-07"), "partial"]
    assert not lely.loc[("woninginbraak_geslaagd", "2023-05"), "partial"]
    assert m[(m.region_code == "GM0757") & (m.period.astype(str) == "2023-06")]["value"].sum() == 1  # Esch → Boxtel
    assert m.attrs["unmapped"] == 1  # 9999 has no municipality: counted, not dropped silently
    assert set(m.region_code) == {"GM0995", "GM0757", "GM0363"} and len(m) == 3 * 4 * 2


def test_incident_list_without_pc4_table_is_refused_in_one_sentence(tmp_path):
    with pytest.raises(FetchError, match="needs a PC4 → gemeente table"):
        snapshot_from_file([_write(tmp_path / "mik.csv", MIK)], tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- regions (Gebieden in Nederland layout: padded strings, Code_N/Naam_N) ------------------------

def _pad(s, n):
    return s.ljust(n)


def _gebieden(tmp_path, swap=False):
    head = ["ID", "RegioS", "Code_1", "Naam_2", "Code_3", "Naam_4", "Code_5", "Naam_6", "Code_7", "Naam_8",
            "Code_9", "Naam_10", "Code_11", "Omschrijving_12", "Code_13", "Omschrijving_14", "Inwonertal_15",
            "Omgevingsadressendichtheid_16"]
    rows = [["0", "GM0995", "GM0995", "Lelystad", "PV24", "Flevoland", "RE03", "Midden-Nederland", "VR25", "Flevoland",
             "CR40", "Flevoland", "5", "50 000 tot 100 000 inwoners", "3", "Matig stedelijk", "84080", "1422"],
            ["1", "GM0303", "GM0303", "Dronten", "PV24", "Flevoland", "RE03", "Midden-Nederland", "VR25", "Flevoland",
             "CR40", "Flevoland", "4", "20 000 tot 50 000 inwoners", "4", "Weinig stedelijk", "42000", "600"]]
    if swap:  # another edition numbers its columns differently: recognised by codes, not by position
        order = [0, 1, 2, 3, 8, 9, 4, 5, 6, 7, 10, 11, 14, 15, 12, 13, 16, 17]
        head = [head[i] for i in order]
        rows = [[r[i] for i in order] for r in rows]
    text = ";".join(head) + "\n" + "\n".join(";".join(_pad(c, 10) if i < 12 else c for i, c in enumerate(r)) for r in rows) + "\n"
    return _write(tmp_path / "gebieden.csv", "\ufeff" + text)


@pytest.mark.parametrize("swap", [False, True])
def test_regions_recognised_by_codes_and_labels(tmp_path, swap):
    rec = roles.recognise(_gebieden(tmp_path, swap))
    assert rec.format == "gebieden_in_nederland" and rec.tables[0].role == "regions"
    df = rec.tables[0].frame.set_index("region_code")
    assert df.loc["GM0995", ["police_unit_code", "police_unit_name", "veiligheidsregio_code", "province_code",
                             "corop_code", "size_class", "urbanity_class", "address_density"]].tolist() == \
        ["RE03", "Midden-Nederland", "VR25", "PV24", "CR40", 5, 3, 1422]
    assert df.loc["GM0303", "size_class"] == 4 and df.loc["GM0303", "urbanity_class"] == 4


# --- boundaries --------------------------------------------------------------------------------

def _square(x, y):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}


def test_boundaries_built_from_predecessors_or_a_reason(tmp_path):
    feats = [{"type": "Feature", "properties": {"statcode": c, "jrstatcode": f"2022{c}", "statnaam": n}, "geometry": _square(i, 0)}
             for i, (c, n) in enumerate([("GM0501", "Brielle"), ("GM0530", "Hellevoetsluis"), ("GM0614", "Westvoorne"),
                                         ("GM0995", "Lelystad")])]
    tf = _write(tmp_path / "g.geojson", json.dumps({"type": "FeatureCollection", "name": "gemeente_gegeneraliseerd", "features": feats}))
    rec = roles.recognise(tf)
    b = rec.tables[0].frame
    assert rec.tables[0].role == "boundaries" and b["year"] == 2022
    fc, reasons = boundaries.for_current(b, ["GM0995", "GM1992", "GM0303"])
    got = {f["properties"]["region_code"]: f for f in fc["features"]}
    assert got["GM1992"]["properties"]["built_from"] == "GM0501+GM0530+GM0614"
    assert len(got["GM1992"]["geometry"]["coordinates"]) == 3 and got["GM0995"]["geometry"]["type"] == "Polygon"
    assert list(reasons) == ["GM0303"] and "neither GM0303 nor a predecessor" in reasons["GM0303"]


# --- survey ------------------------------------------------------------------------------------

OLD_EXPORT = ('\ufeff"Marges";"Perioden";"Regio\'s";"(On)veiligheidsbeleving /Algemeen/Onveiligheidsgevoelens/Voelt zich wel eens onveilig (%)"\n'
              '"Waarde";"2015";"Flevoland (PV)";37,9\n"Waarde";"2016";"Flevoland (PV)";35,0\n')
WIDE = ('Onderwerpen,Eenheid,Waarde_Flevoland (PV)_2015,Marges_Flevoland (PV)_2015,Waarde_Flevoland (PV)_2016,Marges_Flevoland (PV)_2016\n'
        '"||Voelt zich wel eens onveilig",%,"37,9","2,9","36,0","2,8"\n')


def test_survey_keys_margins_and_merge(tmp_path):
    a = roles.recognise(_write(tmp_path / "old.csv", OLD_EXPORT))
    b = roles.recognise(_write(tmp_path / "wide.csv", WIDE))
    assert a.tables[0].role == b.tables[0].role == "survey"
    merged, conflicts = survey.merge([({}, a.tables[0].frame), ({}, b.tables[0].frame)])
    m = merged.set_index(["measure", merged.period.astype(str)])
    assert m.loc[("pct_onveilig_algemeen", "2015"), ["value", "margin"]].tolist() == [37.9, 2.9]
    assert m.loc[("pct_onveilig_algemeen", "2016"), "value"] == 35.0  # the first (old export) wins on a conflict
    assert [(c["period"], c["kept"], c["other"]) for c in conflicts] == [("2016", 35.0, 36.0)]


def test_survey_key_table_matches_the_project_keys():
    keys = set(survey.measures()["key"])
    used = set(pd.read_csv(FIXTURES.parent.parent / "data" / "survey.csv")["measure"])
    series = pd.read_csv(FIXTURES.parent.parent / "data" / "indicators.csv")["series"].dropna()
    used |= {s.split(":", 1)[1] for s in series if s.startswith("survey:")}
    assert used - {"pct_veiligheidsgevoel"} <= keys  # the one printed summary figure has no survey topic
    assert survey.key_for("VoeltZichWelEensOnveilig_3") == ("pct_onveilig_algemeen", "Voelt zich wel eens onveilig")


# --- population: woningen and exactly 12–24 ----------------------------------------------------

def test_population_dwellings_and_young_people_only_from_the_right_table(tmp_path):
    odata = ('"ID","RegioS","Perioden","BeginstandVoorraad_1","Nieuwbouw_2"\n'
             '"0","GM0995    ","2024JJ00","38000","500"\n')
    pop = roles.recognise(_write(tmp_path / "woningen.csv", odata)).tables[0].frame
    assert pop.set_index("measure").loc["woningen", "value"] == 38000 and "nieuwbouw" not in set(pop.measure)
    young = ('"Marges";"Perioden";"Regio\'s";"Bevolking 12 tot 25 jaar (aantal)";"Bevolking 15 tot 25 jaar (aantal)"\n'
             '"Waarde";"2024";"Lelystad";"12000";"9000"\n')
    rec = roles.recognise(_write(tmp_path / "jong.csv", young))
    frame = rec.tables[0].frame
    assert frame.set_index("measure").loc["jongeren_12_24", "value"] == 12000
    assert (frame["measure"] == "jongeren_12_24").sum() == 1  # 15–24 is never taken for 12–24


# --- police: 83648NED ---------------------------------------------------------------------------

def test_83648_mapped_where_definitions_match_and_politie_wins(tmp_path):
    cbs = ('"Perioden";"Regio\'s";"Misdrijven, totaal";"31 Mishandeling";"111 Diefstal en inbraak met geweld"\n'
           '"2019";"Lelystad";4290;255;60\n"2018";"Lelystad";4100;250;55\n')
    politie = ('"Soort misdrijf";"Perioden";"Regio\'s";"Geregistreerde misdrijven (aantal)"\n'
               '"Totaal misdrijven";"2019";"Lelystad";4240\n')
    c = _write(tmp_path / "cbs.csv", cbs)
    p = _write(tmp_path / "politie.csv", politie)
    t = roles.recognise(c).tables[0]
    assert t.role == "police" and t.facts["rank"] == roles.CBS_RANK and "CRI1110" in t.facts["without_counterpart"]
    assert set(t.frame.measure) == {"criminaliteit_totaal", "mishandeling"}
    out = snapshot_from_file([c, p], tmp_path / "snap")  # 83648NED named first: the politie table still wins
    pol = datafolder.load(out).police.set_index(["measure", "period"])
    assert pol.loc[("criminaliteit_totaal", pd.Period("2019", "Y")), "value"] == 4240
    assert pol.loc[("criminaliteit_totaal", pd.Period("2018", "Y")), "value"] == 4100
    prov = json.loads((out / "provenance.json").read_text())
    cbs_rec = next(r for r in prov["tables"] if r["file"].endswith("cbs.csv"))
    assert "multiples of 5" in cbs_rec["rounded"] and cbs_rec["rows"]["dropped_as_overlap"] == 1


# --- refusals, truncation, read ---------------------------------------------------------------

def test_metadata_and_binary_files_are_refused_in_one_sentence(tmp_path):
    meta = _write(tmp_path / "x.csv", '"Key","Title","Description"\n"GM0995    ","Lelystad",""\n')
    assert roles.recognise(meta).refusal.startswith("x.csv is CBS metadata (a code list)")
    xl = tmp_path / "book.bin"
    xl.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    assert "Excel workbook" in roles.recognise(xl).refusal
    cut = tmp_path / "cut.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(cut)
    cut.write_bytes(cut.read_bytes()[:-10])
    assert "truncated parquet" in roles.recognise(cut).refusal


def test_truncated_statline_download_warns_with_file_and_line(realdata, tmp_path):
    src = (realdata / "thoolen_47013NED_statline_gemeente" / "Misdrijven_2024.csv").read_text(encoding="utf-8")
    cut = _write(tmp_path / "cut.csv", src[: src.index('"Bron:')].rstrip("\n")[:-3] + '"\n')
    with pytest.warns(TruncatedWarning, match=r"cut.csv, line \d+: the StatLine download has no 'Bron:' footer"):
        read(cut)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TruncatedWarning)
        read(realdata / "thoolen_47013NED_statline_gemeente" / "Misdrijven_2024.csv")  # whole: no warning


def test_read_takes_the_projects_own_files():
    data = FIXTURES.parent.parent / "data"
    assert read(data / "survey.csv").attrs["format"] == "tidy_csv"
    assert roles.recognise(data / "police_figures.csv").tables[0].role == "police"
    assert roles.recognise(data / "survey.csv").tables[0].role == "survey"
    assert roles.recognise(data / "indicators.csv").tables[0].facts["target"] == "indicators.csv"
    assert roles.recognise(data / "registers" / "GM0995_activities.csv").tables[0].facts["target"] == "registers/GM0995_activities.csv"


def test_tidy_csv_bad_value_names_line_and_column(tmp_path):
    f = _write(tmp_path / "t.csv", "region_code,period,measure,value\nGM0995,2019,x,1\nGM0995,2020,x,twee\n")
    with pytest.raises(DataError, match=r"t.csv, line 3, column 'value'"):
        read(f)


def test_cli_read_prints_format_role_regions_periods(tmp_path, capsys):
    rc = cli.main(["read", str(_write(tmp_path / "old.csv", OLD_EXPORT))])
    out = capsys.readouterr().out
    assert rc == 0 and "format statline_export" in out and "role survey" in out and "periods 2015…2016" in out


# --- adding to a folder ------------------------------------------------------------------------

def test_add_keeps_what_is_there_and_says_what_it_replaced(tmp_path, capsys):
    a = _write(tmp_path / "a.csv", '"Soort misdrijf";"Perioden";"Regio\'s";"Geregistreerde misdrijven (aantal)"\n'
                                   '"Totaal misdrijven";"2019";"Lelystad";4240\n"Totaal misdrijven";"2018";"Lelystad";4000\n')
    out = snapshot_from_file([a, _write(tmp_path / "old.csv", OLD_EXPORT)], tmp_path / "snap")
    b = _write(tmp_path / "b.csv", '"Soort misdrijf";"Perioden";"Regio\'s";"Geregistreerde misdrijven (aantal)"\n'
                                   '"Totaal misdrijven";"2020";"Lelystad";3900\n"Totaal misdrijven";"2018";"Lelystad";4001\n')
    import os
    os.utime(b, (2e9, 2e9))  # downloaded later than the folder was made: the newer table wins
    from ivpanalysis.ingest.fetch import add_arguments, run_cli
    import argparse
    p = argparse.ArgumentParser()
    add_arguments(p)
    assert run_cli(p.parse_args(["--from-file", str(b), "--out", str(out), "--add"])) == 0
    printed = capsys.readouterr().out
    ds = datafolder.load(out)
    v = ds.police.set_index(ds.police.period.astype(str))["value"]
    assert (v["2019"], v["2020"], v["2018"]) == (4240, 3900, 4001)
    assert len(ds.survey) == 2  # untouched role kept
    assert "replaced: 1 rows of police_figures.parquet (already in the folder) (police)" in printed


# --- metadata exports enrich statuses ----------------------------------------------------------

META = ('\ufeffTableInfos;;\n"ID";"Title";"Identifier";"Modified"\n"1";"Geregistreerde misdrijven; gemeente 2026";"47013NED";"2026-02-01"\n'
        ';;\nPerioden;;\n"Key";"Title";"Status"\n"2023JJ00";"2023";"Definitief"\n"2024JJ00";"2024";"Voorlopig"\n')
CSV = ('"Geregistreerde misdrijven; gemeente 2026"\n"Soort misdrijf: Totaal misdrijven"\n""\n"Onderwerp";"Geregistreerde misdrijven";"Geregistreerde misdrijven"\n'
       '"Perioden";"2023";"2024"\n"Regio\'s";"aantal";"aantal"\n"Lelystad";"4000";"3949"\n"Bron: Politie"\n')


def test_metadata_export_sets_statuses_of_its_own_table(tmp_path):
    meta, data = _write(tmp_path / "meta.csv", META), _write(tmp_path / "data.csv", CSV)
    assert roles.recognise(meta).tables[0].role == "metadata"
    out = snapshot_from_file([data, meta], tmp_path / "snap")
    pol = datafolder.load(out).police.set_index("period")["status"]
    assert (pol[pd.Period("2023", "Y")], pol[pd.Period("2024", "Y")]) == ("definitief", "voorlopig")
    prov = json.loads((out / "provenance.json").read_text())
    t = next(r for r in prov["tables"] if r["role"] == "police")
    assert t["status"] == "voorlopig: 2024" and t["status_from"].endswith("meta.csv")


def test_metadata_export_of_another_edition_is_refused(tmp_path):
    meta = _write(tmp_path / "meta.csv", META.replace("gemeente 2026", "gemeente 2025"))
    out = snapshot_from_file([_write(tmp_path / "data.csv", CSV), meta], tmp_path / "snap")
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["refused"][0]["reason"].startswith("meta.csv is the StatLine metadata export of table 47013NED")
    with pytest.raises(FetchError, match="^meta.csv is the StatLine metadata export"):
        snapshot_from_file([meta], tmp_path / "only_meta")


def test_read_takes_a_folder_parquet_and_names_a_truncated_one(tmp_path):
    out = snapshot_from_file([_write(tmp_path / "old.csv", OLD_EXPORT)], tmp_path / "snap")
    df = read(out / "survey.parquet")
    assert df.attrs["format"] == "tidy_parquet" and set(df.measure) == {"pct_onveilig_algemeen"}
    cut = tmp_path / "cut.parquet"
    cut.write_bytes((out / "survey.parquet").read_bytes()[:-20])
    with pytest.raises(DataError, match="cut.parquet.*truncated parquet file"):
        read(cut)


def test_dataset_carries_incidents_regions_and_boundaries(tmp_path):
    files = [_write(tmp_path / "mik.csv", MIK), _write(tmp_path / "pc4.csv", PC4), _gebieden(tmp_path)]
    ds = datafolder.load(snapshot_from_file(files, tmp_path / "snap"))
    assert set(ds.incidents.measure) == {"woninginbraak_geslaagd", "woninginbraak_poging"} and "partial" in ds.incidents
    assert isinstance(ds.incidents.period.iloc[0], pd.Period)
    assert ds.regions.set_index("region_code").loc["GM0995", "police_unit_code"] == "RE03"
    assert ds.boundaries is None  # no boundary file given
    assert datafolder.load().incidents.empty and datafolder.load().regions.empty  # the embedded dataset has none


def test_plan_files_enter_checked(tmp_path):
    data = FIXTURES.parent.parent / "data"
    out = snapshot_from_file([data / "indicators.csv", data / "registers" / "GM0995_activities.csv",
                              _write(tmp_path / "old.csv", OLD_EXPORT)], tmp_path / "snap")
    assert (out / "indicators.csv").exists() and (out / "registers" / "GM0995_activities.csv").exists()
    assert len(datafolder.load(out).indicators) == len(pd.read_csv(data / "indicators.csv"))
    bad = _write(tmp_path / "ind.csv", "region_code,indicator_id,series,target_value\nGM0995,I1,x,zeven\n")
    with pytest.raises(DataError, match=r"ind.csv, line 2, column 'target_value': not a number"):
        snapshot_from_file([bad], tmp_path / "snap2")


def test_pc6_table_with_municipality_codes(tmp_path):
    """CBS's PC6–huisnummer–gemeente layout: PC6 with codes of a year's indeling; a PC4 on a border
    goes to the municipality most of its rows name."""
    f = _write(tmp_path / "pc6.csv", "PC6;Huisnummer;Buurt2021;Wijk2021;Gemeente2021\n"
                                     "8232AB;1;09950101;099501;995\n8232AB;3;09950101;099501;995\n"
                                     "8232AC;2;03030101;030301;303\n1381AA;1;04570101;045701;457\n")
    rec = roles.recognise(f)
    m = rec.tables[0].frame.set_index("postcode")
    assert rec.tables[0].role == "pc4" and m.loc["8232", "region_code"] == "GM0995"
    assert (m.loc["1381", "old_code"], m.loc["1381", "region_code"]) == ("GM0457", "GM0363")  # Weesp → Amsterdam


def test_boundaries_with_other_property_names(tmp_path):
    feats = [{"type": "Feature", "properties": {"gemeentecode": "GM0995", "gemeentenaam": "Lelystad"}, "geometry": _square(0, 0)}]
    f = _write(tmp_path / "b.json", json.dumps({"type": "FeatureCollection", "name": "gemeenten_2024", "features": feats}))
    t = roles.recognise(f).tables[0]
    assert t.role == "boundaries" and t.frame["year"] == 2024 and list(t.frame["features"]) == ["GM0995"]


def test_regions_with_plain_column_names(tmp_path):
    f = _write(tmp_path / "indeling.csv", "gemeentecode,gemeentenaam,politie,politienaam,provincie,veiligheidsregio,corop,"
                                          "grootteklasse,grootte,stedelijkheid,stedelijkheidsklasse\n"
                                          "GM0995,Lelystad,RE03,Midden-Nederland,PV24,VR25,CR40,5,50 000 tot 100 000 inwoners,3,Matig stedelijk\n")
    df = roles.recognise(f).tables[0].frame.set_index("region_code")
    assert df.loc["GM0995", ["police_unit_code", "police_unit_name", "province_code", "size_class", "urbanity_class"]].tolist() == \
        ["RE03", "Midden-Nederland", "PV24", 5, 3]


def test_added_83648_does_not_replace_politie_rows_and_keeps_its_rank_in_the_folder(tmp_path):
    cbs = _write(tmp_path / "cbs.csv", '"Perioden";"Regio\'s";"Misdrijven, totaal"\n"2019";"Lelystad";4290\n"2018";"Lelystad";4100\n')
    politie = _write(tmp_path / "politie.csv", '"Soort misdrijf";"Perioden";"Regio\'s";"Geregistreerde misdrijven (aantal)"\n'
                                               '"Totaal misdrijven";"2018";"Lelystad";4070\n')
    out = snapshot_from_file([cbs], tmp_path / "snap")
    snapshot_from_file([politie], out, add=True)  # the politie table outranks the 83648NED rows already there
    v = datafolder.load(out).police.set_index("period")["value"]
    assert (v[pd.Period("2018", "Y")], v[pd.Period("2019", "Y")]) == (4070, 4290)
    cbs2 = _write(tmp_path / "cbs2.csv", '"Perioden";"Regio\'s";"Misdrijven, totaal"\n"2018";"Lelystad";4105\n')
    import os
    os.utime(cbs2, (2e9, 2e9))  # newer, but 83648NED: the politie row stays
    snapshot_from_file([cbs2], out, add=True)
    v = datafolder.load(out).police.set_index("period")["value"]
    assert v[pd.Period("2018", "Y")] == 4070
