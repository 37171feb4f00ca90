"""Dutch text and display tables of an activities register (from :mod:`ivpanalysis.analysis.activities`).

Numbers are formatted with :mod:`ivpanalysis.present.fmt`; nothing here counts or judges.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

from ivpanalysis.analysis.activities import COLOURS, UNKNOWN, ActivitiesSummary
from ivpanalysis.present import fmt

#: what each colour means, as a short Dutch label for readers
COLOUR_MEANING = {
    "groen": "op koers",
    "oranje": "knelpunten, bij te sturen",
    "rood": "vermoedelijk niet haalbaar",
    UNKNOWN: "kleur niet bekend",
}


def _n(count: int, one: str, many: str) -> str:
    return f"{fmt.number(count)} {one if count == 1 else many}"


def approx_share(x) -> str:
    """A share in words as the reports write it: 82,7 → 'ruim 80%', 87 → 'bijna 90%', 85 → '85%'."""
    if x is None or pd.isna(x):
        return fmt.NA
    r = int(fmt.round_half_away(x))
    if r % 5 == 0 or x < 10 or x > 95:
        return fmt.share(x)
    low = math.floor(x / 10) * 10
    return f"ruim {fmt.share(low)}" if x - low < 5 else f"bijna {fmt.share(low + 10)}"


def dutch_date(iso: str | None) -> str | None:
    """'2020-12-31' → '31 december 2020' (babel, nl_NL); None stays None."""
    if not iso:
        return None
    from babel.dates import format_date
    return format_date(dt.date.fromisoformat(iso), "d MMMM y", locale=fmt.LOCALE)


def _published_sentence(s: ActivitiesSummary) -> str | None:
    if s.published.empty:
        return None
    v = s.published_value
    total, planned, extra = v("activiteiten_totaal"), v("activiteiten_gepland"), v("activiteiten_extra")
    parts = []
    if total is not None:
        head = _n(int(total), "activiteit", "activiteiten")
        if planned is not None and extra is not None:
            head += f" ({fmt.number(planned)} gepland, {fmt.number(extra)} extra)"
        parts.append(head)
    colours = [f"{fmt.number(v(f'activiteiten_{c}'))} {c}" for c in COLOURS if v(f"activiteiten_{c}") is not None]
    if colours:
        if parts:
            parts[-1] += ", waarvan " + " en ".join(colours)
        else:
            parts.append(" en ".join(colours))
    for suffix, words in (("pct_op_koers", "op koers"), ("pct_groen", "groen"),
                          ("pct_volgens_planning", "volgens planning")):
        if v(suffix) is not None:
            hit = s.published[s.published["measure"].str.endswith(suffix)].iloc[0]
            q = re.match(r"^\s*([A-Za-z]+)\s+\d", str(hit["printed"]))
            qual = f"{q[1].lower()} " if q and not q[1].isdigit() else ""
            parts.append(f"{qual}{fmt.share(hit['value'])} {words}")
    if not parts:
        return None
    return "Volgens het brondocument (gepubliceerde cijfers): " + "; ".join(parts) + "."


def summary_text(s: ActivitiesSummary) -> str:
    """The Dutch summary paragraph of a register ('ruim 80% ligt op koers'); numbers via :mod:`ivpanalysis.fmt`."""
    out = []
    if s.n_judged:
        g, o, r = (int(s.overall.loc[c, "count"]) for c in COLOURS)
        out.append(f"Van de {_n(s.n_judged, 'beoordeelde activiteit', 'beoordeelde activiteiten')} ligt "
                   f"{approx_share(s.overall.loc['groen', 'share'])} op koers ({fmt.number(g)} groen); "
                   f"{fmt.number(o)} oranje ({COLOUR_MEANING['oranje']}) en {fmt.number(r)} rood "
                   f"({COLOUR_MEANING['rood']}).")
        unknown = s.n_activities - s.n_judged
        if unknown:
            out.append(f"Van {_n(unknown, 'activiteit', 'activiteiten')} is geen kleur bekend.")
    else:
        out.append(f"Het register telt {_n(s.n_activities, 'activiteit', 'activiteiten')}; "
                   "de stoplichtkleur per activiteit staat niet in de bron.")
    if s.n_planned is not None and s.n_extra:
        out.append(f"{_n(s.n_planned, 'activiteit stond', 'activiteiten stonden')} in het plan, "
                   f"{fmt.number(s.n_extra)} {'is' if s.n_extra == 1 else 'zijn'} extra uitgevoerd.")
    pub = _published_sentence(s)
    if pub:
        out.append(pub)
        total = s.published_value("activiteiten_totaal")
        if total is not None and total != s.n_activities:
            out.append(f"In de data staan {fmt.number(s.n_activities)} rijen; het verschil met "
                       f"{fmt.number(total)} is niet aangevuld.")
    return " ".join(out)


def comparison_text(comparison: pd.DataFrame) -> str:
    """A Dutch sentence on what moved between two registers (from :func:`compare`)."""
    d = comparison["direction"]
    a, b = dutch_date(comparison.attrs.get("date_old")), dutch_date(comparison.attrs.get("date_new"))
    when = f"Tussen {a} en {b}" if a and b else "Tussen de twee registers"

    def listing(direction):
        sub = comparison[d == direction]["move"].value_counts()
        return ", ".join(f"{fmt.number(n)} van {m.replace(' → ', ' naar ')}" for m, n in sub.items())

    parts = []
    for direction, word in (("beter", "verbeterd"), ("slechter", "verslechterd")):
        n = int((d == direction).sum())
        if n:
            parts.append(f"{_n(n, 'activiteit', 'activiteiten')} {word} ({listing(direction)})")
    same = int((d == "gelijk").sum())
    parts.append(f"{fmt.number(same)} gelijk gebleven")
    for direction, word in (("nieuw", "nieuw"), ("vervallen", "vervallen"), ("onbekend", "zonder vergelijkbare kleur")):
        n = int((d == direction).sum())
        if n:
            parts.append(f"{fmt.number(n)} {word}")
    return f"{when}: " + ", ".join(parts[:-1]) + (" en " if len(parts) > 1 else "") + parts[-1] + "."


# --------------------------------------------------------------------------- tables and text for the report

def theme_table(s: ActivitiesSummary) -> pd.DataFrame:
    """Per theme and in total, formatted for readers (Dutch headers; numbers via :mod:`ivpanalysis.fmt`).

    Columns: Thema, Activiteiten, Groen, Oranje, Rood, Kleur onbekend, Op koers (share groen of the
    activities with a colour). Counts that are not known print as ``–``.
    """
    bt = s.by_theme
    total = {"theme": "Totaal", "activities": s.n_activities, UNKNOWN: s.overall.loc[UNKNOWN, "count"],
             **{c: s.overall.loc[c, "count"] for c in COLOURS}, "share_groen": s.overall.loc["groen", "share"]}
    rows = [*bt.to_dict("records"), total]
    return pd.DataFrame({
        "Thema": [r["theme"] for r in rows],
        "Activiteiten": [fmt.number(r["activities"]) for r in rows],
        **{c.capitalize(): [fmt.number(r[c]) for r in rows] for c in COLOURS},
        "Kleur onbekend": [fmt.number(r[UNKNOWN]) for r in rows],
        "Op koers": [fmt.share(r["share_groen"]) for r in rows],
    })


def attention_table(s: ActivitiesSummary) -> pd.DataFrame:
    """The red, then orange activities with their judgement, with Dutch headers (empty when none)."""
    a = s.attention
    return pd.DataFrame({"Thema": a["theme"], "Activiteit": a["activity"], "Kleur": a["status"],
                         "Oordeel": a["judgement"].map(lambda j: "" if j is None or pd.isna(j) else j)})


def _one_line(text) -> str:
    return "" if text is None or pd.isna(text) else re.sub(r"\s+", " ", str(text)).strip()


def interpretation(s: ActivitiesSummary, name: str | None = None) -> str:
    """The report section's Dutch text as light markdown (``### `` heading, paragraphs, ``- `` lists,
    ``**bold**``): the summary, the red and orange activities with their judgement, the extra ones."""
    title = "### Uitvoering van de activiteiten" + (f" in {name}" if name else "")
    blocks = [title, summary_text(s)]
    for colour, heading in (("rood", "Rood"), ("oranje", "Oranje")):
        sub = s.attention[s.attention["status"] == colour]
        if len(sub):
            blocks.append(f"**{heading}** ({COLOUR_MEANING[colour]}):")
            blocks.append("\n".join(
                f"- {_one_line(r.activity)} ({_one_line(r.theme)})"
                + (f": {_one_line(r.judgement)}" if _one_line(r.judgement) else "") for r in sub.itertuples()))
    if len(s.extra):
        blocks.append("**Extra uitgevoerd** (niet in het plan):")
        blocks.append("\n".join(f"- {_one_line(r.activity)} ({_one_line(r.theme)})" for r in s.extra.itertuples()))
    return "\n\n".join(blocks)


# --------------------------------------------------------------------------- the plan's structure

#: the plan's heading kinds as registers write them ('Prioriteit 1: …', 'Strategisch thema a: …')
_HEADING = re.compile(r"^(?P<kind>Prioriteit|Strategisch thema)\s+(?P<n>\w+)\s*:\s*(?P<text>.+)$", re.IGNORECASE)
#: the section a theme falls in, by the kind of heading
GROUPS = {"prioriteit": "Prioriteiten", "strategisch thema": "Strategische thema's", None: "Overige thema's"}
#: what the list of attention points says when the colours are lost
UNKNOWN_NOTE = "aandachtspunt (kleur onbekend)"


def theme_group(theme: str) -> tuple[str, str]:
    """(section, label) of a theme: ('Prioriteiten', '1. Veilige en leefbare wijken en buurten') for
    'Prioriteit 1: Veilige …'; themes without such a heading go to 'Overige thema's' as written."""
    m = _HEADING.match(str(theme).strip())
    if not m:
        return GROUPS[None], str(theme)
    return GROUPS[m["kind"].lower()], f"{m['n']}. {m['text']}"


