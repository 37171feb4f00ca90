"""The interactive explorer for JupyterLab (notebooks/verkenner.ipynb), built from library calls.

Two layers:

* pure functions that turn a :class:`~ivpanalysis.datafolder.Dataset` and a :class:`Selection` into a
  :class:`View` — the table (numbers and Dutch text), the chart data, the trend result — and draw
  the chart; tests call these without a browser;
* :class:`Explorer`, the ipywidgets wiring: controls (municipality by name, crime category,
  period range, count or rate per 1.000, comparison municipalities, trend on/off), the outputs
  (chart as PNG, table as HTML, trend summary) and export of the current table (CSV) and
  figure (PNG) to a folder.

Counts are yearly totals from :func:`ivpanalysis.police.annual_counts` (a year built from months,
quarters or half-years only when complete). Rates per 1.000 inhabitants use the data folder's
population table through :func:`ivpanalysis.rates.per_1000`; without it the rate option is
switched off and says why — no denominator is ever guessed. The trend is
:func:`ivpanalysis.trend.fit_trend` on the yearly counts of the chosen municipality (with the
population as offset for rates). Nothing here computes a statistic of its own.
"""
from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ivpanalysis.ingest import datafolder, schema, validate
from ivpanalysis.present import fmt, trend_text
from ivpanalysis import paths
from ivpanalysis.analysis import rates
from ivpanalysis.analysis import trend as _trend
from ivpanalysis.analysis.police import annual_counts
from ivpanalysis.present import charts

#: measure key → Dutch label (the options of the count/rate control)
MEASURES = {"count": "Aantal", "rate": "Per 1.000 inwoners"}
RATE_KIND = "inwoners"  # the denominator of the explorer's rate (rates.DENOMINATORS)
#: where the export button writes unless told otherwise (reports/ is not under version control)
DEFAULT_EXPORT = paths.REPORTS_DIR / "verkenner"


@dataclass(frozen=True)
class Selection:
    """What the reader chose: municipality code, category key, years, measure, comparisons, trend."""

    municipality: str
    category: str
    first: int
    last: int
    measure: str = "count"  # "count" or "rate"
    compare: tuple[str, ...] = ()
    trend: bool = True


@dataclass
class View:
    """Everything the explorer shows for one selection.

    ``table``: numbers by year (index ``Jaar``), one column per municipality (main first, by
    name), plus ``Trendlijn …`` when a trend line was fitted. ``table_text``: the same in Dutch
    number format. ``chart``: the data the figure draws (see :func:`chart_data`). ``trend``: the
    :class:`~ivpanalysis.trend.TrendResult` or None when the trend is off. ``notes``: Dutch
    remarks for the reader (years without a denominator, …).
    """

    selection: Selection
    table: pd.DataFrame
    table_text: pd.DataFrame
    chart: dict
    trend: _trend.TrendResult | None
    notes: list[str] = field(default_factory=list)

    @property
    def summary_nl(self) -> str:
        return trend_text.summary(self.trend) if self.trend is not None else ""


# --- what the data offer ----------------------------------------------------------------------------

def _names_in_data(data: datafolder.Dataset) -> dict[str, str]:
    pairs = data.police[["region_code", "region_name"]].drop_duplicates()
    out: dict[str, str] = {}
    for code, name in zip(pairs["region_code"].astype(str), pairs["region_name"]):
        name = "" if pd.isna(name) else str(name).strip()
        if name and name != code:
            out.setdefault(code, name)
    return out


def region_name(data: datafolder.Dataset, code: str, _names: dict[str, str] | None = None) -> str:
    """The name of a region as the data give it, else as the CBS code list gives it, else the code."""
    names = _names if _names is not None else _names_in_data(data)
    return names.get(code) or schema.municipality_name(code) or code


def municipality_options(data: datafolder.Dataset) -> list[tuple[str, str]]:
    """(name, code) of every municipality with police figures in the data, sorted by name.

    Pseudo-units ("Gemeente onbekend"), police units and provinces are left out; a name that occurs
    twice gets its code added so that every option is unambiguous.
    """
    codes = sorted(c for c in pd.unique(data.police["region_code"].astype(str)) if schema.GM_PATTERN.match(c)
                   and schema.region_kind(c) in ("municipality", "unknown"))
    in_data = _names_in_data(data)
    named = [(region_name(data, c, in_data), c) for c in codes]
    counts = pd.Series([n for n, _ in named]).value_counts()
    named = [(f"{n} ({c})" if counts[n] > 1 else n, c) for n, c in named]
    return sorted(named, key=lambda nc: (nc[0].casefold(), nc[1]))


