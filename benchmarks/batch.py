"""Our batch against the naive loop a user would write, in the same run, on the same reports.

Naive: for every municipality, the ``papermill`` command line (a fresh kernel, imports, compute)
then ``jupyter nbconvert --to html --no-input`` (a second process). Ours: ``run_batch`` with
worker processes that each keep one kernel (namespace cleared per report) and export HTML
in-process. Both execute the shipped ``notebooks/evaluatie.ipynb`` unchanged.

Data: the real per-gemeente annual file (47018NED + population, all 342 municipalities) in
``../shared/realdata/dreyer_47018NED_gemeente_jaar/data.json``, turned into a data folder with
``ivpanalysis.ingest.fetch.snapshot_from_file``; without it, the embedded four municipalities repeated.

    .venv/bin/python benchmarks/batch.py            # N = 20 reports, 2 workers
    .venv/bin/python benchmarks/batch.py --n 40 --jobs 2

The last line reads ``ratio: <naive seconds per report / ours>``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from ivpanalysis import paths
from ivpanalysis.report.batch import codes_in_data, run_batch
from ivpanalysis.report.execute import NOTEBOOK

REAL = paths.REALDATA_DIR / "dreyer_47018NED_gemeente_jaar" / "data.json"
#: the real files a complete report reads (issue 18): counts, population, regions, survey, incidents, boundaries
FILES = [REAL] + [paths.REALDATA_DIR / f for f in (
    "chelsj_47013NED_meta_37230ned/Bevolking_Gemeenten.csv",
    "chelsj_47013NED_meta_37230ned/bevolkingeindeperiod_21122025.csv", "leetjes_gebieden_in_nederland/inwonertal.csv",
    "mokken_veiligheidsmonitor_provincie/veiligheidsbeleving_gemeente.csv",
    "gewoonmaarten_provincies/Veiligheidsgevoel Provincies.csv",
    "mokken_veiligheidsmonitor_provincie/Misdrijven_per_gemeente.csv", "siffels_misdaad_in_kaart/MiK-Nederland-PC4.csv",
    "certegis_pc4_gemeente/postcodes.csv", "visualicious_47013NED_maand_aaenhunze/crimes_theft_shortened.tsv",
    "thoolen_47013NED_statline_gemeente/Misdrijven_2024.csv", "nlstat_gemeentegrenzen_2022/gemeenten.geojson")]
BIN = Path(sys.executable).parent


def data_folder(work: Path) -> tuple[str | None, list[str], str]:
    """(data_dir, municipality codes available, description)."""
    if REAL.is_file():
        from ivpanalysis.ingest.fetch import snapshot_from_file
        folder = snapshot_from_file([f for f in FILES if f.is_file()], work / "data")
        codes = codes_in_data(folder)
        return str(folder), codes, (f"real public files ({len(codes)} municipalities: 47018NED, population, regions, "
                                    f"provincial VM, misdaad in kaart, 47013NED months, boundaries) via fetch.snapshot_from_file")
    codes = ["GM0995", "GM0303", "GM0171", "GM0184"]
    return None, codes, "embedded data (4 municipalities, repeated): ../shared/realdata not found"


def pick(codes: list[str], n: int) -> list[str]:
    """``n`` codes spread evenly over the list (repeats when the list is shorter)."""
    if len(codes) >= n:
        step = len(codes) / n
        return [codes[int(i * step)] for i in range(n)]
    return [codes[i % len(codes)] for i in range(n)]


def naive(codes: list[str], data_dir: str | None, out: Path) -> list[dict]:
    """The user's loop: papermill CLI, then nbconvert CLI, per municipality, one after another."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, code in enumerate(codes):
        nb_out = out / f"{i:03d}_{code}.ipynb"
        cmd = [str(BIN / "papermill"), str(NOTEBOOK), str(nb_out), "-p", "municipality", code, "--no-progress-bar"]
        if data_dir:
            cmd += ["-p", "data_dir", data_dir]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=paths.NOTEBOOKS_DIR)
        t1 = time.perf_counter()
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb_out)],
                       check=True, capture_output=True)
        t2 = time.perf_counter()
        nb = nbformat.read(nb_out, as_version=4)
        durations = {"imports": 0.0, "compute": 0.0}
        for c in nb.cells:
            d = c.metadata.get("papermill", {}).get("duration")
            if c.cell_type == "code" and d is not None:
                durations["imports" if "imports" in c.metadata.get("tags", []) else "compute"] += float(d)
        rows.append({"code": code, "papermill": t1 - t0, "nbconvert": t2 - t1, **durations})
        print(f"  naive {i + 1}/{len(codes)} {code}: {t2 - t0:.1f} s", file=sys.stderr)
    return rows


#: notebook cell → phase of the breakdown (the shipped notebook's calls, matched by their text)
PHASES = (("rc.context(", "load"), ("rc.trend_section(", "trend (fits + charts)"),
          ("rc.gap_section(", "gap (fits + charts)"), ("rc.yearly_chart(", "charts"))


def cell_phases(manifest: dict, out: Path) -> dict[str, float]:
    """Seconds per phase summed over our reports, from the papermill durations in the written notebooks."""
    totals: dict[str, float] = {}
    for r in manifest["reports"]:
        nb_path = [o for o in r.get("outputs", []) if o.endswith(".ipynb")]
        if r["status"] != "ok" or not nb_path:
            continue
        for cell in nbformat.read(out / nb_path[0], as_version=4).cells:
            d = cell.get("metadata", {}).get("papermill", {}).get("duration")
            if cell.cell_type != "code" or d is None:
                continue
            phase = next((name for text, name in PHASES if text in cell.source), "other sections")
            totals[phase] = totals.get(phase, 0.0) + float(d)
    return totals


