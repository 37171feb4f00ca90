"""``ivpanalysis fetch``: CBS/politie tables → a data folder that :func:`ivpanalysis.ingest.datafolder.load` reads.

Two ways in, one folder out:

* :func:`fetch` downloads with ``cbsodata`` (police tables from the ``dataderden.cbs.nl`` catalog,
  CBS tables from ``opendata.cbs.nl``): registered crime per gemeente (47013NED monthly and
  yearly, 47018NED yearly, 47022NED monthly) for the chosen municipalities plus the police units
  (``RE`` codes), population (37230ned or 70072ned) and any further table named by id;
* :func:`snapshot_from_file` builds the same folder from files already downloaded (anything
  :func:`ivpanalysis.read` reads, including the per-gemeente counts JSON).

The folder holds ``police_figures.parquet`` (counts re-keyed to the report's categories with
:func:`ivpanalysis.categories.to_categories`), ``population.parquet`` (measure ``inwoners``),
``survey.parquet`` / ``extra/<table>.parquet`` for tables given that role, and
``provenance.json`` (per table: id, title, catalog URL, retrieved date, period range, the
periods that are voorlopig, row counts). It is written in a temporary folder beside the target
and renamed into place at the end, so a failed fetch never leaves half a folder and keeps the
previous good one.

Downloads go through a *transport* (:class:`CbsodataTransport` by default); tests pass one that
replays responses built from real CBS values. Whatever goes wrong ends in one
:class:`~ivpanalysis.errors.FetchError` sentence (offline, unknown table, no rows).
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import sys
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

import pandas as pd

from ivpanalysis import __version__ as _version
from ivpanalysis.ingest import categories, schema
from ivpanalysis.errors import DataError, FetchError
from ivpanalysis.ingest.loaders import counts_json, read
from ivpanalysis.ingest.validate import problems_in

__all__ = ["fetch", "snapshot_from_file", "add_arguments", "run_cli", "CbsodataTransport", "Transport",
           "TableNotFound", "police_frame", "population_frame", "DEFAULT_TABLES", "KNOWN_TABLES"]

DATADERDEN = "dataderden.cbs.nl"
OPENDATA = "opendata.cbs.nl"
ROLES = ("police", "population", "survey", "regions", "extra")
PROVENANCE = "provenance.json"
CREATED_BY = "ivpanalysis fetch"


@dataclass(frozen=True)
class TableSpec:
    """What to do with one table: its role in the data folder and where it lives."""

    table_id: str
    role: str
    catalog: str | None = None  # None: look in opendata.cbs.nl, then dataderden.cbs.nl
    topics: tuple[str, ...] = ()  # population: topic keys to take, in order of preference


#: tables the project knows; any other id can be fetched too (role ``extra`` unless given)
KNOWN_TABLES = {
    "47013NED": TableSpec("47013NED", "police", DATADERDEN),  # monthly + yearly per gemeente, RE, PV, NL
    "47018NED": TableSpec("47018NED", "police", DATADERDEN),  # yearly per gemeente, wijk, buurt
    "47022NED": TableSpec("47022NED", "police", DATADERDEN),  # monthly per gemeente, wijk, buurt
    "37230ned": TableSpec("37230ned", "population", OPENDATA, ("BevolkingAanHetBeginVanDePeriode",)),
    "70072ned": TableSpec("70072ned", "population", OPENDATA, ("TotaleBevolking",)),
    "85146NED": TableSpec("85146NED", "survey", OPENDATA),  # Veiligheidsmonitor: Sociale veiligheid; regio
    "81955NED": TableSpec("81955NED", "population", OPENDATA, ("BeginstandVoorraad",)),  # dwelling stock
    "84721NED": TableSpec("84721NED", "regions", OPENDATA),  # Gebieden in Nederland 2020
}
DEFAULT_TABLES = ("47013NED", "37230ned")

#: population topics (OData key or StatLine label, compared without case, spaces or '_'):
#: years to add to the period so the value is the population on 1 January, and the label
POPULATION_TOPICS = {
    "bevolkingaanhetbeginvandeperiode": (0, "Inwoners op 1 januari"),
    "totalebevolking": (0, "Inwoners op 1 januari"),
    "bevolkingop1januari": (0, "Inwoners op 1 januari"),
    # the end of year Y is 1 January of Y+1 (CBS's own definition of both)
    "bevolkingaanheteindevandeperiode": (1, "Inwoners op 1 januari (bevolking aan het einde van het jaar ervoor)"),
    "inwoners": (0, None),  # already in our vocabulary (counts JSON); keeps its own label
    # CBS's English tables (37230eng, 03759eng, 70072eng)
    "populationon1january": (0, "Inwoners op 1 januari"),
    "totalpopulation": (0, "Inwoners op 1 januari"),
    "populationatstartofperiod": (0, "Inwoners op 1 januari"),
    "populationatthestartoftheperiod": (0, "Inwoners op 1 januari"),
    "populationon31december": (1, "Inwoners op 1 januari (bevolking op 31 december van het jaar ervoor)"),
    "populationatendofperiod": (1, "Inwoners op 1 januari (bevolking aan het einde van het jaar ervoor)"),
    "populationattheendoftheperiod": (1, "Inwoners op 1 januari (bevolking aan het einde van het jaar ervoor)"),
}
POLICE_TOPIC = "GeregistreerdeMisdrijven"


class TableNotFound(FetchError):
    """The catalog does not know the table (HTTP 404)."""


# --- transport ---------------------------------------------------------------------------------

class Transport(Protocol):
    """How :func:`fetch` talks to CBS: the two calls of ``cbsodata`` it needs.

    ``meta`` returns one metadata resource (``TableInfos``, ``DataProperties``, a code list such
    as ``SoortMisdrijf``); ``download`` returns what ``cbsodata.download_data`` returns: a dict of
    resource name → rows, holding ``TypedDataSet`` or ``UntypedDataSet`` filtered by the OData
    ``filters`` and ``select``. Both raise :class:`TableNotFound` or :class:`FetchError`.
    """

    def meta(self, table_id: str, name: str, catalog: str) -> list[dict]: ...

    def download(self, table_id: str, catalog: str, filters: str | None = None,
                 select: list[str] | None = None) -> dict[str, list[dict]]: ...


class CbsodataTransport:
    """The real transport: ``cbsodata`` over HTTPS, its errors turned into one-sentence FetchErrors.

    ``session`` (optional) is a factory for the ``requests.Session`` cbsodata uses (it creates one
    per request and offers no other hook); it is swapped in only for the duration of a call.
    """

    def __init__(self, timeout: float = 120, session=None):
        self.timeout = timeout
        self.session = session

    @contextmanager
    def _session(self):
        if self.session is None:
            yield
            return
        import cbsodata.cbsodata3 as c3
        old = c3.Session
        c3.Session = self.session
        try:
            yield
        finally:
            c3.Session = old

    def _call(self, fn, table_id: str, catalog: str):
        import requests
        try:
            with self._session():
                return fn()
        except requests.HTTPError as e:
            resp = e.response if e.response is not None else getattr(e.__cause__, "response", None)
            code = getattr(resp, "status_code", None)
            if code in (400, 404):
                raise TableNotFound(f"Table {table_id} does not exist in the catalog {catalog}.") from None
            raise FetchError(f"{catalog} answered HTTP {code} when asked for table {table_id}; try again later.") from None
        except (requests.ConnectionError, requests.Timeout):
            raise FetchError(f"Cannot reach {catalog} (no internet connection?), so table {table_id} "
                             f"was not downloaded; use --from-file with files downloaded elsewhere.") from None
        except (ValueError, KeyError, TypeError) as e:
            raise FetchError(f"{catalog} gave an unexpected answer for table {table_id} ({type(e).__name__}).") from None

    def meta(self, table_id: str, name: str, catalog: str) -> list[dict]:
        import cbsodata
        return self._call(lambda: cbsodata.get_meta(table_id, name, catalog_url=catalog, timeout=self.timeout),
                          table_id, catalog)

    def download(self, table_id: str, catalog: str, filters: str | None = None,
                 select: list[str] | None = None) -> dict[str, list[dict]]:
        import cbsodata
        return self._call(lambda: cbsodata.download_data(table_id, filters=filters, select=select,
                                                         catalog_url=catalog, timeout=self.timeout),
                          table_id, catalog)


def table_url(table_id: str, catalog: str) -> str:
    """The OData address cbsodata downloads a table from (cbsodata 1.3 uses the bulk feed)."""
    return f"https://{catalog}/ODataFeed/odata/{table_id}"


# --- tidy frames by role -----------------------------------------------------------------------

def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"_\d+$", "", str(text)).lower())


def _is_registered_crime(topic: str) -> bool:
    """'Geregistreerde misdrijven' as tables title it (also CBS's own typo 'Geregisteerde'), or no topic."""
    t = _norm(topic)
    return t == "" or (t.startswith("geregist") and t.endswith("misdrijven"))


def police_frame(tidy: pd.DataFrame) -> pd.DataFrame | None:
    """Registered crime keyed by SoortMisdrijf code → counts per category (None if none apply).

    Only the registered-crime topic is kept (47013NED also has Aangiften, Internetaangiften), so
    a category never mixes topics; a frame without topics is taken as registered crime.
    """
    df = tidy[schema.map_unique(tidy["topic"], _is_registered_crime)]
    if df.empty:
        return None
    out = categories.to_categories(df)
    out = out[[c for c in out.columns if c in schema.TIDY_COLUMNS]]
    return out if len(out) else None


def population_frame(tidy: pd.DataFrame) -> pd.DataFrame | None:
    """Yearly population rows → measure ``inwoners``: the population on 1 January of the period.

    End-of-year figures move to the next year (end of 2024 = 1 January 2025); where both give a
    value for the same region and year, the begin-of-period figure is kept. Rows without a region
    are left out. None if the frame holds no population topic.
    """
    key = schema.map_unique(tidy["measure"], _norm)
    hit = key.isin(POPULATION_TOPICS) & schema.map_unique(tidy["period"], lambda p: isinstance(p, pd.Period) and schema.freq_of(p) == "Y")
    hit &= tidy["region_code"].astype(str) != ""  # a denominator needs its region
    if not hit.any():
        return None
    df = tidy[hit].copy()
    shift = key[hit].map(lambda k: POPULATION_TOPICS[k][0])
    label = key[hit].map(lambda k: POPULATION_TOPICS[k][1])
    df["period"] = [p + int(s) for p, s in zip(df["period"], shift)]
    df["measure_label"] = label.where(label.notna(), df["measure_label"])
    df["measure"] = counts_json.POPULATION_MEASURE
    df["unit"] = "aantal"
    df["_order"] = shift.values
    df = df.sort_values("_order", kind="stable")
    df = df[~df.assign(period=schema.map_unique(df["period"], str)).duplicated(["region_code", "period"])]
    df = df.drop(columns="_order").sort_values(["region_code", "period"], kind="stable")
    return schema.finish_tidy(df[[c for c in df.columns if c in schema.TIDY_COLUMNS]], **tidy.attrs)


def _by_role(role: str, tidy: pd.DataFrame) -> pd.DataFrame | None:
    if role == "police":
        return police_frame(tidy)
    if role == "population":
        from ivpanalysis.ingest import roles  # inhabitants, dwellings and exactly 12-24 year olds
        tables = roles.population_tables(tidy, "")
        return tables[0].frame if tables else None
    if role == "survey":
        from ivpanalysis.ingest import survey
        return survey.survey_frame(tidy)
    if role == "regions":
        return tidy
    return tidy[[c for c in tidy.columns if c in schema.TIDY_COLUMNS]]


# --- provenance helpers ------------------------------------------------------------------------

def _period_summary(df: pd.DataFrame) -> dict:
    if df.empty:
        return {"first": None, "last": None, "frequencies": {}}
    counts = df["period"].value_counts()
    freqs: dict[str, int] = {}
    for p, n in counts.items():
        freqs[schema.freq_of(p)] = freqs.get(schema.freq_of(p), 0) + int(n)
    uniq = list(counts.index)
    return {"first": schema.format_period(min(uniq, key=lambda p: p.start_time)),
            "last": schema.format_period(max(uniq, key=lambda p: p.end_time)),
            "frequencies": dict(sorted(freqs.items()))}


def _voorlopig(df: pd.DataFrame) -> list[str]:
    sub = df.loc[df["status"] == "voorlopig", "period"].drop_duplicates()
    return sorted({schema.format_period(p) for p in sub}, key=lambda s: (len(s), s))


def _table_record(table_id: str, role: str, tidy: pd.DataFrame, **more) -> dict:
    catalog = more.pop("catalog", None) or (KNOWN_TABLES[table_id].catalog if table_id in KNOWN_TABLES else None)
    rec = {"table_id": table_id, "role": role, "title": more.pop("title", ""), "catalog": catalog,
           "url": table_url(table_id, catalog) if catalog else None}
    rec.update(more)
    rec["periods"] = _period_summary(tidy)
    rec["voorlopig"] = _voorlopig(tidy)
    rec["regions"] = int(tidy["region_code"].nunique())
    return rec


# --- the data folder ---------------------------------------------------------------------------

def _is_snapshot(folder: Path) -> bool:
    p = folder / PROVENANCE
    if not p.exists():
        return False
    try:
        return json.loads(p.read_text(encoding="utf-8")).get("created_by", "").startswith(CREATED_BY)
    except (ValueError, AttributeError):
        return False


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not _is_snapshot(out))):
        raise FetchError(f"{out} exists and is not a data folder written by ivpanalysis fetch, "
                         f"so it is left alone; choose another --out.")