def category_options(data: datafolder.Dataset) -> list[tuple[str, str]]:
    """(Dutch label, key) of the categories with police figures in the data, in the report's order."""
    present = set(pd.unique(data.police["measure"].astype(str)))
    cats = data.categories  # in the report's row order (datafolder.load)
    return [(lab, key) for key, lab in zip(cats["key"], cats["label"]) if key in present]


def year_range(data: datafolder.Dataset) -> tuple[int, int]:
    """First and last year of the police figures."""
    years = [p.year for p in pd.unique(data.police["period"])]
    if not years:
        raise LookupError(f"no police figures in {data.data_dir}")
    return min(years), max(years)


def rate_availability(data: datafolder.Dataset) -> tuple[bool, str]:
    """Whether rates per 1.000 inhabitants can be shown, and if not, the Dutch reason."""
    measure = rates.DENOMINATORS[RATE_KIND][0]
    pop = data.population
    if pop is None or pop.empty or not (pop["measure"] == measure).any():
        return False, ("niet beschikbaar: deze gegevensmap bevat geen inwonertallen "
                       "(voeg ze toe met `ivpanalysis fetch` of een CBS-bevolkingsbestand)")
    return True, ""


def measure_options(data: datafolder.Dataset) -> list[tuple[str, str]]:
    """Options of the count/rate control; the rate's label says why when it is unavailable
    (in short; :func:`rate_availability` gives the whole reason, which the explorer shows as a note)."""
    ok, _ = rate_availability(data)
    return [(MEASURES["count"], "count"),
            (MEASURES["rate"] + ("" if ok else " (niet beschikbaar: geen inwonertallen in de gegevens)"), "rate")]


def default_selection(data: datafolder.Dataset, municipality: str | None = None, category: str | None = None,
                      **kw) -> Selection:
    """A starting selection: the given (or first) municipality and category over all years."""
    munis = [c for _, c in municipality_options(data)]
    cats = [k for _, k in category_options(data)]
    if not munis or not cats:
        raise LookupError(f"no municipal police figures in {data.data_dir}")
    code = _resolve_municipality(data, municipality) if municipality else munis[0]
    if category is None:
        category = "criminaliteit_totaal" if "criminaliteit_totaal" in cats else cats[0]
    first, last = year_range(data)
    return Selection(municipality=code, category=category, first=kw.pop("first", first),
                     last=kw.pop("last", last), **kw)


def _resolve_municipality(data: datafolder.Dataset, name_or_code: str) -> str:
    options = municipality_options(data)
    by_code = {c for _, c in options}
    text = str(name_or_code).strip()
    if text.upper() in by_code:
        return text.upper()
    for n, c in options:
        if n.casefold() == text.casefold():
            return c
    code = schema.code_for_name(text)
    if code in by_code:
        return code
    shown = ", ".join(n for n, _ in options[:8]) + (" …" if len(options) > 8 else "")
    raise LookupError(f"municipality {name_or_code!r} has no police figures in {data.data_dir} (present: {shown})")


# --- the numbers ------------------------------------------------------------------------------------

def count_series(data: datafolder.Dataset, code: str, category: str, first: int, last: int) -> pd.Series:
    """Yearly counts of one category for one region, every year from ``first`` to ``last`` (NaN if absent)."""
    counts = annual_counts(data.police, code)
    years = range(first, last + 1)
    if counts.empty or category not in counts.index:
        return pd.Series(np.nan, index=pd.Index(years, name="Jaar"), dtype=float)
    return counts.loc[category].reindex(years).astype(float).rename_axis("Jaar")


def yearly_rates(data: datafolder.Dataset, code: str, counts: pd.Series) -> tuple[pd.Series, list[int]]:
    """Rates per 1.000 inhabitants for a yearly count series and the years without a denominator.

    Raises :class:`~ivpanalysis.rates.MissingDenominator` when the data hold no population at all.
    A year without a population figure for ``code`` gets NaN (never a borrowed denominator).
    """
    ok, why = rate_availability(data)
    if not ok:
        raise rates.MissingDenominator(f"per 1.000 inwoners {why}")
    den = _population(data, code, counts.index)
    den = den.where(den > 0)
    missing = [int(y) for y in den.index[den.isna()]]
    return (1000.0 * counts.astype(float) / den.to_numpy()).rename_axis("Jaar"), missing


def _population(data: datafolder.Dataset, code: str, years) -> pd.Series:
    den = rates.denominator(data.population, code, RATE_KIND)
    return den.reindex(list(years))


