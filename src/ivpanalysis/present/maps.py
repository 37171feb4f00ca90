"""Choropleth maps in the house style: a police unit around one municipality, and the whole country.

Plain matplotlib patches (one :class:`~matplotlib.patches.PathPatch` per municipality, holes by
ring orientation from :mod:`ivpanalysis.analysis.geo`): 342 generalised shapes need no GIS stack,
so geopandas/shapely (with GEOS, PROJ and pyogrio wheels, tens of MB) would add weight for nothing.
Lon/lat are drawn at the aspect 1 / cos(mean latitude). Five quantile classes in
:data:`charts.SEQUENTIAL` with their limits in the legend; the municipality of the report is
outlined; shapes without a figure are grey and hatched and named in the alt text.
"""
from __future__ import annotations

import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from matplotlib.transforms import Bbox
import numpy as np

from ivpanalysis.analysis import geo
from ivpanalysis.ingest import schema
from ivpanalysis.present import charts, fmt

MEASURE = {"criminaliteit_totaal": "geregistreerde misdrijven", "woninginbraak": "woninginbraak"}
REASON = {geo.NO_SHAPE: "geen grens in het grenzenbestand", geo.NO_FIGURE: "geen cijfer voor dat jaar"}
ORDINAL = ("eerste", "tweede", "derde", "vierde", "vijfde", "zesde")
NUMBER_WORD = {1: "één", 2: "twee", 3: "drie", 4: "vier", 5: "vijf"}


# --- words ---------------------------------------------------------------------------------------

def series_label(figs: geo.MapFigures) -> str:
    """'Woninginbraak per 1.000 inwoners, 2025 (voorlopig)'."""
    text = f"{MEASURE.get(figs.measure, figs.measure)} per 1.000 inwoners, {figs.year}"
    text = text[0].upper() + text[1:]
    return text + (" (voorlopig)" if figs.provisional else "")


def series_phrase(figs: geo.MapFigures) -> str:
    """'woninginbraak per 1.000 inwoners in 2025 (voorlopige cijfers)' — for captions."""
    return (f"{MEASURE.get(figs.measure, figs.measure)} per 1.000 inwoners in {figs.year}"
            + (" (voorlopige cijfers)" if figs.provisional else ""))


def omitted_sentence(lines: list[str]) -> str:
    """The one line of a map left out: 'Kaart weggelaten; wat ontbreekt: …; …'."""
    return "Kaart weggelaten; wat ontbreekt: " + "; ".join(lines) + "."


def decimals(edges) -> int:
    """Fewest decimals (1 to 3) at which the class limits read as different numbers."""
    for d in (1, 2, 3):
        shown = [fmt.number(e, d) for e in edges]
        if len(set(shown)) == len(shown):
            return d
    return 3


def class_labels(classes: geo.Classes) -> list[str]:
    """'0,42 – 0,80' per class (Dutch formats; the upper limit belongs to the class)."""
    d = decimals(classes.edges)
    e = classes.edges
    return [f"{fmt.number(e[i], d)} – {fmt.number(e[i + 1], d)}" for i in range(classes.n)]


def name(code: str) -> str:
    return schema.municipality_name(code) or code


def _focal_words(figs: geo.MapFigures, code: str) -> str:
    v = figs.values.get(code)
    if v is None or pd.isna(v):
        return f"{name(code)} (omlijnd) heeft geen cijfer ({REASON.get(figs.missing.get(code, ''), 'ontbreekt')})"
    d = decimals(figs.classes.edges)
    i = int(figs.classes.of[code])
    return (f"{name(code)} (omlijnd) {fmt.number(v, d)}, in de {ORDINAL[i]} klasse "
            f"({class_labels(figs.classes)[i]})")


def _missing_list(figs: geo.MapFigures) -> str:
    """'Amsterdam, Weesp (geen cijfer voor dat jaar); Urk (geen grens in het grenzenbestand)'."""
    by: dict[str, list[str]] = {}
    for code, why in sorted(figs.missing.items()):
        by.setdefault(why, []).append(name(code))
    return "; ".join(f"{', '.join(v)} ({REASON.get(k, k)})" for k, v in by.items())


def _missing_words(figs: geo.MapFigures) -> str:
    return f"; zonder kleur: {_missing_list(figs)}" if figs.missing else ""


def missing_sentence(figs: geo.MapFigures) -> str:
    """'Zonder kleur: Amsterdam (geen cijfer voor dat jaar).' — or '' when every municipality has a colour."""
    return f"Zonder kleur: {_missing_list(figs)}." if figs.missing else ""


