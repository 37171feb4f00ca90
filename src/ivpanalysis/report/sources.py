"""Where the report's figures come from, in words a reader can look up: seed documents by title and
section (never an internal ``seed000:`` key), CBS tables by id, date and status; the plan period and
the data status of the title block; known breaks in the series.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ivpanalysis import paths
from ivpanalysis.present import fmt
from ivpanalysis.report.context import Context

#: breaks in the series a reader must know (docs/data.md, "Known breaks in the series")
KNOWN_BREAKS = (
    "Juli 2018: samenhangende delicten binnen één incident worden sindsdien apart geregistreerd "
    "(volgens de metadata van CBS-tabel 47013NED); dat telt vooral door bij wapens, drugs en huisvredebreuk.",
    "2019: aangifte doen via internet werd eenvoudiger.",
    "2020 en 2021: de coronamaatregelen veranderden het patroon van criminaliteit.",
    "Veiligheidsmonitor: sinds 2017 eens per twee jaar, en in 2021 met een andere methode.",
)

#: an internal source key as the data write it: ``seed000:politiecijfers``
SEED_KEY = re.compile(r"\b(seed\d+):([A-Za-z0-9_]+)")
_PERIOD = re.compile(r"\b(20\d\d)\s*[-–]\s*(20\d\d)\b")


@lru_cache(maxsize=1)
def seed_documents() -> dict[str, str]:
    """Document titles per seed id from data/PROVENANCE.md's 'Source documents' table."""
    p = paths.PROJECT_DIR / "data" / "PROVENANCE.md"
    if not p.exists():
        return {}
    out = {}
    for line in p.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\|\s*(seed\d+)\s*\|\s*`?([^|`]+)`?\s*\|\s*([^|]+?)\s*\|$", line)
        if m:
            out[m.group(1)] = m.group(3)
    return out


def source_label(source) -> str:
    """A source as a reader names it: ``seed000:politiecijfers`` → the document's title and section."""
    text = "" if source is None or (isinstance(source, float) and pd.isna(source)) else str(source)
    return SEED_KEY.sub(_seed_words, text)


def _seed_words(m: re.Match) -> str:
    title = seed_documents().get(m.group(1), "een brondocument van de gemeente")
    return f"{title}, onderdeel ‘{m.group(2).replace('_', ' ')}’"


def _own_sources(ctx: Context) -> list[str]:
    """Every source value of the municipality's rows (police, survey, indicators), in first-seen order."""
    out = []
    for df in (ctx.data.police, ctx.data.survey, ctx.data.indicators):
        if df is None or df.empty or "source" not in df.columns or "region_code" not in df.columns:
            continue
        out += [str(s) for s in pd.unique(df.loc[df["region_code"] == ctx.code, "source"].dropna())]
    return list(dict.fromkeys(out))


def plan_period(ctx: Context) -> str | None:
    """The period of the municipality's safety plan ('2018–2022'), from the title of the plan document
    its indicators or figures come from; None when no source names one."""
    docs = seed_documents()
    for src in _own_sources(ctx):
        m = SEED_KEY.search(src)
        title = docs.get(m.group(1), "") if m else ""
        p = _PERIOD.search(title)
        if p:
            return f"{p.group(1)}–{p.group(2)}"
    return None


def data_status(ctx: Context) -> str:
    """One phrase on the police figures' status: 'definitief', 'voorlopig', or as the source leaves it."""
    st = ctx.data.police.loc[ctx.data.police["region_code"] == ctx.code, "status"].value_counts()
    if st.empty:
        return "geen politiecijfers"
    if list(st.index) == ["onbekend"]:
        return "status van de politiecijfers onbekend (de bron zegt niet of ze voorlopig of definitief zijn)"
    return ", ".join(f"{fmt.number(n)} {s}" for s, n in st.items()) + " politiecijfers"


def sources_table(ctx: Context) -> pd.DataFrame:
    """Every source behind this municipality's figures: document or table, status, retrieval date, count."""
    frames = [("politiecijfers", ctx.data.police), ("enquête", ctx.data.survey)]
    rows = []
    for role, df in frames:
        sel = df[df["region_code"] == ctx.code]
        if sel.empty:
            continue
        for (source, status, retrieved), g in sel.groupby(["source", "status", "retrieved"], dropna=False, sort=True):
            rows.append({"Gegevens": role, "Bron": source_label(source), "Status": status, "Opgehaald": retrieved,
                         "Aantal cijfers": fmt.number(len(g))})
    return pd.DataFrame(rows)


def provenance_table(provenance: dict) -> pd.DataFrame:
    """The tables a fetched data folder was built from (``provenance.json``): id, catalogue, dates, periods."""
    rows = []
    for t in provenance.get("tables", []) if isinstance(provenance, dict) else []:
        retrieved = t.get("retrieved") or (f"bestand van {str(t['file_modified'])[:10]}" if t.get("file_modified")
                                           else "onbekend")
        per = t.get("periods") or {}
        rows.append({"Tabel": t.get("table_id", ""), "Gegevens": t.get("role", ""), "Catalogus": t.get("catalog", ""),
                     "Opgehaald": retrieved, "Perioden": f"{per.get('first', '')}–{per.get('last', '')}" if per else "",
                     "Voorlopig": ", ".join(map(str, t.get("voorlopig") or [])) or "–"})
    return pd.DataFrame(rows)


def status_sentence(ctx: Context) -> str:
    """Dutch sentence on voorlopig/definitief for this municipality's police figures."""
    st = ctx.data.police.loc[ctx.data.police["region_code"] == ctx.code, "status"].value_counts()
    if st.empty:
        return "Er zijn geen politiecijfers gebruikt."
    parts = [f"{fmt.number(n)} {s}" for s, n in st.items()]
    s = "Status van de politiecijfers: " + ", ".join(parts) + "."
    if "onbekend" in st.index:
        s += " Bij 'onbekend' zegt de bron niet of de cijfers voorlopig of definitief zijn."
    if "voorlopig" in st.index:
        s += (" Voorlopige cijfers verschijnen in maart na het jaar en kunnen nog veranderen; CBS maakt ze na twee "
              "jaar definitief.")
    return s


def simulated_sentence(ctx: Context) -> str:
    """Dutch sentence on simulated figures (kind == 'simulated') used for this municipality."""
    n = 0
    for df in (ctx.data.police, ctx.data.survey):
        if "kind" in df.columns:
            n += int(((df["region_code"] == ctx.code) & (df["kind"] == "simulated")).sum())
    return ("Er zijn geen gesimuleerde cijfers gebruikt." if n == 0
            else f"{fmt.number(n)} cijfers in dit rapport zijn gesimuleerd en geen waarnemingen.")
