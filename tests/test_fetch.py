"""``ivpanalysis fetch`` and ``snapshot_from_file``.

There is no internet here: downloads go through the real ``cbsodata`` client with its HTTP
session replaced by :class:`FakeCBS`, which answers OData requests (paging, ``$filter``,
``$select``, 404 for unknown tables) from tables built at test time out of the real files in
``../shared/realdata`` — the 47013NED metadata export and StatLine download, the 47018NED
metadata and per-gemeente counts, the 37230ned population file — re-expressed as OData rows.
No value is made up: a column the real files do not give is simply absent.
"""
import argparse
import csv
import hashlib
import io
import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

import pandas as pd
import pytest
import requests

import ivpanalysis as iv
from ivpanalysis.ingest import datafolder, fetch as fetch_mod, schema
from ivpanalysis import paths
from ivpanalysis.errors import FetchError
from ivpanalysis.ingest.fetch import CbsodataTransport, add_arguments, fetch, run_cli, snapshot_from_file
from ivpanalysis.ingest.loaders._common import read_text

from .conftest import FIXTURES

R = paths.REALDATA_DIR
DREYER = R / "dreyer_47018NED_gemeente_jaar" / "data.json"
META_47013 = R / "chelsj_47013NED_meta_37230ned" / "allemisdrijven_metadata_21122025.csv"
CSV_47013 = R / "thoolen_47013NED_statline_gemeente" / "Misdrijven_2024.csv"
META_47018 = R / "bernasco_misdaad_concentratie" / "crime_47018NED_meta"
POP_37230 = R / "chelsj_47013NED_meta_37230ned" / "Bevolking_Gemeenten.csv"
POP_37230_STATLINE = R / "chelsj_47013NED_meta_37230ned" / "bevolkingeindeperiod_21122025.csv"
TODAY = "2026-01-15"


# --- real tables re-expressed as OData ---------------------------------------------------------

def _nulls(rec: dict) -> dict:
    """CSV exports write an absent value as ''; OData JSON has null."""
    return {k: (None if v == "" else v) for k, v in rec.items() if k}


def _csv_dicts(path: Path) -> list[dict]:
    return [_nulls(r) for r in csv.DictReader(io.StringIO(read_text(path).text))]


def _sections(path: Path) -> dict[str, list[dict]]:
    """The sections of a StatLine metadata export, keys kept as CBS pads them."""
    rows = list(csv.reader(io.StringIO(read_text(path).text), delimiter=";"))
    out, name, header = {}, None, None
    for r in rows:
        if r and r[0].strip() and all(c == "" for c in r[1:]):
            name, header = r[0].strip(), None
            out[name] = []
        elif name and any(c.strip() for c in r):
            if header is None:
                header = [h for h in r if h]
            else:
                out[name].append(_nulls(dict(zip(header, r[: len(header)]))))
    return out


@lru_cache(maxsize=1)
def table_47013ned() -> dict:
    """47013NED: the real metadata export + the real 2024 totals per region of the StatLine download."""
    meta = _sections(META_47013)
    key_of = {r["Key"].strip(): r["Key"] for r in meta["RegioS"]}
    total = next(r["Key"] for r in meta["SoortMisdrijf"] if r["Key"].strip() == "0.0.0")
    df = iv.read(CSV_47013)
    assert set(df["period"].astype(str)) == {"2024"} and set(df["measure"]) == {"0.0.0"}
    rows = [{"ID": i, "SoortMisdrijf": total, "RegioS": key_of[code], "Perioden": "2024JJ00",
             "GeregistreerdeMisdrijven_1": None if pd.isna(v) else int(v)}
            for i, (code, v) in enumerate(zip(df["region_code"], df["value"]))]
    return {**meta, "TypedDataSet": rows}


@lru_cache(maxsize=1)
def table_47018ned() -> dict:
    """47018NED: the real metadata (cbsodataR files) + the real counts per gemeente of the JSON file."""
    d = json.loads(DREYER.read_text(encoding="utf-8"))
    codes = _csv_dicts(META_47018 / "SoortMisdrijf.csv")
    regions = _csv_dicts(META_47018 / "WijkenEnBuurten.csv")
    periods = _csv_dicts(META_47018 / "Perioden.csv")
    known = {p["Key"] for p in periods}
    periods += [{"Key": f"{y}JJ00", "Title": str(y), "Description": None,
                 "Status": "Voorlopig" if y in d["provisional"] else "Definitief"}
                for y in d["years"] if f"{y}JJ00" not in known]
    code_key = {r["Key"].strip(): r["Key"] for r in codes}
    gm_key = {r["Key"].strip(): r["Key"] for r in regions if r["Key"].startswith("GM")}
    rows = []
    for code, by_gm in d["counts"].items():
        for gm, by_year in by_gm.items():
            for y, v in by_year.items():
                rows.append({"ID": len(rows), "SoortMisdrijf": code_key[code], "WijkenEnBuurten": gm_key[gm],
                             "Perioden": f"{y}JJ00", "GeregistreerdeMisdrijven_1": v})
    return {"TableInfos": _csv_dicts(META_47018 / "TableInfos.csv"),
            "DataProperties": _csv_dicts(META_47018 / "DataProperties.csv"),
            "SoortMisdrijf": codes, "WijkenEnBuurten": [r for r in regions if r["Key"].startswith(("NL", "GM"))],
            "Perioden": periods, "TypedDataSet": rows}


def _int(cell: str) -> int | None:
    return None if cell.strip() == "" else int(cell)  # merged-away municipalities have empty cells


