"""The trend and gap sections on a folder built from the real public files (issue 18 items 3 and 6),
and the series they pick on small frames."""
import numpy as np
import pandas as pd
import pytest

from ivpanalysis import paths
from ivpanalysis.analysis import series
from ivpanalysis.ingest.fetch import snapshot_from_file

R = paths.REALDATA_DIR
FILES = [R / f for f in (
    "dreyer_47018NED_gemeente_jaar/data.json", "chelsj_47013NED_meta_37230ned/Bevolking_Gemeenten.csv",
    "chelsj_47013NED_meta_37230ned/bevolkingeindeperiod_21122025.csv",
    "leetjes_gebieden_in_nederland/inwonertal.csv", "mokken_veiligheidsmonitor_provincie/veiligheidsbeleving_gemeente.csv",
    "gewoonmaarten_provincies/Veiligheidsgevoel Provincies.csv", "mokken_veiligheidsmonitor_provincie/Misdrijven_per_gemeente.csv",
    "siffels_misdaad_in_kaart/MiK-Nederland-PC4.csv", "certegis_pc4_gemeente/postcodes.csv",
    "visualicious_47013NED_maand_aaenhunze/crimes_theft_shortened.tsv")]


def _incidents(values, partial_first=True):
    periods = [str(p) for p in pd.period_range("2023-04", periods=len(values), freq="M")]
    rows = []
    for i, (p, v) in enumerate(zip(periods, values)):
        part = (i == 0 and partial_first) or i == len(values) - 1
        for m in series.BURGLARY_PARTS:
            rows.append({"region_code": "GM0995", "period": p, "measure": m, "value": float(v), "partial": part,
                         "source": "MiK.csv"})
    return pd.DataFrame(rows)


def test_incident_series_leaves_partial_months_out_and_sums_both_parts():
    s = series.incident_series(_incidents([100] + [5] * 30 + [100]), "GM0995")
    assert s.left_out == ("2023-04", "2025-11")
    assert len(s.values) == 30 and (s.values == 10).all()  # geslaagd + poging, partial 100s not counted
    assert series.incident_series(_incidents([5] * 10), "GM0995") is None  # too short for a trend


def test_seasonal_factors_from_month_coefficients():
    params = pd.Series({"const": 1.0, "t_years": -0.1, **{f"month_{k:02d}": (0.2 if k == 12 else 0.0) for k in range(2, 13)}})
    f = series.seasonal_factors(params)
    assert len(f) == 12 and np.isclose(np.exp(np.log(f).mean()), 1.0)
    assert f.idxmax() == 12 and np.isclose(f[12] / f[1], np.exp(0.2))
    assert series.seasonal_factors(pd.Series({"const": 1.0, "t_years": 0.0})).empty


def test_annual_series_needs_five_years_and_keeps_gaps_missing():
    counts = pd.DataFrame({2016: [10.0, 5.0], 2017: [np.nan, 6.0], 2018: [12.0, np.nan], 2019: [11.0, np.nan],
                           2020: [9.0, np.nan], 2021: [8.0, 7.0]}, index=["a", "b"])
    out = series.annual_series(counts)
    assert list(out) == ["a"] and np.isnan(out["a"].values[2017])


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    if not R.is_dir():
        pytest.skip(f"real public data not found at {R}")
    return snapshot_from_file(FILES, tmp_path_factory.mktemp("real") / "data")


