"""A dashboard for every municipality: the default indicator set, and plan targets relative to a reference year.

Without an ``indicators.csv`` the report shows :data:`DEFAULT_SERIES` (total crime only when the
data hold a complete total; each geweld part that is present) per 1.000 inhabitants, plus the
share feeling unsafe when the survey has the municipality's own figure (never its province's).
No target is invented: the status is the change since the reference year — its direction, and
whether it exceeds chance under the noise model (:mod:`ivpanalysis.analysis.noise`) — and the
position against Nederland and the peer group. Codes only; Dutch words in present/.

For a plan with relative targets ("geen stijging t.o.v. 2017"), :func:`relative_targets`
computes the reference value from the data and judges it (:mod:`ivpanalysis.analysis.plan`); a
target whose series or denominator the folder lacks names the input that would add it.
"""
from __future__ import annotations

import math

import pandas as pd

from ivpanalysis.analysis import comparison as cmp
from ivpanalysis.analysis import missing_inputs, noise, plan

DEFAULT_SERIES = ("criminaliteit_totaal", "woninginbraak", "fietsdiefstal", "autokraak", "vernielingen")
SURVEY_MEASURES = ("pct_onveilig_algemeen", "pct_onveilig_buurt")
Z95 = 1.959963984540054
#: the Veiligheidsmonitor changed method in 2021: a change across it is not a change in feeling
SURVEY_BREAK_YEAR = 2021
METHOD_BREAK = "method_break"

# codes of a change's direction and of its position (Dutch words in present/comparison_text.py)
FELL, SAME, ROSE = "fell", "same", "rose"
LOWER, SIMILAR, HIGHER = "lower", "similar", "higher"
COLUMNS = ["indicator", "series", "denominator", "year", "value", "count", "reference_year", "reference_value",
           "reference_count", "change_pct", "direction", "chance", "nederland_value", "position_nederland",
           "peer_value", "position_peer", "peer_rank", "peer_n", "peer_median", "target", "missing_input"]


def default_series(comps: cmp.Comparisons, code: str) -> list[str]:
    """The police series of the default set that the data hold for ``code``, in the report's order."""
    try:
        have = set(comps.municipality(code).index)
    except LookupError:
        have = set()
    geweld = comps.total_parts().get("geweld_totaal", ())
    wanted = list(DEFAULT_SERIES[:1]) + (["geweld_totaal"] if "geweld_totaal" in have else []) + \
        list(DEFAULT_SERIES[1:]) + [g for g in geweld if g in have and "geweld_totaal" not in have]
    return [s for s in wanted if s in have]


def default_dashboard(data, comps: cmp.Comparisons, code: str) -> pd.DataFrame:
    """The default indicator rows of ``code`` (one per series; :data:`COLUMNS`), ``target`` = ``none``."""
    series = default_series(comps, code)
    own = comps.municipality(code).to_dict("index") if series else {}
    rows = [_police_row(comps, code, s, own[s]) for s in series]
    rows += _survey_rows(data.survey, code, comps.year, comps.reference_year)
    return pd.DataFrame(rows, columns=COLUMNS)


def chances(comps: cmp.Comparisons, series: str) -> dict:
    """Noise verdict (reference year → report year) of every municipality for one series, computed once."""
    memo = comps.memo.setdefault("chance", {})
    if series not in memo:
        m = comps.municipalities.xs(series, level="measure")
        v = noise.verdicts(m["count_ref"].to_numpy(), m["count"].to_numpy(), _alpha(comps, series))
        memo[series] = dict(zip(m.index, (str(x) for x in v)))
    return memo[series]


def _alpha(comps: cmp.Comparisons, series: str) -> float:
    """The noise model's overdispersion of a series, looked up once per series."""
    memo = comps.memo.setdefault("alpha", {})
    if series not in memo:
        memo[series] = noise.alpha_for(series)
    return memo[series]


def _police_row(comps: cmp.Comparisons, code: str, series: str, m: dict) -> dict:
    """One police series per 1.000 inhabitants (counts when no population): change, chance, position."""
    per = not pd.isna(m["rate_inwoners"]) and not pd.isna(m["rate_inwoners_ref"])
    value, ref_value = (m["rate_inwoners"], m["rate_inwoners_ref"]) if per else (m["count"], m["count_ref"])
    alpha = _alpha(comps, series)
    chance = chances(comps, series).get(code, "")
    direction = _direction(ref_value, value)
    if chance == "yes" and direction != _direction(m["count_ref"], m["count"]):
        chance = "no"  # the counts moved the other way: the rate's change is population, not chance-free crime
    nl = _aggregate(comps, "nederland", cmp.NEDERLAND, series)
    nl_rate = nl.get("rate_inwoners", math.nan) if per else math.nan
    peer_code = cmp.units_of(comps, code)["peer"] if code in comps.units.index else None
    peer = _aggregate(comps, "peer", peer_code, series)
    peer_rate = peer.get("rate_inwoners", math.nan) if per else math.nan
    population = m["count"] / m["rate_inwoners"] * 1000 if per and m["rate_inwoners"] > 0 else math.nan
    return {"indicator": series, "series": f"police:{series}", "denominator": "inwoners" if per else "",
            "year": comps.year, "value": value, "count": m["count"], "reference_year": comps.reference_year,
            "reference_value": ref_value, "reference_count": m["count_ref"], "change_pct": _pct(ref_value, value),
            "direction": direction, "chance": chance, "nederland_value": nl_rate,
            "position_nederland": position(m["count"], population, nl_rate, alpha),
            "peer_value": peer_rate, "position_peer": position(m["count"], population, peer_rate, alpha),
            "peer_rank": m.get("peer_rank_inwoners", math.nan), "peer_n": m.get("peer_n_inwoners", math.nan),
            "peer_median": m.get("peer_median_inwoners", math.nan), "target": "none",
            "missing_input": () if per else ("inwoners",)}


