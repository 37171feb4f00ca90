"""The report's crime/nuisance categories (seed 000's 26 rows) and their SoortMisdrijf codes.

``data/categories.csv`` says per category key its Dutch label, group, parent row ("…waarvan")
and either one SoortMisdrijf code or a sum of codes (``geweld_totaal`` = 1.4.1 + … + 1.4.7).
:func:`to_categories` turns a tidy frame keyed by SoortMisdrijf codes (what CBS/politie tables
and ``ivpanalysis fetch`` deliver) into one keyed by category, so every later step speaks one
vocabulary.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ivpanalysis import paths
from ivpanalysis.ingest import schema

GROUPS = ("Misdrijven met grote impact", "Veel voorkomende criminaliteit", "Overig")


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return read(paths.PROJECT_DIR / "data" / "categories.csv")


def read(path) -> pd.DataFrame:
    """A categories file (the project's, or a data folder's own) in the report's row order."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df.sort_values("order", key=lambda s: s.astype(int)).reset_index(drop=True)


def table() -> pd.DataFrame:
    """The project's category table (a copy), in the report's row order."""
    return _table().copy()


def codes_of(key: str, cats: pd.DataFrame | None = None) -> list[str]:
    """SoortMisdrijf codes that make up a category ([] when the category has no CBS code)."""
    cats = _table() if cats is None else cats
    row = cats.loc[cats["key"] == key]
    if row.empty:
        raise LookupError(f"unknown category {key!r}; known: {', '.join(cats['key'])}")
    row = row.iloc[0]
    if row["soortmisdrijf_sum"]:
        return [c.strip() for c in row["soortmisdrijf_sum"].split("+")]
    return [row["soortmisdrijf"]] if row["soortmisdrijf"] else []


def all_codes(cats: pd.DataFrame | None = None) -> set[str]:
    """Every SoortMisdrijf code some category is made of."""
    cats = _table() if cats is None else cats
    return {code for k in cats["key"] for code in codes_of(k, cats)}


def to_categories(tidy: pd.DataFrame, cats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Re-key a tidy frame from SoortMisdrijf codes to category keys.

    A category with one code takes that code's rows unchanged (``kind`` kept). A category that
    is a sum of codes is built per region and period only where every part is present in the
    frame; a missing part makes the sum NaN, never a partial total; its rows are ``computed``.
    Rows of codes no category uses are left out; the result's attrs list them.
    """
    cats = _table() if cats is None else cats
    df = tidy.copy()
    df["measure"] = df["measure"].astype(str).str.strip()
    present = set(df["measure"])
    parts = []
    for _, c in cats.iterrows():
        codes = codes_of(c["key"], cats)
        if not codes or not set(codes) <= present:
            continue
        sub = df[df["measure"].isin(codes)]
        if len(codes) == 1:
            one = sub.copy()
        else:
            keys = ["region_code", "period"]
            wide = sub.pivot_table(index=keys, columns="measure", values="value", aggfunc="first", dropna=False)
            wide = wide.reindex(columns=codes)
            total = wide.sum(axis=1, min_count=len(codes))
            total[wide.isna().any(axis=1)] = float("nan")
            first = sub.drop_duplicates(keys).set_index(keys)
            one = first.loc[total.index].copy()
            one["value"] = total.values
            one["kind"] = "computed"
            one["source"] = one["source"].astype(str) + f" ({'+'.join(codes)})"
            one = one.reset_index()
        one["measure"] = c["key"]
        one["measure_label"] = c["label"]
        parts.append(one)
    out = pd.concat(parts, ignore_index=True) if parts else schema.empty_tidy()
    out = schema.finish_tidy(out, **tidy.attrs)
    used = all_codes(cats)
    out.attrs["unmapped_measures"] = sorted(present - used)
    return out
