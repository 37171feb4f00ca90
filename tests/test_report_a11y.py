"""Lelystad's and Almere's reports as a reader meets them in headless Debian chromium: WCAG 2.1 AA by
axe-core (zero serious or critical violations), alt text with the municipality and a Dutch figure,
tables with header cells and captions, working contents and glossary links, no seed key in the
text, and a printed PDF (chromium --print-to-pdf) whose tables are not cut. The batch overview is
checked the same way and sorts and filters."""
from __future__ import annotations

import re
import subprocess

import pytest

from ivpanalysis.report.batch import render, write_manifest
from ivpanalysis.report.execute import KernelSession
from tests.conftest import CHROMIUM
from ivpanalysis.present import glossary
from tests.test_glossary import REQUIRED

pytestmark = pytest.mark.browser
REPORTS = {"GM0995": "Lelystad", "GM0034": "Almere"}
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
DUTCH_FIGURE = re.compile(r"\d{1,3}(\.\d{3})+|\d+,\d|\d+%|\b\d{2,}\b")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("a11y")
    entries = []
    with KernelSession() as s:
        for code in REPORTS:
            entries.append(render(code, out, session=s))
    assert all(e["status"] == "ok" for e in entries), entries
    write_manifest({"started": "2026-12-01T04:00:00", "data_dir": None, "reports": entries}, out)
    return out, {e["code"]: out / e["outputs"][0] for e in entries}


def _serious(browser, url: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("http*://**", lambda route: route.abort())
    page.goto(url)
    result = Axe().run(page, options=WCAG).response
    page.close()
    assert result["passes"], "axe ran no rule"
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("code", list(REPORTS))
def test_axe_finds_no_serious_or_critical_violation(browser, reports, code):
    assert _serious(browser, reports[1][code].as_uri()) == []


@pytest.mark.parametrize("code", list(REPORTS))
def test_reader_structure(browser, reports, code):
    name = REPORTS[code]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(reports[1][code].as_uri())
    assert page.locator("html").get_attribute("lang") == "nl"
    for alt in page.locator("img").evaluate_all("imgs => imgs.map(i => i.alt)"):
        assert name in alt and DUTCH_FIGURE.search(alt), alt
    for table in page.locator("table").all():
        assert table.locator("caption").count() == 1 and table.locator("thead th").count() >= 1
        caption = " ".join(table.locator("caption").text_content().split())  # also when folded in <details>
        assert re.match(r"Tabel \d+\. \S.*\.$", caption), caption
    for cap in page.locator("figcaption").all_inner_texts():
        assert re.match(r"Figuur \d+\. [A-Z].*\.$", cap), cap
    toc = page.locator("nav.ivp-toc a")
    assert toc.count() >= 5
    for href in toc.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(f"[id='{href[1:]}']").count() == 1, href
    text = page.locator("main").inner_text()
    assert not re.search(r"seed\d", text)
    assert "Planperiode" in text and "Rapportdatum" in text and "Begrippen" in text
    linked = set(page.locator("a.ivp-term").evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    for word in REQUIRED:  # a term the report uses links to its entry in the glossary
        for term in glossary.used_terms(text):
            if glossary.pattern(glossary.Term(term.term, "", (word,))).search(text) and word in term.spellings:
                assert f"#{term.anchor}" in linked, word
    toc.last.click()  # the contents link moves the reader to the glossary
    assert page.evaluate("location.hash") == "#begrippen"
    page.close()


#: the text that identifies a table's last row in the PDF: its first run of adjacent number cells (they
#: print on one line), else its first cell
LAST_ROW = """window.lastRow = t => {
  const cells = Array.from(t.tBodies[0].rows[t.tBodies[0].rows.length - 1].cells);
  const start = cells.findIndex(c => c.classList.contains('num'));
  if (start < 0) return cells[0].innerText;
  const run = [];
  for (const c of cells.slice(start)) { if (!c.classList.contains('num')) break; run.push(c.innerText); }
  return run.join('');
};"""


def _pages(pdf) -> list[str]:
    from pypdf import PdfReader
    return [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(str(pdf)).pages]


def test_printed_pdf_keeps_tables_whole(browser, reports, tmp_path):
    """A table that fits on an A4 page has its caption and last row on one page; a longer one repeats
    its header row on every page it spans."""
    report = reports[1]["GM0995"]
    pdf = tmp_path / "lelystad.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", report.as_uri()], check=True, capture_output=True, timeout=180)
    pages = _pages(pdf)
    page = browser.new_page(viewport={"width": 673, "height": 986})  # A4 less the print margins, at 96 dpi
    page.emulate_media(media="print")
    page.goto(report.as_uri())
    # tables folded in a closed <details> are printed too (paper cannot be clicked open)
    assert page.locator("details:not([open]) table").count() >= 1
    page.add_script_tag(content=LAST_ROW)
    tables = page.locator("table").evaluate_all("""ts => ts.map(t => ({
        number: t.caption.innerText.match(/Tabel \\d+\\./)[0], short: t.getBoundingClientRect().height < 900,
        head: t.tHead.rows[0].cells[0].innerText,
        last: lastRow(t)}))""")
    page.close()
    assert len(tables) >= 3
    for t in tables:
        key = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
        first = next((i for i, p in enumerate(pages) if key(t["number"]) in p), None)
        assert first is not None, f"{t['number']} not in the PDF"
        last = next((i for i in range(first, len(pages)) if key(t["last"]) in pages[i]), None)
        assert last is not None, f"last row of {t['number']} ({t['last']!r}) not in the PDF"
        if t["short"]:
            assert first == last, f"{t['number']} is cut: caption on page {first + 1}, last row on page {last + 1}"
        else:
            assert all(key(t["head"]) in pages[i] for i in range(first, last + 1)), t["number"]


def test_overview_is_accessible_sorts_and_filters(browser, reports):
    out = reports[0]
    assert _serious(browser, (out / "index.html").as_uri()) == []
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    names = lambda: page.locator("#overview tbody tr td:first-child").all_inner_texts()  # noqa: E731
    assert names() == ["Almere (GM0034)", "Lelystad (GM0995)"]
    page.get_by_role("button", name="Misdrijven").click()
    page.get_by_role("button", name="Misdrijven").click()  # descending: Lelystad's 4.240 first, Almere has none
    assert names()[0] == "Lelystad (GM0995)"
    page.select_option("#filter-police-unit", "Midden-Nederland")
    assert page.locator("#overview tbody tr:not([hidden])").count() == 1
    page.locator("#overview a").first.click()
    assert page.title().startswith("Evaluatie integraal veiligheidsplan")
    page.close()
