"""The catalogue of bad inputs and faults (issue 17): each case asserts the exact message or the output
that survives; never a traceback, a non-zero exit where the input is wrong, never a report with wrong figures.

Most cases mutate a copy of the embedded data folder and run ``ivpanalysis validate`` or ``table``
in-process; one batch renders two reports for all the cases that need a kernel; killing processes is slow.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ivpanalysis import cli, paths
from ivpanalysis.errors import DataError
from ivpanalysis.ingest import datafolder, validate
from ivpanalysis.report import atomic
from ivpanalysis.report.export import neutralise

from .conftest import FIXTURES

HEADER = "region_code,region_name,period,measure,measure_label,value,unit,source,status,retrieved,kind"
ROW = "GM0995,Lelystad,{period},woninginbraak,Woninginbraken,{value},aantal,s,onbekend,,source"


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "d"
    shutil.copytree(paths.DATA_DIR, d)
    return d


def _edit(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], (old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# --- one tidy file, cell by cell -------------------------------------------------------------------

CELLS = [  # (id, period, value, message after "f.csv, line 2, ")
    ("quarter_5", "2019Q5", "5", "column 'period': not a period (found '2019Q5')"),
    ("month_13_code", "2019MM13", "5", "column 'period': not a period (found '2019MM13')"),
    ("month_13_iso", "2019-13", "5", "column 'period': not a period (found '2019-13')"),
    ("empty_period", "", "5", "column 'period': not a period (found '')"),
    ("word_period", "vorig jaar", "5", "column 'period': not a period (found 'vorig jaar')"),
    ("n_a", "2019", "n/a", "column 'value': not a finite number (found 'n/a'); expected a finite number"),
    ("decimal_comma", "2019", '"4549,5"', "column 'value': not a finite number (found '4549,5'); expected a number "
                                          "with a decimal point (not a comma)"),
    ("inf", "2019", "inf", "column 'value': not a finite number (found 'inf')"),
    ("minus_inf", "2019", "-Infinity", "column 'value': not a finite number (found '-Infinity')"),
    ("nan_text", "2019", "NaN", "column 'value': not a finite number (found 'NaN')"),
    ("dash", "2019", "-", "column 'value': not a finite number (found '-')"),
    ("thousands_dots", "2019", "4.549.000", "column 'value': not a finite number (found '4.549.000')"),
    ("1e18", "2019", "1e18", "column 'value': count above the national ceiling (found '1e+18'); expected at most "
                             "2 000 000"),
    ("3e8", "2019", "3e8", "column 'value': count above the national ceiling (found '300000000')"),
    ("negative", "2019", "-50", "column 'value': negative count (found '-50'); expected a count ≥ 0"),
    ("fraction", "2019", "12.5", "column 'value': count is not a whole number (found '12.5'); expected a whole "
                                 "number (a count of crimes)"),
    ("future", "2099", "5", "column 'period': period lies in the future (found '2099')"),
]


@pytest.mark.parametrize("period,value,message", [c[1:] for c in CELLS], ids=[c[0] for c in CELLS])
def test_bad_cell_is_named_by_file_line_and_column(tmp_path, capsys, period, value, message):
    f = tmp_path / "f.csv"
    f.write_text(HEADER + "\n" + ROW.format(period=period, value=value) + "\n", encoding="utf-8")
    code, out, err = _run(capsys, "validate", str(f))
    assert code == 1
    assert f"{f}, line 2, {message}" in err


FILES = [  # (id, bytes or a maker, message)
    ("empty", b"", "empty file; expected a header line and rows"),
    ("utf16", (HEADER + "\n").encode("utf-16"), "is UTF-16 text; expected UTF-8 text (save as 'CSV UTF-8')"),
    ("xlsx_named_csv", b"PK\x03\x04" + b"\x00" * 40, "is an Excel workbook or zip archive, not text"),
    ("ragged_row", (HEADER + "\n" + ROW.format(period="2019", value="4549,5") + "\n").encode(),
     "line 2: rows do not match the header (found '12 fields')"),
    ("duplicated_column", (HEADER + ",value\n" + ROW.format(period="2019", value="5") + ",6\n").encode(),
     "line 1, column 'value': duplicated column; expected each column once"),
]


@pytest.mark.parametrize("content,message", [c[1:] for c in FILES], ids=[c[0] for c in FILES])
def test_unreadable_file_is_named(tmp_path, capsys, content, message):
    f = tmp_path / "f.csv"
    f.write_bytes(content)
    code, _, err = _run(capsys, "validate", str(f))
    assert code == 1
    assert f"{f}{',' if message.startswith('line') else ':'} {message}" in err


def test_missing_path(tmp_path, capsys):
    code, _, err = _run(capsys, "validate", str(tmp_path / "nope.csv"))
    assert code == 2 and err == f"error: {tmp_path / 'nope.csv'} does not exist (expected a data file or data folder)\n"


def test_fifo_is_refused_without_hanging(tmp_path, capsys):
    os.mkfifo(tmp_path / "pipe.csv")
    code, _, err = _run(capsys, "validate", str(tmp_path / "pipe.csv"))
    assert code == 1 and "pipe.csv: not a regular file (found 'a FIFO (named pipe)')" in err


def test_dangling_symlink(tmp_path, capsys):
    (tmp_path / "l.csv").symlink_to(tmp_path / "gone.csv")
    code, _, err = _run(capsys, "validate", str(tmp_path / "l.csv"))
    assert code == 1 and f"l.csv: dangling symbolic link (found '{tmp_path / 'gone.csv'}')" in err


def test_symlink_loop(tmp_path, capsys):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    code, _, err = _run(capsys, "validate", str(tmp_path / "a.csv"))
    assert code == 1 and "a.csv: symbolic link loop; expected a readable file" in err


# --- a data folder ---------------------------------------------------------------------------------

def _pol(d):
    return d / "police_figures.csv"


FOLDERS = [  # (id, mutate(d), exact problem text after the folder path)
    ("negative_count", lambda d: _edit(_pol(d), 2, ",4549,", ",-50,"),
     "police_figures.csv, line 2, column 'value': negative count (found '-50'); expected a count ≥ 0"),
    ("fraction_count", lambda d: _edit(_pol(d), 2, ",4549,", ",12.5,"),
     "police_figures.csv, line 2, column 'value': count is not a whole number (found '12.5')"),
    ("inf_count", lambda d: _edit(_pol(d), 2, ",4549,", ",inf,"),
     "police_figures.csv, line 2, column 'value': not a finite number (found 'inf')"),
    ("bad_quarter", lambda d: _edit(_pol(d), 2, ",2016,", ",2016Q5,"),
     "police_figures.csv, line 2, column 'period': not a period (found '2016Q5')"),
    ("malformed_code", lambda d: _edit(_pol(d), 2, "GM0995,", "GM995,"),
     "police_figures.csv, line 2, column 'region_code': malformed municipality code (found 'GM995')"),
    ("unknown_code", lambda d: _edit(_pol(d), 2, "GM0995,", "GM9999,"),
     "police_figures.csv, line 2, column 'region_code': region code not in the CBS code list (found 'GM9999')"),
    ("duplicate_row", lambda d: _pol(d).write_text(_pol(d).read_text(encoding="utf-8") + _pol(d).read_text(
        encoding="utf-8").splitlines()[1] + "\n", encoding="utf-8"),
     "police_figures.csv, line 418, column 'measure': duplicate row for (region, period, measure)"),
    ("duplicated_column", lambda d: _pol(d).write_text(_pol(d).read_text(encoding="utf-8").replace(
        "retrieved,kind", "value,kind", 1), encoding="utf-8"),
     "police_figures.csv, line 1, column 'value': duplicated column; expected each column once"),
    ("missing_column", lambda d: _pol(d).write_text(_pol(d).read_text(encoding="utf-8").replace(
        "measure_label,value,", "measure_label,waarde,", 1), encoding="utf-8"),
     "police_figures.csv, line 1: missing columns ['value']"),
    ("survey_grade_11", lambda d: _edit(d / "survey.csv", 5, ",7.4,", ",11,"),
     "survey.csv, line 5, column 'value': report grade outside 1–10 (found '11'); expected a grade from 1 to 10"),
    ("survey_pct_150", lambda d: _edit(d / "survey.csv", 12, ",22,", ",150,"),
     "survey.csv, line 12, column 'value': percentage outside 0–100 (found '150')"),
    ("unit_not_denominator", lambda d: _edit(d / "indicators.csv", 3, "per 1.000 woningen,2016", "per 1.000 inwoners,2016"),
     "indicators.csv, line 3, column 'unit': unit does not match the denominator (found 'per 1.000 inwoners'); "
     "expected 'per 1.000 woningen' (denominator woningen)"),
    ("rate_without_denominator", lambda d: _edit(d / "indicators.csv", 3, ",woningen,per", ",,per"),
     "indicators.csv, line 3, column 'denominator': a rate without a denominator (found '')"),
    ("unknown_denominator", lambda d: _edit(d / "indicators.csv", 3, ",woningen,per", ",huizen,per"),
     "indicators.csv, line 3, column 'denominator': unknown denominator (found 'huizen')"),
    ("indicator_comma", lambda d: _edit(d / "indicators.csv", 2, ",7.2,2022", ',"7,2",2022'),
     "indicators.csv, line 2, column 'reference_value': not a finite number (found '7,2')"),
    ("invalid_provenance_json", lambda d: (d / "provenance.json").write_text('{"tables": [', encoding="utf-8"),
     "provenance.json, line 1, column 'character 13': invalid JSON: Expecting value"),
    ("provenance_not_object", lambda d: (d / "provenance.json").write_text("[1, 2]", encoding="utf-8"),
     "provenance.json: not a JSON object (found 'list')"),
    ("dangling_police_link", lambda d: (_pol(d).unlink(), _pol(d).symlink_to(d / "elders.csv")),
     "police_figures.csv: dangling symbolic link"),
    ("police_fifo", lambda d: (_pol(d).unlink(), os.mkfifo(_pol(d))),
     "police_figures.csv: not a regular file (found 'a FIFO (named pipe)')"),
    ("police_is_folder", lambda d: (_pol(d).unlink(), _pol(d).mkdir()),
     "police_figures.csv: not a regular file (found 'a folder')"),
    ("police_utf16", lambda d: _pol(d).write_bytes(_pol(d).read_text(encoding="utf-8").encode("utf-16")),
     "police_figures.csv: is UTF-16 text"),
    ("police_cp1252", lambda d: _pol(d).write_bytes(_pol(d).read_bytes().replace(b"Lelystad", "Lelystäd".encode("cp1252"), 1)),
     "police_figures.csv, line 2: is not UTF-8 text"),
    ("police_empty", lambda d: _pol(d).write_bytes(b""), "police_figures.csv: empty file"),
    ("truncated_parquet", lambda d: (_pol(d).unlink(), (d / "police_figures.parquet").write_bytes(b"PAR1" + b"x" * 60)),
     "police_figures.parquet: cannot be read as parquet"),
    ("truncated_categories", lambda d: (d / "categories.csv").write_bytes((d / "categories.csv").read_bytes()[:300]),
     "categories.csv: cannot be read (found 'ParserError: Error tokenizing data. C error: EOF inside string"),
    ("binary_published_changes", lambda d: (d / "published_changes.csv").write_bytes(b"table_of\nx\x00\x01"),
     "published_changes.csv, line 2: holds NUL bytes (binary, or UTF-16 without a byte order mark)"),
    ("indicators_empty", lambda d: (d / "indicators.csv").write_bytes(b"\n"), "indicators.csv: empty file"),
]


def _population(d: Path, value: str, code="GM0995", year="2019") -> None:
    (d / "population.csv").write_text(
        HEADER + f"\n{code},Lelystad,{year},inwoners,Inwoners,{value},aantal,37230ned,definitief,,source\n"
        f"{code},Lelystad,{year},woningen,Woningen,40000,aantal,37230ned,definitief,,source\n", encoding="utf-8")


FOLDERS += [
    ("denominator_1", lambda d: _population(d, "1"),
     "population.csv, line 2, column 'value': denominator below 100 (found '1'); expected at least 100"),
    ("denominator_0", lambda d: _population(d, "0"), "population.csv, line 2, column 'value': denominator below 100 "
                                                     "(found '0')"),
    ("count_above_inhabitants", lambda d: _population(d, "3000"),
     "police_figures.csv, line 5, column 'value': count above the number of inhabitants (found '4240'); expected at "
     "most 3 000 (the inhabitants of GM0995 in 2019)"),
]


@pytest.mark.parametrize("mutate,message", [c[1:] for c in FOLDERS], ids=[c[0] for c in FOLDERS])
def test_bad_folder_is_named(tmp_path, capsys, mutate, message):
    d = _copy(tmp_path)
    mutate(d)
    code, _, err = _run(capsys, "validate", str(d))
    assert code == 1
    assert f"{d}/{message}" in err


@pytest.mark.parametrize("written", ["gm0995", " GM0995", "GM0995  ", "Gm0995"])
def test_codes_are_trimmed_and_upper_cased_on_load(tmp_path, capsys, written):
    d = _copy(tmp_path)
    text = _pol(d).read_text(encoding="utf-8").replace("\nGM0995,", f"\n{written},")
    _pol(d).write_text(text, encoding="utf-8")
    assert _run(capsys, "validate", str(d))[0] == 0
    code, out, _ = _run(capsys, "table", "police", "GM0995", "--data", str(d), "--csv", "-")
    assert code == 0
    assert out.splitlines()[1].startswith("Criminaliteit totaal,,,4549,4176,4041,4240,")


# --- scope of a failure ----------------------------------------------------------------------------

def test_one_municipality_fails_alone(tmp_path, capsys):
    d = _copy(tmp_path)
    _edit(_pol(d), 2, ",4549,", ",-50,")
    code, _, err = _run(capsys, "table", "police", "GM0995", "--data", str(d))
    assert code == 1 and "line 2, column 'value': negative count" in err
    code, out, _ = _run(capsys, "table", "police", "Dronten", "--data", str(d), "--csv", "-")
    assert code == 0 and "Criminaliteit totaal" in out
    data = validate.gate(datafolder.load(d))
    assert data.excluded == ("GM0995",) and "GM0995" not in set(data.police["region_code"])


def test_a_shared_table_problem_stops_every_report(tmp_path, capsys):
    d = _copy(tmp_path)
    _edit(d / "survey.csv", 5, ",7.4,", ",11,")  # RE03: shared by the reports of the police unit
    for who in ("GM0995", "GM0303"):
        code, _, err = _run(capsys, "table", "police", who, "--data", str(d))
        assert code == 1 and "survey.csv, line 5, column 'value': report grade outside 1–10" in err
    code, _, err = _run(capsys, "batch", "GM0303", "--data", str(d), "--out", str(tmp_path / "o"), "--quiet")
    assert code == 1 and err.startswith("error: the data folder has problems in shared tables; no report was made:")
    assert not any(p.name.startswith("GM") for p in (tmp_path / "o").iterdir())


def test_report_context_refuses_its_own_problems(tmp_path):
    from ivpanalysis.report import content as rc
    d = _copy(tmp_path)
    _edit(_pol(d), 2, ",4549,", ",4549.5,")
    with pytest.raises(DataError, match=r"line 2, column 'value': count is not a whole number \(found '4549.5'\)"):
        rc.context("GM0995", d)
    ctx = rc.context("GM0171", d)
    assert ctx.data.excluded == ("GM0995",)
    assert "Niet meegeteld in de vergelijking met andere gemeenten, omdat hun gegevens fouten bevatten: GM0995." \
        in rc.gap_section(ctx).data


def test_a_failing_section_is_one_sentence_and_the_rest_stands(tmp_path):
    from ivpanalysis.report import content as rc
    d = _copy(tmp_path)
    (d / "provenance.json").write_text('{"tables": "geen lijst"}', encoding="utf-8")  # valid JSON, wrong shape
    ctx = rc.context("GM0995", d)
    html = rc.verantwoording(ctx).data
    assert html.startswith('<div class="ivp-report"><p class="missing">Dit onderdeel kan niet worden getoond: ')
    assert html.count("<p") == 1
    assert "4.240" in rc.police_section(ctx).data


def test_a_bad_indicator_row_costs_the_dashboard_only(tmp_path, capsys):
    from ivpanalysis.report import content as rc
    d = _copy(tmp_path)
    _edit(d / "indicators.csv", 3, "per 1.000 woningen,2016", "per 1.000 inwoners,2016")
    ctx = rc.context("GM0995", d)
    assert rc.dashboard_section(ctx).data == (
        '<div class="ivp-report"><p class="missing">Dit onderdeel kan niet worden getoond: '
        f"{d}/indicators.csv, line 3, column &#x27;unit&#x27;: unit does not match the denominator (found "
        "&#x27;per 1.000 inwoners&#x27;); expected &#x27;per 1.000 woningen&#x27; (denominator woningen)</p></div>")
    assert "4.240" in rc.police_section(ctx).data
    assert "indicator" not in " ".join(rc.summary_sentences(ctx)).lower()
    code, _, err = _run(capsys, "table", "dashboard", "GM0995", "--data", str(d))
    assert code == 1 and "indicators.csv, line 3, column 'unit': unit does not match the denominator" in err
    assert _run(capsys, "table", "police", "GM0995", "--data", str(d), "--csv", "-")[0] == 0


def test_the_gate_runs_once_per_folder_version(tmp_path, monkeypatch):
    from ivpanalysis.report import content as rc
    d = _copy(tmp_path)
    calls = []
    real = validate.dataset_problems
    monkeypatch.setattr(validate, "dataset_problems", lambda data: calls.append(1) or real(data))
    rc.load_data(d), rc.load_data(d), rc.context("GM0995", d)
    assert len(calls) == 1
    time.sleep(0.01)
    _edit(_pol(d), 2, ",4549,", ",4550,")
    rc.load_data(d)
    assert len(calls) == 2


# --- arguments -------------------------------------------------------------------------------------

ARGS = [  # (id, argv, exit, exact stderr)
    ("timeout_0", ["report", "GM0995", "--timeout", "0"], 2,
     "error: --timeout must be more than 0 and at most 86400 seconds per cell (got 0)\n"),
    ("timeout_negative", ["batch", "GM0995", "--timeout", "-5"], 2,
     "error: --timeout must be more than 0 and at most 86400 seconds per cell (got -5)\n"),
    ("timeout_nan", ["batch", "GM0995", "--timeout", "nan"], 2,
     "error: --timeout must be more than 0 and at most 86400 seconds per cell (got nan)\n"),
    ("jobs_0", ["batch", "GM0995", "--jobs", "0"], 2, "error: --jobs must be from 1 to 64 (got 0)\n"),
    ("jobs_1000", ["batch", "GM0995", "--jobs", "1000"], 2, "error: --jobs must be from 1 to 64 (got 1000)\n"),
    ("year_2099", ["report", "GM0995", "--year", "2099"], 2,
     "error: --year 2099 is not in the data (years with police figures: 2016–2019)\n"),
    ("table_year_1900", ["table", "police", "GM0995", "--year", "1900"], 2,
     "error: --year 1900 is not in the data (years with police figures: 2016–2019)\n"),
    ("ambiguous_name", ["report", "Bergen"], 2,
     "error: 'Bergen' is ambiguous: Bergen (L.) (GM0893), Bergen (NH.) (GM0373); give the code\n"),
    ("unknown_name", ["batch", "Atlantis"], 2,
     "error: 'Atlantis' is not a municipality code nor a municipality name in the CBS code list (expected a code "
     "such as GM0995 or a name such as Lelystad)\n"),
    ("malformed_code", ["table", "police", "GM12"], 2,
     "error: 'GM12' is not a municipality code (expected GM followed by four digits)\n"),
]


@pytest.mark.parametrize("argv,exit,message", [c[1:] for c in ARGS], ids=[c[0] for c in ARGS])
def test_wrong_arguments_are_refused_before_work(tmp_path, capsys, argv, exit, message):
    code, _, err = _run(capsys, *argv, *(["--out", str(tmp_path / "o")] if argv[0] != "table" else []))
    assert (code, err) == (exit, message)


def test_unwritable_out_is_refused_before_the_first_render(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    code, _, err = _run(capsys, "report", "GM0995", "--out", str(tmp_path / "file" / "reports"))
    assert (code, err) == (2, f"error: --out {tmp_path / 'file' / 'reports'} is not writable (Not a directory)\n")


def test_unwritable_csv_target(tmp_path, capsys):
    code, _, err = _run(capsys, "table", "police", "GM0995", "--csv", str(tmp_path / "no" / "t.csv"))
    assert (code, err) == (1, f"error: cannot write {tmp_path / 'no' / 't.csv'}: Cannot save file into a "
                              f"non-existent directory: '{tmp_path / 'no'}'\n")


def test_missing_data_folder(tmp_path, capsys):
    code, _, err = _run(capsys, "report", "GM0995", "--data", str(tmp_path / "nope"), "--out", str(tmp_path))
    assert (code, err) == (2, f"error: --data {tmp_path / 'nope'} does not exist (expected a data folder)\n")


def test_relative_data_resolves_against_the_cwd(tmp_path, capsys, monkeypatch):
    _copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "table", "police", "lelystad", "--data", "d", "--csv", "-")
    assert code == 0 and "Criminaliteit totaal" in out


# --- output safety ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+31", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised_numbers_stay(text):
    out = neutralise(pd.DataFrame({"t": [text], "n": [-2.5]}))
    assert out.at[0, "t"] == "'" + text and out.at[0, "n"] == -2.5


def test_excel_export_holds_no_formula(tmp_path, capsys):
    import openpyxl
    d = _copy(tmp_path)
    (d / "categories.csv").write_text((d / "categories.csv").read_text(encoding="utf-8").replace(
        "Criminaliteit totaal", '"=HYPERLINK(""http://x"",""klik"")"', 1), encoding="utf-8")
    code, _, _ = _run(capsys, "table", "police", "GM0995", "--data", str(d), "--xlsx", str(tmp_path / "t.xlsx"),
                      "--csv", str(tmp_path / "t.csv"))
    assert code == 0
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert ws["A2"].value == '\'=HYPERLINK("http://x","klik")'
    assert isinstance(ws["D2"].value, (int, float))
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()[1].startswith("\"'=HYPERLINK(")


def test_index_escapes_data_text(tmp_path):
    from ivpanalysis.report.batch import index_html
    page = index_html({"started": "x", "reports": [{"code": "GM0995", "name": "<script>", "status": "failed",
                                                    "error": "a & b"}]})
    # the overview's own sorting script is the only <script>; the data text is escaped
    assert "<td><script>" not in page and "&lt;script&gt;" in page and "a &amp; b" in page


def test_pair_replaced_at_once_and_a_failed_write_keeps_the_old_pair(tmp_path, monkeypatch):
    folder = tmp_path / "GM0995-lelystad"
    atomic.write_folder(folder, {"evaluatie.ipynb": "2018", "evaluatie.html": "2018"})
    atomic.write_folder(folder, {"evaluatie.ipynb": "2019", "evaluatie.html": "2019"})
    assert {p.read_text() for p in folder.iterdir()} == {"2019"}

    def broken(path, text):
        if Path(path).name == "evaluatie.html":
            raise OSError(28, "No space left on device")
        return real(path, text)
    real = atomic.write_text
    monkeypatch.setattr(atomic, "write_text", broken)
    with pytest.raises(OSError):
        atomic.write_folder(folder, {"evaluatie.ipynb": "2020", "evaluatie.html": "2020"})
    assert {p.read_text() for p in folder.iterdir()} == {"2019"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["GM0995-lelystad"]


def test_stale_temporaries_of_dead_processes_are_cleaned(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    (tmp_path / f".GM0995-lelystad.{dead}.tmp").mkdir()
    (tmp_path / f".index.html.{dead}.ab_c1.tmp").write_text("half")
    live = tmp_path / f".index.html.{os.getppid()}.zz.tmp"
    live.write_text("being written")
    removed = atomic.clean_stale(tmp_path)
    assert sorted(p.name for p in removed) == [f".GM0995-lelystad.{dead}.tmp", f".index.html.{dead}.ab_c1.tmp"]
    assert live.exists()


def _write_manifests(out: str, prefix: str) -> None:
    from ivpanalysis.report.batch import write_manifest
    for i in range(15):
        write_manifest({"started": prefix, "reports": [{"code": f"{prefix}{i:02d}", "name": "x", "status": "failed",
                                                        "error": "e", "outputs": []}]}, out)


def test_concurrent_manifest_writers_all_end_up_in_the_index(tmp_path):
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    ps = [ctx.Process(target=_write_manifests, args=(str(tmp_path), p)) for p in ("GMA", "GMB")]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    m = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(r["code"] for r in m["reports"]) == sorted(f"{p}{i:02d}" for p in ("GMA", "GMB") for i in range(15))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "manifest.json"]


# --- rendered reports (one batch shared by the cases) ----------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One batch over a folder where Dronten has a negative count and Lelystad's register has '$' and '='."""
    from ivpanalysis.report.batch import run_batch
    tmp = tmp_path_factory.mktemp("rendered")
    d = _copy(tmp)
    reg = d / "registers" / "GM0995_activities.csv"
    reg.write_text(reg.read_text(encoding="utf-8").replace("Prioriteit 1: Veilige en leefbare wijken en buurten",
                                                           '"Kosten $x^2$ \\\\frac{a}{b} $ & =SUM(A1)"'),
                   encoding="utf-8")  # a theme heading: shown in the group table and the chart
    pol = _pol(d)
    lines = pol.read_text(encoding="utf-8").split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith("GM0303,Dronten,2019,criminaliteit_totaal"))
    lines[n] = lines[n].replace(lines[n].split(",")[5], "-7", 1)
    pol.write_text("\n".join(lines), encoding="utf-8")
    m = run_batch(["GM0995", "GM0303"], tmp / "out", d, jobs=1, progress=False)
    return tmp / "out", m, n + 1