@contextmanager
def _atomic_folder(out: Path):
    """Yield a staging folder beside ``out``; on success it replaces ``out`` in one rename."""
    out = Path(out)
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    stage.chmod(0o755)  # mkdtemp makes it private; the data folder is an ordinary folder
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = None
    try:
        if out.exists():
            old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
            out.rename(old)
        stage.rename(out)
    except BaseException:
        if old is not None and not out.exists():
            old.rename(out)
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _combine(parts: list[tuple[dict, pd.DataFrame]]) -> pd.DataFrame | None:
    """Concatenate one role's frames; where tables overlap, the first table given wins.

    Each table's record gets ``rows.written`` and ``rows.dropped_as_overlap``.
    """
    if not parts:
        return None
    both = pd.concat([df.assign(_part=i) for i, (_, df) in enumerate(parts)], ignore_index=True)
    dup = both.assign(_period=schema.map_unique(both["period"], str)).duplicated(
        ["region_code", "_period", "measure"], keep="first")  # parts in order: the first table wins
    for i, (rec, _) in enumerate(parts):
        mine = both["_part"] == i
        rec.setdefault("rows", {})["dropped_as_overlap"] = int((dup & mine).sum())
        rec["rows"]["written"] = int((~dup & mine).sum())
    return both[~dup].drop(columns="_part").reset_index(drop=True)


