"""What the evaluation notebook shows: one function per section, each returning the section's
:class:`IPython.display.HTML` (tables, text, figures as embedded PNGs).

The notebook (``notebooks/evaluatie.ipynb``) only calls these functions; every decision lives
here so it can be tested without a kernel. Text from data (names, labels, sources) is
HTML-escaped; numbers are formatted with :mod:`ivpanalysis.fmt`. A section whose data is missing
returns one Dutch sentence saying what is missing and how to get it (:func:`missing`), never an
empty chart.
"""
from __future__ import annotations

import base64
import dataclasses
import html
import io
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ivpanalysis.analysis import activities, gap, indicators, noise, police
from ivpanalysis.present import activities_plot, fmt, gap_plot
from ivpanalysis.ingest import datafolder, schema
from ivpanalysis import paths
from ivpanalysis.analysis import trend
from ivpanalysis.present import trend_plot, trend_text
from ivpanalysis.errors import DataError
from ivpanalysis.ingest.validate import DUPLICATE_KEYS

#: what to say when a section's data is missing: (what is missing, how to get it)
MISSING = {
    "police": ("Voor {name} staan geen politiecijfers in de gegevensmap",
               "download CBS-tabel 47018NED (geregistreerde misdrijven per gemeente, per jaar) van "
               "StatLine of haal hem op met ivpanalysis fetch, en zet het bestand in de gegevensmap"),
    "monthly": ("Voor {name} staan geen maandcijfers van de politie in de gegevensmap, dus er is geen maandgrafiek "
                "met trend",
                "haal CBS-tabel 47013NED (geregistreerde misdrijven per maand, per gemeente) op met "
                "ivpanalysis fetch of download hem van StatLine en zet hem in de gegevensmap"),
    "dashboard": ("Voor {name} staan geen indicatoren van het veiligheidsplan in de gegevensmap",
                  "leg per indicator het referentiejaar, de referentiewaarde, het doel en de bron vast in "
                  "indicators.csv in de gegevensmap"),
    "activities": ("Voor {name} staat geen activiteitenregister in de gegevensmap",
                   "zet het register van het uitvoeringsplan (thema, activiteit, oordeel, stoplichtkleur) als "
                   "registers/{code}_activities.csv of .xlsx in de gegevensmap"),
    "total": ("Voor {name} ontbreekt het totaal van de geregistreerde misdrijven in de gegevensmap",
              "haal CBS-tabel 47018NED op met ivpanalysis fetch inclusief soort misdrijf 0.0.0 (totaal misdrijven), "
              "of download die rij van StatLine en zet hem in de gegevensmap"),
    "across": ("Een vergelijking met andere gemeenten is niet mogelijk, want de gegevensmap bevat niet voor minstens "
               "{min_units} gemeenten (met {name}) uit hetzelfde meetjaar het onveiligheidsgevoel, het totaal van de "
               "geregistreerde misdrijven en het aantal inwoners",
               "zet de Veiligheidsmonitor-uitkomsten van die gemeenten in survey.csv en haal hun politiecijfers en "
               "inwonertallen op met ivpanalysis fetch (47018NED en 37230ned)"),
    "survey_once": ("Voor {name} staat het onveiligheidsgevoel van maar één meetjaar in de gegevensmap, dus een "
                    "ontwikkeling in de tijd is niet te laten zien",
                    "zet ook de uitkomsten van eerdere metingen van de Veiligheidsmonitor in survey.csv"),
    "survey": ("Voor {name} staan geen cijfers over het onveiligheidsgevoel in de gegevensmap, dus de kloof "
               "tussen criminaliteit en gevoel is niet te bepalen",
               "zet de uitkomsten van de Veiligheidsmonitor voor {name} (aandeel inwoners dat zich wel eens "
               "onveilig voelt in de eigen buurt, per meetjaar) in survey.csv in de gegevensmap"),
}

STYLE = """<style>
.ivp-report table {border-collapse: collapse; margin: 0.5em 0 1em 0; font-size: 0.9em;}
.ivp-report th, .ivp-report td, .jp-RenderedHTMLCommon .ivp-report th, .jp-RenderedHTMLCommon .ivp-report td
  {border-bottom: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top;}
.ivp-report td.num, .ivp-report th.num, .jp-RenderedHTMLCommon .ivp-report td.num,
  .jp-RenderedHTMLCommon .ivp-report th.num {text-align: right; font-variant-numeric: tabular-nums;}
.ivp-report tr.group td {font-weight: bold; background: #f2f2f2;}
.ivp-report p.missing {font-style: italic;}
.ivp-report img {max-width: 100%; height: auto;}
</style>"""

