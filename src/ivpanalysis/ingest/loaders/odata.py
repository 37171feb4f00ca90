"""CBS OData rows as cbsodata / cbsodataR write them, and their code lists.

Data: one row per cell combination, dimension columns with keys (``RegioS`` = ``GM0995``,
``NL01  ``, ``Perioden`` = ``2019MM01``/``2019JJ00``, ``SoortMisdrijf`` = ``1.1.1 ``) or labels,
topic columns with ``_1``, ``_2`` suffixes. Keys are padded with trailing spaces: trimmed here.
Metadata files saved beside the data (``DataProperties.csv``, ``TableInfos.csv``,
``Perioden.csv``) are used when present: units and titles, the table id, per-period status, and
``Default="Zero"`` (an empty cell means zero only where the table's own metadata says so).
Code lists: ``Key,Title,Description[,CategoryGroupID]``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest.loaders import _regions
from ivpanalysis.ingest.loaders._common import TextFile, detect_decimal, parse_value, read_text, rows_of, settle_margins

FORMAT = "odata"
FORMAT_CODELIST = "odata_codelist"

_TOPIC = re.compile(r"^[A-Z][A-Za-z0-9]*_\d+$")
_DIMS = {"RegioS", "WijkenEnBuurten", "Perioden", "SoortMisdrijf", "SoortOverlast", "Overlast", "Gemeenten",
         "Marges", "BetrouwbaarheidsMarges", "Geslacht", "Leeftijd"}


def _header(rows):
    h = [c.strip() for c in rows[0]]
    return h[1:] if h and h[0] == "" else h  # R row-name column


_IDENT = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def _is_topic(c: str) -> bool:
    """``Topic_1`` (cbsodata), or a bare ``GeregistreerdeMisdrijven`` beside the dimensions; never a
    ``…Raw`` label column (some scripts add the labels of each key as ``SoortMisdrijfRaw``)."""
    return bool(_TOPIC.match(c)) or (bool(_IDENT.match(c)) and c not in _DIMS and c != "ID" and not c.endswith("Raw"))


def sniff(tf: TextFile, rows: list[list[str]]) -> bool:
    h = _header(rows) if rows else []
    if "Perioden" not in h:
        return False
    if any(_TOPIC.match(c) for c in h):
        return True
    # bare topic names: only when every column is an identifier and another CBS dimension is there
    return all(_IDENT.match(c) for c in h) and len(set(h) & _DIMS) >= 2 and any(_is_topic(c) for c in h)


def sniff_codelist(tf: TextFile, rows: list[list[str]]) -> bool:
    h = _header(rows) if rows else []
    return len(h) >= 2 and "Key" in h[:3] and "Title" in h[:4] and "Type" not in h


def _sidecar(folder: Path, name: str) -> pd.DataFrame | None:
    p = folder / name
    if not p.exists():
        return None
    tf = read_text(p)
    rows = rows_of(tf)
    h = [c.strip() for c in rows[0]]
    off = 1 if h and h[0] == "" else 0
    return pd.DataFrame([r[off:] for r in rows[1:]], columns=h[off:])


_CRIME_DIMS = {"SoortMisdrijf", "SoortOverlast", "Overlast"}
#: breakdowns whose total key is the figure itself and whose other keys are measures of their own
_BREAKDOWNS = {"Geslacht", "Leeftijd", "Persoonskenmerken", "BurgerlijkeStaat", "Herkomst", "Migratieachtergrond"}


def _is_total(key: str) -> bool:
    """CBS's total keys: 'T001038' (men and women), '10000' (all ages), 'T009002', labels 'Totaal …'."""
    k = key.strip()
    return k.upper().startswith("T00") or k == "10000" or k.casefold().startswith(("totaal", "total"))


def _margin_kind(key: str) -> str:
    """A ``Marges`` key or label: the value, the 95 % margin, or a bound of the interval."""
    k = key.strip().casefold()
    if k.startswith(("mw", "waarde", "value")):
        return "value"
    if k.startswith(("mog", "ondergrens", "lower")):
        return "ondergrens"
    if k.startswith(("mbg", "bovengrens", "upper")):
        return "bovengrens"
    return "margin"


