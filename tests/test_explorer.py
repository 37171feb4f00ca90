"""The explorer without a browser: set widget values, check the table, the chart data, the trend
summary and the exports against figures read directly from the data."""
from __future__ import annotations

import dataclasses
import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

import nbformat

from ivpanalysis import load, load_default
from ivpanalysis.ingest import categories, schema
from ivpanalysis.explore import explorer
from ivpanalysis.present import fmt, trend_text
from ivpanalysis.analysis import noise, rates
from ivpanalysis import paths
from ivpanalysis.ingest.fetch import snapshot_from_file
from ivpanalysis.ingest.loaders import counts_json
from ivpanalysis.analysis.trend import fit_trend

REAL_FILE = "dreyer_47018NED_gemeente_jaar/data.json"


@pytest.fixture(scope="module")
def data():
    return load_default()


@pytest.fixture
def ex(data, tmp_path):
    return explorer.explore(data, "Lelystad", "woninginbraak", export_folder=tmp_path / "export")


def yearly(data, code: str, key: str) -> pd.Series:
    """Yearly values of one region and category straight from the tidy rows (the embedded data are yearly)."""
    rows = data.police[(data.police["region_code"] == code) & (data.police["measure"] == key)]
    assert {schema.freq_of(p) for p in rows["period"]} == {"Y"}
    return pd.Series(rows["value"].to_numpy(float), index=[p.year for p in rows["period"]]).sort_index()


def codes_in(data) -> list[str]:
    return sorted(c for c in set(data.police["region_code"]) if schema.region_kind(c) == "municipality")


# --- options -----------------------------------------------------------------------------------------

def test_options_follow_the_data(data, ex):
    munis = explorer.municipality_options(data)
    assert sorted(c for _, c in munis) == codes_in(data)
    assert [n for n, _ in munis] == sorted(n for n, _ in munis)  # by name
    assert dict(munis)["Lelystad"] == "GM0995"
    assert ex.controls["municipality"].options == tuple(munis)
    cats = [k for _, k in explorer.category_options(data)]
    assert set(cats) == set(data.police["measure"])
    order = list(categories.table()["key"])
    assert cats == [k for k in order if k in cats]  # the report's order
    first, last = explorer.year_range(data)
    years = [p.year for p in data.police["period"]]
    assert (ex.controls["years"].min, ex.controls["years"].max) == (min(years), max(years)) == (first, last)


def test_rate_unavailable_without_population_says_why(data, ex):
    assert data.population.empty
    ok, why = explorer.rate_availability(data)
    assert not ok and "inwonertallen" in why
    radio = ex.controls["measure"]
    assert radio.disabled and radio.value == "count"
    label = dict((v, k) for k, v in radio.options)["rate"]
    assert label.startswith("Per 1.000 inwoners") and "niet beschikbaar" in label
    assert "niet beschikbaar" in ex.notes.value
    sel = ex.selection
    with pytest.raises(rates.MissingDenominator, match="inwonertallen"):
        explorer.compute(data, dataclasses.replace(sel, measure="rate"))
    with pytest.raises(rates.MissingDenominator):
        explorer.explore(data, "GM0995", measure="rate")


# --- widgets change the view ---------------------------------------------------------------------------

def test_initial_view_is_the_selection(data, ex):
    v = ex.view
    assert v.selection.municipality == "GM0995" and v.selection.category == "woninginbraak"
    expected = yearly(data, "GM0995", "woninginbraak")
    pd.testing.assert_series_equal(v.table["Lelystad"], expected.rename("Lelystad").rename_axis("Jaar"),
                                   check_index_type=False)
    assert list(v.chart["lines"]) == ["Lelystad"]
    assert v.chart["title"].startswith("Woninginbraken in Lelystad")
    assert ex.chart.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Lelystad" in ex.table.value


