"""Dutch words and short phrases for the codes of comparison, plan, default_indicators and missing.

The analysis modules return codes (``fell``, ``so_far_met``, ``police_unit``, ``woningen``); the
report and the explorer turn them into Dutch here, so a word is changed in one place.
"""
from __future__ import annotations

from ivpanalysis.present import fmt

LEVEL = {"gemeente": "gemeente", "police_unit": "politie-eenheid", "province": "provincie",
         "nederland": "Nederland", "peer": "vergelijkbare gemeenten"}
DIRECTION = {"fell": "gedaald", "same": "gelijk gebleven", "rose": "gestegen", "": ""}
CHANCE = {"yes": "meer dan toeval", "no": "niet meer dan toeval",
          "too_small": "te kleine aantallen om te beoordelen", "no_margin": "steekproefmarge onbekend",
          "method_break": "niet vergelijkbaar: de Veiligheidsmonitor is in 2021 van methode veranderd", "": ""}
POSITION = {"lower": "lager dan", "similar": "vergelijkbaar met", "higher": "hoger dan", "": ""}
NO_TARGET = "geen doel vastgelegd"
VERDICT = {"met": "doel gehaald", "not_met": "doel niet gehaald", "so_far_met": "tot nu toe op koers",
           "so_far_not_met": "tot nu toe niet op koers",
           "not_judgeable": "niet te beoordelen: geen cijfer voor het doeljaar",
           "missing": "niet te berekenen met de data in de map",
           "no_reference": "niet te beoordelen: geen cijfer voor het referentiejaar"}
MODE = {"at_target_year": "beoordeeld in het doeljaar", "projection": "beoordeeld op de stand tot nu toe",
        "passed_without_data": "doeljaar voorbij, maar zonder cijfer", "no_target_year": "geen doeljaar",
        "no_data": "geen cijfers"}
SECTION = {"police": "Politiecijfers", "comparison": "Vergelijking", "trend": "Trend",
           "monthly": "Maandcijfers woninginbraak", "dashboard": "Dashboard", "survey": "Veiligheidsbeleving",
           "map": "Kaart"}
DENOMINATOR = {"inwoners": "per 1.000 inwoners", "woningen": "per 1.000 woningen",
               "jongeren_12_24": "per 1.000 jongeren van 12 tot en met 24 jaar", "": "aantal"}
INPUT = {"police": "politiecijfers per gemeente", "inwoners": "aantal inwoners per gemeente",
         "woningen": "aantal woningen per gemeente", "jongeren_12_24": "aantal jongeren van 12 tot en met 24 jaar",
         "survey": "Veiligheidsmonitor-cijfers van de gemeente zelf", "regions": "regio-indeling (Gebieden in Nederland)",
         "incidents": "maandcijfers woninginbraak (misdaad in kaart)", "overlast": "geregistreerde overlast",
         "verdachten": "jeugdige verdachten per gemeente", "ongevallen": "verkeersongevallen met letsel",
         "boundaries": "gemeentegrenzen"}
TOTAL = "volledig totaal"
TABLE = {"veiligheidsmonitor": "Veiligheidsmonitor", "gebieden_in_nederland": "CBS Gebieden in Nederland",
         "misdaad_in_kaart": "politie.nl misdaad in kaart", "pdok_gemeentegrenzen": "gemeentegrenzen (PDOK)",
         "verdachten_gemeente": "verdachten per gemeente", "bron_verkeersongevallen": "verkeersongevallen (BRON)"}


def change_words(direction: str, chance: str) -> str:
    """'gedaald, meer dan toeval' — the status of an indicator without a target."""
    d, c = DIRECTION.get(direction, direction), CHANCE.get(chance, chance)
    return f"{d}, {c}" if d and c else d or c


def peer_rule(rule) -> str:
    """The peer group in one sentence: classes, widening and count."""
    def span(c):
        return str(c[0]) if len(c) == 1 else f"{c[0]} tot en met {c[-1]}"
    text = (f"gemeenten in grootteklasse {span(rule.size_classes)} en stedelijkheidsklasse "
            f"{span(rule.urbanity_classes)} ({fmt.number(rule.n_members)} gemeenten)")
    if rule.widened:
        steps = " en daarna ".join({"urbanity": "de stedelijkheid", "size": "de grootte"}[s] for s in rule.widened)
        text += f"; verbreed met {steps} met één klasse, omdat de groep anders minder dan 10 gemeenten telde"
    return text


def missing_line(item) -> str:
    """One line of "Wat ontbreekt": what, for which sections, and how to add it."""
    key = item.what.split(":", 1)
    what = INPUT.get(item.what, item.what)
    if key[0] == "total":
        what = f"{TOTAL} {key[1].replace('_', ' ')}"
    elif key[0] == "police" and len(key) == 2:
        what = f"politiecijfers {key[1]}"
    sections = ", ".join(SECTION.get(s, s) for s in item.sections)
    return f"{what} (voor: {sections}) — {item.command} (tabel {TABLE.get(item.table, item.table)}; {item.url})"


def _codes(codes, limit: int = 8) -> str:
    codes = list(codes)
    shown = ", ".join(codes[:limit])
    return shown + (f" en nog {fmt.number(len(codes) - limit)}" if len(codes) > limit else "")


def incomplete_sentence(comp, level: str, name: str) -> str:
    """'† Onvolledig: …' when the aggregate of ``level`` left members out for some series; '' otherwise."""
    col = f"{level}_incomplete"
    if comp is None or col not in comp.columns or not comp[col].fillna(False).astype(bool).any():
        return ""
    rows = comp[comp[col].fillna(False).astype(bool)]
    left = sorted({c for t in rows[f"{level}_left_out"] for c in t})
    failed = sorted({c for t in rows[f"{level}_failed_left_out"] for c in t})
    text = (f"† Onvolledig: het cijfer voor {name} is de som zonder {fmt.number(len(left))} gemeente(n) "
            f"({_codes(left)}) die geen cijfer voor alle vergeleken jaren hebben")
    if failed:
        text += f"; {fmt.number(len(failed))} daarvan zijn afgekeurd bij de controle van de gegevens"
    return text + "."


def comparison_notes(comp, unit_name: str | None, year: int) -> list[str]:
    """The police table's notes on the computed comparison: how regio and Nederland are formed, the
    rates' denominators, the peer group's rule and count, and which aggregates are incomplete."""
    if comp is None:
        return []
    unit = f"politie-eenheid {unit_name}" if unit_name else "de politie-eenheid"
    src = comp["police_unit_source"].dropna() if "police_unit_source" in comp.columns else []
    how = "het eigen cijfer van de eenheid" if len(src) and (src == "own_row").all() else \
        "de som van haar gemeenten (CBS Gebieden in Nederland)"
    notes = [f"Regio ({unit}) en Nederland: verandering van {year - 1} op {year}, berekend uit {how}; "
             f"Nederland als de som van alle gemeenten.",
             "Per 1.000 inwoners: het aantal gedeeld door het aantal inwoners op 1 januari van hetzelfde jaar; "
             "per 1.000 woningen alleen bij woninginbraak en alleen als het aantal woningen in de gegevens staat."]
    rule = comp.attrs.get("peer_rule")
    if rule is not None:
        notes.append("Rang: 1 is het laagste cijfer per 1.000 inwoners onder de vergelijkbare gemeenten, "
                     f"dat zijn {peer_rule(rule)}.")
    for level, name in (("police_unit", unit), ("nederland", "Nederland"), ("peer", "de vergelijkbare gemeenten")):
        s = incomplete_sentence(comp, level, name)
        if s:
            notes.append(s)
    return notes
