"""Totals only when complete: built sums, refused partial sums, the grand total."""
import numpy as np
import pandas as pd

from ivpanalysis.analysis import totals

GEWELD = ["zeden", "straatroof", "overval", "openlijk_geweld", "bedreiging", "mishandeling", "geweld_overig"]


def _wide(rows):
    idx = pd.MultiIndex.from_tuples([(r, m) for r, m, _ in rows], names=["region_code", "measure"])
    return pd.DataFrame([v for _, _, v in rows], index=idx, columns=[2022, 2023], dtype=float)


def test_parts_of_geweld_from_the_category_table():
    parts = totals.total_parts()
    assert set(parts["geweld_totaal"]) == set(GEWELD)
    assert parts["criminaliteit_totaal"] == ()


def test_complete_parts_give_a_total_partial_give_none():
    rows = [("GM0001", m, [1, 2]) for m in GEWELD] + [("GM0002", m, [1, 2]) for m in GEWELD[:-1]]
    rows.append(("GM0003", "zeden", [1, np.nan]))
    rows += [("GM0003", m, [1, 1]) for m in GEWELD[1:]]
    out = totals.add_complete_totals(_wide(rows))
    assert out.loc[("GM0001", "geweld_totaal")].tolist() == [7, 14]
    assert ("GM0002", "geweld_totaal") not in out.index
    assert out.loc[("GM0003", "geweld_totaal"), 2022] == 7 and np.isnan(out.loc[("GM0003", "geweld_totaal"), 2023])
    miss = totals.missing_totals(out, "GM0003", [2022, 2023])
    g = [m for m in miss if m.what == "geweld_totaal"][0]
    assert g.years == (2023,) and g.parts_missing == ("zeden",)


def test_delivered_total_is_kept():
    rows = [("GM0001", "geweld_totaal", [50, 60]), ("GM0001", "bedreiging", [1, 1])]
    out = totals.add_complete_totals(_wide(rows))
    assert out.loc[("GM0001", "geweld_totaal")].tolist() == [50, 60]
    assert [m.what for m in totals.missing_totals(out, "GM0001", [2022, 2023])] == ["criminaliteit_totaal"]


def test_a_year_without_any_count_is_not_a_missing_total():
    rows = [("GM0001", "criminaliteit_totaal", [np.nan, 4240]), ("GM0001", "woninginbraak", [np.nan, 1])]
    miss = totals.missing_totals(_wide(rows), "GM0001", [2022, 2023])
    assert [(m.what, m.years) for m in miss] == [("geweld_totaal", (2023,))]  # none of its parts in 2023