def _with_margins(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of a ``Marges`` dimension folded into one row per cell with ``margin`` (half the interval)."""
    if df.empty or (df["_kind"] == "value").all():
        return df.drop(columns="_kind", errors="ignore")
    keys = ["region_code", "period", "measure"]
    base = df[df["_kind"] == "value"].drop(columns="_kind").copy()
    k = base[keys].astype(str).agg("|".join, axis=1)
    for kind in ("margin", "ondergrens", "bovengrens"):
        sub = df[df["_kind"] == kind]
        if len(sub):
            base[kind] = k.map(dict(zip(sub[keys].astype(str).agg("|".join, axis=1), sub["value"])))
    if "margin" not in base:
        base["margin"] = float("nan")
    return settle_margins(base)


def load(tf: TextFile, rows: list[list[str]] | None = None) -> pd.DataFrame:
    """cbsodata rows → tidy.

    Long: one pass over the rows, kept in one function because dimensions, sidecar metadata and
    every cell's status meet here."""
    rows = rows if rows is not None else rows_of(tf)
    f = tf.path.name
    raw_header = [c.strip() for c in rows[0]]
    off = 1 if raw_header and raw_header[0] == "" else 0
    header = raw_header[off:]
    topics = [c for c in header if _TOPIC.match(c)] or [c for c in header if _is_topic(c)]
    dims = [c for c in header if c in _DIMS or (c not in topics and c != "ID" and not c.endswith("Raw"))]
    props = _sidecar(tf.path.parent, "DataProperties.csv")
    infos = _sidecar(tf.path.parent, "TableInfos.csv")
    periods_meta = _sidecar(tf.path.parent, "Perioden.csv")
    units, titles, zero = {}, {}, set()
    if props is not None and "Key" in props:
        for _, p in props.iterrows():
            units[p["Key"]] = p.get("Unit", "") or ""
            titles[p["Key"]] = p.get("Title", "") or ""
            if str(p.get("Default", "")).strip().lower() == "zero":
                zero.add(p["Key"])
    status_of = {}
    if periods_meta is not None and {"Key", "Status"} <= set(periods_meta.columns):
        status_of = {k.strip(): str(s).strip().lower() for k, s in zip(periods_meta["Key"], periods_meta["Status"])}
    table_id = infos["Identifier"].iloc[0] if infos is not None and "Identifier" in infos else ""
    data = [(i + 2, r[off:]) for i, r in enumerate(rows[1:]) if any(c.strip() for c in r)]
    if not data:
        raise DataError.at(f, "the file has a header but no data rows", line=2, expected="OData rows")
    col = {c: header.index(c) for c in header}
    decimal = detect_decimal(r[col[t]] for _, r in data[:2000] for t in topics)
    problems: list[Problem] = []
    recs = []
    region_dim = next((d for d in ("RegioS", "WijkenEnBuurten", "Gemeenten") if d in col), None)
    crime_dim = next((d for d in dims if d in _CRIME_DIMS), None)
    margin_dim = next((d for d in ("Marges", "BetrouwbaarheidsMarges", "Margins") if d in col), None)
    other_dims = [d for d in dims if d not in ("Perioden", region_dim, crime_dim, margin_dim)]
    if crime_dim is None and other_dims and other_dims[0] not in _BREAKDOWNS:
        crime_dim = other_dims.pop(0)  # an unknown first dimension keys the measure, as before
    for ln, r in data:
        if len(r) != len(header):
            problems.append(Problem(f, f"row has {len(r)} fields, the header has {len(header)}", ln,
                                    expected="the same number of fields as the header (check the separator)"))
            continue
        pkey = r[col["Perioden"]].strip()
        try:
            period, provisional = schema.parse_period(pkey)
        except ValueError:
            problems.append(Problem(f, "unreadable period", ln, "Perioden", expected="a CBS period code such as 2019MM01 or 2019JJ00", found=pkey))
            continue
        status = status_of.get(pkey) or ("voorlopig" if provisional else "onbekend")
        if region_dim:
            code, name = _regions.resolve(r[col[region_dim]], file=f, line=ln, column=region_dim, problems=problems)
        else:
            code, name = "", ""
        for t in topics:
            cell = r[col[t]]
            if cell.strip() == "" and t in zero:
                v = 0.0
            else:
                try:
                    v = parse_value(cell, decimal, file=f, line=ln, column=t)
                except DataError as e:
                    problems.extend(e.problems)
                    continue
            topic = re.sub(r"_\d+$", "", t)
            if crime_dim:
                key = r[col[crime_dim]].strip()
                measure = schema.code_for_crime_label(key) or key  # keys ('1.1.1') stay as they are
                label = key
            else:
                measure, label = topic, titles.get(t, topic)
            parts = [r[col[d]].strip() for d in other_dims if not _is_total(r[col[d]].strip())]
            if parts:  # a breakdown other than its total (men, an age group) is its own measure
                measure, label = f"{measure}|{'|'.join(parts)}", f"{label} ({', '.join(parts)})"
            recs.append({"_kind": _margin_kind(r[col[margin_dim]]) if margin_dim else "value","region_code": code, "region_name": name, "period": period, "measure": measure,
                         "measure_label": label, "topic": titles.get(t, topic) if crime_dim else "", "value": v,
                         "unit": units.get(t, ""), "source": table_id or f, "status": status, "kind": "source", "line": ln})
    if problems:
        raise DataError(problems)
    df = _with_margins(pd.DataFrame(recs))
    return schema.finish_tidy(df, format=FORMAT, table_id=table_id, source_file=str(tf.path), encoding=tf.encoding,
                              empty_means_zero=sorted(zero))


def load_codelist(tf: TextFile, rows: list[list[str]] | None = None) -> pd.DataFrame:
    """A CBS code list as ``code, title, description`` (keys trimmed)."""
    rows = rows if rows is not None else rows_of(tf)
    h = [c.strip() for c in rows[0]]
    off = 1 if h and h[0] == "" else 0
    df = pd.DataFrame([r[off:] for r in rows[1:] if any(c.strip() for c in r)], columns=h[off:])
    out = pd.DataFrame({"code": df["Key"].str.strip(), "title": df["Title"].str.strip(),
                        "description": df["Description"] if "Description" in df else ""})
    out.attrs.update(format=FORMAT_CODELIST, source_file=str(tf.path), encoding=tf.encoding)
    return out
