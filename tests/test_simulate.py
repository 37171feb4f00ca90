"""simulate: NB series with a known truth (labelled simulated data) and the coverage check of
fit_trend's interval. The fast coverage test uses few replicates with a band a Poisson fit fails."""
import math

import numpy as np
import pandas as pd
import pytest

from ivpanalysis.analysis import simulate, trend
from ivpanalysis.present import trend_text
from ivpanalysis.errors import DataError

#: 200 replicates: binomial s.d. of a 95 % coverage ≈ 0.015; the band is about −3 s.d. … +2.6 s.d.
#: A Poisson fit of these overdispersed cells covers ≈ 25 % and ≈ 67 % (SE too small by 4× and 2×).
FAST_REPS = 200
BAND = (0.905, 0.99)
FAST_CELLS = [simulate.Design(n_months=96, mean=400.0, alpha=0.1, covid_effect=-0.25),
              simulate.Design(n_months=120, mean=30.0, alpha=0.1, covid_effect=0.0)]


def test_expected_counts_follow_the_design():
    d = simulate.Design(n_months=120, mean=100.0, pct_per_year=-5.0, seasonal_amplitude=0.0, covid_effect=0.0)
    mu = simulate.expected_counts(d)
    assert len(mu) == 120 and mu.index[0] == pd.Period("2014-01", "M") and mu.index[-1] == pd.Period("2023-12", "M")
    assert mu.iloc[12] / mu.iloc[0] == pytest.approx(0.95)
    assert math.sqrt(mu.iloc[59] * mu.iloc[60]) == pytest.approx(100.0)  # the mean sits at the midpoint
    dip = simulate.expected_counts(simulate.Design(covid_effect=-0.25, seasonal_amplitude=0.0))
    ratio = dip / mu
    assert ratio["2020-03"] == pytest.approx(math.exp(-0.25)) and ratio["2021-07"] == pytest.approx(1.0)
    assert ratio["2020-02"] == pytest.approx(1.0) and ratio["2021-06"] == pytest.approx(math.exp(-0.25))


def test_series_are_negative_binomial_with_the_stated_alpha():
    d = simulate.Design(n_months=120, mean=200.0, alpha=0.05, pct_per_year=0.0, seasonal_amplitude=0.0)
    y = np.array([simulate.simulate_series(d, seed=[3, r]).to_numpy() for r in range(300)])
    mean, var = y.mean(), y.var()
    assert mean == pytest.approx(200, rel=0.01)
    assert (var - mean) / mean ** 2 == pytest.approx(0.05, rel=0.1)  # NB2: Var = mu + alpha mu^2


def test_series_are_reproducible_and_labelled():
    d = simulate.Design()
    a, b = simulate.simulate_series(d, seed=5), simulate.simulate_series(d, seed=5)
    assert a.equals(b) and not a.equals(simulate.simulate_series(d, seed=6))
    assert a.attrs["simulated"] is True and a.attrs["truth_pct_per_year"] == -5.0
    assert a.attrs["label"] == simulate.SIMULATED_LABEL
    assert trend_text.summary(trend.fit_trend(a)).startswith("Gesimuleerde gegevens")


def test_design_covers_the_issue_ranges():
    ds = simulate.DESIGN
    assert {d.n_months for d in ds} == {96, 120} and {d.mean for d in ds} == {30.0, 400.0}
    assert {d.alpha for d in ds} == {0.02, 0.1} and {d.covid_effect for d in ds} == {0.0, -0.25}
    assert len({d.name for d in ds}) == len(ds) == 16
    assert all(d.pct_per_year == -5.0 and d.seasonal_amplitude > 0 for d in ds)


@pytest.fixture(scope="module")
def fast_coverage():
    return {fam: simulate.coverage(FAST_CELLS, reps=FAST_REPS, seed=7, **({"family": "poisson"} if fam == "poisson" else {}))
            for fam in ("nb", "poisson")}


def _within_band(df):
    return bool(((df["coverage"] >= BAND[0]) & (df["coverage"] <= BAND[1])).all())


def test_nb_interval_covers_the_truth(fast_coverage):
    nb = fast_coverage["nb"]
    assert (nb["reps"] == FAST_REPS).all() and (nb["not_ok"] == 0).all()
    assert _within_band(nb), nb[["design", "coverage"]].to_string()
    # no bias beyond Monte Carlo error (the July 2018 term, on by default, widens the spread)
    assert (nb["bias"].abs() < 3 * nb["rmse"] / math.sqrt(FAST_REPS)).all()
    assert nb["mean_alpha"].to_numpy() == pytest.approx([0.1, 0.1], rel=0.25)


