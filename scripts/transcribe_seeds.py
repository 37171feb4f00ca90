"""Transcribe the figures in the seed documents into the embedded default dataset (data/).

The five seed documents (plain text extracted from PDF, see ../shared/seeds/README.md) hold the
tables the product must reproduce. This script parses those texts -- tab-separated tables,
a few figures inside running text -- and writes tidy CSV files plus data/PROVENANCE.md. No
figure is typed by hand: every number comes out of the seed text. What is written by hand here
are labels, keys and the mappings between them (printed label -> category key, indicator ->
series), plus the prose of PROVENANCE.md. Checks of the sources against themselves (sub-rows
that should sum, printed percentages against printed counts, one table against another) are
computed here and listed in PROVENANCE.md.

    python scripts/transcribe_seeds.py [--seeds DIR] [--out DIR]
    python scripts/transcribe_seeds.py --check-47018 PATH/TO/data.json   # print code checks

Output is deterministic (same seeds -> byte-identical files); tests/test_transcription.py
re-runs it and compares with the committed files.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
DEFAULT_OUT = ROOT / "data"

RETRIEVED = "2026-11-24"  # date of transcription, as agreed for the embedded dataset
YEARS = ("2016", "2017", "2018", "2019")

SEED_FILES = {
    "000": "Lelystad, Tussenevaluatie 2018 & 2019 integraal veiligheidsplan (IVP 2018-2022)",
    "001": "Lelystad, raadsinformatie voortgangsrapportage Integraal Veiligheidsplan 2023-2026",
    "002": "Almere, Actieplan Veiligheid 2019-2022",
    "003": "Noordoostpolder, Uitvoeringsplan Integrale Veiligheid 2020 - 2021",
    "004": "Dronten, Noordoostpolder en Urk, integraal veiligheidsbeleid 2020-2023 (DNU)",
}

GM = {"Lelystad": "GM0995", "Almere": "GM0034", "Dronten": "GM0303",
      "Noordoostpolder": "GM0171", "Urk": "GM0184"}
REGION_UNIT = ("RE03", "Midden-Nederland (RE)")  # police unit; "regio MNL" / "regio MHL"
BASISTEAM = ("BT-DNU", "Basisteam DNU")

# --------------------------------------------------------------------------------------------
# hand-written mappings: category keys, cleaned labels, printed spellings, codes
# --------------------------------------------------------------------------------------------

#: key -> cleaned Dutch label (from seed 000's police table), in the table's order
CATEGORY_LABELS = {
    "criminaliteit_totaal": "Criminaliteit totaal",
    "woninginbraak": "Woninginbraken",
    "woninginbraak_geslaagd": "Woninginbraak: geslaagd",
    "woninginbraak_poging": "Woninginbraak: pogingen",
    "geweld_totaal": "Geweld totaal",
    "zeden": "Zeden",
    "straatroof": "Straatroof",
    "overval": "Overval",
    "openlijk_geweld": "Openlijk geweld",
    "bedreiging": "Bedreiging",
    "mishandeling": "Mishandeling",
    "geweld_overig": "Overig geweld",
    "huiselijk_geweld": "Huiselijk geweld",
    "autokraak": "Autokraak",
    "fietsdiefstal": "Brom-, snor-, fietsdiefstal",
    "vernielingen": "Vernielingen",
    "zakkenrollen": "Zakkenrollen",
    "inbraak_bedrijf": "Inbraak/diefstal bedrijf en instelling",
    "winkeldiefstal": "Winkeldiefstal",
    "fraude_totaal": "Fraude totaal",
    "fraude_online_handel": "Online handel",
    "wapens": "Wapenhandel en/of bezit",
    "drugs": "Drugshandel, -vervaardiging, -bezit",
    "jongerenoverlast": "Meldingen jongerenoverlast",
    "verward_gedrag": "Overlast personen met verward gedrag",
    "ongevallen_weg": "Ongevallen op de weg",
}

#: printed row label (whitespace collapsed, lower case) -> key, for seed 000 and seed 004
PRINTED_LABELS = {
    # seed 000
    "criminaliteit totaal": "criminaliteit_totaal",
    "woninginbraken": "woninginbraak",
    "woninginbraak: geslaagd": "woninginbraak_geslaagd",
    "woninginbraak: pogingen": "woninginbraak_poging",
    "geweld: totaal": "geweld_totaal",
    "...waarvan zeden": "zeden",
    "...waarvan straatroof": "straatroof",
    "...waarvan overval": "overval",
    "...waarvan openlijk geweld": "openlijk_geweld",
    "...waarvan bedreiging": "bedreiging",
    "...waarvan mishandeling": "mishandeling",
    "... waarvan overig": "geweld_overig",
    "huiselijk geweld": "huiselijk_geweld",
    "autokraak": "autokraak",
    "brom-,snor-,fietsdiefstal": "fietsdiefstal",
    "vernielingen": "vernielingen",
    "zakkenrollen": "zakkenrollen",
    "inbraak/diefstal bedrijf en instelling": "inbraak_bedrijf",
    "winkeldiefstal": "winkeldiefstal",
    "fraude totaal": "fraude_totaal",
    "... waarvan: online handel": "fraude_online_handel",
    "wapenhandel en/of bezit": "wapens",
    "drugshandel,-vervaardiging,-bezit": "drugs",
    "meldingen jongerenoverlast": "jongerenoverlast",
    "overlast pers. met verward gedrag": "verward_gedrag",
    "ongevallen op de weg": "ongevallen_weg",
    # seed 004 (spellings as printed, including its typing errors)
    "woninginbraken: geslaagd": "woninginbraak_geslaagd",
    "wininginbraken: poging": "woninginbraak_poging",
    "geweld totaal": "geweld_totaal",
    "... waarvan zeden": "zeden",
    "... waarvan straatroof": "straatroof",
    "... waarvan overval": "overval",
    "... waarvan openlijk geweld": "openlijk_geweld",
    "... waarvan bedreiging": "bedreiging",
    "... waarvan mishandeling": "mishandeling",
    "... waarvan overige": "geweld_overig",
    "huishoudelijk geweld": "huiselijk_geweld",
    "brom-, snor- en fietsdiefstal": "fietsdiefstal",
    "drugshandel, -vervaardiging, -bezit": "drugs",
    "overlast persenen met verward gedrag": "verward_gedrag",
}

#: group header rows as printed -> group name used in categories.csv
GROUP_HEADERS = {
    "misdrijven met grote impact": "Misdrijven met grote impact",
    "veel voorkomende criminaliteit": "Veel voorkomende criminaliteit",
    "overig": "Overig",
    "overige": "Overig",
}

#: sub-rows and their parent row
PARENTS = {
    "woninginbraak_geslaagd": "woninginbraak", "woninginbraak_poging": "woninginbraak",
    "zeden": "geweld_totaal", "straatroof": "geweld_totaal", "overval": "geweld_totaal",
    "openlijk_geweld": "geweld_totaal", "bedreiging": "geweld_totaal",
    "mishandeling": "geweld_totaal", "geweld_overig": "geweld_totaal",
    "fraude_online_handel": "fraude_totaal",
}

#: SoortMisdrijf code of 47013NED for categories that are exactly one code
SOORTMISDRIJF = {
    "criminaliteit_totaal": "0.0.0", "woninginbraak": "1.1.1", "zeden": "1.4.1",
    "straatroof": "1.4.6", "overval": "1.4.7", "openlijk_geweld": "1.4.3",
    "bedreiging": "1.4.4", "mishandeling": "1.4.5", "geweld_overig": "1.4.2",
    "autokraak": "1.2.1", "fietsdiefstal": "1.2.3", "vernielingen": "2.2.1",
    "zakkenrollen": "1.2.4", "inbraak_bedrijf": "2.5.1", "winkeldiefstal": "2.5.2",
    "wapens": "3.1.3", "drugs": "3.1.1", "ongevallen_weg": "1.3.1",
}

#: composite categories: the parts whose seed rows must sum to the parent (checked below)
COMPOSITES = {
    "geweld_totaal": ["zeden", "straatroof", "overval", "openlijk_geweld", "bedreiging",
                      "mishandeling", "geweld_overig"],
    "woninginbraak": ["woninginbraak_geslaagd", "woninginbraak_poging"],
}

#: counted in total crime: yes / no / unknown, and why (empty for the total itself)
COUNTED_IN_TOTAL = {
    "criminaliteit_totaal": "",
    "huiselijk_geweld": "unknown",
    "fraude_totaal": "unknown",
    "fraude_online_handel": "unknown",
    "jongerenoverlast": "no",
    "verward_gedrag": "no",
}

#: notes on each category. The 47018NED comparison was made with `--check-47018` against
#: ../shared/realdata/dreyer_47018NED_gemeente_jaar/data.json (annual counts, current
#: boundaries, figures as published in 2025, so later corrections show up as small differences).
CATEGORY_NOTES = {
    "criminaliteit_totaal": "0.0.0 mapped by label; not verifiable here (the 47018NED extract has "
                            "no total).",
    "woninginbraak": "1.1.1 verified. 47018NED vs seed, 2016-2019: GM0995 equal (297/316/247/206); "
                     "GM0303 equal; GM0171 equal; GM0184 23/15/11/25 vs 23/25/11/24 (seed 004's "
                     "own sub-rows give 15 for 2017).",
    "woninginbraak_geslaagd": "No SoortMisdrijf code (police split of 1.1.1).",
    "woninginbraak_poging": "No SoortMisdrijf code (police split of 1.1.1).",
    "geweld_totaal": "Sum of 1.4.1-1.4.7 including 1.4.2 moord/doodslag (= 'overig'); the seed rows "
                     "sum exactly for all four municipalities and years (see PROVENANCE.md).",
    "zeden": "1.4.1 mapped by label; not in the 47018NED extract.",
    "straatroof": "1.4.6 mapped by label; not in the 47018NED extract.",
    "overval": "1.4.7 mapped by label; not in the 47018NED extract.",
    "openlijk_geweld": "1.4.3 mapped by label; not in the 47018NED extract.",
    "bedreiging": "1.4.4 by label, close. 47018NED vs seed: GM0995 204/156/165/165 vs "
                  "206/156/164/164; GM0303 equal; GM0171 41/58/64/70 vs 41/58/66/70; GM0184 equal.",
    "mishandeling": "1.4.5 by label, close. 47018NED vs seed: GM0995 294/305/289/258 vs "
                    "299/307/288/260; GM0303 75/75/71/104 vs 74/75/72/102; GM0171 100/107/85/118 "
                    "vs 100/108/85/119; GM0184 equal.",
    "geweld_overig": "1.4.2 (Moord, doodslag) verified: the only code of the 47018NED extract "
                     "equal to this row. 47018NED vs seed: GM0995 equal (25/12/10/16); GM0303 "
                     "equal; GM0171 equal; GM0184 equal.",
    "huiselijk_geweld": "No SoortMisdrijf code: a police flag across crime types, overlaps geweld.",
    "autokraak": "1.2.1 by label, close. 47018NED vs seed: GM0995 200/301/227/328 vs "
                 "200/305/228/330; GM0303 78/73/74/61 vs 78/74/75/61; GM0171 94/63/71/52 vs "
                 "94/63/71/53; GM0184 equal.",
    "fietsdiefstal": "1.2.3 by label, close. 47018NED vs seed: GM0995 404/278/307/318 vs "
                     "405/279/308/318; GM0303 146/63/53/66 vs 148/63/54/67; GM0171 174/97/83/101 "
                     "vs 174/97/83/102; GM0184 equal.",
    "vernielingen": "2.2.1 by label, close. 47018NED vs seed: GM0995 499/413/465/463 vs "
                    "503/414/469/466; GM0303 169/180/156/173 vs 171/182/157/173; GM0171 "
                    "235/247/169/197 vs 237/247/169/197; GM0184 99/87/83/53 vs 99/88/84/54.",
    "zakkenrollen": "1.2.4 mapped by label; not in the 47018NED extract.",
    "inbraak_bedrijf": "2.5.1 verified. 47018NED vs seed: GM0995 225/157/116/131 vs "
                       "225/157/116/130; GM0303 equal; GM0171 equal; GM0184 equal.",
    "winkeldiefstal": "2.5.2 mapped by label; not in the 47018NED extract.",
    "fraude_totaal": "Probably 3.9.1+3.9.2+3.9.3 (fraude) but not verifiable from the seeds.",
    "fraude_online_handel": "No SoortMisdrijf code (subset of fraude).",
    "wapens": "3.1.3 (Wapenhandel; the police code covers possession too) by label, close. "
              "47018NED vs seed: GM0995 28/32/28/40 vs 27/32/29/40; GM0303 6/12/9/13 vs "
              "6/13/9/13; GM0171 6/11/7/16 vs 6/11/8/18; GM0184 1/2/2/4 vs 1/2/3/3.",
    "drugs": "3.1.1 (Drugshandel) verified. 47018NED vs seed: GM0995 94/91/133/143 vs "
             "95/91/133/146; GM0303 equal; GM0171 23/19/30/22 vs 23/19/30/20; GM0184 equal.",
    "jongerenoverlast": "Incident registration (47024NED overlast), not a misdrijf; seed 004 says it "
                        "is not counted in total crime.",
    "verward_gedrag": "Incident registration (E33), not a misdrijf; seed 004 says it is not "
                      "counted in total crime.",
    "ongevallen_weg": "1.3.1 mapped by label; the seeds do not say whether it is in the total. In "
                      "47022NED's national monthly series (realdata bernasco NL_Crime.csv) the "
                      "0.0.0 total exceeds the sum of all other codes by less than the 1.3.1 count "
                      "every month, so the police total includes 1.3.1.",
}

#: Lelystad dashboard: printed indicator label -> (series, denominator, unit)
DASHBOARD_SERIES = {
    "Rapportcijfer veiligheid": ("survey:rapportcijfer_veiligheid_buurt", "", "rapportcijfer"),
    "woninginbraken per 1.000 woningen": ("woninginbraak", "woningen", "per 1.000 woningen"),
    "Totaal geweldsdelicten": ("geweld_totaal", "", "aantal"),
    "Totaal (brom)fietsdiefstal": ("fietsdiefstal", "", "aantal"),
    "Totaal bedrijfsinbraak en diefstal in bedrijven": ("inbraak_bedrijf", "", "aantal"),
    "% jeugdige verdachten": ("other:pct_jeugdige_verdachten", "", "%"),
    "Totaal aantal misdrijven": ("criminaliteit_totaal", "", "aantal"),
    "Onveiligheidsgevoelens": ("survey:pct_onveilig_buurt", "", "%"),
    "Meldingen sociale overlast": ("other:meldingen_sociale_overlast", "", "aantal"),
    "Meldingen jeugdoverlast": ("jongerenoverlast", "", "aantal"),
    "Aantal verkeersongevallen met letsel": ("other:verkeersongevallen_letsel", "", "aantal"),
    "% inwoners dat zich onveilig voelt rond uitgaan": ("survey:pct_onveilig_uitgaan", "", "%"),
    "Totaal autokraken": ("autokraak", "", "aantal"),
    "% inwoners dat zich onveilig voelt in centrum": ("survey:pct_onveilig_centrum", "", "%"),
    "% inwoners dat verkeersoverlast ervaart": ("survey:pct_verkeersoverlast", "", "%"),
    "% bewoners dat overlast van jongeren ervaart": ("survey:pct_overlast_jongeren", "", "%"),
}

#: survey measures of the dashboard also written to survey.csv (measure key -> label)
SURVEY_LABELS = {
    "rapportcijfer_veiligheid_buurt": "Rapportcijfer veiligheid in de buurt",
    "pct_onveilig_buurt": "% wel eens onveilig in de eigen buurt (onveiligheidsgevoelens)",
    "pct_onveilig_uitgaan": "% onveilig rond uitgaan",
    "pct_onveilig_centrum": "% onveilig in het centrum",
    "pct_verkeersoverlast": "% ervaart verkeersoverlast",
    "pct_overlast_jongeren": "% ervaart overlast van jongeren",
    "pct_veiligheidsgevoel": "Veiligheidsgevoelens (% zoals gedrukt in de samenvatting)",
    "slachtofferschap_per_100_inwoners": "Slachtofferschap (delicten per 100 inwoners)",
    "pct_zeer_tevreden_politie": "% zeer tevreden over het optreden van de politie",
}

#: Almere: subject phrase in the goal -> (series, short indicator label)
ALMERE_SUBJECTS = [  # longest phrases first: they are matched and removed in this order
    ("jeugd-, drugs- en drankoverlast op straat",
     ("other:overlast_jeugd_drugs_drank_straat", "Jeugd-, drugs- en drankoverlast op straat")),
    ("auto-inbraken", ("autokraak", "Auto-inbraken")),
    ("fietsendiefstallen", ("fietsdiefstal", "Fietsdiefstallen")),
    ("vandalisme", ("vernielingen", "Vandalisme (vernieling en beschadiging)")),
    ("jeugdcriminaliteit", ("other:jeugdige_verdachten_12_24",
                            "Jeugdcriminaliteit (jeugdige verdachten 12 t/m 24 jaar)")),
    ("jeugdoverlast", ("jongerenoverlast", "Jeugdoverlast")),
    ("straatroven", ("straatroof", "Straatroven")),
    ("overvallen", ("overval", "Overvallen")),
    ("inbraken", ("woninginbraak", "Woninginbraken")),
]
DENOMINATORS = {"woningen": ("woningen", "per 1.000 woningen"),
                "inwoners": ("inwoners", "per 1.000 inwoners"),
                "jongeren": ("jongeren_12_24", "per 1.000 jongeren")}

DUTCH_NUMBERS = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
                 "acht": 8, "negen": 9, "tien": 10, "zestien": 16}

# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


class SeedFormatError(ValueError):
    """The seed text does not have the layout this script expects."""


def seed_text(seeds: Path, prefix: str) -> tuple[str, list[str]]:
    files = sorted(seeds.glob(f"{prefix}_*.txt"))
    if len(files) != 1:
        raise SeedFormatError(f"expected one seed file {prefix}_*.txt in {seeds}, found {files}")
    text = files[0].read_text(encoding="utf-8")
    return files[0].name, text.splitlines()


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def strip_tags(s: str) -> str:
    """Remove HTML left over from the PDF conversion; keep list items apart with '; '."""
    def ul(m: re.Match) -> str:
        items = [i.strip() for i in re.split(r"-\s(?=\S)", m.group(1)) if i.strip()]
        return " " + "; ".join(items)
    s = re.sub(r"<ul[^>]*>(.*?)(?:</ul>|$)", ul, s)
    s = re.sub(r"<[^>]+>", "", s)
    s = re.sub(r"\s+:", ":", s)
    return squash(s)


def find_line(lines: list[str], pattern: str, start: int = 0) -> int:
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i]):
            return i
    raise SeedFormatError(f"line matching {pattern!r} not found after line {start + 1}")


def count(cell: str, where: str) -> int:
    c = cell.strip()
    if not re.fullmatch(r"\d+", c):
        raise SeedFormatError(f"{where}: expected a whole number, found {cell!r}")
    return int(c)


def nl_number(text: str) -> str:
    """'4.450' -> '4450', '7,2' -> '7.2', '22%' -> '22', 'Onder 9,0' -> '9.0' (Dutch notation)."""
    m = re.search(r"\d[\d.,]*", text)
    if not m:
        return ""
    t = m.group(0).rstrip(".,")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", t):
        t = t.replace(".", "")
    return t.replace(",", ".")


def pct_cell(cell: str) -> tuple[int | None, str, bool]:
    """A printed change '+ 20 %', '-13 %', '0%', '- 0%' -> (value, printed, negative zero)."""
    printed = squash(cell)
    if printed == "":
        return None, "", False
    m = re.fullmatch(r"([+-])?\s*(\d+)\s*%", printed)
    if not m:
        raise SeedFormatError(f"not a printed percentage: {cell!r}")
    v = int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
    return v, printed, (m.group(1) == "-" and v == 0)


def round_half_away(x: float) -> int:
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def change_pct(old: int, new: int) -> int | None:
    if old == 0:
        return None
    return round_half_away((new - old) / old * 100)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    path.write_text(buf.getvalue(), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# police tables (seed 000 and seed 004)
# --------------------------------------------------------------------------------------------

COLS = ("gemeente", "regio", "H1", "H2")
PERIOD_OF = {"gemeente": "2019", "regio": "2019", "H1": "2019H1", "H2": "2019H2"}


@dataclass
class PoliceRow:
    key: str
    printed_label: str
    group: str
    counts: dict[str, int]
    pct_cells: list[str]  # the printed change cells, as split (may be fewer than 4)
    line: int


@dataclass
class PoliceTable:
    region_code: str
    region_name: str
    source: str
    file: str
    section: str
    rows: list[PoliceRow] = field(default_factory=list)

    def value(self, key: str, year: str) -> int:
        return next(r.counts[year] for r in self.rows if r.key == key)


def parse_police_rows(lines: list[str], start: int, stop: int, where: str) -> list[PoliceRow]:
    rows: list[PoliceRow] = []
    group = ""
    for i in range(start, stop):
        raw = lines[i]
        if not raw.strip():
            continue
        cells = raw.split("\t")
        label = squash(cells[0])
        rest = [c for c in cells[1:]]
        if label == "":
            continue  # second header line
        if all(not c.strip() for c in rest):
            g = GROUP_HEADERS.get(label.lower())
            if g is None:
                raise SeedFormatError(f"{where} line {i + 1}: unknown group row {label!r}")
            group = g
            continue
        key = PRINTED_LABELS.get(label.lower())
        if key is None:
            raise SeedFormatError(f"{where} line {i + 1}: unknown row label {label!r}")
        if len(rest) < 4:
            raise SeedFormatError(f"{where} line {i + 1}: fewer than four counts")
        counts = {y: count(c, f"{where} line {i + 1}") for y, c in zip(YEARS, rest[:4])}
        pct = rest[4:]
        # seed 000 rows end without a trailing tab; drop nothing else: empty cells are data
        if len(pct) > 4:
            raise SeedFormatError(f"{where} line {i + 1}: more than four change cells")
        rows.append(PoliceRow(key, label, group if key != "criminaliteit_totaal" else "",
                              counts, pct, i + 1))
    keys = [r.key for r in rows]
    if keys != list(CATEGORY_LABELS):
        raise SeedFormatError(f"{where}: rows {keys} do not match the 26 categories")
    return rows


def parse_seed000_police(seeds: Path) -> PoliceTable:
    fname, lines = seed_text(seeds, "000")
    sec = find_line(lines, r"^POLITIECIJFERS 2016-2019\s*$")
    head = find_line(lines, r"^\t2016\t2017\t2018\t2019\t", sec)
    h = lines[head]
    for needle in ("gemeente", "regio MNL", "6-maands"):
        if needle not in h:
            raise SeedFormatError(f"{fname} line {head + 1}: header lacks {needle!r}")
    if "januari t/m juni" not in lines[head + 1] or "juli t/m december" not in lines[head + 1]:
        raise SeedFormatError(f"{fname} line {head + 2}: half-year header not found")
    end = head + 2
    while end < len(lines) and lines[end].strip():
        end += 1
    t = PoliceTable(GM["Lelystad"], "Lelystad", "seed000:politiecijfers", fname,
                    "POLITIECIJFERS 2016-2019")
    t.rows = parse_police_rows(lines, head + 2, end, fname)
    return t


def parse_seed004_police(seeds: Path) -> list[PoliceTable]:
    fname, lines = seed_text(seeds, "004")
    tables = []
    for name in ("Dronten", "Noordoostpolder", "Urk"):
        sec = find_line(lines, rf"^Speerpunten {name}\d*\s*$")
        head = find_line(lines, r"^\t 2016\t 2017\t 2018\t 2019\t", sec)
        h = squash(" ".join(lines[sec + 1:head + 1]))
        for needle in ("gemeente", "regio MHL", "januari", "t/m juni", "juli t/m", "december"):
            if needle not in h:
                raise SeedFormatError(f"{fname} line {head + 1}: header lacks {needle!r}")
        end = find_line(lines, r"^Ontwikkelingen 2019 t\.o\.v\. 2018,", head)
        heading = squash(lines[sec])
        t = PoliceTable(GM[name], name, f"seed004:speerpunten_{name.lower()}", fname, heading)
        t.rows = parse_police_rows(lines, head + 1, end, fname)
        tables.append(t)
    return tables


@dataclass
class Change:
    table_of: str
    region_code: str
    region_name: str
    measure: str
    period: str
    value: int | None
    printed: str
    source: str
    note: str


def place_changes(tables: list[PoliceTable]) -> tuple[list[Change], list[str], list[str]]:
    """Printed change cells -> Change rows; returns also unplaced cells and other remarks."""
    # the region column is the same police unit in every table: find its printed values
    regio_values: dict[str, set[int]] = {}
    for t in tables:
        for r in t.rows:
            if len(r.pct_cells) == 4:
                v, _, _ = pct_cell(r.pct_cells[1])
                if v is not None:
                    regio_values.setdefault(r.key, set()).add(v)
    changes: list[Change] = []
    unplaced: list[str] = []
    remarks: list[str] = []
    for t in tables:
        for r in t.rows:
            cells = list(r.pct_cells)
            placed: dict[str, tuple[int | None, str, bool]] = {}
            short_notes: dict[str, str] = {}
            if len(cells) == 4:
                for col, c in zip(COLS, cells):
                    placed[col] = pct_cell(c)
            else:
                parsed = [pct_cell(c) for c in cells]
                known = regio_values.get(r.key, set())
                if len(parsed) >= 2 and parsed[1][0] is not None and parsed[1][0] in known:
                    placed["gemeente"] = parsed[0]
                    placed["regio"] = parsed[1]
                    leftovers = parsed[2:]
                    short = (f"row has {len(cells)} of 4 change cells (line {r.line}); placed "
                             f"by position (the regio value equals the region column of the "
                             f"other tables)")
                    short_notes["gemeente"] = short_notes["regio"] = short
                    if all(p[0] is None for p in leftovers):
                        placed["H1"] = (None, "", False)
                        placed["H2"] = (None, "", False)
                        short_notes["H1"] = short_notes["H2"] = (
                            f"row has {len(cells)} of 4 change cells (line {r.line}); no "
                            f"half-year value printed (one cell empty, one missing)")
                        remarks.append(f"{t.region_name}, '{r.printed_label}' (line {r.line}): "
                                       f"{len(cells)} change cells for 4 columns; the cells "
                                       f"after the regio column are empty, so neither half-year "
                                       f"has a printed value (written as empty)")
                    else:
                        vals = ", ".join(repr(p[1]) for p in leftovers if p[0] is not None)
                        unplaced.append(f"{t.region_name}, '{r.printed_label}' (line {r.line}): "
                                        f"{len(cells)} change cells for 4 columns; gemeente "
                                        f"({parsed[0][1]!r}) and regio ({parsed[1][1]!r}) "
                                        f"placed by position; the remaining value {vals} "
                                        f"belongs to one of the two half-year columns and it "
                                        f"cannot be told which, so both half-years are left "
                                        f"out")
                else:
                    unplaced.append(f"{t.region_name}, '{r.printed_label}' (line {r.line}): "
                                    f"{len(cells)} change cells, none placed")
            for col in COLS:
                if col not in placed:
                    continue
                v, printed, negzero = placed[col]
                notes = [short_notes[col]] if col in short_notes else []
                if printed == "" and col in ("H1", "H2") and col in short_notes:
                    pass
                elif printed == "":
                    if col == "gemeente" and r.counts["2018"] == 0:
                        notes.append("cell printed empty (2018 count is 0)")
                    else:
                        notes.append("cell printed empty")
                if negzero:
                    notes.append("printed as -0 %, written as 0")
                if col == "gemeente" and v is not None:
                    calc = change_pct(r.counts["2018"], r.counts["2019"])
                    if calc != v:
                        notes.append(f"does not follow from the printed counts "
                                     f"{r.counts['2018']} -> {r.counts['2019']} "
                                     f"(computed {calc:+d} %)")
                if col == "regio":
                    code, name = REGION_UNIT
                else:
                    code, name = t.region_code, t.region_name
                changes.append(Change(t.region_code, code, name, r.key, PERIOD_OF[col], v,
                                      printed, t.source, "; ".join(notes)))
    return changes, unplaced, remarks


# --------------------------------------------------------------------------------------------
# other tables of seed 004: Tabel 1 (youth nuisance) and Tabel 2 (survey grade)
# --------------------------------------------------------------------------------------------


def parse_tabel1(seeds: Path) -> tuple[list[tuple[str, str, str, int]], str]:
    fname, lines = seed_text(seeds, "004")
    head = find_line(lines, r"^Melding jeugdoverlast\t")
    years = [c.strip() for c in lines[head].split("\t")[1:]]
    if years != list(YEARS):
        raise SeedFormatError(f"{fname} line {head + 1}: unexpected years {years}")
    out = []
    i = head + 1
    while lines[i].strip():
        cells = lines[i].split("\t")
        name = cells[0].strip()
        for y, c in zip(years, cells[1:]):
            out.append((GM[name], name, y, count(c, f"{fname} line {i + 1}")))
        i += 1
    cap = find_line(lines, r"^Tabel 1\.", i)
    if cap - i > 2:
        raise SeedFormatError(f"{fname}: caption 'Tabel 1.' not right after the table")
    return out, fname


def parse_tabel2(seeds: Path) -> tuple[list[tuple[str, str]], str, str]:
    """Returns [(year, value)], the raw row and a remark about the layout."""
    fname, lines = seed_text(seeds, "004")
    head = find_line(lines, r"^Rapportcijfer veiligheid in de buurt\t")
    years = [c.strip() for c in lines[head].split("\t")[1:]]
    row = lines[head + 1].split("\t")
    if row[0].strip() != BASISTEAM[1]:
        raise SeedFormatError(f"{fname} line {head + 2}: expected {BASISTEAM[1]!r}")
    values = [c.strip() for c in row[1:] if c.strip()]
    if len(values) != len(years):
        raise SeedFormatError(f"{fname} line {head + 2}: {len(values)} values for {years}")
    remark = (f"the row has {len(row) - 1} cells (first one empty) under {len(years)} year "
              f"columns and {len(values)} values; the values are read in order as "
              f"{', '.join(f'{y} = {v}' for y, v in zip(years, values))}")
    return list(zip(years, values)), fname, remark


# --------------------------------------------------------------------------------------------
# seed 000 dashboard, summary figures and activity register
# --------------------------------------------------------------------------------------------


def parse_dashboard(seeds: Path) -> tuple[list[dict], str]:
    fname, lines = seed_text(seeds, "000")
    head = find_line(lines, r"^Indicator\tReferentie 2016\tDoelstelling 2022\tStand eind 2019"
                            r"\tOordeel")
    out = []
    i = head + 1
    while lines[i].strip():
        cells = lines[i].split("\t")
        if len(cells) != 5:
            raise SeedFormatError(f"{fname} line {i + 1}: expected 5 cells")
        label, ref, target, stand, mark = (squash(c) for c in cells)
        judgement = {"\N{THUMBS UP SIGN}": "up", "\N{THUMBS DOWN SIGN}": "down"}.get(mark)
        if judgement is None:
            raise SeedFormatError(f"{fname} line {i + 1}: unknown mark {mark!r}")
        if target.startswith("Onder"):
            direction = "below"
        elif target.startswith("\u2264"):
            direction = "at_most"
        elif target.startswith("\u2265"):
            direction = "at_least"
        else:
            raise SeedFormatError(f"{fname} line {i + 1}: unknown target {target!r}")
        out.append({"label": label, "ref": ref, "target": target, "stand": stand,
                    "judgement": judgement, "direction": direction, "line": i + 1})
        i += 1
    if len(out) != 16:
        raise SeedFormatError(f"{fname}: dashboard has {len(out)} rows, expected 16")
    return out, fname


def parse_seed000_summary(seeds: Path) -> tuple[dict, str]:
    fname, lines = seed_text(seeds, "000")
    text = squash(" ".join(lines[:80]))
    found = {}

    def grab(name: str, pattern: str, conv=int) -> None:
        """``pattern`` has group ``v`` (the figure) and optionally ``p`` (its printed form)."""
        m = re.search(pattern, text)
        if not m:
            raise SeedFormatError(f"{fname}: summary figure {name!r} not found ({pattern})")
        printed = m.group("p") if "p" in m.groupdict() else m.group("v")
        found[name] = (conv(m.group("v")), squash(printed))

    words = lambda s: DUTCH_NUMBERS[s.lower()]  # noqa: E731
    grab("activiteiten_totaal", r"valueerd van (?P<v>\d+) activiteiten")
    grab("activiteiten_gepland", r"Naast de (?P<v>\d+) van te voren bedachte acties")
    grab("activiteiten_extra", r"er ook nog (?P<v>\d+) projecten")
    grab("activiteiten_oranje", r"(?P<p>Een (?P<v>\d+)-tal) activiteiten ondervinden knelpunten")
    grab("activiteiten_rood", r"er (?P<p>(?P<v>\w+) in het rood)", words)
    grab("pct_op_koers", r"(?P<p>Ruim (?P<v>\d+)%) van alle acties ligt op koers")
    grab("pct_groen", r"\((?P<p>(?P<v>\d+)%) in het 'groen'\)")
    grab("indicatoren_groen", r"(?P<v>\w+) van de \w+ indicatoren staan op groen", words)
    grab("indicatoren_totaal", r"\w+ van de (?P<p>(?P<v>\w+) indicatoren) staan op groen",
         words)
    grab("indicatoren_oranje", r"op groen, (?P<p>(?P<v>\w+) op oranje)", words)
    grab("indicatoren_rood", r"op oranje en (?P<p>(?P<v>\w+) in het rood)", words)
    grab("misdrijven_2019", r"totaal aantal van (?P<v>[\d.]+) geregistreerde misdrijven",
         lambda s: int(nl_number(s)))
    grab("veiligheidsgevoel", r"veiligheidsgevoelens zijn verder stabiel gebleven "
                              r"\((?P<v>\d+)%\)")
    grab("rapportcijfer", r"veiligheid in hun eigen buurt \((?P<v>\d+,\d)\)", nl_number)
    return found, fname


def parse_seed001_summary(seeds: Path) -> tuple[dict, str]:
    fname, lines = seed_text(seeds, "001")
    text = squash(" ".join(lines))
    m = re.search(r"\((?P<p>\d+)%\) van de (?P<n>\d+) activiteiten", text)
    if not m:
        raise SeedFormatError(f"{fname}: activity totals not found")
    return {"ivp2023_activiteiten_totaal": (int(m.group("n")), m.group("n")),
            "ivp2023_pct_volgens_planning": (int(m.group("p")), f"{m.group('p')}%")}, fname


@dataclass
class Activity:
    theme: str
    item: str
    activity: str
    portfolio_holder: str = ""
    partners: str = ""
    lead: str = ""
    planning_year: str = ""
    budget: str = ""
    status: str = ""  # stoplight colours were lost in extraction: always empty
    judgement: str = ""
    planned: str = "yes"
    line: int = 0

    def row(self) -> list[str]:
        return [self.theme, self.item, self.activity, self.portfolio_holder, self.partners,
                self.lead, self.planning_year, self.budget, self.status, self.judgement,
                self.planned]


def parse_register000(seeds: Path) -> tuple[list[Activity], list[str], str]:
    """Planned activities (table after 'BEOORDELING ALLE ACTIVITEITEN IVP') + extra ones."""
    fname, lines = seed_text(seeds, "000")
    sec = find_line(lines, r"^BEOORDELING ALLE ACTIVITEITEN IVP")
    head = find_line(lines, r"^THEMA\tACTIE en OMSCHRIJVING\tOORDEEL", sec)
    extra_title = find_line(lines, r"^Acties die w.l zijn uitgevoerd", head)
    head2 = find_line(lines, r"^THEMA\tOMSCHRIJVING ACTIVITEIT\tOORDEEL", extra_title)
    stop = find_line(lines, r"^POLITIECIJFERS", head2)
    out: list[Activity] = []
    skipped: list[str] = []
    for lo, hi, planned in ((head + 1, extra_title, "yes"), (head2 + 1, stop, "no")):
        theme = ""
        for i in range(lo, hi):
            raw = lines[i]
            if not raw.strip():
                continue
            cells = raw.split("\t")
            if len(cells) == 1:
                # footnote text (superscript number) interrupting the table: not an activity
                if re.match(r"^[\u00b9\u00b2\u00b3\u2070-\u2079]+\s", raw):
                    skipped.append(f"line {i + 1}: footnote {raw.strip()[:1]} (not an activity)")
                    continue
                raise SeedFormatError(f"{fname} line {i + 1}: text without cells in table")
            if len(cells) != 3:
                raise SeedFormatError(f"{fname} line {i + 1}: expected 3 cells, found "
                                      f"{len(cells)}")
            th, act, judg = (strip_tags(c) for c in cells)
            if th:
                theme = th
            if not theme or not act:
                raise SeedFormatError(f"{fname} line {i + 1}: row without theme or activity")
            out.append(Activity(theme=theme, item="", activity=act, judgement=judg,
                                planned=planned, line=i + 1))
    group_register000(out, plan_headings000(lines, fname), fname)
    return out, skipped, fname


#: the seed's misprints in the plan's own headings, repaired (each named in PROVENANCE.md)
MISPRINTS_000 = {"Ondernijning": "Ondermijning"}
#: words the PDF extraction split inside seed 000's theme cells, joined again (each must occur)
SPLIT_WORDS_000 = {"component en": "componenten", "evenement en": "evenementen",
                   "voorkomen de": "voorkomende"}
#: the plan heading a printed theme of seed 000 falls under, by the theme's first words (after
#: repair): P = priority, S = strategic theme, with the plan's number; None = no heading of the plan
#: names it. Checked against the document: the list is 'sorted by the priorities above', so the
#: headings of the planned rows must never go back.
HEADING_OF_000 = [
    ("Veilige wijk", "P1"), ("Veilige wijken", "P1"), ("Jeugd en veiligheid", "P2"), ("Ondermijning", "P3"),
    ("Maatschappelijke awareness en weerbaarheid", "P3"),
    ("Regie en preventie", "S1"), ("Daderaanpak", "S1"), ("Veel voorkomende criminaliteit", "S1"),
    ("Woninginbraak", "S1"),
    ("Veilig uitgaan", "S2"), ("Veilige evenementen", "S2"), ("Evenementen", "S2"), ("Veilig toerisme", "S2"),
    ("Veilige winkelgebieden", "S3"), ("Veilige bedrijventerreinen", "S3"),
    ("Verkeersveiligheid", None),
    ("Brandveiligheid", "S4"), ("Externe veiligheid", "S4"), ("Crisisbeheersing", "S4"),
    ("Waterveiligheid", "S4"), ("Lelystad Airport en Flevokust", "S4"),
    ("Radicalisering", "S5"), ("Informatieveiligheid", "S6"), ("Veilige publieke taak", "S7"), ("VPT", "S7"),
    ("Ambtelijke integriteit", "S8"), ("Bestuurlijke integriteit", "S8"),
]


def plan_headings000(lines: list[str], fname: str) -> dict[str, str]:
    """The plan's own headings as seed 000 lists them: {'P1': 'Prioriteit 1: …', 'S1': 'Strategisch thema 1: …'}."""
    out = {}
    for intro, kind, label, n in ((r"drie prioriteiten benoemd:$", "P", "Prioriteit", 3),
                                  (r"acht strategische thema's:$", "S", "Strategisch thema", 8)):
        i = find_line(lines, intro) + 1
        found = []
        while i < len(lines) and (not lines[i].strip() or re.match(r"^\d+\. ", lines[i])):
            m = re.match(r"^(\d+)\. (.+?)\.?$", lines[i].strip())
            if m:
                found.append((int(m[1]), MISPRINTS_000.get(m[2], m[2])))
            elif found:
                break
            i += 1
        if [k for k, _ in found] != list(range(1, n + 1)):
            raise SeedFormatError(f"{fname}: expected {n} numbered headings after {intro!r}, found {found}")
        out.update({f"{kind}{k}": f"{label} {k}: {text}" for k, text in found})
    return out


