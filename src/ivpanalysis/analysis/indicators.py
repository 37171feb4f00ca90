"""The indicator dashboard: each plan indicator's status, target and the chance of meeting it.

An indicator's status value is computed from a data series wherever one exists (police counts,
as a rate when a denominator is declared; survey items), and otherwise taken from the document
and marked published. One rule decides every verdict: the probability ``p`` that the level in the
target year meets the target (:func:`p_meet`), from the noise model of
:mod:`ivpanalysis.analysis.noise` for counts and rates (the rate's denominator scales the count),
from the 95 % margin for survey items. When the target year has data, that year's value and its
own uncertainty are used; before it, the status value is carried forward with the spread of real
changes over that many years (no trend extrapolation). Bands (:func:`verdict_of`): green p ≥ 0,8,
orange 0,2 ≤ p < 0,8, red p < 0,2; no verdict without a known uncertainty.

Numbers and codes only; :mod:`ivpanalysis.present.dashboard_text` writes the Dutch reason.
"""
from __future__ import annotations

import decimal
import math
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from ivpanalysis.analysis import noise, rates
from ivpanalysis.ingest import categories as cat_mod
from ivpanalysis.analysis.police import annual_counts

#: the columns of ``ivpanalysis table dashboard --csv`` (a contract: other tools read them)
CSV_COLUMNS = ["indicator", "reference_year", "reference_value", "target_value", "target_direction",
               "status_value", "status_source", "verdict", "reason"]
#: what :func:`dashboard` returns after the CSV columns but ``reason`` (written by present/dashboard_text):
#: ``basis`` how p was found (``target_year``: the target year's own value; ``carried``: the status
#: carried forward; ``later_year``: a later year's value, the target year having none), ``sd_log``/``sd`` its spread (log scale for counts and rates, value scale for
#: surveys), ``why`` a code for a missing status or p, ``note`` codes (``published_status``,
#: ``reference_differs``)
EXTRA_COLUMNS = ["unit", "target_year", "target_printed", "status_year", "status_series", "series",
                 "reference_in_data", "p_reach", "basis", "sd_log", "sd", "why", "note"]
NUMBER_COLUMNS = [c for c in CSV_COLUMNS if c != "reason"] + EXTRA_COLUMNS
#: verdict bands of p (issue 16): green from GREEN_FROM, red below RED_BELOW
GREEN_FROM = 0.8
RED_BELOW = 0.2

#: directions in which a lower value is better
_LOWER_IS_BETTER = {"below", "at_most", "decrease", "no_increase"}


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


@dataclass(frozen=True)
class Observation:
    """An indicator's value in one year with what its uncertainty needs: the count behind it (counts,
    rates) or the survey margin; ``why`` a code when there is no value."""

    value: float = math.nan
    count: float = math.nan
    margin: float = math.nan
    series: str = ""
    why: str = ""


def _series_key(row) -> str:
    return str(row["series"]) if not pd.isna(row["series"]) else ""


def _survey_obs(data, code: str, measure: str, year: int) -> Observation:
    s = data.survey
    hit = s[(s["region_code"] == code) & (s["measure"] == measure) & (s["period"].map(lambda p: p.year) == year)]
    if hit.empty or hit["value"].isna().all():
        return Observation(why="no_survey")
    margin = float(hit["margin"].iloc[0]) if "margin" in hit.columns else math.nan
    return Observation(float(hit["value"].iloc[0]), margin=margin, series=f"survey:{measure} ({hit['source'].iloc[0]})")


def observe(data, code: str, row, year: int, counts: pd.DataFrame | None = None) -> Observation:
    """The indicator's series value in ``year`` (a count, a rate per 1.000 or a survey figure).

    ``counts`` are the municipality's :func:`annual_counts`, when the caller has them already.
    """
    series = _series_key(row)
    if series.startswith("survey:"):
        return _survey_obs(data, code, series.split(":", 1)[1], year)
    if series.startswith("other:") or not series:
        return Observation(why="no_series")
    try:
        cat_mod.codes_of(series, data.categories)
    except LookupError:
        return Observation(why="unknown_series")
    counts = annual_counts(data.police, code) if counts is None else counts
    count = counts.at[series, year] if series in counts.index and year in counts.columns else math.nan
    if pd.isna(count):
        return Observation(why="no_police")
    den = row.get("denominator")
    if den and not pd.isna(den):
        try:
            rate = rates.per_1000(count, code, year, den, data.population)
        except rates.MissingDenominator:
            return Observation(count=float(count), why="no_denominator")
        return Observation(rate, float(count), series=f"police:{series} per 1.000 {den}")
    return Observation(float(count), float(count), series=f"police:{series}")


