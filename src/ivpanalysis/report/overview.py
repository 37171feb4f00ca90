"""The batch overview (``index.html``): every municipality of a run side by side in one sortable
table — registered crime (per 1.000 inhabitants where the folder has population figures), its
change, whether that change is more than chance, the dashboard's green/orange/red counts and a
link to the report — with filters by police unit and province, and the failures with their reason.

Static HTML with a few lines of inline script for sorting and filtering (no CDN; without script
the table still reads in alphabetical order). Every figure is computed with the library calls the
reports use (:func:`ivpanalysis.police_table`, :func:`ivpanalysis.analysis.rates.per_1000`,
:func:`ivpanalysis.dashboard`).
"""
from __future__ import annotations

import math

import pandas as pd

from ivpanalysis.analysis import indicators, police, rates
from ivpanalysis.ingest import schema
from ivpanalysis.present import fmt
from ivpanalysis.present.html import esc
from ivpanalysis.report.context import TOTAL, load_data
from ivpanalysis.report.maps import national_map_html

#: the overview's columns: (key, header, numeric)
COLUMNS = (("name", "Gemeente", False), ("police_unit", "Politie-eenheid", False), ("province", "Provincie", False),
           ("year", "Jaar", True), ("total", "Misdrijven", True), ("per_1000", "Per 1.000 inwoners", True),
           ("change", "Verandering t.o.v. jaar ervoor", True), ("significant", "Meer dan toeval?", False),
           ("green", "Groen", True), ("orange", "Oranje", True), ("red", "Rood", True),
           ("no_verdict", "Zonder oordeel", True))
_VERDICT = {"yes": "ja", "no": "nee", "too_small": "te klein"}


def municipality_figures(data, code: str) -> dict:
    """The overview's figures of one municipality (NaN or '' where the data do not have them)."""
    try:
        table = police.police_table(data, code)
    except (LookupError, ValueError):
        table = pd.DataFrame()
    return _figures(data, code, table)


def report_figures(ctx) -> dict:
    """:func:`municipality_figures` from a report's own context, reusing the police table the report
    computed; a batch worker runs it in the report's kernel and puts the result in the manifest, so
    the overview need not compute every municipality again."""
    from ivpanalysis.report.context import police_figures
    try:
        table = police_figures(ctx)  # empty without a report year
    except (LookupError, ValueError):
        table = pd.DataFrame()
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in _figures(ctx.data, ctx.code, table).items()}


def _figures(data, code: str, table: pd.DataFrame) -> dict:
    row = {"police_unit": "", "province": _province(data, code), "year": math.nan, "total": math.nan,
           "per_1000": math.nan, "change": math.nan, "significant": "", "green": math.nan, "orange": math.nan,
           "red": math.nan, "no_verdict": math.nan}
    unit = police.default_region(data, code)
    row["police_unit"] = (schema.municipality_name(unit) or unit).replace(" (RE)", "") if unit else ""
    if not table.empty and TOTAL in table.index:
        year, r = int(table.attrs["year"]), table.loc[TOTAL]
        row.update(year=year, total=_plain(r[str(year)]),
                   change=_plain(r["change_pct"]) if r["change_source"] == "computed" else math.nan,
                   significant=_VERDICT.get(r["significant"], ""))
        try:
            row["per_1000"] = _plain(rates.per_1000(r[str(year)], code, year, "inwoners", data.population))
        except LookupError:  # no population figures for this municipality and year
            pass
    row.update(_dashboard_counts(data, code))
    return row


def _plain(value):
    """A table cell as a plain float (NaN for missing: pd.NA, None), so it survives JSON."""
    try:
        return math.nan if value is None or pd.isna(value) else float(value)
    except (TypeError, ValueError):
        return math.nan


def _dashboard_counts(data, code: str) -> dict:
    ind = data.indicators
    if ind is None or ind.empty or "region_code" not in ind.columns or not (ind["region_code"] == code).any():
        return {}
    counts = indicators.dashboard(data, code)["verdict"].value_counts()
    out = {v: int(counts.get(v, 0)) for v in ("green", "orange", "red")}
    out["no_verdict"] = int(counts.get("", 0))
    return out


