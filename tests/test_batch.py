"""Batches: one failing municipality (bad data, a cell exception, a timeout, a dead kernel) never
stops the others; manifest.json and index.html record every outcome; the CLI exits non-zero."""
from __future__ import annotations

import argparse
import json
import shutil

import nbformat
import pandas as pd
import pytest

from ivpanalysis import paths
from ivpanalysis.report.batch import HTML_NAME, codes_in_data, run_batch
from ivpanalysis.report.cli import add_batch_parser
from ivpanalysis.report.execute import NOTEBOOK

EMBEDDED = ["GM0995", "GM0303", "GM0171", "GM0184"]


def _manifest(out):
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_cli_batch_acceptance_four_reports_and_a_failure(tmp_path, capsys):
    """The issue's acceptance command: four reports, GM9999 failed with a reason, exit code 1."""
    ap = argparse.ArgumentParser()
    add_batch_parser(ap.add_subparsers(dest="command"))
    args = ap.parse_args(["batch", *EMBEDDED, "GM9999", "--out", str(tmp_path), "--quiet"])
    assert args.func(args) == 1
    m = _manifest(tmp_path)
    by = {r["code"]: r for r in m["reports"]}
    assert [r["code"] for r in m["reports"]] == EMBEDDED + ["GM9999"]
    assert all(by[c]["status"] == "ok" for c in EMBEDDED)
    assert by["GM9999"]["status"] == "failed" and "GM9999" in by["GM9999"]["error"]
    assert set(by["GM0995"]) >= {"code", "name", "status", "seconds", "error", "outputs", "figures"}
    # the overview's figures come from the report's own kernel (seed 000: 4.240 in 2019)
    assert (by["GM0995"]["figures"]["year"], by["GM0995"]["figures"]["total"]) == (2019, 4240)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for c in EMBEDDED:
        href = by[c]["outputs"][0]
        assert (tmp_path / href).is_file() and f'href="{href}"' in index
    assert "GM9999" in index and by["GM9999"]["error"] in index
    assert "failed: GM9999" in capsys.readouterr().err


@pytest.mark.slow
def test_broken_municipality_in_data_folder_does_not_stop_others(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    pol = pd.read_csv(data / "police_figures.csv", dtype=str, keep_default_na=False)
    urk = pol[pol.region_code == "GM0184"].head(3)
    pd.concat([pol, urk]).to_csv(data / "police_figures.csv", index=False)  # Urk: three rows twice
    m = run_batch(["GM0184", "GM0995"], tmp_path / "out", data_dir=data, jobs=1, progress=False)
    by = {r["code"]: r for r in m["reports"]}
    assert by["GM0184"]["status"] == "failed" and "duplicate" in by["GM0184"]["error"]
    assert by["GM0995"]["status"] == "ok"
    assert (m["ok"], m["failed"]) == (1, 1)
    assert not (tmp_path / "out" / "GM0184-urk").exists()


@pytest.mark.slow
def test_cell_error_timeout_and_dead_kernel_are_isolated(tmp_path):
    """One worker meets all three failures in a row and still makes the last report."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    saboteur = nbformat.v4.new_code_cell(
        "import os, time\n"
        "if municipality == 'GM0303':\n    raise RuntimeError('kapotte cel')\n"
        "if municipality == 'GM0171':\n    time.sleep(120)\n"
        "if municipality == 'GM0184':\n    os._exit(1)\n")
    nb.cells.insert(2, saboteur)
    path = tmp_path / "saboteur.ipynb"
    nbformat.write(nb, path)
    m = run_batch(["GM0303", "GM0171", "GM0184", "GM0995"], tmp_path / "out", jobs=1, notebook=path,
                  timeout=8, progress=False)
    by = {r["code"]: r for r in m["reports"]}
    assert by["GM0303"]["status"] == "failed" and "RuntimeError" in by["GM0303"]["error"] \
        and "kapotte cel" in by["GM0303"]["error"]
    assert by["GM0171"]["status"] == "failed" and "tijdslimiet" in by["GM0171"]["error"]
    assert by["GM0184"]["status"] == "failed" and "kernel" in by["GM0184"]["error"]
    assert [by[c]["failure"] for c in ("GM0303", "GM0171", "GM0184")] == ["cell_error", "timeout", "dead_kernel"]
    assert by["GM0995"]["status"] == "ok"
    assert (tmp_path / "out" / by["GM0995"]["outputs"][0]).is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["GM0995-lelystad", "index.html", "manifest.json"]


def test_all_means_every_municipality_in_the_data():
    codes = codes_in_data()
    assert set(EMBEDDED) <= set(codes)
    assert all(c.startswith("GM") and len(c) == 6 for c in codes)


@pytest.mark.slow
def test_dask_cluster_on_loopback(tmp_path):
    distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        m = run_batch(["GM0995", "GM9999"], tmp_path, scheduler=cluster.scheduler_address, progress=False)
    by = {r["code"]: r for r in m["reports"]}
    assert by["GM0995"]["status"] == "ok" and (tmp_path / "GM0995-lelystad" / HTML_NAME).is_file()
    assert by["GM9999"]["status"] == "failed"
    assert m["workers"].startswith("dask tcp://127.0.0.1")
