"""Checks for the data-folder roles that are not tidy tables (regions, PC4 map, boundaries).

Tidy roles (police, population, survey, incidents) go through :func:`validate.problems_in`;
these checks name file, row and column the same way, so :mod:`validate` can call them for a
folder too.
"""
from __future__ import annotations

import pandas as pd

from ivpanalysis.errors import Problem
from ivpanalysis.ingest import regions, schema


def _bad(df: pd.DataFrame, col: str, ok: pd.Series, file: str, message: str, expected: str) -> list[Problem]:
    return [Problem(file, message, int(i) + 2, col, expected=expected, found=str(df.at[i, col]))
            for i in df.index[~ok.fillna(False).astype(bool)][:20]]


def regions_problems(df: pd.DataFrame, file: str) -> list[Problem]:
    """regions.parquet: the columns of :data:`regions.COLUMNS`, one row per GM code, codes of the right kind."""
    missing = [c for c in regions.COLUMNS if c not in df.columns]
    if missing:
        return [Problem(file, f"missing columns {missing}", expected=f"the columns {regions.COLUMNS}")]
    df = df.reset_index(drop=True)
    out = _bad(df, "region_code", df["region_code"].astype(str).str.match(schema.GM_PATTERN.pattern), file,
               "malformed municipality code", "GM followed by four digits")
    for col, pat in regions.CODE_PATTERNS.items():
        ok = df[col].isna() | df[col].astype(str).str.fullmatch(pat)
        out += _bad(df, col, ok, file, f"not a {col.replace('_', ' ')}", pat)
    for col, hi in (("size_class", 8), ("urbanity_class", 5)):
        v = pd.to_numeric(df[col], errors="coerce")
        out += _bad(df, col, df[col].isna() | v.between(1, hi), file, f"{col} out of range", f"1 to {hi}")
    dup = df["region_code"].duplicated()
    out += _bad(df, "region_code", ~dup, file, "municipality listed twice", "one row per municipality")
    return out


def pc4_problems(df: pd.DataFrame, file: str) -> list[Problem]:
    """pc4.parquet: four-digit postcodes, each once."""
    df = df.reset_index(drop=True)
    out = _bad(df, "postcode", df["postcode"].astype(str).str.fullmatch(r"\d{4}"), file, "not a four-digit postcode", "e.g. 8232")
    return out + _bad(df, "postcode", ~df["postcode"].duplicated(), file, "postcode listed twice", "one municipality per postcode")


def boundaries_problems(collection: dict, file: str) -> list[Problem]:
    """boundaries.geojson: every feature a Polygon/MultiPolygon with a GM code."""
    out = []
    for i, f in enumerate(collection.get("features", [])):
        code = str(f.get("properties", {}).get("region_code", ""))
        if not schema.GM_PATTERN.match(code):
            out.append(Problem(file, "feature without a municipality code", i + 1, "region_code", expected="GM0995", found=code))
        if (f.get("geometry") or {}).get("type") not in ("Polygon", "MultiPolygon"):
            out.append(Problem(file, "feature without a polygon", i + 1, "geometry", expected="Polygon or MultiPolygon"))
    return out


_NUMERIC_PLAN = ("reference_year", "reference_value", "target_year", "target_value", "status_year", "status_value", "value")


def plan_problems(df: pd.DataFrame, file: str) -> list[Problem]:
    """The plan's own files: municipality codes where a region is named, numbers where numbers belong."""
    df = df.reset_index(drop=True)
    out = []
    if "region_code" in df:
        code = df["region_code"].fillna("").astype(str)
        out += _bad(df, "region_code", code.eq("") | code.str.match(r"^(GM\d{4}|RE\d{2}|PV\d{2}|NL01|BT-?\w+)$"), file,
                    "not a region code", "GM0995 (or RE03, PV24, NL01)")
    for col in [c for c in _NUMERIC_PLAN if c in df]:
        v = df[col].fillna("").astype(str).str.strip()
        out += _bad(df, col, v.eq("") | pd.to_numeric(v, errors="coerce").notna(), file, "not a number",
                    "a number with a decimal point, or empty")
    if "indicator_id" in df:
        out += _bad(df, "indicator_id", ~df["indicator_id"].duplicated(), file, "indicator listed twice", "one row per indicator_id")
    return out
