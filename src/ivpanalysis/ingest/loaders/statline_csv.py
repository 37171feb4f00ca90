"""The current StatLine CSV download ("Downloaden → CSV").

Layout: a title line, optional filter lines (``"Soort misdrijf: Totaal misdrijven"``), an empty
line, a header block of 2–3 rows, data rows, and a ``"Bron: …"`` footer. Two header styles occur:

* dimension names in the first column (``"Onderwerp";…`` / ``"Perioden";"2024"`` /
  ``"Regio's";"aantal"``), the last header row naming the row dimension and the units;
* dimension names above the value columns (``;;;Perioden`` then ``Regio's;Onderwerp;;2002;…``),
  with a unit column among the row labels.

Every field may be quoted; ``.`` is 'not available', a trailing ``*`` marks a provisional period.
"""
from __future__ import annotations

import re

import pandas as pd

from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest.loaders import _regions
from ivpanalysis.ingest.loaders._common import TextFile, detect_decimal, parse_value, rows_of, slug, unit_from_label

FORMAT = "statline_csv"

_KNOWN_UNITS = {"aantal", "%", "x 1 000", "x 1000", "euro", "jaar", "per 1 000 inwoners", "rapportcijfer", "promille"}


def _nonempty(row: list[str]) -> list[str]:
    return [c for c in row if c.strip()]


def sniff(tf: TextFile, rows: list[list[str]]) -> bool:
    """A title line with one cell, and a header block mentioning Perioden/Onderwerp."""
    if not rows or len(_nonempty(rows[0])) != 1:
        return False
    head = [c.strip() for r in rows[:12] for c in r]
    return "Perioden" in head or "Onderwerp" in head


def _is_footer(row: list[str]) -> bool:
    cells = _nonempty(row)
    return len(cells) == 1 and re.match(r"^(Bron|Source|©|Copyright)\b", cells[0].strip(), re.I) is not None


def load(tf: TextFile, rows: list[list[str]] | None = None) -> pd.DataFrame:
    """Long: title, filter line, multi-row header, footer and every cell meet in one pass over a StatLine
    download (line numbers stay those of the file); split when the next layout change touches it."""
    rows = rows if rows is not None else rows_of(tf, ";")
    f = tf.path.name
    lines = list(range(1, len(rows) + 1))
    # strip the footer and trailing blank lines, keeping the source note
    footer = []
    while rows and (not _nonempty(rows[-1]) or _is_footer(rows[-1])):
        if _nonempty(rows[-1]):
            footer.insert(0, _nonempty(rows[-1])[0].strip())
        rows, lines = rows[:-1], lines[:-1]
    # preamble: title, filters, blank lines
    title = _nonempty(rows[0])[0].strip()
    filters: dict[str, str] = {}
    i = 1
    while i < len(rows) and len(_nonempty(rows[i])) <= 1:
        cells = _nonempty(rows[i])
        if cells and ":" in cells[0] and cells[0].strip() not in ("Perioden", "Onderwerp"):
            k, v = cells[0].split(":", 1)
            filters[k.strip()] = v.strip()
        elif cells and cells[0].strip() in ("Perioden", "Onderwerp"):
            break
        i += 1
    # header block: rows up to the first whose first cell names the row dimension
    header = []
    while i < len(rows):
        first = rows[i][0].strip() if rows[i] else ""
        header.append(rows[i])
        i += 1
        if first and first not in ("Onderwerp", "Onderwerpen", "Perioden", "Topic"):
            break
    if len(header) < 2:
        raise DataError.at(f, "no header block found after the title", line=lines[min(i, len(lines)) - 1],
                           expected="StatLine header rows (Onderwerp / Perioden / row-dimension name)")
    data = rows[i:]
    dlines = lines[i:]
    if not data:
        raise DataError.at(f, "the file has a header but no data rows", line=lines[i - 1] + 1 if lines else 1,
                           expected="one row per region/category below the header")
    last, above = header[-1], header[:-1]
    width = max(len(r) for r in header + data)
    pad = lambda r: r + [""] * (width - len(r))  # noqa: E731
    last, above = pad(last), [pad(r) for r in above]

    names_in_first_col = any(r[0].strip() for r in above)
    if names_in_first_col:
        n_labels = next(j for j in range(1, width) if any(r[j].strip() for r in above))
    else:
        n_labels = next(j for j in range(width) if any(r[j].strip() for r in above))

    # column dimensions for every value column
    col_dims: list[dict[str, str]] = [dict() for _ in range(width)]
    col_units = [""] * width
    if names_in_first_col:
        for r in above:
            name, carry = r[0].strip(), ""
            for j in range(n_labels, width):
                carry = r[j].strip() or carry
                col_dims[j][name] = carry
        for j in range(n_labels, width):
            col_units[j] = last[j].strip()
        row_dim_names = [last[0].strip()] + [""] * (n_labels - 1)
    else:
        names = [""] * width
        for r in above:
            carry = ""
            for j in range(n_labels, width):
                carry = r[j].strip() or carry
                names[j] = carry
        for j in range(n_labels, width):
            col_dims[j][names[j] or "Perioden"] = last[j].strip()
        row_dim_names = [c.strip() for c in last[:n_labels]]

    problems: list[Problem] = []
    all_values = [c for r in data for c in r[n_labels:]]
    decimal = detect_decimal(all_values)
    out = []
    for r, ln in zip(data, dlines):
        r = pad(r)
        labels = {}
        unit_here = ""
        for j in range(n_labels):
            name = row_dim_names[j]
            if name:
                labels[name] = r[j].strip()
            else:
                unit_here = r[j].strip()
        for j in range(n_labels, width):
            if not any(col_dims[j].values()) and not r[j].strip():
                continue
            dims = {**filters, **col_dims[j], **labels}
            try:
                value = parse_value(r[j], decimal, file=f, line=ln, column=_col_name(col_dims[j], j))
            except DataError as e:
                problems.extend(e.problems)
                continue
            out.append((ln, dims, value, unit_here or col_units[j]))
    if problems:
        raise DataError(problems)
    return _tidy(out, f, title, filters, footer, tf)