@pytest.mark.realdata
@pytest.mark.slow
def test_lelystad_annual_trends_and_monthly_burglaries(folder):
    from ivpanalysis.report import content, trend_view
    ctx = content.context("GM0995", data_dir=folder)
    av = trend_view.available(ctx)
    assert {"autokraak", "fietsdiefstal", "vernielingen"} <= set(av["annual"])
    assert av["incidents"] is not None and av["incidents"].left_out  # partial first/last month kept out
    assert str(av["incidents"].first) not in av["incidents"].left_out
    res = trend_view.fitted(ctx, av["annual"]["autokraak"])
    assert res.ok and res.pct_ci_high < 0  # autokraak fell 2012-2025 in Lelystad (230 a year on average to 121)
    html = content.trend_section(ctx).data
    assert "Trend per soort misdrijf in Lelystad" in html and "Autokraak" in html
    assert 'alt="Woninginbraken (geslaagd en poging) per maand in Lelystad met trendlijn' in html
    assert "Maandtrend woninginbraak" in html and "Jaartrends" in html  # says which series and why
    assert content.esc(content.missing("monthly", ctx)) not in html


@pytest.mark.realdata
@pytest.mark.slow
def test_monthly_series_across_july_2018_is_marked_at_its_date(folder):
    from ivpanalysis.present import charts
    from ivpanalysis.report import content, trend_view
    ctx = content.context("GM1680", data_dir=folder)  # Aa en Hunze: 47013NED months 2012-2023
    s = trend_view.available(ctx)["monthly"]["criminaliteit_totaal"]
    res = trend_view.fitted(ctx, s)
    assert res.ok and str(s.first) == "2012-01"
    fig = charts.plot_trend(res, ctx.name)
    brk = [a for a in fig.axes[0].get_lines() if a.get_gid() == "break"]
    assert len(brk) == 1
    x = pd.Timestamp(brk[0].get_xdata()[0])
    assert (x.year, x.month, x.day) == (2018, 7, 1)  # July 2018, not January
    assert any(a.get_gid() == "trend" for a in fig.axes[0].get_lines())
    assert "Seizoenspatroon volgens het model" in content.trend_section(ctx).data


@pytest.mark.realdata
@pytest.mark.slow
def test_provincial_survey_is_never_the_municipality_own(folder):
    from ivpanalysis.report import content, gap_view
    ctx = content.context("GM0995", data_dir=folder)
    assert gap_view.province_of(ctx) == "PV24"
    html = content.gap_section(ctx).data
    assert "Ter vergelijking, niet voor Lelystad zelf: in de provincie Flevoland voelde in 2017" in html
    assert content.esc(content.pointer("survey", ctx)) in html  # its own figure is missing: a pointer to the box


@pytest.mark.realdata
@pytest.mark.slow
def test_province_population_only_where_every_member_is_reached(folder):
    from ivpanalysis import load
    from ivpanalysis.report import gap_view
    ds = load(folder)
    pop = gap_view.province_population(ds.population, ds.regions, 2017).set_index("region_code")["value"]
    members = ds.regions[ds.regions["province_code"] == "PV24"]["region_code"]
    p = ds.population
    own = p[(p["measure"] == "inwoners") & p["region_code"].isin(members) & np.array([x.year == 2017 for x in p["period"]])]
    assert pop["PV24"] == own.drop_duplicates("region_code")["value"].sum()  # Flevoland: six municipalities unchanged


@pytest.mark.realdata
@pytest.mark.slow
def test_gap_across_the_twelve_provinces(folder):
    from ivpanalysis.report import content, gap_view
    ctx = content.context("GM0995", data_dir=folder)
    res = gap_view.across(ctx)
    assert res.attrs["unit_kind"] == "province" and res.attrs["survey_year"] == 2017 and len(res) == 12
    flev = res.set_index("unit").loc["PV24"]
    assert (flev["crime_count"], flev["pct_unsafe"]) == (18398, 19.9)  # Misdrijven_per_gemeente.csv, VM 2017
    pop = gap_view.province_rows(ctx.data.population, ctx.data.regions, 2017).set_index("region_code")["value"]
    assert pop["PV24"] == 407818  # 37230ned: Flevoland at the end of 2016 = 1 January 2017
    html = content.gap_section(ctx).data
    assert "Vergelijking tussen 12 provincies in 2017" in html
    assert 'alt="Provincies naar geregistreerde criminaliteit en onveiligheidsgevoel in 2017, Flevoland gemarkeerd' in html
