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


_PC_COL = re.compile(r"^(postcode|pc4|pc6|postcode4|postcode_4|postcode6)$", re.I)
_GM_COL = re.compile(r"^(gemeente|gemeentenaam|gemeentecode|gm_?code)(_?\d{4})?$", re.I)


def columns(header) -> tuple[str | None, str | None]:
    """(postcode column, gemeente column) of a PC4/PC6 table, recognised by name: ``postcode``/``PC4``/
    ``PC6`` and ``gemeente``/``Gemeente2021``/``gemeentecode`` (names or codes)."""
    pc = next((c for c in header if _PC_COL.match(str(c).strip())), None)
    gm = next((c for c in header if _GM_COL.match(str(c).strip())), None)
    return pc, gm


def is_pc4_table(header) -> bool:
    """A postcode → gemeente table (not an incident list, which has a date)."""
    pc, gm = columns(header)
    return pc is not None and gm is not None and not any(str(c).strip().casefold() == "datum" for c in header)


def _code(value: str, province: str) -> str:
    """A municipality code from a name ('Hengelo' + province), a code ('GM0363') or CBS's number ('0363', '363')."""
    v = value.strip()
    if re.fullmatch(r"GM\d{4}", v):
        return v
    if re.fullmatch(r"\d{1,4}", v):
        return f"GM{int(v):04d}"
    return herindeling.code_for_municipality_name(v, province) or ""


def pc4_map(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """postcode (PC4), gemeente (as given), old_code, region_code (today's code, '' when unknown) per PC4.

    Six-character postcodes are cut to four; where the rows of one PC4 name several municipalities
    (a PC4 crossing a border) the one most rows name is kept, as the 83503NED table does.
    """
    pc_col, gm_col = columns(df.columns)
    pc = df[pc_col].astype(str).str.strip().str.replace(r"\.0$", "", regex=True).str.replace(" ", "").str[:4]
    keep = pc.str.fullmatch(r"\d{4}") & (pd.to_numeric(pc, errors="coerce") > 999)  # PC2/PC3 roll-ups out
    d = df[keep].assign(_pc=pc[keep])
    if d.empty:
        raise DataError.at(file, "no four-digit postcodes in the postcode column", line=2, column=pc_col,
                           expected="postcodes such as 8232 or 8232AB")
    prov_col = next((c for c in df.columns if str(c).strip().casefold() == "provincie"), None)
    d = d.assign(_gm=d[gm_col].fillna("").astype(str).str.strip(),
                 _prov=d[prov_col].fillna("").astype(str) if prov_col else "")
    d = (d.groupby(["_pc", "_gm", "_prov"], sort=False).size().rename("n").reset_index()
         .sort_values("n", ascending=False, kind="stable").drop_duplicates("_pc"))
    code_of = {(g, p): _code(g, p) for g, p in set(zip(d["_gm"], d["_prov"])) if g}
    old = [code_of.get((g, p), "") for g, p in zip(d["_gm"], d["_prov"])]
    new = [(herindeling.current_code(c, p) or "") if c else "" for c, p in zip(old, d["_pc"])]
    out = pd.DataFrame({"postcode": d["_pc"].values, "gemeente": d["_gm"].values, "old_code": old, "region_code": new})
    return out.sort_values("postcode", kind="stable").reset_index(drop=True)


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