#: breaks in the series a reader must know (docs/data.md, "Known breaks in the series")
KNOWN_BREAKS = (
    "Juli 2018: samenhangende delicten binnen één incident worden sindsdien apart geregistreerd "
    "(volgens de metadata van CBS-tabel 47013NED); dat telt vooral door bij wapens, drugs en huisvredebreuk.",
    "2019: aangifte doen via internet werd eenvoudiger.",
    "2020 en 2021: de coronamaatregelen veranderden het patroon van criminaliteit.",
    "Veiligheidsmonitor: sinds 2017 eens per twee jaar, en in 2021 met een andere methode.",
)


@dataclass
class Context:
    """Everything a section needs: the municipality, its data and the years compared."""

    code: str
    name: str
    data: datafolder.Dataset
    year: int | None
    reference_year: int | None
    region: str | None = None
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)  # category x year, this municipality
    folder: tuple = field(default=(), repr=False)  # cache key of the data folder (all municipalities: comparisons)
    cache: dict = field(default_factory=dict, repr=False)  # tables computed once per report

    def once(self, key: str, compute):
        """``compute()`` the first time ``key`` is asked for in this report, the stored result after."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


validate_code = schema.check_municipality_code  # the report's name for it


def municipality_name(code: str, data: datafolder.Dataset | None = None) -> str | None:
    """The municipality's name from the CBS code list, else from the data; None when neither knows it."""
    name = schema.municipality_name(code)
    if name:
        return name
    if data is not None:
        for frame in (data.police, data.survey):
            names = frame.loc[frame["region_code"] == code, "region_name"]
            if len(names):
                return str(names.iloc[0])
    return None


def slug(code: str, name: str) -> str:
    """Folder name of a report: ``GM0995-lelystad`` (ASCII, lower case, hyphens)."""
    import unicodedata
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    part = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return f"{validate_code(code)}-{part}" if part else code


def _data_stamp(folder: Path) -> tuple:
    stats = sorted((str(p), p.stat()) for p in folder.rglob("*") if p.is_file())
    return tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)


@lru_cache(maxsize=4)
def _load(folder: str, stamp: tuple) -> datafolder.Dataset:
    return datafolder.load(folder)


def load_data(data_dir: str | Path | None = None) -> datafolder.Dataset:
    """The data folder as a Dataset, cached per folder while its files are unchanged.

    A batch renders many municipalities in one kernel; reading the folder once is the point of the
    cache. The key includes every file's mtime and size, so an edited folder is read again.
    Sections never modify the frames they are given.
    """
    return _load(*_folder_key(data_dir))


def _folder_key(data_dir: str | Path | None) -> tuple[str, tuple]:
    """The cache key of a data folder: its path and every file's mtime and size."""
    folder = Path(data_dir) if data_dir else paths.DATA_DIR
    if not folder.is_dir():  # named here: the stamp would otherwise find no files
        raise FileNotFoundError(f"data folder {folder} does not exist")
    return str(folder.resolve()), _data_stamp(folder)


def check_rows(data: datafolder.Dataset, code: str) -> None:
    """ValueError when the police figures hold a category and period twice for ``code``.

    Which of two rows is right cannot be decided here; the report refuses rather than pick one.
    """
    df = data.police[data.police["region_code"] == code]
    dup = df.duplicated(DUPLICATE_KEYS, keep=False)  # the key validation uses; region is fixed here
    if dup.any():
        first = df[dup].iloc[0]
        raise ValueError(f"police figures for {code} hold {int(dup.sum())} duplicate rows "
                         f"(e.g. {first['measure']} {first['period']}); each category and period must occur once")


def municipality_view(data: datafolder.Dataset, code: str, region: str | None = None) -> datafolder.Dataset:
    """The dataset with its police figures cut to what one report can use: the municipality, the
    comparison region and every police unit (the police table picks its region among those).

    Every section filters by municipality anyway; cutting once saves scanning all 342
    municipalities' rows in each of them. The other tables are shared unchanged.
    """
    pol = data.police
    units = [c for c in pd.unique(pol["region_code"]) if isinstance(c, str) and schema.region_kind(c) == "police_unit"]
    keep = {code, *units, *([region] if region else [])}
    return dataclasses.replace(data, police=pol[pol["region_code"].isin(keep)])


