"""Simulation check of :func:`ivpanalysis.analysis.gap.gap_across` on a known data-generating process.

Everything here is simulated data, labelled as such (``attrs['simulated']``): units drawn from the
model ``gap_across`` assumes, optionally with planted gaps, and the share of units flagged — the
calibration (false flags) and power (planted gaps found) of the method. docs/methods-gap.md quotes
these figures with the commands that produce them; benchmarks/calibrate_gap.py runs the big cells.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ivpanalysis.analysis.gap import LEVEL, Z95, gap_across


def simulate_units(n_units: int = 100, *, seed: int = 0, tau: float = 2.0, slope: float = 8.0,
                   margin_range: tuple[float, float] = (1.0, 6.0), n_gaps: int = 0, gap_sd: float = 4.0,
                   with_margin: bool = True, with_truth: bool = False) -> pd.DataFrame:
    """Simulated units (labelled: simulated data) from the model :func:`gap_across` assumes.

    ln(crime per 1.000) ~ N(ln 50, 0.3²); % unsafe = 20 + ``slope``·(ln crime − ln 50) + u + e with
    u ~ N(0, ``tau``²) the ordinary differences between units and e ~ N(0, SE²) sampling error,
    SE = margin / 1.96, margins uniform on ``margin_range``. ``n_gaps`` units get a planted gap of
    ``gap_sd`` times their own sd √(τ² + SE²), sign at random; ``planted`` holds it (0 elsewhere).
    ``with_margin=False`` leaves the margins out of the frame (the analysis then does not know them);
    ``with_truth=True`` adds ``true_gap`` = u + planted, the unit's gap without sampling error.
    """
    rng = np.random.default_rng(seed)
    log_c = rng.normal(np.log(50.0), 0.3, n_units)
    margin = rng.uniform(*margin_range, n_units)
    se = margin / Z95
    u = rng.normal(0.0, tau, n_units)
    y = 20.0 + slope * (log_c - np.log(50.0)) + u + rng.normal(0.0, 1.0, n_units) * se
    planted = np.zeros(n_units)
    if n_gaps:
        who = rng.choice(n_units, size=n_gaps, replace=False)
        planted[who] = rng.choice([-1.0, 1.0], size=n_gaps) * gap_sd * np.sqrt(tau ** 2 + se[who] ** 2)
    df = pd.DataFrame({"unit": [f"E{i:03d}" for i in range(n_units)], "crime_per_1000": np.exp(log_c),
                       "pct_unsafe": np.clip(y + planted, 0.0, 100.0), "planted": planted})
    if with_margin:
        df["margin"] = margin
    if with_truth:
        df["true_gap"] = u + planted
    df.attrs["simulated"] = True
    return df


def naive_wls_flags(df: pd.DataFrame, level: float = LEVEL) -> np.ndarray:
    """Flags from plain WLS with weights 1/SE² and statsmodels-style prediction intervals (for comparison).

    Variance of unit i taken as s²·SE²ᵢ (a common multiplicative scale s², no between-unit term),
    interval fitted on all units. :func:`simulation_check` uses it to show why :func:`gap_across`
    adds τ²: with real between-unit differences this flags precise (large) units far too often and
    imprecise ones almost never. Expects complete rows with ``margin``.
    """
    X = np.column_stack([np.ones(len(df)), np.log(df["crime_per_1000"].to_numpy(float))])
    y = df["pct_unsafe"].to_numpy(float)
    w = 1.0 / (df["margin"].to_numpy(float) / Z95) ** 2
    n, p = X.shape
    xtwx_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    beta = xtwx_inv @ X.T @ (w * y)
    r = y - X @ beta
    s2 = float(w @ r ** 2 / (n - p))
    var = s2 / w + s2 * np.einsum("ij,jk,ik->i", X, xtwx_inv, X)
    tq = float(stats.t.ppf(0.5 + level / 2, n - p))
    return np.abs(r) > tq * np.sqrt(var)


def _share_row(method: str, gap_sd: float, what: str, hits: list[np.ndarray]) -> dict:
    """One result row: the share of hits with its Monte Carlo standard error and count."""
    h = np.concatenate(hits).astype(float) if hits else np.array([])
    share = float(h.mean()) if len(h) else float("nan")
    return {"method": method, "gap_sd": gap_sd, "what": what, "share": share,
            "mcse": float(np.sqrt(share * (1 - share) / len(h))) if len(h) else float("nan"), "units": int(len(h))}


def _tally(acc: dict, flag: np.ndarray, sim: pd.DataFrame, planted: np.ndarray, sign: np.ndarray,
           with_margin: bool) -> None:
    """Add one simulated data set's flags to the accumulators of one method (in place)."""
    none = planted == 0
    acc["outside"].append(flag[none])
    if with_margin:
        mg = sim["margin"].to_numpy()
        lo, hi = np.quantile(mg, [1 / 3, 2 / 3])
        acc["outside_most_precise"].append(flag[none & (mg <= lo)])
        acc["outside_least_precise"].append(flag[none & (mg >= hi)])
    if (~none).any():
        acc["recovered"].append(flag[~none] & (sign[~none] == np.sign(planted[~none])))


