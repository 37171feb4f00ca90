"""Activities registers of an IVP as municipalities keep them: read (CSV/XLSX), check, locate.

A register lists the activities of a safety plan, each judged with a stoplight colour:
``groen`` (on course), ``oranje`` (bottlenecks, can still be corrected) or ``rood`` (not feasible,
overtaken or stalled), and marked as planned (in the plan) or extra (carried out, not in the plan).

The register frame returned by :func:`read_register` has one row per activity and the columns
:data:`REGISTER_COLUMNS` plus ``line`` (the row in the source file). ``status`` is one of
:data:`COLOURS` or missing (``None``) where the source does not give a colour; ``planned`` is a
nullable boolean (missing where the source does not say). Missing stays missing: a lost colour is
never read as a colour.

**Files.** CSV with ``,``, ``;`` or tab as separator, UTF-8 (with or without BOM) or
Windows-1252; Excel ``.xlsx`` (the first sheet with a recognisable header, or ``sheet``).
Title rows above the header are skipped: the header is the first row (of the first 30) that
names an activity column and at least one other known column.

**Columns** (header text compared case-insensitively; punctuation and HTML tags are ignored, and
a header may start with an accepted name, as 'maatregelen/activiteiten 2018' does):

- theme: Thema, Prioriteit, Speerpunt, Strategisch thema, Beleidsthema, Domein, theme
- activity (required): Activiteit(en), Actie(s), Actie en omschrijving, Omschrijving (activiteit),
  Maatregel(en), Maatregelen/activiteiten, activity
- item: Item, Actiepunt, Item/actiepunt, Project, Onderwerp
- portfolio_holder: PH, Portefeuillehouder, Portefeuille, Bestuurder
- partners: Partijen (intern/extern), Partners, Ketenpartners, Samenwerkingspartners
- lead: Trekker, Kartrekker, Eigenaar, Verantwoordelijke
- planning_year: Planning, Jaar, Planningsjaar, Looptijd, Periode (kept as text)
- budget: Begroting, Budget, Kosten, Middelen (kept as text)
- status: Status, Kleur, Stoplicht(kleur), Stand, Score, RAG
- judgement: Oordeel, Toelichting, Duiding, Opmerking(en), Voortgang, Stand van zaken, Beoordeling
- planned: Gepland, In plan, In IVP, In uitvoeringsplan, Aangekondigd, Soort, Type — cells ja/nee,
  yes/no, j/n, x, 1/0, gepland/extra; an empty cell is missing.
  Or instead a tick column Extra / Niet gepland / Ongepland / Aanvullend — ja/x/1 = extra,
  empty/nee = planned (an unticked box).
- source / bron: the source document (optional)

Other columns are ignored and listed in ``attrs["ignored_columns"]``.

**Colours** (first word of the status cell, any case): groen/green/G, oranje/orange/O and the
middle light's other names geel/yellow/amber, rood/red/R, and the emoji 🟢 🟠 🟡 🔴. An empty
cell, '-', '?', 'n.v.t.' or 'onbekend' means not judged (missing). In a workbook, a status cell
without text counts by its fill (red, orange/yellow or green hue; white and grey are no colour);
without a status column the fill of the judgement cell (Oordeel) is read. Colours made by
conditional formatting or given as theme colours cannot be read: type the word.

**Rows.** Cell texts are stripped and runs of spaces/tabs become one space (line breaks inside
a cell stay). Empty rows are skipped. A row with only one filled cell and no activity (or, in a
workbook, one cell merged across columns) is a section heading (as in
'Prioriteit 1: Sociale kwaliteit'): it is the theme of the rows below it that
have no theme of their own. In a workbook a merged cell counts for every row it spans (a theme
merged down a block); merged across columns it is one cell (a heading over the table's width).

**Checks** (all problems together, each naming file, line and column, raised as
:class:`~ivpanalysis.errors.DataError`): unknown colour, missing theme, missing activity,
duplicate activity (same theme, item and activity text, ignoring case and spacing), unknown
planned/extra value, more cells than header columns, no header, no activities.

The embedded registers (``data/registers``) were transcribed from seed 000 (Lelystad; the stoplight
colours were lost in text extraction) and seed 003 (Noordoostpolder; an action plan without
judgements). For those, :func:`load_register` attaches the totals the documents state, marked
``kind = "published"`` (``data/registers/published_totals.csv``).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest.loaders._common import read_text, sniff_delimiter

#: stoplight colours, best first (canonical values of ``status``)
COLOURS = ("groen", "oranje", "rood")
#: the key for 'no colour known' in counts and comparisons
UNKNOWN = "onbekend"

#: columns of a register frame (and of :func:`activities_table`), in this order
REGISTER_COLUMNS = ["theme", "activity", "planned", "status", "judgement", "item", "portfolio_holder",
                    "partners", "lead", "planning_year", "budget"]
_TEXT_FIELDS = ["theme", "activity", "judgement", "item", "portfolio_holder", "partners", "lead",
                "planning_year", "budget"]

#: accepted column headers per field (compared case-insensitively, punctuation and HTML tags
#: ignored; a header may also *start* with one of these, e.g. 'maatregelen/activiteiten 2018')
COLUMN_ALIASES: dict[str, list[str]] = {
    "theme": ["theme", "thema", "prioriteit", "priority", "speerpunt", "prioriteit thema", "thema prioriteit",
              "strategisch thema", "beleidsthema", "domein"],
    "item": ["item", "actiepunt", "item actiepunt", "project", "onderwerp"],
    "activity": ["activity", "activiteit", "activiteiten", "actie", "acties", "actie en omschrijving",
                 "omschrijving activiteit", "omschrijving", "maatregel", "maatregelen", "maatregelen activiteiten"],
    "portfolio_holder": ["portfolio holder", "ph", "portefeuillehouder", "portefeuille", "bestuurder"],
    "partners": ["partners", "partijen", "partijen intern extern", "ketenpartners", "samenwerkingspartners"],
    "lead": ["lead", "trekker", "kartrekker", "eigenaar", "verantwoordelijke"],
    "planning_year": ["planning year", "planning", "jaar", "planningsjaar", "looptijd", "periode"],
    "budget": ["budget", "begroting", "kosten", "middelen"],
    "status": ["status", "kleur", "stoplicht", "stoplichtkleur", "stand", "score", "rag"],
    "judgement": ["judgement", "oordeel", "toelichting", "duiding", "opmerking", "opmerkingen", "voortgang",
                  "stand van zaken", "beoordeling"],
    "planned": ["planned", "gepland", "in plan", "in ivp", "in uitvoeringsplan", "aangekondigd", "soort", "type"],
    "extra": ["extra", "niet gepland", "ongepland", "aanvullend"],
    "source": ["source", "bron"],
}

#: accepted colour words (case-insensitive; the first word of the cell counts, so
#: 'Oranje - knelpunten' is oranje); yellow/amber are the middle light of a stoplight
COLOUR_WORDS = {
    "groen": "groen", "green": "groen", "g": "groen", "\U0001f7e2": "groen",
    "oranje": "oranje", "orange": "oranje", "geel": "oranje", "yellow": "oranje", "amber": "oranje",
    "o": "oranje", "\U0001f7e0": "oranje", "\U0001f7e1": "oranje",
    "rood": "rood", "red": "rood", "r": "rood", "\U0001f534": "rood",
}
#: status cells that mean 'not judged' (written as missing, not as an error)
NOT_JUDGED = {"", "-", "?", "nvt", "n v t", "onbekend", "unknown", "na", "nan"}

_YES = {"ja", "j", "yes", "y", "true", "waar", "1", "x", "\u2713", "\u2714"}
_NO = {"nee", "n", "no", "false", "onwaar", "0"}
_PLANNED_WORDS = {"gepland", "wel gepland", "in plan", "in het plan", "planned", "ivp"}
_EXTRA_WORDS = {"extra", "niet gepland", "ongepland", "aanvullend", "unplanned", "nieuw"}


#: Dutch labels of the published measures (suffix after the plan prefix, e.g. ``ivp2018_``)
PUBLISHED_LABELS = {
    "activiteiten_totaal": "activiteiten",
    "activiteiten_gepland": "gepland",
    "activiteiten_extra": "extra (niet in het plan)",
    "activiteiten_groen": "groen",
    "activiteiten_oranje": "oranje",
    "activiteiten_rood": "rood",
    "pct_op_koers": "% op koers",
    "pct_groen": "% groen",
    "pct_volgens_planning": "% volgens planning",
}

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")


# --------------------------------------------------------------------------- reading

def _norm(text) -> str:
    """Comparable form of a header or cell: HTML tags dropped, case-folded, punctuation as spaces."""
    t = re.sub(r"<[^>]+>", " ", str(text))
    t = unicodedata.normalize("NFKC", t).casefold()
    return re.sub(r"[\W_]+", " ", t).strip()


def match_key(text) -> str:
    """Key for duplicate detection and matching across registers."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text)).casefold()).strip()


