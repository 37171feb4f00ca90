"""Dutch words of the gap section's comparison across units (municipalities or provinces) and of a
provincial survey figure shown for context (issue 18, item 6)."""
from __future__ import annotations

import pandas as pd

from ivpanalysis.present import fmt
from ivpanalysis.present.html import esc


def unit_words(provinces: bool) -> tuple[str, str]:
    """(singular, plural) of the compared units."""
    return ("provincie", "provincies") if provinces else ("gemeente", "gemeenten")


def province_sentence(name: str, province: str, row: pd.Series) -> str:
    """The province's figure, labelled as the province's and explicitly not the municipality's."""
    year = row["period"].year
    margin = row.get("margin")
    m = f" (± {fmt.number(margin, 1)} procentpunt)" if margin is not None and pd.notna(margin) else ""
    return (f"Ter vergelijking, niet voor {name} zelf: in de provincie {province} voelde in {year} "
            f"{fmt.number(row['value'], 1)}%{m} van de inwoners zich wel eens onveilig in de eigen buurt "
            f"(Veiligheidsmonitor, provinciaal cijfer).")


def level_sentence(across: pd.DataFrame, provinces: bool, name: str) -> str:
    """Which units are compared and why (HTML paragraph)."""
    n, year = len(across), across.attrs["survey_year"]
    if provinces:
        text = (f"Vergelijking tussen {fmt.number(n)} provincies in {year}: de gegevensmap heeft geen "
                f"Veiligheidsmonitor-cijfers voor genoeg gemeenten, wel voor de provincies. Criminaliteit per "
                f"1.000 inwoners: de geregistreerde misdrijven van de provincie gedeeld door haar aantal inwoners "
                f"in hetzelfde jaar. De provincie van {name} is gemarkeerd; dit zegt iets over de "
                f"regio, niet over {name} zelf.")
    else:
        text = (f"Vergelijking tussen {fmt.number(n)} gemeenten met Veiligheidsmonitor-cijfers in {year}, "
                f"tegen de geregistreerde misdrijven per 1.000 inwoners van hetzelfde jaar.")
    return f'<div class="ivp-report"><p>{esc(text)}</p></div>'


def quadrant_alt(words: tuple[str, str], year: int, across: pd.DataFrame, focal) -> str:
    hit = across.loc[across["unit"] == focal, "unit_name"] if focal is not None else across["unit_name"].iloc[:0]
    name = str(hit.iloc[0]).removesuffix(" (PV)") if len(hit) else None
    return f"{words[1].capitalize()} naar geregistreerde criminaliteit en onveiligheidsgevoel in {year}" + (
        f", {name} gemarkeerd" if name else "")


def caterpillar_alt(words: tuple[str, str], year: int) -> str:
    return f"Verschil tussen gemeten en verwacht onveiligheidsgevoel per {words[0]} in {year}, met voorspelinterval"
