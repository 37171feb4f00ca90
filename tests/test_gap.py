"""Objective-versus-subjective gap: model, intervals, verdicts, inputs from data (numbers; text in test_gap_text)."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import ivpanalysis as iv
from ivpanalysis.present import fmt
from ivpanalysis.analysis import gap
from ivpanalysis.analysis.gap_simulation import simulate_units
from ivpanalysis.present import gap_text
from ivpanalysis.errors import DataError


def _units(n=30, seed=1, margin=True, tau=1.5):
    df = simulate_units(n, seed=seed, tau=tau, with_margin=margin).drop(columns="planted")
    return df


# --- across units ------------------------------------------------------------------------------

def test_without_margins_is_ols_with_externally_studentized_residuals():
    df = _units(margin=False)
    res = gap.gap_across(df, tau_method="moments")
    X = sm.add_constant(np.log(df["crime_per_1000"].to_numpy()))
    ols = sm.OLS(df["pct_unsafe"].to_numpy(), X).fit()
    infl = ols.get_influence()
    np.testing.assert_allclose(res["residual_z"], infl.resid_studentized_external, rtol=1e-9)
    np.testing.assert_allclose(list(res.attrs["coefficients"].values()), ols.params, rtol=1e-9)
    # expected is the prediction from the other units: y - expected is the deleted residual
    np.testing.assert_allclose(res["residual"], ols.resid / (1 - infl.hat_matrix_diag), rtol=1e-9)
    assert res.attrs["has_margin"] is False and res.attrs["df"] == len(df) - 3
    assert {"key": "no_margins"} in res.attrs["notes"]


def test_with_margins_is_wls_with_precision_plus_between_unit_variance():
    df = _units(n=40, seed=3)
    res = gap.gap_across(df, tau_method="moments")
    tau2 = res.attrs["tau"] ** 2
    se2 = (df["margin"] / gap.Z95) ** 2
    X = sm.add_constant(np.log(df["crime_per_1000"].to_numpy()))
    wls = sm.WLS(df["pct_unsafe"].to_numpy(), X, weights=1 / (se2 + tau2)).fit()
    np.testing.assert_allclose(list(res.attrs["coefficients"].values()), wls.params, rtol=1e-6)
    np.testing.assert_allclose(res["se"], df["margin"] / gap.Z95)
    # one unit checked by hand: leave it out, refit, predict, studentize
    k = 7
    others = df.drop(index=k)
    loo = gap.gap_across(others, tau_method="moments")
    b = loo.attrs["coefficients"]
    Xo = sm.add_constant(np.log(others["crime_per_1000"].to_numpy()))
    w = 1 / ((others["margin"] / gap.Z95) ** 2 + loo.attrs["tau"] ** 2)
    cov = np.linalg.inv(Xo.T @ (w.to_numpy()[:, None] * Xo))
    x = np.array([1.0, np.log(df["crime_per_1000"].iloc[k])])
    exp_k = b["intercept"] + b["log_crime_per_1000"] * x[1]
    sd_k = np.sqrt(loo.attrs["tau"] ** 2 + se2.iloc[k] + x @ cov @ x)
    assert res["expected"].iloc[k] == pytest.approx(exp_k, rel=1e-9)
    assert res["sd_pred"].iloc[k] == pytest.approx(sd_k, rel=1e-9)


def test_tau_estimates_the_between_unit_spread():
    big = simulate_units(2000, seed=5, tau=3.0).drop(columns="planted")
    assert gap.gap_across(big, tau_method="moments").attrs["tau"] == pytest.approx(3.0, rel=0.1)
    mid = simulate_units(400, seed=5, tau=3.0).drop(columns="planted")
    assert gap.gap_across(mid).attrs["tau"] == pytest.approx(3.0, rel=0.12)  # the robust default, same target
    none = simulate_units(400, seed=6, tau=0.0).drop(columns="planted")
    assert gap.gap_across(none).attrs["tau"] < 0.6  # sampling error alone: little left for tau


def _with_outlier(n=12, seed=31, size=5.0):
    """Province-like units (simulated) and the same units with one of them moved ``size`` of its sd up."""
    df = simulate_units(n, seed=seed, tau=1.3, margin_range=(0.5, 2.5)).drop(columns="planted")
    sd = np.sqrt(1.3 ** 2 + (df["margin"] / gap.Z95) ** 2)
    moved = df.copy()
    moved.loc[4, "pct_unsafe"] += size * sd.iloc[4]
    return df, moved


def test_one_outlier_does_not_inflate_the_robust_tau_nor_hide_the_others():
    clean, moved = _with_outlier()
    robust, moments = gap.gap_across(moved), gap.gap_across(moved, tau_method="moments")
    base = gap.gap_across(clean)
    assert moments.attrs["tau"] > 1.5 * robust.attrs["tau"]  # moments: the outlier is taken for spread
    assert robust.attrs["tau"] - base.attrs["tau"] < 0.5 * (moments.attrs["tau"] - base.attrs["tau"])
    others = moved.index != 4
    # the other units are judged against intervals about as wide as without the outlier …
    np.testing.assert_allclose(robust.loc[others, "sd_pred"], base.loc[others, "sd_pred"], rtol=0.35)
    assert (moments.loc[others, "sd_pred"] > robust.loc[others, "sd_pred"]).mean() > 0.8
    # … and the outlier itself is flagged, set aside from the others' fits, and said so
    assert robust.loc[4, "flag"] and {"key": "set_aside", "units": ["E004"]} in robust.attrs["notes"]
    assert "E004" in " ".join(gap_text.notes_text(robust))
    assert robust.attrs["tau_method"] == "huber" and not any(n["key"] == "set_aside" for n in base.attrs["notes"])


def test_an_unknown_tau_method_is_refused():
    with pytest.raises(ValueError, match="tau_method"):
        gap.gap_across(_units(), tau_method="median")


def test_shrunken_gap_is_the_blup_with_its_prediction_error():
    """Against the mixed-model algebra: û = τ²·P·y, Var(u − û) = τ² − τ⁴·Pᵢᵢ, P = Σ⁻¹ − Σ⁻¹X(X'Σ⁻¹X)⁻¹X'Σ⁻¹."""
    df = _units(n=25, seed=14, tau=2.0)
    res = gap.gap_across(df, tau_method="moments")
    tau2 = res.attrs["tau"] ** 2
    X = sm.add_constant(np.log(df["crime_per_1000"].to_numpy()))
    si = np.diag(1 / ((df["margin"] / gap.Z95).to_numpy() ** 2 + tau2))
    P = si - si @ X @ np.linalg.inv(X.T @ si @ X) @ X.T @ si
    u = tau2 * P @ df["pct_unsafe"].to_numpy()
    pev = tau2 - tau2 ** 2 * np.diag(P)
    np.testing.assert_allclose(res["gap_shrunk"], u, rtol=1e-8, atol=1e-10)
    q = stats.t.ppf(0.975, len(df) - 2)
    np.testing.assert_allclose(res["gap_shrunk_upper"] - res["gap_shrunk"], q * np.sqrt(pev), rtol=1e-8)
    # imprecisely measured units are pulled further towards the line
    order = np.argsort(df["margin"].to_numpy())
    assert res["shrinkage"].iloc[order[-1]] > res["shrinkage"].iloc[order[0]]
    assert ((res["shrinkage"] > 0) & (res["shrinkage"] < 1)).all()
    without = gap.gap_across(_units(n=25, seed=14, margin=False))
    assert without["gap_shrunk"].isna().all()  # without margins sampling error and real gap cannot be told apart


def test_chance_flags_are_the_binomial_expectation():
    c = gap.chance_flags(100)
    assert c["expected"] == pytest.approx(5.0) and c["at_least_one"] == pytest.approx(1 - 0.95 ** 100)
    assert (c["low"], c["high"]) == (stats.binom.ppf(0.025, 100, 0.05), stats.binom.ppf(0.975, 100, 0.05))
    res = gap.gap_across(_units(n=20, seed=2))
    assert res.attrs["chance_flags"]["n_units"] == 20 and res.attrs["chance_flags"]["expected"] == pytest.approx(1.0)


def test_flag_means_outside_the_prediction_interval():
    df = simulate_units(60, seed=11, n_gaps=4, gap_sd=5.0)
    res = gap.gap_across(df.drop(columns="planted"))
    outside = (res["pct_unsafe"] < res["lower"]) | (res["pct_unsafe"] > res["upper"])
    assert (res["flag"].astype(bool) == outside).all()
    assert (res["flag"].astype(bool) == (res["residual_z"].abs() > res.attrs["t_quantile"])).all()
    np.testing.assert_allclose(res["upper"] - res["expected"], res.attrs["t_quantile"] * res["sd_pred"])
    excludes_zero = (res["residual_lower"] > 0) | (res["residual_upper"] < 0)
    assert (res["flag"].astype(bool) == excludes_zero).all()
    planted = df["planted"] != 0
    assert res.loc[planted, "flag"].all()  # 5-sd gaps are found …
    assert (np.sign(res.loc[planted, "residual"]) == np.sign(df.loc[planted, "planted"])).all()  # … with their sign
    assert res.loc[~planted, "flag"].sum() <= 6  # 56 units at 5 %: P(more than 6 by chance) ≈ 3 %


def test_missing_values_stay_missing_and_do_not_stop_the_others():
    df = _units(n=20, seed=2)
    df.loc[4, "pct_unsafe"] = np.nan
    df.loc[9, "crime_per_1000"] = np.nan
    res = gap.gap_across(df)
    for i in (4, 9):
        assert res.loc[i, ["expected", "residual", "residual_z", "lower", "upper"]].isna().all()
        assert pd.isna(res.loc[i, "flag"]) and pd.isna(res.loc[i, "quadrant"])
    assert res["flag"].notna().sum() == 18 and res.attrs["n_units"] == 18


def test_partial_margins_are_filled_with_the_median_and_said_so():
    df = _units(n=20, seed=4)
    df.loc[3, "margin"] = np.nan
    res = gap.gap_across(df)
    assert res.loc[3, "se"] == pytest.approx(df["margin"].median() / gap.Z95)
    assert {"key": "margin_filled", "units": [df.loc[3, "unit"]], "margin": df["margin"].median()} in res.attrs["notes"]
    assert any(df.loc[3, "unit"] in t and "mediane marge" in t for t in gap_text.notes_text(res))


def test_urbanity_enters_as_classes():
    rng = np.random.default_rng(8)
    df = _units(n=60, seed=8, tau=0.5)
    df["urbanity"] = rng.integers(1, 6, len(df))
    shift = {1: 6.0, 2: 3.0, 3: 0.0, 4: -2.0, 5: -4.0}
    df["pct_unsafe"] = df["pct_unsafe"] + df["urbanity"].map(shift)
    with_u = gap.gap_across(df)
    without = gap.gap_across(df.drop(columns="urbanity"))
    assert "C(urbanity)" in with_u.attrs["model"] and len(with_u.attrs["coefficients"]) == 6
    assert with_u.attrs["coefficients"]["urbanity[5]"] == pytest.approx(-10.0, abs=1.5)
    assert with_u.attrs["tau"] < without.attrs["tau"] / 2


def test_the_only_unit_of_its_class_cannot_be_compared():
    df = _units(n=20, seed=9)
    df["urbanity"] = ["a"] * 10 + ["b"] * 9 + ["c"]
    res = gap.gap_across(df)
    assert np.isnan(res["expected"].iloc[-1]) and pd.isna(res["flag"].iloc[-1])
    assert res["expected"].iloc[:-1].notna().all()
    assert {"key": "not_comparable", "units": [df["unit"].iloc[-1]]} in res.attrs["notes"]


def test_quadrants_follow_the_z_scores():
    res = gap.gap_across(_units(n=25, seed=12))
    lc = np.log(res["crime_per_1000"])
    np.testing.assert_allclose(res["crime_z"], (lc - lc.mean()) / lc.std(ddof=1))
    np.testing.assert_allclose(res["unsafe_z"], (res["pct_unsafe"] - res["pct_unsafe"].mean()) / res["pct_unsafe"].std(ddof=1))
    for _, r in res.iterrows():
        assert r["quadrant"] == ("hoog" if r["crime_z"] >= 0 else "laag") + "_" + ("hoog" if r["unsafe_z"] >= 0 else "laag")
    assert set(res["quadrant"]) <= set(gap.QUADRANT_KEYS)


@pytest.mark.parametrize("change, message, column", [
    (lambda d: d.drop(columns="crime_per_1000"), "required column is missing", "crime_per_1000"),
    (lambda d: d.assign(pct_unsafe=d["pct_unsafe"].astype(object).where(d.index != 2, "twintig")), "row 3", "pct_unsafe"),
    (lambda d: d.assign(crime_per_1000=d["crime_per_1000"].where(d.index != 0, 0.0)), "out of range", "crime_per_1000"),
    (lambda d: d.assign(pct_unsafe=d["pct_unsafe"].where(d.index != 1, 120.0)), "out of range", "pct_unsafe"),
    (lambda d: d.assign(margin=d["margin"].where(d.index != 1, -1.0)), "out of range", "margin"),
    (lambda d: d.assign(unit=["E000"] * len(d)), "more than once", "unit"),
    (lambda d: d.head(3), "complete units", "pct_unsafe"),
])
def test_bad_input_names_row_and_column(change, message, column):
    with pytest.raises(DataError) as e:
        gap.gap_across(change(_units(n=12, seed=7)))
    assert message in str(e.value)
    assert any(p.column == column for p in e.value.problems)
    assert all(p.expected for p in e.value.problems)


def test_text_in_a_cell_names_the_unit():
    df = _units(n=12, seed=7)
    df["pct_unsafe"] = df["pct_unsafe"].astype(object)
    df.loc[5, "pct_unsafe"] = "n.v.t."
    with pytest.raises(DataError, match=r"row 6 \(unit 'E005'\): not a number"):
        gap.gap_across(df)


# --- over time ---------------------------------------------------------------------------------

def test_lelystad_from_the_embedded_data():
    ds = iv.load_default()
    inp = gap.over_time_input(ds)
    police = ds.police[(ds.police.region_code == "GM0995") & (ds.police.measure == "criminaliteit_totaal")]
    survey = ds.survey[(ds.survey.region_code == "GM0995") & (ds.survey.measure == "pct_onveilig_buurt")]
    crime = dict(zip(police["period"].map(lambda p: p.year), police["value"]))
    unsafe = dict(zip(survey["period"].map(lambda p: p.year), survey["value"]))
    assert "crime_count" in inp.columns and "crime_per_1000" not in inp.columns  # no population embedded
    assert inp["year"].tolist() == sorted(set(crime) | set(unsafe))
    res = gap.gap_over_time(inp)
    assert res.attrs["crime_basis"] == "count" and res.attrs["base_year"] == min(unsafe)
    first, last = min(unsafe), max(unsafe)
    r = res.set_index("year")
    assert r.loc[last, "crime_index"] == pytest.approx(crime[last] / crime[first] * 100)
    assert r.loc[last, "unsafe_index"] == pytest.approx(unsafe[last] / unsafe[first] * 100)
    assert r.loc[first, "crime_index"] == 100 and r.loc[first, "unsafe_index"] == 100
    # years without a survey: feeling missing (not 0), no verdict
    no_survey = [y for y in crime if y not in unsafe]
    assert no_survey and r.loc[no_survey, "pct_unsafe"].isna().all()
    assert (r.loc[no_survey, "verdict"] == "geen_meting").all()
    # no published margin: assumed from 300 respondents, and the small change cannot be told apart
    assert r.loc[last, "margin_assumed"] and r.loc[last, "margin"] == pytest.approx(
        1.96 * np.sqrt(unsafe[last] / 100 * (1 - unsafe[last] / 100) / 300) * 100, rel=1e-3)
    assert r.loc[last, "verdict"] == "onbeslist"
    assert "rapportcijfer" in res.columns
    # crime's own change is judged against year-to-year variation, not against Poisson noise alone
    assert r.loc[last, "crime_changed"] == "no" and res.attrs["crime_alpha"] > 0
    poisson = gap.gap_over_time(inp, crime_alpha=0.0).set_index("year")
    assert poisson.loc[last, "crime_changed"] == "yes" and poisson.loc[last, "crime_p"] < 0.05
    text = gap_text.text_over_time(res)
    assert "staat in voor" in text and "300 respondenten" in text and "gewone schommeling" in text
    assert fmt.share(unsafe[first], 0) in text and fmt.share(unsafe[last], 0) in text


@pytest.mark.parametrize("crime2, pct2, verdict", [
    (80.0, 16.0, "beweegt_mee"),          # crime −20 %, feeling 20 → 16 (in step)
    (80.0, 20.2, "beweegt_niet_mee"),     # crime −20 %, feeling unchanged within a narrow margin
    (80.0, 24.0, "beweegt_tegen"),        # feeling rises while crime falls
    (80.0, 12.0, "beweegt_sterker_mee"),  # falls much more than crime
    (60.0, 17.0, "beweegt_zwakker_mee"),  # crime −40 %, feeling −15 %
    (95.0, 19.6, "onbeslist"),            # crime −5 %: 'in step' and 'unchanged' both fit
    (100.0, 25.0, "beweegt_los_van"),
])
def test_verdicts(crime2, pct2, verdict):
    df = pd.DataFrame({"year": [2015, 2017], "crime_per_1000": [100.0, crime2], "pct_unsafe": [20.0, pct2],
                       "margin": [0.8, 0.8]})
    res = gap.gap_over_time(df)
    assert res["verdict"].tolist() == ["referentiejaar", verdict]
    assert res.attrs["crime_basis"] == "rate" and not res["margin_assumed"].any()
    sd = np.sqrt(2) * 0.8 / gap.Z95
    assert res["diff_upper"].iloc[1] - res["diff"].iloc[1] == pytest.approx(stats.norm.ppf(0.975) * sd)


def test_given_margins_narrow_the_verdict():
    df = pd.DataFrame({"year": [2016, 2019], "crime_count": [4500.0, 3600.0], "pct_unsafe": [22.0, 21.0]})
    assumed = gap.gap_over_time(df)
    given = gap.gap_over_time(df.assign(margin=[1.0, 1.0]))
    assert assumed["verdict"].iloc[1] == "onbeslist" and given["verdict"].iloc[1] == "beweegt_niet_mee"


def test_over_time_uses_population_when_the_dataset_has_it():
    ds = iv.load_default()
    years = range(2016, 2020)
    pop = pd.DataFrame({"region_code": "GM0995", "region_name": "Lelystad",
                        "period": [pd.Period(str(y), freq="Y") for y in years], "measure": "inwoners",
                        "value": [77000.0, 77500.0, 78000.0, 78500.0]})
    ds.population = pop
    inp = gap.over_time_input(ds)
    counts = gap.over_time_input(iv.load_default())["crime_count"].to_numpy()
    np.testing.assert_allclose(inp["crime_per_1000"], counts / pop["value"].to_numpy() * 1000)
    assert gap.gap_over_time(inp).attrs["crime_basis"] == "rate"


@pytest.mark.parametrize("change, message", [
    (lambda d: d.drop(columns="crime_count"), "required column is missing"),
    (lambda d: d.assign(year=[2016, 2016, 2018, 2019]), "more than once"),
    (lambda d: d.assign(pct_unsafe=np.nan), "no year has both"),
    (lambda d: d.assign(crime_count=[4500.0, -1.0, 4000.0, 3900.0]), "out of range"),
])
def test_over_time_bad_input(change, message):
    df = pd.DataFrame({"year": [2016, 2017, 2018, 2019], "crime_count": [4500.0, 4200.0, 4000.0, 3900.0],
                       "pct_unsafe": [22.0, np.nan, np.nan, 21.0]})
    with pytest.raises(DataError, match=message):
        gap.gap_over_time(change(df))


def test_over_time_input_names_what_is_missing():
    with pytest.raises(DataError, match="no 'geen_maat' rows for GM0995"):
        gap.over_time_input(iv.load_default(), crime_measure="geen_maat")
    with pytest.raises(DataError, match="no survey rows for GM0303"):
        gap.over_time_input(iv.load_default(), "GM0303")  # Dronten: police figures only


# --- real province data ------------------------------------------------------------------------

def _province_frames(realdata):
    survey = iv.read(realdata / "gewoonmaarten_provincies" / "Veiligheidsgevoel Provincies.csv")
    crime = iv.read(realdata / "gewoonmaarten_provincies" / "Criminaliteit Provincies.csv")
    pop = iv.read(realdata / "chelsj_47013NED_meta_37230ned" / "bevolkingeindeperiod_21122025.csv")
    return survey, crime, pop


@pytest.mark.realdata
@pytest.mark.parametrize("year", [2015, 2016, 2017])
def test_provinces_with_margins(realdata, year):
    survey, crime, pop = _province_frames(realdata)
    inp = gap.across_input(survey, crime, pop, year)
    assert len(inp) == 12 and inp["unit"].str.startswith("PV").all()  # Nederland and PV99 left out
    row = inp.set_index("unit").loc["PV24"]
    c = crime[(crime.region_code == "PV24") & (crime.measure == inp.attrs["crime_measure"])
              & (crime.period == pd.Period(str(year), freq="Y"))]["value"].iloc[0]
    p = pop[(pop.region_code == "PV24") & (pop.period == pd.Period(str(year), freq="Y"))]["value"].iloc[0]
    assert row["crime_per_1000"] == pytest.approx(c / p * 1000)
    assert inp["margin"].notna().all()
    res = gap.gap_across(inp)
    assert res.attrs["has_margin"] and res["flag"].notna().all()
    assert res.attrs["coefficients"]["log_crime_per_1000"] > 0  # more crime, more unsafety across provinces
    assert np.isfinite(res[["lower", "upper"]]).all().all() and (res["lower"] < res["upper"]).all()
    for _, r in res[res["flag"].astype(bool)].iterrows():  # a flag always comes with its interval
        assert not (r["lower"] <= r["pct_unsafe"] <= r["upper"])
    text = gap_text.text_across(res, focal="PV24")
    assert "Flevoland" in text and "voorspellingsinterval" in text


@pytest.mark.realdata
@pytest.mark.parametrize("year", [2013, 2014, 2015, 2016, 2017])
def test_provinces_without_margins(realdata, year):
    survey = iv.read(realdata / "mokken_veiligheidsmonitor_provincie" / "veiligheidsbeleving_gemeente.csv")
    crime = iv.read(realdata / "mokken_veiligheidsmonitor_provincie" / "Misdrijven_per_gemeente.csv")
    pop = iv.read(realdata / "chelsj_47013NED_meta_37230ned" / "bevolkingeindeperiod_21122025.csv")
    inp = gap.across_input(survey, crime, pop, year)
    assert "margin" not in inp.columns and inp.attrs["crime_measure"] == "0.0.0"
    res = gap.gap_across(inp)
    assert not res.attrs["has_margin"] and len(res) == 12
    assert res[["expected", "lower", "upper", "residual_z"]].notna().all().all()


@pytest.mark.realdata
def test_across_input_names_a_missing_year(realdata):
    survey, crime, pop = _province_frames(realdata)
    with pytest.raises(DataError, match="no survey figures for 2012"):
        gap.across_input(survey, crime, pop, 2012)
    with pytest.raises(DataError, match="not in the crime table"):
        gap.across_input(survey, crime, pop, 2016, crime_measure="0.0.0")


# --- a per-gemeente file in the same export format (written here; values made up for the test) ---

MUNICIPALITIES = ["Lelystad", "Almere", "Dronten", "Zeewolde", "Urk", "Noordoostpolder", "Amsterdam", "Utrecht",
                  "Zwolle", "Apeldoorn"]


def _write_gemeente_exports(tmp_path, seed=17):
    rng = np.random.default_rng(seed)
    regions = ["Nederland", "Flevoland (PV)"] + MUNICIPALITIES
    head = ('\ufeff"Marges";"Perioden";"Regio\'s";"(On)veiligheidsbeleving /Buurt/Onveiligheidsgevoelens/'
            'Voelt zich wel eens onveilig in buurt (%)";"(On)veiligheidsbeleving /Buurt/Beoordeling criminaliteit/'
            'Rapportcijfer veiligheid in buurt  (rapportcijfer)"')
    survey, crime, pop = [head], ['\ufeff"Soort misdrijf";"Perioden";"Regio\'s";"Geregisteerde misdrijven (aantal)"'], {}
    truth = {}
    for name in regions:
        inhabitants = int(rng.integers(20_000, 900_000))
        count = int(inhabitants * rng.uniform(0.03, 0.09))
        pct, margin = rng.uniform(10, 30), rng.uniform(1.5, 4.0)
        truth[name] = (pct, margin, count, inhabitants)
        dec = lambda x: f"{x:.1f}".replace(".", ",")
        survey.append(f'"Waarde";"2017";"{name}";{dec(pct)};{dec(rng.uniform(6.5, 7.8))}')
        survey.append(f'"Marges";"2017";"{name}";{dec(margin)};0,1')
        crime.append(f'"Totaal misdrijven";"2017";"{name}";{count}')
        pop[name] = inhabitants
    (tmp_path / "vm_gemeenten.csv").write_text("\n".join(survey) + "\n", encoding="utf-8")
    (tmp_path / "misdrijven_gemeenten.csv").write_text("\n".join(crime) + "\n", encoding="utf-8")
    return truth


def test_a_per_gemeente_export_works_unchanged(tmp_path):
    truth = _write_gemeente_exports(tmp_path)
    survey = iv.read(tmp_path / "vm_gemeenten.csv")
    crime = iv.read(tmp_path / "misdrijven_gemeenten.csv")
    codes = dict(zip(survey["region_name"], survey["region_code"]))
    pop = pd.DataFrame({"region_code": [codes[n] for n in truth], "region_name": list(truth),
                        "period": pd.Period("2017", freq="Y"), "measure": "bevolking_aan_het_einde_van_de_periode",
                        "value": [float(t[3]) for t in truth.values()]})
    inp = gap.across_input(survey, crime, pop, 2017)
    # one level only: the ten municipalities, not Nederland or the province beside them
    assert inp.attrs["unit_kind"] == "municipality" and len(inp) == len(MUNICIPALITIES)
    assert inp.attrs["left_out"] == {"country": 1, "province": 1}
    lely = inp.set_index("unit").loc["GM0995"]
    pct, margin, count, inhabitants = truth["Lelystad"]
    assert lely["pct_unsafe"] == pytest.approx(round(pct, 1)) and lely["margin"] == pytest.approx(round(margin, 1))
    assert lely["crime_per_1000"] == pytest.approx(count / inhabitants * 1000)
    res = gap.gap_across(inp)
    assert res.attrs["has_margin"] and res["flag"].notna().all()
    provinces = gap.across_input(survey, crime, pop, 2017, unit_kind="province")
    assert provinces["unit"].tolist() == ["PV24"]
    # urbanity from a mapping; a municipality without one stays missing and is left out of the fit
    urb = {u: 1 + i % 2 for i, u in enumerate(inp["unit"]) if u != "GM0995"}
    with_urb = gap.across_input(survey, crime, pop, 2017, urbanity=urb)
    assert pd.isna(with_urb.set_index("unit").loc["GM0995", "urbanity"])
    fitted = gap.gap_across(with_urb)
    assert pd.isna(fitted.set_index("unit").loc["GM0995", "flag"]) and fitted.attrs["n_units"] == len(inp) - 1


def test_over_time_respects_the_breaks_in_both_series():
    df = pd.DataFrame({"year": [2017, 2019, 2021], "crime_count": [5000.0, 4000.0, 3800.0],
                       "pct_unsafe": [20.0, 19.0, 30.0], "margin": [1.0, 1.0, 1.0]})
    res = gap.gap_over_time(df)
    assert res["verdict"].tolist() == ["referentiejaar", "beweegt_niet_mee", "methodebreuk"]
    assert [n["key"] for n in res.attrs["notes"]] == ["count_for_rate", "crime_break", "survey_break"]
    notes = " ".join(gap_text.notes_text(res))
    assert "juli 2018" in notes and "2021 van methode veranderd" in notes
    text = gap_text.text_over_time(res, "Testgemeente")
    assert "niet te vergelijken" in text and "2021" in text
    # both before the breaks: no notes about them
    early = gap.gap_over_time(df.assign(year=[2013, 2015, 2017]))
    assert early.attrs["notes"] == [{"key": "count_for_rate"}]
    assert early["verdict"].iloc[2] != "methodebreuk"


def test_over_time_takes_crime_years_built_from_complete_months():
    """Crime fetched per month (47013NED) counts per year when all 12 months are there, as in the police table."""
    import dataclasses

    from ivpanalysis.ingest import datafolder, schema
    ds = datafolder.load_default()
    yearly = {2016: 4549, 2017: 4176, 2018: 4041, 2019: 4240}
    rows = [dict(region_code="GM0995", period=pd.Period(f"{y}-{m:02d}", "M"), measure="criminaliteit_totaal",
                 value=t / 12, source="test", kind="source") for y, t in yearly.items() for m in range(1, 13)]
    rows = rows[:-1]  # December 2019 missing: 2019 is not a year of counts
    monthly = dataclasses.replace(ds, police=schema.finish_tidy(pd.DataFrame(rows)))
    got = gap.over_time_input(monthly, "GM0995").set_index("year")["crime_count"]
    assert got[2016] == pytest.approx(4549) and got[2018] == pytest.approx(4041) and pd.isna(got[2019])




def test_crime_change_over_time_uses_the_noise_model_of_its_gap():
    """A change over three years is judged with the three-year noise model of the crime measure, not the one-year α."""
    from ivpanalysis.analysis import noise
    df = pd.DataFrame({"year": [2016, 2017, 2019], "crime_count": [1000.0, 1040.0, 1150.0],
                       "pct_unsafe": [30.0, np.nan, 32.0]})
    df.attrs["crime_measure"] = "criminaliteit_totaal"
    res = gap.gap_over_time(df).set_index("year")
    by_year = res.attrs["crime_alpha_by_year"]
    assert by_year == {2017: noise.alpha_for("criminaliteit_totaal", 1), 2019: noise.alpha_for("criminaliteit_totaal", 3)}
    model = noise.model_for("criminaliteit_totaal", gap=3)
    assert res.loc[2019, "crime_p"] == pytest.approx(float(noise.p_value([1000.0], [1150.0], model)[0]))
    assert np.isnan(res.loc[2016, "crime_p"]) and res.loc[2016, "crime_changed"] == ""
