"""Every chart of the report and the explorer, in one house style.

House style: one palette (Okabe–Ito, readable with the common colour-vision deficiencies), the
stoplight colours always together with a text label, one font and its sizes, Dutch axis numbers
via :mod:`ivpanalysis.present.fmt`, and :func:`figure` as the one way to make a figure (a bare
:class:`matplotlib.figure.Figure` on an Agg canvas: no pyplot state, safe headless and in batches).

The charts draw what :mod:`ivpanalysis.analysis` computed; they compute no statistic of their own.
Simulated series (``attrs['simulated']``) are labelled as such in the title and across the plot.
"""
from __future__ import annotations

import textwrap
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ivpanalysis.analysis import trend as _trend
from ivpanalysis.present import trend_text
from ivpanalysis.present.gap_text import QUADRANTS, unit_label
from ivpanalysis.errors import DataError
from ivpanalysis.present import fmt

# --- house style -------------------------------------------------------------------------------------

#: Okabe–Ito palette: distinguishable with protanopia, deuteranopia and tritanopia
INK = "#222222"
MUTED = "#595959"  # secondary text: 7:1 contrast on white
GRID = "#dddddd"
GREY = "#b0b0b0"
BLUE = "#0072B2"
SKY = "#56B4E9"
GREEN = "#009E73"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
#: one colour per series, in this order, wherever several lines or groups share a chart
SERIES = (INK, BLUE, GREEN, PURPLE, ORANGE, SKY, MUTED)
#: stoplight colours (Dutch keys as the registers and dashboards write them): Okabe–Ito bluish green, orange
#: and vermillion, distinct in lightness too, black text readable on each (WCAG contrast ≥ 4,5); always
#: shown together with the colour's word, never colour alone
STOPLIGHT = {"groen": GREEN, "oranje": ORANGE, "rood": VERMILLION, "onbekend": "#BBBBBB"}
#: the roles a colour plays in the charts below
COLORS = {"observed": INK, "trend": VERMILLION, "stl": BLUE, "average": MUTED, "covid": YELLOW,
          "break": PURPLE, "bars": BLUE, "focal": VERMILLION}
FOCAL = COLORS["focal"]
#: sequential palette for five ordered classes (maps): ColorBrewer YlGnBu-5, marked colour-blind safe
#: by ColorBrewer and ordered by lightness, so the classes also read in greyscale print
SEQUENTIAL = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
NO_DATA = "#e0e0e0"  # a shape without a figure (hatched as well, so it is not read as the lightest class)
FLAG_EDGE = "#000000"
PEER_COLOURS = (BLUE, GREEN, PURPLE, ORANGE, SKY, "#8c564b")
FONT = "DejaVu Sans"
SIZES = {"title": 12, "label": 10, "tick": 9, "legend": 8, "note": 8, "annotation": 9}
_PER = trend_text.FREQ_NL
_NO_LINE_NL = {"no_data": "geen gegevens", "too_short": "te weinig jaren"}


def figure(width: float, height: float) -> Figure:
    """A new figure of ``width`` × ``height`` inches on an Agg canvas with constrained layout."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def axes(fig: Figure, grid: bool = True):
    """The figure's one axes, styled: light grid behind the data, no top and right spines."""
    ax = fig.add_subplot()
    if grid:
        ax.grid(True, color=GRID, lw=0.6)
        ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=SIZES["tick"], colors=INK)
    return ax


def heading(ax_or_fig, text: str, **kw) -> None:
    """A title in the house size (``suptitle`` on a figure, ``set_title`` on an axes).

    An axes title sits at the top of the axes (``y=1``): the house axes have no tick labels on top and
    Dutch formatters without an offset text, so matplotlib's search for a higher place (measuring both
    axes on every draw) would always end there.
    """
    fig = ax_or_fig if isinstance(ax_or_fig, Figure) else ax_or_fig.figure
    text = "\n".join(textwrap.wrap(text, _title_chars(fig), break_long_words=False)) if "\n" not in text else text
    if isinstance(ax_or_fig, Figure):
        ax_or_fig.suptitle(text, fontsize=SIZES["title"], color=INK, family=FONT, **kw)
    else:
        ax_or_fig.set_title(text, fontsize=SIZES["title"], color=INK, family=FONT, **{"y": 1.0, **kw})


