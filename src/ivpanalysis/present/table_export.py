"""Tables of ``ivpanalysis table`` for people: CSV that opens well in Dutch Excel and a terminal
view that fits 100 columns.

- ``dialect="machine"``: the computed columns as they are (``,``, decimal point, UTF-8).
- ``dialect="nl"``: ``;`` between fields, decimal comma, UTF-8 with BOM (so Excel reads the accents),
  and for the police table the headers the report prints (Categorie, 2016, …, "2019 t.o.v. 2018",
  Legenda, "Meer dan toeval?"); the numbers stay numbers (no thousands dot, no % sign; changes in
  percent to one decimal), so Excel can compute with them.
"""
from __future__ import annotations

import sys

import pandas as pd

from ivpanalysis.present import fmt

DIALECTS = ("machine", "nl")
WIDTH = 100  # terminal columns the view must fit
LEGEND = {"fall": "daling", "stable": "stabiel", "rise": "stijging"}
VERDICT = {"yes": "ja", "no": "nee", "too_small": "te klein"}


def _is_police(table: pd.DataFrame) -> bool:
    return {"category", "change_pct", "legend", "significant"} <= set(table.columns) and "year" in table.attrs


def police_columns(table: pd.DataFrame, as_text: bool = False) -> pd.DataFrame:
    """The police table with the report's headers; ``as_text`` formats the cells as the report does."""
    year = int(table.attrs["year"])
    years = [str(y) for y in range(year - 3, year + 1) if str(y) in table.columns]
    out = pd.DataFrame({"Categorie": list(table["category"])})
    for y in years:
        out[y] = [fmt.number(v, na="") for v in table[y]] if as_text else table[y].to_numpy()
    change = table["change_pct"]
    out[f"{year} t.o.v. {year - 1}"] = ([fmt.pct(v, na="") for v in change] if as_text else
                                       [float(fmt.round_half_away(v, 1)) if pd.notna(v) else None for v in change])
    out["Legenda"] = [LEGEND.get(v, v) for v in table["legend"]]
    out["Meer dan toeval?"] = [VERDICT.get(v, v) for v in table["significant"]]
    return out


def for_dialect(table: pd.DataFrame, dialect: str) -> pd.DataFrame:
    """The columns a CSV of ``dialect`` holds."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")
    return police_columns(table) if dialect == "nl" and _is_police(table) else table


def write_csv(table: pd.DataFrame, target, dialect: str = "machine") -> None:
    """Write ``table`` as CSV of ``dialect`` to a path or ``'-'`` (standard output)."""
    df = for_dialect(table, dialect)
    options = {"index": False, "lineterminator": "\n"}
    if dialect == "nl":
        options.update(sep=";", decimal=",")
    if target == "-":
        if dialect == "nl":
            sys.stdout.write("\ufeff")
        df.to_csv(sys.stdout, **options)
    else:
        df.to_csv(target, encoding="utf-8-sig" if dialect == "nl" else "utf-8", **options)


def terminal_view(table: pd.DataFrame, width: int = WIDTH) -> str:
    """The table as text no wider than ``width``: report headers for the police table, long texts
    shortened with '…', and columns that still do not fit left out with a line saying which."""
    df = police_columns(table, as_text=True) if _is_police(table) else table.copy()
    for limit in (40, 30, 22, 16):
        df = df.apply(lambda c: c if pd.api.types.is_numeric_dtype(c) else c.map(lambda v: _shorten(v, limit)))
        text = df.to_string(index=False, na_rep="")
        if _width(text) <= width:
            return text
    dropped = []
    while df.shape[1] > 1 and _width(df.to_string(index=False, na_rep="")) > width:
        dropped.insert(0, str(df.columns[-1]))
        df = df.iloc[:, :-1]
    note = f"(not shown, too wide for {width} columns: {', '.join(dropped)}; see --csv)"
    return df.to_string(index=False, na_rep="") + "\n" + note[:width]


def _shorten(v, limit: int):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return v[: limit - 1] + "…" if isinstance(v, str) and len(v) > limit else v


def _width(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)
