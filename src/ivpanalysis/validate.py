"""Checks on every loaded tidy frame; each problem names file, line, column and expectation."""
from __future__ import annotations

import pandas as pd

from . import schema
from .errors import DataError, Problem


def problems_in(df: pd.DataFrame, file: str | None = None) -> list[Problem]:
    """All problems found in a tidy frame (empty list when it is valid)."""
    f = file or df.attrs.get("source_file", "<frame>")
    out: list[Problem] = []
    missing = [c for c in schema.TIDY_COLUMNS if c not in df.columns]
    if missing:
        return [Problem(str(f), f"missing columns {missing}", expected=f"the tidy columns {schema.TIDY_COLUMNS}")]
    line = df["line"] if "line" in df.columns else pd.Series([None] * len(df), index=df.index)
    known = schema.known_codes()
    today = pd.Timestamp.today()
    for i, row in df.iterrows():
        ln = None if pd.isna(line[i]) else int(line[i])
        code = row["region_code"]
        if code.startswith("GM") and not schema.GM_PATTERN.match(code):
            out.append(Problem(str(f), "malformed municipality code", ln, "region_code", expected="GM followed by four digits", found=code))
        elif code and code not in known and not code.startswith(("WK", "BU", "BT", "PC")):
            out.append(Problem(str(f), "region code not in the CBS code list", ln, "region_code",
                               expected="a code from data/codes/regions.csv", found=code))
        v = row["value"]
        if pd.notna(v) and v < 0 and row["unit"] in ("aantal", ""):
            out.append(Problem(str(f), "negative count", ln, "value", expected="a count ≥ 0", found=str(v)))
        p = row["period"]
        if isinstance(p, pd.Period) and p.start_time > today:
            out.append(Problem(str(f), "period lies in the future", ln, "period", expected=f"a period before {today.date()}", found=str(p)))
    keys = ["region_code", "period", "measure", "topic"]
    dup = df.assign(period=df["period"].astype(str)).duplicated(keys, keep="first")
    for i in df.index[dup]:
        ln = None if pd.isna(line[i]) else int(line[i])
        out.append(Problem(str(f), "duplicate row for (region, period, measure)", ln, "measure",
                           expected="one value per region, period and measure",
                           found=f"{df.at[i, 'region_code']} {df.at[i, 'period']} {df.at[i, 'measure']}"))
    return out


def validate(df: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Return ``df`` unchanged if valid; raise :class:`DataError` listing every problem otherwise."""
    probs = problems_in(df, file)
    if probs:
        raise DataError(probs)
    return df
