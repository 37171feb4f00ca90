import math

import pandas as pd
import pytest

from ivpanalysis.ingest import categories, schema


def _tidy(rows):
    return schema.finish_tidy(pd.DataFrame(
        [dict(region_code=g, period=pd.Period(str(y), freq="Y"), measure=m, value=v, source="t", kind="source")
         for g, y, m, v in rows]))


def test_table_has_the_26_rows_of_seed_000_in_order():
    t = categories.table()
    assert len(t) == 26
    assert t["key"].iloc[0] == "criminaliteit_totaal"
    assert set(t["group"]) - {""} == set(categories.GROUPS)
    # every parent is itself a category
    assert set(t["parent"]) - {""} <= set(t["key"])


def test_codes_of_single_and_sum():
    assert categories.codes_of("woninginbraak") == ["1.1.1"]
    assert categories.codes_of("geweld_totaal") == [f"1.4.{i}" for i in range(1, 8)]
    assert categories.codes_of("jongerenoverlast") == []
    with pytest.raises(LookupError, match="unknown category"):
        categories.codes_of("nope")


def test_to_categories_rekeys_and_sums_only_complete_parts():
    rows = [("GM0995", 2019, f"1.4.{i}", float(i)) for i in range(1, 8)]
    rows += [("GM0303", 2019, f"1.4.{i}", float(i)) for i in range(1, 7)] + [("GM0303", 2019, "1.4.7", float("nan"))]
    rows += [("GM0995", 2019, "1.1.1 ", 206.0), ("GM0995", 2019, "9.9.9", 1.0)]
    out = categories.to_categories(_tidy(rows))
    by = out.set_index(["region_code", "measure"])["value"]
    assert by[("GM0995", "geweld_totaal")] == sum(range(1, 8))
    assert math.isnan(by[("GM0303", "geweld_totaal")])  # a missing part never gives a partial total
    assert by[("GM0995", "woninginbraak")] == 206.0  # padded code trimmed
    assert by[("GM0995", "mishandeling")] == 5.0  # 1.4.5
    assert out.set_index(["region_code", "measure"]).loc[("GM0995", "geweld_totaal"), "kind"] == "computed"
    assert out.attrs["unmapped_measures"] == ["9.9.9"]
    assert (out["measure_label"][out["measure"] == "woninginbraak"] == "Woninginbraken").all()


def test_sum_absent_when_a_part_code_is_absent_from_the_file():
    out = categories.to_categories(_tidy([("GM0995", 2019, "1.4.5", 5.0)]))
    assert "geweld_totaal" not in set(out["measure"])
    assert set(out["measure"]) == {"mishandeling"}


def test_real_47018NED_counts_rekey_to_seed_values(realdata):
    import json
    d = json.loads((realdata / "dreyer_47018NED_gemeente_jaar" / "data.json").read_text())
    rows = [(g, int(y), code, float(v)) for code, m in d["counts"].items() for g, ys in m.items()
            for y, v in ys.items() if g == "GM0995"]
    out = categories.to_categories(_tidy(rows))
    w = out[out["measure"] == "woninginbraak"]
    w = dict(zip(w["period"].map(lambda p: p.year), w["value"]))
    assert [w[y] for y in range(2016, 2020)] == [297, 316, 247, 206]  # seed 000's Woninginbraken row
    assert out.attrs["unmapped_measures"] == ["1.1.2", "1.2.2"]
