"""The IVP indicator dashboard: plan indicators against their targets with seed 000's verdict.

Indicators are declared per municipality in the data folder's ``indicators.csv`` (series,
denominator, reference year and value, target value, direction and year). The status value is
computed from a data series wherever one exists (police counts, as a rate when a denominator is
declared; survey items), and otherwise taken from the document and marked published. The verdict:

* **green** – the target is met (or the status is favourable: no increase where none was allowed);
* **orange** – moved the right way since the reference year, but not enough yet;
* **red** – the target will probably not be reached: for counts, the trend model's projection to
  the target year gives less than 50 % chance of meeting it; without a count series, the status
  moved the wrong way or the pace since the reference year does not reach the target.

Each row carries its reason in one Dutch sentence.
"""
from __future__ import annotations

import math

import pandas as pd

from ivpanalysis.present import fmt
from ivpanalysis.analysis import noise, rates
from ivpanalysis.ingest import categories as cat_mod
from ivpanalysis.analysis.police import annual_counts

#: the columns of ``ivpanalysis table dashboard --csv`` (a contract: other tools read them)
CSV_COLUMNS = ["indicator", "reference_year", "reference_value", "target_value", "target_direction",
               "status_value", "status_source", "verdict", "reason"]
EXTRA_COLUMNS = ["unit", "target_year", "target_printed", "status_year", "status_series", "reference_in_data",
                 "p_reach", "note"]

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


def _series_value(data, code: str, row, year: int, counts: pd.DataFrame | None = None) -> tuple[float, str, str]:
    """(value, series used, why-not) of an indicator's data series in ``year``; NaN with a reason when none.

    ``counts`` are the municipality's :func:`annual_counts`, when the caller has them already.
    """
    series = str(row["series"]) if not pd.isna(row["series"]) else ""
    if series.startswith("survey:"):
        measure = series.split(":", 1)[1]
        s = data.survey
        hit = s[(s["region_code"] == code) & (s["measure"] == measure) & (s["period"].map(lambda p: p.year) == year)]
        if hit.empty or hit["value"].isna().all():
            return math.nan, "", f"geen enquêtecijfer {measure} voor {year} in de data"
        return float(hit["value"].iloc[0]), f"survey:{measure} ({hit['source'].iloc[0]})", ""
    if series.startswith("other:") or not series:
        return math.nan, "", "geen reeks in de data voor deze indicator"
    try:
        cat_mod.codes_of(series, data.categories)
    except LookupError:
        return math.nan, "", f"onbekende reeks {series!r}"
    counts = annual_counts(data.police, code) if counts is None else counts
    count = counts.at[series, year] if series in counts.index and year in counts.columns else math.nan
    if pd.isna(count):
        return math.nan, "", f"geen politiecijfer {series} voor {year} in de data"
    den = row.get("denominator")
    if den and not pd.isna(den):
        try:
            return rates.per_1000(count, code, year, den, data.population), f"police:{series} per 1.000 {den}", ""
        except rates.MissingDenominator:
            return math.nan, "", f"geen aantal {rates.DENOMINATORS[den][1]} voor {year} in de data (nodig voor een cijfer per 1.000)"
    return float(count), f"police:{series}", ""


def _series_years(data, code: str, row, counts: pd.DataFrame | None = None) -> list[int]:
    """Years for which the indicator's series has a value in the data."""
    series = str(row["series"]) if not pd.isna(row["series"]) else ""
    if series.startswith("survey:"):
        s = data.survey
        hit = s[(s["region_code"] == code) & (s["measure"] == series.split(":", 1)[1]) & s["value"].notna()]
        return sorted({p.year for p in hit["period"]})
    if series.startswith("other:") or not series:
        return []
    counts = annual_counts(data.police, code) if counts is None else counts
    if series not in counts.index:
        return []
    return sorted(int(y) for y, v in counts.loc[series].items() if not pd.isna(v))


def _p_reach(row, counts: pd.Series | None, status_year: int) -> tuple[float, object, object]:
    """P(the target is met in the target year) from the trend model on the yearly counts, and the projection.

    Only for count indicators with at least three years of counts up to the status year; NaN otherwise.
    """
    if counts is None or row["unit"] != "aantal":
        return math.nan, None, None
    from ivpanalysis.analysis import trend

    s = counts[[y for y in counts.index if y <= status_year]].dropna()
    if len(s) < 3:
        return math.nan, None, None
    direction, target = row["target_direction"], row["target_value"]
    if direction in ("decrease", "no_increase", "increase"):
        target = row["reference_value"]
    if pd.isna(target):
        return math.nan, None, None
    series = pd.Series(s.to_numpy(float), index=pd.PeriodIndex([pd.Period(str(y), "Y") for y in s.index]))
    fit = trend.fit_trend(series)
    proj = trend.project(fit, int(row["target_year"]), float(target))
    if proj.status != "ok" or pd.isna(proj.prob_below):
        return math.nan, proj, fit
    below = proj.prob_below
    return (below if direction in _LOWER_IS_BETTER else 1.0 - below), proj, fit