def test_municipality_change_updates_table_chart_and_image(data, ex):
    before_png, before_html = ex.chart.value, ex.table.value
    ex.controls["municipality"].value = "GM0303"  # Dronten
    v = ex.view
    assert list(v.table.columns[:1]) == ["Dronten"]
    np.testing.assert_array_equal(v.table["Dronten"].to_numpy(), yearly(data, "GM0303", "woninginbraak").to_numpy())
    assert list(v.chart["lines"]) == ["Dronten"] and v.chart["main"] == "Dronten"
    assert "Dronten" in v.chart["title"]
    assert ex.chart.value != before_png and ex.table.value != before_html
    assert "Dronten" in ex.summary.value


def test_category_change(data, ex):
    ex.controls["category"].value = "fietsdiefstal"
    np.testing.assert_array_equal(ex.view.table["Lelystad"].to_numpy(),
                                  yearly(data, "GM0995", "fietsdiefstal").to_numpy())
    label = data.categories.set_index("key").at["fietsdiefstal", "label"]
    assert ex.view.chart["title"].startswith(f"{label} in Lelystad")


def test_period_range_restricts_rows_and_trend(data, ex):
    first, last = ex.controls["years"].value
    ex.controls["years"].value = (first + 1, last)
    assert list(ex.view.table.index) == list(range(first + 1, last + 1))
    assert list(ex.view.chart["lines"]["Lelystad"].index) == list(range(first + 1, last + 1))
    obs = ex.view.trend.fitted["observed"]
    assert [p.year for p in obs.index] == list(range(first + 1, last + 1))
    ex.controls["years"].value = (last, last)  # one year: no trend line, the summary says why
    assert list(ex.view.table.index) == [last]
    assert not ex.view.trend.ok and ex.view.summary_nl
    assert ex.view.chart["trend"] is None and "Trendlijn Lelystad" not in ex.view.table


def test_comparison_municipalities(data, ex):
    ex.controls["compare"].value = ("GM0303", "GM0995", "GM0184")  # the main one is not repeated
    v = ex.view
    assert list(v.table.columns) == ["Lelystad", "Dronten", "Urk", "Trendlijn Lelystad"]
    for name, code in (("Dronten", "GM0303"), ("Urk", "GM0184")):
        np.testing.assert_array_equal(v.table[name].to_numpy(), yearly(data, code, "woninginbraak").to_numpy())
    gids = {line.get_gid() for line in explorer.figure(v.chart).axes[0].get_lines()}
    assert {"line:Lelystad", "line:Dronten", "line:Urk", "trend"} <= gids
    ex.controls["compare"].value = ()
    assert list(ex.view.table.columns) == ["Lelystad", "Trendlijn Lelystad"]


def test_trend_toggle_and_summary(data, ex):
    v = ex.view
    s = yearly(data, "GM0995", "woninginbraak")
    direct = fit_trend(pd.Series(s.to_numpy(), index=pd.PeriodIndex([pd.Period(year=y, freq="Y") for y in s.index])),
                       region_name="Lelystad", measure_label="Woninginbraken", measure="woninginbraak")
    assert v.trend.ok and v.summary_nl == trend_text.summary(direct)
    assert v.trend.alpha == noise.alpha_for("1.1.1")  # the burglary code's dispersion, not the pooled one
    assert v.summary_nl.startswith("Woninginbraken in Lelystad")
    np.testing.assert_allclose(v.table["Trendlijn Lelystad"].to_numpy(), direct.fitted["fitted"].to_numpy())
    assert fmt.pct(direct.pct_per_year, 1) in ex.summary.value
    ex.controls["trend"].value = False
    assert ex.view.trend is None and ex.view.chart["trend"] is None and ex.summary.value == ""
    assert list(ex.view.table.columns) == ["Lelystad"]
    gids = {line.get_gid() for line in explorer.figure(ex.view.chart).axes[0].get_lines()}
    assert "trend" not in gids


def test_table_text_is_dutch(data):
    ex = explorer.explore(data, "GM0995", "criminaliteit_totaal", trend=True)
    t, txt = ex.view.table, ex.view.table_text
    big = t["Lelystad"].max()
    assert big >= 1000
    shown = txt.loc[str(int(t["Lelystad"].idxmax())), "Lelystad"]
    assert shown == fmt.number(big) and "." in shown and "," not in shown
    trend_cell = txt["Trendlijn Lelystad"].iloc[0]
    assert "," in trend_cell and trend_cell == fmt.number(t["Trendlijn Lelystad"].iloc[0], 1)
    assert shown in ex.table.value


