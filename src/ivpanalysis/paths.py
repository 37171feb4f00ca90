"""The one place that knows where the project's folders are.

Everything else asks this module; an environment variable can point the library at another
data folder (``IVPANALYSIS_DATA``) or at the shared real-data folder (``IVPANALYSIS_SHARED``).
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

#: the embedded default dataset (transcribed from the seed documents)
DATA_DIR = Path(os.environ.get("IVPANALYSIS_DATA", PROJECT_DIR / "data"))
#: CBS code lists ship with the project, whatever data folder the user points at
CODES_DIR = PROJECT_DIR / "data" / "codes"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
REPORTS_DIR = PROJECT_DIR / "reports"
DOCS_DIR = PROJECT_DIR / "docs"

#: ``../shared`` beside the checkout: real public files used by tests, read in place
SHARED_DIR = Path(os.environ.get("IVPANALYSIS_SHARED", PROJECT_DIR.parent / "shared"))
REALDATA_DIR = SHARED_DIR / "realdata"
SEEDS_DIR = SHARED_DIR / "seeds"

DEFAULT_MUNICIPALITY = "GM0995"  # Lelystad
