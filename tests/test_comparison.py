"""Comparison with police unit, province, Nederland and peer group, on the real 47018NED counts."""
import math

import pandas as pd
import pytest

from ivpanalysis.analysis import comparison as cmp
from tests.realfolder import dataset, read_regions

LELYSTAD, ALMERE, AMSTERDAM = "GM0995", "GM0034", "GM0363"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return dataset(tmp_path_factory.mktemp("cmp")), read_regions()


@pytest.fixture(scope="module")
def comps(real):
    ds, regions = real
    return cmp.compute(ds, regions, 2023, reference_year=2019)


def test_lelystad_units_and_exact_peer_group(comps):
    units = cmp.units_of(comps, LELYSTAD)
    assert units == {"police_unit": "RE03", "province": "PV24", "nederland": "NL01", "peer": "S5U3"}
    rule = comps.rules[LELYSTAD]
    # CBS size class 5 (50 000–100 000) × urbanity 3 (matig stedelijk): 16 municipalities, no widening
    assert (rule.size_classes, rule.urbanity_classes, rule.widened, rule.n_members) == ((5,), (3,), (), 16)


def test_small_class_pair_is_widened_urbanity_first_then_size(comps):
    rule = comps.rules[AMSTERDAM]
    # size 8 × urbanity 1 has 4 members; urbanity 1–2 still 4; size 7–8 × urbanity 1–2 has 4 + 4 + 10
    assert rule.widened == ("urbanity", "size")
    assert (rule.size_classes, rule.urbanity_classes, rule.n_members) == ((7, 8), (1, 2), 18)
    assert rule.code == "S7-8U1-2"


def test_every_peer_group_reaches_ten(comps):
    assert len(comps.rules) == 342
    assert min(r.n_members for r in comps.rules.values()) >= cmp.MIN_PEERS


def test_lelystad_woninginbraak_counts_rate_and_rank(real, comps):
    ds, _ = real
    row = cmp.for_municipality(comps, LELYSTAD).loc["woninginbraak"]
    assert (row["count_ref"], row["count_prev"], row["count"]) == (206, 149, 85)
    pop = ds.population
    inw = pop[(pop.region_code == LELYSTAD) & (pop.period.dt.year == 2023)]["value"].item()
    assert row["rate_inwoners"] == pytest.approx(1000 * 85 / inw)
    assert row["change_ref_pct"] == pytest.approx(100 * (85 - 206) / 206)
    # rank among the 16 peers, recomputed by hand from the municipality table
    peers = [c for c, r in comps.rules.items() if r.code == "S5U3"]
    rates = comps.municipalities.loc[(peers, "woninginbraak"), "rate_inwoners"]
    assert row["peer_n_inwoners"] == 16
    assert row["peer_rank_inwoners"] == 1 + (rates < row["rate_inwoners"]).sum() == 8


def test_no_dwellings_no_rate_per_woningen(comps):
    f = cmp.for_municipality(comps, LELYSTAD)
    assert f["rate_woningen"].isna().all()  # 47018NED JSON carries inhabitants only
    assert f["rate_jongeren_12_24"].isna().all()


def test_dwelling_rate_only_for_burglary(real):
    ds, regions = real
    pop = ds.population
    dwell = pop[pop.measure == "inwoners"].assign(measure="woningen", value=lambda d: d["value"] / 2.2)
    ds2 = type(ds)(**{**ds.__dict__, "population": pd.concat([pop, dwell], ignore_index=True)})
    f = cmp.for_municipality(cmp.compute(ds2, regions, 2023), LELYSTAD)
    assert not math.isnan(f.loc["woninginbraak", "rate_woningen"])
    assert f.drop(index="woninginbraak")["rate_woningen"].isna().all()


def test_nederland_is_the_sum_of_the_342(real, comps):
    ds, _ = real
    nl = comps.aggregates.loc[("nederland", "NL01", "woninginbraak")]
    pol = ds.police
    sub = pol[(pol.measure == "woninginbraak") & (pol.period.dt.year == 2023) & (pol.region_code != "GM0000")]
    assert nl["count"] == sub["value"].sum()
    assert nl["n_members"] == 342 and not nl["incomplete"] and nl["source"] == "sum"
    assert comps.not_in_regions == ("GM0000",)  # "Gemeente onbekend" belongs to no unit


def test_police_unit_sum_matches_members(real, comps):
    _, regions = real
    members = regions.loc[regions.police_unit_code == "RE03", "region_code"]
    m = comps.municipalities.loc[(list(members), "fietsdiefstal"), "count"]
    assert comps.aggregates.loc[("police_unit", "RE03", "fietsdiefstal"), "count"] == m.sum()


def test_failed_municipality_is_left_out_and_marked(real):
    ds, regions = real
    comps = cmp.compute(ds, regions, 2023, failed={ALMERE})
    f = cmp.for_municipality(comps, LELYSTAD)
    for level in ("police_unit", "province", "nederland"):
        assert f.loc["woninginbraak", f"{level}_incomplete"]
        assert f.loc["woninginbraak", f"{level}_failed_left_out"] == (ALMERE,)
    whole = cmp.compute(ds, regions, 2023)
    almere = whole.municipalities.loc[(ALMERE, "woninginbraak"), "count"]
    assert whole.aggregates.loc[("province", "PV24", "woninginbraak"), "count"] - almere == \
        f.loc["woninginbraak", "province_count"]
    assert not f.loc["woninginbraak", "peer_incomplete"]  # Almere (size 6) is not Lelystad's peer


