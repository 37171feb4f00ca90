"""trend: negative-binomial trend fit, projection, STL and the Dutch summary.

Series marked "simulated" come from ivpanalysis.analysis.simulate (truth known); the real national monthly
series are read from ../shared/realdata (skipped when absent).
"""
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from ivpanalysis.present import fmt, trend_text
from ivpanalysis.analysis import simulate, trend
from ivpanalysis.errors import DataError

NL_DIR = ("bernasco_staat_van_de_misdaad", "first_commit_14f99b5")


def _text(r) -> str:
    """The Dutch text of a trend or projection (present.trend_text)."""
    return trend_text.projection_summary(r) if isinstance(r, trend.Projection) else trend_text.summary(r)


def _sim(**kw):
    """A simulated series (labelled simulated data)."""
    seed = kw.pop("seed", 1)
    return simulate.simulate_series(simulate.Design(**kw), seed=seed)


@pytest.fixture(scope="module")
def monthly():
    return _sim(n_months=120, mean=120, alpha=0.05, covid_effect=-0.25, seed=7)


@pytest.fixture(scope="module")
def fit(monthly):
    return trend.fit_trend(monthly, region_name="Lelystad")


# --- contract -----------------------------------------------------------------------------------

def test_result_fields_and_units(fit):
    assert fit.status == "ok" and fit.ok
    assert fit.pct_ci_low < fit.pct_per_year < fit.pct_ci_high
    assert fit.change_per_year == pytest.approx(fit.pct_per_year / 100)
    assert fit.change_ci == pytest.approx((fit.pct_ci_low / 100, fit.pct_ci_high / 100))
    assert (fit.ci_low, fit.ci_high) == fit.change_ci  # the contract: fractions
    assert fit.frequency == "M" and fit.aggregated_to is None
    assert set(fit.model) >= {"formula", "family", "alpha", "alpha_method", "n", "frequency"}
    assert fit.model["n"] == 120 and fit.model["frequency"] == "M"
    assert "C(month)" in fit.model["formula"] and "covid" in fit.model["formula"]
    assert set(fit.diagnostics) >= {"pearson_dispersion", "resid_lag1", "resid_lag1_p", "autocorrelated",
                                    "working_rho", "working_share", "variance_inflation"}
    assert 0 <= fit.diagnostics["resid_lag1_p"] <= 1 and fit.diagnostics["variance_inflation"] >= 1
    assert fit.model["covariance"] == "ar1" and fit.model["registration_break"] == "2018-07"
    assert fit.notes == [] and fit.reason == {}


def test_fitted_frame_has_trend_band_and_full_model(fit, monthly):
    f = fit.fitted
    assert list(f.columns) == ["period", "observed", "expected", "fitted", "lower", "upper"]
    assert len(f) == len(monthly) and (f.index == monthly.index).all()
    assert (f["lower"] < f["fitted"]).all() and (f["fitted"] < f["upper"]).all()
    # trend line declines as the estimate says: 12 months on, fitted ratio = 1 + pct/100
    ratio = f["fitted"].iloc[12] / f["fitted"].iloc[0]
    assert ratio == pytest.approx(1 + fit.pct_per_year / 100, rel=1e-9)
    # the full model dips in the COVID window, the trend line does not
    inside = (f.index >= pd.Period("2020-03", "M")) & (f.index <= pd.Period("2021-06", "M"))
    assert (f.loc[inside, "expected"] / f.loc[inside, "fitted"]).mean() < 0.9
    assert fit.model["effects"]["covid"] < -0.1


def test_recovers_known_trend_and_dispersion():
    s = _sim(n_months=120, mean=400, alpha=0.05, pct_per_year=-5.0, seed=11)
    r = trend.fit_trend(s)
    assert r.pct_ci_low < -5.0 < r.pct_ci_high
    assert r.alpha == pytest.approx(0.05, rel=0.5)
    assert r.model["alpha_method"] == "pearson"


