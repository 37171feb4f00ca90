"""Coverage of fit_trend's 95 % interval for the yearly change, on simulated independent NB series.

The calibration under autocorrelation and the July 2018 break (issue 16) is benchmarks/calibrate_trend.py.

Usage (from the project folder):

    .venv/bin/python benchmarks/trend_coverage.py                 # 500 replicates, NB default fit
    .venv/bin/python benchmarks/trend_coverage.py --reps 100 --fits nb poisson ml hac
    .venv/bin/python benchmarks/trend_coverage.py --reps 500 --fits nb --projection   # + project() check
    .venv/bin/python benchmarks/trend_coverage.py --national    # real national series, no simulation

Prints one Markdown table per fit variant (one row per design cell of ivpanalysis.analysis.simulate.DESIGN)
and a pooled line; with ``--out FILE`` also writes the tables there. Everything is simulated data
with a known truth (−5 % a year); seeds are fixed, so a rerun prints the same figures.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np
import pandas as pd
import statsmodels

from ivpanalysis.analysis import simulate

FITS = {
    "nb": ({}, "negative binomial, alpha by Pearson moment (default)"),
    "ml": ({"alpha_method": "ml"}, "negative binomial, alpha by maximum likelihood"),
    "poisson": ({"family": "poisson"}, "Poisson (ignores overdispersion)"),
    "hac": ({"cov_type": "hac"}, "negative binomial, Newey-West (HAC) covariance"),
    "model": ({"cov_type": "model"}, "negative binomial, independence (model-based) covariance"),
}


def table(df: pd.DataFrame) -> str:
    cols = ["design", "reps", "coverage", "mc_se", "bias", "rmse", "mean_width", "alpha", "mean_alpha", "seconds"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join([
            r["design"], f"{r['reps']:d}", f"{r['coverage']:.3f}", f"{r['mc_se']:.3f}", f"{r['bias']:+.2f}",
            f"{r['rmse']:.2f}", f"{r['mean_width']:.2f}", f"{r['alpha']:g}", f"{r['mean_alpha']:.4f}",
            f"{r['seconds']:.1f}"]) + " |")
    n, k = df["reps"].sum(), df["covered"].sum()
    p = k / n
    lines.append(f"\nPooled: {k}/{n} = {p:.3f} (MC s.e. {np.sqrt(p * (1 - p) / n):.3f}); "
                 f"cells within 0.93–0.97: {int(((df['coverage'] >= 0.93) & (df['coverage'] <= 0.97)).sum())}/{len(df)}; "
                 f"lowest {df['coverage'].min():.3f}, highest {df['coverage'].max():.3f}")
    return "\n".join(lines)


def national() -> str:
    """fit_trend on every national monthly series 2012–2023: default (AR sandwich) and independence intervals."""
    from ivpanalysis import paths
    from ivpanalysis.analysis import trend

    path = paths.REALDATA_DIR / "bernasco_staat_van_de_misdaad" / "first_commit_14f99b5" / "NL_Crime.csv"
    d = pd.read_csv(path)
    lines = [f"Real data: {path.name} (national, monthly 2012-01 … 2023-12). Command: "
             "python benchmarks/trend_coverage.py --national", "",
             "| crime type | status | freq | % per year | 95 % CI (default) | 95 % CI (independence) | alpha "
             "| resid. lag-1 | check fires | working rho, s | variance × |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for code, g in d.groupby("crime_type_code"):
        s = pd.Series(g["frequency"].to_numpy(dtype=float), index=pd.PeriodIndex(pd.to_datetime(g["date"]), freq="M"))
        r = trend.fit_trend(s)
        if not r.ok:
            lines.append(f"| {code} | {r.status} | {r.frequency} | – | – | – | – | – | – | – | – |")
            continue
        m = trend.fit_trend(s, cov_type="model")
        dg = r.diagnostics
        lines.append(f"| {code} | ok | {r.frequency} | {r.pct_per_year:+.1f} | {r.pct_ci_low:+.1f} … {r.pct_ci_high:+.1f} | "
                     f"{m.pct_ci_low:+.1f} … {m.pct_ci_high:+.1f} | {r.alpha:.3f} | {dg['resid_lag1']:.2f} | "
                     f"{'yes' if dg['autocorrelated'] else 'no'} | {dg['working_rho']:.2f}, {dg['working_share']:.2f} | "
                     f"{dg['variance_inflation']:.1f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=500, help="replicates per design cell (default 500)")
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--fits", nargs="+", default=["nb"], choices=sorted(FITS))
    ap.add_argument("--cells", type=int, nargs="*", help="indexes into simulate.DESIGN (default: all)")
    ap.add_argument("--out", help="also write the Markdown tables to this file")
    ap.add_argument("--national", action="store_true",
                    help="only print fit_trend on the real national monthly series (NL_Crime.csv), no simulation")
    ap.add_argument("--projection", action="store_true",
                    help="also check project(): fit 2014-2021, predict the 2023 total (4 corner cells)")
    a = ap.parse_args(argv)
    if a.national:
        print(national())
        return 0
    designs = simulate.DESIGN if not a.cells else [simulate.DESIGN[i] for i in a.cells]
    out = [f"Simulated data. Command: python benchmarks/trend_coverage.py --reps {a.reps} --seed {a.seed} "
           f"--fits {' '.join(a.fits)}" + (f" --cells {' '.join(map(str, a.cells))}" if a.cells else ""),
           f"Python {platform.python_version()}, statsmodels {statsmodels.__version__}, pandas {pd.__version__}, "
           f"numpy {np.__version__}; truth −5 % per year; seasonal amplitude 0.15 (log); COVID dip −0.25 (log) where named."]
    t0 = time.perf_counter()
    for name in a.fits:
        opts, desc = FITS[name]
        df = simulate.coverage(designs, reps=a.reps, seed=a.seed,
                               progress=lambda r: print(f"  {r['design']}: {r['coverage']:.3f}", file=sys.stderr),
                               **opts)
        out += ["", f"### {name}: {desc}", "", table(df)]
    if a.projection:
        cells = [d for d in designs if d.n_months == 120 and d.covid_effect != 0]
        out += ["", "### project(): 95 % prediction interval for the 2023 total, fitted on 2014–2021", "",
                "| design | reps | pi_coverage | mc_se | mean_pit | pit_sd | below_median_share |", "|---|---|---|---|---|---|---|"]
        for d in cells:
            r = simulate.projection_check(d, reps=a.reps, seed=a.seed + 1)
            print(f"  projection {r['design']}: {r['pi_coverage']:.3f}", file=sys.stderr)
            out.append(f"| {r['design']} | {r['reps']} | {r['pi_coverage']:.3f} | {r['mc_se']:.3f} | {r['mean_pit']:.3f} "
                       f"| {r['pit_sd']:.3f} | {r['below_median_share']:.3f} |")
    out.append(f"\nTotal time {time.perf_counter() - t0:.0f} s")
    text = "\n".join(out)
    print(text)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