@lru_cache(maxsize=1)
def table_37230ned() -> dict:
    """37230ned: the real codes-layout export; title from the real StatLine download of the same table."""
    title = next(csv.reader(io.StringIO(read_text(POP_37230_STATLINE).text), delimiter=";"))[0]
    rows = [{"ID": int(r["ID"]), "RegioS": r["RegioS"], "Perioden": r["Perioden"],
             "BevolkingAanHetBeginVanDePeriode_1": _int(r["BevolkingAanHetBeginVanDePeriode_1"]),
             "BevolkingAanHetEindeVanDePeriode_15": _int(r["BevolkingAanHetEindeVanDePeriode_15"])}
            for r in csv.DictReader(io.StringIO(read_text(POP_37230).text), delimiter=";")]
    props = [{"Key": "RegioS", "Type": "GeoDimension", "Title": "Regio's"},
             {"Key": "Perioden", "Type": "TimeDimension", "Title": "Perioden"},
             {"Key": "BevolkingAanHetBeginVanDePeriode_1", "Type": "Topic", "Unit": "aantal"},
             {"Key": "BevolkingAanHetEindeVanDePeriode_15", "Type": "Topic", "Unit": "aantal"}]
    periods = sorted({r["Perioden"] for r in rows})
    return {"TableInfos": [{"Identifier": "37230ned", "Title": title}], "DataProperties": props,
            "RegioS": [{"Key": k, "Title": schema.municipality_name(k)} for k in sorted({r["RegioS"] for r in rows})],
            # StatLine marks no annual column of this table with '*': definitief
            "Perioden": [{"Key": p, "Title": p[:4], "Status": "Definitief"} for p in periods],
            "TypedDataSet": rows}


NATIONAL_83474 = R / "bernasco_staat_van_de_misdaad" / "first_commit_14f99b5"


def _num(cell):
    if cell is None:
        return None
    return int(cell) if re.match(r"^-?\d+$", cell) else float(cell)


@lru_cache(maxsize=1)
def table_83474ned() -> dict:
    """83474NED (national population per month): real cbsodataR output, data and metadata."""
    rows = [{k: (v if k == "Perioden" else _num(v)) for k, v in r.items()} for r in _csv_dicts(NATIONAL_83474 / "data.csv")]
    return {"TableInfos": _csv_dicts(NATIONAL_83474 / "TableInfos.csv"),
            "DataProperties": _csv_dicts(NATIONAL_83474 / "DataProperties.csv"),
            "Perioden": _csv_dicts(NATIONAL_83474 / "Perioden.csv"), "TypedDataSet": rows}


NL_CRIME = NATIONAL_83474 / "NL_Crime.csv"


@lru_cache(maxsize=1)
def table_47022ned() -> dict:
    """47022NED for Nederland (NL00), monthly 2012-2023: the real national series per crime type
    (NL_Crime.csv, labels as in the real 47022NED SoortMisdrijf code list) with the real code lists.

    The table's own DataProperties/TableInfos are not in realdata: the properties carry only the
    keys and types (as in the 47018NED properties of the same politie family, without a Default),
    the infos only the id; Perioden get no status (unknown).
    """
    codes = _csv_dicts(NATIONAL_83474 / "SoortMisdrijf.csv")
    key_of_title = {r["Title"]: r["Key"] for r in codes}
    nl = [r for r in _csv_dicts(NATIONAL_83474 / "WijkenEnBuurten.csv") if r["Key"].startswith("NL")]
    src = pd.read_csv(NL_CRIME)
    months = sorted(src["date"].unique())
    perioden = [{"Key": f"{d[:4]}MM{d[5:7]}", "Title": d[:7], "Status": None} for d in months]
    rows = [{"ID": i, "SoortMisdrijf": key_of_title[c], "WijkenEnBuurten": nl[0]["Key"],
             "Perioden": f"{d[:4]}MM{d[5:7]}", "GeregistreerdeMisdrijven_1": int(v)}
            for i, (c, d, v) in enumerate(zip(src["crime_type_code"], src["date"], src["frequency"]))]
    props = [{k: p.get(k) for k in ("Key", "Type", "Title", "Unit")}
             for p in _csv_dicts(META_47018 / "DataProperties.csv") if p.get("Key")]
    return {"TableInfos": [{"Identifier": "47022NED"}], "DataProperties": props, "SoortMisdrijf": codes,
            "WijkenEnBuurten": nl, "Perioden": perioden, "TypedDataSet": rows}


@lru_cache(maxsize=1)
def table_70072ned() -> dict:
    """70072ned, TotaleBevolking_1 (population on 1 January) for 2025 only: the counts JSON's 2025
    population, which its build script took from this topic (no average yet) and which equals the
    end of 2024 in the real 37230ned export for every municipality (checked here)."""
    d = json.loads(DREYER.read_text(encoding="utf-8"))
    end_2024 = {r["RegioS"]: r["BevolkingAanHetEindeVanDePeriode_15"] for r in table_37230ned()["TypedDataSet"]
                if r["Perioden"] == "2024JJ00"}
    jan_2025 = {gm: ys["2025"] for gm, ys in d["population"].items() if "2025" in ys}
    assert len(jan_2025) >= 340 and all(end_2024.get(gm) == v for gm, v in jan_2025.items())
    props = [{"Key": "RegioS", "Type": "GeoDimension"}, {"Key": "Perioden", "Type": "TimeDimension"},
             {"Key": "TotaleBevolking_1", "Type": "Topic", "Unit": "aantal"}]
    return {"TableInfos": [{"Identifier": "70072ned"}], "DataProperties": props,
            "RegioS": [{"Key": gm} for gm in sorted(jan_2025)], "Perioden": [{"Key": "2025JJ00", "Title": "2025"}],
            "TypedDataSet": [{"ID": i, "RegioS": gm, "Perioden": "2025JJ00", "TotaleBevolking_1": v}
                             for i, (gm, v) in enumerate(sorted(jan_2025.items()))]}


SURVEY_WIDE = R / "gewoonmaarten_provincies" / "Veiligheidsgevoel Provincies.csv"
GEBIEDEN = R / "leetjes_gebieden_in_nederland" / "inwonertal.csv"


