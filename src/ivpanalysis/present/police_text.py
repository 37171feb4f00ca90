"""The police-figures table for readers: Dutch headers, number formats, legend and verdict words.

Turns :func:`ivpanalysis.analysis.police.police_table` (numbers and codes) into the table the
report shows, and writes the footnote for published percentages.
"""
from __future__ import annotations

import pandas as pd

from ivpanalysis.present import fmt

LEGEND_NL = {"fall": "daling", "stable": "stabiel", "rise": "stijging", "": ""}
VERDICT_NL = {"yes": "ja", "no": "nee", "too_small": "te klein", "": ""}
TOO_SMALL = "te klein"


def _pct_cell(value, source: str, verdict: str = "") -> str:
    """A % change as printed: '' without a source, 'te klein' for tiny counts, '*' when published."""
    if not source:
        return ""
    if verdict == "too_small":
        return TOO_SMALL
    text = fmt.pct(value)
    return text + "*" if source == "published" else text


def interval_cell(lower, upper, verdict: str = "") -> str:
    """The 95 % interval of a computed change ('−12% tot +3%'); '' when there is none."""
    if verdict in ("too_small", "") or pd.isna(lower) or pd.isna(upper):
        return ""
    return f"{fmt.pct(lower)} tot {fmt.pct(upper)}"


def _change_cells(table: pd.DataFrame, years: list[str]) -> list[str]:
    """The change column: '0 → k' for a change from zero, else the % cell."""
    out = []
    for _, r in table.iterrows():
        if r["change_source"] == "computed" and pd.isna(r["change_pct"]) and r[years[-2]] == 0:
            out.append(f"0 → {fmt.number(r[years[-1]])}")
        else:
            out.append(_pct_cell(r["change_pct"], r["change_source"], r["significant"]))
    return out


def police_display(table: pd.DataFrame) -> pd.DataFrame:
    """The table with Dutch headers and formats (``4.240``, ``+5%``) for the report.

    Published percentages carry ``*`` (:func:`published_note` explains them); a change from 0 reads
    "0 → k"; changes of counts too small to interpret read "te klein"; computed changes carry their
    95 % interval (column "95%-interval") when the table has one.
    """
    year = table.attrs["year"]
    years = [str(y) for y in range(year - 3, year + 1)]
    region = table.attrs.get("region_name") or "regio"
    out = pd.DataFrame(index=table.index)
    out["Categorie"] = [("… " + c) if p else c for c, p in zip(table["category"], table["parent"])]
    out["Groep"] = table["group"]
    for y in years:
        out[y] = [fmt.number(v) for v in table[y]]
    out[f"{year} t.o.v. {year - 1}"] = _change_cells(table, years)
    if "change_lower_pct" in table.columns:
        out["95%-interval"] = [interval_cell(lo, hi, v) for lo, hi, v in
                               zip(table["change_lower_pct"], table["change_upper_pct"], table["significant"])]
    out[f"{region.replace(' (RE)', '')}"] = [_pct_cell(v, s) for v, s in zip(table["change_region_pct"], table["change_region_source"])]
    out["1e halfjaar"] = [_pct_cell(v, s) for v, s in zip(table["change_h1_pct"], table["change_halfyear_source"])]
    out["2e halfjaar"] = [_pct_cell(v, s) for v, s in zip(table["change_h2_pct"], table["change_halfyear_source"])]
    out["Legenda"] = [LEGEND_NL.get(v, v) for v in table["legend"]]
    out["Meer dan toeval?"] = [VERDICT_NL.get(v, v) for v in table["significant"]]
    return out.reset_index(drop=True)


def without_empty_columns(shown: pd.DataFrame, keep=("Categorie", "Groep")) -> pd.DataFrame:
    """``shown`` without the columns no row fills (half-years or a published region column a folder
    does not have), so the table fits the page; ``keep`` columns stay."""
    empty = [c for c in shown.columns if c not in keep and shown[c].map(lambda v: pd.isna(v) or str(v).strip() == "").all()]
    return shown.drop(columns=empty)


