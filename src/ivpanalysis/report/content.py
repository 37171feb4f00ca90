"""What the evaluation notebook shows: one function per section, each returning the section's
:class:`IPython.display.HTML` (tables, text, figures as embedded PNGs).

The notebook (``notebooks/evaluatie.ipynb``) only calls these functions; what they build on lives
beside this module: :mod:`.context` (the municipality, its data loaded once per folder, shared
tables), :mod:`.notices` (the sentence for missing data), :mod:`.comparison` (the gap section's
data), :mod:`.sources` (sources in words), :mod:`ivpanalysis.present.html` (escaped HTML, tables,
figures) and :mod:`ivpanalysis.present.charts` (every chart, one house style). A section whose data
is missing returns one Dutch sentence saying what is missing and how to get it, never an empty chart.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
from ivpanalysis.errors import DataError
from ivpanalysis.ingest import validate
from IPython.display import HTML

from ivpanalysis.analysis import activities, gap, noise, plan, police
from ivpanalysis.present import (activities_plot, activities_text, charts, comparison_text, dashboard_text, fmt,
                                 gap_text, gap_view_text, police_text)
from ivpanalysis.present.html import STYLE, esc, figure_html, html_table, markdown_html
from ivpanalysis.present.html import wrap as _wrap
from ivpanalysis.ingest import schema
from ivpanalysis.report import computed, gap_view, sources, trend_view
from ivpanalysis.report import maps as report_maps
from ivpanalysis.report.comparison import gap_missing as _gap_missing
from ivpanalysis.report.context import (TOTAL, Context, _folder_key, _load, activities_summary, check_rows,
                                        municipality_name, municipality_view, police_figures,
                                        validate_code)
from ivpanalysis.report.context import load_data, report_title, slug  # noqa: F401 - batch.py imports them from here
from ivpanalysis.report.context import count as _count
from ivpanalysis.report.context import has_register as _has_register
from ivpanalysis.report.context import monthly_total as _monthly_total
from ivpanalysis.report.notices import BOX_TITLE, missing, notice, pointer
from ivpanalysis.report.sources import (KNOWN_BREAKS, provenance_table, simulated_sentence, sources_table,
                                        status_sentence)



def context(municipality: str, data_dir: str | Path | None = None, year: int | None = None,
            reference_year: int | None = None, region: str | None = None, plan_start: int | None = None,
            target_year: int | None = None) -> Context:
    """Load the data and settle the years of the report.

    ``year`` defaults to the last year with police counts, ``reference_year`` to the report year − 4
    (:func:`ivpanalysis.analysis.plan.resolve`, which also checks that the years agree), or to the
    year before ``plan_start`` when that comes earlier (the reference is the situation before the plan); per-row years
    in ``indicators.csv`` take precedence for their row. Raises ValueError for a malformed code or
    contradicting years and LookupError for a code no list and no data know.
    """
    code = validate_code(municipality)
    folder = _folder_key(data_dir)
    data = _load(*folder)
    validate.refuse(data, code)  # the gate: shared problems and this municipality's own stop the report
    name = municipality_name(code, data)
    if name is None:
        raise LookupError(f"{code} is not a municipality in the CBS code list nor in {data.data_dir}")
    data = municipality_view(data, code, region)
    check_rows(data, code)
    counts = police.annual_counts(data.police, code)
    years = [int(y) for y in counts.columns if counts[y].notna().any()] if not counts.empty else []
    if year is None:
        year = max(years) if years else None
    if year is not None:
        if reference_year is None and plan_start is not None and int(plan_start) <= year - plan.DEFAULT_REFERENCE_OFFSET:
            reference_year = int(plan_start) - 1  # the default may not fall inside the plan: the year before it
        frame = plan.resolve(year, plan_start, reference_year, target_year)
        reference_year, plan_start, target_year = frame.reference_year, frame.plan_start, frame.target_year
    return Context(code=code, name=name, data=data, year=year, reference_year=reference_year,
                   region=region, plan_start=plan_start, target_year=target_year, counts=counts, folder=folder)


def title(ctx: Context) -> HTML:
    """The title block: municipality, plan period, report date in words, years and data status (and the
    table style, inline: no CDN); below it the one "Wat ontbreekt" box (:func:`missing_box`)."""
    have = [int(y) for y in ctx.counts.columns if ctx.counts[y].notna().any() and ctx.year and y <= ctx.year] \
        if not ctx.counts.empty else []
    period = f"{min(have)}–{max(have)}" if len(have) > 1 else (str(have[0]) if have else "")
    rows = [("Gemeente", f"{ctx.name} ({ctx.code})"), ("Planperiode", _plan_period(ctx) or "niet bekend"),
            ("Rapportdatum", fmt.date_words(datetime.date.today())), ("Cijfers", period or "geen"),
            ("Referentiejaar", str(ctx.reference_year) if ctx.reference_year else "niet bekend"),
            ("Stand van de gegevens", sources.data_status(ctx))]
    if ctx.target_year:
        rows.insert(4, ("Doeljaar", str(ctx.target_year)))
    block = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    try:
        late = _late_sentence(ctx)
    except (ValueError, LookupError, KeyError):  # a plan frame the data cannot give: the box below says why
        late = ""
    return HTML(f'{STYLE}<div class="ivp-report ivp-title" data-municipality="{esc(ctx.name)}"><h1>Evaluatie integraal veiligheidsplan {esc(ctx.name)}</h1>'
                f'<dl class="ivp-titleblock">{block}</dl>' + (f"<p>{esc(late)}</p>" if late else "") + "</div>"
                + _standing(missing_box)(ctx).data)


def _plan_period(ctx: Context) -> str | None:
    """The plan period from the arguments (plan start – target year), else from the plan document's title."""
    if ctx.plan_start and ctx.target_year:
        return f"{ctx.plan_start}–{ctx.target_year}"
    return sources.plan_period(ctx)


