"""A data folder from downloaded files: each file into its role (:mod:`roles`), checked, then written at once.

Files per role (the names are a contract; see docs/data.md): ``police_figures.parquet``,
``population.parquet``, ``survey.parquet`` (with ``margin``), ``incidents.parquet`` (with
``partial``), ``regions.parquet``, ``boundaries.geojson``, ``pc4.parquet``, ``indicators.csv``,
``registers/*.csv`` and ``provenance.json`` (every file with role, table id, period range and
status; files refused and why; conflicts; with ``add=True`` what an added file replaced).

Overlaps resolve by rule, not by the order files are named: a politie table wins over CBS
83648NED, and between tables of the same rank the newer download wins (the table's own
``Modified`` date, else the file's); only a tie keeps the order given.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd

from ivpanalysis import __version__ as _version
from ivpanalysis.errors import DataError, FetchError
from ivpanalysis.ingest import boundaries, categories, incidents, role_schemas, roles, schema, survey
from ivpanalysis.ingest.validate import problems_in

TIDY_FILES = {"police": "police_figures.parquet", "population": "population.parquet",
              "survey": "survey.parquet", "incidents": "incidents.parquet"}


def _facts(path: Path) -> dict:
    return {"file": str(path.resolve()), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "file_modified": roles.file_time(path)}


def _status(df) -> str:
    if not isinstance(df, pd.DataFrame) or not {"status", "period"} <= set(df.columns) or df.empty:
        return "not applicable"
    vs = sorted({schema.format_period(p) for p in df.loc[df["status"] == "voorlopig", "period"].drop_duplicates()})
    if vs:
        return "voorlopig: " + ", ".join(vs)
    return "definitief" if (df["status"] == "definitief").all() else "onbekend"


def _record(rec: roles.Recognition, t: roles.RoleTable, facts: dict) -> dict:
    from ivpanalysis.ingest import fetch
    base = {"format": rec.format, "retrieved": None, **facts,
            **{k: v for k, v in t.facts.items() if k != "rank"}}
    if isinstance(t.frame, pd.DataFrame) and {"period", "status", "region_code"} <= set(t.frame.columns):
        r = fetch._table_record(t.table_id, t.role, t.frame, title=str(t.frame.attrs.get("title", "") or ""), **base)
        r["rows"] = {"role": int(len(t.frame))}
    else:
        r = {"table_id": t.table_id, "role": t.role, **base, "periods": {"first": None, "last": None, "frequencies": {}},
             "rows": {"role": len(t.frame["features"]) if isinstance(t.frame, dict) else int(len(t.frame))}}
    r["status"] = _status(t.frame)
    r["_rank"] = t.facts.get("rank", roles.POLITIE_RANK)
    return r


def _ordered(parts: list[tuple[dict, object]]) -> list[tuple[dict, object]]:
    """Rank first (politie before 83648NED), then newest first; ties keep the order given."""
    def when(rec):
        return str(rec.get("modified") or rec.get("file_modified") or "")
    idx = sorted(range(len(parts)), key=lambda i: (parts[i][0].get("_rank", 0), _neg(when(parts[i][0])), i))
    return [parts[i] for i in idx]


def _neg(s: str) -> tuple:
    return tuple(-ord(c) for c in s)


def _write_tidy(df: pd.DataFrame, path: Path, extra: list[str]) -> dict:
    out = df[schema.TIDY_COLUMNS + [c for c in extra if c in df.columns]].copy()
    out["period"] = schema.map_unique(out["period"], schema.format_period)
    out.to_parquet(path, index=False)
    return {"rows": int(len(out)), "regions": int(out["region_code"].nunique()),
            "measures": sorted(out["measure"].astype(str).unique().tolist())}


def _check(problems: list, where: str) -> None:
    if problems:
        raise DataError(problems)  # nothing is written: the stage folder is discarded


# --- one role each -----------------------------------------------------------------------------

def _tidy_role(role: str, parts, stage: Path, meta: dict) -> dict:
    from ivpanalysis.ingest import fetch
    target = TIDY_FILES[role]
    parts = _ordered(parts)
    if role == "survey":
        df, conflicts = survey.merge(parts)
        meta["conflicts"] += [{"role": "survey", **c} for c in conflicts]
    else:
        df = fetch._combine(parts)
    _check(problems_in(df, f"{'+'.join(r['table_id'] for r, _ in parts)} ({target})"), target)
    return _write_tidy(df, stage / target, ["margin"] if role == "survey" else ["partial"] if role == "incidents" else [])


def _regions(parts, stage: Path) -> dict:
    rec, df = _ordered(parts)[0]  # the newest edition; earlier ones are listed in provenance
    df = df.copy()
    df["edition"] = df["edition"].replace("", None).fillna(rec.get("edition") or rec.get("table_id", ""))
    _check(role_schemas.regions_problems(df, "regions.parquet"), "regions.parquet")
    df.to_parquet(stage / "regions.parquet", index=False)
    return {"rows": int(len(df)), "regions": int(df["region_code"].nunique())}


def _boundaries(parts, stage: Path, meta: dict) -> dict:
    rec, b = max(parts, key=lambda p: p[1].get("year") or 0)  # the most recent indeling
    fc, reasons = boundaries.for_current(b)
    _check(role_schemas.boundaries_problems(fc, "boundaries.geojson"), "boundaries.geojson")
    (stage / "boundaries.geojson").write_text(json.dumps(fc), encoding="utf-8")
    built = {f["properties"]["region_code"]: f["properties"]["built_from"] for f in fc["features"] if f["properties"]["built_from"]}
    meta["boundaries"] = {"year": b.get("year"), "built_from_predecessors": built, "without_shape": reasons}
    return {"rows": len(fc["features"]), "regions": len(fc["features"])}


def _pc4(parts, stage: Path) -> tuple[dict, pd.DataFrame]:
    df = pd.concat([d for _, d in _ordered(parts)]).drop_duplicates("postcode", keep="first")
    _check(role_schemas.pc4_problems(df, "pc4.parquet"), "pc4.parquet")
    df.to_parquet(stage / "pc4.parquet", index=False)
    return {"rows": int(len(df)), "regions": int(df["region_code"].nunique())}, df


def _plan(parts, stage: Path) -> dict:
    files = {}
    for rec, df in parts:
        _check(role_schemas.plan_problems(df, Path(rec["file"]).name), rec["target"])
        target = stage / rec["target"]
        target.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(target, index=False)
        files[rec["target"]] = {"rows": int(len(df)), "regions": int(df["region_code"].nunique()) if "region_code" in df else 0}
    return files


# --- conflicts between tables --------------------------------------------------------------------

def _yearly(df: pd.DataFrame) -> pd.DataFrame:
    """Yearly values per region, measure and source: years as given, or the sum of 12 months."""
    freq = schema.map_unique(df["period"], schema.freq_of)
    year = schema.map_unique(df["period"], lambda p: p.year)
    y = df[freq == "Y"].assign(year=year)
    m = df[freq == "M"].assign(year=year).groupby(["region_code", "measure", "source", "year"])["value"].agg(["sum", "count"])
    m = m[m["count"] == 12]["sum"].rename("value").reset_index()
    return pd.concat([y[["region_code", "measure", "source", "year", "value"]], m], ignore_index=True)


def total_conflicts(police: pd.DataFrame) -> list[dict]:
    """Totals lower than the sum of their parts from another table (a total that cannot be right)."""
    cats = categories.table()
    parts_keys = cats[(cats["parent"].fillna("") == "") & (cats["counted_in_total"] == "yes")
                      & (cats["key"] != "criminaliteit_totaal")]["key"]
    y = _yearly(police.dropna(subset=["value"]))
    tot = y[y["measure"] == "criminaliteit_totaal"]
    parts = y[y["measure"].isin(parts_keys)].groupby(["region_code", "year", "source"])["value"].agg(["sum", "count"]).reset_index()
    both = tot.merge(parts, on=["region_code", "year"], suffixes=("", "_parts"))
    bad = both[(both["source"] != both["source_parts"]) & (both["sum"] > both["value"])]
    return [{"role": "police", "region_code": r.region_code, "year": int(r.year), "total": float(r.value),
             "total_from": str(r.source), "sum_of_parts": float(r.sum), "parts": int(r.count),
             "parts_from": str(r.source_parts),
             "message": (f"the total of {r.source} ({r.value:g}) is lower than the sum of {int(r.count)} "
                         f"of its parts in {r.source_parts} ({r.sum:g})")}
            for r in bad.itertuples(index=False)]


# --- the whole folder ----------------------------------------------------------------------------

def _existing(out: Path) -> tuple[dict, dict[str, list]]:
    """Provenance and role parts of a folder written earlier (``add=True``)."""
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    parts: dict[str, list] = {}
    created = prov.get("created", "")
    # rows of 83648NED keep their lower rank: their tables are the ones provenance says are rounded
    cbs_sources = {v for t in prov.get("tables", []) if t.get("rounded")
                   for v in (t.get("table_id"), Path(t.get("file") or "").name) if v}
    for role, name in TIDY_FILES.items():
        if (out / name).exists():
            df = pd.read_parquet(out / name)
            df["period"] = schema.map_unique(df["period"].astype(str), lambda p: schema.parse_period(p)[0])
            df = schema.finish_tidy(df, source_file=str(out / name))
            is_cbs = df["source"].astype(str).isin(cbs_sources)
            for rank, rows in ((roles.POLITIE_RANK, df[~is_cbs]), (roles.CBS_RANK, df[is_cbs])):
                if rows.empty:
                    continue
                rec = {"table_id": f"{name} (already in the folder)", "role": role, "file_modified": created,
                       "_rank": rank, "_existing": True}
                parts.setdefault("incidents_ready" if role == "incidents" else role, []).append((rec, rows))
    for name, role in (("regions.parquet", "regions"), ("pc4.parquet", "pc4")):
        if (out / name).exists():
            parts.setdefault(role, []).append(({"table_id": f"{name} (already in the folder)", "_rank": 0,
                                                 "file_modified": created, "_existing": True}, pd.read_parquet(out / name)))
    return prov, parts


def _recognise_all(paths: list[Path], parts: dict, records: list, refused: list) -> None:
    for p in paths:
        rec = roles.recognise(p)
        if rec.refusal:
            refused.append({"file": str(p.resolve()), "format": rec.format, "reason": rec.refusal})
            continue
        facts = _facts(p)
        for t in rec.tables:
            r = _record(rec, t, facts)
            records.append(r)
            parts.setdefault(t.role, []).append((r, t.frame))


def build(stage: Path, paths: list[Path], existing: tuple[dict, dict] | None) -> dict:
    """Recognise, combine, check and write every role into ``stage``; returns provenance."""
    prov_old, parts = existing or ({}, {})
    parts = {k: list(v) for k, v in parts.items()}
    records, refused = [], []
    _recognise_all(paths, parts, records, refused)
    for rec, codes in parts.pop("metadata", []):
        _enrich(rec, codes, parts, refused)
    records = [r for r in records if r["role"] != "metadata" or r.get("describes")]
    if not [r for r in records if r["role"] != "metadata"]:
        raise FetchError(" ".join(r["reason"] for r in refused) or "No file gave a table for a data folder.")
    meta = {"conflicts": []}
    files = {}
    pc4 = None
    if "pc4" in parts:
        files["pc4.parquet"], pc4 = _pc4(parts["pc4"], stage)
    ready = parts.pop("incidents_ready", [])
    new = parts.pop("incidents", [])
    if new:
        ready = ready + _monthly_parts(new, pc4)
    if ready:
        files["incidents.parquet"] = _tidy_role("incidents", ready, stage, meta)
    for role in ("police", "population", "survey"):
        if parts.get(role):
            files[TIDY_FILES[role]] = _tidy_role(role, parts[role], stage, meta)
    if parts.get("regions"):
        files["regions.parquet"] = _regions(parts["regions"], stage)
    if parts.get("boundaries"):
        files["boundaries.geojson"] = _boundaries(parts["boundaries"], stage, meta)
    if parts.get("plan"):
        files.update(_plan(parts["plan"], stage))
    if (stage / TIDY_FILES["police"]).exists():
        pol = pd.read_parquet(stage / TIDY_FILES["police"])
        pol["period"] = schema.map_unique(pol["period"].astype(str), lambda p: schema.parse_period(p)[0])
        meta["conflicts"] += total_conflicts(pol)
    replaced = _replaced(parts)
    tables = [t for t in prov_old.get("tables", [])] + records
    for t in tables:
        t.pop("_rank", None)
    old_files = prov_old.get("files", {})
    return {"created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "created_by": f"ivpanalysis fetch (ivpanalysis {_version})", "regions": "as in the files",
            "from_files": prov_old.get("from_files", []) + [str(p) for p in paths],
            "tables": tables, "files": {**old_files, **files}, "refused": prov_old.get("refused", []) + refused,
            "conflicts": meta["conflicts"], "boundaries": meta.get("boundaries", prov_old.get("boundaries")),
            "replaced": replaced}


def _enrich(meta_rec: dict, codes: pd.DataFrame, parts: dict, refused: list) -> None:
    """A metadata export gives the statuses (voorlopig/definitief) of the periods of the table it describes.

    It describes a table of this call when the table id matches, or the title does exactly (the
    title carries the edition, and statuses change between editions). Otherwise it is refused.
    """
    tid, title = meta_rec["table_id"], meta_rec.get("title", "")
    status = {}
    for code, st in zip(codes.loc[codes["dimension"] == "Perioden", "code"], codes.loc[codes["dimension"] == "Perioden", "status"]):
        try:
            status[str(schema.parse_period(code)[0])] = st if st in ("definitief", "voorlopig") else None
        except ValueError:
            continue
    hits = [(r, df) for role in ("police", "population", "survey") for r, df in parts.get(role, [])
            if isinstance(df, pd.DataFrame) and (r["table_id"] == tid or (title and r.get("title") == title))]
    if not hits:
        refused.append({"file": meta_rec["file"], "format": meta_rec["format"], "reason": (
            f"{Path(meta_rec['file']).name} is the StatLine metadata export of table {tid} ('{title}'); no table of "
            f"this edition is in the same call, so its statuses describe nothing here — add it with the table's data download.")})
        return
    for r, df in hits:
        new = schema.map_unique(df["period"], lambda p: status.get(str(p)))
        df.loc[new.notna(), "status"] = new[new.notna()]
        r["status"], r["status_from"] = _status(df), meta_rec["file"]
    meta_rec["describes"] = [r["table_id"] for r, _ in hits]


def _monthly_parts(new, pc4) -> list:
    if pc4 is None:
        raise FetchError("An incident list (politie.nl misdaad in kaart) needs a PC4 → gemeente table to say which "
                         "municipality each postcode is in; add one (e.g. CBS 83503NED as CSV with columns "
                         "postcode and gemeente) in the same call or to the folder first.")
    out = []
    for rec, counts in new:
        m = incidents.monthly(counts, pc4)
        rec.update(unmapped_incidents=m.attrs["unmapped"], partial_months=m.attrs["partial_months"],
                   covered={"first_date": m.attrs["first_date"], "last_date": m.attrs["last_date"]})
        out.append((rec, m))
    return out


def _replaced(parts: dict) -> list[dict]:
    out = []
    for role, ps in parts.items():
        for rec, _ in ps:
            if rec.get("_existing") and rec.get("rows", {}).get("dropped_as_overlap"):
                out.append({"role": role, "rows": rec["rows"]["dropped_as_overlap"], "of": rec["table_id"]})
    return out
