"""Reports for one or many municipalities: execute, export, write atomically, record a manifest.

:func:`render` makes one report in a :class:`~ivpanalysis.report.execute.KernelSession`.
:func:`run_batch` spreads municipalities over workers (local processes by default, or any
``concurrent.futures.Executor``, e.g. a Dask cluster's ``client.get_executor()``); each worker
keeps one kernel for all its reports. A failing municipality (bad data, an exception in a cell, a
dead kernel, a timeout) is recorded in ``manifest.json`` and ``index.html`` and never stops the
others; existing good reports are replaced only by complete new ones.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import json
import multiprocessing
import sys
import threading
import time
import traceback
from pathlib import Path

from ivpanalysis import paths
from ivpanalysis.errors import DataError
from ivpanalysis.ingest import schema
from ivpanalysis.report import atomic
from ivpanalysis.report.content import esc, municipality_name, report_title, slug, validate_code

HTML_NAME = "evaluatie.html"
NOTEBOOK_NAME = "evaluatie.ipynb"
MANIFEST = "manifest.json"
INDEX = "index.html"
DEFAULT_TIMEOUT = 600.0  # seconds per cell

_local = threading.local()


def _session():
    """This worker's kernel session (one per process and thread), started on first use."""
    from ivpanalysis.report.execute import KernelSession
    s = getattr(_local, "session", None)
    if s is None:
        s = _local.session = KernelSession()
        import atexit
        from multiprocessing import util
        atexit.register(s.shutdown)
        util.Finalize(s, s.shutdown, exitpriority=10)  # worker processes exit without atexit
    return s


def _data_name(code: str, data_dir: str | None) -> str | None:
    name = schema.municipality_name(code)
    if name or data_dir is None:
        return name
    from ivpanalysis.report.content import load_data
    try:
        return municipality_name(code, load_data(data_dir))
    except Exception:  # noqa: BLE001 - an unreadable folder fails later, with its own reason
        return None


def render(code: str, out_dir: str | Path = paths.REPORTS_DIR, data_dir: str | Path | None = None,
           notebook: str | Path | None = None, timeout: float | None = DEFAULT_TIMEOUT, session=None,
           parameters: dict | None = None) -> dict:
    """Make one municipality's report; returns its manifest entry (never raises for a failed report).

    Writes ``out_dir/<GMxxxx-name>/evaluatie.html`` and the executed ``evaluatie.ipynb`` beside
    it, each atomically and only when the whole notebook ran and exported. The entry holds
    ``code, name, status ('ok'|'failed'), seconds, error, outputs`` and ``timings`` per phase;
    a failed notebook adds ``failure`` (cell_error, timeout, dead_kernel, too_large).
    ``parameters`` override the notebook's own (e.g. ``{"year": 2018}``).
    """
    from ivpanalysis.report.execute import NOTEBOOK, ReportFailed
    from ivpanalysis.report.export import MAX_BYTES, to_html

    t0 = time.perf_counter()
    entry = {"code": code, "name": None, "status": "failed", "seconds": 0.0, "error": None, "outputs": [],
             "timings": {}}
    try:
        validate_code(code)
    except ValueError as e:
        entry.update(error=f"ongeldige gemeentecode: {e}", seconds=round(time.perf_counter() - t0, 3))
        return entry
    data_dir = str(data_dir) if data_dir else None
    name = _data_name(code, data_dir)
    entry["name"] = name
    if name is None:
        entry.update(error=f"{code} is geen gemeente in de CBS-codelijst of in de gegevens",
                     seconds=round(time.perf_counter() - t0, 3))
        return entry
    out_dir = Path(out_dir)
    session = session or _session()
    params = {"municipality": code, "data_dir": data_dir}
    params.update(parameters or {})
    try:
        nb = session.run(params, notebook or NOTEBOOK, timeout=timeout)
        t = time.perf_counter()
        title = report_title(code, name)
        page = to_html(nb, title)
        size = len(page.encode("utf-8"))
        if size > MAX_BYTES:
            raise ReportFailed(f"rapport is {size} bytes, meer dan de grens van {MAX_BYTES}", "too_large")
        import nbformat
        nb.metadata["title"] = title
        folder = Path(out_dir) / slug(code, name)
        render_s = time.perf_counter() - t
        t = time.perf_counter()
        atomic.write_folder(folder, {NOTEBOOK_NAME: nbformat.writes(nb), HTML_NAME: page})  # both or neither
        timings = dict(session.timings, render=render_s, write=time.perf_counter() - t)
        rel = folder.relative_to(out_dir).as_posix()
        entry.update(status="ok", outputs=[f"{rel}/{HTML_NAME}", f"{rel}/{NOTEBOOK_NAME}"],
                     timings={k: round(v, 3) for k, v in timings.items()})
        entry.update(_figures(session))
    except ReportFailed as e:
        entry.update(error=e.reason, failure=e.kind)
    except Exception as e:  # noqa: BLE001 - one municipality never stops a batch
        entry["error"] = f"{type(e).__name__}: {e}"[:500]
        entry["traceback"] = traceback.format_exc(limit=5)
    entry["seconds"] = round(time.perf_counter() - t0, 3)
    return entry