def _late_sentence(ctx: Context) -> str:
    """'Het rapportjaar 2025 ligt na het doeljaar 2022 …' when the plan's target year has passed; '' otherwise."""
    ty = ctx.target_year
    rows = computed.plan_rows(ctx)
    if ty is None and len(rows):
        years = pd.to_numeric(rows["target_year"], errors="coerce").dropna()
        ty = int(years.max()) if len(years) else None
    if ty is None or ctx.year is None or ctx.year <= ty:
        return ""
    return (f"Het rapportjaar {ctx.year} ligt na het doeljaar {ty} van het plan: de doelen worden beoordeeld "
            f"op de cijfers van {ty}, niet op die van later.")


def missing_lines(ctx: Context) -> list[str]:
    """Every input this report lacks, once, with the exact command or download that adds it (Dutch).

    The inputs of :func:`ivpanalysis.analysis.missing.missing_for`, plus what only a section can tell
    (a single survey year, too few municipalities to compare, no monthly counts, no register).
    """
    lines = [comparison_text.missing_line(i) for i in computed.missing_items(ctx)]
    extra = []
    if ctx.year is not None and _monthly_total(ctx).empty:
        inc = ctx.data.incidents
        has_burglaries = len(inc) > 0 and (inc["region_code"] == ctx.code).any()
        extra.append("monthly_burglary_only" if has_burglaries else "monthly")
    if _gap_missing(ctx) == "survey_once":
        extra.append("survey_once")
    if dashboard_table(ctx).empty and computed.default_dashboard(ctx).empty and computed.relative_targets(ctx).empty:
        extra.append("dashboard")
    if not _has_register(ctx):
        extra.append("activities")
    return lines + [missing(k, ctx) for k in extra]


