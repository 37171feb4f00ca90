"""politie.nl incident lists + a PC4 → gemeente table → monthly burglary counts per current municipality.

The incident list ("Misdaad in kaart") names a four-digit postcode per incident; the PC4 table
names the municipality of that postcode in its own year's indeling (2021 for the CBS 83503NED
table), so names become codes and codes become today's through :mod:`herindeling` (split
municipalities per postcode). A month inside the covered dates without an incident counts 0 —
the documented exception to "missing is never 0": the list is complete for its dates. The first
and last months the list covers only in part are kept but flagged ``partial`` (keep them out of
trends). Incidents whose postcode has no municipality are counted in ``attrs['unmapped']``.
"""
from __future__ import annotations

import calendar
import re

import pandas as pd

from ivpanalysis.ingest import herindeling, schema
from ivpanalysis.errors import DataError

#: politie.nl kind of incident (slug of 'Soort') → measure key (categories.csv)
MEASURES = {"woninginbraak": ("woninginbraak_geslaagd", "Woninginbraak: geslaagd"),
            "poging_tot_woninginbraak": ("woninginbraak_poging", "Woninginbraak: pogingen")}
COLUMNS = schema.TIDY_COLUMNS + ["partial"]


def is_pc4_table(df: pd.DataFrame) -> bool:
    """A table with a four-digit postcode column and a municipality name column."""
    cols = {c.strip().casefold() for c in df.columns}
    return "postcode" in cols and "gemeente" in cols and "datum" not in cols


def pc4_map(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """postcode (PC4), gemeente (name as given), region_code (today's code, '' when unknown) per row."""
    d = df.rename(columns={c: c.strip().casefold() for c in df.columns})
    pc = d["postcode"].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    keep = pc.str.fullmatch(r"\d{4}") & (pd.to_numeric(pc, errors="coerce") > 999)  # PC2/PC3 roll-ups out
    d = d[keep].assign(postcode=pc[keep])
    if d.empty:
        raise DataError.at(file, "no four-digit postcodes in the postcode column", line=2, column="postcode",
                           expected="postcodes such as 8232")
    prov = d["provincie"] if "provincie" in d else pd.Series("", index=d.index)
    names = d["gemeente"].fillna("").astype(str).str.strip()
    code_of = {(n, p): herindeling.code_for_municipality_name(n, p) or "" for n, p in
               set(zip(names, prov.fillna("").astype(str))) if n}
    old = [code_of.get((n, p), "") for n, p in zip(names, prov.fillna("").astype(str))]
    new = [(herindeling.current_code(c, pc) or "") if c else "" for c, pc in zip(old, d["postcode"])]
    return pd.DataFrame({"postcode": d["postcode"].values, "gemeente": names.values, "old_code": old,
                         "region_code": new})


def _coverage(first: str, last: str) -> tuple[pd.PeriodIndex, set]:
    f, l = pd.Timestamp(first), pd.Timestamp(last)
    months = pd.period_range(f.to_period("M"), l.to_period("M"), freq="M")
    partial = set()
    if f.day > 1:
        partial.add(months[0])
    if l.day < calendar.monthrange(l.year, l.month)[1]:
        partial.add(months[-1])
    return months, partial


def monthly(counts: pd.DataFrame, pc4: pd.DataFrame, municipalities=None) -> pd.DataFrame:
    """Monthly ``woninginbraak_geslaagd``/``woninginbraak_poging`` per municipality (0 where none listed)."""
    first, last = counts.attrs.get("first_date"), counts.attrs.get("last_date")
    if not first:
        raise DataError.at(counts.attrs.get("source_file", ""), "the incident list has no incidents",
                           expected="rows Postcode,Datum,Soort")
    months, partial = _coverage(first, last)
    kinds = counts["measure"].map(lambda m: MEASURES.get(m, (m, m))[0])
    code = counts["region_name"].map(pc4.drop_duplicates("postcode").set_index("postcode")["region_code"]).fillna("")
    df = counts.assign(region_code=code, measure=kinds)
    unmapped = float(df.loc[df["region_code"] == "", "value"].sum())
    listed = df[df["region_code"] != ""].groupby(["region_code", "period", "measure"])["value"].sum()
    munis = sorted(set(municipalities or herindeling.current_municipalities()) | set(listed.index.get_level_values(0)))
    keys = [v[0] for v in MEASURES.values()]
    full = pd.MultiIndex.from_product([munis, months, keys], names=["region_code", "period", "measure"])
    out = listed.reindex(full, fill_value=0.0).reset_index()
    labels = dict(MEASURES.values())
    src = counts.attrs.get("source_file", "")
    out = out.assign(region_name=schema.map_unique(out["region_code"], lambda c: schema.municipality_name(c) or ""),
                     measure_label=out["measure"].map(labels), unit="aantal",
                     source=re.sub(r".*/", "", str(src)), status="onbekend", kind="computed",
                     partial=out["period"].isin(partial))
    return schema.finish_tidy(out, format="incidents", unmapped=unmapped, first_date=first, last_date=last,
                              partial_months=sorted(str(p) for p in partial))[COLUMNS]
