"""The per-gemeente annual counts JSON (47018NED counts + 70072ned population in one object)."""
import json
import math
import shutil

import pandas as pd
import pytest

import ivpanalysis as iv
from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.loaders import counts_json
from ivpanalysis.ingest.validate import problems_in

from .conftest import FIXTURES

BAD = FIXTURES / "fetch"


@pytest.fixture
def dreyer(realdata):
    return realdata / "dreyer_47018NED_gemeente_jaar" / "data.json"


@pytest.fixture
def raw(dreyer):
    return json.loads(dreyer.read_text(encoding="utf-8"))


def _value(df, code, measure, year):
    hit = df[(df.region_code == code) & (df.measure == measure) & (df.period == pd.Period(year=year, freq="Y"))]
    assert len(hit) == 1, hit
    return hit["value"].iloc[0]


def test_real_file_read_by_content(dreyer, raw, tmp_path):
    renamed = tmp_path / "download.txt"  # recognised by content, not by name
    shutil.copy(dreyer, renamed)
    df = iv.read(renamed)
    assert df.attrs["format"] == "counts_json"
    assert list(df.columns[: len(schema.TIDY_COLUMNS)]) == schema.TIDY_COLUMNS
    assert _value(df, "GM0995", "1.1.1", 2019) == 206  # PROVENANCE.md spot value
    # every cell of the file, and nothing else: codes x gemeenten x years
    n_cells = sum(len(ys) for by_gm in raw["counts"].values() for ys in by_gm.values())
    assert len(df) == n_cells
    assert df["value"].sum() == sum(v for by_gm in raw["counts"].values() for ys in by_gm.values() for v in ys.values())
    assert set(df["measure"]) == {o["code"] for o in raw["offences"]}
    assert set(df["source"]) == {"47018NED"} and set(df["kind"]) == {"source"} and set(df["unit"]) == {"aantal"}
    assert df.loc[df.measure == "1.1.1", "measure_label"].iloc[0] == "Diefstal/inbraak woning"
    kinds = df.drop_duplicates("region_code")["region_code"].map(schema.region_kind)
    assert (kinds == "municipality").sum() == 342 and set(df.loc[df.region_code.map(schema.region_kind) == "pseudo", "region_code"]) == {"GM0000"}
    assert df.loc[df.region_code == "GM0995", "region_name"].iloc[0] == "Lelystad"
    assert not df.assign(period=df.period.astype(str)).duplicated(["region_code", "period", "measure"]).any()
    assert problems_in(df[df.region_code.isin(["GM0995", "GM0000", "GM1680"])]) == []


def test_status_follows_the_provisional_years(dreyer, raw):
    df = iv.read(dreyer)
    years = df["period"].map(lambda p: p.year)
    assert set(years[df.status == "voorlopig"]) == set(raw["provisional"])
    assert set(years[df.status == "definitief"]) == set(raw["years"]) - set(raw["provisional"])


def test_population_is_a_separate_frame(dreyer, raw):
    both = counts_json.load_file(dreyer)
    pop = both.population
    assert set(pop["measure"]) == {"inwoners"} and set(pop["source"]) == {"70072ned"}
    assert len(pop) == sum(len(ys) for ys in raw["population"].values())
    assert _value(pop, "GM0995", "inwoners", 2019) == raw["population"]["GM0995"]["2019"]
    assert "GM0000" not in set(pop["region_code"])  # 'Gemeente onbekend' has no inhabitants
    assert "inwoners" not in set(both.counts["measure"])
    assert problems_in(pop) == []


def test_population_last_year_is_37230ned_first_january(realdata, dreyer):
    """The 2025 value is the population on 1 January 2025 = the end of 2024 in 37230ned (label says so)."""
    pop = counts_json.load_file(dreyer).population
    cbs = iv.read(realdata / "chelsj_47013NED_meta_37230ned" / "Bevolking_Gemeenten.csv")
    end_2024 = cbs[(cbs.measure == "BevolkingAanHetEindeVanDePeriode") & (cbs.period == pd.Period("2024", freq="Y"))]
    p25 = pop[pop.period == pd.Period("2025", freq="Y")].set_index("region_code")["value"]
    joined = end_2024.set_index("region_code")["value"].reindex(p25.index)
    assert joined.notna().sum() >= 340 and (joined == p25).all()


def test_missing_and_null_stay_nan(raw, tmp_path):
    lely = dict(raw["counts"]["1.1.1"]["GM0995"])
    kept = lely["2019"]
    lely["2017"] = None
    del lely["2018"]
    small = {"offences": raw["offences"][:1], "years": [2017, 2018, 2019], "provisional": [],
             "counts": {"1.1.1": {"GM0995": lely}}}
    p = tmp_path / "small.json"
    p.write_text(json.dumps(small), encoding="utf-8")
    df = iv.read(p)
    assert math.isnan(_value(df, "GM0995", "1.1.1", 2017))
    assert math.isnan(_value(df, "GM0995", "1.1.1", 2018))  # absent year: a NaN row, never 0
    assert _value(df, "GM0995", "1.1.1", 2019) == kept
    assert counts_json.load_file(p).population.empty


@pytest.mark.parametrize("name, message, key", [
    ("counts_missing_counts.json", "key 'counts' is missing", "(top level)"),
    ("counts_text_value.json", "not a number", "['counts']['1.1.1']['GM0995']['2019']"),
    ("counts_bad_year.json", "not a year", "['counts']['1.1.1']['GM0995']['2019a']"),
    ("counts_region_name.json", "not a municipality code", "['counts']['1.1.1']['Lelystad']"),
    ("counts_population_text.json", "not a number", "['population']['GM0995']['2019']"),
    ("counts_list_not_object.json", "not an object", "['counts']['1.1.1']"),
    ("counts_counts_is_list.json", "not an object", "['counts']"),
    ("counts_top_level_list.json", "the top level is not a JSON object", "(top level)"),
])
def test_bad_structure_names_file_and_key(name, message, key):
    with pytest.raises(DataError) as e:
        counts_json.load_file(BAD / name)
    p = e.value.problems[0]
    assert p.file == name and p.message == message and p.column == key and p.expected
    assert name in str(e.value) and key in str(e.value)


def test_truncated_json_names_line_and_column():
    with pytest.raises(DataError) as e:
        iv.read(BAD / "counts_truncated.json")
    p = e.value.problems[0]
    assert p.file == "counts_truncated.json" and p.message.startswith("not valid JSON")
    assert p.line == 3 and p.column == "character 1"  # the text ends on line 3, inside the object


def test_other_json_is_not_taken_for_counts(tmp_path):
    p = tmp_path / "other.json"
    p.write_text('{"value": []}', encoding="utf-8")
    with pytest.raises(DataError, match="file format not recognised"):
        iv.read(p)
