"""dashboard: status computed where a series exists, verdicts and reasons, on the embedded Lelystad plan."""
import math

import pandas as pd
import pytest

from ivpanalysis import cli
from ivpanalysis.ingest import datafolder, schema
import numpy as np

from ivpanalysis.analysis import indicators as dashboard, noise
from ivpanalysis.present import dashboard_text as text, fmt


@pytest.fixture(scope="module")
def ds():
    return datafolder.load_default()


@pytest.fixture(scope="module")
def lelystad(ds):
    return dashboard.dashboard(ds, "GM0995")


def test_which_of_lelystads_16_are_computed(lelystad):
    t = lelystad
    assert len(t) == 16 and list(t.columns) == dashboard.NUMBER_COLUMNS
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


def test_verdicts_follow_p_on_lelystads_plan(lelystad):
    t = lelystad
    # 533 violent crimes in 2019, target under 550 in 2022: carried three years with the real spread
    assert t.at["GM0995_I03", "basis"] == "carried" and 0.5 < t.at["GM0995_I03", "p_reach"] < 0.8
    assert t.at["GM0995_I13", "verdict"] == "red" and t.at["GM0995_I13", "p_reach"] < 0.2  # 330, under 250
    for _, r in t.iterrows():
        assert r["verdict"] == dashboard.verdict_of(r["p_reach"])
    # survey items without a published margin: no chance can be computed, so no verdict
    assert t.at["GM0995_I08", "verdict"] == "" and t.at["GM0995_I08", "why"] == "no_uncertainty"
    assert "onbekend" in text.reason(t.loc["GM0995_I08"])


def test_reasons_are_one_sentence_with_the_figure_and_the_word(ds):
    t = text.dashboard(ds, "GM0995")
    assert all(r.count(". ") == 0 and r.endswith(".") for r in t["reason"])
    r = t.loc["GM0995_I13"]
    assert fmt.share(100 * r["p_reach"]) in r["reason"] and text.likelihood_word(r["p_reach"]) in r["reason"]


@pytest.mark.parametrize("p,verdict", [(0.95, "green"), (0.8, "green"), (0.7999, "orange"), (0.5, "orange"),
                                       (0.2, "orange"), (0.1999, "red"), (0.01, "red"), (math.nan, "")])
def test_verdict_bands(p, verdict):
    assert dashboard.verdict_of(p) == verdict


@pytest.mark.parametrize("p,word", [(0.95, "zeer waarschijnlijk"), (0.9, "zeer waarschijnlijk"), (0.8, "waarschijnlijk"),
                                    (0.67, "waarschijnlijk"), (0.5, "onzeker"), (0.33, "onzeker"),
                                    (0.2, "onwaarschijnlijk"), (0.1, "onwaarschijnlijk"), (0.05, "zeer onwaarschijnlijk")])
def test_likelihood_words(p, word):
    assert text.likelihood_word(p) == word


def _row(**kw):
    base = dict(indicator="x", unit="aantal", series="criminaliteit_totaal", reference_year=2016, reference_value=1000.0,
                target_year=2022, target_value=800.0, target_direction="below", target_printed="Onder 800")
    base.update(kw)
    return pd.Series(base)


@pytest.mark.parametrize("status,verdict", [(600.0, "green"), (800.0, "orange"), (1100.0, "red")])
def test_one_band_each_from_the_count_noise(status, verdict):
    obs = dashboard.Observation(status, status)
    p, basis, sd_log, _ = dashboard.p_meet(_row(), obs, 2022)
    assert basis == "target_year" and dashboard.verdict_of(p) == verdict
    # the figure behind the band: a normal on log scale with the model's one-year spread
    from scipy import stats
    assert p == pytest.approx(stats.norm.cdf((math.log(800) - math.log(status)) / sd_log))


def test_no_row_can_be_red_with_p_at_least_a_fifth():
    for status in np.linspace(500, 1500, 101):
        for year in (2019, 2022):
            p, *_ = dashboard.p_meet(_row(), dashboard.Observation(status, status), year)
            assert (dashboard.verdict_of(p) == "red") == (p < 0.2)


