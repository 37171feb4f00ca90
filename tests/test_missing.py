"""One list of missing inputs per report, each once, with the command that adds it."""
import pandas as pd
import pytest

from ivpanalysis import paths
from ivpanalysis.analysis import comparison as cmp
from ivpanalysis.analysis import default_indicators as di
from ivpanalysis.analysis import missing, plan
from ivpanalysis.present import comparison_text as txt
from tests.realfolder import dataset, read_regions

ALMERE, LELYSTAD = "GM0034", "GM0995"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    ds, regions = dataset(tmp_path_factory.mktemp("missing")), read_regions()
    ind = pd.read_csv(paths.PROJECT_DIR / "data" / "indicators.csv", dtype={"region_code": str})
    ds = type(ds)(**{**ds.__dict__, "indicators": ind})
    return ds, regions, cmp.compute(ds, regions, 2024)


def test_almere_missing_inputs_each_once(real):
    ds, regions, comps = real
    targets = di.relative_targets(ds, ALMERE, plan.resolve(2024))
    items = missing.missing_for(ds, ALMERE, comps, targets, regions, data_dir="almere")
    whats = [i.what for i in items]
    assert len(whats) == len(set(whats))
    by = {i.what: i for i in items}
    # not missing: police counts, inhabitants, regions
    assert not {"police", "inwoners", "regions"} & set(whats)
    # dwellings: needed by the comparison and by target I01; said once, with both
    assert by["woningen"].sections == ("comparison", "dashboard")
    assert "GM0034_I01" in by["woningen"].detail
    assert by["woningen"].command == "ivpanalysis fetch GM0034 --tables 81955NED --out almere"
    assert set(by["total:geweld_totaal"].detail) == {"zeden", "straatroof", "overval", "openlijk_geweld"}
    assert by["police:straatroof"].table == "47013NED"
    assert by["jongeren_12_24"].detail == ("GM0034_I09",)
    assert {"survey", "incidents", "total:criminaliteit_totaal"} <= set(whats)


def test_nothing_listed_that_the_folder_holds(real):
    ds, regions, comps = real
    pop = ds.population
    dwell = pop[pop.region_code == LELYSTAD].assign(measure="woningen")
    ds2 = type(ds)(**{**ds.__dict__, "population": pd.concat([pop, dwell], ignore_index=True)})
    whats = [i.what for i in missing.missing_for(ds2, LELYSTAD, comps, None, regions)]
    assert "woningen" not in whats and "regions" not in whats
    assert "regions" in [i.what for i in missing.missing_for(ds2, LELYSTAD, comps, None, None)]


def test_dutch_lines(real):
    ds, regions, comps = real
    items = missing.missing_for(ds, LELYSTAD, comps, None, regions)
    lines = [txt.missing_line(i) for i in items]
    assert any(line.startswith("volledig totaal geweld totaal (voor: Politiecijfers, Dashboard)") for line in lines)
    assert missing.as_frame(items)["what"].tolist() == [i.what for i in items]
    assert txt.peer_rule(comps.rules[LELYSTAD]) == "gemeenten in grootteklasse 5 en stedelijkheidsklasse 3 (16 gemeenten)"
    assert "verbreed met de stedelijkheid en daarna de grootte" in txt.peer_rule(comps.rules["GM0363"])
    assert txt.change_words("fell", "yes") == "gedaald, meer dan toeval"