def _province(data, code: str) -> str:
    """The municipality's province from the folder's ``regions`` role (``province_code``), else ''."""
    regions = getattr(data, "regions", None)
    if isinstance(regions, pd.DataFrame) and {"region_code", "province_code"} <= set(regions.columns):
        hit = regions.loc[regions["region_code"] == code, "province_code"].dropna()
        if len(hit):
            return (schema.municipality_name(str(hit.iloc[0])) or str(hit.iloc[0])).replace(" (PV)", "")
    return ""


def _cell(key: str, value) -> tuple[str, str]:
    """(shown text, sort key) of one cell."""
    missing = value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))  # pd.NA: Int64 counts
    if key == "change":
        return fmt.pct(value), "" if missing else repr(float(value))
    if key == "per_1000":
        return fmt.number(value, 1), "" if missing else repr(float(value))
    if key == "year":
        return ("–" if missing else str(int(value))), "" if missing else str(int(value))
    if key in ("total", "green", "orange", "red", "no_verdict"):
        return ("–" if missing else fmt.number(value)), "" if missing else repr(float(value))
    return esc(value) if value else "–", esc(value)


def rows(manifest: dict) -> list[dict]:
    """One dict per successful report: name, code, href and its figures — those the report's worker
    recorded (``figures`` in its manifest entry, :func:`report_figures`), else :func:`municipality_figures`."""
    ok = [r for r in manifest["reports"] if r["status"] == "ok"]
    data = None
    out = []
    for r in ok:
        figures = r.get("figures")
        if isinstance(figures, dict):
            figures = {k: (math.nan if v is None else v) for k, v in figures.items()}
        else:
            if data is None:
                data = _data(manifest)
            figures = {}
            if data is not False:
                try:
                    figures = municipality_figures(data, r["code"])
                except Exception:  # noqa: BLE001 - one municipality's figures never hide the others
                    figures = {}
        out.append({"name": f"{r.get('name') or ''} ({r['code']})", "href": r["outputs"][0], **figures})
    return sorted(out, key=lambda r: r["name"])


def _data(manifest: dict):
    """The run's data folder, or False when it cannot be read (the figures stay empty, the links stay)."""
    try:
        return load_data(manifest.get("data_dir"))
    except Exception:  # noqa: BLE001
        return False