@lru_cache(maxsize=1)
def table_85146ned() -> dict:
    """85146NED (Veiligheidsmonitor, Sociale veiligheid; regio) as OData with its Marges dimension
    (value, lower and upper bound of the 95 % interval): the real provincial values and margins of
    the wide StatLine export, 'Voelt zich wel eens onveilig' only."""
    df = iv.read(SURVEY_WIDE)
    df = df[df["measure"] == "voelt_zich_wel_eens_onveilig"]
    rows = []
    for r in df.itertuples():
        year = f"{r.period.year}JJ00"
        for key, v in (("MW00000", r.value), ("MOG0095", r.value - r.margin), ("MBG0095", r.value + r.margin)):
            rows.append({"ID": len(rows), "Marges": key, "RegioS": r.region_code, "Perioden": year,
                         "VoeltZichWelEensOnveilig_1": round(v, 1)})
    props = [{"Key": "Marges", "Type": "Dimension"}, {"Key": "RegioS", "Type": "GeoDimension"},
             {"Key": "Perioden", "Type": "TimeDimension"},
             {"Key": "VoeltZichWelEensOnveilig_1", "Type": "Topic", "Title": "Voelt zich wel eens onveilig", "Unit": "%"}]
    return {"TableInfos": [{"Identifier": "85146NED", "Title": "Sociale veiligheid; regio"}], "DataProperties": props,
            "Perioden": [{"Key": k, "Status": "Definitief"} for k in sorted({r["Perioden"] for r in rows})],
            "TypedDataSet": rows}


@lru_cache(maxsize=1)
def table_81955ned() -> dict:
    """81955NED (dwelling stock) split by Gebruiksfunctie. realdata has no dwelling counts; the one
    figure is CBS's published stock of Flevoland on 1 January 2022 (178 000, 70072ned on cbs.nl); the
    non-dwelling row is left empty so a wrong key choice would show."""
    props = [{"Key": "Gebruiksfunctie", "Type": "Dimension"}, {"Key": "RegioS", "Type": "GeoDimension"},
             {"Key": "Perioden", "Type": "TimeDimension"},
             {"Key": "BeginstandVoorraad_1", "Type": "Topic", "Unit": "aantal"},
             {"Key": "Nieuwbouw_2", "Type": "Topic", "Unit": "aantal"}]
    rows = [{"ID": 0, "Gebruiksfunctie": "A045364", "RegioS": "PV24  ", "Perioden": "2022JJ00",
             "BeginstandVoorraad_1": 178000, "Nieuwbouw_2": None},
            {"ID": 1, "Gebruiksfunctie": "A045365", "RegioS": "PV24  ", "Perioden": "2022JJ00",
             "BeginstandVoorraad_1": None, "Nieuwbouw_2": None}]
    return {"TableInfos": [{"Identifier": "81955NED"}], "DataProperties": props,
            "Gebruiksfunctie": [{"Key": "A045364", "Title": "Woningen"}, {"Key": "A045365", "Title": "Niet-woningen"}],
            "Perioden": [{"Key": "2022JJ00", "Status": "Definitief"}], "TypedDataSet": rows}


@lru_cache(maxsize=1)
def table_gebieden() -> dict:
    """Gebieden in Nederland: the real cbsodata dump (leetjes), rows as OData as they were saved."""
    rows = list(csv.DictReader(io.StringIO(read_text(GEBIEDEN).text), delimiter=";"))
    data = [{k: (_num(v.strip()) if re.match(r"^(Code_5[02]|Inwonertal|Omgevings|ID)", k) else v) for k, v in r.items()}
            for r in rows]
    props = [{"Key": "RegioS", "Type": "GeoDimension"}] + [{"Key": k, "Type": "Topic"} for k in rows[0] if k not in ("ID", "RegioS")]
    return {"TableInfos": [{"Identifier": "84721NED", "Title": "Gebieden in Nederland"}], "DataProperties": props,
            "TypedDataSet": data}


CATALOG = {("opendata.cbs.nl", "85146NED"): table_85146ned, ("opendata.cbs.nl", "81955NED"): table_81955ned,
           ("opendata.cbs.nl", "84721NED"): table_gebieden,
           ("opendata.cbs.nl", "70072ned"): table_70072ned, ("dataderden.cbs.nl", "47022NED"): table_47022ned, ("opendata.cbs.nl", "83474NED"): table_83474ned, ("dataderden.cbs.nl", "47013NED"): table_47013ned, ("dataderden.cbs.nl", "47018NED"): table_47018ned,
           ("opendata.cbs.nl", "37230ned"): table_37230ned}


# --- an OData server in a requests.Session ------------------------------------------------------

_TERM = re.compile(r"^(?:startswith\((\w+),'([^']*)'\)|substringof\('([^']*)',(\w+)\)|(\w+) eq '([^']*)')$")


@lru_cache(maxsize=None)
def _predicate(filt: str | None):
    """Compile the OData filters fetch writes, ``(t or t …) and (t or t …)``, into a row test."""
    if not filt:
        return lambda row: True
    groups = filt.split(") and (")
    compiled = []
    for i, group in enumerate(groups):
        assert (i > 0 or group.startswith("(")) and (i < len(groups) - 1 or group.endswith(")")), filt
        terms = []
        for t in group[1 if i == 0 else 0: -1 if i == len(groups) - 1 else None].split(" or "):
            m = _TERM.match(t.strip())
            assert m, f"fake server cannot evaluate {t!r}"
            if m.group(1):
                terms.append((m.group(1), lambda v, x=m.group(2): v.startswith(x)))
            elif m.group(4):
                terms.append((m.group(4), lambda v, x=m.group(3): x in v))
            else:
                terms.append((m.group(5), lambda v, x=m.group(6): v == x))
        compiled.append(terms)
    return lambda row: all(any(test(str(row[col])) for col, test in terms) for terms in compiled)