def repair_theme000(printed: str, used: set[str]) -> str:
    """A theme cell of seed 000 without PDF debris: words split at a line end ('Radicali-sering',
    'hand- having') joined, split words ('evenement en') repaired, first letter upper case."""
    t = re.sub(r"(?<=[a-zé])- ?(?=[a-z])", "", printed)
    for bad, good in SPLIT_WORDS_000.items():
        if bad in t:
            used.add(bad)
            t = t.replace(bad, good)
    return t[:1].upper() + t[1:]


def heading_key000(theme: str) -> str | None:
    for start, key in HEADING_OF_000:
        if theme == start or theme.startswith(start + ",") or theme.startswith(start + " "):
            return key
    raise SeedFormatError(f"seed 000: theme {theme!r} is under no known heading of the plan")


def group_register000(acts: list[Activity], headings: dict[str, str], fname: str) -> None:
    """Theme := the plan's heading, item := the printed theme repaired (in place); checks the order."""
    used: set[str] = set()
    order = list(headings)
    last = -1
    for a in acts:
        item = repair_theme000(a.theme, used)
        key = heading_key000(item)
        if key is not None and a.planned == "yes":
            if order.index(key) < last:
                raise SeedFormatError(f"{fname} line {a.line}: {item!r} ({key}) after a later heading")
            last = order.index(key)
        a.item = item
        a.theme = headings[key] if key else item.split(",")[0]
    unused = set(SPLIT_WORDS_000) - used
    if unused:
        raise SeedFormatError(f"{fname}: split words not found any more: {sorted(unused)}")