def test_same_band_fails_a_poisson_fit(fast_coverage):
    po = fast_coverage["poisson"]
    assert not _within_band(po)
    # every cell is overdispersed, so every Poisson cell undercovers
    assert (po["coverage"] < BAND[0]).all(), po[["design", "coverage"]].to_string()
    assert (po["mean_width"] < fast_coverage["nb"]["mean_width"]).all()


def test_coverage_is_deterministic():
    a = simulate.coverage(FAST_CELLS[:1], reps=5, seed=1)
    b = simulate.coverage(FAST_CELLS[:1], reps=5, seed=1)
    assert a.drop(columns="seconds").equals(b.drop(columns="seconds"))


@pytest.mark.slow
def test_coverage_whole_design():
    # all 16 cells, 150 replicates each (the ≥ 500-replicate figures are in docs/methods-trend.md)
    df = simulate.coverage(simulate.DESIGN, reps=150, seed=11)
    pooled = df["covered"].sum() / df["reps"].sum()  # 2400 replicates: s.d. ≈ 0.0044
    assert 0.935 <= pooled <= 0.965, df[["design", "coverage"]].to_string()
    assert (df["coverage"] >= 0.895).all()  # about 3 s.d. below 0.95 at 150 replicates
    assert df["bias"].abs().max() < 0.4


def test_demonstration_series_is_labelled_and_follows_the_yearly_totals():
    yearly = pd.Series([4549.0, 4176.0, np.nan, 4240.0], index=pd.period_range("2016", periods=4, freq="Y"))
    demo = simulate.demonstration_series(yearly, seed=1, region_name="Lelystad")
    assert demo.attrs["simulated"] is True and len(demo) == 48
    assert demo["2018-01":"2018-12"].isna().all()  # a missing year stays missing
    for year, total in [(2016, 4549.0), (2017, 4176.0), (2019, 4240.0)]:
        got = demo[str(year)].sum()
        assert abs(got - total) < 4 * math.sqrt(total + 0.02 * total ** 2 / 12)
    r = trend.fit_trend(demo)
    assert r.region_name == "Lelystad" and trend_text.summary(r).startswith("Gesimuleerde maandcijfers rond de echte jaartotalen")
    assert "niet de echte ontwikkeling" in trend_text.summary(r)
    from ivpanalysis.present import charts
    assert charts.plot_trend(r)._suptitle.get_text().startswith("Gesimuleerd: ")
    with pytest.raises(DataError, match="not annual periods"):
        simulate.demonstration_series(pd.Series([1.0], index=pd.period_range("2016-01", periods=1, freq="M")))


def test_projection_check_reports_calibration():
    r = simulate.projection_check(simulate.Design(n_months=120, mean=150.0, alpha=0.05), reps=40, n_sims=2000)
    assert r["year"] == 2023 and r["reps"] == 40
    assert 0.8 <= r["pi_coverage"] <= 1.0
    assert 0.3 < r["mean_pit"] < 0.7 and 0.15 < r["pit_sd"] < 0.4


# --- calibration under autocorrelation and the July 2018 break (issue 16, item 5; small versions) --
# The full suite (1000 replicates a cell) is benchmarks/calibrate_trend.py; these keep 150-200.

def test_ar_cells_cover_the_issue_design():
    cells = simulate.ar_cells()
    assert len(cells) == 144 and len({c.name for c in cells}) == 144
    assert {c.n for c in cells if c.freq == "M"} == {48, 96, 144} and {c.n for c in cells if c.freq == "Y"} == {5, 8, 14}
    assert {c.rho for c in cells} == {0.0, 0.3, 0.5, 0.7} and {c.break_pct for c in cells} == {0.0, 10.0}
    for c in cells:  # every series spans July 2018
        p = c.periods()[:c.n]
        assert p[0].start_time < pd.Period(trend.REGISTRATION_BREAK, "M").start_time < p[-1].end_time


def test_ar_simulation_has_the_stated_autocorrelation():
    cell = simulate.ARCell(freq="M", n=144, level="large", rho=0.7, alpha=1e-6)
    y, signs = simulate.simulate_ar(cell, np.random.default_rng(1), 400)
    resid = np.log(y) - np.log(simulate.ar_expected(cell, 1.0))[None, :]
    resid = resid[signs > 0]
    resid = resid - resid.mean(axis=1, keepdims=True)
    lag1 = (resid[:, 1:] * resid[:, :-1]).sum() / (resid ** 2).sum()
    assert lag1 == pytest.approx(0.7, abs=0.06)  # Poisson noise at 2000 a month barely dilutes it
    assert set(signs) == {1.0, -1.0}


