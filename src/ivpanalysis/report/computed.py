"""The tables of issue 18 for one report, each computed once: the comparison with police unit,
province, Nederland and the peer group, the plan frame, the plan's targets (relative ones get their
reference value from the data), the default dashboard and the list of what is missing.

The comparison of all municipalities is one pass per data version and year
(:func:`ivpanalysis.analysis.comparison.cached_compute`), shared by every report of a batch; the
aggregates use the whole folder, not the report's cut (:func:`.context.municipality_view`).
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from ivpanalysis import paths
from ivpanalysis.analysis import comparison, default_indicators, missing, plan
from ivpanalysis.report import batch_cache
from ivpanalysis.report.context import Context, _load

#: target directions judged against the plan's reference year rather than against a target value
RELATIVE = ("decrease", "no_increase", "increase")


def full_data(ctx: Context):
    """The whole data folder (every municipality), as loaded once per folder stamp."""
    return _load(*ctx.folder) if ctx.folder else ctx.data


def regions(ctx: Context) -> pd.DataFrame:
    """The folder's regions role (one row per municipality), empty when the folder has none."""
    reg = full_data(ctx).regions
    return reg if reg is not None and not reg.empty and "region_code" in reg.columns else pd.DataFrame()


def failed_codes(ctx: Context) -> frozenset:
    """Municipalities that failed validation (the gate's ``Dataset.excluded``): left out of every aggregate."""
    return excluded_of(full_data(ctx))


def excluded_of(full) -> frozenset:
    """The codes a loaded folder's gate left out (``Dataset.excluded``)."""
    return frozenset(str(c) for c in (getattr(full, "excluded", ()) or ()))


def comparisons(ctx: Context) -> comparison.Comparisons | None:
    """:func:`ivpanalysis.analysis.comparison.cached_compute` for the report's year and reference year;
    None without a report year or a regions role."""
    reg = regions(ctx)
    if ctx.year is None or reg.empty:
        return None
    return ctx.once("comparisons", lambda: shared_comparisons(ctx, reg))


def shared_comparisons(ctx: Context, reg: pd.DataFrame) -> comparison.Comparisons:
    """The comparison of all municipalities, computed once per batch (:mod:`.batch_cache`) and kept in
    this kernel for every later report and the map."""
    return folder_comparisons(ctx.folder, full_data(ctx), reg, ctx.year, ctx.reference_year)


def folder_comparisons(folder: tuple, full, reg: pd.DataFrame, year: int,
                       reference_year: int | None = None) -> comparison.Comparisons:
    """The comparison of a loaded folder's municipalities: this process's copy, else the batch's
    (:mod:`.batch_cache`: computed by one kernel or the parent, read by the others), kept here."""
    failed = excluded_of(full)
    comps = comparison.peek(full, reg, year, reference_year, failed)
    if comps is None:
        key = (folder, int(year), comparison.reference_of(year, reference_year), failed)
        comps = batch_cache.cached("comparisons", key,
                                   lambda: comparison.compute(full, reg, year, reference_year, failed))
        comparison.remember(full, reg, comps, failed)
    return comps


def for_municipality(ctx: Context) -> pd.DataFrame | None:
    """The municipality's comparison rows (index: measure), None when they cannot be computed."""
    comps = comparisons(ctx)
    if comps is None:
        return None

    def compute():
        try:
            return comparison.for_municipality(comps, ctx.code)
        except LookupError:  # no counts in the key years, or not in the regions table
            return None
    return ctx.once("comparison", compute)


def frame(ctx: Context) -> plan.PlanFrame | None:
    """The plan frame of the report; without police counts (no report year) the plan's last target
    year stands in, so its targets can still be listed with what they lack (None without either)."""
    year = ctx.year
    if year is None:
        rows = plan_rows(ctx)
        years = pd.to_numeric(rows["target_year"], errors="coerce").dropna() if len(rows) else []
        year = int(max(years)) if len(years) else None
    if year is None:
        return None
    return plan.resolve(year, ctx.plan_start, ctx.reference_year, ctx.target_year)


def plan_rows(ctx: Context) -> pd.DataFrame:
    """The municipality's rows of ``indicators.csv`` (empty when it declares none)."""
    ind = ctx.data.indicators
    if ind is None or ind.empty or "region_code" not in ind.columns:
        return pd.DataFrame()
    return ind[ind["region_code"] == ctx.code]


def is_relative(rows: pd.DataFrame) -> pd.Series:
    """Rows whose target is relative to the reference year and carries no target value of its own."""
    if rows.empty:
        return pd.Series(dtype=bool)
    return rows["target_direction"].isin(RELATIVE) & rows["target_value"].isna()


def relative_targets(ctx: Context) -> pd.DataFrame:
    """:func:`ivpanalysis.analysis.default_indicators.relative_targets` for the plan's relative rows
    (reference value computed from the data); empty when there are none."""
    rows = plan_rows(ctx)
    fr = frame(ctx)
    if rows.empty or fr is None or not is_relative(rows).any():
        return pd.DataFrame(columns=default_indicators.TARGET_COLUMNS)
    data = dataclasses.replace(ctx.data, indicators=rows[is_relative(rows)])
    return ctx.once("relative_targets", lambda: default_indicators.relative_targets(data, ctx.code, fr))


def absolute_data(ctx: Context):
    """The dataset with only the plan's rows that carry a target value (the p-of-reaching dashboard),
    their missing target years filled from the plan frame; None when there are none."""
    rows = plan_rows(ctx)
    if rows.empty:
        return None
    rows = rows[~is_relative(rows)].copy()
    if rows.empty:
        return None
    if ctx.target_year is not None:
        rows["target_year"] = rows["target_year"].fillna(ctx.target_year)
    rows = rows[rows["target_year"].notna()]
    return dataclasses.replace(ctx.data, indicators=rows) if not rows.empty else None


def default_dashboard(ctx: Context) -> pd.DataFrame:
    """The default indicator set (no plan declared): empty when the comparison cannot be computed."""
    comps = comparisons(ctx)
    if comps is None or for_municipality(ctx) is None:
        return pd.DataFrame(columns=default_indicators.COLUMNS)
    return ctx.once("default_dashboard", lambda: default_indicators.default_dashboard(full_data(ctx), comps, ctx.code))


def data_dir_text(ctx: Context) -> str:
    """The folder a command should write to: the report's own folder, DIR for the embedded dataset."""
    folder = ctx.data.data_dir
    try:
        embedded = folder.resolve() == paths.DATA_DIR.resolve()
    except OSError:
        embedded = False
    return "DIR" if embedded else str(folder)


def missing_items(ctx: Context) -> list[missing.MissingInput]:
    """:func:`ivpanalysis.analysis.missing.missing_for`: every input this report lacks, each once."""
    def compute():
        targets = relative_targets(ctx)
        return missing.missing_for(full_data(ctx), ctx.code, comps=comparisons(ctx),
                                   targets=targets if len(targets) else None, regions=regions(ctx),
                                   data_dir=data_dir_text(ctx))
    return ctx.once("missing", compute)