def test_rate_of_aggregate_uses_members_with_population(comps):
    nl = comps.aggregates.loc[("nederland", "NL01", "woninginbraak")]
    # municipalities formed after 2019 have counts in today's boundaries but no 2019 population
    assert "GM1992" in nl["rate_left_out_inwoners"]
    assert 0 < nl["rate_inwoners_ref"] < 10


def test_own_unit_rows_are_used_when_present(real):
    ds, regions = real
    pol = ds.police
    re03 = pol[pol.region_code == "GM0995"].assign(region_code="RE03", value=1.0)
    ds2 = type(ds)(**{**ds.__dict__, "police": pd.concat([pol, re03], ignore_index=True)})
    row = cmp.compute(ds2, regions, 2023).aggregates.loc[("police_unit", "RE03", "woninginbraak")]
    assert row["source"] == "own_row" and row["count"] == 1.0


def test_partial_geweld_total_refused(comps):
    assert "geweld_totaal" not in comps.municipalities.loc[LELYSTAD].index
    missing = {m.what: m for m in comps.missing_totals(LELYSTAD)}
    g = missing["geweld_totaal"]
    assert set(g.parts_present) == {"bedreiging", "mishandeling", "geweld_overig"}
    assert set(g.parts_missing) == {"zeden", "straatroof", "overval", "openlijk_geweld"}
    assert missing["criminaliteit_totaal"].parts_missing == () and missing["criminaliteit_totaal"].table == "47013NED"


def test_unknown_municipality_is_a_lookup_error(comps):
    with pytest.raises(LookupError, match="GM9999"):
        cmp.for_municipality(comps, "GM9999")


def test_rate_allowed_rules():
    assert cmp.rate_allowed("fietsdiefstal", "inwoners")
    assert not cmp.rate_allowed("fietsdiefstal", "woningen")
    assert cmp.rate_allowed("woninginbraak", "woningen")
    assert not cmp.rate_allowed("jongerenoverlast", "jongeren_12_24")
    assert cmp.rate_allowed("jongerenoverlast", "jongeren_12_24", declared=True)
    with pytest.raises(LookupError):
        cmp.rate_allowed("x", "huishoudens")


def test_cached_compute_reuses_until_the_data_change(real):
    ds, regions = real
    a = cmp.cached_compute(ds, regions, 2023)
    assert cmp.cached_compute(ds, regions, 2023) is a
    assert cmp.cached_compute(ds, regions, 2022) is not a
    pol = ds.police.copy()
    pol.loc[pol.index[0], "value"] += 1
    ds2 = type(ds)(**{**ds.__dict__, "police": pol})
    assert cmp.cached_compute(ds2, regions, 2023) is not a


def test_municipality_without_classes_or_unit_gets_no_peer_group(real):
    ds, regions = real
    reg = regions.copy()
    reg.loc[reg.region_code == LELYSTAD, ["size_class", "police_unit_code"]] = [None, None]
    comps = cmp.compute(ds, reg, 2023)
    assert cmp.units_of(comps, LELYSTAD) == {"police_unit": None, "province": "PV24", "nederland": "NL01", "peer": None}
    f = cmp.for_municipality(comps, LELYSTAD)
    assert "province_count" in f.columns and not any(c.startswith(("peer_count", "police_unit_")) for c in f.columns)
    assert LELYSTAD not in comps.rules


def test_provisional_years_are_flagged(comps, real):
    ds, regions = real
    assert comps.provisional_years == ()  # 2019, 2022, 2023 are final in the file
    assert cmp.compute(ds, regions, 2024).provisional_years == (2024,)


def test_class_outside_cbs_lists_gives_no_peer_group(real):
    ds, regions = real
    reg = regions.copy()
    reg.loc[reg.region_code == LELYSTAD, "urbanity_class"] = 9
    assert LELYSTAD not in cmp.peer_rules(reg)


def test_a_unit_with_own_rows_for_some_measures_or_years_gets_member_sums_for_the_rest(real, comps):
    """A table that has the police unit's own row for one category only (or not for every key year) must
    not blank the unit's other categories: those are the member sums, as without own rows."""
    ds, regions = real
    pol = ds.police
    one = pol[(pol.region_code == "GM0995") & (pol.measure == "woninginbraak")].assign(region_code="RE03", value=1.0)
    ds2 = type(ds)(**{**ds.__dict__, "police": pd.concat([pol, one], ignore_index=True)})
    aggs = cmp.compute(ds2, regions, 2023, reference_year=2019).aggregates
    assert aggs.loc[("police_unit", "RE03", "woninginbraak"), "source"] == "own_row"
    summed = comps.aggregates.loc[("police_unit", "RE03", "fietsdiefstal")]
    got = aggs.loc[("police_unit", "RE03", "fietsdiefstal")]
    assert got["source"] == "sum" and got["count"] == summed["count"] and not math.isnan(got["change_prev_pct"])
    # an own row lacking a key year (2019 dropped) is not used: the member sum stands in
    partial = one[[p.year != 2019 for p in one["period"]]]
    ds3 = type(ds)(**{**ds.__dict__, "police": pd.concat([pol, partial], ignore_index=True)})
    row = cmp.compute(ds3, regions, 2023, reference_year=2019).aggregates.loc[("police_unit", "RE03", "woninginbraak")]
    assert row["source"] == "sum" and row["count"] == comps.aggregates.loc[("police_unit", "RE03", "woninginbraak"), "count"]
