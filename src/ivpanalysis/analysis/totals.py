"""Totals honestly: a total or sum category only when every part is present, else a "missing" record.

``criminaliteit_totaal`` (SoortMisdrijf ``0.0.0``) cannot be rebuilt from the report's categories
(they cover a fraction of all crime), so it exists only when a table delivers it. A sum category
(``geweld_totaal`` = its ``…waarvan`` rows, the codes in ``soortmisdrijf_sum``) is built per region
and year only where every part has a count; otherwise it stays absent and :func:`missing_totals`
says which parts are there, which are not, and which table would add them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivpanalysis.ingest import categories as cat_mod

#: the table that has every SoortMisdrijf code (incl. the total) per municipality, monthly and yearly
FULL_TABLE = "47013NED"
GRAND_TOTAL_CODE = "0.0.0"


@dataclass(frozen=True)
class MissingTotal:
    """A total the data cannot show honestly, for one region."""

    what: str  # category key, e.g. geweld_totaal
    region_code: str
    years: tuple[int, ...]  # years asked for without a complete total
    parts_present: tuple[str, ...]
    parts_missing: tuple[str, ...]  # () for the grand total: no parts can rebuild it
    table: str = FULL_TABLE  # the table that would add it


def total_parts(cats: pd.DataFrame | None = None) -> dict[str, tuple[str, ...]]:
    """Total category → the category keys that make it up (() for the grand total, which has no parts)."""
    cats = cat_mod.table() if cats is None else cats
    out: dict[str, tuple[str, ...]] = {}
    for _, row in cats.iterrows():
        if row["soortmisdrijf"] == GRAND_TOTAL_CODE:
            out[row["key"]] = ()
        elif row["soortmisdrijf_sum"]:
            codes = set(cat_mod.codes_of(row["key"], cats))
            kids = cats[(cats["parent"] == row["key"]) & cats["soortmisdrijf"].isin(codes)]
            if set(kids["soortmisdrijf"]) != codes:
                raise ValueError(f"category {row['key']}: its parts {sorted(codes)} are not all categories of their own")
            out[row["key"]] = tuple(kids["key"])
    return out


def add_complete_totals(counts: pd.DataFrame, cats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Wide counts (index region_code, measure; year columns) with each sum category added where complete.

    A delivered total is kept as it is; a built one is the sum of its parts per region and year
    only where all parts have a count (NaN otherwise, never a partial sum). Regions with no part
    at all get no row.
    """
    have = set(counts.index.get_level_values("measure"))
    extra = []
    for key, parts in total_parts(cats).items():
        if not parts or key in have or not (set(parts) & have):
            continue
        sub = counts[counts.index.get_level_values("measure").isin(parts)]
        n = sub.notna().groupby(level="region_code").sum()
        n_parts = sub.groupby(level="region_code").size()
        total = sub.groupby(level="region_code").sum(min_count=1)
        complete = n.eq(len(parts)) & n_parts.eq(len(parts)).to_numpy()[:, None]
        total = total.where(complete)
        total.index = pd.MultiIndex.from_arrays([total.index, [key] * len(total)], names=counts.index.names)
        extra.append(total[total.notna().any(axis=1)])
    return pd.concat([counts, *extra]).sort_index() if extra else counts


def add_complete_totals_of(counts: pd.DataFrame, code: str, cats: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`add_complete_totals` for one region's counts (index measure; year columns)."""
    if counts.empty:
        return counts
    wide = counts.copy()
    wide.index = pd.MultiIndex.from_product([[code], counts.index], names=["region_code", "measure"])
    return add_complete_totals(wide, cats).droplevel("region_code")


def missing_totals(counts: pd.DataFrame, code: str, years, cats: pd.DataFrame | None = None,
                   parts: dict | None = None) -> list[MissingTotal]:
    """The totals ``code`` cannot show for ``years`` (after :func:`add_complete_totals`), with what is lacking.

    Only years in which the region has some count: a year the data do not cover at all is a gap
    of the whole police table, not of its totals. ``parts``: :func:`total_parts`, when known.
    """
    years = [int(y) for y in years]
    try:
        own = counts.xs(code, level="region_code")
    except KeyError:
        own = pd.DataFrame(columns=years, dtype=float)
    own = own.reindex(columns=years)
    with_data = [y for y in years if own[y].notna().any()]  # a year without any count is not a total's gap
    out = []
    for key, parts in (total_parts(cats) if parts is None else parts).items():
        row = own.loc[key] if key in own.index else pd.Series(np.nan, index=years)
        lacking = tuple(y for y in with_data if pd.isna(row.get(y)))
        if not lacking:
            continue
        present = tuple(p for p in parts if p in own.index and own.loc[p, list(lacking)].notna().all())
        out.append(MissingTotal(key, code, lacking, present, tuple(p for p in parts if p not in present)))
    return out