def _aggregate(comps, level, unit, series) -> dict:
    return comps.aggregate_rows(level, unit).get(series, {}) if unit else {}


def _direction(before, after) -> str:
    if pd.isna(before) or pd.isna(after):
        return ""
    return SAME if after == before else (ROSE if after > before else FELL)


def _pct(before, after) -> float:
    return math.nan if pd.isna(before) or pd.isna(after) or before == 0 else 100.0 * (after - before) / before


def position(count: float, population: float, reference_rate: float, alpha: float) -> str:
    """Is a count higher or lower than ``reference_rate`` per 1.000 would give, beyond chance?

    Expected μ = rate × population / 1.000; under negative-binomial noise (variance μ + αμ²,
    α the series' year-to-year overdispersion) a |z| above 1,96 is higher/lower, else similar.
    """
    if any(pd.isna(v) for v in (count, population, reference_rate)) or population <= 0:
        return ""
    mu = reference_rate * population / 1000.0
    if mu <= 0:
        return HIGHER if count > 0 else SIMILAR
    z = (count - mu) / math.sqrt(mu + alpha * mu * mu)
    return HIGHER if z > Z95 else LOWER if z < -Z95 else SIMILAR


def _survey_rows(survey: pd.DataFrame, code: str, year: int, ref: int) -> list[dict]:
    """The municipality's own % feeling unsafe (latest year ≤ ``year``), against the reference year."""
    if survey.empty:
        return []
    own = survey[(survey["region_code"] == code) & survey["measure"].isin(SURVEY_MEASURES) & survey["value"].notna()]
    rows = []
    for measure in SURVEY_MEASURES:
        s = own[own["measure"] == measure]
        by_year = dict(zip([p.year for p in s["period"]], s["value"].astype(float)))
        margins = dict(zip([p.year for p in s["period"]], s["margin"])) if "margin" in s.columns else {}
        years = [y for y in by_year if y <= year]
        if not years:
            continue
        y = max(years)
        before = [r for r in by_year if r <= ref]
        ry = max(before) if before else None
        value, ref_value = by_year[y], by_year.get(ry, math.nan)
        rows.append({"indicator": measure, "series": f"survey:{measure}", "denominator": "", "year": y,
                     "value": value, "count": math.nan, "reference_year": ry, "reference_value": ref_value,
                     "reference_count": math.nan, "change_pct": math.nan, "direction": _direction(ref_value, value),
                     "chance": (METHOD_BREAK if ry is not None and ry < SURVEY_BREAK_YEAR <= y
                                else survey_chance(value, margins.get(y), ref_value, margins.get(ry))),
                     "nederland_value": math.nan, "position_nederland": "", "peer_value": math.nan,
                     "position_peer": "", "peer_rank": math.nan, "peer_n": math.nan,
                     "peer_median": math.nan, "target": "none", "missing_input": ()})
    return rows


def survey_chance(value, margin, ref_value, ref_margin) -> str:
    """``yes``/``no`` when both margins (95 % half-widths) are known; ``no_margin`` otherwise."""
    if pd.isna(ref_value):
        return ""
    if margin is None or ref_margin is None or pd.isna(margin) or pd.isna(ref_margin):
        return "no_margin"
    return "yes" if abs(value - ref_value) > math.hypot(float(margin), float(ref_margin)) else "no"


# --- plan targets relative to a reference year -----------------------------------------------------

MET, NOT_MET, SO_FAR_MET, SO_FAR_NOT_MET = "met", "not_met", "so_far_met", "so_far_not_met"
NOT_JUDGEABLE, MISSING, NO_REFERENCE = "not_judgeable", "missing", "no_reference"
TARGET_COLUMNS = ["indicator_id", "indicator", "series", "denominator", "reference_year", "reference_value_printed",
                  "reference_value", "target_year", "target_value", "target_direction", "mode", "status_year",
                  "status_value", "verdict", "chance", "change_pct", "report_after_target", "missing_input"]


