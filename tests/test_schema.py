"""schema: the tidy frame's columns, period codes and labels as CBS/StatLine write them, region codes."""
import pandas as pd
import pytest

from ivpanalysis.ingest import schema


@pytest.mark.parametrize("text, period, provisional", [
    ("2019JJ00", pd.Period("2019", "Y"), False),
    ("2019MM01", pd.Period("2019-01", "M"), False),
    ("2019KW03", pd.Period("2019Q3", "Q"), False),
    ("2019HJ02", schema.half_year(2019, 2), False),
    ("2019*", pd.Period("2019", "Y"), True),
    ("2025 april *", pd.Period("2025-04", "M"), True),  # 37230ned's provisional month label
    ("2019 1e kwartaal", pd.Period("2019Q1", "Q"), False),
    ("2019 January", pd.Period("2019-01", "M"), False),  # CBS's English tables
    ("2019 2nd half year", schema.half_year(2019, 2), False),
    ("2019-01-01", pd.Period("2019-01", "M"), False),
    ("2019H1", schema.half_year(2019, 1), False),
    ("2019Q4", pd.Period("2019Q4", "Q"), False),
])
def test_parse_period_reads_what_cbs_writes(text, period, provisional):
    assert schema.parse_period(text) == (period, provisional)


@pytest.mark.parametrize("text", ["2019MM13", "2019KW05", "2019HJ03", "2019Q5", "2019H3", "2019-13", "2019-00",
                                  "2019-02-40", "2019 smarch", "n/a", ""])
def test_parse_period_refuses_what_is_no_period(text):
    with pytest.raises(ValueError):
        schema.parse_period(text)


@pytest.mark.parametrize("p", [pd.Period("2019", "Y"), pd.Period("2019-07", "M"), pd.Period("2019Q2", "Q"),
                               schema.half_year(2019, 2)])
def test_format_period_round_trips(p):
    assert schema.parse_period(schema.format_period(p))[0] == p


def test_freq_of_names_each_frequency():
    assert [schema.freq_of(p) for p in (pd.Period("2019", "Y"), schema.half_year(2019, 1),
                                        pd.Period("2019Q1", "Q"), pd.Period("2019-01", "M"))] == ["Y", "H", "Q", "M"]


def test_municipality_code_is_checked_before_it_becomes_a_key():
    assert schema.check_municipality_code("GM0995") == "GM0995"
    for bad in ("gm0995", "GM995", "GM0995 ", "NL01", None):
        with pytest.raises(ValueError, match="not a municipality code"):
            schema.check_municipality_code(bad)


def test_region_names_as_statline_prints_them():
    assert schema.code_for_name("Lelystad") == "GM0995"
    assert schema.code_for_name("Nederland") == "NL01"
    assert schema.code_for_name("'s-Gravenhage") == schema.code_for_name("Den Haag") == "GM0518"
    assert schema.code_for_name("Atlantis") is None
    assert schema.region_kind("GM0995") == "municipality" and schema.region_kind("XX99") == "unknown"


def test_crime_labels_match_only_exact_titles():
    assert schema.code_for_crime_label("1.1.1 Diefstal/inbraak woning") == "1.1.1"
    assert schema.code_for_crime_label("1.1.1 something else") is None


def test_finish_tidy_has_the_contract_columns():
    df = schema.finish_tidy(schema.empty_tidy())
    assert list(df.columns[: len(schema.TIDY_COLUMNS)]) == schema.TIDY_COLUMNS