def test_target_year_with_data_uses_its_value_not_a_projection(ds):
    ind = ds.indicators.copy()
    i = ind["indicator_id"] == "GM0995_I07"
    ind.loc[i, "target_year"] = 2019  # the status year: judged on 2019's own value
    data = datafolder.Dataset(police=ds.police, categories=ds.categories, published_changes=ds.published_changes,
                              indicators=ind, survey=ds.survey, population=ds.population)
    t = dashboard.dashboard(data, "GM0995", year=2019)
    assert t.at["GM0995_I07", "basis"] == "target_year"
    sd1 = math.sqrt(float(noise.model_for("criminaliteit_totaal", 1).log_variance(4240)))
    assert t.at["GM0995_I07", "sd_log"] == pytest.approx(sd1)


def test_carrying_forward_widens_with_the_years():
    obs = dashboard.Observation(800.0, 800.0)
    sds = [dashboard.p_meet(_row(target_year=2019 + g), obs, 2019)[2] for g in (0, 1, 3, 6)]
    assert sds == sorted(sds) and sds[0] < sds[-1]


def test_survey_item_uses_its_margin():
    row = _row(unit="%", series="survey:pct_onveilig_buurt", target_value=18.0, target_printed="Onder 18")
    p, _, _, sd = dashboard.p_meet(row, dashboard.Observation(19.0, margin=noise.Z95), 2022)
    assert sd == pytest.approx(1.0) and p == pytest.approx(0.1587, abs=1e-3)
    assert math.isnan(dashboard.p_meet(row, dashboard.Observation(19.0), 2022)[0])  # no margin: no p


def test_reference_that_differs_from_the_data_is_named(lelystad):
    assert lelystad.at["GM0995_I05", "note"] == "reference_differs"
    assert lelystad.at["GM0995_I05", "reference_in_data"] == 225
    assert lelystad.at["GM0995_I08", "note"] == ""
    shown = text.dashboard_display(text.dashboard(datafolder.load_default(), "GM0995"))
    r = shown.iloc[4]["Toelichting"]
    assert "referentiewaarde in het plan (172)" in r and "(225)" in r
    assert lelystad.at["GM0995_I02", "why"] == "no_uncertainty" and "published_status" in lelystad.at["GM0995_I02", "note"]


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
    assert t.at["GM0034_I01", "why"] == "no_police"
    assert text.reason(t.loc["GM0034_I01"]) == "Geen stand: geen politiecijfer in de data."


def test_no_dashboard_for_dronten(ds):
    with pytest.raises(LookupError, match="no indicators declared for GM0303.*GM0034, GM0995"):
        dashboard.dashboard(ds, "GM0303")


def test_display(lelystad):
    d = text.dashboard_display(lelystad)
    r = d.iloc[6]
    assert (r["Referentie"], r["Doel"], r["Stand"]) == ("4.450 (2016)", "Onder 4.000 (2022)", "4.240 (2019)")
    assert r["Oordeel"] == text.VERDICT_NL[lelystad.iloc[6]["verdict"]] and "%" in r["Kans doel gehaald"]
    assert d.iloc[1]["Stand"] == "6,3* (2019)"


def test_cli_table_dashboard(capsys):
    assert cli.main(["table", "dashboard", "GM0995", "--csv", "-"]) == 0
    out = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert list(out.columns) == ["indicator", "reference_year", "reference_value", "target_value", "target_direction",
                                 "status_value", "status_source", "verdict", "reason"]
    assert len(out) == 16 and set(out["verdict"].fillna("")) <= {"green", "orange", "red", ""}
    assert out["reason"].str.endswith(".").all()


def test_a_status_after_the_target_year_says_so():
    obs = dashboard.Observation(700.0, 700.0)
    p, basis, *_ = dashboard.p_meet(_row(target_year=2020), obs, 2022)
    assert basis == "later_year" and p > 0.5
    r = pd.Series(dict(status_value=700.0, unit="aantal", status_year=2022, p_reach=p, basis=basis,
                       target_printed="Onder 800", target_year=2020, why=""))
    assert "na het doeljaar" in text.reason(r)