def _series_years(data, code: str, row, counts: pd.DataFrame | None = None) -> list[int]:
    """Years for which the indicator's series has a value in the data."""
    series = _series_key(row)
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


def _count_spread(obs: Observation, row, years_ahead: int) -> float:
    """Variance of log(level in the target year) given a count observed ``years_ahead`` years earlier.

    One year's noise v₁ of the observed count, plus the real drift over the gap: a pair g years
    apart has log-variance 2·v_g = drift + 2·v₁, so drift = 2·(v_g − v₁) (0 in the target year).
    """
    series = _series_key(row)
    one = float(noise.model_for(series, 1).log_variance(obs.count))
    if years_ahead <= 0:
        return one
    g = float(noise.model_for(series, years_ahead).log_variance(obs.count))
    return one + max(0.0, 2 * (g - one))


def spread(obs: Observation, row, years_ahead: int) -> tuple[float, float]:
    """(sd on the log scale, sd on the value scale) of the target-year level; NaN where unknown.

    Counts and rates: the noise model (a rate's count and denominator scale alike); survey items:
    the 95 % margin / 1,96; a published count without series: the pooled count model.
    """
    if not pd.isna(obs.count) and obs.count > 0:
        return math.sqrt(_count_spread(obs, row, years_ahead)), math.nan
    if not pd.isna(obs.margin):
        return math.nan, obs.margin / noise.Z95
    return math.nan, math.nan


def _prob_meet(value: float, threshold: float, direction: str, sd_log: float, sd: float) -> float:
    """P(level meets the threshold) for a normal level on the log (counts) or value scale."""
    lower = direction in _LOWER_IS_BETTER
    if not pd.isna(sd_log):
        if threshold <= 0 or value <= 0:
            return float(not lower) if threshold <= 0 else (1.0 if lower else 0.0)
        z = (math.log(threshold) - math.log(value)) / sd_log
    elif not pd.isna(sd):
        z = (threshold - value) / sd
    else:
        return math.nan
    below = float(stats.norm.cdf(z))
    return below if lower else 1.0 - below


def p_meet(row, status: Observation, status_year: int, reference: Observation | None = None) -> tuple[float, str, float, float]:
    """(p, basis, sd_log, sd): the probability that the target-year level meets the target.

    ``basis`` is ``target_year`` when the status is the target year's own value, ``carried`` when
    it lies before the target year, ``later_year`` when after it (the target year has no value).
    For a decrease/no-increase target the threshold is the plan's reference value, whose own noise
    (when the reference is a count) adds to the spread.
    """
    ty = int(row["target_year"])
    ahead = ty - status_year
    sd_log, sd = spread(status, row, ahead)
    direction = row["target_direction"]
    threshold = row["target_value"]
    if direction in ("decrease", "no_increase", "increase"):
        threshold = row["reference_value"]
        ref_sd_log, ref_sd = spread(reference, row, 0) if reference is not None else (math.nan, math.nan)
        sd_log = math.hypot(sd_log, ref_sd_log) if not pd.isna(ref_sd_log) else sd_log
        sd = math.hypot(sd, ref_sd) if not pd.isna(ref_sd) else sd
    if pd.isna(threshold):
        return math.nan, "", sd_log, sd
    p = _prob_meet(status.value, float(threshold), direction, sd_log, sd)
    basis = "target_year" if ahead == 0 else ("carried" if ahead > 0 else "later_year")
    return p, basis, sd_log, sd


def verdict_of(p: float) -> str:
    """green (p ≥ 0,8), orange (0,2 ≤ p < 0,8), red (p < 0,2); '' when p is unknown."""
    if pd.isna(p):
        return ""
    if p >= GREEN_FROM:
        return "green"
    return "orange" if p >= RED_BELOW else "red"


def same_when_printed(a: float, b: float, decimals: int = 1) -> bool:
    """Do two values print the same at ``decimals`` (half away from zero, as the plans round)?"""
    q = decimal.Decimal(1).scaleb(-decimals)
    r = [decimal.Decimal(repr(float(x))).quantize(q, rounding=decimal.ROUND_HALF_UP) for x in (a, b)]
    return r[0] == r[1]


def _status_year(row, years: list[int], year: int | None) -> int | None:
    """The year judged: the requested year, else the file's status year, else the last with data;
    the target year itself when it has data and the chosen year is after it."""
    if year is not None:
        sy = int(year)
    elif not pd.isna(row["status_year"]):
        sy = int(row["status_year"])
    else:
        sy = years[-1] if years else None
    ty = int(row["target_year"])
    if sy is not None and sy > ty and ty in years:
        sy = ty
    return sy


