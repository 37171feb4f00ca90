"""Which data the gap section's view over time lacks, and the fewest units for a comparison across
units (the comparison itself: :func:`ivpanalysis.report.gap_view.across`)."""
from __future__ import annotations

from ivpanalysis.analysis import gap
from ivpanalysis.report.context import TOTAL, Context

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
