"""Bar chart of an activities register per theme: stacked stoplight colours, Dutch labels.

Draws what :func:`ivpanalysis.activities.activities_summary` computed; computes nothing itself.
Uses :class:`matplotlib.figure.Figure` directly (Agg canvas, no pyplot state), so it is safe in
batch runs; the caller saves or shows the returned figure.
"""
from __future__ import annotations

import textwrap

import pandas as pd

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ivpanalysis.present import fmt
from ivpanalysis.analysis.activities import COLOURS, UNKNOWN, ActivitiesSummary
from ivpanalysis.present.activities_text import COLOUR_MEANING, dutch_date

#: fill per stoplight colour (and grey for no colour)
PALETTE = {"groen": "#2e7d32", "oranje": "#ef8c00", "rood": "#c62828", UNKNOWN: "#9e9e9e"}


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