_ALIAS_INDEX = {_norm(a): f for f, aliases in COLUMN_ALIASES.items() for a in aliases}


def _map_header(cells: list[str]) -> tuple[dict[int, str], list[str]]:
    """Column index → field for a header row; headers that are not used are returned as ignored."""
    fields: dict[int, str] = {}
    used: set[str] = set()
    for j, c in enumerate(cells):  # exact names first
        f = _ALIAS_INDEX.get(_norm(c))
        if f and f not in used:
            fields[j] = f
            used.add(f)
    by_length = sorted(_ALIAS_INDEX, key=len, reverse=True)
    for j, c in enumerate(cells):  # then headers that start with an accepted name
        if j in fields:
            continue
        n = _norm(c)
        for a in by_length:
            if n.startswith(a + " ") and _ALIAS_INDEX[a] not in used:
                fields[j] = _ALIAS_INDEX[a]
                used.add(_ALIAS_INDEX[a])
                break
    ignored = [str(c).strip() for j, c in enumerate(cells) if j not in fields and str(c).strip()]
    return fields, ignored


def _is_header(cells: list[str]) -> bool:
    fields, _ = _map_header(cells)
    return "activity" in fields.values() and len(fields) >= 2


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return re.sub(r"[ \t]+", " ", str(v)).strip()


