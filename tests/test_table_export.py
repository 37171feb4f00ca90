"""table_export: the Dutch-Excel CSV dialect and a terminal view that fits 100 columns."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from ivpanalysis.cli import main
from ivpanalysis.present import table_export


def test_nl_csv_has_bom_semicolons_decimal_comma_and_the_report_headers(tmp_path):
    target = tmp_path / "politie.csv"
    assert main(["table", "police", "GM0995", "--csv", str(target), "--dialect", "nl"]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Categorie;2016;2017;2018;2019;2019 t.o.v. 2018;Legenda;Meer dan toeval?"
    total = lines[1].split(";")
    # Lelystad 2019: 4.240 misdrijven, +4,9% on 4.041 in 2018 (seed 000, 'POLITIECIJFERS 2016-2019')
    assert total[:5] == ["Criminaliteit totaal", "4549", "4176", "4041", "4240"]
    assert total[5] == "4,9" and total[6:] == ["stabiel", "nee"]
    back = pd.read_csv(target, sep=";", decimal=",", encoding="utf-8-sig")
    assert back["2019"].sum() > 0 and back["2019 t.o.v. 2018"].dtype == float


def test_machine_csv_is_unchanged(tmp_path):
    target = tmp_path / "politie.csv"
    assert main(["table", "police", "GM0995", "--csv", str(target)]) == 0
    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    head = raw.decode().splitlines()[0].split(",")
    assert head[:4] == ["category", "group", "parent", "2016"]


def test_nl_csv_to_standard_output_starts_with_a_bom(capsys):
    assert main(["table", "police", "GM0995", "--csv", "-", "--dialect", "nl"]) == 0
    assert capsys.readouterr().out.startswith("\ufeffCategorie;")


@pytest.mark.parametrize("name", ["police", "dashboard", "activities"])
def test_terminal_view_fits_100_columns(name, capsys):
    assert main(["table", name, "GM0995"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
    if name == "police":
        assert "Meer dan toeval?" in out and "4.240" in out


def test_terminal_view_names_the_columns_it_leaves_out():
    wide = pd.DataFrame({f"kolom_{i}": ["x" * 12] for i in range(12)})
    text = table_export.terminal_view(wide)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "kolom_11" in text.splitlines()[-1] and "kolom_0" in text.splitlines()[0]


def test_unknown_dialect_is_refused():
    with pytest.raises(ValueError, match="dialect"):
        table_export.write_csv(pd.DataFrame({"a": [1]}), io.StringIO(), "excel")
