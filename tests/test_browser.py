"""A generated report opened from disk in headless Debian chromium: title, tables, every image
loaded, no code and no traceback visible, no request leaves the machine; a screenshot is saved."""
from __future__ import annotations

import pytest

from ivpanalysis.report.batch import render
from ivpanalysis.report.execute import KernelSession

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser")
    with KernelSession() as s:
        entry = render("GM0995", out, session=s)
    assert entry["status"] == "ok", entry
    return out / entry["outputs"][0]


def test_report_renders_offline_in_chromium(browser, report, tmp_path):
    page = browser.new_page()
    remote = []
    page.route("http*://**", lambda route: (remote.append(route.request.url), route.abort()))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    assert page.title() == "Evaluatie integraal veiligheidsplan Lelystad (GM0995)"
    assert page.locator("h1").first.inner_text().startswith("Evaluatie integraal veiligheidsplan Lelystad")
    tables = page.locator("table")
    assert tables.count() >= 2
    assert page.locator("table").first.locator("tbody tr").count() >= 20  # the police figures, one row per category
    imgs = page.locator("img")
    assert imgs.count() >= 2
    for i in range(imgs.count()):
        ok = imgs.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        assert ok, f"image {i} did not load"
        assert imgs.nth(i).is_visible()
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and "rc.context(" not in text and "import " not in text
    assert page.locator(".jp-InputArea .highlight, .jp-InputPrompt, .jp-OutputPrompt:visible").count() == 0
    assert remote == []
    shot = tmp_path / "evaluatie.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()
