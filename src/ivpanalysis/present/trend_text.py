"""The Dutch words of a trend: summary, notes and reasons for a :class:`~ivpanalysis.analysis.trend.TrendResult`.

:mod:`ivpanalysis.analysis.trend` returns numbers and codes (``status``, ``reason``, ``notes``,
``model``, ``diagnostics``); this module turns them into the sentences the report, the explorer
and the chart show. Numbers are formatted with :mod:`ivpanalysis.present.fmt`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ivpanalysis.analysis import trend as _trend
from ivpanalysis.ingest import schema
from ivpanalysis.present import fmt

#: "per maand" etc.: the name of one period of each frequency
FREQ_NL = {"M": "maand", "Q": "kwartaal", "Y": "jaar"}
FREQ_PLURAL_NL = {"M": "maandcijfers", "Q": "kwartaaltotalen", "Y": "jaartotalen"}
_MONTH_NL = {v: k for k, v in schema.MONTHS_NL.items()}
_COUNT_WORDS_NL = {2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven", 8: "acht"}
_TERM_NL = {"covid": "de COVID-periode", "break_2018": "de registratiebreuk van juli 2018", "season": "seizoenseffecten"}


def period_nl(p) -> str:
    """``maart 2020``, ``2e kwartaal 2020`` or ``2020``."""
    p = p if isinstance(p, pd.Period) else pd.Period(p)
    f = schema.freq_of(p)
    if f == "M":
        return f"{_MONTH_NL[p.month]} {p.year}"
    if f == "Q":
        return f"{p.quarter}e kwartaal {p.year}"
    return str(p.year)


def _what(label: str) -> str:
    return f"'{label}'" if label else "het aantal misdrijven"


def _where(region: str) -> str:
    return f" in {region}" if region else ""


def simulated_prefix(freq: str) -> str:
    """The sentence every summary of simulated counts starts with."""
    noun = {"M": "maandcijfers", "Q": "kwartaalcijfers", "Y": "jaarcijfers"}.get(freq, "cijfers")
    return f"Gesimuleerde gegevens: deze {noun} zijn gesimuleerd, geen waarnemingen. "


_DEMONSTRATION = ("Gesimuleerde maandcijfers rond de echte jaartotalen (demonstratie): de trend en het "
                  "interval hieronder beschrijven de simulatie, niet de echte ontwikkeling. ")


def reason(r: _trend.TrendResult) -> str:
    """Why there is no trend (status other than ``ok``), in one or two sentences."""
    code, d = r.reason.get("code", ""), r.reason
    what = _what(r.measure_label) + _where(r.region_name)
    if code in ("all_missing", "all_zero"):
        why = "ontbreken alle waarden" if code == "all_missing" else "is de waarde in elke periode 0"
        return f"Geen gegevens: voor {what} {why}. Er is daarom geen trend berekend en geen trendlijn getekend."
    if code == "few_events":
        return (f"Te weinig voorvallen voor een trend: {what} telt {fmt.number(d['events'])} voorvallen in "
                f"{d['periods']} perioden ({period_nl(d['first'])} tot en met {period_nl(d['last'])}). "
                "Met zo weinig voorvallen is geen stijging of daling vast te stellen.")
    if code == "short_annual":
        n = d["periods"]
        return (f"Geen trend: {what} heeft {_COUNT_WORDS_NL.get(n, str(n))} jaarcijfers "
                f"({period_nl(d['first'])} tot en met {period_nl(d['last'])}). Met minder dan "
                f"{d['minimum']} jaren is een trend niet van toeval te onderscheiden; daarom is er geen trend "
                "berekend. De jaartotalen zelf staan in de grafiek.")
    if code == "few_periods":
        return f"Te weinig perioden voor een trend: {what} heeft {d['periods']} bruikbare {FREQ_PLURAL_NL[d['freq']]}."
    if code == "fit_failed":
        return f"Het trendmodel kon niet worden geschat ({d.get('error', '')})."
    return ""


def notes(r: _trend.TrendResult) -> list[str]:
    """The result's notes (aggregation, dropped terms, missing months) as Dutch sentences."""
    out = []
    for n in r.notes:
        code = n.get("code")
        if code == "aggregated":
            out.append(f"Omdat er gemiddeld minder dan {fmt.number(n['threshold'])} voorvallen per "
                       f"{FREQ_NL[n['from']]} zijn ({fmt.number(n['mean'], 1)}), is gerekend met {FREQ_PLURAL_NL[n['to']]}.")
        elif code == "aggregated_forced":
            out.append(f"Gerekend met {FREQ_PLURAL_NL[n['to']]}.")
        elif code == "season_incomplete":
            out.append("Niet elke maand van het jaar komt in de gegevens voor; voor de ontbrekende "
                       "maanden is het seizoenseffect niet geschat.")
        elif code == "term_dropped":
            out.append(f"Met {n['n']} punten is er geen ruimte om {_TERM_NL[n['term']]} apart te schatten; "
                       "die term is weggelaten.")
    return out


