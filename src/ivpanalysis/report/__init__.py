"""Evaluation reports: the parameterised notebook executed by papermill, HTML without code, batches.

- :mod:`.content` — what each section of ``notebooks/evaluatie.ipynb`` shows (the notebook only
  calls these functions);
- :mod:`.execute` — papermill execution in a kernel reused across reports (clean namespace);
- :mod:`.export` — in-process HTML export without code, prompts or remote scripts;
- :mod:`.batch` — :func:`render` one report, :func:`run_batch` many, ``manifest.json`` + ``index.html``;
- :mod:`.atomic` — temporary file then rename;
- :mod:`.cli` — ``add_report_parser``, ``add_batch_parser`` (or ``register``) for ``ivpanalysis.cli``.

Attributes are imported on first use so that the notebook's ``import ivpanalysis.report.content``
does not load papermill and nbconvert into the kernel.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "render": "batch", "run_batch": "batch", "codes_in_data": "batch", "write_manifest": "batch",
    "index_html": "batch", "KernelSession": "execute", "ReportFailed": "execute", "NOTEBOOK": "execute",
    "to_html": "export", "add_report_parser": "cli", "add_batch_parser": "cli", "register": "cli",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