def missing_box(ctx: Context) -> HTML:
    """The "Wat ontbreekt" box at the top: :func:`missing_lines` as a list (sections only point here)."""
    lines = missing_lines(ctx)
    body = ("<ul>" + "".join(f"<li>{esc(s)}</li>" for s in lines) + "</ul>") if lines else \
        f"<p>{esc('Niets: alles wat dit rapport gebruikt, staat in de gegevensmap.')}</p>"
    return HTML(f'<div class="ivp-report ivp-missing"><h2>{esc(BOX_TITLE)}</h2>'
                f"<p>{esc('Wat de gegevensmap voor dit rapport mist, en hoe u het toevoegt:')}</p>{body}</div>")


def dashboard_table(ctx: Context) -> pd.DataFrame:
    """:func:`ivpanalysis.dashboard` of the plan's indicators with a target value (empty when none);
    targets relative to a reference year are in :func:`ivpanalysis.report.computed.relative_targets`."""
    data = computed.absolute_data(ctx)
    if data is None:
        return pd.DataFrame()
    return ctx.once("dashboard", lambda: dashboard_text.dashboard(data, ctx.code, year=ctx.year))


def summary_sentences(ctx: Context, table: pd.DataFrame | None = None) -> list[str]:
    """Key sentences computed from the police table, the comparison, the dashboard and the register
    (Dutch, unescaped); what is missing is said once, in the box at the top."""
    table = police_figures(ctx) if table is None else table
    out = _police_sentences(ctx, table) if not table.empty else [pointer("police", ctx)]
    out += _comparison_sentences(ctx)
    dash = dashboard_table(ctx)
    if not dash.empty:
        out.append(dashboard_sentence(dash))
    targets = computed.relative_targets(ctx)
    if len(targets):
        out.append(dashboard_text.targets_sentence(targets))
    if dash.empty and not len(targets):
        default = computed.default_dashboard(ctx)
        if len(default):
            out.append(dashboard_text.default_sentence(default, ctx.reference_year))
    if _has_register(ctx):
        out.append(activities_text.summary_text(activities_summary(ctx)).split("\n")[0])
    return out


def _comparison_sentences(ctx: Context) -> list[str]:
    """Where the municipality stands per 1.000 inwoners against Nederland and its peers (computed)."""
    comp = computed.for_municipality(ctx)
    if comp is None or comp.empty:
        return []
    rows = comp[comp["rate_inwoners"].notna() & comp["nederland_rate_inwoners"].notna()]
    if rows.empty:
        return []
    higher = [m for m in rows.index if rows.at[m, "rate_inwoners"] > rows.at[m, "nederland_rate_inwoners"]]
    labels = dict(zip(ctx.data.categories["key"], ctx.data.categories["label"]))
    s = (f"Per 1.000 inwoners lag {ctx.name} in {ctx.year} bij {fmt.number(len(higher))} van de "
         f"{fmt.number(len(rows))} soorten misdrijven boven het Nederlandse cijfer")
    s += (": " + ", ".join(labels.get(m, m).lower() for m in higher) + ".") if higher else "."
    return [s]


def _police_sentences(ctx: Context, table: pd.DataFrame) -> list[str]:
    y, prev, ref = ctx.year, ctx.year - 1, ctx.reference_year
    out = []
    if TOTAL not in table.index or pd.isna(table.at[TOTAL, str(y)]):
        out.append(pointer("total", ctx))
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
    """The politiecijfers table (:func:`ivpanalysis.present.police_text.police_display`) with the reference
    year, computed regio and Nederland changes, rates per 1.000 and the peer rank; or the pointer to
    "Wat ontbreekt"."""
    table = police_figures(ctx)
    if table.empty:
        return notice("police", ctx)
    comp = computed.for_municipality(ctx)
    unit = _unit_name(ctx)
    ref = ctx.reference_year
    ref_counts = ctx.counts[ref] if ref is not None and ref in ctx.counts.columns else None
    shown = police_text.with_comparison(police_text.police_display(table), table, comp, unit, ref, ref_counts)
    shown = police_text.without_empty_columns(shown)
    numeric = {c for c in shown.columns if c not in ("Categorie", "Groep", "Legenda", "Meer dan toeval?", "95%-interval")}
    notes = [f"Geregistreerde misdrijven en meldingen; veranderingen ten opzichte van het jaar ervoor. Legenda: "
             f"daling bij {fmt.pct(-police.LEGEND_THRESHOLD)} of meer, stijging bij {fmt.pct(police.LEGEND_THRESHOLD)} "
             f"of meer, anders stabiel. 'Meer dan toeval?' zegt of een verandering groter is dan de gewone "
             f"schommeling van jaar tot jaar (zie Verantwoording)."]
    notes += comparison_text.comparison_notes(comp, unit, ctx.year)
    note = police_text.published_note(table)
    if note:
        notes.append(note)
    notes.append("Bron: " + ", ".join(table.attrs.get("sources", [])) + ".")
    return _wrap(html_table(shown, numeric, group_col="Groep") + "".join(f"<p>{esc(n)}</p>" for n in notes))


