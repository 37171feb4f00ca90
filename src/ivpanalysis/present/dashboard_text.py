"""The indicator dashboard for readers: verdict and probability words, the Dutch reason per row,
and the display table (Dutch headers and number formats).

:func:`dashboard` is :func:`ivpanalysis.analysis.indicators.dashboard` with its ``reason`` column
written here; it backs ``ivpanalysis.dashboard`` and ``ivpanalysis table dashboard``.
"""
from __future__ import annotations

import pandas as pd

from ivpanalysis.analysis import indicators, missing_inputs
from ivpanalysis.present import comparison_text, fmt

#: the CSV contract of ``ivpanalysis table dashboard`` (as in the analysis module)
CSV_COLUMNS = indicators.CSV_COLUMNS
VERDICT_NL = {"green": "groen", "orange": "oranje", "red": "rood", "": ""}
#: calibrated-language scale (IPCC style): lower bound of p → word
LIKELIHOOD_NL = ((0.9, "zeer waarschijnlijk"), (0.67, "waarschijnlijk"), (0.33, "onzeker"),
                 (0.1, "onwaarschijnlijk"), (0.0, "zeer onwaarschijnlijk"))
WHY_NL = {
    "no_survey": "geen enquêtecijfer in de data",
    "no_series": "geen reeks in de data voor deze indicator",
    "unknown_series": "onbekende reeks",
    "no_police": "geen politiecijfer in de data",
    "no_denominator": "geen noemer voor een cijfer per 1.000 in de data",
    "no_uncertainty": "de onzekerheid van dit cijfer is onbekend (geen marge of aantal), dus geen kans te berekenen",
    "no_reference": "geen referentiewaarde en geen doelwaarde bekend",
}


def likelihood_word(p: float) -> str:
    """The calibrated word for a probability: ≥ 0,9 zeer waarschijnlijk … < 0,1 zeer onwaarschijnlijk."""
    if pd.isna(p):
        return ""
    return next(word for low, word in LIKELIHOOD_NL if p >= low)


def value_text(v, unit: str) -> str:
    """An indicator value as the plan prints it: counts whole, percentages and grades/rates with one decimal."""
    if pd.isna(v):
        return fmt.NA
    if unit == "aantal":
        return fmt.number(v)
    if unit == "%":
        return fmt.share(v, 0 if float(v).is_integer() else 1)
    return fmt.number(v, 1)


def reason(r) -> str:
    """One Dutch sentence: the chance of meeting the target with its word and basis, or why there is none."""
    if pd.isna(r["status_value"]):
        why = WHY_NL.get(r["why"], r["why"]) if r["why"] else "geen stand bekend"
        year = f" voor {int(r['status_year'])}" if not pd.isna(r["status_year"]) else ""
        return f"Geen stand{year}: {why}."
    status = f"{value_text(r['status_value'], r['unit'])} in {int(r['status_year'])}"
    if pd.isna(r["p_reach"]):
        return f"Stand {status}; geen oordeel: {WHY_NL.get(r['why'], r['why'])}."
    p = r["p_reach"]
    chance = f"{fmt.share(100 * p)} kans dat het doel ({r['target_printed']}) in {int(r['target_year'])} is gehaald"
    if r["basis"] == "target_year":
        basis = f"Met {status}, het doeljaar zelf, met de gewone schommeling van dat cijfer"
    elif r["basis"] == "later_year":
        basis = f"Met {status}, na het doeljaar (dat zelf geen cijfer heeft), met de gewone schommeling"
    else:
        basis = (f"Met {status} als stand, meegenomen naar {int(r['target_year'])} met de schommeling "
                 f"die gemeenten over zoveel jaren laten zien (geen trend doorgetrokken)")
    return f"{basis}: {chance}, {likelihood_word(p)}."


def _note(r) -> str:
    parts = []
    if "published_status" in r["note"]:
        parts.append(f"Stand overgenomen uit het document ({r['status_series']}).")
    if "reference_differs" in r["note"]:
        parts.append(f"De referentiewaarde in het plan ({value_text(r['reference_value'], r['unit'])}) wijkt af van "
                     f"het cijfer voor {int(r['reference_year'])} in de data ({value_text(r['reference_in_data'], r['unit'])}).")
    return " ".join(parts)


def dashboard(data, code: str, year: int | None = None) -> pd.DataFrame:
    """:func:`ivpanalysis.analysis.indicators.dashboard` with the Dutch ``reason`` in the CSV contract's place."""
    t = indicators.dashboard(data, code, year)
    out = t.copy()
    out.insert(list(t.columns).index("verdict") + 1, "reason", [reason(r) for _, r in t.iterrows()])
    out.attrs.update(t.attrs)
    return out


