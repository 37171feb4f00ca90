"""Read one table file of a data folder so that every defect becomes a :class:`Problem`, never a traceback.

A file that cannot be read at all (missing link target, FIFO, Excel workbook, UTF-16, empty, duplicated
columns, invalid JSON) raises :class:`DataError` naming it. Cells that cannot be trusted (a period such
as ``2019Q5``, a value such as ``n/a``, ``4549,5``, ``inf``) are listed in ``attrs["load_problems"]``
with file, line, column, what was found and what was expected; their rows are left out of the frame,
and the gate fails the municipality they belong to (or the whole folder when the row is shared).
"""
from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
import re
import stat
from pathlib import Path

import pandas as pd

from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest import schema

#: columns a tidy CSV of a data folder must have
REQUIRED = ("region_code", "period", "measure", "value")
#: numeric columns of indicators.csv
INDICATOR_NUMBERS = ("reference_year", "reference_value", "target_year", "target_value", "status_year",
                     "status_value")
PERIOD_EXPECTED = "a period such as 2019, 2019-01, 2019Q1, 2019H1, 2019JJ00 or 2019MM01"
VALUE_EXPECTED = "a finite number with a decimal point, or an empty cell when not available"


def check_file(path: Path) -> None:
    """DataError when ``path`` is there but cannot be read as a file; nothing when it is absent."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise DataError.at(path, "dangling symbolic link", found=os.readlink(path),
                               expected="a link to an existing file") from None
        return
    except OSError as e:
        what = "symbolic link loop" if e.errno == errno.ELOOP else f"cannot be opened ({e.strerror})"
        raise DataError.at(path, what, expected="a readable file") from None
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a folder" if stat.S_ISDIR(st.st_mode)
                else "a socket or device")
        raise DataError.at(path, "not a regular file", found=kind, expected="a CSV, parquet or JSON file")


def read_text(path: Path) -> str:
    """The file's UTF-8 text; DataError for a workbook, UTF-16, other encodings or an empty file."""
    check_file(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise DataError.at(path, f"cannot be read ({e.strerror})", expected="a readable file") from None
    if raw.startswith(b"PK\x03\x04"):
        raise DataError.at(path, "is an Excel workbook or zip archive, not text",
                           expected="CSV text (save as 'CSV UTF-8')")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError.at(path, "is UTF-16 text", expected="UTF-8 text (save as 'CSV UTF-8')")
    if b"\x00" in raw:
        raise DataError.at(path, "holds NUL bytes (binary, or UTF-16 without a byte order mark)",
                           line=raw[:raw.index(b"\x00")].count(b"\n") + 1, expected="UTF-8 text (save as 'CSV UTF-8')")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError.at(path, "is not UTF-8 text", line=raw[:e.start].count(b"\n") + 1,
                           found=repr(raw[e.start:e.start + 4]), expected="UTF-8 text (save as 'CSV UTF-8')") from None
    if not text.strip():
        raise DataError.at(path, "empty file", expected="a header line and rows")
    return text


def _header(path: Path, text: str, required=()) -> list[str]:
    header = [h.strip() for h in next(csv.reader(io.StringIO(text.splitlines()[0])))]
    seen: set[str] = set()
    for h in header:
        if h in seen:
            raise DataError.at(path, "duplicated column", line=1, column=h, expected="each column once")
        seen.add(h)
    missing = [c for c in required if c not in seen]
    if missing:
        raise DataError.at(path, f"missing columns {missing}", line=1, found=",".join(header),
                           expected=f"a header with {', '.join(required)}")
    return header


def _read_csv(path: Path, text: str, header: list[str]) -> pd.DataFrame:
    """Rows as text cells with the line each starts on; a row with too many or too few fields is named."""
    reader = csv.reader(io.StringIO(text))
    next(reader)
    rows, lines = [], []
    line = reader.line_num + 1
    try:
        for row in reader:
            if row and len(row) != len(header):
                raise DataError.at(path, "rows do not match the header", line=line, found=f"{len(row)} fields",
                                   expected=f"{len(header)} fields per row, as in the header (a decimal comma "
                                            "needs quotes)")
            if row:
                rows.append(row)
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as e:
        raise DataError.at(path, f"not a readable CSV row ({e})", line=line, expected="CSV text") from None
    df = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    df["line"] = lines
    return df


def read_csv_text(path: Path) -> pd.DataFrame:
    """A tidy CSV as text cells plus its ``line`` column (header checked: no duplicated, no missing column)."""
    text = read_text(path)
    return _read_csv(path, text, _header(path, text, REQUIRED))


def read_parquet(path: Path) -> pd.DataFrame:
    check_file(path)
    try:
        df = pd.read_parquet(path)
    except Exception as e:  # noqa: BLE001 - pyarrow raises many kinds for a damaged file
        raise DataError.at(path, "cannot be read as parquet", found=f"{type(e).__name__}: {e}"[:200],
                           expected="a parquet file written by ivpanalysis fetch") from None
    if df.columns.duplicated().any():
        raise DataError.at(path, "duplicated column", column=str(df.columns[df.columns.duplicated()][0]),
                           expected="each column once")
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise DataError.at(path, f"missing columns {missing}", expected=f"the columns {', '.join(REQUIRED)}")
    if "line" not in df.columns:
        df["line"] = pd.NA  # parquet has no lines; problems name the row's region, period and measure
    return df


def _region(code) -> str | None:
    return code if isinstance(code, str) and schema.GM_PATTERN.match(code) else None


def _values(df: pd.DataFrame, path: Path, out: list[Problem]) -> tuple[pd.Series, pd.Series]:
    """``value`` as float and where it is bad; every cell that is not a finite number (or empty) is a problem."""
    col = df["value"]
    if not pd.api.types.is_numeric_dtype(col):
        text = col.fillna("").astype(str).str.strip()
        num = pd.to_numeric(text.where(text != "", None), errors="coerce")
        word = text.str.fullmatch(r"(?i)[+-]?(nan|inf|infinity)")
        bad = (text != "") & (num.isna() | word)
    else:
        text = col.astype(str)
        num = pd.to_numeric(col, errors="coerce").astype(float)
        bad = pd.Series(False, index=col.index)
    bad |= num.notna() & ~num.map(lambda v: pd.isna(v) or math.isfinite(v)).astype(bool)
    for i in df.index[bad]:
        found = text.at[i]
        expected = ("a number with a decimal point (not a comma)" if re.fullmatch(r"[+-]?\d+,\d+", str(found))
                    else VALUE_EXPECTED)
        out.append(Problem(str(path), "not a finite number", _line(df, i), "value", expected, str(found),
                           _region(df.at[i, "region_code"])))
    return num.astype(float), bad


def _line(df: pd.DataFrame, i) -> int | None:
    v = df.at[i, "line"] if "line" in df.columns else None
    return None if v is None or pd.isna(v) else int(v)


def _periods(df: pd.DataFrame, path: Path, out: list[Problem]) -> pd.Series:
    def parse(p):
        if isinstance(p, pd.Period):
            return p
        m = re.fullmatch(r"\s*\d{4}-(\d{2})(?:-\d{2})?\s*\*?\s*", str(p))
        if m and not 1 <= int(m.group(1)) <= 12:  # parse_period would roll 2019-13 over into 2020-01
            return None
        try:
            return schema.parse_period(str(p))[0]
        except (ValueError, OverflowError):
            return None
    parsed = schema.map_unique(df["period"].astype(object), parse)
    for i in df.index[parsed.isna()]:
        out.append(Problem(str(path), "not a period", _line(df, i), "period", PERIOD_EXPECTED, str(df.at[i, "period"]),
                           _region(df.at[i, "region_code"])))
    return parsed


def finish(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Codes trimmed and upper-cased, periods parsed, values checked; rows with a problem left out and listed."""
    problems: list[Problem] = []
    df = df.reset_index(drop=True)
    df["region_code"] = df["region_code"].fillna("").astype(str).str.strip().str.upper()
    for c in ("measure", "unit"):
        if c in df.columns:
            df[c] = df[c].fillna("").astype(str).str.strip()
    df["value"], bad_value = _values(df, path, problems)
    df["period"] = _periods(df, path, problems)
    bad = df["period"].isna() | bad_value
    out = schema.finish_tidy(df[~bad].copy(), source_file=str(path))
    out.attrs["load_problems"] = problems
    return out


def read_indicators(path: Path) -> pd.DataFrame:
    """indicators.csv with trimmed, upper-cased codes, numbers checked (problems in ``attrs``) and a ``line`` column."""
    text = read_text(path)
    header = _header(path, text, ("region_code", "indicator_id"))
    df = _read_csv(path, text, header)
    df["region_code"] = df["region_code"].str.strip().str.upper()
    for c in df.columns:
        if c not in INDICATOR_NUMBERS and c != "line":
            df[c] = df[c].where(df[c].str.strip() != "", None)  # empty stays missing, as pandas reads it
    problems: list[Problem] = []
    for c in INDICATOR_NUMBERS:
        if c not in df.columns:
            continue
        text_c = df[c].str.strip()
        num = pd.to_numeric(text_c.where(text_c != "", None), errors="coerce")
        bad = (text_c != "") & (num.isna() | ~num.map(lambda v: pd.isna(v) or math.isfinite(v)).astype(bool))
        for i in df.index[bad]:
            problems.append(Problem(str(path), "not a finite number", int(df.at[i, "line"]), c, VALUE_EXPECTED,
                                    text_c.at[i], _region(df.at[i, "region_code"])))
        df[c] = num.astype(float)
    df.attrs["load_problems"] = problems
    df.attrs["source_file"] = str(path)
    return df


def read_json(path: Path) -> dict:
    """provenance.json as a dict; DataError naming line and column of invalid JSON or a wrong top level."""
    text = read_text(path)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataError.at(path, f"invalid JSON: {e.msg}", line=e.lineno, column=f"character {e.colno}",
                           expected="a JSON object as written by ivpanalysis fetch") from None
    if not isinstance(obj, dict):
        raise DataError.at(path, "not a JSON object", found=type(obj).__name__,
                           expected="a JSON object as written by ivpanalysis fetch")
    return obj