def test_missing_category_for_a_municipality_says_so(data):
    # the same data without Urk's bicycle thefts: the table shows dashes and a note, never zeros
    police = data.police[~((data.police["region_code"] == "GM0184") & (data.police["measure"] == "fietsdiefstal"))]
    thinned = dataclasses.replace(data, police=police)
    sel = explorer.default_selection(thinned, "GM0995", "fietsdiefstal", compare=("GM0184",))
    v = explorer.compute(thinned, sel)
    assert v.table["Urk"].isna().all() and v.table["Lelystad"].notna().all()
    assert any("Geen politiecijfers" in n and "Urk" in n for n in v.notes)
    assert all(c == fmt.NA for c in v.table_text["Urk"])
    assert not any("Lelystad" in n for n in v.notes)


# --- export ---------------------------------------------------------------------------------------------

def test_export_writes_the_current_table_and_figure(data, ex, tmp_path):
    ex.controls["compare"].value = ("GM0303",)
    csv, png = ex.export()
    assert csv.parent == tmp_path / "export" and csv.exists() and png.exists()
    back = pd.read_csv(csv, sep=";", decimal=",", index_col=0, encoding="utf-8-sig")
    assert list(back.columns) == ["Lelystad (aantal)", "Dronten (aantal)", "Trendlijn Lelystad (aantal)"]
    np.testing.assert_array_equal(back["Dronten (aantal)"].to_numpy(), ex.view.table["Dronten"].to_numpy())
    np.testing.assert_allclose(back["Trendlijn Lelystad (aantal)"].to_numpy(),
                               ex.view.table["Trendlijn Lelystad"].to_numpy(), rtol=1e-3)
    img = imread(io.BytesIO(png.read_bytes()), format="png")
    band = [c for c in explorer.figure(ex.view.chart).axes[0].collections if c.get_gid() == "band"]
    assert band and band[0].get_label().startswith(fmt.number(100 * ex.view.trend.level) + "%-betrouwbaarheidsband")
    assert img.shape[0] > 300 and img.shape[1] > 600
    assert str(csv) in ex.status.value
    ex.controls["municipality"].value = "GM0171"  # another selection gets another file
    csv2, _ = ex.export(tmp_path / "other")
    assert csv2.name != csv.name and "GM0171" in csv2.name
    assert "Noordoostpolder" in pd.read_csv(csv2, sep=";", decimal=",", index_col=0, encoding="utf-8-sig").columns[0]


def test_bad_selection_is_refused(data):
    with pytest.raises(LookupError, match="Amsterdam"):
        explorer.explore(data, "Amsterdam")
    sel = explorer.default_selection(data, "GM0995")
    with pytest.raises(ValueError, match="after"):
        explorer.compute(data, dataclasses.replace(sel, first=sel.last, last=sel.first))
    with pytest.raises(LookupError, match="category"):
        explorer.compute(data, dataclasses.replace(sel, category="geen_categorie"))


# --- the notebook ---------------------------------------------------------------------------------------

def test_notebook_is_thin_and_builds_the_explorer(tmp_path):
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "verkenner.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)  # no stored outputs
    assert "parameters" in code[0].metadata.get("tags", [])
    assert sum(len(c.source.splitlines()) for c in code) <= 12
    ns: dict = {}
    for c in code:
        exec(compile(c.source, "verkenner.ipynb", "exec"), ns)  # noqa: S102 - our own notebook
    ex = ns["verkenner"]
    assert isinstance(ex, explorer.Explorer)
    assert ex.selection.municipality == "GM0995" and ex.data.data_dir == paths.DATA_DIR
    assert ex.controls["folder"].value == str(explorer.DEFAULT_EXPORT)
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


# --- the real per-gemeente annual file ------------------------------------------------------------------

