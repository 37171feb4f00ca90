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
    by_theme: pd.DataFrame  # theme, activities, groen, oranje, rood, onbekend, share_groen, share_oranje, share_rood
    n_planned: int | None
    n_extra: int | None
    extra: pd.DataFrame  # the activities not in the plan: theme, activity, status, judgement
    attention: pd.DataFrame  # red, then orange: theme, activity, status, judgement, planned
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


def activities_summary(register: pd.DataFrame) -> ActivitiesSummary:
    """Summarise a register (from :func:`read_register`, :func:`load_register` or :func:`activities_table`).

    Counts and shares per colour overall and per theme (themes in the register's order), planned
    and extra counts, the extra activities, the red and orange activities with their judgement, and
    the published totals attached by :func:`load_register` (marked ``kind = "published"``).
    """
    reg = register
    planned = reg["planned"]
    if not pd.api.types.is_bool_dtype(planned):  # a table with yes/no text
        planned = planned.map(lambda v: {"yes": True, "no": False}.get(v, pd.NA)).astype("boolean")
    status = reg["status"].where(reg["status"].isin(COLOURS))
    total = _colour_counts(status)
    n_judged = total["activities"] - total[UNKNOWN]
    overall = pd.DataFrame({
        "count": pd.array([total[c] for c in COLOURS] + [total[UNKNOWN]], dtype="Int64"),
        "share": [total[f"share_{c}"] for c in COLOURS] + [math.nan],
    }, index=pd.Index(list(COLOURS) + [UNKNOWN], name="status"))
    themes = list(dict.fromkeys(reg["theme"]))
    rows = []
    for t in themes:
        m = (reg["theme"] == t).to_numpy()
        rows.append({"theme": t, **_colour_counts(status[m])})
    cols = ["theme", "activities", *COLOURS, UNKNOWN, *[f"share_{c}" for c in COLOURS]]
    by_theme = pd.DataFrame(rows, columns=cols)
    for c in ["activities", *COLOURS, UNKNOWN]:
        by_theme[c] = by_theme[c].astype("Int64")
    show = ["theme", "activity", "status", "judgement"]
    extra = reg.loc[(planned == False).fillna(False).to_numpy(), show].reset_index(drop=True)  # noqa: E712
    attention = pd.concat([reg.loc[(status == c).to_numpy(), show] for c in ("rood", "oranje")])
    attention = attention.assign(planned=planned[attention.index]).reset_index(drop=True)
    n_unknown_planned = int(planned.isna().sum())
    pub = pd.DataFrame(reg.attrs.get("published") or [],
                       columns=["plan", "measure", "label", "value", "printed", "source", "kind"])
    return ActivitiesSummary(
        n_activities=len(reg), n_judged=n_judged, overall=overall, by_theme=by_theme,
        n_planned=int((planned == True).sum()) if n_unknown_planned < len(reg) else None,  # noqa: E712
        n_extra=int((planned == False).sum()) if n_unknown_planned < len(reg) else None,  # noqa: E712
        extra=extra, attention=attention, published=pub,
        region_code=reg.attrs.get("region_code"), date=reg.attrs.get("date"), file=reg.attrs.get("file"))


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

