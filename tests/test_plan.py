"""Plan framing: defaults, precedence of indicators.csv rows, judged at the target year or projected."""
import pandas as pd
import pytest

from ivpanalysis import paths
from ivpanalysis.analysis import plan


def test_default_reference_year_is_report_year_minus_four():
    f = plan.resolve(2024)
    assert (f.reference_year, f.plan_start, f.target_year) == (2020, None, None)
    assert f.sources == {"plan_start": "absent", "reference_year": "default", "target_year": "absent"}
    assert not f.report_after_target


def test_arguments_are_kept_and_checked():
    f = plan.resolve(2024, plan_start=2019, reference_year="2017", target_year=2022)
    assert (f.plan_start, f.reference_year, f.target_year) == (2019, 2017, 2022)
    assert f.report_after_target
    with pytest.raises(ValueError, match="target_year 2018 lies before plan_start 2019"):
        plan.resolve(2024, plan_start=2019, target_year=2018)
    with pytest.raises(ValueError, match="reference_year 2025 lies after the report year"):
        plan.resolve(2024, reference_year=2025)
    with pytest.raises(ValueError, match="reference_year must be a year"):
        plan.resolve(2024, reference_year="vorig jaar")


def test_judged_at_target_year_when_it_has_data():
    j = plan.judge(2022, range(2012, 2025), 2024)
    assert (j.mode, j.status_year, j.report_after_target) == (plan.AT_TARGET_YEAR, 2022, True)


def test_projected_only_into_a_year_to_come():
    j = plan.judge(2026, range(2012, 2025), 2024)
    assert (j.mode, j.status_year, j.projection_years, j.report_after_target) == (plan.PROJECTION, 2024, 2, False)
    # the target year passed but its figure is missing: never a projection into the past
    j = plan.judge(2022, [2018, 2019, 2020], 2024)
    assert (j.mode, j.status_year) == (plan.PASSED_WITHOUT_DATA, 2020)
    # the running report year itself may still be projected
    assert plan.judge(2024, [2022, 2023], 2024).mode == plan.PROJECTION


def test_no_target_year_and_no_data():
    assert plan.judge(None, [2020, 2021], 2021).mode == plan.NO_TARGET_YEAR
    assert plan.judge(2022, [], 2021).mode == plan.NO_DATA
    # data after the report year are not used for the status
    assert plan.judge(None, [2020, 2025], 2021).status_year == 2020


def test_rows_of_indicators_csv_take_precedence():
    ind = pd.read_csv(paths.PROJECT_DIR / "data" / "indicators.csv", dtype={"region_code": str})
    almere = ind[ind.region_code == "GM0034"].reset_index(drop=True)
    almere.loc[0, "target_year"] = None  # a row without its own target year takes the argument's
    f = plan.resolve(2025, reference_year=2020, target_year=2026)
    out = plan.resolve_rows(almere, f, years_of=lambda row: range(2012, 2026))
    assert out.loc[1, ["reference_year_used", "reference_year_source"]].tolist() == [2017, "indicators.csv"]
    assert out.loc[1, ["target_year_used", "mode", "report_after_target"]].tolist() == [2022, plan.AT_TARGET_YEAR, True]
    assert out.loc[0, ["target_year_used", "target_year_source"]].tolist() == [2026, "argument"]
    assert out.loc[0, "mode"] == plan.PROJECTION
