import math

import pandas as pd
import pytest

from ivpanalysis.analysis import rates
from ivpanalysis.ingest import schema


def _pop(rows):
    return schema.finish_tidy(pd.DataFrame([dict(region_code=g, period=pd.Period(str(y), "Y"), measure=m, value=v)
                                            for g, y, m, v in rows]))


POP = _pop([("GM0034", 2019, "inwoners", 209_000.0), ("GM0034", 2019, "woningen", 84_000.0),
            ("GM0034", 2019, "jongeren_12_24", 31_000.0), ("GM0034", 2018, "inwoners", 207_000.0)])


@pytest.mark.parametrize("kind,den", [("inwoners", 209_000), ("woningen", 84_000), ("jongeren_12_24", 31_000)])
def test_each_denominator(kind, den):
    assert rates.per_1000(420, "GM0034", 2019, kind, POP) == pytest.approx(420_000 / den)


def test_missing_denominator_names_region_year_and_what_is_present():
    with pytest.raises(rates.MissingDenominator, match=r"no woningen for GM0034 in 2018.*years present: 2019"):
        rates.per_1000(10, "GM0034", 2018, "woningen", POP)
    with pytest.raises(rates.MissingDenominator, match="years present: none"):
        rates.per_1000(10, "GM0995", 2019, "inwoners", POP)


def test_unknown_denominator_kind():
    with pytest.raises(LookupError, match="unknown denominator"):
        rates.per_1000(1, "GM0034", 2019, "auto's", POP)


def test_missing_count_stays_missing():
    assert math.isnan(rates.per_1000(float("nan"), "GM0034", 2019, "inwoners", POP))


def test_rate_series_needs_every_year():
    s = rates.rate_series(pd.Series({2018: 207.0, 2019: 209.0}), "GM0034", "inwoners", POP)
    assert list(s.round(6)) == [1.0, 1.0]
    with pytest.raises(rates.MissingDenominator):
        rates.rate_series(pd.Series({2017: 1.0}), "GM0034", "inwoners", POP)


def test_real_population_gives_a_real_rate(realdata):
    from ivpanalysis import read
    pop = read(realdata / "chelsj_47013NED_meta_37230ned" / "Bevolking_Gemeenten.csv")
    pop = pop[pop["measure"].str.contains("Eind", case=False)].assign(measure="inwoners")
    assert rates.per_1000(206, "GM0995", 2019, "inwoners", pop) == pytest.approx(206_000 / pop[
        (pop.region_code == "GM0995") & (pop.period == pd.Period("2019", "Y"))]["value"].item())
