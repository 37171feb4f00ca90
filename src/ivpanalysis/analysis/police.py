"""The police-figures table of an IVP evaluation: counts per category for four years, % changes
for the municipality, its police region and per half-year, seed 004's legend, and a noise verdict.

Every change is either computed from counts in the data or, where the data hold no counts, taken
from a document's printed percentage and marked as published with its source; the two are never
mixed in one cell. See docs/methods.md.
"""
from __future__ import annotations

import decimal
import math

import pandas as pd

from ivpanalysis.analysis import noise, totals
from ivpanalysis.ingest import schema

#: seed 004's legend: a fall of 10 % or more, a change of less than 10 %, a rise of 10 % or more
LEGEND_THRESHOLD = 10

COLUMNS_AFTER_YEARS = ["change_pct", "change_source", "change_region_pct", "change_region_source",
                       "change_h1_pct", "change_h2_pct", "change_halfyear_source", "legend", "significant",
                       "change_lower_pct", "change_upper_pct"]


# --- counts from a tidy frame (ingest.yearly; the names stay importable from here) -------------

from ivpanalysis.ingest.yearly import (_NEEDED, _PREFERENCE, _complete_sums, _with_freq,  # noqa: E402,F401
                                       annual_counts, yearly_totals)


def _rows(police: pd.DataFrame, code: str) -> pd.DataFrame:
    return _with_freq(police[police["region_code"] == code])


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


def round_half_away(x: float, decimals: int = 0) -> float:
    """``x`` rounded half away from zero, as the seeds print percentages (12,5 → 13, −12,5 → −13).

    The published legend compares the *printed* percentage with its threshold, so the comparison
    needs the seeds' rounding rule; decided on the shortest repr of the float, as a reader sees it.
    """
    q = decimal.Decimal(1).scaleb(-decimals)
    return float(decimal.Decimal(repr(float(x))).quantize(q, rounding=decimal.ROUND_HALF_UP))


def legend(change_pct: float, k1=None, k2=None) -> str:
    """Seed 004's legend for a change: fall (≤ −10 %), stable, rise (≥ +10 %); '' if unknown.

    Decided on the percentage as the reader sees it (rounded half away from zero); a rise from 0
    to a positive count is a stijging.
    """
    if pd.isna(change_pct):
        if k1 == 0 and k2 is not None and not pd.isna(k2):
            return "rise" if k2 > 0 else "stable"
        return ""
    shown = round_half_away(change_pct)
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


def _cell(frame: pd.DataFrame, key: str, col) -> float:
    """``frame.at[key, col]`` or NaN when the row or column is absent."""
    return frame.at[key, col] if key in frame.index and col in frame.columns else math.nan


def _change_or_published(k1, k2, pub: dict, key: str) -> tuple[float, str, str | None]:
    """(change %, source, document): computed from two counts, else the printed %, else nothing."""
    if not pd.isna(k1) and not pd.isna(k2):
        return pct_change(k1, k2), "computed", None
    if key in pub:
        return pub[key][0], "published", pub[key][1]
    return math.nan, "", None


def _halfyear_changes(key: str, halves: pd.DataFrame, year: int, pub_h: dict) -> tuple[float, float, str, str | None]:
    """(H1 %, H2 %, source, document) of a category against the same half of the year before."""
    hk = {(y, h): _cell(halves, key, (y, h)) for y in (year - 1, year) for h in (1, 2)}
    if all(not pd.isna(v) for v in hk.values()):
        return (pct_change(hk[(year - 1, 1)], hk[(year, 1)]), pct_change(hk[(year - 1, 2)], hk[(year, 2)]),
                "computed", None)
    if key in pub_h[1] or key in pub_h[2]:
        doc = (pub_h[1].get(key) or pub_h[2].get(key))[1]
        return pub_h[1].get(key, (math.nan, ""))[0], pub_h[2].get(key, (math.nan, ""))[0], "published", doc
    return math.nan, math.nan, "", None


def _report_year(data, code: str, counts: pd.DataFrame) -> tuple[int | None, list[int]]:
    """(last year with counts, else last year with published changes; the published years)."""
    pc = data.published_changes
    pub_years = sorted({int(str(p)[:4]) for p in pc.loc[pc.get("table_of", pd.Series(dtype=str)) == code, "period"]}) \
        if not pc.empty else []
    with_counts = [y for y in counts.columns if counts[y].notna().any()] if not counts.empty else []
    if with_counts:
        return max(with_counts), pub_years
    return (max(pub_years) if pub_years else None), pub_years


def _noise_cells(key: str, k1: float, k2: float) -> dict:
    """The noise verdict of a computed change, its p-value, model and the change's 95 % interval."""
    model = noise.model_for(key, gap=1)
    test = noise.change_test(k1, k2, model)
    return {"significant": test.verdict, "change_lower_pct": test.lower_pct, "change_upper_pct": test.upper_pct,
            "_p": test.p_value, "_model": model}


