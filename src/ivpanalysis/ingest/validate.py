"""Checks on every loaded tidy frame and data folder; each problem names file, line, column and expectation.

Row checks are a pandera schema (declarative, vectorised, every failure collected at once);
the failures are turned into :class:`~ivpanalysis.errors.Problem` records that point at the
source file's line (the loaders keep it in a ``line`` column).
"""
from __future__ import annotations

import re

import pandas as pd

import dataclasses

from ivpanalysis.ingest import plausible, schema
from ivpanalysis.errors import DataError, Problem

#: one row per these in a tidy frame
DUPLICATE_KEYS = ["region_code", "period", "measure", "topic"]

#: check name → (message, expectation); the message is what a reader sees first
_MESSAGES = {
    "gm_code": ("malformed municipality code", "GM followed by four digits"),
    "known_region": ("region code not in the CBS code list", "a code from data/codes/regions.csv"),
    "non_negative_count": ("negative count", "a count ≥ 0"),
    "not_future": ("period lies in the future", None),
    "is_period": ("period is not a pandas Period", "a period such as 2019, 2019-01, 2019Q1 or 2019H1"),
}


def _known_region(s: pd.Series) -> pd.Series:
    malformed_gm = s.str.startswith("GM") & ~s.str.match(schema.GM_PATTERN.pattern)  # reported once, by gm_code
    return (s.eq("") | s.isin(schema.known_codes()) | s.str.startswith(("WK", "BU", "BT", "PC")) | malformed_gm)


#: measures counted in "aantal" that may be negative: balances, growth and corrections (83474NED has them)
_SIGNED = re.compile(r"saldo|groei|correctie|mutatie|verschil|toename|afname", re.IGNORECASE)


def _may_be_negative(df: pd.DataFrame) -> pd.Series:
    return df["measure"].astype(str).str.contains(_SIGNED) | df["measure_label"].astype(str).str.contains(_SIGNED)


def _tidy_schema(today: pd.Timestamp):
    import pandera.pandas as pa  # here, not at import: the command line starts without it

    counts = pa.Check(lambda df: ~(df["value"].notna() & (df["value"] < 0) & df["unit"].isin(["aantal", ""])
                                   & ~_may_be_negative(df)),
                      name="non_negative_count", error="non_negative_count")
    return pa.DataFrameSchema(
        {
            "region_code": pa.Column(str, [
                pa.Check(lambda s: ~s.str.startswith("GM") | s.str.match(schema.GM_PATTERN.pattern),
                         element_wise=False, name="gm_code", error="gm_code"),
                pa.Check(_known_region, name="known_region", error="known_region"),
            ]),
            "period": pa.Column(None, [
                pa.Check(lambda s: schema.map_unique(s, lambda p: isinstance(p, pd.Period)).astype(bool),
                         name="is_period", error="is_period"),
                pa.Check(lambda s: schema.map_unique(s, lambda p: not isinstance(p, pd.Period) or p.start_time <= today)
                         .astype(bool), name="not_future", error="not_future"),
            ]),
            "measure": pa.Column(str),
            "value": pa.Column(float, nullable=True),
            "unit": pa.Column(str),
        },
        checks=[counts],
        strict=False,
        coerce=False,
    )


def _line(df: pd.DataFrame, index) -> int | None:
    if "line" not in df.columns or index is None or pd.isna(index) or index not in df.index:
        return None
    v = df.at[index, "line"]
    return None if pd.isna(v) else int(v)


def _region_at(df: pd.DataFrame, index) -> str | None:
    """The municipality a row belongs to (None for a shared row: a police unit, the country, …)."""
    if index is None or (not isinstance(index, (list, tuple)) and pd.isna(index)) or index not in df.index:
        return None
    code = df.at[index, "region_code"]
    return code if isinstance(code, str) and schema.GM_PATTERN.match(code) else None