def _write_parquet(df: pd.DataFrame, path: Path) -> dict:
    out = df[schema.TIDY_COLUMNS].copy()
    out["period"] = schema.map_unique(out["period"], schema.format_period)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_parquet(path, index=False)
    return {"rows": int(len(out)), "regions": int(out["region_code"].nunique()),
            "measures": sorted(out["measure"].unique().tolist())}


def _write_folder(stage: Path, records: list[dict], frames: list[tuple[str, str, dict, pd.DataFrame]], meta: dict) -> None:
    files = {}
    by_role: dict[str, list] = {}
    for role, name, rec, df in frames:  # one file per role; each further (extra) table its own file
        by_role.setdefault((role, name if role == "extra" else ""), []).append((rec, df))
    from ivpanalysis.ingest import snapshot
    conflicts: list = []
    for (role, name), parts in by_role.items():
        if role == "regions":
            files["regions.parquet"] = snapshot._regions(parts, stage)
            continue
        if role == "survey":
            files["survey.parquet"] = snapshot._tidy_role("survey", parts, stage, {"conflicts": conflicts})
            continue
        df = _combine(parts)
        target = {"police": "police_figures.parquet", "population": "population.parquet",
                  "survey": "survey.parquet"}.get(role, f"extra/{name}.parquet")
        # police counts and population must be valid counts; further tables may hold balances (< 0)
        problems = problems_in(df, f"{'+'.join(r['table_id'] for r, _ in parts)} ({target})") \
            if role in ("police", "population") else []
        if problems:  # nothing is written: the stage folder is discarded
            raise DataError(problems)
        files[target] = _write_parquet(df, stage / target)
    prov = {"created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "created_by": f"{CREATED_BY} (ivpanalysis {_version})", **meta, "tables": records, "files": files,
            "conflicts": conflicts}
    (stage / PROVENANCE).write_text(json.dumps(prov, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- fetch -------------------------------------------------------------------------------------

def _regions(code_or_all) -> list[str] | None:
    """Region codes to fetch (None = all municipalities); names are looked up in the code list."""
    if isinstance(code_or_all, str):
        code_or_all = [code_or_all]
    items = [str(c).strip() for c in code_or_all]
    if any(c.lower() in ("all", "--all") for c in items):
        return None
    if not items:
        raise FetchError("Name at least one municipality (code such as GM0995, or name) or ask for all of them.")
    codes = []
    for c in items:
        code = c.upper() if re.match(r"^(GM|RE|PV|NL|LD)\d{2,4}$", c, re.I) else schema.code_for_name(c)
        if not code or (code.startswith("GM") and not schema.GM_PATTERN.match(code)):
            raise FetchError(f"{c!r} is not a municipality code (GM followed by four digits) or a name in the CBS code list.")
        codes.append(code)
    return codes


def _spec(item: str | TableSpec) -> TableSpec:
    if isinstance(item, TableSpec):
        return item
    tid, _, role = str(item).strip().partition(":")
    known = next((s for k, s in KNOWN_TABLES.items() if k.lower() == tid.lower()), None)
    if role and role not in ROLES:
        raise FetchError(f"Unknown role {role!r} for table {tid}; use one of {', '.join(ROLES)}.")
    if not re.match(r"^[0-9]{5}[A-Za-z]{3}$", tid):
        raise FetchError(f"{tid!r} is not a CBS table id (five digits and three letters, such as 47013NED).")
    if known:
        return TableSpec(known.table_id, role or known.role, known.catalog, known.topics)
    return TableSpec(tid, role or "extra")


def _find_catalog(spec: TableSpec, transport: Transport) -> tuple[str, list[dict]]:
    for catalog in ([spec.catalog] if spec.catalog else [OPENDATA, DATADERDEN]):
        try:
            return catalog, transport.meta(spec.table_id, "TableInfos", catalog)
        except TableNotFound:
            continue
    where = spec.catalog or f"{OPENDATA} or {DATADERDEN}"
    raise FetchError(f"Table {spec.table_id} does not exist in the CBS catalog {where}.")


def _or(terms: list[str]) -> str:
    return "(" + " or ".join(terms) + ")"


def _prefixes(spec: TableSpec, regions: list[str] | None) -> list[str]:
    """Region code prefixes to ask for."""
    if regions is None or spec.role == "regions":  # regions: the classification of every municipality
        prefixes = ["GM"]
    else:
        prefixes = list(regions)
    if spec.role == "police" and not any(p.startswith("RE") for p in prefixes):
        prefixes.append("RE")  # every police unit: the code lists do not say which unit a gemeente is in
    if spec.role == "survey" and regions is not None:
        prefixes += ["RE", "PV", "NL", "LD"]  # the comparison levels a survey table reports on
    return prefixes


def _plan(spec: TableSpec, props: list[dict], regions: list[str] | None, transport: Transport,
          catalog: str) -> tuple[str | None, list[str] | None, str | None]:
    """(OData filter, select, region dimension) for one table."""
    keys = {p.get("Key"): p for p in props if p.get("Key")}
    region_dim = next((k for k, p in keys.items() if p.get("Type") in ("GeoDimension", "GeoDetail")), None) \
        or next((k for k in ("RegioS", "WijkenEnBuurten", "Gemeenten") if k in keys), None)
    topics = [k for k, p in keys.items() if p.get("Type") == "Topic"]
    groups, select = [], None
    if region_dim:
        groups.append(_or([f"startswith({region_dim},'{p}')" for p in _prefixes(spec, regions)]))
    if spec.role == "police":
        topic = next((t for t in topics if _norm(t) == _norm(POLICE_TOPIC)), None)
        crime_dim = "SoortMisdrijf" if "SoortMisdrijf" in keys else None
        if topic is None or crime_dim is None:
            raise FetchError(f"Table {spec.table_id} has no {POLICE_TOPIC} topic by SoortMisdrijf, "
                             f"so it cannot give police counts.")
        wanted = categories.all_codes()
        exact = [r["Key"] for r in transport.meta(spec.table_id, crime_dim, catalog) if str(r.get("Key", "")).strip() in wanted]
        if not exact:
            raise FetchError(f"Table {spec.table_id} has none of the SoortMisdrijf codes the report's categories use.")
        groups.append(_or([f"{crime_dim} eq '{k}'" for k in exact]))
        select = [crime_dim] + ([region_dim] if region_dim else []) + ["Perioden", topic]
    elif spec.role == "population":
        from ivpanalysis.ingest.roles import DWELLING_TOPICS
        topic = next((t for want in spec.topics for t in topics if _norm(t) == _norm(want)), None) \
            or next((t for t in topics if _norm(t) in POPULATION_TOPICS or _norm(t) in DWELLING_TOPICS), None)
        if topic is None:
            raise FetchError(f"Table {spec.table_id} has no population or dwelling-stock topic "
                             f"({', '.join(sorted(POPULATION_TOPICS))}), so it cannot give inhabitants or dwellings.")
        groups.append("(substringof('JJ',Perioden))")
        for dim in _breakdowns(keys, region_dim):  # e.g. Gebruiksfunctie: keep its 'Woningen' (or total) key
            key = _fixed_key(spec, dim, transport, catalog)
            groups.append(f"({dim} eq '{key}')")
        select = ([region_dim] if region_dim else []) + ["Perioden", topic]
    return (" and ".join(groups) or None), select, region_dim


def _breakdowns(keys: dict, region_dim: str | None) -> list[str]:
    return [k for k, p in keys.items() if p.get("Type") == "Dimension" and k not in (region_dim, "Perioden")]


def _fixed_key(spec: TableSpec, dim: str, transport: Transport, catalog: str) -> str:
    """The key of a breakdown to keep for population/dwellings: 'Woningen' if listed, else the total."""
    from ivpanalysis.ingest.loaders.odata import _is_total
    codes = transport.meta(spec.table_id, dim, catalog)
    by_title = {str(c.get("Title", "")).strip().casefold(): c["Key"] for c in codes}
    key = by_title.get("woningen") or by_title.get("dwellings") or \
        next((c["Key"] for c in codes if _is_total(str(c["Key"])) or _is_total(str(c.get("Title", "")))), None)
    if key is None:
        raise FetchError(f"Table {spec.table_id} splits its figures by {dim} without a total or 'Woningen' key, "
                         f"so it cannot give one figure per municipality.")
    return key


def _write_csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> None:
    cols = columns or list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC)
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in cols])