def _title_chars(fig: Figure) -> int:
    """About how many title characters fit on one line of ``fig`` (DejaVu Sans averages ~0,6 em per character),
    so a long municipality name wraps the title instead of pushing it past the edge."""
    return max(20, int(fig.get_figwidth() * 72 / (SIZES["title"] * 0.62)))


def _tick(x, _pos=None) -> str:
    return fmt.number(x, 0 if float(x).is_integer() else 1)


def dutch_axis(ax, axes: str = "xy", decimals: int | None = None) -> None:
    """Decimal comma, thousands dot and typographic minus on the numeric axes (via :mod:`fmt`).

    ``decimals`` None: whole numbers without decimals, others with one.
    """
    f = FuncFormatter(_tick) if decimals is None else FuncFormatter(lambda v, _: fmt.number(v, decimals))
    if "x" in axes:
        ax.xaxis.set_major_formatter(f)
    if "y" in axes:
        ax.yaxis.set_major_formatter(f)


def legend_below(fig: Figure, ax, ncols: int = 3) -> None:
    """The legend under the plot, without frame (when anything is labelled)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(ncols, len(handles)),
                   fontsize=SIZES["legend"], frameon=False)


def simulated_mark(ax) -> None:
    """'GESIMULEERDE GEGEVENS' across the plot."""
    ax.text(0.5, 0.5, "GESIMULEERDE GEGEVENS", transform=ax.transAxes, ha="center", va="center",
            fontsize=28, color="#999999", alpha=0.35, rotation=15, gid="simulated")


def describe(fig: Figure, text: str) -> Figure:
    """Attach the chart's key figures in Dutch words (read by :func:`ivpanalysis.present.html.figure_alt`)."""
    fig.ivp_description = text
    return fig


# --- yearly totals (report) ---------------------------------------------------------------------------

def yearly_bars(series: pd.Series, place: str) -> tuple[Figure, str]:
    """Bar chart of registered crime per year with each bar's value, and its alt text."""
    fig = figure(6.4, 3.2)
    ax = axes(fig)
    ax.grid(False, axis="x")
    ax.bar([str(int(y)) for y in series.index], series.values, color=COLORS["bars"])
    for x, v in zip(range(len(series)), series.values):
        ax.annotate(fmt.number(v), (x, v), ha="center", va="bottom", fontsize=SIZES["annotation"])
    dutch_axis(ax, "y")
    ax.set_ylabel("geregistreerde misdrijven", fontsize=SIZES["label"])
    head = f"Geregistreerde misdrijven per jaar, {place}"
    heading(ax, head)
    alt = head + ": " + ", ".join(f"{int(y)}: {fmt.number(v)}" for y, v in series.items())
    return fig, alt


# --- trend (report) ----------------------------------------------------------------------------------

def _x(periods: pd.PeriodIndex) -> np.ndarray:
    """Middle of each period as a datetime, so months, quarters and years line up."""
    start = periods.start_time
    return (start + (periods.end_time - start) / 2).to_numpy()