def _verdict(row, status: float, status_year: int, counts: pd.Series | None = None,
             survey: bool = False) -> tuple[str, str, float]:
    """(verdict, one Dutch sentence, P(reach)) for one indicator with a known status value.

    With a count series the projection of the trend model decides "probably" (P(reach) < 50 %
    is red); otherwise the pace since the reference year, continued to the target year.
    """
    ref, target = row["reference_value"], row["target_value"]
    direction, unit = row["target_direction"], row["unit"]
    ry, ty = int(row["reference_year"]), int(row["target_year"])
    goal_txt = row["target_printed"]
    if pd.isna(target) and pd.isna(ref):
        return "", "Geen referentiewaarde en geen doelwaarde bekend, dus geen oordeel.", math.nan
    s_txt = _fmt_value(status, unit)
    if met(status, target, direction, ref):
        return "green", f"Met {s_txt} in {status_year} is het doel ({goal_txt}) gehaald.", math.nan
    if pd.isna(ref):
        return "red", (f"Met {s_txt} in {status_year} is het doel ({goal_txt}) niet gehaald en zonder "
                       f"referentiewaarde is het tempo onbekend."), math.nan
    moved = status - ref
    right_way = moved < 0 if direction in _LOWER_IS_BETTER else moved > 0
    start = f"Van {_fmt_value(ref, unit)} in {ry} naar {s_txt} in {status_year}"
    if survey:
        start += " (steekproefmarge onbekend)"
    elif unit == "aantal":
        v = noise.verdicts([ref], [status], noise.alpha_for(row.get("series") if isinstance(row.get("series"), str) else None))[0]
        start += {"no": " (binnen wat toeval geeft)", "too_small": " (te kleine aantallen om te beoordelen)"}.get(v, "")
    p, proj, fit = _p_reach(row, counts, status_year)
    if not pd.isna(p):
        outlook = (f"bij voortzetting van de trend ({fmt.pct(fit.pct_per_year, 1)} per jaar) naar verwachting "
                   f"{_fmt_value(proj.expected, unit)} in {ty} (95%-voorspelinterval {_fmt_value(proj.lower, unit)} tot "
                   f"{_fmt_value(proj.upper, unit)}), met {fmt.share(100 * p)} kans dat het doel ({goal_txt}) wordt gehaald")
        if p >= 0.5 and right_way:
            return "orange", f"{start}: in de goede richting; {outlook}.", p
        return "red", f"{start}; {outlook}, dus waarschijnlijk niet.", p
    if not right_way:
        how = "geen verbetering" if moved == 0 else "de verkeerde kant op"
        return "red", f"{start} is {how}, dus het doel ({goal_txt} in {ty}) wordt waarschijnlijk niet gehaald.", math.nan
    years_done, years_left = status_year - ry, ty - status_year
    if years_done <= 0:
        return "orange", f"{start}: in de goede richting, maar het doel ({goal_txt}) is nog niet gehaald.", math.nan
    if unit == "aantal" or str(unit).startswith("per "):
        projected = status * (status / ref) ** (years_left / years_done) if ref > 0 and status > 0 else status
    else:
        projected = status + moved * years_left / years_done
    pace = f"{start}; in dit tempo {_fmt_value(projected, unit)} in {ty}"
    if met(projected, target, direction, ref):
        return "orange", f"{pace}: in de goede richting, maar het doel ({goal_txt}) is nog niet gehaald.", math.nan
    return "red", f"{pace}, dus het doel ({goal_txt}) wordt waarschijnlijk niet gehaald.", math.nan