def parse_register003(seeds: Path) -> tuple[list[Activity], list[str], str]:
    fname, lines = seed_text(seeds, "003")
    out: list[Activity] = []
    remarks: list[str] = []
    theme = ""
    expected = ["item/actiepunt", "maatregelen/activiteiten 2018", "PH", "partijen intern/extern",
                "trekker", "planning", "begroting"]
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(Prioriteit \d+: .+|Strategisch thema [a-z]: .+)$", line.strip())
        if m:
            theme = squash(m.group(1))
        if line.startswith("item/actiepunt\t"):
            header = [strip_tags(c) for c in line.split("\t")]
            if header != expected:
                raise SeedFormatError(f"{fname} line {i + 1}: unexpected header {header}")
            if not theme:
                raise SeedFormatError(f"{fname} line {i + 1}: table before any theme heading")
            item = ""
            i += 1
            while i < len(lines) and lines[i].strip():
                cells = lines[i].split("\t")
                if len(cells) != 7:
                    raise SeedFormatError(f"{fname} line {i + 1}: expected 7 cells, found "
                                          f"{len(cells)}")
                it, act, ph, partners, lead, planning, budget = (strip_tags(c) for c in cells)
                if it:
                    item = it
                elif not item:
                    raise SeedFormatError(f"{fname} line {i + 1}: empty item with no previous")
                if planning and not re.fullmatch(r"\d{4}", planning):
                    raise SeedFormatError(f"{fname} line {i + 1}: planning {planning!r}")
                out.append(Activity(theme=theme, item=item, activity=act, portfolio_holder=ph,
                                    partners=partners, lead=lead, planning_year=planning,
                                    budget=budget, line=i + 1))
                i += 1
            continue
        i += 1
    return out, remarks, fname


