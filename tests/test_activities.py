"""Activities register: loading (CSV, xlsx), validation, summary, comparison, Dutch text, CLI table.

Expected figures are read from the files themselves (fixtures with the csv module or openpyxl,
embedded registers and published totals with pandas), never typed in.
"""
import csv
import importlib.util
import io
import math
import re

import openpyxl
import pandas as pd
import pytest

from ivpanalysis.analysis import activities as A
from ivpanalysis.ingest import registers as R
from ivpanalysis.present import activities_text as T
from ivpanalysis.present import fmt
from ivpanalysis.cli import main
from ivpanalysis.ingest.datafolder import load_default
from ivpanalysis.errors import DataError

from .conftest import FIXTURES

REG = FIXTURES / "registers"
NEW = REG / "voortgang_2020-12-31.csv"
OLD = REG / "voortgang_2020-06-30.csv"
NEW_XLSX = REG / "voortgang_2020-12-31.xlsx"
#: the colour words the fixtures use, read independently of the library's parser
WORD = {"groen": "groen", "oranje": "oranje", "geel": "oranje", "rood": "rood"}


def raw_rows(path, delimiter, header_line):
    """Data rows of a fixture as dicts (header on ``header_line``), with the file line each starts on."""
    text = path.read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, start, header = [], 1, None
    for row in reader:
        if start == header_line:
            header = row
        elif header and any(row):
            rows.append({**dict(zip(header, row)), "_line": start})
        start = reader.line_num + 1
    return rows


def colour_of(cell):
    first = cell.strip().split(" ")[0].lower()
    return WORD.get(first)


@pytest.fixture(scope="module")
def new_raw():
    return raw_rows(NEW, ";", 2)


@pytest.fixture(scope="module")
def old_raw():
    return raw_rows(OLD, ",", 1)


@pytest.fixture(scope="module")
def ds():
    return load_default()


# --------------------------------------------------------------------------- loading

def test_csv_register_rows_columns_and_lines(new_raw):
    reg = R.read_register(NEW)
    assert list(reg.columns[:5]) == ["theme", "activity", "planned", "status", "judgement"]
    assert len(reg) == len(new_raw)
    assert reg["activity"].tolist() == [r["Activiteit"] for r in new_raw]
    assert reg["theme"].tolist() == [r["Prioriteit"] for r in new_raw]
    assert reg["status"].tolist() == [colour_of(r["Status"]) for r in new_raw]
    assert reg["planned"].tolist() == [r["Gepland"] == "ja" for r in new_raw]
    assert reg["line"].tolist() == [r["_line"] for r in new_raw]  # a quoted line break moves later rows
    assert reg["judgement"].tolist() == [r["Toelichting"] or None for r in new_raw]
    assert any("\n" in (j or "") for j in reg["judgement"]) and any(";" in (j or "") for j in reg["judgement"])
    assert reg.attrs["date"] == "2020-12-31" and reg.attrs["format"] == "csv"


def test_xlsx_with_merged_themes_and_fill_colours_reads_as_the_csv():
    from_csv, from_xlsx = R.read_register(NEW), R.read_register(NEW_XLSX)
    pd.testing.assert_frame_equal(from_csv[R.REGISTER_COLUMNS], from_xlsx[R.REGISTER_COLUMNS])
    ws = openpyxl.load_workbook(NEW_XLSX).active
    header_row = next(r for r in ws.iter_rows() if any(c.value == "Status" for c in r))
    col = next(c.column for c in header_row if c.value == "Status")
    fill_only = [ws.cell(r, col) for r in range(header_row[0].row + 1, ws.max_row + 1)
                 if ws.cell(r, col).value is None and ws.cell(r, col).fill.fill_type == "solid"]
    assert len(fill_only) >= 3  # the workbook really carries colours as fills only
    assert from_xlsx.attrs["sheet"] == ws.title


def test_xlsx_fixture_is_what_the_generator_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_xlsx", REG / "make_xlsx.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.register_workbook(tmp_path / "voortgang_2020-12-31.xlsx")
    pd.testing.assert_frame_equal(R.read_register(tmp_path / "voortgang_2020-12-31.xlsx")[R.REGISTER_COLUMNS],
                                  R.read_register(NEW_XLSX)[R.REGISTER_COLUMNS])