def _classes_words(figs: geo.MapFigures) -> str:
    c = figs.classes
    d = decimals(c.edges)
    k = NUMBER_WORD.get(c.n, fmt.number(c.n))
    n = int(figs.values.notna().sum())
    return (f"{MEASURE.get(figs.measure, figs.measure)} per 1.000 inwoners in {figs.year} per gemeente "
            f"({fmt.number(n)} gemeenten), in {k} klassen van {fmt.number(c.edges[0], d)} tot "
            f"{fmt.number(c.edges[-1], d)}")


def unit_alt(figs: geo.MapFigures, unit_name: str, focal: str) -> str:
    """Alt text of a police unit's map: what it shows, its range and the municipality's own figure."""
    return (f"Kaart van politie-eenheid {unit_name}: {_classes_words(figs)}; {_focal_words(figs, focal)}"
            f"{_missing_words(figs)}.")


def national_alt(figs: geo.MapFigures) -> str:
    """Alt text of the national map: what it shows, its range, the lowest and highest municipality."""
    v = figs.values.dropna()
    d = decimals(figs.classes.edges)
    lo, hi = v.idxmin(), v.idxmax()
    return (f"Kaart van Nederland: {_classes_words(figs)}; laagste {name(lo)} ({fmt.number(v[lo], d)}), "
            f"hoogste {name(hi)} ({fmt.number(v[hi], d)}){_missing_words(figs)}.")


# --- drawing -------------------------------------------------------------------------------------

#: id(polygons) → (polygons, path, extents): a batch draws the same municipality's outline on many maps; the
#: polygons are kept beside their path so the id cannot be reused while it is cached
_PATHS: dict[int, tuple[object, Path, Bbox]] = {}
_MAX_PATHS = 4096


def _path(polys) -> Path:
    """:func:`_compound_path` of ``polys``, built once per polygon object (the shapes of a folder are cached)."""
    return _cached(polys)[0]


def _extents(polys) -> Bbox:
    """The bounding box of ``polys``' path, computed once with it."""
    return _cached(polys)[1]


def _cached(polys) -> tuple[Path, Bbox]:
    hit = _PATHS.get(id(polys))
    if hit is None or hit[0] is not polys:
        if len(_PATHS) >= _MAX_PATHS:
            _PATHS.clear()
        path = _compound_path(polys)
        hit = _PATHS[id(polys)] = (polys, path, path.get_extents())
    return hit[1], hit[2]


def _compound_path(polys) -> Path:
    """One compound path of all rings of a municipality (holes clockwise, so they stay empty)."""
    verts, codes = [], []
    for poly in polys:
        for ring in poly:
            verts.append(np.vstack([ring, ring[:1]]))
            codes.append(np.r_[Path.MOVETO, np.full(len(ring) - 1, Path.LINETO), Path.CLOSEPOLY])
    return Path(np.concatenate(verts), np.concatenate(codes).astype(Path.code_type))


def _collection(shapes: dict, codes, **kw) -> PatchCollection:
    return PatchCollection([PathPatch(_path(shapes[c])) for c in codes if c in shapes], **kw)


def _view(shapes: dict, codes, margin: float = 0.03) -> tuple[float, float, float, float]:
    """The map's limits: the box around ``codes`` widened by ``margin`` on each side."""
    box = geo.bbox([shapes[c] for c in codes if c in shapes])
    dx, dy = (box[2] - box[0]) * margin, (box[3] - box[1]) * margin
    return box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy


def _in_view(shapes: dict, codes, view: tuple[float, float, float, float]) -> list:
    """The ``codes`` whose outline reaches into ``view``: the rest of the country would be drawn and then clipped."""
    box = Bbox.from_extents(*view)
    return [c for c in codes if c in shapes and _extents(shapes[c]).overlaps(box)]


def _frame(ax, view: tuple[float, float, float, float]) -> None:
    """The map's limits (:func:`_view`) and the lon/lat aspect; no axes drawn."""
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    ax.set_aspect(geo.lonlat_aspect(view))
    ax.set_axis_off()


def _size(shapes: dict, codes, map_width: float) -> tuple[float, float]:
    """Figure size for a map ``map_width`` inches wide at the lon/lat aspect, plus legend, title and source."""
    box = geo.bbox([shapes[c] for c in codes if c in shapes])
    ratio = (box[3] - box[1]) * geo.lonlat_aspect(box) / max(box[2] - box[0], 1e-9)
    return map_width + LEGEND_WIDTH, min(max(map_width * ratio, 3.0), 9.0) + 0.9


