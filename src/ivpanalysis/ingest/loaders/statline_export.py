"""The older StatLine export: one header row, dimensions as columns, topics as columns.

Examples: ``"Soort misdrijf";"Perioden";"Regio's";"Geregisteerde misdrijven (aantal)"`` (long), a
Veiligheidsmonitor export whose first column ``"Marges"`` says whether a row holds the value
(``Waarde``) or its 95 % margin (``Marges``), and the 83648NED export with one column per crime
type (``Perioden;Misdrijven, totaal;1 Vermogensmisdrijven;…``). Often a UTF-8 BOM, ``;`` and a
decimal comma; unit in parentheses at the end of a topic header.
"""
from __future__ import annotations

import pandas as pd

from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest.loaders import _regions
from ivpanalysis.ingest.loaders._common import TextFile, detect_decimal, is_numberish, parse_value, rows_of, settle_margins, slug, unit_from_label

FORMAT = "statline_export"

DIMENSIONS = {"marges", "perioden", "regio's", "regios", "soort misdrijf", "onderwerp", "wijken en buurten",
              "geslacht", "leeftijd", "soort overlast", "persoonskenmerken", "delict", "soort regio"}


def sniff(tf: TextFile, rows: list[list[str]]) -> bool:
    if not rows or len(rows[0]) < 2:
        return False
    head = [c.strip().casefold() for c in rows[0]]
    return "perioden" in head and not any(c.startswith(("waarde_", "marges_")) for c in head)


def _dimension_columns(header: list[str], data: list[list[str]]) -> list[int]:
    dims = []
    for j, name in enumerate(header):
        if name.strip().casefold() in DIMENSIONS:
            dims.append(j)
        elif j == len(dims):  # leading columns whose values are text are row labels too
            vals = [r[j] for r in data[:50] if j < len(r) and r[j].strip()]
            if vals and not any(is_numberish(v) for v in vals):
                dims.append(j)
    return dims


def load(tf: TextFile, rows: list[list[str]] | None = None, *, region: str | None = None) -> pd.DataFrame:
    """Long: an old StatLine export's Marges/Waarde rows, topic paths and units are read in one pass over
    the rows so each problem keeps its line; split when the next layout change touches it."""
    rows = rows if rows is not None else rows_of(tf)
    f = tf.path.name
    header = [c.strip() for c in rows[0]]
    data = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(c.strip() for c in r)]
    if not data:
        raise DataError.at(f, "the file has a header but no data rows", line=2,
                           expected="one row per period/region below the header")
    problems: list[Problem] = []
    for ln, r in data:
        if len(r) != len(header):
            problems.append(Problem(f, f"row has {len(r)} fields, the header has {len(header)}", ln,
                                    expected="the same number of fields as the header (check the separator)"))
    if problems:
        raise DataError(problems)
    dim_idx = _dimension_columns(header, [r for _, r in data])
    names = {header[j].casefold(): j for j in dim_idx}
    if "perioden" not in names:
        raise DataError.at(f, "no Perioden column", line=1, expected="a 'Perioden' column")
    value_idx = [j for j in range(len(header)) if j not in dim_idx]
    decimal = detect_decimal(r[j] for _, r in data for j in value_idx)
    marges_col = names.get("marges")
    region_col = names.get("regio's", names.get("regios"))
    crime_col = names.get("soort misdrijf")

    recs: dict[tuple, dict] = {}
    for ln, r in data:
        try:
            period, provisional = schema.parse_period(r[names["perioden"]])
        except ValueError:
            problems.append(Problem(f, "unreadable period", ln, header[names["perioden"]],
                                    expected="a year such as 2019, '2019*' or '2019 januari'", found=r[names["perioden"]]))
            continue
        if region_col is not None:
            code, rname = _regions.resolve(r[region_col], file=f, line=ln, column=header[region_col], problems=problems)
        elif region:
            code, rname = region, schema.municipality_name(region) or ""
        else:
            code, rname = "", ""
        row_kind = r[marges_col].strip().casefold() if marges_col is not None else "waarde"
        extra = [r[j].strip() for j in dim_idx if j not in (names["perioden"], region_col, crime_col, marges_col)]
        for j in value_idx:
            try:
                v = parse_value(r[j], decimal, file=f, line=ln, column=header[j])
            except DataError as e:
                problems.extend(e.problems)
                continue
            topic, unit = unit_from_label(header[j])
            crime_code = schema.code_for_crime_label(header[j])
            if crime_col is not None:
                label = r[crime_col].strip()
                measure = schema.code_for_crime_label(label) or slug(label)
            elif crime_code:
                measure, label, topic = crime_code, header[j], ""
            else:
                label = topic.split("/")[-1].strip()
                measure = slug(label)
            if extra:
                measure, label = measure + "|" + slug(" ".join(extra)), f"{label} ({', '.join(extra)})"
            key = (code, str(period), measure, topic)
            rec = recs.setdefault(key, {
                "region_code": code, "region_name": rname, "period": period, "measure": measure,
                "measure_label": label, "topic": topic, "value": float("nan"), "unit": unit, "source": f,
                "status": "voorlopig" if provisional else "definitief", "kind": "source", "line": ln, "margin": float("nan"),
            })
            if row_kind in ("waarde", "value"):
                if rec.get("_seen"):
                    problems.append(Problem(f, f"duplicate row for (region, period, measure); first on line {rec['line']}",
                                            ln, header[j], expected="one value per region, period and measure",
                                            found=f"{rec['region_name']} {r[names['perioden']]} {label}"))
                rec["value"], rec["line"], rec["_seen"] = v, ln, True
            elif row_kind in ("marges", "marge", "margin"):
                rec["margin"] = v
            elif row_kind in ("ondergrens", "bovengrens"):
                rec[row_kind] = v
            else:
                problems.append(Problem(f, "unknown value in the Marges column", ln, "Marges",
                                        expected="Waarde, Marges, Ondergrens or Bovengrens", found=r[marges_col]))
                break
    if problems:
        raise DataError(problems)
    df = settle_margins(pd.DataFrame(list(recs.values())).drop(columns=["_seen"], errors="ignore"))
    return schema.finish_tidy(df, format=FORMAT, title="", source_file=str(tf.path), encoding=tf.encoding,
                              region_in_file=region_col is not None)
