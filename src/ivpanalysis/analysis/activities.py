"""Activities register of an IVP: load, validate, judge (stoplight per activity), summarise, compare.

A register lists the activities of a safety plan, each judged with a stoplight colour:
``groen`` (on course), ``oranje`` (bottlenecks, can still be corrected) or ``rood`` (not feasible,
overtaken or stalled), and marked as planned (in the plan) or extra (carried out, not in the plan).

The register frame returned by :func:`read_register` has one row per activity and the columns
:data:`REGISTER_COLUMNS` plus ``line`` (the row in the source file). ``status`` is one of
:data:`COLOURS` or missing (``NaN``) where the source does not give a colour; ``planned`` is a
nullable boolean (missing where the source does not say). Missing stays missing: a lost colour is
never counted as a colour, and a count over activities without any colour is ``<NA>``, not 0.

The embedded registers (``data/registers``) were transcribed from seed 000 (Lelystad; the stoplight
colours were lost in text extraction) and seed 003 (Noordoostpolder; an action plan without
judgements). For those the summary carries the totals the documents state, marked
``kind = "published"`` (``data/registers/published_totals.csv``), next to what the rows give.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ivpanalysis.present import fmt
from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest.loaders._common import read_text, sniff_delimiter

#: stoplight colours, best first (canonical values of ``status``)
COLOURS = ("groen", "oranje", "rood")
UNKNOWN = "onbekend"
#: what each colour means, as a short Dutch label for readers
COLOUR_MEANING = {
    "groen": "op koers",
    "oranje": "knelpunten, bij te sturen",
    "rood": "vermoedelijk niet haalbaar",
    UNKNOWN: "kleur niet bekend",
}
_RANK = {"rood": 0, "oranje": 1, "groen": 2}

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


def _key(text) -> str:
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
    """Read an activities register (CSV or .xlsx) as municipalities keep it; validate it.

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

    **Validation** (all problems together, each naming file, line and column, raised as
    :class:`~ivpanalysis.errors.DataError`): unknown colour, missing theme, missing activity,
    duplicate activity (same theme, item and activity text, ignoring case and spacing), unknown
    planned/extra value, more cells than header columns, no header, no activities.

    ``attrs``: ``file``, ``format`` (csv/xlsx), ``sheet``, ``date`` (``as_of``, else a date
    YYYY-MM-DD or YYYYMMDD in the file name, else None), ``ignored_columns``, ``source``.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        records, sheet_name = _xlsx_records(p, sheet)
        kind = "xlsx"
    elif suffix in (".xls", ".ods"):
        raise DataError.at(p.name, f"{suffix} workbooks are not read", expected="the register saved as .xlsx or .csv")
    else:
        records, sheet_name = _csv_records(p)
        kind = "csv"
    name = p.name

    header_at = next((i for i, r in enumerate(records[:30]) if _is_header(r.cells)), None)
    if header_at is None:
        first = next((r for r in records if any(r.cells)), None)
        raise DataError.at(name, "no header row with an activity column found", line=first.line if first else None,
                           found=" | ".join(c for c in first.cells if c)[:120] if first else None,
                           expected=_expected_header())
    header = records[header_at].cells
    fields, ignored = _map_header(header)
    col_of = {f: j for j, f in fields.items()}
    label = {f: header[j] for j, f in fields.items()}
    planned_field = "planned" if "planned" in col_of else ("extra" if "extra" in col_of else None)
    if planned_field == "planned" and "extra" in col_of:
        ignored.append(label["extra"])
    fill_field = "status" if "status" in col_of else ("judgement" if "judgement" in col_of else None)

    problems: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    heading: str | None = None
    for rec in records[header_at + 1:]:
        cells = rec.cells + [""] * (len(header) - len(rec.cells))
        filled = [c for c in cells if c]
        if not filled:
            continue
        beyond = [c for c in cells[len(header):] if c]
        if beyond:
            problems.append(Problem(name, f"{len(header) + len(beyond)} cells, the header has {len(header)}",
                                    rec.line, found=beyond[0][:80],
                                    expected="one cell per header column (a separator inside a text needs quotes)"))
            continue
        get = {f: cells[j] for f, j in col_of.items()}
        only = [j for j, c in enumerate(cells) if c]
        if len(only) == 1 and (not get.get("activity") or only[0] in rec.spans):
            heading = filled[0]  # a section heading: one filled cell outside the activity column,
            continue  # or (workbooks) one cell merged across columns
        if not get.get("activity"):
            problems.append(Problem(name, "missing activity", rec.line, label["activity"],
                                    expected="the activity's description (or one filled cell for a section heading)"))
            continue
        row = {f: (get.get(f) or None) for f in _TEXT_FIELDS}
        row["line"] = rec.line
        row["theme"] = row["theme"] or heading
        if not row["theme"]:
            problems.append(Problem(name, "missing theme" if "theme" in label else "missing theme (no theme column)",
                                    rec.line, label.get("theme"),
                                    expected="a theme on every row (or a section heading row above)"))
        # status: the word, else (workbooks) the cell's fill
        status = None
        text = get.get("status", "")
        if text:
            try:
                status = _parse_colour(text)
            except KeyError:
                problems.append(Problem(name, "unknown colour", rec.line, label["status"], found=text,
                                        expected="groen, oranje or rood (or green/orange/red, geel/amber; "
                                                 "empty when not judged)"))
        elif rec.fills and fill_field:
            colour, found = _fill_of(rec.fills[col_of[fill_field]])
            if colour == "?":
                problems.append(Problem(name, "unknown colour", rec.line, label[fill_field], found=found,
                                        expected="a red, orange/yellow or green fill, or the word groen/oranje/rood"))
            else:
                status = colour
        row["status"] = status
        if planned_field:
            try:
                row["planned"] = _parse_planned(get.get(planned_field, ""), planned_field)
            except KeyError:
                problems.append(Problem(name, f"unknown value in the {planned_field} column", rec.line,
                                        label[planned_field], found=get.get(planned_field),
                                        expected="ja/nee, yes/no, x, 1/0, gepland/extra"))
                row["planned"] = None
        else:
            row["planned"] = None
        row["source"] = get.get("source") or None
        key = (_key(row["theme"] or ""), _key(row["item"] or ""), _key(row["activity"]))
        if key in seen:
            problems.append(Problem(name, f"duplicate activity (same theme, item and activity as line {seen[key]})",
                                    rec.line, label["activity"], found=row["activity"][:80],
                                    expected="each activity once per theme"))
        else:
            seen[key] = rec.line
        rows.append(row)
    if not rows and not problems:
        problems.append(Problem(name, "no activities below the header", records[header_at].line,
                                expected="one row per activity"))
    if problems:
        raise DataError(problems)

    df = pd.DataFrame(rows, columns=REGISTER_COLUMNS + ["line", "source"])
    df = _typed(df)
    sources = sorted(set(df["source"].dropna()))
    df = df.drop(columns="source")
    date = as_of.isoformat() if isinstance(as_of, dt.date) else (as_of or _date_from_name(p.name))
    df.attrs.update(file=str(p), format=kind, sheet=sheet_name, date=date, ignored_columns=ignored,
                    source=sources[0] if len(sources) == 1 else (sources or None))
    return df


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