def _years_nl(years: list[int]) -> str:
    ys = [str(y) for y in years]
    return ys[0] if len(ys) == 1 else ", ".join(ys[:-1]) + " en " + ys[-1]


def fit(data: datafolder.Dataset, sel: Selection, counts: pd.Series, name: str, label: str) -> _trend.TrendResult:
    """The trend of the main municipality's yearly counts (with the population as offset for rates).

    For rates, years without a population figure are left out of the fit.
    """
    series = counts.copy()
    population = None
    if sel.measure == "rate":
        pop = _population(data, sel.municipality, counts.index)
        series[pop.isna() | (pop <= 0)] = np.nan
        population = pd.Series(pop.where(pop > 0).to_numpy(float),
                               index=pd.PeriodIndex([pd.Period(year=int(y), freq="Y") for y in pop.index]))
    series.index = pd.PeriodIndex([pd.Period(year=int(y), freq="Y") for y in series.index])
    series = series.loc[series.first_valid_index():series.last_valid_index()] if series.notna().any() else series
    if population is not None:
        population = population.reindex(series.index)
    return _trend.fit_trend(series, population=population, region_name=name, measure_label=label,
                            measure=sel.category)


def chart_data(data: datafolder.Dataset, sel: Selection) -> tuple[dict, _trend.TrendResult | None, list[str]]:
    """The chart's data for a selection, the trend result (None when off) and notes for the reader.

    ``{"title", "ylabel", "measure", "years", "lines": {name: Series by year}, "main": name,
    "trend": DataFrame(fitted, lower, upper) by year in the chart's unit, or None}``.
    """
    labels = dict((k, lab) for lab, k in category_options(data))
    if sel.category not in labels:
        raise LookupError(f"category {sel.category!r} has no police figures in {data.data_dir}")
    if sel.first > sel.last:
        raise ValueError(f"first year {sel.first} is after last year {sel.last}")
    label = labels[sel.category]
    codes = [sel.municipality] + [c for c in dict.fromkeys(sel.compare) if c != sel.municipality]
    lines, notes = {}, []
    main_name = region_name(data, sel.municipality)
    main_counts = None
    for code in codes:
        name = region_name(data, code)
        counts = count_series(data, code, sel.category, sel.first, sel.last)
        if code == sel.municipality:
            main_counts = counts
        values = counts
        if sel.measure == "rate":
            values, missing = yearly_rates(data, code, counts)
            if missing:
                notes.append(f"Geen inwonertal voor {name} in {_years_nl(missing)}: "
                             "daar staat geen cijfer per 1.000 inwoners.")
        elif sel.measure != "count":
            raise ValueError(f"measure must be 'count' or 'rate', not {sel.measure!r}")
        if counts.isna().all():
            notes.append(f"Geen politiecijfers voor '{label}' in {name} in deze periode.")
        lines[name] = values
    provisional = _provisional_years(data, codes, sel.category, sel.first, sel.last)
    if provisional:
        notes.append(f"De cijfers over {_years_nl(provisional)} zijn voorlopig.")
    result, trend_line = None, None
    if sel.trend:
        result = fit(data, sel, main_counts, main_name, label)
        if result.ok:
            f = result.fitted[["fitted", "lower", "upper"]].copy()
            f.index = pd.Index([p.year for p in f.index], name="Jaar")
            if sel.measure == "rate":
                pop = _population(data, sel.municipality, f.index)
                f = f.div(pop / 1000.0, axis=0)
            trend_line = f
    period = f"{sel.first}" if sel.first == sel.last else f"{sel.first}–{sel.last}"
    chart = {"title": f"{label} in {main_name}, {period}", "measure": sel.measure,
             "ylabel": "Aantal geregistreerde misdrijven" if sel.measure == "count" else "Per 1.000 inwoners",
             "years": list(range(sel.first, sel.last + 1)), "lines": lines, "main": main_name,
             "trend": trend_line, "level": result.level if result is not None else None}
    return chart, result, notes


def _provisional_years(data: datafolder.Dataset, codes: list[str], category: str, first: int, last: int) -> list[int]:
    """Years in the range whose police rows for these regions and category are marked voorlopig."""
    p = data.police
    rows = p[p["region_code"].isin(codes) & (p["measure"] == category)]
    if "status" not in rows.columns or rows.empty:
        return []
    years = {q.year for q, st in zip(rows["period"], rows["status"]) if str(st).strip().lower() == "voorlopig"}
    return sorted(y for y in years if first <= y <= last)