def test_rendered_scope_and_escaping(rendered):
    out, m, line = rendered
    by = {r["code"]: r for r in m["reports"]}
    assert by["GM0303"]["status"] == "failed" and by["GM0303"]["failure"] == "bad_data"
    assert f"police_figures.csv, line {line}, column 'value': negative count (found '-7')" in by["GM0303"]["error"]
    assert not list(out.glob("GM0303*"))
    assert by["GM0995"]["status"] == "ok"
    page = (out / by["GM0995"]["outputs"][0]).read_text(encoding="utf-8")
    assert "Kosten $x^2$" in page and "kan niet worden getoond" not in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "negative count" in index and "GM0995-lelystad/evaluatie.html" in index


# --- processes (slow) ------------------------------------------------------------------------------

def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(p.name))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_sigkill_of_the_batch_takes_workers_and_kernels_along(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1] / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "ivpanalysis.cli", "batch", "GM0995", "GM0303", "--jobs", "2",
                             "--out", str(tmp_path / "o"), "--quiet"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    kids: set[int] = set()
    for _ in range(120):  # until both kernels run (4 descendants: 2 workers, 2 kernels)
        time.sleep(0.5)
        kids = _descendants(proc.pid)
        if len(kids) >= 4 or proc.poll() is not None:
            break
    assert len(kids) >= 4, "the batch did not start its workers and kernels"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for _ in range(60):
        if not any(_alive(k) for k in kids):
            break
        time.sleep(0.5)
    left = [k for k in kids if _alive(k)]
    for k in left:
        os.kill(k, signal.SIGKILL)
    assert left == []
    assert not (tmp_path / "o" / "GM0995-lelystad" / "evaluatie.html").exists() or \
        (tmp_path / "o" / "GM0995-lelystad" / "evaluatie.ipynb").exists()


