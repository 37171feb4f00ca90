"""Gap charts: the plotted data equals the analysis result (not pixels)."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import ivpanalysis as iv
from ivpanalysis.analysis import gap
from ivpanalysis.analysis.gap_simulation import simulate_units
from ivpanalysis.present import gap_plot, gap_text
from ivpanalysis.errors import DataError


@pytest.fixture(scope="module")
def res():
    df = simulate_units(30, seed=4, n_gaps=2, gap_sd=5.0).drop(columns="planted")
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
    fig = gap_plot.quadrant_chart(res, focal="E000", peers=peers)
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
    fig = gap_plot.quadrant_chart(res, peers={"E001": "Groeikernen", "E002": "Groeikernen", "E004": "Plattelandsgemeenten"})
    ax = fig.axes[0]
    a, b = _collection(ax, "Groeikernen"), _collection(ax, "Plattelandsgemeenten")
    assert len(a.get_offsets()) == 2 and len(b.get_offsets()) == 1
    assert not np.allclose(a.get_facecolor(), b.get_facecolor())


def test_caterpillar_draws_each_gap_with_its_interval(res):
    fig = gap_plot.caterpillar_chart(res, focal="E000")
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
    assert lines["interval:E000"].get_color() == gap_plot.FOCAL
    assert "procentpunt" in ax.get_xlabel() and "95%" in ax.get_title()


def test_unknown_focal_is_an_error(res):
    with pytest.raises(DataError, match="focal unit 'GM9999'"):
        gap_plot.caterpillar_chart(res, focal="GM9999")


def test_over_time_chart_lelystad():
    out = gap.gap_over_time(gap.over_time_input(iv.load_default()))
    fig = gap_plot.over_time_chart(out)
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
    fig = gap_plot.caterpillar_chart(res, focal="PV24", peers=["PV26", "PV27"])
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Flevoland" in ticks and len(ticks) == 12
    q = gap_plot.quadrant_chart(res, focal="PV24")
    assert _collection(q.axes[0], "Flevoland").get_offsets().shape == (1, 2)