# --------------------------------------------------------------------------- summary

@dataclass
class ActivitiesSummary:
    """Counts and shares per colour, overall and per theme, with the extra and the red/orange activities.

    Shares are percentages of the activities *with* a colour (``n_judged``); activities without a
    colour are counted as ``onbekend``. Where no activity (of a theme) has a colour, its colour
    counts are ``<NA>`` and its shares NaN — never 0.
    """

    n_activities: int
    n_judged: int
    overall: pd.DataFrame  # index groen/oranje/rood/onbekend; count (Int64), share (% of judged; NaN for onbekend)
    by_theme: pd.DataFrame  # theme, activities, groen, oranje, rood, onbekend, share_groen, share_oranje, share_rood
    n_planned: int | None
    n_extra: int | None
    extra: pd.DataFrame  # the activities not in the plan: theme, activity, status, judgement
    attention: pd.DataFrame  # red, then orange: theme, activity, status, judgement, planned
    published: pd.DataFrame  # totals stated by the source document (kind = published); may be empty
    region_code: str | None = None
    date: str | None = None
    file: str | None = None

    def published_value(self, suffix: str):
        """The published value of a measure by its suffix (e.g. ``activiteiten_totaal``), or None."""
        if self.published.empty:
            return None
        hit = self.published[self.published["measure"].str.split("_", n=1).str[1] == suffix]
        return None if hit.empty else hit["value"].iloc[0]