def test_other_column_names_and_a_tick_column(old_raw):
    reg = R.read_register(OLD)
    # runs of spaces are one space (spreadsheet noise); the texts are otherwise as written
    assert reg["activity"].tolist() == [re.sub(" +", " ", r["Omschrijving activiteit"]) for r in old_raw]
    assert any("  " in r["Omschrijving activiteit"] for r in old_raw)
    assert reg["portfolio_holder"].tolist() == [r["PH"] for r in old_raw]
    # Extra column: x = not in the plan, empty = in the plan
    assert reg["planned"].tolist() == [r["Extra"] != "x" for r in old_raw]
    assert reg["status"].tolist() == [colour_of(r["Kleur"]) for r in old_raw]
    assert reg["status"].isna().sum() == sum(not r["Kleur"] for r in old_raw) > 0  # missing stays missing


def test_section_headings_give_the_theme():
    reg = R.read_register(REG / "kopjes.csv")
    raw = raw_rows(REG / "kopjes.csv", ";", 1)
    headings = [r["item/actiepunt"] for r in raw if sum(bool(v) for k, v in r.items() if k != "_line") == 1]
    assert headings and set(reg["theme"]) == set(headings)
    assert len(reg) == len(raw) - len(headings)
    assert reg["partners"].notna().all()  # 'partijen <i>intern/extern</i>' is the partners column
    assert reg["planned"].isna().all()  # the file does not say: missing, not 'yes'


def test_workbook_heading_merged_across_the_table_is_a_heading(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Activiteit", "Kleur", "Oordeel"])
    ws.append(["Prioriteit 1: Jeugd"])
    ws.merge_cells("A2:C2")
    ws.append(["Groepsscan", "groen", None])
    ws.append(["Voorlichting", "oranje", "Scholen dicht"])
    ws["A5"] = "Prioriteit 2: Ondermijning"
    ws.merge_cells("A5:C5")
    ws.append(["Bibob", "rood", "Stil"])
    wb.save(tmp_path / "r.xlsx")
    reg = R.read_register(tmp_path / "r.xlsx")
    assert reg["activity"].tolist() == [ws.cell(r, 1).value for r in (3, 4, 6)]
    assert reg["theme"].tolist() == [ws["A2"].value] * 2 + [ws["A5"].value]
    assert reg["line"].tolist() == [3, 4, 6]


def test_colour_words_accepted(tmp_path):
    words = ["Groen", "GREEN", "groen (op koers)", "G", "\U0001f7e2", "oranje", "Orange", "geel", "Amber",
             "Oranje - knelpunten", "\U0001f7e0", "rood", "Red", "R", "\U0001f534", "", "-", "n.v.t.", "onbekend"]
    lines = ["Thema;Activiteit;Kleur"] + [f"T;Activiteit {i};{w}" for i, w in enumerate(words)]
    (tmp_path / "r.csv").write_text("\n".join(lines), encoding="utf-8")
    got = R.read_register(tmp_path / "r.csv")["status"].tolist()
    assert got == ["groen"] * 5 + ["oranje"] * 6 + ["rood"] * 4 + [None] * 4


def bad(path) -> DataError:
    with pytest.raises(DataError) as e:
        R.read_register(path)
    return e.value


def line_of(path, needle):
    return next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in t)


def test_unknown_colour_names_file_row_and_column():
    p = REG / "onbekende_kleur.csv"
    (prob,) = bad(p).problems
    assert (prob.file, prob.line, prob.column, prob.found) == (p.name, line_of(p, ";paars;"), "Status", "paars")
    assert "unknown colour" in prob.message and "groen" in prob.expected


def test_unknown_fill_colour_in_workbook():
    p = REG / "onbekende_kleur.xlsx"
    ws = openpyxl.load_workbook(p).active
    row = next(c.row for r in ws.iter_rows() for c in r if c.value == "Groepsscan van alle jeugdgroepen")
    (prob,) = bad(p).problems
    assert (prob.file, prob.line, prob.column) == (p.name, row, "Status")
    assert "unknown colour" in prob.message and prob.found.startswith("fill #")


def test_missing_theme_names_the_row():
    p = REG / "ontbrekend_thema.csv"
    (prob,) = bad(p).problems
    assert (prob.file, prob.line, prob.column) == (p.name, line_of(p, ";Buurtpreventie;"), "Thema")
    assert prob.message == "missing theme"


