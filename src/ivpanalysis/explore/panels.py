"""What the explorer shows beside its yearly chart (issue 18, item 8), from the same library calls as
the report: the comparison of a category with the police unit, the province, Nederland and the peer
group (:mod:`ivpanalysis.analysis.comparison`, rates only per their own denominator), and the
monthly burglaries of the ``incidents`` role with their trend (:mod:`ivpanalysis.analysis.series`,
:func:`ivpanalysis.analysis.trend.fit_trend`). Pure functions: tests call them without widgets.
"""
from __future__ import annotations

import math

import pandas as pd

from ivpanalysis.analysis import comparison, series
from ivpanalysis.analysis import trend as _trend
from ivpanalysis.ingest import datafolder, schema
from ivpanalysis.present import fmt

#: the comparison rows, in the order shown
LEVEL_NL = {"own": "Gemeente", "police_unit": "Politie-eenheid", "province": "Provincie", "nederland": "Nederland",
            "peer": "Vergelijkbare gemeenten"}
#: denominator → column header (only denominators the series may use get a column)
DENOMINATOR_NL = {"inwoners": "Per 1.000 inwoners", "woningen": "Per 1.000 woningen",
                  "jongeren_12_24": "Per 1.000 jongeren (12–24)"}
_FITS: dict = {}


def comparison_rows(data: datafolder.Dataset, code: str, category: str, year: int) -> pd.DataFrame:
    """One row per level (municipality, police unit, province, Nederland, peer group) for ``category`` in
    ``year``: count, change against the year before, and a rate per 1.000 for every denominator that belongs
    to the series and is in the folder; empty without a ``regions`` table or counts for that year."""
    regions = data.regions
    if regions is None or regions.empty or code not in set(regions["region_code"]):
        return pd.DataFrame()
    comps = comparison.cached_compute(data, regions, year)
    try:
        rows = comparison.for_municipality(comps, code)
    except LookupError:
        return pd.DataFrame()
    if category not in rows.index:
        return pd.DataFrame()
    r = rows.loc[category]
    units = rows.attrs["units"]
    dens = [d for d in DENOMINATOR_NL if comparison.rate_allowed(category, d)
            and any(pd.notna(r.get(f"{p}rate_{d}")) for p in ("", "police_unit_", "province_", "nederland_", "peer_"))]
    out = []
    for level, label in LEVEL_NL.items():
        p = "" if level == "own" else f"{level}_"
        if level != "own" and (units.get(level) is None or pd.isna(r.get(f"{p}count", math.nan))):
            continue
        row = {"Niveau": label, "Eenheid": _unit_name(code if level == "own" else units[level], level, rows),
               "Aantal": r.get(f"{p}count"), "Verandering t.o.v. vorig jaar": r.get(f"{p}change_prev_pct")}
        for d in dens:
            row[DENOMINATOR_NL[d]] = r.get(f"{p}rate_{d}")
        if level == "own":
            row["Rang in vergelijkbare gemeenten"] = _rank(r, dens[0]) if dens else ""
        if level != "own" and bool(r.get(f"{p}incomplete", False)):
            row["Eenheid"] += " (onvolledig)"
        out.append(row)
    frame = pd.DataFrame(out)
    frame.attrs.update(year=year, peer_rule=rows.attrs.get("peer_rule"), denominators=dens)
    return frame


def _unit_name(unit: str, level: str, rows: pd.DataFrame) -> str:
    if level == "peer":
        rule = rows.attrs.get("peer_rule")
        return f"{unit} ({fmt.number(rule.n_members)} gemeenten)" if rule is not None else unit
    return (schema.municipality_name(unit) or unit).removesuffix(" (PV)")


def _rank(r: pd.Series, den: str) -> str:
    rank, n = r.get(f"peer_rank_{den}"), r.get(f"peer_n_{den}")
    return f"{fmt.number(rank)} van {fmt.number(n)}" if pd.notna(rank) and pd.notna(n) else ""


def comparison_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison in Dutch number format (counts whole, rates two decimals, changes as +5%)."""
    out = frame.copy()
    for col in out.columns:
        if col == "Aantal":
            out[col] = [fmt.number(v) for v in out[col]]
        elif col.startswith("Per 1.000"):
            out[col] = [fmt.number(v, 2) for v in out[col]]
        elif col.startswith("Verandering"):
            out[col] = [fmt.pct(v) for v in out[col]]
    return out.fillna("")


def monthly_burglaries(data: datafolder.Dataset, code: str) -> tuple[series.CountSeries | None, _trend.TrendResult | None]:
    """The incidents role's monthly burglaries of ``code`` (partial months left out) and their trend,
    fitted once per folder and municipality; (None, None) when the folder has no such series."""
    s = series.incident_series(data.incidents, code)
    if s is None:
        return None, None
    key = (str(data.data_dir), id(data.incidents), code)
    if key not in _FITS:
        if len(_FITS) > 512:
            _FITS.clear()
        _FITS[key] = _trend.fit_trend(s.values, region_name=schema.municipality_name(code) or code,
                                      measure_label="woninginbraken")
    return s, _FITS[key]
