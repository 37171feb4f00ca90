"""Charts of an activities register: stacked stoplight bars per theme, or one bar of the published totals.

Draws what :func:`ivpanalysis.activities.activities_summary` computed; computes nothing itself.
Uses :class:`matplotlib.figure.Figure` directly (Agg canvas, no pyplot state), so it is safe in
batch runs; the caller saves or shows the returned figure.
"""
from __future__ import annotations

import textwrap

import pandas as pd

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ivpanalysis.present import charts, fmt
from ivpanalysis.analysis.activities import COLOURS, UNKNOWN, ActivitiesSummary
from ivpanalysis.present.activities_text import COLOUR_MEANING, dutch_date

#: fill per stoplight colour, colour-blind safe (Okabe–Ito bluish green, orange, vermillion; they
#: differ in lightness too), grey for no colour and for what a published total leaves unassigned.
#: Black text reads on all of them; every chart also names each colour in text.
PALETTE = {**{c: charts.STOPLIGHT[c] for c in ("groen", "oranje", "rood", UNKNOWN)}, "rest": "#DDDDDD"}  # house style


def legend_label(status: str) -> str:
    """'groen (op koers)', …, 'kleur onbekend'."""
    return COLOUR_MEANING[UNKNOWN] if status == UNKNOWN else f"{status} ({COLOUR_MEANING[status]})"


def theme_bars(summary: ActivitiesSummary, title: str | None = None, wrap: int = 45) -> Figure:
    """Horizontal stacked bars: number of activities per theme by colour (themes top to bottom in
    register order). Colours that no activity has are left out of the bars and the legend; when no
    activity has a colour the bars are grey and the subtitle says the colour is not in the source.
    """
    bt = summary.by_theme
    fig = Figure(figsize=(8, 1.8 + 0.32 * max(len(bt), 1)), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [textwrap.fill(str(t), wrap) for t in bt["theme"]]
    y = list(range(len(bt)))[::-1]
    left = [0] * len(bt)
    for status in [*COLOURS, UNKNOWN]:
        counts = [int(c) for c in bt[status].fillna(0)]  # <NA> (no colour known) draws nothing
        if not any(counts):
            continue
        ax.barh(y, counts, left=left, color=PALETTE[status], label=legend_label(status), height=0.7)
        left = [a + b for a, b in zip(left, counts)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("Aantal activiteiten")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(-0.6, len(bt) - 0.4)
    fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    heading = title or "Activiteiten per thema naar stoplichtkleur"
    n = fmt.number(summary.n_activities)
    if summary.n_judged:
        sub = f"{n} activiteiten, waarvan {fmt.number(summary.n_judged)} met een kleur"
    else:
        sub = f"{n} activiteiten; de kleur per activiteit staat niet in de bron"
    if summary.date:
        sub += f" (stand {dutch_date(summary.date)})"
    ax.set_title(f"{heading}\n{sub}", loc="left", fontsize=10)
    return fig


def alt_text(summary: ActivitiesSummary, name: str | None = None) -> str:
    """Dutch alt text for :func:`theme_bars`: the counts per theme in words."""
    head = "Activiteiten per thema naar stoplichtkleur" + (f", {name}" if name else "")
    parts = []
    for r in summary.by_theme.itertuples(index=False):
        d = r._asdict()
        counts = [f"{fmt.number(d[c])} {c}" for c in COLOURS if not pd.isna(d[c]) and d[c] > 0]
        if d[UNKNOWN]:
            counts.append(f"{fmt.number(d[UNKNOWN])} zonder kleur")
        parts.append(f"{r.theme}: {', '.join(counts)}")
    return f"{head}. " + "; ".join(parts) + "."


def published_label(status: str, row) -> str:
    """Text label of one segment of :func:`published_bar` ('groen: 82%', 'oranje: 24', 'rest: 1')."""
    if status == "groen":
        return f"groen: {fmt.share(row['share'])}"
    if status == "rest":
        return "niet uitgesplitst"
    return f"{status}: {fmt.number(row['count'])}"


def published_bar(stoplight: pd.DataFrame, summary: ActivitiesSummary) -> Figure:
    """One horizontal stoplight bar of the totals the source document states (for when the colours
    per activity are lost): segments in % of the stated total, each named in text in the legend
    and, where wide enough, in the segment itself (not by colour alone)."""
    fig = Figure(figsize=(8, 1.7), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    left = 0.0
    for status, row in stoplight.iterrows():
        label = published_label(status, row)
        ax.barh([0], [row["share"]], left=left, height=0.6, color=PALETTE[status], label=label,
                edgecolor="white", linewidth=1)
        if row["share"] >= 8:
            ax.text(left + row["share"] / 2, 0, label, ha="center", va="center", fontsize=9, color="black")
        left += row["share"]
    ax.set_xlim(0, max(100, left))
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.share(v)))
    ax.spines[["top", "right", "left"]].set_visible(False)
    fig.legend(loc="outside lower center", ncols=len(stoplight), fontsize=8, frameon=False)
    total = fmt.number(stoplight.attrs["total"])
    ax.set_title(f"Stoplicht volgens het brondocument: {total} activiteiten\n"
                 f"gepubliceerde totalen; de kleur per activiteit staat niet in de bron",
                 loc="left", fontsize=10)
    return fig


def published_alt(stoplight: pd.DataFrame, name: str | None = None) -> str:
    """Dutch alt text of :func:`published_bar`: the stated figures in words."""
    head = "Stoplicht van de activiteiten volgens het brondocument" + (f", {name}" if name else "")
    parts = [published_label(st, row) for st, row in stoplight.iterrows() if st != "rest"]
    return (f"{head}: {fmt.number(stoplight.attrs['total'])} activiteiten, " + ", ".join(parts)
            + ". De kleur per activiteit staat niet in de bron.")