# --------------------------------------------------------------------------------------------
# seed 002 (Almere): rate targets
# --------------------------------------------------------------------------------------------


def parse_almere(seeds: Path) -> tuple[list[dict], dict, str]:
    fname, lines = seed_text(seeds, "002")
    goals = []
    i = 0
    while True:
        try:
            s = find_line(lines, r"^WAT WILLEN WIJ BEREIKEN\?\s*$", i)
        except SeedFormatError:
            break
        e = find_line(lines, r"^(WAT GAAN WIJ DAARVOOR DOEN\?|STADSVERNIEUWING)", s + 1)
        for j in range(s + 1, e):
            text = squash(lines[j])
            m = re.search(r"per 1\.?000 (woningen|inwoners|jongeren)", text)
            if not m:
                continue
            y = re.search(r"ten opzichte van (\d{4})", text)
            if "niet laten stijgen" in text or "niet stijgen" in text:
                direction = "no_increase"
            elif "daling" in text:
                direction = "decrease"
            else:
                raise SeedFormatError(f"{fname} line {j + 1}: no direction in goal")
            subject = text[:m.start()]
            found = []
            for phrase, target in ALMERE_SUBJECTS:
                k = subject.find(phrase)
                if k >= 0:
                    found.append((k, target))
                    subject = subject[:k] + " " * len(phrase) + subject[k + len(phrase):]
            if not found:
                raise SeedFormatError(f"{fname} line {j + 1}: goal subject not recognised")
            for _, (series, label) in sorted(found):
                goals.append({"series": series, "label": label, "denominator": m.group(1),
                              "direction": direction, "base_year": y.group(1) if y else "",
                              "line": j + 1})
        i = e
    text = squash(" ".join(lines))
    ref = re.search(r"met (?P<v>\d+) inbraken per 1000 woningen in (?P<y>\d{4})", text)
    reference = {"woninginbraak": (ref.group("v"), ref.group("y"))} if ref else {}
    return goals, reference, fname