@pytest.mark.slow
def test_sigkill_of_the_kernel_fails_that_report_only(tmp_path):
    from ivpanalysis.report.execute import KernelSession
    from ivpanalysis.report.batch import render
    with KernelSession() as s:
        pid = s.km.provisioner.process.pid
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        entry = render("GM0995", tmp_path, session=s)  # the dead kernel is replaced
    assert entry["status"] == "ok"


@pytest.mark.slow
def test_concurrent_batches_into_one_out_share_the_index(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1] / "src"))
    cmd = [sys.executable, "-m", "ivpanalysis.cli", "batch", "--out", str(tmp_path), "--quiet", "--jobs", "1"]
    ps = [subprocess.Popen(cmd + [c], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
          for c in ("GM0995", "GM0184")]
    for p in ps:
        p.wait()
        assert p.returncode == 0, p.stderr.read().decode()
    m = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(r["code"] for r in m["reports"]) == ["GM0184", "GM0995"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "GM0184-urk/evaluatie.html" in index and "GM0995-lelystad/evaluatie.html" in index
    assert not [p for p in tmp_path.rglob(".*") if p.name.endswith((".tmp", ".old"))]


@pytest.mark.slow
def test_wheel_installed_elsewhere_writes_a_report(tmp_path):
    """`pip install` of the wheel into a fresh venv; `ivpanalysis report GM0995` from another directory.

    The venv borrows the test environment's dependencies (a .pth line) instead of downloading them.
    """
    import site
    import venv
    root = Path(__file__).parents[1]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the installed package, not the tree
    shutil.copytree(root, tmp_path / "src", ignore=shutil.ignore_patterns(".git", "*.egg-info", "build", "reports",
                                                                        "__pycache__", ".venv"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "w"),
                            str(tmp_path / "src")], capture_output=True, text=True, env=env)
    if built.returncode != 0:
        pytest.skip(f"cannot build the wheel here: {built.stderr.strip().splitlines()[-1:]}")
    venv.create(tmp_path / "v", with_pip=True)
    py = tmp_path / "v" / "bin" / "python"
    wheel = next((tmp_path / "w").glob("ivpanalysis-*.whl"))
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, env=env)
    sp = next((tmp_path / "v" / "lib").glob("python*/site-packages"))
    (sp / "zz_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")  # nbconvert templates of the borrowed deps
    (tmp_path / "elsewhere").mkdir()
    r = subprocess.run([str(tmp_path / "v" / "bin" / "ivpanalysis"), "report", "GM0995"], cwd=tmp_path / "elsewhere",
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "elsewhere" / "reports" / "GM0995-lelystad" / "evaluatie.html").is_file()
    assert "without encryption" not in r.stderr
