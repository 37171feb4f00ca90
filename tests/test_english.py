"""CBS tables in English read like their Dutch twins (issue 15). No real English download is in
../shared/realdata; the fixtures follow CBS's published English layouts (StatLine CSV with
Topic/Periods/Regions and unit 'number'; cbsodata output with Regions, Periods, Sex = T001038 and
topics such as PopulationOn31December_20; the export with Margins = Value/Margin) and carry
values from the real Dutch files (37230ned Lelystad 84 080 / 84 713; Veiligheidsmonitor
Flevoland 2015 37,9 ± 2,9, Nederland 35,6)."""
import pandas as pd

from ivpanalysis.ingest import datafolder, roles
from ivpanalysis.ingest.fetch import snapshot_from_file
from ivpanalysis.ingest.loaders import read

from .conftest import FIXTURES

EN = FIXTURES / "english"


def _v(df, code, measure, period):
    hit = df[(df.region_code == code) & (df.measure == measure) & (df.period.astype(str) == period)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_english_statline_csv_reads_like_the_dutch_one():
    df = read(EN / "statline_population_en.csv")
    assert df.attrs["format"] == "statline_csv" and set(df.region_code) == {"NL01", "PV24", "GM0995"}
    row = _v(df, "GM0995", "population_at_the_end_of_the_period", "2024")
    assert row.value == 84713 and row.unit == "aantal" and row.status == "definitief"
    assert _v(df, "GM0995", "population_at_the_end_of_the_period", "2025-01").status == "voorlopig"


def test_english_population_tables_give_inwoners():
    a = roles.recognise(EN / "statline_population_en.csv").tables[0].frame
    assert _v(a, "GM0995", "inwoners", "2025").value == 84713  # end of 2024 = 1 January 2025, as in Dutch
    b = roles.recognise(EN / "odata_population_en.csv").tables[0].frame
    assert _v(b, "GM0995", "inwoners", "2024").value == 84080  # PopulationOn1January (Sex T001038 = total)
    assert _v(b, "GM0995", "inwoners", "2025").value == 84713  # PopulationOn31December of 2024
    assert set(b.measure) == {"inwoners"}  # the men's row ('3000') is not the population


def test_english_survey_export_with_margins():
    df = roles.recognise(EN / "survey_export_en.csv").tables[0].frame
    fl = _v(df, "PV24", "pct_onveilig_algemeen", "2015")
    assert (fl.value, fl.margin) == (37.9, 2.9)
    assert _v(df, "NL01", "pct_onveilig_algemeen", "2015").value == 35.6


def test_english_files_build_a_folder(tmp_path):
    out = snapshot_from_file([EN / "odata_population_en.csv", EN / "survey_export_en.csv"], tmp_path / "snap")
    ds = datafolder.load(out)
    assert _v(ds.population, "GM0995", "inwoners", "2024").value == 84080
    assert _v(ds.survey, "PV24", "pct_onveilig_algemeen", "2015").margin == 2.9
    assert isinstance(ds.survey.period.iloc[0], pd.Period)