def simulation_check(reps: int = 200, n_units: int = 100, *, seed: int = 20240601, tau: float = 2.0,
                     n_gaps: int = 5, gap_sds: tuple[float, ...] = (3.0, 4.0, 5.0), with_margin: bool = True,
                     margin_range: tuple[float, float] = (1.0, 6.0), compare_naive: bool = False,
                     level: float = LEVEL) -> pd.DataFrame:
    """Calibration and power of :func:`gap_across` on :func:`simulate_units` data (simulated).

    Rows: ``gap_sd`` (0 = no planted gap, else the planted gaps' size in sd), ``what`` (``outside``:
    share of units without a planted gap outside the interval; ``outside_most_precise`` /
    ``outside_least_precise``: the same within the third of units with the smallest / largest
    margins; ``recovered``: share of planted gaps flagged with the right sign), ``share``, ``mcse``
    (Monte Carlo standard error) and ``units`` (how many unit-runs the share is over), per
    ``method``: ``gap_across``, and with ``compare_naive`` (margins needed) also ``naive_wls``
    (:func:`naive_wls_flags` on the same simulated data).
    """
    rng = np.random.default_rng(seed)
    rows = []
    methods = ["gap_across"] + (["naive_wls"] if compare_naive and with_margin else [])
    for gsd in (0.0, *gap_sds):
        acc = {m: {"outside": [], "outside_most_precise": [], "outside_least_precise": [], "recovered": []}
               for m in methods}
        for _ in range(reps):
            sim = simulate_units(n_units, seed=int(rng.integers(2 ** 31)), tau=tau, n_gaps=n_gaps if gsd else 0,
                                 gap_sd=gsd, with_margin=with_margin, margin_range=margin_range)
            planted = sim.pop("planted").to_numpy()
            res = gap_across(sim, level=level)
            flags = {"gap_across": res["flag"].to_numpy(dtype=bool)}
            if "naive_wls" in methods:
                flags["naive_wls"] = naive_wls_flags(sim, level)
            sign = np.sign(sim["pct_unsafe"].to_numpy() - res["expected"].to_numpy())
            for m, flag in flags.items():
                _tally(acc[m], flag, sim, planted, sign, with_margin)
        rows += [_share_row(m, gsd, what, parts) for m in methods for what, parts in acc[m].items() if parts]
    out = pd.DataFrame(rows)
    out.attrs.update({"reps": reps, "n_units": n_units, "seed": seed, "tau": tau, "n_gaps": n_gaps,
                      "with_margin": with_margin, "margin_range": margin_range, "level": level,
                      "simulated": True})
    return out


#: the calibration cells of issue 16 (item 5): units, between-unit sd τ, margin range (heteroscedastic), outlier
CELLS = (
    {"n_units": 12, "tau": 1.3, "margin_range": (0.5, 2.5), "outlier_sd": 0.0},
    {"n_units": 12, "tau": 1.3, "margin_range": (0.5, 2.5), "outlier_sd": 5.0},
    {"n_units": 100, "tau": 2.0, "margin_range": (1.0, 6.0), "outlier_sd": 0.0},
    {"n_units": 100, "tau": 2.0, "margin_range": (1.0, 6.0), "outlier_sd": 5.0},
)