class FakeCBS:
    def __init__(self, page_size: int = 10_000):
        self.page_size = page_size
        self.urls: list[str] = []
        self._answers: dict[tuple, list] = {}

    def session(self):
        server = self

        class Session:
            def send(self, prepared, **kwargs):
                return server.answer(prepared.url)

        return Session()

    def answer(self, url: str) -> requests.Response:
        self.urls.append(url)
        u = urlsplit(url)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        m = re.match(r"^/ODataFeed/odata/([^/]+)/?(\w*)$", u.path)
        # CBS table ids are not case-sensitive (70072ned and 70072NED are the same table)
        build = next((b for (host, tid), b in CATALOG.items() if m and host == u.hostname and tid.lower() == m.group(1).lower()), None)
        resp = requests.Response()
        resp.url = url
        if build is None:
            resp.status_code = 404
            resp._content = b'{"odata.error": {"message": {"value": "Resource not found"}}}'
            return resp
        table, resource = build(), m.group(2)
        if resource == "":
            value = [{"name": n, "url": f"https://{u.hostname}/ODataFeed/odata/{m.group(1)}/{n}"}
                     for n in list(table) + ["UntypedDataSet"]]
        elif resource in table:
            key = (u.hostname, u.path, q.get("$filter"), q.get("$select"))
            if key not in self._answers:  # the same query for every page
                ok = _predicate(q.get("$filter"))
                value = [r for r in table[resource] if ok(r)]
                if "$select" in q:
                    cols = q["$select"].split(",")
                    assert all(c in value[0] for c in cols) if value else True, cols
                    value = [{c: r[c] for c in cols} for r in value]
                self._answers[key] = value
            value = self._answers[key]
        else:
            resp.status_code = 404
            resp._content = b"{}"
            return resp
        skip = int(q.get("$skip", 0))
        body = {"odata.metadata": "fake", "value": value[skip: skip + self.page_size]}
        if skip + self.page_size < len(value):
            nq = dict(q, **{"$skip": str(skip + self.page_size)})
            body["odata.nextLink"] = f"{u.scheme}://{u.netloc}{u.path}?{urlencode(nq)}"
        resp.status_code = 200
        resp._content = json.dumps(body).encode()
        resp.encoding = "utf-8"
        return resp


class OfflineSession:
    def send(self, prepared, **kwargs):
        raise requests.ConnectionError(f"Failed to resolve '{urlsplit(prepared.url).hostname}'")


@pytest.fixture
def cbs(realdata):
    return FakeCBS()


def transport_for(server: FakeCBS) -> CbsodataTransport:
    return CbsodataTransport(session=server.session)


def _value(df, code, measure, period):
    hit = df[(df.region_code == code) & (df.measure == measure) & (df.period.astype(str) == str(period))]
    assert len(hit) == 1, hit
    return hit["value"].iloc[0]


def _leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".partial-" in p.name or ".old-" in p.name]


# --- fetch -------------------------------------------------------------------------------------

def test_fetch_lelystad_police_units_and_population(cbs, tmp_path):
    out = fetch("GM0995", tables=["47013NED", "37230ned"], out=tmp_path / "snap", transport=transport_for(cbs), today=TODAY)
    ds = datafolder.load(out)
    src = iv.read(CSV_47013).set_index("region_code")["value"]
    police = ds.police
    assert _value(police, "GM0995", "criminaliteit_totaal", 2024) == src["GM0995"] == 3949
    units = sorted(c for c in src.index if c.startswith("RE"))
    assert len(units) == 11  # RE01..RE10 and RE99: the code lists do not say which unit Lelystad is in
    for u in units:
        assert _value(police, u, "criminaliteit_totaal", 2024) == src[u]
    assert set(police["region_code"]) == {"GM0995", *units}  # the server-side filter kept the rest out
    assert set(police["retrieved"]) == {TODAY} and set(police["source"]) == {"47013NED"}
    pop = ds.population
    cbs_pop = iv.read(POP_37230)
    begin = cbs_pop[(cbs_pop.region_code == "GM0995") & (cbs_pop.measure == "BevolkingAanHetBeginVanDePeriode")]
    assert set(pop["measure"]) == {"inwoners"} and set(pop["region_code"]) == {"GM0995"}
    assert pop.set_index(pop.period.astype(str))["value"].to_dict() == begin.set_index(begin.period.astype(str))["value"].to_dict()
    # catalogs: politie tables on dataderden, CBS tables on opendata
    hosts = {(urlsplit(u).hostname, urlsplit(u).path.split("/")[3]) for u in cbs.urls}
    assert hosts == {("dataderden.cbs.nl", "47013NED"), ("opendata.cbs.nl", "37230ned")}
    data_urls = [u for u in cbs.urls if "TypedDataSet" in u and "47013NED" in u]
    filt = parse_qs(urlsplit(data_urls[0]).query)["$filter"][0]
    assert "startswith(RegioS,'GM0995')" in filt and "SoortMisdrijf eq '0.0.0 '" in filt  # CBS pads this key
    assert not list((out).glob("raw"))  # raw rows only with keep_raw