def table_frame(chart: dict) -> pd.DataFrame:
    """The chart's numbers as a table: years as rows, municipalities (and the trend line) as columns."""
    table = pd.DataFrame(chart["lines"], index=pd.Index(chart["years"], name="Jaar"))
    if chart["trend"] is not None:
        table[f"Trendlijn {chart['main']}"] = chart["trend"]["fitted"].reindex(table.index)
    return table


def table_text(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The table in Dutch number format: counts whole, rates and trend values with one decimal."""
    out = pd.DataFrame(index=table.index.astype(str))
    out.index.name = table.index.name
    for col in table.columns:
        dec = 1 if measure == "rate" or str(col).startswith("Trendlijn") else 0
        out[col] = [fmt.number(v, dec) for v in table[col]]
    return out


def compute(data: datafolder.Dataset, sel: Selection) -> View:
    """The explorer's view of a selection (pure: no widgets, no files)."""
    chart, result, notes = chart_data(data, sel)
    table = table_frame(chart)
    return View(selection=sel, table=table, table_text=table_text(table, sel.measure), chart=chart,
                trend=result, notes=notes)


# --- drawing and export -----------------------------------------------------------------------------

def figure(chart: dict, figsize=(8.5, 4.4)) -> Figure:
    """The explorer's chart (:func:`ivpanalysis.present.charts.explorer_chart`, the house style)."""
    return charts.explorer_chart(chart, figsize)


def png_bytes(fig: Figure, dpi: int = 100) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def export_stem(sel: Selection) -> str:
    """File name (without extension) of an export: municipality, category, years and measure."""
    extra = f"_met-{len(sel.compare)}" if sel.compare else ""
    return f"verkenner_{sel.municipality}_{_slug(sel.category)}_{sel.first}-{sel.last}_{sel.measure}{extra}"


def export(view: View, folder: str | Path, dpi: int = 150) -> tuple[Path, Path]:
    """Write the view's table (CSV: ``;``-separated, decimal comma, as Dutch Excel reads it) and its
    figure (PNG) to ``folder`` (created if needed); returns both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = export_stem(view.selection)
    csv = folder / f"{stem}.csv"
    png = folder / f"{stem}.png"
    table = view.table.copy()
    for col in table.columns:  # whole counts stay whole; rates and trend values keep 4 decimals
        values = table[col].dropna()
        table[col] = table[col].astype("Int64") if values.map(float.is_integer).all() else table[col].round(4)
    table.columns = [f"{c} ({MEASURES[view.selection.measure].lower()})" for c in table.columns]
    table.to_csv(csv, sep=";", decimal=",", encoding="utf-8-sig")
    png.write_bytes(png_bytes(figure(view.chart), dpi=dpi))
    return csv, png


def table_html(view: View) -> str:
    """The Dutch-formatted table as HTML (numbers right-aligned)."""
    return view.table_text.to_html(classes="ivp-verkenner-tabel", justify="right", border=0, escape=True)


# --- the widgets ------------------------------------------------------------------------------------

class Explorer:
    """The ipywidgets explorer over one data folder; display it in a notebook cell.

    ``controls`` holds the widgets by role (``municipality``, ``category``, ``years``, ``measure``,
    ``compare``, ``trend``, ``folder``, ``export``); setting their ``value`` updates :attr:`view`
    and the outputs (``chart``: PNG image, ``table``: HTML, ``summary``: HTML, ``notes``: HTML,
    ``status``: export messages).
    """

    def __init__(self, data: datafolder.Dataset, selection: Selection, export_folder: str | Path | None = None):
        import ipywidgets as w

        self.data = data
        first, last = year_range(data)
        munis = municipality_options(data)
        rate_ok, self.rate_reason = rate_availability(data)
        layout = w.Layout(width="28em")
        style = {"description_width": "8em"}
        self.controls = {
            "municipality": w.Dropdown(options=munis, value=selection.municipality, description="Gemeente",
                                       layout=layout, style=style),
            "category": w.Dropdown(options=category_options(data), value=selection.category,
                                   description="Soort misdrijf", layout=layout, style=style),
            "years": w.IntRangeSlider(min=first, max=last, value=(selection.first, selection.last), step=1,
                                      description="Periode", layout=layout, style=style, continuous_update=False),
            "measure": w.RadioButtons(options=measure_options(data), value=selection.measure if rate_ok else "count",
                                      description="Weergave", disabled=not rate_ok, layout=w.Layout(width="40em"),
                                      style=style),
            "compare": w.SelectMultiple(options=munis, value=tuple(selection.compare), rows=6,
                                        description="Vergelijk met", layout=layout, style=style),
            "trend": w.Checkbox(value=selection.trend, description="Trendlijn tonen", indent=False,
                                layout=w.Layout(margin="0 0 0 8.5em")),
            "folder": w.Text(value=str(export_folder if export_folder is not None else DEFAULT_EXPORT),
                             description="Exportmap", layout=layout, style=style),
            "export": w.Button(description="Tabel (CSV) en grafiek (PNG) opslaan", icon="download",
                               layout=w.Layout(width="28em")),
        }
        self.chart = w.Image(format="png", layout=w.Layout(max_width="900px"))
        self.table = w.HTML()
        self.summary = w.HTML()
        self.notes = w.HTML()
        self.status = w.HTML()
        self.view: View | None = None
        for key, widget in (*self.controls.items(), ("chart", self.chart), ("table", self.table),
                            ("summary", self.summary), ("notes", self.notes), ("status", self.status)):
            widget.add_class(f"ivp-{key}")  # stable hooks for styling and the browser test
        for key in ("municipality", "category", "years", "measure", "compare", "trend"):
            self.controls[key].observe(self._on_change, names="value")
        self.controls["export"].on_click(lambda _: self.export())
        c = self.controls
        left = w.VBox([c["municipality"], c["category"], c["years"], c["measure"], c["trend"]])
        right = w.VBox([c["compare"], c["folder"], c["export"], self.status])
        controls = w.HBox([left, right], layout=w.Layout(flex_flow="row wrap", grid_gap="2em"))
        self.widget = w.VBox([controls, self.chart, self.summary, self.notes, self.table])
        self.widget.add_class("ivp-verkenner")
        self.refresh()

    @property
    def selection(self) -> Selection:
        c = self.controls
        first, last = c["years"].value
        return Selection(municipality=c["municipality"].value, category=c["category"].value, first=int(first),
                         last=int(last), measure=c["measure"].value, compare=tuple(c["compare"].value),
                         trend=bool(c["trend"].value))

    def _on_change(self, _change) -> None:
        self.refresh()

    def refresh(self) -> View:
        """Recompute the view from the controls and redraw the outputs."""
        self.view = compute(self.data, self.selection)
        self.chart.value = png_bytes(figure(self.view.chart))
        self.table.value = table_html(self.view)
        self.summary.value = (f"<p class='ivp-trendtekst'>{html.escape(self.view.summary_nl)}</p>"
                              if self.view.trend is not None else "")
        notes = list(self.view.notes)
        if self.rate_reason:
            notes.append(f"{MEASURES['rate']}: {self.rate_reason}.")
        self.notes.value = "".join(f"<p class='ivp-note'><i>{html.escape(n)}</i></p>" for n in notes)
        return self.view

    def export(self, folder: str | Path | None = None) -> tuple[Path, Path]:
        """Save the current table (CSV) and figure (PNG); ``folder`` defaults to the export-folder field."""
        folder = Path(folder if folder is not None else self.controls["folder"].value).expanduser()
        csv, png = export(self.view, folder)
        self.status.value = (f"Opgeslagen: <code>{html.escape(str(csv))}</code> en "
                             f"<code>{html.escape(str(png))}</code>")
        return csv, png

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def explore(data: str | Path | datafolder.Dataset | None = None, municipality: str | None = None,
            category: str | None = None, *, years: tuple[int, int] | None = None, measure: str = "count",
            compare: tuple[str, ...] | list[str] = (), trend: bool = True,
            export_folder: str | Path | None = None) -> Explorer:
    """The explorer over a data folder (None: the embedded data; or a loaded Dataset).

    ``municipality`` and ``compare`` take codes (GM0995) or names (Lelystad); ``category`` a
    category key; ``years`` a (first, last) pair; ``export_folder`` where the export button writes
    (default :data:`DEFAULT_EXPORT`, reports/verkenner). Display the result in a notebook cell.
    """
    ds = data if isinstance(data, datafolder.Dataset) else datafolder.load(data)
    ds = validate.gate(ds)  # the report's gate: municipalities with problems are left out
    validate.refuse(ds)  # shared problems stop the explorer with their list
    sel = default_selection(ds, municipality, category)
    if years is not None:
        sel = replace(sel, first=int(years[0]), last=int(years[1]))
    if measure == "rate" and not rate_availability(ds)[0]:
        raise rates.MissingDenominator(f"per 1.000 inwoners {rate_availability(ds)[1]}")
    sel = replace(sel, measure=measure, trend=trend,
                  compare=tuple(_resolve_municipality(ds, c) for c in compare))
    return Explorer(ds, sel, export_folder=export_folder)
