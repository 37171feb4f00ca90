"""charts: the house style and each chart's content (lines, band, shading, markers, labels), not its pixels."""
import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

import ivpanalysis as iv
from ivpanalysis.analysis import gap, gap_simulation, simulate, trend
from ivpanalysis.present import gap_text
from ivpanalysis.errors import DataError
from ivpanalysis.present import charts

matplotlib.use("Agg")


def _date(v):
    """A plotted x value as a Timestamp (matplotlib keeps dates or converts them to day numbers)."""
    if isinstance(v, (int, float, np.floating)):
        return pd.Timestamp(matplotlib.dates.num2date(v)).tz_localize(None)
    return pd.Timestamp(v)


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


@pytest.fixture(scope="module")
def sim_series():
    return simulate.simulate_series(simulate.Design(n_months=120, mean=120, alpha=0.05, covid_effect=-0.25), seed=7)


@pytest.fixture(scope="module")
def real_like(sim_series):
    s = sim_series.copy()
    s.attrs = {}  # as if it came from a loader: not labelled simulated
    return s


def test_chart_has_counts_trend_band_stl_average_covid_and_break(real_like):
    r = trend.fit_trend(real_like, region_name="Lelystad")
    fig = charts.plot_trend(r)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "Aantal misdrijven per maand in Lelystad"
    assert ax.get_xlabel() == "Maand" and ax.get_ylabel() == "Aantal misdrijven"
    (obs,) = _by_gid(ax, "observed")
    assert np.allclose(obs.get_ydata(), real_like.to_numpy())
    (line,) = _by_gid(ax, "trend")
    assert np.allclose(line.get_ydata(), r.fitted["fitted"].to_numpy())
    (band,) = _by_gid(ax, "band")
    assert isinstance(band, PolyCollection)
    (stl,) = _by_gid(ax, "stl")
    assert np.allclose(stl.get_ydata(), trend.stl_trend(real_like).to_numpy())
    (avg,) = _by_gid(ax, "average")
    assert avg.get_ydata()[0] == pytest.approx(real_like.mean())
    (covid,) = _by_gid(ax, "covid")
    x0, x1 = covid.get_x(), covid.get_x() + covid.get_width()  # axvspan: a Rectangle in data x
    assert _date(x0).strftime("%Y-%m-%d") == "2020-03-01"
    assert _date(x1).strftime("%Y-%m") == "2021-06"
    (brk,) = _by_gid(ax, "break")
    assert _date(brk.get_xdata()[0]).strftime("%Y-%m-%d") == "2018-07-01"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "COVID-periode" in labels and "Registratiewijziging juli 2018" in labels
    assert any(t.startswith("Trendlijn: gemiddeld") and "per jaar" in t for t in labels)
    assert not _by_gid(ax, "simulated") and "Gesimuleerd" not in fig._suptitle.get_text()


def test_simulated_series_is_labelled(sim_series):
    fig = charts.plot_trend(trend.fit_trend(sim_series), "Lelystad")
    assert fig._suptitle.get_text().startswith("Gesimuleerd: Aantal misdrijven per maand in Lelystad")
    assert _by_gid(fig.axes[0], "simulated")


def test_no_data_draws_no_line():
    s = pd.Series(0.0, index=pd.period_range("2016-01", periods=48, freq="M"))
    fig = charts.plot_trend(trend.fit_trend(s), "Lelystad")
    ax = fig.axes[0]
    assert not _by_gid(ax, "trend") and not _by_gid(ax, "band") and not _by_gid(ax, "stl")
    (msg,) = _by_gid(ax, "no_trend")
    assert "geen gegevens" in msg.get_text()
    assert not _by_gid(ax, "covid") and _by_gid(ax, "break")  # 2016-2019: July 2018 in range, COVID not