#: evaluated in the report's kernel after its notebook ran: the overview's figures of that report
FIGURES = "__import__('ivpanalysis.report.overview', fromlist=['_']).report_figures(ctx)"


def _figures(session) -> dict:
    """``{"figures": …}``: the overview's figures from the kernel that just made the report; empty when its
    notebook has no ``ctx`` or the kernel cannot say (the overview then computes them itself)."""
    import ast
    text = session.evaluate(FIGURES) if hasattr(session, "evaluate") else None
    try:
        figures = ast.literal_eval(text) if text else None  # plain numbers, strings and None (repr of a dict)
    except (ValueError, SyntaxError):
        return {}
    return {"figures": figures} if isinstance(figures, dict) else {}


def _task(args: tuple) -> dict:
    code, out_dir, data_dir, notebook, timeout, parameters = args
    return render(code, out_dir, data_dir, notebook, timeout, parameters=parameters)


def codes_in_data(data_dir: str | Path | None = None) -> list[str]:
    """Every municipality code (GMxxxx) present in a data folder's police figures or survey, sorted.

    Municipalities the gate left out (their rows hold problems) are listed too: they fail, visibly.
    """
    from ivpanalysis.report.content import load_data
    ds = load_data(data_dir)
    codes = set(ds.police["region_code"]) | set(ds.survey["region_code"]) | set(ds.excluded)
    if ds.indicators is not None and "region_code" in getattr(ds.indicators, "columns", []):
        codes |= set(ds.indicators["region_code"])
    return sorted(c for c in codes if isinstance(c, str) and schema.GM_PATTERN.match(c)
                  and schema.region_kind(c) in ("municipality", "unknown"))


def gate_codes(codes: list[str], data_dir: str | Path | None) -> dict[str, dict]:
    """The folder through the gate before any rendering: DataError for shared problems (the batch
    stops with their list); a failed manifest entry for every municipality with problems of its own."""
    from ivpanalysis.ingest.validate import own_problems, shared_problems
    from ivpanalysis.report.content import load_data
    data = load_data(data_dir)
    shared = shared_problems(data)
    if shared:
        raise DataError(shared)
    failed = {}
    for code in codes:
        own = own_problems(data, code)
        if own:
            more = f" (en nog {len(own) - 3})" if len(own) > 3 else ""
            failed[code] = {"code": code, "name": _data_name(code, str(data_dir) if data_dir else None),
                            "status": "failed", "seconds": 0.0, "outputs": [], "timings": {}, "failure": "bad_data",
                            "error": "fouten in de gegevens: " + "; ".join(map(str, own[:3])) + more}
    return failed


def _executor(jobs: int, scheduler: str | None):
    if scheduler:
        from distributed import Client  # optional: pip install distributed
        client = Client(scheduler)
        return client.get_executor(), client
    # fork: workers inherit the imported library (no re-import, no __main__ guard needed in scripts);
    # the parent never holds a kernel of its own during a batch
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    from ivpanalysis.report.execute import die_with_parent
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=die_with_parent), None


def run_batch(codes: list[str], out_dir: str | Path = paths.REPORTS_DIR, data_dir: str | Path | None = None,
              jobs: int = 2, notebook: str | Path | None = None, timeout: float | None = DEFAULT_TIMEOUT,
              scheduler: str | None = None, executor: cf.Executor | None = None, progress: bool = True,
              parameters: dict | None = None) -> dict:
    """Reports for ``codes``; writes ``manifest.json`` and ``index.html`` in ``out_dir``; returns the manifest.

    ``jobs`` local worker processes (each with one reused kernel), or the workers of the Dask
    scheduler at ``scheduler`` (``tcp://host:port``), or any ``executor`` given. Duplicates are
    dropped, order kept.
    """
    out_dir = Path(out_dir).absolute()
    codes = list(dict.fromkeys(codes))
    data = str(Path(data_dir).resolve()) if data_dir else None
    atomic.check_writable(out_dir)  # before the first render, not after the last
    atomic.clean_stale(out_dir)
    with _shared_folder():
        return _run(codes, out_dir, data, jobs, notebook, timeout, scheduler, executor, progress, parameters)