def dashboard_display(table: pd.DataFrame) -> pd.DataFrame:
    """Dutch headers and formats for the report; published status values carry ``*``; the chance with its word."""
    return pd.DataFrame({
        "Indicator": table["indicator"],
        "Referentie": [f"{value_text(v, u)} ({y})" for v, u, y in zip(table["reference_value"], table["unit"], table["reference_year"])],
        "Doel": [f"{t} ({y})" for t, y in zip(table["target_printed"], table["target_year"])],
        "Stand": [f"{value_text(v, u)}{'*' if s == 'published' else ''} ({int(y)})" if not pd.isna(y) else fmt.NA
                  for v, u, s, y in zip(table["status_value"], table["unit"], table["status_source"], table["status_year"])],
        "Kans doel gehaald": [f"{fmt.share(100 * p)} ({likelihood_word(p)})" if not pd.isna(p) else ""
                              for p in table["p_reach"]],
        "Oordeel": [VERDICT_NL.get(v, v) for v in table["verdict"]],
        "Toelichting": [(reason(r) if "reason" not in table.columns else r["reason"]) + (" " + _note(r) if _note(r) else "")
                        for _, r in table.iterrows()],
    }).reset_index(drop=True)


def legend_sentence() -> str:
    """The dashboard's legend: the bands of p and the words."""
    return (f"Oordeel naar de kans p dat het doel in het doeljaar gehaald is: groen bij p ≥ "
            f"{fmt.number(indicators.GREEN_FROM, 1)}, oranje bij {fmt.number(indicators.RED_BELOW, 1)} ≤ p < "
            f"{fmt.number(indicators.GREEN_FROM, 1)}, rood bij p < {fmt.number(indicators.RED_BELOW, 1)}.")






# --- the default dashboard and the plan's relative targets (issue 18) --------------------------------

SURVEY_LABEL = {"pct_onveilig_algemeen": "Voelt zich wel eens onveilig (%)",
                "pct_onveilig_buurt": "Voelt zich wel eens onveilig in de eigen buurt (%)"}
RELATIVE_TARGET = {"decrease": "daling t.o.v. {ry}", "no_increase": "geen stijging t.o.v. {ry}",
                   "increase": "stijging t.o.v. {ry}"}


def _rate(v, survey: bool = False) -> str:
    if pd.isna(v):
        return fmt.NA
    return fmt.share(v, 0 if float(v).is_integer() else 1) if survey else fmt.number(v, 1)


def _label(r, labels: dict) -> str:
    key = str(r["series"]).split(":", 1)[-1]
    if str(r["series"]).startswith("survey:"):
        return SURVEY_LABEL.get(key, key)
    unit = comparison_text.DENOMINATOR.get(r["denominator"], "aantal")
    return f"{labels.get(key, key)} ({unit})" if r["denominator"] else f"{labels.get(key, key)} (aantal)"


def default_status(r) -> str:
    """'gestegen, meer dan toeval' — the status of an indicator without a target (from the noise model)."""
    return comparison_text.change_words(r["direction"], r["chance"]) or fmt.NA


def _position(word: str, value, survey: bool) -> str:
    if not word:
        return fmt.NA
    return f"{comparison_text.POSITION[word]} ({_rate(value, survey)})"


def default_display(table: pd.DataFrame, labels: dict | None = None) -> pd.DataFrame:
    """The default indicator set for readers: reference and status, the change in words, the position
    against Nederland and the peer group, and "geen doel vastgelegd" — no colour, no invented target."""
    labels = labels or {}
    rows = []
    for _, r in table.iterrows():
        survey = str(r["series"]).startswith("survey:")
        ref = f"{_rate(r['reference_value'], survey)} ({int(r['reference_year'])})" \
            if not pd.isna(r["reference_year"]) else fmt.NA
        peer = _position(r["position_peer"], r["peer_value"], survey)
        if not pd.isna(r["peer_rank"]) and not pd.isna(r["peer_n"]):
            peer += f"; rang {fmt.number(r['peer_rank'])} van {fmt.number(r['peer_n'])}"
        rows.append({"Indicator": _label(r, labels), "Referentie": ref,
                     "Stand": f"{_rate(r['value'], survey)} ({int(r['year'])})",
                     "Verandering": fmt.pct(r["change_pct"]) if not pd.isna(r["change_pct"]) else fmt.NA,
                     "Ontwikkeling": default_status(r),
                     "T.o.v. Nederland": _position(r["position_nederland"], r["nederland_value"], survey),
                     "T.o.v. vergelijkbare gemeenten": peer, "Doel": comparison_text.NO_TARGET})
    return pd.DataFrame(rows, columns=["Indicator", "Referentie", "Stand", "Verandering", "Ontwikkeling",
                                       "T.o.v. Nederland", "T.o.v. vergelijkbare gemeenten", "Doel"])