def context(municipality: str, data_dir: str | Path | None = None, year: int | None = None,
            reference_year: int | None = None, region: str | None = None) -> Context:
    """Load the data and settle the years of the report.

    ``year`` defaults to the last year with police counts, ``reference_year`` to the first one.
    Raises ValueError for a malformed code and LookupError for a code no list and no data know.
    """
    code = validate_code(municipality)
    folder = _folder_key(data_dir)
    data = _load(*folder)
    name = municipality_name(code, data)
    if name is None:
        raise LookupError(f"{code} is not a municipality in the CBS code list nor in {data.data_dir}")
    data = municipality_view(data, code, region)
    check_rows(data, code)
    counts = police.annual_counts(data.police, code)
    years = [int(y) for y in counts.columns if counts[y].notna().any()] if not counts.empty else []
    if year is None:
        year = max(years) if years else None
    if reference_year is None:
        reference_year = min(years) if years else None
    return Context(code=code, name=name, data=data, year=year, reference_year=reference_year,
                   region=region, counts=counts, folder=folder)


# --- building blocks ---------------------------------------------------------------------------

def esc(text) -> str:
    """HTML-escaped text ('' for missing)."""
    return "" if text is None or (isinstance(text, float) and math.isnan(text)) else html.escape(str(text))


def missing(section: str, ctx: Context) -> str:
    """One Dutch sentence: what is missing for this municipality and how to get it."""
    what, how = MISSING[section]
    values = {"name": ctx.name, "code": ctx.code, "min_units": MIN_UNITS}
    return f"{what.format(**values)}: {how.format(**values)}."


def notice(section: str, ctx: Context) -> HTML:
    """:func:`missing` as a paragraph for the report."""
    return HTML(f'<div class="ivp-report"><p class="missing">{esc(missing(section, ctx))}</p></div>')


def html_table(df: pd.DataFrame, numeric: set[str] | frozenset = frozenset(), group_col: str | None = None,
               caption: str | None = None) -> str:
    """An HTML table of already formatted cells; every header and cell is escaped.

    ``group_col``: a column whose value, when it changes, is shown as a full-width group row
    (and not as a column).
    """
    cols = [c for c in df.columns if c != group_col]
    head = "".join(f'<th class="num">{esc(c)}</th>' if c in numeric else f"<th>{esc(c)}</th>" for c in cols)
    rows, group = [], None
    for _, r in df.iterrows():
        if group_col is not None and r[group_col] and r[group_col] != group:
            group = r[group_col]
            rows.append(f'<tr class="group"><td colspan="{len(cols)}">{esc(group)}</td></tr>')
        cells = "".join(f'<td class="num">{esc(r[c])}</td>' if c in numeric else f"<td>{esc(r[c])}</td>"
                        for c in cols)
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _wrap(body: str) -> HTML:
    return HTML(f'<div class="ivp-report">{body}</div>')


def _count(ctx: Context, key: str, year: int | None) -> float:
    c = ctx.counts
    if year is None or c.empty or key not in c.index or year not in c.columns:
        return math.nan
    return float(c.at[key, year])


# --- sections ------------------------------------------------------------------------------------

def title(ctx: Context) -> HTML:
    """Heading of the report with the period it covers (and the table style, inline: no CDN)."""
    period = (f"{ctx.reference_year}–{ctx.year}" if ctx.year and ctx.reference_year and ctx.year != ctx.reference_year
              else str(ctx.year or ""))
    sub = f"<p>Gemeente {esc(ctx.name)} ({esc(ctx.code)}){', cijfers ' + esc(period) if period else ''}.</p>"
    return HTML(f'{STYLE}<div class="ivp-report"><h1>Evaluatie integraal veiligheidsplan {esc(ctx.name)}</h1>{sub}</div>')


def report_title(code: str, name: str) -> str:
    """The HTML page title of a municipality's report."""
    return f"Evaluatie integraal veiligheidsplan {name} ({code})"


TOTAL = "criminaliteit_totaal"


def police_figures(ctx: Context) -> pd.DataFrame:
    """:func:`ivpanalysis.police.police_table` for the report's municipality and year (empty without counts)."""
    if ctx.year is None:
        return pd.DataFrame()
    return ctx.once("police", lambda: police.police_table(ctx.data, ctx.code, year=ctx.year, region=ctx.region))