def test_alpha_is_estimated_not_statsmodels_default_one():
    # statsmodels' families.NegativeBinomial() silently uses alpha = 1; ours must be estimated
    r = trend.fit_trend(_sim(mean=200, alpha=0.02, seed=3))
    assert r.alpha < 0.1
    # and ML (profile) agrees with statsmodels' discrete NegativeBinomial MLE
    import statsmodels.api as sm
    s = _sim(mean=200, alpha=0.05, seed=4)
    ml = trend.fit_trend(s, alpha_method="ml", covid=False)
    X = trend._design(s.index, ml._spec)[ml._spec["columns"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = sm.NegativeBinomial(s.to_numpy(), X.to_numpy(), loglike_method="nb2").fit(disp=0, method="newton", maxiter=200)
    assert ml.alpha == pytest.approx(d.params[-1], rel=0.02)
    assert ml.params["t_years"] == pytest.approx(d.params[1], rel=1e-3)


def test_poisson_interval_is_too_narrow_for_overdispersed_counts():
    s = _sim(mean=400, alpha=0.1, seed=5)
    nb, po = trend.fit_trend(s), trend.fit_trend(s, family="poisson")
    assert (po.pct_ci_high - po.pct_ci_low) < 0.5 * (nb.pct_ci_high - nb.pct_ci_low)
    assert po.alpha == 0 and po.model["family"] == "poisson"


def test_population_offset_turns_counts_into_rates():
    s = _sim(mean=200, alpha=0.02, pct_per_year=0.0, seed=8)
    # population grows 3 % a year while counts stay flat: the rate falls ≈ 2.9 % a year
    years = range(s.index[0].year, s.index[-1].year + 1)
    pop = pd.Series([50000 * 1.03 ** (y - 2014) for y in years], index=pd.PeriodIndex([pd.Period(str(y), "Y") for y in years]))
    flat = trend.fit_trend(s)
    rate = trend.fit_trend(s, population=pop)
    assert rate.pct_per_year == pytest.approx((1 + flat.pct_per_year / 100) / 1.03 * 100 - 100, abs=0.3)
    assert "offset(log(population))" in rate.model["formula"] and "per inwoner" in _text(rate)
    # a number is a constant offset: same slope as without
    assert trend.fit_trend(s, population=60000).pct_per_year == pytest.approx(flat.pct_per_year, abs=1e-6)


def test_population_gap_is_a_named_error():
    s = _sim(mean=100, seed=2)
    pop = pd.Series(60000.0, index=pd.PeriodIndex([pd.Period(str(y), "Y") for y in range(2014, 2022)]))
    with pytest.raises(DataError, match=r"population missing .*2022-01"):
        trend.fit_trend(s, population=pop)


def test_registration_break_is_in_the_model_by_default():
    jumped = _sim(mean=300, alpha=0.02, break_effect=math.log(1.3), seed=9)
    with_break = trend.fit_trend(jumped)
    assert "after_2018-07" in with_break.model["formula"]
    b, se = with_break.params["after_2018_07"], math.sqrt(with_break.cov.loc["after_2018_07", "after_2018_07"])
    assert abs(b - math.log(1.3)) < 3 * se and se < 0.1
    assert with_break.model["effects"]["after_2018_07"] == pytest.approx(math.expm1(b))
    assert with_break.pct_ci_low < -5 < with_break.pct_ci_high
    assert "juli 2018" in _text(with_break)
    # ignoring the jump (opting out) bends the trend upwards
    assert trend.fit_trend(jumped, registration_break=False).pct_per_year > with_break.pct_ci_high
    # a series that does not span July 2018 has no break term and no note about it
    late = trend.fit_trend(jumped["2019-01":])
    assert late.ok and "after_2018_07" not in late.model["terms"] and late.notes == []


def test_custom_covid_window_and_no_covid():
    s = _sim(mean=100, seed=12)
    r = trend.fit_trend(s, covid=("2020-04", "2020-12"))
    assert r.model["covid_window"] == ("2020-04", "2020-12") and "april 2020 – december 2020" in _text(r)
    assert "covid" not in trend.fit_trend(s, covid=False).model["formula"]


# --- small counts, annual series, no data -------------------------------------------------------

def test_small_counts_are_aggregated_to_quarters():
    s = _sim(mean=4, alpha=0.05, seed=13)
    r = trend.fit_trend(s)
    assert r.aggregated_to == "Q" and r.frequency == "Q" and r.input_frequency == "M"
    assert len(r.fitted) == 40 and "C(quarter)" in r.model["formula"]
    assert "kwartaaltotalen" in _text(r) and "minder dan 10" in _text(r)
    # quarter totals are the sums of their months
    assert r.fitted["observed"].iloc[0] == s.iloc[:3].sum()
    assert trend.fit_trend(s, aggregate=None).frequency == "M"


def test_incomplete_quarter_stays_missing():
    s = _sim(mean=4, alpha=0.05, seed=13).copy()
    s.iloc[4] = np.nan  # May 2014 missing -> Q2 2014 unknown, not a smaller count
    r = trend.fit_trend(s)
    assert math.isnan(r.fitted.loc[pd.Period("2014Q2", "Q"), "observed"])
    assert r.model["n"] == 39


def test_short_annual_series_say_no_trend_can_be_told():
    a = pd.Series([4549.0, 4176.0, 4041.0, 4240.0], index=pd.period_range("2016", periods=4, freq="Y"))
    r = trend.fit_trend(a, region_name="Lelystad", measure_label="Criminaliteit totaal",
                        min_annual_points=trend.MIN_ANNUAL_POINTS)  # as the report asks
    assert r.status == "too_short" and not r.ok and math.isnan(r.pct_per_year)
    assert r.reason == {"code": "short_annual", "periods": 4, "minimum": 8, "first": "2016", "last": "2019", "freq": "Y"}
    assert "vier jaarcijfers" in _text(r) and "geen trend" in _text(r)
    assert trend.project(r, 2022).status == "too_short"
    # the library's default fits from three points (α borrowed from the municipalities' year-to-year
    # spread) and says how little that shows
    r4 = trend.fit_trend(a, region_name="Lelystad")
    assert r4.ok and r4.model["n"] == 4 and r4.model["alpha_method"] == "borrowed"
    assert "vier jaarcijfers laten weinig zien" in _text(r4) and "niet uit deze reeks geschat" in _text(r4)
    assert r4.pct_ci_low < r4.pct_per_year < r4.pct_ci_high and r4.pct_ci_high - r4.pct_ci_low > 10
    # integer years and dates are accepted too
    ints = pd.Series(a.to_numpy(), index=[2016, 2017, 2018, 2019])
    assert trend.fit_trend(ints).pct_per_year == pytest.approx(r4.pct_per_year)


def test_eight_annual_points_fit_with_break_and_covid():
    a = pd.Series([5200.0, 5000, 4900, 5300, 5200, 4500, 4700, 4800], index=pd.period_range("2015", periods=8, freq="Y"))
    r = trend.fit_trend(a)
    assert r.ok and r.model["n"] == 8
    assert {"covid", "after_2018_07"} <= set(r.model["terms"]) and r.model["alpha_method"] == "borrowed"


def test_annual_with_covid_year_drops_terms_it_cannot_estimate():
    a = pd.Series([4549.0, 4176.0, 4041.0, 4240.0], index=pd.period_range("2017", periods=4, freq="Y"))
    r = trend.fit_trend(a)
    assert r.ok and "covid" not in r.model["terms"] and "COVID-periode" in _text(r)
    assert {"code": "term_dropped", "term": "covid", "n": 4} in r.notes


@pytest.mark.parametrize("values,status", [([0.0] * 24, "no_data"), ([np.nan] * 24, "no_data"),
                                           ([0.0] * 22 + [1.0, 2.0], "too_few")])
def test_no_data_is_a_result_not_a_line(values, status):
    s = pd.Series(values, index=pd.period_range("2019-01", periods=24, freq="M"))
    r = trend.fit_trend(s, region_name="Lelystad")
    assert r.status == status and not r.ok
    assert math.isnan(r.pct_per_year) and math.isnan(r.pct_ci_low) and r.fitted.empty
    assert "Lelystad" in _text(r) and ("Geen gegevens" in _text(r) or "Te weinig" in _text(r))
    p = trend.project(r, 2022, target=10)
    assert p.status == status and math.isnan(p.prob_below)


def test_missing_months_stay_missing(monthly):
    s = monthly.copy()
    s.iloc[[5, 6, 50]] = np.nan
    r = trend.fit_trend(s)
    assert r.model["n"] == 117
    assert r.fitted["observed"].isna().sum() == 3 and r.fitted["fitted"].notna().all()


# --- input checks -------------------------------------------------------------------------------

def test_tidy_frame_input(monthly):
    df = pd.DataFrame({"region_code": "GM0995", "region_name": "Lelystad", "period": list(monthly.index),
                       "measure": "0.0.0", "measure_label": "Misdrijven, totaal", "value": monthly.to_numpy()})
    r = trend.fit_trend(df)
    assert r.pct_per_year == pytest.approx(trend.fit_trend(monthly).pct_per_year)
    assert r.region_name == "Lelystad" and "Misdrijven, totaal" in _text(r)
    two = pd.concat([df, df.assign(region_code="GM0363")])
    with pytest.raises(DataError, match="more than one region_code"):
        trend.fit_trend(two)


def test_datetime_index_is_accepted(monthly):
    s = pd.Series(monthly.to_numpy(), index=monthly.index.to_timestamp())
    assert trend.fit_trend(s).pct_per_year == pytest.approx(trend.fit_trend(monthly).pct_per_year)


@pytest.mark.parametrize("bad,message", [
    (pd.Series([1.0, -2.0, 3.0], index=pd.period_range("2019-01", periods=3, freq="M")), "negative counts"),
    (pd.Series([1.0, 2.0], index=[pd.Period("2019-01", "M"), pd.Period("2019-01", "M")]), "duplicated periods"),
    (pd.Series([1.0, 2.0], index=[pd.Period("2019-01", "M"), pd.Period("2019", "Y")]), "mixed frequency"),
    (pd.Series([1.0, 2.0], index=["a", "b"]), "not a time index"),
    (pd.Series([], dtype=float), "empty series"),
])
def test_bad_input_is_a_named_error(bad, message):
    with pytest.raises(DataError, match=message):
        trend.fit_trend(bad)


# --- summary ------------------------------------------------------------------------------------

def test_summary_numbers_come_from_fmt(fit):
    text = _text(fit)
    expected = (f"gemiddeld {fmt.pct(fit.pct_per_year, 1)} per jaar "
                f"(95%-BI {fmt.pct(fit.pct_ci_low, 1)} tot {fmt.pct(fit.pct_ci_high, 1)})")
    assert expected in text
    assert re.search(r"−\d+,\d%", text)  # typographic minus, decimal comma
    assert "Lelystad" in text and "120 maandcijfers" in text


def test_summary_says_when_interval_contains_zero():
    r = trend.fit_trend(_sim(mean=40, alpha=0.1, pct_per_year=0.0, n_months=96, seed=21))
    assert r.pct_ci_low < 0 < r.pct_ci_high  # fixed seed: this draw's interval contains 0
    assert "niet aan te tonen" in _text(r) and "groter dan toevallige" not in _text(r)


# --- projection ---------------------------------------------------------------------------------

def test_projection_interval_and_prob_below(fit):
    p = trend.project(fit, 2025, target=1000)
    assert p.status == "ok" and p.lower < p.expected < p.upper
    # the expected count is the sum of the trend model over the twelve months
    assert 800 < p.expected < 1400
    assert 0 <= p.prob_below <= 1
    assert p.prob_below == pytest.approx(float((p.draws < 1000).mean()))
    # far above / below the interval
    assert trend.project(fit, 2025, target=p.upper * 2).prob_below == 1.0
    assert trend.project(fit, 2025, target=p.lower / 2).prob_below == 0.0
    # reproducible with the same seed
    assert trend.project(fit, 2025, target=1000).prob_below == p.prob_below


def test_projection_interval_holds_parameter_and_process_uncertainty(fit):
    p = trend.project(fit, 2026)
    # process-only NB variance of a year total, summed over months at the estimate
    X = trend._design(pd.period_range("2026-01", periods=12, freq="M"), fit._spec)[fit._spec["columns"]]
    mu = np.exp(X.to_numpy() @ fit.params.to_numpy())
    process_sd = math.sqrt((mu + fit.alpha * mu ** 2).sum())
    assert np.std(p.draws) > process_sd  # the parameter draws add to the process variance


def test_projection_prob_below_is_calibrated_on_simulated_futures():
    # simulated data: fit 2014-2021, project 2023; the actual 2023 totals fall inside the 95 %
    # interval and prob_below at the actual total is roughly uniform (mean 0.5)
    r = simulate.projection_check(simulate.Design(n_months=120, mean=150, alpha=0.05), reps=60, n_sims=4000,
                                  covid=False)
    assert r["pi_coverage"] >= 0.85  # binomial s.d. at 60 reps ≈ 0.03
    assert 0.35 < r["mean_pit"] < 0.65


def test_projection_with_population_uses_last_known():
    s = _sim(mean=200, alpha=0.02, seed=8)
    r = trend.fit_trend(s, population=60000)
    p = trend.project(r, 2025)
    assert p.population == 60000 and "laatst bekende" in _text(p)
    assert trend.project(r, 2025, population=120000).expected == pytest.approx(2 * p.expected)


def test_annual_projection_for_the_dashboard():
    a = pd.Series([4549.0, 4176.0, 4041.0, 4240.0], index=pd.period_range("2016", periods=4, freq="Y"))
    p = trend.project(trend.fit_trend(a), 2022, target=4000)
    assert 0 < p.prob_below < 1 and p.lower < 4000 < p.upper


# --- STL and average ----------------------------------------------------------------------------

def test_stl_trend_is_robust_to_the_covid_dip(monthly):
    st = trend.stl_trend(monthly)
    assert len(st) == len(monthly) and st.notna().all()
    truth = simulate.expected_counts(simulate.Design(n_months=120, mean=120, alpha=0.05, covid_effect=-0.25))
    assert st.iloc[:60].mean() > st.iloc[60:].mean()
    assert abs(st.iloc[:60].mean() / truth.iloc[:60].mean() - 1) < 0.1
    assert trend.stl_trend(pd.Series([1.0, 2.0, 3.0], index=pd.period_range("2019", periods=3, freq="Y"))) is None


def test_multi_year_average(monthly):
    assert trend.multi_year_average(monthly) == pytest.approx(monthly.mean())
    assert trend.multi_year_average(monthly, "2016-01", "2016-12") == pytest.approx(monthly["2016-01":"2016-12"].mean())


# --- real national monthly series ---------------------------------------------------------------

def _nl_series(realdata):
    d = pd.read_csv(realdata.joinpath(*NL_DIR, "NL_Crime.csv"))
    out = {}
    for code, g in d.groupby("crime_type_code"):
        out[code] = pd.Series(g["frequency"].to_numpy(dtype=float), index=pd.PeriodIndex(pd.to_datetime(g["date"]), freq="M"))
    return out


@pytest.mark.realdata
def test_every_national_series_fits_or_says_why(realdata):
    series = _nl_series(realdata)
    assert len(series) == 59
    statuses = {}
    for code, s in series.items():
        r = trend.fit_trend(s, measure_label=code, region_name="Nederland")
        statuses[code] = r.status
        assert _text(r)
        if (s == 0).all():
            assert r.status == "no_data"
        elif r.ok:
            assert r.pct_ci_low < r.pct_per_year < r.pct_ci_high and -60 < r.pct_per_year < 60
            assert r.alpha < trend.ALPHA_BOUNDS[1]  # an interior estimate, not the search bound
    assert sum(v == "ok" for v in statuses.values()) >= 53
    assert statuses["1.4.1 Zedenmisdrijf"] == "no_data"
    assert statuses["3.3.5 Lucht (overig)"] == "too_few"  # two events in twelve years


@pytest.mark.realdata
def test_national_total_with_population(realdata):
    s = _nl_series(realdata)["Totaal misdrijven"]
    p = pd.read_csv(realdata.joinpath(*NL_DIR, "NL_Population.csv"))
    pop = pd.Series(p["population"].to_numpy(dtype=float), index=pd.PeriodIndex(pd.to_datetime(p["date"]), freq="M"))
    yearly = pop.groupby(pop.index.year).mean()
    r = trend.fit_trend(s, population=yearly, region_name="Nederland", measure_label="Misdrijven, totaal")
    assert r.ok and -6 < r.pct_per_year < -2
    assert r.model["effects"]["covid"] < 0
    # 12 years of national data: residual autocorrelation is real and the summary warns about it
    assert r.diagnostics["autocorrelated"] and r.diagnostics["resid_lag1_p"] < 0.001
    assert r.diagnostics["variance_inflation"] > 1.5 and "hangen onderling samen" in _text(r)
    # the monthly population ends 2023-11: fitting on it names the missing month
    with pytest.raises(DataError, match="2023-12"):
        trend.fit_trend(s, population=pop)


@pytest.mark.realdata
def test_burglaries_per_municipality_from_misdaad_in_kaart(realdata):
    import ivpanalysis as iv
    from ivpanalysis.ingest.loaders.politie_mik import to_municipalities

    df = iv.read(realdata / "siffels_misdaad_in_kaart" / "MiK-Nederland-PC4.csv")
    pc4 = pd.read_csv(realdata / "certegis_pc4_gemeente" / "postcodes.csv", dtype={"postcode": str})
    g = to_municipalities(df, pc4)
    burglary = g[g["measure"] == "woninginbraak"]
    # to_municipalities gives every covered month, 0 where the incident list has none
    months = pd.period_range(*g.attrs["months"], freq="M")

    def series(code):
        sub = burglary[burglary["region_code"] == code]
        s = pd.Series(sub["value"].to_numpy(), index=pd.PeriodIndex(sub["period"]))
        assert list(s.index) == list(months)
        s.attrs.update(region_name=sub["region_name"].iloc[0], measure_label="Woninginbraak")
        return s

    # Amsterdam: enough a month for a monthly model
    ams = trend.fit_trend(series("GM0363"))
    assert ams.ok and ams.frequency == "M" and ams.region_name == "Amsterdam"
    assert "Woninginbraak" in _text(ams) and "Amsterdam" in _text(ams)
    # Lelystad: under ten a month -> quarters, alpha still estimated from the series itself
    lely = trend.fit_trend(series("GM0995"))
    assert lely.ok and lely.aggregated_to == "Q" and "kwartaaltotalen" in _text(lely)
    assert lely.model["alpha_method"] == "pearson" and lely.pct_ci_low < 0 < lely.pct_ci_high
    # every municipality with burglaries gives a result, never an exception
    totals = burglary[burglary["region_code"] != ""].groupby("region_code")["value"].sum()
    codes = sorted(totals.index[totals > 0])[:40]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no rank-deficient designs, no convergence trouble
        statuses = {code: trend.fit_trend(series(code)).status for code in codes}
    assert set(statuses.values()) <= {"ok", "too_few"} and "ok" in statuses.values()
    # the tidy frame itself fits too; a municipality without a single burglary says "no data"
    assert trend.fit_trend(burglary[burglary["region_code"] == codes[0]]).status in {"ok", "too_few"}
    none = sorted(totals.index[totals == 0])
    if none:
        assert trend.fit_trend(series(none[0])).status == "no_data"


def test_quarterly_input_and_yearly_dates():
    q = _sim(mean=150, alpha=0.02, seed=31)
    quarters = q.groupby(q.index.asfreq("Q")).sum()
    r = trend.fit_trend(quarters)
    assert r.ok and r.frequency == "Q" and r.input_frequency == "Q" and r.aggregated_to is None
    assert "C(quarter)" in r.model["formula"] and r.pct_ci_low < -5 < r.pct_ci_high
    # forcing quarters on the monthly series gives the same fit
    assert trend.fit_trend(q, aggregate="Q").pct_per_year == pytest.approx(r.pct_per_year)
    years = pd.Series([4549.0, 4176.0, 4041.0, 4240.0], index=pd.to_datetime(["2016-01-01", "2017-01-01", "2018-01-01", "2019-01-01"]))
    assert trend.fit_trend(years).frequency == "Y"
    with pytest.raises(DataError, match="cannot aggregate Y periods to Q"):
        trend.fit_trend(years, aggregate="Q")  # years cannot become quarters
    with pytest.raises(ValueError, match="aggregate must be"):
        trend.fit_trend(quarters, aggregate="M")


def test_population_needed_only_where_there_is_a_count():
    """A year with neither count nor population is a gap in the line, not an error (no stand-in population)."""
    idx = pd.PeriodIndex([pd.Period(str(y), "Y") for y in range(2012, 2020)])
    counts = pd.Series([500.0, 480, np.nan, 450, 440, 420, 410, 400], index=idx)
    pop = pd.Series([80e3, 81e3, np.nan, 82e3, 82.5e3, 83e3, 83.5e3, 84e3], index=idx)
    r = trend.fit_trend(counts, population=pop)
    assert r.ok and r.fitted["fitted"].isna().tolist() == [False, False, True] + [False] * 5
    with pytest.raises(DataError, match="population missing"):
        trend.fit_trend(counts.fillna(460.0), population=pop)


def test_covariance_options_and_the_working_correlation():
    s = _sim(n_months=120, mean=300, alpha=0.02, seed=21)
    fits = {c: trend.fit_trend(s, cov_type=c) for c in ("ar1", "model", "hac")}
    assert all(f.ok for f in fits.values())
    # same coefficients, different covariance; the AR sandwich never narrows below independence by much
    assert len({round(f.pct_per_year, 9) for f in fits.values()}) == 1
    ar, ind = fits["ar1"], fits["model"]
    assert ar.diagnostics["variance_inflation"] >= 1 or ar.diagnostics["working_share"] == 0
    assert ind.model["covariance"] == "model" and ind.diagnostics["working_rho"] == 0
    with pytest.raises(ValueError, match="cov_type must be one of"):
        trend.fit_trend(s, cov_type="robust")
    # an AR(1) latent level widens the interval and is flagged by the lag-1 check
    cell = simulate.ARCell(freq="M", n=144, level="large", rho=0.7)
    y, _ = simulate.simulate_ar(cell, np.random.default_rng(5), 1)
    series = pd.Series(y[0, :cell.n], index=cell.periods()[:cell.n])
    r, naive = trend.fit_trend(series), trend.fit_trend(series, cov_type="model")
    assert r.diagnostics["autocorrelated"] and r.diagnostics["working_rho"] > 0.3
    assert (r.pct_ci_high - r.pct_ci_low) > 1.5 * (naive.pct_ci_high - naive.pct_ci_low)