def plot_trend(result: _trend.TrendResult, municipality: str | None = None) -> Figure:
    """Figure of a :func:`~ivpanalysis.trend.fit_trend` result.

    Also drawn: the robust STL trend (:func:`trend.stl_trend`) and the multi-year average
    (:func:`trend.multi_year_average`) of the observed series. When the model ran on quarter
    totals, its trend line is drawn per month (divided by three) over the monthly counts. A
    ``no_data`` or ``too_few`` result shows the counts (if any) and says why there is no line.
    """
    obs = result.observed
    freq = result.input_frequency or (_trend._freq_letter(obs.index) if len(obs) else "M")
    place = municipality if municipality is not None else result.region_name
    simulated = bool(obs.attrs.get("simulated", False))
    head = f"Aantal misdrijven per {_PER[freq]}" + (f" in {place}" if place else "")
    fig = figure(9.0, 4.8)
    ax = axes(fig)
    heading(fig, ("Gesimuleerd: " if simulated else "") + head)
    ax.set_xlabel(_PER[freq].capitalize(), fontsize=SIZES["label"])
    ax.set_ylabel("Aantal misdrijven", fontsize=SIZES["label"])
    dutch_axis(ax, "y", 0)
    if len(obs):
        _observed(ax, result, obs, freq)
    _trend_line(ax, result, obs, freq)
    if len(obs) and obs.notna().any() and float(obs.sum()) > 0:
        _smooth_lines(ax, obs, freq)
    ax.set_ylim(bottom=0)
    if freq == "Y" and len(obs):  # one tick per year, labelled with the year, not with month dates
        ax.set_xticks(_x(obs.index), [str(p.year) for p in obs.index])
    elif len(obs):
        ax.set_xticks(*month_ticks(obs.index))
    if simulated:
        simulated_mark(ax)
    legend_below(fig, ax)
    return describe(fig, _trend_description(result, obs, freq, place))


#: month steps a date axis may use, and at most this many ticks on it
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120)
MAX_DATE_TICKS = 8


