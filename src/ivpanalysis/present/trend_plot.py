"""The trend chart: counts per month, the model's trend line with its band, robust STL trend,
multi-year average, the COVID period shaded and the July-2018 registration change marked.

Draws what :mod:`ivpanalysis.trend` computed; computes no statistic of its own. Built on a bare
:class:`matplotlib.figure.Figure` (Agg, no pyplot state), styled with seaborn; Dutch labels.
Simulated series (``attrs['simulated']``) are labelled as such in the title and across the plot.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ivpanalysis.present import fmt
from ivpanalysis.analysis import trend as _trend
from ivpanalysis.present import trend_text

COLORS = {"observed": "#4a4a4a", "trend": "#c0392b", "stl": "#2471a3", "average": "#7f8c8d",
          "covid": "#f5b041", "break": "#6c3483"}
_PER = trend_text.FREQ_NL


_NO_LINE_NL = {"no_data": "geen gegevens", "too_short": "te weinig jaren"}


def _x(periods: pd.PeriodIndex) -> np.ndarray:
    """Middle of each period as a datetime, so months, quarters and years line up."""
    start = periods.start_time
    return (start + (periods.end_time - start) / 2).to_numpy()


def plot_trend(result: _trend.TrendResult, municipality: str | None = None) -> Figure:
    """Figure of a :func:`~ivpanalysis.trend.fit_trend` result.

    Also drawn: the robust STL trend (:func:`trend.stl_trend`) and the multi-year average
    (:func:`trend.multi_year_average`) of the observed series. When the model ran
    on quarter totals, its trend line is drawn per month (divided by three) over the monthly counts.
    A ``no_data`` or ``too_few`` result shows the counts (if any) and says why there is no line.
    """
    what = "misdrijven"
    obs = result.observed
    freq = result.input_frequency or (_trend._freq_letter(obs.index) if len(obs) else "M")
    place = municipality if municipality is not None else result.region_name
    simulated = bool(obs.attrs.get("simulated", False))
    title = f"Aantal {what} per {_PER[freq]}" + (f" in {place}" if place else "")
    if simulated:
        title = "Gesimuleerd: " + title

    import seaborn as sns  # here: the style only matters when drawing, and seaborn is slow to import

    with sns.axes_style("whitegrid"):
        fig = Figure(figsize=(9.0, 4.8), layout="constrained")
        ax = fig.subplots()
    fig.suptitle(title, fontsize=13)
    ax.set_xlabel(_PER[freq].capitalize())
    ax.set_ylabel(f"Aantal {what}")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v)))

    if len(obs):
        x = _x(obs.index)
        ax.plot(x, obs.to_numpy(dtype=float), color=COLORS["observed"], lw=1, marker="o", ms=2.5,
                label=f"Geregistreerd per {_PER[freq]}", gid="observed")
        lo, hi = obs.index[0].start_time, obs.index[-1].end_time
        _shade_covid(ax, result, lo, hi)
        brk = pd.Period(_trend.REGISTRATION_BREAK, "M").start_time
        if lo < brk < hi:
            ax.axvline(brk, color=COLORS["break"], ls="-.", lw=1.2, gid="break",
                       label="Registratiewijziging juli 2018")

    if result.ok:
        f = result.fitted
        scale = _trend._MONTHS_IN[result.frequency] // _trend._MONTHS_IN[freq]
        xf = _x(pd.PeriodIndex(f.index))
        ax.fill_between(xf, f["lower"] / scale, f["upper"] / scale, color=COLORS["trend"], alpha=0.18, lw=0,
                        label=f"{fmt.number(100 * result.level)}%-betrouwbaarheidsband", gid="band")
        label = f"Trendlijn: gemiddeld {fmt.pct(result.pct_per_year, 1)} per jaar"
        if scale > 1:
            label += f" ({_PER[result.frequency]}model, per {_PER[freq]})"
        ax.plot(xf, f["fitted"] / scale, color=COLORS["trend"], lw=2.2, label=label, gid="trend")
    elif len(obs):
        ax.text(0.5, 0.5, "Geen trendlijn: " + _NO_LINE_NL.get(result.status, "te weinig voorvallen"),
                transform=ax.transAxes, ha="center", va="center", fontsize=12, color="#555555", gid="no_trend")
    else:
        ax.text(0.5, 0.5, "Geen gegevens", transform=ax.transAxes, ha="center", va="center", gid="no_trend")

    if len(obs) and obs.notna().any() and float(obs.sum()) > 0:
        st = _trend.stl_trend(obs)
        if st is not None and len(st):
            ax.plot(_x(pd.PeriodIndex(st.index)), st.to_numpy(dtype=float), color=COLORS["stl"], lw=1.5, ls="--",
                    label="Robuuste STL-trend", gid="stl")
        avg = _trend.multi_year_average(obs)
        if avg is not None and np.isfinite(avg):
            ax.axhline(avg, color=COLORS["average"], lw=1.2, ls=":", gid="average",
                       label=f"Meerjarig gemiddelde ({fmt.number(avg)} per {_PER[freq]})")
    ax.set_ylim(bottom=0)
    if freq == "Y" and len(obs):  # one tick per year, labelled with the year, not with month dates
        ax.set_xticks(_x(obs.index), [str(p.year) for p in obs.index])
    if simulated:
        ax.text(0.5, 0.5, "GESIMULEERDE GEGEVENS", transform=ax.transAxes, ha="center", va="center",
                fontsize=28, color="#999999", alpha=0.35, rotation=15, gid="simulated")
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return fig


def _shade_covid(ax, result: _trend.TrendResult, lo, hi) -> None:
    window = result.model.get("covid_window") or _trend.COVID_DEFAULT
    a = pd.Period(window[0], "M").start_time
    b = pd.Period(window[1], "M").end_time
    if a < hi and b > lo:
        ax.axvspan(max(a, lo), min(b, hi), color=COLORS["covid"], alpha=0.2, lw=0, label="COVID-periode", gid="covid")
