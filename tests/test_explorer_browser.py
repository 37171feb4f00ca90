"""End to end: JupyterLab on localhost, notebooks/verkenner.ipynb opened in headless Debian chromium,
all cells run, a widget changed, the chart and the table follow.

The notebook is copied to a temporary root folder first, so JupyterLab's autosave can never store
outputs in the repository's copy.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from ivpanalysis import paths

pytestmark = [pytest.mark.slow, pytest.mark.browser]

NOTEBOOK = paths.NOTEBOOKS_DIR / "verkenner.ipynb"
START_TIMEOUT = 90  # s; the CI machine may be busy
RUN_TIMEOUT_MS = 120_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free localhost port with a token, rooted in a temporary folder."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "JUPYTER_CONFIG_DIR": str(tmp / "config"),
           "JUPYTER_DATA_DIR": str(tmp / "data"), "JUPYTER_PREFER_ENV_PATH": "1",  # this venv's kernel first
           "IPYTHONDIR": str(tmp / "ipython"), "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           f"--LabApp.user_settings_dir={tmp / 'settings'}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
           "--ServerApp.terminals_enabled=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    log = open(tmp / "lab.log", "w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{(tmp / 'lab.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within {START_TIMEOUT} s:\n{(tmp / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield {"url": url, "token": token, "root": root, "log": tmp / "lab.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_explorer_runs_in_jupyterlab_and_follows_a_widget(browser, lab, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(RUN_TIMEOUT_MS)
    remote = []
    page.route("**/*", lambda route: (remote.append(route.request.url), route.abort())
               if not route.request.url.startswith(lab["url"]) and not route.request.url.startswith(("data:", "blob:"))
               else route.continue_())
    page.goto(f"{lab['url']}/lab/tree/{NOTEBOOK.name}?token={lab['token']}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell && "
                           "document.querySelector('.jp-Notebook .jp-Cell')")
    # the kernel must be idle before "run all", else the first cells can be dropped
    page.wait_for_function("""() => {
        const w = window.jupyterapp.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
        return k && k.status === 'idle';
    }""")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

    box = page.locator(".ivp-verkenner")
    box.wait_for(state="visible")
    img = page.locator(".ivp-chart img, img.ivp-chart").first
    page.wait_for_function("() => { const i = document.querySelector('.ivp-chart img, img.ivp-chart');"
                           " return i && i.complete && i.naturalWidth > 0; }")
    table = page.locator(".ivp-table table")
    table.wait_for(state="visible")
    before_src = img.get_attribute("src")
    before_table = table.inner_text()
    assert "Lelystad" in before_table and "Trendlijn Lelystad" in before_table
    assert page.locator(".ivp-summary").inner_text().startswith("Criminaliteit totaal in Lelystad")
    first_rows = table.locator("tbody tr").count()
    assert first_rows >= 4

    # change the municipality: chart, table and trend summary follow
    page.locator(".ivp-municipality select").select_option(label="Dronten")
    page.wait_for_function("() => document.querySelector('.ivp-table table').innerText.includes('Dronten')")
    page.wait_for_function("(src) => { const i = document.querySelector('.ivp-chart img, img.ivp-chart');"
                           " return i && i.src !== src && i.complete && i.naturalWidth > 0; }", arg=before_src)
    after_table = table.inner_text()
    assert "Lelystad" not in after_table and after_table != before_table
    assert "Dronten" in page.locator(".ivp-summary").inner_text()

    # switch the trend off: its column and summary go
    page.locator(".ivp-trend input[type=checkbox]").uncheck()
    page.wait_for_function("() => !document.querySelector('.ivp-table table').innerText.includes('Trendlijn')")
    assert page.locator(".ivp-summary").inner_text().strip() == ""

    # export to a folder typed into the field: the current table and chart land there
    out = tmp_path / "export"
    page.locator(".ivp-folder input").fill(str(out))
    page.locator(".ivp-folder input").press("Tab")
    page.locator("button.ivp-export, .ivp-export button").first.click()
    page.wait_for_function("() => document.querySelector('.ivp-status').innerText.includes('Opgeslagen')")
    csv = sorted(out.glob("verkenner_GM0303_*.csv"))
    assert len(csv) == 1 and len(sorted(out.glob("verkenner_GM0303_*.png"))) == 1
    assert "Dronten (aantal)" in csv[0].read_text(encoding="utf-8-sig").splitlines()[0]

    body = page.locator(".jp-Notebook").inner_text()
    assert "Traceback" not in body and "Error" not in body
    assert remote == [], f"requests left localhost: {remote[:5]}"
    shot = tmp_path / "verkenner.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()
    # the repository's notebook still holds no outputs
    assert '"outputs": []' in NOTEBOOK.read_text(encoding="utf-8")
    assert '"output_type"' not in NOTEBOOK.read_text(encoding="utf-8")
