"""The evaluation report: notebook execution on the embedded data, the HTML a reader gets, atomic
writes, code validation, the CLI hooks. One kernel serves the module (as in a batch)."""
from __future__ import annotations

import argparse
import html
import re
import shutil

import nbformat
import pandas as pd
import pytest

from ivpanalysis.ingest import datafolder, schema
from ivpanalysis.present import fmt
from ivpanalysis import paths
from ivpanalysis.report import atomic, content, export
from ivpanalysis.report.batch import HTML_NAME, NOTEBOOK_NAME, index_html, render
from ivpanalysis.report.cli import add_batch_parser, add_report_parser
from ivpanalysis.report.execute import NOTEBOOK, KernelSession


@pytest.fixture(scope="module")
def session():
    with KernelSession() as s:
        yield s


@pytest.fixture(scope="module")
def lelystad(session, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    entry = render("GM0995", out, session=session)
    assert entry["status"] == "ok", entry
    return out, entry, (out / entry["outputs"][0]).read_text(encoding="utf-8")


def _text(page: str) -> str:
    """Visible text of a page (scripts and styles dropped, tags removed)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _count(sentence: str, page: str) -> int:
    """How often the page shows ``sentence`` as text (glossary links and emphasis inside it allowed)."""
    inline = re.sub(r"</?(a|span|strong|em)\b[^>]*>", "", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
    text = html.unescape(re.sub(r"<[^>]+>", " ", inline))
    return " ".join(text.split()).count(" ".join(sentence.split()))


def _reads(sentence: str, page: str) -> bool:
    """Whether the page shows ``sentence`` as text (glossary links and emphasis inside it allowed)."""
    inline = re.sub(r"</?(a|span|strong|em)\b[^>]*>", "", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
    text = html.unescape(re.sub(r"<[^>]+>", " ", inline))
    return " ".join(sentence.split()) in " ".join(text.split())


def test_report_written_where_the_issue_says(lelystad):
    out, entry, _ = lelystad
    assert entry["outputs"] == [f"GM0995-lelystad/{HTML_NAME}", f"GM0995-lelystad/{NOTEBOOK_NAME}"]
    nb = nbformat.read(out / "GM0995-lelystad" / NOTEBOOK_NAME, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "GM0995" in injected[0].source
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == list(range(1, 1 + sum(
        c.cell_type == "code" for c in nb.cells)))
    assert not list(out.rglob("*.tmp"))


def test_html_has_no_code_no_prompts_no_traceback(lelystad):
    _, _, page = lelystad
    src = nbformat.read(NOTEBOOK, as_version=4)
    text = _text(page)
    for cell in src.cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    assert line.strip() not in text, line
    code_cells = re.findall(r'class="(jp-Cell jp-CodeCell[^"]*)"', page)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    assert not re.search(r'class="[^"]*\b(jp-InputPrompt|highlight|jp-RenderedText)\b', page)
    assert "In [" not in text and "Out[" not in text and "Traceback" not in text


def test_html_title_sections_and_order(lelystad):
    _, _, page = lelystad
    assert "<title>Evaluatie integraal veiligheidsplan Lelystad (GM0995)</title>" in page
    headings = [re.sub(r"<[^>]+>|¶", "", h).strip() for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", page)]
    assert headings == ["Wat ontbreekt", "Inhoud", "Samenvatting", "Politiecijfers", "Kaart",
                        "Misdrijven per maand en de trend",
                        "Indicatoren van het veiligheidsplan", "Veiligheidsgevoel en de kloof met de criminaliteit",
                        "Uitvoering van de activiteiten", "Verantwoording", "Begrippen"]


def test_html_tables_carry_the_data_in_dutch_format(lelystad):
    _, _, page = lelystad
    ds = datafolder.load()
    pol = ds.police[(ds.police.region_code == "GM0995") & (ds.police.measure == "woninginbraak")]
    text = _text(page)
    assert page.count("<table") >= 2
    for v in pol["value"]:
        assert fmt.number(v) in text
    total = ds.police[(ds.police.region_code == "GM0995") & (ds.police.measure == "criminaliteit_totaal")]
    by_year = dict(zip([p.year for p in total["period"]], total["value"]))
    assert f"In 2019 registreerde de politie {fmt.number(by_year[2019])} misdrijven in Lelystad" in text
    assert fmt.pct(100 * (by_year[2019] - by_year[2018]) / by_year[2018]) in text


def test_html_offline_images_embedded_and_small(lelystad):
    _, _, page = lelystad
    imgs = re.findall(r"<img\b[^>]*>", page)
    assert imgs, "the yearly chart is missing"
    for tag in imgs:
        assert re.search(r'src="data:image/(png|svg\+xml)[;,]', tag), tag
        assert re.search(r'alt="[^"]+"', tag)
    assert not re.search(r"<script\b[^>]*\bsrc=", page)
    assert not re.search(r"<script\b[^>]*>[^<]*https?://", page)
    assert not re.search(r"<link\b[^>]*href=\"https?://", page)
    assert len(page.encode("utf-8")) < export.MAX_BYTES


def test_strip_remote_scripts_keeps_local_ones():
    page = ('<script src="https://cdn.example/x.js"></script><script>var a = 1;</script>'
            '<script type="module">import m from "https://cdn.example/m.js";</script><p>x</p>')
    out = export.strip_remote_scripts(page)
    assert out == "<script>var a = 1;</script><p>x</p>"


def test_text_from_data_is_escaped(session, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    cats = pd.read_csv(data / "categories.csv", dtype=str, keep_default_na=False)
    cats.loc[cats.key == "woninginbraak", "label"] = "Inbraak <script>alert(1)</script> & co"
    cats.to_csv(data / "categories.csv", index=False)
    entry = render("GM0995", tmp_path / "out", data_dir=data, session=session)
    assert entry["status"] == "ok", entry
    page = (tmp_path / "out" / entry["outputs"][0]).read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "Inbraak &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_missing_police_data_says_so_once_in_the_box(session, tmp_path):
    ds = datafolder.load()
    code = "GM0034"  # Almere: goals in the data, no police figures
    assert code in set(ds.indicators["region_code"]) and code not in set(ds.police["region_code"])
    entry = render(code, tmp_path, session=session)
    assert entry["status"] == "ok", entry
    page = (tmp_path / entry["outputs"][0]).read_text(encoding="utf-8")
    ctx = content.context(code)
    lines = content.missing_lines(ctx)
    police = [line for line in lines if "47013NED" in line and line.startswith("politiecijfers per gemeente")]
    assert len(police) == 1 and "ivpanalysis fetch GM0034 --tables 47013NED --out DIR" in police[0]
    for line in lines:  # each input once, in the box at the top
        assert _count(line, page) == 1, line
    pointer = content.pointer("police", ctx)
    assert pointer.count(".") == 1 and "Wat ontbreekt" in pointer and "ivpanalysis" not in pointer
    assert _reads(pointer, page)
    assert "<img" not in page
    summary = content.summary_sentences(ctx)  # the plan's relative targets are still summarised
    assert summary[0] == pointer
    from ivpanalysis.present import dashboard_text
    assert dashboard_text.targets_sentence(content.computed.relative_targets(ctx)) in summary


def test_gap_section_with_survey_data_and_sentence_without(session, tmp_path, lelystad):
    _, _, page = lelystad
    text = _text(page)
    ds = datafolder.load()
    unsafe = ds.survey[(ds.survey.region_code == "GM0995") & (ds.survey.measure == "pct_onveilig_buurt")]
    for v in unsafe["value"]:
        assert fmt.share(v) in text  # the feeling of unsafety, as measured
    # yearly chart, the gap over time, activities per theme; four years of totals are too few for an
    # annual trend (issue 18 item 3: five years or more), and the section says so
    assert len(re.findall(r"<img\b", page)) == 3
    assert "minstens 5 jaren of 24 maanden cijfers nodig" in text


def test_sections_without_data_say_so_for_dronten(session, tmp_path):
    """Dronten: no monthly counts, no dashboard, survey only for the police base team, no register:
    each said once in the "Wat ontbreekt" box, the sections only point there."""
    entry = render("GM0303", tmp_path, session=session)
    page = (tmp_path / entry["outputs"][0]).read_text(encoding="utf-8")
    ctx = content.context("GM0303")
    box = content.missing_box(ctx).data
    for section in ("monthly", "dashboard", "activities"):
        sentence = content.missing(section, ctx)
        assert sentence.count(". ") == 0 and sentence.endswith(".")
        assert _count(sentence, page) == 1, section
    assert "Veiligheidsmonitor-cijfers van de gemeente zelf" in box  # survey: from the list of missing inputs
    for section in ("dashboard", "activities"):
        assert _reads(content.pointer(section, ctx), page), section
    # the yearly chart only: four years of totals are too few for an annual trend (issue 18 item 3)
    assert len(re.findall(r"<img\b", page)) == 1


def test_dashboard_and_activities_for_lelystad(lelystad):
    from ivpanalysis import dashboard
    from ivpanalysis.ingest import registers as activities
    _, _, page = lelystad
    text = _text(page)
    ds = datafolder.load()
    table = dashboard(ds, "GM0995", year=2019)
    assert content.dashboard_sentence(table) in text
    for indicator in table["indicator"]:
        assert _reads(indicator, page)
    reg = activities.load_register(ds, "GM0995")
    assert f"Het register telt {fmt.number(len(reg))} activiteiten" in text


def test_monthly_section_with_simulated_monthly_counts(session, tmp_path):
    from ivpanalysis.analysis.simulate import Design, simulate_series
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    y = simulate_series(Design(n_months=72, start="2014-01", mean=350.0), seed=1)
    rows = pd.DataFrame({"region_code": "GM0995", "region_name": "Lelystad", "period": [p.strftime("%Y-%m") for p in y.index],
                         "measure": "criminaliteit_totaal", "measure_label": "Criminaliteit totaal", "value": y.values,
                         "unit": "aantal", "source": "simulate.simulate_series", "status": "onbekend",
                         "retrieved": "2026-11-24", "kind": "simulated"})
    pol = pd.read_csv(data / "police_figures.csv", dtype=str, keep_default_na=False)
    pd.concat([pol, rows.astype(str)]).to_csv(data / "police_figures.csv", index=False)
    ctx = content.context("GM0995", data_dir=data)
    html = content.trend_section(ctx).data
    assert content.esc(content.missing("monthly", ctx)) not in html
    # the monthly chart, its seasonal pattern (six years) and the annual trend: each says it is simulated
    assert html.count("<img") == 3 and 'alt="Gesimuleerd: geregistreerde misdrijven per maand' in html
    assert 'alt="Gesimuleerd: seizoenspatroon' in html and 'alt="Gesimuleerd: geregistreerde misdrijven per jaar' in html
    assert "deze maandcijfers zijn gesimuleerd" in html
    assert content.simulated_sentence(ctx) == f"{fmt.number(72)} cijfers in dit rapport zijn gesimuleerd en geen waarnemingen."


def test_markdown_from_the_library_is_escaped():
    out = content.markdown_html("### Kop <i>\n\nTekst met **vet** & <b>\n\n- een\n- twee")
    assert out == ("<h3>Kop &lt;i&gt;</h3><p>Tekst met <strong>vet</strong> &amp; &lt;b&gt;</p>"
                   "<ul><li>een</li><li>twee</li></ul>")


def test_reused_kernel_gives_the_same_report_as_a_fresh_one(session, tmp_path, lelystad):
    _, _, reused_page = lelystad  # rendered in the module's kernel
    render("GM0303", tmp_path / "other", session=session)  # another municipality in between
    again = render("GM0995", tmp_path / "again", session=session)
    with KernelSession() as fresh:
        first = render("GM0995", tmp_path / "fresh", session=fresh)
    a = (tmp_path / "again" / again["outputs"][0]).read_text(encoding="utf-8")
    b = (tmp_path / "fresh" / first["outputs"][0]).read_text(encoding="utf-8")
    assert a == b == reused_page


def test_reset_clears_the_namespace_between_runs(session):
    leak = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("secret_of_previous_municipality = x\nprint(sorted(k for k in dir() if not k.startswith('_')))"),
    ])
    probe = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print('secret_of_previous_municipality' in dir())"),
    ])
    for nb in (leak, probe):
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    out = session.run({"x": 2}, leak)
    assert "secret_of_previous_municipality" in out.cells[-1].outputs[0]["text"]
    out = session.run({"x": 3}, probe)
    assert out.cells[-1].outputs[0]["text"].strip() == "False"


def test_failed_rerender_keeps_previous_report(session, tmp_path):
    good = render("GM0184", tmp_path, session=session)
    html = tmp_path / good["outputs"][0]
    before = html.read_bytes()
    broken = nbformat.read(NOTEBOOK, as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('kapot na de helft')"))
    nb_path = tmp_path / "broken.ipynb"
    nbformat.write(broken, nb_path)
    bad = render("GM0184", tmp_path, notebook=nb_path, session=session)
    assert bad["status"] == "failed" and "RuntimeError" in bad["error"] and "kapot na de helft" in bad["error"]
    assert html.read_bytes() == before
    assert sorted(p.name for p in html.parent.iterdir()) == [HTML_NAME, NOTEBOOK_NAME]


def test_atomic_write_failure_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    atomic.write_text(target, "oud")
    import os

    def boom(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic.write_text(target, "nieuw")
    monkeypatch.undo()
    assert target.read_text() == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


@pytest.mark.parametrize("bad", ["../etc", "GM995", "gm0995", "GM0995/../x", "GM09950", ""])
def test_codes_are_validated_before_becoming_file_names(bad, tmp_path):
    entry = render(bad, tmp_path, session=object())  # never reaches the kernel
    assert entry["status"] == "failed" and entry["error"].startswith("ongeldige gemeentecode")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError):
        content.slug(bad, "x")


def test_unknown_municipality_fails_with_reason(tmp_path):
    entry = render("GM9999", tmp_path, session=object())
    assert entry["status"] == "failed" and "GM9999" in entry["error"]


def test_slug_of_names_with_accents_and_quotes():
    assert content.slug("GM0995", schema.municipality_name("GM0995")) == "GM0995-lelystad"
    assert content.slug("GM0796", "'s-Hertogenbosch") == "GM0796-s-hertogenbosch"
    assert content.slug("GM1900", "Súdwest-Fryslân") == "GM1900-sudwest-fryslan"


def test_index_lists_reports_and_failures_escaped(tmp_path):
    manifest = {"started": "2026-01-01T00:00:00", "reports": [
        {"code": "GM0995", "name": "Lelystad", "status": "ok", "outputs": ["GM0995-lelystad/evaluatie.html"]},
        {"code": "GM9999", "name": None, "status": "failed", "error": "reden <b>vet</b>", "outputs": []},
    ]}
    page = index_html(manifest)
    assert '<a href="GM0995-lelystad/evaluatie.html">Lelystad (GM0995)</a>' in page
    assert "reden &lt;b&gt;vet&lt;/b&gt;" in page and "GM9999" in page


def _parser():
    ap = argparse.ArgumentParser(prog="ivpanalysis")
    sub = ap.add_subparsers(dest="command", required=True)
    add_report_parser(sub)
    add_batch_parser(sub)
    return ap


def test_cli_hooks_parse_the_issue_commands():
    ap = _parser()
    a = ap.parse_args(["report", "GM0995", "--data", "d", "--out", "o"])
    assert (a.municipality, a.data, a.out) == ("GM0995", "d", "o")
    assert ap.parse_args(["report"]).out == str(paths.REPORTS_DIR)
    b = ap.parse_args(["batch", "GM0995", "GM0303", "--jobs", "3"])
    assert (b.municipalities, b.jobs, b.all) == (["GM0995", "GM0303"], 3, False)
    assert ap.parse_args(["batch", "--all", "--data", "d"]).all


def test_cli_batch_needs_codes_or_all(capsys):
    ap = _parser()
    for argv in (["batch"], ["batch", "GM0995", "--all"]):
        with pytest.raises(SystemExit):
            a = ap.parse_args(argv)
            a.func(a)


def test_cli_batch_all_with_a_missing_data_folder(tmp_path, capsys):
    a = _parser().parse_args(["batch", "--all", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path)])
    assert a.func(a) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_report_writes_the_report(tmp_path, capsys):
    a = _parser().parse_args(["report", "GM0184", "--out", str(tmp_path)])
    assert a.func(a) == 0
    assert (tmp_path / "GM0184-urk" / HTML_NAME).is_file()
    assert "GM0184-urk" in capsys.readouterr().out
    a = _parser().parse_args(["report", "../x", "--out", str(tmp_path)])
    assert a.func(a) == 2


def test_notebook_in_git_has_no_outputs_and_a_parameters_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    import papermill as pm
    assert {"municipality", "year", "reference_year", "data_dir", "region", "plan_start",
            "target_year"} <= set(pm.inspect_notebook(str(NOTEBOOK)))


def test_kernel_start_is_retried_after_a_port_race(monkeypatch):
    from nbclient import NotebookClient
    real, calls = NotebookClient.start_new_kernel, []

    def flaky(self, **kw):
        calls.append(1)
        if len(calls) < 2:
            raise RuntimeError("zmq.error.ZMQError: Address already in use")
        return real(self, **kw)
    monkeypatch.setattr(NotebookClient, "start_new_kernel", flaky)
    with KernelSession() as s:
        assert s.alive() and len(calls) == 2
    monkeypatch.setattr(NotebookClient, "start_new_kernel", lambda self, **kw: (_ for _ in ()).throw(RuntimeError("no")))
    s = KernelSession()
    with pytest.raises(RuntimeError):
        s.start(attempts=2)
    assert s.km is None and s.kc is None


def test_trend_chart_and_summary_for_the_default_municipality(lelystad):
    """Issue 18 item 3: four yearly totals are no series for a trend (five years or more); the section says
    which series a trend needs instead of drawing one (the yearly bars still show the totals)."""
    _, _, page = lelystad
    text = _text(page)
    ctx = content.context("GM0995")
    assert ctx.counts.loc[content.TOTAL].notna().sum() == 4
    assert "minstens 5 jaren of 24 maanden cijfers nodig" in text
    assert "Geregistreerde misdrijven per jaar in Lelystad met trendlijn" not in page


def test_gap_across_municipalities_with_charts_when_the_data_allow(realdata, tmp_path):
    """Issue 6: the report's across view. Real 2024 crime totals (47013NED) and population (37230ned)
    for 30 municipalities; their % feeling unsafe is SIMULATED here (no per-gemeente survey file is
    available), drawn from a known relation, only to check that the section and its charts appear."""
    import numpy as np

    from ivpanalysis import read
    from ivpanalysis.ingest import categories
    crime = categories.to_categories(read(realdata / "thoolen_47013NED_statline_gemeente" / "Misdrijven_2024.csv"))
    pop = read(realdata / "chelsj_47013NED_meta_37230ned" / "Bevolking_Gemeenten.csv")
    pop = pop[(pop["measure"] == "BevolkingAanHetEindeVanDePeriode") & (pop["period"] == pd.Period("2024", "Y"))]
    codes = sorted(set(crime["region_code"]) & set(pop["region_code"]) & {c for c in crime["region_code"] if c.startswith("GM")})
    codes = ["GM0995"] + [c for c in codes if c != "GM0995"][:29]
    crime = crime[crime["region_code"].isin(codes)]
    pop = pop[pop["region_code"].isin(codes)].assign(measure="inwoners")
    rate = crime.set_index("region_code")["value"] / pop.set_index("region_code")["value"] * 1000
    rng = np.random.default_rng(7)
    unsafe = 12 + 6 * np.log(rate.loc[codes].to_numpy()) + rng.normal(0, 1.5, len(codes))
    survey = schema.finish_tidy(pd.DataFrame({
        "region_code": codes, "region_name": [schema.municipality_name(c) for c in codes],
        "period": [pd.Period("2024", "Y")] * len(codes), "measure": "pct_onveilig_buurt", "value": unsafe,
        "unit": "%", "source": "test:simulated", "status": "onbekend", "kind": "source"}))
    for name, df in (("police_figures", crime), ("population", pop), ("survey", survey)):
        df.assign(period=df["period"].astype(str)).to_csv(tmp_path / f"{name}.csv", index=False)
    ctx = content.context("GM0995", data_dir=tmp_path)
    res = content.gap_view.across(ctx)
    assert res is not None and len(res) == 30 and res.attrs["survey_year"] == 2024
    assert res.attrs["unit_kind"] == "municipality"
    page = content.gap_section(ctx).data
    assert page.count("<img") == 2  # quadrant and caterpillar
    assert "Gemeenten naar geregistreerde criminaliteit en onveiligheidsgevoel in 2024" in page
    assert _reads(content.pointer("survey_once", ctx), page)  # one survey year: no view over time ...
    assert content.missing("survey_once", ctx) in content.missing_lines(ctx)  # ... and how to add it, in the box
    assert content.missing("across", ctx) not in page


def test_gap_across_missing_says_so(lelystad):
    _, _, page = lelystad
    assert _reads(content.missing("across", content.context("GM0995")), page)


def test_cli_report_for_an_earlier_year(tmp_path, capsys):
    a = _parser().parse_args(["report", "GM0995", "--year", "2018", "--out", str(tmp_path)])
    assert a.year == 2018 and a.func(a) == 0
    page = (tmp_path / "GM0995-lelystad" / HTML_NAME).read_text(encoding="utf-8")
    assert "2018 t.o.v. 2017" in page and "2019 t.o.v. 2018" not in page


def test_cli_plan_years_become_notebook_parameters():
    from ivpanalysis.report.cli import _parameters
    sub = argparse.ArgumentParser().add_subparsers()
    add_report_parser(sub)
    add_batch_parser(sub)
    args = sub.choices["report"].parse_args(["GM0034", "--plan-start", "2019", "--reference-year", "2017",
                                             "--target-year", "2022"])
    assert _parameters(args) == {"plan_start": 2019, "reference_year": 2017, "target_year": 2022}
    args = sub.choices["batch"].parse_args(["--all", "--target-year", "2022", "--year", "2019"])
    assert _parameters(args) == {"year": 2019, "target_year": 2022}


def test_reference_year_defaults_to_report_year_minus_four_and_before_the_plan():
    assert content.context("GM0995").reference_year == 2019 - 4
    assert content.context("GM0995", reference_year=2016).reference_year == 2016
    assert content.context("GM0995", plan_start=2018).reference_year == 2015  # 2019 - 4 already lies before
    assert content.context("GM0995", year=2019, plan_start=2014).reference_year == 2013  # not inside the plan
    with pytest.raises(ValueError, match="reference_year"):
        content.context("GM0995", reference_year=2020)


def test_police_table_shows_the_reference_year_beside_the_latest_years():
    ctx = content.context("GM0995", year=2019, reference_year=2012)
    assert "2012 (referentiejaar)" not in content.police_section(ctx).data  # no counts for 2012: no column
    from ivpanalysis.present import police_text
    table = content.police_figures(ctx)
    ref = pd.Series({k: 100 for k in table.index})
    shown = police_text.with_comparison(police_text.police_display(table), table, None, None, 2012, ref)
    assert list(shown.columns[:3]) == ["Categorie", "Groep", "2012 (referentiejaar)"] and shown.columns[3] == "2016"


def test_report_after_the_target_year_says_so():
    ctx = content.context("GM0995", year=2019, target_year=2018, plan_start=2015)
    assert "Het rapportjaar 2019 ligt na het doeljaar 2018" in content.title(ctx).data
    assert "ligt na het doeljaar" not in content.title(content.context("GM0995", target_year=2022)).data