def test_quarterly_model_drawn_per_month():
    s = simulate.simulate_series(simulate.Design(mean=4, alpha=0.05), seed=13)
    r = trend.fit_trend(s)
    assert r.aggregated_to == "Q"
    (line,) = _by_gid(charts.plot_trend(r, "Urk").axes[0], "trend")
    assert np.allclose(line.get_ydata(), r.fitted["fitted"].to_numpy() / 3)
    assert len(line.get_ydata()) == 40


def test_annual_series_title_and_no_stl():
    a = pd.Series([4549.0, 4176.0, 4041.0, 4240.0], index=pd.period_range("2016", periods=4, freq="Y"))
    fig = charts.plot_trend(trend.fit_trend(a), "Lelystad")
    assert fig._suptitle.get_text() == "Aantal misdrijven per jaar in Lelystad"
    assert _by_gid(fig.axes[0], "trend") and not _by_gid(fig.axes[0], "stl")


def test_figure_renders_with_agg(real_like, tmp_path):
    fig = charts.plot_trend(trend.fit_trend(real_like), "Lelystad")
    out = tmp_path / "trend.png"
    fig.savefig(out, dpi=50)
    assert out.stat().st_size > 1000


# --- gap charts (was tests/test_gap_plot.py) ---

@pytest.fixture(scope="module")
def res():
    df = gap_simulation.simulate_units(30, seed=4, n_gaps=2, gap_sd=5.0).drop(columns="planted")
    df["unit_name"] = [f"Gemeente {i}" for i in range(len(df))]
    df.loc[6, "pct_unsafe"] = np.nan  # a unit without a result is not drawn
    return gap.gap_across(df)


def _collection(ax, label):
    hits = [c for c in ax.collections if c.get_label() == label]
    assert len(hits) == 1, [c.get_label() for c in ax.collections]
    return hits[0]


def _xy(frame):
    return frame[["crime_z", "unsafe_z"]].to_numpy()


def test_quadrant_chart_plots_the_z_scores(res):
    peers = ["E001", "E002", "E003"]
    fig = charts.quadrant_chart(res, focal="E000", peers=peers)
    assert isinstance(fig, Figure) and isinstance(fig.canvas, FigureCanvasAgg)
    ax = fig.axes[0]
    fitted = res[res["crime_z"].notna()]
    focal = fitted[fitted["unit"] == "E000"]
    np.testing.assert_allclose(_collection(ax, "Gemeente 0").get_offsets(), _xy(focal))
    np.testing.assert_allclose(_collection(ax, "Vergelijkbare gebieden").get_offsets(),
                               _xy(fitted[fitted["unit"].isin(peers)]))
    others = fitted[~fitted["unit"].isin(peers + ["E000"])]
    np.testing.assert_allclose(_collection(ax, "Overige gebieden").get_offsets(), _xy(others))
    ringed = _collection(ax, "Buiten het voorspellingsinterval").get_offsets()
    np.testing.assert_allclose(ringed, _xy(fitted[fitted["flag"].astype(bool)]))
    labels = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert labels == {f"quadrant:{k}": v for k, v in gap_text.QUADRANTS.items()}
    assert "1.000 inwoners" in ax.get_xlabel() and "onveilig" in ax.get_ylabel()
    fig.canvas.draw()  # renders headless
    ticks = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    assert ticks and not any("." in t for t in ticks)
    assert ax.xaxis.get_major_formatter()(-1.5, 0) == "\u22121,5"  # Dutch decimal comma, typographic minus


def test_quadrant_chart_peer_groups_get_their_own_colour(res):
    fig = charts.quadrant_chart(res, peers={"E001": "Groeikernen", "E002": "Groeikernen", "E004": "Plattelandsgemeenten"})
    ax = fig.axes[0]
    a, b = _collection(ax, "Groeikernen"), _collection(ax, "Plattelandsgemeenten")
    assert len(a.get_offsets()) == 2 and len(b.get_offsets()) == 1
    assert not np.allclose(a.get_facecolor(), b.get_facecolor())