@pytest.mark.realdata
def test_real_annual_file_342_municipalities_with_rates(realdata, tmp_path):
    src = realdata / REAL_FILE
    if not src.exists():
        pytest.skip(f"{src} not found")
    folder = snapshot_from_file(src, tmp_path / "data")
    raw = counts_json.load_file(src)
    ds = load(folder)

    # municipalities: every current municipality of the file, by name, without "Gemeente onbekend"
    munis = explorer.municipality_options(ds)
    raw_gm = {c for c in raw.counts["region_code"] if schema.region_kind(c) == "municipality"}
    assert len(munis) == len(raw_gm) == 342
    assert "GM0000" not in {c for _, c in munis}
    # categories: the file's 12 crime types, as far as the report has a category for them
    raw_codes = set(raw.counts["measure"].str.strip())
    assert len(raw_codes) == 12
    cat_table = categories.table()
    mapped = {k for k in cat_table["key"] if categories.codes_of(k) and set(categories.codes_of(k)) <= raw_codes}
    assert {k for _, k in explorer.category_options(ds)} == mapped
    assert len(mapped) >= 10

    ex = explorer.explore(folder, "Amsterdam", "woninginbraak", export_folder=tmp_path / "export")
    assert ex.controls["municipality"].value == "GM0363"
    assert not ex.controls["measure"].disabled and "niet beschikbaar" not in str(ex.controls["measure"].options)
    years = sorted({p.year for p in raw.counts["period"]})
    assert ex.controls["years"].value == (years[0], years[-1])

    def raw_count(code, year):
        r = raw.counts[(raw.counts["region_code"] == code) & (raw.counts["measure"].str.strip() == "1.1.1")
                       & np.array([p.year == year for p in raw.counts["period"]])]
        return float(r["value"].iloc[0])

    def raw_pop(code, year):
        r = raw.population[(raw.population["region_code"] == code) & np.array([p.year == year for p in raw.population["period"]])]
        return float(r["value"].iloc[0]) if len(r) else math.nan

    y = years[-3]
    assert ex.view.table.at[y, "Amsterdam"] == raw_count("GM0363", y)
    counts_trend = ex.view.trend.pct_per_year

    ex.controls["measure"].value = "rate"
    v = ex.view
    assert v.chart["ylabel"] == "Per 1.000 inwoners"
    assert v.table.at[y, "Amsterdam"] == pytest.approx(1000 * raw_count("GM0363", y) / raw_pop("GM0363", y))
    assert "per inwoner" in v.summary_nl and v.trend.pct_per_year != counts_trend
    assert "," in v.table_text.at[str(y), "Amsterdam"]
    # the years the provenance lists as provisional are named under the chart
    provisional = json.loads((folder / "provenance.json").read_text())["tables"][0]["voorlopig"]
    assert provisional and any("voorlopig" in n and all(str(p) in n for p in provisional) for n in v.notes)
    ex.controls["years"].value = (years[0], int(provisional[0]) - 1)
    assert not any("voorlopig" in n for n in ex.view.notes)
    ex.controls["years"].value = (years[0], years[-1])

    # a comparison municipality founded later: counts on today's boundaries, no population before
    pop_first = ds.population.assign(y=[p.year for p in ds.population["period"]]).groupby("region_code")["y"].min()
    late = sorted(c for c in pop_first.index if c in raw_gm and pop_first[c] > years[0])
    assert late, "expected municipalities whose population starts later than the police figures"
    code = late[-1]
    name = dict((c, n) for n, c in munis)[code]
    ex.controls["compare"].value = (code,)
    v = ex.view
    early = [yy for yy in v.table.index if yy < pop_first[code]]
    assert v.table.loc[early, name].isna().all() and v.table.loc[pop_first[code]:, name].notna().any()
    assert any(name in n and str(early[0]) in n for n in v.notes)
    assert name in ex.notes.value
    # as the main municipality: the rate's trend runs over the years with a population only
    late_view = explorer.compute(ds, dataclasses.replace(ex.selection, municipality=code, compare=()))
    obs = late_view.trend.fitted["observed"].dropna()
    assert obs.index[0].year == pop_first[code] and "per inwoner" in late_view.summary_nl
    trend_col = late_view.table[f"Trendlijn {name}"]
    assert trend_col.loc[early].isna().all() and trend_col.loc[pop_first[code]:].notna().all()

    # widgets by name on the real data change the table
    before = ex.view.table["Amsterdam"].copy()
    ex.controls["municipality"].value = dict(munis)["Rotterdam"]
    assert "Rotterdam" in ex.view.table.columns and "Amsterdam" not in ex.view.table.columns
    assert not np.allclose(ex.view.table["Rotterdam"].to_numpy(), before.to_numpy())
    csv, png = ex.export()
    back = pd.read_csv(csv, sep=";", decimal=",", index_col=0, encoding="utf-8-sig")
    assert back.index.tolist() == list(range(years[0], years[-1] + 1))
    np.testing.assert_allclose(back["Rotterdam (per 1.000 inwoners)"].to_numpy(),
                               ex.view.table["Rotterdam"].to_numpy(), atol=5e-5)
    assert png.stat().st_size > 10_000
    # large counts are written whole (no 1.2e+04)
    big = ds.police.loc[ds.police["value"].idxmax()]
    ex.controls["measure"].value = "count"
    ex.controls["municipality"].value = big["region_code"]
    ex.controls["category"].value = big["measure"]
    name = ex.view.chart["main"]
    assert ex.view.table[name].max() == big["value"] >= 10_000
    back = pd.read_csv(ex.export()[0], sep=";", decimal=",", index_col=0, encoding="utf-8-sig")
    np.testing.assert_array_equal(back[f"{name} (aantal)"].to_numpy(), ex.view.table[name].to_numpy())
    assert fmt.number(big["value"]) in ex.table.value  # 13.284-style thousands separator


