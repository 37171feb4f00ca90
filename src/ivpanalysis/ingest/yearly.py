"""Yearly counts from a tidy frame of counts: annual rows as delivered, else complete sub-periods.

Shared by validation (a rate needs a denominator for every year it is computed for) and the police
table; a partial year stays NaN, never a partial total.
"""
from __future__ import annotations

import pandas as pd

from ivpanalysis.ingest import schema

_NEEDED = {"M": 12, "Q": 4, "H": 2}  # sub-periods that make a year
_PREFERENCE = ("M", "Q", "H")  # finest first: a year from months, else quarters, else half-years


def _with_freq(df: pd.DataFrame) -> pd.DataFrame:
    """The rows with their frequency letter, year and first month as columns."""
    if df.empty:
        return df.assign(freq=pd.Series(dtype=str), year=pd.Series(dtype=int), month=pd.Series(dtype=int))
    freq = schema.map_unique(df["period"], schema.freq_of)
    starts = pd.DatetimeIndex(schema.map_unique(df["period"], lambda p: p.start_time))
    return df.assign(freq=freq.to_numpy(), year=starts.year.to_numpy(), month=starts.month.to_numpy())



def _complete_sums(df: pd.DataFrame, keys: list[str], needed) -> pd.Series:
    """Per group of ``keys`` + freq: the sum when all sub-periods are present and none is missing, else NaN."""
    g = df.groupby(keys + ["freq"], sort=False)["value"]
    agg = pd.DataFrame({"n": g.size(), "present": g.count(), "total": g.sum(min_count=1)})
    need = agg.index.get_level_values("freq").map(needed)
    agg["value"] = agg["total"].where((agg["n"] == need) & (agg["present"] == agg["n"]))
    agg = agg.reset_index()
    agg["rank"] = agg["freq"].map({f: i for i, f in enumerate(_PREFERENCE)})
    best = agg.sort_values("rank").drop_duplicates(keys, keep="first")
    return best.set_index(keys)["value"]


def yearly_totals(tidy: pd.DataFrame) -> pd.Series:
    """Yearly counts per ``(region_code, measure, year)`` from a tidy frame of counts.

    Annual rows are used as delivered; otherwise a year is the sum of its 12 months, 4 quarters or
    2 half-years, only when all are present (a partial year stays NaN, never a partial total).
    """
    keys = ["region_code", "measure", "year"]
    df = _with_freq(tidy)
    yearly = df[df["freq"] == "Y"].drop_duplicates(keys).set_index(keys)["value"]
    sub = df[df["freq"] != "Y"]
    built = _complete_sums(sub, keys, _NEEDED) if len(sub) else pd.Series(dtype=float)
    out = pd.concat([yearly, built[~built.index.isin(yearly.index)]]).astype(float)
    out.index = pd.MultiIndex.from_tuples(out.index, names=keys) if len(out) else pd.MultiIndex.from_arrays([[]] * 3, names=keys)
    return out


def annual_counts(police: pd.DataFrame, code: str) -> pd.DataFrame:
    """Counts per category (rows) and year (int columns) for one region (see :func:`yearly_totals`)."""
    df = police[police["region_code"] == code]
    if df.empty:
        return pd.DataFrame()
    out = yearly_totals(df).droplevel("region_code").unstack().sort_index(axis=1)
    out.columns = out.columns.astype(int)
    return out
