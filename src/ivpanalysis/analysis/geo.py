"""Numbers behind a map: polygon rings of GeoJSON shapes, bounding boxes, the lon/lat aspect,
quantile classes, and the rate per municipality a choropleth shows.

Plain numpy on the GeoJSON coordinates (no GIS dependency): a map only needs rings, their
orientation (so holes stay holes when filled) and a bounding box. The rates come from
:func:`ivpanalysis.analysis.comparison.cached_compute` (counts per 1.000 inhabitants), never
recomputed here. Codes only; the Dutch words live in ``present/maps.py``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ivpanalysis.analysis import comparison

#: the series a map shows, in order of preference: all registered crime where every municipality
#: shown has it complete, else residential burglary (the one series every municipality has)
MAP_MEASURES = ("criminaliteit_totaal", "woninginbraak")
#: rate denominator of the map (population measure)
DENOMINATOR = "inwoners"
#: number of quantile classes
N_CLASSES = 5
#: how many report years (latest first) are tried for a complete one before taking the best covered
MAX_YEARS_TRIED = 3

# reasons (codes) why a municipality has no colour on a map; Dutch words in present/maps.py
NO_SHAPE, NO_FIGURE = "no_shape", "no_figure"


# --- geometry ------------------------------------------------------------------------------------

def signed_area(ring: np.ndarray) -> float:
    """Shoelace area of a closed or open ring; positive when counter-clockwise."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def polygons(geometry: dict) -> list[list[np.ndarray]]:
    """The polygons of a GeoJSON Polygon/MultiPolygon, each a list of (n, 2) rings: the exterior
    counter-clockwise, its holes clockwise (so a non-zero fill leaves the holes empty whatever
    orientation the file used)."""
    kind = geometry.get("type")
    parts = {"Polygon": lambda: [geometry["coordinates"]],
             "MultiPolygon": lambda: list(geometry["coordinates"])}.get(kind, list)()
    out = []
    for poly in parts:
        rings = [np.asarray(r, dtype=float)[:, :2] for r in poly if len(r) >= 3]
        fixed = []
        for i, r in enumerate(rings):
            ccw = signed_area(r) > 0
            fixed.append(r if ccw == (i == 0) else r[::-1])
        if fixed:
            out.append(fixed)
    return out


def shapes(boundaries: dict | None) -> dict[str, list[list[np.ndarray]]]:
    """{region_code: polygons} of a boundaries FeatureCollection (empty without one)."""
    if not boundaries:
        return {}
    out = {}
    for f in boundaries.get("features") or []:
        code = str((f.get("properties") or {}).get("region_code", ""))
        if code and f.get("geometry"):
            out[code] = polygons(f["geometry"])
    return out