def dashboard(data, code: str, year: int | None = None) -> pd.DataFrame:
    """The indicator dashboard of municipality ``code`` (status in ``year``, default the file's status year).

    One row per declared indicator (index: indicator id): first :data:`CSV_COLUMNS` (the CLI's
    contract), then :data:`EXTRA_COLUMNS`. ``status_source`` is ``computed`` (by a library call
    on a data series: police counts, as a rate where declared, or a survey series; which one is
    in ``status_series``) or ``published`` (the document's printed status, used only when no
    series exists; ``note`` says why). ``verdict`` is green / orange / red (empty without a
    status); ``reason`` is one Dutch sentence. Raises LookupError when the data declare no
    indicators for ``code``.
    """
    ind = data.indicators
    rows = ind[ind["region_code"] == code] if not ind.empty else ind
    if rows.empty:
        have = ", ".join(sorted(set(ind["region_code"]))) if not ind.empty else "none"
        raise LookupError(f"no indicators declared for {code} in {data.data_dir / 'indicators.csv'} "
                          f"(municipalities with a dashboard: {have})")
    counts = annual_counts(data.police, code)
    out = []
    for _, r in rows.iterrows():
        years = _series_years(data, code, r, counts)
        if year is not None:
            sy = int(year)
        elif not pd.isna(r["status_year"]):
            sy = int(r["status_year"])
        else:
            sy = years[-1] if years else None
        rec = {"id": r["indicator_id"], "indicator": r["indicator"], "reference_year": int(r["reference_year"]),
               "reference_value": r["reference_value"], "target_value": r["target_value"],
               "target_direction": r["target_direction"], "status_value": math.nan, "status_source": "",
               "verdict": "", "reason": "", "unit": r["unit"], "target_year": int(r["target_year"]),
               "target_printed": r["target_printed"], "status_year": sy, "status_series": "",
               "reference_in_data": math.nan, "p_reach": math.nan, "note": ""}
        if sy is None:
            _, _, why = _series_value(data, code, r, int(r["reference_year"]), counts)
            rec["reason"] = f"Geen stand: {why.replace(' voor ' + str(int(r['reference_year'])), '')}."
            out.append(rec)
            continue
        value, series_src, why = _series_value(data, code, r, sy, counts)
        ref_data, ref_src, _ = _series_value(data, code, r, int(r["reference_year"]), counts)
        rec["reference_in_data"] = ref_data if ref_src else math.nan
        notes = []
        if not pd.isna(value):
            rec.update(status_value=value, status_source="computed", status_series=series_src)
        elif not pd.isna(r.get("status_value")) and (year is None or int(r["status_year"]) == sy):
            rec.update(status_value=float(r["status_value"]), status_source="published", status_series=str(r["source"]))
            notes.append(f"Stand overgenomen uit het document ({r['source']}): {why}.")
        if pd.isna(rec["status_value"]):
            rec["reason"] = f"Geen stand voor {sy}: {why}."
        else:
            series = str(r["series"])
            police_counts = (counts.loc[series] if rec["status_source"] == "computed" and series in counts.index
                             and (pd.isna(r["denominator"]) or not r["denominator"]) else None)
            rec["verdict"], rec["reason"], rec["p_reach"] = _verdict(
                r, rec["status_value"], sy, counts=police_counts,
                survey=series.startswith("survey:") and rec["status_source"] == "computed")
        if not pd.isna(rec["reference_in_data"]) and not pd.isna(r["reference_value"]) and \
                fmt.round_half_away(rec["reference_in_data"], 1) != fmt.round_half_away(r["reference_value"], 1):
            notes.append(f"De referentiewaarde in het plan ({_fmt_value(r['reference_value'], r['unit'])}) wijkt af van "
                         f"het cijfer voor {int(r['reference_year'])} in de data ({_fmt_value(rec['reference_in_data'], r['unit'])}).")
        rec["note"] = " ".join(notes)
        out.append(rec)
    table = pd.DataFrame(out).set_index("id")[CSV_COLUMNS + EXTRA_COLUMNS]
    table.attrs.update({"municipality": code, "year": year})
    return table


VERDICT_NL = {"green": "groen", "orange": "oranje", "red": "rood", "": ""}


def dashboard_display(table: pd.DataFrame) -> pd.DataFrame:
    """Dutch headers and formats for the report; published status values carry ``*``."""
    return pd.DataFrame({
        "Indicator": table["indicator"],
        "Referentie": [f"{_fmt_value(v, u)} ({y})" for v, u, y in zip(table["reference_value"], table["unit"], table["reference_year"])],
        "Doel": [f"{t} ({y})" for t, y in zip(table["target_printed"], table["target_year"])],
        "Stand": [f"{_fmt_value(v, u)}{'*' if s == 'published' else ''} ({int(y)})" if not pd.isna(y) else fmt.NA
                  for v, u, s, y in zip(table["status_value"], table["unit"], table["status_source"], table["status_year"])],
        "Oordeel": [VERDICT_NL.get(v, v) for v in table["verdict"]],
        "Toelichting": [(r + (" " + n if n else "")) for r, n in zip(table["reason"], table["note"])],
    }).reset_index(drop=True)
