"""Build the code lists in data/codes/ from CBS metadata files.

The lists are CBS's public code lists (region codes and names, crime-type keys), derived from
metadata exports that people downloaded from StatLine / the CBS OData API. They are derived
tables (codes, names, kinds), not copies of those files. Rerun with the folder holding the
exports (default ../shared/realdata):

    python scripts/build_codelists.py [REALDATA_DIR]
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "codes"

PSEUDO_NAMES = {"gemeente onbekend", "buitenland", "gemeenten; niet in te delen", "niet in te delen"}


def read_sections(path: Path) -> dict[str, list[list[str]]]:
    """Split a StatLine metadata export (several ';' sections in one file) into sections."""
    text = path.read_text(encoding="utf-8-sig")
    sections: dict[str, list[list[str]]] = {}
    current = None
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if len(row) > 1 and row[0] and all(c == "" for c in row[1:]):
            current = row[0]
            sections[current] = []
        elif current is not None:
            sections[current].append(row)
    return sections


def kind_of(code: str, name: str) -> str:
    prefix = code[:2]
    if name.split(" (")[0].strip().lower() in PSEUDO_NAMES or code in {"GM0000", "GM0998", "GM0999"} or code.endswith("99") and prefix in {"LD", "PV", "RE"}:
        return "pseudo"
    return {"NL": "country", "LD": "landsdeel", "PV": "province", "RE": "police_unit", "GM": "municipality"}.get(prefix, "other")


def _name_older_codes(realdata: Path, regions: dict, pop: pd.DataFrame) -> None:
    """Name merged municipalities that only have a code, by matching their population series.

    37230ned is published twice: with codes (Bevolking_Gemeenten.csv) and with names (the StatLine
    download). A municipality's year-end population 2002–2018 identifies it uniquely, so equal
    series give the name of each code.
    """
    sl = realdata / "chelsj_47013NED_meta_37230ned" / "bevolkingeindeperiod_21122025.csv"
    rows = list(csv.reader(io.StringIO(sl.read_text(encoding="utf-8-sig")), delimiter=";"))
    header = next(r for r in rows if r and r[0] == "Regio's")
    years = [h for h in header[3:] if h.isdigit() and int(h) <= 2018]
    idx = [header.index(y) for y in years]
    by_series = {}
    for r in rows:
        if len(r) > max(idx) and r[1].startswith("Bevolking aan het einde"):
            by_series.setdefault(tuple(r[i] for i in idx), []).append(r[0].strip())
    pop = pop.assign(year=pop["Perioden"].str[:4], code=pop["RegioS"].str.strip())
    wide = pop[pop["year"].isin(years)].pivot(index="code", columns="year", values="BevolkingAanHetEindeVanDePeriode_15")
    for code, series in wide.iterrows():
        names = by_series.get(tuple(str(series[y]) if pd.notna(series[y]) else "" for y in years), [])
        if code in regions and not regions[code]["name"] and len(names) == 1:
            regions[code]["name"] = names[0]
            regions[code]["source"] += " + name from 37230ned StatLine download (matched population series)"


def main(realdata: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    meta = read_sections(realdata / "chelsj_47013NED_meta_37230ned" / "allemisdrijven_metadata_21122025.csv")

    regions: dict[str, dict] = {}
    head, *rows = meta["RegioS"]
    for r in rows:
        code, name = r[0].strip(), r[1].strip()
        regions[code] = {"code": code, "name": name, "kind": kind_of(code, name), "current": "yes", "source": "47013NED RegioS (indeling 2025)"}

    # older municipalities (merged since) from other CBS tables: names where the table gives them
    wb = pd.read_csv(realdata / "bernasco_staat_van_de_misdaad" / "first_commit_14f99b5" / "WijkenEnBuurten.csv", encoding="cp1252", dtype=str)
    kwb = pd.read_parquet(realdata / "statlinebq_84799NED_kwb2020" / "cbs.v3.84799NED_TypedDataSet.parquet", columns=["WijkenEnBuurten", "Gemeentenaam_1"])
    pop = pd.read_csv(realdata / "chelsj_47013NED_meta_37230ned" / "Bevolking_Gemeenten.csv", sep=";", dtype=str, encoding="utf-8-sig")
    older = []
    older += [(k.strip(), t.strip(), "47022NED WijkenEnBuurten") for k, t in zip(wb["Key"], wb["Title"]) if k.strip().startswith(("GM", "NL"))]
    older += [(k.strip(), str(t).strip(), "84799NED (indeling 2020)") for k, t in zip(kwb["WijkenEnBuurten"], kwb["Gemeentenaam_1"]) if k.strip().startswith("GM")]
    older += [(k.strip(), "", "37230ned RegioS") for k in pop["RegioS"].unique() if k.strip().startswith("GM")]
    for code, name, src in older:
        if code in regions:
            continue
        current = "yes" if code.startswith("NL") else "no"  # NL00 is the wijk/buurt tables' key for Nederland
        regions[code] = {"code": code, "name": name, "kind": kind_of(code, name) if name else "municipality", "current": current, "source": src}
    _name_older_codes(realdata, regions, pop)
    regions.setdefault("GM0000", {"code": "GM0000", "name": "Gemeente onbekend", "kind": "pseudo", "current": "no", "source": "47018NED (police, unknown municipality)"})
    pd.DataFrame(regions.values()).sort_values("code").to_csv(OUT / "regions.csv", index=False)

    crime = []
    head, *rows = meta["SoortMisdrijf"]
    crime += [{"code": r[0].strip(), "title": r[1].strip(), "table": "47013NED"} for r in rows]
    sm = pd.read_csv(realdata / "bernasco_staat_van_de_misdaad" / "first_commit_14f99b5" / "SoortMisdrijf.csv", dtype=str)
    crime += [{"code": k.strip(), "title": t.strip(), "table": "47022NED"} for k, t in zip(sm["Key"], sm["Title"])]
    m83 = pd.read_csv(realdata / "matthijsvz88_83648NED" / "misdrijf_meta.csv", dtype=str)
    crime += [{"code": k.strip(), "title": t.strip(), "table": "83648NED"} for k, t in zip(m83["Key"], m83["Title"])]
    ov = pd.read_csv(realdata / "bernasco_staat_van_de_misdaad" / "first_commit_14f99b5" / "Overlast.csv", dtype=str)
    crime += [{"code": k.strip(), "title": t.strip(), "table": "47024NED"} for k, t in zip(ov["Key"], ov["Title"])]
    pd.DataFrame(crime).to_csv(OUT / "measures.csv", index=False)
    print(f"regions: {len(regions)}; measure codes: {len(crime)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "realdata")
