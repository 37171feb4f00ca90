from pathlib import Path

import pytest

from ivpanalysis import paths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def realdata():
    if not paths.REALDATA_DIR.is_dir():
        pytest.skip(f"real public data not found at {paths.REALDATA_DIR} (../shared/realdata beside the checkout)")
    return paths.REALDATA_DIR
