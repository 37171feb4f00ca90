"""batch_cache: a batch's kernels compute a shared result once; outside a batch nothing is written."""
from __future__ import annotations

import multiprocessing
import threading
import time

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