def _col_name(dims: dict[str, str], j: int) -> str:
    return " / ".join(v for v in dims.values() if v) or f"column {j + 1}"


def _tidy(out, f, title, filters, footer, tf) -> pd.DataFrame:
    problems: list[Problem] = []
    recs = []
    for ln, dims, value, unit in out:
        region_label = next((dims[k] for k in dims if k.startswith("Regio")), None)
        period_label = dims.get("Perioden")
        if period_label is None:
            problems.append(Problem(f, "no Perioden dimension in the header", ln, expected="a 'Perioden' header row or column"))
            break
        try:
            period, provisional = schema.parse_period(period_label)
        except ValueError:
            problems.append(Problem(f, "unreadable period", ln, "Perioden", expected="a year, '2025 april', '2019MM01', …", found=period_label))
            continue
        if region_label is not None:
            code, name = _regions.resolve(region_label, file=f, line=ln, column="Regio's", problems=problems)
        else:
            code, name = "", ""
        topic = dims.get("Onderwerp", "")
        crime = next((dims[k] for k in dims if k.lower().startswith("soort misdrijf")), None)
        other = {k: v for k, v in dims.items() if k not in ("Perioden", "Onderwerp") and not k.startswith("Regio")
                 and not k.lower().startswith("soort misdrijf")}
        topic_label, topic_unit = unit_from_label(topic)
        if crime is not None:
            measure = schema.code_for_crime_label(crime) or slug(crime)
            label = crime
        else:
            measure, label = slug(topic_label) or "value", topic_label
        if other:
            extra = " | ".join(f"{v}" for v in other.values())
            measure, label = f"{measure}|{slug(extra)}", f"{label} ({extra})"
        recs.append({
            "region_code": code, "region_name": name, "period": period, "measure": measure,
            "measure_label": label, "topic": topic_label, "value": value, "unit": unit or topic_unit,
            "source": f, "status": "voorlopig" if provisional else "definitief", "kind": "source", "line": ln,
        })
    if problems:
        raise DataError(problems)
    df = pd.DataFrame(recs)
    return schema.finish_tidy(df, format=FORMAT, title=title, filters=filters, footer=footer,
                              source_file=str(tf.path), encoding=tf.encoding)