def _unit_name(ctx: Context) -> str | None:
    """The municipality's police unit by name, from the regions role (None without one)."""
    reg = computed.regions(ctx)
    if reg.empty or "police_unit_name" not in reg.columns:
        return None
    hit = reg.loc[reg["region_code"] == ctx.code, "police_unit_name"].dropna()
    return str(hit.iloc[0]) if len(hit) else None


def yearly_chart(ctx: Context) -> HTML:
    """Bar chart of the registered total per year, or the missing-data sentence."""
    if ctx.counts.empty:
        return notice("police", ctx)
    if TOTAL not in ctx.counts.index or ctx.counts.loc[TOTAL].notna().sum() == 0:
        return notice("total", ctx)
    fig, alt = charts.yearly_bars(ctx.counts.loc[TOTAL].dropna(), ctx.name)
    return figure_html(fig, alt)


def map_section(ctx: Context) -> HTML:
    """Choropleth of the municipality's police unit (:func:`ivpanalysis.report.maps.unit_map_html`): the
    rate per 1.000 inhabitants in five quantile classes, the municipality outlined; without boundaries
    or regions the one line of "Wat ontbreekt" that says what would add it."""
    return HTML(report_maps.unit_map_html(ctx))


def trend_section(ctx: Context) -> HTML:
    """Trends wherever the folder carries them (:mod:`.trend_view`): which series and why, the monthly
    series (police months, misdaad-in-kaart burglaries) with trend line, breaks and seasonal pattern,
    then the annual trends per category; the missing sentence only when no series is long enough."""
    av = trend_view.available(ctx)
    if not (av["annual"] or av["monthly"] or av["incidents"] is not None):
        return HTML(_wrap(trend_view.intro(ctx)).data + notice("monthly", ctx).data)
    body = trend_view.intro(ctx) + trend_view.monthly_parts(ctx)
    return HTML(_wrap(body).data + yearly_trend(ctx).data)


def yearly_trend(ctx: Context) -> HTML:
    """The annual trends: the total's chart with trend line and multi-year average (when the total is complete
    for five years or more) and the table of trends per category (empty when no annual series is long enough)."""
    part = trend_view.annual_part(ctx)
    return _wrap(part) if part else HTML("")


def dashboard_sentence(table: pd.DataFrame) -> str:
    """'Van de 16 indicatoren staan er 6 op groen, 1 op oranje en 9 op rood.' (counts from the table)."""
    counts = table["verdict"].value_counts()
    parts = [f"{fmt.number(counts[v])} op {dashboard_text.VERDICT_NL[v]}" for v in ("green", "orange", "red")
             if v in counts.index]
    s = f"Van de {fmt.number(len(table))} indicatoren van het plan staan er "
    s += (", ".join(parts[:-1]) + " en " + parts[-1] if len(parts) > 1 else parts[0]) if parts else "geen met een oordeel"
    n_none = int((table["verdict"] == "").sum())
    return s + (f"; {fmt.number(n_none)} zonder oordeel." if n_none and parts else ".")


