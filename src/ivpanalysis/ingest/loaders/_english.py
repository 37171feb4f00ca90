"""CBS tables in English read like their Dutch twins: dimension names, units and a few labels
are put into the Dutch vocabulary the loaders know, before any loader sees the rows.

English StatLine (``Topic``/``Periods``/``Regions``, unit ``number``, ``Source: CBS``) and English
OData (``Regions``, ``Periods``, ``Sex`` with key ``T001038``, topics such as
``PopulationOn31December_20``). Region and period labels are handled where they are parsed
(``Netherlands``, ``2019 January``, ``2019 1st quarter``).
"""
from __future__ import annotations

#: StatLine header words (whole cells) → Dutch
HEADER = {"Topic": "Onderwerp", "Topics": "Onderwerpen", "Periods": "Perioden", "Regions": "Regio's",
          "Sex": "Geslacht", "Age": "Leeftijd", "Margins": "Marges", "Type of crime": "Soort misdrijf",
          "Crime type": "Soort misdrijf", "Neighbourhoods and districts": "Wijken en buurten"}
#: OData column names → Dutch keys
ODATA = {"Regions": "RegioS", "Periods": "Perioden", "Sex": "Geslacht", "Age": "Leeftijd", "Margins": "Marges",
         "TypeOfCrime": "SoortMisdrijf", "CrimeType": "SoortMisdrijf", "DistrictsAndNeighbourhoods": "WijkenEnBuurten",
         "Municipalities": "Gemeenten"}
UNITS = {"number": "aantal", "x 1,000": "x 1 000", "report mark": "rapportcijfer", "grade": "rapportcijfer"}
MARGIN_ROWS = {"Value": "Waarde", "Margin": "Marges", "Margins": "Marges", "Lower limit": "Ondergrens",
               "Upper limit": "Bovengrens"}


def is_english(rows: list[list[str]]) -> bool:
    head = {c.strip() for r in rows[:12] for c in r}
    return bool(head & {"Periods", "Regions", "Topic", "Topics"})


def to_dutch(rows: list[list[str]]) -> list[list[str]]:
    """The rows with English header words, units and margin-row labels in the loaders' Dutch."""
    if not is_english(rows):
        return rows
    head_end = min(len(rows), 12)
    out = []
    odata = any(c.strip() in ODATA and c.strip()[0].isupper() and " " not in c.strip() for c in rows[0]) and \
        any("_" in c for c in rows[0])
    for i, r in enumerate(rows):
        if i == 0 and odata:
            out.append([ODATA.get(c.strip(), c) for c in r])
        elif i < head_end:
            out.append([HEADER.get(c.strip(), UNITS.get(c.strip(), _unit_in_parens(c))) for c in r])
        else:
            out.append([MARGIN_ROWS.get(r[0].strip(), r[0])] + r[1:] if r else r)
    return out


def _unit_in_parens(cell: str) -> str:
    for en, nl in UNITS.items():
        if cell.endswith(f"({en})"):
            return cell[: -len(en) - 2] + f"({nl})"
    return cell
