"""trend_plot: the chart's content (lines, band, shading, markers, labels), not its pixels."""
import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from ivpanalysis.analysis import simulate, trend
from ivpanalysis.present import trend_plot

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
    fig = trend_plot.plot_trend(r)
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
    fig = trend_plot.plot_trend(trend.fit_trend(sim_series), "Lelystad")
    assert fig._suptitle.get_text().startswith("Gesimuleerd: Aantal misdrijven per maand in Lelystad")
    assert _by_gid(fig.axes[0], "simulated")


def test_no_data_draws_no_line():
    s = pd.Series(0.0, index=pd.period_range("2016-01", periods=48, freq="M"))
    fig = trend_plot.plot_trend(trend.fit_trend(s), "Lelystad")
    ax = fig.axes[0]
    assert not _by_gid(ax, "trend") and not _by_gid(ax, "band") and not _by_gid(ax, "stl")
    (msg,) = _by_gid(ax, "no_trend")
    assert "geen gegevens" in msg.get_text()
    assert not _by_gid(ax, "covid") and _by_gid(ax, "break")  # 2016-2019: July 2018 in range, COVID not


def test_quarterly_model_drawn_per_month():
    s = simulate.simulate_series(simulate.Design(mean=4, alpha=0.05), seed=13)
    r = trend.fit_trend(s)
    assert r.aggregated_to == "Q"
    (line,) = _by_gid(trend_plot.plot_trend(r, "Urk").axes[0], "trend")
    assert np.allclose(line.get_ydata(), r.fitted["fitted"].to_numpy() / 3)
    assert len(line.get_ydata()) == 40


def test_annual_series_title_and_no_stl():
    a = pd.Series([4549.0, 4176.0, 4041.0, 4240.0], index=pd.period_range("2016", periods=4, freq="Y"))
    fig = trend_plot.plot_trend(trend.fit_trend(a), "Lelystad")
    assert fig._suptitle.get_text() == "Aantal misdrijven per jaar in Lelystad"
    assert _by_gid(fig.axes[0], "trend") and not _by_gid(fig.axes[0], "stl")


def test_figure_renders_with_agg(real_like, tmp_path):
    fig = trend_plot.plot_trend(trend.fit_trend(real_like), "Lelystad")
    out = tmp_path / "trend.png"
    fig.savefig(out, dpi=50)
    assert out.stat().st_size > 1000