def dashboard_section(ctx: Context) -> HTML:
    """The indicator dashboard: the plan's targets with a value (:func:`ivpanalysis.dashboard`), its
    targets relative to a reference year (reference value computed from the data), and without a plan
    the default indicator set (change, noise verdict and position; no colour, no invented target)."""
    table = dashboard_table(ctx)
    targets = computed.relative_targets(ctx)
    parts = []
    if not table.empty:
        shown = dashboard_text.dashboard_display(table)
        parts.append(f"<p>{esc(dashboard_sentence(table))} {esc(dashboard_text.legend_sentence())}</p>")
        parts.append(html_table(shown))
        if (table["status_source"] == "published").any():
            parts.append("<p>* Stand zoals gepubliceerd in het brondocument; niet berekend omdat de data er geen "
                         "reeks voor bevatten.</p>")
    if len(targets):
        parts.append(f"<p>{esc(dashboard_text.targets_sentence(targets))}</p>")
        parts.append(html_table(dashboard_text.targets_display(targets),
                                caption=f"Doelen van het plan van {ctx.name} ten opzichte van het referentiejaar"))
    if not parts:
        default = computed.default_dashboard(ctx)
        if default.empty:
            return notice("dashboard", ctx)
        labels = dict(zip(ctx.data.categories["key"], ctx.data.categories["label"]))
        parts.append(f"<p>{esc(dashboard_text.default_sentence(default, ctx.reference_year))} "
                     f"{esc(dashboard_text.default_legend())}</p>")
        parts.append(html_table(dashboard_text.default_display(default, labels),
                                caption=f"Standaardindicatoren van {ctx.name}, {ctx.reference_year} en {ctx.year}"))
    return _wrap("".join(parts))


def activities_section(ctx: Context) -> HTML:
    """The activities register as the plan structures it (:mod:`ivpanalysis.present.activities_text`):
    summary, stoplight chart (per theme when colours are known, else the published totals), the
    table per priority and strategic theme, and folded lists of what needs attention and of the
    extra activities; or the missing sentence."""
    if not _has_register(ctx):
        return notice("activities", ctx)
    summ = activities_summary(ctx)
    parts = [f"<p>{esc(activities_text.summary_text(summ))}</p>", _activities_chart(ctx, summ)]
    table = activities_text.group_table(summ)
    parts.append(html_table(table, set(table.columns) - {"Groep", "Thema"}, group_col="Groep",
                            caption=f"Activiteiten in {ctx.name} per prioriteit en strategisch thema"))
    attention = activities_text.attention_list(summ)
    if len(attention):
        note = activities_text.attention_note(summ)
        parts.append(_details(activities_text.attention_heading(summ),
                              (f"<p>{esc(note)}</p>" if note else "") + html_table(attention, group_col="Thema")))
    elif not summ.n_judged:
        parts.append("<p>Het register geeft bij geen enkele geplande activiteit een toelichting.</p>")
    if len(summ.extra):
        parts.append(_details(activities_text.extra_heading(summ),
                              html_table(activities_text.extra_list(summ), group_col="Thema")))
    return _wrap("".join(parts))


def _activities_chart(ctx: Context, summ: activities.ActivitiesSummary) -> str:
    """Stacked stoplight bars per theme when colours are known, else the published totals' bar, else nothing."""
    if summ.n_judged:
        return figure_html(activities_plot.theme_bars(summ), activities_plot.alt_text(summ, ctx.name)).data
    stoplight = activities.published_stoplight(summ)
    if stoplight is None:
        return ""
    return figure_html(activities_plot.published_bar(stoplight, summ),
                       activities_plot.published_alt(stoplight, ctx.name)).data


def _details(summary: str, body: str) -> str:
    """A folded block: the one-line summary shows, the body opens on a click (no script needed)."""
    return (f'<details><summary style="cursor: pointer; font-weight: bold; margin: 0.4em 0">{esc(summary)}'
            f"</summary>{body}</details>")


