"""Veiligheidsmonitor results → the ``survey`` role: the project's measure keys, value and 95 % margin.

Measures are keyed through one table, ``data/codes/survey_measures.csv`` (column ``match``: the
topic label or OData key lower-cased without spaces or punctuation); a topic without a key keeps
its stable slug. ``margin`` is the half-width of the 95 % interval as StatLine gives it
(``Marges``) or half the distance between ``Ondergrens`` and ``Bovengrens``.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ivpanalysis import paths
from ivpanalysis.ingest import schema

COLUMNS = schema.TIDY_COLUMNS + ["margin"]


@lru_cache(maxsize=1)
def measures() -> pd.DataFrame:
    return pd.read_csv(paths.CODES_DIR / "survey_measures.csv", dtype=str, keep_default_na=False)


def match_key(text: str) -> str:
    """'Voelt zich wel eens onveilig (%)', 'VoeltZichWelEensOnveilig_3' → 'voeltzichweleensonveilig'."""
    t = re.sub(r"\([^)]*\)\s*$", "", str(text)).strip()
    t = re.sub(r"_\d+$", "", t).lower()
    t = t.translate(str.maketrans("éëèêïíóöüúàáç", "eeeeiioouuaac"))
    return re.sub(r"[^a-z0-9]", "", t)


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, str]]:
    m = measures()
    return {r.match: (r.key, r.label) for r in m.itertuples()}


def key_for(label: str, measure: str = "") -> tuple[str, str] | None:
    """(project key, label) for a survey topic, or None when the mapping table has none."""
    idx = _index()
    base = str(measure).split("|")[0]
    return idx.get(match_key(label)) or idx.get(match_key(base))


def is_survey(tidy: pd.DataFrame) -> bool:
    """Survey results: at least one topic the mapping table knows, and no crime-type codes."""
    labels = tidy[["measure", "measure_label"]].drop_duplicates()
    known = sum(key_for(l, m) is not None for m, l in labels.itertuples(index=False))
    crime = labels["measure"].astype(str).str.match(r"^(\d+\.\d+\.\d+|CRI\d{4}|T\d{6})$").any()
    return known > 0 and not crime


def survey_frame(tidy: pd.DataFrame) -> pd.DataFrame:
    """Rows re-keyed to the project's survey measures (unknown topics keep their slug), with ``margin``."""
    df = tidy.copy()
    keys = {(m, l): key_for(l, m) for m, l in df[["measure", "measure_label"]].drop_duplicates().itertuples(index=False)}
    hit = [keys[(m, l)] for m, l in zip(df["measure"], df["measure_label"])]
    df["measure"] = [h[0] if h else m for h, m in zip(hit, df["measure"])]
    df["measure_label"] = [h[1] if h else l for h, l in zip(hit, df["measure_label"])]
    if "margin" not in df:
        df["margin"] = float("nan")
    return schema.finish_tidy(df, **tidy.attrs)[COLUMNS]


def merge(parts: list[tuple[dict, pd.DataFrame]]) -> tuple[pd.DataFrame, list[dict]]:
    """Combine survey tables: equal values merge (a margin from either is kept); differing values are conflicts.

    Parts come in priority order; on a conflict the first part's value stays and the other is
    reported. Returns the combined frame and the list of conflicts.
    """
    both = pd.concat([df.assign(part_=i) for i, (_, df) in enumerate(parts)], ignore_index=True)
    both["pkey"] = schema.map_unique(both["period"], str)
    keys = ["region_code", "pkey", "measure"]
    g = both.groupby(keys, sort=False)
    kept = g["value"].transform("first")  # the first non-missing value, in priority order
    equal = both["value"].round(6).eq(kept.round(6)) | both["value"].isna()
    out = both.drop_duplicates(keys, keep="first").set_index(keys)
    out["value"] = g["value"].first()
    out["margin"] = both[equal].groupby(keys, sort=False)["margin"].first().reindex(out.index)
    dups = both.duplicated(keys, keep=False) & equal  # merged rows name every file that gave them
    joined = both[dups].groupby(keys, sort=False)["source"].agg(lambda v: "; ".join(dict.fromkeys(map(str, v))))
    out.loc[joined.index, "source"] = joined
    bad = both[~equal]
    src = both[equal].groupby(keys, sort=False)["source"].first()
    conflicts = [{"region_code": r.region_code, "period": r.pkey, "measure": r.measure,
                  "kept": float(out.loc[(r.region_code, r.pkey, r.measure), "value"]),
                  "kept_from": str(src.get((r.region_code, r.pkey, r.measure), "")),
                  "other": float(r.value), "other_from": str(r.source)} for r in bad.itertuples(index=False)]
    rest = both[both.duplicated(keys, keep="first")]
    for i, (rec, _) in enumerate(parts):
        rec.setdefault("rows", {})["merged_or_conflicting"] = int((rest["part_"] == i).sum())
    out = out.reset_index().drop(columns=["part_", "pkey"])
    return out[COLUMNS], conflicts
