"""The Dutch words of the gap analysis: labels, verdicts, notes, caveats and the report's paragraphs.

Everything here reads results of :mod:`ivpanalysis.analysis.gap` (frames with numbers, keys and
keyed ``notes``) and writes reader-facing Dutch through :mod:`ivpanalysis.present.fmt`; nothing is
computed that the analysis does not already hold.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ivpanalysis.analysis import gap
from ivpanalysis.errors import DataError
from ivpanalysis.present import fmt

#: Dutch label per quadrant key of gap_across
QUADRANTS = {
    "hoog_hoog": "Veel criminaliteit, veel onveiligheidsgevoel",
    "hoog_laag": "Veel criminaliteit, weinig onveiligheidsgevoel",
    "laag_hoog": "Weinig criminaliteit, veel onveiligheidsgevoel",
    "laag_laag": "Weinig criminaliteit, weinig onveiligheidsgevoel",
}

#: Dutch wording per verdict key of gap_over_time
VERDICTS = {
    "referentiejaar": "referentiejaar",
    "geen_meting": "geen meting in dit jaar",
    "onbeslist": "niet te onderscheiden: past zowel bij 'gelijk gebleven' als bij 'meebewegen met de criminaliteit'",
    "beweegt_mee": "beweegt mee met de criminaliteit",
    "beweegt_niet_mee": "beweegt niet mee: het gevoel bleef binnen de marge gelijk terwijl de criminaliteit veranderde",
    "beweegt_sterker_mee": "beweegt in dezelfde richting als de criminaliteit, maar sterker",
    "beweegt_zwakker_mee": "beweegt in dezelfde richting als de criminaliteit, maar zwakker",
    "beweegt_tegen": "beweegt tegen de criminaliteit in",
    "beweegt_los_van": "verandert terwijl de criminaliteit gelijk bleef",
    "methodebreuk": "niet te vergelijken: de Veiligheidsmonitor is in 2021 van methode veranderd",
}

CAVEATS = (
    "**Geregistreerde criminaliteit is niet alle criminaliteit.** Niet elk delict wordt aangegeven en de "
    "aangiftebereidheid verschilt per soort delict: van geweld wordt maar ongeveer één op de vijf gevallen "
    "aangegeven, terwijl juist slachtoffers van geweld zich het onveiligst voelen. De politiecijfers tellen dus "
    "het minst van wat mensen het meest vrezen.",
    "**Criminaliteit telt waar het gebeurt, het gevoel waar mensen wonen.** Een misdrijf wordt geteld in het gebied "
    "waar het is gepleegd; de Veiligheidsmonitor vraagt inwoners naar hun eigen buurt. Binnensteden, stations en "
    "uitgaansgebieden trekken bezoekers en verhogen daardoor de criminaliteit per inwoner, zonder dat de inwoners "
    "zelf onveiliger zijn.",
    "**Een verband tussen gebieden zegt niets over personen.** Dat gebieden met meer criminaliteit gemiddeld meer "
    "onveiligheidsgevoel hebben, betekent niet dat de inwoners die zich onveilig voelen ook degenen zijn die met "
    "criminaliteit te maken krijgen (ecologische drogreden). Persoonlijke kenmerken verklaren het grootste deel van "
    "het onveiligheidsgevoel.",
    "**De Veiligheidsmonitor is in 2021 van methode veranderd** (alleen nog via internet, herziene vragenlijst). "
    "Cijfers vanaf 2021 zijn niet zonder omrekening te vergelijken met die tot en met 2019; na 2017 verschijnt "
    "de monitor bovendien eens per twee jaar.",
)


def caveats_text() -> str:
    """The caveats that belong to every reading of the gap, as a Dutch markdown list."""
    return "\n".join(f"- {c}" for c in CAVEATS)


def unit_label(res: pd.DataFrame, unit) -> str:
    """Reader-facing name of a unit: ``unit_name`` without the "(PV)" suffix, else the unit key."""
    if "unit_name" in res.columns:
        hit = res.loc[res["unit"] == unit, "unit_name"]
        if len(hit) and isinstance(hit.iloc[0], str) and hit.iloc[0]:
            return hit.iloc[0].replace(" (PV)", "")
    return str(unit)


def verdict_label(key: str) -> str:
    """Dutch wording of a verdict key of :func:`ivpanalysis.analysis.gap.gap_over_time`."""
    return VERDICTS[key]


def _pct_level(x) -> str:
    return fmt.share(x, 1)


def _names(res: pd.DataFrame, units) -> str:
    return ", ".join(unit_label(res, u) for u in units)


def note_text(note: dict, res: pd.DataFrame) -> str:
    """One keyed note of a gap result (``attrs['notes']``) as a Dutch sentence."""
    key = note["key"]
    if key == "margin_filled":
        return (f"Voor {_names(res, note['units'])} is geen marge gepubliceerd; aangenomen is de mediane marge van "
                f"de andere eenheden ({fmt.number(note['margin'], 1)} punt).")
    if key == "no_margins":
        return ("Geen marges gegeven: alle eenheden tellen even zwaar mee en de spreiding rond de lijn "
                "(steekproefruis én echte verschillen tussen eenheden) wordt uit de gegevens zelf geschat.")
    if key == "no_urbanity":
        return f"Zonder stedelijkheid, dus niet meegenomen: {_names(res, note['units'])}."
    if key == "not_comparable":
        return f"Enige eenheid in haar stedelijkheidsklasse, dus geen vergelijking mogelijk: {_names(res, note['units'])}."
    if key == "set_aside":
        one = len(note["units"]) == 1
        return (f"{_names(res, note['units'])} {'wijkt' if one else 'wijken'} zo sterk af dat "
                f"{'deze eenheid niet is' if one else 'deze eenheden niet zijn'} meegenomen in de lijn waarmee de "
                f"andere eenheden worden vergeleken; anders zou één uitschieter de marges van alle andere eenheden "
                f"verbreden.")
    if key == "count_for_rate":
        return ("Er is geen bevolkingsaantal bekend: het aantal geregistreerde misdrijven staat in voor "
                "het aantal per 1.000 inwoners (bij een veranderende bevolking wijkt de index daarvan af).")
    if key == "margin_assumed":
        return (f"Geen marge gepubliceerd voor {', '.join(map(str, note['years']))}: aangenomen is een enkelvoudige "
                f"steekproef van {note['assumed_n']} respondenten (het ontwerpminimum van de Veiligheidsmonitor per "
                f"gemeente van 70.000+ inwoners); een grotere steekproef geeft een smallere marge.")
    if key == "crime_break":
        return ("Sinds juli 2018 registreert de politie samenhangende misdrijven in één incident apart; daarvoor telde "
                "alleen het zwaarste. Vanaf 2019 ligt de geregistreerde criminaliteit daardoor hoger dan bij de oude "
                "telling: een daling is eerder onderschat dan overschat.")
    if key == "survey_break":
        return ("De Veiligheidsmonitor is in 2021 van methode veranderd (alleen internet, herziene vragenlijst); "
                "cijfers van vóór en na die breuk worden hier niet met elkaar vergeleken.")
    raise ValueError(f"unknown gap note {key!r}")


def notes_text(res: pd.DataFrame) -> list[str]:
    """All notes of a gap result as Dutch sentences, in order."""
    return [note_text(n, res) for n in res.attrs.get("notes", [])]


# --- over time ---------------------------------------------------------------------------------

def _year_sentence(res: pd.DataFrame, r: pd.Series, base: pd.Series, name: str, basis: str) -> str:
    """The paragraph on one later survey year against the reference year."""
    b = res.attrs["base_year"]
    dc = r["crime_index"] - 100
    verb = "daalde" if dc < 0 else ("steeg" if dc > 0 else "bleef gelijk")
    crime_txt = f"{verb} {basis}" + (f" met {fmt.pct(abs(dc), 0, sign=False)}" if dc else "")
    noise_txt = {"yes": " Dat is meer dan de gewone schommeling van jaar tot jaar.",
                 "no": " Dat valt binnen de gewone schommeling van jaar tot jaar.",
                 "too_small": " De aantallen zijn te klein om dat van toeval te onderscheiden."}.get(
        r.get("crime_changed", ""), "")
    sentence = (f"In {name} {crime_txt} van {b} tot {r['year']} (index {fmt.number(r['crime_index'], 0)})."
                f"{noise_txt} "
                f"Het aandeel inwoners dat zich wel eens onveilig voelt in de eigen buurt ging van "
                f"{fmt.share(base['pct_unsafe'], 0)} naar {fmt.share(r['pct_unsafe'], 0)} "
                f"(index {fmt.number(r['unsafe_index'], 0)}): een verschil van {fmt.signed(r['diff'], 1)} "
                f"procentpunt, met een {fmt.number(res.attrs['level'] * 100, 0)}%-onzekerheidsmarge van "
                f"{fmt.signed(r['diff_lower'], 1)} tot {fmt.signed(r['diff_upper'], 1)} procentpunt. "
                f"Was het gevoel gelijk opgegaan met de criminaliteit, dan was het {fmt.share(r['in_step'], 1)} "
                f"geweest. Oordeel: {verdict_label(r['verdict'])}.")
    if r["verdict"] == "onbeslist":
        sentence += (" Met deze metingen is dus niet te zeggen dat het onveiligheidsgevoel achterblijft bij de "
                     "criminaliteit, maar ook niet dat het meebeweegt; alleen verschillen groter dan ongeveer "
                     f"{fmt.number((r['diff_upper'] - r['diff_lower']) / 2, 1)} procentpunt zijn te onderscheiden.")
    if "rapportcijfer" in res.columns and np.isfinite(r.get("rapportcijfer", np.nan)) \
            and np.isfinite(base.get("rapportcijfer", np.nan)):
        g0, g1 = fmt.number(base["rapportcijfer"], 1), fmt.number(r["rapportcijfer"], 1)
        sentence += (f" Het rapportcijfer voor de veiligheid in de buurt bleef {g0}." if g0 == g1 else
                     f" Het rapportcijfer voor de veiligheid in de buurt ging van {g0} naar {g1}.")
    return sentence


def text_over_time(res: pd.DataFrame, name: str | None = None) -> str:
    """Dutch paragraph(s) on one municipality's crime and feeling of unsafety, from ``gap_over_time``."""
    name = name or res.attrs.get("region_name") or "de gemeente"
    b = res.attrs["base_year"]
    base = res[res["year"] == b].iloc[0]
    basis = "het aantal geregistreerde misdrijven" if res.attrs["crime_basis"] == "count" else \
        "het aantal geregistreerde misdrijven per 1.000 inwoners"
    parts = []
    later = res[(res["year"] > b) & res["verdict"].ne("geen_meting")]
    if later.empty:
        parts.append(f"Voor {name} is na {b} geen nieuwe meting van het onveiligheidsgevoel beschikbaar; "
                     "een vergelijking door de tijd is nog niet mogelijk.")
    for _, r in later.iterrows():
        if r["verdict"] == "methodebreuk":
            parts.append(f"De meting van {r['year']} ({fmt.share(r['pct_unsafe'], 0)} voelt zich wel eens onveilig) "
                         f"is niet te vergelijken met die van {b}: {verdict_label('methodebreuk')}.")
        else:
            parts.append(_year_sentence(res, r, base, name, basis))
    parts.extend(notes_text(res))
    return "\n\n".join(parts)


