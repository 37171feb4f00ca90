"""ivpanalysis: reproducible IVP evaluation reports from public Dutch safety data.

The public functions are imported on first use, so that ``import ivpanalysis`` (and every
command line start and report kernel) does not load statsmodels, ipywidgets or cbsodata
before a function that needs them is called.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name → module that defines it
_EXPORTS = {
    "read": "ingest.loaders", "load": "ingest.datafolder", "load_default": "ingest.datafolder",
    "police_table": "analysis.police", "dashboard": "present.dashboard_text",
    "fit_trend": "analysis.trend", "project": "analysis.trend",
    "gap_across": "analysis.gap", "gap_over_time": "analysis.gap",
    "activities_summary": "analysis.activities", "read_register": "ingest.registers",
    "snapshot_from_file": "ingest.fetch", "explore": "explore.explorer",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