def problems_in(df: pd.DataFrame, file: str | None = None) -> list[Problem]:
    """All problems found in a tidy frame (empty list when it is valid)."""
    f = str(file or df.attrs.get("source_file", "<frame>"))
    missing = [c for c in schema.TIDY_COLUMNS if c not in df.columns]
    if missing:
        return [Problem(f, f"missing columns {missing}", expected=f"the tidy columns {schema.TIDY_COLUMNS}")]
    today = pd.Timestamp.today()
    out: list[Problem] = []
    from pandera.errors import SchemaErrors

    try:
        _tidy_schema(today).validate(df, lazy=True)
    except SchemaErrors as e:
        fc = e.failure_cases
        for _, c in fc.iterrows():
            key = str(c["check"])
            idx = c["index"]
            if key in _MESSAGES:
                message, expected = _MESSAGES[key]
                if key == "not_future":
                    expected = f"a period before {today.date()}"
                column = c["column"] if key != "non_negative_count" else "value"
                found = c["failure_case"]
                if key == "non_negative_count" and idx in df.index:
                    found = plausible.number_text(df.at[idx, "value"])
                out.append(Problem(f, message, _line(df, idx), column, expected=expected, found=str(found),
                                   region=_region_at(df, idx)))
            else:  # dtype / column-level failures
                out.append(Problem(f, f"column {c['column']} fails {key}", _line(df, idx), c["column"],
                                   expected="the tidy schema's types", found=str(c["failure_case"]),
                                   region=_region_at(df, idx)))
    keyed = df.assign(period=schema.map_unique(df["period"], str))
    dup = keyed.duplicated(DUPLICATE_KEYS, keep="first")
    firsts = keyed[~dup].set_index(DUPLICATE_KEYS)["value"] if dup.any() else None
    for i in df.index[dup]:
        p = df.at[i, "period"]
        message = "duplicate row for (region, period, measure)"
        first = firsts.get((df.at[i, "region_code"], str(p), df.at[i, "measure"], df.at[i, "topic"]))
        if isinstance(p, pd.Period) and schema.freq_of(p) == "M" and p.month == 1 and first != df.at[i, "value"]:
            message += ": two different values for January; is one of them an annual (JJ00) total dated January?"
        out.append(Problem(f, message, _line(df, i), "measure",
                           expected="one value per region, period and measure",
                           found=f"{df.at[i, 'region_code']} {df.at[i, 'period']} {df.at[i, 'measure']}",
                           region=_region_at(df, i)))
    unique = list(dict.fromkeys((p.file, p.message, p.line, p.column, p.expected, p.found, p.region) for p in out))
    out = [Problem(*u) for u in unique]  # a frame-wide check reports once per column in pandera
    out.sort(key=lambda p: (p.line is None, p.line or 0))
    return out