#: the section functions the shipped notebook calls, in its order
SECTIONS = ("title", "summary", "police_section", "map_section", "yearly_chart", "trend_section", "dashboard_section",
            "gap_section", "activities_section", "verantwoording")


def fits_and_charts(codes: list[str], data_dir: str | None) -> dict[str, float]:
    """In this process, on the same reports: seconds in trend fits and in drawing charts (report.fits.SECONDS)
    while the notebook's section functions run, after one warm-up report (a reused kernel is warm too)."""
    from ivpanalysis.report import content as rc, fits

    def one(code):
        ctx = rc.context(code, data_dir=data_dir)
        for name in SECTIONS:
            if hasattr(rc, name):  # sections another branch adds are timed once they exist
                getattr(rc, name)(ctx)
    one(codes[0])
    fits.SECONDS.clear()
    fits._FITS.clear()
    t = time.perf_counter()
    for code in codes:
        one(code)
    return {"sections": time.perf_counter() - t, **fits.SECONDS}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20, help="reports per method (default 20; at least 20 for the figure)")
    ap.add_argument("--jobs", type=int, default=2, help="our worker processes (default 2)")
    ap.add_argument("--keep", default=None, help="keep the outputs in this folder")
    args = ap.parse_args(argv)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ivp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        data_dir, available, what = data_folder(work)
        codes = pick(available, args.n)
        print(f"data: {what}")
        print(f"reports: {len(codes)} per method; cores: {os.cpu_count()}; our workers: {args.jobs}")

        t0 = time.perf_counter()
        manifest = run_batch(codes, work / "ours", data_dir=data_dir, jobs=args.jobs, progress=False)
        ours_wall = time.perf_counter() - t0
        failed = [r for r in manifest["reports"] if r["status"] != "ok"]
        if failed:
            print(f"our batch: {len(failed)} failed, first: {failed[0]['code']}: {failed[0]['error']}")
        # duplicates in `codes` (embedded data) are reports too: count what was asked for
        n_ours = len(codes)

        t0 = time.perf_counter()
        rows = naive(codes, data_dir, work / "naive")
        naive_wall = time.perf_counter() - t0

        ours_per = ours_wall / n_ours
        naive_per = naive_wall / len(rows)
        ok = [r for r in manifest["reports"] if r["status"] == "ok"]
        t = {k: sum(r["timings"].get(k, 0.0) for r in ok) for k in
             ("kernel_start", "reset", "imports", "compute", "render", "write")}
        print()
        print("where the time goes (seconds summed over reports; ours runs {} workers in parallel)".format(args.jobs))
        print(f"{'':22}{'naive':>10}{'ours':>10}")
        med = statistics.median
        print(f"{'papermill process':22}{sum(r['papermill'] for r in rows):10.1f}{'':>10}")
        print(f"{'  imports cell':22}{sum(r['imports'] for r in rows):10.1f}{t['imports']:10.1f}")
        print(f"{'  compute cells':22}{sum(r['compute'] for r in rows):10.1f}{t['compute']:10.1f}")
        startup = sum(r["papermill"] - r["imports"] - r["compute"] for r in rows)
        print(f"{'  kernel start + rest':22}{startup:10.1f}{t['kernel_start'] + t['reset']:10.1f}")
        print(f"{'HTML export':22}{sum(r['nbconvert'] for r in rows):10.1f}{t['render']:10.1f}")
        print(f"{'write':22}{'':>10}{t['write']:10.1f}")
        print(f"{'wall clock':22}{naive_wall:10.1f}{ours_wall:10.1f}")
        print()
        print(f"naive: {naive_per:.2f} s per report (median papermill {med(r['papermill'] for r in rows):.2f} s, "
              f"nbconvert {med(r['nbconvert'] for r in rows):.2f} s)")
        print(f"ours:  {ours_per:.3f} s per report ({n_ours} reports, {len(failed)} failed, wall {ours_wall:.1f} s "
              f"incl. worker and kernel start)")
        (work / "benchmark.json").write_text(json.dumps({
            "data": what, "n": len(codes), "jobs": args.jobs, "naive_seconds_per_report": naive_per,
            "ours_seconds_per_report": ours_per, "naive": rows, "ours_timings": t}, indent=1))
        phases = cell_phases(manifest, work / "ours")
        print()
        print("ours, per report (seconds; mean over reports, each worker's own clock):")
        n_ok = max(1, len(ok))
        print(f"  {'start (kernel start + reset)':34}{(t['kernel_start'] + t['reset']) / n_ok:8.3f}")
        print(f"  {'imports cell':34}{t['imports'] / n_ok:8.3f}")
        for name in ("load", "trend (fits + charts)", "gap (fits + charts)", "charts", "other sections"):
            print(f"  {name:34}{phases.get(name, 0.0) / n_ok:8.3f}")
        print(f"  {'export (HTML + write)':34}{(t['render'] + t['write']) / n_ok:8.3f}")
        split = fits_and_charts(codes, data_dir)
        print(f"in-process split over the same {len(codes)} reports, all sections (s per report): "
              f"trend fits {split.get('fits', 0.0) / len(codes):.3f}, trend and gap charts {split.get('charts', 0.0) / len(codes):.3f}, "
              f"all sections {split['sections'] / len(codes):.3f}")
        print(f"ratio: {naive_per / ours_per:.1f}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
