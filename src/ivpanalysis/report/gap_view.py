"""The gap section's data beyond the municipality itself (issue 18, item 6).

* The comparison across units uses one level only: municipalities when the folder has municipal
  Veiligheidsmonitor figures for at least :data:`MIN_UNITS` of them in a year, else the provinces
  (the provincial VM files) against registered crime per 1.000 inwoners of the same year: the
  provinces' own crime rows, divided by the province's own population rows (37230ned) or else the
  population summed over its member municipalities (``regions`` role) when every member is reached.
* A provincial survey figure is never the municipality's own: it is returned labelled as the
  province's, for context.

Computed once per data folder and year (the same for every report of a batch).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ivpanalysis.analysis import gap
from ivpanalysis.errors import DataError
from ivpanalysis.ingest import herindeling, schema
from ivpanalysis.report.comparison import MIN_UNITS
from ivpanalysis.report.context import TOTAL, Context, _load


def province_of(ctx: Context) -> str | None:
    """The municipality's province code from the ``regions`` role (None without it)."""
    reg = ctx.data.regions
    if reg is None or reg.empty or "province_code" not in reg.columns:
        return None
    hit = reg.loc[reg["region_code"] == ctx.code, "province_code"]
    return str(hit.iloc[0]) if len(hit) and isinstance(hit.iloc[0], str) else None


def province_survey(ctx: Context) -> pd.Series | None:
    """The latest provincial 'onveilig in de buurt' row of the municipality's province (for context only)."""
    pv = province_of(ctx)
    if pv is None:
        return None
    s = ctx.data.survey
    rows = s[(s["region_code"] == pv) & s["measure"].isin(gap.UNSAFE_MEASURES) & s["value"].notna()]
    if rows.empty:
        return None
    return rows.assign(year=[p.year for p in rows["period"]]).sort_values("year").iloc[-1]


def _kind_years(survey: pd.DataFrame, kind: str) -> list[int]:
    """Survey years with at least MIN_UNITS units of ``kind`` (newest first)."""
    s = survey[survey["measure"].isin(gap.UNSAFE_MEASURES) & survey["value"].notna()]
    s = s[s["region_code"].map(schema.region_kind) == kind]
    n = s.groupby([p.year for p in s["period"]])["region_code"].nunique()
    return sorted((int(y) for y, k in n.items() if k >= MIN_UNITS), reverse=True)


def province_population(population: pd.DataFrame, regions: pd.DataFrame, year: int) -> pd.DataFrame:
    """Tidy ``inwoners`` per province for ``year``: the municipalities of that year (one row each after the
    folder's overlap rules) summed into today's provinces through their current codes. A province only when
    every one of its current municipalities is reached (a code the herindeling table cannot place leaves
    its new municipality, and so its province, out)."""
    pop = population[(population["measure"] == "inwoners") & population["value"].notna()
                     & population["region_code"].astype(str).str.startswith("GM")]
    pop = pop[np.array([p.year == year for p in pop["period"]], dtype=bool)].drop_duplicates("region_code")
    if pop.empty:
        return pop.iloc[:0]
    province = regions.drop_duplicates("region_code").set_index("region_code")["province_code"]
    current = pop["region_code"].map(lambda c: herindeling.current_code(str(c)))
    pop = pop.assign(current=current, province=current.map(province))
    reached = pop.groupby("province")["current"].nunique()
    size = province.reset_index().groupby("province_code")["region_code"].nunique()
    whole = [pv for pv in reached.index if reached[pv] == size.get(pv, -1)]
    sums = pop[pop["province"].isin(whole)].groupby("province")["value"].sum()
    return pd.DataFrame({"region_code": sums.index, "region_name": [schema.municipality_name(c) or c for c in sums.index],
                         "period": pd.Period(str(year), "Y"), "measure": "inwoners",
                         "value": sums.to_numpy(dtype=float)})


def province_rows(population: pd.DataFrame, regions: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """``inwoners`` per province for ``year``: the province's own rows (37230ned has them) where present,
    else :func:`province_population` (the sum over its municipalities)."""
    pop = population[(population["measure"] == "inwoners") & population["value"].notna()]
    own = pop[(pop["region_code"].map(schema.region_kind) == "province").to_numpy()
              & np.array([p.year == year for p in pop["period"]], dtype=bool)]
    if regions is None or regions.empty:
        return own
    summed = province_population(population, regions, year)
    return pd.concat([own, summed[~summed["region_code"].isin(set(own["region_code"]))]], ignore_index=True)


def across(ctx: Context) -> pd.DataFrame | None:
    """:func:`gap.gap_across` over municipalities (when enough have survey figures) or else provinces;
    None when neither level has MIN_UNITS units with survey, crime and population in one year."""
    full = _load(*ctx.folder)
    for kind in ("municipality", "province"):
        for year in _kind_years(full.survey, kind):
            res = _across(ctx.folder, kind, year)
            if res is not None:
                return res
    return None


@lru_cache(maxsize=16)
def _across(folder: tuple, kind: str, year: int) -> pd.DataFrame | None:
    full = _load(*folder)
    pop = full.population
    if kind == "province":
        pop = province_rows(full.population, full.regions, year)
    try:
        df = gap.across_input(full.survey, full.police, pop, year, crime_measure=TOTAL,
                              population_measure="inwoners", unit_kind=kind)
    except DataError:
        return None
    if len(df) < MIN_UNITS:
        return None
    res = gap.gap_across(df)
    res.attrs.update(survey_year=year, unit_kind=kind)
    return res


_FIGURES: dict = {}


def figures(across: pd.DataFrame, focal: str | None, provinces: bool, name: str, folder: tuple | None = None) -> str:
    """The quadrant and caterpillar charts as HTML, drawn once per result and focal unit: in this kernel,
    and with ``folder`` (the data folder's stamp) once per batch (:mod:`.batch_cache`)."""
    from ivpanalysis.present import gap_view_text
    from ivpanalysis.report import batch_cache

    key = (id(across), focal)
    if key not in _FIGURES:
        shared = (folder, across.attrs.get("unit_kind"), across.attrs.get("survey_year"), focal)
        html = batch_cache.cached("gap_figures", shared, lambda: _draw(across, focal, provinces)) if folder \
            else _draw(across, focal, provinces)
        if len(_FIGURES) > 64:
            _FIGURES.clear()
        _FIGURES[key] = html
    return gap_view_text.level_sentence(across, provinces, name) + _FIGURES[key]


def _draw(across: pd.DataFrame, focal: str | None, provinces: bool) -> str:
    from ivpanalysis.present import charts, gap_view_text
    from ivpanalysis.present.html import figure_html
    from ivpanalysis.report.fits import timed

    year = across.attrs["survey_year"]
    words = gap_view_text.unit_words(provinces)
    with timed("charts"):
        q = charts.quadrant_chart(across, focal=focal, title=f"Criminaliteit en onveiligheidsgevoel per {words[0]}, {year}")
        c = charts.caterpillar_chart(across, focal=focal)
        return (figure_html(q, gap_view_text.quadrant_alt(words, year, across, focal)).data
                + figure_html(c, gap_view_text.caterpillar_alt(words, year)).data)
