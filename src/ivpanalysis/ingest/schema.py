"""The tidy schema every loader returns, and the code lists it is checked against.

One row per (region, period, measure[, topic]). ``period`` holds :class:`pandas.Period` values
with their own frequency (``Y``, ``6M`` for half-years, ``Q``, ``M``); ``value`` is float and NaN
when not available (never 0, unless the table's own metadata says an empty cell means zero).
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ivpanalysis import paths

#: column order of the tidy frame
TIDY_COLUMNS = [
    "region_code",  # GM0995, PV24, RE03, NL01, … (trimmed); empty when the file names no region
    "region_name",
    "period",  # pandas.Period
    "measure",  # stable key: SoortMisdrijf code (1.1.1), category key, or topic key
    "measure_label",  # Dutch label
    "topic",  # the table's Onderwerp (e.g. Geregistreerde misdrijven); empty when single-topic
    "value",  # float, NaN = not available
    "unit",
    "source",  # table id or file name
    "status",  # definitief / voorlopig / onbekend
    "retrieved",  # date the data were downloaded or transcribed (ISO), empty if unknown
    "kind",  # source (as delivered) / published (printed derived figure) / computed (ours)
]

KINDS = ("source", "published", "computed")
STATUSES = ("definitief", "voorlopig", "onbekend")

GM_PATTERN = re.compile(r"^GM\d{4}$")


def check_municipality_code(code) -> str:
    """``code`` if it is a municipality code (``GM`` and four digits), else ValueError saying so.

    Checked before a code becomes a file name or a lookup key.
    """
    if not isinstance(code, str) or not GM_PATTERN.match(code):
        raise ValueError(f"{code!r} is not a municipality code (expected GM followed by four digits)")
    return code

MONTHS_NL = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}

#: English StatLine labels ('2019 January') for CBS's English tables
MONTHS_EN = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
             "august": 8, "september": 9, "october": 10, "november": 11, "december": 12}

_CBS_CODE = re.compile(r"^(\d{4})(JJ|KW|MM|HJ|X\d)(\d{2})$")
_LABEL = re.compile(
    r"^(?P<year>\d{4})(?:\s*(?:(?P<month>[a-z]+)|(?P<q>\d)(?:e|st|nd|rd|th) (?:kwartaal|quarter)"
    r"|(?P<h>\d)(?:e|st|nd) (?:halfjaar|half year|half-year)))?$"
)
_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?|(?P<hq>[HQ])(?P<n>\d))?$")


def half_year(year: int, half: int) -> pd.Period:
    """The half-year period ``year``H``half`` (1: January–June, 2: July–December)."""
    return pd.Period(f"{year}-{1 if half == 1 else 7:02d}", freq="6M")


def parse_period(text: str) -> tuple[pd.Period, bool]:
    """Parse a period code or label as CBS and StatLine write them.

    Returns ``(period, provisional)``; ``provisional`` is True when the label carries StatLine's
    ``*`` mark. Accepts ``2019JJ00``, ``2019MM01``, ``2019KW01``, ``2019HJ01``, ``2019``,
    ``2019*``, ``2025 april *``, ``2019 1e kwartaal``, ``2019-01``, ``2019-01-01``, ``2019H1``,
    ``2019Q1``. Raises ``ValueError`` for anything else.
    """
    raw = str(text).strip()
    provisional = raw.endswith("*")
    t = raw.rstrip("*").strip().lower()
    m = _CBS_CODE.match(t.upper())
    if m:
        year, kind, n = int(m.group(1)), m.group(2), int(m.group(3))
        if kind == "JJ":
            return pd.Period(year=year, freq="Y"), provisional
        if kind == "MM" and 1 <= n <= 12:
            return pd.Period(year=year, month=n, freq="M"), provisional
        if kind == "KW" and 1 <= n <= 4:
            return pd.Period(year=year, quarter=n, freq="Q"), provisional
        if kind == "HJ" and n in (1, 2):
            return half_year(year, n), provisional
        raise ValueError(f"unknown period code {raw!r}")
    m = _LABEL.match(t)
    if m:
        year = int(m.group("year"))
        if m.group("month"):
            month = MONTHS_NL.get(m.group("month")) or MONTHS_EN.get(m.group("month"))
            if month is None:
                raise ValueError(f"unknown month name in period {raw!r}")
            return pd.Period(year=year, month=month, freq="M"), provisional
        if m.group("q"):
            return pd.Period(year=year, quarter=int(m.group("q")), freq="Q"), provisional
        if m.group("h"):
            return half_year(year, int(m.group("h"))), provisional
        return pd.Period(year=year, freq="Y"), provisional
    m = _ISO.match(t.upper())
    if m:
        year = int(m.group("year"))
        if not _iso_in_range(m):
            raise ValueError(f"period {raw!r} is out of range (month 01-12, quarter 1-4, half-year 1-2)")
        if m.group("month"):
            return pd.Period(year=year, month=int(m.group("month")), freq="M"), provisional
        if m.group("hq") == "H":
            return half_year(year, int(m.group("n"))), provisional
        if m.group("hq") == "Q":
            return pd.Period(year=year, quarter=int(m.group("n")), freq="Q"), provisional
        return pd.Period(year=year, freq="Y"), provisional
    raise ValueError(f"not a period: {raw!r}")


def _iso_in_range(m: re.Match) -> bool:
    """Month 1-12 (and a day 1-31), quarter 1-4, half-year 1-2: '2019-13' is no period, not 2020-01."""
    if m.group("month"):
        return 1 <= int(m.group("month")) <= 12 and (m.group("day") is None or 1 <= int(m.group("day")) <= 31)
    if m.group("hq"):
        return 1 <= int(m.group("n")) <= (2 if m.group("hq") == "H" else 4)
    return True


def format_period(p: pd.Period) -> str:
    """Period as written in our CSV files: 2019, 2019-01, 2019Q1, 2019H1."""
    freq = p.freqstr
    if freq.startswith("Y") or freq.startswith("A"):
        return str(p.year)
    if freq == "6M":
        return f"{p.year}H{1 if p.month <= 6 else 2}"
    if freq.startswith("Q"):
        return f"{p.year}Q{p.quarter}"
    return f"{p.year}-{p.month:02d}"


def map_unique(s: pd.Series, fn) -> pd.Series:
    """``s.map(fn)`` computed once per distinct value (periods, codes: few values, many rows)."""
    return s.map({v: fn(v) for v in s.drop_duplicates()})


def freq_of(p: pd.Period) -> str:
    """One-letter frequency: Y (year), H (half-year), Q (quarter), M (month)."""
    f = p.freqstr
    if f.startswith(("Y", "A")):
        return "Y"
    if f == "6M":
        return "H"
    if f.startswith("Q"):
        return "Q"
    return "M"


def empty_tidy() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object") for c in TIDY_COLUMNS})


def finish_tidy(df: pd.DataFrame, **attrs) -> pd.DataFrame:
    """Put columns in schema order, fill absent optional columns, attach provenance attrs."""
    for c in TIDY_COLUMNS:
        if c not in df.columns:
            df[c] = "" if c != "value" else float("nan")
    out = df[TIDY_COLUMNS + [c for c in df.columns if c not in TIDY_COLUMNS]].reset_index(drop=True)
    out["value"] = out["value"].astype("float64")
    for c in ("region_code", "region_name", "measure", "measure_label", "topic", "unit", "source", "status", "retrieved", "kind"):
        out[c] = out[c].fillna("").astype(str)
    out.attrs.update(attrs)
    return out


# --- code lists --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    """CBS region code list: code, name, kind (municipality, province, police_unit, pseudo, …), current."""
    df = pd.read_csv(paths.CODES_DIR / "regions.csv", dtype=str, keep_default_na=False)
    return df


def _norm_name(name: str) -> str:
    return re.sub(r"\s+", " ", str(name).strip()).casefold()


@lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    r = regions()
    idx: dict[str, str] = {}
    # current codes win over older ones with the same name
    for _, row in r.sort_values("current").iterrows():
        if row["name"]:
            idx[_norm_name(row["name"])] = row["code"]
    # 'Utrecht (gemeente)' is also written plain 'Utrecht' (the province carries '(PV)')
    for name, code in list(idx.items()):
        if name.endswith(" (gemeente)"):
            idx.setdefault(name[: -len(" (gemeente)")], code)
    return idx


def code_for_name(name: str) -> str | None:
    """The CBS region code for a region name as StatLine prints it, or None if unknown."""
    n = _norm_name(name)
    # fixed spellings first: 'Nederland' is NL01 (NL00 is the wijk/buurt tables' key for it), and
    # older editions spell a few regions differently (Friesland was renamed Fryslân in 2019)
    aliases = {"nederland": "NL01", "netherlands": "NL01", "the netherlands": "NL01", "the hague": "GM0518", "gemeente onbekend": "GM0000", "niet in te delen (re)": "RE99",
               "friesland (pv)": "PV21", "friesland": "PV21", "den haag": "GM0518", "'s-gravenhage": "GM0518"}
    return aliases.get(n) or _name_index().get(n)


@lru_cache(maxsize=1)
def _by_code() -> dict[str, tuple[str, str]]:
    return {c: (n, k) for c, n, k in zip(regions()["code"], regions()["name"], regions()["kind"])}


def region_kind(code: str) -> str:
    """Kind of a region code; 'unknown' when not in the code list."""
    return _by_code().get(code, ("", "unknown"))[1]


def known_codes() -> set[str]:
    return set(_by_code())


def municipality_name(code: str) -> str | None:
    """Name of a region code in the code list (None when unknown or unnamed)."""
    return _by_code().get(code, ("", ""))[0] or None


@lru_cache(maxsize=1)
def _title_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for code, title in zip(measures()["code"], measures()["title"]):
        idx.setdefault(re.sub(r"\s+", " ", title).casefold(), code)
    return idx


@lru_cache(maxsize=1)
def measures() -> pd.DataFrame:
    """Crime-type and nuisance code lists (47013NED, 47022NED, 83648NED, 47024NED)."""
    return pd.read_csv(paths.CODES_DIR / "measures.csv", dtype=str, keep_default_na=False)


def code_for_crime_label(label: str) -> str | None:
    """Crime-type key for a label exactly as a CBS/politie code list titles it, else None.

    '1.1.1 Diefstal/inbraak woning' -> '1.1.1' (politie tables); 'Misdrijven, totaal' -> 'T001161'
    (83648NED). A dotted number alone is not trusted: 83648NED's older labels reuse '1.1.1' for
    another crime type, so only an exact title match counts.
    """
    return _title_index().get(re.sub(r"\s+", " ", str(label).strip()).casefold())
