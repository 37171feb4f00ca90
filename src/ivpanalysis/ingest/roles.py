"""What a file is and where it belongs in a data folder — judged by its content, never its name.

:func:`recognise` returns a :class:`Recognition`: the format, and either one or more
:class:`RoleTable` (role ``police``, ``population``, ``survey``, ``regions``, ``boundaries``,
``incidents``, ``pc4``, ``plan``) or a one-sentence ``refusal`` saying what the file is and what
to add instead. It never raises for a file it cannot use; :class:`DataError` is kept for files
of a known kind whose content is broken (a bad cell names file, line and column).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ivpanalysis import paths
from ivpanalysis.errors import DataError
from ivpanalysis.ingest import boundaries, categories, incidents, regions, schema, survey
from ivpanalysis.ingest.loaders import counts_json, detect, read_text, rows_of, statline_meta
from ivpanalysis.ingest.loaders import _truncation, odata

ROLES = ("police", "population", "survey", "regions", "boundaries", "incidents", "pc4", "plan", "metadata")
POLITIE_RANK, CBS_RANK = 0, 1  # a politie table wins over CBS 83648NED
_POLITIE_CODE = re.compile(r"^\d+\.\d+\.\d+$")
_CBS_CODE = re.compile(r"^(CRI\d{4}|T\d{6})$")


@dataclass
class RoleTable:
    """One table of a file, ready for its role; ``facts`` go into provenance.json."""

    role: str
    table_id: str
    frame: object  # DataFrame, or dict for boundaries
    facts: dict = field(default_factory=dict)


@dataclass
class Recognition:
    path: Path
    format: str
    tables: list[RoleTable] = field(default_factory=list)
    refusal: str | None = None
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """Lines for ``ivpanalysis read``: format, role(s), regions, periods — or the refusal."""
        lines = [f"{self.path}: format {self.format}"]
        if self.refusal:
            lines.append(f"  not taken: {self.refusal}")
        for t in self.tables:
            lines.append(f"  role {t.role}: table {t.table_id}" + "".join(
                f"; {k} {v}" for k, v in _summary(t).items()))
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def _summary(t: RoleTable) -> dict:
    f = t.frame
    if t.role == "plan":
        return {"rows": len(f)}
    if t.role == "metadata":
        return {"title": t.facts.get("title"), "code lists": ", ".join(sorted(set(f["dimension"])))}
    if isinstance(f, dict):
        return {"municipalities": len(f.get("features", {})), "year": f.get("year")}
    if "period" in f and len(f):
        ps = [p for p in f["period"].drop_duplicates() if isinstance(p, pd.Period)]
        first = schema.format_period(min(ps, key=lambda p: p.start_time)) if ps else "-"
        last = schema.format_period(max(ps, key=lambda p: p.end_time)) if ps else "-"
        return {"regions": int(f["region_code"].nunique()), "periods": f"{first}…{last}", "rows": len(f)}
    key = "region_code" if "region_code" in f else (f.columns[0] if len(f.columns) else None)
    return {"rows": len(f), "regions": int(f[key].nunique()) if key else 0}


# --- mapping tables ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def cbs83648_table() -> pd.DataFrame:
    """``data/codes/cbs83648_categories.csv``: 83648NED key → report category ('' = no counterpart)."""
    return pd.read_csv(paths.CODES_DIR / "cbs83648_categories.csv", dtype=str, keep_default_na=False)


def cbs83648_frame(tidy: pd.DataFrame) -> tuple[pd.DataFrame | None, list[str]]:
    """83648NED counts re-keyed to categories where the definitions match; and the keys without one."""
    t = cbs83648_table()
    cat_of = dict(zip(t["code"], t["category"]))
    df = tidy[tidy["measure"].isin([c for c, k in cat_of.items() if k])].copy()
    unmatched = sorted(set(tidy["measure"]) - set(df["measure"]))
    if df.empty or (df["region_code"].astype(str) == "").all():
        return None, unmatched
    labels = dict(zip(categories.table()["key"], categories.table()["label"]))
    df["measure"] = df["measure"].map(cat_of)
    df["measure_label"] = df["measure"].map(labels)
    df = df[df["region_code"].astype(str) != ""]
    return schema.finish_tidy(df[[c for c in df.columns if c in schema.TIDY_COLUMNS]], **tidy.attrs), unmatched


# --- recognisers by content --------------------------------------------------------------------

_MAGIC = {b"PK\x03\x04": "a zip archive or Excel workbook", b"\xfd7zXZ": "an xz-compressed file (an R data file or archive)",
          b"BZh": "a bzip2-compressed file (an R data file or archive)", b"RDX": "an R data file (.rda/.RData)",
          b"\x1f\x8b": "a gzip-compressed file (an R data file or archive)"}


def _binary(path: Path) -> Recognition | None:
    head = path.read_bytes()[:8]
    if head.startswith(b"PAR1"):
        return _parquet(path)
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            return Recognition(path, "binary", refusal=(
                f"{path.name} is {what}, not a table the project reads; export the table as CSV "
                f"(StatLine 'Download → CSV', or write.csv in R) and add that file."))
    return None


def _parquet(path: Path) -> Recognition:
    raw = path.read_bytes()
    if not raw.endswith(b"PAR1"):
        return Recognition(path, "parquet", refusal=(
            f"{path.name} is a truncated parquet file (its footer is missing; the download or copy "
            f"stopped early); download it again."))
    df = pd.read_parquet(path)
    if set(schema.TIDY_COLUMNS) <= set(df.columns):  # a data folder's own table
        df["period"] = schema.map_unique(df["period"].astype(str), lambda p: schema.parse_period(p)[0])
        df.attrs.update(format="tidy_parquet", source_file=str(path))
        return _tidy_roles(path, "tidy parquet", schema.finish_tidy(df, source_file=str(path)))
    if set(regions.COLUMNS) <= set(df.columns):
        return Recognition(path, "regions parquet", [RoleTable("regions", "regions", df[regions.COLUMNS])])
    cols = ", ".join(list(df.columns[:4]))
    return Recognition(path, "parquet", refusal=(
        f"{path.name} is a parquet table with columns {cols}… in no layout the project knows (a CBS "
        f"TypedDataSet or DataProperties copy); download the table with 'ivpanalysis fetch' or as StatLine CSV."))


def _json(path: Path, tf) -> Recognition | None:
    if counts_json.sniff(tf):
        both = counts_json.load_both(tf)
        police = _police_tables(both.counts, counts_json.COUNTS_SOURCE)
        pop = population_tables(both.population, counts_json.POPULATION_SOURCE)
        return Recognition(path, "counts_json", police + pop)
    if boundaries.sniff(tf):
        b = boundaries.load(tf)
        return Recognition(path, "geojson", [RoleTable("boundaries", f"boundaries {b['year']}", b,
                                                       {"year": b["year"]})])
    if tf.text.lstrip().startswith(("{", "[")):
        try:
            doc = json.loads(tf.text)
        except ValueError:
            return Recognition(path, "json", refusal=f"{path.name} is a JSON file that does not parse (cut off?); download it again.")
        what = "an OData v4 metadata response" if isinstance(doc, dict) and "@odata.context" in doc else \
            "CBS table metadata (titles, column descriptions)" if isinstance(doc, dict) else "a JSON list"
        return Recognition(path, "json", refusal=(
            f"{path.name} is {what}, which describes a table but holds no figures; add the table's data "
            f"(StatLine CSV or 'ivpanalysis fetch ID')."))
    return None


def _meta_refusal(path: Path, header: list[str]) -> Recognition | None:
    """CBS metadata files saved beside a download: say what they are and what to add instead."""
    h = {c.strip() for c in header}
    kinds = [("TableInfos", {"Identifier", "ShortTitle"}), ("DataProperties", {"Type", "Key", "Position"}),
             ("a code list", {"Key", "Title"})]
    for name, cols in kinds:
        if cols <= h:
            return Recognition(path, "cbs_metadata", refusal=(
                f"{path.name} is CBS metadata ({name}) of a table: it describes the table but holds no figures; "
                f"add the table's data file (the statuses and labels in it are read when the file lies beside the data)."))
    return None


def _csv_by_columns(path: Path, tf, rows) -> Recognition | None:
    """Files recognised by their header alone: Gebieden in Nederland, PC4 table, the plan's own files."""
    if not rows:
        return None
    head = [c.strip() for c in rows[0]]
    low = {c.casefold() for c in head}
    if regions.sniff(tf, rows):
        return Recognition(path, "gebieden_in_nederland", [RoleTable("regions", "Gebieden in Nederland", regions.load(tf, rows))])
    if incidents.is_pc4_table(head):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
        return Recognition(path, "pc4_table", [RoleTable("pc4", "PC4 → gemeente", incidents.pc4_map(frame, path.name))])
    if {"indicator_id", "series", "target_value"} <= low:
        return Recognition(path, "plan_indicators", [RoleTable("plan", "indicators.csv", pd.read_csv(path, dtype=str),
                                                               {"target": "indicators.csv"})])
    if {"theme", "activity", "planned"} <= low or {"region_code", "measure", "printed"} <= low:
        return Recognition(path, "plan_register", [RoleTable("plan", path.name, pd.read_csv(path, dtype=str),
                                                             {"target": f"registers/{path.name}"})])
    if {"crime_type_code", "date", "total_incident_count"} <= low or head == ["date", "population"]:
        return Recognition(path, "derived_series", refusal=(
            f"{path.name} is a series reshaped by its author (national totals per date, labels in the code column), "
            f"not a CBS table; add the CBS table it came from (47022NED or 83474NED as StatLine CSV)."))
    return _meta_refusal(path, head)