def _row(key: str, c, label_of: dict, counts, reg_counts, halves, year: int, years: list[int], pubs: dict) -> dict | None:
    """One category's row of the police table; None when it has neither counts nor published changes."""
    k = {y: _cell(counts, key, y) for y in years}
    if all(pd.isna(v) for v in k.values()) and key not in pubs["own"] and key not in pubs["region"]:
        return None
    row = {"category": c["label"], "group": c["group"], "parent": label_of.get(c["parent"], "") if c["parent"] else ""}
    row.update({str(y): k[y] for y in years})
    k1, k2 = k[year - 1], k[year]
    docs = {}
    row["change_pct"], row["change_source"], docs["change_pct"] = _change_or_published(k1, k2, pubs["own"], key)
    r1, r2 = _cell(reg_counts, key, year - 1), _cell(reg_counts, key, year)
    row["change_region_pct"], row["change_region_source"], docs["change_region_pct"] = \
        _change_or_published(r1, r2, pubs["region"], key)
    row["change_h1_pct"], row["change_h2_pct"], row["change_halfyear_source"], docs["change_h1_pct"] = \
        _halfyear_changes(key, halves, year, pubs["half"])
    computed = row["change_source"] == "computed"
    row["legend"] = legend(row["change_pct"], k1 if computed else None, k2 if computed else None)
    if computed:
        row.update(_noise_cells(key, k1, k2))
    else:
        row.update(significant="", change_lower_pct=math.nan, change_upper_pct=math.nan)
    row["_documents"] = {col: d for col, d in docs.items() if d}
    return row


def police_table(data, code: str, year: int | None = None, region: str | None = None) -> pd.DataFrame:
    """The police-figures table for municipality ``code`` and report ``year`` (default: last year with counts).

    One row per category of seed 000 (index: category key) that has counts or published changes,
    in its order and groups; columns ``category, group, parent``, the counts of the four years
    up to ``year`` (as strings ``'2016'``…), then :data:`COLUMNS_AFTER_YEARS`. ``change_*_pct``
    are unrounded; the ``*_source`` columns say ``computed`` or ``published (<document>)``.
    ``significant`` is the noise verdict (yes / no / too_small; empty when not computed);
    ``change_lower_pct``/``change_upper_pct`` the 95 % interval of a computed change under the
    noise model. The p-values, the noise model per row and the test used are in ``attrs``.
    """
    try:
        schema.check_municipality_code(code)
    except ValueError as e:
        raise LookupError(str(e)) from None
    counts = totals.add_complete_totals_of(annual_counts(data.police, code), code, data.categories)
    last, pub_years = _report_year(data, code, counts)
    if last is None:
        present = ", ".join(sorted(set(data.police["region_code"]))) or "none"
        raise LookupError(f"no police figures for {code} in {data.data_dir} (municipalities present: {present})")
    year = last if year is None else year
    years = [year - 3, year - 2, year - 1, year]
    region = region or default_region(data, code)
    pubs = {"own": _published(data, code, code, str(year)),
            "region": _published(data, code, region, str(year)) if region else {},
            "half": {h: _published(data, code, code, f"{year}H{h}") for h in (1, 2)}}
    reg_counts = (totals.add_complete_totals_of(annual_counts(data.police, region), region, data.categories)
                  if region else pd.DataFrame())
    halves = halfyear_counts(data.police, code)
    cats = data.categories  # in the report's row order (datafolder.load)
    label_of = dict(zip(cats["key"], cats["label"]))
    rows = {}
    for _, c in cats.iterrows():
        row = _row(c["key"], c, label_of, counts, reg_counts, halves, year, years, pubs)
        if row is not None:
            rows[c["key"]] = row
    return _assemble(rows, years, data, code, year, region)


def _assemble(rows: dict, years: list[int], data, code: str, year: int, region: str | None) -> pd.DataFrame:
    """The rows as a frame in the documented column order, with whole counts as Int64 and the attrs."""
    documents = {(key, col): d for key, r in rows.items() for col, d in r["_documents"].items()}
    pvals = {key: r["_p"] for key, r in rows.items() if "_p" in r}
    models = {key: r["_model"] for key, r in rows.items() if "_model" in r}
    table = pd.DataFrame(list(rows.values()), index=pd.Index(list(rows), name="key"))
    if table.empty:
        table = pd.DataFrame(columns=["category", "group", "parent"] + [str(y) for y in years] + COLUMNS_AFTER_YEARS)
    table = table[["category", "group", "parent"] + [str(y) for y in years] + COLUMNS_AFTER_YEARS]
    for y in years:
        col = table[str(y)]
        if col.dropna().map(float.is_integer).all():
            table[str(y)] = col.astype("Int64")
    table.attrs.update({
        "municipality": code, "municipality_name": schema.municipality_name(code) or code, "year": year,
        "region": region, "region_name": schema.municipality_name(region) if region else None,
        "test": noise.TEST_NAME, "level": noise.LEVEL, "min_total": noise.MIN_TOTAL,
        "p_value": pvals, "alpha": {k: m.alpha for k, m in models.items()},
        "noise_model": {k: m.as_dict() for k, m in models.items()},
        "published_documents": documents,
        "sources": sorted(set(data.police.loc[data.police["region_code"] == code, "source"])),
    })
    return table
