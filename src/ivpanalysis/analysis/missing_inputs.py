"""Where each input a report may lack comes from: table id, folder role, and the download page.

One registry, so that :mod:`ivpanalysis.analysis.missing`, the default dashboard and the plan's
targets name the same table for the same gap. Keys are stable codes (``woningen``,
``police:straatroof``, ``survey``); the Dutch description lives in present/.
"""
from __future__ import annotations

from dataclasses import dataclass

STATLINE = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table}"
POLITIE = "https://data.politie.nl/#/Politie/nl/dataTable/{table}"


@dataclass(frozen=True)
class Source:
    """A table that adds an input: its id, the data-folder role it lands in, and where to download it."""

    table: str  # CBS/politie table id, or a slug for sources without one (Dutch names in present/)
    role: str
    url: str
    fetchable: bool = True  # `ivpanalysis fetch --tables TABLE` can download it


#: input key → the table that adds it
SOURCES: dict[str, Source] = {
    "police": Source("47013NED", "police", POLITIE.format(table="47013NED")),
    "police_monthly": Source("47013NED", "police", POLITIE.format(table="47013NED")),
    "inwoners": Source("37230ned", "population", STATLINE.format(table="37230ned")),
    "woningen": Source("81955NED", "population", STATLINE.format(table="81955NED")),
    "jongeren_12_24": Source("03759ned", "population", STATLINE.format(table="03759ned")),
    "survey": Source("veiligheidsmonitor", "survey", "https://www.veiligheidsmonitor.nl/", fetchable=False),
    "regions": Source("gebieden_in_nederland", "regions", "https://opendata.cbs.nl/statline/#/CBS/nl/navigatieScherm/thema?themaNr=82",
                      fetchable=False),
    "incidents": Source("misdaad_in_kaart", "incidents", "https://www.politie.nl/mijn-buurt/misdaad-in-kaart", fetchable=False),
    "boundaries": Source("pdok_gemeentegrenzen", "boundaries", "https://service.pdok.nl/cbs/gebiedsindelingen/",
                         fetchable=False),
    "overlast": Source("47024NED", "police", POLITIE.format(table="47024NED")),
    "ongevallen": Source("bron_verkeersongevallen", "extra", "https://www.swov.nl/", fetchable=False),
    "verdachten": Source("verdachten_gemeente", "extra", "https://opendata.cbs.nl/statline/", fetchable=False),
}

#: ``other:`` series of indicators.csv → input key (what would add them)
OTHER_SERIES = {
    "jeugdige_verdachten_12_24": "verdachten",
    "pct_jeugdige_verdachten": "verdachten",
    "overlast_jeugd_drugs_drank_straat": "survey",
    "meldingen_sociale_overlast": "overlast",
    "verkeersongevallen_letsel": "ongevallen",
}
#: police series that are incident registrations, not misdrijven (a different table)
NUISANCE_SERIES = {"jongerenoverlast": "overlast", "verward_gedrag": "overlast"}


def source_of_series(series: str) -> str:
    """Input key of the table that holds an indicator series (``woninginbraak``, ``survey:…``, ``other:…``)."""
    if series.startswith("survey:"):
        return "survey"
    if series.startswith("other:"):
        return OTHER_SERIES.get(series.split(":", 1)[1], "survey")
    return NUISANCE_SERIES.get(series, "police")


def command(key: str, code: str, data_dir: str = "DIR") -> str:
    """The exact command that adds input ``key`` for municipality ``code`` (a download hint when none)."""
    src = SOURCES[key]
    if src.fetchable:
        return f"ivpanalysis fetch {code} --tables {src.table} --out {data_dir}"
    return f"ivpanalysis fetch --from-file FILE --add --out {data_dir}"