# --- across units ------------------------------------------------------------------------------

def _relation_sentences(res: pd.DataFrame) -> list[str]:
    """The slope with its interval, and what the flag means and how often chance gives one."""
    a = res.attrs
    lvl = fmt.number(a["level"] * 100, 0)
    slope = gap.slope_per_10pct(res)
    lo, hi = gap.slope_per_10pct_interval(res)
    outside = round(100 * (1 - a["level"]), 6)  # 5 for 95 %, 20 for 80 % (not 19,999…)
    chance = fmt.share(outside, 0 if outside.is_integer() else 1)
    return [
        f"Over {a['n_units']} eenheden hangt het aandeel inwoners dat zich wel eens onveilig voelt samen met de "
        f"geregistreerde criminaliteit: waar per 1.000 inwoners 10% meer misdrijven worden geregistreerd, ligt het "
        f"onveiligheidsgevoel gemiddeld {fmt.signed(slope, 1)} procentpunt hoger ({lvl}%-betrouwbaarheidsinterval "
        f"{fmt.signed(lo, 1)} tot {fmt.signed(hi, 1)})."
        + (" Daarbij is rekening gehouden met de stedelijkheid." if "urbanity" in a["model"] else ""),
        f"De kloof van een eenheid is het verschil tussen het gemeten onveiligheidsgevoel en wat op grond van de "
        f"criminaliteit te verwachten is, vergeleken met de lijn door de andere eenheden. Een eenheid wordt alleen "
        f"gemarkeerd als zij buiten het {lvl}%-voorspellingsinterval valt; ook zonder echte kloof valt ongeveer "
        f"{chance} van de eenheden daar bij toeval buiten.",
    ]