def _terms(r: _trend.TrendResult) -> list[str]:
    terms = []
    if any(c.startswith("month_") for c in r.model["terms"]):
        terms.append("maandeffecten")
    if any(c.startswith("quarter_") for c in r.model["terms"]):
        terms.append("kwartaaleffecten")
    if r.model["covid_window"]:
        a, b = r.model["covid_window"]
        terms.append(f"een aparte term voor de COVID-periode ({period_nl(pd.Period(a, 'M'))} – {period_nl(pd.Period(b, 'M'))})")
    if r.model["registration_break"]:
        terms.append("een sprong bij de registratiewijziging van juli 2018")
    return terms


def _method(r: _trend.TrendResult) -> str:
    fam = "een Poissonmodel" if r.model["alpha"] == 0 else "een negatief-binomiaal model"
    terms = _terms(r)
    listed = (" met " + ", ".join(terms[:-1]) + (" en " if len(terms) > 1 else "") + terms[-1]) if terms else ""
    return f"Berekend met {fam}{listed} op {r.model['n']} {FREQ_PLURAL_NL[r.frequency]}."


def _caveats(r: _trend.TrendResult) -> list[str]:
    s = []
    n = r.model["n"]
    if r.frequency == "Y" and n < _trend.MIN_ANNUAL_POINTS:
        s.append(f"Let op: {_COUNT_WORDS_NL.get(n, str(n))} jaarcijfers laten weinig zien. Met zo weinig punten "
                 "is een trend nauwelijks van toeval te onderscheiden; het interval is daarom breed en één "
                 "afwijkend jaar kan de lijn al kantelen.")
    if r.model.get("alpha_method") == "borrowed":
        s.append(f"De spreiding tussen jaren (α = {fmt.number(r.alpha, 4)}) is niet uit deze reeks geschat maar "
                 "overgenomen uit de jaar-op-jaarvariatie van Nederlandse gemeenten.")
    d = r.diagnostics
    if d.get("autocorrelated"):
        s.append(f"De afwijkingen van de trendlijn hangen onderling samen (autocorrelatie {fmt.number(d['resid_lag1'], 2)} "
                 "tussen opeenvolgende perioden), bijvoorbeeld doordat de ontwikkeling niet steeds even snel gaat; "
                 "het interval houdt daar rekening mee en is daardoor breder.")
    return s


def summary(r: _trend.TrendResult) -> str:
    """The Dutch paragraph under a trend chart: the change per year with its interval, or why there is none."""
    if r.ok:
        text = _ok_summary(r)
    else:
        text = " ".join([reason(r)] + ([] if r.reason.get("code") in ("all_missing", "all_zero") else notes(r)))
    if r.observed.attrs.get("demonstration"):
        return _DEMONSTRATION + text
    if r.simulated:
        return simulated_prefix(r.input_frequency or r.frequency) + text
    return text


def _ok_summary(r: _trend.TrendResult) -> str:
    obs = r.fitted["observed"].dropna()
    pct = lambda x: fmt.pct(x, 1)  # noqa: E731
    subject = (r.measure_label or "Aantal misdrijven") + (" per inwoner" if r.model["offset"] else "") + _where(r.region_name)
    s = [f"{subject}, {period_nl(obs.index[0])} tot en met {period_nl(obs.index[-1])}: gemiddeld {pct(r.pct_per_year)} "
         f"per jaar ({fmt.number(100 * r.level)}%-BI {pct(r.pct_ci_low)} tot {pct(r.pct_ci_high)})."]
    if r.pct_ci_high < 0:
        s.append("Die daling is groter dan toevallige schommelingen verklaren.")
    elif r.pct_ci_low > 0:
        s.append("Die stijging is groter dan toevallige schommelingen verklaren.")
    else:
        s.append("Het interval bevat 0%: een stijging of daling is met deze cijfers niet aan te tonen.")
    s.append(_method(r))
    s.extend(notes(r))
    s.extend(_caveats(r))
    return " ".join(s)


def projection_summary(p: _trend.Projection) -> str:
    """One or two sentences on a :class:`~ivpanalysis.analysis.trend.Projection`."""
    if p.status != "ok":
        return f"Geen projectie voor {p.year}: er is geen trend geschat."
    text = (f"Verwachting voor {p.year} bij voortzetting van de trend: {fmt.number(p.expected)} "
            f"({fmt.number(100 * p.level)}%-voorspelinterval {fmt.number(p.lower)} tot {fmt.number(p.upper)}).")
    if p.target is not None and np.isfinite(p.prob_below):
        text += f" Kans dat het aantal onder {fmt.number(p.target)} uitkomt: {fmt.share(100 * p.prob_below)}."
    if p.population_assumed:
        text += " Aanname: bevolking gelijk aan de laatst bekende."
    return text