def calibration_cell(n_units: int, *, reps: int = 1000, seed: int = 20261201, tau: float = 2.0,
                     margin_range: tuple[float, float] = (1.0, 6.0), outlier_sd: float = 0.0,
                     tau_method: str = "huber", level: float = LEVEL) -> dict:
    """Counts of one calibration cell over ``reps`` simulated data sets (simulated data).

    Heteroscedastic margins (uniform on ``margin_range``); with ``outlier_sd`` > 0 one unit per data
    set gets a gap of that many of its own sd √(τ² + SE²) (so at least that many SE). Returns the
    false flags among the other units (``false_flags`` of ``units``), how often the outlier was
    flagged (``outlier_flagged`` of ``outliers``) and how often the empirical-Bayes interval held
    the true gap u + planted (``eb_covered`` of ``units`` + ``outliers``).
    """
    rng = np.random.default_rng(seed)
    counts = {"false_flags": 0, "units": 0, "outlier_flagged": 0, "outliers": 0, "eb_covered": 0}
    for _ in range(reps):
        sim = simulate_units(n_units, seed=int(rng.integers(2 ** 31)), tau=tau, margin_range=margin_range,
                             n_gaps=1 if outlier_sd else 0, gap_sd=outlier_sd, with_truth=True)
        planted, truth = sim.pop("planted").to_numpy(), sim.pop("true_gap").to_numpy()
        res = gap_across(sim, level=level, tau_method=tau_method)
        flag = res["flag"].to_numpy(dtype=bool)
        other = planted == 0
        counts["false_flags"] += int(flag[other].sum())
        counts["units"] += int(other.sum())
        counts["outlier_flagged"] += int(flag[~other].sum())
        counts["outliers"] += int((~other).sum())
        counts["eb_covered"] += int(((res["gap_shrunk_lower"] <= truth) & (truth <= res["gap_shrunk_upper"])).sum())
    return {"n_units": n_units, "tau": tau, "margin_range": margin_range, "outlier_sd": outlier_sd, "reps": reps,
            "seed": seed, "tau_method": tau_method, "level": level, **counts}


def clopper_pearson(hits: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper–Pearson) ``level`` interval of a binomial share ``hits`` / ``n``."""
    a = 1 - level
    lo = float(stats.beta.ppf(a / 2, hits, n - hits + 1)) if hits > 0 else 0.0
    hi = float(stats.beta.ppf(1 - a / 2, hits + 1, n - hits)) if hits < n else 1.0
    return lo, hi


#: acceptance bands per measure (issue 16): false flags 3–7 % without, ≥ 2 % (and ≤ 7 %) beside an outlier;
#: the empirical-Bayes interval should hold the true gap about as often as it says (0,90–0,97)
BANDS = {("false_flags", False): (0.03, 0.07), ("false_flags", True): (0.02, 0.07), ("eb_covered", False): (0.90, 0.97),
         ("eb_covered", True): (0.90, 0.97), ("outlier_flagged", True): None}


def calibration_table(cells=CELLS, reps: int = 1000, seed: int = 20261201) -> pd.DataFrame:
    """Every cell of :data:`CELLS` (simulated data): per measure the share, its Clopper–Pearson 95 %
    interval, the band and whether the interval overlaps it (``passes``; None without a band)."""
    rows = []
    for i, cell in enumerate(cells):
        c = calibration_cell(reps=reps, seed=seed + i, **cell)
        outlier = cell["outlier_sd"] > 0
        counts = {"false_flags": (c["false_flags"], c["units"]),
                  "outlier_flagged": (c["outlier_flagged"], c["outliers"]),
                  "eb_covered": (c["eb_covered"], c["units"] + c["outliers"])}
        for measure, (hits, n) in counts.items():
            if (measure, outlier) not in BANDS:
                continue
            band = BANDS[(measure, outlier)]
            lo, hi = clopper_pearson(hits, n)
            rows.append({"n_units": cell["n_units"], "outlier_sd": cell["outlier_sd"], "tau": cell["tau"],
                         "margin_range": cell["margin_range"], "reps": reps, "seed": seed + i, "measure": measure,
                         "hits": hits, "n": n, "share": hits / n, "cp_lower": lo, "cp_upper": hi, "band": band,
                         "passes": None if band is None else bool(hi >= band[0] and lo <= band[1]),
                         "miss": 0.0 if band is None else max(band[0] - hi, lo - band[1], 0.0)})
    out = pd.DataFrame(rows)
    out.attrs["simulated"] = True
    return out
