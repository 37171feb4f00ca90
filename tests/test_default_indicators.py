"""The default dashboard and relative plan targets, on the real 47018NED counts and inhabitants."""
import math

import pandas as pd
import pytest

from ivpanalysis import paths
from ivpanalysis.analysis import comparison as cmp
from ivpanalysis.analysis import default_indicators as di
from ivpanalysis.analysis import noise, plan
from tests.realfolder import dataset, read_regions

LELYSTAD, ALMERE = "GM0995", "GM0034"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    ds, regions = dataset(tmp_path_factory.mktemp("di")), read_regions()
    return ds, regions, cmp.compute(ds, regions, 2024)


def _count(ds, code, measure, year):
    p = ds.police
    return p[(p.region_code == code) & (p.measure == measure) & (p.period.dt.year == year)]["value"].item()


def _inw(ds, code, year):
    p = ds.population
    return p[(p.region_code == code) & (p.measure == "inwoners") & (p.period.dt.year == year)]["value"].item()


def test_default_set_has_what_the_folder_holds(real):
    ds, _, comps = real
    table = di.default_dashboard(ds, comps, LELYSTAD)
    # no total crime (no complete total in 47018NED), no geweld total (4 of 7 parts absent): its parts instead
    assert table["indicator"].tolist() == ["woninginbraak", "fietsdiefstal", "autokraak", "vernielingen",
                                           "bedreiging", "mishandeling", "geweld_overig"]
    assert (table["target"] == "none").all()
    assert (table["denominator"] == "inwoners").all()


def test_woninginbraak_change_and_verdict_recomputed(real):
    ds, _, comps = real
    row = di.default_dashboard(ds, comps, LELYSTAD).set_index("indicator").loc["woninginbraak"]
    k20, k24 = _count(ds, LELYSTAD, "woninginbraak", 2020), _count(ds, LELYSTAD, "woninginbraak", 2024)
    assert (row["reference_count"], row["count"]) == (k20, k24)
    assert row["value"] == pytest.approx(1000 * k24 / _inw(ds, LELYSTAD, 2024))
    assert row["direction"] == ("fell" if row["value"] < row["reference_value"] else "rose")
    assert row["chance"] == noise.verdicts([k20], [k24], noise.alpha_for("woninginbraak"))[0]
    assert row["peer_n"] == 16 and 1 <= row["peer_rank"] <= 16
    peer = comps.aggregates.loc[("peer", "S5U3", "woninginbraak")]
    assert row["peer_value"] == peer["rate_inwoners"]
    assert row["position_peer"] == di.position(k24, _inw(ds, LELYSTAD, 2024), peer["rate_inwoners"],
                                               noise.alpha_for("woninginbraak"))


def test_position_against_nederland():
    assert di.position(200, 100_000, 1.0, 0.0) == "higher"  # expected 100
    assert di.position(50, 100_000, 1.0, 0.0) == "lower"
    assert di.position(105, 100_000, 1.0, 0.0) == "similar"
    assert di.position(130, 100_000, 1.0, 0.0) == "higher"
    assert di.position(130, 100_000, 1.0, 0.1) == "similar"  # overdispersion widens what chance gives
    assert di.position(math.nan, 100_000, 1.0, 0.0) == ""


def _survey(rows):
    """A small survey frame (invented values, labelled as such) in the tidy schema."""
    return pd.DataFrame([{"region_code": c, "region_name": "", "period": pd.Period(str(y), "Y"), "measure": m,
                          "value": v, "margin": mg, "source": "test (invented)", "status": "onbekend"}
                         for c, y, m, v, mg in rows])


