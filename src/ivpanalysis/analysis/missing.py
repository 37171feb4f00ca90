"""One structured list of what a municipality's report lacks, so "Wat ontbreekt" is said once.

Each :class:`MissingInput` names the input (a stable key), the report sections that would use it,
the table that adds it, and the exact command (or download page) to get it. Sections no longer
repeat the sentence: they look their gaps up here. Codes only; Dutch text in present/.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ivpanalysis.analysis import missing_inputs

# report sections (codes; Dutch names in present/comparison_text.py)
POLICE, COMPARISON, TREND, MONTHLY, DASHBOARD, SURVEY = "police", "comparison", "trend", "monthly", "dashboard", "survey"
MAP = "map"


@dataclass(frozen=True)
class MissingInput:
    """One missing input of a report: what, where it is needed, and how to add it."""

    what: str  # input key (woningen, survey, police:straatroof, total:geweld_totaal, …)
    sections: tuple[str, ...]
    table: str
    role: str
    command: str
    url: str
    detail: tuple = field(default=())  # parts or indicator ids that need it


_PRESENCE: list = []  # [(frames kept alive so their ids stay theirs, presence)], the last few data versions


def _pairs(frame: pd.DataFrame | None, by_measure: bool) -> set:
    if frame is None or frame.empty:
        return set()
    ok = frame[frame["value"].notna()]
    if not by_measure:
        return set(ok["region_code"].astype(str).unique())
    return set(zip(ok["region_code"].astype(str), ok["measure"].astype(str)))


def _presence(data) -> dict:
    """Which regions (and region × measure) each table holds, built once per data version."""
    frames = (data.police, data.population, data.survey, getattr(data, "incidents", None))
    for kept, found in _PRESENCE:
        if all(a is b for a, b in zip(kept, frames)):
            return found
    pol = data.police
    monthly = pol[pol["measure"].astype(str).str.startswith("woninginbraak") & pol["value"].notna()]
    monthly = monthly[[str(getattr(p, "freqstr", "")).startswith("M") for p in monthly["period"]]] if len(monthly) else monthly
    found = {"police": _pairs(pol, False), "population": _pairs(data.population, True),
             "survey": _pairs(data.survey, False), "incidents": _pairs(frames[3], False) | set(monthly["region_code"])}
    _PRESENCE.insert(0, (frames, found))
    del _PRESENCE[4:]
    return found


def missing_for(data, code: str, comps=None, targets: pd.DataFrame | None = None,
                regions: pd.DataFrame | None = None, data_dir: str = "DIR") -> list[MissingInput]:
    """Every input the report of ``code`` lacks, each once with all sections that need it.

    ``comps``: :func:`ivpanalysis.analysis.comparison.compute` output (for incomplete totals);
    ``targets``: :func:`ivpanalysis.analysis.default_indicators.relative_targets` output.
    """
    found: dict[str, dict] = {}

    def add(what: str, key: str, sections, detail=()):
        src = missing_inputs.SOURCES[key]
        rec = found.setdefault(what, {"sections": [], "detail": [], "key": key, "src": src})
        rec["sections"] += [s for s in sections if s not in rec["sections"]]
        rec["detail"] += [d for d in detail if d not in rec["detail"]]

    have = _presence(data)
    if code not in have["police"]:
        add("police", "police", (POLICE, COMPARISON, TREND, DASHBOARD))
    if (code, "inwoners") not in have["population"]:
        add("inwoners", "inwoners", (COMPARISON, DASHBOARD))
    if (code, "woningen") not in have["population"]:
        add("woningen", "woningen", (COMPARISON,), ("woninginbraak",))
    if code not in have["survey"]:
        add("survey", "survey", (SURVEY, DASHBOARD))
    if regions is None or regions.empty or code not in set(regions["region_code"]):
        add("regions", "regions", (COMPARISON, MAP))
    if not has_boundary(data, code):
        add("boundaries", "boundaries", (MAP,))
    if code not in have["incidents"]:
        add("incidents", "incidents", (MONTHLY,), ("woninginbraak",))
    if comps is not None:
        for m in comps.missing_totals(code):
            add(f"total:{m.what}", "police", (POLICE, DASHBOARD), m.parts_missing)
    if targets is not None:
        for row in targets.itertuples(index=False):
            for key in row.missing_input:
                what = f"police:{row.series.split(':', 1)[-1]}" if key == "police" else key
                add(what, key, (DASHBOARD,), (row.indicator_id,))
    return [MissingInput(what, tuple(r["sections"]), r["src"].table, r["src"].role,
                         missing_inputs.command(r["key"], code, data_dir), r["src"].url, tuple(r["detail"]))
            for what, r in found.items()]


def has_boundary(data, code: str) -> bool:
    """Whether the folder's boundaries (``Dataset.boundaries``) hold a shape for ``code``."""
    fc = getattr(data, "boundaries", None)
    return bool(fc) and any((f.get("properties") or {}).get("region_code") == code and f.get("geometry")
                            for f in fc.get("features") or [])


def as_frame(items: list[MissingInput]) -> pd.DataFrame:
    """The list as a table (one row per input), e.g. for a CSV beside the report."""
    return pd.DataFrame([vars(i) for i in items],
                        columns=["what", "sections", "table", "role", "command", "url", "detail"])
