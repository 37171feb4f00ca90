"""The one place that knows where the project's folders are.

Everything else asks this module; an environment variable can point the library at another
data folder (``IVPANALYSIS_DATA``) or at the shared real-data folder (``IVPANALYSIS_SHARED``).
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_dir() -> Path:
    """The folder holding data/ and notebooks/: the checkout (src layout), or the installed package.

    A wheel carries them as package data (``ivpanalysis/data``, ``ivpanalysis/notebooks``; see
    pyproject.toml), found through :mod:`importlib.resources` so a plain ``pip install .`` works.
    """
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "data" / "codes").is_dir() and (checkout / "notebooks").is_dir():
        return checkout
    from importlib.resources import files
    return Path(str(files("ivpanalysis")))


PROJECT_DIR = _project_dir()

#: the embedded default dataset (transcribed from the seed documents)
DATA_DIR = Path(os.environ.get("IVPANALYSIS_DATA", PROJECT_DIR / "data"))
#: CBS code lists ship with the project, whatever data folder the user points at
CODES_DIR = PROJECT_DIR / "data" / "codes"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
REPORTS_DIR = Path("reports")  # relative: ./reports in the directory the command runs in
DOCS_DIR = PROJECT_DIR / "docs"

#: ``../shared`` beside the checkout: real public files used by tests, read in place
SHARED_DIR = Path(os.environ.get("IVPANALYSIS_SHARED", PROJECT_DIR.parent / "shared"))
REALDATA_DIR = SHARED_DIR / "realdata"
SEEDS_DIR = SHARED_DIR / "seeds"

DEFAULT_MUNICIPALITY = "GM0995"  # Lelystad
