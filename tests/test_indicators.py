"""dashboard: status computed where a series exists, verdicts and reasons, on the embedded Lelystad plan."""
import math

import pandas as pd
import pytest

from ivpanalysis import cli
from ivpanalysis.ingest import datafolder, schema
from ivpanalysis.analysis import indicators as dashboard


@pytest.fixture(scope="module")
def ds():
    return datafolder.load_default()


@pytest.fixture(scope="module")
def lelystad(ds):
    return dashboard.dashboard(ds, "GM0995")


def test_which_of_lelystads_16_are_computed(lelystad):
    t = lelystad
    assert len(t) == 16 and list(t.columns) == dashboard.CSV_COLUMNS + dashboard.EXTRA_COLUMNS
    assert set(t["status_source"]) == {"computed", "published"}
    computed = t[t["status_source"] == "computed"]["status_series"]
    published = set(t.index[t["status_source"] == "published"])
    # police counts in the data: violence, bicycle theft, business burglary, total, youth nuisance, car break-ins
    assert set(computed.index[computed.str.startswith("police:")]) == {
        "GM0995_I03", "GM0995_I04", "GM0995_I05", "GM0995_I07", "GM0995_I10", "GM0995_I13"}
    # survey items read from the survey series
    assert set(computed.index[computed.str.startswith("survey:")]) == {
        "GM0995_I01", "GM0995_I08", "GM0995_I12", "GM0995_I14", "GM0995_I15", "GM0995_I16"}
    # no series: burglaries per 1.000 dwellings (no dwelling count), young suspects, social nuisance, accidents
    assert published == {"GM0995_I02", "GM0995_I06", "GM0995_I09", "GM0995_I11"}


def test_computed_status_equals_the_police_count_and_the_document(ds, lelystad):
    from ivpanalysis.analysis.police import annual_counts
    counts = annual_counts(ds.police, "GM0995")
    for i, key in (("GM0995_I03", "geweld_totaal"), ("GM0995_I07", "criminaliteit_totaal")):
        assert lelystad.at[i, "status_value"] == counts.at[key, 2019]
    ind = ds.indicators.set_index("indicator_id")
    for i in lelystad.index[lelystad["status_source"] == "computed"]:
        assert lelystad.at[i, "status_value"] == float(ind.at[i, "status_value"]), i  # the document agrees


def test_verdicts(lelystad):
    v = lelystad["verdict"]
    assert v["GM0995_I03"] == "green"  # 533 < 550
    assert v["GM0995_I13"] == "red"  # 246 -> 330, target under 250
    assert lelystad.at["GM0995_I13", "p_reach"] < 0.5
    # 4.549 (data) ... 4.240: the trend of the four years projects 2022 below 4.000 with a chance over 50 %
    assert v["GM0995_I07"] == "orange" and 0.5 <= lelystad.at["GM0995_I07", "p_reach"] < 0.9
    reason = lelystad.at["GM0995_I07", "reason"]
    assert "binnen wat toeval geeft" in reason and "95%-voorspelinterval" in reason and "per jaar" in reason
    assert "geen verbetering" in lelystad.at["GM0995_I12", "reason"]  # 26 -> 26, survey: pace rule
    assert "in dit tempo 20% in 2022" in lelystad.at["GM0995_I08", "reason"]
    assert set(v) == {"green", "orange", "red"}
    # one sentence per row
    assert all(r.count(". ") == 0 and r.endswith(".") for r in lelystad["reason"])


def test_reference_that_differs_from_the_data_is_named(lelystad):
    r = lelystad.at["GM0995_I05", "note"]
    assert "referentiewaarde in het plan (172)" in r and "(225)" in r
    assert lelystad.at["GM0995_I05", "reference_in_data"] == 225
    assert lelystad.at["GM0995_I08", "note"] == ""
    assert "geen aantal woningen voor 2019" in lelystad.at["GM0995_I02", "note"]


def _row(**kw):
    base = dict(indicator="x", unit="aantal", reference_year=2016, reference_value=100.0, target_year=2022,
                target_value=80.0, target_direction="below", target_printed="Onder 80")
    base.update(kw)
    return pd.Series(base)


@pytest.mark.parametrize("status,verdict", [(79.0, "green"), (85.0, "orange"), (95.0, "red"), (100.0, "red"), (110.0, "red")])
def test_verdict_rules_without_a_series(status, verdict):
    # 100 -> 85 in 3 years: 85 * (85/100) = 72 in 2022 < 80, reachable; 100 -> 95: 90 in 2022, not
    assert dashboard._verdict(_row(), status, 2019)[0] == verdict


def test_projection_decides_probably_for_count_series():
    # simulated yearly counts: a steady fall of 10 % a year from 1.000 reaches "under 700" by 2022
    falling = pd.Series({2016: 1000.0, 2017: 905.0, 2018: 810.0, 2019: 731.0})
    row = _row(reference_value=1000.0, target_value=700.0, target_printed="Onder 700")
    verdict, reason, p = dashboard._verdict(row, 731.0, 2019, counts=falling)
    assert verdict == "orange" and p > 0.5 and "voorspelinterval" in reason
    flat = pd.Series({2016: 1000.0, 2017: 990.0, 2018: 1004.0, 2019: 985.0})
    verdict, _, p = dashboard._verdict(row, 985.0, 2019, counts=flat)
    assert verdict == "red" and p < 0.5


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
    data = datafolder.Dataset(police=ds.police, categories=ds.categories, published_changes=ds.published_changes,
                            indicators=ds.indicators, survey=ds.survey, population=pop)
    t = dashboard.dashboard(data, "GM0995")
    assert t.at["GM0995_I02", "status_source"] == "computed"
    assert t.at["GM0995_I02", "status_series"] == "police:woninginbraak per 1.000 woningen"
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
    assert (r["Referentie"], r["Doel"], r["Stand"], r["Oordeel"]) == ("4.450 (2016)", "Onder 4.000 (2022)", "4.240 (2019)", "oranje")
    assert d.iloc[1]["Stand"] == "6,3* (2019)"


def test_cli_table_dashboard(capsys):
    assert cli.main(["table", "dashboard", "GM0995", "--csv", "-"]) == 0
    out = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert list(out.columns) == ["indicator", "reference_year", "reference_value", "target_value", "target_direction",
                                 "status_value", "status_source", "verdict", "reason"]
    assert len(out) == 16 and set(out["verdict"]) <= {"green", "orange", "red"}