def _parse_colour(text: str) -> str | None:
    """Canonical colour for a status cell; ``None`` for a 'not judged' cell; raises KeyError when unknown."""
    t = text.strip()
    if t[:1] in COLOUR_WORDS and not t[:1].isalnum():  # an emoji light
        return COLOUR_WORDS[t[:1]]
    n = _norm(t)
    if n in NOT_JUDGED:
        return None
    if n in COLOUR_WORDS:
        return COLOUR_WORDS[n]
    first = n.split(" ")[0]
    if len(first) > 1 and first in COLOUR_WORDS:
        return COLOUR_WORDS[first]
    raise KeyError(text)


def _parse_planned(text: str, column: str):
    """True/False/None (missing) from a 'planned' or an 'extra' column's cell; raises KeyError when unknown."""
    n = _norm(text) if text.strip() not in ("\u2713", "\u2714") else text.strip()
    if n in _PLANNED_WORDS:
        return True
    if n in _EXTRA_WORDS:
        return False
    if column == "extra":
        if n == "" or n in _NO:  # a tick column: empty means not ticked
            return True
        if n in _YES:
            return False
    else:
        if n == "":
            return None
        if n in _YES:
            return True
        if n in _NO:
            return False
    raise KeyError(text)


def _hex_to_colour(rgb: str) -> str | None:
    """Stoplight colour of a fill given as RRGGBB; ``None`` for white/grey; ``"?"`` for other hues."""
    import colorsys
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if s < 0.1 or v < 0.2:
        return None
    deg = h * 360
    if deg < 15 or deg >= 335:
        return "rood"
    if deg < 68:
        return "oranje"
    if deg < 170:
        return "groen"
    return "?"


def _fill_of(cell) -> tuple[str | None, str | None]:
    """(colour, found) for an Excel cell's solid fill: colour None when there is no coloured fill."""
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type in (None, "none"):
        return None, None
    color = fill.fgColor
    if color is None:
        return None, None
    if color.type == "rgb" and isinstance(color.rgb, str):
        rgb = color.rgb[-6:]
    elif color.type == "indexed":
        from openpyxl.styles.colors import COLOR_INDEX
        idx = color.indexed
        if idx is None or idx >= len(COLOR_INDEX):
            return None, None
        rgb = COLOR_INDEX[idx][-6:]
    elif color.type == "theme":
        return "?", f"theme colour {color.theme}"
    else:
        return None, None
    return _hex_to_colour(rgb), f"fill #{rgb.upper()}"


@dataclass
class _Record:
    line: int
    cells: list[str]
    fills: list = field(default_factory=list)  # Excel cells (for fill colours); empty for CSV
    spans: set = field(default_factory=set)  # columns where a cell merged across columns starts


def _csv_records(path: Path) -> tuple[list[_Record], str | None]:
    tf = read_text(path)
    reader = csv.reader(io.StringIO(tf.text), delimiter=sniff_delimiter(tf.text))
    out = []
    start = 1
    for row in reader:
        out.append(_Record(start, [_cell_text(c) for c in row]))
        start = reader.line_num + 1
    return out, None


