"""Calibration of the change test ("Meer dan toeval?") at the real, size-dependent dispersion (issue 16).

1. Type-I error (simulated data, truth: no change). For each gap (1 and 3 years) and size band of
   the two-year total (20–50, 50–200, 200–500, 500–5.000, > 5.000), levels are drawn from the real
   47018NED pairs in that band (their crime type and size), two counts with that same mean are
   simulated with the fitted noise of that type, band and gap, and the test is run with the same
   table. A cell passes when the 95 % Clopper–Pearson interval of its rejection rate overlaps 3–7 %.
2. Real data it was not fitted on: α per type, band and gap fitted on 2012–2018 pairs only; the
   standardised changes (k₂ − R·k₁)/√V of the 2022–2025 pairs (2024–2025 provisional) should have
   variance 0,8–1,25 in every size band (``in_band``); ``pass`` when the variance's 95 % interval
   (chi-square, as for a normal sample) overlaps that band, the acceptance rule of the type-I cells.

    nice python benchmarks/calibrate_noise.py [--reps 2000] [REALDATA_DIR]
    nice python benchmarks/calibrate_noise.py --big-count   # time and memory of a count of 3e8

The last line names the worst cell.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from ivpanalysis.analysis import noise  # noqa: E402
from ivpanalysis.ingest.loaders import counts_json  # noqa: E402

_spec = importlib.util.spec_from_file_location("estimate_overdispersion", ROOT / "scripts" / "estimate_overdispersion.py")
eo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(eo)

GAPS = (1, 3)
BAND_NAMES = ("20-50", "50-200", "200-500", "500-5000", ">5000")


def clopper_pearson(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    a = 1 - level
    lo = stats.beta.ppf(a / 2, x, n - x + 1) if x > 0 else 0.0
    hi = stats.beta.ppf(1 - a / 2, x + 1, n - x) if x < n else 1.0
    return float(lo), float(hi)


def models_from(p: pd.DataFrame, gap: int) -> dict[str, noise.NoiseModel]:
    """Noise model per type (and ``*``) fitted on the pairs ``p`` of one gap, as the script does."""
    rows = pd.DataFrame(eo.fit_rows(p, {}, gap))
    return {code: noise.NoiseModel(tuple(g.sort_values("n_low")["alpha"]), tuple(g.sort_values("n_low")["anchor_n"]),
                                   gap, code) for code, g in rows.groupby("soortmisdrijf")}


def type1_cell(real: pd.DataFrame, band: int, gap: int, reps: int, rng) -> tuple[int, int]:
    """(rejections, judged pairs) of ``reps`` simulated no-change pairs at the band's real sizes and types."""
    cell = real[noise.band_of(real["k1"] + real["k2"]) == band]
    draw = cell.sample(reps, replace=True, random_state=int(rng.integers(2 ** 31)))
    yes = judged = 0
    for code, g in draw.groupby("soortmisdrijf"):
        m = noise.model_for(code, gap)
        mu = ((g["k1"] + g["k2"]) / 2).to_numpy()
        k = noise.simulate_counts(np.c_[mu, mu], m, (len(g), 2), rng)
        v = noise.verdicts(k[:, 0], k[:, 1], m)
        judged += int((v != "too_small").sum())
        yes += int((v == "yes").sum())
    return yes, judged