def month_ticks(periods: pd.PeriodIndex) -> tuple[list[pd.Timestamp], list[str]]:
    """Ticks on the first day of every 1, 2, 3, 6, 12, … months within ``periods`` (at most
    :data:`MAX_DATE_TICKS`), labelled in Dutch: 'jan 2024' or, a year apart or more, '2024'.

    Fixed ticks instead of matplotlib's date locator: Dutch month names, and no search for ticks on
    every draw of the chart.
    """
    start, end = periods[0].start_time, periods[-1].end_time
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    step = next((k for k in MONTH_STEPS if (last - first) // k + 1 <= MAX_DATE_TICKS), MONTH_STEPS[-1])
    months = range(-(-first // step) * step, last + 1, step)
    ticks = [pd.Timestamp(year=m // 12, month=m % 12 + 1, day=1) for m in months]
    ticks = [t for t in ticks if start <= t <= end]
    labels = [str(t.year) if step >= 12 else f"{_MONTH_ABBR[t.month - 1]} {t.year}" for t in ticks]
    return ticks, labels


def _trend_description(result: _trend.TrendResult, obs: pd.Series, freq: str, place: str | None) -> str:
    """'Lelystad: 4.240 misdrijven in 2019; de trendlijn daalt gemiddeld −2,1% per jaar.'"""
    valid = obs.dropna()
    if valid.empty:
        return f"{place or ''}: geen gegevens".strip(": ")
    text = f"{place + ': ' if place else ''}{fmt.number(valid.iloc[-1])} misdrijven in {valid.index[-1]}"
    if result.ok:
        text += f"; trendlijn gemiddeld {fmt.pct(result.pct_per_year, 1)} per jaar"
    return text


def _observed(ax, result: _trend.TrendResult, obs: pd.Series, freq: str) -> None:
    """The counts, the COVID period and the July-2018 registration change."""
    ax.plot(_x(obs.index), obs.to_numpy(dtype=float), color=COLORS["observed"], lw=1, marker="o", ms=2.5,
            label=f"Geregistreerd per {_PER[freq]}", gid="observed")
    lo, hi = obs.index[0].start_time, obs.index[-1].end_time
    window = result.model.get("covid_window") or _trend.COVID_DEFAULT
    a, b = pd.Period(window[0], "M").start_time, pd.Period(window[1], "M").end_time
    if a < hi and b > lo:
        ax.axvspan(max(a, lo), min(b, hi), color=COLORS["covid"], alpha=0.25, lw=0, label="COVID-periode", gid="covid")
    brk = pd.Period(_trend.REGISTRATION_BREAK, "M").start_time
    if lo < brk < hi:
        ax.axvline(brk, color=COLORS["break"], ls="-.", lw=1.2, gid="break", label="Registratiewijziging juli 2018")


def _trend_line(ax, result: _trend.TrendResult, obs: pd.Series, freq: str) -> None:
    """The model's trend with its band, or the sentence why there is none."""
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
        why = _NO_LINE_NL.get(result.status, "te weinig voorvallen")
        ax.text(0.5, 0.5, "Geen trendlijn: " + why, transform=ax.transAxes, ha="center", va="center",
                fontsize=SIZES["title"], color=MUTED, gid="no_trend")
    else:
        ax.text(0.5, 0.5, "Geen gegevens", transform=ax.transAxes, ha="center", va="center", gid="no_trend")


def _smooth_lines(ax, obs: pd.Series, freq: str) -> None:
    """The robust STL trend and the multi-year average of the counts."""
    st = _trend.stl_trend(obs)
    if st is not None and len(st):
        ax.plot(_x(pd.PeriodIndex(st.index)), st.to_numpy(dtype=float), color=COLORS["stl"], lw=1.5, ls="--",
                label="Robuuste STL-trend", gid="stl")
    avg = _trend.multi_year_average(obs)
    if avg is not None and np.isfinite(avg):
        ax.axhline(avg, color=COLORS["average"], lw=1.2, ls=":", gid="average",
                   label=f"Meerjarig gemiddelde ({fmt.number(avg)} per {_PER[freq]})")


_MONTH_ABBR = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def seasonal_bars(factors: pd.Series, place: str, what: str, simulated: bool = False) -> Figure:
    """The fitted seasonal pattern: % above or below an average month (or quarter), one bar each.

    ``factors``: :func:`ivpanalysis.analysis.series.seasonal_factors` (geometric mean 1).
    """
    monthly = factors.name == "month"
    labels = list(_MONTH_ABBR) if monthly else [f"K{k}" for k in factors.index]
    pct = 100 * (factors.to_numpy(dtype=float) - 1)
    fig = figure(6.4, 2.9)
    ax = axes(fig)
    ax.grid(False, axis="x")
    ax.bar(labels, pct, color=[COLORS["trend"] if v > 0 else COLORS["stl"] for v in pct], gid="season")
    ax.axhline(0, color=INK, lw=0.8)
    dutch_axis(ax, "y", 0)
    unit = "maand" if monthly else "kwartaal"
    ax.set_ylabel(f"% t.o.v. gemiddelde {unit}", fontsize=SIZES["label"])
    heading(ax, ("Gesimuleerd: s" if simulated else "S") + f"eizoenspatroon {what}, {place}")
    if simulated:
        simulated_mark(ax)
    hi, lo = int(np.argmax(pct)), int(np.argmin(pct))
    return describe(fig, f"{place}: het hoogst in {labels[hi]} ({fmt.pct(pct[hi])}), "
                         f"het laagst in {labels[lo]} ({fmt.pct(pct[lo])})")


# --- the gap between crime and feeling unsafe (report) ----------------------------------------------

def _groups(res: pd.DataFrame, focal, peers) -> pd.Series:
    """Group label per row: 'focal', a peer group name, or '' (other units)."""
    units = res["unit"]
    if focal is not None and not (units == focal).any():
        raise DataError.at("gap chart", f"focal unit {focal!r} is not among the units", column="unit",
                           expected="one of " + ", ".join(map(str, units)))
    if peers is None:
        peer_map: dict = {}
    elif isinstance(peers, Mapping):
        peer_map = dict(peers)
    else:
        peer_map = {p: "Vergelijkbare gebieden" for p in peers}
    g = units.map(lambda u: peer_map.get(u, "")).astype(object)
    if focal is not None:
        g[units == focal] = "focal"
    return g


def quadrant_chart(res: pd.DataFrame, focal=None, peers: Iterable | Mapping | None = None,
                   title: str = "Criminaliteit en onveiligheidsgevoel") -> Figure:
    """Low/high crime × low/high feeling unsafe (z-scores across the units), focal unit highlighted.

    ``peers``: unit keys (one colour) or a mapping unit → peer-group name (one colour per group).
    Units flagged by the gap analysis get a black ring. Each scatter carries its group as label
    (``'Overige gebieden'``, the peer-group names, the focal unit's name).
    """
    d = res[res["crime_z"].notna() & res["unsafe_z"].notna()].copy()
    d["group"] = _groups(d, focal, peers).to_numpy()
    fig = figure(7.5, 6.0)
    ax = axes(fig, grid=False)
    _quadrant_frame(ax, d)
    others = d[d["group"] == ""]
    ax.scatter(others["crime_z"], others["unsafe_z"], s=30, color=GREY, label="Overige gebieden", zorder=2)
    peer_groups = [g for g in pd.unique(d["group"]) if g not in ("", "focal")]
    for k, g in enumerate(peer_groups):
        sub = d[d["group"] == g]
        ax.scatter(sub["crime_z"], sub["unsafe_z"], s=45, color=PEER_COLOURS[k % len(PEER_COLOURS)], label=g, zorder=3)
    if focal is not None:
        f = d[d["group"] == "focal"]
        name = unit_label(res, focal)
        ax.scatter(f["crime_z"], f["unsafe_z"], s=110, color=FOCAL, marker="D", label=name, zorder=5)
        ax.annotate(name, (f["crime_z"].iloc[0], f["unsafe_z"].iloc[0]), xytext=(8, 6), textcoords="offset points",
                    fontsize=SIZES["annotation"], fontweight="bold", color=FOCAL)
    flagged = d[d["flag"].fillna(False).astype(bool)]
    if len(flagged):
        ax.scatter(flagged["crime_z"], flagged["unsafe_z"], s=200, facecolors="none", edgecolors=FLAG_EDGE,
                   linewidths=1.2, label="Buiten het voorspellingsinterval", zorder=4)
    for _, r in d[(d["group"] != "") & (d["group"] != "focal")].iterrows():
        ax.annotate(unit_label(res, r["unit"]), (r["crime_z"], r["unsafe_z"]), xytext=(5, -10),
                    textcoords="offset points", fontsize=7)
    ax.set_xlabel("Geregistreerde misdrijven per 1.000 inwoners\n(standaardscore van de logaritme; 0 = gemiddeld)",
                  fontsize=SIZES["label"])
    ax.set_ylabel("Voelt zich wel eens onveilig in de buurt\n(standaardscore; 0 = gemiddeld)", fontsize=SIZES["label"])
    heading(ax, title)
    dutch_axis(ax)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=SIZES["legend"], frameon=False)
    return describe(fig, _focal_description(res, focal, f"{fmt.number(len(d))} gebieden"))


def _focal_description(res: pd.DataFrame, focal, lead: str) -> str:
    """'342 gebieden; Lelystad: kloof +2,3 procentpunt (verwacht 30%, gemeten 33%)'."""
    if focal is None:
        return lead
    r = res[res["unit"] == focal].iloc[0]
    text = f"{lead}; {unit_label(res, focal)}"
    if pd.notna(r.get("residual")):
        text += f": kloof {fmt.signed(r['residual'])} procentpunt"
        if pd.notna(r.get("expected")) and pd.notna(r.get("pct_unsafe")):
            text += f" (gemeten {fmt.share(r['pct_unsafe'], 1)}, verwacht {fmt.share(r['expected'], 1)})"
    return text


def _quadrant_frame(ax, d: pd.DataFrame) -> None:
    """Zero lines, symmetric limits and the four quadrants' names in the corners."""
    ax.axhline(0, color="#444444", lw=0.8)
    ax.axvline(0, color="#444444", lw=0.8)
    lim = float(np.nanmax(np.abs(d[["crime_z", "unsafe_z"]].to_numpy()))) * 1.15 + 0.2
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    corners = {"hoog_hoog": (0.98, 0.98, "right", "top"), "laag_hoog": (0.02, 0.98, "left", "top"),
               "hoog_laag": (0.98, 0.02, "right", "bottom"), "laag_laag": (0.02, 0.02, "left", "bottom")}
    for key, (x, y, ha, va) in corners.items():
        ax.text(x, y, QUADRANTS[key], transform=ax.transAxes, ha=ha, va=va, fontsize=SIZES["note"], color=MUTED,
                gid=f"quadrant:{key}")


def caterpillar_chart(res: pd.DataFrame, focal=None, peers: Iterable | Mapping | None = None,
                      title: str | None = None) -> Figure:
    """Each unit's gap (measured − expected, points) with its prediction interval, sorted by the gap.

    Bars (``residual_lower``–``residual_upper``) that do not cover 0 are the flagged units (black);
    the focal unit in the focal colour, peers in their group colour. Units without a result are left out.
    """
    d = res[res["expected"].notna()].sort_values("residual").reset_index(drop=True)
    d["group"] = _groups(d, focal, peers).to_numpy()
    lvl = fmt.number(res.attrs.get("level", 0.95) * 100, 0)
    fig = figure(7.5, max(3.0, 0.28 * len(d) + 1.5))
    ax = axes(fig)
    ax.axvline(0, color="#444444", lw=0.8)
    peer_groups = [g for g in pd.unique(d["group"]) if g not in ("", "focal")]
    colour = {g: PEER_COLOURS[k % len(PEER_COLOURS)] for k, g in enumerate(peer_groups)}
    y = np.arange(len(d))
    for i, r in d.iterrows():
        flagged = bool(r["flag"]) if pd.notna(r["flag"]) else False
        c = FOCAL if r["group"] == "focal" else colour.get(r["group"], FLAG_EDGE if flagged else GREY)
        ax.plot([r["residual_lower"], r["residual_upper"]], [y[i], y[i]], color=c,
                lw=2.5 if flagged or r["group"] else 1.5, solid_capstyle="butt", gid=f"interval:{r['unit']}")
        ax.plot([r["residual"]], [y[i]], marker="D" if r["group"] == "focal" else "o", color=c,
                markersize=7 if r["group"] == "focal" else 5, gid=f"gap:{r['unit']}")
    ax.set_yticks(y, [unit_label(res, u) for u in d["unit"]], fontsize=SIZES["legend"])
    ax.set_xlabel("Kloof: gemeten min verwacht aandeel dat zich wel eens onveilig voelt (procentpunt)",
                  fontsize=SIZES["label"])
    heading(ax, title or f"Kloof per gebied met {lvl}%-voorspellingsinterval")
    dutch_axis(ax, "x")
    handles = [Line2D([], [], color=GREY, lw=1.5, marker="o", label="Binnen het interval"),
               Line2D([], [], color=FLAG_EDGE, lw=2.5, marker="o", label="Buiten het interval")]
    if focal is not None:
        handles.append(Line2D([], [], color=FOCAL, lw=2.5, marker="D", label=unit_label(res, focal)))
    handles += [Line2D([], [], color=colour[g], lw=2.5, marker="o", label=g) for g in peer_groups]
    ax.legend(handles=handles, loc="lower right", fontsize=SIZES["legend"])
    return describe(fig, _focal_description(res, focal, f"{fmt.number(len(d))} gebieden"))


def over_time_chart(res: pd.DataFrame, name: str | None = None) -> Figure:
    """Registered crime and % feeling unsafe indexed to the reference year, with the feeling's margins."""
    base = res.attrs["base_year"]
    name = name or res.attrs.get("region_name") or ""
    fig = figure(7.5, 4.5)
    ax = axes(fig)
    ax.axhline(100, color="#444444", lw=0.8)
    crime_label = ("Geregistreerde misdrijven (aantal; geen bevolkingscijfer)" if res.attrs["crime_basis"] == "count"
                   else "Geregistreerde misdrijven per 1.000 inwoners")
    c = res[res["crime_index"].notna()]
    ax.plot(c["year"], c["crime_index"], marker="s", color=BLUE, label=crime_label, gid="crime_index")
    u = res[res["unsafe_index"].notna()]
    p0 = float(res.loc[res["year"] == base, "pct_unsafe"].iloc[0])
    err = (u["margin"] / p0 * 100).to_numpy()
    # dotted: the survey is not held every year, so the line between measurements is no measurement
    eb = ax.errorbar(u["year"].to_numpy(float), u["unsafe_index"].to_numpy(float), yerr=err, marker="o", color=FOCAL,
                     capsize=4, lw=1.5, ls=":", label="Voelt zich wel eens onveilig in de buurt (met 95%-marge)")
    eb.lines[0].set_gid("unsafe_index")
    if "rapportcijfer_index" in res.columns and res["rapportcijfer_index"].notna().sum() > 1:
        g = res[res["rapportcijfer_index"].notna()]
        ax.plot(g["year"], g["rapportcijfer_index"], marker="^", ls="--", color=GREEN,
                label="Rapportcijfer veiligheid in de buurt", gid="rapportcijfer_index")
    ax.set_xticks(res["year"].to_numpy(), [str(y) for y in res["year"]])
    ax.set_ylabel(f"Index ({base} = 100)", fontsize=SIZES["label"])
    dutch_axis(ax, "y")
    heading(ax, f"Criminaliteit en onveiligheidsgevoel{' in ' + name if name else ''}")
    ax.legend(loc="lower left", fontsize=SIZES["legend"])
    return describe(fig, _over_time_description(res, u, name, base))


def _over_time_description(res: pd.DataFrame, unsafe: pd.DataFrame, name: str, base) -> str:
    """'Lelystad: in 2019 voelde 31% zich wel eens onveilig (index 94; 2016 = 100)'."""
    text = f"{name}: " if name else ""
    if not len(unsafe):
        return text + f"index {base} = 100"
    last = unsafe.iloc[-1]
    text += (f"in {int(last['year'])} voelde {fmt.share(last['pct_unsafe'])} zich wel eens onveilig "
             f"(index {fmt.number(last['unsafe_index'])}; {base} = 100)")
    crime = res[res["crime_index"].notna()]
    if len(crime):
        c = crime.iloc[-1]
        text += f"; criminaliteit in {int(c['year'])}: index {fmt.number(c['crime_index'])}"
    return text


# --- explorer -------------------------------------------------------------------------------------------

def explorer_chart(chart: dict, figsize=(8.5, 4.4)) -> Figure:
    """The explorer's chart: one line per municipality, the trend line with its band for the first.

    ``chart``: :func:`ivpanalysis.explore.explorer.chart_data`'s dict (title, ylabel, measure,
    lines, main, trend, level, years).
    """
    fig = figure(*figsize)
    ax = axes(fig)
    heading(fig, chart["title"])
    ax.set_xlabel("Jaar", fontsize=SIZES["label"])
    ax.set_ylabel(chart["ylabel"], fontsize=SIZES["label"])
    dec = 1 if chart["measure"] == "rate" else 0
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, dec if abs(v) < 100 else 0)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: str(int(v))))
    for i, (name, s) in enumerate(chart["lines"].items()):
        main = name == chart["main"]
        ax.plot(s.index, s.to_numpy(float), marker="o", ms=4 if main else 3, lw=2 if main else 1.3,
                color=SERIES[i % len(SERIES)], label=name, gid=f"line:{name}")
    t = chart["trend"]
    if t is not None:
        ax.fill_between(t.index, t["lower"], t["upper"], color=COLORS["trend"], alpha=0.15, lw=0,
                        label=f"{fmt.number(100 * chart['level'])}%-betrouwbaarheidsband trend {chart['main']}",
                        gid="band")
        ax.plot(t.index, t["fitted"], color=COLORS["trend"], lw=2, ls="--", label=f"Trendlijn {chart['main']}",
                gid="trend")
    if not any(s.notna().any() for s in chart["lines"].values()):
        ax.text(0.5, 0.5, "Geen gegevens", transform=ax.transAxes, ha="center", va="center", gid="no_data")
    ax.set_ylim(bottom=0)
    if len(chart["years"]) == 1:
        ax.set_xlim(chart["years"][0] - 1, chart["years"][0] + 1)
    legend_below(fig, ax, ncols=4)
    return fig