def test_duplicate_activity_names_both_rows():
    p = REG / "dubbele_activiteit.csv"
    (prob,) = bad(p).problems  # the same text under another theme is not a duplicate
    first = line_of(p, "Veilige wijken;Aanpak huiselijk geweld")
    assert (prob.file, prob.line, prob.column) == (p.name, line_of(p, "aanpak  huiselijk"), "Activiteit")
    assert f"line {first}" in prob.message and "duplicate activity" in prob.message


@pytest.mark.parametrize("text, message", [
    ("Thema;Activiteit;Status\nT;Iets;groen;nog iets\n", "cells, the header has 3"),
    ("Thema;Activiteit;Status;Oordeel\nT;;groen;tekst zonder activiteit\n", "missing activity"),
    ("Thema;Activiteit;Gepland\nT;Iets;misschien\n", "unknown value in the planned column"),
    ("Naam;Adres\nPiet;Dorpsstraat 1\n", "no header row with an activity column"),
    ("Thema;Activiteit;Status\n\n", "no activities below the header"),
    ("Activiteit;Status\nIets;groen\n", "missing theme (no theme column)"),
])
def test_other_bad_input(tmp_path, text, message):
    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    err = bad(tmp_path / "r.csv")
    assert message in str(err) and "r.csv" in str(err)


def test_all_problems_reported_together(tmp_path):
    (tmp_path / "r.csv").write_text("Thema;Activiteit;Status\n;A;groen\nT;B;paars\nT;B;groen\n", encoding="utf-8")
    msgs = [p.message for p in bad(tmp_path / "r.csv").problems]
    assert len(msgs) == 3 and msgs[0] == "missing theme" and msgs[1] == "unknown colour"