def type1_table(wide: pd.DataFrame, reps: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for gap in GAPS:
        real = eo.judged(eo.pairs(wide, gap))
        for b, name in enumerate(BAND_NAMES):
            yes, n = type1_cell(real, b, gap, reps, rng)
            lo, hi = clopper_pearson(yes, n)
            rows.append({"gap": gap, "band": name, "judged": n, "type1": yes / n, "cp_low": lo, "cp_high": hi,
                         "pass": lo <= 0.07 and hi >= 0.03})
    return pd.DataFrame(rows)


def holdout_table(wide: pd.DataFrame) -> pd.DataFrame:
    """Variance of standardised 2022–2025 changes under the model fitted on 2012–2018, per gap and band."""
    rows = []
    for gap in GAPS:
        models = models_from(eo.judged(eo.pairs(wide, gap, 2012, 2018)), gap)
        test = eo.judged(eo.pairs(wide, gap, 2022, 2025))
        z = pd.concat([pd.DataFrame({"n": g["k1"] + g["k2"], "z": noise.standardised_changes(
            g["k1"], g["k2"], g["ratio"], models.get(code, models["*"]))}) for code, g in test.groupby("soortmisdrijf")])
        band = noise.band_of(z["n"])
        for b, name in enumerate(BAND_NAMES):
            s = z["z"][band == b]
            v, df = float(s.var()), len(s) - 1
            lo, hi = v * df / stats.chi2.ppf(0.975, df), v * df / stats.chi2.ppf(0.025, df)
            rows.append({"gap": gap, "band": name, "pairs": len(s), "var_z": v, "ci_low": lo, "ci_high": hi,
                         "in_band": 0.8 <= v <= 1.25, "pass": lo <= 1.25 and hi >= 0.8})
    return pd.DataFrame(rows)


def measure_big_count() -> str:
    """Wall and CPU time and traced peak memory of the police table with a count of 3e8 (issue 16)."""
    import shutil
    import tempfile
    import time
    import tracemalloc

    from ivpanalysis import paths
    from ivpanalysis.analysis import police
    from ivpanalysis.ingest import datafolder
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "data"
        shutil.copytree(paths.DATA_DIR, d)
        f = d / "police_figures.csv"
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        total = (df["region_code"] == "GM0995") & (df["measure"] == "criminaliteit_totaal")
        df.loc[total & (df["period"] == "2018"), "value"] = "300000000"
        df.loc[total & (df["period"] == "2019"), "value"] = "303000000"
        df.to_csv(f, index=False, lineterminator="\n")
        ds = datafolder.load(d)
        tracemalloc.start()
        t0, c0 = time.perf_counter(), time.process_time()
        police.police_table(ds, "GM0995", 2019)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return f"police table with a count of 3e8: {wall:.2f} s wall, {cpu:.2f} s CPU, traced peak {peak / 1e6:.1f} MB"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("realdata", nargs="?", default=str(ROOT.parent / "shared" / "realdata"))
    ap.add_argument("--reps", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--big-count", action="store_true", help="only measure the police table with a count of 3e8")
    args = ap.parse_args(argv)
    if args.big_count:
        print(measure_big_count())
        return 0
    crime = counts_json.load_file(Path(args.realdata) / eo.REL).counts
    t1 = type1_table(eo.wide_counts(crime), args.reps, args.seed)
    pd.set_option("display.width", 160)
    print("Type-I error of the change test at 5 % (simulated data at the real dispersion; "
          f"{args.reps} pairs per cell, 95 % Clopper-Pearson):")
    print(t1.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    ho = holdout_table(eo.wide_counts(crime, final_only=False))
    print("\nReal pairs not fitted on: variance of standardised 2022-2025 changes, model fitted on 2012-2018:")
    print(ho.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    dist = (t1["type1"] - 0.05).abs()
    w = t1.loc[dist.idxmax()]
    hw = ho.loc[(np.log(ho["var_z"])).abs().idxmax()]
    print(f"\nworst cell: type-I gap {w['gap']} band {w['band']}: {w['type1']:.4f} "
          f"(95 % CI {w['cp_low']:.4f}-{w['cp_high']:.4f}, {'pass' if w['pass'] else 'FAIL'}); "
          f"hold-out gap {hw['gap']} band {hw['band']}: var {hw['var_z']:.3f} on {hw['pairs']} pairs "
          f"(95 % CI {hw['ci_low']:.3f}-{hw['ci_high']:.3f}, {'pass' if hw['pass'] else 'FAIL'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