def test_survey_row_only_from_the_municipality_own_figure(real):
    ds, _, comps = real
    survey = _survey([("PV24", 2023, "pct_onveilig_algemeen", 40.0, 1.0)])
    ds2 = type(ds)(**{**ds.__dict__, "survey": survey})
    assert "pct_onveilig_algemeen" not in set(di.default_dashboard(ds2, comps, LELYSTAD)["indicator"])
    survey = _survey([(LELYSTAD, 2019, "pct_onveilig_buurt", 30.0, 2.0), (LELYSTAD, 2023, "pct_onveilig_buurt", 22.0, 2.0),
                      (LELYSTAD, 2021, "pct_onveilig_algemeen", 35.0, 2.0), (LELYSTAD, 2023, "pct_onveilig_algemeen", 33.0, 2.0)])
    ds2 = type(ds)(**{**ds.__dict__, "survey": survey})
    rows = di.default_dashboard(ds2, comps, LELYSTAD).set_index("indicator")
    assert rows.loc["pct_onveilig_buurt", "chance"] == "method_break"  # 2019 → 2023 crosses the 2021 change
    assert rows.loc["pct_onveilig_algemeen", "reference_year"] is None or pd.isna(rows.loc["pct_onveilig_algemeen", "reference_year"])


def test_survey_chance_from_margins():
    assert di.survey_chance(22.0, 2.0, 30.0, 2.0) == "yes"
    assert di.survey_chance(29.0, 2.0, 30.0, 2.0) == "no"
    assert di.survey_chance(22.0, None, 30.0, 2.0) == "no_margin"


@pytest.fixture(scope="module")
def almere(real):
    ds, _, _ = real
    ind = pd.read_csv(paths.PROJECT_DIR / "data" / "indicators.csv", dtype={"region_code": str})
    ds2 = type(ds)(**{**ds.__dict__, "indicators": ind})
    return ds, di.relative_targets(ds2, ALMERE, plan.resolve(2024)).set_index("series")


def test_almere_reference_values_computed_from_the_data(almere):
    ds, t = almere
    for series in ("autokraak", "fietsdiefstal", "vernielingen"):
        row = t.loc[series]
        assert row["reference_value"] == pytest.approx(1000 * _count(ds, ALMERE, series, 2017) / _inw(ds, ALMERE, 2017))
        # target year 2022 has data: judged at it, and the 2024 report says the target year has passed
        assert row["mode"] == plan.AT_TARGET_YEAR and row["status_year"] == 2022 and row["report_after_target"]
        expected = "met" if row["status_value"] <= row["reference_value"] else "not_met"
        assert row["verdict"] == expected


def test_almere_targets_without_data_name_what_would_add_them(almere):
    _, t = almere
    assert t.loc["woninginbraak", "missing_input"] == ("woningen",)  # dwellings, never inhabitants instead
    assert t.loc["straatroof", "missing_input"] == ("police",)
    assert t.loc["jongerenoverlast", "missing_input"] == ("overlast",)
    assert t.loc["other:jeugdige_verdachten_12_24", "missing_input"] == ("verdachten", "jongeren_12_24")
    assert set(t.loc[t["missing_input"].map(len) > 0, "verdict"]) == {"missing"}


def test_future_target_is_judged_so_far(real):
    ds, _, _ = real
    ind = pd.DataFrame([{"region_code": LELYSTAD, "indicator_id": "X1", "indicator": "fietsdiefstal",
                         "series": "fietsdiefstal", "denominator": "inwoners", "reference_year": 2020,
                         "target_year": 2027, "target_value": None, "target_direction": "no_increase"}])
    ds2 = type(ds)(**{**ds.__dict__, "indicators": ind})
    row = di.relative_targets(ds2, LELYSTAD, plan.resolve(2024)).iloc[0]
    assert row["mode"] == plan.PROJECTION and row["status_year"] == 2024
    assert row["verdict"] == ("so_far_met" if row["status_value"] <= row["reference_value"] else "so_far_not_met")


def test_reference_year_outside_the_data_is_named_not_guessed(real):
    ds, _, _ = real
    ind = pd.DataFrame([{"region_code": LELYSTAD, "indicator_id": "X2", "indicator": "autokraak",
                         "series": "autokraak", "denominator": "inwoners", "reference_year": 2008,
                         "target_year": 2022, "target_value": None, "target_direction": "no_increase"}])
    ds2 = type(ds)(**{**ds.__dict__, "indicators": ind})
    row = di.relative_targets(ds2, LELYSTAD, plan.resolve(2024)).iloc[0]
    assert row["verdict"] == "no_reference" and row["missing_input"] == () and math.isnan(row["reference_value"])
