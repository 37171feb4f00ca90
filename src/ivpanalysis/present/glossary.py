"""The report's "Begrippen": every term of art it uses, explained in plain Dutch.

:data:`TERMS` maps a term to its explanation and the spellings that count as the term in the text
(matched case-insensitively on word boundaries). The publication step links the terms in the
report's text to this list and shows only the terms the report uses.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One entry of the glossary: the term as headed, its explanation, the spellings that count."""

    term: str
    explanation: str
    spellings: tuple[str, ...]

    @property
    def anchor(self) -> str:
        """The id of the term in the glossary: ``begrip-meer-dan-toeval``."""
        ascii_ = unicodedata.normalize("NFKD", self.term).encode("ascii", "ignore").decode().lower()
        return "begrip-" + re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")


TERMS = (
    Term("Geregistreerde misdrijven", "Misdrijven waarvan de politie aangifte of melding heeft vastgelegd. Niet elk "
         "misdrijf wordt gemeld, dus het aantal zegt ook iets over de bereidheid om aangifte te doen.",
         ("geregistreerde misdrijven", "geregistreerd")),
    Term("Per 1.000 inwoners", "Het aantal gedeeld door het aantal inwoners (of woningen) en vermenigvuldigd met "
         "1.000, zodat gemeenten van verschillende grootte te vergelijken zijn.",
         ("per 1.000 inwoners", "per 1.000 woningen", "per 1.000")),
    Term("Meer dan toeval", "Een verandering is 'meer dan toeval' als ze groter is dan de gewone schommeling van jaar "
         "tot jaar: de kans dat zo'n verschil alleen door toeval ontstaat, is kleiner dan de grens die in de "
         "verantwoording staat.", ("meer dan toeval",)),
    Term("Trend", "De richting waarin een reeks zich over meerdere jaren ontwikkelt, los van de schommelingen van maand "
         "tot maand. De trendlijn is die richting zoals het model haar schat.", ("trendlijn", "trend")),
    Term("Betrouwbaarheidsinterval", "Het gebied waarbinnen de werkelijke waarde met grote zekerheid (meestal 95%) "
         "ligt; in een grafiek de band rond de trendlijn. Hoe breder de band, hoe onzekerder de schatting.",
         ("betrouwbaarheidsinterval", "betrouwbaarheidsband", "95%-bi")),
    Term("Voorspellingsinterval", "Het gebied waarbinnen een gemeente naar verwachting valt, gegeven haar "
         "criminaliteit en de andere gemeenten. Een gemeente buiten het interval wijkt echt af.",
         ("voorspellingsinterval", "voorspelinterval")),
    Term("Overdispersie", "Meer schommeling in tellingen dan bij puur toeval te verwachten is. Het model houdt er "
         "rekening mee (de parameter α), zodat gewone schommelingen niet voor veranderingen worden aangezien.",
         ("overdispersie", "α")),
    Term("Negatief-binomiaal model", "Een rekenmodel voor tellingen (zoals aantallen misdrijven) dat overdispersie "
         "toelaat; het schat de trend en de onzekerheid daarvan.", ("negatief-binomiaal", "negatief binomiaal")),
    Term("STL-trend", "Een robuuste manier om het seizoenspatroon en uitschieters uit een maandreeks te halen, zodat de "
         "onderliggende ontwikkeling zichtbaar wordt; een controle op de trendlijn van het model.",
         ("stl-trend", "stl")),
    Term("Standaardscore", "Hoeveel standaardafwijkingen een waarde boven (positief) of onder (negatief) het "
         "gemiddelde van alle gemeenten ligt; 0 is gemiddeld.", ("standaardscore",)),
    Term("Kloof", "Het verschil tussen het gemeten aandeel inwoners dat zich wel eens onveilig voelt en het aandeel "
         "dat je zou verwachten bij de geregistreerde criminaliteit, in procentpunten.", ("kloof",)),
    Term("Procentpunt", "Het verschil tussen twee percentages: van 20% naar 23% is 3 procentpunt (en 15% meer).",
         ("procentpunt", "procentpunten")),
    Term("Index", "Een reeks omgerekend zodat het beginjaar 100 is; 110 betekent 10% hoger dan het beginjaar.",
         ("index",)),
    Term("Voorlopig en definitief", "CBS publiceert politiecijfers eerst als voorlopig; ze kunnen nog veranderen en "
         "worden na ongeveer twee jaar definitief.", ("voorlopig", "voorlopige", "definitief")),
    Term("Indicator", "Een meetbaar doel uit het veiligheidsplan, met een referentiewaarde (startpunt), een doel en "
         "een stand.", ("indicatoren", "indicator")),
    Term("Stoplichtkleur", "Het oordeel over een indicator of activiteit: groen (op koers), oranje (aandacht nodig) of "
         "rood (niet op koers). In dit rapport staat de kleur altijd ook in woorden.",
         ("stoplichtkleur", "stoplicht")),
    Term("Veiligheidsmonitor", "De landelijke enquête van CBS en gemeenten naar veiligheidsbeleving, slachtofferschap "
         "en overlast; sinds 2017 eens per twee jaar.", ("veiligheidsmonitor",)),
    Term("Politie-eenheid", "Een van de tien regionale eenheden van de Nationale Politie; de vergelijkingsregio in de "
         "tabel met politiecijfers.", ("politie-eenheid", "regionale eenheid")),
)


def pattern(term: Term) -> re.Pattern:
    """The term's spellings as one case-insensitive pattern on word boundaries (longest first)."""
    alts = sorted(term.spellings, key=len, reverse=True)
    body = "|".join(re.escape(s) for s in alts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def used_terms(text: str) -> list[Term]:
    """The terms of :data:`TERMS` that occur in ``text``, in glossary order."""
    return [t for t in TERMS if pattern(t).search(text)]
