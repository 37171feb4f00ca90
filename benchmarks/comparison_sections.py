"""Seconds the comparison, dashboard and "Wat ontbreekt" computations cost, once and per report.

Data: the real 47018NED per-gemeente file (police counts + inhabitants, 342 municipalities) as a
data folder (``snapshot_from_file``) and CBS "Gebieden in Nederland" read by the tests' minimal
regions reader (the ingest layer's regions role replaces it). Prints the one-pass aggregate cost
(per data version) and the per-municipality look-ups over all 342, so ``benchmarks/batch.py``
can budget them.

    .venv/bin/python benchmarks/comparison_sections.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import ivpanalysis  # noqa: E402
from ivpanalysis.analysis import comparison as cmp  # noqa: E402
from ivpanalysis.analysis import default_indicators as di  # noqa: E402
from ivpanalysis.analysis import missing, plan  # noqa: E402
from tests.realfolder import JSON, read_regions  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ds = ivpanalysis.load(ivpanalysis.snapshot_from_file([ivpanalysis.paths.REALDATA_DIR / JSON], Path(tmp) / "f"))
        ind = pd.read_csv(ivpanalysis.paths.PROJECT_DIR / "data" / "indicators.csv", dtype={"region_code": str})
        ds = type(ds)(**{**ds.__dict__, "indicators": ind})
        regions = read_regions()
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        comps = cmp.compute(ds, regions, 2024)
        t_compute = time.perf_counter() - t0
        frame = plan.resolve(2024)
        codes = sorted(regions["region_code"])
        times = {"for_municipality": 0.0, "default_dashboard": 0.0, "relative_targets": 0.0, "missing_for": 0.0}
        for code in codes:
            t = time.perf_counter()
            cmp.for_municipality(comps, code)
            times["for_municipality"] += time.perf_counter() - t
            t = time.perf_counter()
            di.default_dashboard(ds, comps, code)
            times["default_dashboard"] += time.perf_counter() - t
            t = time.perf_counter()
            targets = di.relative_targets(ds, code, frame)
            times["relative_targets"] += time.perf_counter() - t
            t = time.perf_counter()
            missing.missing_for(ds, code, comps, targets, regions)
            times["missing_for"] += time.perf_counter() - t
    print(f"load folder + regions: {t_load:.2f} s")
    print(f"compute (all units, peer groups, ranks; once per data version): {t_compute:.2f} s")
    for name, secs in times.items():
        print(f"{name}: {secs:.2f} s for {len(codes)} municipalities ({1000 * secs / len(codes):.1f} ms each)")
    print(f"per report after compute: {1000 * sum(times.values()) / len(codes):.1f} ms")


if __name__ == "__main__":
    main()
