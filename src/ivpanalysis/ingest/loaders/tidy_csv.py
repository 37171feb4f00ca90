"""The project's own tables: tidy CSV (``police_figures.csv``, ``survey.csv``: one row per region,
period and measure) and the plan's files (``indicators.csv``, activity registers), by their columns."""
from __future__ import annotations

import math

import pandas as pd

from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest.loaders._common import TextFile, rows_of

FORMAT = "tidy_csv"
FORMAT_PLAN = "plan_csv"
_TIDY = {"region_code", "period", "measure", "value"}
_PLAN = ({"indicator_id", "series", "target_value"}, {"theme", "activity", "planned"}, {"region_code", "measure", "printed"})


def sniff(tf: TextFile, rows: list[list[str]]) -> bool:
    head = {c.strip() for c in rows[0]} if rows else set()
    return _TIDY <= head or any(p <= head for p in _PLAN)


def load(tf: TextFile, rows: list[list[str]] | None = None) -> pd.DataFrame:
    rows = rows if rows is not None else rows_of(tf, ",")
    f = tf.path.name
    head = [c.strip() for c in rows[0]]
    problems = [Problem(f, f"row has {len(r)} fields, the header has {len(head)}", i, expected="one field per column")
                for i, r in enumerate(rows[1:], start=2) if r and len(r) != len(head)]
    if problems:
        raise DataError(problems)
    df = pd.DataFrame([r for r in rows[1:] if r], columns=head)
    df["line"] = range(2, len(df) + 2)
    if not _TIDY <= set(head):  # a plan file: kept as it is, recognised by its columns
        df.attrs.update(format=FORMAT_PLAN, source_file=str(tf.path))
        return df
    values, periods = [], []
    for ln, v, p in zip(df["line"], df["value"], df["period"]):
        try:
            values.append(float(v) if v.strip() else math.nan)
        except ValueError:
            problems.append(Problem(f, "text in the value column", ln, "value", expected="a number with a decimal point, or empty", found=v))
            values.append(math.nan)
        try:
            periods.append(schema.parse_period(p)[0])
        except ValueError:
            problems.append(Problem(f, "unreadable period", ln, "period", expected="2019, 2019-01, 2019Q1 or 2019H1", found=p))
            periods.append(None)
    if problems:
        raise DataError(problems)
    df["value"], df["period"] = values, periods
    if "margin" in df:
        df["margin"] = pd.to_numeric(df["margin"].replace("", None), errors="coerce")
    return schema.finish_tidy(df, format=FORMAT, source_file=str(tf.path), encoding=tf.encoding)