def test_caterpillar_draws_each_gap_with_its_interval(res):
    fig = charts.caterpillar_chart(res, focal="E000")
    ax = fig.axes[0]
    lines = {ln.get_gid(): ln for ln in ax.lines if ln.get_gid()}
    fitted = res[res["expected"].notna()].sort_values("residual").reset_index(drop=True)
    assert len([g for g in lines if g.startswith("interval:")]) == len(fitted) == len(res) - 1
    for i, r in fitted.iterrows():
        seg = lines[f"interval:{r['unit']}"]
        np.testing.assert_allclose(seg.get_xdata(), [r["pct_unsafe"] - r["upper"], r["pct_unsafe"] - r["lower"]])
        np.testing.assert_allclose(seg.get_ydata(), [i, i])
        pt = lines[f"gap:{r['unit']}"]
        assert pt.get_xdata()[0] == pytest.approx(r["residual"]) and pt.get_ydata()[0] == i
        # a flagged gap's interval excludes 0; an unflagged one covers it
        covers = r["pct_unsafe"] - r["upper"] <= 0 <= r["pct_unsafe"] - r["lower"]
        assert covers != bool(r["flag"])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(fitted["unit_name"])
    assert lines["interval:E000"].get_color() == charts.FOCAL
    assert "procentpunt" in ax.get_xlabel() and "95%" in ax.get_title()


def test_unknown_focal_is_an_error(res):
    with pytest.raises(DataError, match="focal unit 'GM9999'"):
        charts.caterpillar_chart(res, focal="GM9999")


def test_over_time_chart_lelystad():
    out = gap.gap_over_time(gap.over_time_input(iv.load_default()))
    fig = charts.over_time_chart(out)
    ax = fig.axes[0]
    lines = {ln.get_gid(): ln for ln in ax.lines if ln.get_gid()}
    crime = out[out["crime_index"].notna()]
    np.testing.assert_allclose(np.asarray(lines["crime_index"].get_xdata(), float), crime["year"])
    np.testing.assert_allclose(lines["crime_index"].get_ydata(), crime["crime_index"])
    surveyed = out[out["unsafe_index"].notna()]
    np.testing.assert_allclose(lines["unsafe_index"].get_ydata(), surveyed["unsafe_index"])
    # error bars: the feeling's margin expressed in index points of the reference year
    p0 = out.loc[out["year"] == out.attrs["base_year"], "pct_unsafe"].iloc[0]
    bars = ax.containers[0].lines[2][0].get_segments()
    for seg, (_, r) in zip(bars, surveyed.iterrows()):
        np.testing.assert_allclose([seg[0][1], seg[1][1]], [r["unsafe_index"] - r["margin"] / p0 * 100,
                                                             r["unsafe_index"] + r["margin"] / p0 * 100])
    assert "aantal; geen bevolkingscijfer" in lines["crime_index"].get_label()
    assert ax.get_ylabel() == f"Index ({out.attrs['base_year']} = 100)"
    assert "Lelystad" in ax.get_title()


@pytest.mark.realdata
def test_charts_on_real_provinces(realdata):
    survey = iv.read(realdata / "gewoonmaarten_provincies" / "Veiligheidsgevoel Provincies.csv")
    crime = iv.read(realdata / "gewoonmaarten_provincies" / "Criminaliteit Provincies.csv")
    pop = iv.read(realdata / "chelsj_47013NED_meta_37230ned" / "bevolkingeindeperiod_21122025.csv")
    res = gap.gap_across(gap.across_input(survey, crime, pop, 2017))
    fig = charts.caterpillar_chart(res, focal="PV24", peers=["PV26", "PV27"])
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Flevoland" in ticks and len(ticks) == 12
    q = charts.quadrant_chart(res, focal="PV24")
    assert _collection(q.axes[0], "Flevoland").get_offsets().shape == (1, 2)