def _published_obs(row, sy: int, year: int | None, why: str) -> Observation | None:
    """The document's printed status as an observation (a count keeps its noise), or None."""
    if pd.isna(row.get("status_value")) or not (year is None or int(row["status_year"]) == sy):
        return None
    v = float(row["status_value"])
    return Observation(v, v if row["unit"] == "aantal" else math.nan, series=str(row["source"]), why=why)


def _base_record(r, sy) -> dict:
    return {"id": r["indicator_id"], "indicator": r["indicator"], "reference_year": int(r["reference_year"]),
            "reference_value": r["reference_value"], "target_value": r["target_value"],
            "target_direction": r["target_direction"], "status_value": math.nan, "status_source": "",
            "verdict": "", "unit": r["unit"], "target_year": int(r["target_year"]),
            "target_printed": r["target_printed"], "status_year": sy, "status_series": "", "series": _series_key(r),
            "reference_in_data": math.nan, "p_reach": math.nan, "basis": "", "sd_log": math.nan, "sd": math.nan,
            "why": "", "note": ""}


def _reference_obs(r, ref_data: Observation) -> Observation:
    """The reference as an observation for its noise: the plan's value, with the data's count or margin."""
    if pd.isna(r["reference_value"]):
        return Observation()
    count = ref_data.count if not pd.isna(ref_data.count) else (r["reference_value"] if r["unit"] == "aantal" else math.nan)
    return Observation(float(r["reference_value"]), count, ref_data.margin)


def _indicator_row(data, code: str, r, counts, year: int | None) -> dict:
    """One dashboard row: status, its source, p, verdict and the codes the reason needs."""
    sy = _status_year(r, _series_years(data, code, r, counts), year)
    rec = _base_record(r, sy)
    ry = int(r["reference_year"])
    if sy is None:
        rec["why"] = observe(data, code, r, ry, counts).why
        return rec
    obs = observe(data, code, r, sy, counts)
    ref_data = observe(data, code, r, ry, counts)
    rec["reference_in_data"] = ref_data.value
    notes = []
    if pd.isna(obs.value):
        pub = _published_obs(r, sy, year, obs.why)
        if pub is not None:
            obs = pub
            rec.update(status_source="published", status_series=pub.series)
            notes.append("published_status")
        rec["why"] = obs.why
    else:
        rec.update(status_source="computed", status_series=obs.series)
    if not pd.isna(obs.value):
        rec["status_value"] = obs.value
        p, basis, sd_log, sd = p_meet(r, obs, sy, _reference_obs(r, ref_data))
        rec.update(p_reach=p, basis=basis if not pd.isna(p) else "", sd_log=sd_log, sd=sd, verdict=verdict_of(p))
        if pd.isna(p):
            no_goal = pd.isna(r["target_value"]) and pd.isna(r["reference_value"])
            rec["why"] = "no_reference" if no_goal else "no_uncertainty"
    if not pd.isna(ref_data.value) and not pd.isna(r["reference_value"]) and \
            not same_when_printed(ref_data.value, r["reference_value"]):
        notes.append("reference_differs")
    rec["note"] = " ".join(notes)
    return rec


def dashboard(data, code: str, year: int | None = None) -> pd.DataFrame:
    """The indicator dashboard of municipality ``code`` (status in ``year``, default the file's status year).

    One row per declared indicator (index: indicator id), columns :data:`NUMBER_COLUMNS`.
    ``status_source`` is ``computed`` (by a library call on a data series: police counts, as a rate
    where declared, or a survey series; which one is in ``status_series``) or ``published`` (the
    document's printed status, used only when no series exists). ``p_reach`` is :func:`p_meet`'s
    p, ``verdict`` green / orange / red by :func:`verdict_of` (empty without p; ``why`` says why).
    The Dutch ``reason`` is added by :func:`ivpanalysis.present.dashboard_text.dashboard`.
    Raises LookupError when the data declare no indicators for ``code``.
    """
    ind = data.indicators
    rows = ind[ind["region_code"] == code] if not ind.empty else ind
    if rows.empty:
        have = ", ".join(sorted(set(ind["region_code"]))) if not ind.empty else "none"
        raise LookupError(f"no indicators declared for {code} in {data.data_dir / 'indicators.csv'} "
                          f"(municipalities with a dashboard: {have})")
    counts = annual_counts(data.police, code)
    out = [_indicator_row(data, code, r, counts, year) for _, r in rows.iterrows()]
    table = pd.DataFrame(out).set_index("id")[NUMBER_COLUMNS]
    table.attrs.update({"municipality": code, "year": year})
    return table
