"""The indicator dashboard for readers: verdict and probability words, the Dutch reason per row,
and the display table (Dutch headers and number formats).

:func:`dashboard` is :func:`ivpanalysis.analysis.indicators.dashboard` with its ``reason`` column
written here; it backs ``ivpanalysis.dashboard`` and ``ivpanalysis table dashboard``.
"""
from __future__ import annotations

import pandas as pd

from ivpanalysis.analysis import indicators
from ivpanalysis.present import fmt

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