def _xlsx_records(path: Path, sheet: str | None) -> tuple[list[_Record], str | None]:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # zip/XML errors: say which file, not a traceback from inside openpyxl
        raise DataError.at(path, f"cannot read the workbook ({type(e).__name__}: {e})",
                           expected="an .xlsx workbook saved by Excel or LibreOffice") from None
    sheets = [wb[sheet]] if sheet is not None else wb.worksheets
    first = None
    for ws in sheets:
        merged = {}  # a merged cell counts down its first column (a theme merged over a block);
        spans: dict[int, set] = {}  # across columns it is one cell (a heading over the table's width)
        for rng in ws.merged_cells.ranges:
            top = ws.cell(rng.min_row, rng.min_col)
            for r in range(rng.min_row + 1, rng.max_row + 1):
                merged[(r, rng.min_col)] = top
            if rng.max_col > rng.min_col:
                spans.setdefault(rng.min_row, set()).add(rng.min_col - 1)
        records = []
        for row in ws.iter_rows():
            cells = [merged.get((c.row, c.column), c) for c in row]
            line = row[0].row if row else 0
            records.append(_Record(line, [_cell_text(c.value) for c in cells], cells, spans.get(line, set())))
        if first is None:
            first = (records, ws.title)
        if any(_is_header(r.cells) for r in records[:30]):
            return records, ws.title
    return first if first else ([], None)


def _date_from_name(name: str) -> str | None:
    m = _DATE_IN_NAME.search(name)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def _expected_header() -> str:
    return ("a header row with at least an activity column ("
            + ", ".join(repr(a) for a in COLUMN_ALIASES["activity"][1:6])
            + ", …) and a theme column (" + ", ".join(repr(a) for a in COLUMN_ALIASES["theme"][1:5]) + ", …)")


def read_register(path: str | Path, *, as_of: str | dt.date | None = None, sheet: str | None = None) -> pd.DataFrame:
    """Read an activities register (CSV or .xlsx) as municipalities keep it, and check it.

    Files, accepted columns, colours, rows and checks are described in the module docstring
    (:mod:`ivpanalysis.ingest.registers`). Raises :class:`~ivpanalysis.errors.DataError` with all
    problems (file, line, column, what was expected).

    ``attrs``: ``file``, ``format`` (csv/xlsx), ``sheet``, ``date`` (``as_of``, else a date
    YYYY-MM-DD or YYYYMMDD in the file name, else None), ``ignored_columns``, ``source``.
    """
    p = Path(path)
    records, sheet_name, kind = read_records(p, sheet)
    rows, ignored = check_records(records, p.name)
    df = _typed(pd.DataFrame(rows, columns=REGISTER_COLUMNS + ["line", "source"]))
    sources = sorted(set(df["source"].dropna()))
    df = df.drop(columns="source")
    date = as_of.isoformat() if isinstance(as_of, dt.date) else (as_of or _date_from_name(p.name))
    df.attrs.update(file=str(p), format=kind, sheet=sheet_name, date=date, ignored_columns=ignored,
                    source=sources[0] if len(sources) == 1 else (sources or None))
    return df


def read_records(p: Path, sheet: str | None = None) -> tuple[list[_Record], str | None, str]:
    """The rows of a register file as cell texts (reading only, no checks): (records, sheet, format)."""
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        records, sheet_name = _xlsx_records(p, sheet)
        return records, sheet_name, "xlsx"
    if suffix in (".xls", ".ods"):
        raise DataError.at(p.name, f"{suffix} workbooks are not read", expected="the register saved as .xlsx or .csv")
    records, sheet_name = _csv_records(p)
    return records, sheet_name, "csv"


def check_records(records: list[_Record], name: str) -> tuple[list[dict], list[str]]:
    """Rows (dicts of the register's fields) from the records below the header, and the ignored headers.

    Raises :class:`~ivpanalysis.errors.DataError` with every problem found (see the module docstring).
    """
    header_at = next((i for i, r in enumerate(records[:30]) if _is_header(r.cells)), None)
    if header_at is None:
        first = next((r for r in records if any(r.cells)), None)
        raise DataError.at(name, "no header row with an activity column found", line=first.line if first else None,
                           found=" | ".join(c for c in first.cells if c)[:120] if first else None,
                           expected=_expected_header())
    checker = _RowChecker(name, records[header_at].cells)
    rows = [row for rec in records[header_at + 1:] if (row := checker.row(rec)) is not None]
    if not rows and not checker.problems:
        checker.problems.append(Problem(name, "no activities below the header", records[header_at].line,
                                        expected="one row per activity"))
    if checker.problems:
        raise DataError(checker.problems)
    return rows, checker.ignored