def recognise(path: str | Path) -> Recognition:
    """What ``path`` is and the role tables it gives (or why it gives none)."""
    path = Path(path)
    rec = _binary(path)
    if rec is not None:
        return rec
    try:
        tf = read_text(path)
    except UnicodeDecodeError:
        return Recognition(path, "binary", refusal=(
            f"{path.name} is a binary file, not a text table; export the table as CSV and add that file."))
    rec = _json(path, tf)
    if rec is not None:
        return rec
    rows = rows_of(tf)
    rec = _csv_by_columns(path, tf, rows)
    if rec is not None:
        return rec
    if statline_meta.sniff(tf, rows):
        meta = statline_meta.load(tf, rows)
        tid = str(meta.attrs.get("table_id") or "").strip()
        return Recognition(path, "statline_meta", [RoleTable("metadata", tid or path.name, meta, {
            "title": str(meta.attrs.get("title", "")).strip(), "modified": meta.attrs.get("modified")})])
    try:
        load, tf, rows = detect(path)
    except DataError as e:
        first = tf.text.split("\n", 1)[0][:80]
        return Recognition(path, "unknown", refusal=(
            f"{path.name} is not a table layout the project knows (first line: {first!r}); add a StatLine CSV "
            f"download, a cbsodata export or a Veiligheidsmonitor export instead."))
    if load is odata.load_codelist:
        return _meta_refusal(path, ["Key", "Title"])
    tidy = load(tf, rows)
    fmt = tidy.attrs.get("format", "")
    rec = _by_format(path, fmt, tidy)
    rec.warnings = _truncation.signs(tf, rows, fmt)
    return rec