def summary_sentences(ctx: Context, table: pd.DataFrame | None = None) -> list[str]:
    """Key sentences computed from the police table, the dashboard and the register (Dutch, unescaped)."""
    table = police_figures(ctx) if table is None else table
    out = _police_sentences(ctx, table) if not table.empty else [missing("police", ctx)]
    dash = dashboard_table(ctx)
    if not dash.empty:
        out.append(dashboard_sentence(dash))
    if _has_register(ctx):
        out.append(activities.summary_text(activities_summary(ctx)).split("\n")[0])
    return out


def _police_sentences(ctx: Context, table: pd.DataFrame) -> list[str]:
    y, prev, ref = ctx.year, ctx.year - 1, ctx.reference_year
    out = []
    if TOTAL not in table.index or pd.isna(table.at[TOTAL, str(y)]):
        out.append(missing("total", ctx))
    else:
        r = table.loc[TOTAL]
        s = f"In {y} registreerde de politie {fmt.number(r[str(y)])} misdrijven in {ctx.name}"
        if r["change_source"] == "computed":
            s += f", {fmt.pct(r['change_pct'])} ten opzichte van {prev} ({fmt.number(r[str(prev)])})"
            s += {"yes": "; dat is meer dan de gewone schommeling van jaar tot jaar",
                  "no": "; dat valt binnen de gewone schommeling van jaar tot jaar"}.get(r["significant"], "")
        out.append(s + ".")
        kr = _count(ctx, TOTAL, ref)
        if ref is not None and ref < prev and not pd.isna(kr) and kr:
            out.append(f"Ten opzichte van {ref} ({fmt.number(kr)}) is dat "
                       f"{fmt.pct(police.pct_change(kr, r[str(y)]))}.")
    sig = table[(table.index != TOTAL) & (table["significant"] == "yes") & (table["change_source"] == "computed")]
    falls = sig[sig["change_pct"] < 0].sort_values("change_pct")
    rises = sig[sig["change_pct"] > 0].sort_values("change_pct", ascending=False)
    for part, verb in ((falls, "gedaald"), (rises, "gestegen")):
        if len(part):
            out.append(f"Meer dan toeval {verb} in {y}: "
                       + ", ".join(f"{c} ({fmt.pct(v)})" for c, v in zip(part["category"], part["change_pct"])) + ".")
    if sig.empty:
        out.append(f"Geen enkele categorie veranderde in {y} meer dan de gewone schommeling van jaar tot jaar.")
    return out


def summary(ctx: Context) -> HTML:
    """The samenvatting: :func:`summary_sentences` as a list."""
    items = "".join(f"<li>{esc(s)}</li>" for s in summary_sentences(ctx))
    return _wrap(f"<ul>{items}</ul>")


def police_section(ctx: Context) -> HTML:
    """The politiecijfers table (:func:`ivpanalysis.police.police_display`), or the missing-data sentence."""
    table = police_figures(ctx)
    if table.empty:
        return notice("police", ctx)
    shown = police.police_display(table)
    numeric = {c for c in shown.columns if c not in ("Categorie", "Groep", "Legenda", "Meer dan toeval?")}
    notes = [f"Geregistreerde misdrijven en meldingen; veranderingen ten opzichte van het jaar ervoor. Legenda: "
             f"daling bij {fmt.pct(-police.LEGEND_THRESHOLD)} of meer, stijging bij {fmt.pct(police.LEGEND_THRESHOLD)} "
             f"of meer, anders stabiel. 'Meer dan toeval?' zegt of een verandering groter is dan de gewone "
             f"schommeling van jaar tot jaar (zie Verantwoording)."]
    note = police.published_note(table)
    if note:
        notes.append(note)
    notes.append("Bron: " + ", ".join(table.attrs.get("sources", [])) + ".")
    return _wrap(html_table(shown, numeric, group_col="Groep") + "".join(f"<p>{esc(n)}</p>" for n in notes))