class _RowChecker:
    """Turns the rows below a header into register rows, collecting problems instead of stopping at the first."""

    def __init__(self, name: str, header: list[str]):
        self.name, self.width = name, len(header)
        fields, self.ignored = _map_header(header)
        self.col_of = {f: j for j, f in fields.items()}
        self.label = {f: header[j] for j, f in fields.items()}
        has = self.col_of.__contains__
        self.planned_field = "planned" if has("planned") else ("extra" if has("extra") else None)
        if self.planned_field == "planned" and has("extra"):
            self.ignored.append(self.label["extra"])
        self.fill_field = "status" if has("status") else ("judgement" if has("judgement") else None)
        self.problems: list[Problem] = []
        self.seen: dict[tuple, int] = {}
        self.heading: str | None = None

    def problem(self, what: str, line: int, field: str | None = None, **kw) -> None:
        self.problems.append(Problem(self.name, what, line, self.label.get(field) if field else None, **kw))

    def row(self, rec: _Record) -> dict | None:
        """The register row of a record; None for an empty row, a section heading or a row with a problem."""
        cells = rec.cells + [""] * (self.width - len(rec.cells))
        filled = [c for c in cells if c]
        if not filled:
            return None
        beyond = [c for c in cells[self.width:] if c]
        if beyond:
            self.problems.append(Problem(self.name, f"{self.width + len(beyond)} cells, the header has {self.width}",
                                         rec.line, found=beyond[0][:80],
                                         expected="one cell per header column (a separator inside a text needs quotes)"))
            return None
        get = {f: cells[j] for f, j in self.col_of.items()}
        only = [j for j, c in enumerate(cells) if c]
        if len(only) == 1 and (not get.get("activity") or only[0] in rec.spans):
            self.heading = filled[0]  # a section heading: one filled cell outside the activity column,
            return None  # or (workbooks) one cell merged across columns
        if not get.get("activity"):
            self.problem("missing activity", rec.line, "activity",
                         expected="the activity's description (or one filled cell for a section heading)")
            return None
        row = {f: (get.get(f) or None) for f in _TEXT_FIELDS}
        row["line"] = rec.line
        row["theme"] = row["theme"] or self.heading
        if not row["theme"]:
            self.problem("missing theme" if "theme" in self.label else "missing theme (no theme column)",
                         rec.line, "theme", expected="a theme on every row (or a section heading row above)")
        row["status"] = self._status(rec, get)
        row["planned"] = self._planned(rec, get)
        row["source"] = get.get("source") or None
        self._check_duplicate(rec, row)
        return row

    def _status(self, rec: _Record, get: dict) -> str | None:
        """The colour word of the status cell, else (workbooks) the fill of the status or judgement cell."""
        text = get.get("status", "")
        if text:
            try:
                return _parse_colour(text)
            except KeyError:
                self.problem("unknown colour", rec.line, "status", found=text,
                             expected="groen, oranje or rood (or green/orange/red, geel/amber; empty when not judged)")
                return None
        if rec.fills and self.fill_field:
            colour, found = _fill_of(rec.fills[self.col_of[self.fill_field]])
            if colour != "?":
                return colour
            self.problem("unknown colour", rec.line, self.fill_field, found=found,
                         expected="a red, orange/yellow or green fill, or the word groen/oranje/rood")
        return None

    def _planned(self, rec: _Record, get: dict):
        if not self.planned_field:
            return None
        try:
            return _parse_planned(get.get(self.planned_field, ""), self.planned_field)
        except KeyError:
            self.problem(f"unknown value in the {self.planned_field} column", rec.line, self.planned_field,
                         found=get.get(self.planned_field), expected="ja/nee, yes/no, x, 1/0, gepland/extra")
            return None

    def _check_duplicate(self, rec: _Record, row: dict) -> None:
        key = (match_key(row["theme"] or ""), match_key(row["item"] or ""), match_key(row["activity"]))
        if key in self.seen:
            self.problem(f"duplicate activity (same theme, item and activity as line {self.seen[key]})",
                         rec.line, "activity", found=row["activity"][:80], expected="each activity once per theme")
        else:
            self.seen[key] = rec.line


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["planned"] = df["planned"].astype("boolean")
    df["line"] = df["line"].astype("Int64")
    for c in _TEXT_FIELDS + ["status"]:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


