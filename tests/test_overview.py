"""overview: the batch's index.html puts the municipalities side by side, lists failures, loads nothing."""
from __future__ import annotations

import re

import ivpanalysis as iv
from ivpanalysis.report.batch import index_html
from ivpanalysis.report.overview import municipality_figures, overview_html
from ivpanalysis.report.context import load_data

OK = [("GM0995", "Lelystad"), ("GM0303", "Dronten"), ("GM0034", "Almere")]


def _manifest():
    reports = [{"code": c, "name": n, "status": "ok", "outputs": [f"{c}-x/evaluatie.html", f"{c}-x/evaluatie.ipynb"]}
               for c, n in OK]
    reports.append({"code": "GM9999", "name": None, "status": "failed", "error": "GM9999 is geen gemeente <in de lijst>"})
    return {"started": "2026-12-01T04:00:00", "data_dir": None, "reports": reports}


def _row(page: str, code: str) -> list[str]:
    row = re.search(rf"<tr data[^>]*>(?:(?!</tr>).)*{code}(?:(?!</tr>).)*</tr>", page).group(0)
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_lelystad_figures_are_the_reports_figures():
    f = municipality_figures(load_data(), "GM0995")
    # seed 000: 4.240 registered crimes in 2019, 4.041 in 2018
    assert (f["year"], f["total"], f["significant"]) == (2019, 4240, "nee")
    assert round(f["change"], 1) == 4.9
    verdicts = iv.dashboard(load_data(), "GM0995")["verdict"].value_counts()  # the report's dashboard
    assert [f[k] for k in ("green", "orange", "red", "no_verdict")] == [
        int(verdicts.get(v, 0)) for v in ("green", "orange", "red", "")]
    assert f["green"] + f["orange"] + f["red"] + f["no_verdict"] == 16  # Lelystad's 16 indicators
    almere = municipality_figures(load_data(), "GM0034")  # indicators without a verdict: counted as such
    assert almere["green"] == 0 and almere["no_verdict"] > 0
    assert f["police_unit"] == "Midden-Nederland"


def test_overview_table_rows_links_and_failure():
    page = index_html(_manifest())
    assert page == overview_html(_manifest())
    cells = _row(page, "GM0995")
    assert cells[:2] == ["Lelystad (GM0995)", "Midden-Nederland"]
    assert cells[3:8] == ["2019", "4.240", "–", "+5%", "nee"]
    f = municipality_figures(load_data(), "GM0995")
    assert cells[8:] == [str(f[k]) for k in ("green", "orange", "red", "no_verdict")]
    assert 'href="GM0995-x/evaluatie.html"' in page
    names = re.findall(r'<td data-sort="([^"]+)"><a ', page)
    assert names == sorted(names)  # alphabetical without script
    assert "GM9999 is geen gemeente &lt;in de lijst&gt;" in page and "<in de lijst>" not in page
    assert '<select id="filter-police-unit"' in page and "Provincie: niet bekend" in page


def test_overview_loads_nothing_from_the_network():
    page = overview_html(_manifest())
    assert not re.search(r"(src|href)\s*=\s*[\"']?https?:", page)
    assert "<th scope=\"col\" aria-sort=\"none\"><button" in page


def test_missing_whole_counts_read_as_a_dash():
    """Int64 counts come as pd.NA when missing (a real folder's dashboard counts): a dash, not a traceback."""
    import pandas as pd

    from ivpanalysis.report.overview import _cell
    assert _cell("total", pd.NA) == ("–", "") and _cell("green", 3) == ("3", "3.0")


def test_province_comes_from_the_regions_role():
    """The filter by province reads ``province_code`` of the folder's regions role (issue 15's columns)."""
    import types
    import pandas as pd
    from ivpanalysis.report import overview
    data = types.SimpleNamespace(regions=pd.DataFrame({"region_code": ["GM0995"], "province_code": ["PV24"]}))
    assert overview._province(data, "GM0995") == "Flevoland"
    assert overview._province(data, "GM0034") == ""
    assert overview._province(types.SimpleNamespace(regions=pd.DataFrame()), "GM0995") == ""


def _same(a: dict, b: dict) -> bool:
    import math
    norm = lambda d: {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}  # noqa: E731
    return norm(a) == norm(b)


def test_report_figures_are_the_overview_figures():
    """What a batch worker records from the report's kernel equals what the overview would compute."""
    import json

    from ivpanalysis.report import content as rc
    from ivpanalysis.report.overview import report_figures
    for code in ("GM0995", "GM0034", "GM0184"):
        ctx = rc.context(code)
        rc.police_section(ctx)  # the report's own police table, cached in ctx
        f = report_figures(ctx)
        assert json.loads(json.dumps(f)) == f  # goes into manifest.json as it is
        assert _same(f, municipality_figures(load_data(), code)), code


def test_recorded_figures_are_used_without_reading_the_folder():
    """Entries with ``figures`` (recorded by the batch worker) fill the table even when the folder is gone."""
    m = _manifest()
    m["data_dir"] = "/nonexistent/folder"
    for r in m["reports"]:
        if r["status"] == "ok":
            r["figures"] = {"police_unit": "Eenheid X", "province": "", "year": 2020, "total": 1234.0,
                            "per_1000": None, "change": -2.0, "significant": "nee", "green": None,
                            "orange": None, "red": None, "no_verdict": None}
    cells = _row(overview_html(m), "GM0995")
    assert cells[:8] == ["Lelystad (GM0995)", "Eenheid X", "–", "2020", "1.234", "–", "−2%", "nee"]