def group_table(s: ActivitiesSummary) -> pd.DataFrame:
    """Per theme, grouped by the plan's priorities and strategic themes, formatted for readers.

    Columns: Groep (the section, shown as a group row), Thema, Activiteiten, then with colours
    Groen, Oranje, Rood, Op koers (each colour named in its header, not shown by colour alone),
    without colours In het plan and Extra (when there are extra activities) and Met toelichting
    (when any activity has a note). A last row gives the total.
    """
    bt = s.by_theme.copy()
    bt["_section"], bt["_label"] = zip(*bt["theme"].map(theme_group)) if len(bt) else ((), ())
    order = list(GROUPS.values())
    bt = bt.assign(_rank=bt["_section"].map(order.index)).sort_values("_rank", kind="stable")
    total = {"_section": "Totaal", "_label": "Alle thema's", "activities": s.n_activities,
             **{c: s.overall.loc[c, "count"] for c in COLOURS}, "share_groen": s.overall.loc["groen", "share"],
             "planned": s.n_planned if s.n_planned is not None else pd.NA,
             "extra": s.n_extra if s.n_extra is not None else pd.NA, "noted": len(s.noted)}
    rows = [*bt.to_dict("records"), total]
    out = {"Groep": [r["_section"] for r in rows], "Thema": [r["_label"] for r in rows],
           "Activiteiten": [fmt.number(r["activities"]) for r in rows]}
    if s.n_judged:
        out.update({c.capitalize(): [fmt.number(r[c]) for r in rows] for c in COLOURS})
        out["Op koers"] = [fmt.share(r["share_groen"]) for r in rows]
    else:  # columns that would say nothing (no extra activities, no notes) are left out
        if s.n_extra:
            out.update({"In het plan": [fmt.number(r["planned"]) for r in rows],
                        "Extra": [fmt.number(r["extra"]) for r in rows]})
        if len(s.noted):
            out["Met toelichting"] = [fmt.number(r["noted"]) for r in rows]
    return pd.DataFrame(out)


