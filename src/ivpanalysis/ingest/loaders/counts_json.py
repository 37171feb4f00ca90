"""Per-gemeente annual crime counts with population, as one JSON object.

The shape a web app derived from 47018NED (counts, dataderden.cbs.nl) and 70072ned (population,
opendata.cbs.nl) keeps in one file (``../shared/realdata/dreyer_47018NED_gemeente_jaar``)::

    {"offences":    [{"code": "1.1.1", "label": "Diefstal/inbraak woning", ...}, ...],
     "years":       [2012, ..., 2025],
     "provisional": [2024, 2025],
     "population":  {"GM0995": {"2012": 75545, ...}, ...},
     "counts":      {"1.1.1": {"GM0995": {"2012": 498, ...}, ...}, ...}}

Only ``counts`` is required. Counts become tidy rows keyed by SoortMisdrijf code (source
``47018NED``, status ``voorlopig`` for the provisional years, else ``definitief``); every
(code, gemeente) gets a row for each year of ``years`` and a year the file does not give, or
gives as ``null``, stays NaN. The population becomes a separate tidy frame (measure
``inwoners``, source ``70072ned``) holding the years listed per gemeente (a municipality that
was merged away simply stops). The values there are what the file's build script took from
70072ned: the average number of inhabitants, or the population on 1 January where the average
was not yet published (Lelystad 2024: 84 396, between 84 080 on 1 January 2024 and 84 713 on 1
January 2025; 2025: 84 713), so the label says so.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ivpanalysis.ingest import schema
from ivpanalysis.errors import DataError, Problem
from ivpanalysis.ingest.loaders._common import TextFile, read_text

FORMAT = "counts_json"
COUNTS_SOURCE = "47018NED"
POPULATION_SOURCE = "70072ned"
POPULATION_MEASURE = "inwoners"
POPULATION_LABEL = "Inwoners (70072ned: gemiddeld aantal inwoners, anders bevolking op 1 januari)"

_YEAR = re.compile(r"^\d{4}$")
_CODE = re.compile(r"^\d+(\.\d+)*$")


@dataclass
class CountsFile:
    """Both tables of one counts JSON file, as tidy frames."""

    counts: pd.DataFrame
    population: pd.DataFrame


def sniff(tf: TextFile, rows=None) -> bool:
    """A JSON object whose top level names ``counts`` or ``offences``."""
    head = tf.text.lstrip()
    if not head.startswith("{"):
        return False
    return bool(re.search(r'"(counts|offences)"\s*:', tf.text))


def _key(*parts) -> str:
    return "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in parts)


def _parse(tf: TextFile) -> dict:
    f = tf.path.name
    try:
        obj = json.loads(tf.text)
    except json.JSONDecodeError as e:
        raise DataError(Problem(f, f"not valid JSON: {e.msg}", e.lineno, f"character {e.colno}",
                                expected="one JSON object with offences, years, provisional, population and counts"))
    if not isinstance(obj, dict):
        raise DataError.at(f, "the top level is not a JSON object", column="(top level)",
                           found=type(obj).__name__, expected="an object with the key 'counts'")
    if "counts" not in obj:
        raise DataError.at(f, "key 'counts' is missing", column="(top level)", found=", ".join(sorted(obj)) or "no keys",
                           expected="counts: {SoortMisdrijf code: {GM code: {year: count}}}")
    return obj


def _year(y, where: tuple, f: str, problems: list[Problem]) -> int | None:
    s = str(y).strip()
    if isinstance(y, bool) or not _YEAR.match(s):
        problems.append(Problem(f, "not a year", column=_key(*where), found=s, expected="a four-digit year such as 2019"))
        return None
    return int(s)


def _number(v, where: tuple, f: str, problems: list[Problem]) -> float:
    if v is None:
        return math.nan
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        problems.append(Problem(f, "not a number", column=_key(*where), found=str(v)[:40], expected="a number or null"))
        return math.nan
    return float(v)


def _mapping(obj, where: tuple, f: str, problems: list[Problem], expected: str) -> dict:
    if not isinstance(obj, dict):
        problems.append(Problem(f, "not an object", column=_key(*where), found=type(obj).__name__, expected=expected))
        return {}
    return obj


def _region(code, where: tuple, f: str, problems: list[Problem]) -> str | None:
    c = str(code).strip()
    if not schema.GM_PATTERN.match(c):
        problems.append(Problem(f, "not a municipality code", column=_key(*where), found=c, expected="GM followed by four digits"))
        return None
    return c


def load_file(path: str | Path) -> CountsFile:
    """Read a counts JSON file into its crime counts and population (both tidy)."""
    return load_both(read_text(path))


def load_both(tf: TextFile) -> CountsFile:
    """Long: the JSON's offences, years, provisional years, population and counts are read and checked in
    one pass so that every problem names its key path; split when the format grows."""
    f = tf.path.name
    obj = _parse(tf)
    problems: list[Problem] = []

    labels: dict[str, str] = {}
    offences = obj.get("offences", [])
    if not isinstance(offences, list):
        problems.append(Problem(f, "not a list", column="['offences']", found=type(offences).__name__,
                                expected="a list of {code, label} objects"))
        offences = []
    for i, o in enumerate(offences):
        if not isinstance(o, dict) or "code" not in o:
            problems.append(Problem(f, "offence without a code", column=_key("offences", i), found=str(o)[:60],
                                    expected="an object with 'code' and 'label'"))
            continue
        labels[str(o["code"]).strip()] = str(o.get("label", "")).strip()

    def year_list(key: str) -> list[int]:
        val = obj.get(key, [])
        if not isinstance(val, list):
            problems.append(Problem(f, "not a list", column=_key(key), found=type(val).__name__, expected="a list of years"))
            return []
        ys = [_year(y, (key, i), f, problems) for i, y in enumerate(val)]
        return [y for y in ys if y is not None]

    years = year_list("years")
    provisional = set(year_list("provisional"))

    recs = []
    counts = _mapping(obj["counts"], ("counts",), f, problems, "{SoortMisdrijf code: {GM code: {year: count}}}")
    for code, by_region in counts.items():
        measure = str(code).strip()
        if not _CODE.match(measure):
            problems.append(Problem(f, "not a SoortMisdrijf code", column=_key("counts", code), found=measure,
                                    expected="a dotted code such as 1.1.1"))
            continue
        label = labels.get(measure) or _title(measure)
        by_region = _mapping(by_region, ("counts", code), f, problems, "{GM code: {year: count}}")
        for gm, by_year in by_region.items():
            region = _region(gm, ("counts", code, gm), f, problems)
            by_year = _mapping(by_year, ("counts", code, gm), f, problems, "{year: count}")
            if region is None:
                continue
            values: dict[int, float] = {}
            for y, v in by_year.items():
                year = _year(y, ("counts", code, gm, y), f, problems)
                if year is not None:
                    values[year] = _number(v, ("counts", code, gm, y), f, problems)
            for year in sorted(set(years) | set(values)):
                recs.append((region, year, measure, label, values.get(year, math.nan)))

    pop_recs = []
    population = _mapping(obj.get("population", {}), ("population",), f, problems, "{GM code: {year: inhabitants}}")
    for gm, by_year in population.items():
        region = _region(gm, ("population", gm), f, problems)
        by_year = _mapping(by_year, ("population", gm), f, problems, "{year: inhabitants}")
        if region is None:
            continue
        for y, v in by_year.items():
            year = _year(y, ("population", gm, y), f, problems)
            if year is not None:
                pop_recs.append((region, year, _number(v, ("population", gm, y), f, problems)))
    if problems:
        raise DataError(problems)

    attrs = dict(format=FORMAT, source_file=str(tf.path), encoding=tf.encoding)
    crime = pd.DataFrame(recs, columns=["region_code", "year", "measure", "measure_label", "value"])
    crime = crime.assign(
        region_name=crime["region_code"].map(lambda c: schema.municipality_name(c) or ""),
        period=crime["year"].map(_periods(crime["year"])),
        topic="Geregistreerde misdrijven", unit="aantal", source=COUNTS_SOURCE,
        status=crime["year"].map(lambda y: "voorlopig" if y in provisional else "definitief"), kind="source",
    ).drop(columns="year")
    pop = pd.DataFrame(pop_recs, columns=["region_code", "year", "value"])
    pop = pop.assign(
        region_name=pop["region_code"].map(lambda c: schema.municipality_name(c) or ""),
        period=pop["year"].map(_periods(pop["year"])),
        measure=POPULATION_MEASURE, measure_label=POPULATION_LABEL, unit="aantal", source=POPULATION_SOURCE,
        status="onbekend", kind="source",
    ).drop(columns="year")
    return CountsFile(
        counts=schema.finish_tidy(crime, table_id=COUNTS_SOURCE, provisional_years=sorted(provisional), **attrs),
        population=schema.finish_tidy(pop, table_id=POPULATION_SOURCE, **attrs),
    )


def _periods(years: pd.Series) -> dict:
    return {y: pd.Period(year=int(y), freq="Y") for y in years.unique()}


def _title(code: str) -> str:
    """Label from the project's code list when the file does not give one."""
    m = schema.measures()
    hit = m.loc[m["code"] == code, "title"]
    return re.sub(rf"^{re.escape(code)}\s*", "", hit.iloc[0]) if len(hit) else ""


def load(tf: TextFile, rows=None) -> pd.DataFrame:
    """The crime counts (what :func:`ivpanalysis.read` returns); see :func:`load_file` for both tables."""
    return load_both(tf).counts
