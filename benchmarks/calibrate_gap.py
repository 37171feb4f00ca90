"""Calibration of gap_across (issue 16, item 5): false flags per unit, with and without one outlier.

Usage (from the project folder):

    .venv/bin/python benchmarks/calibrate_gap.py                # 1000 replicates per cell (about 10 min)
    .venv/bin/python benchmarks/calibrate_gap.py --reps 50      # a quick look
    .venv/bin/python benchmarks/calibrate_gap.py --cells 0 1    # the 12-unit cells only
    .venv/bin/python benchmarks/calibrate_gap.py --docs NAME    # one figure block of docs/methods-gap.md
                                                                # (NAME: chance, outlier, lelystad, provinces,
                                                                #  naive, calibration_12, calibration_100)

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


# --- the figure blocks quoted in docs/methods-gap.md (tests/test_gap_simulation.py compares them) ---

def docs_chance() -> str:
    """Chance flags at 95 % for 12 and 100 units."""
    from ivpanalysis.analysis import gap
    return "\n".join(f"{n} units: expected {c['expected']:.1f}, central 95 % range {c['low']:.0f}-{c['high']:.0f}, "
                     f"P(at least one) {c['at_least_one']:.3f}" for n in (12, 100) for c in [gap.chance_flags(n)])


def docs_outlier() -> str:
    """One simulated 12-unit data set (seed 31) with and without one unit moved 5 of its sd up: τ and flags."""
    import numpy as np
    from ivpanalysis.analysis import gap
    df = gs.simulate_units(12, seed=31, tau=1.3, margin_range=(0.5, 2.5)).drop(columns="planted")
    moved = df.copy()
    moved.loc[4, "pct_unsafe"] += 5 * np.sqrt(1.3 ** 2 + (df.loc[4, "margin"] / gap.Z95) ** 2)
    lines = []
    for label, d in (("without outlier", df), ("with outlier E004", moved)):
        for method in gap.TAU_METHODS:
            r = gap.gap_across(d, tau_method=method)
            others = r[r["unit"] != "E004"]
            lines.append(f"{label:18s} {method:8s} tau {r.attrs['tau']:.2f}  mean sd_pred of the others "
                         f"{others['sd_pred'].mean():.2f}  flagged {', '.join(r.loc[r['flag'].astype(bool), 'unit']) or '-'}")
    return "\n".join(lines)


def docs_lelystad() -> str:
    """The embedded Lelystad case over time (seed 000): the report's own text."""
    import ivpanalysis as iv
    from ivpanalysis.analysis import gap
    from ivpanalysis.present import gap_text
    r = gap.gap_over_time(gap.over_time_input(iv.load_default()))
    row = r[r["year"] == r["year"].max()].iloc[0]
    return (f"crime index {row['crime_index']:.1f}, crime_p {row['crime_p']:.2f}, diff {row['diff']:+.1f} "
            f"[{row['diff_lower']:+.1f}, {row['diff_upper']:+.1f}], in_step {row['in_step']:.1f}, verdict {row['verdict']}"
            f"\n\n{gap_text.text_over_time(r)}")


PROVINCE_FILES = (
    ("gewoonmaarten_provincies/Veiligheidsgevoel Provincies.csv", "gewoonmaarten_provincies/Criminaliteit Provincies.csv",
     (2015, 2016, 2017)),
    ("mokken_veiligheidsmonitor_provincie/veiligheidsbeleving_gemeente.csv",
     "mokken_veiligheidsmonitor_provincie/Misdrijven_per_gemeente.csv", tuple(range(2013, 2018))),
)


def docs_provinces() -> str:
    """The twelve provinces per year (real files in ../shared/realdata): slope per 10 %, τ, flagged units."""
    import ivpanalysis as iv
    from ivpanalysis import paths
    from ivpanalysis.analysis import gap
    from ivpanalysis.present import gap_text
    R = paths.REALDATA_DIR
    pop = iv.read(R / "chelsj_47013NED_meta_37230ned/bevolkingeindeperiod_21122025.csv")
    lines = []
    for survey, crime, years in PROVINCE_FILES:
        sv, cr = iv.read(R / survey), iv.read(R / crime)
        for y in years:
            r = gap.gap_across(gap.across_input(sv, cr, pop, y))
            lo, hi = gap.slope_per_10pct_interval(r)
            flagged = "; ".join(f"{gap_text.unit_label(r, f.unit)} {f.pct_unsafe:.1f} vs {f.expected:.1f} "
                                f"[{f.lower:.1f}, {f.upper:.1f}]" for f in r[r["flag"].astype(bool)].itertuples())
            lines.append(f"{y} margins {'yes' if r.attrs['has_margin'] else 'no '} slope/10% {gap.slope_per_10pct(r):.2f} "
                         f"[{lo:.2f}, {hi:.2f}] tau {r.attrs['tau']:.2f} flagged: {flagged or '-'}")
    return "\n".join(lines)


def docs_naive() -> str:
    """Plain 1/SE² WLS against gap_across by precision third: 100 units, margins 1–6, τ = 2, no gaps (simulated)."""
    out = gs.simulation_check(reps=100, n_units=100, gap_sds=(), compare_naive=True)
    return "\n".join(f"{r.method:10s} {r.what:22s} {100 * r.share:.1f} % (MCSE {100 * r.mcse:.1f})"
                     for r in out.itertuples())


def docs_calibration(indices) -> str:
    """Rows of the full calibration table for the cells ``indices`` (same seeds as the full run)."""
    return table(_subset(indices, 1000, 20261201))


DOCS = {"chance": docs_chance, "outlier": docs_outlier, "lelystad": docs_lelystad, "provinces": docs_provinces,
        "naive": docs_naive, "calibration_12": lambda: docs_calibration([0, 1]),
        "calibration_100": lambda: docs_calibration([2, 3])}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--cells", type=int, nargs="*", help="indices into gap_simulation.CELLS (default all)")
    ap.add_argument("--jobs", type=int, default=1, help="cells run side by side in this many processes")
    ap.add_argument("--out", help="also write the table and last line to this file")
    ap.add_argument("--docs", choices=sorted(DOCS), help="print one figure block of docs/methods-gap.md and stop")
    a = ap.parse_args(argv)
    if a.docs:
        print(DOCS[a.docs]())
        return 0
    t0 = time.time()
    df = _subset(a.cells or range(len(gs.CELLS)), a.reps, a.seed, a.jobs)
    text = (f"gap_across calibration (simulated data), {a.reps} replicates per cell, seed {a.seed}, "
            f"{time.time() - t0:.0f} s\n\n{table(df)}\n\n{worst(df)}")
    print(text)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    return 0 if df["passes"].dropna().all() else 1


def _cell(i: int, reps: int, seed: int):
    return gs.calibration_table((gs.CELLS[i],), reps=reps, seed=seed + i)


def _subset(indices, reps, seed, jobs: int = 1):
    """Cells by index with the seeds they have in the full run (seed + index), in ``jobs`` processes."""
    import pandas as pd
    from concurrent.futures import ProcessPoolExecutor
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as ex:
            parts = list(ex.map(_cell, indices, [reps] * len(indices), [seed] * len(indices)))
    else:
        parts = [_cell(i, reps, seed) for i in indices]
    return pd.concat(parts, ignore_index=True)


if __name__ == "__main__":
    sys.exit(main())
