from ivpanalysis.cli import main

from .conftest import FIXTURES


def test_report_prints_police_figures(tmp_path, capsys):
    assert main(["report", "GM0995", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Criminaliteit totaal" in out and "4240" in out
    assert (tmp_path / "GM0995-lelystad" / "politiecijfers.csv").exists()


def test_report_rejects_bad_code(tmp_path):
    assert main(["report", "../etc", "--out", str(tmp_path)]) == 2


def test_validate_exit_codes(capsys):
    assert main(["validate", str(FIXTURES / "bad" / "negative_count.csv")]) == 1
    assert "negative count" in capsys.readouterr().err