@contextlib.contextmanager
def _shared_folder():
    """A private folder the batch's kernels share results through (:mod:`.batch_cache`), removed afterwards."""
    import os
    import shutil
    import tempfile
    from ivpanalysis.report import batch_cache
    before = os.environ.get(batch_cache.ENV)
    folder = tempfile.mkdtemp(prefix="ivp-batch-")
    os.environ[batch_cache.ENV] = folder
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop(batch_cache.ENV, None)
        else:
            os.environ[batch_cache.ENV] = before
        shutil.rmtree(folder, ignore_errors=True)


def _share_dataset(data: str | None) -> None:
    """The folder as the gate left it, written once for every kernel of the batch (each would read and check it again)."""
    from ivpanalysis.report import batch_cache
    from ivpanalysis.report.context import _folder_key, _load
    key = _folder_key(data)
    dataset = _load(*key)  # not inside cached(): a cold _load takes the same entry's lock and would wait for itself
    batch_cache.cached("dataset", key, lambda: dataset)


def _run(codes, out_dir: Path, data, jobs, notebook, timeout, scheduler, executor, progress, parameters) -> dict:
    results: dict[str, dict] = gate_codes(codes, data)
    _share_dataset(data)
    nbp = str(Path(notebook).resolve()) if notebook else None
    t0 = time.perf_counter()
    started = dt.datetime.now().isoformat(timespec="seconds")
    owned, client = (None, None)
    if executor is None:
        executor, client = _executor(max(1, jobs), scheduler)
        owned = executor
    try:
        from tqdm import tqdm
        futures = {executor.submit(_task, (c, str(out_dir.resolve()), data, nbp, timeout, parameters)): c
                   for c in codes if c not in results}
        bar = tqdm(total=len(futures), desc="rapporten", unit="gemeente", disable=not progress, file=sys.stderr)
        for fut in cf.as_completed(futures):
            code = futures[fut]
            try:
                results[code] = fut.result()
            except Exception as e:  # noqa: BLE001 - a worker process died: record, go on
                results[code] = {"code": code, "name": schema.municipality_name(code) if isinstance(code, str) else None,
                                 "status": "failed", "seconds": None, "outputs": [], "timings": {},
                                 "error": f"worker afgebroken: {type(e).__name__}: {e}"[:500]}
            bar.set_postfix_str(f"{code} {results[code]['status']}")
            bar.update()
        bar.close()
    finally:
        if isinstance(owned, cf.ProcessPoolExecutor):
            owned.shutdown(wait=True, cancel_futures=True)
        elif owned is not None:
            owned.shutdown(wait=True)
        if client is not None:
            client.close()
    manifest = {
        "started": started,
        "seconds": round(time.perf_counter() - t0, 3),
        "workers": "dask " + scheduler if scheduler else (f"{jobs} processes" if owned is not None else "executor"),
        "data_dir": data,
        "ok": sum(r["status"] == "ok" for r in results.values()),
        "failed": sum(r["status"] != "ok" for r in results.values()),
        "reports": [results[c] for c in codes],
    }
    write_manifest(manifest, out_dir)
    return manifest


def index_html(manifest: dict) -> str:
    """The batch's index page: the municipalities side by side, failures with their reason (:mod:`.overview`)."""
    from ivpanalysis.report.overview import overview_html
    return overview_html(manifest)


def _previous(out_dir: Path) -> list[dict]:
    """Entries of the manifest already in ``out_dir`` whose outcome still holds (a written report's files exist)."""
    try:
        old = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        reports = [r for r in old.get("reports", []) if isinstance(r, dict) and isinstance(r.get("code"), str)]
    except (OSError, ValueError, AttributeError):
        return []
    return [r for r in reports if r.get("status") != "ok" or all((out_dir / o).exists() for o in r.get("outputs", []))]


def write_manifest(manifest: dict, out_dir: str | Path) -> dict:
    """Merge ``manifest`` into ``out_dir``'s manifest.json and index.html, atomically and under a lock.

    Batches into one folder (one after another or at the same time) all end up in the index: every
    municipality keeps its latest outcome. Returns the merged manifest as written.
    """
    out_dir = Path(out_dir)
    with atomic.locked(out_dir):
        new = {r["code"] for r in manifest["reports"]}
        reports = manifest["reports"] + [r for r in _previous(out_dir) if r["code"] not in new]
        full = dict(manifest, reports=reports, ok=sum(r["status"] == "ok" for r in reports),
                    failed=sum(r["status"] != "ok" for r in reports))
        atomic.write_text(out_dir / MANIFEST, json.dumps(full, indent=1, ensure_ascii=False) + "\n")
        atomic.write_text(out_dir / INDEX, index_html(full))
    return full
