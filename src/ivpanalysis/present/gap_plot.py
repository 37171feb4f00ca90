"""Charts of the objective-subjective gap, drawn from :mod:`ivpanalysis.gap` results (Dutch labels).

The charts compute nothing: z-scores, quadrants, intervals and verdicts come from
:func:`~ivpanalysis.gap.gap_across` and :func:`~ivpanalysis.gap.gap_over_time`. Figures are made
without pyplot on an Agg canvas, so they work headless and in notebooks alike and never pile up
in pyplot's global state.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from ivpanalysis.present import fmt
from ivpanalysis.errors import DataError
from ivpanalysis.present.gap_text import QUADRANTS, unit_label

GREY = "#b0b0b0"
FOCAL = "#d62728"
PEER_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
FLAG_EDGE = "#000000"


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _tick(x, _pos=None) -> str:
    return fmt.number(x, 0 if float(x).is_integer() else 1)


def _dutch_ticks(ax, axes: str = "xy") -> None:
    """Decimal comma and typographic minus on the numeric axes (via ivpanalysis.fmt)."""
    if "x" in axes:
        ax.xaxis.set_major_formatter(FuncFormatter(_tick))
    if "y" in axes:
        ax.yaxis.set_major_formatter(FuncFormatter(_tick))


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
    fig = _figure(7.5, 6.0)
    ax = fig.add_subplot()
    ax.axhline(0, color="#444444", lw=0.8)
    ax.axvline(0, color="#444444", lw=0.8)
    lim = float(np.nanmax(np.abs(d[["crime_z", "unsafe_z"]].to_numpy()))) * 1.15 + 0.2
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    corners = {"hoog_hoog": (0.98, 0.98, "right", "top"), "laag_hoog": (0.02, 0.98, "left", "top"),
               "hoog_laag": (0.98, 0.02, "right", "bottom"), "laag_laag": (0.02, 0.02, "left", "bottom")}
    for key, (x, y, ha, va) in corners.items():
        ax.text(x, y, QUADRANTS[key], transform=ax.transAxes, ha=ha, va=va, fontsize=8, color="#555555",
                gid=f"quadrant:{key}")
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
                    fontsize=9, fontweight="bold", color=FOCAL)
    flagged = d[d["flag"].fillna(False).astype(bool)]
    if len(flagged):
        ax.scatter(flagged["crime_z"], flagged["unsafe_z"], s=200, facecolors="none", edgecolors=FLAG_EDGE,
                   linewidths=1.2, label="Buiten het voorspellingsinterval", zorder=4)
    for _, r in d[(d["group"] != "") & (d["group"] != "focal")].iterrows():
        ax.annotate(unit_label(res, r["unit"]), (r["crime_z"], r["unsafe_z"]), xytext=(5, -10),
                    textcoords="offset points", fontsize=7)
    ax.set_xlabel("Geregistreerde misdrijven per 1.000 inwoners\n(standaardscore van de logaritme; 0 = gemiddeld)")
    ax.set_ylabel("Voelt zich wel eens onveilig in de buurt\n(standaardscore; 0 = gemiddeld)")
    ax.set_title(title)
    _dutch_ticks(ax)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=8, frameon=False)
    return fig


def caterpillar_chart(res: pd.DataFrame, focal=None, peers: Iterable | Mapping | None = None,
                      title: str | None = None) -> Figure:
    """Each unit's gap (measured − expected, points) with its prediction interval, sorted by the gap.

    Bars (``residual_lower``–``residual_upper``) that do not cover 0 are the flagged units (black); the focal unit in red, peers
    in their group colour. Units without a result are left out.
    """
    d = res[res["expected"].notna()].sort_values("residual").reset_index(drop=True)
    d["group"] = _groups(d, focal, peers).to_numpy()
    lvl = fmt.number(res.attrs.get("level", 0.95) * 100, 0)
    fig = _figure(7.5, max(3.0, 0.28 * len(d) + 1.5))
    ax = fig.add_subplot()
    ax.axvline(0, color="#444444", lw=0.8)
    peer_groups = [g for g in pd.unique(d["group"]) if g not in ("", "focal")]
    colour = {g: PEER_COLOURS[k % len(PEER_COLOURS)] for k, g in enumerate(peer_groups)}
    lo = d["residual_lower"].to_numpy()
    hi = d["residual_upper"].to_numpy()
    y = np.arange(len(d))
    for i, r in d.iterrows():
        flagged = bool(r["flag"]) if pd.notna(r["flag"]) else False
        c = FOCAL if r["group"] == "focal" else colour.get(r["group"], FLAG_EDGE if flagged else GREY)
        ax.plot([lo[i], hi[i]], [y[i], y[i]], color=c, lw=2.5 if flagged or r["group"] else 1.5,
                solid_capstyle="butt", gid=f"interval:{r['unit']}")
        ax.plot([r["residual"]], [y[i]], marker="D" if r["group"] == "focal" else "o", color=c,
                markersize=7 if r["group"] == "focal" else 5, gid=f"gap:{r['unit']}")
    ax.set_yticks(y, [unit_label(res, u) for u in d["unit"]], fontsize=8)
    ax.set_xlabel("Kloof: gemeten min verwacht aandeel dat zich wel eens onveilig voelt (procentpunt)")
    ax.set_title(title or f"Kloof per gebied met {lvl}%-voorspellingsinterval")
    _dutch_ticks(ax, "x")
    handles = [Line2D([], [], color=GREY, lw=1.5, marker="o", label="Binnen het interval"),
               Line2D([], [], color=FLAG_EDGE, lw=2.5, marker="o", label="Buiten het interval")]
    if focal is not None:
        handles.append(Line2D([], [], color=FOCAL, lw=2.5, marker="D", label=unit_label(res, focal)))
    handles += [Line2D([], [], color=colour[g], lw=2.5, marker="o", label=g) for g in peer_groups]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    return fig


def over_time_chart(res: pd.DataFrame, name: str | None = None) -> Figure:
    """Registered crime and % feeling unsafe indexed to the reference year, with the feeling's margins."""
    base = res.attrs["base_year"]
    name = name or res.attrs.get("region_name") or ""
    fig = _figure(7.5, 4.5)
    ax = fig.add_subplot()
    ax.axhline(100, color="#444444", lw=0.8)
    crime_label = ("Geregistreerde misdrijven (aantal; geen bevolkingscijfer)" if res.attrs["crime_basis"] == "count"
                   else "Geregistreerde misdrijven per 1.000 inwoners")
    c = res[res["crime_index"].notna()]
    ax.plot(c["year"], c["crime_index"], marker="s", color="#1f77b4", label=crime_label, gid="crime_index")
    u = res[res["unsafe_index"].notna()]
    p0 = float(res.loc[res["year"] == base, "pct_unsafe"].iloc[0])
    err = (u["margin"] / p0 * 100).to_numpy()
    # dotted: the survey is not held every year, so the line between measurements is no measurement
    eb = ax.errorbar(u["year"].to_numpy(float), u["unsafe_index"].to_numpy(float), yerr=err, marker="o", color=FOCAL,
                     capsize=4, lw=1.5, ls=":", label="Voelt zich wel eens onveilig in de buurt (met 95%-marge)")
    eb.lines[0].set_gid("unsafe_index")
    if "rapportcijfer_index" in res.columns and res["rapportcijfer_index"].notna().sum() > 1:
        g = res[res["rapportcijfer_index"].notna()]
        ax.plot(g["year"], g["rapportcijfer_index"], marker="^", ls="--", color="#2ca02c",
                label="Rapportcijfer veiligheid in de buurt", gid="rapportcijfer_index")
    ax.set_xticks(res["year"].to_numpy(), [str(y) for y in res["year"]])
    ax.set_ylabel(f"Index ({base} = 100)")
    _dutch_ticks(ax, "y")
    ax.set_title(f"Criminaliteit en onveiligheidsgevoel{' in ' + name if name else ''}")
    ax.legend(loc="lower left", fontsize=8)
    return fig
