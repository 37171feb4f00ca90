"""The Dutch words of the trend section: which series it uses and why, the table of annual trends per
category, the seasonal pattern and the months left out (numbers from :mod:`ivpanalysis.analysis.series`
and :func:`ivpanalysis.analysis.trend.fit_trend`)."""
from __future__ import annotations

import math

import pandas as pd

from ivpanalysis.analysis import series as _series
from ivpanalysis.analysis import trend as _trend
from ivpanalysis.ingest import schema
from ivpanalysis.present import fmt, trend_text

_MONTH_NL = {v: k for k, v in schema.MONTHS_NL.items()}
#: what each kind of series is, in the reader's words
KIND_NL = {"annual": "jaarcijfers van de politie per soort misdrijf",
           "monthly": "maandcijfers van de politie",
           "incidents": "woninginbraken per maand volgens politie.nl (misdaad in kaart), geslaagd en poging samen"}


def summary(res: _trend.TrendResult) -> str:
    """The trend's paragraph (:func:`ivpanalysis.present.trend_text.summary`)."""
    return trend_text.summary(res)


def month_nl(p) -> str:
    p = p if isinstance(p, pd.Period) else pd.Period(str(p), "M")
    return f"{_MONTH_NL[p.month]} {p.year}"


def _span(s: _series.CountSeries) -> str:
    if s.kind == "annual":
        return f"{s.first}–{s.last}"
    return f"{month_nl(s.first)} tot en met {month_nl(s.last)}"


def _source(s: _series.CountSeries) -> str:
    return f" (bron: {', '.join(s.sources)})" if s.sources else ""


def which_series(annual: dict, monthly: dict, incidents: _series.CountSeries | None, labels: dict) -> list[str]:
    """One sentence per kind of series the section uses, with its span and why; or why none."""
    out = []
    if annual:
        n = len(annual)
        first = min(s.first for s in annual.values())
        last = max(s.last for s in annual.values())
        out.append(f"Jaartrends: {KIND_NL['annual']}, {fmt.number(n)} "
                   f"{'soort' if n == 1 else 'soorten'} met minstens {_series.MIN_YEARS} jaren cijfers ({first}–{last}), "
                   f"met het meerjarig gemiddelde; een trendlijn met interval vanaf "
                   f"{max(_series.MIN_YEARS, getattr(_trend, 'MIN_ANNUAL_POINTS', _series.MIN_YEARS))} jaren, "
                   f"want met minder jaren is een stijging of daling niet van toeval te onderscheiden.")
    for s in monthly.values():
        out.append(f"Maandtrend: {KIND_NL['monthly']} voor '{labels.get(s.measure, s.measure)}', {_span(s)}{_source(s)}; "
                   f"per maand zijn seizoenspatroon en breuken in de registratie te zien.")
    if incidents is not None:
        out.append(f"Maandtrend woninginbraak: {KIND_NL['incidents']}, {_span(incidents)}{_source(incidents)}; "
                   f"deze lijst bestaat voor elke gemeente en is per maand bijgewerkt.")
    if not out:
        out.append(f"De gegevensmap bevat geen reeks die lang genoeg is voor een trend: daarvoor zijn minstens "
                   f"{_series.MIN_YEARS} jaren of {_series.MIN_MONTHS} maanden cijfers nodig.")
    return out


def left_out_sentence(s: _series.CountSeries) -> str:
    """'April 2023 en juni 2026 zijn onvolledige maanden en tellen niet mee.' ('' when none)."""
    if not s.left_out:
        return ""
    months = [month_nl(p) for p in s.left_out]
    listed = months[0] if len(months) == 1 else ", ".join(months[:-1]) + " en " + months[-1]
    verb = "is een onvolledige maand en telt" if len(months) == 1 else "zijn onvolledige maanden en tellen"
    return f"{listed[0].upper() + listed[1:]} {verb} niet mee (de lijst begint of eindigt halverwege de maand)."


def seasonal_sentence(factors: pd.Series) -> str:
    """'Seizoenspatroon volgens het model: het hoogst in november (+16% boven een gemiddelde maand), …'."""
    if factors.empty:
        return ""
    unit = "maand" if factors.name == "month" else "kwartaal"
    hi, lo = factors.idxmax(), factors.idxmin()

    def name(k):
        return _MONTH_NL[int(k)] if unit == "maand" else f"het {int(k)}e kwartaal"
    return (f"Seizoenspatroon volgens het model: het hoogst in {name(hi)} ({fmt.pct(100 * (factors[hi] - 1))} ten "
            f"opzichte van een gemiddelde {unit}), het laagst in {name(lo)} ({fmt.pct(100 * (factors[lo] - 1))}).")


def annual_table(rows: list[tuple[str, _series.CountSeries, _trend.TrendResult]]) -> pd.DataFrame:
    """The display table of annual trends: one row per category, the total first when present."""
    out = []
    for label, s, res in rows:
        avg = _trend.multi_year_average(s.values)
        ok = res.ok
        out.append({"Soort misdrijf": label, "Jaren": f"{s.first}–{s.last}",
                    "Gemiddeld per jaar": fmt.number(avg) if math.isfinite(avg) else "–",
                    f"Laatste jaar": fmt.number(s.values.dropna().iloc[-1]),
                    "Trend per jaar": fmt.pct(res.pct_per_year, 1) if ok else "geen trend",
                    "95%-interval": f"{fmt.pct(res.pct_ci_low, 1)} tot {fmt.pct(res.pct_ci_high, 1)}" if ok else "–",
                    "Meer dan toeval?": _verdict(res)})
    return pd.DataFrame(out)


def _verdict(res: _trend.TrendResult) -> str:
    if not res.ok:
        return "–"
    if res.pct_ci_high < 0:
        return "ja, daling"
    if res.pct_ci_low > 0:
        return "ja, stijging"
    return "nee"


def table_note() -> str:
    return ("Trend per jaar: gemiddelde verandering per jaar volgens een negatief-binomiaal model op de jaartotalen, "
            "met 95%-betrouwbaarheidsinterval; 'meer dan toeval' als het hele interval onder of boven 0% ligt. "
            "Gemiddeld per jaar: het meerjarig gemiddelde over dezelfde jaren.")
