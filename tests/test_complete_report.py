"""Acceptance of issue 18 (items 1, 2, 4, 5, 7): a folder built from the real public files with
``fetch --from-file`` gives Lelystad, Almere and a municipality outside Flevoland a complete report:
computed regio and Nederland columns, rates per 1.000, a dashboard, one "Wat ontbreekt" box and no
missing sentence for anything the folder holds. Almere's relative targets get reference values from
the data where its series and denominator are there, and name the table otherwise.

Expected figures are recomputed here from the folder's tidy tables with pandas, not through the
comparison module, so a wrong sum or denominator in the report is caught.
"""
from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from ivpanalysis import cli, paths
from ivpanalysis.ingest import datafolder
from ivpanalysis.present import comparison_text, fmt
from ivpanalysis.report import computed, content
from ivpanalysis.report.batch import render
from ivpanalysis.report.execute import KernelSession
from tests.test_snapshot_realdata import FILES

pytestmark = [pytest.mark.slow, pytest.mark.realdata]
CODES = {"GM0995": "Lelystad", "GM0034": "Almere", "GM0344": "Utrecht"}
COMPUTABLE = {"autokraak", "fietsdiefstal", "vernielingen"}  # Almere's targets the real files can judge


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    if not paths.REALDATA_DIR.is_dir():
        pytest.skip(f"real public data not found at {paths.REALDATA_DIR}")
    out = tmp_path_factory.mktemp("complete") / "data"
    files = [str(f) for f in FILES] + [str(paths.DATA_DIR / "indicators.csv")]  # Almere's plan targets
    assert cli.main(["fetch", "--from-file", *files, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def pages(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    got = {}
    with KernelSession() as session:
        for code in CODES:
            entry = render(code, out, folder, session=session)
            assert entry["status"] == "ok", entry
            got[code] = (out / entry["outputs"][0]).read_text(encoding="utf-8")
    return got


def _text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    inline = re.sub(r"</?(a|span|strong|em)\b[^>]*>", "", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def _cells(page: str, label: str) -> list[str]:
    """The cells of the first table row whose header cell reads ``label``."""
    for row in re.findall(r"<tr\b.*?</tr>", page, flags=re.S):
        cells = [_text(c) for c in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


def _headers(page: str, first: str) -> list[str]:
    """The column headers of the table whose first header is ``first``."""
    for head in re.findall(r"<thead\b.*?</thead>", page, flags=re.S):
        cells = [_text(c) for c in re.findall(r"<th\b[^>]*>(.*?)</th>", head, flags=re.S)]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no table starting with {first!r}")


def _yearly(ds, measure: str, year: int) -> pd.Series:
    """Yearly counts of every municipality (annual rows of 47018NED) for one measure and year."""
    p = ds.police
    annual = pd.Series([x.freqstr.startswith(("Y", "A")) and x.year == year for x in p["period"]], index=p.index)
    rows = p[(p["measure"] == measure) & p["region_code"].str.startswith("GM") & annual]
    return rows.groupby("region_code")["value"].sum(min_count=1)


def _inhabitants(ds, year: int) -> pd.Series:
    pop = ds.population
    rows = pop[(pop["measure"] == "inwoners") & pd.Series([x.year == year for x in pop["period"]], index=pop.index)]
    return rows.drop_duplicates("region_code").set_index("region_code")["value"].astype(float)


@pytest.mark.parametrize("code", list(CODES))
def test_police_table_has_computed_regio_nederland_and_rates(folder, pages, code):
    ds = datafolder.load(folder)
    page = pages[code]
    ctx = content.context(code, folder)
    year, prev = ctx.year, ctx.year - 1
    head = _headers(page, "Categorie")
    assert "Nederland" in head and any(h.startswith("Regio ") for h in head)
    assert f"Per 1.000 inwoners {year}" in head and "Rang bij vergelijkbare gemeenten" in head
    assert f"{ctx.reference_year} (referentiejaar)" in head
    row = dict(zip(head, _cells(page, "Woninginbraken")))
    now, before = _yearly(ds, "woninginbraak", year), _yearly(ds, "woninginbraak", prev)
    both = now.dropna().index.intersection(before.dropna().index).intersection(ds.regions["region_code"])
    assert len(both) == 342  # every municipality has both years, so Nederland is complete (GM0000 is none)
    nl = 100 * (now[both].sum() - before[both].sum()) / before[both].sum()
    assert row["Nederland"] == fmt.pct(nl)
    reg = ds.regions.set_index("region_code")
    unit = reg.index[reg["police_unit_code"] == reg.at[code, "police_unit_code"]]
    re_change = 100 * (now[unit].sum() - before[unit].sum()) / before[unit].sum()
    assert row[f"Regio {reg.at[code, 'police_unit_name']}"] == fmt.pct(re_change)
    rate = 1000 * now[code] / _inhabitants(ds, year)[code]
    assert row[f"Per 1.000 inwoners {year}"] == fmt.number(rate, 1)
    assert re.fullmatch(r"\d+ van \d+", row["Rang bij vergelijkbare gemeenten"])
    assert "Per 1.000 woningen" not in " ".join(head)  # no dwellings in these files: no rate per woning
    text = _text(page)
    rule = comparison_text.peer_rule(computed.for_municipality(ctx).attrs["peer_rule"])
    assert rule in text


@pytest.mark.parametrize("code", list(CODES))
def test_one_box_and_no_missing_sentence_for_what_the_folder_holds(folder, pages, code):
    text = _text(pages[code])
    assert text.count("Wat ontbreekt") >= 1
    box = text[text.index("Wat ontbreekt"):text.index("Samenvatting")]
    held = ["politiecijfers per gemeente", comparison_text.INPUT["inwoners"], comparison_text.INPUT["regions"],
            comparison_text.INPUT["incidents"]]
    for what in held:  # the folder holds police counts, population, regions and incidents
        assert f"{what} (voor:" not in box, what
    assert comparison_text.INPUT["woningen"] in box and "81955NED" in box  # dwellings really are missing
    assert "volledig totaal criminaliteit totaal" in box  # 47018NED has no 0.0.0 total for the folder
    ctx = content.context(code, folder)
    for section in ("police", "dashboard"):
        assert content.missing(section, ctx) not in text and content.pointer(section, ctx) not in text
    # the how-to sentence of the box is said once, never again in a section
    for line in content.missing_lines(ctx):
        assert text.count(line) == 1, line


def test_lelystad_keeps_its_plan_dashboard(folder, pages):
    ctx = content.context("GM0995", folder)  # the folder has data/indicators.csv: Lelystad's own targets
    table = content.dashboard_table(ctx)
    assert len(table) == 16 and content.dashboard_sentence(table) in _text(pages["GM0995"])


@pytest.mark.parametrize("code", ["GM0344"])
def test_default_dashboard_without_a_plan(folder, pages, code):
    ctx = content.context(code, folder)
    table = computed.default_dashboard(ctx)
    assert {"woninginbraak", "fietsdiefstal", "autokraak", "vernielingen"} <= set(table["indicator"])
    assert "criminaliteit_totaal" not in set(table["indicator"])  # no complete total in the folder
    text = _text(pages[code])
    assert comparison_text.NO_TARGET in text
    row = _cells(pages[code], "Autokraak (per 1.000 inwoners)")
    r = table.set_index("indicator").loc["autokraak"]
    assert row[4] == comparison_text.change_words(r["direction"], r["chance"])
    assert row[5].startswith(comparison_text.POSITION[r["position_nederland"]])
    assert "groen" not in " ".join(row) and "rood" not in " ".join(row)


def test_almere_targets_reference_values_from_the_data(folder, pages):
    ds = datafolder.load(folder)
    ctx = content.context("GM0034", folder)
    targets = computed.relative_targets(ctx).set_index("series")
    judged = set(targets.index[targets["verdict"] != "missing"])
    assert judged == COMPUTABLE
    inw = _inhabitants(ds, 2017)["GM0034"]
    for series in COMPUTABLE:
        r = targets.loc[series]
        assert r["reference_value"] == pytest.approx(1000 * _yearly(ds, series, 2017)["GM0034"] / inw)
        assert r["status_year"] == 2022 and r["mode"] == "at_target_year" and r["report_after_target"]
        assert r["verdict"] in ("met", "not_met") and r["chance"] in ("yes", "no")
    for series, r in targets.drop(index=list(COMPUTABLE)).iterrows():
        assert r["verdict"] == "missing" and r["missing_input"], series
    text = _text(pages["GM0034"])
    assert "Het rapportjaar" in text and "ligt na het doeljaar 2022" in text
    row = _cells(pages["GM0034"], "Auto-inbraken per 1.000 inwoners")
    assert row[1] == f"{fmt.number(targets.loc['autokraak', 'reference_value'], 1)} (2017)"
    row = _cells(pages["GM0034"], "Woninginbraken per 1.000 woningen")
    assert "81955NED" in row[-1]  # names the table that would add the dwellings
