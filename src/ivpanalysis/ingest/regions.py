"""CBS "Gebieden in Nederland": one row per municipality with the regions it belongs to.

The cbsodata dump names its classification columns only ``Code_N``/``Naam_N``, and their
numbering changes between editions, so each column is recognised by the codes it holds (``RE03``
police unit, ``VR25`` veiligheidsregio, ``PV24`` province, ``CR40`` COROP region); the size and
urbanity classes by their label text ("50 000 tot 100 000 inwoners", "Matig stedelijk"). Written
to ``regions.parquet`` with the columns of :data:`COLUMNS`.
"""
from __future__ import annotations

import re

import pandas as pd

from ivpanalysis.errors import DataError
from ivpanalysis.ingest import herindeling
from ivpanalysis.ingest.loaders._common import TextFile, rows_of

COLUMNS = ["region_code", "police_unit_code", "police_unit_name", "veiligheidsregio_code", "province_code",
           "corop_code", "size_class", "urbanity_class", "address_density", "edition"]
#: output column → the pattern every code of that classification matches
CODE_PATTERNS = {"police_unit_code": r"RE\d{2}", "veiligheidsregio_code": r"VR\d{2}",
                 "province_code": r"PV\d{2}", "corop_code": r"CR\d{2}"}
_SIZE = re.compile(r"\binwoners\b", re.I)
_URBAN = re.compile(r"stedelijk$", re.I)


def _frame(rows: list[list[str]], limit: int | None = None) -> pd.DataFrame:
    head = [c.strip() for c in rows[0]]
    head = [c if head.index(c) == i else f"{c}#{i}" for i, c in enumerate(head)]  # empty/duplicate names apart
    body = rows[1:] if limit is None else rows[1:limit]
    return pd.DataFrame([[c.strip() for c in r] for r in body if len(r) == len(head)], columns=head)


def sniff(tf: TextFile, rows: list[list[str]]) -> bool:
    """One row per municipality with columns of police unit and province codes (Gebieden in Nederland),
    whatever the columns are called (cbsodata: ``RegioS``, ``Code_N``/``Naam_N``)."""
    if len(rows) < 2 or len(rows[0]) < 4:
        return False
    f = _frame(rows, 60).replace("", None)
    return bool(len(f)) and all(_column_of(f, p) is not None for p in (r"GM\d{4}", r"RE\d{2}", r"PV\d{2}"))


def _column_of(frame: pd.DataFrame, pattern: str) -> str | None:
    for c in frame.columns:
        v = frame[c].dropna().astype(str).str.strip()
        if len(v) and v.str.fullmatch(pattern).all():
            return c
    return None


def _class_of(frame: pd.DataFrame, label_re: re.Pattern) -> tuple[str | None, str | None]:
    """(code column, label column) of a class recognised by its labels: the code column precedes it."""
    cols = list(frame.columns)
    for i, c in enumerate(cols):
        v = frame[c].dropna().astype(str).str.strip()
        if i and len(v) and v.map(lambda s: bool(label_re.search(s))).all():
            return cols[i - 1], c
    return None, None


def load(tf: TextFile, rows: list[list[str]] | None = None, edition: str = "") -> pd.DataFrame:
    """The regions table of a Gebieden in Nederland file (only GM rows)."""
    rows = rows if rows is not None else rows_of(tf)
    frame = _frame(rows)
    head = list(frame.columns)
    f = tf.path.name
    gm = "RegioS" if "RegioS" in frame else _column_of(frame.replace("", None).head(60), r"GM\d{4}")
    frame = frame[frame[gm].str.match(r"^GM\d{4}$")].replace("", None)
    if frame.empty:
        raise DataError.at(f, "no municipality rows", line=2, column=gm, expected="codes such as GM0995")
    out = pd.DataFrame({"region_code": frame[gm].values})
    missing = []
    for col, pat in CODE_PATTERNS.items():
        src = _column_of(frame, pat)
        out[col] = frame[src].values if src else None
        if src is None:
            missing.append(col)
        if col == "police_unit_code" and src:
            name_col = head[head.index(src) + 1]
            out["police_unit_name"] = frame[name_col].values
    for col, label_re in (("size_class", _SIZE), ("urbanity_class", _URBAN)):
        code_col, _ = _class_of(frame, label_re)
        out[col] = pd.to_numeric(frame[code_col], errors="coerce").astype("Int64").values if code_col else pd.NA
        if code_col is None:
            missing.append(col)
    dens = next((c for c in head if c.casefold().startswith("omgevingsadressendichtheid")), None)
    out["address_density"] = pd.to_numeric(frame[dens], errors="coerce").values if dens else float("nan")
    out["edition"] = edition or herindeling.indeling_of(out["region_code"])
    if "police_unit_name" not in out:
        out["police_unit_name"] = None
    out = out[COLUMNS]
    # attrs stay small: pandas deep-copies them on every operation on the frame
    out.attrs.update(format="gebieden_in_nederland", not_found=missing, source_file=str(tf.path))
    return out
