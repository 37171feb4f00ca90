"""Calibration of gap_across (issue 16, item 5): false flags per unit, with and without one outlier.

Usage (from the project folder):

    .venv/bin/python benchmarks/calibrate_gap.py                # 1000 replicates per cell (about 10 min)
    .venv/bin/python benchmarks/calibrate_gap.py --reps 50      # a quick look
    .venv/bin/python benchmarks/calibrate_gap.py --cells 0 1    # the 12-unit cells only

Cells (ivpanalysis.analysis.gap_simulation.CELLS): 12 units (τ = 1,3, margins 0,5–2,5 points, like
the provinces) and 100 units (τ = 2, margins 1–6), heteroscedastic margins, without and with one
outlier whose gap is 5 of its own sd √(τ² + SE²) (so at least 5 SE). Measures: false flags per unit
among the units without a planted gap; how often the outlier itself is flagged (power, no band);
how often the empirical-Bayes interval of each unit's true gap holds it. A cell passes when the
Clopper–Pearson 95 % interval of its share overlaps the band. Prints a Markdown table and a last
line with the worst cell. Everything is simulated data; seeds are fixed, so a rerun prints the
same figures.
"""
from __future__ import annotations

import argparse
import sys
import time

from ivpanalysis.analysis import gap_simulation as gs


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def table(df) -> str:
    """The calibration table as Markdown (one row per cell and measure)."""
    lines = ["| units | outlier | measure | share | 95 % CP interval | band | passes |", "|---|---|---|---|---|---|---|"]
    for _, r in df.iterrows():
        band = "–" if r["band"] is None else f"{_pct(r['band'][0])} – {_pct(r['band'][1])}"
        passes = "–" if r["passes"] is None else ("yes" if r["passes"] else "NO")
        outlier = f"{r['outlier_sd']:g} sd" if r["outlier_sd"] else "none"
        lines.append(f"| {r['n_units']} | {outlier} | {r['measure']} | {_pct(r['share'])} ({r['hits']}/{r['n']}) | "
                     f"{_pct(r['cp_lower'])} – {_pct(r['cp_upper'])} | {band} | {passes} |")
    return "\n".join(lines)


def worst(df) -> str:
    """The last line: the judged cell furthest from its band (or nearest its edge when all pass)."""
    judged = df[df["passes"].notna()].copy()
    edge = judged.apply(lambda r: min(r["share"] - r["band"][0], r["band"][1] - r["share"]), axis=1)
    r = judged.loc[judged["miss"].idxmax()] if judged["miss"].max() > 0 else judged.loc[edge.idxmin()]
    outlier = f"{r['outlier_sd']:g} sd outlier" if r["outlier_sd"] else "no outlier"
    return (f"worst cell: {r['n_units']} units, {outlier}, {r['measure']} {_pct(r['share'])} "
            f"(CP {_pct(r['cp_lower'])} – {_pct(r['cp_upper'])}, band {_pct(r['band'][0])} – {_pct(r['band'][1])}): "
            + ("passes" if r["passes"] else "FAILS") + f"; {int(judged['passes'].sum())} of {len(judged)} cells pass")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--cells", type=int, nargs="*", help="indices into gap_simulation.CELLS (default all)")
    ap.add_argument("--out", help="also write the table and last line to this file")
    a = ap.parse_args(argv)
    cells = gs.CELLS if not a.cells else tuple(gs.CELLS[i] for i in a.cells)
    t0 = time.time()
    df = gs.calibration_table(cells, reps=a.reps, seed=a.seed) if not a.cells else \
        _subset(a.cells, a.reps, a.seed)
    text = (f"gap_across calibration (simulated data), {a.reps} replicates per cell, seed {a.seed}, "
            f"{time.time() - t0:.0f} s\n\n{table(df)}\n\n{worst(df)}")
    print(text)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    return 0 if df["passes"].dropna().all() else 1


def _subset(indices, reps, seed):
    """Cells by index with the seeds they have in the full run (seed + index)."""
    import pandas as pd
    return pd.concat([gs.calibration_table((gs.CELLS[i],), reps=reps, seed=seed + i) for i in indices],
                     ignore_index=True)


if __name__ == "__main__":
    sys.exit(main())