def attention_list(s: ActivitiesSummary) -> pd.DataFrame:
    """What needs attention, formatted for readers: the red, then orange activities with their
    judgement; where no activity has a colour, the planned activities that carry a note, each as
    'aandachtspunt (kleur onbekend)' — never a guessed colour. Columns Thema, Activiteit, Stand,
    Toelichting (the theme as the register writes it, 'Prioriteit 1: …')."""
    if s.n_judged:
        a = s.attention
        stand = a["status"].map(lambda c: f"{c} ({COLOUR_MEANING[c]})")
    else:
        a = s.noted
        stand = pd.Series(UNKNOWN_NOTE, index=a.index, dtype=object)
    return pd.DataFrame({"Thema": a["theme"], "Activiteit": a["activity"].map(_one_line), "Stand": stand,
                         "Toelichting": a["judgement"].map(_one_line)}).reset_index(drop=True)


def attention_heading(s: ActivitiesSummary) -> str:
    """The one-line heading of the folded attention list ('Aandachtspunten: 5 rood en 24 oranje')."""
    if s.n_judged:
        r, o = (int(s.overall.loc[c, "count"]) for c in ("rood", "oranje"))
        return f"Aandachtspunten: {fmt.number(r)} rood en {fmt.number(o)} oranje, met hun toelichting"
    return (f"Aandachtspunten: {_n(len(s.noted), 'geplande activiteit', 'geplande activiteiten')} "
            "met een toelichting, kleur onbekend")


def attention_note(s: ActivitiesSummary) -> str | None:
    """Why the attention list without colours holds what it holds (None when colours are known)."""
    if s.n_judged:
        return None
    return ("De stoplichtkleur per activiteit staat niet in de bron. Het brondocument licht vooral "
            "oranje en rode activiteiten toe, maar niet alleen die; daarom staat hier elke geplande "
            "activiteit met een toelichting, zonder kleur.")


def extra_list(s: ActivitiesSummary) -> pd.DataFrame:
    """The activities carried out but not in the plan: Thema, Activiteit, Toelichting."""
    e = s.extra
    return pd.DataFrame({"Thema": e["theme"], "Activiteit": e["activity"].map(_one_line),
                         "Toelichting": e["judgement"].map(_one_line)}).reset_index(drop=True)


def extra_heading(s: ActivitiesSummary) -> str:
    return f"Extra uitgevoerd, niet in het plan: {_n(len(s.extra), 'activiteit', 'activiteiten')}"