# --------------------------------------------------------------------------- the embedded registers

def register_path(data_dir: str | Path, code: str, year: int | None = None) -> Path:
    """The register file of municipality ``code`` in a data folder's ``registers/``.

    ``{code}_activities.csv`` or ``.xlsx``; dated versions ``{code}_activities_YYYY-MM-DD.csv|.xlsx``
    may sit beside it. Without ``year``: the undated file, else the latest dated one. With
    ``year``: the latest version dated in or before that year, else the undated file.
    Raises LookupError naming the file expected when there is none.
    """
    folder = Path(data_dir) / "registers"
    undated = [folder / f"{code}_activities{ext}" for ext in (".csv", ".xlsx")]
    undated = [p for p in undated if p.exists()]
    dated = []
    if folder.is_dir():
        for p in folder.glob(f"{code}_activities_*"):
            d = _date_from_name(p.name[len(code) + len("_activities_"):])
            if d and p.suffix.lower() in (".csv", ".xlsx"):
                dated.append((d, p))
    dated.sort()
    if year is not None:
        in_time = [p for d, p in dated if int(d[:4]) <= year]
        if in_time:
            return in_time[-1]
    if undated:
        return undated[0]
    if dated and year is None:
        return dated[-1][1]
    when = f" dated in or before {year}" if year is not None else ""
    raise LookupError(f"geen activiteitenregister voor {code}{when}: verwacht {folder / f'{code}_activities.csv'} "
                      f"(of .xlsx) / no activities register for {code}")


def published_totals(data_dir: str | Path, code: str, source: str | None = None) -> pd.DataFrame:
    """Totals a document states about a municipality's activities register (``kind = "published"``).

    From ``registers/published_totals.csv`` of the data folder: rows of ``code`` whose measure is
    about activities (``…_activiteiten_…``, ``…_pct_…``), restricted to the source document
    ``source`` (e.g. ``seed000``) when given. Columns: plan, measure, label, value, printed, source,
    kind. Empty when the file or the rows are absent.
    """
    f = Path(data_dir) / "registers" / "published_totals.csv"
    cols = ["plan", "measure", "label", "value", "printed", "source", "kind"]
    if not f.exists():
        return pd.DataFrame(columns=cols)
    pt = pd.read_csv(f, dtype=str, keep_default_na=False)
    pt = pt[(pt["region_code"] == code) & pt["measure"].str.contains(r"_(?:activiteiten|pct)_", regex=True)]
    if source is not None:
        pt = pt[pt["source"].str.split(":").str[0] == source]
    plan = pt["measure"].str.split("_", n=1).str[0]
    suffix = pt["measure"].str.split("_", n=1).str[1]
    out = pd.DataFrame({
        "plan": plan, "measure": pt["measure"], "label": suffix.map(lambda s: PUBLISHED_LABELS.get(s, s)),
        "value": pd.to_numeric(pt["value"].replace("", None)), "printed": pt["printed"], "source": pt["source"],
        "kind": "published"})
    return out.reset_index(drop=True)[cols]


def load_register(dataset, code: str, year: int | None = None) -> pd.DataFrame:
    """A municipality's register from a :class:`~ivpanalysis.ingest.datafolder.Dataset`'s data folder.

    Like :func:`read_register`, with ``attrs["region_code"]`` and ``attrs["published"]`` (records
    of :func:`published_totals` for the register's source document; empty when unknown).
    """
    path = register_path(dataset.data_dir, code, year)
    reg = read_register(path)
    source = reg.attrs.get("source")
    if isinstance(source, str):
        source = source.split(":")[0]
        pub = published_totals(dataset.data_dir, code, source)
    else:
        pub = None
    reg.attrs.update(region_code=code, source=source, published=[] if pub is None else pub.to_dict("records"))
    return reg


def activities_table(dataset, code: str, year: int | None = None) -> pd.DataFrame:
    """One row per activity: ``theme, activity, planned, status, judgement, item, portfolio_holder,
    partners, lead, planning_year, budget`` (``ivpanalysis table activities GM0995``).

    ``planned`` is ``yes``/``no``/empty as in the register files; ``status`` is groen/oranje/rood or
    empty where the source gives no colour. The table can be read back with :func:`read_register`.
    """
    reg = load_register(dataset, code, year)
    out = reg[REGISTER_COLUMNS].copy()
    out["planned"] = reg["planned"].map(lambda v: "" if pd.isna(v) else ("yes" if v else "no")).astype(object)
    out.attrs = dict(reg.attrs)
    return out

