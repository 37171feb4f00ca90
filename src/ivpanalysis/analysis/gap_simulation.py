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
                   with_margin: bool = True) -> pd.DataFrame:
    """Simulated units (labelled: simulated data) from the model :func:`gap_across` assumes.

    ln(crime per 1.000) ~ N(ln 50, 0.3²); % unsafe = 20 + ``slope``·(ln crime − ln 50) + u + e with
    u ~ N(0, ``tau``²) the ordinary differences between units and e ~ N(0, SE²) sampling error,
    SE = margin / 1.96, margins uniform on ``margin_range``. ``n_gaps`` units get a planted gap of
    ``gap_sd`` times their own sd √(τ² + SE²), sign at random; ``planted`` holds it (0 elsewhere).
    ``with_margin=False`` leaves the margins out of the frame (the analysis then does not know them).
    """
    rng = np.random.default_rng(seed)
    log_c = rng.normal(np.log(50.0), 0.3, n_units)
    margin = rng.uniform(*margin_range, n_units)
    se = margin / Z95
    y = 20.0 + slope * (log_c - np.log(50.0)) + rng.normal(0.0, tau, n_units) + rng.normal(0.0, 1.0, n_units) * se
    planted = np.zeros(n_units)
    if n_gaps:
        who = rng.choice(n_units, size=n_gaps, replace=False)
        planted[who] = rng.choice([-1.0, 1.0], size=n_gaps) * gap_sd * np.sqrt(tau ** 2 + se[who] ** 2)
    df = pd.DataFrame({"unit": [f"E{i:03d}" for i in range(n_units)], "crime_per_1000": np.exp(log_c),
                       "pct_unsafe": np.clip(y + planted, 0.0, 100.0), "planted": planted})
    if with_margin:
        df["margin"] = margin
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
