import pytest

from ivpanalysis.cli import main

from .conftest import FIXTURES


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for command in ("report", "batch", "table", "validate"):
        assert command in out


def test_report_rejects_bad_code(tmp_path):
    assert main(["report", "../etc", "--out", str(tmp_path)]) == 2
    assert not any(tmp_path.iterdir())


def test_validate_exit_codes(capsys):
    assert main(["validate", str(FIXTURES / "bad" / "negative_count.csv")]) == 1
    assert "negative count" in capsys.readouterr().err
