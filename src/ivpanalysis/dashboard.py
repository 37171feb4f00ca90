"""The IVP indicator dashboard: plan indicators against their targets with seed 000's verdict.

Indicators are declared per municipality in the data folder's ``indicators.csv`` (series,
denominator, reference year and value, target value, direction and year). The status value is
computed from a data series wherever one exists (police counts, as a rate when a denominator is
declared; survey items), and otherwise taken from the document and marked published. The verdict:

* **groen** – the target is met (or the status is favourable: no increase where none was allowed);
* **oranje** – moved the right way since the reference year, but not enough yet;
* **rood** – the target will probably not be reached: the status moved the wrong way, or the pace
  since the reference year, continued to the target year, does not reach the target.

Each row carries its reason in one Dutch sentence.
"""
from __future__ import annotations

import math

import pandas as pd

from . import fmt, noise, rates
from . import categories as cat_mod
from .police import annual_counts

COLUMNS = ["indicator", "unit", "reference_year", "reference_value", "reference_in_data", "target_year",
           "target_value", "target_direction", "target_printed", "status_year", "status_value", "status_source",
           "verdict", "reason"]

#: directions in which a lower value is better
_LOWER_IS_BETTER = {"below", "at_most", "decrease", "no_increase"}


def _fmt_value(v, unit: str) -> str:
    """An indicator value as the plan prints it: counts whole, grades and rates with one decimal."""
    if pd.isna(v):
        return fmt.NA
    if unit == "aantal":
        return fmt.number(v)
    if unit == "%":
        return fmt.share(v, 0 if float(v).is_integer() else 1)
    return fmt.number(v, 1)


def met(value: float, target: float, direction: str, reference: float = math.nan) -> bool:
    """Is ``value`` on the right side of the target (or, for decrease/no_increase, of the reference)?"""
    if direction == "below":
        return value < target
    if direction == "at_most":
        return value <= target
    if direction == "above":
        return value > target
    if direction == "at_least":
        return value >= target
    if direction == "decrease":
        return value < reference
    if direction == "no_increase":
        return value <= reference
    raise ValueError(f"unknown target direction {direction!r}; expected below, at_most, above, at_least, decrease or no_increase")


def _series_value(data, code: str, row, year: int) -> tuple[float, str, str]:
    """(value, status_source, why-not) of an indicator's data series in ``year``; NaN with a reason when none."""
    series = str(row["series"]) if not pd.isna(row["series"]) else ""
    if series.startswith("survey:"):
        measure = series.split(":", 1)[1]
        s = data.survey
        hit = s[(s["region_code"] == code) & (s["measure"] == measure) & (s["period"].map(lambda p: p.year) == year)]
        if hit.empty or hit["value"].isna().all():
            return math.nan, "", f"geen enquêtecijfer {measure} voor {year} in de data"
        return float(hit["value"].iloc[0]), f"series ({hit['source'].iloc[0]})", ""
    if series.startswith("other:") or not series:
        return math.nan, "", "geen reeks in de data voor deze indicator"
    try:
        cat_mod.codes_of(series, data.categories)
    except LookupError:
        return math.nan, "", f"onbekende reeks {series!r}"
    counts = annual_counts(data.police, code)
    count = counts.at[series, year] if series in counts.index and year in counts.columns else math.nan
    if pd.isna(count):
        return math.nan, "", f"geen politiecijfer {series} voor {year} in de data"
    den = row.get("denominator")
    if den and not pd.isna(den):
        try:
            return rates.per_1000(count, code, year, den, data.population), "computed", ""
        except rates.MissingDenominator:
            return math.nan, "", f"geen aantal {rates.DENOMINATORS[den][1]} voor {year} in de data (nodig voor een cijfer per 1.000)"
    return float(count), "computed", ""


def _series_years(data, code: str, row) -> list[int]:
    """Years for which the indicator's series has a value in the data."""
    series = str(row["series"]) if not pd.isna(row["series"]) else ""
    if series.startswith("survey:"):
        s = data.survey
        hit = s[(s["region_code"] == code) & (s["measure"] == series.split(":", 1)[1]) & s["value"].notna()]
        return sorted({p.year for p in hit["period"]})
    if series.startswith("other:") or not series:
        return []
    counts = annual_counts(data.police, code)
    if series not in counts.index:
        return []
    return sorted(int(y) for y, v in counts.loc[series].items() if not pd.isna(v))