def test_fast_path_equals_fit_trend():
    cell = simulate.ARCell(freq="M", n=96, level="medium", rho=0.5, break_pct=10.0)
    y, _ = simulate.simulate_ar(cell, np.random.default_rng(2), 3)
    periods = cell.periods()[:cell.n]
    X, spec, _ = trend.model_design(periods)
    for row in y:
        r = trend.fit_trend(pd.Series(row[:cell.n], index=periods))
        core = trend.fit_arrays(row[:cell.n], X.to_numpy(), trend._months0(periods), "M")
        assert (core["interval"]["pct"], core["interval"]["lo"], core["interval"]["hi"]) == \
            pytest.approx((r.pct_per_year, r.pct_ci_low, r.pct_ci_high), rel=1e-12)


def test_small_calibration_ar1_covers_and_the_check_has_power():
    # 200 replicates: binomial s.d. of a 0.95 coverage ≈ 0.015
    cell = simulate.ARCell(freq="M", n=96, level="medium", rho=0.5, break_pct=10.0)
    ar = simulate.calibrate(cell, 200, seed=3, n_sims=1000)
    assert 0.90 <= ar["slope_covered"] / 200 <= 0.99
    assert ar["proj_covered"][0] / 200 >= 0.88
    assert ar["check_fired"] / 200 >= 0.45  # full suite: ≥ 0.5 asked
    # the same cell with the independence covariance under-covers: the sandwich is what fixes it
    big = simulate.ARCell(freq="M", n=144, level="large", rho=0.7)
    naive = simulate.calibrate(big, 150, seed=3, n_sims=500, cov_type="model")
    fixed = simulate.calibrate(big, 150, seed=3, n_sims=500)
    assert naive["slope_covered"] / 150 < 0.8 <= fixed["slope_covered"] / 150


def test_small_calibration_check_is_quiet_on_independent_series():
    cell = simulate.ARCell(freq="M", n=96, level="medium", rho=0.0)
    r = simulate.calibrate(cell, 200, seed=4, n_sims=500)
    assert r["check_fired"] / 200 <= 0.11  # full suite: ≤ 0.07 asked
    assert 0.90 <= r["slope_covered"] / 200 <= 0.99


def test_short_annual_cells_are_declined_as_the_report_declines():
    r = simulate.calibrate(simulate.ARCell(freq="Y", n=5, level="small", rho=0.3), 50)
    assert r["declined"] == 50 and r["fitted"] == 0
    y8 = simulate.calibrate(simulate.ARCell(freq="Y", n=8, level="medium", rho=0.3, break_pct=10.0), 150, n_sims=500)
    assert y8["declined"] == 0 and 0.88 <= y8["slope_covered"] / 150 <= 0.995


# --- docs/methods-trend.md: every number generated by a named command (issue 16, item 6) ----------

def _calibrate_module():
    import importlib.util

    from ivpanalysis import paths

    spec = importlib.util.spec_from_file_location("calibrate_trend", paths.PROJECT_DIR / "benchmarks" / "calibrate_trend.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_methods_doc_numbers_are_generated():
    from ivpanalysis import paths

    cal = _calibrate_module()
    doc = (paths.DOCS_DIR / "methods-trend.md").read_text(encoding="utf-8")
    blocks = cal.doc_blocks(doc)
    assert set(blocks) == {"constants", "calibration"}
    # rerun `python benchmarks/calibrate_trend.py --docs docs/methods-trend.md` when these differ
    assert blocks["constants"] == cal.constants()
    assert blocks["calibration"] == cal.table(cal.load(cal.OUT))
    # the acceptance bands the prose quotes are the ones the table judges by
    assert cal.LEVEL_BANDS == {"ok": (0.90, 0.97), "rho07": (0.85, 1.0)}
    assert (cal.CHECK_NULL_MAX, cal.CHECK_POWER_MIN) == (0.07, 0.50)
    assert "overlaps 0.90–0.97 (ρ ≤ 0.5) or reaches 0.85 (ρ = 0.7)" in " ".join(doc.split())
    assert "fires on ≤ 7 % of independent series (ρ = 0) and on ≥ 50 % at ρ = 0.5 with 96 months" in " ".join(doc.split())


def test_calibration_results_are_reproducible():
    """One stored chunk of the calibration, rerun: the same counts (seeds are fixed)."""
    import json

    cal = _calibrate_module()
    lines = [json.loads(x) for x in cal.OUT.read_text(encoding="utf-8").splitlines()]
    stored = next(r for r in lines if r["cell"] == "Y14_medium_rho0.5_break10" and r["chunk"] == 0)
    cell = next(c for c in simulate.ar_cells() if c.name == stored["cell"])
    again = simulate.calibrate(cell, stored["reps"], chunk=0)
    assert {k: again[k] for k in ("fitted", "declined", "slope_covered", "check_fired", "proj_covered")} == \
        {k: stored[k] for k in ("fitted", "declined", "slope_covered", "check_fired", "proj_covered")}
    assert cal.clopper_pearson(950, 1000) == pytest.approx((0.9346, 0.9627), abs=1e-4)