def gap_section(ctx: Context) -> HTML:
    """Veiligheidsgevoel and the gap with crime: over time (the municipality's own survey figures only) and
    across units of one level (:mod:`.gap_view`: municipalities, else the provinces), each with its chart;
    a provincial figure appears only labelled as the province's."""
    lacking = _gap_missing(ctx)
    over = None
    body = ""
    if lacking:
        body += notice(lacking, ctx).data
        body += _province_context(ctx)
    else:
        over = gap.gap_over_time(gap.over_time_input(ctx.data, ctx.code, crime_measure=TOTAL))
        fig = charts.over_time_chart(over, ctx.name)
        alt = (f"Geregistreerde misdrijven en aandeel inwoners dat zich onveilig voelt in {ctx.name}, "
               f"als index ten opzichte van {over.attrs['base_year']}")
        body += figure_html(fig, alt).data
    across = gap_view.across(ctx)
    if across is None:
        body += _wrap(f"<p><em>{esc(missing('across', ctx))}</em></p>").data
    else:
        body += _across_figures(ctx, across)
    if over is not None or across is not None:
        focal = ctx.code if across is None or across.attrs.get("unit_kind") != "province" else gap_view.province_of(ctx)
        body += markdown_html(gap_text.interpretation(over_time=over, across=across, focal=focal, name=ctx.name))
    return HTML(body)


def _province_context(ctx: Context) -> str:
    """The province's survey figure, labelled as the province's (never as the municipality's own)."""
    row = gap_view.province_survey(ctx)
    if row is None:
        return ""
    pv = (schema.municipality_name(row["region_code"]) or row["region_code"]).removesuffix(" (PV)")
    return _wrap(f"<p>{esc(gap_view_text.province_sentence(ctx.name, pv, row))}</p>").data


def _across_figures(ctx: Context, across: pd.DataFrame) -> str:
    """Quadrant and caterpillar charts of the comparison across units, drawn once per folder, year and focal unit."""
    provinces = across.attrs.get("unit_kind") == "province"
    focal = gap_view.province_of(ctx) if provinces else ctx.code
    return ctx.once("gap_across_html", lambda: gap_view.figures(across, focal, provinces, ctx.name, ctx.folder))


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


# --- a failing section is one sentence; the rest of the report stands ------------------------------

#: data text (a "$" in a theme name) is never read as matplotlib mathtext
import matplotlib  # noqa: E402

matplotlib.rcParams["text.parse_math"] = False

#: sections the notebook calls; each is wrapped by :func:`_standing` below
SECTIONS = ("summary", "police_section", "yearly_chart", "trend_section", "yearly_trend", "dashboard_section",
            "activities_section", "gap_section", "map_section", "verantwoording")


def failed_section(error: Exception) -> HTML:
    """The one sentence a section shows instead of its content when it cannot be made."""
    reason = str(error.problems[0]) if isinstance(error, DataError) and error.problems else \
        (str(error).strip().splitlines() or [type(error).__name__])[0]
    return _wrap(f'<p class="missing">{esc(f"Dit onderdeel kan niet worden getoond: {reason}"[:400])}</p>')


def _standing(section):
    """``section`` that renders :func:`failed_section` instead of raising, and names excluded municipalities."""
    import functools

    @functools.wraps(section)
    def run(ctx: Context) -> HTML:
        confined = validate.section_problems(ctx.data, ctx.code, section.__name__) if ctx.data.problems else []
        if confined:
            return failed_section(DataError(confined))
        try:
            out = section(ctx)
        except Exception as e:  # noqa: BLE001 - one section's problem never loses the whole report
            return failed_section(e)
        if section.__name__ == "gap_section" and ctx.data.excluded:
            note = ("Niet meegeteld in de vergelijking met andere gemeenten, omdat hun gegevens fouten bevatten: "
                    + ", ".join(ctx.data.excluded) + ".")
            out = HTML(out.data + _wrap(f"<p>{esc(note)}</p>").data)
        return out
    return run


for _name in SECTIONS:
    globals()[_name] = _standing(globals()[_name])
del _name