def _table(items: list[dict]) -> str:
    head = "".join(f'<th scope="col" aria-sort="none"><button type="button" data-col="{i}"{" data-num" if num else ""}>'
                   f"{esc(h)}</button></th>" for i, (_, h, num) in enumerate(COLUMNS))
    body = []
    for r in items:
        cells = []
        for key, _, num in COLUMNS:
            text, sort = _cell(key, r.get(key, math.nan))
            if key == "name":
                text = f'<a href="{esc(r["href"])}">{text}</a>'
            cls = ' class="num"' if num else ""
            cells.append(f'<td{cls} data-sort="{sort}">{text}</td>')
        body.append(f'<tr data-police-unit="{esc(r.get("police_unit", ""))}" '
                    f'data-province="{esc(r.get("province", ""))}">{"".join(cells)}</tr>')
    caption = ("Gemeenten van deze run naast elkaar: geregistreerde misdrijven in het laatste jaar, de verandering "
               "ten opzichte van het jaar ervoor en het oordeel van het dashboard. Klik op een kolomkop om te sorteren.")
    return (f'<table id="overview"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _filter(items: list[dict], key: str, label: str) -> str:
    values = sorted({r.get(key, "") for r in items if r.get(key)})
    if not values:
        return f'<p class="note">{esc(label)}: niet bekend in de gegevensmap, dus geen filter.</p>'
    options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    ident = key.replace("_", "-")
    return (f'<label for="filter-{ident}">{esc(label)}</label> <select id="filter-{ident}" data-key="{ident}">'
            f'<option value="">alle</option>{options}</select>')


def _failures(failed: list[dict]) -> str:
    if not failed:
        return "<p>Geen mislukte rapporten.</p>"
    rows_ = "".join(f"<tr><td>{esc(r['code'])}</td><td>{esc(r.get('name') or '')}</td>"
                    f"<td>{esc(r.get('error') or '')}</td></tr>" for r in failed)
    return (f"<h2>Mislukt ({len(failed)})</h2><table><caption>Rapporten die niet gemaakt konden worden, met de "
            f"reden.</caption><thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Gemeente</th>"
            f"<th scope=\"col\">Reden</th></tr></thead><tbody>{rows_}</tbody></table>")


def _map(manifest: dict) -> str:
    """The national map of the run's data folder (:func:`ivpanalysis.report.maps.national_map_html`)."""
    try:
        body = national_map_html(manifest.get("data_dir"))
    except Exception as e:  # noqa: BLE001 - the map never hides the table; the reason is shown instead
        body = f'<p class="note">Kaart weggelaten: {esc(str(e))}</p>'
    return f"<h2>Kaart</h2>{body}"


def overview_html(manifest: dict) -> str:
    """The whole ``index.html`` of a batch run (all text escaped, no request leaves the page)."""
    items = rows(manifest)
    failed = [r for r in manifest["reports"] if r["status"] != "ok"]
    filters = _filter(items, "police_unit", "Politie-eenheid") + " " + _filter(items, "province", "Provincie")
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evaluatierapporten integraal veiligheidsplan</title><style>{CSS}</style></head><body><main>
<h1>Evaluatierapporten integraal veiligheidsplan</h1>
<p>Gemaakt op {esc(manifest['started'])}: {len(items)} gelukt, {len(failed)} mislukt.</p>
<h2>Rapporten ({len(items)})</h2>
<div class="filters">{filters}</div>
{_table(items)}
<p class="note">Meer dan toeval: de verandering is groter dan de gewone schommeling van jaar tot jaar (zie de
Verantwoording in elk rapport). Groen, oranje, rood en zonder oordeel: aantal indicatoren van het
veiligheidsplan met dat oordeel.
– betekent: niet in de gegevens.</p>
{_map(manifest) if items else ""}
{_failures(failed)}
</main><script>{SCRIPT}</script></body></html>
"""


CSS = """body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;max-width:72em;margin:2em auto;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1.5em}caption{text-align:left;font-weight:bold;padding:.3em 0}
td,th{padding:.25em .6em;text-align:left;border-bottom:1px solid #ccc;vertical-align:top}
thead th{border-bottom:2px solid #222}td.num{text-align:right;font-variant-numeric:tabular-nums}
th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;color:#222;text-align:left}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
figure{margin:1em 0}figure img{max-width:100%;height:auto}.filters{margin:.5em 0}.filters select{margin-right:1.5em}.note{color:#444;font-size:.9em}a{color:#0b5394}"""

SCRIPT = """(function(){var t=document.getElementById('overview');if(!t)return;var b=t.tBodies[0];
t.querySelectorAll('th button').forEach(function(btn){btn.addEventListener('click',function(){
var th=btn.parentNode,col=+btn.dataset.col,num=btn.hasAttribute('data-num');
var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
t.querySelectorAll('th').forEach(function(h){h.setAttribute('aria-sort','none')});th.setAttribute('aria-sort',dir);
var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){
var a=x.cells[col].dataset.sort,c=y.cells[col].dataset.sort;if(a===''&&c!=='')return 1;if(c===''&&a!=='')return -1;
var r=num?(parseFloat(a)-parseFloat(c)):a.localeCompare(c,'nl');return dir==='ascending'?r:-r});
rows.forEach(function(r){b.appendChild(r)})})});
var sels=document.querySelectorAll('.filters select');function apply(){Array.prototype.forEach.call(b.rows,function(r){
var show=true;sels.forEach(function(s){if(s.value&&r.dataset[s.dataset.key==='police-unit'?'policeUnit':'province']!==s.value)
show=false});r.hidden=!show})}sels.forEach(function(s){s.addEventListener('change',apply)})})();"""