# --------------------------------------------------------------------------------------------
# seed 004 survey text
# --------------------------------------------------------------------------------------------


def parse_dnu_survey_text(seeds: Path) -> tuple[dict, str]:
    fname, lines = seed_text(seeds, "004")
    s = find_line(lines, r"^Veiligheidsgevoel\s*$")
    e = find_line(lines, r"^Lokale speerpunten", s)
    text = squash(" ".join(lines[s:e]))
    out = {}
    m = re.search(r"Veiligheidsmonitor (?P<y>\d{4})", text)
    out["year"] = m.group("y")
    m = re.search(r"een (?P<a>\d+\.\d) geven als rapportcijfer.*?Midden-Nederland is een "
                  r"(?P<b>\d+\.\d)", text)
    out["rapportcijfer"] = (m.group("a"), m.group("b"))
    m = re.search(r"\(delicten per 100 inwoners\) is (?P<a>\d+\.\d) in vergelijking tot "
                  r"(?P<b>\d+\.\d)", text)
    out["slachtofferschap"] = (m.group("a"), m.group("b"))
    m = re.search(r"(?P<a>\d+,\d)% van de inwoners zeer tevreden over het optreden van de "
                  r"politie\. In Midden-Nederland is dit (?P<b>\d+,\d)%", text)
    out["tevreden"] = (nl_number(m.group("a")), nl_number(m.group("b")))
    # narrative totals of youth nuisance and confused persons (DNU together)
    full = squash(" ".join(lines))
    m = re.search(r"Jongerenoverlast wordt niet meegerekend in de totale criminaliteit.*?in 2019 "
                  r"\((?P<a>\d+)\).*?2016 \((?P<b>\d+)\)", full)
    out["jeugd_tekst"] = (int(m.group("b")), int(m.group("a")))
    m = re.search(r"verward gedrag wordt eveneens niet meegerekend.*?in 2019 \((?P<a>\d+)\) ten "
                  r"opzichte van 2016 \((?P<b>\d+)\)", full)
    out["verward_tekst"] = (int(m.group("b")), int(m.group("a")))
    return out, fname


# --------------------------------------------------------------------------------------------
# build everything
# --------------------------------------------------------------------------------------------