def test_provenance_per_table(cbs, tmp_path):
    out = fetch(["Lelystad"], tables=["47013NED", "37230ned"], out=tmp_path / "snap", transport=transport_for(cbs), today=TODAY)
    prov = datafolder.load(out).provenance
    meta = _sections(META_47013)["TableInfos"][0]
    t13, t37 = prov["tables"]
    assert prov["regions"] == ["GM0995"] and prov["created_by"].startswith("ivpanalysis fetch")
    assert t13["table_id"] == "47013NED" and t13["title"] == meta["Title"] and t13["modified"] == meta["Modified"]
    assert t13["catalog"] == "dataderden.cbs.nl" and t13["url"] == "https://dataderden.cbs.nl/ODataFeed/odata/47013NED"
    assert t13["retrieved"] == TODAY and t13["role"] == "police"
    assert t13["periods"] == {"first": "2024", "last": "2024", "frequencies": {"Y": 12}}
    assert t13["voorlopig"] == [] and t13["rows"]["downloaded"] == 12 and t13["rows"]["written"] == 12
    n_years = len(table_37230ned()["Perioden"])
    assert t37["table_id"] == "37230ned" and t37["catalog"] == "opendata.cbs.nl" and t37["rows"]["downloaded"] == n_years
    assert t37["title"] == table_37230ned()["TableInfos"][0]["Title"] == "Bevolkingsontwikkeling; regio per maand"
    assert prov["files"]["police_figures.parquet"]["rows"] == 12
    assert prov["files"]["population.parquet"] == {"rows": n_years, "regions": 1, "measures": ["inwoners"]}


