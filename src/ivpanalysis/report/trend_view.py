"""The trend section's parts (issue 18, item 3): the series the folder carries for a municipality
(:mod:`ivpanalysis.analysis.series`), fitted once (:mod:`.fits`), drawn once per report.

Annual series of at least five years: the trend per category in a table and, for the total when it is
complete, the chart with the trend line and the multi-year average. Monthly series (47013NED and the
incidents role's burglaries): the chart with the trend line, the July 2018 break where the series
spans it, the COVID period and the fitted seasonal pattern; partial months left out.
"""
from __future__ import annotations


from ivpanalysis.analysis import series as _series
from ivpanalysis.analysis import totals
from ivpanalysis.present import charts, series_text
from ivpanalysis.present.html import esc, figure_html, html_table
from ivpanalysis.report import fits
from ivpanalysis.report.context import TOTAL, Context

#: what the total is called in the charts and the sentences
TOTAL_LABEL = "Criminaliteit totaal"


def labels(ctx: Context) -> dict[str, str]:
    """Category key → its Dutch label (categories.csv), for the tables and sentences."""
    cats = ctx.data.categories
    if cats is None or cats.empty or "label" not in cats.columns:
        return {}
    return dict(zip(cats["key"].astype(str), cats["label"].astype(str)))


def available(ctx: Context) -> dict:
    """The municipality's trend series: ``annual`` (dict), ``monthly`` (dict), ``incidents`` (or None)."""
    def compute():
        # sum categories (the total, geweld totaal) only in years where every part is there
        counts = totals.add_complete_totals_of(ctx.counts, ctx.code, ctx.data.categories)
        return {"annual": _series.annual_series(counts, ctx.data.police, ctx.code),
                "monthly": _series.monthly_series(ctx.data.police, ctx.code),
                "incidents": _series.incident_series(ctx.data.incidents, ctx.code)}
    return ctx.once("trend_series", compute)


def fitted(ctx: Context, s: _series.CountSeries):
    """The cached fit of one series (:func:`fits.fit`)."""
    label = labels(ctx).get(s.measure, s.measure) if s.kind != "incidents" else "woninginbraken"
    return fits.fit(ctx.folder, ctx.code, s, ctx.name, label)


def _figure(fig, alt: str) -> str:
    with fits.timed("charts"):
        return figure_html(fig, alt).data


def annual_part(ctx: Context) -> str:
    """The annual trends: the total's chart (when complete for five years or more) and the table per category."""
    annual = available(ctx)["annual"]
    if not annual:
        return ""
    names = labels(ctx)
    parts = []
    if TOTAL in annual:
        res = fitted(ctx, annual[TOTAL])
        with fits.timed("charts"):
            fig = charts.plot_trend(res, ctx.name)
        sim = "Gesimuleerd: g" if res.observed.attrs.get("simulated") else "G"
        parts.append(_figure(fig, f"{sim}eregistreerde misdrijven per jaar in {ctx.name} met trendlijn en meerjarig gemiddelde"))
        parts.append(f"<p>{esc(series_text.summary(res))}</p>")
    order = [TOTAL] + sorted(k for k in annual if k != TOTAL)
    rows = [(names.get(k, k), annual[k], fitted(ctx, annual[k])) for k in order if k in annual]
    table = series_text.annual_table(rows)
    parts.append(html_table(table, {"Gemiddeld per jaar", "Laatste jaar", "Trend per jaar"},
                            caption=f"Trend per soort misdrijf in {ctx.name}, jaartotalen"))
    parts.append(f"<p>{esc(series_text.table_note())}</p>")
    return "".join(parts)


def monthly_part(ctx: Context, s: _series.CountSeries, what: str) -> str:
    """One monthly series: chart with trend line and breaks, its seasonal pattern, the summary."""
    res = fitted(ctx, s)
    with fits.timed("charts"):
        fig = charts.plot_trend(res, ctx.name)
    simulated = bool(res.observed.attrs.get("simulated", False))
    alt = ("Gesimuleerd: " + what[:1].lower() + what[1:] if simulated else what) + f" per maand in {ctx.name} met trendlijn"
    parts = [_figure(fig, alt)]
    sentences = [series_text.summary(res)]
    left = series_text.left_out_sentence(s)
    if left:
        sentences.append(left)
    if res.ok:
        factors = _series.seasonal_factors(res.params)
        if not factors.empty and len(res.fitted) >= _series.SEASON_CYCLES * len(factors):
            with fits.timed("charts"):
                sfig = charts.seasonal_bars(factors, ctx.name, what.lower(), simulated)
            parts.append(_figure(sfig, ("Gesimuleerd: s" if simulated else "S")
                                 + f"eizoenspatroon van {what.lower()} in {ctx.name} volgens het trendmodel"))
            sentences.append(series_text.seasonal_sentence(factors))
    parts.append("".join(f"<p>{esc(t)}</p>" for t in sentences if t))
    return "".join(parts)


def monthly_parts(ctx: Context) -> str:
    """Every monthly series of the municipality: the police's months, then the incidents role's burglaries."""
    av = available(ctx)
    names = labels(ctx)
    parts = [monthly_part(ctx, s, names.get(k, k) if k != TOTAL else "Geregistreerde misdrijven")
             for k, s in sorted(av["monthly"].items(), key=lambda kv: kv[0] != TOTAL)]
    if av["incidents"] is not None:
        parts.append(monthly_part(ctx, av["incidents"], "Woninginbraken (geslaagd en poging)"))
    return "".join(parts)


def intro(ctx: Context) -> str:
    """Which series the section uses and why, as paragraphs."""
    av = available(ctx)
    return "".join(f"<p>{esc(t)}</p>" for t in series_text.which_series(av["annual"], av["monthly"], av["incidents"],
                                                                         labels(ctx)))
