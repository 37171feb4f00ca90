"""The police-figures table of an IVP evaluation: counts per category for four years, % changes
for the municipality, its police region and per half-year, seed 004's legend, and a noise verdict.

Every change is either computed from counts in the data or, where the data hold no counts, taken
from a document's printed percentage and marked as published with its source; the two are never
mixed in one cell. See docs/methods.md.
"""
from __future__ import annotations

import math

import pandas as pd

from ivpanalysis.present import fmt
from ivpanalysis.analysis import noise
from ivpanalysis.ingest import schema

#: seed 004's legend: a fall of 10 % or more, a change of less than 10 %, a rise of 10 % or more
LEGEND_THRESHOLD = 10
LEGEND_NL = {"fall": "daling", "stable": "stabiel", "rise": "stijging", "": ""}

COLUMNS_AFTER_YEARS = ["change_pct", "change_source", "change_region_pct", "change_region_source",
                       "change_h1_pct", "change_h2_pct", "change_halfyear_source", "legend", "significant"]


# --- counts from a tidy frame -------------------------------------------------------------------

_NEEDED = {"M": 12, "Q": 4, "H": 2}  # sub-periods that make a year
_PREFERENCE = ("M", "Q", "H")  # finest first: a year from months, else quarters, else half-years


def _with_freq(df: pd.DataFrame) -> pd.DataFrame:
    """The rows with their frequency letter, year and first month as columns."""
    if df.empty:
        return df.assign(freq=pd.Series(dtype=str), year=pd.Series(dtype=int), month=pd.Series(dtype=int))
    freq = schema.map_unique(df["period"], schema.freq_of)
    starts = pd.DatetimeIndex(schema.map_unique(df["period"], lambda p: p.start_time))
    return df.assign(freq=freq.to_numpy(), year=starts.year.to_numpy(), month=starts.month.to_numpy())


def _rows(police: pd.DataFrame, code: str) -> pd.DataFrame:
    return _with_freq(police[police["region_code"] == code])


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


def halfyear_counts(police: pd.DataFrame, code: str) -> pd.DataFrame:
    """Counts per category and half-year (columns ``(year, 1|2)``), from half-year, quarter or month rows."""
    df = _rows(police, code)
    df = df[df["freq"].isin(["H", "Q", "M"])]
    if df.empty:
        return pd.DataFrame()
    df = df.assign(half=(df["month"] > 6).astype(int) + 1)
    s = _complete_sums(df, ["measure", "year", "half"], {"M": 6, "Q": 2, "H": 1})
    s.index = pd.MultiIndex.from_arrays([s.index.get_level_values(0),
                                         list(zip(s.index.get_level_values(1), s.index.get_level_values(2)))])
    return s.unstack()


# --- changes ------------------------------------------------------------------------------------

def pct_change(k1, k2) -> float:
    """% change from ``k1`` to ``k2``; NaN when either is missing or ``k1`` is 0 (no percentage of 0)."""
    if k1 is None or k2 is None or pd.isna(k1) or pd.isna(k2) or k1 == 0:
        return math.nan
    return 100.0 * (k2 - k1) / k1


def legend(change_pct: float, k1=None, k2=None) -> str:
    """Seed 004's legend for a change: fall (≤ −10 %), stable, rise (≥ +10 %); '' if unknown.

    Decided on the percentage as the reader sees it (rounded half away from zero); a rise from 0
    to a positive count is a stijging.
    """
    if pd.isna(change_pct):
        if k1 == 0 and k2 is not None and not pd.isna(k2):
            return "rise" if k2 > 0 else "stable"
        return ""
    shown = fmt.round_half_away(change_pct)
    if shown <= -LEGEND_THRESHOLD:
        return "fall"
    if shown >= LEGEND_THRESHOLD:
        return "rise"
    return "stable"


def _published(data, table_of: str, region_code: str, period: str) -> dict[str, tuple[float, str]]:
    """Printed % changes against the previous year: {category: (value, source)}."""
    pc = data.published_changes
    if pc is None or pc.empty:
        return {}
    sel = pc[(pc["table_of"] == table_of) & (pc["region_code"] == region_code) & (pc["period"].astype(str) == period)
             & (pc["comparison"] == "previous_year")]
    return {m: (float(v), s) for m, v, s in zip(sel["measure"], sel["value_pct"], sel["source"]) if not pd.isna(v)}