def test_fetch_47018ned_voorlopig_years_and_paging(realdata, tmp_path):
    server = FakeCBS(page_size=50)
    d = json.loads(DREYER.read_text(encoding="utf-8"))
    out = fetch(["GM0995", "Dronten"], tables=["47018NED"], out=tmp_path / "snap", transport=transport_for(server), today=TODAY)
    ds = datafolder.load(out)
    police = ds.police
    for y in (2016, 2017, 2018, 2019):
        assert _value(police, "GM0995", "woninginbraak", y) == d["counts"]["1.1.1"]["GM0995"][str(y)]
        assert _value(police, "GM0303", "woninginbraak", y) == d["counts"]["1.1.1"]["GM0303"][str(y)]
    assert [_value(police, "GM0995", "woninginbraak", y) for y in (2016, 2017, 2018, 2019)] == [297, 316, 247, 206]
    years = police["period"].map(lambda p: p.year)
    assert set(years[police.status == "voorlopig"]) == set(d["provisional"])
    t = ds.provenance["tables"][0]
    assert t["voorlopig"] == [str(y) for y in d["provisional"]]
    wanted = {c for c in d["counts"] if c in {"1.1.1", "2.5.1", "1.2.3", "1.2.1", "1.4.5", "1.4.4", "2.2.1", "3.1.1", "3.1.3", "1.4.2"}}
    assert t["rows"]["downloaded"] == 2 * len(d["years"]) * len(wanted)
    pages = [u for u in server.urls if "TypedDataSet" in u]
    assert len(pages) == -(-t["rows"]["downloaded"] // 50)  # cbsodata followed every odata.nextLink


def test_fetch_monthly_series_and_category_sums(cbs, tmp_path):
    out = fetch("NL00", tables=["47022NED"], out=tmp_path / "snap", transport=transport_for(cbs), today=TODAY)
    ds = datafolder.load(out)
    police = ds.police
    src = pd.read_csv(NL_CRIME)
    codes = iv.read(NATIONAL_83474 / "SoortMisdrijf.csv")  # the real 47022NED code list
    src["code"] = src["crime_type_code"].map(dict(zip(codes["title"], codes["code"])))
    march = src[src.date == "2019-03-01"].set_index("code")["frequency"]
    assert _value(police, "NL00", "woninginbraak", "2019-03") == march["1.1.1"]
    assert _value(police, "NL00", "criminaliteit_totaal", "2019-03") == march["0.0.0"]
    geweld = police[(police.measure == "geweld_totaal")]
    assert _value(police, "NL00", "geweld_totaal", "2019-03") == sum(march[f"1.4.{i}"] for i in range(1, 8))
    assert set(geweld["kind"]) == {"computed"} and len(geweld) == src["date"].nunique() == 144
    assert set(police["period"].map(schema.freq_of)) == {"M"} and set(police["status"]) == {"onbekend"}
    t = ds.provenance["tables"][0]
    assert t["periods"]["first"] == "2012-01" and t["periods"]["last"] == "2023-12" and t["voorlopig"] == []
    wanted = {"0.0.0", "1.1.1", "1.2.1", "1.2.3", "1.2.4", "1.3.1", "2.2.1", "2.5.1", "2.5.2", "3.1.1", "3.1.3"} | {f"1.4.{i}" for i in range(1, 8)}
    assert t["rows"]["downloaded"] == 144 * len(wanted & set(src["code"]))


def test_fetch_all_municipalities(cbs, tmp_path):
    out = fetch("all", tables=["47013NED"], out=tmp_path / "snap", transport=transport_for(cbs), today=TODAY)
    police = datafolder.load(out).police
    kinds = police.set_index("region_code")["region_name"].groupby(level=0).first().index.map(schema.region_kind)
    assert (kinds == "municipality").sum() == 342 and (kinds == "police_unit").sum() == 10
    pseudo = set(police.loc[police.region_code.map(schema.region_kind) == "pseudo", "region_name"])
    assert pseudo == {"Gemeenten; niet in te delen", "Buitenland", "Niet in te delen (RE)"}  # kept, by kind
    assert police.loc[police.region_code == "GM0998", "value"].isna().all()  # '.' in the source: missing, not 0
    assert "NL01" not in set(police.region_code)


def test_keep_raw_rows_read_back(cbs, tmp_path):
    out = fetch("GM0995", tables=["47013NED"], out=tmp_path / "snap", transport=transport_for(cbs), keep_raw=True)
    raw = iv.read(out / "raw" / "47013NED" / "data.csv")  # cbsodata-style CSV + DataProperties/TableInfos/Perioden
    assert raw.attrs["table_id"] == "47013NED"
    assert _value(raw, "GM0995", "0.0.0", 2024) == iv.read(CSV_47013).set_index("region_code")["value"]["GM0995"]


@pytest.mark.parametrize("asked, target", [("83474NED", "extra/83474NED.parquet"), ("83474ned:survey", "survey.parquet")])
def test_further_table_by_id(asked, target, cbs, tmp_path):
    out = fetch("GM0995", tables=[asked], out=tmp_path / "snap", transport=transport_for(cbs), today=TODAY)
    got = pd.read_parquet(out / target)
    src = iv.read(NATIONAL_83474 / "data.csv")  # the same rows as cbsodataR saved them
    assert len(got) == len(src) and got["value"].sum() == src["value"].sum()
    assert got["value"].isna().sum() == src["value"].isna().sum() > 0  # empty cells stay missing
    t = json.loads((out / "provenance.json").read_text(encoding="utf-8"))["tables"][0]
    assert t["table_id"] == "83474NED" and t["catalog"] == "opendata.cbs.nl" and t["role"] == target.split(".")[0].split("/")[0]
    assert t["title"] == table_83474ned()["TableInfos"][0]["Title"]
    assert {urlsplit(u).hostname for u in cbs.urls} == {"opendata.cbs.nl"}  # found in the first catalog tried
    if target == "survey.parquet":
        assert len(datafolder.load(out).survey) == len(src)


def test_police_frame_takes_registered_crime_only(realdata):
    df = iv.read(CSV_47013)
    assert fetch_mod.police_frame(df.assign(topic="Aangiften")) is None  # reported, not registered, crimes
    kept = fetch_mod.police_frame(df.assign(topic="Geregisteerde misdrijven"))  # CBS's own typo (mokken export)
    assert kept is not None and len(kept) == len(df) and set(kept["measure"]) == {"criminaliteit_totaal"}


def test_fetch_70072ned_population(cbs, tmp_path):
    out = fetch(["GM0995", "GM0303"], tables=["70072ned"], out=tmp_path / "snap", transport=transport_for(cbs))
    pop = datafolder.load(out).population
    d = json.loads(DREYER.read_text(encoding="utf-8"))
    assert _value(pop, "GM0995", "inwoners", 2025) == d["population"]["GM0995"]["2025"] == 84713
    assert _value(pop, "GM0303", "inwoners", 2025) == d["population"]["GM0303"]["2025"]
    assert set(pop["measure_label"]) == {"Inwoners op 1 januari"} and len(pop) == 2
    assert any("%24select=RegioS%2CPerioden%2CTotaleBevolking_1" in u for u in cbs.urls)


def test_population_needs_a_region(cbs, tmp_path):
    with pytest.raises(FetchError, match=r"^Table 83474NED gave no population figures that the report can use\.$"):
        fetch("GM0995", tables=["83474NED:population"], out=tmp_path / "snap", transport=transport_for(cbs))


# --- failures ----------------------------------------------------------------------------------

def test_offline_is_one_sentence_and_leaves_nothing(tmp_path):
    t = CbsodataTransport(session=OfflineSession)
    with pytest.raises(FetchError) as e:
        fetch("GM0995", out=tmp_path / "snap", transport=t)
    msg = str(e.value)
    assert msg.startswith("Cannot reach dataderden.cbs.nl") and msg.count(". ") == 0 and "\n" not in msg
    assert e.value.__cause__ is None and e.value.__suppress_context__
    assert not (tmp_path / "snap").exists() and _leftovers(tmp_path) == []


def test_unknown_table_tries_both_catalogs(cbs, tmp_path):
    with pytest.raises(FetchError) as e:
        fetch("GM0995", tables=["99999NED"], out=tmp_path / "snap", transport=transport_for(cbs))
    assert str(e.value) == "Table 99999NED does not exist in the CBS catalog opendata.cbs.nl or dataderden.cbs.nl."
    assert {urlsplit(u).hostname for u in cbs.urls} == {"opendata.cbs.nl", "dataderden.cbs.nl"}


@pytest.mark.parametrize("bad, message", [
    ("Atlantis", "'Atlantis' is not a municipality code"),
    ("GM995", "'GM995' is not a municipality code"),
])
def test_bad_municipality(bad, message, cbs, tmp_path):
    with pytest.raises(FetchError, match=message):
        fetch(bad, out=tmp_path / "snap", transport=transport_for(cbs))
    assert cbs.urls == []


@pytest.mark.parametrize("table", ["47018NED", "47013NED"])  # 47013NED would still send the police units
def test_municipality_absent_from_table(table, cbs, tmp_path):
    with pytest.raises(FetchError, match=rf"^Table {table} has no rows for GM9999\.$"):
        fetch(["GM0995", "GM9999"], tables=[table], out=tmp_path / "snap", transport=transport_for(cbs))
    assert not (tmp_path / "snap").exists()


def test_failure_midway_keeps_previous_folder(cbs, tmp_path):
    out = tmp_path / "snap"
    fetch("GM0995", tables=["47013NED"], out=out, transport=transport_for(cbs), today=TODAY)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # the first table downloads and is staged, the second does not exist
    with pytest.raises(FetchError):
        fetch("GM0995", tables=["47018NED", "99999NED"], out=out, transport=transport_for(cbs))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _leftovers(tmp_path) == []
    # a good fetch replaces the folder it wrote before, whole
    fetch("GM0995", tables=["47018NED"], out=out, transport=transport_for(cbs), today=TODAY)
    assert [t["table_id"] for t in datafolder.load(out).provenance["tables"]] == ["47018NED"]
    assert sorted(p.name for p in out.iterdir()) == ["police_figures.parquet", "provenance.json"]
    assert _leftovers(tmp_path) == []


def test_failure_while_writing_leaves_no_folder(cbs, tmp_path, monkeypatch):
    real = fetch_mod._write_parquet

    def fail_on_population(df, path):
        if path.name == "population.parquet":
            raise OSError(28, "No space left on device")
        return real(df, path)

    monkeypatch.setattr(fetch_mod, "_write_parquet", fail_on_population)
    with pytest.raises(OSError):
        fetch("GM0995", tables=["47013NED", "37230ned"], out=tmp_path / "snap", transport=transport_for(cbs))
    assert not (tmp_path / "snap").exists() and _leftovers(tmp_path) == []


def test_refuses_to_replace_a_folder_it_did_not_write(cbs, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FetchError, match="is not a data folder written by ivpanalysis fetch"):
        fetch("GM0995", tables=["47013NED"], out=out, transport=transport_for(cbs))
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and cbs.urls == []


# --- from files --------------------------------------------------------------------------------

def test_snapshot_from_counts_json(realdata, tmp_path):
    out = snapshot_from_file([DREYER], tmp_path / "snap")
    ds = datafolder.load(out)
    d = json.loads(DREYER.read_text(encoding="utf-8"))
    lely = [_value(ds.police, "GM0995", "woninginbraak", y) for y in (2016, 2017, 2018, 2019)]
    assert lely == [297, 316, 247, 206] == [d["counts"]["1.1.1"]["GM0995"][str(y)] for y in (2016, 2017, 2018, 2019)]
    assert (ds.police.drop_duplicates("region_code")["region_code"].map(schema.region_kind) == "municipality").sum() == 342
    assert _value(ds.population, "GM0995", "inwoners", 2019) == d["population"]["GM0995"]["2019"]
    assert ds.population["value"].notna().all() and len(ds.population) == sum(len(v) for v in d["population"].values())
    t47, t70 = ds.provenance["tables"]
    assert (t47["table_id"], t47["role"], t70["table_id"], t70["role"]) == ("47018NED", "police", "70072ned", "population")
    assert t47["voorlopig"] == ["2024", "2025"] and t47["periods"]["first"] == "2012" and t47["periods"]["last"] == "2025"
    assert t47["sha256"] == hashlib.sha256(DREYER.read_bytes()).hexdigest() and t47["retrieved"] is None


def test_snapshot_from_several_files_first_wins(realdata, tmp_path):
    out = snapshot_from_file([DREYER, POP_37230, CSV_47013], tmp_path / "snap")
    ds = datafolder.load(out)
    d = json.loads(DREYER.read_text(encoding="utf-8"))
    src = iv.read(CSV_47013).set_index("region_code")["value"]
    assert _value(ds.police, "GM0995", "criminaliteit_totaal", 2024) == src["GM0995"]
    assert _value(ds.police, "RE03", "criminaliteit_totaal", 2024) == src["RE03"]
    # population: the counts file came first, so its values stay where both give one
    assert _value(ds.population, "GM0995", "inwoners", 2019) == d["population"]["GM0995"]["2019"]
    t37 = ds.provenance["tables"][2]
    assert t37["role"] == "population" and t37["rows"]["dropped_as_overlap"] > 0
    assert t37["rows"]["written"] + t37["rows"]["dropped_as_overlap"] == t37["rows"]["role"]
    assert not ds.population.assign(period=ds.population.period.astype(str)).duplicated(["region_code", "period"]).any()


def test_population_from_begin_and_end_of_year(realdata, tmp_path):
    out = snapshot_from_file([POP_37230], tmp_path / "snap")
    pop = datafolder.load(out).population
    src = iv.read(POP_37230)
    src = src[src.region_code == "GM0995"]
    lely = src.set_index(["measure", src.period.astype(str)])["value"]
    assert _value(pop, "GM0995", "inwoners", 2024) == lely[("BevolkingAanHetBeginVanDePeriode", "2024")]
    # 1 January 2025 is the end of 2024 (no 2025 row in the file)
    assert _value(pop, "GM0995", "inwoners", 2025) == lely[("BevolkingAanHetEindeVanDePeriode", "2024")] == 84713


def test_file_without_a_role_is_refused_in_one_sentence(realdata, tmp_path):
    f = R / "ftm_politie_83648NED_statline" / "Geregistreerde_criminaliteit__soort_misdrijf__regio_05022026_163607.csv"
    with pytest.raises(FetchError, match=r"^Geregistreerde_.*\.csv holds CBS 83648NED crime counts without a region column"):
        snapshot_from_file([f], tmp_path / "snap")
    assert not (tmp_path / "snap").exists()


# --- command line ------------------------------------------------------------------------------

def _parse(argv):
    p = argparse.ArgumentParser(prog="ivpanalysis fetch")
    add_arguments(p)
    return p.parse_args(argv)


def test_cli_from_file(realdata, tmp_path, capsys):
    rc = run_cli(_parse(["--from-file", str(CSV_47013), str(POP_37230_STATLINE), "--out", str(tmp_path / "snap")]))
    assert rc == 0
    out = capsys.readouterr().out
    assert "police_figures.parquet: 356 rows" in out and "population.parquet" in out
    ds = datafolder.load(tmp_path / "snap")
    assert _value(ds.police, "GM0995", "criminaliteit_totaal", 2024) == 3949
    # StatLine layout: end-of-year figures only, so 1 January 2025 = end of 2024
    assert _value(ds.population, "GM0995", "inwoners", 2025) == 84713


def test_cli_fetch_with_transport(cbs, tmp_path, capsys):
    rc = run_cli(_parse(["Lelystad", "--tables", "47013NED", "--out", str(tmp_path / "snap")]), transport=transport_for(cbs))
    assert rc == 0 and "police_figures.parquet: 12 rows" in capsys.readouterr().out


@pytest.mark.parametrize("argv, transport, start", [
    (["GM0995"], "offline", "error: Cannot reach dataderden.cbs.nl"),
    (["GM0995", "--tables", "12345XYZ"], "fake", "error: Table 12345XYZ does not exist"),
    (["Atlantis"], "fake", "error: 'Atlantis' is not a municipality code"),
    (["GM0995", "--all"], "fake", "error: Give municipalities or --all, not both."),
    ([], "fake", "error: Name at least one municipality"),
    (["--from-file", "/nonexistent/x.csv"], "fake", "error: /nonexistent/x.csv does not exist"),
    (["--from-file", str(FIXTURES / "fetch" / "counts_text_value.json")], "fake",
     "error: counts_text_value.json, column \"['counts']['1.1.1']['GM0995']['2019']\": not a number"),
])
def test_cli_errors_are_one_line(argv, transport, start, cbs, tmp_path, capsys):
    t = CbsodataTransport(session=OfflineSession) if transport == "offline" else transport_for(cbs)
    rc = run_cli(_parse(argv + ["--out", str(tmp_path / "snap")]), transport=t)
    err = capsys.readouterr().err
    assert rc == 1 and err.startswith(start) and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "snap").exists()