def _expected(chance: dict) -> str:
    """The expected number of chance flags: whole when it is (5, not 5,0), else one decimal (0,6)."""
    e = round(float(chance["expected"]), 1)
    return fmt.number(e, 0 if e.is_integer() else 1)


def chance_sentence(res: pd.DataFrame) -> str:
    """How many flags chance alone gives at this level and number of units, e.g. "bij 100 eenheden … ongeveer 5"."""
    c = res.attrs["chance_flags"]
    lvl = fmt.number(res.attrs["level"] * 100, 0)
    return (f"Bij {c['n_units']} eenheden verwacht je er door toeval ongeveer {_expected(c)} buiten het {lvl}%-interval "
            f"(meestal tussen {fmt.number(c['low'], 0)} en {fmt.number(c['high'], 0)}); de kans dat er minstens één "
            f"bij toeval buiten valt is {fmt.share(100 * c['at_least_one'], 0)}. Een markering is dus een reden om "
            f"beter te kijken, geen oordeel.")


def _flags_sentence(res: pd.DataFrame) -> str:
    """Which units are flagged, each with measured, expected and interval, against what chance gives."""
    fitted = res[res["flag"].notna()]
    flagged = fitted[fitted["flag"].astype(bool)]
    if flagged.empty:
        return ("Geen enkele eenheid valt buiten het interval: de verschillen passen bij de samenhang met de "
                "criminaliteit en de meetonzekerheid.")
    items = [f"{unit_label(res, r['unit'])} ({_pct_level(r['pct_unsafe'])} gemeten, {_pct_level(r['expected'])} "
             f"verwacht, interval {_pct_level(r['lower'])}–{_pct_level(r['upper'])}; "
             f"{'meer' if r['residual'] > 0 else 'minder'} onveiligheidsgevoel dan verwacht)"
             for _, r in flagged.sort_values("residual_z").iterrows()]
    exp_n = _expected(res.attrs["chance_flags"])
    verb = "valt" if len(flagged) == 1 else "vallen"
    return (f"Buiten het interval {verb} {len(flagged)} van de {len(fitted)} eenheden (bij toeval verwacht: "
            f"ongeveer {exp_n}): " + "; ".join(items) + ".")