# --- house style -------------------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance."""
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(hex_colour)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_stoplight_colours_carry_black_text_and_differ_in_lightness():
    """Black labels read on every stoplight fill (WCAG AA), and the fills differ in lightness, not only hue."""
    lum = {c: _luminance(charts.STOPLIGHT[c]) for c in ("groen", "oranje", "rood")}
    assert len({round(v, 2) for v in lum.values()}) == 3
    for c, v in lum.items():
        assert (v + 0.05) / 0.05 >= 4.5, c
    from ivpanalysis.present.activities_plot import PALETTE
    assert all(PALETTE[c] == charts.STOPLIGHT[c] for c in charts.STOPLIGHT)  # one house style


def test_every_report_chart_uses_the_house_palette(sim_series):
    palette = {to_rgb(c) for c in (*charts.SERIES, *charts.COLORS.values(), *charts.STOPLIGHT.values(),
                                   charts.GREY, charts.FLAG_EDGE, charts.FOCAL)}
    fig = charts.plot_trend(trend.fit_trend(sim_series), "Lelystad")
    used = {to_rgb(line.get_color()) for line in fig.axes[0].get_lines()}
    assert used <= palette
    bars, _ = charts.yearly_bars(pd.Series({2018: 4041.0, 2019: 4240.0}), "Lelystad")
    assert {to_rgb(p.get_facecolor()[:3]) for p in bars.axes[0].patches} == {to_rgb(charts.COLORS["bars"])}


def test_charts_describe_their_key_figures_in_dutch(sim_series):
    fig = charts.plot_trend(trend.fit_trend(sim_series), "Lelystad")
    assert fig.ivp_description.startswith("Lelystad: ") and "per jaar" in fig.ivp_description
    assert "," in fig.ivp_description or "%" in fig.ivp_description


def test_dutch_axis_uses_decimal_comma_and_thousands_dot():
    fig = charts.figure(4, 3)
    ax = charts.axes(fig)
    charts.dutch_axis(ax, "y")
    assert ax.yaxis.get_major_formatter()(4240.0) == "4.240"
    assert ax.yaxis.get_major_formatter()(2.5) == "2,5"


@pytest.mark.parametrize("start, n, freq, step", [("2023-05", 37, "M", 6), ("2012-01", 168, "M", 24),
                                                   ("2020-01", 12, "M", 2), ("2016Q1", 40, "Q", 24)])
def test_date_axis_has_dutch_month_ticks_inside_the_series(start, n, freq, step):
    periods = pd.period_range(start, periods=n, freq=freq)
    ticks, labels = charts.month_ticks(periods)
    assert 2 <= len(ticks) <= charts.MAX_DATE_TICKS
    assert all(periods[0].start_time <= t <= periods[-1].end_time for t in ticks)
    assert all(t.day == 1 for t in ticks)
    gaps = {(b.year - a.year) * 12 + b.month - a.month for a, b in zip(ticks, ticks[1:])}
    assert gaps == {step}
    if step < 12:
        assert all(lab == f"{charts._MONTH_ABBR[t.month - 1]} {t.year}" for t, lab in zip(ticks, labels))
    else:
        assert labels == [str(t.year) for t in ticks] and all(t.month == 1 for t in ticks)


def test_monthly_chart_shows_the_dutch_ticks(real_like):
    fig = charts.plot_trend(trend.fit_trend(real_like), "Lelystad")
    ax = fig.axes[0]
    ticks, labels = charts.month_ticks(real_like.index)
    assert [t.get_text() for t in ax.get_xticklabels()] == labels
    assert [_date(v) for v in ax.get_xticks()] == ticks


def test_long_titles_wrap_instead_of_running_off_the_figure():
    """'Seizoenspatroon woninginbraken (geslaagd en poging), Súdwest-Fryslân' ran past a 6,4-inch chart's edge."""
    factors = pd.Series(np.linspace(0.8, 1.2, 12), index=range(1, 13), name="month")
    fig = charts.seasonal_bars(factors, "Súdwest-Fryslân", "woninginbraken (geslaagd en poging)")
    FigureCanvasAgg(fig).draw()
    title = fig.axes[0].title
    assert "\n" in title.get_text()
    box = title.get_window_extent(fig.canvas.get_renderer())
    assert 0 <= box.x0 and box.x1 <= fig.bbox.x1
