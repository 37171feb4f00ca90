"""What a section says when its data are missing: one Dutch sentence naming what is missing for
this municipality and how to get it, never an empty chart."""
from __future__ import annotations

from IPython.display import HTML

from ivpanalysis.present.html import esc
from ivpanalysis.report.comparison import MIN_UNITS
from ivpanalysis.report.context import Context

#: what to say when a section's data is missing: (what is missing, how to get it)
MISSING = {
    "police": ("Voor {name} staan geen politiecijfers in de gegevensmap",
               "download CBS-tabel 47018NED (geregistreerde misdrijven per gemeente, per jaar) van "
               "StatLine of haal hem op met ivpanalysis fetch, en zet het bestand in de gegevensmap"),
    "monthly": ("Voor {name} staan geen maandcijfers van de politie in de gegevensmap, dus er is geen maandgrafiek "
                "met trend",
                "haal CBS-tabel 47013NED (geregistreerde misdrijven per maand, per gemeente) op met "
                "ivpanalysis fetch of download hem van StatLine en zet hem in de gegevensmap"),
    "monthly_burglary_only": ("Voor {name} staan geen maandcijfers van de politie voor alle misdrijven in de "
                              "gegevensmap, dus de maandgrafiek toont alleen de woninginbraken van politie.nl",
                              "haal CBS-tabel 47013NED (geregistreerde misdrijven per maand, per gemeente) op met "
                              "ivpanalysis fetch of download hem van StatLine en zet hem in de gegevensmap"),
    "dashboard": ("Voor {name} staan geen indicatoren van het veiligheidsplan in de gegevensmap",
                  "leg per indicator het referentiejaar, de referentiewaarde, het doel en de bron vast in "
                  "indicators.csv in de gegevensmap"),
    "activities": ("Voor {name} staat geen activiteitenregister in de gegevensmap",
                   "zet het register van het uitvoeringsplan (thema, activiteit, oordeel, stoplichtkleur) als "
                   "registers/{code}_activities.csv of .xlsx in de gegevensmap"),
    "total": ("Voor {name} ontbreekt het totaal van de geregistreerde misdrijven in de gegevensmap",
              "haal CBS-tabel 47018NED op met ivpanalysis fetch inclusief soort misdrijf 0.0.0 (totaal misdrijven), "
              "of download die rij van StatLine en zet hem in de gegevensmap"),
    "across": ("Een vergelijking met andere gemeenten is niet mogelijk, want de gegevensmap bevat niet voor minstens "
               "{min_units} gemeenten (met {name}) uit hetzelfde meetjaar het onveiligheidsgevoel, het totaal van de "
               "geregistreerde misdrijven en het aantal inwoners",
               "zet de Veiligheidsmonitor-uitkomsten van die gemeenten in survey.csv en haal hun politiecijfers en "
               "inwonertallen op met ivpanalysis fetch (47018NED en 37230ned)"),
    "survey_once": ("Voor {name} staat het onveiligheidsgevoel van maar één meetjaar in de gegevensmap, dus een "
                    "ontwikkeling in de tijd is niet te laten zien",
                    "zet ook de uitkomsten van eerdere metingen van de Veiligheidsmonitor in survey.csv"),
    "survey": ("Voor {name} staan geen cijfers over het onveiligheidsgevoel in de gegevensmap, dus de kloof "
               "tussen criminaliteit en gevoel is niet te bepalen",
               "zet de uitkomsten van de Veiligheidsmonitor voor {name} (aandeel inwoners dat zich wel eens "
               "onveilig voelt in de eigen buurt, per meetjaar) in survey.csv in de gegevensmap"),
}


def missing(section: str, ctx: Context) -> str:
    """One Dutch sentence: what is missing for this municipality and how to get it."""
    what, how = MISSING[section]
    values = {"name": ctx.name, "code": ctx.code, "min_units": MIN_UNITS}
    return f"{what.format(**values)}: {how.format(**values)}."


#: where the report lists every missing input once, with the command that adds it
BOX_TITLE = "Wat ontbreekt"


def pointer(section: str, ctx: Context) -> str:
    """What a section lacks, pointing to the "Wat ontbreekt" box for how to add it (said once, there)."""
    what, _ = MISSING[section]
    values = {"name": ctx.name, "code": ctx.code, "min_units": MIN_UNITS}
    return f"{what.format(**values)}; hoe u dat aanvult staat bovenaan onder ‘{BOX_TITLE}’."


def notice(section: str, ctx: Context) -> HTML:
    """:func:`pointer` as a paragraph for the report (the full sentence is in the box at the top)."""
    return HTML(f'<div class="ivp-report"><p class="missing">{esc(pointer(section, ctx))}</p></div>')
