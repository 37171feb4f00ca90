"""The StatLine metadata export: several ``;`` sections in one CSV (TableInfos, DataProperties,
then one code list per dimension such as SoortMisdrijf, RegioS, Perioden), each with its own header.

Returned as one code-list frame (``dimension, code, title, description, status``) with the table
information and data properties in ``attrs``.
"""
from __future__ import annotations

import pandas as pd

from ivpanalysis.errors import DataError
from ivpanalysis.ingest.loaders._common import TextFile, rows_of

FORMAT = "statline_meta"


def _is_section_start(row: list[str]) -> bool:
    return len(row) > 1 and bool(row[0].strip()) and all(c == "" for c in row[1:])


def sniff(tf: TextFile, rows: list[list[str]]) -> bool:
    return bool(rows) and _is_section_start(rows[0]) and rows[0][0].strip() == "TableInfos"


def load(tf: TextFile, rows: list[list[str]] | None = None) -> pd.DataFrame:
    rows = rows if rows is not None else rows_of(tf, ";")
    sections: dict[str, pd.DataFrame] = {}
    name, block = None, []

    def flush():
        if name is None:
            return
        if not block:
            raise DataError.at(tf.path.name, f"section {name!r} has no header row", expected="a header row after the section name")
        header = [c.strip() for c in block[0]]
        n = len([h for h in header if h]) or len(header)
        sections[name] = pd.DataFrame([r[:n] + [""] * (n - len(r[:n])) for r in block[1:] if any(c.strip() for c in r)],
                                      columns=header[:n])

    for r in rows:
        if _is_section_start(r):
            flush()
            name, block = r[0].strip(), []
        elif any(c.strip() for c in r):
            block.append(r)
    flush()
    info = sections.pop("TableInfos", pd.DataFrame())
    props = sections.pop("DataProperties", pd.DataFrame())
    lists = []
    for dim, df in sections.items():
        if "Key" not in df.columns:
            continue
        lists.append(pd.DataFrame({
            "dimension": dim, "code": df["Key"].str.strip(), "title": df.get("Title", "").str.strip(),
            "description": df.get("Description", ""), "status": df["Status"].str.strip().str.lower() if "Status" in df else "",
        }))
    out = pd.concat(lists, ignore_index=True) if lists else pd.DataFrame(columns=["dimension", "code", "title", "description", "status"])
    first = info.iloc[0] if len(info) else {}
    out.attrs.update(format=FORMAT, source_file=str(tf.path), encoding=tf.encoding,
                     table_id=first.get("Identifier", "") if len(info) else "",
                     title=first.get("Title", "") if len(info) else "",
                     description=first.get("ShortDescription", "") if len(info) else "",
                     modified=first.get("Modified", "") if len(info) else "",
                     data_properties=props)
    return out