def _colour_counts(status: pd.Series) -> dict:
    n = len(status)
    known = int(status.notna().sum())
    out = {"activities": n, UNKNOWN: n - known}
    for c in COLOURS:
        out[c] = int((status == c).sum()) if known else pd.NA
        out[f"share_{c}"] = 100 * int((status == c).sum()) / known if known else math.nan
    return out


def activities_summary(register: pd.DataFrame) -> ActivitiesSummary:
    """Summarise a register (from :func:`read_register`, :func:`load_register` or :func:`activities_table`).

    Counts and shares per colour overall and per theme (themes in the register's order), planned
    and extra counts, the extra activities, the red and orange activities with their judgement, and
    the published totals attached by :func:`load_register` (marked ``kind = "published"``).
    """
    reg = register
    planned = reg["planned"]
    if not pd.api.types.is_bool_dtype(planned):  # a table with yes/no text
        planned = planned.map(lambda v: {"yes": True, "no": False}.get(v, pd.NA)).astype("boolean")
    status = reg["status"].where(reg["status"].isin(COLOURS))
    total = _colour_counts(status)
    n_judged = total["activities"] - total[UNKNOWN]
    overall = pd.DataFrame({
        "count": pd.array([total[c] for c in COLOURS] + [total[UNKNOWN]], dtype="Int64"),
        "share": [total[f"share_{c}"] for c in COLOURS] + [math.nan],
    }, index=pd.Index(list(COLOURS) + [UNKNOWN], name="status"))
    themes = list(dict.fromkeys(reg["theme"]))
    rows = []
    for t in themes:
        m = (reg["theme"] == t).to_numpy()
        rows.append({"theme": t, **_colour_counts(status[m])})
    cols = ["theme", "activities", *COLOURS, UNKNOWN, *[f"share_{c}" for c in COLOURS]]
    by_theme = pd.DataFrame(rows, columns=cols)
    for c in ["activities", *COLOURS, UNKNOWN]:
        by_theme[c] = by_theme[c].astype("Int64")
    show = ["theme", "activity", "status", "judgement"]
    extra = reg.loc[(planned == False).fillna(False).to_numpy(), show].reset_index(drop=True)  # noqa: E712
    attention = pd.concat([reg.loc[(status == c).to_numpy(), show] for c in ("rood", "oranje")])
    attention = attention.assign(planned=planned[attention.index]).reset_index(drop=True)
    n_unknown_planned = int(planned.isna().sum())
    pub = pd.DataFrame(reg.attrs.get("published") or [],
                       columns=["plan", "measure", "label", "value", "printed", "source", "kind"])
    return ActivitiesSummary(
        n_activities=len(reg), n_judged=n_judged, overall=overall, by_theme=by_theme,
        n_planned=int((planned == True).sum()) if n_unknown_planned < len(reg) else None,  # noqa: E712
        n_extra=int((planned == False).sum()) if n_unknown_planned < len(reg) else None,  # noqa: E712
        extra=extra, attention=attention, published=pub,
        region_code=reg.attrs.get("region_code"), date=reg.attrs.get("date"), file=reg.attrs.get("file"))


# --------------------------------------------------------------------------- comparing two dates