def test_snapshot_refuses_invalid_data_and_writes_nothing(tmp_path):
    """A frame that fails validation (here: a period in the future) stops the snapshot before any file is written."""
    from ivpanalysis.errors import DataError
    from ivpanalysis.ingest.fetch import snapshot_from_file
    out = tmp_path / "snap"
    with pytest.raises(DataError) as e:
        snapshot_from_file([Path(__file__).parent / "fixtures" / "bad" / "future_period.csv"], out)
    assert "period lies in the future" in str(e.value) and "police_figures.parquet" in str(e.value)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name != "snap"]


# --- survey, dwellings and regions online (issue 15) ---------------------------------------------

def test_fetch_veiligheidsmonitor_with_margins(cbs, tmp_path):
    out = fetch("GM0995", tables=["85146NED"], out=tmp_path / "snap", transport=transport_for(cbs), today=TODAY)
    s = datafolder.load(out).survey
    row = s[(s.region_code == "PV24") & (s.period.astype(str) == "2015") & (s.measure == "pct_onveilig_algemeen")]
    assert row[["value", "margin"]].values.tolist() == [[37.9, 2.9]]  # half-width of the 95 % interval
    assert "startswith(RegioS,'PV')" in unquote_plus(" ".join(cbs.urls))  # the comparison levels come along
    t = json.loads((out / "provenance.json").read_text())["tables"][0]
    assert t["role"] == "survey" and t["status"] == "definitief"