def _download(spec: TableSpec, regions: list[str] | None, transport: Transport, raw: Path,
              today: str) -> tuple[dict, pd.DataFrame]:
    catalog, infos = _find_catalog(spec, transport)
    props = transport.meta(spec.table_id, "DataProperties", catalog)
    filters, select, region_dim = _plan(spec, props, regions, transport, catalog)
    data = transport.download(spec.table_id, catalog, filters=filters, select=select)
    rows = data.get("TypedDataSet") if data.get("TypedDataSet") is not None else data.get("UntypedDataSet")
    if rows is None:
        raise FetchError(f"{catalog} sent no data set for table {spec.table_id}.")
    downloaded = len(rows)
    if regions is not None and region_dim:  # in case a server ignores the filter
        rows = [r for r in rows if str(r.get(region_dim, "")).strip().startswith(tuple(_prefixes(spec, regions)))]
    if not rows:
        which = "all municipalities" if regions is None else ", ".join(regions)
        raise FetchError(f"Table {spec.table_id} has no rows for {which}.")
    missing = []
    if regions is not None and region_dim and spec.role != "regions":
        have = {str(r.get(region_dim, "")).strip() for r in rows}
        missing = [c for c in regions if c not in have]
        if missing and spec.role != "survey":  # the Veiligheidsmonitor reports on some municipalities only
            raise FetchError(f"Table {spec.table_id} has no rows for {', '.join(missing)}.")
    raw.mkdir(parents=True, exist_ok=True)
    columns = [c for c in (select or []) if any(c in r for r in rows[:1])] or None
    _write_csv(raw / "data.csv", rows, columns)
    _write_csv(raw / "DataProperties.csv", data.get("DataProperties") or props)
    _write_csv(raw / "TableInfos.csv", data.get("TableInfos") or infos)
    try:
        periods = data.get("Perioden") or transport.meta(spec.table_id, "Perioden", catalog)
    except TableNotFound:  # a table without periods (Gebieden in Nederland)
        periods = []
    _write_csv(raw / "Perioden.csv", periods)
    info = (infos or [{}])[0]
    if spec.role == "regions":
        return _regions_record(spec, raw, info, catalog, today, filters, downloaded)
    try:
        tidy = read(raw / "data.csv")
    except DataError as e:
        raise FetchError(f"Table {spec.table_id} from {catalog} could not be read: {e.problems[0]}.") from None
    table_id = str(info.get("Identifier") or spec.table_id).strip()  # CBS's own spelling of the id
    tidy = tidy.assign(retrieved=today, source=table_id,
                       status=tidy["status"].map(lambda s: "voorlopig" if "voorlopig" in s else s))
    rec = _table_record(table_id, spec.role, tidy, title=str(info.get("Title", "")).strip(), catalog=catalog,
                        modified=info.get("Modified"), retrieved=today, filter=filters, select=select,
                        rows={"downloaded": downloaded, "tidy": int(len(tidy))},
                        **({"not_in_table": missing} if missing else {}))
    return rec, tidy


