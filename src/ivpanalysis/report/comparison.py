"""Which data the gap section can use: the view over time (this municipality's survey years) and the
comparison across municipalities (computed once per data folder and survey year, shared by a batch)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ivpanalysis.analysis import gap
from ivpanalysis.errors import DataError
from ivpanalysis.report.context import TOTAL, Context, _load

#: fewest municipalities for the comparison across units: below this a regression line says little
MIN_UNITS = 8


def gap_missing(ctx: Context) -> str | None:
    """Which data the view over time lacks ('survey', 'survey_once', 'police', 'total'), None when it can be drawn."""
    survey = ctx.data.survey[ctx.data.survey["region_code"] == ctx.code]
    unsafe = survey[survey["measure"].isin(gap.UNSAFE_MEASURES) & survey["value"].notna()]
    if unsafe.empty:
        return "survey"
    if len({p.year for p in unsafe["period"]}) < 2:
        return "survey_once"
    if ctx.counts.empty:
        return "police"
    if TOTAL not in ctx.counts.index:
        return "total"
    return None


def gap_across_result(ctx: Context) -> pd.DataFrame | None:
    """:func:`ivpanalysis.gap_across` over the municipalities of the data folder in the latest survey year
    in which this municipality and at least :data:`MIN_UNITS` municipalities have survey, crime and
    population figures; None when no such year exists."""
    full = _load(*ctx.folder)
    survey = full.survey[full.survey["measure"].isin(gap.UNSAFE_MEASURES)]
    if survey.empty or full.population.empty:
        return None
    own = survey.loc[survey["region_code"] == ctx.code, "period"]
    for year in sorted({p.year for p in own}, reverse=True):
        res = _across(ctx.folder, year)
        if res is not None and ctx.code in set(res["unit"]):
            return res
    return None


@lru_cache(maxsize=8)
def _across(folder: tuple[str, tuple], year: int) -> pd.DataFrame | None:
    """gap_across over the folder's municipalities in ``year`` (None with fewer than MIN_UNITS municipalities
    having survey, crime and population): the same for every report of a batch, so computed once per folder."""
    full = _load(*folder)
    try:
        df = gap.across_input(full.survey, full.police, full.population, year, crime_measure=TOTAL,
                              unit_kind="municipality")
    except DataError:
        return None
    if len(df) < MIN_UNITS:
        return None
    res = gap.gap_across(df)
    res.attrs["survey_year"] = year
    return res
