"""Acceptance of issue 15: one data folder from the real public files only, and every real file
either taken into a role or refused with one sentence (never a traceback)."""
import json
import pandas as pd
import pytest

from ivpanalysis import cli, paths
from ivpanalysis.errors import DataError
from ivpanalysis.ingest import datafolder, herindeling, roles
from ivpanalysis.ingest.fetch import snapshot_from_file

pytestmark = [pytest.mark.realdata]
R = paths.REALDATA_DIR
FILES = [
    R / "dreyer_47018NED_gemeente_jaar" / "data.json",
    R / "chelsj_47013NED_meta_37230ned" / "Bevolking_Gemeenten.csv",
    R / "leetjes_gebieden_in_nederland" / "inwonertal.csv",
    R / "mokken_veiligheidsmonitor_provincie" / "veiligheidsbeleving_gemeente.csv",
    R / "gewoonmaarten_provincies" / "Veiligheidsgevoel Provincies.csv",
    R / "siffels_misdaad_in_kaart" / "MiK-Nederland-PC4.csv",
    R / "certegis_pc4_gemeente" / "postcodes.csv",
    R / "visualicious_47013NED_maand_aaenhunze" / "crimes_theft_shortened.tsv",
    R / "nlstat_gemeentegrenzen_2022" / "gemeenten.geojson",
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    if not R.is_dir():
        pytest.skip(f"real public data not found at {R}")
    return snapshot_from_file(FILES, tmp_path_factory.mktemp("real") / "data")


def _one(df, **where):
    for k, v in where.items():
        df = df[(df[k].astype(str) if k == "period" else df[k]) == v]
    assert len(df) == 1, where
    return df.iloc[0]


@pytest.mark.slow
def test_regions_role(folder):
    reg = pd.read_parquet(folder / "regions.parquet")
    assert list(reg.columns) == ["region_code", "police_unit_code", "police_unit_name", "veiligheidsregio_code",
                                 "province_code", "corop_code", "size_class", "urbanity_class", "address_density", "edition"]
    lely = _one(reg, region_code="GM0995")
    assert (lely.police_unit_code, lely.police_unit_name, lely.size_class, lely.urbanity_class) == ("RE03", "Midden-Nederland", 5, 3)
    assert (lely.veiligheidsregio_code, lely.province_code, lely.corop_code, lely.address_density) == ("VR25", "PV24", "CR40", 1422)
    assert len(reg) == 342 and reg["police_unit_code"].notna().all()


@pytest.mark.slow
def test_survey_role_merges_the_two_provincial_files(folder):
    s = datafolder.load(folder).survey
    row = _one(s, region_code="PV24", period="2015", measure="pct_onveilig_algemeen")
    assert (row.value, row.margin) == (37.9, 2.9)  # value in both files, margin only in the wide one
    assert "veiligheidsbeleving_gemeente.csv" in row.source and "Veiligheidsgevoel Provincies.csv" in row.source
    assert _one(s, region_code="PV24", period="2015", measure="rapportcijfer_veiligheid_buurt").value == 7.2
    assert not [c for c in json.loads((folder / "provenance.json").read_text())["conflicts"] if c["role"] == "survey"]


@pytest.mark.slow
def test_incidents_role(folder):
    inc = pd.read_parquet(folder / "incidents.parquet")
    lely = inc[(inc.region_code == "GM0995") & (inc.measure == "woninginbraak_geslaagd")].set_index("period")
    assert [lely.at[m, "value"] for m in ("2024-01", "2024-02", "2024-03")] == [14, 16, 6]
    assert lely.at["2023-04", "partial"] and lely.at["2026-06", "partial"] and not lely.at["2024-01", "partial"]
    # every current municipality has a full series (0 where no incident was listed)
    assert set(inc.region_code) == set(herindeling.current_municipalities())
    assert inc.groupby("region_code").size().nunique() == 1
    # Haaren's postcodes went to four municipalities: Esch (5296) counts for Boxtel
    pc4 = pd.read_parquet(folder / "pc4.parquet").set_index("postcode")
    assert (pc4.at["5296", "old_code"], pc4.at["5296", "region_code"], pc4.at["5074", "region_code"]) == ("GM0788", "GM0757", "GM0855")
    assert pc4.at["1381", "region_code"] == "GM0363"  # Weesp (2021) is Amsterdam now


@pytest.mark.slow
def test_police_role_and_conflict(folder):
    ds = datafolder.load(folder)
    aa = _one(ds.police, region_code="GM1680", period="2019-06", measure="criminaliteit_totaal")
    assert aa.value == 7  # as read: crimes_theft_shortened.tsv line for 2019MM06
    conflicts = json.loads((folder / "provenance.json").read_text())["conflicts"]
    c19 = next(c for c in conflicts if c["region_code"] == "GM1680" and c["year"] == 2019)
    assert c19["total"] == 152 and c19["sum_of_parts"] > 152 and c19["parts_from"] == "47018NED"


@pytest.mark.slow
def test_boundaries_for_all_342(folder):
    fc = json.loads((folder / "boundaries.geojson").read_text())
    codes = {f["properties"]["region_code"] for f in fc["features"]}
    prov = json.loads((folder / "provenance.json").read_text())["boundaries"]
    assert codes | set(prov["without_shape"]) == set(herindeling.current_municipalities())
    assert prov["built_from_predecessors"]["GM1992"] == "GM0501+GM0530+GM0614"
    assert prov["built_from_predecessors"]["GM0363"] == "GM0363+GM0457" and prov["year"] == 2022


@pytest.mark.slow
def test_provenance_lists_every_file(folder):
    prov = json.loads((folder / "provenance.json").read_text())
    listed = {t["file"] for t in prov["tables"]} | {r["file"] for r in prov["refused"]}
    assert listed == {str(f.resolve()) for f in FILES}
    for t in prov["tables"]:
        assert t["role"] in roles.ROLES and t["table_id"] and "status" in t and "periods" in t
    police = [t for t in prov["tables"] if t["role"] == "police"]
    assert any(t["status"] == "voorlopig: 2024, 2025" for t in police)


def _all_real_files():
    return sorted(p for p in R.rglob("*") if p.is_file() and p.name != "PROVENANCE.md") if R.is_dir() else []


@pytest.mark.slow
@pytest.mark.parametrize("path", _all_real_files(), ids=lambda p: str(p.relative_to(R)))
def test_every_real_file_has_a_role_or_one_sentence(path):
    try:
        rec = roles.recognise(path)
    except DataError as e:  # a known kind with broken content: named file, line and column
        assert path.name in str(e)
        return
    assert rec.tables or rec.refusal
    if rec.refusal:
        assert rec.refusal.startswith(path.name) and rec.refusal.count(". ") <= 1 and "\n" not in rec.refusal
    assert rec.describe().startswith(str(path))


@pytest.mark.slow
@pytest.mark.parametrize("cmd", ["read", "validate"])
def test_cli_read_and_validate_never_trace_back(cmd, capsys):
    """Any exception escaping main() would be a traceback for the user; each file gets lines or an error."""
    for f in _all_real_files():
        rc = cli.main([cmd, str(f)])
        out, err = capsys.readouterr()
        assert rc in (0, 1) and (out or err), (cmd, f)
        assert f.name in out + err, (cmd, f)