def _regions_record(spec: TableSpec, raw: Path, info: dict, catalog: str, today: str, filters, downloaded: int):
    """Gebieden in Nederland: the classification table, not a tidy frame."""
    from ivpanalysis.ingest import roles
    rec = roles.recognise(raw / "data.csv")
    t = next((t for t in rec.tables if t.role == "regions"), None)
    table_id = str(info.get("Identifier") or spec.table_id).strip()
    if t is None:
        raise FetchError(f"Table {table_id} is not a Gebieden in Nederland table (no police unit, province and "
                         f"COROP codes per municipality), so it cannot give regions.")
    frame = t.frame.assign(edition=f"{table_id} {str(info.get('Title', '')).strip()}".strip())
    out = {"table_id": table_id, "role": "regions", "title": str(info.get("Title", "")).strip(), "catalog": catalog,
           "url": table_url(table_id, catalog), "modified": info.get("Modified"), "retrieved": today, "filter": filters,
           "rows": {"downloaded": downloaded, "tidy": int(len(frame))}, "regions": int(len(frame)),
           "periods": {"first": None, "last": None, "frequencies": {}}, "voorlopig": []}
    return out, frame


def fetch(code_or_all, tables: Iterable[str | TableSpec] = DEFAULT_TABLES, out: str | Path | None = None,
          transport: Transport | None = None, *, keep_raw: bool = False, today: str | None = None) -> Path:
    """Download ``tables`` for municipalities into the data folder ``out``; returns its path.

    ``code_or_all``: a code (``GM0995``), a name (``Lelystad``), a list of them, or ``"all"``.
    ``tables``: table ids, optionally ``ID:role`` (role police, population, survey or extra).
    Police tables also bring every police unit (``RE01``…``RE10``, ``RE99``) where they have
    them. ``keep_raw`` keeps the downloaded rows as cbsodata-style CSV files under ``raw/``.
    Raises :class:`FetchError` (one sentence) when anything cannot be downloaded; ``out`` is
    then untouched.
    """
    if out is None:
        raise FetchError("Name the data folder to write (out=…, or --out DIR).")
    regions = _regions(code_or_all)
    specs = [_spec(t) for t in tables]
    if not specs:
        raise FetchError("Name at least one table to fetch.")
    transport = transport or CbsodataTransport()
    today = today or dt.date.today().isoformat()
    out = Path(out)
    with _atomic_folder(out) as stage:
        records, frames = [], []
        for spec in specs:
            rec, tidy = _download(spec, regions, transport, stage / "raw" / spec.table_id, today)
            frame = _by_role(spec.role, tidy)
            if frame is None or frame.empty:
                raise FetchError(f"Table {spec.table_id} gave no {spec.role} figures that the report can use.")
            rec["rows"]["role"] = int(len(frame))
            rec["status"] = snapshot_status(frame)
            records.append(rec)
            frames.append((spec.role, rec["table_id"], rec, frame))
        _write_folder(stage, records, frames, {"regions": "all" if regions is None else regions})
        if not keep_raw:
            shutil.rmtree(stage / "raw", ignore_errors=True)
    return out


