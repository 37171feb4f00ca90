"""batch_cache: a batch's kernels compute a shared result once; outside a batch nothing is written."""
from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from ivpanalysis.report import batch_cache


def test_outside_a_batch_it_only_computes(tmp_path, monkeypatch):
    monkeypatch.delenv(batch_cache.ENV, raising=False)
    calls = []
    assert batch_cache.cached("x", 1, lambda: calls.append(1) or "v") == "v"
    assert batch_cache.cached("x", 1, lambda: calls.append(1) or "v") == "v"
    assert len(calls) == 2


def test_a_removed_batch_folder_is_no_batch(tmp_path, monkeypatch):
    """A kernel outliving its batch (folder removed) computes instead of failing."""
    monkeypatch.setenv(batch_cache.ENV, str(tmp_path / "gone"))
    assert batch_cache.folder() is None
    assert batch_cache.cached("x", 1, lambda: 5) == 5


def test_computed_once_and_read_by_the_others(tmp_path, monkeypatch):
    monkeypatch.setenv(batch_cache.ENV, str(tmp_path))
    calls = []
    first = batch_cache.cached("comparisons", ("folder", 2024), lambda: calls.append(1) or {"a": [1, 2]})
    again = batch_cache.cached("comparisons", ("folder", 2024), lambda: calls.append(1) or {"a": [9]})
    other = batch_cache.cached("comparisons", ("folder", 2025), lambda: calls.append(1) or {"b": 3})
    assert first == again == {"a": [1, 2]} and other == {"b": 3} and len(calls) == 2
    assert again is not first  # read back from the shared file, as another kernel would


def test_an_unreadable_entry_is_computed_again(tmp_path, monkeypatch):
    monkeypatch.setenv(batch_cache.ENV, str(tmp_path))
    batch_cache.cached("k", 1, lambda: "ok")
    for f in tmp_path.glob("k-*.pickle"):
        f.write_bytes(b"not a pickle")
    assert batch_cache.cached("k", 1, lambda: "again") == "again"


def _slow(path: str, out):
    import os
    os.environ[batch_cache.ENV] = path
    out.put(batch_cache.cached("slow", 1, lambda: (time.sleep(0.5), os.getpid())[1]))


def test_a_second_process_waits_for_the_first_instead_of_computing(tmp_path):
    """Two kernels asking at once: one computes, the other gets its result (same pid in both answers)."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_slow, args=(str(tmp_path), out)) for _ in range(2)]
    for p in procs:
        p.start()
    answers = [out.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert answers[0] == answers[1]


def test_waiting_gives_up_after_the_limit_and_computes(tmp_path, monkeypatch):
    monkeypatch.setenv(batch_cache.ENV, str(tmp_path))
    lock = tmp_path / (batch_cache._name("k", 1) + ".lock")
    held = threading.Event()
    release = threading.Event()

    def hold():
        with batch_cache._locked(lock, 1.0):
            held.set()
            release.wait(5)
    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    try:
        assert batch_cache.cached("k", 1, lambda: "mine", wait=0.2) == "mine"
    finally:
        release.set()
        t.join()


def test_peek_reads_without_computing(tmp_path, monkeypatch):
    monkeypatch.delenv(batch_cache.ENV, raising=False)
    assert batch_cache.peek("k", 1) is None  # outside a batch: nothing
    monkeypatch.setenv(batch_cache.ENV, str(tmp_path))
    assert batch_cache.peek("k", 1) is None and not list(tmp_path.iterdir())  # nothing written, no lock file
    batch_cache.cached("k", 1, lambda: [1, 2])
    assert batch_cache.peek("k", 1) == [1, 2] and batch_cache.peek("k", 2) is None


@pytest.mark.slow
def test_the_overview_map_uses_the_comparison_the_kernels_computed(tmp_path, monkeypatch):
    """The parent draws the national map after the batch: from the kernels' comparison, not its own."""
    import ivpanalysis
    from ivpanalysis.analysis import comparison, geo
    from ivpanalysis.report import maps
    from ivpanalysis.report.context import _folder_key, _load
    from tests.realfolder import JSON, REGIONS, need_realdata
    from tests.test_maps import BOUNDARIES

    r = need_realdata()
    folder = _folder_key(ivpanalysis.snapshot_from_file([r / JSON, r / REGIONS, r / BOUNDARIES], tmp_path / "f"))
    full = _load(*folder)
    years = geo._years(full)[:geo.MAX_YEARS_TRIED]
    (tmp_path / "batch").mkdir()
    monkeypatch.setenv(batch_cache.ENV, str(tmp_path / "batch"))
    made = {y: comparison.compute(full, full.regions, y, None) for y in years}
    for y, comps in made.items():  # as the kernels' shared_comparisons leave them
        batch_cache.cached("comparisons", (folder, y, y - 4, frozenset()), lambda c=comps: c)
    monkeypatch.setattr(comparison, "_CACHE", {})
    monkeypatch.setattr(comparison, "compute", lambda *a, **k: (_ for _ in ()).throw(AssertionError("computed again")))
    html = maps.national_map_html(folder[0])
    assert "<img" in html
    assert comparison.peek(full, full.regions, years[0]) is not None


def test_sharing_a_folder_not_yet_loaded_takes_no_lock_twice(tmp_path, monkeypatch):
    """run_batch shares the gated folder; when this process had not loaded it yet, the load (which itself
    goes through the batch cache) must not run inside the same entry's lock: it would wait for itself."""
    from contextlib import contextmanager

    from ivpanalysis import paths
    from ivpanalysis.report import batch, context

    held = []
    real = batch_cache._locked

    @contextmanager
    def once(path, wait):
        assert path not in held, f"{path.name} locked again while held by this process"
        held.append(path)
        try:
            with real(path, wait) as got:
                yield got
        finally:
            held.remove(path)

    monkeypatch.setattr(batch_cache, "_locked", once)
    monkeypatch.setenv(batch_cache.ENV, str(tmp_path))
    context._load.cache_clear()
    try:
        batch._share_dataset(str(paths.DATA_DIR))
        assert batch_cache.peek("dataset", context._folder_key(str(paths.DATA_DIR))) is not None
    finally:
        context._load.cache_clear()
