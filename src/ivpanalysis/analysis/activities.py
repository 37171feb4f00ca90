"""Activities register of an IVP in numbers: stoplight counts and shares per theme, and what moved.

Reading and checking register files lives in :mod:`ivpanalysis.ingest.registers`; the Dutch
sentences and display tables in :mod:`ivpanalysis.present.activities_text`. Missing stays
missing: a lost colour is never counted as a colour, and a count over activities without any
colour is ``<NA>``, not 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ivpanalysis.ingest.registers import COLOURS, UNKNOWN, match_key

_RANK = {"rood": 0, "oranje": 1, "groen": 2}


# --------------------------------------------------------------------------- summary

@dataclass
class ActivitiesSummary:
    """Counts and shares per colour, overall and per theme, with the extra and the red/orange activities.

    Shares are percentages of the activities *with* a colour (``n_judged``); activities without a
    colour are counted as ``onbekend``. Where no activity (of a theme) has a colour, its colour
    counts are ``<NA>`` and its shares NaN — never 0.
    """

    n_activities: int
    n_judged: int
    overall: pd.DataFrame  # index groen/oranje/rood/onbekend; count (Int64), share (% of judged; NaN for onbekend)
    # theme, activities, groen, oranje, rood, onbekend, share_groen, share_oranje, share_rood,
    # planned, extra (<NA> where the register does not say), noted (rows of ``noted`` in the theme)
    by_theme: pd.DataFrame
    n_planned: int | None
    n_extra: int | None
    extra: pd.DataFrame  # the activities not in the plan: theme, item, activity, status, judgement
    attention: pd.DataFrame  # red, then orange: theme, item, activity, status, judgement, planned
    # activities without a colour that carry a judgement, extra ones aside (whose judgement says
    # what was done): theme, item, activity, judgement — what needs a look when colours are lost
    noted: pd.DataFrame
    published: pd.DataFrame  # totals stated by the source document (kind = published); may be empty
    region_code: str | None = None
    date: str | None = None
    file: str | None = None

    def published_value(self, suffix: str):
        """The published value of a measure by its suffix (e.g. ``activiteiten_totaal``), or None."""
        if self.published.empty:
            return None
        hit = self.published[self.published["measure"].str.split("_", n=1).str[1] == suffix]
        return None if hit.empty else hit["value"].iloc[0]


def _colour_counts(status: pd.Series) -> dict:
    n = len(status)
    known = int(status.notna().sum())
    out = {"activities": n, UNKNOWN: n - known}
    for c in COLOURS:
        out[c] = int((status == c).sum()) if known else pd.NA
        out[f"share_{c}"] = 100 * int((status == c).sum()) / known if known else math.nan
    return out


def _planned_flags(reg: pd.DataFrame) -> pd.Series:
    """``planned`` as a nullable boolean (a table from :func:`activities_table` has yes/no text)."""
    planned = reg["planned"]
    if not pd.api.types.is_bool_dtype(planned):
        planned = planned.map(lambda v: {"yes": True, "no": False}.get(v, pd.NA)).astype("boolean")
    return planned


def _has_text(col: pd.Series) -> pd.Series:
    return col.map(lambda v: isinstance(v, str) and bool(v.strip())).astype(bool)


def _by_theme(reg: pd.DataFrame, status: pd.Series, planned: pd.Series, noted: pd.Series) -> pd.DataFrame:
    """Counts per theme in the register's order (colours, planned/extra, activities with a note)."""
    says = planned.notna().any()
    rows = []
    for t in dict.fromkeys(reg["theme"]):
        m = (reg["theme"] == t).to_numpy()
        rows.append({"theme": t, **_colour_counts(status[m]),
                     "planned": int((planned[m] == True).sum()) if says else pd.NA,  # noqa: E712
                     "extra": int((planned[m] == False).sum()) if says else pd.NA,  # noqa: E712
                     "noted": int(noted[m].sum())})
    cols = ["theme", "activities", *COLOURS, UNKNOWN, *[f"share_{c}" for c in COLOURS], "planned", "extra", "noted"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ["activities", *COLOURS, UNKNOWN, "planned", "extra", "noted"]:
        out[c] = out[c].astype("Int64")
    return out


def activities_summary(register: pd.DataFrame) -> ActivitiesSummary:
    """Summarise a register (from :func:`read_register`, :func:`load_register` or :func:`activities_table`).

    Counts and shares per colour overall and per theme (themes in the register's order), planned
    and extra counts, the extra activities, the red and orange activities with their judgement, the
    activities without a colour that carry a judgement, and the published totals attached by
    :func:`load_register` (marked ``kind = "published"``).
    """
    reg = register
    planned = _planned_flags(reg)
    status = reg["status"].where(reg["status"].isin(COLOURS))
    total = _colour_counts(status)
    overall = pd.DataFrame({
        "count": pd.array([total[c] for c in COLOURS] + [total[UNKNOWN]], dtype="Int64"),
        "share": [total[f"share_{c}"] for c in COLOURS] + [math.nan],
    }, index=pd.Index(list(COLOURS) + [UNKNOWN], name="status"))
    is_extra = (planned == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    noted = pd.Series(status.isna().to_numpy() & _has_text(reg["judgement"]).to_numpy() & ~is_extra, index=reg.index)
    show = ["theme", "item", "activity", "status", "judgement"]
    attention = pd.concat([reg.loc[(status == c).to_numpy(), show] for c in ("rood", "oranje")])
    attention = attention.assign(planned=planned[attention.index]).reset_index(drop=True)
    says = planned.notna().any()
    pub = pd.DataFrame(reg.attrs.get("published") or [],
                       columns=["plan", "measure", "label", "value", "printed", "source", "kind"])
    return ActivitiesSummary(
        n_activities=len(reg), n_judged=total["activities"] - total[UNKNOWN], overall=overall,
        by_theme=_by_theme(reg, status, planned, noted),
        n_planned=int((planned == True).sum()) if says else None,  # noqa: E712
        n_extra=int(is_extra.sum()) if says else None,
        extra=reg.loc[is_extra, show].reset_index(drop=True), attention=attention,
        noted=reg.loc[noted.to_numpy(), ["theme", "item", "activity", "judgement"]].reset_index(drop=True),
        published=pub, region_code=reg.attrs.get("region_code"), date=reg.attrs.get("date"),
        file=reg.attrs.get("file"))


def published_stoplight(summary: ActivitiesSummary) -> pd.DataFrame | None:
    """The stoplight the source document states in totals, for when the colours per activity are lost.

    Rows groen, oranje, rood and ``rest`` (what the stated figures leave unassigned, when > 0):
    ``count`` (activities; groen derived from its published share of the published total),
    ``share`` (% of the published total), ``printed`` (the document's words; '' for derived rows).
    None without a published total or without any published colour figure.
    """
    v = summary.published_value
    total = v("activiteiten_totaal")
    if total is None or not total or all(v(k) is None for k in
                                         ("activiteiten_oranje", "activiteiten_rood", "pct_groen")):
        return None
    printed = dict(zip(summary.published["measure"].str.split("_", n=1).str[1], summary.published["printed"]))
    rows = []
    if v("pct_groen") is not None:
        rows.append(("groen", total * v("pct_groen") / 100, v("pct_groen"), printed["pct_groen"]))
    for c in ("oranje", "rood"):
        n = v(f"activiteiten_{c}")
        if n is not None:
            rows.append((c, float(n), 100 * n / total, printed[f"activiteiten_{c}"]))
    rest = total - sum(r[1] for r in rows)
    if rest > 1e-9:
        rows.append(("rest", rest, 100 * rest / total, ""))
    out = pd.DataFrame(rows, columns=["status", "count", "share", "printed"]).set_index("status")
    out.attrs["total"] = total
    return out


# --------------------------------------------------------------------------- comparing two dates

def compare(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """What moved between two registers of different dates.

    Activities are matched on theme, item and activity text (case and spacing ignored); those left
    over are matched on the activity text alone when it is unique on both sides (a theme renamed).
    One row per activity in either register: theme, activity, status_old, status_new, move
    ('oranje → groen', or '' when unchanged), direction (``beter``, ``slechter``, ``gelijk``,
    ``nieuw`` — only in the new register, ``vervallen`` — only in the old, ``onbekend`` — a colour
    missing on either side), judgement_old, judgement_new. ``attrs``: date_old, date_new.
    """
    rows = []
    for i, j in _pairs(old, new):
        so, sn = _value(old, i, "status"), _value(new, j, "status")
        direction, move = _direction(i, j, so, sn)
        src, k = (new, j) if j is not None else (old, i)
        rows.append({"theme": _value(src, k, "theme"), "activity": _value(src, k, "activity"),
                     "status_old": so, "status_new": sn, "move": move, "direction": direction,
                     "judgement_old": _value(old, i, "judgement"), "judgement_new": _value(new, j, "judgement")})
    out = pd.DataFrame(rows, columns=["theme", "activity", "status_old", "status_new", "move", "direction",
                                      "judgement_old", "judgement_new"])
    out.attrs.update(date_old=old.attrs.get("date"), date_new=new.attrs.get("date"))
    return out


def _pairs(old: pd.DataFrame, new: pd.DataFrame) -> list[tuple[int | None, int | None]]:
    """(row in old, row in new) per activity; None where it is absent on that side."""
    def keyed(reg):
        k = [(match_key(t or ""), match_key(i or ""), match_key(a))
             for t, i, a in zip(reg["theme"], reg["item"], reg["activity"])]
        return dict(zip(k, range(len(reg))))

    ko, kn = keyed(old), keyed(new)
    pairs = [(ko.get(k), j) for k, j in kn.items()]
    unmatched_old = {i for k, i in ko.items() if k not in kn}
    # second pass: unique activity text on both sides
    left_new = [idx for idx, (i, j) in enumerate(pairs) if i is None]
    text_old = pd.Series({i: match_key(old["activity"].iloc[i]) for i in unmatched_old}, dtype=object)
    for idx in left_new:
        j = pairs[idx][1]
        t = match_key(new["activity"].iloc[j])
        hits = text_old[text_old == t].index.tolist() if len(text_old) else []
        same_new = sum(match_key(new["activity"].iloc[pairs[x][1]]) == t for x in left_new)
        if len(hits) == 1 and same_new == 1:
            pairs[idx] = (hits[0], j)
            unmatched_old.discard(hits[0])
            text_old = text_old.drop(hits[0])
    return pairs + [(i, None) for i in sorted(unmatched_old)]


def _value(reg: pd.DataFrame, i: int | None, col: str):
    """A cell of row ``i`` (None when the row is absent or the cell missing)."""
    if i is None:
        return None
    v = reg[col].iloc[i]
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v


def _direction(i, j, so, sn) -> tuple[str, str]:
    """(direction, move) of one matched pair of rows and their colours."""
    if i is None:
        return "nieuw", ""
    if j is None:
        return "vervallen", ""
    if so is None or sn is None:
        return "onbekend", ("" if so == sn else f"{so or UNKNOWN} \u2192 {sn or UNKNOWN}")
    if so == sn:
        return "gelijk", ""
    return ("beter" if _RANK[sn] > _RANK[so] else "slechter"), f"{so} \u2192 {sn}"


def moves(comparison: pd.DataFrame) -> pd.DataFrame:
    """Counts of old colour (rows) × new colour (columns); ``onbekend`` for no colour, ``–`` for absent."""
    present = comparison["direction"]
    old = comparison["status_old"].fillna(UNKNOWN).where(present != "nieuw", "\u2013")
    new = comparison["status_new"].fillna(UNKNOWN).where(present != "vervallen", "\u2013")
    order = [*COLOURS, UNKNOWN, "\u2013"]
    t = pd.crosstab(old.rename("oud"), new.rename("nieuw"))
    return t.reindex(index=[o for o in order if o in t.index], columns=[o for o in order if o in t.columns])