def _verdict(row, status: float, status_year: int, counts: bool, survey: bool = False) -> tuple[str, str]:
    """(verdict, reason) for one indicator with a known status value."""
    ref, target = row["reference_value"], row["target_value"]
    direction, unit = row["target_direction"], row["unit"]
    ry, ty = int(row["reference_year"]), int(row["target_year"])
    goal = target if not pd.isna(target) else ref
    if pd.isna(goal):
        return "", "Geen referentiewaarde of doel bekend; een oordeel is niet mogelijk."
    lower_better = direction in _LOWER_IS_BETTER
    s_txt, g_txt = _fmt_value(status, unit), _fmt_value(goal, unit)
    if met(status, target, direction, ref):
        return "groen", f"Met {s_txt} in {status_year} is het doel ({row['target_printed']}) gehaald."
    if pd.isna(ref):
        return "rood", f"Met {s_txt} in {status_year} is het doel ({row['target_printed']}) nog niet gehaald; zonder referentiewaarde is het tempo onbekend."
    moved = status - ref
    right_way = moved < 0 if lower_better else moved > 0
    chance = ""
    if counts and unit == "aantal":
        v = noise.verdicts([ref], [status], noise.alpha_for(None))[0]
        chance = {"no": " (binnen wat toeval geeft)", "too_small": " (aantallen te klein om te beoordelen)"}.get(v, "")
    if survey:
        chance = " (steekproefmarge onbekend)"
    if not right_way:
        how = "geen verbetering" if moved == 0 else "de verkeerde kant op"
        return "rood", (f"Van {_fmt_value(ref, unit)} in {ry} naar {s_txt} in {status_year} is {how}{chance}; "
                        f"het doel ({row['target_printed']} in {ty}) wordt waarschijnlijk niet gehaald.")
    years_done, years_left = status_year - ry, ty - status_year
    if years_done <= 0:
        return "oranje", f"In de goede richting, maar het doel ({row['target_printed']}) is nog niet gehaald."
    if unit in ("aantal",) or str(unit).startswith("per "):
        projected = status * (status / ref) ** (years_left / years_done) if ref > 0 and status > 0 else status
    else:
        projected = status + moved * years_left / years_done
    reaches = met(projected, target, direction, ref)
    pace = (f"Van {_fmt_value(ref, unit)} in {ry} naar {s_txt} in {status_year}{chance}; "
            f"in dit tempo {_fmt_value(projected, unit)} in {ty}")
    if reaches:
        return "oranje", f"{pace}: in de goede richting, het doel ({row['target_printed']}) is nog niet gehaald."
    return "rood", f"{pace}: het doel ({row['target_printed']}) wordt waarschijnlijk niet gehaald."


def dashboard(data, code: str, year: int | None = None) -> pd.DataFrame:
    """The indicator dashboard of municipality ``code`` (status in ``year``, default the file's status year).

    One row per declared indicator (index: indicator id) with :data:`COLUMNS`. ``status_source``
    is ``computed`` (from police counts, as a rate where declared), ``series (<source>)`` (a survey
    series in the data) or ``published (<document>)`` (the document's printed status, used only
    when no series exists). Raises LookupError when the data declare no indicators for ``code``.
    """
    ind = data.indicators
    rows = ind[ind["region_code"] == code] if not ind.empty else ind
    if rows.empty:
        have = ", ".join(sorted(set(ind["region_code"]))) if not ind.empty else "none"
        raise LookupError(f"no indicators declared for {code} in {data.data_dir / 'indicators.csv'} (municipalities with a dashboard: {have})")
    out = []
    for _, r in rows.iterrows():
        years = _series_years(data, code, r)
        if year is not None:
            sy = int(year)
        elif not pd.isna(r["status_year"]):
            sy = int(r["status_year"])
        else:
            sy = years[-1] if years else None
        if sy is None:
            _, _, why = _series_value(data, code, r, int(r["reference_year"]))
            out.append(_row(r, None, math.nan, "", math.nan, "", f"Geen stand: {why.replace(' voor ' + str(int(r['reference_year'])), '')}."))
            continue
        value, source, why = _series_value(data, code, r, sy)
        ref_data, ref_source, _ = _series_value(data, code, r, int(r["reference_year"]))
        if not ref_source:
            ref_data = math.nan
        if pd.isna(value) and not pd.isna(r.get("status_value")) and (year is None or int(r["status_year"]) == sy):
            value, source = float(r["status_value"]), f"published ({r['source']})"
        if pd.isna(value):
            verdict, reason = "", f"Geen stand voor {sy}: {why}."
        else:
            verdict, reason = _verdict(r, value, sy, counts=source == "computed",
                                       survey=str(r["series"]).startswith("survey:") and source.startswith("series"))
            if source.startswith("published"):
                reason += f" (Stand overgenomen uit het document: {why}.)"
        if not pd.isna(ref_data) and not pd.isna(r["reference_value"]) and \
                fmt.round_half_away(ref_data, 1) != fmt.round_half_away(r["reference_value"], 1):
            reason += (f" Let op: de referentiewaarde in het plan ({_fmt_value(r['reference_value'], r['unit'])}) wijkt af van "
                       f"het cijfer voor {int(r['reference_year'])} in de data ({_fmt_value(ref_data, r['unit'])}).")
        out.append(_row(r, sy, value, source, ref_data, verdict, reason))
    table = pd.DataFrame(out).set_index("id")[COLUMNS]
    table.attrs.update({"municipality": code, "year": year})
    return table


def _row(r, sy, value, source, ref_data, verdict, reason) -> dict:
    return {"id": r["indicator_id"], "indicator": r["indicator"], "unit": r["unit"],
            "reference_year": int(r["reference_year"]), "reference_value": r["reference_value"],
            "reference_in_data": ref_data, "target_year": int(r["target_year"]), "target_value": r["target_value"],
            "target_direction": r["target_direction"], "target_printed": r["target_printed"], "status_year": sy,
            "status_value": value, "status_source": source, "verdict": verdict, "reason": reason}


def dashboard_display(table: pd.DataFrame) -> pd.DataFrame:
    """Dutch headers and formats for the report; published status values carry ``*``."""
    return pd.DataFrame({
        "Indicator": table["indicator"],
        "Referentie": [f"{_fmt_value(v, u)} ({y})" for v, u, y in zip(table["reference_value"], table["unit"], table["reference_year"])],
        "Doel": [f"{t} ({y})" for t, y in zip(table["target_printed"], table["target_year"])],
        "Stand": [f"{_fmt_value(v, u)}{'*' if s.startswith('published') else ''} ({y})" if y else fmt.NA for v, u, s, y in
                  zip(table["status_value"], table["unit"], table["status_source"], table["status_year"])],
        "Oordeel": table["verdict"],
        "Toelichting": table["reason"],
    }).reset_index(drop=True)
