"""The report's maps: the police unit around the municipality (report section "Kaart") and the whole
country (batch overview), or the one line of "Wat ontbreekt" that says what would add them.

The boundaries are parsed once per data folder (a batch draws 342 maps from one file); rates and
classes come from :mod:`ivpanalysis.analysis.geo`, the drawing from :mod:`ivpanalysis.present.maps`.
"""
from __future__ import annotations

from functools import lru_cache

from ivpanalysis.analysis import geo, missing
from ivpanalysis.present import comparison_text, maps
from ivpanalysis.present.html import esc, figure_html, wrap
from ivpanalysis.report import computed
from ivpanalysis.report.context import Context, _folder_key, _load


@lru_cache(maxsize=4)
def shapes_of(folder: tuple) -> tuple[dict, int | None]:
    """({region_code: polygons}, boundary year) of a data folder (empty without a boundaries file)."""
    fc = _load(*folder).boundaries
    if not fc:
        return {}, None
    years = {(f.get("properties") or {}).get("year") for f in fc.get("features") or []} - {None}
    return geo.shapes(fc), (min(years) if years else None)


@lru_cache(maxsize=64)
def _unit_figures(folder: tuple, unit: str, unit_name: str, members: tuple) -> tuple[str, geo.MapFigures]:
    full = _load(*folder)
    return unit_name, geo.map_figures(full, full.regions, members, set(shapes_of(folder)[0]),
                                      comparisons=_comparisons(folder, full))


def _comparisons(folder: tuple, full):
    """Year → the folder's comparison as the reports have it (shared across a batch's kernels and its overview)."""
    return lambda year: computed.folder_comparisons(folder, full, full.regions, year)

def unit_figures(folder: tuple, code: str) -> tuple[str, geo.MapFigures]:
    """(unit name, map figures) of ``code``'s police unit: computed once per unit and folder version, as
    every member municipality's report shows the same unit map (only the outline differs)."""
    return _unit_figures(folder, *geo.police_unit(_load(*folder).regions, code))


def missing_lines(data, code: str, regions) -> list[str]:
    """The "Wat ontbreekt" lines (:func:`ivpanalysis.analysis.missing.missing_for`) of the inputs a map needs."""
    items = missing.missing_for(data, code, regions=regions, data_dir=str(data.data_dir))
    return [comparison_text.missing_line(i) for i in items if missing.MAP in i.sections]


def _omitted(lines: list[str]) -> str:
    return wrap(f'<p class="missing">{esc(maps.omitted_sentence(lines))}</p>').data


def _pointer(data, code: str, regions) -> str:
    """In a report the box at the top says how to add what the map lacks; here only what it lacks."""
    items = [i for i in missing.missing_for(data, code, regions=regions) if missing.MAP in i.sections]
    names = [comparison_text.INPUT.get(i.what, comparison_text.TABLE.get(i.table, i.what)) for i in items]
    return wrap(f'<p class="missing">{esc("Kaart weggelaten: de gegevensmap mist " + " en ".join(names))}; '
                f"hoe u dat aanvult staat bovenaan onder ‘Wat ontbreekt’.</p>").data


def unit_map_html(ctx: Context) -> str:
    """The police unit's map with the municipality outlined (figure HTML), or why it is omitted."""
    full = _load(*ctx.folder)
    shapes, year = shapes_of(ctx.folder)
    regions = full.regions
    has_region = regions is not None and not regions.empty and ctx.code in set(regions["region_code"])
    if ctx.code not in shapes or not has_region:
        return _pointer(full, ctx.code, regions)
    unit_name, figs = unit_figures(ctx.folder, ctx.code)
    fig, alt = maps.unit_map(shapes, figs, unit_name, ctx.code, year)
    caption = (f"Kaart van {maps.series_phrase(figs)} in de gemeenten van politie-eenheid {unit_name}, in vijf "
               f"klassen met elk ongeveer evenveel gemeenten; {ctx.name} is omlijnd")
    return figure_html(fig, alt, caption=caption).data + _note(figs)


def _note(figs) -> str:
    sentence = maps.missing_sentence(figs)
    return wrap(f"<p>{esc(sentence)}</p>").data if sentence else ""


def national_map_html(data_dir=None) -> str:
    """The map of all municipalities of a data folder (for the batch overview), or why it is omitted."""
    folder = _folder_key(data_dir)
    full = _load(*folder)
    shapes, year = shapes_of(folder)
    regions = full.regions
    if not shapes or regions is None or regions.empty:
        code = next(iter(sorted(set(regions["region_code"]))), "GM0000") if regions is not None and len(regions) else "GM0000"
        return _omitted(missing_lines(full, code, regions))
    figs = geo.map_figures(full, regions, tuple(sorted(set(regions["region_code"]))), set(shapes),
                           comparisons=_comparisons(folder, full))
    fig, alt = maps.national_map(shapes, figs, year)
    caption = (f"Kaart van {maps.series_phrase(figs)} in alle {len(figs.codes)} gemeenten, in vijf klassen met "
               "elk ongeveer evenveel gemeenten")
    return figure_html(fig, alt, caption=caption).data + _note(figs)