def compare(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """What moved between two registers of different dates.

    Activities are matched on theme, item and activity text (case and spacing ignored); those left
    over are matched on the activity text alone when it is unique on both sides (a theme renamed).
    One row per activity in either register: theme, activity, status_old, status_new, move
    ('oranje → groen', or '' when unchanged), direction (``beter``, ``slechter``, ``gelijk``,
    ``nieuw`` — only in the new register, ``vervallen`` — only in the old, ``onbekend`` — a colour
    missing on either side), judgement_old, judgement_new. ``attrs``: date_old, date_new.
    """
    def keyed(reg):
        k = [(_key(t or ""), _key(i or ""), _key(a)) for t, i, a in zip(reg["theme"], reg["item"], reg["activity"])]
        return dict(zip(k, range(len(reg))))

    ko, kn = keyed(old), keyed(new)
    pairs = [(ko.get(k), j) for k, j in kn.items()]
    unmatched_old = {i for k, i in ko.items() if k not in kn}
    # second pass: unique activity text on both sides
    left_new = [idx for idx, (i, j) in enumerate(pairs) if i is None]
    text_old = pd.Series({i: _key(old["activity"].iloc[i]) for i in unmatched_old}, dtype=object)
    for idx in left_new:
        j = pairs[idx][1]
        t = _key(new["activity"].iloc[j])
        hits = text_old[text_old == t].index.tolist() if len(text_old) else []
        same_new = sum(_key(new["activity"].iloc[pairs[x][1]]) == t for x in left_new)
        if len(hits) == 1 and same_new == 1:
            pairs[idx] = (hits[0], j)
            unmatched_old.discard(hits[0])
            text_old = text_old.drop(hits[0])
    pairs += [(i, None) for i in sorted(unmatched_old)]

    def val(reg, i, col):
        if i is None:
            return None
        v = reg[col].iloc[i]
        return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v

    rows = []
    for i, j in pairs:
        so, sn = val(old, i, "status"), val(new, j, "status")
        if i is None:
            direction, move = "nieuw", ""
        elif j is None:
            direction, move = "vervallen", ""
        elif so is None or sn is None:
            direction = "onbekend"
            move = "" if so == sn else f"{so or UNKNOWN} \u2192 {sn or UNKNOWN}"
        elif so == sn:
            direction, move = "gelijk", ""
        else:
            direction = "beter" if _RANK[sn] > _RANK[so] else "slechter"
            move = f"{so} \u2192 {sn}"
        src, k = (new, j) if j is not None else (old, i)
        rows.append({"theme": val(src, k, "theme"), "activity": val(src, k, "activity"),
                     "status_old": so, "status_new": sn, "move": move, "direction": direction,
                     "judgement_old": val(old, i, "judgement"), "judgement_new": val(new, j, "judgement")})
    out = pd.DataFrame(rows, columns=["theme", "activity", "status_old", "status_new", "move", "direction",
                                      "judgement_old", "judgement_new"])
    out.attrs.update(date_old=old.attrs.get("date"), date_new=new.attrs.get("date"))
    return out


def moves(comparison: pd.DataFrame) -> pd.DataFrame:
    """Counts of old colour (rows) × new colour (columns); ``onbekend`` for no colour, ``–`` for absent."""
    present = comparison["direction"]
    old = comparison["status_old"].fillna(UNKNOWN).where(present != "nieuw", "\u2013")
    new = comparison["status_new"].fillna(UNKNOWN).where(present != "vervallen", "\u2013")
    order = [*COLOURS, UNKNOWN, "\u2013"]
    t = pd.crosstab(old.rename("oud"), new.rename("nieuw"))
    return t.reindex(index=[o for o in order if o in t.index], columns=[o for o in order if o in t.columns])


# --------------------------------------------------------------------------- Dutch text

def _n(count: int, one: str, many: str) -> str:
    return f"{fmt.number(count)} {one if count == 1 else many}"


def approx_share(x) -> str:
    """A share in words as the reports write it: 82,7 → 'ruim 80%', 87 → 'bijna 90%', 85 → '85%'."""
    if x is None or pd.isna(x):
        return fmt.NA
    r = int(fmt.round_half_away(x))
    if r % 5 == 0 or x < 10 or x > 95:
        return fmt.share(x)
    low = math.floor(x / 10) * 10
    return f"ruim {fmt.share(low)}" if x - low < 5 else f"bijna {fmt.share(low + 10)}"


def dutch_date(iso: str | None) -> str | None:
    """'2020-12-31' → '31 december 2020' (babel, nl_NL); None stays None."""
    if not iso:
        return None
    from babel.dates import format_date
    return format_date(dt.date.fromisoformat(iso), "d MMMM y", locale=fmt.LOCALE)


def _published_sentence(s: ActivitiesSummary) -> str | None:
    if s.published.empty:
        return None
    v = s.published_value
    total, planned, extra = v("activiteiten_totaal"), v("activiteiten_gepland"), v("activiteiten_extra")
    parts = []
    if total is not None:
        head = _n(int(total), "activiteit", "activiteiten")
        if planned is not None and extra is not None:
            head += f" ({fmt.number(planned)} gepland, {fmt.number(extra)} extra)"
        parts.append(head)
    colours = [f"{fmt.number(v(f'activiteiten_{c}'))} {c}" for c in COLOURS if v(f"activiteiten_{c}") is not None]
    if colours:
        if parts:
            parts[-1] += ", waarvan " + " en ".join(colours)
        else:
            parts.append(" en ".join(colours))
    for suffix, words in (("pct_op_koers", "op koers"), ("pct_groen", "groen"),
                          ("pct_volgens_planning", "volgens planning")):
        if v(suffix) is not None:
            hit = s.published[s.published["measure"].str.endswith(suffix)].iloc[0]
            q = re.match(r"^\s*([A-Za-z]+)\s+\d", str(hit["printed"]))
            qual = f"{q[1].lower()} " if q and not q[1].isdigit() else ""
            parts.append(f"{qual}{fmt.share(hit['value'])} {words}")
    if not parts:
        return None
    return "Volgens het brondocument (gepubliceerde cijfers): " + "; ".join(parts) + "."


def summary_text(s: ActivitiesSummary) -> str:
    """The Dutch summary paragraph of a register ('ruim 80% ligt op koers'); numbers via :mod:`ivpanalysis.fmt`."""
    out = []
    if s.n_judged:
        g, o, r = (int(s.overall.loc[c, "count"]) for c in COLOURS)
        out.append(f"Van de {_n(s.n_judged, 'beoordeelde activiteit', 'beoordeelde activiteiten')} ligt "
                   f"{approx_share(s.overall.loc['groen', 'share'])} op koers ({fmt.number(g)} groen); "
                   f"{fmt.number(o)} oranje ({COLOUR_MEANING['oranje']}) en {fmt.number(r)} rood "
                   f"({COLOUR_MEANING['rood']}).")
        unknown = s.n_activities - s.n_judged
        if unknown:
            out.append(f"Van {_n(unknown, 'activiteit', 'activiteiten')} is geen kleur bekend.")
    else:
        out.append(f"Het register telt {_n(s.n_activities, 'activiteit', 'activiteiten')}; "
                   "de stoplichtkleur per activiteit staat niet in de bron.")
    if s.n_planned is not None and s.n_extra:
        out.append(f"{_n(s.n_planned, 'activiteit stond', 'activiteiten stonden')} in het plan, "
                   f"{fmt.number(s.n_extra)} {'is' if s.n_extra == 1 else 'zijn'} extra uitgevoerd.")
    pub = _published_sentence(s)
    if pub:
        out.append(pub)
        total = s.published_value("activiteiten_totaal")
        if total is not None and total != s.n_activities:
            out.append(f"In de data staan {fmt.number(s.n_activities)} rijen; het verschil met "
                       f"{fmt.number(total)} is niet aangevuld.")
    return " ".join(out)


def comparison_text(comparison: pd.DataFrame) -> str:
    """A Dutch sentence on what moved between two registers (from :func:`compare`)."""
    d = comparison["direction"]
    a, b = dutch_date(comparison.attrs.get("date_old")), dutch_date(comparison.attrs.get("date_new"))
    when = f"Tussen {a} en {b}" if a and b else "Tussen de twee registers"

    def listing(direction):
        sub = comparison[d == direction]["move"].value_counts()
        return ", ".join(f"{fmt.number(n)} van {m.replace(' → ', ' naar ')}" for m, n in sub.items())

    parts = []
    for direction, word in (("beter", "verbeterd"), ("slechter", "verslechterd")):
        n = int((d == direction).sum())
        if n:
            parts.append(f"{_n(n, 'activiteit', 'activiteiten')} {word} ({listing(direction)})")
    same = int((d == "gelijk").sum())
    parts.append(f"{fmt.number(same)} gelijk gebleven")
    for direction, word in (("nieuw", "nieuw"), ("vervallen", "vervallen"), ("onbekend", "zonder vergelijkbare kleur")):
        n = int((d == direction).sum())
        if n:
            parts.append(f"{fmt.number(n)} {word}")
    return f"{when}: " + ", ".join(parts[:-1]) + (" en " if len(parts) > 1 else "") + parts[-1] + "."


# --------------------------------------------------------------------------- tables and text for the report

def theme_table(s: ActivitiesSummary) -> pd.DataFrame:
    """Per theme and in total, formatted for readers (Dutch headers; numbers via :mod:`ivpanalysis.fmt`).

    Columns: Thema, Activiteiten, Groen, Oranje, Rood, Kleur onbekend, Op koers (share groen of the
    activities with a colour). Counts that are not known print as ``–``.
    """
    bt = s.by_theme
    total = {"theme": "Totaal", "activities": s.n_activities, UNKNOWN: s.overall.loc[UNKNOWN, "count"],
             **{c: s.overall.loc[c, "count"] for c in COLOURS}, "share_groen": s.overall.loc["groen", "share"]}
    rows = [*bt.to_dict("records"), total]
    return pd.DataFrame({
        "Thema": [r["theme"] for r in rows],
        "Activiteiten": [fmt.number(r["activities"]) for r in rows],
        **{c.capitalize(): [fmt.number(r[c]) for r in rows] for c in COLOURS},
        "Kleur onbekend": [fmt.number(r[UNKNOWN]) for r in rows],
        "Op koers": [fmt.share(r["share_groen"]) for r in rows],
    })


def attention_table(s: ActivitiesSummary) -> pd.DataFrame:
    """The red, then orange activities with their judgement, with Dutch headers (empty when none)."""
    a = s.attention
    return pd.DataFrame({"Thema": a["theme"], "Activiteit": a["activity"], "Kleur": a["status"],
                         "Oordeel": a["judgement"].map(lambda j: "" if j is None or pd.isna(j) else j)})


def _one_line(text) -> str:
    return "" if text is None or pd.isna(text) else re.sub(r"\s+", " ", str(text)).strip()


def interpretation(s: ActivitiesSummary, name: str | None = None) -> str:
    """The report section's Dutch text as light markdown (``### `` heading, paragraphs, ``- `` lists,
    ``**bold**``): the summary, the red and orange activities with their judgement, the extra ones."""
    title = "### Uitvoering van de activiteiten" + (f" in {name}" if name else "")
    blocks = [title, summary_text(s)]
    for colour, heading in (("rood", "Rood"), ("oranje", "Oranje")):
        sub = s.attention[s.attention["status"] == colour]
        if len(sub):
            blocks.append(f"**{heading}** ({COLOUR_MEANING[colour]}):")
            blocks.append("\n".join(
                f"- {_one_line(r.activity)} ({_one_line(r.theme)})"
                + (f": {_one_line(r.judgement)}" if _one_line(r.judgement) else "") for r in sub.itertuples()))
    if len(s.extra):
        blocks.append("**Extra uitgevoerd** (niet in het plan):")
        blocks.append("\n".join(f"- {_one_line(r.activity)} ({_one_line(r.theme)})" for r in s.extra.itertuples()))
    return "\n\n".join(blocks)