def bbox(areas) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) over an iterable of areas (each a list of polygons, as in :func:`shapes`)."""
    pts = np.concatenate([r for polys in areas for poly in polys for r in poly])
    return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())


def lonlat_aspect(box: tuple[float, float, float, float]) -> float:
    """Height/width ratio of one degree of latitude to one of longitude at the box's mean latitude:
    1 / cos(mean latitude) (≈ 1,63 for the Netherlands), so shapes are not stretched east–west."""
    return 1.0 / math.cos(math.radians((box[1] + box[3]) / 2.0))


# --- classes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Classes:
    """Quantile classes: ``edges`` (k + 1 limits, lowest to highest) and each value's class 0 … k − 1.

    Class i holds values in (edges[i], edges[i + 1]]; the first also holds its lower limit. Equal
    quantiles (many equal values) merge classes, so ``len(edges) − 1`` may be below the k asked for.
    """

    edges: tuple[float, ...]
    of: pd.Series  # region_code → class index (Int64; <NA> where the value is missing)

    @property
    def n(self) -> int:
        return len(self.edges) - 1

    def counts(self) -> list[int]:
        """How many municipalities each class holds."""
        return [int((self.of == i).sum()) for i in range(self.n)]


def quantile_classes(values: pd.Series, k: int = N_CLASSES) -> Classes:
    """``k`` quantile classes of the non-missing ``values`` (linear quantiles at 0, 1/k, …, 1)."""
    v = values.dropna().astype(float)
    if v.empty:
        raise ValueError("no values to class: every municipality's figure is missing")
    edges = np.unique(np.quantile(v.to_numpy(), np.linspace(0.0, 1.0, k + 1)))
    if len(edges) == 1:  # all values equal: one class
        edges = np.array([edges[0], edges[0]])
    idx = np.clip(np.searchsorted(edges[1:-1], v.to_numpy(), side="left"), 0, len(edges) - 2)
    of = pd.Series(pd.array([pd.NA] * len(values), dtype="Int64"), index=values.index)
    of.loc[v.index] = idx
    return Classes(tuple(float(e) for e in edges), of)


# --- the figures a map shows ---------------------------------------------------------------------

@dataclass
class MapFigures:
    """One rate per municipality of a map, the series and year, and why any municipality lacks one."""

    codes: tuple[str, ...]  # the municipalities the map is about
    measure: str
    year: int
    values: pd.Series  # region_code → rate per 1.000 inhabitants (NaN where missing)
    classes: Classes | None
    missing: dict[str, str] = field(default_factory=dict)  # region_code → NO_SHAPE / NO_FIGURE
    provisional: bool = False  # the year's police figures are voorlopig

    @property
    def complete(self) -> bool:
        return not self.missing


def police_unit(regions: pd.DataFrame, code: str) -> tuple[str, str, tuple[str, ...]]:
    """(unit code, unit name, member municipalities) of ``code``'s police unit from the regions role."""
    if regions is None or regions.empty or code not in set(regions["region_code"]):
        raise LookupError(f"{code} is not in the regions table, so its police unit is unknown")
    row = regions.loc[regions["region_code"] == code].iloc[0]
    unit = str(row["police_unit_code"])
    name = str(row.get("police_unit_name", "") or unit)
    members = regions.loc[regions["police_unit_code"] == unit, "region_code"]
    return unit, name, tuple(sorted(members.astype(str).unique()))


def _years(data) -> list[int]:
    years = {p.year for p in data.police["period"].unique()} if len(data.police) else set()
    return sorted(years, reverse=True)



def _rates(comps: comparison.Comparisons, measure: str, codes: tuple[str, ...]) -> pd.Series:
    muni = comps.municipalities
    if measure not in set(muni.index.get_level_values("measure")):
        return pd.Series(np.nan, index=list(codes), dtype=float)
    return muni.xs(measure, level="measure")[f"rate_{DENOMINATOR}"].reindex(list(codes)).astype(float)


def map_figures(data, regions: pd.DataFrame, codes, shaped=None, measures=MAP_MEASURES,
                comparisons=None) -> MapFigures:
    """Rates per 1.000 inhabitants of ``codes`` in the latest year in which all of them have one.

    Tries the report years latest first (at most :data:`MAX_YEARS_TRIED`), and within a year the
    ``measures`` in order; without a complete year it takes the best covered one and names the
    municipalities without a figure. ``shaped``: the codes that have a boundary (others: NO_SHAPE);
    ``comparisons``: year → :class:`~ivpanalysis.analysis.comparison.Comparisons` (default
    :func:`~ivpanalysis.analysis.comparison.cached_compute`), so a report shares its own.
    """
    codes = tuple(codes)
    comparisons = comparisons or (lambda y: comparison.cached_compute(data, regions, y))
    best = None
    for year in _years(data)[:MAX_YEARS_TRIED]:
        comps = comparisons(year)
        for measure in measures:
            rates = _rates(comps, measure, codes)
            key = (int(rates.notna().sum()), year, -measures.index(measure))
            if best is None or key[0] > best[0][0]:
                best = (key, measure, year, rates, comps)
            if rates.notna().all():
                break
        if best[3].notna().all():
            break
    if best is None:
        raise LookupError("the data folder holds no police counts to map")
    _, measure, year, rates, comps = best
    missing = {c: NO_FIGURE for c in codes if pd.isna(rates.get(c))}
    if shaped is not None:
        missing.update({c: NO_SHAPE for c in codes if c not in shaped})
        rates = rates.where([c in shaped for c in rates.index])
    classes = quantile_classes(rates) if rates.notna().any() else None
    return MapFigures(codes, measure, int(year), rates, classes, missing, int(year) in comps.provisional_years)