def published_note(table: pd.DataFrame) -> str:
    """The Dutch footnote for ``*``: which documents the published percentages come from; '' if none."""
    docs = sorted(set(table.attrs.get("published_documents", {}).values()))
    if not docs:
        return ""
    return ("* Gepubliceerd percentage, overgenomen uit " + ", ".join(docs) +
            "; niet berekend omdat de data voor deze cellen geen aantallen bevatten.")


INCOMPLETE_MARK = "†"


def _agg_cell(comp: pd.DataFrame, key: str, level: str) -> str:
    """A computed aggregate's change against the year before; '†' when members were left out."""
    col = f"{level}_change_prev_pct"
    if comp is None or col not in comp.columns or key not in comp.index or pd.isna(comp.at[key, col]):
        return ""
    mark = INCOMPLETE_MARK if bool(comp.at[key, f"{level}_incomplete"]) else ""
    return fmt.pct(comp.at[key, col]) + mark


def _rate_cell(comp: pd.DataFrame, key: str, kind: str) -> str:
    col = f"rate_{kind}"
    if key not in comp.index or col not in comp.columns or pd.isna(comp.at[key, col]):
        return ""
    return fmt.number(comp.at[key, col], 1)


def _rank_cell(comp: pd.DataFrame, key: str) -> str:
    if key not in comp.index or pd.isna(comp.at[key, "peer_rank_inwoners"]) or pd.isna(comp.at[key, "peer_n_inwoners"]):
        return ""
    return f"{fmt.number(comp.at[key, 'peer_rank_inwoners'])} van {fmt.number(comp.at[key, 'peer_n_inwoners'])}"


def with_comparison(shown: pd.DataFrame, table: pd.DataFrame, comp: pd.DataFrame | None = None,
                    unit_name: str | None = None, reference_year: int | None = None,
                    reference_counts: pd.Series | None = None) -> pd.DataFrame:
    """:func:`police_display` with the reference year beside the latest years and, from the comparison
    (:func:`ivpanalysis.analysis.comparison.for_municipality`), computed regio and Nederland changes,
    rates per 1.000 inwoners (per 1.000 woningen where dwellings exist) and the rank among peers.

    A published regio change stays as printed; a computed one fills only empty cells. Aggregates that
    left members out carry :data:`INCOMPLETE_MARK`.
    """
    out = shown.copy()
    keys = list(table.index)
    year = table.attrs["year"]
    years = [str(y) for y in range(year - 3, year + 1)]
    if reference_year is not None and str(reference_year) not in years and reference_counts is not None \
            and reference_counts.reindex(keys).notna().any():
        out.insert(list(out.columns).index(years[0]), f"{reference_year} (referentiejaar)",
                   [fmt.number(reference_counts.get(k)) for k in keys])
    if comp is None:
        return out
    region_col = (table.attrs.get("region_name") or "regio").replace(" (RE)", "")
    if region_col in out.columns:
        computed = [_agg_cell(comp, k, "police_unit") for k in keys]
        out[region_col] = [own or c for own, c in zip(out[region_col], computed)]
        if table.attrs.get("region") is None and unit_name:
            out = out.rename(columns={region_col: f"Regio {unit_name}"})
            region_col = f"Regio {unit_name}"
    at = list(out.columns).index(region_col) + 1
    out.insert(at, "Nederland", [_agg_cell(comp, k, "nederland") for k in keys])
    extra = {f"Per 1.000 inwoners {year}": [_rate_cell(comp, k, "inwoners") for k in keys]}
    woningen = [_rate_cell(comp, k, "woningen") for k in keys]
    if any(woningen):
        extra[f"Per 1.000 woningen {year}"] = woningen
    extra["Rang bij vergelijkbare gemeenten"] = [_rank_cell(comp, k) for k in keys]
    at = list(out.columns).index("Legenda")
    for i, (name, values) in enumerate(extra.items()):
        out.insert(at + i, name, values)
    return out