def dataset_problems(data) -> list[Problem]:
    """Problems of a whole data folder: every table's rows, and a denominator for every rate to compute.

    A rate indicator (``denominator`` set in indicators.csv) whose police series is in the data
    needs that denominator in the population table for every year it is computed for, unless
    the document's own status is given to fall back on. A denominator the folder lacks altogether
    (no dwellings table at all) is no broken row but a missing input: the report names the table
    that adds it (issue 18).
    """
    from ivpanalysis.ingest.denominators import DENOMINATORS, denominator
    from ivpanalysis.ingest.yearly import annual_counts

    folder = data.data_dir
    out: list[Problem] = []
    for frame in (data.police, data.survey, data.population, data.indicators):
        out += list(getattr(frame, "attrs", {}).get("load_problems", []))
    for frame in (data.police, data.survey, data.population):
        if len(frame):
            out += problems_in(frame)  # named by the file it was read from (attrs["source_file"])
    out += plausible.police_counts(data.police, data.population)
    out += plausible.population_values(data.population)
    out += plausible.survey_values(data.survey)
    ind = data.indicators
    if ind is None or ind.empty:
        return out
    out += plausible.indicator_units(ind, str(folder / "indicators.csv"))
    if "denominator" not in ind.columns:
        return out
    counts_of: dict[str, pd.DataFrame] = {}
    for pos, (_, r) in enumerate(ind.iterrows()):
        den = r["denominator"]
        if pd.isna(den) or not den:
            continue
        line = int(r["line"]) if "line" in ind.columns else pos + 2  # header is line 1
        region = r["region_code"] if isinstance(r["region_code"], str) and schema.GM_PATTERN.match(r["region_code"]) \
            else None
        if den not in DENOMINATORS:
            out.append(Problem(str(folder / "indicators.csv"), "unknown denominator", line, "denominator",
                               expected=f"one of {', '.join(DENOMINATORS)}", found=str(den), region=region))
            continue
        if r["region_code"] not in counts_of:
            counts_of[r["region_code"]] = annual_counts(data.police, r["region_code"])
        counts = counts_of[r["region_code"]]
        series = str(r["series"])
        if series not in counts.index or not pd.isna(r.get("status_value")):
            continue
        needed = [int(y) for y in (r["reference_year"], r.get("status_year")) if not pd.isna(y)
                  and int(y) in counts.columns and not pd.isna(counts.at[series, int(y)])]
        have = denominator(data.population, r["region_code"], den)
        if not len(have) or pd.isna(have).all():
            continue  # no such table at all: a missing input the report names in "Wat ontbreekt", not a broken row
        lacking = [y for y in needed if pd.isna(have.get(y))]
        if lacking:
            out.append(Problem(str(folder / "indicators.csv"), f"rate {r['indicator_id']} has no denominator", line,
                               "denominator", found=str(den),
                               expected=f"population rows with measure {DENOMINATORS[den][0]!r} for {r['region_code']} "
                                        f"in {', '.join(map(str, lacking))}", region=region))
    return out


def validate(df: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Return ``df`` unchanged if valid; raise :class:`DataError` listing every problem otherwise."""
    probs = problems_in(df, file)
    if probs:
        raise DataError(probs)
    return df


#: files whose problems (of one municipality) cost one section of its report, not the whole report
SECTION_FILES = {"indicators.csv": "dashboard_section"}


def section_of(problem: Problem) -> str | None:
    """The report section a municipality's problem is confined to (None: it fails the whole report)."""
    if problem.region is None:
        return None
    return SECTION_FILES.get(problem.file.replace("\\", "/").rsplit("/", 1)[-1])


def gate(data):
    """The one gate before computing: ``data`` checked once (the result is kept on the Dataset).

    Returns the Dataset with ``problems`` set and the rows of every municipality with a problem left
    out of all tables (``excluded`` names them), so regional comparisons never count them. A problem
    confined to a section (a bad indicator row) drops only that municipality's rows of that file.
    """
    if data.problems is not None:
        return data
    probs = dataset_problems(data)
    failing = tuple(sorted({p.region for p in probs if p.region and not section_of(p)}))
    bad_indicators = {p.region for p in probs if section_of(p) == "dashboard_section"}

    def keep(df, drop=()):
        drop = set(failing) | set(drop)
        if df is None or not len(df) or "region_code" not in df.columns or not drop:
            return df
        out = df[~df["region_code"].isin(drop)]
        out.attrs = dict(df.attrs)
        return out
    return dataclasses.replace(data, police=keep(data.police), survey=keep(data.survey),
                               population=keep(data.population), indicators=keep(data.indicators, bad_indicators),
                               problems=probs, excluded=failing)


def shared_problems(data) -> list[Problem]:
    """Problems no single municipality owns (a police unit's rows, a file that cannot be read, …)."""
    return [p for p in gate(data).problems if p.region is None]


def own_problems(data, code: str) -> list[Problem]:
    """The problems that fail ``code``'s report as a whole (section-confined ones excluded)."""
    return [p for p in gate(data).problems if p.region == code and not section_of(p)]


def section_problems(data, code: str, section: str) -> list[Problem]:
    """``code``'s problems confined to ``section`` (shown there as one sentence)."""
    return [p for p in gate(data).problems if p.region == code and section_of(p) == section]


def refuse(data, code: str | None = None) -> None:
    """DataError listing the shared problems and those failing ``code``; nothing when both are clean."""
    probs = shared_problems(data) + (own_problems(data, code) if code else [])
    if probs:
        raise DataError(probs)