def default_region(data, code: str) -> str | None:
    """The comparison region (politie-eenheid) for a municipality: the one its documents compare with,
    else the only police unit present in the data; None when neither says."""
    pc = data.published_changes
    if pc is not None and not pc.empty:
        regs = sorted({r for r in pc.loc[pc["table_of"] == code, "region_code"] if str(r).startswith("RE")})
        if len(regs) == 1:
            return regs[0]
    units = sorted({r for r in data.police["region_code"] if schema.region_kind(r) == "police_unit"})
    return units[0] if len(units) == 1 else None


def police_table(data, code: str, year: int | None = None, region: str | None = None) -> pd.DataFrame:
    """The police-figures table for municipality ``code`` and report ``year`` (default: last year with counts).

    One row per category of seed 000 (index: category key) that has counts or published changes,
    in its order and groups; columns ``category, group, parent``, the counts of the four years
    up to ``year`` (as strings ``'2016'``…), then :data:`COLUMNS_AFTER_YEARS`. ``change_*_pct``
    are unrounded; the ``*_source`` columns say ``computed`` or ``published (<document>)``.
    ``significant`` is the noise verdict (yes / no / too_small; empty when not computed). The
    p-values, α per row and the test used are in ``attrs``.
    """
    try:
        schema.check_municipality_code(code)
    except ValueError as e:
        raise LookupError(str(e)) from None
    counts = annual_counts(data.police, code)
    pub_years = sorted({int(str(p)[:4]) for p in data.published_changes.loc[
        data.published_changes.get("table_of", pd.Series(dtype=str)) == code, "period"]}) \
        if not data.published_changes.empty else []
    if counts.empty and not pub_years:
        present = ", ".join(sorted(set(data.police["region_code"]))) or "none"
        raise LookupError(f"no police figures for {code} in {data.data_dir} (municipalities present: {present})")
    if year is None:
        with_counts = [y for y in counts.columns if counts[y].notna().any()] if not counts.empty else []
        year = max(with_counts) if with_counts else max(pub_years)
    years = [year - 3, year - 2, year - 1, year]
    region = region or default_region(data, code)
    reg_counts = annual_counts(data.police, region) if region else pd.DataFrame()
    halves = halfyear_counts(data.police, code)
    pub = _published(data, code, code, str(year))
    pub_reg = _published(data, code, region, str(year)) if region else {}
    pub_h = {h: _published(data, code, code, f"{year}H{h}") for h in (1, 2)}

    cats = data.categories  # in the report's row order (datafolder.load)
    rows, pvals, alphas, documents = [], {}, {}, {}
    for _, c in cats.iterrows():
        key = c["key"]
        k = {y: (counts.at[key, y] if key in counts.index and y in counts.columns else math.nan) for y in years}
        has_counts = any(not pd.isna(v) for v in k.values())
        if not has_counts and key not in pub and key not in pub_reg:
            continue
        row = {"category": c["label"], "group": c["group"],
               "parent": cats.set_index("key")["label"].get(c["parent"], "") if c["parent"] else ""}
        row.update({str(y): k[y] for y in years})
        k1, k2 = k[year - 1], k[year]
        ch = pct_change(k1, k2)
        if not pd.isna(k1) and not pd.isna(k2):
            row["change_pct"], row["change_source"] = ch, "computed"
        elif key in pub:
            row["change_pct"], row["change_source"] = pub[key][0], "published"
            documents[(key, "change_pct")] = pub[key][1]
        else:
            row["change_pct"], row["change_source"] = math.nan, ""
        r1 = reg_counts.at[key, year - 1] if key in reg_counts.index and year - 1 in reg_counts.columns else math.nan
        r2 = reg_counts.at[key, year] if key in reg_counts.index and year in reg_counts.columns else math.nan
        if not pd.isna(r1) and not pd.isna(r2):
            row["change_region_pct"], row["change_region_source"] = pct_change(r1, r2), "computed"
        elif key in pub_reg:
            row["change_region_pct"], row["change_region_source"] = pub_reg[key][0], "published"
            documents[(key, "change_region_pct")] = pub_reg[key][1]
        else:
            row["change_region_pct"], row["change_region_source"] = math.nan, ""
        hk = {(y, h): (halves.at[key, (y, h)] if key in halves.index and (y, h) in halves.columns else math.nan)
              for y in (year - 1, year) for h in (1, 2)}
        if all(not pd.isna(v) for v in hk.values()):
            row["change_h1_pct"] = pct_change(hk[(year - 1, 1)], hk[(year, 1)])
            row["change_h2_pct"] = pct_change(hk[(year - 1, 2)], hk[(year, 2)])
            row["change_halfyear_source"] = "computed"
        elif key in pub_h[1] or key in pub_h[2]:
            row["change_h1_pct"] = pub_h[1].get(key, (math.nan, ""))[0]
            row["change_h2_pct"] = pub_h[2].get(key, (math.nan, ""))[0]
            row["change_halfyear_source"] = "published"
            documents[(key, "change_h1_pct")] = (pub_h[1].get(key) or pub_h[2].get(key))[1]
        else:
            row["change_h1_pct"] = row["change_h2_pct"] = math.nan
            row["change_halfyear_source"] = ""
        computed = row["change_source"] == "computed"
        row["legend"] = legend(row["change_pct"], k1 if computed else None, k2 if computed else None)
        if computed:
            a = noise.alpha_for(key)
            alphas[key] = a
            pvals[key] = float(noise.p_value(k1, k2, a))
            row["significant"] = str(noise.verdicts([k1], [k2], a, p=[pvals[key]])[0])
        else:
            row["significant"] = ""
        rows.append((key, row))
    table = pd.DataFrame([r for _, r in rows], index=pd.Index([k for k, _ in rows], name="key"))
    table = table[["category", "group", "parent"] + [str(y) for y in years] + COLUMNS_AFTER_YEARS]
    for y in years:
        col = table[str(y)]
        if col.dropna().map(float.is_integer).all():
            table[str(y)] = col.astype("Int64")
    table.attrs.update({
        "municipality": code, "municipality_name": schema.municipality_name(code) or code, "year": year,
        "region": region, "region_name": schema.municipality_name(region) if region else None,
        "test": noise.TEST_NAME, "level": noise.LEVEL, "min_total": noise.MIN_TOTAL,
        "p_value": pvals, "alpha": alphas, "published_documents": documents,
        "sources": sorted(set(data.police.loc[data.police["region_code"] == code, "source"])),
    })
    return table


