"""dashboard: status computed where a series exists, verdicts and reasons, on the embedded Lelystad plan."""
import math

import pandas as pd
import pytest

from ivpanalysis import cli, dashboard, embedded, schema


@pytest.fixture(scope="module")
def ds():
    return embedded.load_default()


@pytest.fixture(scope="module")
def lelystad(ds):
    return dashboard.dashboard(ds, "GM0995")


def test_which_of_lelystads_16_are_computed(lelystad):
    t = lelystad
    assert len(t) == 16 and list(t.columns) == dashboard.COLUMNS
    computed = set(t.index[t["status_source"] == "computed"])
    survey = set(t.index[t["status_source"].str.startswith("series")])
    published = set(t.index[t["status_source"].str.startswith("published")])
    # police counts in the data: violence, bicycle theft, business burglary, total, youth nuisance, car break-ins
    assert computed == {"GM0995_I03", "GM0995_I04", "GM0995_I05", "GM0995_I07", "GM0995_I10", "GM0995_I13"}
    # survey items read from the survey series
    assert survey == {"GM0995_I01", "GM0995_I08", "GM0995_I12", "GM0995_I14", "GM0995_I15", "GM0995_I16"}
    # no series: burglaries per 1.000 dwellings (no dwelling count), young suspects, social nuisance, accidents
    assert published == {"GM0995_I02", "GM0995_I06", "GM0995_I09", "GM0995_I11"}


def test_computed_status_equals_the_police_count_and_the_document(ds, lelystad):
    from ivpanalysis.police import annual_counts
    counts = annual_counts(ds.police, "GM0995")
    for i, key in (("GM0995_I03", "geweld_totaal"), ("GM0995_I07", "criminaliteit_totaal")):
        assert lelystad.at[i, "status_value"] == counts.at[key, 2019]
    ind = ds.indicators.set_index("indicator_id")
    for i in lelystad.index[lelystad["status_source"] == "computed"]:
        assert lelystad.at[i, "status_value"] == float(ind.at[i, "status_value"]), i  # the document agrees


def test_verdicts(lelystad):
    v = lelystad["verdict"]
    assert v["GM0995_I03"] == "groen"  # 533 < 550
    assert v["GM0995_I13"] == "rood"  # 246 -> 330, target under 250
    assert v["GM0995_I07"] == "rood"  # 4.450 -> 4.240: at this pace about 4.040 in 2022, not under 4.000
    assert "4.040 in 2022" in lelystad.at["GM0995_I07", "reason"]
    assert "binnen wat toeval geeft" in lelystad.at["GM0995_I07", "reason"]
    assert "geen verbetering" in lelystad.at["GM0995_I12", "reason"]  # 26 -> 26
    assert set(v) <= {"groen", "oranje", "rood"}


def test_reference_that_differs_from_the_data_is_named(lelystad):
    r = lelystad.at["GM0995_I05", "reason"]
    assert "referentiewaarde in het plan (172)" in r and "(225)" in r
    assert lelystad.at["GM0995_I05", "reference_in_data"] == 225
    assert "Let op" not in lelystad.at["GM0995_I08", "reason"]


def _row(**kw):
    base = dict(indicator="x", unit="aantal", reference_year=2016, reference_value=100.0, target_year=2022,
                target_value=80.0, target_direction="below", target_printed="Onder 80")
    base.update(kw)
    return pd.Series(base)


@pytest.mark.parametrize("status,verdict", [(79.0, "groen"), (85.0, "oranje"), (95.0, "rood"), (100.0, "rood"), (110.0, "rood")])
def test_verdict_rules(status, verdict):
    # 100 -> 85 in 3 years: 85 * (85/100) = 72 in 2022 < 80, reachable; 100 -> 95: 90 in 2022, not
    assert dashboard._verdict(_row(), status, 2019, counts=False)[0] == verdict


@pytest.mark.parametrize("direction,value,ref,target,ok", [
    ("below", 79, 100, 80, True), ("below", 80, 100, 80, False), ("at_most", 80, 100, 80, True),
    ("above", 7.3, 7.0, 7.2, True), ("at_least", 7.2, 7.0, 7.2, True), ("decrease", 12, 13, math.nan, True),
    ("no_increase", 13, 13, math.nan, True), ("no_increase", 14, 13, math.nan, False)])
def test_met(direction, value, ref, target, ok):
    assert dashboard.met(value, target, direction, ref) is ok


def test_unknown_direction_is_an_error():
    with pytest.raises(ValueError, match="unknown target direction 'lower'"):
        dashboard.met(1, 2, "lower")


def test_rate_indicator_is_computed_when_the_denominator_is_there(ds):
    pop = schema.finish_tidy(pd.DataFrame([dict(region_code="GM0995", period=pd.Period(str(y), "Y"), measure="woningen",
                                                value=v, source="test") for y, v in ((2016, 33000.0), (2019, 34000.0))]))
    data = embedded.Dataset(police=ds.police, categories=ds.categories, published_changes=ds.published_changes,
                            indicators=ds.indicators, survey=ds.survey, population=pop)
    t = dashboard.dashboard(data, "GM0995")
    assert t.at["GM0995_I02", "status_source"] == "computed"
    assert t.at["GM0995_I02", "status_value"] == pytest.approx(206 * 1000 / 34000)
    assert t.at["GM0995_I02", "reference_in_data"] == pytest.approx(297 * 1000 / 33000)


def test_almere_targets_without_data_say_so(ds):
    t = dashboard.dashboard(ds, "GM0034")
    assert len(t) == 9 and (t["verdict"] == "").all() and t["status_value"].isna().all()
    assert t.at["GM0034_I01", "reason"] == "Geen stand: geen politiecijfer woninginbraak in de data."


def test_no_dashboard_for_dronten(ds):
    with pytest.raises(LookupError, match="no indicators declared for GM0303.*GM0034, GM0995"):
        dashboard.dashboard(ds, "GM0303")


def test_display(lelystad):
    d = dashboard.dashboard_display(lelystad)
    r = d.iloc[6]
    assert (r["Referentie"], r["Doel"], r["Stand"], r["Oordeel"]) == ("4.450 (2016)", "Onder 4.000 (2022)", "4.240 (2019)", "rood")
    assert d.iloc[1]["Stand"] == "6,3* (2019)"


def test_cli_table_dashboard(capsys):
    assert cli.main(["table", "dashboard", "GM0995", "--csv", "-"]) == 0
    out = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert len(out) == 16 and set(out["verdict"]) <= {"groen", "oranje", "rood"}