def figure_html(fig: Figure, alt: str) -> HTML:
    """A figure as an embedded PNG (``data:`` URI) with alt text: no file, no network, no backend."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return _wrap(f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}"></figure>')


def yearly_chart(ctx: Context) -> HTML:
    """Bar chart of the registered total per year, or the missing-data sentence."""
    if ctx.counts.empty:
        return notice("police", ctx)
    if TOTAL not in ctx.counts.index or ctx.counts.loc[TOTAL].notna().sum() == 0:
        return notice("total", ctx)
    s = ctx.counts.loc[TOTAL].dropna()
    fig = Figure(figsize=(6.4, 3.2), dpi=96)
    ax = fig.add_subplot()
    ax.bar([str(int(y)) for y in s.index], s.values, color="#4c72b0")
    for x, v in zip(range(len(s)), s.values):
        ax.annotate(fmt.number(v), (x, v), ha="center", va="bottom", fontsize=9)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v)))
    ax.set_ylabel("geregistreerde misdrijven")
    title = f"Geregistreerde misdrijven per jaar, {ctx.name}"
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    alt = title + ": " + ", ".join(f"{int(y)}: {fmt.number(v)}" for y, v in s.items())
    return figure_html(fig, alt)


def _monthly_total(ctx: Context) -> pd.DataFrame:
    df = ctx.data.police
    df = df[(df["region_code"] == ctx.code) & (df["measure"] == TOTAL)]
    return df[[schema.freq_of(p) == "M" for p in df["period"]]] if len(df) else df


def trend_section(ctx: Context) -> HTML:
    """Monthly registered crime with its trend (:func:`ivpanalysis.trend.fit_trend`, ``trend_plot``),
    or the missing sentence when the data hold no monthly counts."""
    monthly = _monthly_total(ctx)
    if monthly.empty:
        return HTML(notice("monthly", ctx).data + yearly_trend(ctx).data)
    res = trend.fit_trend(monthly, region_name=ctx.name, measure_label="misdrijven")
    fig = trend_plot.plot_trend(res, ctx.name)  # says "Gesimuleerd" itself when the rows are simulated
    simulated = res.observed.attrs.get("simulated", False)
    alt = ("Gesimuleerd: " if simulated else "") + f"geregistreerde misdrijven per maand in {ctx.name} met trendlijn."
    return HTML(figure_html(fig, alt).data + _wrap(f"<p>{esc(trend_text.summary(res))}</p>").data)


def yearly_trend(ctx: Context) -> HTML:
    """Without monthly counts: the trend of the yearly totals (at least three years), with what so few points can show."""
    if ctx.counts.empty or TOTAL not in ctx.counts.index or ctx.counts.loc[TOTAL].notna().sum() < 3:
        return HTML("")
    yearly = ctx.counts.loc[TOTAL].dropna()  # indexed by integer years, which fit_trend reads as years
    res = trend.fit_trend(yearly, region_name=ctx.name, measure_label="misdrijven",
                          min_annual_points=trend.MIN_ANNUAL_POINTS)  # fewer years: says no trend can be told
    fig = trend_plot.plot_trend(res, ctx.name)
    alt = f"Geregistreerde misdrijven per jaar in {ctx.name} " + (
        "met trendlijn en onzekerheidsband." if res.ok else "zonder trendlijn (te weinig jaren voor een trend).")
    intro = "In plaats daarvan de trend van de jaartotalen:" if res.ok else "In plaats daarvan de jaartotalen:"
    return HTML(_wrap(f"<p>{esc(intro)}</p>").data + figure_html(fig, alt).data + _wrap(f"<p>{esc(trend_text.summary(res))}</p>").data)


def dashboard_table(ctx: Context) -> pd.DataFrame:
    """:func:`ivpanalysis.dashboard` for the report (empty when the data declare no indicators)."""
    ind = ctx.data.indicators
    if ind is None or ind.empty or "region_code" not in ind.columns or not (ind["region_code"] == ctx.code).any():
        return pd.DataFrame()
    return ctx.once("dashboard", lambda: indicators.dashboard(ctx.data, ctx.code, year=ctx.year))


def dashboard_sentence(table: pd.DataFrame) -> str:
    """'Van de 16 indicatoren staan er 6 op groen, 1 op oranje en 9 op rood.' (counts from the table)."""
    counts = table["verdict"].value_counts()
    parts = [f"{fmt.number(counts[v])} op {indicators.VERDICT_NL[v]}" for v in ("green", "orange", "red")
             if v in counts.index]
    s = f"Van de {fmt.number(len(table))} indicatoren van het plan staan er "
    s += (", ".join(parts[:-1]) + " en " + parts[-1] if len(parts) > 1 else parts[0]) if parts else "geen met een oordeel"
    n_none = int((table["verdict"] == "").sum())
    return s + (f"; {fmt.number(n_none)} zonder oordeel." if n_none and parts else ".")


def dashboard_section(ctx: Context) -> HTML:
    """The indicator dashboard (:func:`ivpanalysis.dashboard`), or the missing sentence."""
    table = dashboard_table(ctx)
    if table.empty:
        return notice("dashboard", ctx)
    shown = indicators.dashboard_display(table)
    head = f"<p>{esc(dashboard_sentence(table))}</p>"
    note = ("<p>* Stand zoals gepubliceerd in het brondocument; niet berekend omdat de data er geen reeks "
            "voor bevatten.</p>") if (table["status_source"] == "published").any() else ""
    return _wrap(head + html_table(shown) + note)


def _has_register(ctx: Context) -> bool:
    try:
        activities.register_path(ctx.data.data_dir, ctx.code)
    except LookupError:  # the documented signal for "no register file for this municipality"
        return False
    return True


def activities_summary(ctx: Context) -> activities.ActivitiesSummary:
    """:func:`ivpanalysis.activities.activities_summary` of the municipality's register (computed once)."""
    return ctx.once("activities", lambda: activities.activities_summary(activities.load_register(ctx.data, ctx.code)))