def _by_format(path: Path, fmt: str, tidy: pd.DataFrame) -> Recognition:
    if fmt == "politie_mik":
        return Recognition(path, fmt, [RoleTable("incidents", "politie.nl misdaad in kaart", tidy,
                                                 {"first_date": tidy.attrs.get("first_date"),
                                                  "last_date": tidy.attrs.get("last_date")})])
    return _tidy_roles(path, fmt, tidy)


def _table_id(tidy: pd.DataFrame, path: Path) -> str:
    tid = tidy.attrs.get("table_id") or ""
    if not tid:
        ids = [s for s in tidy["source"].unique() if re.match(r"^\d{5}[A-Za-z]{3}$", str(s))]
        tid = ids[0] if len(ids) == 1 else path.name
    return str(tid).strip()


def _tidy_roles(path: Path, fmt: str, tidy: pd.DataFrame) -> Recognition:
    """A tidy frame into police, population or survey — whichever its measures are."""
    tid = _table_id(tidy, path)
    tables = _police_tables(tidy, tid) + population_tables(tidy, tid)
    if not tables and survey.is_survey(tidy):
        tables = [RoleTable("survey", tid, survey.survey_frame(tidy), {"margin": "half-width of the 95 % interval"})]
    if not tables and set(tidy["measure"].astype(str)) & set(categories.table()["key"]):
        keyed = tidy[tidy["measure"].isin(categories.table()["key"])]  # a folder's own police_figures
        tables = [RoleTable("police", tid, keyed, {"rank": POLITIE_RANK})]
    if not tables and survey.measures()["key"].isin(tidy["measure"]).any():
        tables = [RoleTable("survey", tid, survey.survey_frame(tidy))]
    if tables:
        return Recognition(path, fmt, tables)
    if (tidy["region_code"].astype(str) == "").all() and tidy["measure"].astype(str).str.match(_CBS_CODE).any():
        return Recognition(path, fmt, refusal=(
            f"{path.name} holds CBS 83648NED crime counts without a region column, so no municipality can use "
            f"them; download 83648NED with 'Regio's' as a column (or add a politie table such as 47013NED)."))
    some = ", ".join(sorted(tidy["measure"].astype(str).unique())[:3])
    return Recognition(path, fmt, refusal=(
        f"{path.name} is a {fmt} table ({some}, …) with no crime counts by SoortMisdrijf code, population, "
        f"Veiligheidsmonitor topic or region classification; nothing in it has a place in a data folder."))


