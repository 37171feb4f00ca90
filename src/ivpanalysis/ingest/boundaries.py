"""Municipal boundaries (CBS/PDOK ``gemeente_gegeneraliseerd`` GeoJSON) for today's municipalities.

A boundary file has the indeling of its year; a current municipality that the file predates gets
the polygons of its predecessors (:func:`herindeling.predecessors`) as one MultiPolygon — the
outer shape is right, the former inner borders stay (no GIS dependency needed to draw or look up
a municipality). Where neither exists the municipality gets a named reason, never a silent gap.
"""
from __future__ import annotations

import json
import re

from ivpanalysis.errors import DataError
from ivpanalysis.ingest import herindeling
from ivpanalysis.ingest.loaders._common import TextFile

FORMAT = "geojson_boundaries"


def sniff(tf: TextFile) -> bool:
    """A GeoJSON FeatureCollection whose features carry a municipality code (``statcode`` or any property)."""
    head = tf.text[:20000]
    return head.lstrip().startswith("{") and '"FeatureCollection"' in head and re.search(r'"GM\d{4}"', head) is not None


def _code_of(props: dict) -> str:
    for key in ("statcode", "gemeentecode", "GM_CODE", "code"):
        v = str(props.get(key, "")).strip()
        if re.fullmatch(r"GM\d{4}", v):
            return v
    return next((str(v).strip() for v in props.values() if re.fullmatch(r"GM\d{4}", str(v).strip())), "")


def _year(doc: dict, features: list[dict]) -> int | None:
    for f in features[:1]:
        m = re.match(r"^(\d{4})GM", str(f.get("properties", {}).get("jrstatcode", "")))
        if m:
            return int(m.group(1))
    m = re.search(r"(19|20)\d{2}", str(doc.get("name", "")))
    return int(m.group(0)) if m else None


def load(tf: TextFile) -> dict:
    """{'year', 'features': {code: geometry}, 'names': {code: name}} of a GeoJSON boundary file."""
    try:
        doc = json.loads(tf.text)
    except ValueError as e:
        raise DataError.at(tf.path.name, f"not valid JSON ({e.msg})", line=e.lineno, expected="a GeoJSON FeatureCollection")
    feats = doc.get("features") or []
    geoms, names = {}, {}
    for f in feats:
        p = f.get("properties") or {}
        code = _code_of(p)
        if code and f.get("geometry"):
            geoms[code], names[code] = f["geometry"], p.get("statnaam") or p.get("gemeentenaam", "")
    if not geoms:
        raise DataError.at(tf.path.name, "no features with a municipality code", line=1, column="statcode",
                           expected="features whose properties have statcode GM0995")
    return {"year": _year(doc, feats), "features": geoms, "names": names}


def _polygons(geom: dict) -> list:
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return list(geom["coordinates"])
    return []


def for_current(boundary: dict, municipalities=None) -> tuple[dict, dict]:
    """(GeoJSON FeatureCollection for today's municipalities, {code: reason} for those without a shape)."""
    munis = municipalities or herindeling.current_municipalities()
    src, year = boundary["features"], boundary["year"]
    out, reasons = [], {}
    for code in munis:
        props = {"region_code": code, "year": year, "built_from": ""}
        if code in src:
            geom = src[code]
            olds = [c for c in herindeling.predecessors(code) if c in src]
            if olds:  # e.g. Amsterdam in a file from before Weesp joined it
                geom = {"type": "MultiPolygon", "coordinates": sum((_polygons(g) for g in [geom] + [src[c] for c in olds]), [])}
                props["built_from"] = "+".join([code] + olds)
        else:
            olds = [c for c in herindeling.predecessors(code) if c in src]
            if not olds:
                which = f"the {year} boundary file" if year else "the boundary file (its year is not stated)"
                reasons[code] = f"{which} has neither {code} nor a predecessor of it in data/codes/herindeling.csv"
                continue
            geom = {"type": "MultiPolygon", "coordinates": sum((_polygons(src[c]) for c in olds), [])}
            props["built_from"] = "+".join(olds)
        out.append({"type": "Feature", "properties": props, "geometry": geom})
    return {"type": "FeatureCollection", "features": out}, reasons