def test_fetch_dwelling_stock_keeps_the_woningen_key(cbs, tmp_path):
    out = fetch("PV24", tables=["81955NED"], out=tmp_path / "snap", transport=transport_for(cbs), today=TODAY)
    pop = datafolder.load(out).population
    assert pop[["region_code", "measure", "value"]].values.tolist() == [["PV24", "woningen", 178000]]
    assert "Gebruiksfunctie eq 'A045364'" in unquote_plus(" ".join(cbs.urls))


def test_fetch_gebieden_in_nederland_as_regions(cbs, tmp_path):
    out = fetch("GM0995", tables=["84721NED"], out=tmp_path / "snap", transport=transport_for(cbs), today=TODAY)
    reg = pd.read_parquet(out / "regions.parquet").set_index("region_code")
    assert len(reg) == 342  # the classification of every municipality, whichever were named
    assert reg.loc["GM0995", ["police_unit_code", "size_class", "urbanity_class"]].tolist() == ["RE03", 5, 3]
    assert reg.loc["GM0995", "edition"].startswith("84721NED")


def test_fetch_online_with_add_keeps_the_folder(cbs, tmp_path, capsys):
    survey_file = tmp_path / "old.csv"
    survey_file.write_text('"Marges";"Perioden";"Regio\'s";"Voelt zich wel eens onveilig (%)"\n'
                           '"Waarde";"2015";"Flevoland (PV)";37,9\n', encoding="utf-8")
    out = snapshot_from_file([survey_file], tmp_path / "snap")
    rc = run_cli(_parse(["Lelystad", "--tables", "47013NED", "--out", str(out), "--add"]), transport=transport_for(cbs))
    assert rc == 0, capsys.readouterr().err
    ds = datafolder.load(out)
    assert _value(ds.police, "GM0995", "criminaliteit_totaal", 2024) == 3949
    assert _value(ds.survey, "PV24", "pct_onveilig_algemeen", 2015) == 37.9  # what was there stays
    prov = json.loads((out / "provenance.json").read_text())
    t47 = next(t for t in prov["tables"] if t["table_id"] == "47013NED")
    assert t47["catalog"] == "dataderden.cbs.nl" and t47["retrieved"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".snap")]  # no temporary folder left


BOUNDARIES_2022 = R / "nlstat_gemeentegrenzen_2022" / "gemeenten.geojson"


class FakePDOK:
    """Answers the PDOK WFS request with the real 2022 gemeente_gegeneraliseerd GeoJSON."""

    def __init__(self):
        self.urls = []

    def session(self):
        server = self

        class Session:
            def get(self, url, timeout=None):
                server.urls.append(url)
                resp = requests.Response()
                resp.url = url
                ok = "/gebiedsindelingen/2022/" in url
                resp.status_code = 200 if ok else 404
                resp._content = BOUNDARIES_2022.read_bytes() if ok else b"not found"
                return resp

        return Session()


def test_boundaries_downloaded_from_pdok_into_a_folder(realdata, tmp_path, capsys):
    pdok = FakePDOK()
    transport = CbsodataTransport(session=pdok.session)
    assert run_cli(_parse(["--boundaries", "2022", "--out", str(tmp_path / "snap")]), transport=transport) == 0
    fc = json.loads((tmp_path / "snap" / "boundaries.geojson").read_text())
    assert len(fc["features"]) == 342 and {f["properties"]["year"] for f in fc["features"]} == {2022}
    t = json.loads((tmp_path / "snap" / "provenance.json").read_text())["tables"][0]
    assert t["role"] == "boundaries" and t["url"].startswith("https://service.pdok.nl/cbs/gebiedsindelingen/2022/")
    capsys.readouterr()
    assert run_cli(_parse(["--boundaries", "2031", "--out", str(tmp_path / "snap")]), transport=transport) == 1
    assert capsys.readouterr().err.startswith("error: The 2031 municipal boundaries could not be downloaded")