def default_sentence(table: pd.DataFrame, reference_year: int) -> str:
    """'Van de 7 standaardindicatoren zijn er sinds 2021 2 meer dan toeval gestegen en 1 gedaald; …'."""
    beyond = table[table["chance"] == "yes"]
    parts = [f"{fmt.number(n)} meer dan toeval {comparison_text.DIRECTION[d]}"
             for d in ("rose", "fell") if (n := int((beyond["direction"] == d).sum()))]
    s = (f"Het plan legt voor deze gemeente geen indicatoren vast; daarom staan hier "
         f"{fmt.number(len(table))} standaardindicatoren zonder doel")
    if parts:
        verb = "is" if int((beyond["direction"].isin(("rose", "fell"))).sum()) == 1 else "zijn"  # "is er 1", "zijn er 2"
        rest = "; de rest veranderde niet meer dan toeval." if len(beyond) < len(table) else "."
        return s + f". Sinds {reference_year} {verb} er " + " en ".join(parts) + rest
    return s + f". Geen ervan veranderde sinds {reference_year} meer dan toeval."


def default_legend() -> str:
    """How the default indicators are judged, in words."""
    return ("Ontwikkeling: de verandering sinds het referentiejaar, en of die groter is dan de gewone schommeling "
            "van jaar tot jaar (meer dan toeval). Hoger of lager dan Nederland en de vergelijkbare gemeenten "
            "alleen als het verschil groter is dan toeval; tussen haakjes hun cijfer.")


def _target_note(r) -> str:
    """Why a relative target has the verdict it has: how it was judged, what is missing, a late report."""
    parts = []
    if r["missing_input"]:
        needs = []
        for key in r["missing_input"]:
            src = missing_inputs.SOURCES.get(key)
            table = comparison_text.TABLE.get(src.table, src.table) if src else key
            what = comparison_text.INPUT.get(key, key)
            if key == "police" and r["series"]:
                what = f"politiecijfers {str(r['series']).split(':', 1)[-1]} per gemeente"
            needs.append(f"{what} (tabel {table})")
        parts.append("Ontbreekt: " + "; ".join(needs) + ".")
    elif r["mode"]:
        parts.append(comparison_text.MODE.get(r["mode"], r["mode"]).capitalize() + ".")
    return " ".join(parts)


def targets_display(table: pd.DataFrame) -> pd.DataFrame:
    """The plan's relative targets for readers: the reference value computed from the data, the target,
    the status, the verdict in words (with the noise model's 'meer dan toeval') and what is missing."""
    rows = []
    for _, r in table.iterrows():
        ry, ty, sy = r["reference_year"], r["target_year"], r["status_year"]
        target = RELATIVE_TARGET.get(r["target_direction"], r["target_direction"]).format(ry=int(ry))
        if ty is not None and not pd.isna(ty):
            target += f" in {int(ty)}"
        verdict = comparison_text.VERDICT.get(r["verdict"], r["verdict"])
        if r["chance"] in ("yes", "no"):
            verdict += f" (verandering {comparison_text.CHANCE[r['chance']]})"
        rows.append({"Indicator": r["indicator"],
                     "Referentie (berekend)": f"{_rate(r['reference_value'])} ({int(ry)})",
                     "Doel": target,
                     "Stand": f"{_rate(r['status_value'])} ({int(sy)})" if sy is not None and not pd.isna(sy) else fmt.NA,
                     "Verandering": fmt.pct(r["change_pct"]) if not pd.isna(r["change_pct"]) else fmt.NA,
                     "Oordeel": verdict, "Toelichting": _target_note(r)})
    return pd.DataFrame(rows, columns=["Indicator", "Referentie (berekend)", "Doel", "Stand", "Verandering",
                                       "Oordeel", "Toelichting"])


def targets_sentence(table: pd.DataFrame) -> str:
    """'Van de 9 doelen van het plan zijn er 3 uit de gegevens te berekenen: …; 6 niet.'"""
    judged = table[table["verdict"] != "missing"]
    counts = judged["verdict"].value_counts()
    words = ", ".join(f"{fmt.number(n)} {comparison_text.VERDICT[v]}" for v, n in counts.items())
    s = (f"Van de {fmt.number(len(table))} doelen van het plan ten opzichte van een referentiejaar zijn er "
         f"{fmt.number(len(judged))} met de referentiewaarde uit de gegevens te beoordelen")
    s += f" ({words})" if words else ""
    rest = len(table) - len(judged)
    return s + (f"; bij {fmt.number(rest)} staat in de toelichting welke tabel ontbreekt." if rest else ".")
