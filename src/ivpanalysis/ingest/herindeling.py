"""Municipal mergers and splits (herindeling): old municipality codes → the current ones.

Two committed tables in ``data/codes/``: ``herindeling.csv`` (old code → new code, year) and
``herindeling_pc4.csv`` for municipalities that were split, where the four-digit postcode decides
(Haaren 2022: Biezenmortel to Tilburg, Haaren to Oisterwijk, Helvoirt to Vught, Esch to Boxtel).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ivpanalysis import paths
from ivpanalysis.ingest import schema

#: province name (as the PC4 tables write it) → the suffix CBS adds to a municipality name that
#: also exists elsewhere ('Hengelo (O.)', 'Laren (NH.)')
PROVINCE_SUFFIX = {
    "groningen": "Gr.", "friesland": "F.", "fryslân": "F.", "drenthe": "D.", "overijssel": "O.",
    "flevoland": "Fl.", "gelderland": "Gld.", "utrecht": "U.", "noord-holland": "NH.",
    "zuid-holland": "ZH.", "zeeland": "Z.", "noord-brabant": "NB.", "limburg": "L.",
}


@lru_cache(maxsize=1)
def table() -> pd.DataFrame:
    """``herindeling.csv``: old_code, old_name, new_code (empty when split), new_name, year, date, note."""
    return pd.read_csv(paths.CODES_DIR / "herindeling.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def pc4_table() -> pd.DataFrame:
    """``herindeling_pc4.csv``: old_code, pc4, place, new_code, new_name, year, source."""
    return pd.read_csv(paths.CODES_DIR / "herindeling_pc4.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def current_municipalities() -> tuple[str, ...]:
    """The codes of today's municipalities (342), from the CBS code list."""
    r = schema.regions()
    return tuple(sorted(r.loc[(r["kind"] == "municipality") & (r["current"] == "yes"), "code"]))


@lru_cache(maxsize=1)
def _new_of() -> dict[str, str]:
    return dict(zip(table()["old_code"], table()["new_code"]))


def current_code(code: str, pc4: str | None = None) -> str | None:
    """Today's code for ``code`` (itself when current); None when it was split and ``pc4`` cannot decide."""
    seen = set()
    t = _new_of()
    while code in t and code not in seen:
        seen.add(code)
        new = t[code]
        if not new:
            rule = pc4_table()
            hit = rule[(rule["old_code"] == code) & (rule["pc4"] == str(pc4 or ""))]
            return hit["new_code"].iloc[0] if len(hit) else None
        code = new
    return code


def predecessors(code: str) -> list[str]:
    """Codes that merged into ``code`` (directly or in steps); empty for an unchanged municipality."""
    t = table()
    out: list[str] = []
    todo = [code]
    while todo:
        c = todo.pop()
        olds = t.loc[t["new_code"] == c, "old_code"].tolist()
        out.extend(olds)
        todo.extend(olds)
    return out


def code_for_municipality_name(name: str, province: str | None = None) -> str | None:
    """A municipality code for a name as PC4 tables write it, using the province for 'Hengelo' etc."""
    code = schema.code_for_name(name)
    if code is None and province:
        suffix = PROVINCE_SUFFIX.get(str(province).strip().casefold())
        if suffix:
            code = schema.code_for_name(f"{name} ({suffix})")
    return code


def indeling_of(codes) -> str:
    """'indeling 2023 or later' for a set of municipality codes: the latest change in the table they reflect."""
    codes = set(codes)
    t = table()
    years = [y for y, g in t.groupby("year") if not (set(g["old_code"]) & codes)
             and set(g["new_code"].replace("", None).dropna()) <= codes]
    return f"indeling {max(years)} or later" if years else ""