@pytest.mark.realdata
@pytest.mark.slow
def test_explorer_compares_and_shows_monthly_burglaries_on_a_fetched_folder(realdata, tmp_path):
    """Issue 18 item 8: on a folder built by fetch from the real files, the explorer compares a category with
    the province and the peer group (rates per 1.000 inwoners only: no dwellings in the folder) and shows the
    misdaad-in-kaart burglaries per month with their trend, partial months left out."""
    from ivpanalysis.analysis import comparison
    from ivpanalysis.explore import panels
    files = [realdata / f for f in (REAL_FILE, "leetjes_gebieden_in_nederland/inwonertal.csv",
                                    "siffels_misdaad_in_kaart/MiK-Nederland-PC4.csv", "certegis_pc4_gemeente/postcodes.csv")]
    ds = load(snapshot_from_file(files, tmp_path / "data"))
    rows = panels.comparison_rows(ds, "GM0995", "woninginbraak", 2024)
    assert list(rows["Niveau"])[:1] == ["Gemeente"] and {"Provincie", "Vergelijkbare gemeenten"} <= set(rows["Niveau"])
    assert "Per 1.000 inwoners" in rows.columns and "Per 1.000 woningen" not in rows.columns
    own = rows.set_index("Niveau").loc["Gemeente"]
    assert own["Aantal"] == 120  # 47018NED woninginbraak Lelystad 2024
    expected = comparison.for_municipality(comparison.cached_compute(ds, ds.regions, 2024), "GM0995").loc["woninginbraak"]
    assert own["Per 1.000 inwoners"] == expected["rate_inwoners"]
    assert rows.set_index("Niveau").loc["Provincie", "Eenheid"] == "Flevoland"
    s, res = panels.monthly_burglaries(ds, "GM0995")
    assert res.ok and s.left_out == ("2023-04", "2026-06")
    ex = explorer.explore(ds, "Lelystad", "woninginbraak", years=(2012, 2024))
    assert "Vergelijking 2024" in ex.comparison.value and "Vergelijkbare gemeenten" in ex.comparison.value
    assert imread(io.BytesIO(ex.monthly.value)).shape[0] > 100 and "Woninginbraken in Lelystad" in ex.monthly_text.value