def met(value: float, target: float, direction: str, reference: float = math.nan) -> bool:
    """Is ``value`` on the right side of the target, or, for decrease/no_increase, of the reference?"""
    tests = {"below": lambda: value < target, "at_most": lambda: value <= target, "above": lambda: value > target,
             "at_least": lambda: value >= target, "decrease": lambda: value < reference,
             "no_increase": lambda: value <= reference, "increase": lambda: value > reference}
    if direction not in tests:
        raise ValueError(f"unknown target direction {direction!r}; expected one of {', '.join(tests)}")
    return bool(tests[direction]())


def series_values(data, code: str, series: str, denominator: str | None, counts: pd.DataFrame) -> tuple[pd.Series, pd.Series, tuple]:
    """(values by year, counts by year, missing inputs) of one indicator series for ``code``.

    A rate uses exactly the declared denominator measure (``jongeren_12_24`` is never replaced by
    another age group or by inhabitants); a year without it has no value.
    """
    empty = pd.Series(dtype=float)
    pop = data.population
    den_absent = bool(denominator) and not ((pop["region_code"] == code) & (pop["measure"] == denominator)).any()
    lacking = (denominator,) if den_absent else ()
    if series.startswith(("survey:", "other:")) or not series:
        if series.startswith("survey:") and not data.survey.empty:
            s = data.survey
            hit = s[(s["region_code"] == code) & (s["measure"] == series.split(":", 1)[1]) & s["value"].notna()]
            if not hit.empty:
                vals = pd.Series(hit["value"].astype(float).to_numpy(), index=[p.year for p in hit["period"]]).sort_index()
                return vals, empty, ()
        return empty, empty, (missing_inputs.source_of_series(series),) + lacking
    if series not in counts.index:
        return empty, empty, (missing_inputs.source_of_series(series),) + lacking
    k = counts.loc[series].dropna().astype(float)
    if not denominator:
        return k, k, ()
    den = pop[(pop["region_code"] == code) & (pop["measure"] == denominator) & pop["value"].notna()]
    d = pd.Series(den["value"].astype(float).to_numpy(), index=[p.year for p in den["period"]])
    d = d[~d.index.duplicated()]
    rate = (1000.0 * k / d.reindex(k.index)).dropna()
    return rate, k, (() if len(rate) else (denominator,))


def relative_targets(data, code: str, frame: plan.PlanFrame) -> pd.DataFrame:
    """The plan's targets of ``code`` (``indicators.csv``) with computed reference and status (:data:`TARGET_COLUMNS`)."""
    from ivpanalysis.analysis.police import annual_counts

    ind = data.indicators
    rows = ind[ind["region_code"] == code] if not ind.empty else ind
    if rows.empty:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    counts = annual_counts(data.police, code)
    rows = plan.resolve_rows(rows.reset_index(drop=True), frame) if not rows.empty else rows
    out = [_target_row(data, code, r, frame, counts) for _, r in rows.iterrows()]
    return pd.DataFrame(out, columns=TARGET_COLUMNS)


def _target_row(data, code, r, frame, counts) -> dict:
    series = "" if pd.isna(r["series"]) else str(r["series"])
    den = "" if pd.isna(r.get("denominator")) else str(r.get("denominator"))
    values, k, missing = series_values(data, code, series, den, counts)
    ry, ty = int(r["reference_year_used"]), r["target_year_used"]
    ty = None if pd.isna(ty) else int(ty)
    j = plan.judge(ty, values.index, frame.report_year)
    ref_value = float(values.get(ry, math.nan))
    status = float(values.get(j.status_year, math.nan)) if j.status_year is not None else math.nan
    rec = {"indicator_id": r["indicator_id"], "indicator": r["indicator"], "series": series, "denominator": den,
           "reference_year": ry, "reference_value_printed": r.get("reference_value", math.nan),
           "reference_value": ref_value, "target_year": ty, "target_value": r.get("target_value", math.nan),
           "target_direction": r["target_direction"], "mode": j.mode, "status_year": j.status_year,
           "status_value": status, "verdict": MISSING, "chance": "", "change_pct": _pct(ref_value, status),
           "report_after_target": j.report_after_target, "missing_input": missing}
    if missing or pd.isna(status):
        return rec
    if j.mode == plan.PASSED_WITHOUT_DATA:
        rec["verdict"] = NOT_JUDGEABLE
        return rec
    relative = r["target_direction"] in ("decrease", "no_increase", "increase")
    if relative and pd.isna(ref_value):
        rec["verdict"] = NO_REFERENCE  # the series is there, but not for the reference year
        return rec
    if not relative and pd.isna(r.get("target_value")):
        rec["verdict"] = NOT_JUDGEABLE
        return rec
    ok = met(status, r.get("target_value", math.nan), r["target_direction"], ref_value)
    final = j.mode == plan.AT_TARGET_YEAR
    rec["verdict"] = (MET if ok else NOT_MET) if final else (SO_FAR_MET if ok else SO_FAR_NOT_MET)
    if len(k) and ry in k.index and j.status_year in k.index:
        rec["chance"] = str(noise.verdicts([k[ry]], [k[j.status_year]], noise.alpha_for(series))[0])
    return rec