def test_old_excel_format_is_refused_clearly(tmp_path):
    (tmp_path / "r.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert ".xlsx or .csv" in str(bad(tmp_path / "r.xls"))


# --------------------------------------------------------------------------- summary

def test_summary_counts_and_shares(new_raw):
    s = A.activities_summary(R.read_register(NEW))
    colours = [colour_of(r["Status"]) for r in new_raw]
    for c in A.COLOURS:
        assert s.overall.loc[c, "count"] == colours.count(c)
        assert s.overall.loc[c, "share"] == pytest.approx(100 * colours.count(c) / len(colours))
    assert s.n_activities == s.n_judged == len(new_raw)
    themes = list(dict.fromkeys(r["Prioriteit"] for r in new_raw))
    assert s.by_theme["theme"].tolist() == themes
    for t in themes:
        row = s.by_theme.set_index("theme").loc[t]
        of_theme = [colour_of(r["Status"]) for r in new_raw if r["Prioriteit"] == t]
        assert row["activities"] == len(of_theme)
        assert [row[c] for c in A.COLOURS] == [of_theme.count(c) for c in A.COLOURS]
        assert row["share_groen"] == pytest.approx(100 * of_theme.count("groen") / len(of_theme))
    assert s.by_theme[list(A.COLOURS)].sum().tolist() == s.overall.loc[list(A.COLOURS), "count"].tolist()


def test_summary_lists_extra_and_red_orange_with_judgements(new_raw):
    s = A.activities_summary(R.read_register(NEW))
    assert s.extra["activity"].tolist() == [r["Activiteit"] for r in new_raw if r["Gepland"] == "nee"]
    assert (s.n_planned, s.n_extra) == (sum(r["Gepland"] == "ja" for r in new_raw),
                                        sum(r["Gepland"] == "nee" for r in new_raw))
    expected = [r for c in ("rood", "oranje") for r in new_raw if colour_of(r["Status"]) == c]
    assert s.attention["activity"].tolist() == [r["Activiteit"] for r in expected]
    assert s.attention["judgement"].tolist() == [r["Toelichting"] for r in expected]
    assert s.published.empty


def test_summary_shares_are_of_the_judged_activities(old_raw):
    s = A.activities_summary(R.read_register(OLD))
    colours = [colour_of(r["Kleur"]) for r in old_raw]
    judged = [c for c in colours if c]
    assert s.overall.loc[A.UNKNOWN, "count"] == colours.count(None) and s.n_judged == len(judged)
    assert s.overall.loc["groen", "share"] == pytest.approx(100 * judged.count("groen") / len(judged))
    assert math.isnan(s.overall.loc[A.UNKNOWN, "share"])


@pytest.mark.parametrize("code", ["GM0995", "GM0171"])
def test_embedded_register_keeps_lost_colours_missing(ds, code):
    f = pd.read_csv(ds.data_dir / "registers" / f"{code}_activities.csv", dtype=str, keep_default_na=False)
    s = A.activities_summary(R.load_register(ds, code))
    assert s.n_activities == len(f) and s.n_judged == 0
    assert s.overall.loc[list(A.COLOURS), "count"].isna().all()  # <NA>, not 0
    assert s.overall.loc[A.UNKNOWN, "count"] == len(f)
    assert s.n_planned == (f["planned"] == "yes").sum() and s.n_extra == (f["planned"] == "no").sum()
    assert s.by_theme["activities"].tolist() == f["theme"].value_counts(sort=False).reindex(
        list(dict.fromkeys(f["theme"]))).tolist()
    assert "staat niet in de bron" in T.summary_text(s)


def published_rows(ds, code, source):
    pt = pd.read_csv(ds.data_dir / "registers" / "published_totals.csv", dtype=str, keep_default_na=False)
    return pt[(pt["region_code"] == code) & pt["source"].str.startswith(source + ":")
              & ~pt["measure"].str.contains("indicatoren")]


def test_gm0995_summary_carries_the_published_totals_as_published(ds):
    s = A.activities_summary(R.load_register(ds, "GM0995"))
    expected = published_rows(ds, "GM0995", "seed000")
    assert len(expected) and s.published["measure"].tolist() == expected["measure"].tolist()
    assert s.published["value"].tolist() == expected["value"].astype(float).tolist()
    assert (s.published["kind"] == "published").all()
    assert not s.published["measure"].str.startswith("ivp2023").any()  # seed 001 is another plan
    text = T.summary_text(s)
    get = dict(zip(expected["measure"], expected["value"].astype(int)))
    printed = dict(zip(expected["measure"], expected["printed"]))
    assert "gepubliceerd" in text
    assert f"{fmt.number(get['ivp2018_activiteiten_totaal'])} activiteiten" in text
    assert (f"{fmt.number(get['ivp2018_activiteiten_oranje'])} oranje en "
            f"{fmt.number(get['ivp2018_activiteiten_rood'])} rood") in text
    assert printed["ivp2018_pct_op_koers"].lower() + " op koers" in text.lower()
    # the rows differ from the stated total, and the text says so instead of padding
    assert s.n_activities != get["ivp2018_activiteiten_totaal"]
    assert f"{fmt.number(s.n_activities)} rijen" in text


def test_gm0171_has_no_published_totals(ds):
    assert published_rows(ds, "GM0171", "seed003").empty
    assert A.activities_summary(R.load_register(ds, "GM0171")).published.empty


def test_approx_share_reproduces_the_documents_wording(ds):
    rows = published_rows(ds, "GM0995", "seed000")
    printed = dict(zip(rows["measure"], rows["printed"]))
    val = dict(zip(rows["measure"], rows["value"].astype(int)))
    total = val["ivp2018_activiteiten_totaal"]
    on_course = total - val["ivp2018_activiteiten_oranje"] - val["ivp2018_activiteiten_rood"]
    assert T.approx_share(100 * on_course / total) == printed["ivp2018_pct_op_koers"].lower()
    assert T.approx_share(87) == "bijna 90%" and T.approx_share(85) == "85%" and T.approx_share(None) == fmt.NA


def test_summary_text_for_a_judged_register(new_raw):
    s = A.activities_summary(R.read_register(NEW))
    text = T.summary_text(s)
    colours = [colour_of(r["Status"]) for r in new_raw]
    assert f"Van de {fmt.number(len(colours))} beoordeelde activiteiten ligt" in text
    assert f"{T.approx_share(100 * colours.count('groen') / len(colours))} op koers" in text
    assert f"{fmt.number(colours.count('rood'))} rood" in text
    assert "gepubliceerd" not in text


# --------------------------------------------------------------------------- comparison

def test_compare_two_dates(old_raw, new_raw):
    cmp = A.compare(R.read_register(OLD), R.read_register(NEW))
    old = {r["Omschrijving activiteit"].replace("  ", " "): colour_of(r["Kleur"]) for r in old_raw}
    new = {r["Activiteit"]: colour_of(r["Status"]) for r in new_raw}
    got = cmp.set_index("activity")
    assert set(got.index) == set(old) | set(new)
    for a in set(old) & set(new):  # matched even where the theme was renamed
        assert (got.loc[a, "status_old"], got.loc[a, "status_new"]) == (old[a], new[a]) or (
            old[a] is None and pd.isna(got.loc[a, "status_old"]))
        if old[a] and new[a] and old[a] != new[a]:
            assert got.loc[a, "move"] == f"{old[a]} → {new[a]}"
            assert got.loc[a, "direction"] == ("beter" if A.COLOURS.index(new[a]) < A.COLOURS.index(old[a])
                                               else "slechter")
    assert set(got.index[got["direction"] == "nieuw"]) == set(new) - set(old)
    assert set(got.index[got["direction"] == "vervallen"]) == set(old) - set(new)
    assert (got["direction"] == "onbekend").sum() == sum(old[a] is None for a in set(old) & set(new))
    m = A.moves(cmp)
    assert m.to_numpy().sum() == len(cmp)
    assert m.loc["oranje", "groen"] == sum(old.get(a) == "oranje" and new[a] == "groen" for a in new)


def test_comparison_text(old_raw, new_raw):
    cmp = A.compare(R.read_register(OLD), R.read_register(NEW))
    text = T.comparison_text(cmp)
    assert text.startswith("Tussen 30 juni 2020 en 31 december 2020:")
    n_better = int((cmp["direction"] == "beter").sum())
    assert n_better and f"{fmt.number(n_better)} activiteiten verbeterd" in text
    assert "van oranje naar groen" in text


# --------------------------------------------------------------------------- finding registers, the table, the CLI

def test_register_path_picks_dated_versions(tmp_path):
    folder = tmp_path / "registers"
    folder.mkdir()
    for name in ("GM0001_activities_2019-12-31.csv", "GM0001_activities_2020-06-30.csv"):
        (folder / name).write_text("x", encoding="utf-8")
    assert R.register_path(tmp_path, "GM0001").name.endswith("2020-06-30.csv")
    assert R.register_path(tmp_path, "GM0001", year=2019).name.endswith("2019-12-31.csv")
    with pytest.raises(LookupError, match="GM0001_activities.csv"):
        R.register_path(tmp_path, "GM0001", year=2018)
    (folder / "GM0001_activities.xlsx").write_text("x", encoding="utf-8")
    assert R.register_path(tmp_path, "GM0001").name == "GM0001_activities.xlsx"


def test_missing_register_raises_lookup_error_naming_the_file(ds):
    with pytest.raises(LookupError, match="GM0034_activities.csv"):
        R.activities_table(ds, "GM0034")


def test_activities_table_reads_back(ds, tmp_path):
    table = R.activities_table(ds, "GM0171")
    table.to_csv(tmp_path / "GM0171_activities.csv", index=False)
    back = R.read_register(tmp_path / "GM0171_activities.csv")
    pd.testing.assert_frame_equal(back[R.REGISTER_COLUMNS].drop(columns="planned"),
                                  R.load_register(ds, "GM0171")[R.REGISTER_COLUMNS].drop(columns="planned"))


@pytest.mark.parametrize("code", ["GM0995", "GM0171"])
def test_cli_table_activities(capsys, ds, code):
    assert main(["table", "activities", code, "--csv", "-"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    f = pd.read_csv(ds.data_dir / "registers" / f"{code}_activities.csv", dtype=str, keep_default_na=False)
    assert list(out.columns[:5]) == ["theme", "activity", "planned", "status", "judgement"]
    assert len(out) == len(f)
    for c in ("theme", "activity", "planned", "judgement", "item", "partners", "planning_year"):
        assert out[c].tolist() == f[c].tolist()
    assert (out["status"] == "").all()  # lost in the source: empty, never guessed


def test_cli_table_activities_without_register(capsys):
    assert main(["table", "activities", "GM0034", "--csv", "-"]) == 1
    assert "GM0034_activities.csv" in capsys.readouterr().err


def test_cli_table_activities_from_a_data_folder_with_an_xlsx(tmp_path, capsys):
    (tmp_path / "registers").mkdir()
    (tmp_path / "registers" / "GM0001_activities.xlsx").write_bytes(NEW_XLSX.read_bytes())
    assert main(["table", "activities", "GM0001", "--data", str(tmp_path), "--csv", "-"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert out["status"].tolist() == R.read_register(NEW)["status"].tolist()


def test_summary_of_the_table_equals_summary_of_the_register(ds):
    a = A.activities_summary(R.activities_table(ds, "GM0995"))
    b = A.activities_summary(R.load_register(ds, "GM0995"))
    assert (a.n_planned, a.n_extra, a.n_activities) == (b.n_planned, b.n_extra, b.n_activities)
    pd.testing.assert_frame_equal(a.by_theme, b.by_theme)
    pd.testing.assert_frame_equal(a.published, b.published)


def test_source_column_links_published_totals_in_a_users_data_folder(tmp_path):
    from ivpanalysis.ingest.datafolder import load
    (tmp_path / "registers").mkdir()
    rows = list(csv.reader(io.StringIO(NEW.read_text(encoding="utf-8")), delimiter=";"))[1:]
    with open(tmp_path / "registers" / "GM0001_activities.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows([rows[0] + ["Bron"]] + [r + ["rapport2020"] for r in rows[1:]])
    (tmp_path / "registers" / "published_totals.csv").write_text(
        "region_code,measure,value,printed,source\n"
        "GM0001,uvp2020_activiteiten_totaal,12,twaalf,rapport2020:p3\n"
        "GM0001,uvp2019_activiteiten_totaal,30,30,rapport2019:p1\n", encoding="utf-8")
    reg = R.load_register(load(tmp_path), "GM0001")
    assert reg.attrs["source"] == "rapport2020"
    assert reg["judgement"].tolist() == R.read_register(NEW)["judgement"].tolist()
    s = A.activities_summary(reg)
    assert s.published["measure"].tolist() == ["uvp2020_activiteiten_totaal"]
    assert s.published_value("activiteiten_totaal") == 12
    assert "gepubliceerd" in T.summary_text(s)


# --------------------------------------------------------------------------- reader-facing tables and text

def test_theme_table_is_the_summary_formatted(new_raw):
    s = A.activities_summary(R.read_register(NEW))
    t = T.theme_table(s)
    assert t["Thema"].tolist() == s.by_theme["theme"].tolist() + ["Totaal"]
    total = t.iloc[-1]
    assert total["Activiteiten"] == fmt.number(len(new_raw))
    for c in A.COLOURS:
        assert total[c.capitalize()] == fmt.number(sum(colour_of(r["Status"]) == c for r in new_raw))
    shares = [*s.by_theme["share_groen"], s.overall.loc["groen", "share"]]
    assert t["Op koers"].tolist() == [fmt.share(x) for x in shares]


def test_theme_table_prints_unknown_counts_as_missing(ds):
    t = T.theme_table(A.activities_summary(R.load_register(ds, "GM0171")))
    assert (t[["Groen", "Oranje", "Rood", "Op koers"]] == fmt.NA).all().all()
    assert (t["Kleur onbekend"] == t["Activiteiten"]).all()


def test_interpretation_lists_red_orange_and_extra(new_raw):
    s = A.activities_summary(R.read_register(NEW))
    md = T.interpretation(s, "Voorbeeld")
    assert md.startswith("### Uitvoering van de activiteiten in Voorbeeld") and T.summary_text(s) in md
    for r in new_raw:
        c = colour_of(r["Status"])
        if c in ("rood", "oranje") or r["Gepland"] == "nee":
            assert f"- {r['Activiteit']} ({r['Prioriteit']})" in md
    for block in md.split("\n\n"):  # list blocks are pure lists (one line per item), as markdown_html expects
        lines = block.splitlines()
        assert all(line.startswith("- ") for line in lines) or len(lines) == 1
    assert T.attention_table(s)["Activiteit"].tolist() == s.attention["activity"].tolist()


def test_interpretation_of_gm0995_lists_the_extra_activities_and_no_colours(ds):
    f = pd.read_csv(ds.data_dir / "registers" / "GM0995_activities.csv", dtype=str, keep_default_na=False)
    md = T.interpretation(A.activities_summary(R.load_register(ds, "GM0995")))
    assert md.count("\n- ") == (f["planned"] == "no").sum()
    assert "**Rood**" not in md and "**Oranje**" not in md


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_excel_saved_csv_encodings(tmp_path, encoding):
    """Excel's 'CSV (puntkomma)' is Windows-1252; 'CSV UTF-8' starts with a BOM."""
    p = tmp_path / NEW.name
    assert not NEW.read_text(encoding="utf-8").isascii()  # the fixture has accents ('cafés')
    p.write_bytes(NEW.read_text(encoding="utf-8").replace("\n", "\r\n").encode(encoding))
    pd.testing.assert_frame_equal(R.read_register(p), R.read_register(NEW), check_like=False)


def test_published_totals_follow_the_register_wherever_it_lies(tmp_path):
    """The register names its document (`source`), so a copy in another data folder keeps its totals."""
    import shutil

    from ivpanalysis.ingest import datafolder
    from ivpanalysis import paths
    (tmp_path / "registers").mkdir()
    for name in ("GM0995_activities.csv", "published_totals.csv"):
        shutil.copy(paths.DATA_DIR / "registers" / name, tmp_path / "registers" / name)
    here = R.load_register(datafolder.load(), "GM0995")
    there = R.load_register(datafolder.load(tmp_path), "GM0995")
    assert there.attrs["published"] == here.attrs["published"] != []


# --------------------------------------------------------------------------- the plan's structure (issue 19.3)

def embedded_register(ds, code):
    return pd.read_csv(ds.data_dir / "registers" / f"{code}_activities.csv", dtype=str, keep_default_na=False)


def published_values(ds, code, source="seed000"):
    """{measure suffix: value} of the totals one document publishes about a municipality's register."""
    pt = pd.read_csv(ds.data_dir / "registers" / "published_totals.csv", dtype=str, keep_default_na=False)
    pt = pt[(pt["region_code"] == code) & pt["source"].str.startswith(source + ":")]
    return dict(zip(pt["measure"].str.split("_", n=1).str[1], pd.to_numeric(pt["value"])))


def test_noted_are_the_planned_activities_with_a_note_when_colours_are_lost(ds):
    f = embedded_register(ds, "GM0995")
    s = A.activities_summary(R.load_register(ds, "GM0995"))
    expected = f[(f["judgement"].str.strip() != "") & (f["planned"] != "no")]
    assert s.noted["activity"].tolist() == expected["activity"].tolist()
    assert 0 < len(s.noted) < s.n_activities
    bt = s.by_theme.set_index("theme")
    assert bt["noted"].to_dict() == {t: int(((expected["theme"] == t)).sum()) for t in bt.index}
    assert bt["extra"].to_dict() == {t: int(((f["theme"] == t) & (f["planned"] == "no")).sum()) for t in bt.index}


def test_noted_is_empty_when_colours_are_known():
    s = A.activities_summary(R.read_register(NEW))
    assert s.n_judged == s.n_activities and s.noted.empty


def test_published_stoplight_is_computed_from_the_published_totals(ds):
    v = published_values(ds, "GM0995")
    bar = A.published_stoplight(A.activities_summary(R.load_register(ds, "GM0995")))
    total = v["activiteiten_totaal"]
    assert bar.attrs["total"] == total
    assert bar.loc["groen", "share"] == v["pct_groen"]
    assert bar.loc["groen", "count"] == pytest.approx(total * v["pct_groen"] / 100)
    for c in ("oranje", "rood"):
        assert bar.loc[c, "count"] == v[f"activiteiten_{c}"]
        assert bar.loc[c, "share"] == pytest.approx(100 * v[f"activiteiten_{c}"] / total)
    assert bar["count"].sum() == pytest.approx(total)  # what the stated figures leave is 'rest', not green
    assert bar.loc["rest", "printed"] == ""


def test_published_stoplight_needs_published_totals(ds):
    assert A.published_stoplight(A.activities_summary(R.load_register(ds, "GM0171"))) is None
    assert A.published_stoplight(A.activities_summary(R.read_register(NEW))) is None


@pytest.mark.parametrize("theme, expected", [
    ("Prioriteit 1: Veilige en leefbare wijken en buurten", ("Prioriteiten", "1. Veilige en leefbare wijken en buurten")),
    ("Strategisch thema h: Overige onderwerpen", ("Strategische thema's", "h. Overige onderwerpen")),
    ("Verkeersveiligheid", ("Overige thema's", "Verkeersveiligheid")),
])
def test_theme_group(theme, expected):
    assert T.theme_group(theme) == expected


def test_group_table_follows_the_plans_headings(ds):
    f = embedded_register(ds, "GM0995")
    s = A.activities_summary(R.load_register(ds, "GM0995"))
    t = T.group_table(s)
    assert list(t.columns) == ["Groep", "Thema", "Activiteiten", "In het plan", "Extra", "Met toelichting"]
    assert list(dict.fromkeys(t["Groep"])) == ["Prioriteiten", "Strategische thema's", "Overige thema's", "Totaal"]
    assert t[t["Groep"] == "Prioriteiten"]["Thema"].str[:2].tolist() == ["1.", "2.", "3."]
    assert t[t["Groep"] == "Strategische thema's"]["Thema"].str[:2].tolist() == [f"{i}." for i in range(1, 9)]
    per_theme = f["theme"].value_counts()
    for theme, n in per_theme.items():
        assert t.loc[t["Thema"] == T.theme_group(theme)[1], "Activiteiten"].item() == fmt.number(n)
    total = t.iloc[-1]
    assert total["Activiteiten"] == fmt.number(len(f))
    assert total["Extra"] == fmt.number((f["planned"] == "no").sum())
    assert "Groen" not in t.columns  # no colour column where the colours are lost


def test_group_table_with_colours_names_every_colour(new_raw):
    t = T.group_table(A.activities_summary(R.read_register(NEW)))
    assert {"Groen", "Oranje", "Rood", "Op koers"} <= set(t.columns)
    assert t.iloc[-1]["Rood"] == fmt.number(sum(colour_of(r["Status"]) == "rood" for r in new_raw))
    assert set(t["Groep"][:-1]) == {"Overige thema's"}  # the fixture's themes carry no plan heading


def test_attention_list_without_colours_never_guesses_a_colour(ds):
    s = A.activities_summary(R.load_register(ds, "GM0995"))
    a = T.attention_list(s)
    assert len(a) == len(s.noted)
    assert (a["Stand"] == "aandachtspunt (kleur onbekend)").all()
    assert a["Toelichting"].str.len().gt(0).all()
    assert "kleur onbekend" in T.attention_heading(s) and fmt.number(len(a)) in T.attention_heading(s)


def test_attention_list_with_colours_is_red_then_orange_with_notes(new_raw):
    s = A.activities_summary(R.read_register(NEW))
    a = T.attention_list(s)
    colours = [colour_of(r["Status"]) for r in new_raw]
    n_red, n_orange = colours.count("rood"), colours.count("oranje")
    assert a["Stand"].str.split(" ").str[0].tolist() == ["rood"] * n_red + ["oranje"] * n_orange
    assert a["Stand"].str.contains(r"\(").all()  # the colour's meaning in words beside the colour word
    assert T.attention_heading(s).startswith(f"Aandachtspunten: {n_red} rood en {n_orange} oranje")


def _section_html(code, data_dir=None):
    from ivpanalysis.report import content
    return content.activities_section(content.context(code, data_dir)).data


def _outside_details(page):
    return re.sub(r"<details>.*?</details>", "", page, flags=re.S)


def test_report_section_lelystad_folds_the_lists_and_shows_the_published_bar(ds):
    page = _section_html("GM0995")
    s = A.activities_summary(R.load_register(ds, "GM0995"))
    assert page.count("<details>") == 2
    folded = re.findall(r"<details>.*?</details>", page, flags=re.S)
    assert folded[0].count("aandachtspunt (kleur onbekend)") == len(s.noted)
    assert all(_one(r.activity) in folded[0] for r in s.noted.itertuples())
    outside = _outside_details(page)
    assert "kleur onbekend)</td>" not in outside
    assert len(re.findall(r"<img\b", outside)) == 1
    total = fmt.number(published_values(ds, "GM0995")["activiteiten_totaal"])
    alt = re.search(r'alt="([^"]*)"', outside)[1]
    assert "Lelystad" in alt and f"{total} activiteiten" in alt
    # at most the group table's rows outside the folds: 3 priorities + 8 themes + traffic safety,
    # 4 group rows, the total (measured in a browser: 825 px at 1280 wide, under two screens)
    assert outside.count("<tr") == 1 + 12 + 4 + 1


def test_report_section_with_colours_lists_red_and_orange(tmp_path, new_raw):
    import shutil

    from ivpanalysis import paths
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    (data / "registers" / "GM0995_activities.csv").write_bytes(NEW.read_bytes())
    page = _section_html("GM0995", data)
    folded = re.findall(r"<details>.*?</details>", page, flags=re.S)
    colours = [colour_of(r["Status"]) for r in new_raw]
    assert len(re.findall(r"<td>(?:rood|oranje) \(", folded[0])) == colours.count("rood") + colours.count("oranje")
    assert "kleur onbekend" not in page
    alt = re.search(r'alt="([^"]*)"', _outside_details(page))[1]
    assert alt.startswith("Activiteiten per thema naar stoplichtkleur, Lelystad")  # bars per theme, not the published bar


def _one(text):
    import html
    return html.escape(re.sub(r"\s+", " ", str(text)).strip(), quote=True)