# --- for readers ----------------------------------------------------------------------------------

_VERDICT_NL = {"yes": "ja", "no": "nee", "too_small": "te klein", "": ""}


def _pct_cell(value, source: str, verdict: str = "") -> str:
    if not source:
        return ""
    if verdict == "too_small":
        return "te klein"
    text = fmt.pct(value)
    return text + "*" if source == "published" else text


def police_display(table: pd.DataFrame) -> pd.DataFrame:
    """The table with Dutch headers and formats (``4.240``, ``+5%``) for the report.

    Published percentages carry ``*`` (:func:`published_note` explains them); a change from 0 reads
    "0 → k"; changes of counts too small to interpret read "te klein".
    """
    year = table.attrs["year"]
    years = [str(y) for y in range(year - 3, year + 1)]
    region = table.attrs.get("region_name") or "regio"
    out = pd.DataFrame(index=table.index)
    out["Categorie"] = [("… " + c) if p else c for c, p in zip(table["category"], table["parent"])]
    out["Groep"] = table["group"]
    for y in years:
        out[y] = [fmt.number(v) for v in table[y]]
    ch = []
    for (_, r) in table.iterrows():
        if r["change_source"] == "computed" and pd.isna(r["change_pct"]) and r[years[-2]] == 0:
            ch.append(f"0 → {fmt.number(r[years[-1]])}")
        else:
            ch.append(_pct_cell(r["change_pct"], r["change_source"], r["significant"]))
    out[f"{year} t.o.v. {year - 1}"] = ch
    out[f"{region.replace(' (RE)', '')}"] = [_pct_cell(v, s) for v, s in zip(table["change_region_pct"], table["change_region_source"])]
    out["1e halfjaar"] = [_pct_cell(v, s) for v, s in zip(table["change_h1_pct"], table["change_halfyear_source"])]
    out["2e halfjaar"] = [_pct_cell(v, s) for v, s in zip(table["change_h2_pct"], table["change_halfyear_source"])]
    out["Legenda"] = [LEGEND_NL.get(v, v) for v in table["legend"]]
    out["Meer dan toeval?"] = [_VERDICT_NL.get(v, v) for v in table["significant"]]
    return out.reset_index(drop=True)


def published_note(table: pd.DataFrame) -> str:
    """The Dutch footnote for ``*``: which documents the published percentages come from; '' if none."""
    docs = sorted(set(table.attrs.get("published_documents", {}).values()))
    if not docs:
        return ""
    return ("* Gepubliceerd percentage, overgenomen uit " + ", ".join(docs) +
            "; niet berekend omdat de data voor deze cellen geen aantallen bevatten.")