# --- from files --------------------------------------------------------------------------------

def snapshot_from_file(paths: Iterable[str | Path] | str | Path, out: str | Path, add: bool = False) -> Path:
    """Build the data folder :func:`fetch` writes from files downloaded earlier (or elsewhere).

    Each file is sorted into a role by its content (:mod:`ivpanalysis.ingest.roles`): police
    counts, population, survey, regions, boundaries, incidents (with a PC4 table), the plan's own
    files; a file with no role is listed in provenance as refused, with the reason. Overlaps
    resolve by rule (politie over 83648NED, newer over older). ``add=True`` adds to the folder
    ``out`` already holds, keeping what is there; provenance says what was replaced.
    """
    from ivpanalysis.ingest import snapshot
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise FetchError("Name at least one file to build the data folder from.")
    for p in paths:
        if not p.is_file():
            raise FetchError(f"{p} does not exist or is not a file.")
    out = Path(out)
    existing = None
    if add and out.exists():
        if not _is_snapshot(out):
            raise FetchError(f"{out} is not a data folder written by ivpanalysis fetch, so nothing can be added to it.")
        existing = snapshot._existing(out)
    with _atomic_folder(out) as stage:
        if existing is not None:  # keep files no role rewrites (the plan's own, earlier boundaries)
            for f in out.rglob("*"):
                if f.is_file() and not (stage / f.relative_to(out)).exists():
                    (stage / f.relative_to(out)).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(f, stage / f.relative_to(out))
        prov = snapshot.build(stage, paths, existing)
        (stage / PROVENANCE).write_text(json.dumps(prov, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return out


def snapshot_status(frame) -> str:
    from ivpanalysis.ingest import snapshot
    return snapshot._status(frame)


def fetch_and_add(code_or_all, tables, out: str | Path, transport: Transport | None = None,
                  today: str | None = None) -> Path:
    """:func:`fetch` into a fresh folder, then add its tables to ``out`` by the rules of ``--add``.

    The downloaded tables' own provenance records (catalog, filter, retrieved) replace the
    records of the intermediate files.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.fetch-", dir=out.parent) as tmp:
        new = fetch(code_or_all, tables=tables, out=Path(tmp) / "new", transport=transport, today=today)
        files = sorted(p for p in new.iterdir() if p.suffix == ".parquet")
        snapshot_from_file(files, out, add=True)
        got = json.loads((new / PROVENANCE).read_text(encoding="utf-8"))
        prov = json.loads((out / PROVENANCE).read_text(encoding="utf-8"))
        prov["tables"] = [r for r in prov["tables"] if not str(r.get("file", "")).startswith(str(new.resolve()))] + got["tables"]
        prov["from_files"] = [f for f in prov.get("from_files", []) if not f.startswith(str(new))]
        (out / PROVENANCE).write_text(json.dumps(prov, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return out


#: CBS's municipal boundaries (generalised) as WFS on PDOK, one service per year of the indeling
PDOK_BOUNDARIES = ("https://service.pdok.nl/cbs/gebiedsindelingen/{year}/wfs/v1_0?request=GetFeature&service=WFS"
                   "&version=1.1.0&outputFormat=application%2Fjson&typeName=gebiedsindelingen:gemeente_gegeneraliseerd")


def fetch_boundaries(year: int, out: str | Path, session=None) -> Path:
    """Download the ``gemeente_gegeneraliseerd`` boundaries of ``year`` from PDOK and add them to ``out``.

    ``session`` (optional) is a factory for the ``requests.Session`` to use (tests pass a fake).
    A municipality of today that the year predates gets its predecessors' shapes (see
    :mod:`ivpanalysis.ingest.boundaries`).
    """
    import requests
    url = PDOK_BOUNDARIES.format(year=int(year))
    try:
        resp = (session() if session else requests.Session()).get(url, timeout=120)
        resp.raise_for_status()
    except requests.RequestException as e:
        code = getattr(getattr(e, "response", None), "status_code", None)
        why = f"HTTP {code}" if code else "no connection"
        raise FetchError(f"The {year} municipal boundaries could not be downloaded from service.pdok.nl ({why}); "
                         f"download gemeente_gegeneraliseerd as GeoJSON elsewhere and add it with --from-file.") from None
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.boundaries-", dir=out.parent) as tmp:
        f = Path(tmp) / f"gemeente_gegeneraliseerd_{int(year)}.geojson"
        f.write_bytes(resp.content)
        snapshot_from_file([f], out, add=out.exists())
        prov = json.loads((out / PROVENANCE).read_text(encoding="utf-8"))
        for t in prov["tables"]:
            if t.get("file") == str(f.resolve()):
                t.update(url=url, retrieved=dt.date.today().isoformat(), file=None)
        (out / PROVENANCE).write_text(json.dumps(prov, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return out


# --- command line ------------------------------------------------------------------------------

def add_arguments(parser) -> None:
    """Arguments of ``ivpanalysis fetch`` on an argparse (sub)parser."""
    parser.add_argument("municipalities", nargs="*", metavar="GEMEENTE",
                        help="municipality codes (GM0995) or names (Lelystad)")
    parser.add_argument("--all", action="store_true", help="all municipalities")
    parser.add_argument("--tables", nargs="+", metavar="ID[:ROLE]", default=None,
                        help=f"CBS table ids (default: {' '.join(DEFAULT_TABLES)}); add :survey or :extra to "
                             f"store a further table, e.g. a Veiligheidsmonitor table")
    parser.add_argument("--out", required=True, metavar="DIR", help="data folder to write (replaced only when "
                        "it is a folder written by ivpanalysis fetch)")
    parser.add_argument("--from-file", nargs="+", metavar="FILE", dest="from_file", default=None,
                        help="build the folder from downloaded files instead of downloading")
    parser.add_argument("--keep-raw", action="store_true", help="keep the downloaded rows as CSV under DIR/raw/")
    parser.add_argument("--boundaries", type=int, metavar="YEAR", default=None,
                        help="also download the municipal boundaries of YEAR from PDOK (CBS gebiedsindelingen)")
    parser.add_argument("--add", action="store_true", help="add to the data folder DIR instead of replacing it "
                        "(what is there stays; the output says what an added table replaced)")


def run_cli(args, transport: Transport | None = None) -> int:
    """Run ``ivpanalysis fetch``: 0 on success, 1 with one ``error: …`` line on stderr otherwise."""
    try:
        if args.from_file:
            if args.municipalities or args.all or args.tables:
                raise FetchError("--from-file builds the folder from the files alone; leave out municipalities, "
                                 "--all and --tables.")
            out = snapshot_from_file(args.from_file, args.out, add=getattr(args, "add", False))
        else:
            if args.all and args.municipalities:
                raise FetchError("Give municipalities or --all, not both.")
            who = "all" if args.all else args.municipalities
            tables = args.tables or DEFAULT_TABLES
            if getattr(args, "boundaries", None) and not (args.municipalities or args.all or args.tables):
                out = fetch_boundaries(args.boundaries, args.out, session=getattr(transport, "session", None))
            elif getattr(args, "add", False) and Path(args.out).exists():
                out = fetch_and_add(who, tables, args.out, transport)
            else:
                out = fetch(who, tables=tables, out=args.out, transport=transport, keep_raw=args.keep_raw)
            if getattr(args, "boundaries", None) and (args.municipalities or args.all or args.tables):
                out = fetch_boundaries(args.boundaries, args.out, session=getattr(transport, "session", None))
    except FetchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except DataError as e:
        more = f" (and {len(e.problems) - 1} more problems)" if len(e.problems) > 1 else ""
        print(f"error: {e.problems[0]}{more}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: {e.strerror or e} ({e.filename})" if e.filename else f"error: {e}", file=sys.stderr)
        return 1
    prov = json.loads((out / PROVENANCE).read_text(encoding="utf-8"))
    print(f"written: {out}")
    for name, facts in prov["files"].items():
        print(f"  {name}: {facts['rows']} rows, {facts['regions']} regions")
    for r in prov.get("refused", []):
        print(f"  not taken: {r['reason']}")
    for r in prov.get("replaced", []):
        print(f"  replaced: {r['rows']} rows of {r['of']} ({r['role']})")
    for c in prov.get("conflicts", []):
        print(f"  conflict: {c.get('region_code')} {c.get('year', c.get('period'))}: "
              f"{c.get('message') or 'values differ: ' + str(c.get('kept')) + ' vs ' + str(c.get('other'))}")
    return 0