def activities_section(ctx: Context) -> HTML:
    """The activities register per theme (:mod:`ivpanalysis.activities`), or the missing sentence."""
    if not _has_register(ctx):
        return notice("activities", ctx)
    summ = activities_summary(ctx)
    fig = activities_plot.theme_bars(summ)
    alt = f"Aantal activiteiten per thema in {ctx.name}, naar stoplichtkleur"
    parts = [markdown_html(activities.interpretation(summ, ctx.name)), figure_html(fig, alt).data,
             html_table(activities.theme_table(summ), {"Activiteiten", "Groen", "Oranje", "Rood", "Kleur onbekend",
                                                       "Op koers"})]
    attention = activities.attention_table(summ)
    if len(attention):
        parts.append(html_table(attention))
    return _wrap("".join(parts))


def markdown_html(text: str) -> str:
    """Escaped HTML of the library's Dutch markdown: ``### `` headings, ``- `` lists, ``**bold**``, paragraphs."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif block.startswith("### "):
            blocks.append(f"<h3>{_inline(block[4:])}</h3>")
        else:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "".join(blocks)


def _inline(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", esc(text))


def _gap_missing(ctx: Context) -> str | None:
    """Which data the view over time lacks ('survey', 'survey_once', 'police', 'total'), None when it can be drawn."""
    survey = ctx.data.survey[ctx.data.survey["region_code"] == ctx.code]
    unsafe = survey[survey["measure"].isin(gap.UNSAFE_MEASURES) & survey["value"].notna()]
    if unsafe.empty:
        return "survey"
    if len({p.year for p in unsafe["period"]}) < 2:
        return "survey_once"
    if ctx.counts.empty:
        return "police"
    if TOTAL not in ctx.counts.index:
        return "total"
    return None


#: fewest municipalities for the comparison across units: below this a regression line says little
MIN_UNITS = 8


def gap_across_result(ctx: Context) -> pd.DataFrame | None:
    """:func:`ivpanalysis.gap_across` over the municipalities of the data folder in the latest survey year
    in which this municipality and at least :data:`MIN_UNITS` municipalities have survey, crime and
    population figures; None when no such year exists."""
    full = _load(*ctx.folder)
    survey = full.survey[full.survey["measure"].isin(gap.UNSAFE_MEASURES)]
    if survey.empty or full.population.empty:
        return None
    own = survey.loc[survey["region_code"] == ctx.code, "period"]
    for year in sorted({p.year for p in own}, reverse=True):
        res = _across(ctx.folder, year)
        if res is not None and ctx.code in set(res["unit"]):
            return res
    return None


@lru_cache(maxsize=8)
def _across(folder: tuple[str, tuple], year: int) -> pd.DataFrame | None:
    """gap_across over the folder's municipalities in ``year`` (None with fewer than MIN_UNITS municipalities
    having survey, crime and population): the same for every report of a batch, so computed once per folder."""
    full = _load(*folder)
    try:
        df = gap.across_input(full.survey, full.police, full.population, year, crime_measure=TOTAL,
                              unit_kind="municipality")
    except DataError:
        return None
    if len(df) < MIN_UNITS:
        return None
    res = gap.gap_across(df)
    res.attrs["survey_year"] = year
    return res


def gap_section(ctx: Context) -> HTML:
    """Veiligheidsgevoel and the gap with crime: over time and across municipalities (:mod:`ivpanalysis.gap`),
    each with its chart, or the sentence saying which data are missing."""
    lacking = _gap_missing(ctx)
    over = None
    body = ""
    if lacking:
        body += notice(lacking, ctx).data
    else:
        over = gap.gap_over_time(gap.over_time_input(ctx.data, ctx.code, crime_measure=TOTAL))
        fig = gap_plot.over_time_chart(over, ctx.name)
        alt = (f"Geregistreerde misdrijven en aandeel inwoners dat zich onveilig voelt in {ctx.name}, "
               f"als index ten opzichte van {over.attrs['base_year']}")
        body += figure_html(fig, alt).data
    across = gap_across_result(ctx)
    if across is None:
        body += _wrap(f"<p><em>{esc(missing('across', ctx))}</em></p>").data
    else:
        year = across.attrs["survey_year"]
        q = gap_plot.quadrant_chart(across, focal=ctx.code, title=f"Criminaliteit en onveiligheidsgevoel, {year}")
        c = gap_plot.caterpillar_chart(across, focal=ctx.code)
        body += figure_html(q, f"Gemeenten naar geregistreerde criminaliteit en onveiligheidsgevoel in {year}, "
                               f"{ctx.name} gemarkeerd").data
        body += figure_html(c, f"Verschil tussen gemeten en verwacht onveiligheidsgevoel per gemeente in {year}, "
                               "met voorspelinterval").data
    if over is not None or across is not None:
        body += markdown_html(gap.interpretation(over_time=over, across=across, focal=ctx.code, name=ctx.name))
    return HTML(body)


# --- verantwoording --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _seed_documents() -> dict[str, str]:
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


def sources_table(ctx: Context) -> pd.DataFrame:
    """Every source behind this municipality's figures: table/document, status, retrieval date, count."""
    frames = [("politiecijfers", ctx.data.police), ("enquête", ctx.data.survey)]
    docs = _seed_documents()
    rows = []
    for role, df in frames:
        sel = df[df["region_code"] == ctx.code]
        if sel.empty:
            continue
        for (source, status, retrieved), g in sel.groupby(["source", "status", "retrieved"], dropna=False, sort=True):
            seed = str(source).split(":")[0]
            rows.append({"Gegevens": role, "Bron": source, "Document": docs.get(seed, ""),
                         "Status": status, "Opgehaald": retrieved, "Aantal cijfers": fmt.number(len(g))})
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


