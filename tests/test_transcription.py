"""The embedded dataset in data/ (transcribed from the seed documents by
scripts/transcribe_seeds.py): shapes, keys, spot values, and byte-identical reruns."""
from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
REALDATA = ROOT.parent / "shared" / "realdata"
SCRIPT = ROOT / "scripts" / "transcribe_seeds.py"

TIDY = ["region_code", "region_name", "period", "measure", "measure_label", "value", "unit",
        "source", "status", "retrieved", "kind"]
KEYS = ["criminaliteit_totaal", "woninginbraak", "woninginbraak_geslaagd", "woninginbraak_poging",
        "geweld_totaal", "zeden", "straatroof", "overval", "openlijk_geweld", "bedreiging",
        "mishandeling", "geweld_overig", "huiselijk_geweld", "autokraak", "fietsdiefstal",
        "vernielingen", "zakkenrollen", "inbraak_bedrijf", "winkeldiefstal", "fraude_totaal",
        "fraude_online_handel", "wapens", "drugs", "jongerenoverlast", "verward_gedrag",
        "ongevallen_weg"]
REGIONS = {"GM0995": "Lelystad", "GM0303": "Dronten", "GM0171": "Noordoostpolder",
           "GM0184": "Urk"}
GENERATED = ["categories.csv", "police_figures.csv", "published_changes.csv", "indicators.csv",
             "survey.csv", "dnu_jeugdoverlast.csv", "registers/GM0995_activities.csv",
             "registers/GM0171_activities.csv", "registers/published_totals.csv",
             "PROVENANCE.md"]
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def load_script():
    spec = importlib.util.spec_from_file_location("transcribe_seeds_under_test", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.modules.pop(spec.name, None)
    return mod


# ---------------------------------------------------------------------------------------------


def test_categories_shape_and_keys():
    cols, rows = read("categories.csv")
    assert cols == ["key", "label", "group", "parent", "order", "soortmisdrijf",
                    "soortmisdrijf_sum", "counted_in_total", "aliases", "note"]
    assert [r["key"] for r in rows] == KEYS
    assert [int(r["order"]) for r in rows] == list(range(1, 27))
    keys = set(KEYS)
    for r in rows:
        assert r["label"].strip() == r["label"] and r["label"]
        assert r["group"] in {"", "Misdrijven met grote impact", "Veel voorkomende criminaliteit",
                              "Overig"}
        assert r["parent"] == "" or r["parent"] in keys
        assert r["counted_in_total"] in {"yes", "no", "unknown", ""}
        assert r["soortmisdrijf"] == "" or re.fullmatch(r"\d\.\d\.\d", r["soortmisdrijf"])
    by = {r["key"]: r for r in rows}
    assert by["criminaliteit_totaal"]["group"] == ""
    assert by["zeden"]["label"] == "Zeden" and by["zeden"]["parent"] == "geweld_totaal"
    assert by["woninginbraak"]["soortmisdrijf"] == "1.1.1"
    assert by["jongerenoverlast"]["counted_in_total"] == "no"
    assert by["verward_gedrag"]["counted_in_total"] == "no"
    assert "Huishoudelijk geweld" in by["huiselijk_geweld"]["aliases"].split("|")
    assert "Wininginbraken: poging" in by["woninginbraak_poging"]["aliases"].split("|")
    assert "... waarvan overige" in by["geweld_overig"]["aliases"].split("|")
    assert by["geweld_totaal"]["soortmisdrijf_sum"] == "1.4.1+1.4.2+1.4.3+1.4.4+1.4.5+1.4.6+1.4.7"


def test_category_codes_are_known_codes():
    codes_file = DATA / "codes" / "measures.csv"
    if not codes_file.exists():
        pytest.skip("data/codes/measures.csv not present")
    with open(codes_file, newline="", encoding="utf-8") as f:
        known = {r["code"] for r in csv.DictReader(f)}
    _, rows = read("categories.csv")
    for r in rows:
        for code in [r["soortmisdrijf"]] + r["soortmisdrijf_sum"].split("+"):
            assert code == "" or code in known, (r["key"], code)


def test_police_figures_shape():
    cols, rows = read("police_figures.csv")
    assert cols == TIDY
    assert len(rows) == 416
    assert len({(r["region_code"], r["period"], r["measure"]) for r in rows}) == 416
    _, cats = read("categories.csv")
    labels = {c["key"]: c["label"] for c in cats}
    for r in rows:
        assert REGIONS[r["region_code"]] == r["region_name"]
        assert r["period"] in {"2016", "2017", "2018", "2019"}
        assert labels[r["measure"]] == r["measure_label"]
        assert re.fullmatch(r"\d+", r["value"]), r  # printed everywhere, never empty
        assert r["unit"] == "aantal" and r["status"] == "onbekend"
        assert r["retrieved"] == "2026-11-24" and r["kind"] == "source"
        assert re.fullmatch(r"seed00[04]:[a-z_]+", r["source"])


def police_value(region: str, period: str, measure: str) -> int:
    _, rows = read("police_figures.csv")
    (v,) = [r["value"] for r in rows
            if (r["region_code"], r["period"], r["measure"]) == (region, period, measure)]
    return int(v)


@pytest.mark.parametrize("region,period,measure,value", [
    ("GM0995", "2019", "criminaliteit_totaal", 4240),
    ("GM0995", "2019", "woninginbraak", 206),
    ("GM0995", "2016", "criminaliteit_totaal", 4549),
    ("GM0303", "2016", "criminaliteit_totaal", 1706),
    ("GM0184", "2019", "ongevallen_weg", 115),
    ("GM0171", "2019", "jongerenoverlast", 205),
    ("GM0184", "2017", "woninginbraak", 25),  # printed; its sub-rows sum to 15
])
def test_police_spot_values(region, period, measure, value):
    assert police_value(region, period, measure) == value


def test_published_changes():
    cols, rows = read("published_changes.csv")
    assert cols == ["table_of", "region_code", "region_name", "measure", "period", "comparison",
                    "value_pct", "printed", "source", "note"]
    # 416 cells, minus the two half-years of Dronten '... waarvan overval' (not placeable)
    assert len(rows) == 414
    keys = {(r["table_of"], r["region_code"], r["measure"], r["period"]) for r in rows}
    assert len(keys) == len(rows)
    assert ("GM0303", "GM0303", "overval", "2019H1") not in keys
    assert ("GM0303", "GM0303", "overval", "2019H2") not in keys
    for r in rows:
        assert r["table_of"] in REGIONS
        assert r["region_code"] in (r["table_of"], "RE03")
        assert r["period"] in {"2019", "2019H1", "2019H2"}
        assert r["comparison"] == "previous_year"
        if r["region_code"] == "RE03":
            assert r["period"] == "2019"
        if r["printed"] == "":
            assert r["value_pct"] == "" and r["note"]
        else:
            m = re.fullmatch(r"([+-])?\s*(\d+)\s*%", r["printed"])
            assert m, r
            assert int(r["value_pct"]) == int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
    by = {(r["table_of"], r["region_code"], r["measure"], r["period"]): r for r in rows}
    assert by[("GM0995", "GM0995", "criminaliteit_totaal", "2019")]["value_pct"] == "5"
    assert by[("GM0995", "GM0995", "straatroof", "2019")]["value_pct"] == "115"
    assert by[("GM0995", "GM0995", "woninginbraak", "2019")]["value_pct"] == "-17"
    negzero = by[("GM0995", "RE03", "openlijk_geweld", "2019")]
    assert negzero["value_pct"] == "0" and negzero["printed"] == "- 0%" and "-0" in negzero["note"]
    winkel = by[("GM0303", "GM0303", "winkeldiefstal", "2019")]
    assert winkel["value_pct"] == "-45" and "does not follow" in winkel["note"]
    assert by[("GM0184", "GM0184", "openlijk_geweld", "2019H1")]["value_pct"] == ""
    assert by[("GM0184", "GM0184", "openlijk_geweld", "2019H2")]["value_pct"] == "0"


def test_indicators():
    cols, rows = read("indicators.csv")
    assert cols == ["region_code", "indicator_id", "indicator", "series", "denominator", "unit",
                    "reference_year", "reference_value", "target_year", "target_value",
                    "target_direction", "target_printed", "status_year", "status_value",
                    "status_printed", "judgement_printed", "source", "note"]
    assert sum(r["region_code"] == "GM0995" for r in rows) == 16
    assert sum(r["region_code"] == "GM0034" for r in rows) == 9
    assert len({r["indicator_id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["series"] in KEYS or re.fullmatch(r"(survey|other):[a-z0-9_]+", r["series"])
        assert r["denominator"] in {"", "inwoners", "woningen", "jongeren_12_24"}
        assert r["unit"] in {"aantal", "%", "per 1.000 woningen", "per 1.000 inwoners",
                             "per 1.000 jongeren", "rapportcijfer"}
        assert r["target_direction"] in {"below", "at_most", "at_least", "decrease",
                                         "no_increase"}
        assert r["judgement_printed"] in {"", "up", "down"}
        for c in ("reference_value", "target_value", "status_value"):
            assert r[c] == "" or NUMBER.match(r[c]), (r["indicator_id"], c, r[c])
    lel = {r["indicator"]: r for r in rows if r["region_code"] == "GM0995"}
    tot = lel["Totaal aantal misdrijven"]
    assert (tot["series"], tot["reference_value"], tot["target_value"], tot["status_value"]) == \
        ("criminaliteit_totaal", "4450", "4000", "4240")
    assert lel["Rapportcijfer veiligheid"]["target_direction"] == "at_most"
    assert lel["Rapportcijfer veiligheid"]["note"]
    assert lel["woninginbraken per 1.000 woningen"]["denominator"] == "woningen"
    assert lel["Meldingen jeugdoverlast"]["series"] == "jongerenoverlast"
    assert lel["% bewoners dat overlast van jongeren ervaart"]["status_value"] == "21.4"
    assert sum(r["judgement_printed"] == "up" for r in lel.values()) == 6
    alm = [r for r in rows if r["region_code"] == "GM0034"]
    assert all(r["reference_year"] == "2017" and r["target_value"] == "" for r in alm)
    assert [r["reference_value"] for r in alm if r["reference_value"]] == ["13"]


def test_survey():
    cols, rows = read("survey.csv")
    assert cols == TIDY
    assert len({(r["region_code"], r["period"], r["measure"]) for r in rows}) == len(rows)
    assert all(r["kind"] == "published" and NUMBER.match(r["value"]) for r in rows)
    v = {(r["region_code"], r["period"], r["measure"]): r["value"] for r in rows}
    assert v[("BT-DNU", "2015", "rapportcijfer_veiligheid_buurt")] == "7.6"
    assert v[("BT-DNU", "2017", "rapportcijfer_veiligheid_buurt")] == "7.6"
    assert v[("BT-DNU", "2019", "rapportcijfer_veiligheid_buurt")] == "7.7"
    assert v[("RE03", "2019", "rapportcijfer_veiligheid_buurt")] == "7.4"
    assert v[("GM0995", "2019", "rapportcijfer_veiligheid_buurt")] == "7.2"
    assert v[("GM0995", "2019", "pct_veiligheidsgevoel")] == "79"


def test_dnu_jeugdoverlast_differs_from_police_rows():
    cols, rows = read("dnu_jeugdoverlast.csv")
    assert cols == TIDY
    assert len(rows) == 12
    assert {r["region_code"] for r in rows} == {"GM0303", "GM0171", "GM0184"}
    assert all(r["measure"] == "meldingen_jeugdoverlast_tabel1" for r in rows)
    for r in rows:
        assert int(r["value"]) != police_value(r["region_code"], r["period"], "jongerenoverlast")


REGISTER_COLS = ["theme", "item", "activity", "portfolio_holder", "partners", "lead",
                 "planning_year", "budget", "status", "judgement", "planned", "source"]


def test_register_lelystad():
    cols, rows = read("registers/GM0995_activities.csv")
    assert cols == REGISTER_COLS
    assert sum(r["planned"] == "yes" for r in rows) == 147  # document says 148
    assert sum(r["planned"] == "no" for r in rows) == 19  # document says 20
    for r in rows:
        assert r["theme"] and r["activity"] and r["status"] == ""
        assert not re.match(r"^[\u2070-\u2079\u00b9\u00b2\u00b3]", r["activity"])  # footnotes
        assert "<" not in r["activity"]
    assert rows[0]["theme"] == rows[1]["theme"]  # forward-filled theme
    assert {r["source"] for r in rows} == {"seed000:activiteiten"}


#: the plan's own headings as seed 000 lists them before its register (misprint 'Ondernijning' repaired)
PLAN_HEADINGS_000 = [
    "Prioriteit 1: Veilige en leefbare wijken en buurten",
    "Prioriteit 2: Problematische jeugd en jeugdgroepen",
    "Prioriteit 3: Ondermijning",
    "Strategisch thema 1: Woninginbraak, voertuigcriminaliteit en andere vermogensdelicten",
    "Strategisch thema 2: Veilig uitgaan en veilige evenementen",
    "Strategisch thema 3: Veilig winkelgebied, veilige bedrijventerreinen",
    "Strategisch thema 4: Brandveiligheid, externe veiligheid en crisisbeheersing",
    "Strategisch thema 5: Radicalisering",
    "Strategisch thema 6: Informatieveiligheid / Digitale veiligheid",
    "Strategisch thema 7: Veilige Publieke Taak",
    "Strategisch thema 8: Ambtelijke en bestuurlijke integriteit",
]


def test_register_lelystad_grouped_by_the_plans_headings():
    _, rows = read("registers/GM0995_activities.csv")
    themes = list(dict.fromkeys(r["theme"] for r in rows))
    # 3 priorities + 8 strategic themes, in the plan's order, and traffic safety, which none names
    assert [t for t in themes if t != "Verkeersveiligheid"] == PLAN_HEADINGS_000
    assert "Verkeersveiligheid" in themes
    traffic = {r["item"] for r in rows if r["theme"] == "Verkeersveiligheid"}
    assert traffic and all(i.startswith("Verkeersveiligheid") for i in traffic)
    # the extra actions ('Veilige wijken', 'Woning-inbraak', …) fall under the same headings
    assert {r["theme"] for r in rows if r["planned"] == "no"} <= set(PLAN_HEADINGS_000)
    assert {r["theme"] for r in rows if r["item"] in ("Veilige wijken", "Veilige wijk, integrale aanpak")} == \
        {PLAN_HEADINGS_000[0]}


def test_register_lelystad_themes_without_pdf_debris():
    _, rows = read("registers/GM0995_activities.csv")
    texts = {r["theme"] for r in rows} | {r["item"] for r in rows}
    for t in texts:
        assert not re.search(r"[a-z]- ?[a-z]", t), t  # 'Radicali-sering', 'hand- having'
        assert not re.search(r"\b(component|evenement|voorkomen) (en|de)\b", t), t
        assert t[:1].isupper(), t
    for printed, repaired in (("Radicali-sering, algemene preventie", "Radicalisering, algemene preventie"),
                              ("Verkeers- veiligheid, hand- having", "Verkeersveiligheid, handhaving"),
                              ("veilige evenement en", "Veilige evenementen")):
        assert printed not in texts and repaired in texts
    assert not any("Ondernijning" in t for t in texts)
    seed = next(SEEDS.glob("000_*.txt"), None)
    if seed is not None:  # the repairs are of what the seed prints
        text = seed.read_text(encoding="utf-8")
        assert "3. Ondernijning" in text and "Radicali-sering" in text and "veilige evenement en" in text
    assert "Ondernijning" in (DATA / "PROVENANCE.md").read_text(encoding="utf-8")


def test_register_noordoostpolder():
    cols, rows = read("registers/GM0171_activities.csv")
    assert cols == REGISTER_COLS
    assert len(rows) == 42
    for r in rows:
        assert r["theme"] and r["item"] and r["activity"] and r["status"] == ""
        assert r["planned"] == "yes"
        assert r["planning_year"] == "" or re.fullmatch(r"20\d\d", r["planning_year"])
    assert {r["theme"].split(":")[0] for r in rows} >= {"Prioriteit 1", "Strategisch thema h"}
    assert {r["source"] for r in rows} == {"seed003:uitvoeringsplan"}


def test_published_totals():
    cols, rows = read("registers/published_totals.csv")
    assert cols == ["region_code", "measure", "value", "printed", "source"]
    v = {r["measure"]: int(r["value"]) for r in rows}
    assert v["ivp2018_activiteiten_totaal"] == 168
    assert v["ivp2018_activiteiten_gepland"] == 148
    assert v["ivp2018_activiteiten_extra"] == 20
    assert v["ivp2018_activiteiten_oranje"] == 24
    assert v["ivp2018_activiteiten_rood"] == 5
    assert v["ivp2023_activiteiten_totaal"] == 117
    assert v["ivp2023_pct_volgens_planning"] == 89
    assert (v["ivp2018_indicatoren_groen"], v["ivp2018_indicatoren_oranje"],
            v["ivp2018_indicatoren_rood"], v["ivp2018_indicatoren_totaal"]) == (6, 6, 5, 16)


def test_provenance_covers_every_file():
    text = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    for name in GENERATED[:-1]:
        assert f"### {name}" in text, name
    for needle in ("4.450 vs police table 2016 4549", "Urk 2017", "'- 45 %'",
                   "12 of 12 values differ"):
        assert needle in text, needle


# ---------------------------------------------------------------------------------------------


def test_rerun_reproduces_committed_files(tmp_path):
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}; cannot rerun the transcription")
    mod = load_script()
    mod.build(SEEDS, tmp_path)
    produced = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert produced == sorted(GENERATED)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"data/{name} differs from a fresh run of scripts/transcribe_seeds.py")


@pytest.mark.realdata
def test_category_notes_match_47018NED():
    """The 47018NED numbers quoted in categories.csv notes are what the real file holds."""
    path = REALDATA / "dreyer_47018NED_gemeente_jaar" / "data.json"
    if not path.exists():
        pytest.skip(f"real data file not found at {path}")
    counts = json.loads(path.read_text(encoding="utf-8"))["counts"]
    _, cats = read("categories.csv")
    checked = 0
    for c in cats:
        if "47018NED vs seed" not in c["note"]:
            continue
        code = c["soortmisdrijf"]
        for gm in REGIONS:
            theirs = [counts[code][gm][y] for y in ("2016", "2017", "2018", "2019")]
            ours = [police_value(gm, y, c["key"]) for y in ("2016", "2017", "2018", "2019")]
            m = re.search(rf"{gm} ([\d/]+) vs ([\d/]+)", c["note"])
            if m:
                assert [int(x) for x in m.group(1).split("/")] == theirs, (c["key"], gm)
                assert [int(x) for x in m.group(2).split("/")] == ours, (c["key"], gm)
                assert theirs != ours
            else:
                assert re.search(rf"{gm} equal", c["note"]), (c["key"], gm)
                assert theirs == ours, (c["key"], gm)
            checked += 1
    assert checked >= 40
