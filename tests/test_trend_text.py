"""present.trend_text: the Dutch words of a trend result (the numbers come from analysis.trend).

Series come from ivpanalysis.analysis.simulate (labelled simulated data) or are the four real
Lelystad yearly totals of the embedded dataset.
"""
import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ivpanalysis.analysis import simulate, trend
from ivpanalysis.present import fmt, trend_text

LELYSTAD = pd.Series([4549.0, 4176.0, 4041.0, 4240.0], index=pd.period_range("2016", periods=4, freq="Y"))


@pytest.fixture(scope="module")
def fit():
    s = simulate.simulate_series(simulate.Design(n_months=120, mean=120, alpha=0.05, covid_effect=-0.25), seed=7)
    s.attrs["simulated"] = False  # read as if observed, to test the plain summary
    return trend.fit_trend(s, region_name="Lelystad", measure_label="Misdrijven")


def test_summary_quotes_the_result_in_dutch_formats(fit):
    text = trend_text.summary(fit)
    assert text.startswith("Misdrijven in Lelystad, januari 2014 tot en met december 2023: gemiddeld ")
    for x in (fit.pct_per_year, fit.pct_ci_low, fit.pct_ci_high):
        assert fmt.pct(x, 1) in text
    assert "95%-BI" in text and "maandeffecten" in text and "registratiewijziging van juli 2018" in text
    assert "COVID-periode (maart 2020 – juni 2021)" in text and "op 120 maandcijfers" in text


def test_summary_says_whether_the_interval_holds_zero(fit):
    text = trend_text.summary(fit)
    inside = fit.pct_ci_low < 0 < fit.pct_ci_high
    assert ("niet aan te tonen" in text) == inside
    assert ("groter dan toevallige schommelingen" in text) == (not inside)


def test_reasons_are_plain_dutch():
    zero = trend.fit_trend(pd.Series([0.0] * 24, index=pd.period_range("2019-01", periods=24, freq="M")),
                           region_name="Urk")
    assert zero.reason == {"code": "all_zero"}
    assert trend_text.summary(zero).startswith("Geen gegevens: voor het aantal misdrijven in Urk is de waarde")
    short = trend.fit_trend(LELYSTAD, min_annual_points=trend.MIN_ANNUAL_POINTS, region_name="Lelystad")
    text = trend_text.summary(short)
    assert "vier jaarcijfers (2016 tot en met 2019)" in text and "Met minder dan 8 jaren" in text
    assert trend_text.projection_summary(trend.project(short, 2022)) == "Geen projectie voor 2022: er is geen trend geschat."


def test_notes_from_codes():
    s = simulate.simulate_series(simulate.Design(n_months=96, mean=6.0, alpha=0.05), seed=3)
    r = trend.fit_trend(s)
    assert r.aggregated_to == "Q" and r.notes[0]["code"] == "aggregated"
    assert trend_text.notes(r) == [f"Omdat er gemiddeld minder dan 10 voorvallen per maand zijn "
                                   f"({fmt.number(r.notes[0]['mean'], 1)}), is gerekend met kwartaaltotalen."]
    assert trend_text.summary(r).startswith("Gesimuleerde gegevens: deze maandcijfers zijn gesimuleerd")


def test_autocorrelation_caveat_follows_the_check(fit):
    r = trend.fit_trend(fit.observed)
    r.diagnostics = dict(r.diagnostics, autocorrelated=True, resid_lag1=0.42)
    assert "autocorrelatie 0,42" in trend_text.summary(r)
    r.diagnostics["autocorrelated"] = False
    assert "autocorrelatie" not in trend_text.summary(r)


def test_projection_sentence(fit):
    p = trend.project(trend.fit_trend(fit.observed, population=60000), 2025, target=1000)
    text = trend_text.projection_summary(p)
    assert text.startswith(f"Verwachting voor 2025 bij voortzetting van de trend: {fmt.number(p.expected)} ")
    assert "Kans dat het aantal onder 1.000 uitkomt" in text and "laatst bekende" in text


def _words_in_literals(path: Path) -> list[str]:
    """String literals of 3+ words outside docstrings and exception messages."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Raise) or (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "at"):
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("ValueError", "TypeError"):
            skip.update(id(n) for n in ast.walk(node))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in skip and len(n.value.split()) >= 3]


@pytest.mark.parametrize("module", ["trend.py", "simulate.py"])
def test_no_sentences_in_the_analysis_modules(module):
    path = Path(trend.__file__).with_name(module)
    assert _words_in_literals(path) == []
    imports = [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = [getattr(n, "module", None) or "" for n in imports] + [a.name for n in imports for a in n.names]
    assert not any(m.startswith("ivpanalysis.present") for m in names)
