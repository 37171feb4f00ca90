"""The wide pivot StatLine's export tool also writes.

Columns ``Waarde_<regio>_<jaar>`` / ``Marges_<regio>_<jaar>`` (or ``<regio>_<onderwerp>_<jaar>``),
rows one topic or crime type each, the hierarchy shown as leading ``|`` in the labels, often a
unit column, quoted decimal-comma numbers and ``2016*`` for provisional years.
"""
from __future__ import annotations

import re

import pandas as pd

from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest.loaders import _regions
from ivpanalysis.ingest.loaders._common import TextFile, detect_decimal, is_numberish, parse_value, rows_of, settle_margins, slug

FORMAT = "statline_wide"

_COL = re.compile(r"^(?:(?P<kind>Waarde|Marges|Ondergrens|Bovengrens)_)?(?P<region>[^_]+)_(?:(?P<topic>.+)_)?(?P<period>\d{4}[^_]*)$")


def sniff(tf: TextFile, rows: list[list[str]]) -> bool:
    if not rows or len(rows[0]) < 3:
        return False
    cols = [c.strip() for c in rows[0]]
    matched = sum(bool(_COL.match(c)) for c in cols[1:])
    return matched >= max(2, (len(cols) - 2) // 2)


def load(tf: TextFile, rows: list[list[str]] | None = None) -> pd.DataFrame:
    """Long: the wide Waarde_<regio>_<jaar>/Marges_<regio>_<jaar> pivot is unpivoted, labelled and checked
    in one pass so each problem keeps its line and column; split when the layout grows."""
    rows = rows if rows is not None else rows_of(tf)
    f = tf.path.name
    header = [c.strip() for c in rows[0]]
    value_cols = [(j, _COL.match(c)) for j, c in enumerate(header) if _COL.match(c)]
    first_value = value_cols[0][0]
    data = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(c.strip() for c in r)]
    problems: list[Problem] = []
    if not data:
        raise DataError.at(f, "the file has a header but no data rows", line=2, expected="one row per topic")
    decimal = detect_decimal(r[j] for _, r in data for j, _ in value_cols if j < len(r))
    recs: dict[tuple, dict] = {}
    region_cache: dict[str, tuple[str, str]] = {}
    for ln, r in data:
        if len(r) != len(header):
            problems.append(Problem(f, f"row has {len(r)} fields, the header has {len(header)}", ln,
                                    expected="the same number of fields as the header"))
            continue
        label_raw = r[0]
        depth = len(label_raw) - len(label_raw.lstrip("|"))
        label = re.sub(r"\s+", " ", label_raw.lstrip("|")).strip()
        # a second leading text column holds the unit (its header is often mislabelled 'Perioden')
        unit = r[1].strip() if first_value > 1 and not is_numberish(r[1]) else ""
        crime = schema.code_for_crime_label(label)
        for j, m in value_cols:
            region_label = m.group("region")
            if region_label not in region_cache:
                region_cache[region_label] = _regions.resolve(region_label, file=f, line=1, column=header[j], problems=problems)
            code, rname = region_cache[region_label]
            try:
                period, provisional = schema.parse_period(m.group("period"))
            except ValueError:
                problems.append(Problem(f, "unreadable period in column name", 1, header[j], expected="…_2019 or …_2019*"))
                continue
            try:
                v = parse_value(r[j], decimal, file=f, line=ln, column=header[j])
            except DataError as e:
                problems.extend(e.problems)
                continue
            topic = (m.group("topic") or "").lstrip("|").strip()
            measure = crime or slug(label)
            if topic:
                measure = f"{measure}|{slug(topic)}"
            key = (code, str(period), measure)
            rec = recs.setdefault(key, {
                "region_code": code, "region_name": rname, "period": period, "measure": measure,
                "measure_label": label, "topic": topic, "value": float("nan"), "unit": unit, "source": f,
                "status": "voorlopig" if provisional else "definitief", "kind": "source", "line": ln,
                "margin": float("nan"), "depth": depth,
            })
            kind = (m.group("kind") or "Waarde").lower()
            if kind == "waarde":
                rec["value"] = v
            elif kind == "marges":
                rec["margin"] = v
            else:
                rec[kind] = v
    if problems:
        raise DataError(problems)
    df = settle_margins(pd.DataFrame(list(recs.values())))
    dup = df.duplicated(["region_code", "period", "measure"], keep=False)
    if dup.any():
        # the same label twice under different parents: keep both, disambiguated by line
        df.loc[dup, "measure"] = df.loc[dup, "measure"] + "@" + df.loc[dup, "line"].astype(str)
    return schema.finish_tidy(df, format=FORMAT, source_file=str(tf.path), encoding=tf.encoding)