def verantwoording(ctx: Context) -> HTML:
    """Sources with ids and dates, voorlopig/definitief, methods, known breaks, simulation."""
    parts = ["<h3>Bronnen</h3>"]
    src = sources_table(ctx)
    parts.append(html_table(src, {"Aantal cijfers"}) if not src.empty
                 else f"<p>{esc(missing('police', ctx))}</p>")
    prov = provenance_table(ctx.data.provenance)
    if not prov.empty:
        parts.append(html_table(prov, caption="Tabellen in de gegevensmap (provenance.json)"))
    parts.append(f"<p>{esc(status_sentence(ctx))}</p>")
    parts.append("<h3>Methode</h3><p>" + esc(
        "Veranderingen zijn percentages ten opzichte van het jaar ervoor, afgerond zoals de bronnen afronden "
        "(12,5% wordt 13%). Of een verandering meer is dan toeval, toetsen we met een exacte voorwaardelijke toets "
        "die rekening houdt met de gewone schommeling van jaar tot jaar (overdispersie geschat op de cijfers van "
        f"alle gemeenten); de grens is {fmt.number(noise.LEVEL * 100)}%. Bij minder dan {noise.MIN_TOTAL} "
        "misdrijven in twee jaar samen is een verandering te klein om te duiden.") + "</p>")
    parts.append("<h3>Breuken in de reeksen</h3><ul>" + "".join(f"<li>{esc(b)}</li>" for b in KNOWN_BREAKS) + "</ul>")
    parts.append(f"<p>{esc(simulated_sentence(ctx))}</p>")
    parts.append(f"<p>{esc(f'Gegevensmap: {ctx.data.data_dir.name}.')}</p>")
    return _wrap("".join(parts))