def _police_tables(tidy: pd.DataFrame, tid: str) -> list[RoleTable]:
    from ivpanalysis.ingest import fetch  # police_frame lives with fetch (its online twin uses it)
    sub = tidy["region_code"].astype(str).str.startswith(("WK", "BU"))
    if sub.any():  # 47022NED/47018NED: the gemeente rows; wijken and buurten are not a report's regions
        tidy = tidy[~sub]
    m = tidy["measure"].astype(str)
    out = []
    if m.str.match(_POLITIE_CODE).any():
        frame = fetch.police_frame(tidy)
        if frame is not None and not frame.empty:
            out.append(RoleTable("police", tid, frame, {"rank": POLITIE_RANK,
                                                         "unmapped_codes": frame.attrs.get("unmapped_measures", [])}))
    if m.str.match(_CBS_CODE).any():
        frame, unmatched = cbs83648_frame(tidy)
        if frame is not None:
            out.append(RoleTable("police", tid if tid.upper() != "83648NED" else "83648NED", frame, {
                "rank": CBS_RANK, "rounded": "CBS 83648NED rounds counts to multiples of 5",
                "without_counterpart": unmatched}))
    return out


#: dwelling stock topics (compared without case or punctuation): years to add so the value is 1 January
DWELLING_TOPICS = {"beginstandvoorraad": 0, "beginstandwoningvoorraad": 0, "woningvoorraad": 0, "woningen": 0,
                   "eindstandvoorraad": 1, "eindstandwoningvoorraad": 1}
#: exactly the ages 12 to 24 ('12 tot 25 jaar' is CBS's way of writing 12–24); never 15–24 or 15–25
_AGES_12_24 = re.compile(r"\b12\s*(tot|t/m|-|–)\s*(25|24)\s*jaar|\b12\s*tot\s*25\b|12-24|12_tot_25|12totmet24|12tot25", re.I)


def population_tables(tidy: pd.DataFrame, tid: str) -> list[RoleTable]:
    """``inwoners``, ``woningen`` (only from a dwelling topic) and ``jongeren_12_24`` (only exactly 12–24)."""
    from ivpanalysis.ingest import fetch
    parts = []
    inw = fetch.population_frame(tidy)
    if inw is not None and not inw.empty:
        parts.append(inw)
    for measure, shift_of in (("woningen", DWELLING_TOPICS),):
        key = schema.map_unique(tidy["measure"].astype(str), lambda s: re.sub(r"[^a-z]", "", re.sub(r"_\d+$", "", s).lower()))
        hit = key.isin(shift_of) & (tidy["region_code"].astype(str) != "")
        if hit.any():
            d = tidy[hit].copy()
            d["period"] = [p + shift_of[k] for p, k in zip(d["period"], key[hit])]
            d = d.assign(measure=measure, measure_label="Woningvoorraad op 1 januari", unit="aantal")
            parts.append(d)
    label = tidy["measure_label"].astype(str) + " " + tidy["measure"].astype(str)
    young = schema.map_unique(label, lambda s: bool(_AGES_12_24.search(s))) & (tidy["region_code"].astype(str) != "")
    if young.any():
        parts.append(tidy[young].assign(measure="jongeren_12_24", measure_label="Jongeren van 12 tot 25 jaar", unit="aantal"))
    if not parts:
        return []
    frame = pd.concat(parts, ignore_index=True)
    return [RoleTable("population", tid, schema.finish_tidy(frame[[c for c in frame.columns if c in schema.TIDY_COLUMNS]],
                                                             **tidy.attrs))]


def file_time(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone().isoformat(timespec="seconds")
