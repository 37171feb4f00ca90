"""Shared pieces of the loaders: decoding, delimiter sniffing, CBS cell values."""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ivpanalysis.errors import DataError, Problem

#: StatLine cell symbols (CBS 'verklaring van tekens'): '.' not available, 'x' secret,
#: '?' unreliable, empty = cannot occur. '-' is 'nihil' (zero) by CBS's own definition.
MISSING_MARKS = {"", ".", "x", "?", "NA", "nan", "NaN"}
NIL_MARK = "-"

_NUM_POINT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_NUM_COMMA = re.compile(r"^[+-]?\d+,\d+$")


@dataclass
class TextFile:
    path: Path
    text: str
    encoding: str
    bom: bool


def read_text(path: str | Path) -> TextFile:
    """Decode a text file: UTF-8 (with or without BOM), else Windows-1252 (CBS's older exports)."""
    p = Path(path)
    raw = p.read_bytes()
    if not raw.strip():
        raise DataError.at(p, "the file is empty", expected="a CSV/JSON export with a header and data rows")
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
        enc = "utf-8"
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252", errors="strict")
        except UnicodeDecodeError:
            raise DataError.at(p, "a binary file, not text", expected="a CSV, TSV or JSON export "
                               "(an Excel workbook, parquet or R data file: export it as CSV)") from None
        enc = "cp1252"
    return TextFile(p, text.replace("\r\n", "\n").replace("\r", "\n"), enc, bom)


def sniff_delimiter(text: str) -> str:
    """';' or ',' (or tab), judged on the first lines outside quotes."""
    sample = "\n".join(text.split("\n")[:30])
    unquoted = re.sub(r'"[^"]*"', "", sample)
    counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def rows_of(tf: TextFile, delimiter: str | None = None) -> list[list[str]]:
    d = delimiter or sniff_delimiter(tf.text)
    return list(csv.reader(io.StringIO(tf.text), delimiter=d))


def detect_decimal(cells) -> str:
    """'.' or ',' — the decimal mark used by the numeric cells of a file."""
    comma = point = 0
    for c in cells:
        c = str(c).strip()
        if _NUM_COMMA.match(c):
            comma += 1
        elif "." in c and _NUM_POINT.match(c):
            point += 1
    return "," if comma > point else "."


def parse_value(cell: str, decimal: str, *, file, line: int, column: str) -> float:
    """One cell as float: NaN for CBS 'not available' marks, 0 for CBS 'nihil' ('-').

    Anything else that is not a number raises a DataError naming file, line and column.
    """
    c = str(cell).strip()
    if c in MISSING_MARKS:
        return math.nan
    if c == NIL_MARK:
        return 0.0
    if decimal == ",":
        if _NUM_COMMA.match(c) or re.match(r"^[+-]?\d+$", c):
            return float(c.replace(",", "."))
        if _NUM_POINT.match(c):
            raise DataError(Problem(str(file), "decimal point in a file that uses a decimal comma", line, column,
                                    expected="numbers written like 7,2", found=c))
    else:
        if _NUM_POINT.match(c):
            return float(c)
        if _NUM_COMMA.match(c):
            raise DataError(Problem(str(file), "decimal comma where a point is expected", line, column,
                                    expected="numbers written like 7.2 (or '.' for not available)", found=c))
    raise DataError(Problem(str(file), "text in a numeric column", line, column,
                            expected="a number, '.' (not available) or '-' (nil)", found=c))


def is_numberish(cell: str) -> bool:
    c = str(cell).strip()
    return bool(_NUM_POINT.match(c) or _NUM_COMMA.match(c)) or c in {".", "-", "x"}


def settle_margins(df):
    """Fill ``margin`` from lower/upper bounds where only those were given; drop it when empty.

    StatLine gives a 95 % margin either directly (``Marges``) or as bounds (``Ondergrens`` /
    ``Bovengrens``); the tidy frame keeps one ``margin`` column in the value's own unit.
    """
    if {"ondergrens", "bovengrens"} <= set(df.columns):
        # rounded to 10 decimals: (40.8 - 35.0) / 2 is 2.9, not 2.8999999999999986 (no display rounding here)
        df["margin"] = df["margin"].fillna(((df["bovengrens"] - df["ondergrens"]) / 2).round(10))
    df = df.drop(columns=["ondergrens", "bovengrens"], errors="ignore")
    if "margin" in df and df["margin"].isna().all():
        df = df.drop(columns=["margin"])
    return df


def slug(text: str) -> str:
    """Stable lower-case key from a label: 'Voelt zich wel eens onveilig (%)' -> 'voelt_zich_wel_eens_onveilig'."""
    t = re.sub(r"\([^)]*\)\s*$", "", str(text)).strip().lower()
    t = t.translate(str.maketrans("éëèêïíóöüúàáç", "eeeeiioouuaac"))
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


def unit_from_label(label: str) -> tuple[str, str]:
    """Split 'Geregistreerde misdrijven (aantal)' into ('Geregistreerde misdrijven', 'aantal')."""
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", str(label).strip())
    if m and m.group(2):
        return m.group(1).strip(), m.group(2).strip()
    return str(label).strip(), ""