def _focal_sentence(res: pd.DataFrame, focal) -> str:
    """The focal unit: measured, expected, interval and whether its gap falls outside."""
    hit = res[res["unit"] == focal]
    if hit.empty:
        raise DataError.at("gap_across result", f"focal unit {focal!r} is not among the units", column="unit",
                           expected="one of " + ", ".join(map(str, res["unit"])))
    r = hit.iloc[0]
    nm = unit_label(res, focal)
    if pd.isna(r["flag"]):
        return f"Voor {nm} ontbreekt een gegeven; er is geen kloof te berekenen."
    where = "buiten" if bool(r["flag"]) else "binnen"
    text = (f"{nm}: gemeten {_pct_level(r['pct_unsafe'])}, verwacht {_pct_level(r['expected'])} "
            f"(interval {_pct_level(r['lower'])}–{_pct_level(r['upper'])}); de kloof van "
            f"{fmt.signed(r['residual'], 1)} procentpunt valt {where} het interval.")
    if "gap_shrunk" in res.columns and np.isfinite(r.get("gap_shrunk", np.nan)):
        lvl = fmt.number(res.attrs["level"] * 100, 0)
        text += (f" Gecorrigeerd voor de meetonzekerheid van de enquête (een krimpschatting: een onnauwkeurig "
                 f"gemeten eenheid wordt naar de lijn getrokken) is de kloof naar schatting "
                 f"{fmt.signed(r['gap_shrunk'], 1)} procentpunt ({lvl}%-interval {fmt.signed(r['gap_shrunk_lower'], 1)} "
                 f"tot {fmt.signed(r['gap_shrunk_upper'], 1)}).")
    return text


def text_across(res: pd.DataFrame, focal=None) -> str:
    """Dutch paragraph(s) on the gap across units, from ``gap_across``; ``focal`` a unit to discuss."""
    parts = _relation_sentences(res) + [chance_sentence(res), _flags_sentence(res)]
    if focal is not None:
        parts.append(_focal_sentence(res, focal))
    parts.extend(notes_text(res))
    return "\n\n".join(parts)


def interpretation(over_time: pd.DataFrame | None = None, across: pd.DataFrame | None = None, focal=None,
                   name: str | None = None) -> str:
    """The report's Dutch interpretation of the gap: the views given, then the caveats."""
    if over_time is None and across is None:
        raise ValueError("interpretation() needs a gap_over_time or a gap_across result (or both)")
    parts = []
    if over_time is not None:
        parts += ["### Door de tijd", text_over_time(over_time, name)]
    if across is not None:
        parts += ["### Vergeleken met andere gebieden", text_across(across, focal)]
    parts += ["### Kanttekeningen",
              "Een kloof tussen criminaliteit en gevoel is normaal en geen teken van falend beleid: ook landelijk "
              "daalde de geregistreerde criminaliteit sterker dan het onveiligheidsgevoel. Lees de cijfers met deze "
              "kanttekeningen:", caveats_text()]
    return "\n\n".join(parts)