LEGEND_WIDTH = 2.2  # inches beside the map


def choropleth(shapes: dict, figs: geo.MapFigures, focal: str | None = None, context: bool = False,
               map_width: float = 4.4, edge: str = "#7f7f7f", source: str = "") -> Figure:
    """The map of ``figs``: classes coloured, missing hatched, ``focal`` outlined; ``context`` draws the
    shapes around the map's municipalities in light grey (a police unit among its neighbours)."""
    fig = charts.figure(*_size(shapes, figs.codes, map_width))
    ax = fig.add_subplot()
    inside = set(figs.codes)
    view = _view(shapes, figs.codes)
    if context:
        around = _in_view(shapes, [c for c in shapes if c not in inside], view)
        ax.add_collection(_collection(shapes, around, facecolor="#f4f4f4",
                                      edgecolor="#c8c8c8", linewidth=0.4, gid="context"))
    c = figs.classes
    handles = []
    of = c.of.reindex(list(figs.codes)).fillna(-1).astype(int) if c is not None else None
    for i, label in enumerate(class_labels(c) if c is not None else []):
        members = [code for code in figs.codes if code in shapes and of[code] == i]
        colour = charts.SEQUENTIAL[round(i * (len(charts.SEQUENTIAL) - 1) / max(c.n - 1, 1))]
        ax.add_collection(_collection(shapes, members, facecolor=colour, edgecolor=edge, linewidth=0.3,
                                      gid=f"class-{i}"))
        handles.append(Patch(facecolor=colour, edgecolor="#888888", linewidth=0.5,
                             label=f"{label} ({fmt.number(len(members))})"))
    blank = [code for code in figs.codes if code in shapes and pd.isna(figs.values.get(code))]
    if blank:
        ax.add_collection(_collection(shapes, blank, facecolor=charts.NO_DATA, edgecolor="#888888", hatch="///",
                                      linewidth=0.4, gid="no-figure"))
        handles.append(Patch(facecolor=charts.NO_DATA, edgecolor="#888888", hatch="///",
                             label=f"geen cijfer ({fmt.number(len(blank))})"))
    if focal is not None and focal in shapes:
        ax.add_collection(_collection(shapes, [focal], facecolor="none", edgecolor="#ffffff", linewidth=4.0))
        ax.add_collection(_collection(shapes, [focal], facecolor="none", edgecolor=charts.INK, linewidth=2.0,
                                      gid="outline"))
        handles.append(Line2D([], [], color=charts.INK, lw=2.0, label=name(focal)))
    _frame(ax, view)
    fig.legend(handles=handles, loc="outside right upper", title=series_label(figs).replace(", ", ",\n", 1),
               fontsize=charts.SIZES["legend"],
               title_fontsize=charts.SIZES["legend"], frameon=False, alignment="left")
    if source:
        fig.text(0.01, 0.01, source, fontsize=charts.SIZES["note"], color=charts.MUTED, ha="left", va="bottom")
    return fig


def source_note(boundary_year) -> str:
    """'Bron: politie (geregistreerde misdrijven), CBS (inwoners), CBS/PDOK gemeentegrenzen 2022.'"""
    year = f" {boundary_year}" if boundary_year else ""
    return f"Bron: politie (geregistreerde misdrijven), CBS (inwoners), CBS/PDOK gemeentegrenzen{year}."


def unit_map(shapes: dict, figs: geo.MapFigures, unit_name: str, focal: str, boundary_year=None) -> tuple[Figure, str]:
    """(figure, alt text) of a police unit's map with ``focal`` outlined."""
    fig = choropleth(shapes, figs, focal=focal, context=True, source=source_note(boundary_year))
    charts.heading(fig.axes[0], f"Politie-eenheid {unit_name}, per gemeente", loc="left")
    return fig, unit_alt(figs, unit_name, focal)


def national_map(shapes: dict, figs: geo.MapFigures, boundary_year=None) -> tuple[Figure, str]:
    """(figure, alt text) of the map of all municipalities."""
    fig = choropleth(shapes, figs, map_width=5.0, source=source_note(boundary_year))
    charts.heading(fig.axes[0], "Nederland, per gemeente", loc="left")
    return fig, national_alt(figs)