def build(seeds: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    lel = parse_seed000_police(seeds)
    dnu = parse_seed004_police(seeds)
    tables = [lel] + dnu
    prov: dict = {"tables": tables,
                  "files": {k: seed_text(seeds, k)[0] for k in SEED_FILES}}

    # ---- checks on the police tables -------------------------------------------------------
    sums_ok: dict[str, bool] = {}
    sum_lines: dict[str, list[str]] = {"fraude_online_handel": []}
    for parent, parts in COMPOSITES.items():
        ok = True
        sum_lines[parent] = []
        for t in tables:
            for y in YEARS:
                total = sum(t.value(p, y) for p in parts)
                if total != t.value(parent, y):
                    ok = False
                    sum_lines[parent].append(f"{t.region_name} {y}: {parent} printed "
                                     f"{t.value(parent, y)}, sub-rows sum to {total} "
                                     f"({' + '.join(str(t.value(p, y)) for p in parts)})")
        sums_ok[parent] = ok
    for t in tables:
        for y in YEARS:
            if t.value("fraude_online_handel", y) > t.value("fraude_totaal", y):
                sum_lines["fraude_online_handel"].append(
                    f"{t.region_name} {y}: online handel exceeds fraude totaal")
    prov["sums_ok"], prov["sum_lines"] = sums_ok, sum_lines

    # ---- categories.csv ----------------------------------------------------------------
    spellings: dict[str, list[str]] = {k: [] for k in CATEGORY_LABELS}
    for t in tables:
        for r in t.rows:
            if (r.printed_label.lower() != CATEGORY_LABELS[r.key].lower()
                    and r.printed_label not in spellings[r.key]):
                spellings[r.key].append(r.printed_label)
    cat_rows = []
    for order, r in enumerate(lel.rows, start=1):
        parts = COMPOSITES.get(r.key)
        sm_sum = ""
        if r.key == "geweld_totaal" and sums_ok[r.key]:
            sm_sum = "+".join(sorted(SOORTMISDRIJF[p] for p in parts))
        counted = COUNTED_IN_TOTAL.get(r.key, "yes")
        cat_rows.append([r.key, CATEGORY_LABELS[r.key], r.group, PARENTS.get(r.key, ""), order,
                         SOORTMISDRIJF.get(r.key, ""), sm_sum, counted,
                         "|".join(spellings[r.key]), CATEGORY_NOTES.get(r.key, "")])
    write_csv(out / "categories.csv",
              ["key", "label", "group", "parent", "order", "soortmisdrijf", "soortmisdrijf_sum",
               "counted_in_total", "aliases", "note"], cat_rows)

    # ---- police_figures.csv ------------------------------------------------------------
    pf = []
    for t in tables:
        for r in t.rows:
            for y in YEARS:
                pf.append([t.region_code, t.region_name, y, r.key, CATEGORY_LABELS[r.key],
                           r.counts[y], "aantal", t.source, "onbekend", RETRIEVED, "source"])
    write_csv(out / "police_figures.csv",
              ["region_code", "region_name", "period", "measure", "measure_label", "value",
               "unit", "source", "status", "retrieved", "kind"], pf)

    # ---- published_changes.csv ---------------------------------------------------------
    changes, unplaced, change_remarks = place_changes(tables)
    write_csv(out / "published_changes.csv",
              ["table_of", "region_code", "region_name", "measure", "period", "comparison",
               "value_pct", "printed", "source", "note"],
              [[c.table_of, c.region_code, c.region_name, c.measure, c.period, "previous_year",
                c.value, c.printed, c.source, c.note] for c in changes])
    prov["changes"], prov["unplaced"], prov["change_remarks"] = changes, unplaced, change_remarks

    # region column identical across tables?
    regio: dict[str, dict[str, str]] = {}
    for c in changes:
        if c.region_code == REGION_UNIT[0]:
            regio.setdefault(c.measure, {})[c.table_of] = c.printed
    prov["regio"] = regio

    # year change between the half-year changes?
    by = {(c.table_of, c.measure, c.period): c for c in changes if c.region_code != "RE03"}
    between = []
    for t in tables:
        for r in t.rows:
            yc = by.get((t.region_code, r.key, "2019"))
            h1 = by.get((t.region_code, r.key, "2019H1"))
            h2 = by.get((t.region_code, r.key, "2019H2"))
            if not (yc and h1 and h2) or None in (yc.value, h1.value, h2.value):
                continue
            lo, hi = min(h1.value, h2.value), max(h1.value, h2.value)
            if not (lo - 1 <= yc.value <= hi + 1):
                between.append(f"{t.region_name}, {CATEGORY_LABELS[r.key]}: year change printed "
                               f"{yc.printed!r}, half-years {h1.printed!r} and {h2.printed!r}; "
                               f"a year change must lie between its half-year changes")
    prov["between"] = between

    # ---- dnu_jeugdoverlast.csv ---------------------------------------------------------
    t1, _ = parse_tabel1(seeds)
    write_csv(out / "dnu_jeugdoverlast.csv",
              ["region_code", "region_name", "period", "measure", "measure_label", "value",
               "unit", "source", "status", "retrieved", "kind"],
              [[code, name, y, "meldingen_jeugdoverlast_tabel1",
                "Meldingen jeugdoverlast (Tabel 1)", v, "aantal", "seed004:tabel1", "onbekend",
                RETRIEVED, "source"] for code, name, y, v in t1])
    prov["tabel1"] = t1

    # ---- survey.csv --------------------------------------------------------------------
    t2, _, t2_remark = parse_tabel2(seeds)
    dnu_text, _ = parse_dnu_survey_text(seeds)
    summary000, _ = parse_seed000_summary(seeds)
    dashboard, _ = parse_dashboard(seeds)
    survey = []

    def srow(code, name, period, measure, value, unit, source):
        survey.append([code, name, period, measure, SURVEY_LABELS[measure], value, unit, source,
                       "onbekend", RETRIEVED, "published"])

    for y, v in t2:
        srow(*BASISTEAM, y, "rapportcijfer_veiligheid_buurt", v, "rapportcijfer",
             "seed004:tabel2")
    vm = dnu_text["year"]
    srow(*REGION_UNIT, vm, "rapportcijfer_veiligheid_buurt", dnu_text["rapportcijfer"][1],
         "rapportcijfer", "seed004:veiligheidsgevoel")
    srow(*BASISTEAM, vm, "slachtofferschap_per_100_inwoners", dnu_text["slachtofferschap"][0],
         "per 100 inwoners", "seed004:veiligheidsgevoel")
    srow(*REGION_UNIT, vm, "slachtofferschap_per_100_inwoners", dnu_text["slachtofferschap"][1],
         "per 100 inwoners", "seed004:veiligheidsgevoel")
    srow(*BASISTEAM, vm, "pct_zeer_tevreden_politie", dnu_text["tevreden"][0], "%",
         "seed004:veiligheidsgevoel")
    srow(*REGION_UNIT, vm, "pct_zeer_tevreden_politie", dnu_text["tevreden"][1], "%",
         "seed004:veiligheidsgevoel")
    # Lelystad: survey items of the dashboard (reference 2016, status end 2019)
    for d in dashboard:
        series, _, unit = DASHBOARD_SERIES[d["label"]]
        if not series.startswith("survey:"):
            continue
        m = series.split(":", 1)[1]
        srow("GM0995", "Lelystad", "2016", m, nl_number(d["ref"]), unit, "seed000:dashboard")
        srow("GM0995", "Lelystad", "2019", m, nl_number(d["stand"]), unit, "seed000:dashboard")
    srow("GM0995", "Lelystad", "2019", "pct_veiligheidsgevoel", summary000["veiligheidsgevoel"][0],
         "%", "seed000:samenvatting")
    keys = [(r[0], r[2], r[3]) for r in survey]
    if len(keys) != len(set(keys)):
        raise SeedFormatError("duplicate survey rows")
    write_csv(out / "survey.csv",
              ["region_code", "region_name", "period", "measure", "measure_label", "value",
               "unit", "source", "status", "retrieved", "kind"], survey)
    prov["t2_remark"], prov["dnu_text"], prov["t2"] = t2_remark, dnu_text, t2
    prov["summary000"] = summary000

    # ---- indicators.csv ----------------------------------------------------------------
    ind = []
    dash_checks = []
    for n, d in enumerate(dashboard, start=1):
        series, denom, unit = DASHBOARD_SERIES[d["label"]]
        ref, target, stand = nl_number(d["ref"]), nl_number(d["target"]), nl_number(d["stand"])
        notes = []
        if series in CATEGORY_LABELS and unit == "aantal":
            p16, p19 = lel.value(series, "2016"), lel.value(series, "2019")
            same16, same19 = int(ref) == p16, int(stand) == p19
            dash_checks.append((d["label"], d["ref"], p16, same16, d["stand"], p19, same19))
            if not same16:
                notes.append(f"reference differs from the police table of the same document "
                             f"(2016: {p16})")
            if not same19:
                notes.append(f"status differs from the police table (2019: {p19})")
        if d["label"] == "Rapportcijfer veiligheid":
            notes.append("target '<= 7,2' for a grade where higher is better is odd; kept as "
                         "printed")
        if series == "survey:pct_onveilig_buurt":
            notes.append("the document's IVP goal: share of residents who sometimes feel unsafe "
                         "in their own neighbourhood")
        if unit == "%" and "%" not in d["target"]:
            notes.append("target printed without %")
        if denom == "woningen":
            notes.append("rate; the seeds give no dwelling count")
        ind.append(["GM0995", f"GM0995_I{n:02d}", d["label"], series, denom, unit, "2016", ref,
                    "2022", target, d["direction"], d["target"], "2019", stand, d["stand"],
                    d["judgement"], "seed000:dashboard", "; ".join(notes)])
    goals, almere_ref, _ = parse_almere(seeds)
    for n, g in enumerate(goals, start=1):
        denom, unit = DENOMINATORS[g["denominator"]]
        ref_v, notes = "", []
        if g["series"] in almere_ref:
            v, y = almere_ref[g["series"]]
            if y == g["base_year"]:
                ref_v = v
                notes.append(f"reference value printed in the text ({v} per 1000 woningen "
                             f"in {y})")
        else:
            notes.append("reference value not printed (chart only)")
        if g["series"] == "jongerenoverlast":
            notes.append("police youth-nuisance reports per 1.000 inhabitants")
        if g["series"].startswith("other:overlast_jeugd"):
            notes.append("combined youth, drugs and drink nuisance: not one police category")
        printed = ("daling t.o.v. " if g["direction"] == "decrease"
                   else "niet laten stijgen t.o.v. ") + g["base_year"]
        ind.append(["GM0034", f"GM0034_I{n:02d}", f"{g['label']} per 1.000 {g['denominator']}",
                    g["series"], denom, unit, g["base_year"], ref_v, "2022", "", g["direction"],
                    printed, "", "", "", "", "seed002:wat_willen_wij_bereiken",
                    "; ".join(notes + ["plan period 2019-2022; target year = end of plan"])])
    write_csv(out / "indicators.csv",
              ["region_code", "indicator_id", "indicator", "series", "denominator", "unit",
               "reference_year", "reference_value", "target_year", "target_value",
               "target_direction", "target_printed", "status_year", "status_value",
               "status_printed", "judgement_printed", "source", "note"], ind)
    prov["dash_checks"], prov["dashboard"], prov["goals"] = dash_checks, dashboard, goals

    # ---- registers -----------------------------------------------------------------------
    # `source` says which document a register is from, so its published totals can be found
    header = ["theme", "item", "activity", "portfolio_holder", "partners", "lead",
              "planning_year", "budget", "status", "judgement", "planned", "source"]
    reg0, skipped0, _ = parse_register000(seeds)
    write_csv(out / "registers" / "GM0995_activities.csv", header, [a.row() + ["seed000:activiteiten"] for a in reg0])
    reg3, _, _ = parse_register003(seeds)
    write_csv(out / "registers" / "GM0171_activities.csv", header,
              [a.row() + ["seed003:uitvoeringsplan"] for a in reg3])
    prov["reg0"], prov["skipped0"], prov["reg3"] = reg0, skipped0, reg3
    prov["headings0"] = plan_headings000(seed_text(seeds, "000")[1], "seed 000")

    # ---- published_totals.csv ----------------------------------------------------------
    s001, _ = parse_seed001_summary(seeds)
    tot = []
    for k in ("activiteiten_totaal", "activiteiten_gepland", "activiteiten_extra",
              "activiteiten_oranje", "activiteiten_rood", "pct_op_koers", "pct_groen"):
        v, printed = summary000[k]
        tot.append(["GM0995", f"ivp2018_{k}", v, printed, "seed000:samenvatting"])
    for k in ("indicatoren_totaal", "indicatoren_groen", "indicatoren_oranje",
              "indicatoren_rood"):
        v, printed = summary000[k]
        tot.append(["GM0995", f"ivp2018_{k}", v, printed, "seed000:conclusie"])
    for k, (v, printed) in s001.items():
        tot.append(["GM0995", k, v, printed, "seed001:kernboodschap"])
    write_csv(out / "registers" / "published_totals.csv",
              ["region_code", "measure", "value", "printed", "source"], tot)
    prov["s001"] = s001

    (out / "PROVENANCE.md").write_text(provenance(prov), encoding="utf-8")
    return prov


# --------------------------------------------------------------------------------------------
# PROVENANCE.md
# --------------------------------------------------------------------------------------------


def provenance_register000(p: dict) -> list[str]:
    """The PROVENANCE.md paragraphs of registers/GM0995_activities.csv (seed 000's register)."""
    L: list[str] = []
    a = L.append
    a("### registers/GM0995_activities.csv\n")
    r0 = p["reg0"]
    n_pl = sum(a_.planned == "yes" for a_ in r0)
    n_ex = sum(a_.planned == "no" for a_ in r0)
    a("Seed 000, 'BEOORDELING ALLE ACTIVITEITEN IVP': the table THEMA / ACTIE en OMSCHRIJVING / "
      "OORDEEL (planned = yes; the THEMA cell is filled only on the first row of a theme and is "
      "carried forward) and the table of actions carried out but not announced in the IVP "
      "(planned = no). `judgement` is the OORDEEL text as printed; `status` is empty everywhere "
      "because the stoplight colours were lost in the text extraction. HTML underline tags are "
      "removed. `portfolio_holder`, `partners`, `lead`, `planning_year`, `budget` are empty: the "
      "table has no such columns. `source` names the document, so the published totals of that "
      "document belong to this register.\n")
    a("Themes as the plan structures them. `theme` is the plan's own heading, read from the list "
      "that opens the section ('drie prioriteiten' and 'acht strategische thema's', numbered as "
      "printed, written 'Prioriteit N: …' / 'Strategisch thema N: …' as seed 003 heads its "
      "register; the full stop closing the list is dropped):\n")
    for h in p["headings0"].values():
        a(f"- {h}")
    a("")
    for bad, good in MISPRINTS_000.items():
        a(f"- Misprint repaired: the seed prints the third priority as '{bad}'; written '{good}' "
          "(the word the document uses everywhere else).")
    a("- `item` is the THEMA cell as printed, repaired: words broken at a PDF line end are joined "
      "('Radicali-sering' → 'Radicalisering', 'Verkeers- veiligheid, hand- having' → "
      "'Verkeersveiligheid, handhaving'; a hyphen between lower-case letters, with or without a "
      "space after it, is removed in theme cells only), split words are joined ("
      + ", ".join(f"'{b}' → '{g}'" for b, g in SPLIT_WORDS_000.items())
      + ") and the first letter is upper case ('veilig uitgaan' → 'Veilig uitgaan'). The extra "
      "actions' themes ('Veilige wijken', 'Woning-inbraak', …) thereby fall under the same "
      "headings as the planned ones ('Veilige wijk, …'): duplicates merged.")
    a("- Which heading a printed theme falls under is given by its first words "
      "(`HEADING_OF_000` in the script); the script checks it against the document's order (the "
      "list is sorted by the headings, so the headings of the planned rows never go back). "
      "'Maatschappelijke awareness en weerbaarheid' stands between two 'Ondermijning, …' themes "
      "and is written under Prioriteit 3; 'Waterveiligheid' and 'Lelystad Airport en Flevokust' "
      "stand between 'Crisis-beheersing' and 'Radicali-sering' and are written under Strategisch "
      "thema 4; 'Veilig toerisme' between the events and the shopping areas, under Strategisch "
      "thema 2.")
    n_traffic = sum(a_.theme == "Verkeersveiligheid" for a_ in r0)
    a(f"- The {n_traffic} 'Verkeers-veiligheid, …' activities stand between Strategisch thema 3 and 4 "
      "but none of the plan's eleven headings names traffic safety: their theme is "
      "'Verkeersveiligheid', outside the headings, not assigned to a guessed one.\n")
    a(f"- Rows transcribed: {n_pl} planned + {n_ex} extra = {n_pl + n_ex}. The document states "
      f"{p['summary000']['activiteiten_gepland'][0]} planned + "
      f"{p['summary000']['activiteiten_extra'][0]} extra = "
      f"{p['summary000']['activiteiten_totaal'][0]}. "
      + ("The counts differ: no row was split, merged, padded or dropped to match; every "
         "tab-separated row of the two tables is one activity." if
         (n_pl, n_ex) != (p['summary000']['activiteiten_gepland'][0],
                          p['summary000']['activiteiten_extra'][0]) else "The counts agree."))
    for s in p["skipped0"]:
        a(f"- Skipped inside the table: {s}.")
    a("- No table row in the extracted text continues over a page break (every row has its "
      "activity cell filled); rows after the footnotes continue the theme before them.\n")
    return L


def provenance(p: dict) -> str:
    tables: list[PoliceTable] = p["tables"]
    lel = tables[0]
    L: list[str] = []
    a = L.append
    a("# Provenance of the embedded dataset\n")
    a("Every file in this folder except `codes/` is written by `scripts/transcribe_seeds.py` "
      "from the seed documents in `../shared/seeds/` (plain text extracted from PDF). The script "
      "parses the tables and a few figures in the running text; no figure is typed by hand. "
      "Rerun with `python scripts/transcribe_seeds.py`; `tests/test_transcription.py` checks "
      "that a rerun reproduces these files byte for byte. This file is generated too: the "
      "lists of inconsistencies below are computed by the script.\n")
    a("Transcribed on " + RETRIEVED + " (column `retrieved`). The documents do not say whether "
      "their police figures were provisional or final: `status` is `onbekend` throughout.\n")
    a("## Source documents\n")
    a("| id | file | document |")
    a("|---|---|---|")
    for k, title in SEED_FILES.items():
        a(f"| seed{k} | `{p['files'][k]}` | {title} |")
    a("")
    a("Region codes: Lelystad GM0995, Almere GM0034, Dronten GM0303, Noordoostpolder GM0171, "
      "Urk GM0184. The region column of the police tables ('regio MNL' in seed 000, 'regio MHL' "
      "in seed 004) is police unit Midden-Nederland, written as RE03. The police base team "
      "Dronten-Noordoostpolder-Urk is written as BT-DNU (not a CBS code).\n")

    a("## Files\n")
    a("### categories.csv\n")
    a("The 26 rows of the police table in seed 000, section 'POLITIECIJFERS 2016-2019', in "
      "printed order. `key` and the cleaned `label` are hand-written (in the script); `group` "
      "comes from the group rows of the table ('Misdrijven met grote impact', 'Veel voorkomende "
      "criminaliteit', 'Overig'); `aliases` are all other spellings the script met in seeds 000 "
      "and 004 (including the printed typing errors). `soortmisdrijf` is the 47013NED code where "
      "one category is one code; the notes say which mappings were checked against "
      "`../shared/realdata/dreyer_47018NED_gemeente_jaar/data.json` (47018NED, annual, figures "
      "as published in 2025; rerun `--check-47018` to print the comparison). "
      "'... waarvan overig' under geweld turned out to be 1.4.2 Moord, doodslag (equal in all "
      "16 values). `soortmisdrijf_sum` is written only where the seed rows were verified to sum "
      "(geweld totaal). `counted_in_total`: `no` where seed 004 says so (youth nuisance, "
      "confused persons); `yes` for categories that are SoortMisdrijf codes of the police "
      "table whose total is 0.0.0 (for road accidents the seeds are silent; see the note); "
      "`unknown` for huiselijk geweld and fraude (no single code); empty for the total itself.\n")
    a("### police_figures.csv\n")
    a("Counts 2016-2019 for 26 categories x 4 municipalities = "
      f"{26 * 4 * 4} rows: Lelystad from seed 000 ('POLITIECIJFERS 2016-2019'), Dronten, "
      "Noordoostpolder and Urk from seed 004 (tables under 'Speerpunten Dronten', 'Speerpunten "
      "Noordoostpolder', 'Speerpunten Urk'). Values as printed; the seed 004 row labels are "
      "mapped to the same keys (see `aliases`).\n")
    a("### published_changes.csv\n")
    a("The change percentages printed in the same tables (2019 vs 2018 for the municipality, "
      "for the region, and per half-year: January-June = `2019H1`, July-December = `2019H2`). "
      "They are kept apart from the counts because they are printed results, not data: a few do "
      "not follow from the printed counts (listed below). A printed '- 0%' is written as 0 with "
      "a note. Cells printed empty are written with an empty `value_pct` and a note. Rows with "
      "fewer cells than columns are handled below.\n")
    a("### indicators.csv\n")
    a("Lelystad's dashboard in seed 000 (the table 'Indicator / Referentie 2016 / Doelstelling "
      "2022 / Stand eind 2019 / Oordeel'): 16 indicators; numbers converted from Dutch notation "
      "(4.450 -> 4450, 7,2 -> 7.2, 22% -> 22); `target_printed`, `status_printed` keep the "
      "printed text; `judgement_printed` is `up`/`down` for the document's thumbs-up/thumbs-down "
      "marks (the stoplight colours of the legend were lost in extraction). Almere's goals in "
      "seed 002 (sections 'WAT WILLEN WIJ BEREIKEN?') that are rates per 1.000 dwellings, "
      "inhabitants or young people against base year 2017: "
      f"{len(p['goals'])} indicators; the only number printed is 13 burglaries per 1000 "
      "dwellings in 2017 (reference value). The other reference values are charts in the "
      "document and are left empty. `target_printed` for Almere is a short paraphrase (daling / "
      "niet laten stijgen t.o.v. 2017).\n")
    a("### survey.csv\n")
    a("Published survey figures (`kind` = published): seed 004 'Tabel 2' (rapportcijfer "
      "veiligheid in de buurt, Basisteam DNU, 2015/2017/2019), and from the paragraph "
      "'Veiligheidsgevoel' of the Dronten section (Veiligheidsmonitor "
      f"{p['dnu_text']['year']}): the Midden-Nederland grade, victimisation per 100 inhabitants "
      "and the share very satisfied with the police, for DNU and Midden-Nederland. Seed 000: the "
      "survey indicators of the dashboard (reference 2016 and status end 2019) and the "
      f"{p['summary000']['veiligheidsgevoel'][0]}% 'veiligheidsgevoelens' of the summary.\n")
    a(f"- Tabel 2 layout: {p['t2_remark']}. The text of the Dronten section gives "
      f"{p['dnu_text']['rapportcijfer'][0]} for {p['dnu_text']['year']}, which agrees with this "
      "reading (the other reading, with 2015 empty, would put 7.6 in 2019 and leave 7.7 "
      "without a column).")
    a(f"- Seed 000 summary: veiligheidsgevoelens stable at "
      f"{p['summary000']['veiligheidsgevoel'][0]}% and the grade "
      f"{p['summary000']['rapportcijfer'][0]}; the document does not define the "
      f"{p['summary000']['veiligheidsgevoel'][0]}% (it equals 100 minus the dashboard's 2019 "
      "'Onveiligheidsgevoelens' value). The grade equals the dashboard's status value and is "
      "written once (source `seed000:dashboard`).")
    a("- Period of the DNU text figures: the paragraph cites the Veiligheidsmonitor "
      f"{p['dnu_text']['year']}; the sentence on satisfaction with the police follows it without "
      "repeating the year.\n")
    a("### dnu_jeugdoverlast.csv\n")
    a("Seed 004 'Tabel 1. Overzicht melding jeugdoverlast' (source: police registration), per "
      "municipality 2016-2019. It differs from the 'Meldingen jongerenoverlast' rows of the same "
      "document's police tables; every difference is listed below.\n")
    L.extend(provenance_register000(p))
    a("### registers/GM0171_activities.csv\n")
    r3 = p["reg3"]
    a("Seed 003 (Noordoostpolder, Uitvoeringsplan 2020-2021): the tables item/actiepunt | "
      "maatregelen/activiteiten 2018 | PH | partijen | trekker | planning | begroting under each "
      "'Prioriteit N: ...' and 'Strategisch thema x: ...' heading (the heading is `theme`). An "
      "empty item cell continues the previous item (filled forward). Empty PH, partners, "
      "trekker, planning and budget cells are left empty: on continuation rows they are probably "
      "merged cells of the row above, but the text cannot show that, so nothing is filled in. "
      f"Rows: {len(r3)} (all planned = yes; the document states no total). The column header "
      "says 'maatregelen/activiteiten 2018' although the plan covers 2020-2021; the introduction "
      "lists strategic themes a-f with f = 'Radicalisering en polarisatie', while the headings "
      "run a-h with f = 'Veilige Publieke Taak', g = 'Radicalisering en polarisatie', h = "
      "'Overige onderwerpen'. The themes are written as headed.\n")
    a("### registers/published_totals.csv\n")
    a("Totals the documents state about their registers and dashboard, with the printed words: "
      "seed 000 (summary and conclusion) and seed 001 (117 activities of IVP 2023-2026, 89% on "
      "schedule). Measure names carry the plan (`ivp2018_`, `ivp2023_`).\n")
    s = p["summary000"]
    a(f"- Seed 000 dashboard text: {s['indicatoren_groen'][0]} green + "
      f"{s['indicatoren_oranje'][0]} orange + {s['indicatoren_rood'][0]} red = "
      f"{s['indicatoren_groen'][0] + s['indicatoren_oranje'][0] + s['indicatoren_rood'][0]}, "
      f"but the dashboard has {s['indicatoren_totaal'][0]} indicators. The dashboard table itself "
      f"marks {sum(d['judgement'] == 'up' for d in p['dashboard'])} thumbs up and "
      f"{sum(d['judgement'] == 'down' for d in p['dashboard'])} thumbs down (two states only).")
    tot, pl = s["activiteiten_totaal"][0], s["activiteiten_gepland"][0]
    rest = tot - s["activiteiten_oranje"][0] - s["activiteiten_rood"][0]
    rest_pl = pl - s["activiteiten_oranje"][0] - s["activiteiten_rood"][0]
    a(f"- Seed 000: {s['activiteiten_oranje'][0]} orange and {s['activiteiten_rood'][0]} red "
      f"leave {rest} of {tot} ({rest / tot * 100:.1f}%) or {rest_pl} of {pl} "
      f"({rest_pl / pl * 100:.1f}%) on course; the document prints 'ruim "
      f"{s['pct_op_koers'][0]}%' and '{s['pct_groen'][0]}%'.\n")

    a("## Inconsistencies in the sources\n")
    a("### Police tables: sub-rows against their parent\n")
    for parent, ok in p["sums_ok"].items():
        parts = " + ".join(CATEGORY_LABELS[k] for k in COMPOSITES[parent])
        a(f"- {CATEGORY_LABELS[parent]} = {parts}: "
          + ("holds for all four municipalities and years." if ok else "does NOT always hold:"))
        for line in p["sum_lines"][parent]:
            a(f"  - {line}")
    a("- Online handel <= Fraude totaal: "
      + ("holds everywhere." if not p["sum_lines"]["fraude_online_handel"] else "fails:"))
    for line in p["sum_lines"]["fraude_online_handel"]:
        a(f"  - {line}")
    a("")
    a("### Printed changes that do not follow from the printed counts\n")
    bad = [c for c in p["changes"] if "does not follow" in c.note]
    if not bad:
        a("- none")
    for c in bad:
        t = next(t for t in tables if t.region_code == c.table_of)
        a(f"- {t.region_name}, {CATEGORY_LABELS[c.measure]}: printed {c.printed!r}; {c.note}.")
    for line in p["between"]:
        a(f"- {line}.")
    a("")
    a("### Change cells: empty, short rows, unplaced values\n")
    a("Cells without a printed value (written with an empty `value_pct`):\n")
    for c in (c for c in p["changes"] if c.printed == ""):
        t = next(t for t in tables if t.region_code == c.table_of)
        col = {"2019": "gemeente" if c.region_code != "RE03" else "regio", "2019H1": "H1",
               "2019H2": "H2"}[c.period]
        a(f"- {t.region_name}, {CATEGORY_LABELS[c.measure]}, column {col}: {c.note}.")
    a("")
    a("Rows with fewer change cells than columns:\n")
    for line in p["change_remarks"]:
        a(f"- {line}.")
    a("")
    a("Not placed (left out of published_changes.csv):\n")
    for line in p["unplaced"] or ["none"]:
        a(f"- {line}.")
    a("")
    a("### The region column in the four tables\n")
    diff = []
    for m, byt in p["regio"].items():
        vals = {pct_cell(v)[0] for v in byt.values()}
        if len(vals) > 1:
            diff.append(f"{CATEGORY_LABELS[m]}: {byt}")
    negz = sorted({CATEGORY_LABELS[c.measure] for c in p["changes"]
                   if c.region_code == "RE03" and "-0" in c.note})
    a("- The values agree in all four tables for every category"
      + ("." if not diff else "; except: " + "; ".join(diff) + "."))
    if negz:
        a(f"- Seed 000 prints '- 0%' where seed 004 prints '0 %' or '0%' ({', '.join(negz)}); "
          "written as 0.")
    a("")
    a("### Seed 000: dashboard against its own police table\n")
    for label, ref, p16, s16, stand, p19, s19 in p["dash_checks"]:
        a(f"- {label}: reference {ref} vs police table 2016 {p16} "
          f"({'same' if s16 else 'DIFFERENT'}); status {stand} vs 2019 {p19} "
          f"({'same' if s19 else 'DIFFERENT'}).")
    n_diff = sum(not c[3] for c in p["dash_checks"]) + sum(not c[6] for c in p["dash_checks"])
    a(f"- Values that differ: {n_diff} (all of them reference values). The summary text "
      f"prints the 2019 total as {s['misdrijven_2019'][1]} (police table "
      f"{lel.value('criminaliteit_totaal', '2019')}).\n")
    a("### Seed 004: Tabel 1 (youth nuisance) against the police tables\n")
    t1 = {(code, y): v for code, _, y, v in p["tabel1"]}
    for t in tables[1:]:
        cells = []
        for y in YEARS:
            a1, b1 = t1[(t.region_code, y)], t.value("jongerenoverlast", y)
            cells.append(f"{y} {a1} vs {b1}" + ("" if a1 != b1 else " (same)"))
        a(f"- {t.region_name}: Tabel 1 vs 'Meldingen jongerenoverlast': " + "; ".join(cells) + ".")
    n_t1 = sum(t1[(t.region_code, y)] != t.value("jongerenoverlast", y)
               for t in tables[1:] for y in YEARS)
    higher = all(t1[(t.region_code, y)] > t.value("jongerenoverlast", y)
                 for t in tables[1:] for y in YEARS)
    a(f"- {n_t1} of 12 values differ"
      + ("; Tabel 1 is higher in every one" if higher else "")
      + ". The running text of seed "
      "004 uses Tabel 1: it gives the DNU total as "
      f"{p['dnu_text']['jeugd_tekst'][0]} (2016) and {p['dnu_text']['jeugd_tekst'][1]} (2019); "
      "Tabel 1 sums to "
      f"{sum(t1[(t.region_code, '2016')] for t in tables[1:])} and "
      f"{sum(t1[(t.region_code, '2019')] for t in tables[1:])}, the police-table rows to "
      f"{sum(t.value('jongerenoverlast', '2016') for t in tables[1:])} and "
      f"{sum(t.value('jongerenoverlast', '2019') for t in tables[1:])}. For confused persons the "
      f"text ({p['dnu_text']['verward_tekst'][0]}, {p['dnu_text']['verward_tekst'][1]}) matches "
      f"the police-table rows ({sum(t.value('verward_gedrag', '2016') for t in tables[1:])}, "
      f"{sum(t.value('verward_gedrag', '2019') for t in tables[1:])}).\n")
    a("### Other\n")
    a("- Seed 004 misspells row labels ('Wininginbraken: poging', 'Overlast persenen met "
      "verward gedrag') and calls huiselijk geweld 'Huishoudelijk geweld'; recorded as aliases.")
    a("- Seed 004 footnote digits stick to the section headings ('Speerpunten Dronten6'); "
      "they are not part of the names.")
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------------------------------
# optional: compare with 47018NED (realdata), prints only
# --------------------------------------------------------------------------------------------


def check_47018(seeds: Path, path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))["counts"]
    tables = [parse_seed000_police(seeds)] + parse_seed004_police(seeds)
    for key, code in SOORTMISDRIJF.items():
        if code not in data:
            print(f"{key:24s} {code:6s} not in 47018NED extract")
            continue
        for t in tables:
            ours = [t.value(key, y) for y in YEARS]
            theirs = [data[code].get(t.region_code, {}).get(y) for y in YEARS]
            flag = "EXACT" if ours == theirs else "diff "
            print(f"{key:24s} {code:6s} {t.region_code} {flag} seed={ours} 47018NED={theirs}")
    # the unmapped 'overig' row against every code in the extract
    for t in tables:
        ours = [t.value("geweld_overig", y) for y in YEARS]
        hits = [c for c in data if [data[c].get(t.region_code, {}).get(y) for y in YEARS] == ours]
        print(f"geweld_overig {t.region_code} {ours} equals codes {hits}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check-47018", type=Path, default=None, metavar="DATA_JSON")
    args = ap.parse_args(argv)
    if args.check_47018:
        check_47018(args.seeds, args.check_47018)
        return 0
    build(args.seeds, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
