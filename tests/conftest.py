import shutil
from pathlib import Path

import pytest

from ivpanalysis import paths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def realdata():
    if not paths.REALDATA_DIR.is_dir():
        pytest.skip(f"real public data not found at {paths.REALDATA_DIR} (../shared/realdata beside the checkout)")
    return paths.REALDATA_DIR


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium through playwright (shared by the report and explorer browser tests)."""
    if CHROMIUM is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium; CI installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()
