"""Plausibility bounds: figures that are well-formed but cannot be real are refused before any computation.

A count must be a whole number, below a fixed national ceiling and (for a municipality) not above its
number of inhabitants; a denominator of a rate per 1.000 must be at least 100; a percentage lies in
0–100 and a report grade in 1–10; an indicator's unit must name the denominator it is computed with.
Each problem names file, line, column, what was found and what was expected.
"""
from __future__ import annotations

import re

import pandas as pd

from ivpanalysis.errors import Problem
from ivpanalysis.ingest import schema

#: more than every crime registered in the Netherlands in one year (about 0.8 million in 2019)
POLICE_CEILING = 2_000_000
#: more than the population of the Netherlands
POPULATION_CEILING = 30_000_000
#: a rate per 1.000 from fewer than this many inhabitants/dwellings/young people is not meaningful
MIN_DENOMINATOR = 100
#: denominator key (indicators.csv) → (population-table measure, words a unit text uses for it)
DENOMINATOR_WORDS = {
    "inwoners": ("inwoners", "inwoners"),
    "woningen": ("woningen", "woningen"),
    "jongeren_12_24": ("jongeren_12_24", "jongeren"),
}
_PER = re.compile(r"per\s+1[.,]?000\s+(\w+)", re.IGNORECASE)
_COUNT_UNITS = ("aantal", "")


def _line(df: pd.DataFrame, i) -> int | None:
    v = df.at[i, "line"] if "line" in df.columns else None
    return None if v is None or pd.isna(v) else int(v)


def _region(code) -> str | None:
    return code if isinstance(code, str) and schema.GM_PATTERN.match(code) else None


def _file(df: pd.DataFrame) -> str:
    return str(df.attrs.get("source_file", "<frame>"))


def number_text(v) -> str:
    """A value as the file would write it: 4549 (not 4549.0), 12.5, 3e+18."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)


def _problem(df, i, message, column, expected, found=None) -> Problem:
    return Problem(_file(df), message, _line(df, i), column, expected,
                   number_text(df.at[i, "value"]) if found is None else str(found), _region(df.at[i, "region_code"]))


def _num(v: float) -> str:
    return f"{v:,.0f}".replace(",", " ")


def police_counts(police: pd.DataFrame, population: pd.DataFrame) -> list[Problem]:
    """Counts that are not whole numbers, above the national ceiling, or above the municipality's inhabitants."""
    out: list[Problem] = []
    counts = police[police["unit"].isin(_COUNT_UNITS) & police["value"].notna()]
    for i in counts.index[(counts["value"] % 1) != 0]:
        out.append(_problem(police, i, "count is not a whole number", "value", "a whole number (a count of crimes)"))
    for i in counts.index[counts["value"] > POLICE_CEILING]:
        out.append(_problem(police, i, "count above the national ceiling", "value",
                            f"at most {_num(POLICE_CEILING)} (more than all crimes registered in the Netherlands "
                            "in a year)"))
    inh = population[(population["measure"] == "inwoners") & population["value"].notna()]
    if inh.empty or counts.empty:
        return out
    people = {(c, p.year): v for c, p, v in zip(inh["region_code"], inh["period"], inh["value"])}
    for i, c, p, v in zip(counts.index, counts["region_code"], counts["period"], counts["value"]):
        n = people.get((c, getattr(p, "year", None)))
        if n is not None and v > n and v <= POLICE_CEILING and _region(c):
            out.append(_problem(police, i, "count above the number of inhabitants", "value",
                                f"at most {_num(n)} (the inhabitants of {c} in {p.year})"))
    return out


def population_values(population: pd.DataFrame) -> list[Problem]:
    """Denominators below :data:`MIN_DENOMINATOR`, above the ceiling, or not whole numbers."""
    out: list[Problem] = []
    measures = {m for m, _ in DENOMINATOR_WORDS.values()}
    den = population[population["measure"].isin(measures) & population["value"].notna()]
    for i in den.index[den["value"] < MIN_DENOMINATOR]:
        out.append(_problem(population, i, "denominator below 100", "value",
                            f"at least {MIN_DENOMINATOR} (a rate per 1.000 from fewer is not meaningful)"))
    for i in den.index[den["value"] > POPULATION_CEILING]:
        out.append(_problem(population, i, "denominator above the national ceiling", "value",
                            f"at most {_num(POPULATION_CEILING)} (more than the population of the Netherlands)"))
    for i in den.index[(den["value"] % 1) != 0]:
        out.append(_problem(population, i, "count is not a whole number", "value", "a whole number"))
    return out


def survey_values(survey: pd.DataFrame) -> list[Problem]:
    """Percentages outside 0–100 and report grades outside 1–10."""
    out: list[Problem] = []
    v = survey["value"]
    unit = survey["unit"].str.lower()
    pct = unit.isin(["%", "procent", "percentage"]) & v.notna() & ((v < 0) | (v > 100))
    grade = unit.eq("rapportcijfer") & v.notna() & ((v < 1) | (v > 10))
    for i in survey.index[pct]:
        out.append(_problem(survey, i, "percentage outside 0–100", "value", "a percentage from 0 to 100"))
    for i in survey.index[grade]:
        out.append(_problem(survey, i, "report grade outside 1–10", "value", "a grade from 1 to 10"))
    return out


def indicator_units(ind: pd.DataFrame, file: str) -> list[Problem]:
    """An indicator whose unit or name says 'per 1.000 X' must have X's denominator, and the reverse."""
    out: list[Problem] = []
    for i, r in ind.iterrows():
        den = r.get("denominator")
        den = None if den is None or pd.isna(den) or not str(den).strip() else str(den).strip()
        line = _line(ind, i)
        region = _region(r.get("region_code"))
        for column in ("unit", "indicator"):
            text = r.get(column)
            if text is None or pd.isna(text):
                continue
            m = _PER.search(str(text))
            if not m:
                continue
            word = m.group(1).lower()
            if den is None:
                out.append(Problem(file, "a rate without a denominator", line, "denominator",
                                   f"the denominator its {column} names ({word})", "", region))
            elif den in DENOMINATOR_WORDS and not word.startswith(DENOMINATOR_WORDS[den][1]):
                out.append(Problem(file, f"{column} does not match the denominator", line, column,
                                   f"'per 1.000 {DENOMINATOR_WORDS[den][1]}' (denominator {den})", str(text), region))
    return out
