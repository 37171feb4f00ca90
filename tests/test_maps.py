"""Maps: geometry and classes on small shapes; the police unit and national maps on the real 2022
boundaries, the real 47018NED counts and CBS "Gebieden in Nederland"; the map left out without boundaries."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PatchCollection

import ivpanalysis
from ivpanalysis.analysis import geo, missing, rates
from ivpanalysis.present import charts, maps
from ivpanalysis.report import content as rc
from ivpanalysis.report import maps as report_maps
from ivpanalysis.report.overview import overview_html
from tests.realfolder import JSON, REGIONS, need_realdata

LELYSTAD, ALMERE = "GM0995", "GM0034"
BOUNDARIES = "nlstat_gemeentegrenzen_2022/gemeenten.geojson"


# --- small shapes --------------------------------------------------------------------------------

def _square(x0, y0, size, clockwise):
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return ring[::-1] if clockwise else ring


def test_rings_are_oriented_so_holes_stay_holes():
    # exterior written clockwise and hole counter-clockwise: the opposite of RFC 7946
    geom = {"type": "Polygon", "coordinates": [_square(0, 0, 4, True), _square(1, 1, 1, False)]}
    (outer, hole), = geo.polygons(geom)
    assert geo.signed_area(outer) == pytest.approx(16.0) and geo.signed_area(hole) == pytest.approx(-1.0)
    multi = {"type": "MultiPolygon", "coordinates": [[_square(0, 0, 1, False)], [_square(5, 50, 2, True)]]}
    areas = geo.shapes({"features": [{"properties": {"region_code": "GM0001"}, "geometry": multi}]})
    assert [geo.signed_area(p[0]) for p in areas["GM0001"]] == [pytest.approx(1.0), pytest.approx(4.0)]
    assert geo.bbox(areas.values()) == (0.0, 0.0, 7.0, 52.0)


def test_lonlat_aspect_is_one_over_cos_of_mean_latitude():
    assert geo.lonlat_aspect((3.3, 50.7, 7.2, 53.6)) == pytest.approx(1 / math.cos(math.radians(52.15)))
    assert geo.lonlat_aspect((0, -1, 1, 1)) == pytest.approx(1.0)


def test_quantile_classes_hold_a_fifth_each_with_upper_limit_inclusive():
    values = pd.Series(np.arange(1.0, 11.0), index=[f"GM{i:04d}" for i in range(10)])
    values.iloc[3] = np.nan
    c = geo.quantile_classes(values)
    assert c.n == 5 and c.edges[0] == 1.0 and c.edges[-1] == 10.0
    assert c.counts() == [2, 2, 1, 2, 2] and pd.isna(c.of.iloc[3])
    assert all(c.edges[int(c.of[k])] <= v <= c.edges[int(c.of[k]) + 1] for k, v in values.dropna().items())
    tied = geo.quantile_classes(pd.Series([0.0] * 8 + [1.0, 2.0]))  # equal quantiles merge classes
    assert tied.n < 5 and sum(tied.counts()) == 10


def test_class_limits_in_dutch_formats():
    c = geo.Classes((0.135, 0.8607, 1.07, 1.4275, 1.6845, 2.316), pd.Series(dtype="Int64"))
    assert maps.class_labels(c) == ["0,1 – 0,9", "0,9 – 1,1", "1,1 – 1,4", "1,4 – 1,7", "1,7 – 2,3"]
    close = geo.Classes((1.01, 1.04, 1.2), pd.Series(dtype="Int64"))  # one decimal would read "1,0 – 1,0"
    assert maps.class_labels(close) == ["1,01 – 1,04", "1,04 – 1,20"]
    assert len(charts.SEQUENTIAL) == 5


# --- without boundaries --------------------------------------------------------------------------

def test_without_boundaries_the_map_is_left_out_with_one_line():
    ctx = rc.context(LELYSTAD)  # the embedded folder has neither boundaries nor regions
    html = rc.map_section(ctx).data
    assert "<img" not in html and html.count("<p") == 1
    assert "Kaart weggelaten: de gegevensmap mist " in html and "gemeentegrenzen" in html and "Wat ontbreekt" in html
    box = rc.missing_box(ctx).data  # how to add them is said once, in the box at the top
    assert "gemeentegrenzen (PDOK)" in box and "regio-indeling" in box and "Kaart" in box
    items = {i.what: i for i in missing.missing_for(ctx.data, LELYSTAD)}
    assert items["boundaries"].sections == ("map",) and items["boundaries"].role == "boundaries"
    assert "map" in items["regions"].sections


# --- real boundaries, counts and regions ---------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    r = need_realdata()
    return ivpanalysis.snapshot_from_file([r / JSON, r / REGIONS, r / BOUNDARIES], tmp_path_factory.mktemp("maps") / "f")


@pytest.fixture(scope="module")
def real(folder):
    data = ivpanalysis.load(folder)
    return data, geo.shapes(data.boundaries)


def _drawn(fig, gid):
    return [c for c in fig.axes[0].collections if c.get_gid() == gid]


@pytest.mark.slow
def test_lelystad_police_unit_map(real):
    data, shapes = real
    unit, unit_name, members = geo.police_unit(data.regions, LELYSTAD)
    assert (unit, unit_name) == ("RE03", "Midden-Nederland") and {LELYSTAD, ALMERE, "GM0344"} <= set(members)
    assert len(members) == 38  # Flevoland and Utrecht (Gebieden in Nederland)
    figs = geo.map_figures(data, data.regions, members, set(shapes))
    assert figs.measure == "woninginbraak" and figs.complete  # 47018NED has no total: burglary, as every municipality has it
    assert figs.year == 2025 and figs.provisional  # the JSON's latest year, voorlopig
    # the rate is the library's: count / inhabitants × 1.000
    count = data.police[(data.police.region_code == LELYSTAD) & (data.police.measure == "woninginbraak")
                        & (data.police.period.astype(str) == "2025")]["value"].iloc[0]
    assert figs.values[LELYSTAD] == pytest.approx(rates.per_1000(count, LELYSTAD, 2025, "inwoners", data.population))
    assert figs.classes.n == 5 and sum(figs.classes.counts()) == 38 and min(figs.classes.counts()) >= 7

    fig, alt = maps.unit_map(shapes, figs, unit_name, LELYSTAD, 2022)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:5] == [f"{lab} ({n})" for lab, n in zip(maps.class_labels(figs.classes), figs.classes.counts())]
    assert legend[5] == "Lelystad" and fig.legends[0].get_title().get_text().startswith("Woninginbraak per 1.000 inwoners")
    assert re.fullmatch(r"\d,\d – \d,\d", maps.class_labels(figs.classes)[0])
    for i, colour in enumerate(charts.SEQUENTIAL):
        (drawn,) = _drawn(fig, f"class-{i}")
        assert len(drawn.get_paths()) == figs.classes.counts()[i]
        assert np.allclose(drawn.get_facecolor()[0][:3], [int(colour[j:j + 2], 16) / 255 for j in (1, 3, 5)])
    # the neighbours, grey: every non-member whose outline reaches into the view, and no other
    (x0, x1), (y0, y1) = fig.axes[0].get_xlim(), fig.axes[0].get_ylim()
    def reaches(c):
        pts = np.concatenate([ring for poly in shapes[c] for ring in poly])
        return pts[:, 0].max() > x0 and pts[:, 0].min() < x1 and pts[:, 1].max() > y0 and pts[:, 1].min() < y1
    around = [c for c in shapes if c not in members and reaches(c)]
    assert 38 < len(around) < 342 - 38
    assert len(_drawn(fig, "context")[0].get_paths()) == len(around)
    outline = _drawn(fig, "outline")
    assert len(outline) == 1 and len(outline[0].get_paths()) == 1
    assert np.allclose(outline[0].get_paths()[0].vertices[0], shapes[LELYSTAD][0][0][0])
    x0, x1 = fig.axes[0].get_xlim()
    assert fig.axes[0].get_aspect() == pytest.approx(1 / math.cos(math.radians(52.2)), abs=0.02)
    assert 4.4 < x0 < 4.8 and 5.9 < x1 < 6.2  # Utrecht's west to Flevoland's east
    v = f"{figs.values[LELYSTAD]:.1f}".replace(".", ",")
    assert alt.startswith("Kaart van politie-eenheid Midden-Nederland: woninginbraak per 1.000 inwoners in 2025")
    assert f"Lelystad (omlijnd) {v}, in de" in alt


@pytest.mark.slow
def test_map_section_of_lelystad(folder):
    ctx = rc.context(LELYSTAD, data_dir=folder)
    html = rc.map_section(ctx).data
    assert html.count("<img") == 1
    alt = re.search(r'alt="([^"]+)"', html).group(1)
    assert "Lelystad (omlijnd)" in alt and re.search(r"\d,\d", alt)
    assert "Lelystad is omlijnd" in html and "weggelaten" not in html


@pytest.mark.slow
def test_national_map_has_every_municipality_or_a_reason(real, folder):
    data, shapes = real
    codes = tuple(data.regions["region_code"])
    assert len(codes) == 342
    figs = geo.map_figures(data, data.regions, codes, set(shapes))
    assert int(figs.values.notna().sum()) + len(figs.missing) == 342 and figs.complete
    assert figs.classes.n == 5 and sum(figs.classes.counts()) == 342
    fig, alt = maps.national_map(shapes, figs, 2022)
    assert alt.startswith("Kaart van Nederland: woninginbraak per 1.000 inwoners in 2025 per gemeente (342 gemeenten)")
    # a municipality without a shape is named with its reason, not silently left white
    fewer = geo.map_figures(data, data.regions, codes, set(shapes) - {ALMERE})
    assert fewer.missing == {ALMERE: geo.NO_SHAPE} and pd.isna(fewer.values[ALMERE])
    assert "zonder kleur: Almere (geen grens in het grenzenbestand)" in maps.national_alt(fewer)
    manifest = {"started": "2026-12-01T04:00:00", "data_dir": str(folder),
                "reports": [{"code": LELYSTAD, "name": "Lelystad", "status": "ok", "outputs": ["l.html", "l.ipynb"]}]}
    page = overview_html(manifest)
    assert "<h2>Kaart</h2>" in page and 'alt="Kaart van Nederland: woninginbraak' in page
    assert report_maps.national_map_html(folder).count("<img") == 1
